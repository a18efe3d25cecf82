/* Replays the fuzz corpus (tests/fuzz/corpus_*) and the reproducers of
 * the bugs fuzzing found (tests/fuzz/regressions/) through the fuzz
 * targets' code paths (tests/fuzz/drive.c), so that the normal build (and
 * its asan-ubsan preset) checks them without clang or libFuzzer. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evacsim.h"
#include "fuzz/drive.h"
#include "support.h"

/* Which code path a folder's files go through. */
enum kind { PLAN, SCENARIO, MANIFEST, RESULT };

/* Reads a whole file (malloc'd, its size in *n). */
static uint8_t *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "cannot open %s", path);
  size_t cap = 4096, len = 0, got;
  uint8_t *buf = malloc(cap);
  while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap)
      buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  cr_assert_not_null(buf);
  *n = len;
  return buf;
}

/* Runs every file of tests/fuzz/sub through the code path of kind and
 * checks its status: 0 or 2 for all (no crash, no runtime error); in a
 * corpus, 2 exactly for the files named bad-* and 0 for the others.
 * Returns the number of files. */
static int replay(const char *sub, enum kind kind, int corpus) {
  char folder[1024];
  snprintf(folder, sizeof folder, "%s/tests/fuzz/%s", EVAC_SOURCE_DIR, sub);
  char *work = NULL;
  if (kind != PLAN) {
    /* a folder of its own: the tests of this file run in parallel */
    char tag[256];
    snprintf(tag, sizeof tag, "fuzz-%s", sub);
    for (char *c = tag; *c; c++)
      *c = *c == '/' ? '-' : *c;
    work = evac_fuzz_dir_make(EVAC_SOURCE_DIR, evac_test_dir(tag));
    cr_assert_not_null(work);
  }
  DIR *d = opendir(folder);
  cr_assert_not_null(d, "cannot open %s", folder);
  int files = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
    size_t n = 0;
    uint8_t *data = slurp(path, &n);
    fprintf(stderr, "replaying %s\n", path); /* names a crashing file */
    int st = kind == PLAN       ? evac_fuzz_plan(data, n)
             : kind == SCENARIO ? evac_fuzz_scenario(data, n, work)
             : kind == MANIFEST ? evac_fuzz_manifest(data, n, work)
                                : evac_fuzz_result(data, n, work);
    free(data);
    cr_expect(st == EVAC_OK || st == EVAC_ERR_INPUT, "%s: status %d", path, st);
    if (corpus) {
      int bad = strncmp(e->d_name, "bad-", 4) == 0;
      cr_expect_eq(st, bad ? EVAC_ERR_INPUT : EVAC_OK, "%s: status %d", path,
                   st);
    }
    files++;
  }
  closedir(d);
  evac_fuzz_dir_free(work);
  return files;
}

Test(fuzz_regressions, plan_corpus) {
  cr_assert_geq(replay("corpus_plan", PLAN, 1), 10);
}

Test(fuzz_regressions, scenario_corpus) {
  cr_assert_geq(replay("corpus_scenario", SCENARIO, 1), 10);
}

Test(fuzz_regressions, plan_regressions) {
  replay("regressions/plan", PLAN, 0);
}

Test(fuzz_regressions, scenario_regressions) {
  cr_assert_geq(replay("regressions/scenario", SCENARIO, 0), 1);
}

Test(fuzz_regressions, manifest_corpus) {
  cr_assert_geq(replay("corpus_manifest", MANIFEST, 1), 8);
}

Test(fuzz_regressions, manifest_regressions) {
  replay("regressions/manifest", MANIFEST, 0);
}

Test(fuzz_regressions, result_corpus) {
  cr_assert_geq(replay("corpus_result", RESULT, 1), 4);
}

Test(fuzz_regressions, result_regressions) {
  replay("regressions/result", RESULT, 0);
}
