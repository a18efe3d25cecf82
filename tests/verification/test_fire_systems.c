/* Verification of the fire systems against analytic checks
 * (references/fire-physics.md, "Analytic checks"; the same set-up as the
 * NUREG-1805 sprinkler activation case of FDS's FDTs verification):
 * Alpert ceiling jet (convective HRR, radiative fraction 0.3, for the
 * temperature; total HRR for the velocity) and the RTI link equation, a t^2
 * fire under a 3 m ceiling, a link 2 m from the axis, 68 C, ambient 20 C.
 *
 * Tolerance: the reference times are given to the second (+-0.5 s); our
 * time step adds at most one step of 0.1 s, and the activation time is
 * interpolated inside the step. We accept +-1 s at dt = 0.1 s, and +-3 s at
 * dt = 1 s (the semi-implicit link update lags by O(dt)). */
#include <criterion/criterion.h>
#include <math.h>

#include "models/fire/fire.h"

/* One sprinklered floor, nothing else. */
static struct evac_systems sprinklered(uint8_t *on, double rti) {
  return (struct evac_systems){.sprinklers = 1,
                               .sprinkler_floor = on,
                               .spr_rti = rti,
                               .spr_activation_c = 68.0,
                               .spr_r_m = 2.0,
                               .spr_density_mm_s = 0.07,
                               .det_rti = 5.0,
                               .det_activation_dt_c = 5.0,
                               .det_r_m = 2.0,
                               .brigade_arrival_s = INFINITY,
                               .micro_station_s = INFINITY,
                               .water = 1,
                               .ambient_c = 20.0,
                               .outside_c = 5.0};
}

/* Activation time of a t^2 fire of alpha under the reference set-up. */
static double activation(double alpha, double rti, double dt) {
  uint8_t on[1] = {1};
  struct evac_systems sys = sprinklered(on, rti);
  struct evac_fire_spec spec = {.growth = EVAC_GROWTH_ALPHA,
                                .alpha_kw_s2 = alpha,
                                .peak_kw = 1e9,
                                .fuel = evac_fuel_find("cellulosic"),
                                .weight = 1.0};
  struct evac_fire f;
  evac_fire_init(&f, &spec, &sys, 3.0, INFINITY);
  while (isnan(f.t_sprinkler) && f.t < 1000.0)
    evac_fire_advance(&f, dt, 20.0);
  return f.t_sprinkler;
}

Test(fire_systems, sprinkler_activation_rti_100) {
  double fast = activation(EVAC_ALPHA_FAST, 100.0, 0.1);
  double medium = activation(EVAC_ALPHA_MEDIUM, 100.0, 0.1);
  double ultra = activation(EVAC_ALPHA_ULTRAFAST, 100.0, 0.1);
  cr_log_info("RTI 100: fast %.2f s, medium %.2f s, ultrafast %.2f s", fast,
              medium, ultra);
  cr_assert_float_eq(fast, 154.0, 1.0, "fast: %g s", fast);
  cr_assert_float_eq(medium, 257.0, 1.0, "medium: %g s", medium);
  cr_assert_float_eq(ultra, 94.0, 1.0, "ultrafast: %g s", ultra);
}

Test(fire_systems, sprinkler_activation_rti_50_fast) {
  double t = activation(EVAC_ALPHA_FAST, 50.0, 0.1);
  cr_log_info("RTI 50 fast: %.2f s", t);
  cr_assert_float_eq(t, 129.0, 1.0, "%g s", t);
}

Test(fire_systems, coarse_step_stays_close) {
  double fast = activation(EVAC_ALPHA_FAST, 100.0, 1.0);
  double ultra = activation(EVAC_ALPHA_ULTRAFAST, 100.0, 1.0);
  cr_assert_float_eq(fast, 154.0, 3.0, "fast: %g s", fast);
  cr_assert_float_eq(ultra, 94.0, 3.0, "ultrafast: %g s", ultra);
}

Test(fire_systems, hrr_follows_evans_decay_after_activation) {
  uint8_t on[1] = {1};
  struct evac_systems sys = sprinklered(on, 100.0);
  struct evac_fire_spec spec = {.growth = EVAC_GROWTH_ALPHA,
                                .alpha_kw_s2 = EVAC_ALPHA_FAST,
                                .peak_kw = 1e9,
                                .fuel = evac_fuel_find("cellulosic"),
                                .weight = 1.0};
  struct evac_fire f;
  evac_fire_init(&f, &spec, &sys, 3.0, INFINITY);
  while (isnan(f.t_sprinkler))
    evac_fire_advance(&f, 0.1, 20.0);
  double ta = f.t_sprinkler, qa = f.q_sprinkler;
  /* the HRR at activation is the free t^2 value then */
  cr_assert_float_eq(qa, EVAC_ALPHA_FAST * ta * ta, 1e-6);
  cr_assert_float_eq(f.q_at_control, qa, 1e-12);
  double tau = evac_evans_tau_s(0.07); /* 410.86 s */
  for (int k = 1; k <= 3; k++) {
    double until = ta + 200.0 * k;
    while (f.t < until - 1e-9)
      evac_fire_advance(&f, fmin(0.1, until - f.t), 20.0);
    double expect = qa * exp(-(f.t - ta) / tau);
    cr_assert_float_eq(f.hrr_kw, expect, 1e-6 * qa, "at %g s: %g vs %g", f.t,
                       f.hrr_kw, expect);
  }
  /* after 600 s the fire is at exp(-600 / 410.86) = 23.2 % of qa */
  cr_assert_float_eq(f.hrr_kw / qa, 0.2322, 1e-3);
}
