/* SIGTERM (or SIGINT) during `evacsim rank`: it stops at once with a
 * message and a non-zero status, and leaves no file under the final names
 * and no partial file (issue 9). */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
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

/* Starts a long ranking of the sample into dir, stderr to a pipe read
 * through *err; kills it with sig after 1.5 s; returns its wait status. */
static int rank_and_kill(const char *dir, int sig, char *err, size_t n) {
  char out[4200], csv[4200];
  snprintf(out, sizeof out, "%s/r.h5", dir);
  snprintf(csv, sizeof csv, "%s/r.csv", dir);
  int fd[2];
  cr_assert_eq(pipe(fd), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    dup2(fd[1], STDERR_FILENO);
    close(fd[0]);
    execl(EVAC_BIN, EVAC_BIN, "rank", WARD, "-o", out, "--csv", csv, "--reps",
          "200", "--threads", "1", "--quiet", (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  struct timespec ts = {1, 500000000L};
  nanosleep(&ts, NULL);
  cr_assert_eq(kill(pid, sig), 0);
  size_t k = 0;
  ssize_t got;
  while (k + 1 < n && (got = read(fd[0], err + k, n - 1 - k)) != 0) {
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      break;
    k += (size_t)got;
  }
  err[k] = '\0';
  close(fd[0]);
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  return st;
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
