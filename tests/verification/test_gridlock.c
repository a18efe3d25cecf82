/* Gridlock (docs/models.md "Detours", docs/output.md "/summary"): a ward
 * whose beds used to freeze behind patients waiting at the door now
 * clears, and a run that ends because nobody can move says so. */
#include <criterion/criterion.h>
#include <math.h>

#include "evacsim.h"
#include "grid.h"
#include "model.h"
#include "result.h"

/* A 15 x 7 m ward (0.5 m cells: x 1..30, y 1..14) with a 1.5 m door
 * (x 14..16, y 15) in the middle of its south wall onto a 3.5 m corridor
 * (y 16..22) whose east end is the exit (x 31). */
static cJSON *ward_floors(void) {
  struct grid g = grid_new(32, 24);
  grid_fill(&g, 1, 1, 30, 14, '.');
  grid_fill(&g, 14, 15, 16, 15, 'D');
  grid_fill(&g, 1, 16, 30, 22, '.');
  grid_fill(&g, 31, 16, 31, 22, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  return floors;
}

/* Adds a staff group of count in rect on floor "1". */
static void add_staff(cJSON *sc, int x0, int y0, int x1, int y1, int count) {
  cJSON *st = cJSON_AddArrayToObject(sc, "staff"), *g = cJSON_CreateObject();
  cJSON_AddStringToObject(g, "floor", "1");
  int r[4] = {x0, y0, x1, y1};
  cJSON_AddItemToObject(g, "rect", cJSON_CreateIntArray(r, 4));
  cJSON_AddNumberToObject(g, "count", count);
  cJSON_AddItemToArray(st, g);
}

/* 12 bedridden patients anywhere in the ward, staff on duty in the ward:
 * with 2 or 3 staff, seed 2 used to end at 75.6 s with nobody out (a bed
 * waiting for the cell before the door, held by a patient waiting for the
 * same staff). Every seed must now bring all 12 out, with no gridlock. */
Test(gridlock, ward_of_beds_clears) {
  for (int staff = 2; staff <= 3; staff++)
    for (unsigned long long seed = 1; seed <= 10; seed++) {
      cJSON *sc = scenario_new(3600);
      add_group(sc, 1, 1, 30, 14, "bedridden", 12, NULL);
      add_staff(sc, 1, 1, 30, 14, staff);
      struct evac_model *m;
      struct evac_sim *sim =
          run_json("ward", plan_new(0.5, ward_floors()), sc, seed, &m);
      const struct evac_result *r = evac_sim_result(sim);
      cr_expect_eq(r->evacuated, 12 + staff, "%d staff, seed %llu: %d out",
                   staff, seed, r->evacuated);
      cr_expect_eq(r->gridlocked, 0, "%d staff, seed %llu: gridlocked %d",
                   staff, seed, r->gridlocked);
      cr_expect(isnan(r->gridlock_time_s));
      evac_sim_free(sim);
      evac_model_free(m);
    }
}

/* A one-cell passage (x 1..20) to an exit at x 21; a bedridden patient
 * waits at x 10 with no staff on duty; a walker at x 5 cannot get past:
 * the run ends when nothing is left to happen, and says so in the result,
 * the event log and the printed summary. */
Test(gridlock, frozen_run_is_marked) {
  struct grid g = grid_new(23, 3);
  grid_fill(&g, 1, 1, 20, 1, '.');
  grid_fill(&g, 21, 1, 21, 1, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *sc = scenario_new(600);
  add_group(sc, 10, 1, 10, 1, "bedridden", 1, NULL);
  add_group(sc, 5, 1, 5, 1, "adult", 1, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json("frozen", plan_new(0.4, floors), sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_expect_eq(r->evacuated, 0);
  cr_expect_eq(r->gridlocked, 1, "gridlocked %d", r->gridlocked);
  cr_expect_eq(r->trapped, 1, "the patient, nobody to move it: %d", r->trapped);
  cr_expect_eq(r->not_out, 1, "the walker: %d", r->not_out);
  cr_expect(r->gridlock_time_s > 0.0 && r->gridlock_time_s < 600.0,
            "gridlock at %g s", r->gridlock_time_s);
  cr_expect(r->end_time_s < 600.0, "the run ends at %g s", r->end_time_s);
  int logged = 0;
  for (size_t i = 0; i < r->events.n; i++)
    if (r->events.type[i] == EVAC_LOG_GRIDLOCKED) {
      logged++;
      cr_expect_eq(r->events.agent[i], 1);
      cr_expect_eq(r->events.time_s[i], r->gridlock_time_s);
    }
  cr_expect_eq(logged, 1, "%d gridlocked events", logged);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  evac_sim_print_summary(sim, f);
  fclose(f);
  cr_expect(strstr(text, "gridlocked") != NULL, "summary:\n%s", text);
  free(text);
  evac_sim_free(sim);
  evac_model_free(m);
}
