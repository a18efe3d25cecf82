/* Hazards: parsing, each type's effect on the model, --fix. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "models/fire/fire.h"
#include "result.h"
#include "verification/grid.h"

/* Two floors, stairs A, a named corridor fire door G, a shaft h, an exit
 * X; sprinklers and detectors everywhere; the scenario has a fire on floor
 * "2" and the hazards given (a JSON array text). */
static struct evac_model *load(const char *tag, const char *hazards,
                               struct evac_diag *d) {
  cJSON *floors = cJSON_CreateArray();
  for (int f = 0; f < 2; f++) {
    struct grid g = grid_new(30, 8);
    grid_fill(&g, 1, 1, 28, 6, '.');
    grid_fill(&g, 14, 1, 14, 6, 'G');
    grid_fill(&g, 26, 1, 28, 6, 'A');
    grid_fill(&g, 10, 7, 10, 7, 'h');
    if (f == 0)
      grid_fill(&g, 29, 2, 29, 5, 'X');
    cJSON_AddItemToArray(floors, grid_floor(&g, f ? "2" : "1", 3.0 * f));
    free(g.c);
  }
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(
      plan, "legend",
      cJSON_Parse("{\"A\": {\"stair\": \"Stair A\"}, \"G\": {\"fire_door\": "
                  "\"Corridor fire door\"}, \"h\": {\"shaft\": \"Cable\"}, "
                  "\"X\": {\"exit\": \"Exit\"}}"));
  cJSON_AddItemToObject(
      plan, "stairs",
      cJSON_Parse("[{\"name\": \"Stair A\", \"width_m\": 1.2}]"));
  cJSON_AddItemToObject(
      plan, "shafts",
      cJSON_Parse(
          "[{\"name\": \"Cable\", \"kind\": \"cable\", \"area_m2\": 0.5}]"));
  cJSON_AddItemToObject(
      plan, "systems",
      cJSON_Parse("{\"sprinklers\": {\"floors\": \"all\"}, \"detectors\": "
                  "{\"floors\": \"all\"}, \"micro_station\": {\"response_s\": "
                  "120}}"));
  cJSON *sc = scenario_new(600);
  cJSON_AddItemToObject(
      sc, "fire",
      cJSON_Parse("{\"floor\": \"2\", \"at\": [5, 3], "
                  "\"growth\": \"fast\", \"peak_kw\": 2000}"));
  cJSON_AddItemToObject(sc, "alarm", cJSON_Parse("{\"delay_s\": 30}"));
  cJSON_AddItemToObject(sc, "hazards", cJSON_Parse(hazards));
  char *p = json_take(plan), *s = json_take(sc);
  struct evac_model *m = NULL;
  evac_test_load(tag, "test.plan.json", p, s, d, &m);
  free(p);
  free(s);
  return m;
}

static int count_kind(const struct evac_model *m, int f, uint8_t kind) {
  int n = 0;
  size_t end = m->floors[f].offset + (size_t)m->floors[f].nx * m->floors[f].ny;
  for (size_t c = m->floors[f].offset; c < end; c++)
    n += m->cell_kind[c] == kind;
  return n;
}

Test(hazards, each_type_changes_the_model) {
  struct evac_diag d;
  struct evac_model *m = load(
      "hz-apply",
      "[{\"id\": \"H1\", \"type\": \"fire_door_open\", \"target\": "
      "\"Corridor fire door\", \"floors\": [\"2\"], \"cost\": 50, \"owner\": "
      "\"Ward\"},"
      " {\"id\": \"H2\", \"type\": \"sprinkler_inoperative\", \"floors\": "
      "[\"2\"]},"
      " {\"id\": \"H3\", \"type\": \"blocked_stair\", \"target\": \"Stair A\", "
      "\"floors\": [\"1\"]},"
      " {\"id\": \"H4\", \"type\": \"unsealed_shaft\"},"
      " {\"id\": \"H5\", \"type\": \"alarm_delayed\"},"
      " {\"id\": \"H6\", \"type\": \"hydrant_dry\"},"
      " {\"id\": \"H7\", \"type\": \"fire_lane_blocked\"},"
      " {\"id\": \"H8\", \"type\": \"micro_station_unready\"},"
      " {\"id\": \"H9\", \"type\": \"combustible_insulation\", \"floors\": "
      "[\"2\"]},"
      " {\"id\": \"H10\", \"type\": \"window_grilles\"}]",
      &d);
  evac_diag_print(&d, stderr);
  cr_assert_not_null(m);
  cr_assert_eq(m->nhazards, 10);
  cr_expect_eq(m->hazards[0].cost, 50.0);
  cr_expect_str_eq(m->hazards[0].owner, "Ward");
  cr_expect(isnan(m->hazards[1].cost));
  double brigade = m->systems.brigade_arrival_s;
  int warnings = d.n - d.errors;
  evac_hazards_apply(m, &d);
  cr_expect_eq(count_kind(m, 1, EVAC_CELL_FIRE_DOOR), 0, "floor 2's door open");
  cr_expect_eq(count_kind(m, 0, EVAC_CELL_FIRE_DOOR), 6, "floor 1's kept");
  cr_expect_eq(m->systems.sprinkler_floor[1], 0);
  cr_expect_eq(m->systems.sprinkler_floor[0], 1);
  cr_assert_eq(m->ntimeline, 1);
  cr_expect_eq(m->timeline[0].t_s, 0.0);
  cr_expect_eq(m->timeline[0].feature, evac_model_feature(m, "Stair A"));
  cr_expect_eq(m->timeline[0].nfloors, 1);
  cr_expect_eq(m->shafts[0].unsealed, 1);
  cr_expect_eq(m->alarm_delay_s, 30.0 + 300.0);
  cr_expect_eq(m->systems.water, 0);
  cr_expect_eq(m->systems.brigade_arrival_s, brigade + 600.0);
  cr_expect(isinf(m->systems.micro_station_s));
  cr_expect_eq(m->fire.alpha_kw_s2, 0.1876);
  cr_expect_eq(m->fire.peak_kw, 4000.0);
  cr_expect_eq(d.n - d.errors, warnings,
               "window_grilles: modelled (rescue from outside), no warning");
  cr_expect_eq(m->systems.grilles_floor[1], 1, "grilles on floor 2");
  cr_expect_eq(m->systems.extinction_floor[1], 1.0, "floor 2 lit");
  evac_diag_free(&d);
  evac_model_free(m);
}

Test(hazards, lighting_and_grilles_set_floor_fields) {
  struct evac_diag d;
  struct evac_model *m =
      load("hz-floors",
           "[{\"id\": \"L\", \"type\": \"emergency_lighting_failed\", "
           "\"floors\": [\"2\"]}, {\"id\": \"G\", \"type\": "
           "\"window_grilles\", \"floors\": [\"1\"]}]",
           &d);
  cr_assert_not_null(m);
  cr_expect_eq(m->systems.extinction_floor[1], 1.0, "before apply: lit");
  cr_expect_eq(m->systems.grilles_floor[0], 0, "before apply: no grilles");
  evac_hazards_apply(m, &d);
  cr_expect_eq(m->systems.extinction_floor[1], 8.0 / 3.0, "floor 2 unlit");
  cr_expect_eq(m->systems.extinction_floor[0], 1.0, "floor 1 lit");
  cr_expect_eq(m->systems.grilles_floor[0], 1, "floor 1 barred");
  cr_expect_eq(m->systems.grilles_floor[1], 0, "floor 2 open");
  evac_diag_free(&d);
  evac_model_free(m);
}

Test(hazards, fix_removes_by_id_or_all) {
  struct evac_diag d;
  struct evac_model *m =
      load("hz-fix",
           "[{\"id\": \"H1\", \"type\": \"hydrant_dry\"}, {\"id\": \"H2\", "
           "\"type\": \"alarm_delayed\"}]",
           &d);
  cr_assert_not_null(m);
  cr_expect_eq(evac_hazards_fix(m, "H1"), 0);
  cr_assert_eq(m->nhazards, 1);
  cr_expect_str_eq(m->hazards[0].id, "H2");
  cr_expect_eq(evac_hazards_fix(m, "H1"), -1, "already fixed");
  evac_hazards_apply(m, &d);
  cr_expect_eq(m->systems.water, 1, "H1 fixed: water");
  cr_expect_eq(m->alarm_delay_s, 330.0, "H2 still applies");
  cr_expect_eq(evac_hazards_fix(m, "all"), 0);
  cr_expect_eq(m->nhazards, 0);
  evac_diag_free(&d);
  evac_model_free(m);
}

Test(hazards, bad_targets_are_input_errors) {
  struct evac_diag d;
  struct evac_model *m = load(
      "hz-bad",
      "[{\"id\": \"H1\", \"type\": \"fire_door_open\", \"target\": \"Stair "
      "A\"},"
      " {\"id\": \"H2\", \"type\": \"blocked_exit\"},"
      " {\"id\": \"H3\", \"type\": \"corridor_obstruction\", \"target\": "
      "\"Nowhere\"},"
      " {\"id\": \"H4\", \"type\": \"blocked_stair\", \"target\": \"Stair "
      "A\", \"floors\": [\"9\"]}]",
      &d);
  cr_expect_null(m);
  const char *want[] = {
      "hazards[0].target: \"Stair A\" is a stair; a fire_door_open hazard "
      "names a fire_door",
      "hazards[1].target: missing: a blocked_exit hazard needs the name of "
      "the exit",
      "hazards[2].target: unknown region \"Nowhere\"",
      "hazards[3].floors[0]: unknown floor \"9\""};
  for (int k = 0; k < 4; k++) {
    int found = 0;
    for (int i = 0; i < d.n; i++)
      found |= strstr(d.msg[i].text, want[k]) != NULL;
    cr_expect(found, "no message contains: %s", want[k]);
  }
  evac_diag_free(&d);
  evac_model_free(m);
}

/* Loads a one-floor building: grid g (freed here) at 0.4 m cells with the
 * regions, and a 600 s scenario with the occupants, fires (NULL: none) and
 * hazards given as JSON texts. */
static struct evac_model *one_floor(const char *tag, struct grid *g,
                                    const char *regions, const char *occupants,
                                    const char *fires, const char *hazards) {
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(g, "1", 0.0));
  free(g->c);
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(plan, "regions", cJSON_Parse(regions));
  cJSON *sc = scenario_new(600);
  cJSON_AddItemToObject(sc, "occupants", cJSON_Parse(occupants));
  if (fires)
    cJSON_AddItemToObject(sc, "fires", cJSON_Parse(fires));
  cJSON_AddItemToObject(sc, "hazards", cJSON_Parse(hazards));
  char *p = json_take(plan), *s = json_take(sc);
  struct evac_diag d;
  struct evac_model *m = NULL;
  evac_test_load(tag, "test.plan.json", p, s, &d, &m);
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  free(p);
  free(s);
  cr_assert_not_null(m);
  return m;
}

/* A corridor 12 m x 2 m (0.4 m cells: 30 x 5) with an exit at its east
 * end, 40 people at its west end, a region over it and the hazards given;
 * two ignition scenarios, one inside the corridor. */
static struct evac_model *corridor(const char *tag, const char *hazards) {
  struct grid g = grid_new(33, 7);
  grid_fill(&g, 1, 1, 30, 5, '.');
  grid_fill(&g, 31, 1, 31, 5, 'E');
  return one_floor(
      tag, &g,
      "[{\"name\": \"Corridor\", \"floor\": \"1\", \"rect\": [11, 1, 30, 5]}]",
      "[{\"floor\": \"1\", \"rect\": [1, 1, 8, 5], \"count\": 40}]",
      "[{\"floor\": \"1\", \"at\": [3, 3], \"weight\": 0.6},"
      " {\"floor\": \"1\", \"at\": [20, 3], \"weight\": 0.2}]",
      hazards);
}

Test(hazards, obstruction_ebike_and_overload_change_the_model) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = corridor(
      "hz-regions",
      "[{\"id\": \"O\", \"type\": \"corridor_obstruction\", \"target\": "
      "\"Corridor\"}, {\"id\": \"B\", \"type\": \"ebike_charging\", "
      "\"target\": \"Corridor\"}, {\"id\": \"X\", \"type\": "
      "\"electrical_overload\", \"target\": \"Corridor\"}]");
  evac_hazards_fix(m, "B");
  evac_hazards_fix(m, "X");
  evac_hazards_apply(m, &d);
  /* obstruction: 2 of the 5 rows over the region's 20 columns */
  cr_expect_eq(count_kind(m, 0, EVAC_CELL_OBSTACLE), 40);
  evac_model_free(m);

  m = corridor("hz-regions",
               "[{\"id\": \"B\", \"type\": \"ebike_charging\", \"target\": "
               "\"Corridor\"}, {\"id\": \"X\", \"type\": "
               "\"electrical_overload\", \"target\": \"Corridor\"}]");
  evac_hazards_apply(m, &d);
  /* e-bike: 2.0 x 0.8 m = 5 x 2 cells, and its battery as a third fire
     with the mean weight 0.4; overload: the two fires in the corridor (the
     old one at x 20 and the e-bike's) are twice as likely */
  cr_expect_eq(count_kind(m, 0, EVAC_CELL_OBSTACLE), 10);
  cr_assert_eq(m->nfires, 3);
  cr_expect_eq(m->fires[0].weight, 0.6, "outside the corridor: unchanged");
  cr_expect_eq(m->fires[1].weight, 0.4, "in the corridor: doubled");
  cr_expect_eq(m->fires[2].weight, 0.8, "the e-bike: mean 0.4, doubled");
  cr_expect_eq(m->fires[2].fuel, evac_fuel_find("lithium_battery"));
  cr_expect_eq(
      m->cell_kind[evac_model_cell(m, 0, m->fires[2].x, m->fires[2].y)],
      EVAC_CELL_FLOOR, "the battery burns beside the bike, on the floor");
  evac_diag_free(&d);
  evac_model_free(m);
}

/* Outcome sign: stored goods narrowing the corridor from 2.0 to 1.2 m slow
 * the evacuation of 40 people (flow cap 1.3 p/(m s): 2.6 -> 1.56 p/s). */
Test(hazards, obstruction_slows_the_evacuation) {
  double t[2];
  for (int with = 0; with < 2; with++) {
    struct evac_diag d;
    evac_diag_init(&d);
    struct evac_model *m = corridor(
        "hz-slow", "[{\"id\": \"O\", \"type\": \"corridor_obstruction\", "
                   "\"target\": \"Corridor\"}]");
    if (!with)
      evac_hazards_fix(m, "O");
    evac_hazards_apply(m, &d);
    struct evac_run_opts o = {.seed = 3, .seed_given = 1, .threads = 1};
    struct evac_sim *sim = NULL;
    cr_assert_eq(evac_sim_create(m, &o, &d, &sim), 0);
    cr_assert_eq(evac_sim_run(sim), 0);
    t[with] = evac_sim_result(sim)->evacuation_time_s;
    evac_sim_free(sim);
    evac_model_free(m);
    evac_diag_free(&d);
  }
  cr_log_info("40 people: %.1f s clear, %.1f s obstructed", t[0], t[1]);
  cr_expect_gt(t[1], 1.25 * t[0], "obstruction must slow the evacuation");
}

/* Stored goods leave the doors free: a ward whose door opens onto the
 * obstructed half of the corridor (0.4 m cells; corridor rows 6-10, door
 * at columns 15-16 of the wall row 5) still gets all its people out. */
Test(hazards, obstruction_keeps_doors_free) {
  struct grid g = grid_new(33, 12);
  grid_fill(&g, 11, 1, 20, 4, '.');
  grid_fill(&g, 15, 5, 16, 5, 'D');
  grid_fill(&g, 1, 6, 30, 10, '.');
  grid_fill(&g, 31, 6, 31, 10, 'E');
  struct evac_model *m = one_floor(
      "hz-doors", &g,
      "[{\"name\": \"Corridor\", \"floor\": \"1\", \"rect\": [1, 6, 30, 10]}]",
      "[{\"floor\": \"1\", \"rect\": [11, 1, 20, 4], \"count\": 10}]", NULL,
      "[{\"id\": \"O\", \"type\": \"corridor_obstruction\", \"target\": "
      "\"Corridor\"}]");
  struct evac_diag d;
  evac_diag_init(&d);
  evac_hazards_apply(m, &d);
  /* 2 of the 5 rows over 30 columns, less the 2 in front of the door */
  cr_expect_eq(count_kind(m, 0, EVAC_CELL_OBSTACLE), 56);
  struct evac_run_opts o = {.seed = 3, .seed_given = 1, .threads = 1};
  struct evac_sim *sim = NULL;
  cr_assert_eq(evac_sim_create(m, &o, &d, &sim), 0);
  cr_assert_eq(evac_sim_run(sim), 0);
  const struct evac_result *res = evac_sim_result(sim);
  cr_expect_eq(res->evacuated, 10, "the ward is cut off: %d out",
               res->evacuated);
  evac_sim_free(sim);
  evac_model_free(m);
  evac_diag_free(&d);
}
