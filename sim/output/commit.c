/* Writing a file safely through a unique temporary, fsync and rename (see
 * commit.h). */
#define _GNU_SOURCE /* O_TMPFILE */
#include "commit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Temporaries that may exist at once (rank writes 4 files, batch 1). */
#define COMMIT_SLOTS 64
/* Names tried before giving up when each exists already. */
#define COMMIT_TRIES 100
/* Growth step of an in-memory HDF5 file, bytes. */
#define CORE_INCREMENT ((size_t)4 << 20)

/* The temporaries open now, for evac_commit_remove_all. Global because a
 * signal handler can reach nothing else; a slot is 0 (free), 1 (being
 * filled) or 2 (names a temporary). */
static char slot_name[COMMIT_SLOTS][sizeof((struct evac_commit *)0)->tmp];
static atomic_int slot_state[COMMIT_SLOTS];
/* Makes successive names of one process differ. */
static atomic_uint name_counter;

/* Records the first failure of c. Returns -1. */
static int failf(struct evac_commit *c, const char *fmt, ...) {
  if (c->reason[0])
    return -1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->reason, sizeof c->reason, fmt, ap);
  va_end(ap);
  return -1;
}

/* Six characters [0-9a-z] from the process, a counter, the clock and try. */
static void unique_suffix(char out[7], int try) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t x = (uint64_t)getpid() * 0x9E3779B97F4A7C15u ^
               (uint64_t)atomic_fetch_add(&name_counter, 1) << 32 ^
               (uint64_t)ts.tv_nsec * 0xBF58476D1CE4E5B9u ^ (uint64_t)try;
  x ^= x >> 31;
  x *= 0x94D049BB133111EBu;
  x ^= x >> 29;
  for (int i = 0; i < 6; i++, x /= 36)
    out[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[x % 36];
  out[6] = '\0';
}

/* Takes a free slot and lists name in it. Returns the slot, or -1. */
static int slot_take(const char *name) {
  for (int i = 0; i < COMMIT_SLOTS; i++) {
    int expected = 0;
    if (atomic_compare_exchange_strong(&slot_state[i], &expected, 1)) {
      memcpy(slot_name[i], name, strlen(name) + 1);
      atomic_store(&slot_state[i], 2);
      return i;
    }
  }
  return -1;
}

/* Frees c's slot, if any. */
static void slot_release(struct evac_commit *c) {
  if (c->slot >= 0)
    atomic_store(&slot_state[c->slot], 0);
  c->slot = -1;
}

/* Blocks (block = 1) or restores the termination signals around the
 * creation of a temporary, so that none is created but not listed. */
static void termination_signals(int block, sigset_t *old) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGTERM);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGHUP);
  pthread_sigmask(block ? SIG_BLOCK : SIG_SETMASK, block ? &s : old,
                  block ? old : NULL);
}

/* The folder of path, into dir (size n). */
static void dir_of(const char *path, char *dir, size_t n) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, n, ".");
  else
    snprintf(dir, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

int evac_commit_open(struct evac_commit *c, const char *path) {
  c->path = path;
  c->tmp[0] = '\0';
  c->fd = -1;
  c->slot = -1;
  c->unnamed = 0;
  c->reason[0] = '\0';
  if (strlen(path) + sizeof ".XXXXXX.partial" > sizeof c->tmp)
    return failf(c, "%s: path too long", path);
  for (int try = 0; try < COMMIT_TRIES && c->fd < 0; try++) {
    char suffix[7];
    unique_suffix(suffix, try);
    snprintf(c->tmp, sizeof c->tmp, "%s.%s.partial", path, suffix);
    sigset_t old;
    termination_signals(1, &old);
    c->fd =
        open(c->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    int err = errno;
    if (c->fd >= 0 && (c->slot = slot_take(c->tmp)) < 0) {
      close(c->fd);
      unlink(c->tmp);
      c->fd = -1;
      err = EMFILE;
    }
    termination_signals(0, &old);
    if (c->fd < 0 && err != EEXIST) {
      failf(c, "cannot create %s: %s", c->tmp, strerror(err));
      c->tmp[0] = '\0';
      return -1;
    }
  }
  if (c->fd < 0) {
    failf(c, "cannot create a temporary beside %s: %d names taken", path,
          COMMIT_TRIES);
    c->tmp[0] = '\0';
    return -1;
  }
  return 0;
}

int evac_commit_open_unnamed(struct evac_commit *c, const char *path) {
  char dir[sizeof c->tmp];
  dir_of(path, dir, sizeof dir);
  c->fd = strlen(path) + sizeof ".XXXXXX.partial" > sizeof c->tmp
              ? -1
              : open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
  if (c->fd < 0) /* not supported there: a named one, with its reason */
    return evac_commit_open(c, path);
  c->path = path;
  c->tmp[0] = '\0';
  c->slot = -1;
  c->unnamed = 1;
  c->reason[0] = '\0';
  return 0;
}

/* Gives the unnamed temporary of c a unique name beside the final one (as
 * evac_commit_open's) and lists it. Returns 0 or -1 (reason). */
static int name_unnamed(struct evac_commit *c) {
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", c->fd);
  for (int try = 0; try < COMMIT_TRIES; try++) {
    char suffix[7];
    unique_suffix(suffix, try);
    snprintf(c->tmp, sizeof c->tmp, "%s.%s.partial", c->path, suffix);
    sigset_t old;
    termination_signals(1, &old);
    int rc = linkat(AT_FDCWD, proc, AT_FDCWD, c->tmp, AT_SYMLINK_FOLLOW);
    int err = errno;
    if (rc == 0 && (c->slot = slot_take(c->tmp)) < 0) {
      unlink(c->tmp);
      rc = -1;
      err = EMFILE;
    }
    termination_signals(0, &old);
    if (rc == 0) {
      c->unnamed = 0;
      return 0;
    }
    if (err != EEXIST) {
      failf(c, "cannot create %s: %s", c->tmp, strerror(err));
      c->tmp[0] = '\0';
      return -1;
    }
  }
  failf(c, "cannot create a temporary beside %s: %d names taken", c->path,
        COMMIT_TRIES);
  c->tmp[0] = '\0';
  return -1;
}

const char *evac_commit_tmp_name(const struct evac_commit *c) {
  return c->tmp[0] ? c->tmp : "the temporary file";
}

int evac_commit_write(struct evac_commit *c, const void *buf, size_t size) {
  const char *p = buf;
  while (size > 0) {
    ssize_t k = write(c->fd, p, size);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return failf(c, "cannot write %s: %s", c->tmp,
                   strerror(k == 0 ? EIO : errno));
    p += k;
    size -= (size_t)k;
  }
  return 0;
}

hid_t evac_commit_h5_create(const char *name) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0)
    return -1;
  hid_t f = -1;
  if (H5Pset_fapl_core(fapl, CORE_INCREMENT, 0) >= 0 &&
      H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
    f = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  return f;
}

int evac_commit_h5(struct evac_commit *c, hid_t file) {
  /* the image is what is in memory: flush the caches and superblock first */
  int rc = H5Fflush(file, H5F_SCOPE_GLOBAL) < 0
               ? failf(c, "cannot flush the HDF5 file %s", c->path)
               : 0;
  ssize_t n = rc ? -1 : H5Fget_file_image(file, NULL, 0);
  if (!rc && n < 0)
    rc = failf(c, "cannot get the HDF5 image of %s", c->path);
  void *image = rc ? NULL : malloc(n > 0 ? (size_t)n : 1);
  if (!rc && !image)
    rc = failf(c, "out of memory for the image of %s (%zd bytes)", c->path, n);
  if (!rc && H5Fget_file_image(file, image, (size_t)n) != n)
    rc = failf(c, "cannot get the HDF5 image of %s", c->path);
  if (H5Fclose(file) < 0 && !rc)
    rc = failf(c, "cannot close the HDF5 file %s", c->path);
  if (!rc)
    rc = evac_commit_write(c, image, (size_t)n);
  free(image);
  return rc;
}

int evac_commit_sync(struct evac_commit *c) {
  if (c->fd < 0)
    return 0;
  int rc = fsync(c->fd);
  int err = errno;
  if (close(c->fd) < 0 && rc == 0) {
    rc = -1;
    err = errno;
  }
  c->fd = -1;
  return rc < 0 ? failf(c, "cannot write %s: %s", c->tmp, strerror(err)) : 0;
}

int evac_commit_target_ok(const char *path) {
  struct stat st;
  if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    return -1;
  }
  return 0;
}

/* Flushes the folder of path to disk; 0 or -1 (errno set). A folder that
 * cannot be synced (EINVAL: not supported there) is accepted. */
static int sync_dir_of(const char *path) {
  char dir[sizeof((struct evac_commit *)0)->tmp];
  dir_of(path, dir, sizeof dir);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int rc = fsync(fd);
  if (rc < 0 && errno == EINVAL)
    rc = 0;
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}

int evac_commit_rename(struct evac_commit *c) {
  if (evac_commit_target_ok(c->path) < 0) {
    failf(c, "cannot replace %s: it is a folder", c->path);
    evac_commit_abort(c);
    return -1;
  }
  if (rename(c->tmp, c->path) < 0) {
    failf(c, "cannot rename %s to %s: %s", c->tmp, c->path, strerror(errno));
    evac_commit_abort(c);
    return -1;
  }
  c->tmp[0] = '\0';
  slot_release(c);
  if (sync_dir_of(c->path) < 0) {
    failf(c, "cannot sync the folder of %s: %s", c->path, strerror(errno));
    unlink(c->path); /* durability unknown: leave nothing rather than maybe */
    return -1;
  }
  return 0;
}

int evac_commit_finish(struct evac_commit *c) {
  /* an unnamed temporary: its bytes on disk first, then a name, so that
   * the named temporary lives only for a moment */
  if (c->unnamed && fsync(c->fd) < 0) {
    failf(c, "cannot write the temporary of %s: %s", c->path, strerror(errno));
    evac_commit_abort(c);
    return -1;
  }
  if ((c->unnamed && name_unnamed(c) < 0) || evac_commit_sync(c) < 0) {
    evac_commit_abort(c);
    return -1;
  }
  return evac_commit_rename(c);
}

void evac_commit_abort(struct evac_commit *c) {
  if (c->fd >= 0)
    close(c->fd);
  c->fd = -1;
  if (c->tmp[0])
    unlink(c->tmp);
  c->tmp[0] = '\0';
  slot_release(c);
}

int evac_commit_bytes(const char *path, const void *buf, size_t size,
                      char *reason, size_t len) {
  struct evac_commit c;
  int rc = evac_commit_open(&c, path);
  if (!rc && evac_commit_write(&c, buf, size) < 0) {
    evac_commit_abort(&c);
    rc = -1;
  }
  if (!rc)
    rc = evac_commit_finish(&c);
  if (rc)
    snprintf(reason, len, "%s", c.reason);
  return rc;
}

void evac_commit_remove_all(void) {
  for (int i = 0; i < COMMIT_SLOTS; i++)
    if (atomic_load(&slot_state[i]) == 2)
      unlink(slot_name[i]);
}
