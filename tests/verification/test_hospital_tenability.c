/* Untenable compartments (docs/hospital.md, "Untenable compartments"):
 * people waiting in a refuge or defending in place move on when smoke
 * makes their compartment untenable, and stay when it does not. */
#include <criterion/criterion.h>
#include <math.h>

#include "drill.h"
#include "evacsim.h"
#include "grid.h"
#include "model.h"
#include "result.h"
#include "support.h"

/* Escalation out of refuges and defended compartments is a behaviour: the
 * smoke only has to make a compartment untenable. The times and counts
 * below (escalations, who is in which refuge when) were derived with the
 * "layer" smoke transport, which the test keeps; with the default
 * "momentum" smoke reaches the compartments at other times and the
 * expectations of the first three tests move. The fourth
 * (horizontal_leaves_the_fire_compartment) holds with either and runs the
 * default. */
static void layer_smoke(cJSON *sc) {
  cJSON_AddItemToObject(sc, "smoke", cJSON_Parse("{\"model\": \"layer\"}"));
}

/* One floor, three compartments along a 2.4 m corridor (rows 10..15):
 * West x 1..19, Middle x 21..39, East x 41..61, separated by fire doors at
 * x = 20 and x = 40 (a plain door at x = 20 if west_door). Each has a
 * north room (x0..x0+8, rows 1..8, door x0+3..x0+5 on row 9) and a south
 * room (rows 17..24, door on row 16); the north rooms of Middle and East
 * are refuges ("Refuge M", "Refuge E"). Regions name the compartments. */
static cJSON *three_compartments(int west_door) {
  struct grid g = grid_new(63, 26);
  grid_fill(&g, 1, 10, 61, 15, '.');
  grid_fill(&g, 20, 10, 20, 15, west_door ? 'D' : 'F');
  grid_fill(&g, 40, 10, 40, 15, 'F');
  for (int k = 0; k < 3; k++) {
    int x0 = 4 + 20 * k;
    grid_fill(&g, x0, 1, x0 + 8, 8, k ? (k == 1 ? 'M' : 'N') : '.');
    grid_fill(&g, x0, 17, x0 + 8, 24, '.');
    grid_fill(&g, x0 + 3, 9, x0 + 5, 9, 'D');
    grid_fill(&g, x0 + 3, 16, x0 + 5, 16, 'D');
  }
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(plan, "legend",
                        cJSON_Parse("{\"M\": {\"refuge\": \"Refuge M\"}, "
                                    "\"N\": {\"refuge\": \"Refuge E\"}}"));
  cJSON_AddItemToObject(
      plan, "regions",
      cJSON_Parse("[{\"name\": \"W\", \"floor\": \"1\", \"rect\": [0, 0, 19, "
                  "25], \"compartment\": \"West\"},"
                  "{\"name\": \"M\", \"floor\": \"1\", \"rect\": [21, 0, 39, "
                  "25], \"compartment\": \"Middle\"},"
                  "{\"name\": \"E\", \"floor\": \"1\", \"rect\": [41, 0, 62, "
                  "25], \"compartment\": \"East\"}]"));
  return plan;
}

/* Counts the agents safe in the refuge named name. */
static int safe_in(const struct evac_model *m, const struct evac_result *r,
                   const char *name) {
  int n = 0, fe = evac_model_feature(m, name);
  for (int a = 0; a < r->occupants; a++)
    n += r->agents.safe_place[a] == fe && !isnan(r->agents.exit_time_s[a]);
  return n;
}

/* Progressive horizontal evacuation of the west rooms (2 bed-bound
 * patients, 3 walkers at 1.34 m/s, 4 staff) into Refuge M, the nearest
 * refuge outside the fire's compartment (West). A fire in West's south
 * room stays at 0 kW until 200 s, then grows to 2 MW at 400 s, its smoke
 * reaching Middle through a plain door at x = 20 (smoke), or a 100 kW fire
 * burns there behind the closed fire door. Returns the sim; *m gets the
 * model. */
static struct evac_sim *refuge_run(const char *tag, int smoke,
                                   struct evac_model **m) {
  cJSON *sc = scenario_new(900);
  layer_smoke(sc);
  cJSON_AddStringToObject(sc, "strategy", "horizontal");
  add_profile(sc, "walker", "1.34");
  add_group(sc, 4, 1, 12, 8, "bedridden", 2, NULL);
  add_group(sc, 4, 1, 12, 8, "walker", 3, NULL);
  cJSON *staff = cJSON_AddArrayToObject(sc, "staff");
  cJSON_AddItemToArray(staff, cJSON_Parse("{\"floor\": \"1\", \"rect\": [1, "
                                          "10, 4, 15], \"count\": 4}"));
  cJSON_AddItemToObject(
      sc, "fire",
      cJSON_Parse(smoke ? "{\"floor\": \"1\", \"at\": [8, 20], \"growth\": "
                          "{\"curve\": [[0, 0], [200, 0], [400, 2000]]}}"
                        : "{\"floor\": \"1\", \"at\": [8, 20], \"growth\": "
                          "\"steady\", \"peak_kw\": 100}"));
  cJSON_AddItemToObject(sc, "timeline",
                        cJSON_Parse("[{\"t_s\": 0, \"do\": \"alarm\"}]"));
  return run_json(tag, three_compartments(smoke), sc, 3, m);
}

/* Without smoke in Middle, the 9 people brought to Refuge M stay there:
 * no escalation. With smoke in Middle they all move on to Refuge E
 * (stage 2, through the fire door at x = 40) once Middle is untenable.
 * The way from Refuge M's door (x 27..29, row 9) along the corridor to
 * Refuge E's (x 47..49) is about 21 cells, 8.3 m: walkers 8.3 / 1.34 =
 * 6.2 s (plus the queue at the doors: < 20 s); beds, which are still on
 * their device and need no new preparation, with their staff beside them,
 * 8.3 / 0.8 = 10.4 s (plus the queue behind the other bed: < 30 s). */
Test(hospital_tenability, untenable_refuge_sends_its_people_on) {
  struct evac_model *m;
  struct evac_sim *sim = refuge_run("calm", 0, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_not_null(r->drill);
  cr_expect_eq(r->drill->nescalations, 0, "calm: %d escalations",
               r->drill->nescalations);
  cr_expect_eq(safe_in(m, r, "Refuge M"), 9, "calm: %d in Refuge M",
               safe_in(m, r, "Refuge M"));
  cr_expect_eq(r->evacuated, 9);
  double calm_last = r->drill->last_patient_s;
  cr_expect(calm_last < 400.0, "patients in Refuge M at %.1f s", calm_last);
  evac_sim_free(sim);
  evac_model_free(m);

  sim = refuge_run("smoke", 1, &m);
  r = evac_sim_result(sim);
  const struct evac_drill *d = r->drill;
  cr_assert_not_null(d);
  cr_assert_eq(d->nescalations, 1, "smoke: %d escalations", d->nescalations);
  double t = d->esc_time_s[0];
  cr_log_info("Middle untenable at %.1f s: %d on, %d to an exit; last "
              "patient safe %.1f s",
              t, d->esc_horizontal[0], d->esc_vertical[0], d->last_patient_s);
  cr_expect_str_eq(d->esc_name[0], "1/Middle");
  cr_expect(t > 400.0 && t < 900.0, "untenable at %.1f s", t);
  cr_expect_eq(d->esc_horizontal[0], 9, "%d moved on", d->esc_horizontal[0]);
  cr_expect_eq(d->esc_vertical[0], 0);
  cr_expect_eq(r->evacuated, 9, "%d safe", r->evacuated);
  cr_expect_eq(safe_in(m, r, "Refuge E"), 9, "%d in Refuge E",
               safe_in(m, r, "Refuge E"));
  cr_expect_eq(safe_in(m, r, "Refuge M"), 0);
  for (int a = 0; a < r->occupants; a++) {
    double e = r->agents.exit_time_s[a] - t;
    const char *pr = m->profiles[r->agents.profile[a]].name;
    if (!strcmp(pr, "walker"))
      cr_expect(e > 6.0 && e < 20.0, "walker %d safe %.1f s after", a, e);
    else if (!strcmp(pr, "bedridden"))
      cr_expect(e > 10.4 && e < 30.0, "bed %d safe %.1f s after", a, e);
  }
  int esc = 0;
  for (size_t i = 0; i < r->events.n; i++)
    esc += r->events.type[i] == EVAC_LOG_ESCALATE;
  cr_expect_eq(esc, 9, "%d escalate events", esc);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* Defend in place: a fast 2 MW fire in West's south room, whose
 * compartment is open to Middle (a plain door at x = 20). Four walkers
 * defend in place in Middle's corridor (x 24..36) and four in East's,
 * behind the closed fire door at x = 40. Middle becomes untenable (the
 * layer reaches the westmost defender first): its four move on to Refuge
 * E (stage 2; Refuge M lies in the lost compartment), 11 to 23 cells
 * along the corridor and 1.5 m into the refuge, 4.4 to 10.7 m at 1.34 m/s:
 * 3.3 to 8 s (up to 12 s with the queue at the refuge door). East's four
 * stay; nobody is incapacitated. */
Test(hospital_tenability, defenders_move_when_their_compartment_is_lost) {
  cJSON *sc = scenario_new(600);
  layer_smoke(sc);
  cJSON_AddStringToObject(sc, "strategy", "defend_in_place");
  add_profile(sc, "walker", "1.34");
  add_group(sc, 24, 11, 36, 14, "walker", 4, NULL);
  add_group(sc, 44, 11, 56, 14, "walker", 4, NULL);
  cJSON_AddItemToObject(sc, "fire",
                        cJSON_Parse("{\"floor\": \"1\", \"at\": [8, 20], "
                                    "\"growth\": \"fast\", \"peak_kw\": "
                                    "2000}"));
  struct evac_model *m;
  struct evac_sim *sim = run_json("defend", three_compartments(1), sc, 5, &m);
  const struct evac_result *r = evac_sim_result(sim);
  const struct evac_drill *d = r->drill;
  cr_assert_not_null(d, "no escalation report");
  cr_assert_eq(d->nescalations, 1, "%d escalations", d->nescalations);
  double t = d->esc_time_s[0];
  cr_log_info("Middle untenable at %.1f s", t);
  cr_expect_str_eq(d->esc_name[0], "1/Middle");
  cr_expect_eq(d->esc_horizontal[0], 4);
  cr_expect_eq(safe_in(m, r, "Refuge E"), 4, "%d in Refuge E",
               safe_in(m, r, "Refuge E"));
  for (int a = 0; a < 4; a++) {
    double e = r->agents.exit_time_s[a] - t;
    cr_expect(e > 3.3 && e < 12.0, "walker %d safe %.1f s after", a, e);
  }
  cr_expect_eq(r->remaining, 4, "East's defenders stay: %d", r->remaining);
  cr_expect_eq(r->incapacitated, 0);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* Defend in place as above, but Middle's defender is one bed-bound patient
 * (x 26, row 12) and two staff start in East's corridor, their group's
 * exit Refuge E: at the alarm (10 s) with nobody to move they go there
 * and rest. When Middle is
 * lost the patient needs a team: the two are called back (docs/hospital.md),
 * walk to it (about 30 cells, 12 m at their speed, some 9 s), prepare the bed
 * (uniform 30-90 s) and wheel it about 31 cells along the corridor and 4
 * into the refuge (14 m at 0.8 m/s: 17.5 s): safe 56 to 120 s after
 * Middle is lost. Before the call-back it stayed there for good. */
Test(hospital_tenability, resting_staff_are_called_back) {
  cJSON *sc = scenario_new(900);
  layer_smoke(sc);
  cJSON_AddStringToObject(sc, "strategy", "defend_in_place");
  cJSON_AddItemToObject(sc, "timeline",
                        cJSON_Parse("[{\"t_s\": 10, \"do\": \"alarm\"}]"));
  add_group(sc, 26, 12, 26, 12, "bedridden", 1, NULL);
  cJSON_AddItemToArray(
      cJSON_AddArrayToObject(sc, "staff"),
      cJSON_Parse("{\"floor\": \"1\", \"rect\": [50, 11, 52, "
                  "12], \"count\": 2, \"exit\": \"Refuge E\"}"));
  cJSON_AddItemToObject(sc, "fire",
                        cJSON_Parse("{\"floor\": \"1\", \"at\": [8, 20], "
                                    "\"growth\": \"fast\", \"peak_kw\": "
                                    "2000}"));
  struct evac_model *m;
  struct evac_sim *sim = run_json("callback", three_compartments(1), sc, 5, &m);
  const struct evac_result *r = evac_sim_result(sim);
  const struct evac_drill *d = r->drill;
  cr_assert_not_null(d, "no drill report");
  cr_assert_eq(d->nescalations, 1, "%d escalations", d->nescalations);
  double t = d->esc_time_s[0], e = r->agents.exit_time_s[0] - t;
  cr_log_info("Middle untenable at %.1f s; patient safe %.1f s after", t, e);
  cr_expect_eq(safe_in(m, r, "Refuge E"), 3, "%d in Refuge E",
               safe_in(m, r, "Refuge E"));
  cr_expect(e > 56.0 && e < 120.0, "patient safe %.1f s after", e);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* Where 8 walkers in Middle's corridor (x 22..38, rows 11..14) go under
 * "horizontal" with a fire at (fx, 20) that stays at 0 kW for the whole
 * 300 s (so that only the choice of refuge is seen), compartments named by
 * the regions, or (named = 0) found from the walls and fire doors. Returns
 * the people safe in Refuge M and in Refuge E as *in_m, *in_e. */
static void horizontal_targets(const char *tag, int fx, int named, int *in_m,
                               int *in_e) {
  cJSON *sc = scenario_new(300);
  cJSON_AddStringToObject(sc, "strategy", "horizontal");
  add_profile(sc, "walker", "1.34");
  add_group(sc, 22, 11, 38, 14, "walker", 8, NULL);
  char fire[160];
  snprintf(fire, sizeof fire,
           "{\"floor\": \"1\", \"at\": [%d, 20], \"growth\": {\"curve\": "
           "[[0, 0], [400, 0], [460, 1500]]}}",
           fx);
  cJSON_AddItemToObject(sc, "fire", cJSON_Parse(fire));
  cJSON_AddItemToObject(sc, "timeline",
                        cJSON_Parse("[{\"t_s\": 0, \"do\": \"alarm\"}]"));
  cJSON *plan = three_compartments(0);
  if (!named)
    cJSON_DeleteItemFromObject(plan, "regions");
  struct evac_model *m;
  struct evac_sim *sim = run_json(tag, plan, sc, 7, &m);
  const struct evac_result *r = evac_sim_result(sim);
  *in_m = safe_in(m, r, "Refuge M");
  *in_e = safe_in(m, r, "Refuge E");
  cr_log_info("%s: %d in Refuge M, %d in Refuge E, %d evacuated", tag, *in_m,
              *in_e, r->evacuated);
  cr_expect_eq(r->evacuated, 8, "%s: %d safe", tag, r->evacuated);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* Progressive horizontal evacuation moves people out of the fire's
 * compartment into the adjoining one (docs/hospital.md, "Strategies"):
 * with the fire in Middle's south room (28, 20) the 8 walkers of Middle's
 * corridor pass Refuge M, the nearest refuge, and walk through the fire
 * door at x = 40 to Refuge E; with the fire in West (8, 20) Refuge M takes
 * them all. The same with the compartments found from the walls and fire
 * doors alone. Without the rule all 8 went to Refuge M in both cases. */
Test(hospital_tenability, horizontal_leaves_the_fire_compartment) {
  for (int named = 1; named >= 0; named--) {
    int in_m, in_e;
    horizontal_targets(named ? "h-mid" : "h-mid-walls", 28, named, &in_m,
                       &in_e);
    cr_expect_eq(in_m, 0, "fire in Middle: %d in its own refuge", in_m);
    cr_expect_eq(in_e, 8, "fire in Middle: %d in Refuge E", in_e);
    horizontal_targets(named ? "h-west" : "h-west-walls", 8, named, &in_m,
                       &in_e);
    cr_expect_eq(in_m, 8, "fire in West: %d in Refuge M", in_m);
    cr_expect_eq(in_e, 0, "fire in West: %d in Refuge E", in_e);
  }
}
