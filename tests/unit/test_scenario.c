/* The scenario loader: plan loading, profiles, groups, timeline, and its
 * error messages. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "support.h"

/* A small plan: floor "G" 6 x 4 with 8 floor cells, exit, door, stair 'A'
 * also on floor "1", a shaft 'h', a refuge; region "Room" on "G". */
static const char *plan =
    "{\"evacsim_plan\": 1, \"floors\": [\n"
    " {\"name\": \"G\", \"elevation_m\": 0,\n"
    "  \"rows\": [\"##E###\", \"#....#\", \"#....d\", \"#hA#R#\"]},\n"
    " {\"name\": \"1\", \"elevation_m\": 3,\n"
    "  \"rows\": [\"######\", \"#....#\", \"#.A..#\"]}],\n"
    " \"legend\": {\"A\": {\"stair\": \"Stair A\"}, \"h\": {\"shaft\": "
    "\"Duct\"},\n"
    "   \"d\": {\"door\": \"never\"}},\n"
    " \"stairs\": [{\"name\": \"Stair A\", \"width_m\": 1.2}],\n"
    " \"shafts\": [{\"name\": \"Duct\", \"area_m2\": 0.3}],\n"
    " \"regions\": [{\"name\": \"Room\", \"floor\": \"G\", \"rect\": [1, 1, 4, "
    "2]}]}\n";

Test(scenario, sample_pair_loads) {
  struct evac_diag d;
  struct evac_model *m = NULL;
  evac_diag_init(&d);
  int rc = evac_model_load(
      EVAC_SOURCE_DIR "/tests/data/two_floor.scenario.json", &d, &m);
  evac_diag_print(&d, stderr);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_eq(d.n, 0);
  cr_assert_eq(m->nfloors, 2);
  cr_assert_eq(m->nstairs, 1);
  cr_assert_eq(m->stairs[0].nfloors, 2);
  cr_assert_float_eq(m->stairs[0].flight_length_m, 7.0, 1e-12);
  cr_assert_eq(m->noccupants, 20);
  cr_assert_eq(m->ngroups, 1);
  cr_assert_eq(m->groups[0].floor, 1);
  cr_assert_eq(m->groups[0].region, 0);
  cr_assert_eq(m->groups[0].profile, 0);
  cr_assert_eq(m->groups[0].target, -1);
  cr_assert_eq(m->seed, 42);
  cr_assert_float_eq(m->duration_s, 600.0, 1e-12);
  cr_assert_eq(m->nprofiles, 8);
  cr_assert_str_eq(m->profiles[7].name, "visitor");
  cr_assert_str_eq(m->features[1].name, "exit-1");
  cr_assert(strstr(m->plan_path, "tests/data/two_floor.plan.json"));
  cr_assert(strstr(m->plan_json, "\"Stair A\""));
  cr_assert(strstr(m->scenario_json, "\"evacsim_scenario\""));
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(scenario, defaults_profiles_groups_timeline) {
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(
      "scen_good", "p.plan.json", plan,
      "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\",\n"
      " \"profiles\": {\"slow\": {\"base\": \"elderly\", \"speed_m_s\": "
      "{\"dist\": \"normal\", \"mean\": 0.8, \"sd\": 0.3, \"max\": 1.2},\n"
      "   \"premovement_s\": {\"dist\": \"lognormal\", \"mu\": 4, \"sigma\": "
      "0.5}, \"device\": \"wheelchair\"},\n"
      "   \"adult\": {\"speed_m_s\": 1.1, \"fed_threshold\": {\"dist\": "
      "\"uniform\", \"min\": 0.2, \"max\": 0.4}}},\n"
      " \"occupants\": [{\"region\": \"Room\", \"profile\": \"slow\", "
      "\"count\": 3, \"exit\": \"refuge-1\"},\n"
      "   {\"floor\": \"1\", \"rect\": [1, 1, 4, 2], \"count\": 2}],\n"
      " \"staff\": [{\"region\": \"Room\", \"count\": 1}],\n"
      " \"timeline\": [{\"t_s\": 60, \"do\": \"close\", \"target\": \"Stair "
      "A\", \"floors\": [\"1\"]},\n"
      "   {\"t_s\": 10, \"do\": \"close\", \"target\": \"never\"},\n"
      "   {\"t_s\": 60, \"do\": \"open\", \"target\": \"exit-1\"}]}",
      &d, &m);
  evac_diag_print(&d, stderr);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_eq(d.n, 0);
  cr_assert_float_eq(m->duration_s, 1800.0, 1e-12);
  cr_assert_eq(m->seed, 1);
  cr_assert_float_eq(m->agents_every_s, 1.0, 1e-12);
  cr_assert_float_eq(m->fields_every_s, 5.0, 1e-12);
  cr_assert_eq(m->has_fire, 0);
  cr_assert_eq(m->refuge_area, 1, "refuges hold people by area by default");
  /* adult replaced in place; slow appended */
  cr_assert_eq(m->nprofiles, 9);
  cr_assert_str_eq(m->profiles[0].name, "adult");
  cr_assert_eq(m->profiles[0].speed_m_s.kind, EVAC_DIST_FIXED);
  cr_assert_float_eq(m->profiles[0].speed_m_s.a, 1.1, 1e-12);
  cr_assert_float_eq(m->profiles[0].stair_down_factor.a, 0.485, 1e-12);
  cr_assert_eq(m->profiles[0].fed_threshold.kind, EVAC_DIST_UNIFORM);
  cr_assert_float_eq(m->profiles[0].fed_threshold.lo, 0.2, 1e-12);
  cr_assert_float_eq(m->profiles[0].fed_threshold.hi, 0.4, 1e-12);
  const struct evac_profile *s = &m->profiles[8];
  cr_assert_str_eq(s->name, "slow");
  cr_assert_str_eq(s->device, "wheelchair");
  cr_assert_eq(s->speed_m_s.kind, EVAC_DIST_NORMAL);
  cr_assert_float_eq(s->speed_m_s.lo, 0.05, 1e-12); /* physical bound */
  cr_assert_float_eq(s->speed_m_s.hi, 1.2, 1e-12);
  cr_assert_eq(s->premovement_s.kind, EVAC_DIST_LOGNORMAL);
  cr_assert_float_eq(s->premovement_s.lo, 0.0, 1e-12);
  cr_assert(isinf(s->premovement_s.hi));
  cr_assert_float_eq(s->stair_up_factor.a, 0.40, 1e-12); /* from elderly */
  /* groups */
  cr_assert_eq(m->ngroups, 3);
  cr_assert_eq(m->noccupants, 6);
  cr_assert_eq(m->groups[0].profile, 8);
  cr_assert_eq(m->groups[0].target, evac_model_feature(m, "refuge-1"));
  cr_assert_eq(m->groups[0].rect[2], 4);
  cr_assert_eq(m->groups[1].region, -1);
  cr_assert_eq(m->groups[1].floor, 1);
  cr_assert_eq(m->groups[1].profile, 0);
  cr_assert_str_eq(m->profiles[m->groups[2].profile].name, "staff");
  /* timeline sorted by time, stable */
  cr_assert_eq(m->ntimeline, 3);
  cr_assert_float_eq(m->timeline[0].t_s, 10.0, 1e-12);
  cr_assert_eq(m->timeline[1].feature, evac_model_feature(m, "Stair A"));
  cr_assert_eq(m->timeline[1].nfloors, 1);
  cr_assert_eq(m->timeline[1].floors[0], 1);
  cr_assert_eq(m->timeline[2].action, EVAC_ACT_OPEN);
  cr_assert_eq(m->timeline[2].nfloors, 0);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(scenario, bad_distribution_parameters) {
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(
      "scen_dist", "p.plan.json", plan,
      "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\",\n"
      " \"profiles\": {\"x\": {\"speed_m_s\": {\"dist\": \"normal\", \"mean\": "
      "1, \"sd\": -0.1},\n"
      "   \"premovement_s\": {\"dist\": \"beta\", \"a\": 1},\n"
      "   \"stair_up_factor\": {\"dist\": \"uniform\", \"min\": 0.9, \"max\": "
      "0.5},\n"
      "   \"stair_down_factor\": {\"dist\": \"gamma\", \"shape\": 2},\n"
      "   \"fed_threshold\": {\"dist\": \"weibull\", \"shape\": 2, \"scale\": "
      "1, \"mean\": 3},\n"
      "   \"needs_staff\": 1, \"base\": \"robot\"},\n"
      "  \"y\": {\"speed_m_s\": 0, \"premovement_s\": {\"dist\": \"normal\", "
      "\"mean\": 5, \"sd\": 1, \"max\": -1}}}}",
      &d, &m);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  cr_assert_null(m);
  evac_test_expect_msg(
      &d, "test.scenario.json: profiles.x.speed_m_s.sd: expected a "
          "number >= 0, got -0.1");
  evac_test_expect_msg(&d,
                       "profiles.x.premovement_s.dist: unknown distribution "
                       "\"beta\"; allowed: fixed, uniform, normal, lognormal, "
                       "gamma, weibull");
  evac_test_expect_msg(&d,
                       "profiles.x.stair_up_factor: min 0.9 is above max 0.5");
  evac_test_expect_msg(
      &d, "profiles.x.stair_down_factor.scale: missing required key");
  evac_test_expect_msg(
      &d, "profiles.x.fed_threshold.mean: unknown key; allowed keys: "
          "dist, shape, scale, min, max");
  evac_test_expect_msg(&d,
                       "profiles.x.needs_staff: expected true or false, got 1");
  evac_test_expect_msg(&d,
                       "profiles.x.base: unknown built-in profile \"robot\"");
  evac_test_expect_msg(
      &d, "profiles.y.speed_m_s: value 0 is below the physical bound "
          "0.05");
  evac_test_expect_msg(&d,
                       "profiles.y.premovement_s: max -1 is below the physical "
                       "bound 0");
  cr_assert_eq(d.errors, 9);
  evac_diag_free(&d);
}

Test(scenario, group_errors) {
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(
      "scen_groups", "p.plan.json", plan,
      "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\",\n"
      " \"occupants\": [{\"region\": \"Room\", \"count\": 9},\n"
      "  {\"region\": \"Room\", \"floor\": \"G\", \"rect\": [1,1,1,1], "
      "\"count\": 1},\n"
      "  {\"count\": 1},\n"
      "  {\"floor\": \"1\", \"rect\": [1, 1, 7, 2], \"count\": 1},\n"
      "  {\"region\": \"Hall\", \"count\": 2.5, \"profile\": \"ghost\"},\n"
      "  {\"region\": \"Room\", \"count\": 1, \"exit\": \"Stair A\"}],\n"
      " \"staff\": [{\"region\": \"Room\", \"count\": 1, \"profile\": "
      "\"adult\"}]}",
      &d, &m);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  evac_test_expect_msg(
      &d, "test.scenario.json: occupants[0].count: 9 people do not "
          "fit: the place has 8 floor cells");
  evac_test_expect_msg(&d,
                       "occupants[1]: give either \"region\" or \"floor\" + "
                       "\"rect\", not both");
  evac_test_expect_msg(&d, "occupants[2]: missing the place");
  evac_test_expect_msg(
      &d, "occupants[3].rect: [1, 1, 7, 2] is not a rectangle inside "
          "floor \"1\" (6 x 3 cells)");
  evac_test_expect_msg(&d, "occupants[4].region: unknown region \"Hall\"");
  evac_test_expect_msg(&d,
                       "occupants[4].profile: unknown profile \"ghost\"; the "
                       "profiles are adult, elderly,");
  evac_test_expect_msg(&d, "occupants[4].count: expected an integer in [0, "
                           "1000000000], got 2.5");
  evac_test_expect_msg(
      &d, "occupants[5].exit: \"Stair A\" is not an exit or a refuge");
  evac_test_expect_msg(&d,
                       "staff[0].profile: unknown key; allowed keys: region, "
                       "floor, rect, count, exit");
  cr_assert_eq(d.errors, 9);
  evac_diag_free(&d);
}

Test(scenario, timeline_errors) {
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(
      "scen_timeline", "p.plan.json", plan,
      "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\",\n"
      " \"timeline\": [{\"t_s\": 5, \"do\": \"close\", \"target\": \"Duct\"},\n"
      "  {\"t_s\": -1, \"do\": \"lock\", \"target\": \"Nowhere\"},\n"
      "  {\"t_s\": 5, \"do\": \"close\", \"target\": \"exit-1\", \"floors\": "
      "[\"1\", \"9\"]}]}",
      &d, &m);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  evac_test_expect_msg(
      &d, "timeline[0].target: \"Duct\" is a shaft; a timeline target "
          "must be the name of an exit, refuge, door, fire_door, stair "
          "or lift feature");
  evac_test_expect_msg(
      &d, "timeline[1].t_s: expected a number in [0, 1000000000], got -1");
  evac_test_expect_msg(
      &d, "timeline[1].do: unknown action \"lock\"; allowed: close, "
          "open");
  evac_test_expect_msg(
      &d, "timeline[1].target: \"Nowhere\" is not a feature of the "
          "plan");
  evac_test_expect_msg(
      &d, "timeline[2].floors[0]: \"exit-1\" has no cells on floor "
          "\"1\"");
  evac_test_expect_msg(&d, "timeline[2].floors[1]: unknown floor \"9\"");
  cr_assert_eq(d.errors, 6);
  evac_diag_free(&d);
}

Test(scenario, inline_plan_errors_use_the_scenario_file) {
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(
      "scen_inline", NULL, NULL,
      "{\"evacsim_scenario\": 1, \"duration_s\": 0,\n"
      " \"plan\": {\"evacsim_plan\": 1, \"floors\": [{\"name\": \"a\", "
      "\"elevation_m\": 0, \"rows\": [\"..\", \"...\"]}]}}",
      &d, &m);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  evac_test_expect_msg(
      &d, "/scen_inline/test.scenario.json: plan.floors[0].rows[1]: "
          "row has 3 cells, floor has 2");
  evac_test_expect_msg(
      &d, "test.scenario.json: duration_s: expected a number in (0, "
          "1000000000], got 0");
  cr_assert_eq(d.errors, 2);
  evac_diag_free(&d);

  rc = evac_test_load("scen_inline2", NULL, NULL,
                      "{\"evacsim_scenario\": 1, \"plan\": {\"evacsim_plan\": "
                      "1, \"floors\": [{\"name\": \"a\", \"elevation_m\": 0, "
                      "\"rows\": [\".E\"]}]}, \"occupants\": [{\"floor\": "
                      "\"a\", \"rect\": [0, 0, 0, 0], \"count\": 1}]}",
                      &d, &m);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_str_eq(m->plan_path, "inline");
  cr_assert(strstr(m->plan_json, "\"rows\""));
  cr_assert_eq(m->noccupants, 1);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(scenario, plan_path_relative_to_the_scenario_folder) {
  const char *dir = evac_test_dir("scen_rel");
  char sub[4200], cmd[4300];
  snprintf(sub, sizeof sub, "%s/plans", dir);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", sub);
  cr_assert_eq(system(cmd), 0);
  free(evac_test_write(sub, "a.plan.json", plan));
  free(evac_test_write(sub, "bad.plan.json",
                       "{\"evacsim_plan\": 1, \"floors\": []}"));
  char *ok = evac_test_write(dir, "ok.scenario.json",
                             "{\"evacsim_scenario\": 1, \"plan\": "
                             "\"plans/a.plan.json\"}");
  char *bad = evac_test_write(dir, "bad.scenario.json",
                              "{\"evacsim_scenario\": 1, \"plan\": "
                              "\"plans/bad.plan.json\", \"occupants\": "
                              "[{\"region\": \"Room\", \"count\": 1}]}");
  char *missing = evac_test_write(dir, "missing.scenario.json",
                                  "{\"evacsim_scenario\": 1, \"plan\": "
                                  "\"a.plan.json\"}");
  struct evac_diag d;
  struct evac_model *m = NULL;
  evac_diag_init(&d);
  cr_assert_eq(evac_model_load(ok, &d, &m), EVAC_OK);
  cr_assert(strstr(m->plan_path, "/scen_rel/plans/a.plan.json"));
  cr_assert_eq(m->nfloors, 2);
  evac_model_free(m);
  /* errors inside the plan name the plan file; no follow-up errors about
   * names the broken plan would have had */
  cr_assert_eq(evac_model_load(bad, &d, &m), EVAC_ERR_INPUT);
  cr_assert_null(m);
  evac_test_expect_msg(&d, "/scen_rel/plans/bad.plan.json: floors: expected a "
                           "non-empty array of floors, got []");
  cr_assert_eq(d.errors, 1);
  cr_assert_eq(evac_model_load(missing, &d, &m), EVAC_ERR_INPUT);
  evac_test_expect_msg(&d,
                       "/scen_rel/a.plan.json: cannot read: No such file or "
                       "directory");
  cr_assert_eq(d.errors, 2);
  cr_assert_eq(evac_check_file(ok, 0, &d), EVAC_OK);
  cr_assert_eq(d.errors, 2);
  free(ok);
  free(bad);
  free(missing);
  evac_diag_free(&d);
}

Test(scenario, invalid_json_fire_hazards_unknown_keys) {
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc =
      evac_test_load("scen_json", NULL, NULL,
                     "{\"evacsim_scenario\": 1,\n\n   \"plan\" 3}", &d, &m);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  cr_assert_eq(d.errors, 1);
  evac_test_expect_msg(&d,
                       "test.scenario.json: line 3, column 11: invalid JSON");
  evac_diag_free(&d);

  rc = evac_test_load(
      "scen_fire", "p.plan.json", plan,
      "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\", \"seed\": -2,\n"
      " \"fire\": {\"floor\": \"G\"}, \"fires\": [{\"weight\": 1}, 3],\n"
      " \"hazards\": [{\"id\": \"H1\", \"type\": \"blocked_stair\", "
      "\"target\": \"Stair A\", \"cost\": 10},\n"
      "   {\"id\": \"H1\", \"type\": \"gremlins\"}, {\"type\": "
      "\"hydrant_dry\"}],\n"
      " \"output\": {\"every_s\": 1}, \"alarm\": {\"delay_s\": \"soon\"},\n"
      " \"wind\": 3}",
      &d, &m);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  evac_test_expect_msg(&d,
                       "test.scenario.json: seed: expected an integer in [0, "
                       "9007199254740992], got -2");
  evac_test_expect_msg(&d, "fires[1]: expected an object, got 3");
  evac_test_expect_msg(
      &d, "hazards[1].id: \"H1\" is already the id of another hazard");
  evac_test_expect_msg(&d, "hazards[1].type: unknown hazard type \"gremlins\"; "
                           "allowed: blocked_exit, blocked_stair,");
  evac_test_expect_msg(&d, "hazards[2].id: missing required key");
  evac_test_expect_msg(&d, "output.every_s: unknown key; allowed keys: "
                           "fields_every_s, agents_every_s");
  evac_test_expect_msg(
      &d, "alarm.delay_s: expected a number in [0, 1000000000], got "
          "\"soon\" (a string)");
  evac_test_expect_msg(
      &d, "wind: unknown key; allowed keys: evacsim_scenario, plan,");
  evac_test_expect_msg(&d, "test.scenario.json: fire.at: missing required key");
  evac_test_expect_msg(&d, "fires[0].floor: missing required key");
  evac_test_expect_msg(&d, "fires[0].at: missing required key");
  cr_assert_eq(d.errors, 11);
  cr_assert_eq(d.n - d.errors, 0, "no warnings: run applies the hazards");
  cr_assert_eq(evac_test_find_msg(&d, "not simulated"), -1);
  evac_diag_free(&d);
}

Test(scenario, scenario_with_fires_only_loads_without_warning) {
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(
      "scen_warn", "p.plan.json", plan,
      "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\", \"fires\": "
      "[{\"weight\": 1, \"floor\": \"G\", \"at\": [1, 1]}], "
      "\"alarm\": {\"delay_s\": 30}}",
      &d, &m);
  evac_diag_print(&d, stderr);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_eq(d.errors, 0);
  cr_assert_eq(d.n, 0);
  cr_assert_eq(m->has_fire, 0); /* "fires" only: nothing for run to burn */
  cr_assert_eq(m->nfires, 1);
  cr_assert_float_eq(m->alarm_delay_s, 30.0, 1e-12);
  evac_model_free(m);
  evac_diag_free(&d);
}
