/* IMO MSC.1/Circ.1533 (Annex 3; the tests of MSC.1/Circ.1238 Annex 3,
 * kept) tests 8 (counterflow), 9 (crowd dissipation from a large public
 * room) and 11 (staircase, merging flows), with their published
 * qualitative criteria. */
#include <criterion/criterion.h>
#include <math.h>

#include "evacsim.h"
#include "grid.h"
#include "model.h"
#include "result.h"
#include "support.h"

/* ---- IMO 8: counterflow ------------------------------------------------ */

/* Two 10 x 10 m rooms (0.5 m cells: room 1 x 1..20, room 2 x 41..60, y
 * 1..20) joined by a 10 m long, 2 m wide corridor (x 21..40, y 9..12)
 * from the middle of a side of each. Exits "East" (room 2's far wall) and
 * "West" (room 1's far wall) are where each group is sent, so that "in
 * room 2" is a line: the measure "into room 2" across the corridor's end
 * (x 40). */
static cJSON *imo8_plan(void) {
  struct grid g = grid_new(62, 22);
  grid_fill(&g, 1, 1, 20, 20, '.');
  grid_fill(&g, 41, 1, 60, 20, '.');
  grid_fill(&g, 21, 9, 40, 12, '.');
  grid_fill(&g, 0, 1, 0, 20, 'W');
  grid_fill(&g, 61, 1, 61, 20, 'X');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *plan = plan_new(0.5, floors);
  cJSON *legend = cJSON_AddObjectToObject(plan, "legend");
  cJSON_AddItemToObject(legend, "W", cJSON_Parse("{\"exit\": \"West\"}"));
  cJSON_AddItemToObject(legend, "X", cJSON_Parse("{\"exit\": \"East\"}"));
  cJSON *ms = cJSON_AddArrayToObject(plan, "measures");
  cJSON_AddItemToArray(ms, cJSON_Parse("{\"name\": \"into room 2\", \"floor\": "
                                       "\"1\", \"line\": [40, 9, 40, 12]}"));
  return plan;
}

/* Runs IMO 8 with 100 people in room 1 and n_counter in room 2 (all 1 m/s,
 * no response time, seed 1); returns the time the last of room 1's
 * people crossed into room 2 (NaN if one never did), and how many of
 * everyone got out in *out. */
static double imo8_case(int n_counter, int *out) {
  cJSON *sc = scenario_new(1800);
  add_profile(sc, "walker", "1.0");
  /* each group fills the half of its room away from the corridor */
  add_group(sc, 1, 1, 10, 20, "walker", 100, "East");
  if (n_counter > 0)
    add_group(sc, 51, 1, 60, 20, "walker", n_counter, "West");
  struct evac_model *m;
  char tag[32];
  snprintf(tag, sizeof tag, "imo8_%d", n_counter);
  struct evac_sim *sim = run_json(tag, imo8_plan(), sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  const struct evac_result_measure *me = &r->measures[0];
  /* the line's cells are the corridor's last column: stepping onto it
   * from the west is arriving in room 2 (the one step left) */
  double last = 0.0;
  int arrived[100] = {0}, n = 0;
  for (size_t i = 0; i < me->n; i++)
    if (me->agent[i] < 100) {
      last = fmax(last, me->time_s[i]);
      n += !arrived[me->agent[i]];
      arrived[me->agent[i]] = 1;
    }
  if (n < 100)
    last = NAN;
  cr_log_info("IMO 8, %3d in counterflow: %d of room 1's 100 reached room "
              "2, the last at %.1f s; %d of %d out; run ended at %.1f s",
              n_counter, n, last, r->evacuated, r->occupants, r->end_time_s);
  *out = r->evacuated;
  evac_sim_free(sim);
  evac_model_free(m);
  return last;
}

/* IMO test 8 (MSC.1/Circ.1238 and Circ.1533, Annex 3): 100 people walk
 * from room 1 to room 2 (1 m/s, no response time); then again with 10, 50
 * and 100 people in room 2 walking at the same time to room 1. Criterion
 * (qualitative): the time for the last person of room 1 to arrive in room
 * 2 increases with the number in counterflow. Cases 0 and 10. */
Test(imo, test8_counterflow_0_and_10) {
  int out0, out10;
  double t0 = imo8_case(0, &out0), t10 = imo8_case(10, &out10);
  cr_expect(!isnan(t0) && out0 == 100, "IMO 8: alone, %d of 100 out", out0);
  cr_expect(!isnan(t10) && out10 == 110, "IMO 8: 10 against, %d of 110 out",
            out10);
  cr_expect(t10 > t0, "IMO 8: 10 in counterflow %.1f s not above 0: %.1f s",
            t10, t0);
}

/* IMO 8 with 50 and 100 in counterflow. KNOWN DEVIATION: the two streams
 * meet head-on in the 2 m corridor and lock for good; nobody reaches the
 * other room, and the run ends within 30 s with everyone standing (no
 * event can ever move anyone again). The criterion asks for a longer but
 * finite time. The floor-field CA lets nobody step into an occupied
 * cell and has no swapping of two people facing each other (models.md,
 * Movement), so dense counterflow in a corridor jams; "word of mouth"
 * only acts between people who know the building differently. This test
 * asserts the deviation; if it fails, the streams now pass each other:
 * assert the criterion instead (t(100) >= t(50) > t(10)) and update
 * docs/models.md, Verification. */
Test(imo, test8_counterflow_50_and_100_gridlock_known_deviation) {
  static const int counter[] = {50, 100};
  for (int k = 0; k < 2; k++) {
    int out;
    double t = imo8_case(counter[k], &out);
    cr_expect(isnan(t) && out == 0,
              "unexpected pass (known deviation gone): with %d in "
              "counterflow room 1's people reach room 2 (last at %.1f s), "
              "%d out",
              counter[k], t, out);
  }
}

/* ---- IMO 9: crowd dissipation from a large public room ------------------ */

/* The public room as JuPedSim drew RiMEA 3.0 test 9 (the same test;
 * systemtest/rimea_tests/test_9, removed 2021): 30 x 20 m (0.5 m cells, x
 * 1..60, y 1..40) with two 1 m exits in each 30 m wall, at 4..5 m and
 * 25..26 m along it (cells x 9..10 and 51..52, rows 0 and 41). With
 * four_exits 0 the exits of the top wall are walls (closed). */
static cJSON *imo9_plan(int four_exits) {
  struct grid g = grid_new(62, 42);
  grid_fill(&g, 1, 1, 60, 40, '.');
  grid_fill(&g, 9, 41, 10, 41, 'E');
  grid_fill(&g, 51, 41, 52, 41, 'E');
  if (four_exits) {
    grid_fill(&g, 9, 0, 10, 0, 'E');
    grid_fill(&g, 51, 0, 52, 0, 'E');
  }
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  return plan_new(0.5, floors);
}

/* Time for the 1000 people (built-in adults, no response time) to leave
 * the room with four or two exits open, seed. */
static double imo9_time(int four_exits, unsigned long long seed) {
  cJSON *sc = scenario_new(1800);
  add_group(sc, 1, 1, 60, 40, "adult", 1000, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json(four_exits ? "imo9_4" : "imo9_2",
                                  imo9_plan(four_exits), sc, seed, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_expect_eq(r->evacuated, 1000);
  double t = r->evacuation_time_s;
  evac_sim_free(sim);
  evac_model_free(m);
  return t;
}

/* IMO test 9 (MSC.1/Circ.1238 and Circ.1533, Annex 3; RiMEA 3.0 test 9):
 * 1000 people leave a public room by four exits; then with two of them
 * (one wall's) closed. Criterion: the time to empty the room roughly
 * doubles. "Roughly" as JuPedSim checked it: the ratio within 1.6..2.4.
 * Three seeds (three populations). */
Test(imo, test9_four_then_two_exits) {
  for (unsigned long long seed = 1; seed <= 3; seed++) {
    double t4 = imo9_time(1, seed), t2 = imo9_time(0, seed);
    cr_log_info("IMO 9, seed %llu: 4 exits %.1f s, 2 exits %.1f s, ratio "
                "%.3f",
                seed, t4, t2, t2 / t4);
    cr_expect(t2 / t4 >= 1.6 && t2 / t4 <= 2.4,
              "IMO 9: %.1f s with 2 exits over %.1f s with 4 = %.3f, not "
              "about 2",
              t2, t4, t2 / t4);
  }
}
