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
 * within 15 % of each other.
 * - "momentum" transport: passes. Measured 1.30 m/s at both cell sizes.
 * - "layer" transport (the default): KNOWN DEVIATION, asserted so that the
 *   gap stays visible and the suite green; the test fails (and must then
 *   be turned into the criterion above) once it is fixed. Measured 0.14
 *   m/s (0.11 u; arrivals 23 s at 10 m, 162 s at 30 m), and 260 s at 30 m
 *   with 0.2 m cells. Its face flux w (d_donor - d_receiver) Fr sqrt(g' d)
 *   moves mass only where the depth changes from cell to cell: it is a
 *   diffusion of depth with coefficient u dx, so the layer piles up near
 *   the fire instead of running along the ceiling, and halving the cell
 *   halves the spread (docs/models.md § Smoke, "Limits").
 *
 * Settling ("momentum"; "layer" has no momentum to slosh). The fire burns
 * 60 s and stops; the layer then sloshes: an internal seiche of the
 * two-layer system. The fire in the middle excites the symmetric mode, a
 * wave running 50 m to each end and back, period T = L / c with L = 100 m
 * and the model's wave speed c^2 = (rho_a / rho) g' d = g d (T - Ta) / Ta
 * (the layer at 139 C, about 1.4 m deep: c = 2.4 m/s, T = 42 s). The wave
 * steepens into a bore, which runs faster: bores reach the corridor's end
 * every 34-39 s (mean 36.6 s, 0.4 m cells). (With the lower layer's return
 * flow, which the model leaves out, c would be sqrt(1 - d/H) = 0.73 times
 * that.) Friction on the ceiling, the interface and the walls (Darcy
 * f = 0.02) and the dissipation in the bore damp it. Target: the
 * half-range of the interface height at the corridor's end over each
 * 100 s below 0.05 m within a few minutes.
 * KNOWN DEVIATION: measured (0.4 m cells, 1 s steps as in a run) 0.85 m in
 * the first 100 s (the layer also shrinks as it cools: it loses heat to the
 * ceiling and walls), 0.35-0.61 m up to 400 s, 0.15 m in the next 100 s,
 * then 0.02-0.055 m, under 0.05 m in every window only from 1300 s on.
 * Causes (docs/models.md § Smoke, "Limits"): the quadratic friction weakens
 * with the amplitude (the amplitude falls as 1 / t, not exponentially), and
 * the velocity's advective form u du/dx conserves Bernoulli's head across
 * the bore instead of dissipating Belanger's head loss. The test asserts
 * the damping seen (the last window under 0.35 of the first) and the
 * deviation (a window from 300 s on still >= 0.05 m), so that a fix makes
 * it fail and the target criterion is restored. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "diag.h"
#include "model.h"
#include "models/smoke/smoke.h"
#include "verification/grid.h"

/* The corridor drawn with cells of cell m, its smoke transport model
 * ("layer" or "momentum"), with the fire cell, and the cells 10 m, 30 m
 * from it and at the corridor's end into c10, c30, cend. */
static struct evac_model *corridor(double cell, const char *model,
                                   const char *what,
                                   struct evac_smoke_source *src, int32_t *c10,
                                   int32_t *c30, int32_t *cend) {
  int n = (int)(100.0 / cell + 0.5), w = (int)(2.0 / cell + 0.5);
  struct grid g = grid_new(n + 2, w + 2);
  grid_fill(&g, 1, 1, n, w, '.');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  char *plan = json_take(plan_new(cell, floors));
  cJSON *scj = scenario_new(600);
  cJSON_AddItemToObject(scj, "smoke", cJSON_CreateObject());
  cJSON_AddStringToObject(cJSON_GetObjectItem(scj, "smoke"), "model", model);
  char *sc = json_take(scj);
  struct evac_diag d;
  struct evac_model *m = NULL;
  char tag[48]; /* one folder a run */
  snprintf(tag, sizeof tag, "corridor-%s-%s-%.0f", model, what, cell * 100.0);
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

/* Arrival times (s, to dt s) of a 0.2 m deep layer at 10 m and 30 m from
 * the fire, with cells of cell m and the transport model, within tmax s
 * (INFINITY if later). */
static void arrivals(double cell, const char *model, double dt, double tmax,
                     double *t10, double *t30) {
  struct evac_smoke_source src;
  int32_t c10, c30, cend;
  struct evac_model *m =
      corridor(cell, model, "front", &src, &c10, &c30, &cend);
  struct evac_smoke *s = evac_smoke_create(m);
  *t10 = *t30 = INFINITY;
  int n = (int)(tmax / dt + 0.5);
  for (int i = 1; i <= n && isinf(*t30); i++) {
    cr_assert_eq(evac_smoke_step(s, dt, &src, 1), 0);
    if (isinf(*t10) && 3.0 - evac_smoke_interface_m(s, c10) > 0.2)
      *t10 = dt * i;
    if (3.0 - evac_smoke_interface_m(s, c30) > 0.2)
      *t30 = dt * i;
  }
  evac_smoke_free(s);
  evac_model_free(m);
}

/* Hinkley's front speed, m/s (above). */
static double hinkley(void) {
  const double b = 9.81 * 0.7 * 1000.0 / 2.0 / (1.2 * 1.012 * 293.15 * 2.0);
  return pow(0.7, 2.0 / 3.0) * cbrt(b);
}

Test(smoke_corridor, momentum_front_speed_matches_hinkley_at_two_cell_sizes) {
  const double u = hinkley();
  double t10, t30, f10, f30;
  arrivals(0.4, "momentum", 0.1, 120.0, &t10, &t30);
  arrivals(0.2, "momentum", 0.1, 120.0, &f10, &f30);
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

Test(smoke_corridor, layer_front_speed_known_deviation_from_hinkley) {
  const double u = hinkley();
  double t10, t30, f10, f30;
  arrivals(0.4, "layer", 1.0, 400.0, &t10, &t30);
  arrivals(0.2, "layer", 1.0, 400.0, &f10, &f30);
  double speed = 20.0 / (t30 - t10);
  cr_log_info("layer: front 10 -> 30 m: %.3f m/s against %.2f m/s (%.2f); "
              "30 m at %.0f s (0.4 m cells), %.0f s (0.2 m cells)",
              speed, u, speed / u, t30, f30);
  cr_assert(isfinite(t30) && isfinite(f30), "the front reaches 30 m");
  /* the known deviation (reference: speed / u in 0.7..1.3) */
  cr_expect_lt(speed / u, 0.3,
               "FIXED? front %.3f m/s is %.2f of %.2f m/s: "
               "restore the reference criterion",
               speed, speed / u, u);
  /* the known grid dependence (reference: within 15 %) */
  cr_expect_gt(f30 / t30, 1.3,
               "FIXED? 30 m at %.0f s (0.2 m) vs %.0f s "
               "(0.4 m): restore the reference criterion",
               f30, t30);
}

/* The half-range of the interface height at the corridor's end over each
 * 100 s after a 60 s fire, into amp[nwin]. */
static void settling(double cell, double *amp, int nwin) {
  struct evac_smoke_source src;
  int32_t c10, c30, cend;
  struct evac_model *m =
      corridor(cell, "momentum", "seiche", &src, &c10, &c30, &cend);
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
  /* the known deviation (target: below 0.05 m from 300 s on) */
  double late = 0;
  for (int w = 3; w < NWIN; w++)
    late = fmax(late, amp[w]);
  cr_expect_geq(late, 0.05,
                "FIXED? at most %.3f m from 300 s on: restore the target "
                "criterion",
                late);
}
