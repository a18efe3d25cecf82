/* Hospital staff model (docs/hospital.md): bed against ambulatory speed,
 * staff numbers, day and night shift, on a ward drawn in code. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "drill.h"
#include "evacsim.h"
#include "grid.h"
#include "model.h"
#include "result.h"
#include "support.h"

/* A ward: six 3.6 x 3.2 m rooms (9 x 8 cells) on each side of a 2.4 m
 * (6-cell) corridor, each room with a 1.2 m (3-cell) door; the corridor
 * leads east into the next compartment (an exit column, the safe place).
 * Rooms: x0 = 1 + 10 k, x0..x0+8; north rows 1..8, south rows 17..24;
 * corridor rows 10..15, x 1..61; exit x 62. */
static cJSON *ward_floors(void) {
  struct grid g = grid_new(63, 26);
  grid_fill(&g, 1, 10, 61, 15, '.');
  grid_fill(&g, 62, 10, 62, 15, 'E');
  for (int k = 0; k < 6; k++) {
    int x0 = 1 + 10 * k;
    grid_fill(&g, x0, 1, x0 + 8, 8, '.');
    grid_fill(&g, x0, 17, x0 + 8, 24, '.');
    grid_fill(&g, x0 + 3, 9, x0 + 5, 9, 'D');
    grid_fill(&g, x0 + 3, 16, x0 + 5, 16, 'D');
  }
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  return floors;
}

/* Adds a staff group of count in rect on floor "1", of a shift or NULL. */
static void add_staff(cJSON *sc, int x0, int y0, int x1, int y1, int count,
                      const char *shift) {
  cJSON *st = cJSON_GetObjectItem(sc, "staff");
  if (!st)
    st = cJSON_AddArrayToObject(sc, "staff");
  cJSON *g = cJSON_CreateObject();
  cJSON_AddStringToObject(g, "floor", "1");
  int r[4] = {x0, y0, x1, y1};
  cJSON_AddItemToObject(g, "rect", cJSON_CreateIntArray(r, 4));
  cJSON_AddNumberToObject(g, "count", count);
  if (shift)
    cJSON_AddStringToObject(g, "shift", shift);
  cJSON_AddItemToArray(st, g);
}

/* The ward with two bed-bound patients a room (24) and the given staff at
 * the nurses' station (west end of the corridor); returns the time the
 * last patient was safe. */
static double ward_clearance(const char *tag, int day_staff, int night_staff,
                             const char *shift, unsigned long long seed) {
  cJSON *sc = scenario_new(7200);
  for (int k = 0; k < 6; k++) {
    int x0 = 1 + 10 * k;
    add_group(sc, x0, 1, x0 + 8, 8, "bedridden", 2, NULL);
    add_group(sc, x0, 17, x0 + 8, 24, "bedridden", 2, NULL);
  }
  if (day_staff)
    add_staff(sc, 1, 10, 4, 15, day_staff, "day");
  if (night_staff)
    add_staff(sc, 1, 10, 4, 15, night_staff, "night");
  if (shift)
    cJSON_AddStringToObject(sc, "shift", shift);
  struct evac_model *m;
  struct evac_sim *sim =
      run_json(tag, plan_new(0.4, ward_floors()), sc, seed, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_not_null(r->drill, "%s: no drill report", tag);
  cr_assert_eq(r->drill->npatients, 24);
  double t = r->drill->last_patient_s;
  int trips = 0;
  for (int i = 0; i < r->drill->nstaff; i++)
    trips += r->drill->trips[i];
  /* beds need two staff: every trip is one of a pair */
  cr_expect_eq(trips, 48, "%s: %d staff trips, 24 beds x 2", tag, trips);
  evac_sim_free(sim);
  evac_model_free(m);
  return t;
}

/* A bed (0.8 m/s, two staff) against a walker at 1.34 m/s over the same
 * 20 m corridor: the moving time is 20 / 0.8 = 25.0 s against
 * 20 / 1.34 = 14.93 s, the factor 1.34 / 0.8 = 1.675 of docs/hospital.md. */
Test(hospital, bed_slower_than_ambulatory_by_device_factor) {
  struct grid g = grid_new(53, 5);
  grid_fill(&g, 1, 1, 50, 3, '.');
  grid_fill(&g, 51, 1, 51, 3, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *sc = scenario_new(600);
  add_profile(sc, "walker", "1.34");
  add_group(sc, 1, 2, 1, 2, "bedridden", 1, NULL);
  add_group(sc, 1, 3, 1, 3, "walker", 1, NULL);
  add_staff(sc, 1, 1, 1, 1, 1, NULL);
  add_staff(sc, 2, 1, 2, 1, 1, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json("bed", plan_new(0.4, floors), sc, 3, &m);
  const struct evac_result *r = evac_sim_result(sim);
  const struct evac_drill *d = r->drill;
  cr_assert_not_null(d);
  cr_assert_eq(d->npatients, 1);
  double bed = d->safe_s[0] - d->moving_s[0];
  double walk = r->agents.exit_time_s[1];
  cr_expect(fabs(bed - 25.0) < 0.05, "bed: %.3f s vs 25.0 s", bed);
  cr_expect(fabs(walk - 20.0 / 1.34) < 0.05, "walker: %.3f s", walk);
  cr_expect(fabs(bed / walk - 1.34 / 0.8) < 0.01, "factor %.4f vs 1.675",
            bed / walk);
  /* two staff, one cell away: the team is complete within a second, and
   * the bed's preparation U(30, 90) s follows */
  double prep = d->moving_s[0] - d->team_s[0];
  cr_expect(d->team_s[0] < 1.0, "team at %.2f s", d->team_s[0]);
  cr_expect(prep >= 30.0 && prep <= 90.0, "preparation %.1f s", prep);
  cr_expect_eq(d->staff_team[0], 2);
  cr_expect_eq(d->trips[0] + d->trips[1], 2);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* 24 bed-bound patients, 4 against 8 staff (2 against 4 bed teams). Hand
 * calculation of a team's round: a mean room is about 40 cells (16 m) from
 * the exit: 20 s with the bed at 0.8 m/s, 12 s back at 1.34 m/s, and the
 * mean preparation 60 s: 92 s. 12 rounds with 2 teams (about 1100 s), 6
 * with 4 (about 550 s), plus the first walk and the spread of the
 * preparations. The clearance must fall with more staff (monotone over 4,
 * 6, 8) and halve from 4 to 8. */
Test(hospital, ward_24_patients_4_vs_8_staff) {
  double t4 = ward_clearance("staff4", 4, 0, NULL, 11);
  double t6 = ward_clearance("staff6", 6, 0, NULL, 11);
  double t8 = ward_clearance("staff8", 8, 0, NULL, 11);
  cr_log_info("24 beds: 4 staff %.1f s, 6 staff %.1f s, 8 staff %.1f s", t4, t6,
              t8);
  cr_assert(isfinite(t4) && isfinite(t6) && isfinite(t8));
  cr_expect(t8 < t6 && t6 < t4, "monotone: %.1f, %.1f, %.1f", t4, t6, t8);
  cr_expect(t4 > 12 * 70.0 && t4 < 12 * 130.0, "4 staff: %.1f s vs ~1200 s",
            t4);
  cr_expect(t8 > 6 * 70.0 && t8 < 6 * 130.0, "8 staff: %.1f s vs ~600 s", t8);
  cr_expect(t4 / t8 > 1.7 && t4 / t8 < 2.2, "ratio %.3f vs 2", t4 / t8);
}

/* The same ward with its day staff (8) and its night staff (3): only the
 * scenario's shift is on duty. Night: one bed team at a time (the third
 * member waits at the next bed for a partner), 24 rounds of about 92 s
 * (about 2200 s) against the day's 6 (about 550 s): four times as long. */
Test(hospital, night_shift_slower_than_day) {
  double day = ward_clearance("day", 8, 3, "day", 5);
  double night = ward_clearance("night", 8, 3, "night", 5);
  cr_log_info("24 beds: day %.1f s, night %.1f s", day, night);
  cr_assert(isfinite(day) && isfinite(night));
  cr_expect(night > 0.9 * 2200 && night < 1.2 * 2200, "night %.1f s", night);
  cr_expect(night / day > 3.3 && night / day < 4.4,
            "night %.1f s vs 4 x day %.1f s", night, day);
}

/* Two storeys: floor "2" is the ward of six rooms west of a fire door
 * (x = 30) with 12 bed-bound patients and 4 staff; east of the door a
 * refuge room (x 33..57, north side; the adjoining compartment's protected
 * area: 200 cells, 32 m^2, room for 12 beds at 2.5 m^2 and 4 staff) and
 * Stair A (x 58..61) down to floor "1", whose landing opens onto an exit. */
static double strategy_clearance(const char *tag, const char *strategy) {
  struct grid g = grid_new(63, 26);
  grid_fill(&g, 1, 10, 57, 15, '.');
  grid_fill(&g, 30, 10, 30, 15, 'F');
  for (int k = 0; k < 3; k++) {
    int x0 = 1 + 10 * k;
    grid_fill(&g, x0, 1, x0 + 8, 8, '.');
    grid_fill(&g, x0, 17, x0 + 8, 24, '.');
    grid_fill(&g, x0 + 3, 9, x0 + 5, 9, 'D');
    grid_fill(&g, x0 + 3, 16, x0 + 5, 16, 'D');
  }
  grid_fill(&g, 33, 1, 57, 8, 'R');
  grid_fill(&g, 44, 9, 46, 9, 'D');
  grid_fill(&g, 58, 10, 61, 15, 'A');
  struct grid g1 = grid_new(63, 26);
  grid_fill(&g1, 58, 10, 61, 15, 'A');
  grid_fill(&g1, 58, 9, 61, 9, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g1, "1", 0.0));
  cJSON_AddItemToArray(floors, grid_floor(&g, "2", 3.6));
  free(g.c);
  free(g1.c);
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(plan, "legend",
                        cJSON_Parse("{\"A\": {\"stair\": \"Stair A\"}}"));
  cJSON_AddItemToObject(
      plan, "stairs",
      cJSON_Parse("[{\"name\": \"Stair A\", \"width_m\": 1.2, "
                  "\"flight_length_m\": 7.2}]"));
  cJSON *sc = scenario_new(7200);
  cJSON_AddStringToObject(sc, "strategy", strategy);
  cJSON *occ = cJSON_AddArrayToObject(sc, "occupants");
  for (int k = 0; k < 6; k++) {
    int x0 = 1 + 10 * (k % 3), y0 = k < 3 ? 1 : 17;
    char text[160];
    snprintf(text, sizeof text,
             "{\"floor\": \"2\", \"rect\": [%d, %d, %d, %d], \"profile\": "
             "\"bedridden\", \"count\": 2}",
             x0, y0, x0 + 8, y0 + 7);
    cJSON_AddItemToArray(occ, cJSON_Parse(text));
  }
  cJSON *staff = cJSON_AddArrayToObject(sc, "staff");
  cJSON_AddItemToArray(staff,
                       cJSON_Parse("{\"floor\": \"2\", \"rect\": [1, 10, 4, "
                                   "15], \"count\": 4}"));
  struct evac_model *m;
  struct evac_sim *sim = run_json(tag, plan, sc, 7, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_not_null(r->drill);
  double t = r->drill->last_patient_s;
  int refuge = 0;
  for (int a = 0; a < r->occupants; a++)
    refuge += r->agents.safe_place[a] >= 0 &&
              m->features[r->agents.safe_place[a]].kind == EVAC_FEAT_REFUGE;
  if (!strcmp(strategy, "horizontal"))
    cr_expect_eq(refuge, 16, "%s: all 16 in the refuge: %d", tag, refuge);
  else
    cr_expect_eq(refuge, 0, "%s: nobody in the refuge: %d", tag, refuge);
  evac_sim_free(sim);
  evac_model_free(m);
  return t;
}

/* Progressive horizontal evacuation (to the refuge beyond the fire door)
 * against full vertical evacuation (down Stair A and out). Hand
 * calculation of a bed team's round (mean preparation 60 s, staff at
 * 1.34 m/s, bed 0.8 m/s, on stairs 0.6 m/s), from a mean room (x = 15):
 * horizontal about 36 cells (14.4 m) to the refuge, 60 + 18 s with the
 * bed + 11 s back = 89 s; vertical about 47 cells (19 m) to the stair and
 * a 7.2 m flight, 60 + 24 + 12 s + 20 s back (26 m) = 116 s, plus moving
 * the patient from the bed onto a ski sheet for the stair (mean 120 s):
 * 236 s. Six rounds for two teams: about 535 s against 1415 s (0.38),
 * plus the first walk and the spread of the preparations. */
Test(hospital, horizontal_clears_fire_compartment_faster_than_vertical) {
  double h = strategy_clearance("horizontal", "horizontal");
  double v = strategy_clearance("vertical", "vertical");
  cr_log_info("12 beds, 4 staff: horizontal %.1f s, vertical %.1f s", h, v);
  cr_assert(isfinite(h) && isfinite(v));
  cr_expect(h < v, "horizontal %.1f s vs vertical %.1f s", h, v);
  cr_expect(h / v > 0.32 && h / v < 0.45, "ratio %.3f vs 0.38", h / v);
  cr_expect(h > 0.9 * 535 && h < 1.2 * 535, "horizontal %.1f vs ~535 s", h);
  cr_expect(v > 0.9 * 1415 && v < 1.2 * 1415, "vertical %.1f vs ~1415 s", v);
}

/* Defend in place without a fire: nobody is in the fire's compartment, so
 * everybody stays: nobody evacuates, nobody is moved by staff. */
Test(hospital, defend_in_place_without_fire_keeps_everyone) {
  cJSON *sc = scenario_new(600);
  cJSON_AddStringToObject(sc, "strategy", "defend_in_place");
  add_group(sc, 1, 1, 9, 8, "bedridden", 2, NULL);
  add_group(sc, 11, 1, 19, 8, "adult", 3, NULL);
  add_staff(sc, 1, 10, 4, 15, 2, NULL);
  struct evac_model *m;
  struct evac_sim *sim =
      run_json("defend", plan_new(0.4, ward_floors()), sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_expect_eq(r->evacuated, 0);
  cr_expect_eq(r->remaining, 7);
  cr_expect(isnan(r->evacuation_time_s));
  evac_sim_free(sim);
  evac_model_free(m);
}

/* Four storeys 3.6 m apart: on each a corridor (rows 10..15, x 1..57), a
 * fire lift (x 40..43, rows 6..9, lobby on the corridor) and Stair A (x
 * 58..61); floor "4" has three rooms (x 1..29, north) with 6 bed-bound
 * patients and 4 staff; floor "1" has the exit at the corridor's west end.
 * The lift works, or the timeline takes it out of service at t = 0. */
static double lift_clearance(const char *tag, int lift_failed, int *trips) {
  cJSON *floors = cJSON_CreateArray();
  for (int f = 1; f <= 4; f++) {
    struct grid g = grid_new(63, 26);
    grid_fill(&g, 1, 10, 57, 15, '.');
    grid_fill(&g, 40, 6, 43, 9, 'L');
    grid_fill(&g, 58, 10, 61, 15, 'A');
    if (f == 1)
      grid_fill(&g, 0, 10, 0, 15, 'E');
    if (f == 4)
      for (int k = 0; k < 3; k++) {
        int x0 = 1 + 10 * k;
        grid_fill(&g, x0, 1, x0 + 8, 8, '.');
        grid_fill(&g, x0 + 3, 9, x0 + 5, 9, 'D');
      }
    char name[12];
    snprintf(name, sizeof name, "%d", f);
    cJSON_AddItemToArray(floors, grid_floor(&g, name, 3.6 * (f - 1)));
    free(g.c);
  }
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(plan, "legend",
                        cJSON_Parse("{\"A\": {\"stair\": \"Stair A\"}, \"L\": "
                                    "{\"lift\": \"Fire lift\"}}"));
  cJSON_AddItemToObject(
      plan, "stairs",
      cJSON_Parse("[{\"name\": \"Stair A\", \"width_m\": 1.2, "
                  "\"flight_length_m\": 7.2}]"));
  cJSON_AddItemToObject(
      plan, "lifts",
      cJSON_Parse("[{\"name\": \"Fire lift\", \"fire_lift\": true, "
                  "\"capacity\": 13, \"beds\": 1, \"speed_m_s\": 1.0}]"));
  cJSON *sc = scenario_new(7200);
  cJSON *occ = cJSON_AddArrayToObject(sc, "occupants");
  for (int k = 0; k < 3; k++) {
    char text[160];
    snprintf(text, sizeof text,
             "{\"floor\": \"4\", \"rect\": [%d, 1, %d, 8], \"profile\": "
             "\"bedridden\", \"count\": 2}",
             1 + 10 * k, 9 + 10 * k);
    cJSON_AddItemToArray(occ, cJSON_Parse(text));
  }
  cJSON *staff = cJSON_AddArrayToObject(sc, "staff");
  cJSON_AddItemToArray(staff,
                       cJSON_Parse("{\"floor\": \"4\", \"rect\": [1, 10, 4, "
                                   "15], \"count\": 4}"));
  if (lift_failed)
    cJSON_AddItemToObject(sc, "timeline",
                          cJSON_Parse("[{\"t_s\": 0, \"do\": \"close\", "
                                      "\"target\": \"Fire lift\"}]"));
  struct evac_model *m;
  struct evac_sim *sim = run_json(tag, plan, sc, 9, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_not_null(r->drill);
  cr_assert_eq(r->drill->nlifts, 1);
  *trips = r->drill->lift_trips[0];
  double t = r->drill->last_patient_s;
  evac_sim_free(sim);
  evac_model_free(m);
  return t;
}

/* Beds by fire lift against beds down the stair when the lift has failed.
 * Hand calculation of a team's round (3 rounds for 2 teams), mean
 * preparation 60 s: by lift, 13.6 m to the lobby (17 s), the car comes up
 * 10.8 m at 1 m/s (11 s), two stops of 10 s doors and 20 s wheeling the
 * bed (60 s), the ride down (11 s), 16.8 m to the exit (21 s), staff
 * back up by lift (53 s): about 233 s, 700 s in all. Lift failed: the
 * patient first goes onto a ski sheet (mean 120 s), 20 m to the stair
 * (26 s), 3 flights of 7.2 m at 0.6 m/s (36 s), 23 m to the exit (29 s),
 * staff walk back 65 m (48 s): about 318 s, 955 s in all (1.36 times). */
Test(hospital, lift_failure_delays_bed_patients) {
  int tw, tf;
  double works = lift_clearance("lift", 0, &tw);
  double failed = lift_clearance("nolift", 1, &tf);
  cr_log_info("6 beds, 4 staff: lift %.1f s (%d trips), failed %.1f s", works,
              tw, failed);
  cr_expect_eq(tw, 6, "every bed by lift: %d", tw);
  cr_expect_eq(tf, 0, "no lift trips once failed: %d", tf);
  cr_assert(isfinite(works) && isfinite(failed));
  cr_expect(works > 0.85 * 700 && works < 1.2 * 700, "lift %.1f vs ~700 s",
            works);
  cr_expect(failed > 0.85 * 955 && failed < 1.2 * 955, "failed %.1f vs ~955 s",
            failed);
  cr_expect(failed / works > 1.15 && failed / works < 1.6, "ratio %.3f vs 1.36",
            failed / works);
}

/* A drill's timeline sounds the alarm at 100 s: nobody moves before it; a
 * walker at 1.34 m/s then needs 20 / 1.34 = 14.93 s down the corridor, and
 * the bed's team forms right after the alarm. */
Test(hospital, timeline_alarm_starts_the_drill) {
  struct grid g = grid_new(53, 5);
  grid_fill(&g, 1, 1, 50, 3, '.');
  grid_fill(&g, 51, 1, 51, 3, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *sc = scenario_new(600);
  add_profile(sc, "walker", "1.34");
  add_group(sc, 1, 2, 1, 2, "bedridden", 1, NULL);
  add_group(sc, 1, 3, 1, 3, "walker", 1, NULL);
  add_staff(sc, 1, 1, 2, 1, 2, NULL);
  cJSON_AddItemToObject(sc, "timeline",
                        cJSON_Parse("[{\"t_s\": 100, \"do\": \"alarm\"}]"));
  struct evac_model *m;
  struct evac_sim *sim = run_json("alarm", plan_new(0.4, floors), sc, 3, &m);
  const struct evac_result *r = evac_sim_result(sim);
  double walk = r->agents.exit_time_s[1];
  cr_expect(fabs(walk - (100.0 + 20.0 / 1.34)) < 0.05, "walker: %.3f s", walk);
  cr_expect(r->drill->team_s[0] >= 100.0 && r->drill->team_s[0] < 101.0,
            "team at %.2f s", r->drill->team_s[0]);
  cr_expect_eq(r->evacuated, 4);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* Triage: a small fire in the westmost north room, staff at the east end
 * by the exit. Under "nearest" the two staff teams take the eastern rooms
 * first; under "triage" the fire room's two patients are the first two
 * teams formed. The alarm is scripted at 0 s. */
static void triage_order(const char *tag, const char *rule, int *first,
                         int *last) {
  cJSON *plan = plan_new(0.4, ward_floors());
  cJSON *regions = cJSON_AddArrayToObject(plan, "regions");
  for (int k = 0; k < 6; k++) {
    char text[200];
    snprintf(text, sizeof text,
             "{\"name\": \"Room N%d\", \"floor\": \"1\", \"rect\": [%d, 1, "
             "%d, 8], \"kind\": \"ward\", \"compartment\": \"%s\"}",
             k, 1 + 10 * k, 9 + 10 * k, k < 3 ? "West" : "East");
    cJSON_AddItemToArray(regions, cJSON_Parse(text));
  }
  cJSON *sc = scenario_new(1200);
  cJSON_AddStringToObject(sc, "allocation", rule);
  for (int k = 0; k < 6; k++)
    add_group(sc, 1 + 10 * k, 1, 9 + 10 * k, 8, "bedridden", 2, NULL);
  add_staff(sc, 57, 10, 61, 15, 4, NULL);
  cJSON_AddItemToObject(sc, "fire",
                        cJSON_Parse("{\"floor\": \"1\", \"at\": [5, 2], "
                                    "\"growth\": \"steady\", \"peak_kw\": "
                                    "20}"));
  cJSON_AddItemToObject(sc, "timeline",
                        cJSON_Parse("[{\"t_s\": 0, \"do\": \"alarm\"}]"));
  struct evac_model *m;
  struct evac_sim *sim = run_json(tag, plan, sc, 5, &m);
  const struct evac_drill *d = evac_sim_result(sim)->drill;
  cr_assert_eq(d->npatients, 12);
  /* rank of the fire room's patients (agents 0 and 1) by team time; 12 for
   * a patient no team reached (staff do not go into an untenable room) */
  *first = 12;
  *last = 0;
  for (int i = 0; i < 2; i++) {
    int rank = isnan(d->team_s[i]) ? 12 : 0;
    for (int j = 0; j < 12 && rank < 12; j++)
      rank += d->team_s[j] < d->team_s[i];
    *first = rank < *first ? rank : *first;
    *last = rank > *last ? rank : *last;
  }
  evac_sim_free(sim);
  evac_model_free(m);
}

Test(hospital, triage_takes_the_fire_room_first) {
  int tf, tl, nf, nl;
  triage_order("triage", "triage", &tf, &tl);
  triage_order("nearest", "nearest", &nf, &nl);
  cr_log_info("fire room's patients: triage ranks %d..%d, nearest %d..%d", tf,
              tl, nf, nl);
  cr_expect(tf == 0 && tl == 1, "triage: ranks %d..%d, want 0..1", tf, tl);
  cr_expect(nf >= 10, "nearest: ranks %d..%d, want the last two (or never)",
            nf, nl);
}

/* A bed covers five cells (2 m) of its way: in a one-lane passage a walker
 * stuck behind it waits on the sixth cell back; when the bed reaches the
 * exit the walker has 6 x 0.4 m to go at 1.34 m/s: 1.79 s after the bed
 * (one cell, 0.30 s, if a bed were a person). */
Test(hospital, bed_footprint_keeps_followers_back) {
  struct grid g = grid_new(53, 3);
  grid_fill(&g, 1, 1, 50, 1, '.');
  grid_fill(&g, 51, 1, 51, 1, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *sc = scenario_new(600);
  add_profile(sc, "walker", "1.34");
  add_group(sc, 10, 1, 10, 1, "bedridden", 1, NULL);
  add_group(sc, 8, 1, 8, 1, "walker", 1, NULL);
  add_staff(sc, 1, 1, 2, 1, 2, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json("trail", plan_new(0.4, floors), sc, 3, &m);
  const struct evac_result *r = evac_sim_result(sim);
  double gap = r->agents.exit_time_s[1] - r->agents.exit_time_s[0];
  cr_expect(fabs(gap - 6 * 0.4 / 1.34) < 0.05, "walker %.3f s after the bed",
            gap);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* A corridor of `lanes` cells of cell_m and 40 m, exit at its east end; a
 * bed (prepared in 10 s) 4 m from the west end, two staff at the west end,
 * and a walker (1.34 m/s) behind the bed who starts at 20 s, once the bed
 * is moving. Sets the times the bed and the walker are safe. */
static void corridor_overtake(double cell_m, int lanes, double *bed,
                              double *walker) {
  int len = (int)lround(40.0 / cell_m), mid = 1 + lanes / 2;
  struct grid g = grid_new(len + 3, lanes + 2);
  grid_fill(&g, 1, 1, len, lanes, '.');
  grid_fill(&g, len + 1, 1, len + 1, lanes, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *sc = scenario_new(600);
  add_profile(sc, "walker", "1.34");
  cJSON *pr = cJSON_GetObjectItem(sc, "profiles");
  cJSON_AddNumberToObject(cJSON_GetObjectItem(pr, "walker"), "premovement_s",
                          20);
  cJSON *bp = cJSON_AddObjectToObject(pr, "abed");
  cJSON_AddStringToObject(bp, "base", "bedridden");
  cJSON_AddNumberToObject(bp, "prepare_s", 10);
  int xb = 1 + (int)lround(4.0 / cell_m);
  add_group(sc, xb, mid, xb, mid, "abed", 1, NULL);
  add_group(sc, xb - 3, 1, xb - 3, 1, "walker", 1, NULL);
  add_staff(sc, 1, 1, 2, 1, 2, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json("width", plan_new(cell_m, floors), sc, 5, &m);
  const struct evac_result *r = evac_sim_result(sim);
  *bed = r->agents.exit_time_s[0];
  *walker = r->agents.exit_time_s[1];
  evac_sim_free(sim);
  evac_model_free(m);
}

/* A bed is 1.0 m wide: in a 1.2 m corridor (3 cells of 0.4 m) it covers
 * the whole width, so a walker behind it cannot overtake and is safe
 * 6 x 0.4 / 1.34 = 1.79 s after it (it waits on the sixth cell back, the
 * bed's footprint being five cells long); in a 2.4 m corridor (6 cells)
 * the bed leaves a 1.2 m lane and the walker passes: safe at 20 +
 * 37.2 / 1.34 = 47.8 s, while the bed needs 36 / 0.8 = 45 s of walking
 * after a 10 s preparation and its staff's walk (bed safe after 55 s). */
Test(hospital, bed_blocks_narrow_corridor_not_wide) {
  double b3, w3, b6, w6;
  corridor_overtake(0.4, 3, &b3, &w3);
  corridor_overtake(0.4, 6, &b6, &w6);
  cr_log_info("1.2 m corridor: bed %.2f s, walker %.2f s; 2.4 m: bed %.2f s, "
              "walker %.2f s",
              b3, w3, b6, w6);
  cr_expect(w3 - b3 > 6 * 0.4 / 1.34 - 0.05 && w3 - b3 < 6 * 0.4 / 1.34 + 0.3,
            "1.2 m: walker %.2f s after the bed, want 1.79 s", w3 - b3);
  cr_expect(b6 - w6 > 5.0, "2.4 m: walker %.2f s before the bed, want > 5 s",
            b6 - w6);
  cr_expect(w6 < 47.8 + 1.0, "2.4 m: walker safe at %.2f s, want 47.8 s", w6);
}

/* The same at 0.5 m cells: the bed covers 2 cells (1.0 m) across and 4
 * (2.0 m) along its way; a 1.0 m corridor is full (walker safe 5 x 0.5 /
 * 1.34 = 1.87 s after the bed), a 2.0 m one leaves two lanes. */
Test(hospital, bed_width_follows_cell_size) {
  double b2, w2, b4, w4;
  corridor_overtake(0.5, 2, &b2, &w2);
  corridor_overtake(0.5, 4, &b4, &w4);
  cr_log_info("0.5 m cells, 1.0 m corridor: bed %.2f s, walker %.2f s; "
              "2.0 m: bed %.2f s, walker %.2f s",
              b2, w2, b4, w4);
  cr_expect(w2 - b2 > 5 * 0.5 / 1.34 - 0.05 && w2 - b2 < 5 * 0.5 / 1.34 + 0.3,
            "1.0 m: walker %.2f s after the bed, want 1.87 s", w2 - b2);
  cr_expect(b4 - w4 > 5.0, "2.0 m: walker %.2f s before the bed, want > 5 s",
            b4 - w4);
}

/* Counts the occupants safe in the feature named name. */
static int safe_in(const struct evac_model *m, const struct evac_result *r,
                   const char *name) {
  int n = 0;
  for (int a = 0; a < r->occupants; a++)
    n += r->agents.safe_place[a] >= 0 &&
         !strcmp(m->features[r->agents.safe_place[a]].name, name);
  return n;
}

/* Eight walkers at the west end of a 1.2 m corridor; a small refuge room
 * (2 x 5 cells of 0.4 m: 1.6 m^2) opens off it 4 m on, a large one (30
 * cells: 4.8 m^2) closes its east end. By area (0.5 m^2 a standing person)
 * the small one holds 3: the fourth closes it and the other five go on to
 * the large one; unlimited, all eight stop in the small one. Sets how many
 * end in each, the refuges full, the area taken and when (first one).
 * With a strategy the large refuge is an exit ("exit-1"). */
static void refuge_fill(const char *capacity, const char *strategy, int *small,
                        int *large, int *nfull, double *used, double *when) {
  struct grid g = grid_new(52, 9);
  grid_fill(&g, 1, 1, 39, 3, '.');
  grid_fill(&g, 40, 1, 49, 3, strategy ? 'E' : 'L');
  grid_fill(&g, 12, 4, 12, 4, 'D');
  grid_fill(&g, 10, 5, 14, 6, 'S');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(plan, "legend",
                        cJSON_Parse("{\"S\": {\"refuge\": \"Small\"}, "
                                    "\"L\": {\"refuge\": \"Large\"}}"));
  cJSON *sc = scenario_new(300);
  cJSON_AddStringToObject(sc, "refuge_capacity", capacity);
  if (strategy)
    cJSON_AddStringToObject(sc, "strategy", strategy);
  add_profile(sc, "walker", "1.2");
  add_group(sc, 1, 1, 4, 3, "walker", 8, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json(capacity, plan, sc, 11, &m);
  const struct evac_result *r = evac_sim_result(sim);
  *small = safe_in(m, r, "Small");
  *large = safe_in(m, r, strategy ? "exit-1" : "Large");
  *nfull = r->drill ? r->drill->nfull : 0;
  *used = *nfull ? r->drill->full_used_m2[0] : 0;
  *when = *nfull ? r->drill->full_time_s[0] : NAN;
  evac_sim_free(sim);
  evac_model_free(m);
}

Test(hospital, full_refuge_sends_the_rest_on) {
  int s, l, nf;
  double used, when;
  refuge_fill("area", NULL, &s, &l, &nf, &used, &when);
  cr_log_info("by area: %d in the small refuge, %d in the large; %d full "
              "at %.2f s (%.1f m2 taken)",
              s, l, nf, when, used);
  cr_expect_eq(s, 3, "small refuge holds 1.6 / 0.5 = 3: %d", s);
  cr_expect_eq(l, 5, "the other 5 go on: %d", l);
  cr_expect_eq(nf, 1, "one refuge full: %d", nf);
  cr_expect(fabs(used - 1.5) < 1e-9, "1.5 m2 taken: %.3f", used);
  refuge_fill("unlimited", NULL, &s, &l, &nf, &used, &when);
  cr_expect_eq(s, 8, "unlimited: all 8 in the small refuge: %d", s);
  cr_expect_eq(nf, 0);
}

/* Under "horizontal" (refuges only) with the large refuge replaced by an
 * exit: once the only refuge is full the other five have no refuge left
 * and go to the exit (stage 3). */
Test(hospital, full_last_refuge_sends_the_rest_out) {
  int s, l, nf;
  double used, when;
  refuge_fill("area", "horizontal", &s, &l, &nf, &used, &when);
  cr_log_info("horizontal: %d in the refuge, %d out", s, l);
  cr_expect_eq(s, 3, "refuge holds 3: %d", s);
  cr_expect_eq(l, 5, "5 out through the exit: %d", l);
}
