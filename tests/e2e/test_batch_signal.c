/* SIGTERM while `evacsim batch` writes its outputs (the reduction, after
 * every task is done): it stops between two files with exit 3 and
 * "interrupted while writing the outputs; re-run to resume", leaves no
 * county.h5 and no temporary, and a re-run completes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* The number of files in dir whose name ends in suffix. */
static int count(const char *dir, const char *suffix) {
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  int n = 0;
  const struct dirent *e;
  size_t k = strlen(suffix);
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    n += len > k && !strcmp(e->d_name + len - k, suffix);
  }
  closedir(d);
  return n;
}

Test(batch_signal, sigterm_while_writing_outputs, .timeout = 120) {
  char *dir = strdup(evac_test_dir("batch_signal"));
  char args[9000], manifest[4200], out[4200], buildings[4300], county[4300];
  char *text;
  snprintf(args, sizeof args,
           "gen county --buildings 12 --floors-max 2 --occupants-max 2 "
           "--duration 10 -o %s/c",
           dir);
  cr_assert_eq(evac_test_cli(args, &text), 0, "%s", text);
  free(text);
  snprintf(manifest, sizeof manifest, "%s/c/county.json", dir);
  snprintf(out, sizeof out, "%s/b", dir);
  snprintf(buildings, sizeof buildings, "%s/buildings", out);
  snprintf(county, sizeof county, "%s/county.h5", out);
  /* every task done first, so that the run below only writes outputs */
  snprintf(args, sizeof args, "batch %s -o %s --reps 2 --quiet", manifest, out);
  cr_assert_eq(evac_test_cli(args, &text), 0, "%s", text);
  free(text);
  snprintf(args, sizeof args, "rm -f %s/*.h5 %s/county.*", buildings, out);
  cr_assert_eq(system(args), 0);

  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    execl(EVAC_BIN, EVAC_BIN, "batch", manifest, "-o", out, "--reps", "2",
          "--quiet", (char *)NULL);
    _exit(98);
  }
  close(fds[1]);
  int seen = 0;
  for (int i = 0; i < 20000 && !seen; i++) { /* the first output: 20 s */
    seen = count(buildings, ".h5") > 0;
    struct timespec ms = {0, 1000000L};
    if (!seen)
      nanosleep(&ms, NULL);
  }
  cr_assert(seen, "no building file appeared");
  cr_assert_eq(kill(pid, SIGTERM), 0);
  char err[8192];
  size_t len = 0;
  ssize_t k;
  while ((k = read(fds[0], err + len, sizeof err - 1 - len)) > 0 ||
         (k < 0 && errno == EINTR))
    len += k > 0 ? (size_t)k : 0;
  err[len] = '\0';
  close(fds[0]);
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status %#x: %s", st, err);
  cr_expect(strstr(err, "interrupted while writing the outputs; re-run to "
                        "resume"),
            "%s", err);
  cr_expect(access(county, F_OK) != 0, "no county.h5 after the stop");
  cr_expect_lt(count(buildings, ".h5"), 12, "it stopped before the end");
  cr_expect_eq(count(buildings, ".partial") + count(out, ".partial"), 0,
               "no temporary left");
  snprintf(args, sizeof args, "batch %s -o %s --reps 2 --quiet", manifest, out);
  cr_expect_eq(evac_test_cli(args, &text), 0, "the re-run completes: %s", text);
  cr_expect(access(county, F_OK) == 0);
  free(text);
  free(dir);
}
