/* Two-layer smoke model: exact conservation, walls, fire doors, shafts,
 * with both transports ("layer", the default, and "momentum"). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "models/smoke/smoke.h"
#include "models/tox/tox.h"
#include "verification/grid.h"

/* Loads a plan (taken over) with an empty scenario. */
static struct evac_model *load(const char *tag, cJSON *plan) {
  char *p = json_take(plan);
  char *s = json_take(scenario_new(600));
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(tag, "test.plan.json", p, s, &d, &m);
  if (rc)
    evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  free(p);
  free(s);
  cr_assert_eq(rc, 0, "%s: plan did not load", tag);
  return m;
}

/* The two smoke transports, and their scenario names for messages. */
static const enum evac_smoke_model models[] = {EVAC_SMOKE_LAYER,
                                               EVAC_SMOKE_MOMENTUM};
static const char *const model_names[] = {"layer", "momentum"};

/* A steady fire of q kW of polyurethane-like yields in cell c. */
static struct evac_smoke_source source(int32_t c, double q) {
  double burn = q / 23200.0;
  struct evac_smoke_source s = {
      c, q, 0.7 * q, burn, 0.198 * burn, 0.031 * burn, 1.5 * burn};
  return s;
}

/* Two floors: a room with the fire, a corridor through a fire door (or
 * doorway), a stair to floor 2, an exit at the corridor's end. */
static cJSON *two_floor_plan(char door, int with_stair) {
  cJSON *floors = cJSON_CreateArray();
  for (int f = 0; f < 2; f++) {
    struct grid g = grid_new(40, 20);
    grid_fill(&g, 1, 1, 15, 10, '.');  /* room */
    grid_fill(&g, 16, 4, 16, 7, door); /* door to the corridor */
    grid_fill(&g, 17, 4, 35, 7, '.');  /* corridor */
    grid_fill(&g, 36, 4, 38, 7, with_stair ? 'A' : '.'); /* stair */
    grid_fill(&g, 20, 8, 20, 8, 'h');  /* cable shaft in the wall */
    grid_fill(&g, 1, 12, 15, 18, '.'); /* a sealed room: walls only */
    if (f == 0) {
      grid_fill(&g, 39, 5, 39, 6, 'E');
      grid_fill(&g, 28, 8, 30, 8, 'E'); /* corridor door to outside */
    }
    cJSON_AddItemToArray(floors, grid_floor(&g, f ? "2" : "1", 3.0 * f));
    free(g.c);
  }
  cJSON *plan = plan_new(0.4, floors);
  cJSON *legend = cJSON_AddObjectToObject(plan, "legend");
  cJSON_AddItemToObject(legend, "h", cJSON_Parse("{\"shaft\": \"Cable\"}"));
  if (with_stair) {
    cJSON_AddItemToObject(legend, "A", cJSON_Parse("{\"stair\": \"Stair A\"}"));
    cJSON *st = cJSON_AddArrayToObject(plan, "stairs");
    cJSON_AddItemToArray(st, cJSON_Parse("{\"name\": \"Stair A\", "
                                         "\"width_m\": 1.2, "
                                         "\"flight_length_m\": 7.2}"));
  }
  cJSON *sh = cJSON_AddArrayToObject(plan, "shafts");
  cJSON_AddItemToArray(sh, cJSON_Parse("{\"name\": \"Cable\", \"kind\": "
                                       "\"cable\", \"area_m2\": 0.5}"));
  return plan;
}

/* Gas, soot and CO produced = present + vented, with the transport k. */
static void conserved(struct evac_model *m, int k) {
  m->smoke_model = models[k];
  struct evac_smoke *s = evac_smoke_create(m);
  cr_assert_not_null(s);
  struct evac_smoke_source src =
      source((int32_t)evac_model_cell(m, 0, 5, 5), 1000.0);
  for (int i = 0; i < 600; i++)
    cr_assert_eq(evac_smoke_step(s, 1.0, &src, 1), 0);
  struct evac_smoke_budget b;
  evac_smoke_budget(s, &b);
  cr_expect_gt(b.vented, 0.01 * b.produced, "some smoke left by the exit");
  cr_expect_gt(b.present, 0.01 * b.produced);
  cr_expect(fabs(b.produced - b.present - b.vented) <= 1e-9 * b.produced,
            "%s: gas: produced %.9g, present %.9g + vented %.9g",
            model_names[k], b.produced, b.present, b.vented);
  cr_expect(fabs(b.soot_produced - b.soot_present - b.soot_vented) <=
                1e-9 * b.soot_produced,
            "soot: %.9g vs %.9g + %.9g", b.soot_produced, b.soot_present,
            b.soot_vented);
  cr_expect(fabs(b.co_produced - b.co_present - b.co_vented) <=
                1e-9 * b.co_produced,
            "CO not conserved");
  /* the sealed room behind walls never gets any */
  int32_t sealed = (int32_t)evac_model_cell(m, 0, 8, 15);
  cr_expect_eq(evac_smoke_interface_m(s, sealed), 3.0);
  cr_expect_eq(evac_smoke_layer_c(s, sealed), 20.0);
  evac_smoke_free(s);
}

Test(smoke, mass_and_species_conserved_exactly) {
  struct evac_model *m = load("smoke-mass", two_floor_plan('D', 1));
  for (int k = 0; k < 2; k++)
    conserved(m, k);
  evac_model_free(m);
}

/* Time (s) until the corridor at (x, 5) of floor 1 is untenable at 1.6 m
 * (visibility below 5 m), or INFINITY within tmax. */
static double corridor_untenable(struct evac_model *m, int hold_open, int x,
                                 double tmax) {
  struct evac_smoke *s = evac_smoke_create(m);
  for (int y = 4; y <= 7; y++)
    evac_smoke_hold_open(s, (int32_t)evac_model_cell(m, 0, 16, y), hold_open);
  struct evac_smoke_source src =
      source((int32_t)evac_model_cell(m, 0, 5, 5), 1000.0);
  int32_t c = (int32_t)evac_model_cell(m, 0, x, 5);
  double t = INFINITY;
  for (int i = 1; i <= (int)tmax && isinf(t); i++) {
    evac_smoke_step(s, 1.0, &src, 1);
    struct evac_gas g;
    evac_smoke_gas(s, c, 1.6, &g);
    if (evac_tox_visibility(evac_tox_extinction(g.soot_kg_m3), 3.0) < 5.0)
      t = i;
  }
  evac_smoke_free(s);
  return t;
}

/* A ward fire with the corridor fire door closed vs wedged open: the
 * corridor stays tenable far longer when it is closed. */
Test(smoke, closed_fire_door_keeps_corridor_tenable) {
  struct evac_model *m = load("smoke-door", two_floor_plan('F', 1));
  for (int k = 0; k < 2; k++) {
    m->smoke_model = models[k];
    double open = corridor_untenable(m, 1, 25, 1200);
    double closed = corridor_untenable(m, 0, 25, 1200);
    cr_log_info("%s: corridor untenable: door wedged open %.0f s, closed "
                "%.0f s",
                model_names[k], open, closed);
    cr_expect_lt(open, 300.0, "%s: with the door open the corridor fills: %g",
                 model_names[k], open);
    cr_expect(closed >= 3.0 * open, "%s: closed %.0f s vs open %.0f s",
              model_names[k], closed, open);
  }
  evac_model_free(m);
}

/* Soot (kg) on floor 2 after tmax s of a fire on floor 1, when the only
 * way up is the cable shaft, sealed or not; *depth receives the deepest
 * layer (m) over floor 2's floor cells at the end. */
static double soot_upstairs(struct evac_model *m, int unsealed, double tmax,
                            double *depth) {
  m->shafts[0].unsealed = unsealed;
  struct evac_smoke *s = evac_smoke_create(m);
  struct evac_smoke_source src =
      source((int32_t)evac_model_cell(m, 0, 5, 5), 1000.0);
  for (int i = 1; i <= (int)tmax; i++)
    evac_smoke_step(s, 1.0, &src, 1);
  double soot = 0.0;
  *depth = 0.0;
  const struct evac_floor *fl = &m->floors[1];
  for (int y = 0; y < fl->ny; y++)
    for (int x = 0; x < fl->nx; x++) {
      struct evac_gas g;
      int32_t c = (int32_t)evac_model_cell(m, 1, x, y);
      evac_smoke_gas(s, c, 3.0, &g); /* the layer, wherever it is */
      double d = 3.0 - evac_smoke_interface_m(s, c);
      soot += g.soot_kg_m3 * d * 0.16;
      if (m->cell_kind[c] == EVAC_CELL_FLOOR)
        *depth = fmax(*depth, d);
    }
  evac_smoke_free(s);
  return soot;
}

/* A cable shaft sealed vs unsealed at its slab penetrations, 1 MW on the
 * floor below for 600 s, with the transport k; wisp is the bound on the
 * sealed floor's deepest layer. Sealed, the floor above stays clear: at
 * most a wisp under its ceiling. Unsealed, the shaft carries at least 50
 * times the soot and a layer below the door heads (> 0.9 m deep) spreads
 * over the floor. */
static void shaft(struct evac_model *m, int k, double wisp) {
  m->smoke_model = models[k];
  double d_sealed, d_open;
  double sealed = soot_upstairs(m, 0, 600, &d_sealed);
  double open = soot_upstairs(m, 1, 600, &d_open);
  cr_log_info("%s: floor 2 after 600 s: sealed %.3g kg soot, layer <= %.2f "
              "m; unsealed %.3g kg, layer <= %.2f m",
              model_names[k], sealed, d_sealed, open, d_open);
  cr_expect_lt(d_sealed, wisp, "%s: sealed: floor 2 must stay clear",
               model_names[k]);
  cr_expect_gt(d_open, 0.9,
               "%s: unsealed: smoke fills floor 2 below door heads",
               model_names[k]);
  cr_expect_geq(open, 50.0 * sealed, "%s: sealed %g vs unsealed %g kg",
                model_names[k], sealed, open);
}

/* "layer": the wisp < 0.2 m (measured 0.07 m, 0.0068 kg of soot);
 * unsealed 0.44 kg (65 times), a layer 1.15 m deep. "momentum": the wisp
 * < 0.3 m (measured 0.21 m, 0.0038 kg): it is deepest in the cell beside
 * the shaft wall, where the leak feeds it, as a layer spreading from a
 * point source as a gravity current is deepest at the source ("layer"
 * spreads it as a diffusion of depth, which flattens it); unsealed 0.32 kg
 * (85 times), and the layer reaches floor 2's floor (3 m: it has no
 * exit). */
Test(smoke, sealed_shaft_keeps_upper_floor_clear) {
  struct evac_model *m = load("smoke-shaft", two_floor_plan('D', 0));
  shaft(m, 0, 0.2);
  shaft(m, 1, 0.3);
  evac_model_free(m);
}

/* Stair pressurisation (GB 51251: 40-50 Pa stair to corridor): smoke
 * fills the corridor but never the landings of a pressurised stair. */
Test(smoke, pressurised_stair_takes_no_smoke) {
  struct evac_model *m = load("smoke-press", two_floor_plan('D', 1));
  for (int k = 0; k < 2; k++) {
    m->smoke_model = models[k];
    double landing[2];
    for (int on = 0; on < 2; on++) {
      m->systems.stair_pressure_pa = on ? 45.0 : 0.0;
      struct evac_smoke *s = evac_smoke_create(m);
      struct evac_smoke_source src =
          source((int32_t)evac_model_cell(m, 0, 5, 5), 1000.0);
      for (int i = 0; i < 300; i++)
        evac_smoke_step(s, 1.0, &src, 1);
      landing[on] = 3.0 - evac_smoke_interface_m(
                              s, (int32_t)evac_model_cell(m, 1, 37, 5));
      evac_smoke_free(s);
    }
    cr_log_info("%s: floor 2 landing layer after 300 s: %.2f m without, %.2f "
                "m with pressurisation",
                model_names[k], landing[0], landing[1]);
    cr_expect_gt(landing[0], 0.5, "%s: unpressurised, smoke rises up the stair",
                 model_names[k]);
    cr_expect_eq(landing[1], 0.0, "%s: pressurised, the stair stays clear",
                 model_names[k]);
  }
  evac_model_free(m);
}

/* The layers of a 48 x 48 m hall (14 400 cells of 0.4 m, more than the
 * 8192 swept cells from which the sweep is threaded) after tmax s of a
 * 3 MW fire in a corner, with threads threads: fields into out. */
static void hall_fields(struct evac_model *m, int tmax, int threads,
                        float *out) {
  struct evac_smoke *s = evac_smoke_create(m);
  struct evac_smoke_source src =
      source((int32_t)evac_model_cell(m, 0, 10, 10), 3000.0);
  for (int i = 0; i < tmax; i++)
    cr_assert_eq(evac_smoke_step(s, 1.0, &src, threads), 0);
  evac_smoke_floor_fields(s, 0, 1.6, out);
  evac_smoke_free(s);
}

/* Face fluxes (and "momentum" velocities) are computed into face arrays
 * first, then applied cell by cell: the result is bit-identical for any
 * thread count, with either transport. */
Test(smoke, thread_count_does_not_change_a_bit) {
  struct grid g = grid_new(122, 122);
  grid_fill(&g, 1, 1, 120, 120, '.');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  struct evac_model *m = load("smoke-threads", plan_new(0.4, floors));
  size_t n = (size_t)122 * 122 * EVAC_NFQ;
  float *one = malloc(n * sizeof *one), *four = malloc(n * sizeof *four);
  cr_assert(one && four);
  /* long enough for more than 8192 cells to hold a layer: "layer" spreads
     slower */
  const int tmax[] = {600, 120};
  for (int k = 0; k < 2; k++) {
    m->smoke_model = models[k];
    hall_fields(m, tmax[k], 1, one);
    hall_fields(m, tmax[k], 4, four);
    cr_expect_eq(memcmp(one, four, n * sizeof *one), 0,
                 "%s: 1 and 4 threads differ", model_names[k]);
    size_t layered = 0;
    for (size_t c = 0; c < (size_t)122 * 122; c++)
      layered += one[EVAC_FQ_LAYER_HEIGHT * 122 * 122 + c] < 3.0f;
    cr_log_info("%s: %zu cells with a layer after %d s", model_names[k],
                layered, tmax[k]);
    cr_expect_gt(layered, 8192, "%s: the sweep is threaded", model_names[k]);
  }
  free(one);
  free(four);
  evac_model_free(m);
}

/* "momentum": a closed room's deep layer, at near rest after its fire has
 * gone out, steps past the explicit gravity-wave bound. An explicit scheme
 * at a Courant number of 1 (the model's were 0.5) needs at least sqrt(g' d)
 * / dx updates a cell per second; the implicit pressure step takes fewer,
 * and conserves the mass exactly. */
Test(smoke, momentum_layer_at_rest_steps_past_the_wave_bound) {
  const int n = 20;
  const double dx = 0.5;
  struct grid g = grid_new(n + 2, n + 2);
  grid_fill(&g, 1, 1, n, n, '.');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  struct evac_model *m = load("smoke-rest", plan_new(dx, floors));
  m->smoke_model = EVAC_SMOKE_MOMENTUM;
  struct evac_smoke *s = evac_smoke_create(m);
  cr_assert_not_null(s);
  struct evac_smoke_source src =
      source((int32_t)evac_model_cell(m, 0, n / 2, n / 2), 500.0);
  for (int t = 0; t < 600; t++)
    cr_assert_eq(evac_smoke_step(s, 1.0, t < 120 ? &src : NULL, 1), 0);
  double ta = m->systems.ambient_c + 273.15, waves = 0.0;
  for (int y = 1; y <= n; y++)
    for (int x = 1; x <= n; x++) {
      int32_t c = (int32_t)evac_model_cell(m, 0, x, y);
      double t = evac_smoke_layer_c(s, c) + 273.15;
      double d = m->floors[0].height_m - evac_smoke_interface_m(s, c);
      waves += sqrt(9.81 * (t - ta) / t * d) / dx; /* updates a second */
    }
  uint64_t before = evac_smoke_cell_updates(s);
  for (int t = 0; t < 100; t++)
    cr_assert_eq(evac_smoke_step(s, 1.0, NULL, 1), 0);
  double rate = (double)(evac_smoke_cell_updates(s) - before) / 100.0;
  cr_log_info("layer at rest: %.0f cell updates a second; an explicit step at "
              "Courant number 1 needs %.0f (%.2f)",
              rate, waves, rate / waves);
  cr_expect_gt(waves, 0.0, "the room holds a layer");
  cr_expect_lt(rate, waves, "%.0f updates a second vs %.0f", rate, waves);
  struct evac_smoke_budget b;
  evac_smoke_budget(s, &b);
  cr_expect(fabs(b.produced - b.present - b.vented) <= 1e-9 * b.produced,
            "gas: produced %.9g, present %.9g + vented %.9g", b.produced,
            b.present, b.vented);
  evac_smoke_free(s);
  evac_model_free(m);
}
