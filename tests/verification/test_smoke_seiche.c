/* Seiche exploration */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "diag.h"
#include "model.h"
#include "models/smoke/smoke.h"
#include "verification/grid.h"

static void run(double cell, double len) {
  int n = (int)(len / cell + 0.5), w = (int)(2.0 / cell + 0.5);
  struct grid g = grid_new(n + 2, w + 2);
  grid_fill(&g, 1, 1, n, w, '.');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  char *plan = json_take(plan_new(cell, floors));
  char *sc = json_take(scenario_new(600));
  struct evac_diag d;
  struct evac_model *m = NULL;
  char tag[32];
  snprintf(tag, sizeof tag, "seiche-%.0f", cell * 100.0);
  cr_assert_eq(evac_test_load(tag, "test.plan.json", plan, sc, &d, &m), 0);
  evac_diag_free(&d);
  free(plan);
  free(sc);
  struct evac_smoke *s = evac_smoke_create(m);
  double burn = 1000.0 / 23200.0;
  struct evac_smoke_source src = {(int32_t)evac_model_cell(m, 0, n / 2, w / 2 + 1),
                                  1000.0, 700.0, burn, 0.198 * burn,
                                  0.031 * burn, 1.5 * burn};
  int32_t ce = (int32_t)evac_model_cell(m, 0, n - 1, w / 2 + 1);
  int32_t c0 = (int32_t)evac_model_cell(m, 0, 3, w / 2 + 1);
  for (int i = 1; i <= 900; i++) {
    evac_smoke_step(s, 1.0, i <= 60 ? &src : NULL, 1);
    double mean = 0;
    for (int x = 1; x <= n; x++)
      mean += evac_smoke_interface_m(s, (int32_t)evac_model_cell(m, 0, x, w / 2 + 1));
    mean /= n;
    if (i % 10 == 0)
      cr_log_info("cell %.1f t %d end %.3f start %.3f mean %.3f dev %.3f T %.0f", cell, i,
                  evac_smoke_interface_m(s, ce), evac_smoke_interface_m(s, c0), mean,
                  evac_smoke_interface_m(s, ce) - mean, evac_smoke_layer_c(s, ce));
  }
  evac_smoke_free(s);
  evac_model_free(m);
}

Test(seiche, explore) { run(0.4, 100.0); }
