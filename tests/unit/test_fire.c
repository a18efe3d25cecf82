/* The fire model: growth laws, caps, Alpert and Kawagoe formulas, the fuel
 * table, Evans' decay, manual attack; and the parsing of "fire", "fires"
 * and the plan's "systems", with their error messages. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "models/fire/fire.h"
#include "support.h"

/* ------------------------------------------------------------ formulas */

static struct evac_fire_spec alpha_spec(double alpha, double peak) {
  return (struct evac_fire_spec){.growth = EVAC_GROWTH_ALPHA,
                                 .alpha_kw_s2 = alpha,
                                 .peak_kw = peak,
                                 .fuel = evac_fuel_find("ward_furnishings"),
                                 .weight = 1.0};
}

Test(fire, t_squared_classes_reach_1055_kw_at_their_times) {
  const char *names[] = {"slow", "medium", "fast", "ultrafast"};
  const double t[] = {600.0, 300.0, 150.0, 75.0};
  for (int i = 0; i < 4; i++) {
    struct evac_fire_spec s = alpha_spec(evac_growth_alpha(names[i]), 1e9);
    cr_assert_float_eq(evac_fire_free_hrr(&s, t[i]), 1055.0, 0.5, "%s",
                       names[i]);
    cr_assert_float_eq(evac_fire_free_hrr(&s, t[i] / 2), 1055.0 / 4, 0.2);
  }
  cr_assert_float_eq(evac_growth_alpha("fast"), 0.0469, 1e-15);
  cr_assert(isnan(evac_growth_alpha("steady")));
  cr_assert(isnan(evac_growth_alpha("Fast")));
}

Test(fire, peak_caps_growth_and_steady_is_peak_from_zero) {
  struct evac_fire_spec s = alpha_spec(EVAC_ALPHA_FAST, 500.0);
  cr_assert_float_eq(evac_fire_free_hrr(&s, 50.0), 117.25, 1e-9);
  cr_assert_float_eq(evac_fire_free_hrr(&s, 200.0), 500.0, 1e-12);
  cr_assert_float_eq(evac_fire_free_hrr(&s, -1.0), 0.0, 1e-12);
  s.growth = EVAC_GROWTH_STEADY;
  cr_assert_float_eq(evac_fire_free_hrr(&s, 0.0), 500.0, 1e-12);
  cr_assert_float_eq(evac_fire_free_hrr(&s, 1e4), 500.0, 1e-12);
}

Test(fire, curve_interpolates_linearly_and_holds_the_last_value) {
  double t[] = {0.0, 100.0, 200.0}, q[] = {0.0, 1000.0, 500.0};
  struct evac_fire_spec s = alpha_spec(0.0, 1e9);
  s.growth = EVAC_GROWTH_CURVE;
  s.ncurve = 3;
  s.curve_t_s = t;
  s.curve_kw = q;
  cr_assert_float_eq(evac_fire_free_hrr(&s, 0.0), 0.0, 1e-12);
  cr_assert_float_eq(evac_fire_free_hrr(&s, 50.0), 500.0, 1e-9);
  cr_assert_float_eq(evac_fire_free_hrr(&s, 100.0), 1000.0, 1e-9);
  cr_assert_float_eq(evac_fire_free_hrr(&s, 150.0), 750.0, 1e-9);
  cr_assert_float_eq(evac_fire_free_hrr(&s, 900.0), 500.0, 1e-9);
  s.peak_kw = 600.0;
  cr_assert_float_eq(evac_fire_free_hrr(&s, 100.0), 600.0, 1e-9);
}

Test(fire, ventilation_limit_and_kawagoe) {
  /* a 1 m x 2 m door: 1500 * 2 * sqrt(2) */
  cr_assert_float_eq(evac_kawagoe_kw(2.0, 2.0), 4242.6407, 1e-3);
  cr_assert_float_eq(evac_kawagoe_kw(1.0, 1.0), 1500.0, 1e-9);
  struct evac_fire_spec s = alpha_spec(EVAC_ALPHA_FAST, 3000.0);
  struct evac_fire f;
  evac_fire_init(&f, &s, NULL, 3.0, 800.0);
  for (int i = 0; i < 3000; i++)
    evac_fire_advance(&f, 0.1, NAN);
  cr_assert_float_eq(f.t, 300.0, 1e-6);
  cr_assert_float_eq(f.hrr_kw, 800.0, 1e-9);
  cr_assert(isnan(f.t_sprinkler) && isnan(f.t_detect) && isnan(f.t_attack));
}

Test(fire, alpert_both_regimes) {
  /* r/H = 0.1: plume region for both; r/H = 2/3: ceiling jet for both;
   * r/H = 0.16: temperature still in the plume region (<= 0.18), velocity
   * already in the jet region (> 0.15). */
  cr_assert_float_eq(evac_alpert_dt(1000.0, 3.0, 0.3), 270.8224, 1e-3);
  cr_assert_float_eq(evac_alpert_u(1000.0, 3.0, 0.3), 6.656268, 1e-5);
  cr_assert_float_eq(evac_alpert_dt(1000.0, 3.0, 2.0), 112.9729, 1e-3);
  cr_assert_float_eq(evac_alpert_u(1000.0, 3.0, 2.0), 1.895557, 1e-5);
  cr_assert_float_eq(evac_alpert_dt(1000.0, 3.0, 0.48), 270.8224, 1e-3);
  cr_assert_float_eq(evac_alpert_u(1000.0, 3.0, 0.48), 6.226264, 1e-5);
  cr_assert_float_eq(evac_alpert_dt(0.0, 3.0, 2.0), 0.0, 1e-12);
  cr_assert_float_eq(evac_alpert_u(-5.0, 3.0, 2.0), 0.0, 1e-12);
}

Test(fire, fuel_table) {
  int pu = evac_fuel_find("polyurethane"), wood = evac_fuel_find("cellulosic");
  int ward = evac_fuel_find("ward_furnishings");
  int li = evac_fuel_find("lithium_battery");
  cr_assert(pu >= 0 && wood >= 0 && ward >= 0 && li >= 0);
  cr_assert(evac_fuel_find("pvc") >= 0 && evac_fuel_find("polystyrene") >= 0);
  cr_assert_eq(evac_fuel_find("kerosene"), -1);
  cr_assert_eq(evac_fuel_find(NULL), -1);
  cr_assert_eq(evac_nfuels, 6);
  cr_assert_float_eq(evac_fuels[wood].hoc_kj_kg, 12400.0, 1e-9);
  cr_assert_float_eq(evac_fuels[wood].soot_yield, 0.015, 1e-12);
  cr_assert_float_eq(evac_fuels[pu].hoc_kj_kg, 23200.0, 1e-9);
  cr_assert_float_eq(evac_fuels[pu].soot_yield, 0.198, 1e-12);
  /* the ward mix is 50/50 by mass */
  const struct evac_fuel *a = &evac_fuels[wood], *b = &evac_fuels[pu],
                         *w = &evac_fuels[ward];
  cr_assert_float_eq(w->hoc_kj_kg, (a->hoc_kj_kg + b->hoc_kj_kg) / 2, 1e-9);
  cr_assert_float_eq(w->soot_yield, (a->soot_yield + b->soot_yield) / 2, 1e-12);
  cr_assert_float_eq(w->co_yield, (a->co_yield +b->co_yield ) / 2, 1e-12);
  cr_assert_float_eq(w->co2_yield, (a->co2_yield + b->co2_yield) / 2, 1e-12);
  cr_assert_float_eq(evac_fuels[li].default_alpha_kw_s2, EVAC_ALPHA_ULTRAFAST,
                     1e-15);
  cr_assert_float_eq(evac_fuels[li].soot_yield, 0.16, 1e-12);
  for (int i = 0; i < evac_nfuels; i++) {
    cr_assert(evac_fuels[i].source && strlen(evac_fuels[i].source) > 20);
    cr_assert(evac_fuels[i].hoc_kj_kg > 0.0);
  }
  char list[256];
  evac_fuel_list(list, sizeof list);
  cr_assert_str_eq(list, "cellulosic, polyurethane, ward_furnishings, pvc, "
                         "polystyrene, lithium_battery");
}

Test(fire, evans_tau) {
  /* 3.0 * 0.07^-1.85 = 410.86 s (NISTIR 5254); CFAST's -1.8 would give
   * 359.70 s. */
  cr_assert_float_eq(evac_evans_tau_s(0.07), 410.856, 1e-3);
  cr_assert_float_eq(evac_evans_tau_s(1.0), 3.0, 1e-12);
}

/* Systems with nothing on: the defaults of docs/formats.md. */
static struct evac_systems no_systems(uint8_t *spr, uint8_t *det) {
  return (struct evac_systems){.sprinkler_floor = spr,
                               .detector_floor = det,
                               .spr_rti = 50.0,
                               .spr_activation_c = 68.0,
                               .spr_r_m = 2.1,
                               .spr_density_mm_s = 0.07,
                               .det_rti = 5.0,
                               .det_activation_dt_c = 5.0,
                               .det_r_m = 2.1,
                               .brigade_arrival_s = 600.0,
                               .micro_station_s = INFINITY,
                               .water = 1,
                               .ambient_c = 20.0,
                               .outside_c = 5.0};
}

/* Runs f to time t in steps of dt. */
static void run_to(struct evac_fire *f, double t, double dt) {
  while (f->t < t - 1e-9)
    evac_fire_advance(f, fmin(dt, t - f->t), NAN);
}

Test(fire, micro_station_attacks_a_small_fire) {
  uint8_t spr[1] = {0}, det[1] = {0};
  struct evac_systems sys = no_systems(spr, det);
  sys.micro_station_s = 100.0;
  struct evac_fire_spec s = alpha_spec(EVAC_ALPHA_FAST, 3000.0);
  struct evac_fire f;
  evac_fire_init(&f, &s, &sys, 3.0, INFINITY);
  run_to(&f, 100.0, 0.5);
  cr_assert_float_eq(f.t_attack, 100.0, 1e-9);
  cr_assert_float_eq(f.q_attack, 469.0, 1e-6);
  cr_assert_float_eq(f.q_at_control, 469.0, 1e-6);
  run_to(&f, 220.0, 0.5);
  cr_assert_float_eq(f.hrr_kw, 469.0 * exp(-1.0), 1e-6);
  cr_assert_float_eq(evac_fire_burning_rate(&f), f.hrr_kw / 17800.0, 1e-12);
}

Test(fire, micro_station_too_late_then_brigade_needs_water) {
  uint8_t spr[1] = {0}, det[1] = {0};
  struct evac_systems sys = no_systems(spr, det);
  sys.micro_station_s = 200.0; /* fast fire: 1876 kW > 1000 kW then */
  struct evac_fire_spec s = alpha_spec(EVAC_ALPHA_FAST, 3000.0);
  struct evac_fire f;
  evac_fire_init(&f, &s, &sys, 3.0, INFINITY);
  run_to(&f, 599.0, 1.0);
  cr_assert(isnan(f.t_attack));
  cr_assert_float_eq(f.hrr_kw, 3000.0, 1e-9);
  run_to(&f, 720.0, 1.0);
  cr_assert_float_eq(f.t_attack, 600.0, 1e-9);
  cr_assert_float_eq(f.hrr_kw, 3000.0 * exp(-1.0), 1e-6);

  sys.water = 0; /* hydrants dry: no brigade attack */
  evac_fire_init(&f, &s, &sys, 3.0, INFINITY);
  run_to(&f, 1800.0, 1.0);
  cr_assert(isnan(f.t_attack));
  cr_assert_float_eq(f.hrr_kw, 3000.0, 1e-9);

  sys.micro_station_s = 60.0; /* no water, but an early micro station */
  evac_fire_init(&f, &s, &sys, 3.0, INFINITY);
  run_to(&f, 100.0, 1.0);
  cr_assert_float_eq(f.t_attack, 60.0, 1e-9);
  cr_assert_float_eq(f.q_attack, 0.0469 * 3600.0, 1e-6);
}

Test(fire, links_only_where_the_system_is) {
  uint8_t spr[2] = {0, 1}, det[2] = {1, 0};
  struct evac_systems sys = no_systems(spr, det);
  sys.sprinklers = 1;
  sys.detectors = 1;
  struct evac_fire_spec s = alpha_spec(EVAC_ALPHA_FAST, 3000.0);
  s.floor = 0; /* detectors, no sprinklers */
  struct evac_fire f;
  evac_fire_init(&f, &s, &sys, 3.0, INFINITY);
  run_to(&f, 400.0, 0.1);
  cr_assert(isnan(f.t_sprinkler));
  cr_assert(f.t_detect > 10.0 && f.t_detect < 60.0, "t_detect %g", f.t_detect);
  cr_assert_float_eq(f.link_c, 20.0, 1e-12);
  s.floor = 1; /* sprinklers, no detectors */
  evac_fire_init(&f, &s, &sys, 3.0, INFINITY);
  run_to(&f, 400.0, 0.1);
  cr_assert(isnan(f.t_detect));
  cr_assert(f.t_sprinkler > 100.0 && f.t_sprinkler < 160.0);
}

Test(fire, hot_layer_heats_the_link) {
  /* a 1 kW steady fire: no jet to speak of; a 150 C layer trips a 68 C
   * link with RTI 50 at u = 0.1 m/s: T = 150 - 130 exp(-sqrt(0.1) t / 50)
   * reaches 68 at t = 50 / sqrt(0.1) ln(130 / 82) = 72.9 s. */
  uint8_t spr[1] = {1}, det[1] = {0};
  struct evac_systems sys = no_systems(spr, det);
  sys.sprinklers = 1;
  struct evac_fire_spec s = alpha_spec(0.0, 1.0);
  s.growth = EVAC_GROWTH_STEADY;
  struct evac_fire f;
  evac_fire_init(&f, &s, &sys, 3.0, INFINITY);
  while (f.t < 200.0 && isnan(f.t_sprinkler))
    evac_fire_advance(&f, 0.05, 150.0);
  double u = fmax(evac_alpert_u(1.0, 3.0, 2.1), EVAC_LINK_MIN_U);
  double expect = 50.0 / sqrt(u) * log(130.0 / 82.0);
  cr_assert_float_eq(f.t_sprinkler, expect, 0.3, "%g vs %g", f.t_sprinkler,
                     expect);
}

/* ------------------------------------------------------------- parsing */

/* Floor "G": 6 x 4 with a wall ring; floor "1" 5 x 3. */
static const char *plan_text(const char *systems) {
  static char buf[2048];
  snprintf(buf, sizeof buf,
           "{\"evacsim_plan\": 1, \"floors\": [\n"
           " {\"name\": \"G\", \"elevation_m\": 0, \"height_m\": 3.2,\n"
           "  \"rows\": [\"##E###\", \"#....#\", \"#....#\", \"######\"]},\n"
           " {\"name\": \"1\", \"elevation_m\": 4,\n"
           "  \"rows\": [\"#####\", \"#...#\", \"#####\"]}]%s%s}\n",
           systems ? ", \"systems\": " : "", systems ? systems : "");
  return buf;
}

/* Loads a scenario whose extra keys are text (after "plan"). */
static int load(const char *tag, const char *systems, const char *text,
                struct evac_diag *d, struct evac_model **m) {
  char scen[4096];
  snprintf(scen, sizeof scen,
           "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\"%s%s}",
           text ? ", " : "", text ? text : "");
  *m = NULL;
  return evac_test_load(tag, "p.plan.json", plan_text(systems), scen, d, m);
}

Test(fire_parse, good_fire_and_defaults) {
  struct evac_diag d;
  struct evac_model *m;
  int rc = load("fire_good", NULL,
                "\"fire\": {\"floor\": \"1\", \"at\": [2, 1], \"growth\": "
                "\"fast\", \"peak_kw\": 2000, \"fuel\": \"polyurethane\"}",
                &d, &m);
  evac_diag_print(&d, stderr);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_eq(d.n, 0);
  cr_assert_eq(m->has_fire, 1);
  cr_assert_eq(m->fire.floor, 1);
  cr_assert_eq(m->fire.x, 2);
  cr_assert_eq(m->fire.y, 1);
  cr_assert_eq(m->fire.growth, EVAC_GROWTH_ALPHA);
  cr_assert_float_eq(m->fire.alpha_kw_s2, 0.0469, 1e-15);
  cr_assert_float_eq(m->fire.peak_kw, 2000.0, 1e-12);
  cr_assert_eq(m->fire.fuel, evac_fuel_find("polyurethane"));
  cr_assert_float_eq(m->fire.weight, 1.0, 1e-12);
  cr_assert_eq(m->nfires, 0);
  /* systems absent: defaults, arrays there and all zero */
  const struct evac_systems *s = &m->systems;
  cr_assert_eq(s->sprinklers, 0);
  cr_assert_eq(s->detectors, 0);
  cr_assert(s->sprinkler_floor && s->detector_floor && s->exhaust_floor);
  for (int f = 0; f < 2; f++)
    cr_assert(!s->sprinkler_floor[f] && !s->detector_floor[f] &&
              !s->exhaust_floor[f]);
  cr_assert(isinf(s->micro_station_s));
  cr_assert_float_eq(s->brigade_arrival_s, 600.0, 1e-12);
  cr_assert_eq(s->water, 1);
  cr_assert_float_eq(s->ambient_c, 20.0, 1e-12);
  cr_assert_float_eq(s->outside_c, 5.0, 1e-12);
  cr_assert_float_eq(s->spr_rti, 50.0, 1e-12);
  cr_assert_float_eq(s->spr_density_mm_s, 0.07, 1e-12);
  cr_assert_float_eq(s->det_activation_dt_c, 5.0, 1e-12);
  evac_model_free(m);
  evac_diag_free(&d);

  rc = load("fire_default", NULL,
            "\"fire\": {\"floor\": \"G\", \"at\": [1, 1]}", &d, &m);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_float_eq(m->fire.alpha_kw_s2, EVAC_ALPHA_MEDIUM, 1e-15);
  cr_assert_float_eq(m->fire.peak_kw, 3000.0, 1e-12);
  cr_assert_eq(m->fire.fuel, evac_fuel_find("ward_furnishings"));
  evac_model_free(m);
  evac_diag_free(&d);

  rc = load("fire_li", NULL,
            "\"fire\": {\"floor\": \"G\", \"at\": [2, 0], \"fuel\": "
            "\"lithium_battery\"}",
            &d, &m);
  cr_assert_eq(rc, EVAC_OK); /* on the exit cell: walkable */
  cr_assert_float_eq(m->fire.alpha_kw_s2, EVAC_ALPHA_ULTRAFAST, 1e-15);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(fire_parse, good_fires) {
  struct evac_diag d;
  struct evac_model *m;
  int rc =
      load("fires_good", NULL,
           "\"fires\": [{\"floor\": \"G\", \"at\": [1, 1], \"weight\": 0.6, "
           "\"growth\": {\"curve\": [[0, 0], [60, 500], [120, 250]]}},\n"
           " {\"floor\": \"1\", \"at\": [3, 1], \"growth\": {\"alpha_kw_s2\": "
           "0.02}, "
           "\"fuel\": \"pvc\"},\n"
           " {\"floor\": \"1\", \"at\": [1, 1], \"growth\": \"steady\", "
           "\"peak_kw\": 750}]",
           &d, &m);
  evac_diag_print(&d, stderr);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_eq(d.n, 0);
  cr_assert_eq(m->has_fire, 0);
  cr_assert_eq(m->nfires, 3);
  const struct evac_fire_spec *f = m->fires;
  cr_assert_eq(f[0].growth, EVAC_GROWTH_CURVE);
  cr_assert_eq(f[0].ncurve, 3);
  cr_assert_float_eq(f[0].curve_t_s[1], 60.0, 1e-12);
  cr_assert_float_eq(f[0].curve_kw[2], 250.0, 1e-12);
  cr_assert_float_eq(f[0].peak_kw, 500.0, 1e-12); /* the curve's maximum */
  cr_assert_float_eq(f[0].weight, 0.6, 1e-12);
  cr_assert_float_eq(evac_fire_free_hrr(&f[0], 90.0), 375.0, 1e-9);
  cr_assert_eq(f[1].growth, EVAC_GROWTH_ALPHA);
  cr_assert_float_eq(f[1].alpha_kw_s2, 0.02, 1e-15);
  cr_assert_eq(f[1].fuel, evac_fuel_find("pvc"));
  cr_assert_float_eq(f[1].weight, 1.0, 1e-12);
  cr_assert_eq(f[2].growth, EVAC_GROWTH_STEADY);
  cr_assert_float_eq(evac_fire_free_hrr(&f[2], 0.0), 750.0, 1e-12);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(fire_parse, good_systems) {
  struct evac_diag d;
  struct evac_model *m;
  int rc = load(
      "sys_good",
      "{\"ambient_c\": 22, \"outside_c\": -10,\n"
      " \"sprinklers\": {\"floors\": [\"1\"], \"rti\": 100, \"activation_c\": "
      "74, \"r_m\": 2.5, \"spray_density_mm_s\": 0.1},\n"
      " \"detectors\": {\"floors\": \"all\", \"kind\": \"heat\"},\n"
      " \"smoke_exhaust\": {\"floors\": [\"G\"], \"m3_s\": 4.5},\n"
      " \"stair_pressurisation\": {\"pa\": 45}, \"brigade\": {\"arrival_s\": "
      "900},\n"
      " \"micro_station\": {\"response_s\": 180}, \"hydrants\": {\"water\": "
      "false}}",
      NULL, &d, &m);
  evac_diag_print(&d, stderr);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_eq(d.n, 0);
  const struct evac_systems *s = &m->systems;
  cr_assert_float_eq(s->ambient_c, 22.0, 1e-12);
  cr_assert_float_eq(s->outside_c, -10.0, 1e-12);
  cr_assert_eq(s->sprinklers, 1);
  cr_assert_eq(s->sprinkler_floor[0], 0);
  cr_assert_eq(s->sprinkler_floor[1], 1);
  cr_assert_float_eq(s->spr_rti, 100.0, 1e-12);
  cr_assert_float_eq(s->spr_activation_c, 74.0, 1e-12);
  cr_assert_float_eq(s->spr_r_m, 2.5, 1e-12);
  cr_assert_float_eq(s->spr_density_mm_s, 0.1, 1e-12);
  cr_assert_eq(s->detectors, 1);
  cr_assert(s->detector_floor[0] && s->detector_floor[1]);
  cr_assert_float_eq(s->det_rti, 100.0, 1e-12);
  cr_assert_float_eq(s->det_activation_dt_c, 35.0, 1e-12); /* 57 - 22 */
  cr_assert_float_eq(s->det_r_m, 2.1, 1e-12);
  cr_assert_eq(s->exhaust_floor[0], 1);
  cr_assert_eq(s->exhaust_floor[1], 0);
  cr_assert_float_eq(s->exhaust_m3_s, 4.5, 1e-12);
  cr_assert_float_eq(s->stair_pressure_pa, 45.0, 1e-12);
  cr_assert_float_eq(s->brigade_arrival_s, 900.0, 1e-12);
  cr_assert_float_eq(s->micro_station_s, 180.0, 1e-12);
  cr_assert_eq(s->water, 0);
  evac_model_free(m);
  evac_diag_free(&d);

  /* smoke detectors by default */
  rc = load("sys_smoke", "{\"detectors\": {}}", NULL, &d, &m);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_float_eq(m->systems.det_rti, 5.0, 1e-12);
  cr_assert_float_eq(m->systems.det_activation_dt_c, 5.0, 1e-12);
  cr_assert(m->systems.detector_floor[0] && m->systems.detector_floor[1]);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(fire_parse, bad_fire_values) {
  struct evac_diag d;
  struct evac_model *m;
  int rc = load(
      "fire_bad", NULL,
      "\"fire\": {\"floor\": \"G\", \"at\": [0, 1], \"fuel\": \"kerosene\", "
      "\"growth\": \"quick\", \"weight\": 2},\n"
      "\"fires\": [{\"floor\": \"G\", \"at\": [1, 1], \"weight\": 0, "
      "\"growth\": {\"curve\": [[0, 0], [60, 10], [60, 20], [50, -1]]}},\n"
      " {\"floor\": \"2\", \"at\": [9, 9], \"peak_kw\": -5},\n"
      " {\"floor\": \"1\", \"at\": [9, 1], \"growth\": {\"alpha_kw_s2\": 0.1, "
      "\"curve\": []}},\n"
      " {\"floor\": \"1\", \"at\": [1], \"growth\": {\"curve\": [[5, 1]]}},\n"
      " {\"floor\": \"1\", \"at\": [1, 1], \"growth\": {\"alpha_kw_s2\": 0}}]",
      &d, &m);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  cr_assert_null(m);
  evac_test_expect_msg(&d,
                       "test.scenario.json: fire.at: [0, 1] is a wall ('#') on "
                       "floor \"G\"; a fire must be on a walkable cell");
  evac_test_expect_msg(&d,
                       "fire.fuel: unknown fuel \"kerosene\"; the fuels are "
                       "cellulosic, polyurethane, ward_furnishings, pvc, "
                       "polystyrene, lithium_battery");
  evac_test_expect_msg(&d,
                       "fire.growth: unknown growth \"quick\"; allowed: slow, "
                       "medium, fast, ultrafast, steady");
  evac_test_expect_msg(&d, "fire.weight: unknown key");
  evac_test_expect_msg(&d, "fires[0].weight: expected a number > 0, got 0");
  evac_test_expect_msg(&d,
                       "fires[0].growth.curve[2]: t_s = 60 is not after the "
                       "previous point's 60; times must increase strictly");
  evac_test_expect_msg(&d, "fires[0].growth.curve[3]: t_s = 50 is not after");
  evac_test_expect_msg(&d,
                       "fires[0].growth.curve[3]: heat release rate -1 kW is "
                       "negative");
  evac_test_expect_msg(
      &d, "fires[1].floor: unknown floor \"2\"; the floors are \"G\", "
          "\"1\"");
  evac_test_expect_msg(&d, "fires[1].peak_kw: expected a number > 0, got -5");
  evac_test_expect_msg(&d,
                       "fires[2].at: [9, 1] is not inside floor \"1\" (5 x 3 "
                       "cells)");
  evac_test_expect_msg(
      &d, "fires[2].growth: give exactly one of \"alpha_kw_s2\" and "
          "\"curve\"");
  evac_test_expect_msg(&d,
                       "fires[3].at: expected 2 integers [x, y], got 1 values");
  evac_test_expect_msg(
      &d, "fires[3].growth.curve[0]: the first point must be at t_s "
          "= 0, got 5");
  evac_test_expect_msg(
      &d, "fires[4].growth.alpha_kw_s2: expected a number > 0, got 0");
  cr_assert_eq(d.errors, 15);
  evac_diag_free(&d);
}

Test(fire_parse, bad_systems_values) {
  struct evac_diag d;
  struct evac_model *m;
  int rc = load(
      "sys_bad",
      "{\"sprinklers\": {\"floors\": [\"G\", \"9\"], \"activation_c\": 15, "
      "\"rti\": 0},\n"
      " \"detectors\": {\"kind\": \"flame\", \"floors\": \"some\"},\n"
      " \"smoke_exhaust\": {\"floors\": \"all\"}, \"stair_pressurisation\": "
      "{\"pa\": -1},\n"
      " \"micro_station\": {}, \"hydrants\": {\"water\": 1}, \"foam\": {}}",
      NULL, &d, &m);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  evac_test_expect_msg(
      &d, "p.plan.json: systems.sprinklers.floors[1]: unknown floor "
          "\"9\"; the floors are \"G\", \"1\"");
  evac_test_expect_msg(&d,
                       "systems.sprinklers.activation_c: 15 C is not above the "
                       "ambient 20 C");
  evac_test_expect_msg(&d,
                       "systems.sprinklers.rti: expected a number > 0, got 0");
  evac_test_expect_msg(
      &d, "systems.detectors.kind: unknown detector kind \"flame\"; "
          "allowed: smoke, heat");
  evac_test_expect_msg(
      &d, "systems.detectors.floors: expected \"all\" or an array of "
          "floor names, got \"some\"");
  evac_test_expect_msg(&d, "systems.smoke_exhaust.m3_s: missing required key");
  evac_test_expect_msg(
      &d, "systems.stair_pressurisation.pa: expected a number >= 0, "
          "got -1");
  evac_test_expect_msg(
      &d, "systems.micro_station.response_s: missing required key");
  evac_test_expect_msg(&d, "systems.hydrants.water: expected");
  evac_test_expect_msg(
      &d, "systems.foam: unknown key; allowed keys: sprinklers, "
          "detectors, smoke_exhaust, stair_pressurisation, brigade, "
          "micro_station, hydrants, ambient_c, outside_c");
  cr_assert_eq(d.errors, 10);
  evac_diag_free(&d);
}
