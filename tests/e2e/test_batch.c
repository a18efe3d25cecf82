/* End-to-end: `evacsim batch` on a tiny generated county (6 two-storey
 * towers, 100 s, 2 replications; docs/hpc.md). The outputs of 3 MPI ranks
 * equal those of one rank byte for byte; a run killed mid-way (SIGKILL,
 * then SIGTERM) and resumed equals an uninterrupted run; a corrupt and a
 * missing building fail alone. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* The outputs compared byte for byte. */
static const char *const outputs[] = {"county.h5",
                                      "county.csv",
                                      "buildings/tower-01.h5",
                                      "buildings/tower-02.h5",
                                      "buildings/tower-03.h5",
                                      "buildings/tower-04.h5",
                                      "buildings/tower-05.h5",
                                      "buildings/tower-06.h5",
                                      NULL};

/* Generates the test county of n towers into dir. */
static void gen_county(const char *dir, int n) {
  char args[4096], *out = NULL;
  snprintf(args, sizeof args,
           "gen county --buildings %d --floors-max 2 --occupants-max 3 "
           "--duration 100 --reps 2 --seed 3 -o '%s'",
           n, dir);
  int rc = evac_test_cli(args, &out);
  cr_assert_eq(rc, 0, "gen county failed:\n%s", out ? out : "");
  free(out);
}

/* Runs `evacsim batch dir/county.json -o dir/sub EXTRA`; returns the exit
 * code, output in *out (malloc'd). */
static int batch(const char *dir, const char *sub, const char *extra,
                 char **out) {
  char args[8192];
  snprintf(args, sizeof args, "batch '%s/county.json' -o '%s/%s' %s", dir, dir,
           sub, extra);
  return evac_test_cli(args, out);
}

/* Asserts that dir/a/NAME and dir/b/NAME are identical for every output. */
static void expect_same_outputs(const char *dir, const char *a, const char *b) {
  for (int i = 0; outputs[i]; i++) {
    char pa[4096], pb[4096];
    snprintf(pa, sizeof pa, "%s/%s/%s", dir, a, outputs[i]);
    snprintf(pb, sizeof pb, "%s/%s/%s", dir, b, outputs[i]);
    size_t na = 0, nb = 0;
    char *x = evac_test_read(pa, &na), *y = evac_test_read(pb, &nb);
    cr_assert_not_null(x, "%s is missing", pa);
    cr_assert_not_null(y, "%s is missing", pb);
    cr_expect(na == nb && memcmp(x, y, na) == 0, "%s differs from %s", pb, pa);
    free(x);
    free(y);
  }
}

/* Number of finished task files in dir/sub/tasks. */
static int tasks_done(const char *dir, const char *sub) {
  char p[4096];
  snprintf(p, sizeof p, "%s/%s/tasks", dir, sub);
  DIR *d = opendir(p);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    n += strlen(e->d_name) == 20 && !strcmp(e->d_name + 16, ".bin");
  if (d)
    closedir(d);
  return n;
}

/* Starts `evacsim batch` in the background; returns its pid. */
static pid_t start_batch(const char *dir, const char *sub) {
  char manifest[4096], out[4096];
  snprintf(manifest, sizeof manifest, "%s/county.json", dir);
  snprintf(out, sizeof out, "%s/%s", dir, sub);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout))
      _exit(126);
    execl(EVAC_BIN, EVAC_BIN, "batch", manifest, "-o", out, "--threads", "1",
          "--quiet", (char *)NULL);
    _exit(127);
  }
  return pid;
}

/* Waits until dir/sub has at least n more finished tasks than before (at
 * most 60 s); returns 1 if it got there while pid was still running. */
static int wait_tasks(const char *dir, const char *sub, int n, pid_t pid) {
  int before = tasks_done(dir, sub);
  for (int i = 0; i < 6000; i++) {
    if (tasks_done(dir, sub) >= before + n)
      return waitpid(pid, NULL, WNOHANG) == 0;
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
  }
  return 0;
}

Test(batch, three_ranks_equal_one_rank, .timeout = 300) {
  const char *d = evac_test_dir("batch-mpi");
  cr_assert_not_null(d);
  char *dir = strdup(d), *out = NULL;
  gen_county(dir, 6);
  int rc = batch(dir, "one", "--threads 2", &out);
  cr_assert_eq(rc, 0, "batch failed (%d):\n%s", rc, out);
  cr_expect(strstr(out, "6 buildings (0 failed), 2 replications"),
            "no summary line:\n%s", out);
  free(out);
  /* the CSV: header, one row per (building, hazard), ranked */
  char p[4096];
  size_t n;
  snprintf(p, sizeof p, "%s/one/county.csv", dir);
  char *csv = evac_test_read(p, &n);
  cr_assert_not_null(csv);
  static const char header[] =
      "rank,building,hazard_id,type,delta_casualties_mean,"
      "delta_casualties_ci_low,delta_casualties_ci_high,cost,"
      "risk_reduction_per_cost,owner,rank_per_cost,"
      "delta_incapacitated_mean,delta_trapped_mean,delta_not_out_mean\n";
  cr_expect(!strncmp(csv, header, strlen(header)), "bad header:\n%s", csv);
  /* `info` summarises county.h5: its size and the county list's first line
     (the CSV's first row: rank 1, its building and hazard) */
  snprintf(p, sizeof p, "info %s/one/county.h5", dir);
  char *info = NULL;
  cr_expect_eq(evac_test_cli(p, &info), 0, "%s", info);
  cr_expect_not_null(strstr(info, "kind                   county batch\n"),
                     "%s", info);
  cr_expect_not_null(strstr(info, "buildings              6\n"), "%s", info);
  const char *row1 = csv + strlen(header); /* "1,tower-NN,H-NN,..." */
  char first[64];
  int nb = (int)strcspn(row1 + 2, ","), nh = (int)strcspn(row1 + 3 + nb, ",");
  snprintf(first, sizeof first, "\n  1    %.*s  %-8.*s", nb, row1 + 2, nh,
           row1 + 3 + nb);
  cr_expect_not_null(strstr(info, first), "no line '%s' in\n%s", first, info);
  free(info);
  int rows = 0;
  double last = 1e300;
  for (char *line = strchr(csv, '\n'); line && line[1];
       line = strchr(line + 1, '\n')) {
    int rank;
    double mean, lo, hi;
    char b[64];
    cr_assert_eq(sscanf(line + 1, "%d,%63[^,],%*[^,],%*[^,],%lf,%lf,%lf", &rank,
                        b, &mean, &lo, &hi),
                 5, "bad row: %.80s", line + 1);
    cr_expect_eq(rank, ++rows);
    cr_expect(mean <= last, "row %d is not in order", rank);
    cr_expect(lo <= mean && mean <= hi, "row %d: CI does not hold the mean",
              rank);
    last = mean;
  }
  free(csv);
  /* every tower has 2 to 4 hazards */
  cr_expect(rows >= 12 && rows <= 24, "%d rows", rows);
  /* county.h5: the contract's datasets, with units, and the links */
  snprintf(p, sizeof p, "%s/one/county.h5", dir);
  hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  static const char *const sets[] = {"/county/buildings/name",
                                     "/county/buildings/file",
                                     "/county/buildings/occupants",
                                     "/county/buildings/casualties_mean",
                                     "/county/buildings/hazards",
                                     "/county/ranking/rank",
                                     "/county/ranking/building",
                                     "/county/ranking/hazard_id",
                                     "/county/ranking/type",
                                     "/county/ranking/delta_casualties_mean",
                                     "/county/ranking/delta_casualties_ci_low",
                                     "/county/ranking/delta_casualties_ci_high",
                                     "/county/ranking/cost",
                                     "/county/ranking/risk_reduction_per_cost",
                                     "/county/ranking/owner",
                                     NULL};
  for (int i = 0; sets[i]; i++) {
    hid_t ds = H5Dopen2(f, sets[i], H5P_DEFAULT);
    cr_expect_geq(ds, 0, "%s is missing", sets[i]);
    if (ds >= 0) {
      cr_expect_gt(H5Aexists(ds, "unit"), 0, "%s has no unit", sets[i]);
      H5Dclose(ds);
    }
  }
  /* the external link reaches the building's file */
  cr_expect_gt(H5Aexists_by_name(f, "/buildings/tower-03/summary", "complete",
                                 H5P_DEFAULT),
               0, "the link /buildings/tower-03 does not resolve");
  /* stratified by fire: each of the tower's 3 weighted fires (4 with an
     e-bike's) has replications of its own, at least 2 a variant */
  double fires = 0.0, sims = 0.0, variants = 0.0;
  hid_t a = H5Aopen_by_name(f, "/buildings/tower-03/summary", "fires",
                            H5P_DEFAULT, H5P_DEFAULT);
  cr_expect_geq(a, 0, "no summary attribute fires");
  if (a >= 0) {
    H5Aread(a, H5T_NATIVE_DOUBLE, &fires);
    H5Aclose(a);
  }
  a = H5Aopen_by_name(f, "/buildings/tower-03/summary", "simulations",
                      H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0) {
    H5Aread(a, H5T_NATIVE_DOUBLE, &sims);
    H5Aclose(a);
  }
  a = H5Aopen_by_name(f, "/buildings/tower-03/summary", "variants", H5P_DEFAULT,
                      H5P_DEFAULT);
  if (a >= 0) {
    H5Aread(a, H5T_NATIVE_DOUBLE, &variants);
    H5Aclose(a);
  }
  cr_expect(fires >= 3.0 && fires <= 4.0, "fires %g", fires);
  cr_expect_geq(sims, 2.0 * 3.0 * variants, "%g simulations", sims);
  H5Fclose(f);
  evac_test_expect_units(p); /* every dataset, building files included */
#ifdef EVAC_MPIEXEC
  /* Open MPI's own allocations are never freed: leak checks (the ASan
   * build) are off for the MPI run only; memory errors still fail it. */
  char cmd[8192];
  snprintf(cmd, sizeof cmd,
           "ASAN_OPTIONS=detect_leaks=0 OMP_NUM_THREADS=1 %s "
           "--allow-run-as-root --oversubscribe -n 3 %s "
           "batch '%s/county.json' -o '%s/three' --quiet 2>&1",
           EVAC_MPIEXEC, EVAC_BIN, dir, dir);
  rc = system(cmd);
  cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "%s: failed", cmd);
  expect_same_outputs(dir, "one", "three");
#else
  cr_log_warn("built without MPI: comparing 1 rank at 1 and 2 threads");
  rc = batch(dir, "three", "--threads 1 --quiet", NULL);
  cr_assert_eq(rc, 0);
  expect_same_outputs(dir, "one", "three");
#endif
  free(dir);
}

Test(batch, killed_and_resumed_equals_uninterrupted, .timeout = 300) {
  const char *d = evac_test_dir("batch-resume");
  cr_assert_not_null(d);
  char *dir = strdup(d), *out = NULL;
  gen_county(dir, 6);
  cr_assert_eq(batch(dir, "whole", "--threads 2 --quiet", NULL), 0);
  int total = tasks_done(dir, "whole");
  /* SIGKILL once two tasks are done: what was finished is kept */
  pid_t pid = start_batch(dir, "cut");
  int running = wait_tasks(dir, "cut", 2, pid);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  cr_assert(running, "the batch ended before it could be killed");
  int kept = tasks_done(dir, "cut");
  cr_expect(kept >= 2 && kept < total, "%d of %d tasks kept", kept, total);
  /* SIGTERM: a clean stop, exit 3, "interrupted; re-run to resume" */
  char manifest[4096], sub[4096], cmd[8192];
  snprintf(manifest, sizeof manifest, "%s/county.json", dir);
  snprintf(sub, sizeof sub, "%s/cut", dir);
  pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    snprintf(cmd, sizeof cmd, "%s/term.log", dir);
    if (!freopen(cmd, "w", stderr) || !freopen("/dev/null", "w", stdout))
      _exit(126);
    execl(EVAC_BIN, EVAC_BIN, "batch", manifest, "-o", sub, "--threads", "1",
          "--quiet", (char *)NULL);
    _exit(127);
  }
  running = wait_tasks(dir, "cut", 1, pid);
  kill(pid, SIGTERM);
  int status;
  waitpid(pid, &status, 0);
  if (running) {
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 3,
              "SIGTERM: exit status %d, not 3", WEXITSTATUS(status));
    snprintf(cmd, sizeof cmd, "%s/term.log", dir);
    size_t n;
    char *log = evac_test_read(cmd, &n);
    cr_expect(log && strstr(log, "interrupted; re-run to resume"),
              "SIGTERM: no message:\n%s", log ? log : "");
    free(log);
    snprintf(cmd, sizeof cmd, "%s/cut/county.h5", dir);
    cr_expect(access(cmd, F_OK) != 0, "an interrupted run wrote county.h5");
  }
  /* resume: the rest is done, and the outputs are the same */
  int rc = batch(dir, "cut", "--threads 2 --quiet", &out);
  cr_assert_eq(rc, 0, "resume failed (%d):\n%s", rc, out);
  free(out);
  cr_expect_eq(tasks_done(dir, "cut"), total);
  expect_same_outputs(dir, "whole", "cut");
  free(dir);
}

Test(batch, bad_buildings_fail_alone, .timeout = 300) {
  const char *d = evac_test_dir("batch-bad");
  cr_assert_not_null(d);
  char *dir = strdup(d), *out = NULL, p[4096];
  gen_county(dir, 3);
  snprintf(p, sizeof p, "%s/tower-02/tower.scenario.json", dir);
  FILE *f = fopen(p, "w");
  cr_assert_not_null(f);
  fputs("{\"evacsim_scenario\": 1,\n  \"plan\": ", f); /* cut short */
  fclose(f);
  snprintf(p, sizeof p, "%s/tower-03/tower.plan.json", dir);
  cr_assert_eq(remove(p), 0);
  int rc = batch(dir, "out", "--threads 2", &out);
  cr_expect_eq(rc, 2, "exit status %d, not 2", rc);
  cr_expect(strstr(out, "buildings[1]: building \"tower-02\" failed: ") &&
                strstr(out, "tower-02/tower.scenario.json: line ") &&
                strstr(out, "invalid JSON"),
            "no error for tower-02:\n%s", out);
  cr_expect(strstr(out, "buildings[2]: building \"tower-03\" failed: ") &&
                strstr(out, "tower-03/tower.plan.json"),
            "no error for tower-03:\n%s", out);
  cr_expect(strstr(out, "3 buildings (2 failed)"), "no summary:\n%s", out);
  free(out);
  /* tower-01 is done and ranked; the others have no file */
  snprintf(p, sizeof p, "%s/out/buildings/tower-01.h5", dir);
  cr_expect_eq(access(p, F_OK), 0, "tower-01 has no result");
  snprintf(p, sizeof p, "%s/out/buildings/tower-02.h5", dir);
  cr_expect_neq(access(p, F_OK), 0, "tower-02 has a result");
  snprintf(p, sizeof p, "%s/out/county.csv", dir);
  size_t n;
  char *csv = evac_test_read(p, &n);
  cr_assert_not_null(csv);
  int rows = 0;
  for (char *l = strchr(csv, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
    rows++;
    cr_expect(strstr(l + 1, ",tower-01,") == strchr(l + 1, ','),
              "a row of another tower: %.60s", l + 1);
  }
  cr_expect(rows >= 2 && rows <= 4, "%d rows", rows);
  free(csv);
  snprintf(p, sizeof p, "%s/out/county.h5", dir);
  hid_t h = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(h, 0);
  cr_expect_gt(H5Lexists(h, "/buildings/tower-01", H5P_DEFAULT), 0);
  cr_expect_eq(H5Lexists(h, "/buildings/tower-02", H5P_DEFAULT), 0);
  H5Fclose(h);
  free(dir);
}

/* A building whose plan text is over 64 KiB (the most an HDF5 attribute
 * holds) gets its file: the inputs are stored as datasets. */
Test(batch, large_plan_is_stored, .timeout = 300) {
  const char *d = evac_test_dir("batch-large");
  cr_assert_not_null(d);
  char *dir = strdup(d), *out = NULL, args[8192], p[4096];
  snprintf(args, sizeof args,
           "gen county --buildings 1 --floors-max 30 --occupants-max 1 "
           "--duration 30 --reps 2 --seed 5 -o '%s'",
           dir);
  cr_assert_eq(evac_test_cli(args, &out), 0, "gen county failed:\n%s", out);
  free(out);
  snprintf(p, sizeof p, "%s/tower-01/tower.plan.json", dir);
  size_t n;
  char *plan = evac_test_read(p, &n);
  cr_assert_not_null(plan);
  free(plan);
  cr_assert_gt(n, 65536, "the test plan has only %zu bytes", n);
  int rc = batch(dir, "out", "", &out);
  cr_assert_eq(rc, 0, "exit status %d:\n%s", rc, out);
  free(out);
  snprintf(p, sizeof p, "%s/out/buildings/tower-01.h5", dir);
  hid_t h = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(h, 0);
  hid_t ds = H5Dopen(h, "/parameters/plan_json", H5P_DEFAULT);
  cr_expect_geq(ds, 0, "no /parameters/plan_json");
  if (ds >= 0)
    H5Dclose(ds);
  H5Fclose(h);
  free(dir);
}
