/* People left inside, unharmed, with a way out (docs/hazards.md,
 * "Sheltering and rescue"). A corridor 42 x 3 cells of 0.4 m with exits at
 * both ends; the east exit is blocked (hazard blocked_exit), which the
 * people near it learn only when they reach it. The first ones turn back
 * into the queue still heading east: before the word-of-mouth rule the two
 * streams blocked each other for good and the run ended with people
 * inside, unhurt, never trapped and never rescued. */
#include <criterion/criterion.h>
#include <math.h>

#include "diag.h"
#include "grid.h"
#include "model.h"
#include "result.h"
#include "sim.h"

/* The corridor, exits W (x 0) and X (x 43). */
static cJSON *corridor_plan(void) {
  struct grid g = grid_new(44, 5);
  grid_fill(&g, 1, 1, 42, 3, '.');
  grid_fill(&g, 0, 1, 0, 3, 'W');
  grid_fill(&g, 43, 1, 43, 3, 'X');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(plan, "legend",
                        cJSON_Parse("{\"W\": {\"exit\": \"West\"}, "
                                    "\"X\": {\"exit\": \"East\"}}"));
  return plan;
}

/* Runs the corridor with n people in its east part, the east exit blocked
 * unless fixed. */
static struct evac_result run_corridor(int n, int fixed, int *stuck) {
  cJSON *sc = scenario_new(600);
  add_group(sc, 28, 1, 41, 3, "adult", n, NULL);
  cJSON_AddItemToObject(
      sc, "hazards",
      cJSON_Parse("[{\"id\": \"H\", \"type\": "
                  "\"blocked_exit\", \"target\": \"East\"}]"));
  char *p = json_take(corridor_plan()), *s = json_take(sc);
  struct evac_diag d;
  struct evac_model *m = NULL;
  cr_assert_eq(evac_test_load("turn-back", "test.plan.json", p, s, &d, &m), 0);
  free(p);
  free(s);
  if (fixed)
    cr_assert_eq(evac_hazards_fix(m, "H"), 0);
  evac_hazards_apply(m, &d);
  evac_diag_free(&d);
  evac_diag_init(&d);
  struct evac_run_opts o = {.seed = 3, .seed_given = 1, .threads = 1};
  struct evac_sim *sim = NULL;
  cr_assert_eq(evac_sim_create(m, &o, &d, &sim), 0);
  cr_assert_eq(evac_sim_run(sim), 0);
  const struct evac_result *r = evac_sim_result(sim);
  struct evac_result out = {.occupants = r->occupants,
                            .evacuated = r->evacuated,
                            .incapacitated = r->incapacitated,
                            .remaining = r->remaining,
                            .evacuation_time_s = r->evacuation_time_s};
  *stuck = 0;
  for (int a = 0; a < sim->nagents; a++)
    *stuck += sim->agents[a].state == EVAC_STATE_MOVING;
  evac_sim_free(sim);
  evac_model_free(m);
  evac_diag_free(&d);
  return out;
}

Test(turn_back, people_turning_back_tell_the_queue) {
  int stuck = 0;
  struct evac_result r = run_corridor(30, 0, &stuck);
  cr_expect_eq(r.remaining, 0, "%d left inside (%d waiting for a cell)",
               r.remaining, stuck);
  cr_expect_eq(r.evacuated, 30);
  cr_expect(isfinite(r.evacuation_time_s));
  /* all by the west exit: at most 39 cells and a queue of 30 at 1.3 p/(m s)
     through 1.2 m (about 19 s) */
  cr_expect_lt(r.evacuation_time_s, 60.0, "took %.1f s", r.evacuation_time_s);
  struct evac_result fixed = run_corridor(30, 1, &stuck);
  cr_expect_eq(fixed.evacuated, 30);
  cr_expect_lt(fixed.evacuation_time_s, r.evacuation_time_s,
               "the near exit open: sooner");
}
