/* SIGTERM (or SIGINT) during `evacsim rank`: it stops at once with a
 * message and a non-zero status, and leaves no file under the final names
 * and no partial file; the replications it finished are kept in
 * RANK.h5.state, and a re-run resumes from them to the same result as an
 * uninterrupted ranking. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define WARD EVAC_SOURCE_DIR "/scenarios/ward-block.scenario.json"

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Starts evacsim with argv (argv[0] = EVAC_BIN), its stderr to a pipe whose
 * read end goes to *fd; returns its pid. */
static pid_t spawn(char *const argv[], int *fd) {
  int p[2];
  cr_assert_eq(pipe(p), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    dup2(p[1], STDERR_FILENO);
    close(p[0]);
    execv(EVAC_BIN, argv);
    _exit(127);
  }
  close(p[1]);
  *fd = p[0];
  return pid;
}

/* Reads the child's stderr from fd into err (n bytes at most, NUL
 * terminated) until it closes, then waits for pid; returns its status. */
static int drain_and_wait(pid_t pid, int fd, char *err, size_t n) {
  size_t k = 0;
  ssize_t got;
  while (k + 1 < n && (got = read(fd, err + k, n - 1 - k)) != 0) {
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      break;
    k += (size_t)got;
  }
  err[k] = '\0';
  close(fd);
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  return st;
}

/* Starts a long ranking of the sample into dir, stderr to a pipe read
 * through *err; kills it with sig after 1.5 s; returns its wait status. */
static int rank_and_kill(const char *dir, int sig, char *err, size_t n) {
  char out[4200], csv[4200];
  snprintf(out, sizeof out, "%s/r.h5", dir);
  snprintf(csv, sizeof csv, "%s/r.csv", dir);
  char *argv[] = {EVAC_BIN, "rank", WARD,        "-o", out,       "--csv", csv,
                  "--reps", "200",  "--threads", "1",  "--quiet", NULL};
  int fd;
  pid_t pid = spawn(argv, &fd);
  struct timespec ts = {1, 500000000L};
  nanosleep(&ts, NULL);
  cr_assert_eq(kill(pid, sig), 0);
  return drain_and_wait(pid, fd, err, n);
}

static void expect_clean_stop(const char *tag, int sig) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", evac_test_dir(tag));
  char err[4096];
  int st = rank_and_kill(dir, sig, err, sizeof err);
  cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == sig,
            "dies of the signal (status %#x): %s", st, err);
  cr_expect_not_null(strstr(err, "stopped by a signal; no output written"),
                     "says so: %s", err);
  static const char *const names[] = {"r.h5", "r.csv", "r-hazards.csv",
                                      "r-closure.csv", "r-owners.csv"};
  for (int i = 0; i < 5; i++) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    cr_expect(!exists(path), "%s must not exist", names[i]);
    strcat(path, ".partial");
    cr_expect(!exists(path), "%s.partial must not exist", names[i]);
  }
}

Test(rank_signal, sigterm_stops_cleanly) {
  expect_clean_stop("rank_sigterm", SIGTERM);
}

Test(rank_signal, sigint_stops_cleanly) {
  expect_clean_stop("rank_sigint", SIGINT);
}

/* Finished block files (.bin) in dir (0 if it is missing). */
static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d))) { /* finished blocks, not temporaries */
    size_t len = strlen(e->d_name);
    n += e->d_name[0] != '.' && len > 4 && !strcmp(e->d_name + len - 4, ".bin");
  }
  if (d)
    closedir(d);
  return n;
}

/* The ranking of the test: a generated 3-floor tower (seed 7: fixing its
 * blocked exit gets people out sooner, so fewer are still on their way at
 * the 90 s end: the objective not-safe counts them) with 4 hazards, 8
 * replications a variant, one greedy step: 64 simulations. */
#define RANK_ARGS                                                              \
  "--reps 8 --min-reps 8 --steps 1 --threads 2 --objective not-safe"

/* Starts the ranking of scenario into out (stderr to a pipe read into
 * err), sends SIGTERM once out.state holds at least `after` files, and
 * returns its wait status. */
static int rank_until(const char *scenario, const char *out, int after,
                      char *err, size_t n) {
  char state[4200];
  cr_assert_lt(snprintf(state, sizeof state, "%s.state", out),
               (int)sizeof state);
  char *argv[] = {EVAC_BIN,  "rank",        (char *)scenario,
                  "-o",      (char *)out,   "--reps",
                  "8",       "--min-reps",  "8",
                  "--steps", "1",           "--threads",
                  "2",       "--objective", "not-safe",
                  "--quiet", NULL};
  int fd;
  pid_t pid = spawn(argv, &fd);
  struct timespec ms = {0, 1000000L};
  for (int i = 0; i < 20000 && count_files(state) < after; i++)
    nanosleep(&ms, NULL);
  cr_assert_geq(count_files(state), after, "state files appear");
  cr_assert_eq(kill(pid, SIGTERM), 0);
  return drain_and_wait(pid, fd, err, n);
}

/* 1 if the files a/name and b/name have the same bytes. */
static int same_file(const char *a, const char *b, const char *name) {
  char pa[4400], pb[4400];
  if (snprintf(pa, sizeof pa, "%s/%s", a, name) >= (int)sizeof pa ||
      snprintf(pb, sizeof pb, "%s/%s", b, name) >= (int)sizeof pb)
    return 0;
  size_t na = 0, nb = 0;
  char *x = evac_test_read(pa, &na), *y = evac_test_read(pb, &nb);
  int same = x && y && na == nb && memcmp(x, y, na) == 0;
  free(x);
  free(y);
  return same;
}

/* Puts "smoke": {"model": "layer"} into the scenario file at path (in
 * dir/tower-01). The test is about stopping and resuming a ranking: it
 * needs variants that differ (fixing the chained exit moves RSET) and a
 * ranking that runs all 64 simulations. With the default "momentum" smoke
 * this small tower has 8 casualties as is and no hazard's fix changes any
 * outcome (every difference 0, H-03's too), and the ranking resolves
 * before 64 simulations. The run lasts 200 s: with 90 s nobody could leave
 * (about 188 s needed), and once the flames' radiant heat counted, fixing
 * the chained exit changed no outcome of those 90 s either; in 200 s it
 * moves RSET by 22 s. */
static void layer_smoke(const char *dir, const char *path) {
  char *text = evac_test_read(path, NULL), sub[4200];
  cr_assert(text && text[0] == '{', "%s: not a JSON object", path);
  size_t n = strlen(text) + 40;
  char *out = malloc(n);
  cr_assert_not_null(out);
  snprintf(out, n, "{\"smoke\": {\"model\": \"layer\"},%s", text + 1);
  snprintf(sub, sizeof sub, "%s/tower-01", dir);
  free(evac_test_write(sub, "tower.scenario.json", out));
  free(out);
  free(text);
}

Test(rank_signal, sigterm_then_resume_is_identical) {
  char dir[4096], cmd[20000], *out = NULL;
  snprintf(dir, sizeof dir, "%s", evac_test_dir("rank_resume"));
  snprintf(cmd, sizeof cmd,
           "gen county --buildings 1 --floors-max 3 --occupants-max 4 "
           "--duration 200 --reps 2 --seed 7 -o %s",
           dir);
  cr_assert_eq(evac_test_cli(cmd, &out), 0, "%s", out);
  free(out);
  char scenario[4400], whole[4400], cut[4400];
  snprintf(scenario, sizeof scenario, "%s/tower-01/tower.scenario.json", dir);
  layer_smoke(dir, scenario);
  snprintf(whole, sizeof whole, "%s/whole", dir);
  snprintf(cut, sizeof cut, "%s/cut", dir);
  cr_assert_eq(mkdir(whole, 0777), 0);
  cr_assert_eq(mkdir(cut, 0777), 0);

  /* uninterrupted */
  snprintf(cmd, sizeof cmd,
           "rank %s -o %s/r.h5 --csv %s/r.csv " RANK_ARGS " --quiet", scenario,
           whole, whole);
  cr_assert_eq(evac_test_cli(cmd, &out), 0, "%s", out);
  free(out);
  char state[4600];
  snprintf(state, sizeof state, "%s/r.h5.state", whole);
  cr_expect(!exists(state), "the state folder goes when the rank completes");

  /* interrupted after 20 of its 64 simulations */
  char rh5[4600], err[4096];
  snprintf(rh5, sizeof rh5, "%s/r.h5", cut);
  snprintf(state, sizeof state, "%s/r.h5.state", cut);
  int st = rank_until(scenario, rh5, 20, err, sizeof err);
  cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x: %s", st,
            err);
  cr_expect_not_null(strstr(err, "r.h5.state; re-run to resume"), "%s", err);
  cr_expect(!exists(rh5), "no ranking file");
  int kept = count_files(state);
  cr_expect(kept >= 20 && kept < 64, "%d state files", kept);

  /* a state file cut short is not trusted: that replication runs again */
  DIR *d = opendir(state);
  cr_assert_not_null(d);
  struct dirent *e;
  while ((e = readdir(d)) && e->d_name[0] == '.')
    ;
  cr_assert_not_null(e);
  char victim[4900];
  snprintf(victim, sizeof victim, "%s/%s", state, e->d_name);
  closedir(d);
  cr_assert_eq(truncate(victim, 10), 0);

  /* resumed */
  snprintf(cmd, sizeof cmd, "rank %s -o %s/r.h5 --csv %s/r.csv " RANK_ARGS,
           scenario, cut, cut);
  cr_assert_eq(evac_test_cli(cmd, &out), 0, "%s", out);
  cr_expect_not_null(strstr(out, "r.h5.state: resumed "), "%s", out);
  cr_expect_not_null(strstr(out, " finished replications of 64"), "%s", out);
  free(out);
  cr_expect(!exists(state), "the state folder goes when the rank completes");

  char path[4700];
  snprintf(path, sizeof path, "%s/r.h5", whole);
  evac_test_expect_units(path); /* every column of RANK.h5 has a unit */

  /* `info` summarises a ranking: its size and the list's first line */
  snprintf(cmd, sizeof cmd, "info %s/r.h5", whole);
  cr_expect_eq(evac_test_cli(cmd, &out), 0, "%s", out);
  cr_expect_not_null(strstr(out, "kind                   ranking\n"), "%s",
                     out);
  cr_expect_not_null(strstr(out, "hazards                4\n"), "%s", out);
  cr_expect_not_null(strstr(out, "rectification list     4 lines\n"), "%s",
                     out);
  cr_expect_not_null(strstr(out, "\n  2    H-03     blocked_exit "), "%s", out);
  cr_expect_not_null(strstr(out, "casualties as is "), "%s", out);
  free(out);

  /* the variants differ (fixing the chained exit moves RSET), so replications
     stored under the wrong variant would change the lists */
  snprintf(path, sizeof path, "%s/r.csv", whole);
  char *csv = evac_test_read(path, NULL);
  cr_assert_not_null(csv);
  cr_expect_not_null(strstr(csv, "\n2,H-03,blocked_exit,"), "%s", csv);
  cr_expect_null(strstr(csv, "\n2,H-03,blocked_exit,East exit,all,0,0,0,0,0,"),
                 "H-03 changes the outcome:\n%s", csv);
  free(csv);

  static const char *const csvs[] = {"r.csv", "r-hazards.csv", "r-closure.csv",
                                     "r-owners.csv"};
  for (int i = 0; i < 4; i++)
    cr_expect(same_file(whole, cut, csvs[i]), "%s differs", csvs[i]);
  /* RANK.h5: every value but /summary wall_clock_s and cpu_s (which differ
     between any two runs), compared in h5dump's text */
  int len = snprintf(
      cmd, sizeof cmd,
      "for x in %s %s; do h5dump $x/r.h5 | tail -n +2 | "
      "sed '/ATTRIBUTE \"wall_clock_s\"/,/}/d; /ATTRIBUTE \"cpu_s\"/,/}/d' "
      "> $x/r.dump || exit 1; "
      "done; grep -q simulations %s/r.dump && cmp -s %s/r.dump %s/r.dump",
      whole, cut, whole, whole, cut);
  cr_assert_lt(len, (int)sizeof cmd);
  cr_expect_eq(system(cmd), 0, "RANK.h5 differs (h5dump %s/r.h5)", cut);
}
