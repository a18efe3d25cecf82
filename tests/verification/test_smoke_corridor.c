/* Corridor smoke front speed (docs/models.md, "Verification: ... corridor
 * front speed"). KNOWN DEVIATION: this file asserts that the model is
 * still far from the reference, so that the gap stays visible and the
 * suite stays green; it fails (and must then be turned into the reference
 * check below) once the lateral spread is fixed. docs/models.md, "Limits".
 *
 * Set-up: a closed corridor 100 m long, 2 m wide, 3 m high; a steady fire
 * of Q = 1 MW in its middle; the front is where the layer is 0.2 m deep;
 * its speed is measured between 10 m and 30 m from the fire.
 *
 * Reference. A gravity current fed with a steady volume flux q per metre
 * of width, of reduced gravity g', moves at the front speed of Benjamin,
 * u = Fr sqrt(g' d), with the depth d that carries the flux, q = u d; so
 * u = Fr^(2/3) (g' q)^(1/3), and g' q = g Q_c / (rho_a c_p T_a W) is the
 * buoyancy flux per metre of width of the heat Q_c going one way (half the
 * convective heat 0.7 Q). With the model's own Fr = 0.7 (docs/models.md,
 * "Lateral spread"), Fr^(2/3) = 0.79: this is Hinkley's corridor formula
 * u = 0.8 (g Q_c / (rho_a c_p T_a W))^(1/3), and Heselden & Hinkley (Fire
 * Research Note 832, 1970) measured "a speed in the order of 1 m/s" in a
 * 600 m tunnel, in agreement with it. Here u = 1.33 m/s. Heat lost to
 * the ceiling lowers it a little (the cube root damps that).
 * Reference criterion (to restore when fixed): the measured speed within
 * +-35 % of u, and the arrival time at 30 m the same within 20 % with
 * cells of 0.2 m and 0.4 m (a grid-converged result).
 *
 * Measured (2026-11-23): 0.14 m/s (0.11 u; arrivals 23 s at 10 m, 162 s at
 * 30 m), and 260 s at 30 m with 0.2 m cells. The face flux
 * w (d_donor - d_receiver) Fr sqrt(g' d) moves mass only where the depth
 * changes from cell to cell: it is a diffusion of depth with coefficient
 * u dx, so the layer piles up near the fire (the corridor fills to the
 * floor) instead of running along the ceiling, and halving the cell
 * halves the spread. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "diag.h"
#include "model.h"
#include "models/smoke/smoke.h"
#include "verification/grid.h"

/* Arrival times (s) of a 0.2 m deep layer at 10 m and 30 m from a 1 MW
 * fire in the middle of the corridor drawn with cells of cell m. */
static void arrivals(double cell, double *t10, double *t30) {
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
  char tag[32]; /* one folder a run */
  snprintf(tag, sizeof tag, "corridor-front-%.0f", cell * 100.0);
  cr_assert_eq(evac_test_load(tag, "test.plan.json", plan, sc, &d, &m), 0);
  evac_diag_free(&d);
  free(plan);
  free(sc);
  struct evac_smoke *s = evac_smoke_create(m);
  int xf = n / 2, y = w / 2 + 1;
  double burn = 1000.0 / 23200.0; /* polyurethane-like yields */
  struct evac_smoke_source src = {(int32_t)evac_model_cell(m, 0, xf, y),
                                  1000.0,
                                  700.0,
                                  burn,
                                  0.198 * burn,
                                  0.031 * burn,
                                  1.5 * burn};
  int32_t c10 = (int32_t)evac_model_cell(m, 0, xf + (int)(10.0 / cell), y);
  int32_t c30 = (int32_t)evac_model_cell(m, 0, xf + (int)(30.0 / cell), y);
  *t10 = *t30 = INFINITY;
  for (int i = 1; i <= 400 && isinf(*t30); i++) {
    evac_smoke_step(s, 1.0, &src, 1);
    if (isinf(*t10) && 3.0 - evac_smoke_interface_m(s, c10) > 0.2)
      *t10 = i;
    if (3.0 - evac_smoke_interface_m(s, c30) > 0.2)
      *t30 = i;
  }
  evac_smoke_free(s);
  evac_model_free(m);
}

Test(smoke_corridor, front_speed_known_deviation_from_hinkley) {
  const double b = 9.81 * 0.7 * 1000.0 / 2.0 / (1.2 * 1.012 * 293.15 * 2.0);
  const double u = pow(0.7, 2.0 / 3.0) * cbrt(b);
  double t10, t30, f10, f30;
  arrivals(0.4, &t10, &t30);
  arrivals(0.2, &f10, &f30);
  double speed = 20.0 / (t30 - t10);
  cr_log_info("front 10 -> 30 m: %.3f m/s against %.2f m/s (%.2f); 30 m at "
              "%.0f s (0.4 m cells), %.0f s (0.2 m cells)",
              speed, u, speed / u, t30, f30);
  cr_assert(isfinite(t30) && isfinite(f30), "the front reaches 30 m");
  cr_expect_float_eq(u, 1.33, 0.01, "reference speed %.3f m/s", u);
  /* the known deviation (reference: speed / u in 0.65..1.35) */
  cr_expect_lt(speed / u, 0.3,
               "FIXED? front %.3f m/s is %.2f of %.2f m/s: "
               "restore the reference criterion",
               speed, speed / u, u);
  /* the known grid dependence (reference: within 20 %) */
  cr_expect_gt(f30 / t30, 1.3,
               "FIXED? 30 m at %.0f s (0.2 m) vs %.0f s "
               "(0.4 m): restore the reference criterion",
               f30, t30);
}
