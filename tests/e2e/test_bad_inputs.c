/* End-to-end: evacsim on the bad-input corpus tests/data/bad/. Every file
 * listed in EXPECTED.tsv must make `evacsim check` (and, for kind "run",
 * `evacsim run`) exit with status 2, naming the file and printing the
 * expected message, without a crash or a hang, and without writing a result
 * file. docs/reliability.md says how to add a case. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define BAD_DIR EVAC_SOURCE_DIR "/tests/data/bad"
#define EXPECTED BAD_DIR "/EXPECTED.tsv"
/* Seconds a command may take before it counts as a hang. */
#define TIMEOUT_S 20
/* The corpus must keep at least this many cases. */
#define MIN_CASES 60
/* Most lines EXPECTED.tsv may have. */
#define MAX_CASES 1000

/* One line of EXPECTED.tsv. */
struct bad_case {
  char file[256]; /* file name inside tests/data/bad */
  char kind[16];  /* "check", "run" or "xfail" */
  char want[512]; /* substring the error output must contain */
  char bug[512];  /* xfail only: the known bug */
};

/* Splits line at tabs into at most n fields (the line is modified). Returns
 * the number of fields. */
static int split_tabs(char *line, char **field, int n) {
  int k = 0;
  line[strcspn(line, "\r\n")] = '\0';
  while (k < n) {
    field[k++] = line;
    char *tab = strchr(line, '\t');
    if (!tab)
      break;
    *tab = '\0';
    line = tab + 1;
  }
  return k;
}

/* Reads EXPECTED.tsv into cases (malloc'd); returns the number of cases.
 * Blank lines and lines starting with '#' are skipped. */
static int read_expected(struct bad_case **cases) {
  FILE *f = fopen(EXPECTED, "r");
  cr_assert_not_null(f, "cannot open %s", EXPECTED);
  struct bad_case *c = calloc(MAX_CASES, sizeof *c);
  cr_assert_not_null(c);
  char line[2048];
  int n = 0, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
      continue;
    char *field[4];
    int k = split_tabs(line, field, 4);
    cr_assert(k >= 3, "EXPECTED.tsv:%d: need file, kind, substring", lineno);
    cr_assert_lt(n, MAX_CASES, "EXPECTED.tsv: more than %d cases", MAX_CASES);
    struct bad_case *bc = &c[n++];
    cr_assert(strlen(field[0]) < sizeof bc->file && strlen(field[2]) > 0 &&
                  strlen(field[2]) < sizeof bc->want,
              "EXPECTED.tsv:%d: file name or substring too long or empty",
              lineno);
    snprintf(bc->file, sizeof bc->file, "%s", field[0]);
    snprintf(bc->kind, sizeof bc->kind, "%s", field[1]);
    snprintf(bc->want, sizeof bc->want, "%s", field[2]);
    snprintf(bc->bug, sizeof bc->bug, "%s", k > 3 ? field[3] : "");
    cr_assert(!strcmp(bc->kind, "check") || !strcmp(bc->kind, "run") ||
                  !strcmp(bc->kind, "xfail"),
              "EXPECTED.tsv:%d: kind \"%s\" is not check, run or xfail", lineno,
              bc->kind);
    cr_assert(strcmp(bc->kind, "xfail") || bc->bug[0],
              "EXPECTED.tsv:%d: an xfail line needs a 4th column naming "
              "the bug",
              lineno);
  }
  fclose(f);
  *cases = c;
  return n;
}

/* 1 if `evacsim args` fails as bad input should: exit 2, no crash, no
 * hang, the output naming path and containing want. Reports each failed
 * expectation when report is set. */
static int fails_cleanly(const char *args, const char *path, const char *want,
                         int report) {
  char *out = NULL;
  int rc = evac_test_cli_timeout(args, TIMEOUT_S, &out);
  const char *o = out ? out : "";
  int ok = 1;
  if (rc == 124) {
    ok = 0;
    if (report)
      cr_expect_neq(rc, 124, "evacsim %s: hangs (killed after %d s)", args,
                    TIMEOUT_S);
  } else if (rc < 0 || rc >= 128) {
    ok = 0;
    if (report)
      cr_expect(0, "evacsim %s: crashed (exit status %d)\n%s", args, rc, o);
  } else if (rc != 2) {
    ok = 0;
    if (report)
      cr_expect_eq(rc, 2, "evacsim %s: exit status %d, not 2\n%s", args, rc, o);
  }
  if (!strstr(o, want)) {
    ok = 0;
    if (report)
      cr_expect(0, "evacsim %s: the output lacks \"%s\":\n%s", args, want, o);
  }
  if (!strstr(o, path)) {
    ok = 0;
    if (report)
      cr_expect(0, "evacsim %s: the output does not name the file:\n%s", args,
                o);
  }
  free(out);
  return ok;
}

/* 1 if path exists. */
static int exists(const char *path) { return access(path, F_OK) == 0; }

/* Runs check (and run, for kind "run") on path; report as in fails_cleanly.
 * out_dir: where run writes; nothing may be left there. */
static int case_fails_cleanly(const char *path, const char *kind,
                              const char *want, const char *out_dir,
                              int report) {
  char args[8192], h5[4096], partial[4200];
  snprintf(args, sizeof args, "check '%s'", path);
  int ok = fails_cleanly(args, path, want, report);
  if (strcmp(kind, "check") == 0)
    return ok;
  snprintf(h5, sizeof h5, "%s/out.h5", out_dir);
  snprintf(partial, sizeof partial, "%s.partial", h5);
  remove(h5);
  remove(partial);
  snprintf(args, sizeof args, "run '%s' -o '%s' --quiet", path, h5);
  ok &= fails_cleanly(args, path, want, report);
  if (exists(h5) || exists(partial)) {
    ok = 0;
    if (report)
      cr_expect(0, "evacsim %s: left a result file behind", args);
  }
  remove(h5);
  remove(partial);
  return ok;
}

Test(bad_inputs, every_corpus_file_fails_cleanly, .timeout = 1200) {
  struct bad_case *cases;
  int n = read_expected(&cases);
  const char *dir = evac_test_dir("bad-inputs");
  cr_assert_not_null(dir);
  char *out_dir = strdup(dir), path[1024];
  int xfail = 0;
  for (int i = 0; i < n; i++) {
    const struct bad_case *c = &cases[i];
    snprintf(path, sizeof path, "%s/%s", BAD_DIR, c->file);
    cr_assert(exists(path), "EXPECTED.tsv names %s, which does not exist",
              c->file);
    if (strcmp(c->kind, "xfail") == 0) {
      xfail++;
      if (case_fails_cleanly(path, "run", c->want, out_dir, 0))
        cr_log_warn("%s: marked xfail but now fails cleanly; make its kind "
                    "\"run\" (known bug: %s)",
                    c->file, c->bug);
      else
        cr_log_warn("%s: skipped, known bug: %s", c->file, c->bug);
      continue;
    }
    case_fails_cleanly(path, c->kind, c->want, out_dir, 1);
  }
  cr_log_info("bad-input corpus: %d cases, %d known bugs skipped", n, xfail);
  free(out_dir);
  free(cases);
}

Test(bad_inputs, corpus_is_large_and_every_file_has_a_line) {
  struct bad_case *cases;
  int n = read_expected(&cases);
  cr_expect_geq(n, MIN_CASES, "the corpus has %d cases, want >= %d", n,
                MIN_CASES);
  for (int i = 0; i < n; i++)
    for (int k = 0; k < i; k++)
      cr_expect_neq(strcmp(cases[i].file, cases[k].file), 0,
                    "EXPECTED.tsv lists %s twice", cases[i].file);
  DIR *d = opendir(BAD_DIR);
  cr_assert_not_null(d);
  struct dirent *e;
  int files = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' || !strcmp(e->d_name, "EXPECTED.tsv") ||
        !strcmp(e->d_name, "good.plan.json"))
      continue;
    files++;
    int listed = 0;
    for (int i = 0; i < n && !listed; i++)
      listed = strcmp(cases[i].file, e->d_name) == 0;
    cr_expect(listed, "%s is in tests/data/bad but not in EXPECTED.tsv",
              e->d_name);
  }
  closedir(d);
  cr_expect_eq(files, n, "%d files, %d lines in EXPECTED.tsv", files, n);
  free(cases);
}

/* The good plan the scenarios of the corpus use is itself valid, so that
 * their errors are their own. */
Test(bad_inputs, the_corpus_good_plan_is_good) {
  char *out;
  int rc = evac_test_cli_timeout("check '" BAD_DIR "/good.plan.json'",
                                 TIMEOUT_S, &out);
  cr_expect_eq(rc, 0, "%s", out);
  free(out);
}

Test(bad_inputs, a_folder_instead_of_a_file) {
  const char *dir = evac_test_dir("bad-inputs-folder");
  cr_assert_not_null(dir);
  char *out_dir = strdup(dir);
  case_fails_cleanly(BAD_DIR, "run", "cannot read: Is a directory", out_dir, 1);
  free(out_dir);
}

/* A FIFO (no writer: opening it must not wait) and /dev/zero (endless) as
 * the input: refused before reading, as not regular files. */
Test(bad_inputs, fifo_and_device_instead_of_a_file) {
  const char *dir = evac_test_dir("bad-inputs-fifo");
  cr_assert_not_null(dir);
  char *out_dir = strdup(dir), fifo[4200];
  snprintf(fifo, sizeof fifo, "%s/pipe.scenario.json", dir);
  cr_assert_eq(mkfifo(fifo, 0600), 0);
  case_fails_cleanly(fifo, "run",
                     "cannot read: a FIFO; input files must be "
                     "regular files",
                     out_dir, 1);
  case_fails_cleanly("/dev/zero", "run", "cannot read: a character device",
                     out_dir, 1);
  free(out_dir);
}

/* Input files larger than EVACSIM_INPUT_LIMIT are refused before reading;
 * a bad value of the variable is an input error naming it. */
Test(bad_inputs, input_size_limit) {
  const char *dir = evac_test_dir("bad-inputs-limit");
  cr_assert_not_null(dir);
  char *out_dir = strdup(dir);
  const char *good = BAD_DIR "/good.plan.json";
  setenv("EVACSIM_INPUT_LIMIT", "100", 1);
  case_fails_cleanly(good, "check", "input files may have at most 100 bytes",
                     out_dir, 1);
  setenv("EVACSIM_INPUT_LIMIT", "1M", 1);
  char *out;
  int rc = evac_test_cli_timeout("check '" BAD_DIR "/good.plan.json'",
                                 TIMEOUT_S, &out);
  cr_expect_eq(rc, 0, "within 1M: %s", out);
  free(out);
  setenv("EVACSIM_INPUT_LIMIT", "lots", 1);
  rc = evac_test_cli_timeout("check '" BAD_DIR "/good.plan.json'", TIMEOUT_S,
                             &out);
  cr_expect_eq(rc, 2, "%s", out);
  cr_expect(out && strstr(out, "EVACSIM_INPUT_LIMIT: \"lots\" is not a size"),
            "%s", out);
  free(out);
  free(out_dir);
}

/* Writes a plan whose rows are n cells wide, the last row one cell short. */
static char *wide_plan(const char *dir, int n) {
  char *row = evac_test_repeat('.', n), *shorter = evac_test_repeat('.', n - 1);
  size_t len = 3 * (size_t)n + 256;
  char *text = malloc(len);
  cr_assert(row && shorter && text);
  row[0] = 'E';
  snprintf(text, len,
           "{\"evacsim_plan\": 1, \"floors\": [{\"name\": \"0\", "
           "\"elevation_m\": 0, \"rows\": [\"%s\", \"%s\", \"%s\"]}]}\n",
           row, row, shorter);
  char *path = evac_test_write(dir, "wide.plan.json", text);
  free(row);
  free(shorter);
  free(text);
  return path;
}

/* Large inputs made at run time (not committed): rows of 100000 cells, a
 * key of 5000 characters, 3000 floors. */
Test(bad_inputs, large_generated_inputs) {
  const char *tmp = evac_test_dir("bad-inputs-large");
  cr_assert_not_null(tmp);
  char *dir = strdup(tmp);
  char *wide = wide_plan(dir, 100000);
  case_fails_cleanly(wide, "check",
                     "floors[0].rows[2]: row has 99999 cells, floor has 100000",
                     dir, 1);

  char *key = evac_test_repeat('k', 5000);
  size_t len = 6000;
  char *text = malloc(len);
  snprintf(text, len,
           "{\"evacsim_plan\": 1, \"%s\": 1, \"floors\": [{\"name\": \"0\", "
           "\"elevation_m\": 0, \"rows\": [\"E.\"]}]}\n",
           key);
  char *longkey = evac_test_write(dir, "longkey.plan.json", text);
  case_fails_cleanly(longkey, "check",
                     "unknown key; allowed keys: evacsim_plan", dir, 1);

  const int nfloors = 3000;
  len = (size_t)nfloors * 80 + 256;
  char *many = malloc(len);
  cr_assert_not_null(many);
  size_t at =
      (size_t)snprintf(many, len, "{\"evacsim_plan\": 1, \"floors\": [");
  for (int f = 0; f < nfloors; f++)
    at += (size_t)snprintf(many + at, len - at,
                           "%s{\"name\": \"%d\", \"elevation_m\": %d, "
                           "\"rows\": [\"%s\"]}",
                           f ? ", " : "", f, 3 * f,
                           f == nfloors - 1 ? "E?" : "E.");
  snprintf(many + at, len - at, "]}\n");
  char *floors = evac_test_write(dir, "floors.plan.json", many);
  case_fails_cleanly(floors, "check",
                     "floors[2999].rows[0]: unknown character '?' at column 1",
                     dir, 1);
  free(wide);
  free(key);
  free(text);
  free(longkey);
  free(many);
  free(floors);
  free(dir);
}
