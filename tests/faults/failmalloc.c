/* failmalloc: an LD_PRELOAD shim that makes the n-th memory allocation of a
 * process fail, to test that evacsim handles allocation failure.
 *
 *   EVAC_FAIL_ALLOC=n     the n-th call (1-based, counted from process
 *                         start over malloc, calloc, realloc, reallocarray,
 *                         posix_memalign, aligned_alloc, memalign, valloc
 *                         and pvalloc) returns NULL with errno ENOMEM; every
 *                         other call succeeds. Unset (or not a positive
 *                         number): a pass-through.
 *   EVAC_ALLOC_COUNT=FILE at exit, writes the number of calls counted to
 *                         FILE (one decimal line).
 *
 * When a call has failed, a crash (SIGSEGV, SIGBUS, SIGABRT) prints one
 * line to stderr before the process dies of the signal as usual:
 *   failmalloc: signal S after allocation N failed; the allocation was
 *   made in LIB, the fault is in LIB
 * and so does exit ("failmalloc: exit after allocation N failed; the
 * allocation was made in LIB"), so that a failure inside a library that
 * does not handle allocation failure (HDF5) can be told from one in
 * evacsim.
 *
 * strdup, strndup, fopen, asprintf, ... allocate through malloc (glibc calls
 * the interposed malloc), so they are counted and fail through it. free is
 * wrapped only to recognise the few blocks handed out while dlsym itself
 * allocates (see boot_alloc). The count is shared by all threads. Only this
 * one call fails: the program may retry or go on without the memory. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

/* The real allocator, found with dlsym(RTLD_NEXT) on first use. */
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);
static void (*real_free)(void *);

/* Calls counted so far. */
static unsigned long long calls;
/* The call to fail (0: none); read from the environment on first use. */
static unsigned long long fail_at;
/* 1 once the real functions and fail_at are known; 2 while finding them. */
static int ready;
/* 1 while init loads the stack unwinder. */
static int warming;

/* dlsym may call malloc or calloc (for its error buffer) before the real
 * functions are known: such calls get zeroed memory from this arena, each
 * block after a header holding its size; blocks are never reused. */
static _Alignas(max_align_t) char boot_arena[16384];
static size_t boot_used;

/* 1 if p is a block of the bootstrap arena. */
static int in_boot_arena(const void *p) {
  return (const char *)p >= boot_arena &&
         (const char *)p < boot_arena + sizeof boot_arena;
}

/* A zeroed bootstrap block of size bytes, or NULL when the arena is full. */
static void *boot_alloc(size_t size) {
  size_t align = _Alignof(max_align_t);
  size_t start = (boot_used + align - 1) / align * align;
  if (size > sizeof boot_arena - start - align)
    return NULL;
  memcpy(boot_arena + start, &size, sizeof size);
  boot_used = start + align + size;
  return boot_arena + start + align; /* static storage: already zero */
}

/* The size of bootstrap block p. */
static size_t boot_size(const void *p) {
  size_t size;
  memcpy(&size, (const char *)p - _Alignof(max_align_t), sizeof size);
  return size;
}

static void init(void) {
  ready = 2;
  real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
  real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
  real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
  real_posix_memalign =
      (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
  real_aligned_alloc =
      (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
  real_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
  real_valloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "valloc");
  real_pvalloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "pvalloc");
  real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
  const char *s = getenv("EVAC_FAIL_ALLOC");
  if (s) {
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    fail_at = (*s && !*end) ? n : 0;
  }
  ready = 1;
  void *warm[2]; /* loads the unwinder now, its allocations not counted */
  warming = 1;
  backtrace(warm, 2);
  warming = 0;
}

/* Where the failed call came from (see made_by), once it failed. */
static void *failed_caller;
/* The stack the crash handler runs on (a stack overflow leaves none). */
static char crash_stack[1 << 16];

/* Appends s to buf (of size n) at *len, cut to fit. */
static void put(char *buf, size_t n, size_t *len, const char *s) {
  while (*s && *len + 1 < n)
    buf[(*len)++] = *s++;
}

/* The file name of the object that holds address a, or "?". */
static const char *object_of(void *a) {
  Dl_info info;
  if (a && dladdr(a, &info) && info.dli_fname && *info.dli_fname)
    return info.dli_fname;
  return "?";
}

/* Reports the crash (see the top of the file); the signal then kills the
 * process as usual (SA_RESETHAND). */
static void on_crash(int sig, siginfo_t *si, void *ctx) {
  (void)si;
  void *pc = NULL;
#if defined(__x86_64__)
  pc = (void *)((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
  pc = (void *)((ucontext_t *)ctx)->uc_mcontext.pc;
#else
  (void)ctx;
#endif
  char line[1024], num[24];
  size_t len = 0;
  put(line, sizeof line, &len, "failmalloc: signal ");
  snprintf(num, sizeof num, "%d", sig);
  put(line, sizeof line, &len, num);
  put(line, sizeof line, &len, " after allocation ");
  snprintf(num, sizeof num, "%llu", fail_at);
  put(line, sizeof line, &len, num);
  put(line, sizeof line, &len, " failed; the allocation was made in ");
  put(line, sizeof line, &len, object_of(failed_caller));
  put(line, sizeof line, &len, ", the fault is in ");
  put(line, sizeof line, &len, object_of(pc));
  put(line, sizeof line, &len, "\n");
  if (write(STDERR_FILENO, line, len) < 0)
    return;
}

/* Installs on_crash for the signals of a crash. */
static void catch_crashes(void) {
  stack_t ss = {.ss_sp = crash_stack, .ss_size = sizeof crash_stack};
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_crash;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  if (sigaltstack(&ss, NULL) == 0) {
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
  }
}

/* 1 if address a is in the same object as address b. */
static int same_object(void *a, void *b) {
  Dl_info ia, ib;
  return dladdr(a, &ia) && dladdr(b, &ib) && ia.dli_fbase == ib.dli_fbase;
}

/* The code that asked for memory: the first frame of the stack outside
 * this shim and the C library (strdup, vasprintf, ... allocate on behalf
 * of their caller); caller if the stack cannot be read. */
static void *made_by(void *caller) {
  void *frames[12];
  int k = backtrace(frames, 12);
  for (int i = 0; i < k; i++)
    if (!same_object(frames[i], (void *)made_by) &&
        !same_object(frames[i], (void *)real_free))
      return frames[i];
  return caller;
}

/* Counts a call from caller; 1 if it is the one to fail (errno is then
 * ENOMEM). */
static int should_fail(void *caller) {
  if (ready != 1)
    init();
  if (warming)
    return 0;
  unsigned long long n = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
  if (n != fail_at)
    return 0;
  failed_caller = made_by(caller);
  catch_crashes();
  errno = ENOMEM;
  return 1;
}

/* The return address of the calling wrapper: the allocating code. */
#define CALLER __builtin_return_address(0)

void *malloc(size_t size) {
  if (ready == 2)
    return boot_alloc(size);
  return should_fail(CALLER) ? NULL : real_malloc(size);
}

void *calloc(size_t n, size_t size) {
  if (ready == 2) /* dlsym bootstrap */
    return size && n > (size_t)-1 / size ? NULL : boot_alloc(n * size);
  return should_fail(CALLER) ? NULL : real_calloc(n, size);
}

void *realloc(void *p, size_t size) {
  if (ready == 2)
    return NULL;
  if (should_fail(CALLER))
    return NULL;
  if (in_boot_arena(p)) { /* rare: move a bootstrap block out */
    void *q = real_malloc(size);
    if (q)
      memcpy(q, p, size < boot_size(p) ? size : boot_size(p));
    return q;
  }
  return real_realloc(p, size);
}

void *reallocarray(void *p, size_t n, size_t size) {
  if (size && n > (size_t)-1 / size) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(p, n * size); /* counted once, there */
}

int posix_memalign(void **out, size_t align, size_t size) {
  if (ready == 2)
    return ENOMEM;
  return should_fail(CALLER) ? ENOMEM : real_posix_memalign(out, align, size);
}

void *aligned_alloc(size_t align, size_t size) {
  if (ready == 2)
    return NULL;
  return should_fail(CALLER) ? NULL : real_aligned_alloc(align, size);
}

void *memalign(size_t align, size_t size) {
  if (ready == 2)
    return NULL;
  return should_fail(CALLER) ? NULL : real_memalign(align, size);
}

void *valloc(size_t size) {
  if (ready == 2)
    return NULL;
  return should_fail(CALLER) ? NULL : real_valloc(size);
}

void *pvalloc(size_t size) {
  if (ready == 2)
    return NULL;
  return should_fail(CALLER) ? NULL : real_pvalloc(size);
}

/* free must not hand a bootstrap block to the real allocator. */
void free(void *p) {
  if (!p || in_boot_arena(p))
    return;
  if (ready == 0)
    init();
  if (real_free) /* else freed while dlsym runs: leaked */
    real_free(p);
}

/* Writes the count to $EVAC_ALLOC_COUNT, without allocating, and says
 * where the failed allocation was made, if one failed. */
__attribute__((destructor)) static void report_count(void) {
  if (failed_caller) {
    char line[1024], num[24];
    size_t len = 0;
    snprintf(num, sizeof num, "%llu", fail_at);
    put(line, sizeof line, &len, "failmalloc: exit after allocation ");
    put(line, sizeof line, &len, num);
    put(line, sizeof line, &len, " failed; the allocation was made in ");
    put(line, sizeof line, &len, object_of(failed_caller));
    put(line, sizeof line, &len, "\n");
    if (write(STDERR_FILENO, line, len) < 0)
      return;
  }
  const char *path = getenv("EVAC_ALLOC_COUNT");
  if (!path || !*path)
    return;
  char line[32];
  int len = snprintf(line, sizeof line, "%llu\n",
                     __atomic_load_n(&calls, __ATOMIC_RELAXED));
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return;
  if (write(fd, line, (size_t)len) != len)
    perror("failmalloc: EVAC_ALLOC_COUNT");
  close(fd);
}
