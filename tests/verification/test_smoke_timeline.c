/* A scenario timeline that shuts a door shuts it for smoke too: a ward
 * corridor with its fire door wedged open (hazard fire_door_open), a fast
 * 1.5 MW fire at its west end, and a drill that shuts the fire door at
 * 90 s. Against the same run without the drill, the smoke beyond the door
 * is the same up to 90 s and differs from the first field sample after it;
 * at the end of the shorter run (with "layer", without the drill the
 * bed-bound patient beyond the door is incapacitated, which ends it; with
 * "momentum" both run 300 s) the layer beyond the door, which vents through
 * its exit, is less than 0.8 times as deep with the drill (docs/models.md
 * § Smoke, "Openings"). With either smoke transport.
 * Measured: "layer" 0.87 against 2.12 m at 135 s; "momentum" 1.21 against
 * 2.01 m at 300 s (the interface 1.79 m against 0.99 m: clear air at head
 * height beyond the shut door).
 * The soot DENSITY in the layer beyond the shut door is higher with
 * "momentum" (6.97 against 2.13 g/m3 at 300 s), and this is physics, not a
 * leak defect: the closed 15 m2 fire room (1.5 MW) gets no fresh air, so its
 * plume re-entrains its own smoke and its gas carries 3.8 times the soot a
 * kg (15.4 against 4.06 g/kg); its heating gas expands and must leave through
 * the door's gaps whatever their size (the room held about 43 kg of gas at
 * 90 s and holds 13 kg full of 885 C gas at 300 s, so about 30 kg leave:
 * 0.15 kg/s, about 20 Pa across the gaps at C = 0.7). Less gas goes through
 * (11 against 18 kg beyond the door at 300 s), but 3.1 times as sooty a kg
 * (12.7 against 4.04 g/kg). The test checks that the gas beyond the shut
 * door is no sootier a kg than its source, the fire's side. */
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

/* What a field sample shows of one part of the corridor (cells x0..x1,
 * y 1..7): its means of the layer's depth below the 3 m ceiling (m), of the
 * soot density in the layer (kg/m3) and of the soot's mass fraction in the
 * layer gas (kg soot per kg, the density 353 / T). */
struct part {
  double depth, soot, frac;
};

static struct part part_of(const struct evac_result_fields *fl, size_t k,
                           int x0, int x1) {
  struct part p = {0.0, 0.0, 0.0};
  if (fl->first[0] < 0 || k < (size_t)fl->first[0])
    return p;
  size_t off = (k - (size_t)fl->first[0]) * fl->ncells[0];
  const float *z = fl->data[EVAC_FQ_LAYER_HEIGHT] + off;
  const float *v = fl->data[EVAC_FQ_SOOT] + off;
  const float *tc = fl->data[EVAC_FQ_UPPER_TEMP] + off;
  double n = 7.0 * (x1 - x0 + 1);
  for (int y = 1; y <= 7; y++)
    for (int x = x0; x <= x1; x++) {
      int i = y * 32 + x;
      p.depth += (3.0 - z[i]) / n;
      p.soot += v[i] / n;
      p.frac += v[i] * (tc[i] + 273.15) / 353.0 / n;
    }
  return p;
}

/* One run with the transport model, with or without the drill: at each
 * field sample (n of them, times into t[]), the corridor east of the door
 * (x 16..30) into east[] and the fire's side (x 1..13) into west[]. */
static size_t run(const char *model, int drill, double *t, struct part *east,
                  struct part *west, size_t cap) {
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
    east[k] = part_of(fl, k, 16, 30);
    west[k] = part_of(fl, k, 1, 13);
  }
  evac_sim_free(sim);
  evac_model_free(m);
  evac_diag_free(&d);
  return n;
}

/* The drill against no drill with the transport model: the smoke beyond
 * the door is the same up to the drill and differs from the first sample
 * after it, and at the end of the shorter run the layer beyond the door
 * is less than 0.8 times as deep with the drill. Returns the soot density
 * beyond the door with the drill over that without it, at that end. */
static double drill_changes_smoke(const char *model) {
  enum { CAP = 128 };
  double t0[CAP], t1[CAP];
  struct part e0[CAP], w0[CAP], e1[CAP], w1[CAP];
  size_t n0 = run(model, 0, t0, e0, w0, CAP),
         n1 = run(model, 1, t1, e1, w1, CAP);
  size_t n = n0 < n1 ? n0 : n1, first = n;
  cr_log_info("%s: runs end at %.0f s and %.0f s", model, t0[n0 - 1],
              t1[n1 - 1]);
  cr_assert_geq(t0[n - 1], 120.0, "both runs last past 120 s");
  for (size_t k = 0; k < n && first == n; k++)
    if (e0[k].depth != e1[k].depth || e0[k].soot != e1[k].soot)
      first = k;
  cr_assert_lt(first, n, "the drill changes the smoke");
  const struct part *a = &e0[n - 1], *b = &e1[n - 1];
  cr_log_info("%s: beyond the door: first difference at %.0f s; at %.0f s "
              "without / with the drill: layer %.2f / %.2f m deep, soot "
              "%.3g / %.3g g/m3, %.3g / %.3g g/kg; the fire's side: soot "
              "%.3g / %.3g g/kg",
              model, t0[first], t0[n - 1], a->depth, b->depth, 1e3 * a->soot,
              1e3 * b->soot, 1e3 * a->frac, 1e3 * b->frac, 1e3 * w0[n - 1].frac,
              1e3 * w1[n - 1].frac);
  cr_expect_geq(t0[first], 90.0, "nothing changes before the drill");
  cr_expect_leq(t0[first], 100.0, "the change starts at the drill");
  cr_expect_gt(a->depth, 0.0, "smoke beyond the wedged door");
  cr_expect_lt(b->depth, 0.8 * a->depth,
               "%s: the layer beyond the door %.2f times as deep as without "
               "the drill",
               model, b->depth / a->depth);
  cr_expect_leq(b->frac, w1[n - 1].frac,
                "%s: the gas beyond the shut door no sootier than its source",
                model);
  return b->soot / a->soot;
}

Test(smoke_timeline, drill_shutting_the_fire_door_changes_the_layer_smoke) {
  double r = drill_changes_smoke("layer");
  cr_expect_lt(r, 0.8, "the shut door holds the soot back: %.2f times", r);
}

Test(smoke_timeline, drill_shutting_the_fire_door_changes_the_momentum_smoke) {
  drill_changes_smoke("momentum");
}
