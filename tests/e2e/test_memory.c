/* Memory refusal (docs/reliability.md, "Memory"): a run or ranking that
 * needs more memory than is available is refused before it allocates its
 * simulation (batch: the building fails alone), with exit 3, a message and
 * no output; the cap is set with
 * EVACSIM_MEMORY_LIMIT (the tests do not depend on the machine's memory). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

#define TWO EVAC_SOURCE_DIR "/tests/data/two_floor.scenario.json"

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* A generated 20-floor tower (about 100 000 cells, a fire, 3600 s with
 * fields every 5 s, which go to the file as they are taken: about 82 MB for
 * a run) in dir. */
static void tower(const char *dir) {
  char args[4400], *out = NULL;
  snprintf(args, sizeof args, "gen tower --floors 20 --occupants 40 -o %s",
           dir);
  cr_assert_eq(evac_test_cli(args, &out), 0, "%s", out);
  free(out);
}

Test(memory, run_refused_over_cap) {
  const char *dir = evac_test_dir("memory_refused");
  tower(dir);
  setenv("EVACSIM_MEMORY_LIMIT", "32M", 1);
  char args[9000], *out = NULL;
  snprintf(args, sizeof args, "run %s/tower.scenario.json -o %s/o.h5", dir,
           dir);
  int rc = evac_test_cli_timeout(args, 60, &out);
  unsetenv("EVACSIM_MEMORY_LIMIT");
  cr_expect_eq(rc, 3, "exit 3: %s", out);
  cr_expect_not_null(strstr(out, "tower.scenario.json: needs about "), "%s",
                     out);
  cr_expect_not_null(strstr(out, "but 32 MB are available "
                                 "(EVACSIM_MEMORY_LIMIT)"),
                     "%s", out);
  cr_expect_not_null(strstr(out, "on 20 floors"), "%s", out);
  cr_expect_not_null(strstr(out, "use fewer floors or a coarser cell_m"), "%s",
                     out);
  cr_expect_null(strstr(out, "simulation failed"), "%s", out);
  char path[4400];
  snprintf(path, sizeof path, "%s/o.h5", dir);
  cr_expect(!exists(path), "no result file");
  strcat(path, ".partial");
  cr_expect(!exists(path), "no partial file");
  free(out);
}

Test(memory, rank_counts_threads) {
  const char *dir = evac_test_dir("memory_rank");
  tower(dir);
  /* 20 MB base and about 51 MB for a lean replication's smoke and grid,
     13 MB for another sharing its smoke: 277 MB for 4 threads of 2 */
  setenv("EVACSIM_MEMORY_LIMIT", "64M", 1);
  char args[9000], *out = NULL;
  snprintf(args, sizeof args,
           "rank %s/tower.scenario.json -o %s/r.h5 --threads 4 --reps 2", dir,
           dir);
  int rc = evac_test_cli_timeout(args, 60, &out);
  unsetenv("EVACSIM_MEMORY_LIMIT");
  cr_expect_eq(rc, 3, "exit 3: %s", out);
  cr_expect_not_null(strstr(out, "(8 replications at once, 2 a thread on "
                                 "one smoke simulation)"),
                     "%s", out);
  cr_expect_not_null(strstr(out, "or fewer --threads"), "%s", out);
  char path[4400];
  snprintf(path, sizeof path, "%s/r.h5", dir);
  cr_expect(!exists(path), "no ranking file");
  free(out);
}

Test(memory, generous_cap_runs) {
  const char *dir = evac_test_dir("memory_ok");
  setenv("EVACSIM_MEMORY_LIMIT", "4G", 1);
  char args[9000], *out = NULL;
  snprintf(args, sizeof args, "run %s -o %s/o.h5 --quiet --threads 1", TWO,
           dir);
  int rc = evac_test_cli_timeout(args, 60, &out);
  unsetenv("EVACSIM_MEMORY_LIMIT");
  cr_expect_eq(rc, 0, "%s", out);
  char path[4400];
  snprintf(path, sizeof path, "%s/o.h5", dir);
  cr_expect(exists(path), "result written");
  free(out);
}

Test(memory, malformed_cap_is_input_error) {
  const char *dir = evac_test_dir("memory_bad");
  setenv("EVACSIM_MEMORY_LIMIT", "lots", 1);
  char args[9000], *out = NULL;
  snprintf(args, sizeof args, "run %s -o %s/o.h5 --quiet", TWO, dir);
  int rc = evac_test_cli_timeout(args, 60, &out);
  unsetenv("EVACSIM_MEMORY_LIMIT");
  cr_expect_eq(rc, 2, "%s", out);
  cr_expect_not_null(
      strstr(out, "EVACSIM_MEMORY_LIMIT: \"lots\" is not a size"), "%s", out);
  free(out);
}

Test(memory, batch_building_refused) {
  const char *dir = evac_test_dir("memory_batch");
  char args[9000], *out = NULL;
  snprintf(args, sizeof args,
           "gen county --buildings 2 --floors-max 2 --occupants-max 2 "
           "--duration 60 --reps 2 --seed 8 -o %s/in",
           dir);
  cr_assert_eq(evac_test_cli(args, &out), 0, "%s", out);
  free(out);
  setenv("EVACSIM_MEMORY_LIMIT", "8M", 1); /* below the 20 MB base */
  snprintf(args, sizeof args, "batch %s/in/county.json -o %s/out --quiet", dir,
           dir);
  int rc = evac_test_cli_timeout(args, 60, &out);
  unsetenv("EVACSIM_MEMORY_LIMIT");
  cr_expect_eq(rc, 3, "exit 3: %s", out);
  cr_expect_not_null(strstr(out, "building \"tower-01\" failed: "), "%s", out);
  cr_expect_not_null(strstr(out, "but 8 MB are available "
                                 "(EVACSIM_MEMORY_LIMIT)"),
                     "%s", out);
  free(out);
}
