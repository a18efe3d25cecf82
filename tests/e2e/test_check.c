/* End-to-end: `evacsim check` and `run` on plans that cannot be right
 * (docs/formats.md, "What check verifies"), and on the bundled samples,
 * which must pass `check --strict`. The bad-input corpus (test_bad_inputs)
 * holds the plans whose mistakes are errors; here: warnings, --strict, and
 * what `run` does with them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* A two-floor plan whose only exit on floor 1 is in its outer wall, 3.5 m
 * up; extra is spliced in after the legend (e.g. an "exits" array). */
static const char *bridge_plan =
    "{\"evacsim_plan\": 1, \"floors\": ["
    "{\"name\": \"0\", \"elevation_m\": 0,"
    " \"rows\": [\"###E###\", \"#....A#\", \"#######\"]},"
    "{\"name\": \"1\", \"elevation_m\": 3.5,"
    " \"rows\": [\"###B###\", \"#....A#\", \"#######\"]}],"
    " \"legend\": {\"A\": {\"stair\": \"Stair A\"}, \"B\": {\"exit\": "
    "\"Bridge\"}},"
    " \"stairs\": [{\"name\": \"Stair A\", \"width_m\": 1.2}]%s}";

static const char *bridge_scenario =
    "{\"evacsim_scenario\": 1, \"plan\": \"bridge.plan.json\","
    " \"duration_s\": 60,"
    " \"occupants\": [{\"floor\": \"1\", \"rect\": [1, 1, 4, 1], \"count\": "
    "2}]}";

/* Writes the bridge plan (with extra) and its scenario into dir. */
static void write_bridge(const char *dir, const char *extra) {
  char plan[2048];
  snprintf(plan, sizeof plan, bridge_plan, extra);
  free(evac_test_write(dir, "bridge.plan.json", plan));
  free(evac_test_write(dir, "bridge.scenario.json", bridge_scenario));
}

/* An exit above the ground floor without a reason: a warning (exit 0),
 * an error under --strict (exit 2); run prints the warning and runs. */
Test(check, elevated_exit_warns_and_strict_refuses) {
  const char *dir = evac_test_dir("check-bridge");
  cr_assert_not_null(dir);
  write_bridge(dir, "");
  char args[4096], *out;
  snprintf(args, sizeof args, "check '%s/bridge.plan.json'", dir);
  cr_expect_eq(evac_test_cli(args, &out), 0, "%s", out);
  cr_expect_not_null(strstr(out, "warning: "), "%s", out);
  cr_expect_not_null(strstr(out, "bridge.plan.json: floors[1].rows[0]: exit "
                                 "\"Bridge\" (first cell at column 3) is on "
                                 "floor \"1\", 3.5 m above the ground floor "
                                 "\"0\""),
                     "%s", out);
  cr_expect_not_null(strstr(out, "bridge.plan.json: ok"), "%s", out);
  free(out);

  snprintf(args, sizeof args, "check --strict '%s/bridge.scenario.json'", dir);
  cr_expect_eq(evac_test_cli(args, &out), 2, "%s", out);
  cr_expect_null(strstr(out, "warning: "), "--strict: an error\n%s", out);
  cr_expect_not_null(strstr(out, "above the ground floor \"0\""), "%s", out);
  cr_expect_null(strstr(out, ": ok"), "%s", out);
  free(out);

  snprintf(args, sizeof args,
           "run '%s/bridge.scenario.json' -o '%s/bridge.h5' --threads 1", dir,
           dir);
  cr_expect_eq(evac_test_cli(args, &out), 0, "%s", out);
  cr_expect_not_null(strstr(out, "warning: "), "%s", out);
  cr_expect_not_null(strstr(out, "evacuated                       2"), "%s",
                     out);
  free(out);
}

/* With the reason stated in the plan's "exits", check --strict passes. */
Test(check, stated_reason_passes_strict) {
  const char *dir = evac_test_dir("check-bridge-reason");
  cr_assert_not_null(dir);
  write_bridge(dir, ", \"exits\": [{\"name\": \"Bridge\", \"elevated\": "
                    "\"footbridge to block B\"}]");
  char args[4096], *out;
  snprintf(args, sizeof args,
           "check --strict '%s/bridge.plan.json' '%s/bridge.scenario.json'",
           dir, dir);
  cr_expect_eq(evac_test_cli(args, &out), 0, "%s", out);
  cr_expect_null(strstr(out, "warning"), "%s", out);
  free(out);
}

/* The reporter's plan: an E in the middle of an upper-floor room. check
 * exits 2 naming the file, the row and the exit; run refuses before
 * simulating and writes nothing. */
Test(check, exit_inside_upper_room_stops_run) {
  const char *dir = evac_test_dir("check-inner-exit");
  cr_assert_not_null(dir);
  free(evac_test_write(
      dir, "inner.plan.json",
      "{\"evacsim_plan\": 1, \"floors\": ["
      "{\"name\": \"0\", \"elevation_m\": 0,"
      " \"rows\": [\"###E###\", \"#....A#\", \"#######\"]},"
      "{\"name\": \"1\", \"elevation_m\": 3.5,"
      " \"rows\": [\"#######\", \"#.....#\", \"#..E.A#\", \"#.....#\", "
      "\"#######\"]}],"
      " \"legend\": {\"A\": {\"stair\": \"Stair A\"}},"
      " \"stairs\": [{\"name\": \"Stair A\", \"width_m\": 1.2}]}"));
  free(evac_test_write(
      dir, "inner.scenario.json",
      "{\"evacsim_scenario\": 1, \"plan\": \"inner.plan.json\","
      " \"occupants\": [{\"floor\": \"1\", \"rect\": [1, 1, 4, 3], \"count\": "
      "8}]}"));
  char args[4096], *out;
  snprintf(args, sizeof args, "run '%s/inner.scenario.json' -o '%s/x.h5'", dir,
           dir);
  cr_expect_eq(evac_test_cli(args, &out), 2, "%s", out);
  cr_expect_not_null(strstr(out, "inner.plan.json: floors[1].rows[2]: exit "
                                 "\"exit-2\" (first cell at column 3) does "
                                 "not touch the outside"),
                     "%s", out);
  free(out);
  char h5[4096];
  snprintf(h5, sizeof h5, "%s/x.h5", dir);
  cr_expect_neq(access(h5, F_OK), 0, "no result file");
}

/* The bundled samples and generated towers pass check --strict. */
Test(check, samples_pass_strict, .timeout = 300) {
  const char *dir = evac_test_dir("check-samples");
  cr_assert_not_null(dir);
  char args[8192], *out;
  snprintf(args, sizeof args,
           "check --strict " EVAC_SOURCE_DIR
           "/scenarios/*.json " EVAC_SOURCE_DIR "/tests/data/*.json");
  cr_expect_eq(evac_test_cli(args, &out), 0, "%s", out);
  free(out);
  for (int floors = 1; floors <= 40; floors += 13) {
    snprintf(args, sizeof args,
             "gen tower --floors %d --occupants %d --seed %d -o '%s/t%d'",
             floors, 30 * floors, floors, dir, floors);
    cr_assert_eq(evac_test_cli(args, &out), 0, "%s", out);
    free(out);
    snprintf(args, sizeof args, "check --strict '%s/t%d/'*.json", dir, floors);
    cr_expect_eq(evac_test_cli(args, &out), 0, "%s", out);
    free(out);
  }
  snprintf(args, sizeof args,
           "gen county --buildings 4 --floors-max 6 --seed 5 -o '%s/county'",
           dir);
  cr_assert_eq(evac_test_cli(args, &out), 0, "%s", out);
  free(out);
  snprintf(args, sizeof args,
           "check --strict '%s/county/county.json' '%s/county/'tower-*/*.json",
           dir, dir);
  cr_expect_eq(evac_test_cli(args, &out), 0, "%s", out);
  free(out);
}
