/* End-to-end: the manifest as loaded (defaults, paths, seeds), the county
 * generator's determinism, and task keys: a changed building gets new
 * tasks while the others' are reused (docs/hpc.md, "Tasks"). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "diag.h"
#include "support.h"

Test(batch_tasks, manifest_defaults_paths_and_seeds) {
  const char *d = evac_test_dir("batch-manifest");
  cr_assert_not_null(d);
  char *dir = strdup(d);
  char *path = evac_test_write(
      dir, "c.county.json",
      "{\"evacsim_county\": 1, \"buildings\": ["
      "{\"name\": \"a\", \"scenario\": \"sub/a.scenario.json\"},"
      "{\"name\": \"b\", \"scenario\": \"/abs/b.scenario.json\", "
      "\"seed\": 9}]}");
  struct evac_diag diag;
  evac_diag_init(&diag);
  struct evac_manifest *m = NULL;
  cr_assert_eq(evac_manifest_load(path, &diag, &m), EVAC_OK);
  cr_expect_str_eq(m->name, "county");
  cr_expect_eq(m->reps, 20);
  cr_expect_eq(m->block, 8);
  cr_expect_eq(m->seed_given, 0);
  cr_assert_eq(m->nbuildings, 2);
  char want[4096];
  snprintf(want, sizeof want, "%s/sub/a.scenario.json", dir);
  cr_expect_str_eq(m->buildings[0].path, want);
  cr_expect_str_eq(m->buildings[0].scenario, "sub/a.scenario.json");
  cr_expect_eq(m->buildings[0].seed_given, 0);
  cr_expect_str_eq(m->buildings[1].path, "/abs/b.scenario.json");
  cr_expect_eq(m->buildings[1].seed_given, 1);
  cr_expect_eq(m->buildings[1].seed, 9);
  evac_manifest_free(m);
  evac_diag_free(&diag);
  free(path);
  free(dir);
}

Test(batch_tasks, gen_county_depends_on_its_options_only) {
  const char *d = evac_test_dir("batch-gen");
  cr_assert_not_null(d);
  char *dir = strdup(d), args[8192], p[4096];
  const char *opts = "gen county --buildings 4 --floors-max 6 --reps 3";
  snprintf(args, sizeof args, "%s --seed 5 -o '%s/x'", opts, dir);
  cr_assert_eq(evac_test_cli(args, NULL), 0);
  snprintf(args, sizeof args, "%s --seed 5 -o '%s/y'", opts, dir);
  cr_assert_eq(evac_test_cli(args, NULL), 0);
  snprintf(args, sizeof args, "%s --seed 6 -o '%s/z'", opts, dir);
  cr_assert_eq(evac_test_cli(args, NULL), 0);
  static const char *const files[] = {"county.json",
                                      "tower-01/tower.scenario.json",
                                      "tower-04/tower.plan.json", NULL};
  for (int i = 0; files[i]; i++) {
    snprintf(p, sizeof p, "%s/x/%s", dir, files[i]);
    char *x = evac_test_read(p, NULL);
    snprintf(p, sizeof p, "%s/y/%s", dir, files[i]);
    char *y = evac_test_read(p, NULL);
    cr_assert(x && y, "%s is missing", files[i]);
    cr_expect_str_eq(x, y, "%s differs for the same options", files[i]);
    free(x);
    free(y);
  }
  /* another seed: other towers, and every scenario passes check */
  int differ = 0;
  for (int t = 1; t <= 4; t++) {
    snprintf(p, sizeof p, "%s/x/tower-%02d/tower.scenario.json", dir, t);
    char *x = evac_test_read(p, NULL);
    snprintf(p, sizeof p, "%s/z/tower-%02d/tower.scenario.json", dir, t);
    char *z = evac_test_read(p, NULL);
    differ += x && z && strcmp(x, z) != 0;
    free(x);
    free(z);
    snprintf(args, sizeof args, "check '%s'", p);
    cr_expect_eq(evac_test_cli(args, NULL), 0, "%s does not pass check", p);
  }
  cr_expect_geq(differ, 3, "seed 6 changed only %d of 4 towers", differ);
  snprintf(args, sizeof args, "check '%s/x/county.json'", dir);
  cr_expect_eq(evac_test_cli(args, NULL), 0);
  free(dir);
}

/* Number of task files in dir. */
static int count_tasks(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    n += strlen(e->d_name) == 20 && !strcmp(e->d_name + 16, ".bin");
  if (d)
    closedir(d);
  return n;
}

Test(batch_tasks, a_changed_building_gets_new_tasks, .timeout = 300) {
  const char *d = evac_test_dir("batch-keys");
  cr_assert_not_null(d);
  char *dir = strdup(d), args[8192], p[4096];
  snprintf(args, sizeof args,
           "gen county --buildings 2 --floors-max 2 --occupants-max 2 "
           "--duration 60 --reps 2 --seed 8 -o '%s'",
           dir);
  cr_assert_eq(evac_test_cli(args, NULL), 0);
  snprintf(args, sizeof args,
           "batch '%s/county.json' -o '%s/out' --threads 2 --quiet", dir, dir);
  cr_assert_eq(evac_test_cli(args, NULL), 0);
  snprintf(p, sizeof p, "%s/out/tasks", dir);
  int before = count_tasks(p);
  /* tower-01: 2..4 hazards + 1 variants, each stratified over its 3 fires
     (4 with an e-bike's, which the variant fixing it lacks): one block of
     2 replications a fire */
  snprintf(p, sizeof p, "%s/tower-01/tower.scenario.json", dir);
  char *sc = evac_test_read(p, NULL);
  cr_assert_not_null(sc);
  char *dur = strstr(sc, "\"duration_s\":");
  cr_assert_not_null(dur);
  dur[strcspn(dur, "6")] = '7'; /* 60 s -> 70 s */
  FILE *f = fopen(p, "w");
  cr_assert_not_null(f);
  fputs(sc, f);
  fclose(f);
  snprintf(args, sizeof args,
           "batch '%s/county.json' -o '%s/out' --threads 2 --quiet", dir, dir);
  cr_assert_eq(evac_test_cli(args, NULL), 0);
  snprintf(p, sizeof p, "%s/out/tasks", dir);
  int after = count_tasks(p);
  /* tower-01's variants again (new keys); tower-02's reused */
  int added = after - before;
  cr_expect(added >= 3 * 3 && added <= 5 * 4,
            "%d tasks before, %d after: want tower-01's 3..5 variants x 3..4 "
            "fires anew",
            before, after);
  cr_expect(before - added >= 3 * 3, "tower-02 should have kept its tasks");
  free(sc);
  free(dir);
}
