/* Output faults: a full disk (a file size limit) and SIGTERM or SIGKILL
 * during a run, which writes its result as it goes, leave no file under
 * the final name but a complete result, and a previous result there
 * intact (byte for byte). SIGTERM also removes the temporary
 * OUT.h5.XXXXXX.partial; SIGKILL leaves none while the temporary has no
 * name (O_TMPFILE, until the moment of the rename), and the next run
 * leaves no other.
 * A symlink or file planted where a temporary could go is never written
 * through, and two runs to one output do not share a temporary. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define DATA EVAC_SOURCE_DIR "/tests/data/"
#define WARD EVAC_SOURCE_DIR "/scenarios/ward-block.scenario.json"

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

/* The number of temporaries of out.h5 (out.h5.*.partial) in dir. */
static int partials(const char *dir) {
  DIR *d = opendir(dir);
  cr_assert(d, "%s: %s", dir, strerror(errno));
  int n = 0;
  const struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    n += len > 15 && !strncmp(e->d_name, "out.h5.", 7) &&
         !strcmp(e->d_name + len - 8, ".partial");
  }
  closedir(d);
  return n;
}

/* A test folder. */
struct place {
  char scenario[512]; /* two_floor with a fire and fine sampling */
  char out[512];      /* DIR/out.h5 */
  char dir[512];      /* DIR, where the temporaries out.h5.*.partial go */
};

/* Makes the folder tag with two_floor.plan.json and a scenario that
 * writes a large result (a fire, trajectories every 10 ms). */
static void setup(const char *tag, struct place *p) {
  size_t n;
  char *plan = evac_test_read(DATA "two_floor.plan.json", &n);
  cr_assert(plan);
  const char *dir = evac_test_dir(tag);
  free(evac_test_write(dir, "two_floor.plan.json", plan));
  free(plan);
  char *s = evac_test_write(
      dir, "s.scenario.json",
      "{\"evacsim_scenario\": 1, \"plan\": \"two_floor.plan.json\",\n"
      " \"duration_s\": 600, \"seed\": 42,\n"
      " \"occupants\": [{\"region\": \"Ward 1\", \"profile\": \"adult\", "
      "\"count\": 30}],\n"
      " \"fire\": {\"floor\": \"1\", \"at\": [2, 2], \"growth\": \"fast\", "
      "\"peak_kw\": 800},\n"
      " \"output\": {\"agents_every_s\": 0.01, \"fields_every_s\": 0.1}}\n");
  snprintf(p->scenario, sizeof p->scenario, "%s", s);
  free(s);
  snprintf(p->out, sizeof p->out, "%s/out.h5", dir);
  snprintf(p->dir, sizeof p->dir, "%s", dir);
}

/* A running `evacsim run SCENARIO -o OUT --quiet --seed SEED`. */
/* Starts the run; fsize > 0 limits the size of files it writes (bytes). */
static struct evac_test_child start(const char *scenario, const char *out,
                                    int seed, rlim_t fsize) {
  char seed_s[32];
  snprintf(seed_s, sizeof seed_s, "%d", seed);
  char *argv[] = {
      EVAC_BIN, "run",  (char *)scenario, "-o", (char *)out, "--quiet",
      "--seed", seed_s, "--threads",      "1",  NULL};
  return evac_test_spawn(argv, fsize);
}

/* Runs to completion; expects exit 0. */
static void run_ok(const struct place *p, int seed) {
  char *text;
  int st = evac_test_wait(start(p->scenario, p->out, seed, 0), &text);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", text);
  free(text);
}

/* 1 if path is a complete result file (/summary complete = 1). */
static int complete_result(const char *path) {
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  int32_t complete = 0;
  if (f >= 0) {
    hid_t a =
        H5Aopen_by_name(f, "/summary", "complete", H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Aread(a, H5T_NATIVE_INT32, &complete) < 0)
      complete = 0;
    if (a >= 0)
      H5Aclose(a);
    H5Fclose(f);
  }
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  return complete == 1;
}

/* Expects path to hold exactly the bytes prev (size n). */
static void expect_same(const char *path, const char *prev, size_t n) {
  size_t m;
  char *now = evac_test_read(path, &m);
  cr_assert(now, "%s is gone", path);
  cr_expect(m == n && memcmp(now, prev, n) == 0,
            "%s changed (%zu bytes, was %zu)", path, m, n);
  free(now);
}

/* ------------------------------------------------------------ full disk */

/* A write past RLIMIT_FSIZE fails with EFBIG: exit 4, the path named, no
 * result and no partial file. */
Test(output_faults, full_disk_new_file) {
  struct place p;
  setup("faults_disk_new", &p);
  char *text;
  int st = evac_test_wait(start(p.scenario, p.out, 1, 16 * 1024), &text);
  cr_assert(WIFEXITED(st), "killed by signal %d: %s",
            WIFSIGNALED(st) ? WTERMSIG(st) : 0, text);
  cr_expect_eq(WEXITSTATUS(st), 4, "%s", text);
  cr_expect(strstr(text, p.out), "the path is named: %s", text);
  cr_expect(strstr(text, "File too large"), "%s", text);
  cr_expect(!exists(p.out), "no result file");
  cr_expect_eq(partials(p.dir), 0, "no partial file");
  free(text);
}

Test(output_faults, full_disk_keeps_previous_result) {
  struct place p;
  setup("faults_disk_prev", &p);
  run_ok(&p, 1);
  size_t n;
  char *prev = evac_test_read(p.out, &n);
  cr_assert(prev && n > 64 * 1024, "the result is larger than the limit");
  char *text;
  int st = evac_test_wait(start(p.scenario, p.out, 2, 32 * 1024), &text);
  cr_assert(WIFEXITED(st), "%s", text);
  cr_expect_eq(WEXITSTATUS(st), 4, "%s", text);
  cr_expect(strstr(text, "cannot write result file"), "%s", text);
  expect_same(p.out, prev, n);
  cr_expect_eq(partials(p.dir), 0);
  free(text);
  free(prev);
}

/* --------------------------------------------------------------- signals */

/* Kills a run of the (long) ward-block sample after 0.5 s with sig, while
 * it simulates: it dies of sig, the previous result is intact and no
 * partial file exists. */
static void kill_during_run(const char *tag, int sig) {
  struct place p;
  setup(tag, &p);
  run_ok(&p, 1);
  size_t n;
  char *prev = evac_test_read(p.out, &n);
  struct evac_test_child c = start(WARD, p.out, 2, 0);
  sleep_ms(500);
  cr_assert_eq(kill(c.pid, sig), 0);
  char *text;
  int st = evac_test_wait(c, &text);
  cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == sig, "status %#x: %s", st, text);
  expect_same(p.out, prev, n);
  cr_expect_eq(partials(p.dir), 0);
  free(text);
  free(prev);
}

Test(output_faults, sigterm_during_run) {
  kill_during_run("faults_term_run", SIGTERM);
}

Test(output_faults, sigkill_during_run) {
  kill_during_run("faults_kill_run", SIGKILL);
}

/* 1 if process pid has the result's temporary in dir open (unnamed, where
 * the file system allows, or OUT.h5.XXXXXX.partial): a run writes its
 * result as it goes. */
static int writing_in(pid_t pid, const char *dir) {
  char fds[64];
  snprintf(fds, sizeof fds, "/proc/%d/fd", (int)pid);
  DIR *d = opendir(fds);
  if (!d)
    return 0;
  int found = 0;
  size_t n = strlen(dir);
  const struct dirent *e;
  while (!found && (e = readdir(d)) != NULL) {
    char link[600], target[600];
    snprintf(link, sizeof link, "%s/%s", fds, e->d_name);
    ssize_t k = readlink(link, target, sizeof target - 1);
    if (k <= 0)
      continue;
    target[k] = '\0';
    found = !strncmp(target, dir, n) && target[n] == '/' &&
            (strstr(target, " (deleted)") || strstr(target, ".partial"));
  }
  closedir(d);
  return found;
}

/* Kills a run with sig as soon as it writes its result (its temporary is
 * open, or its partial file appears). Under the final name there is the
 * previous result, or (if the rename won the race) the complete new one.
 * Returns 1 if the partial file was left. */
static int kill_mid_write(const char *tag, int sig) {
  struct place p;
  setup(tag, &p);
  run_ok(&p, 1);
  size_t n;
  char *prev = evac_test_read(p.out, &n);
  struct evac_test_child c = start(p.scenario, p.out, 2, 0);
  int seen = 0;
  for (int i = 0; i < 20000 && !seen; i++) { /* 20 s at most */
    seen = partials(p.dir) > 0 || writing_in(c.pid, p.dir);
    if (!seen)
      sleep_ms(1);
  }
  cr_assert(seen, "the result was never written");
  kill(c.pid, sig);
  char *text;
  int st = evac_test_wait(c, &text);
  cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == sig, "status %#x: %s", st, text);
  size_t m;
  char *now = evac_test_read(p.out, &m);
  cr_assert(now, "the previous result is gone");
  int same = m == n && memcmp(now, prev, n) == 0;
  cr_expect(same || complete_result(p.out),
            "the final name holds neither the previous result nor a "
            "complete new one");
  free(now);
  free(text);
  free(prev);
  int left = partials(p.dir);
  if (left) { /* the next run leaves no other */
    run_ok(&p, 3);
    cr_expect_eq(partials(p.dir), left, "a later run leaves no partial file");
    cr_expect(complete_result(p.out));
  }
  return left;
}

Test(output_faults, sigterm_mid_write_removes_partial) {
  cr_expect_eq(kill_mid_write("faults_term_write", SIGTERM), 0,
               "SIGTERM must remove the temporary");
}

Test(output_faults, sigkill_mid_write_keeps_final_name) {
  kill_mid_write("faults_kill_write", SIGKILL);
}
