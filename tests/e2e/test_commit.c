/* Every writer commits its files the same way (a unique temporary beside
 * the final name, fsync, rename): `rank` and `batch` under a file size
 * limit exit 4 naming the file and leave no temporary (they crashed inside
 * HDF5 before); a symlink planted at OUT.h5.partial is not written
 * through; two runs to one output do not share a temporary; a folder at a
 * ranking's final name is refused before any file is replaced. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

/* The number of files under dir (recursively) whose name ends in
 * ".partial". */
static int partials(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  int n = 0;
  const struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    size_t len = strlen(e->d_name);
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
      n += partials(p);
    else
      n += len > 8 && !strcmp(e->d_name + len - 8, ".partial");
  }
  closedir(d);
  return n;
}

/* Runs evacsim with argv (argv[0] = EVAC_BIN), its files limited to fsize
 * bytes when fsize > 0; returns the wait status and the output in *text
 * (malloc'd). */
static int run_limited(char *const argv[], rlim_t fsize, char **text) {
  return evac_test_wait(evac_test_spawn(argv, fsize), text);
}

/* Expects exit status code (not a signal) with the output holding needle. */
static void expect_exit(int st, int code, const char *text,
                        const char *needle) {
  cr_assert(WIFEXITED(st), "killed by signal %d: %s",
            WIFSIGNALED(st) ? WTERMSIG(st) : 0, text);
  cr_expect_eq(WEXITSTATUS(st), code, "%s", text);
  cr_expect(strstr(text, needle), "'%s' is named: %s", needle, text);
}

/* A small ranking scenario (two hazards, 12 occupants) in dir. */
static char *rank_scenario(const char *dir) {
  return evac_test_write(
      dir, "rank.scenario.json",
      "{\"evacsim_scenario\": 1,\n"
      " \"plan\": \"" EVAC_SOURCE_DIR "/tests/data/two_floor.plan.json\",\n"
      " \"duration_s\": 300, \"seed\": 3,\n"
      " \"occupants\": [{\"region\": \"Ward 1\", \"profile\": \"elderly\", "
      "\"count\": 12}],\n"
      " \"fire\": {\"floor\": \"0\", \"at\": [3, 2], \"growth\": \"fast\", "
      "\"peak_kw\": 800},\n"
      " \"hazards\": [\n"
      "  {\"id\": \"H-ALARM\", \"type\": \"alarm_delayed\", \"cost\": 300},\n"
      "  {\"id\": \"H-STAIR\", \"type\": \"blocked_stair\", \"target\": "
      "\"Stair A\", \"floors\": [\"1\"], \"cost\": 500}]}\n");
}

Test(commit, rank_file_size_limit) {
  char *dir = strdup(evac_test_dir("commit_rank_fsize"));
  char *sc = rank_scenario(dir), out[4200], csv[4200];
  snprintf(out, sizeof out, "%s/r.h5", dir);
  snprintf(csv, sizeof csv, "%s/r.csv", dir);
  char *argv[] = {EVAC_BIN, "rank", sc,          "-o", out,       "--csv", csv,
                  "--reps", "2",    "--threads", "1",  "--quiet", NULL};
  char *text;
  /* 8 KiB: the replications' state files fit, the 23 KB ranking not */
  int st = run_limited(argv, 8 * 1024, &text);
  expect_exit(st, 4, text, out);
  cr_expect(strstr(text, "File too large"), "%s", text);
  cr_expect(access(out, F_OK) != 0 && access(csv, F_OK) != 0,
            "nothing under a final name");
  cr_expect_eq(partials(dir), 0, "no temporary left");
  free(text);
  /* without the limit, the re-run resumes and writes the ranking */
  st = run_limited(argv, 0, &text);
  expect_exit(st, 0, text, "");
  cr_expect(access(out, F_OK) == 0 && access(csv, F_OK) == 0);
  free(text);
  free(sc);
  free(dir);
}

Test(commit, batch_file_size_limit) {
  char *dir = strdup(evac_test_dir("commit_batch_fsize"));
  char args[4400], manifest[4200], out[4200], *text;
  snprintf(args, sizeof args,
           "gen county --buildings 2 --floors-max 2 --occupants-max 3 "
           "--duration 60 -o %s/county",
           dir);
  cr_assert_eq(evac_test_cli(args, &text), 0, "%s", text);
  free(text);
  snprintf(manifest, sizeof manifest, "%s/county/county.json", dir);
  snprintf(out, sizeof out, "%s/b", dir);
  char *argv[] = {EVAC_BIN, "batch",     manifest, "-o",      out, "--reps",
                  "2",      "--threads", "1",      "--quiet", NULL};
  /* 12 KiB: the task files fit, the 35 KB building files not */
  int st = run_limited(argv, 12 * 1024, &text);
  expect_exit(st, 4, text, "/b/buildings/tower-01.h5");
  cr_expect(strstr(text, "File too large"), "%s", text);
  cr_expect_eq(partials(out), 0, "no temporary left");
  char p[4300];
  snprintf(p, sizeof p, "%s/county.h5", out);
  cr_expect(access(p, F_OK) != 0, "no county.h5");
  free(text);
  /* without the limit, the re-run resumes from the tasks and completes */
  st = run_limited(argv, 0, &text);
  expect_exit(st, 0, text, "");
  cr_expect(access(p, F_OK) == 0, "%s", text);
  free(text);
  free(dir);
}

/* A symlink planted at OUT.h5.partial (the name older versions used) to a
 * file of the victim: the run writes its own temporary and leaves the
 * victim and the link as they were. */
Test(commit, planted_symlink_not_followed) {
  const char *dir = evac_test_dir("commit_symlink");
  char *victim = evac_test_write(dir, "victim.txt", "precious\n");
  char link_path[4200], out[4200];
  snprintf(out, sizeof out, "%s/out.h5", dir);
  snprintf(link_path, sizeof link_path, "%s/out.h5.partial", dir);
  cr_assert_eq(symlink(victim, link_path), 0, "%s", strerror(errno));
  char *argv[] = {
      EVAC_BIN,    "run", EVAC_SOURCE_DIR "/tests/data/two_floor.scenario.json",
      "-o",        out,   "--quiet",
      "--threads", "1",   NULL};
  char *text;
  int st = run_limited(argv, 0, &text);
  expect_exit(st, 0, text, "");
  size_t n;
  char *v = evac_test_read(victim, &n);
  cr_expect_str_eq(v, "precious\n", "the victim is untouched");
  struct stat s;
  cr_expect(lstat(link_path, &s) == 0 && S_ISLNK(s.st_mode),
            "the planted link is left alone");
  cr_expect(lstat(out, &s) == 0 && S_ISREG(s.st_mode) && s.st_size > 1000);
  free(v);
  free(text);
  free(victim);
}

/* Two runs to the same output at once: both succeed, the final name holds
 * a complete result, and no temporary is left. */
Test(commit, two_runs_one_output) {
  const char *dir = evac_test_dir("commit_two_runs");
  char out[4200];
  snprintf(out, sizeof out, "%s/out.h5", dir);
  char cmd[8800];
  snprintf(cmd, sizeof cmd,
           "for s in 1 2 3 4; do '%s' run '%s' -o '%s' --seed $s --quiet "
           "--threads 1 & p=\"$p $!\"; done; r=0; for j in $p; do wait $j || "
           "r=1; done; exit $r",
           EVAC_BIN, EVAC_SOURCE_DIR "/tests/data/two_floor.scenario.json",
           out);
  char *argv[] = {"/bin/bash", "-c", cmd, NULL};
  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    execv(argv[0], argv);
    _exit(98);
  }
  close(fds[1]);
  char err[4096];
  ssize_t k = read(fds[0], err, sizeof err - 1);
  err[k > 0 ? k : 0] = '\0';
  close(fds[0]);
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a run failed: %s", err);
  char verify[4400], *text;
  snprintf(verify, sizeof verify, "run --verify %s --quiet", out);
  cr_expect_eq(evac_test_cli(verify, &text), 0, "%s", text);
  free(text);
  cr_expect_eq(partials(dir), 0, "no temporary left");
}

/* A folder at the name of one of a ranking's CSV lists: refused before
 * any final name is replaced; the folder, the previous ranking and no
 * temporary are left. */
Test(commit, rank_folder_at_final_name) {
  char *dir = strdup(evac_test_dir("commit_rank_folder"));
  char *sc = rank_scenario(dir), out[4200], csv[4200], hz[4300];
  snprintf(out, sizeof out, "%s/r.h5", dir);
  snprintf(csv, sizeof csv, "%s/r.csv", dir);
  snprintf(hz, sizeof hz, "%s/r-hazards.csv", dir);
  char *prev = evac_test_write(dir, "r.h5", "previous ranking\n");
  cr_assert_eq(mkdir(hz, 0777), 0);
  char *argv[] = {EVAC_BIN, "rank", sc,          "-o", out,       "--csv", csv,
                  "--reps", "2",    "--threads", "1",  "--quiet", NULL};
  char *text;
  int st = run_limited(argv, 0, &text);
  expect_exit(st, 4, text, hz);
  cr_expect(strstr(text, "folder"), "%s", text);
  size_t n;
  char *now = evac_test_read(out, &n);
  cr_expect_str_eq(now, "previous ranking\n", "r.h5 is kept");
  struct stat s;
  cr_expect(stat(hz, &s) == 0 && S_ISDIR(s.st_mode), "the folder is kept");
  cr_expect_eq(partials(dir), 0, "no temporary left");
  free(now);
  free(text);
  free(prev);
  free(sc);
  free(dir);
}

Test(commit, gen_county_file_size_limit) {
  char *dir = strdup(evac_test_dir("commit_gen_fsize"));
  char out[4200], *text;
  snprintf(out, sizeof out, "%s/county", dir);
  char *argv[] = {EVAC_BIN, "gen",          "county", "--buildings",
                  "3",      "--floors-max", "4",      "--occupants-max",
                  "5",      "-o",           out,      NULL};
  /* 4 KiB: a tower's plan does not fit */
  int st = run_limited(argv, 4 * 1024, &text);
  cr_assert(WIFEXITED(st), "killed by signal: %s", text);
  cr_expect_eq(WEXITSTATUS(st), 4, "%s", text);
  free(text);
  char p[4300];
  for (int i = 1; i <= 3; i++) {
    snprintf(p, sizeof p, "%s/tower-%02d", out, i);
    cr_expect(access(p, F_OK) != 0, "%s left behind", p);
  }
  snprintf(p, sizeof p, "%s/county.json", out);
  cr_expect(access(p, F_OK) != 0, "no county.json");
  free(dir);
}
