/* End-to-end: `cmake --install` to a temporary prefix, then the prefix is
 * moved elsewhere and its binary run with no EVACSIM_VIZ_DIR: --version
 * names the moved prefix's scripts (not the source tree's), `check` takes
 * an installed sample, `run` and `report` work on a small result, `import`
 * on the installed sample DXF; the man page and the bash completion are
 * there (the page lists import); every command answers --help. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "support.h"

/* Runs cmd with the shell (stdout and stderr into *out, malloc'd);
 * returns the exit code, or -1. */
static int sh(const char *cmd, char **out) {
  char full[20000];
  snprintf(full, sizeof full, "%s 2>&1", cmd);
  FILE *p = popen(full, "r");
  if (!p)
    return -1;
  size_t n = 0, cap = 1 << 16;
  char *buf = malloc(cap);
  size_t got;
  while (buf && n + 1 < cap && (got = fread(buf + n, 1, cap - n - 1, p)) > 0)
    n += got;
  if (buf)
    buf[n] = '\0';
  int st = pclose(p);
  *out = buf;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Runs cmd expecting exit 0; returns the output. */
static char *sh_ok(const char *cmd) {
  char *out = NULL;
  int rc = sh(cmd, &out);
  cr_expect_eq(rc, 0, "%s: exit %d:\n%s", cmd, rc, out ? out : "");
  return out;
}

static int is_file(const char *dir, const char *name) {
  char path[8400];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

Test(install, installed_tool_runs_without_the_source_tree, .timeout = 600) {
  char *dir = strdup(evac_test_dir("install"));
  cr_assert(strlen(dir) < 2000);
  char cmd[16384], moved[2100], bin[2200], rep[2100];
  snprintf(cmd, sizeof cmd,
           EVAC_CMAKE " --install " EVAC_BUILD_DIR " --prefix %s/prefix", dir);
  free(sh_ok(cmd));
  snprintf(moved, sizeof moved, "%s/moved", dir);
  snprintf(cmd, sizeof cmd, "mv %s/prefix %s", dir, moved);
  free(sh_ok(cmd));
  static const char *const files[] = {
      "bin/evacsim",
      "share/evacsim/viz/evacsim-report",
      "share/evacsim/viz/evacsim-import",
      "share/evacsim/viz/evacviz/run_report.py",
      "share/evacsim/viz/evacviz/dxf_raster.py",
      "share/evacsim/scenarios/ward-block.scenario.json",
      "share/evacsim/scenarios/ward-floor.dxf",
      "share/man/man1/evacsim.1",
      "share/bash-completion/completions/evacsim"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++)
    cr_expect(is_file(moved, files[i]), "%s/%s not installed", moved, files[i]);
  snprintf(bin, sizeof bin, "env -u EVACSIM_VIZ_DIR %s/bin/evacsim", moved);

  snprintf(cmd, sizeof cmd, "%s --version", bin);
  char *out = sh_ok(cmd);
  char want[2200];
  snprintf(want, sizeof want, "scripts: %s/share/evacsim/viz\n", moved);
  cr_expect_not_null(strstr(out, "evacsim 0.1.0"), "%s", out);
  cr_expect_not_null(strstr(out, want), "not the installed scripts:\n%s", out);
  free(out);

  snprintf(cmd, sizeof cmd,
           "%s check %s/share/evacsim/scenarios/ward-block.scenario.json", bin,
           moved);
  free(sh_ok(cmd));
  snprintf(cmd, sizeof cmd,
           "%s run %s/share/evacsim/scenarios/ward-floor.scenario.json -o "
           "%s/ward.h5 --threads 1 --quiet",
           bin, moved, dir);
  free(sh_ok(cmd));
  snprintf(cmd, sizeof cmd, "%s report %s/ward.h5 -o %s/report --quiet", bin,
           dir, dir);
  free(sh_ok(cmd));
  snprintf(rep, sizeof rep, "%s/report", dir);
  cr_expect(is_file(rep, "index.html"), "no report");
  cr_expect(is_file(rep, "evacuation.png"), "no evacuation curve");
  snprintf(cmd, sizeof cmd,
           "%s import dxf %s/share/evacsim/scenarios/ward-floor.dxf -o "
           "%s/w.plan.json --quiet",
           bin, moved, dir);
  free(sh_ok(cmd));
  cr_expect(is_file(dir, "w.plan.json"));

  snprintf(cmd, sizeof cmd, "%s/share/man/man1/evacsim.1", moved);
  out = evac_test_read(cmd, NULL);
  cr_assert_not_null(out);
  cr_expect_not_null(strstr(out, ".TH EVACSIM 1"), "not a man page");
  cr_expect_not_null(strstr(out, ".B import dxf"), "no import in the page");
  free(out);
  snprintf(cmd, sizeof cmd,
           "bash -c '. %s/share/bash-completion/completions/evacsim && "
           "COMP_WORDS=(evacsim im) COMP_CWORD=1 && _evacsim && "
           "echo \"${COMPREPLY[*]}\"'",
           moved);
  out = sh_ok(cmd);
  cr_expect_str_eq(out, "import\n");
  free(out);
  free(dir);
}

Test(install, every_command_answers_help) {
  static const char *const cmds[] = {"check", "run", "rank",   "batch",
                                     "info",  "gen", "report", "import"};
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    char args[64], *out = NULL, want[64];
    snprintf(args, sizeof args, "%s --help", cmds[i]);
    int rc = evac_test_cli(args, &out);
    cr_expect_eq(rc, 0, "evacsim %s: exit %d", args, rc);
    snprintf(want, sizeof want, "usage: evacsim %s", cmds[i]);
    cr_expect_not_null(strstr(out, want), "evacsim %s:\n%s", args, out);
    free(out);
  }
}
