/* The settled end of a fire run (docs/models.md, "End of a run"): a run
 * that ends once its outcome is settled reports exactly what the same run
 * simulated to its full duration reports.
 *
 * Random towers of 2 to 4 floors (a ward, a corridor and a stair on each,
 * the exit on the ground floor, sometimes a refuge), random occupants
 * (walkers, elderly, wheelchair users, bedridden patients, frail patients
 * incapacitated by a small dose), staff or none, a fire on a random floor
 * with random systems (sprinklers, detectors, in-house attack, brigade,
 * outside temperature, smoke transport), window grilles or not: each is
 * run ending when settled and again with the full duration, and every
 * printed figure but the simulated time, every per-agent column, the event
 * log and the heat release peak must be identical; a lean run (no time
 * series) must end at the same time; and no floor below the fire's may
 * ever hold smoke (the rule rests on it). Enough cases must end early for
 * the comparison to mean something.
 *
 * A fixed case ends early and says so: /summary settled_s, the printed
 * line and `evacsim info`; `run --full` simulates to the duration. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "result.h"
#include "settle.h"
#include "sim.h"
#include "support.h"
#include "verification/grid.h"

/* Adds a group of count people (profile NULL: staff) on floor fl in the
 * rectangle. */
static void group(cJSON *sc, const char *key, const char *fl, int x0, int y0,
                  int x1, int y1, const char *profile, int count) {
  if (count <= 0)
    return;
  cJSON *arr = cJSON_GetObjectItem(sc, key);
  if (!arr)
    arr = cJSON_AddArrayToObject(sc, key);
  cJSON *g = cJSON_CreateObject();
  cJSON_AddStringToObject(g, "floor", fl);
  int r[4] = {x0, y0, x1, y1};
  cJSON_AddItemToObject(g, "rect", cJSON_CreateIntArray(r, 4));
  if (profile)
    cJSON_AddStringToObject(g, "profile", profile);
  cJSON_AddNumberToObject(g, "count", count);
  cJSON_AddItemToArray(arr, g);
}

/* Draws tower case k: plan and scenario JSON (malloc'd). */
static void draw_case(int k, char **plan_text, char **scen_text) {
  uint64_t x = 0x2545F4914F6CDD1DULL ^ ((uint64_t)k * 0x9E3779B97F4A7C15ULL);
  for (int i = 0; i < 4; i++)
    evac_test_next(&x);
  int nfl = evac_test_pick(&x, 2, 4), w = evac_test_pick(&x, 8, 16),
      h = evac_test_pick(&x, 4, 8);
  int cor = evac_test_pick(&x, 2, 4), door = evac_test_pick(&x, 1, 3);
  int dx = evac_test_pick(&x, 1, w - door + 1), cy = h + 2;
  int refuge = evac_test_pick(&x, 0, 3) == 0;
  int fire_door = evac_test_pick(&x, 0, 1), pocket = evac_test_pick(&x, 0, 2);
  int shaft = evac_test_pick(&x, 0, 2) == 0;
  cJSON *floors = cJSON_CreateArray();
  for (int f = 0; f < nfl; f++) {
    struct grid g = grid_new(w + 4, h + cor + 3);
    grid_fill(&g, 1, 1, w, h, '.');
    grid_fill(&g, dx, h + 1, dx + door - 1, h + 1, 'D');
    grid_fill(&g, 1, cy, w, cy + cor - 1, '.');
    grid_fill(&g, w + 1, cy, w + 2, cy + cor - 1, 'A');
    if (f == 0)
      grid_fill(&g, w + 3, cy, w + 3, cy + cor - 1, 'E');
    if (refuge)
      grid_fill(&g, 1, cy, 2, cy + cor - 1, 'R');
    if (fire_door) /* closed: smoke leaks through its gaps */
      grid_fill(&g, 3, cy, 3, cy + cor - 1, 'F');
    if (pocket == 0) { /* a room walled off in the ward's corner */
      grid_fill(&g, w - 2, 1, w - 2, 3, '#');
      grid_fill(&g, w - 2, 3, w, 3, '#');
    }
    if (shaft) /* a service shaft beside the corridor */
      grid_fill(&g, 0, cy, 0, cy, 'h');
    char name[16];
    snprintf(name, sizeof name, "%d", f + 1);
    cJSON_AddItemToArray(floors, grid_floor(&g, name, 3.6 * f));
    free(g.c);
  }
  cJSON *plan = plan_new(0.5, floors);
  cJSON *legend = cJSON_AddObjectToObject(plan, "legend");
  cJSON_AddItemToObject(legend, "A", cJSON_Parse("{\"stair\": \"Stair A\"}"));
  cJSON_AddItemToObject(
      plan, "stairs",
      cJSON_Parse("[{\"name\": \"Stair A\", \"width_m\": 1.2}]"));
  if (shaft) {
    cJSON_AddItemToObject(legend, "h", cJSON_Parse("{\"shaft\": \"Shaft 1\"}"));
    cJSON_AddItemToObject(
        plan, "shafts",
        cJSON_Parse("[{\"name\": \"Shaft 1\", \"area_m2\": 0.5}]"));
  }
  cJSON *sys = cJSON_AddObjectToObject(plan, "systems");
  if (evac_test_pick(&x, 0, 1)) /* the stair takes no smoke in */
    cJSON_AddItemToObject(sys, "stair_pressurisation",
                          cJSON_Parse("{\"pa\": 45}"));
  cJSON_AddNumberToObject(sys, "outside_c", evac_test_pick(&x, -10, 35));
  cJSON *br = cJSON_AddObjectToObject(sys, "brigade");
  cJSON_AddNumberToObject(br, "arrival_s", evac_test_pick(&x, 60, 600));
  if (evac_test_pick(&x, 0, 2) == 0)
    cJSON_AddItemToObject(sys, "sprinklers", cJSON_CreateObject());
  if (evac_test_pick(&x, 0, 1))
    cJSON_AddItemToObject(sys, "detectors", cJSON_CreateObject());
  if (evac_test_pick(&x, 0, 3) == 0)
    cJSON_AddItemToObject(sys, "micro_station",
                          cJSON_Parse("{\"response_s\": 120}"));

  cJSON *sc = scenario_new(evac_test_pick(&x, 300, 1200));
  if (refuge)
    cJSON_AddStringToObject(sc, "strategy", "horizontal");
  if (evac_test_pick(&x, 0, 2) == 0)
    cJSON_AddItemToObject(sc, "smoke",
                          cJSON_Parse("{\"model\": \"momentum\"}"));
  cJSON *pr = cJSON_AddObjectToObject(sc, "profiles");
  cJSON *frail = cJSON_AddObjectToObject(pr, "frail");
  cJSON_AddStringToObject(frail, "base", "bedridden");
  cJSON_AddNumberToObject(frail, "fed_threshold",
                          0.01 * evac_test_pick(&x, 1, 5));
  static const char *const profiles[] = {"adult", "elderly", "wheelchair",
                                         "bedridden", "frail"};
  static const int most[] = {6, 3, 2, 3, 2};
  for (int f = 0; f < nfl; f++) {
    char name[16];
    snprintf(name, sizeof name, "%d", f + 1);
    for (int p = 0; p < 5; p++)
      group(sc, "occupants", name, 1, 1, w, h, profiles[p],
            evac_test_pick(&x, 0, most[p]));
    if (evac_test_pick(&x, 0, 2) == 0)
      group(sc, "staff", name, 4, cy, w, cy + cor - 1, NULL,
            evac_test_pick(&x, 1, 2));
  }
  static const char *const growth[] = {"medium", "fast", "ultrafast"};
  cJSON *fi = cJSON_AddObjectToObject(sc, "fire");
  char ffl[16];
  snprintf(ffl, sizeof ffl, "%d",
           evac_test_pick(&x, 0, 3) ? evac_test_pick(&x, 2, nfl) : 1);
  cJSON_AddStringToObject(fi, "floor", ffl);
  int at[2] = {evac_test_pick(&x, 1, w), evac_test_pick(&x, 1, h)};
  if (pocket == 0 && at[0] >= w - 2 && at[1] <= 3)
    at[0] = 1; /* not in the walled-off room nor its walls */
  cJSON_AddItemToObject(fi, "at", cJSON_CreateIntArray(at, 2));
  cJSON_AddStringToObject(fi, "growth", growth[evac_test_pick(&x, 0, 2)]);
  cJSON_AddNumberToObject(fi, "peak_kw", evac_test_pick(&x, 300, 3000));
  cJSON *hz = cJSON_AddArrayToObject(sc, "hazards");
  if (evac_test_pick(&x, 0, 3)) /* grilles: no ladder rescue */
    cJSON_AddItemToArray(
        hz, cJSON_Parse("{\"id\": \"W\", \"type\": \"window_grilles\"}"));
  if (shaft && evac_test_pick(&x, 0, 1))
    cJSON_AddItemToArray(
        hz, cJSON_Parse("{\"id\": \"S\", \"type\": \"unsealed_shaft\"}"));
  cJSON_AddItemToObject(sc, "output", cJSON_Parse("{\"agents_every_s\": 2}"));
  *plan_text = json_take(plan);
  *scen_text = json_take(sc);
}

/* Runs model m with seed, ending when settled unless full; lean keeps no
 * time series. */
static struct evac_sim *run(const struct evac_model *m, int k, int full,
                            int lean) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_run_opts opts = {.seed = (uint64_t)k + 1,
                               .seed_given = 1,
                               .threads = 1,
                               .full = full,
                               .lean = lean};
  struct evac_sim *sim = NULL;
  int rc = evac_sim_create(m, &opts, &d, &sim);
  if (rc == EVAC_OK)
    rc = evac_sim_run(sim);
  if (rc != EVAC_OK)
    evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  cr_assert_eq(rc, EVAC_OK, "case %d (full %d, lean %d) did not run", k, full,
               lean);
  return sim;
}

/* The printed summary without the lines that may differ: the simulated
 * time, the wall clock and the settled line (malloc'd). */
static char *printed(const struct evac_sim *sim) {
  char *text = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&text, &n);
  cr_assert_not_null(f);
  evac_sim_print_summary(sim, f);
  fclose(f);
  char *out = malloc(n + 1), *o = out;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
    if (!strstr(line, "simulated time") && !strstr(line, "wall clock") &&
        !strstr(line, "outcome settled"))
      o += sprintf(o, "%s\n", line);
  *o = '\0';
  free(text);
  return out;
}

/* 1 if the n values of size bytes at a and b are the same bits. */
static int same(const void *a, const void *b, size_t n, size_t size) {
  return n == 0 || memcmp(a, b, n * size) == 0;
}

/* The checks of case k: early (ended when settled), full and lean. */
static void compare(int k, const struct evac_model *m,
                    const struct evac_sim *early, struct evac_sim *full,
                    const struct evac_sim *lean) {
  const struct evac_result *a = evac_sim_result(early),
                           *b = evac_sim_result(full),
                           *l = evac_sim_result(lean);
  struct evac_summary sa, sb;
  evac_sim_summary(early, &sa);
  evac_sim_summary(full, &sb);
  sa.end_time_s = sb.end_time_s = 0.0;
  cr_assert(same(&sa, &sb, 1, sizeof sa),
            "case %d: summaries differ (settled at %g)", k, a->settled_s);
  char *pa = printed(early), *pb = printed(full);
  cr_assert_str_eq(pa, pb, "case %d: printed summaries differ", k);
  free(pa);
  free(pb);
  const size_t n = (size_t)a->occupants;
  const struct evac_result_agents *x = &a->agents, *y = &b->agents;
  cr_assert(same(x->exit_time_s, y->exit_time_s, n, sizeof(double)) &&
                same(x->safe_place, y->safe_place, n, sizeof(int32_t)) &&
                same(x->fed_max, y->fed_max, n, sizeof(double)) &&
                same(x->incapacitated, y->incapacitated, n, 1) &&
                same(x->distance_m, y->distance_m, n, sizeof(double)),
            "case %d: /agents differ", k);
  cr_assert_eq(a->events.n, b->events.n, "case %d: %zu events, %zu in full", k,
               a->events.n, b->events.n);
  cr_assert(
      same(a->events.type, b->events.type, a->events.n, 1) &&
          same(a->events.agent, b->events.agent, a->events.n,
               sizeof(int32_t)) &&
          same(a->events.time_s, b->events.time_s, a->events.n, sizeof(double)),
      "case %d: event logs differ", k);
  cr_assert(same(&a->settled_s, &b->settled_s, 1, sizeof(double)),
            "case %d: settled at %g, at %g in the full run", k, a->settled_s,
            b->settled_s);
  cr_assert(same(&a->end_time_s, &l->end_time_s, 1, sizeof(double)) &&
                same(&a->settled_s, &l->settled_s, 1, sizeof(double)),
            "case %d: lean run ends at %g (settled %g), %g (%g) otherwise", k,
            l->end_time_s, l->settled_s, a->end_time_s, a->settled_s);
  /* the rule rests on smoke entering only the cells evac_sim_smoke_reach
     finds (never a floor below the fire's): in the full run, no other
     floor ever holds smoke, and no other cell holds a layer at the end */
  const uint8_t *reach = evac_sim_smoke_reach(full);
  cr_assert_not_null(reach);
  for (int f = 0; f < m->nfloors; f++) {
    cr_assert(f >= m->fire.floor || !reach[m->ncells + (size_t)f],
              "case %d: smoke may reach floor %d, below the fire's floor %d", k,
              f, m->fire.floor);
    cr_assert(reach[m->ncells + (size_t)f] || b->fields.first[f] < 0,
              "case %d: smoke on floor %d, which it cannot reach", k, f);
  }
  for (size_t c = 0; c < m->ncells; c++) {
    struct evac_gas g;
    evac_smoke_gas(full->smoke, (int32_t)c, INFINITY, &g);
    cr_assert(reach[c] || (g.soot_kg_m3 == 0.0 && g.co_ppm == 0.0),
              "case %d: a layer in cell %zu, which smoke cannot reach", k, c);
  }
  if (!isnan(a->settled_s))
    cr_assert(a->end_time_s == a->settled_s && a->settled_s < b->end_time_s &&
                  b->end_time_s >= m->duration_s - 1.0,
              "case %d: settled at %g, ended at %g, full run to %g", k,
              a->settled_s, a->end_time_s, b->end_time_s);
}

/* 1 if somebody is left in sim at the end (not out, not incapacitated;
 * in a refuge counts) on the fire's floor or above it. */
static int left_at_or_above_fire(const struct evac_sim *sim) {
  for (int a = 0; a < sim->nagents; a++) {
    const struct evac_agent *ag = &sim->agents[a];
    int sp = sim->res.agents.safe_place[a];
    int refuge = sp >= 0 && sim->m->features[sp].kind == EVAC_FEAT_REFUGE;
    int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
    if (ag->state == EVAC_STATE_INCAPACITATED ||
        (ag->state == EVAC_STATE_SAFE && !refuge) || c < 0)
      continue;
    if (sim->cell_floor[c] >= sim->m->fire.floor)
      return 1;
  }
  return 0;
}

Test(settle, identical_outcomes, .timeout = 900) {
  const char *env = getenv("EVAC_SETTLE_RUNS");
  int runs = env && atoi(env) > 0 ? atoi(env) : 40;
  int early = 0, left = 0, above = 0;
  double saved = 0.0, total = 0.0;
  for (int k = 0; k < runs; k++) {
    char *plan, *scen;
    draw_case(k, &plan, &scen);
    struct evac_diag d;
    struct evac_model *m = NULL;
    char tag[32];
    snprintf(tag, sizeof tag, "settle%d", k % 8);
    int rc = evac_test_load(tag, "test.plan.json", plan, scen, &d, &m);
    if (rc == EVAC_OK) /* the hazards as run simulates them */
      evac_hazards_apply(m, &d);
    if (rc != EVAC_OK)
      evac_diag_print(&d, stderr);
    evac_diag_free(&d);
    cr_assert_eq(rc, EVAC_OK, "case %d does not load:\n%s\n%s", k, plan, scen);
    struct evac_sim *a = run(m, k, 0, 0), *b = run(m, k, 1, 0),
                    *l = run(m, k, 0, 1);
    compare(k, m, a, b, l);
    const struct evac_result *r = evac_sim_result(a);
    early += !isnan(r->settled_s);
    above += !isnan(r->settled_s) && left_at_or_above_fire(a);
    left += r->remaining > 0;
    saved += evac_sim_result(b)->end_time_s - r->end_time_s;
    total += evac_sim_result(b)->end_time_s;
    evac_sim_free(a);
    evac_sim_free(b);
    evac_sim_free(l);
    evac_model_free(m);
    free(plan);
    free(scen);
  }
  cr_log_info("%d runs: %d with people left, %d ended when settled (%d with "
              "people left on or above the fire's floor), %.0f of %.0f "
              "simulated s saved",
              runs, left, early, above, saved, total);
  /* the draw must reach the runs the rule ends */
  cr_expect_geq(early * 5, runs, "only %d of %d runs ended when settled", early,
                runs);
  cr_expect_geq(above * 10, runs,
                "only %d of %d runs ended when settled with people left on "
                "or above the fire's floor",
                above, runs);
}

/* Two floors: the fire upstairs, bedridden patients downstairs with no
 * staff and grilles on the windows: nobody will ever move them, and no
 * smoke can come down to them. */
static void settled_case(char **plan_text, char **scen_text) {
  cJSON *floors = cJSON_CreateArray();
  for (int f = 0; f < 2; f++) {
    struct grid g = grid_new(16, 12);
    grid_fill(&g, 1, 1, 12, 6, '.');
    grid_fill(&g, 5, 7, 6, 7, 'D');
    grid_fill(&g, 1, 8, 12, 10, '.');
    grid_fill(&g, 13, 8, 14, 10, 'A');
    if (f == 0)
      grid_fill(&g, 15, 8, 15, 10, 'E');
    cJSON_AddItemToArray(floors, grid_floor(&g, f ? "2" : "1", 3.6 * f));
    free(g.c);
  }
  cJSON *plan = plan_new(0.5, floors);
  cJSON_AddItemToObject(plan, "legend",
                        cJSON_Parse("{\"A\": {\"stair\": \"Stair A\"}}"));
  cJSON_AddItemToObject(
      plan, "stairs",
      cJSON_Parse("[{\"name\": \"Stair A\", \"width_m\": 1.2}]"));
  cJSON *sc = scenario_new(900);
  group(sc, "occupants", "1", 1, 1, 12, 6, "bedridden", 3);
  group(sc, "occupants", "2", 1, 1, 12, 6, "adult", 4);
  cJSON *fi = cJSON_AddObjectToObject(sc, "fire");
  cJSON_AddStringToObject(fi, "floor", "2");
  int at[2] = {10, 3};
  cJSON_AddItemToObject(fi, "at", cJSON_CreateIntArray(at, 2));
  cJSON_AddStringToObject(fi, "growth", "fast");
  cJSON_AddNumberToObject(fi, "peak_kw", 1000);
  cJSON_AddItemToObject(
      sc, "hazards",
      cJSON_Parse("[{\"id\": \"W\", \"type\": \"window_grilles\"}]"));
  *plan_text = json_take(plan);
  *scen_text = json_take(sc);
}

/* The value after label in text (the first number on its line), or NaN. */
static double after(const char *text, const char *label) {
  const char *p = strstr(text, label);
  return p ? strtod(p + strlen(label), NULL) : NAN;
}

Test(settle, ends_early_and_says_so, .timeout = 300) {
  char *plan, *scen;
  settled_case(&plan, &scen);
  const char *dir = evac_test_dir("settle_cli");
  free(evac_test_write(dir, "test.plan.json", plan));
  char *path = evac_test_write(dir, "test.scenario.json", scen);
  char cmd[1024], *out = NULL, *full = NULL;
  snprintf(cmd, sizeof cmd, "run %s -o %s/early.h5 --threads 1", path, dir);
  cr_assert_eq(evac_test_cli(cmd, &out), 0, "%s", out);
  double at = after(out, "outcome settled at");
  cr_assert(at > 0.0 && at < 900.0, "no settled line:\n%s", out);
  cr_assert_float_eq(after(out, "simulated time"), at, 1e-9, "%s", out);
  cr_assert_float_eq(after(out, "remaining"), 3.0, 0.0, "%s", out);
  snprintf(cmd, sizeof cmd, "run %s -o %s/full.h5 --threads 1 --full", path,
           dir);
  cr_assert_eq(evac_test_cli(cmd, &full), 0, "%s", full);
  cr_assert_float_eq(after(full, "simulated time"), 900.0, 1e-9, "%s", full);
  cr_assert_float_eq(after(full, "outcome settled at"), at, 1e-9, "%s", full);
  /* the file says so; info shows it; verify re-runs each as it was run */
  char early_h5[512], full_h5[512];
  snprintf(early_h5, sizeof early_h5, "%s/early.h5", dir);
  snprintf(full_h5, sizeof full_h5, "%s/full.h5", dir);
  double stored = NAN, end = NAN;
  hid_t f = H5Fopen(early_h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hid_t g = H5Gopen2(f, "/summary", H5P_DEFAULT);
  hid_t a1 = H5Aopen(g, "settled_s", H5P_DEFAULT),
        a2 = H5Aopen(g, "end_time_s", H5P_DEFAULT);
  cr_assert(a1 >= 0 && a2 >= 0);
  H5Aread(a1, H5T_NATIVE_DOUBLE, &stored);
  H5Aread(a2, H5T_NATIVE_DOUBLE, &end);
  H5Aclose(a1);
  H5Aclose(a2);
  H5Gclose(g);
  H5Fclose(f);
  cr_assert_float_eq(stored, at, 0.05, "/summary settled_s %g", stored);
  cr_assert_eq(stored, end, "settled_s %g, end_time_s %g", stored, end);
  char *info = NULL;
  snprintf(cmd, sizeof cmd, "info %s", early_h5);
  cr_assert_eq(evac_test_cli(cmd, &info), 0, "%s", info);
  cr_assert(strstr(info, "outcome settled"), "%s", info);
  for (int i = 0; i < 2; i++) {
    char *v = NULL;
    snprintf(cmd, sizeof cmd, "run --verify %s --quiet",
             i ? full_h5 : early_h5);
    cr_assert_eq(evac_test_cli(cmd, &v), 0, "%s", v);
    free(v);
  }
  free(info);
  free(out);
  free(full);
  free(path);
  free(plan);
  free(scen);
}
