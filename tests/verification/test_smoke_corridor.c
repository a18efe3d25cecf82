/* Corridor smoke: front speed of the gravity current, and the settling of
 * the layer of a closed corridor after the fire stops (docs/models.md
 * § Smoke, "Verification").
 *
 * Set-up: a closed corridor 100 m long, 2 m wide, 3 m high; a steady fire
 * of Q = 1 MW in its middle.
 *
 * Front speed. The front is where the layer is 0.2 m deep; its speed is
 * measured between 10 m and 30 m from the fire. Reference: a gravity
 * current fed with a steady volume flux q per metre of width, of reduced
 * gravity g', moves at Benjamin's front speed u = Fr sqrt(g' d), with the
 * depth d that carries the flux, q = u d; so u = Fr^(2/3) (g' q)^(1/3),
 * and g' q = g Q_c / (rho_a c_p T_a W) is the buoyancy flux per metre of
 * width of the heat Q_c going one way (half the convective heat 0.7 Q).
 * With the model's Fr = 0.7, Fr^(2/3) = 0.79: this is Hinkley's corridor
 * formula u = 0.8 (g Q_c / (rho_a c_p T_a W))^(1/3); Heselden & Hinkley
 * (Fire Research Note 832, 1970) measured "a speed in the order of 1 m/s"
 * in a 600 m tunnel, in agreement with it. Here u = 1.33 m/s. Criterion:
 * the speed within +-30 % of u with cells of 0.4 m and of 0.2 m, the two
 * within 15 % of each other. Measured: 1.25 m/s (0.4 m) and 1.27 m/s
 * (0.2 m).
 *
 * Settling. The fire burns 60 s and stops; the layer then sloshes from end
 * to end (an internal seiche of the two-layer system: waves of speed
 * sqrt(g' d), about 2 m/s, over the 50 m from the fire to each end, a
 * period of about 50 s, steepened into a bore). Friction on the ceiling,
 * the interface and the walls (Darcy f = 0.02) and the dissipation in the
 * bore damp it. Target: the half-range of the interface height at the
 * corridor's end over each 100 s below 0.05 m within a few minutes.
 * KNOWN DEVIATION: measured (0.4 m cells) 0.30 m in the first 100 s, 0.10
 * m after 400 s, still 0.07 m at 1800 s: the quadratic friction weakens
 * with the amplitude, and the mixing at the bore and the layer's cooling
 * by natural convection, which would settle it, are not modelled
 * (docs/models.md § Smoke, "Limits"). The test asserts the damping seen
 * (the last window under 0.35 of the first) and the deviation (the last
 * window still >= 0.05 m), so that a fix makes it fail and the target
 * criterion is restored. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "diag.h"
#include "model.h"
#include "models/smoke/smoke.h"
#include "verification/grid.h"

/* The corridor drawn with cells of cell m, with the fire cell, and the
 * cells 10 m, 30 m from it and at the corridor's end into c10, c30, cend. */
static struct evac_model *corridor(double cell, const char *what,
                                   struct evac_smoke_source *src, int32_t *c10,
                                   int32_t *c30, int32_t *cend) {
  int n = (int)(100.0 / cell + 0.5), w = (int)(2.0 / cell + 0.5);
  struct grid g = grid_new(n + 2, w + 2);
  grid_fill(&g, 1, 1, n, w, '.');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  char *plan = json_take(plan_new(cell, floors));
  char *sc = json_take(scenario_new(600));
  struct evac_diag d;
  struct evac_model *m = NULL;
  char tag[48]; /* one folder a run */
  snprintf(tag, sizeof tag, "corridor-%s-%.0f", what, cell * 100.0);
  cr_assert_eq(evac_test_load(tag, "test.plan.json", plan, sc, &d, &m), 0);
  evac_diag_free(&d);
  free(plan);
  free(sc);
  int xf = n / 2, y = w / 2 + 1;
  double burn = 1000.0 / 23200.0; /* polyurethane-like yields */
  struct evac_smoke_source s = {(int32_t)evac_model_cell(m, 0, xf, y),
                                1000.0,
                                700.0,
                                burn,
                                0.198 * burn,
                                0.031 * burn,
                                1.5 * burn};
  *src = s;
  *c10 = (int32_t)evac_model_cell(m, 0, xf + (int)(10.0 / cell), y);
  *c30 = (int32_t)evac_model_cell(m, 0, xf + (int)(30.0 / cell), y);
  *cend = (int32_t)evac_model_cell(m, 0, n, y);
  return m;
}

/* Arrival times (s, to 0.1 s) of a 0.2 m deep layer at 10 m and 30 m from
 * the fire, with cells of cell m. */
static void arrivals(double cell, double *t10, double *t30) {
  struct evac_smoke_source src;
  int32_t c10, c30, cend;
  struct evac_model *m = corridor(cell, "front", &src, &c10, &c30, &cend);
  struct evac_smoke *s = evac_smoke_create(m);
  *t10 = *t30 = INFINITY;
  for (int i = 1; i <= 1200 && isinf(*t30); i++) {
    cr_assert_eq(evac_smoke_step(s, 0.1, &src, 1), 0);
    if (isinf(*t10) && 3.0 - evac_smoke_interface_m(s, c10) > 0.2)
      *t10 = 0.1 * i;
    if (3.0 - evac_smoke_interface_m(s, c30) > 0.2)
      *t30 = 0.1 * i;
  }
  evac_smoke_free(s);
  evac_model_free(m);
}

Test(smoke_corridor, front_speed_matches_hinkley_at_two_cell_sizes) {
  const double b = 9.81 * 0.7 * 1000.0 / 2.0 / (1.2 * 1.012 * 293.15 * 2.0);
  const double u = pow(0.7, 2.0 / 3.0) * cbrt(b);
  double t10, t30, f10, f30;
  arrivals(0.4, &t10, &t30);
  arrivals(0.2, &f10, &f30);
  cr_assert(isfinite(t30) && isfinite(f30), "the front reaches 30 m");
  double coarse = 20.0 / (t30 - t10), fine = 20.0 / (f30 - f10);
  cr_log_info("front 10 -> 30 m: %.3f m/s (0.4 m cells, 10 m at %.1f s, 30 m "
              "at %.1f s), %.3f m/s (0.2 m cells, %.1f s, %.1f s), against "
              "%.2f m/s",
              coarse, t10, t30, fine, f10, f30, u);
  cr_expect_float_eq(u, 1.33, 0.01, "reference speed %.3f m/s", u);
  cr_expect(fabs(coarse / u - 1.0) <= 0.30, "0.4 m cells: %.3f m/s vs %.2f",
            coarse, u);
  cr_expect(fabs(fine / u - 1.0) <= 0.30, "0.2 m cells: %.3f m/s vs %.2f", fine,
            u);
  cr_expect(fabs(fine / coarse - 1.0) <= 0.15,
            "grid: %.3f m/s (0.2 m) vs %.3f m/s (0.4 m)", fine, coarse);
}

/* The half-range of the interface height at the corridor's end over each
 * 100 s after a 60 s fire, into amp[nwin]. */
static void settling(double cell, double *amp, int nwin) {
  struct evac_smoke_source src;
  int32_t c10, c30, cend;
  struct evac_model *m = corridor(cell, "seiche", &src, &c10, &c30, &cend);
  struct evac_smoke *s = evac_smoke_create(m);
  for (int i = 1; i <= 60; i++)
    cr_assert_eq(evac_smoke_step(s, 1.0, &src, 1), 0);
  for (int k = 0; k < nwin; k++) {
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < 100; i++) {
      cr_assert_eq(evac_smoke_step(s, 1.0, NULL, 1), 0);
      double z = evac_smoke_interface_m(s, cend);
      lo = fmin(lo, z);
      hi = fmax(hi, z);
    }
    amp[k] = 0.5 * (hi - lo);
  }
  evac_smoke_free(s);
  evac_model_free(m);
}

Test(smoke_corridor, closed_corridor_layer_settles_known_deviation) {
  enum { NWIN = 18 }; /* 1800 s */
  double amp[NWIN];
  settling(0.4, amp, NWIN);
  char line[256];
  int len = 0;
  for (int w = 0; w < NWIN; w++)
    len += snprintf(line + len, sizeof line - (size_t)len, " %.3f", amp[w]);
  cr_log_info("seiche half-range at the end, per 100 s after the fire:%s",
              line);
  cr_expect_gt(amp[0], 0.1, "the layer sloshes at first: %.3f m", amp[0]);
  cr_expect_lt(amp[NWIN - 1], 0.35 * amp[0], "damped: %.3f m after %.3f m",
               amp[NWIN - 1], amp[0]);
  /* the known deviation (target: below 0.05 m within a few minutes) */
  cr_expect_geq(amp[NWIN - 1], 0.05,
                "FIXED? %.3f m at 1700..1800 s: restore the target "
                "criterion",
                amp[NWIN - 1]);
}
