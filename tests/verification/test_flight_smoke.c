/* Smoke on a stair flight (docs/models.md, "Stairs"): a person walks a
 * flight in two halves, the first at the speed the smoke of the landing
 * left allows and breathing it, the second at the speed and in the air of
 * the landing walked to.
 *
 * Two floors, 0.4 m cells, 3 m ceilings. Floor "2" (3.5 m): a closed room
 * x 1..30, y 1..12 with Stair A's landing at x 28..30, y 1..3, and a steady
 * 150 kW PVC fire (sooty) at (2, 10), far from the landing. Floor "1": a
 * corridor x 1..30, y 1..3 with the same stair at x 28..30 and exit W at
 * x 0. Smoke never goes down a floor, so floor 1 stays clear. Stair A is
 * closed on floor 2 until 120 s, while the smoke fills the room (at the
 * landing then: about 70 C, 1050 ppm CO, extinction 25 /m, a nearly steady
 * FED rate); one adult (1 m/s, stair factor down 0.5, incapacitated only at
 * FED 50) waits beside the landing at (27, 2) and, once the stair opens,
 * steps onto it and down the 4 m flight.
 * Frozen at the smoke-logged top landing's factor of 0.1, the flight
 * would take 4 / (0.1 * 0.5) = 80 s, all of it at the top landing's dose
 * rate; in halves it takes 2 / 0.05 + 2 / 0.5 = 44 s, and only the first
 * half is breathed at the top landing. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "diag.h"
#include "grid.h"
#include "model.h"
#include "models/tox/tox.h"
#include "result.h"
#include "sim.h"

/* The flight's walking length, m. */
#define FLIGHT_M 4.0
/* The person's stair speed going down, m/s: 1 m/s times 0.5. */
#define STAIR_V 0.5
/* The lowest smoke speed factor (Frantzich & Nilsson). */
#define FACTOR_MIN 0.1

/* The case, run for duration_s. */
static struct evac_model *load_case(double duration_s) {
  cJSON *floors = cJSON_CreateArray();
  struct grid g1 = grid_new(32, 5);
  grid_fill(&g1, 1, 1, 30, 3, '.');
  grid_fill(&g1, 28, 1, 30, 3, 'A');
  grid_fill(&g1, 0, 1, 0, 3, 'W');
  cJSON_AddItemToArray(floors, grid_floor(&g1, "1", 0.0));
  free(g1.c);
  struct grid g2 = grid_new(32, 14);
  grid_fill(&g2, 1, 1, 30, 12, '.');
  grid_fill(&g2, 28, 1, 30, 3, 'A');
  cJSON_AddItemToArray(floors, grid_floor(&g2, "2", 3.5));
  free(g2.c);
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(
      plan, "legend",
      cJSON_Parse("{\"A\": {\"stair\": \"Stair A\"}, \"W\": {\"exit\": "
                  "\"West\"}}"));
  cJSON_AddItemToObject(plan, "stairs",
                        cJSON_Parse("[{\"name\": \"Stair A\", \"width_m\": "
                                    "1.2, \"flight_length_m\": 4.0}]"));
  cJSON *sc = scenario_new(duration_s);
  cJSON_AddItemToObject(
      sc, "profiles",
      cJSON_Parse("{\"p\": {\"base\": \"adult\", \"speed_m_s\": 1.0, "
                  "\"stair_down_factor\": 0.5, \"premovement_s\": 0, "
                  "\"fed_threshold\": 50}}"));
  cJSON_AddItemToObject(
      sc, "occupants",
      cJSON_Parse("[{\"floor\": \"2\", \"rect\": [27, 2, 27, 2], "
                  "\"profile\": \"p\", \"count\": 1}]"));
  cJSON_AddItemToObject(
      sc, "fire",
      cJSON_Parse("{\"floor\": \"2\", \"at\": [2, 10], \"growth\": "
                  "\"steady\", \"peak_kw\": 150, \"fuel\": \"pvc\"}"));
  cJSON_AddItemToObject(
      sc, "timeline",
      cJSON_Parse("[{\"t_s\": 0, \"do\": \"alarm\"}, {\"t_s\": 0, \"do\": "
                  "\"close\", \"target\": \"Stair A\", \"floors\": [\"2\"]}, "
                  "{\"t_s\": 120, \"do\": \"open\", \"target\": \"Stair A\", "
                  "\"floors\": [\"2\"]}]"));
  return load_json("flight_smoke", plan, sc);
}

/* Runs model m to its duration. */
static struct evac_sim *run(const struct evac_model *m) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_run_opts o = {
      .seed = 5, .seed_given = 1, .threads = 1, .full = 1};
  struct evac_sim *sim = NULL;
  cr_assert_eq(evac_sim_create(m, &o, &d, &sim), 0);
  evac_diag_free(&d);
  cr_assert_eq(evac_sim_run(sim), 0);
  return sim;
}

/* Index of the first event of type t in r's log; fails if none. */
static size_t event_of(const struct evac_result *r, enum evac_event_type t) {
  for (size_t i = 0; i < r->events.n; i++)
    if (r->events.type[i] == (int)t)
      return i;
  cr_assert_fail("no event of type %d", (int)t);
  return 0;
}

Test(flight_smoke, the_flight_is_walked_in_the_smoke_where_one_is) {
  struct evac_model *m = load_case(300.0);
  struct evac_sim *sim = run(m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_eq(r->evacuated, 1, "the person gets out");
  size_t in = event_of(r, EVAC_LOG_STAIR_ENTER),
         out = event_of(r, EVAC_LOG_STAIR_EXIT);
  double t_in = r->events.time_s[in], t_flight = r->events.time_s[out] - t_in;
  double fed_out = r->agents.fed_max[0];
  int32_t top =
              (int32_t)evac_model_cell(m, 1, r->events.x[in], r->events.y[in]),
          low = (int32_t)evac_model_cell(m, 0, r->events.x[out],
                                         r->events.y[out]);
  struct evac_gas gas;
  evac_smoke_gas(sim->smoke, low, EVAC_HEAD_STANDING_M, &gas);
  cr_assert_eq(gas.soot_kg_m3, 0.0, "the lower landing is clear");
  evac_sim_free(sim);
  evac_model_free(m);

  /* the same run stopped as the person steps onto the flight: the dose so
     far and the air of the top landing then */
  m = load_case(t_in);
  sim = run(m);
  double fed_in = evac_sim_result(sim)->agents.fed_max[0];
  evac_smoke_gas(sim->smoke, top, EVAC_HEAD_STANDING_M, &gas);
  double factor = evac_tox_speed_factor(evac_tox_extinction(gas.soot_kg_m3));
  double rate = evac_tox_fed_rate(&gas);
  evac_sim_free(sim);
  evac_model_free(m);

  double frozen = FLIGHT_M / (FACTOR_MIN * STAIR_V);
  double halves =
      0.5 * FLIGHT_M / (FACTOR_MIN * STAIR_V) + 0.5 * FLIGHT_M / STAIR_V;
  cr_log_info("on the flight at %.3f s for %.3f s (frozen at the top %.1f s, "
              "in halves %.1f s); top landing factor %.3f, FED rate %.4g /s; "
              "dose on the flight %.4f, top rate x frozen time %.4f",
              t_in, t_flight, frozen, halves, factor, rate, fed_out - fed_in,
              rate * frozen);
  cr_assert_eq(factor, FACTOR_MIN, "the top landing is smoke-logged");
  cr_assert_lt(t_flight, frozen, "quicker than at the top landing's speed");
  cr_assert(fabs(t_flight - halves) <= 2e-3, "%.4f s, in halves %.4f s",
            t_flight, halves);
  cr_assert_lt(fed_out - fed_in, rate * frozen,
               "less than the top landing's dose over the frozen walk");
  /* the top landing's rate varies by under 7 % over the walk (1.32-1.42
     e-3 /s from 124 to 168 s), and the dose is summed once a second */
  double first = rate * 0.5 * FLIGHT_M / (FACTOR_MIN * STAIR_V);
  cr_assert(fabs(fed_out - fed_in - first) <= 0.1 * first,
            "dose on the flight %.4f, the top landing's over the first half "
            "%.4f",
            fed_out - fed_in, first);
}
