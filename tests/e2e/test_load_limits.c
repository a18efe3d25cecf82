/* Loader limits and scaling: a plan may have at most 32767 floors and
 * 32767 measure lines, a scenario 32765 groups (the engine's 16-bit
 * indices), refused with a clear error above. Loading a plan of many
 * floors and a manifest of many buildings takes near-linear time (names
 * are hashed). The time is taken relative to parsing the same JSON text
 * (linear, and slowed alike by a busy machine or a data set that outgrows
 * the cache): eight times the input must not cost four times more of it.
 * Measured: the manifest 1.05-1.1 times more, the plan 1.3-1.9 (its model
 * outgrows the cache sooner than its text); the quadratic name checks the
 * loaders once had would cost about seven times more. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "diag.h"
#include "model.h"
#include "support.h"

/* A plan of n floors (a stair joins them, an exit on the ground) and
 * nmeasures measure lines on floor "0", as JSON text (malloc'd). */
static char *plan_text(int n, int nmeasures) {
  size_t cap = (size_t)(n + nmeasures) * 96 + 512, at = 0;
  char *t = malloc(cap);
  cr_assert_not_null(t);
  at += (size_t)snprintf(t + at, cap - at,
                         "{\"evacsim_plan\": 1, \"legend\": {\"A\": "
                         "{\"stair\": \"S\"}}, \"stairs\": [{\"name\": \"S\", "
                         "\"width_m\": 1.2}], \"floors\": [");
  for (int f = 0; f < n; f++)
    at += (size_t)snprintf(t + at, cap - at,
                           "%s{\"name\": \"%d\", \"elevation_m\": %d, "
                           "\"rows\": [\"%s\"]}",
                           f ? ", " : "", f, 3 * f, f ? ".A" : "EA");
  at += (size_t)snprintf(t + at, cap - at, "], \"measures\": [");
  for (int k = 0; k < nmeasures; k++)
    at += (size_t)snprintf(t + at, cap - at,
                           "%s{\"name\": \"m%d\", \"floor\": \"0\", "
                           "\"line\": [0, 0, 1, 0]}",
                           k ? ", " : "", k);
  snprintf(t + at, cap - at, "]}");
  return t;
}

/* Parses text as a plan; returns the status, the messages in d. */
static enum evac_status parse(const char *text, struct evac_diag *d) {
  struct evac_model *m = calloc(1, sizeof *m);
  cr_assert_not_null(m);
  evac_diag_init(d);
  enum evac_status st = evac_plan_parse(m, text, "big.plan.json", d);
  evac_model_free(m);
  return st;
}

Test(load_limits, floors_at_the_bound) {
  struct evac_diag d;
  char *t = plan_text(32767, 0);
  cr_expect_eq(parse(t, &d), EVAC_OK, "32767 floors are accepted");
  evac_diag_free(&d);
  free(t);
  t = plan_text(32768, 0);
  cr_expect_eq(parse(t, &d), EVAC_ERR_INPUT);
  evac_test_expect_msg(&d, "floors: 32768 floors; a plan may have at most "
                           "32767");
  evac_diag_free(&d);
  free(t);
}

Test(load_limits, measures_at_the_bound) {
  struct evac_diag d;
  char *t = plan_text(2, 32767);
  cr_expect_eq(parse(t, &d), EVAC_OK, "32767 measure lines are accepted");
  evac_diag_free(&d);
  free(t);
  t = plan_text(2, 32768);
  cr_expect_eq(parse(t, &d), EVAC_ERR_INPUT);
  evac_test_expect_msg(&d, "measures: 32768 measure lines; a plan may have "
                           "at most 32767");
  evac_diag_free(&d);
  free(t);
}

/* Writes a manifest of n buildings into dir; returns its path (malloc'd). */
static char *manifest_file(const char *dir, int n) {
  size_t cap = (size_t)n * 64 + 128, at = 0;
  char *t = malloc(cap), name[32];
  cr_assert_not_null(t);
  at += (size_t)snprintf(t + at, cap - at,
                         "{\"evacsim_county\": 1, \"buildings\": [");
  for (int i = 0; i < n; i++)
    at += (size_t)snprintf(t + at, cap - at,
                           "%s{\"name\": \"b%d\", \"scenario\": \"s.json\"}",
                           i ? ", " : "", i);
  snprintf(t + at, cap - at, "]}");
  snprintf(name, sizeof name, "county%d.json", n);
  char *path = evac_test_write(dir, name, t);
  free(t);
  return path;
}

/* A scenario of n occupant groups of 0 people in Ward 1 of the two-floor
 * sample, written into dir; returns its path (malloc'd). */
static char *groups_scenario(const char *dir, int n) {
  size_t cap = (size_t)n * 64 + 512, at = 0;
  char *t = malloc(cap), name[64];
  cr_assert_not_null(t);
  at +=
      (size_t)snprintf(t + at, cap - at,
                       "{\"evacsim_scenario\": 1, \"plan\": \"" EVAC_SOURCE_DIR
                       "/tests/data/two_floor.plan.json\", \"occupants\": [");
  for (int i = 0; i < n; i++)
    at += (size_t)snprintf(t + at, cap - at,
                           "%s{\"region\": \"Ward 1\", \"count\": 0}",
                           i ? ", " : "");
  snprintf(t + at, cap - at, "]}");
  snprintf(name, sizeof name, "g%d.scenario.json", n);
  char *path = evac_test_write(dir, name, t);
  free(t);
  return path;
}

/* Occupant and staff groups: at most 32765 (a group's target set index is
 * 16-bit, beside two sets of all exits and all safe places); the count is
 * checked before any group is read. (32765 groups load, but take about
 * 10 s of CPU: too slow for this test.) */
Test(load_limits, groups_over_the_bound) {
  const char *dir = evac_test_dir("load_limits_groups");
  char *over = groups_scenario(dir, 32766);
  char args[8400], *out = NULL;
  snprintf(args, sizeof args, "check %s", over);
  cr_expect_eq(evac_test_cli(args, &out), 2, "%s", out);
  cr_expect(out && strstr(out, "occupants: 32766 occupant and staff groups; "
                               "a scenario may have at most 32765"),
            "%s", out ? out : "");
  free(out);
  free(over);
}

/* CPU seconds of one load of the plan text (is_plan) or the manifest file at
 * what. */
static double load_once(const char *what, int is_plan) {
  struct evac_diag d;
  struct evac_manifest *mf = NULL;
  clock_t t0 = clock();
  enum evac_status st;
  if (is_plan) {
    st = parse(what, &d);
  } else {
    evac_diag_init(&d);
    st = evac_manifest_load(what, &d, &mf);
  }
  double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
  cr_assert_eq(st, EVAC_OK);
  evac_manifest_free(mf);
  evac_diag_free(&d);
  return s;
}

/* CPU seconds of one cJSON parse of text. */
static double parse_once(const char *text) {
  clock_t t0 = clock();
  cJSON *root = cJSON_Parse(text);
  double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
  cr_assert_not_null(root);
  cJSON_Delete(root);
  return s;
}

/* The fastest of 5 loads of what over the fastest of 5 parses of its JSON
 * text, taken in turn. */
static double relative_cost(const char *what, int is_plan) {
  char *text = is_plan ? NULL : evac_test_read(what, NULL);
  double load = 1e30, json = 1e30;
  for (int k = 0; k < 5; k++) {
    double l = load_once(what, is_plan), p = parse_once(text ? text : what);
    load = l < load ? l : load;
    json = p < json ? p : json;
  }
  free(text);
  return load / json;
}

Test(load_limits, plan_loads_in_near_linear_time) {
  char *small = plan_text(4000, 4000), *large = plan_text(32000, 32000);
  double a = relative_cost(small, 1), b = relative_cost(large, 1);
  cr_log_info("plan over its JSON parse: 4000 floors %.2f, 32000 %.2f", a, b);
  cr_expect_lt(b, 4.0 * a, "4000 floors %.2f, 32000 floors %.2f", a, b);
  free(small);
  free(large);
}

Test(load_limits, manifest_loads_in_near_linear_time) {
  const char *dir = evac_test_dir("load_limits_manifest");
  char *small = manifest_file(dir, 12500), *large = manifest_file(dir, 100000);
  double a = relative_cost(small, 0), b = relative_cost(large, 0);
  cr_log_info("manifest over its JSON parse: 12500 buildings %.2f, "
              "100000 %.2f",
              a, b);
  cr_expect_lt(b, 4.0 * a, "12500 buildings %.2f, 100000 %.2f", a, b);
  free(small);
  free(large);
}
