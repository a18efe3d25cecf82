/* Smoke against CFAST and against Delichatsios' corridor ceiling jet, each
 * at two cell sizes (docs/models.md § Smoke, "Verification").
 *
 * Reference: NIST CFAST (two-zone model), run on the same geometry, fire
 * and leakage; its inputs, its outputs as CSV and its version are in
 * tests/data/cfast (README there). Every figure below is measured the same
 * way from both codes, every 5 s: for a room, evacsim's mean interface
 * height over the room's cells and its layer's depth-weighted temperature
 * and extinction coefficient against CFAST's layer height, upper layer
 * temperature and optical density (K = 2.303 OD).
 *
 * Fire (both codes): t-squared "fast" growth (0.0469 kW/s2) to 1 MW at
 * 146 s, then steady; polyurethane-like yields (23.2 MJ/kg, soot 0.198,
 * CO 0.031), radiative fraction 0.3.
 *
 * Cases:
 * - Ward: a 6 x 4 x 3 m ward with the fire in its middle, a fire door 1.2 m
 *   wide (soffit 2.1 m) into a corridor 20 x 2 x 3 m whose far end is a
 *   doorway 2 m wide to the outside. The door wedged open, or closed (it
 *   leaks 1 % of its area; CFAST: the same effective area, 0.0178 m2).
 *   CFAST also has a 0.05 m slot at the foot of the ward's wall, so that
 *   the air the layer displaces can leave as in evacsim (its width, 2 to
 *   20 m, moves CFAST's corridor layer by at most 0.11 m).
 * - Shaft: ten storeys, each a 6 x 4 x 3 m room beside a 0.8 x 0.8 m cable
 *   shaft; the fire in the room on the first floor. Sealed: the shaft wall
 *   leaks 0.1 % of its area and each slab 0.1 % of the shaft's section;
 *   unsealed: 5 % and the whole section (evacsim's leakage shares).
 * - Corridor ceiling jet: the closed corridor 100 x 2 x 3 m of
 *   test_smoke_corridor, 1 MW steady in its middle.
 *
 * Tenability onset: the layer below 1.8 m with a visibility below 5 m
 * (K >= 0.6 1/m); smoke arrival on a floor: a layer 0.2 m deep with a
 * visibility below 10 m (K >= 0.3 1/m). Both codes' numbers are logged
 * (--verbose). Measured values are quoted at each test. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "models/smoke/smoke.h"
#include "verification/grid.h"

#define DT 5.0     /* sampling interval of both codes, s */
#define NT 181     /* samples 0 .. 900 s */
#define ROOF 3.0   /* ceiling height of every room, m */
#define KMASS 8700 /* mass extinction coefficient, m2/kg (both codes) */

/* One room's layer over time, sampled every DT s. */
struct series {
  int n;         /* samples */
  double z[NT];  /* interface height, m */
  double tc[NT]; /* upper layer temperature, C */
  double k[NT];  /* upper layer extinction coefficient, 1/m */
};

/* The first time (s) the interface is below zlim with an extinction
 * coefficient of at least kmin, or INFINITY. */
static double first_below(const struct series *s, double zlim, double kmin) {
  for (int i = 0; i < s->n; i++)
    if (s->z[i] < zlim && s->k[i] >= kmin)
      return i * DT;
  return INFINITY;
}

/* Mean of v over the samples from t0 to t1 s. */
static double mean_over(const struct series *s, const double *v, double t0,
                        double t1) {
  double sum = 0.0;
  int n = 0;
  for (int i = (int)(t0 / DT); i <= (int)(t1 / DT) && i < s->n; i++, n++)
    sum += v[i];
  cr_assert_gt(n, 0);
  (void)s;
  return sum / n;
}

/* Reads room's columns ("ward", "room_3", ...) of the CFAST table
 * tests/data/cfast/NAME.csv into s. */
static void cfast_read(const char *name, const char *room, struct series *s) {
  char path[512], line[4096];
  snprintf(path, sizeof path, "%s/tests/data/cfast/%s.csv", EVAC_SOURCE_DIR,
           name);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s", path);
  cr_assert_not_null(fgets(line, sizeof line, f), "%s: empty", path);
  int col[3] = {-1, -1, -1}, i = 0;
  const char *want[3] = {"layer_height_m", "upper_temp_c", "upper_od_per_m"};
  for (char *tok = strtok(line, ",\n"); tok; tok = strtok(NULL, ",\n"), i++)
    for (int q = 0; q < 3; q++) {
      char full[96];
      snprintf(full, sizeof full, "%s_%s", room, want[q]);
      if (!strcmp(tok, full))
        col[q] = i;
    }
  cr_assert(col[0] >= 0 && col[1] >= 0 && col[2] >= 0, "%s: no %s columns",
            path, room);
  s->n = 0;
  while (s->n < NT && fgets(line, sizeof line, f)) {
    char *p = line;
    for (int c = 0; *p; c++) {
      double v = strtod(p, &p);
      if (c == col[0])
        s->z[s->n] = v;
      else if (c == col[1])
        s->tc[s->n] = v;
      else if (c == col[2])
        s->k[s->n] = v * log(10.0);
      if (*p == ',')
        p++;
      else
        break;
    }
    s->n++;
  }
  fclose(f);
  /* CFAST's last row is at 895 s */
  cr_assert_geq(s->n, NT - 1, "%s: %d rows, expected %d", path, s->n, NT - 1);
}

/* Loads a plan (taken over) with outside air at the inside temperature (no
 * stack effect: CFAST runs at 20 C inside and out) and the scenario's
 * smoke transport model. */
static struct evac_model *load(const char *tag, cJSON *plan,
                               const char *model) {
  cJSON *sys = cJSON_AddObjectToObject(plan, "systems");
  cJSON_AddNumberToObject(sys, "outside_c", 20.0);
  char *p = json_take(plan);
  cJSON *scj = scenario_new(900);
  cJSON *smoke = cJSON_AddObjectToObject(scj, "smoke");
  cJSON_AddStringToObject(smoke, "model", model);
  char *sc = json_take(scj);
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(tag, "test.plan.json", p, sc, &d, &m);
  if (rc)
    evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  free(p);
  free(sc);
  cr_assert_eq(rc, 0, "%s: plan did not load", tag);
  return m;
}

/* The fire at t s (above) in cell c. */
static struct evac_smoke_source fire(int32_t c, double t) {
  double q = fmin(0.0469 * t * t, 1000.0);
  double burn = q / 23200.0;
  struct evac_smoke_source s = {
      c, q, 0.7 * q, burn, 0.198 * burn, 0.031 * burn, 1.5 * burn};
  return s;
}

/* A rectangle of cells of one floor: a room as a zone. */
struct rect {
  int f, x0, y0, x1, y1;
};

/* Sample i of room r into s: the mean interface height, and the layer's
 * depth-weighted temperature and extinction coefficient. */
static void sample(const struct evac_smoke *s, const struct evac_model *m,
                   struct rect r, struct series *out, int i) {
  double sz = 0.0, sd = 0.0, st = 0.0, sk = 0.0;
  int n = 0;
  for (int y = r.y0; y <= r.y1; y++)
    for (int x = r.x0; x <= r.x1; x++, n++) {
      int32_t c = (int32_t)evac_model_cell(m, r.f, x, y);
      double z = evac_smoke_interface_m(s, c), d = ROOF - z;
      struct evac_gas g;
      evac_smoke_gas(s, c, ROOF, &g);
      sz += z;
      sd += d;
      st += d * evac_smoke_layer_c(s, c);
      sk += d * KMASS * g.soot_kg_m3;
    }
  out->z[i] = sz / n;
  out->tc[i] = sd > 0.0 ? st / sd : 20.0;
  out->k[i] = sd > 0.0 ? sk / sd : 0.0;
  out->n = i + 1;
}

/* ---- Ward fire and corridor ------------------------------------------ */

/* Cells of cell m for x metres. The rooms' sizes are multiples of both cell
 * sizes (rounding cells a metre first made 0.4 m cells 1/3 m: rooms 1.2
 * times as large each way). */
static int cells(double cell, double x) { return (int)(x / cell + 0.5); }

/* Runs the ward case for tmax s with cells of cell m and the transport
 * model, the fire door open or closed; the ward and the corridor as zones
 * into ward, corr. */
static void ward_run(double cell, const char *model, int open, double tmax,
                     struct series *ward, struct series *corr) {
  int dx = cells(cell, 6.0) + 1; /* the door's column */
  int dy0 = 1 + cells(cell, 1.2), dy1 = cells(cell, 2.4);
  struct rect rw = {0, 1, 1, cells(cell, 6.0), cells(cell, 4.0)};
  struct rect rc = {0, dx + 1, 1 + cells(cell, 0.8), dx + cells(cell, 20.0),
                    cells(cell, 2.8)};
  struct grid g = grid_new(rc.x1 + 2, cells(cell, 4.0) + 2);
  grid_fill(&g, rw.x0, rw.y0, rw.x1, rw.y1, '.');
  grid_fill(&g, dx, dy0, dx, dy1, 'F');
  grid_fill(&g, rc.x0, rc.y0, rc.x1, rc.y1, '.');
  grid_fill(&g, rc.x1 + 1, rc.y0, rc.x1 + 1, rc.y1, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  char tag[64]; /* one folder a run */
  snprintf(tag, sizeof tag, "cfast-ward-%s-%s-%.0f", model,
           open ? "open" : "closed", cell * 100);
  struct evac_model *m = load(tag, plan_new(cell, floors), model);
  struct evac_smoke *s = evac_smoke_create(m);
  cr_assert_not_null(s);
  for (int y = dy0; y <= dy1; y++)
    evac_smoke_hold_open(s, (int32_t)evac_model_cell(m, 0, dx, y), open);
  int32_t fc = (int32_t)evac_model_cell(m, 0, 1 + cells(cell, 3.0),
                                        1 + cells(cell, 2.0));
  sample(s, m, rw, ward, 0);
  sample(s, m, rc, corr, 0);
  for (int i = 1; i <= (int)tmax; i++) {
    struct evac_smoke_source src = fire(fc, i - 0.5);
    cr_assert_eq(evac_smoke_step(s, 1.0, &src, 1), 0);
    if (i % (int)DT == 0) {
      sample(s, m, rw, ward, i / (int)DT);
      sample(s, m, rc, corr, i / (int)DT);
    }
  }
  evac_smoke_free(s);
  evac_model_free(m);
}

/* The figures of the ward case compared. */
struct ward_fig {
  double untenable; /* corridor: tenability onset, s */
  double z_steady;  /* corridor: mean interface 300-900 s, m */
  double t_steady;  /* corridor: mean layer temperature 300-900 s, C */
  double ward_z;    /* ward: mean interface 300-900 s, m */
  double ward_t;    /* ward: mean layer temperature 300-900 s, C */
  double z300;      /* corridor interface at 300 s, m */
  double zmin;      /* corridor: lowest interface, m */
  double soffit;    /* ward: the layer down to the door's soffit, s */
};

static struct ward_fig ward_figures(const struct series *ward,
                                    const struct series *corr) {
  struct ward_fig f = {first_below(corr, 1.8, 0.6),
                       mean_over(corr, corr->z, 300, 900),
                       mean_over(corr, corr->tc, 300, 900),
                       mean_over(ward, ward->z, 300, 900),
                       mean_over(ward, ward->tc, 300, 900),
                       corr->z[(int)(300 / DT)],
                       INFINITY,
                       first_below(ward, 2.1, 0.0)};
  for (int i = 0; i < corr->n; i++)
    f.zmin = fmin(f.zmin, corr->z[i]);
  return f;
}

static void ward_log(const char *who, const struct ward_fig *f) {
  cr_log_info("%-22s corridor: untenable %5.0f s, interface %.2f m (300 s), "
              "%.2f m (300-900 s), lowest %.2f m, layer %4.0f C; ward: "
              "layer at the soffit %3.0f s, interface %.2f m, layer %4.0f C",
              who, f->untenable, f->z300, f->z_steady, f->zmin, f->t_steady,
              f->soffit, f->ward_z, f->ward_t);
}

/* Evacsim's figures for the transport model at 0.4 m and 0.2 m cells into
 * e[0], e[1], and CFAST's into *c. */
static void ward_both(const char *model, int open, struct ward_fig e[2],
                      struct ward_fig *c) {
  static struct series w, k; /* large: not on the stack */
  const double cells[2] = {0.4, 0.2};
  for (int j = 0; j < 2; j++) {
    ward_run(cells[j], model, open, 900, &w, &k);
    e[j] = ward_figures(&w, &k);
    char who[48];
    snprintf(who, sizeof who, "%s %.1f m, door %s", model, cells[j],
             open ? "open" : "closed");
    ward_log(who, &e[j]);
  }
  cfast_read(open ? "ward_door_open" : "ward_door_closed", "ward", &w);
  cfast_read(open ? "ward_door_open" : "ward_door_closed", "corridor", &k);
  *c = ward_figures(&w, &k);
  ward_log(open ? "CFAST, door open" : "CFAST, door closed", c);
}

/* |a / b - 1|. */
static double apart(double a, double b) { return fabs(a / b - 1.0); }

/* Criteria against CFAST: times and heights within +-30 % (a chosen
 * margin: a zone model and a grid model do not average the same things),
 * each at both cell sizes, the two within 15 % of each other. */
#define VS_CFAST 0.30
#define VS_GRID 0.15

/* Door wedged open, "momentum". Passes: the corridor's steady interface
 * (CFAST 1.27 m; measured 1.37 m with 0.4 m cells, 1.19 m with 0.2 m), and
 * the tenability onset 3 % apart between the grids (155 s, 150 s).
 * KNOWN DEVIATIONS, asserted within the measured bands so that a fix makes
 * the test fail and the criterion is restored:
 * - tenability onset in the corridor 155 s / 150 s against CFAST's 85 s
 *   (1.8 times later). The corridor gets less gas, not slower gas: at 90 s
 *   CFAST's corridor holds about 66 kg of layer at 38 C, evacsim's 25 kg at
 *   81 C (0.4 m cells). CFAST's plume (Heskestad's, with a virtual origin
 *   below the floor for a 1 m2 fire) entrains more than NFPA 92's at small
 *   heat release rates, and CFAST mixes corridor air into the door's jet,
 *   where evacsim's layer mixes in none; and a zone fills the whole
 *   corridor at once where evacsim's front needs about 15 s to run its
 *   20 m. Without the heat loss to walls at rest the onset was 130 s: the
 *   same 28.7 kg in the corridor at 130 s (through the door 62 kg with
 *   the loss, 64 kg without; the front at its far end at 95 s, 90 s),
 *   but at 208 C instead of 331 C it fills 39 m3 instead of 49 m3, so the
 *   interface reaches 1.8 m 20 s later;
 * - layer temperatures: the excess over ambient 1.9 times CFAST's in the
 *   ward (430-440 C against 241 C; the MQH correlation gives about 240 C
 *   for this ward and door) and 3.2-3.4 times in the corridor (325-335 C
 *   against 114 C). evacsim's layers lose heat by convection to the
 *   ceiling and walls (plasterboard); CFAST's also by radiation (and to
 *   concrete), and CFAST mixes corridor air into the door's jet. */
Test(cfast, ward_fire_door_open_momentum) {
  struct ward_fig e[2], c;
  ward_both("momentum", 1, e, &c);
  for (int j = 0; j < 2; j++) {
    cr_expect(apart(e[j].z_steady, c.z_steady) <= VS_CFAST,
              "grid %d: corridor interface %.2f m vs CFAST %.2f m", j,
              e[j].z_steady, c.z_steady);
    double late = e[j].untenable / c.untenable;
    double rw = (e[j].ward_t - 20) / (c.ward_t - 20);
    double rc = (e[j].t_steady - 20) / (c.t_steady - 20);
    cr_log_info("grid %d: onset %.2f times CFAST's; layer excess "
                "temperature %.2f times CFAST's in the ward, %.2f in the "
                "corridor",
                j, late, rw, rc);
    cr_expect(late > 1.0 + VS_CFAST && late <= 2.2,
              "known deviation: onset %.2f times CFAST's", late);
    cr_expect(rw > 1.0 + VS_CFAST && rw <= 2.3,
              "known deviation: ward temperature ratio %.2f", rw);
    cr_expect(rc > 1.0 + VS_CFAST && rc <= 4.0,
              "known deviation: corridor temperature ratio %.2f", rc);
  }
  cr_expect(apart(e[1].z_steady, e[0].z_steady) <= VS_GRID,
            "grids: interface %.2f vs %.2f m", e[1].z_steady, e[0].z_steady);
  cr_expect(apart(e[1].untenable, e[0].untenable) <= VS_GRID,
            "grids: onset %.0f s vs %.0f s", e[1].untenable, e[0].untenable);
}

/* Door closed, "momentum". Passes: as in CFAST the corridor stays tenable
 * for the 15 minutes (the door holds the smoke back: onset 85 s with it
 * open), and its lowest interface is within +-30 % of CFAST's (2.09 m;
 * measured 2.32 m and 2.34 m), the grids 1 % apart.
 * KNOWN DEVIATION, asserted: the closed ward's layer temperature, about
 * 665 C against CFAST's 185 C (excess 3.9 times). The layer at rest loses
 * heat by natural convection to a plasterboard ceiling and walls that warm
 * as they take it; CFAST's also radiates (and its walls are concrete), and
 * the fire keeps burning on the oxygen of the room's layer. */
Test(cfast, ward_fire_door_closed_momentum) {
  struct ward_fig e[2], c;
  ward_both("momentum", 0, e, &c);
  cr_expect(isinf(c.untenable), "CFAST: the corridor stays tenable");
  for (int j = 0; j < 2; j++) {
    cr_expect(isinf(e[j].untenable), "grid %d: untenable at %.0f s", j,
              e[j].untenable);
    cr_expect(apart(e[j].zmin, c.zmin) <= VS_CFAST,
              "grid %d: lowest interface %.2f m vs CFAST %.2f m", j, e[j].zmin,
              c.zmin);
    double rw = (e[j].ward_t - 20) / (c.ward_t - 20);
    cr_log_info("grid %d: ward layer excess temperature %.2f times CFAST's", j,
                rw);
    cr_expect(rw >= 3.0 && rw <= 5.0,
              "known deviation: ward temperature ratio %.2f", rw);
  }
  cr_expect(apart(e[1].zmin, e[0].zmin) <= VS_GRID,
            "grids: lowest interface %.2f vs %.2f m", e[1].zmin, e[0].zmin);
}

/* "layer", for comparison. Passes: with the door closed the corridor stays
 * tenable for 15 minutes, as in CFAST, at both cell sizes.
 * KNOWN DEVIATIONS, asserted: with the door open, onset 230 s / 370 s
 * against CFAST's 85 s (2.7 and 4.4 times later), and the grids 61 % apart:
 * the lateral spread of "layer" is a diffusion of depth whose rate depends
 * on the cell size (docs/models.md § Smoke, "Limits"), so the ward's layer
 * piles up to the floor (CFAST 0.91 m) before the corridor fills. */
Test(cfast, ward_fire_door_layer) {
  struct ward_fig o[2], c[2], co, cc;
  ward_both("layer", 1, o, &co);
  ward_both("layer", 0, c, &cc);
  for (int j = 0; j < 2; j++) {
    cr_expect(isinf(c[j].untenable),
              "grid %d, door closed: untenable at "
              "%.0f s",
              j, c[j].untenable);
    double late = o[j].untenable / co.untenable;
    cr_log_info("grid %d, door open: onset %.2f times CFAST's", j, late);
    cr_expect(late >= 2.5, "known deviation: onset %.2f times CFAST's", late);
  }
  double g = apart(o[1].untenable, o[0].untenable);
  cr_expect(g > VS_GRID && g <= 0.80,
            "known deviation: grids: onset %.0f vs %.0f s", o[1].untenable,
            o[0].untenable);
}

/* ---- Cable shaft ------------------------------------------------------- */

#define FLOORS 10

/* Runs the shaft case for tmax s; the rooms of the floors as zones into
 * rooms[FLOORS]. */
static void shaft_run(double cell, const char *model, int unsealed, double tmax,
                      struct series *rooms) {
  int sx0 = cells(cell, 6.0) + 1, sx1 = cells(cell, 6.0) + cells(cell, 0.8);
  int sy0 = 1 + cells(cell, 1.6), sy1 = cells(cell, 2.4);
  cJSON *floors = cJSON_CreateArray();
  for (int f = 0; f < FLOORS; f++) {
    struct grid g = grid_new(sx1 + 2, cells(cell, 4.0) + 2);
    grid_fill(&g, 1, 1, cells(cell, 6.0), cells(cell, 4.0), '.');
    grid_fill(&g, sx0, sy0, sx1, sy1, 'h');
    char name[16];
    snprintf(name, sizeof name, "%d", f + 1);
    cJSON_AddItemToArray(floors, grid_floor(&g, name, ROOF * f));
    free(g.c);
  }
  cJSON *plan = plan_new(cell, floors);
  cJSON *legend = cJSON_AddObjectToObject(plan, "legend");
  cJSON_AddItemToObject(legend, "h", cJSON_Parse("{\"shaft\": \"Cable\"}"));
  cJSON *sh = cJSON_AddArrayToObject(plan, "shafts");
  cJSON_AddItemToArray(sh, cJSON_Parse("{\"name\": \"Cable\", \"kind\": "
                                       "\"cable\", \"area_m2\": 0.64}"));
  char tag[64];
  snprintf(tag, sizeof tag, "cfast-shaft-%s-%s-%.0f", model,
           unsealed ? "unsealed" : "sealed", cell * 100);
  struct evac_model *m = load(tag, plan, model);
  m->shafts[0].unsealed = unsealed;
  struct evac_smoke *s = evac_smoke_create(m);
  cr_assert_not_null(s);
  int32_t fc = (int32_t)evac_model_cell(m, 0, 1 + cells(cell, 3.0),
                                        1 + cells(cell, 2.0));
  for (int f = 0; f < FLOORS; f++)
    sample(s, m, (struct rect){f, 1, 1, cells(cell, 6.0), cells(cell, 4.0)},
           &rooms[f], 0);
  for (int i = 1; i <= (int)tmax; i++) {
    struct evac_smoke_source src = fire(fc, i - 0.5);
    cr_assert_eq(evac_smoke_step(s, 1.0, &src, 1), 0);
    if (i % (int)DT == 0)
      for (int f = 0; f < FLOORS; f++)
        sample(s, m, (struct rect){f, 1, 1, cells(cell, 6.0), cells(cell, 4.0)},
               &rooms[f], i / (int)DT);
  }
  evac_smoke_free(s);
  evac_model_free(m);
}

/* Smoke arrival and tenability onset (s) on floors 2..10 of rooms into
 * arrive[], onset[] (index = floor - 1), logged with who. */
static void shaft_figures(const char *who, const struct series *rooms,
                          double *arrive, double *onset) {
  char line[512];
  int n = snprintf(line, sizeof line, "%-26s arrival/onset:", who);
  for (int f = 1; f < FLOORS; f++) {
    arrive[f] = first_below(&rooms[f], ROOF - 0.2, 0.3);
    onset[f] = first_below(&rooms[f], 1.8, 0.6);
    n += snprintf(line + n, sizeof line - (size_t)n, " %d: %.0f/%.0f", f + 1,
                  arrive[f], onset[f]);
  }
  cr_log_info("%s", line);
}

/* Evacsim's figures at 0.4 and 0.2 m cells (tmax s) and CFAST's. */
static void shaft_both(const char *model, int unsealed, double tmax,
                       double arrive[3][FLOORS], double onset[3][FLOORS]) {
  static struct series rooms[FLOORS];
  const double cells[2] = {0.4, 0.2};
  char who[128];
  for (int j = 0; j < 2; j++) {
    shaft_run(cells[j], model, unsealed, tmax, rooms);
    snprintf(who, sizeof who, "%s %.1f m, %s, %.0f s", model, cells[j],
             unsealed ? "unsealed" : "sealed", tmax);
    shaft_figures(who, rooms, arrive[j], onset[j]);
  }
  for (int f = 0; f < FLOORS; f++) {
    char room[32];
    snprintf(room, sizeof room, "room_%d", f + 1);
    cfast_read(unsealed ? "shaft_unsealed" : "shaft_sealed", room, &rooms[f]);
    rooms[f].n =
        (int)(tmax / DT) + 1 < rooms[f].n ? (int)(tmax / DT) + 1 : rooms[f].n;
  }
  snprintf(who, sizeof who, "CFAST, %s, %.0f s",
           unsealed ? "unsealed" : "sealed", tmax);
  shaft_figures(who, rooms, arrive[2], onset[2]);
}

/* Floors 2..10 with smoke (arrival) by the end of the run. */
static int floors_reached(const double *arrive) {
  int n = 0;
  for (int f = 1; f < FLOORS; f++)
    n += isfinite(arrive[f]);
  return n;
}

/* Sealed shaft, "momentum" (and the sealed shaft at a second cell size).
 * Passes: as in CFAST, no floor above the fire gets smoke within 15
 * minutes, at both cell sizes. */
Test(cfast, shaft_sealed_momentum) {
  double a[3][FLOORS], o[3][FLOORS];
  shaft_both("momentum", 0, 900, a, o);
  for (int j = 0; j < 3; j++)
    cr_expect_eq(floors_reached(a[j]), 0, "%s: smoke above the fire floor",
                 j < 2 ? "evacsim" : "CFAST");
}

/* Unsealed shaft, "momentum", the first 6 minutes. Passes: smoke reaches
 * the top floor first in both codes (floor 10 before 9 before 8), the top
 * floor's arrival (CFAST 100 s; measured 75 s, 80 s) and tenability onset
 * (CFAST 170 s; measured 150 s, 155 s) are within +-30 % of CFAST's at both
 * cell sizes, and the two cell sizes agree: arrival 7 % and onset 3 %
 * apart, 2 floors with smoke within 360 s at both.
 * KNOWN DEVIATION, asserted: smoke reaches fewer floors (2 against CFAST's
 * 7: floor 9 at 230 s at both cell sizes, against CFAST's 105 s): a CFAST
 * shaft segment is one mixed zone that feeds its floor's room as soon as
 * it holds smoke, evacsim's shaft a column of cells that fills from the top
 * down. Measured (0.4 m, 360 s): the fire room's layer is 624 C (1073 C
 * without the heat loss to walls at rest, when 9 floors were reached at
 * both cell sizes), so the shaft has filled down to floor 9 (floor 6
 * without the loss), and what leaks into the rooms of floors 2-8 through the
 * shaft wall lies 0.2-0.3 m thin at 22-27 C (375 C without the loss), too
 * thin and clear to count as arrival. The shaft's own gas rises without
 * losing heat to the shaft's walls or mixing (without the room's heat loss,
 * at 100 s: 212 C on floor 1, 188 C on floor 10, against CFAST's 82 and
 * 28 C). */
Test(cfast, shaft_unsealed_momentum) {
  double a[3][FLOORS], o[3][FLOORS];
  shaft_both("momentum", 1, 360, a, o);
  for (int j = 0; j < 3; j++) {
    cr_expect(a[j][9] <= a[j][8] && a[j][8] <= a[j][7],
              "%d: floor 10 first: %.0f, %.0f, %.0f s", j, a[j][9], a[j][8],
              a[j][7]);
    if (j == 2)
      break;
    cr_expect(apart(a[j][9], a[2][9]) <= VS_CFAST,
              "grid %d: floor 10 arrival %.0f s vs CFAST %.0f s", j, a[j][9],
              a[2][9]);
    cr_expect(apart(o[j][9], o[2][9]) <= VS_CFAST,
              "grid %d: floor 10 onset %.0f s vs CFAST %.0f s", j, o[j][9],
              o[2][9]);
  }
  cr_expect(apart(a[1][9], a[0][9]) <= VS_GRID, "grids: arrival %.0f vs %.0f",
            a[1][9], a[0][9]);
  cr_expect(apart(o[1][9], o[0][9]) <= VS_GRID, "grids: onset %.0f vs %.0f s",
            o[1][9], o[0][9]);
  int n4 = floors_reached(a[0]), n2 = floors_reached(a[1]),
      nc = floors_reached(a[2]);
  cr_log_info("floors with smoke by 360 s: %d (0.4 m), %d (0.2 m), CFAST %d",
              n4, n2, nc);
  cr_expect(abs(n2 - n4) <= 1, "grids: floors reached %d vs %d", n2, n4);
  cr_expect(n4 <= 3 && n2 <= 3 && nc >= 7,
            "known deviation: floors reached %d, %d vs CFAST %d", n4, n2, nc);
}

/* "layer", for comparison, 15 minutes. Passes: sealed, no floor above the
 * fire gets smoke (both grids, as CFAST). KNOWN DEVIATION, asserted:
 * unsealed, only the top floor gets smoke (at 140 s / 125 s) where CFAST
 * has it on 8 floors, floors 4 to 10 within 275 s: "layer" spreads the
 * smoke a shaft brings to a floor as a slow diffusion, and its shaft
 * cells fill the top floor's first. */
Test(cfast, shaft_layer) {
  double a[3][FLOORS], o[3][FLOORS];
  shaft_both("layer", 0, 900, a, o);
  for (int j = 0; j < 2; j++)
    cr_expect_eq(floors_reached(a[j]), 0, "sealed, grid %d: smoke above", j);
  shaft_both("layer", 1, 900, a, o);
  cr_expect_geq(floors_reached(a[2]), 7, "CFAST: unsealed, smoke spreads");
  for (int j = 0; j < 2; j++)
    cr_expect(floors_reached(a[j]) <= 2 && isfinite(a[j][9]),
              "known deviation: grid %d, %d floors reached", j,
              floors_reached(a[j]));
}

/* ---- Delichatsios' corridor ceiling jet -------------------------------- */

/* The corridor at cells of cell m: the layer's excess temperatures (K) at
 * 5, 10, ..., 25 m from the fire 25 s after ignition into dt[5], and the
 * times (s) a layer 0.2 m deep reaches 5 m and 25 m into *t5, *t25
 * (INFINITY if not within 40 s). */
static void jet_run(double cell, const char *model, double *dt, double *t5,
                    double *t25) {
  int n = (int)(100.0 / cell + 0.5), w = (int)(2.0 / cell + 0.5);
  struct grid g = grid_new(n + 2, w + 2);
  grid_fill(&g, 1, 1, n, w, '.');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  char tag[64];
  snprintf(tag, sizeof tag, "cfast-jet-%s-%.0f", model, cell * 100);
  struct evac_model *m = load(tag, plan_new(cell, floors), model);
  struct evac_smoke *s = evac_smoke_create(m);
  cr_assert_not_null(s);
  int xf = n / 2, y = w / 2 + 1;
  double burn = 1000.0 / 23200.0;
  struct evac_smoke_source src = {(int32_t)evac_model_cell(m, 0, xf, y),
                                  1000.0,
                                  700.0,
                                  burn,
                                  0.198 * burn,
                                  0.031 * burn,
                                  1.5 * burn};
  int32_t c[5];
  for (int k = 0; k < 5; k++)
    c[k] = (int32_t)evac_model_cell(m, 0, xf + (int)(5.0 * (k + 1) / cell), y);
  *t5 = *t25 = INFINITY;
  for (int i = 1; i <= 80; i++) { /* 0.5 s steps to 40 s */
    cr_assert_eq(evac_smoke_step(s, 0.5, &src, 1), 0);
    if (isinf(*t5) && ROOF - evac_smoke_interface_m(s, c[0]) > 0.2)
      *t5 = 0.5 * i;
    if (isinf(*t25) && ROOF - evac_smoke_interface_m(s, c[4]) > 0.2)
      *t25 = 0.5 * i;
    if (i == 50)
      for (int k = 0; k < 5; k++)
        dt[k] = evac_smoke_layer_c(s, c[k]) - 20.0;
  }
  evac_smoke_free(s);
  evac_model_free(m);
}

/* Delichatsios: the excess temperature of the ceiling jet x m along a
 * corridor of width w, ceiling h, fire q kW (x > w/2). */
static double delichatsios(double q, double h, double w, double x) {
  double dtp = 16.9 * pow(q, 2.0 / 3.0) / pow(h, 5.0 / 3.0); /* Alpert */
  return dtp * 0.37 * cbrt(h / w) * exp(-0.16 * (x / h) * cbrt(w / h));
}

/* Delichatsios' velocity of that jet (m/s; as CFAST implements it):
 * u = 0.114 sqrt(h dT) (h/w)^(1/6). */
static double delichatsios_u(double q, double h, double w, double x) {
  return 0.114 * sqrt(h * delichatsios(q, h, w, x)) * pow(h / w, 1.0 / 6.0);
}

/* evacsim's excess temperatures at the two cell sizes into e[2][5], its
 * mean front speed from 5 to 25 m into u[2], the correlation's into r[5]
 * and *ur (the mean speed over the same 20 m: 20 m over the integral of
 * dx / u). */
static void jet_both(const char *model, double e[2][5], double u[2], double *r,
                     double *ur) {
  const double cells[2] = {0.4, 0.2};
  for (int j = 0; j < 2; j++) {
    double t5, t25;
    jet_run(cells[j], model, e[j], &t5, &t25);
    u[j] = 20.0 / (t25 - t5);
  }
  for (int k = 0; k < 5; k++)
    r[k] = delichatsios(1000.0, 3.0, 2.0, 5.0 * (k + 1));
  double travel = 0.0;
  for (int i = 0; i < 200; i++) /* midpoint rule, 0.1 m */
    travel += 0.1 / delichatsios_u(1000.0, 3.0, 2.0, 5.05 + 0.1 * i);
  *ur = 20.0 / travel;
  for (int k = 0; k < 5; k++)
    cr_log_info("%s, %2d m: excess %.0f K (0.4 m), %.0f K (0.2 m); "
                "Delichatsios %.0f K",
                model, 5 * (k + 1), e[0][k], e[1][k], r[k]);
  cr_log_info("%s: front 5 -> 25 m at %.2f m/s (0.4 m), %.2f m/s (0.2 m); "
              "Delichatsios' jet %.2f m/s",
              model, u[0], u[1], *ur);
}

/* Excess-temperature decay rate (1/m) between 5 m and 25 m. */
static double decay(const double *dt) { return log(dt[0] / dt[4]) / 20.0; }

/* "momentum". Passes: the front's mean speed from 5 m to 25 m within
 * +-30 % of the jet's velocity by Delichatsios (1.58 m/s over those 20 m;
 * measured 1.25 m/s at both cell sizes), and the temperatures
 * grid-converged, the two cell sizes within 15 % of each other at every
 * distance (measured under 3 %).
 * KNOWN DEVIATION, asserted: against Delichatsios (91 K at 5 m, 36 K at
 * 25 m, decaying as exp(-0.047 x)), evacsim's layer is hotter (165 K at
 * 5 m, 118-121 K at 25 m) and cools along the corridor about 3 times more
 * slowly (0.016 1/m). The correlation describes a thin ceiling jet that
 * loses heat to the ceiling and mixes air in as it runs; evacsim's layer
 * is a metre-deep current that entrains no air, and loses heat only by
 * convection to the ceiling and walls. The test asserts the excess at 5 m
 * between 1.6 and 2.1 times the correlation's and the decay rate between
 * 0.25 and 0.45 of it. */
Test(ceiling_jet, delichatsios_momentum) {
  double e[2][5], u[2], r[5], ur;
  jet_both("momentum", e, u, r, &ur);
  for (int j = 0; j < 2; j++)
    cr_expect(apart(u[j], ur) <= VS_CFAST, "grid %d: %.2f m/s vs %.2f m/s", j,
              u[j], ur);
  cr_expect(apart(u[1], u[0]) <= VS_GRID, "grids: %.2f vs %.2f m/s", u[1],
            u[0]);
  for (int k = 0; k < 5; k++)
    cr_expect(apart(e[1][k], e[0][k]) <= VS_GRID,
              "grids at %d m: %.0f vs "
              "%.0f K",
              5 * (k + 1), e[1][k], e[0][k]);
  for (int j = 0; j < 2; j++) {
    double hot = e[j][0] / r[0], slow = decay(e[j]) / decay(r);
    cr_log_info("grid %d: excess at 5 m %.2f times the correlation's, decay "
                "rate %.4f 1/m, %.2f of its %.4f 1/m",
                j, hot, decay(e[j]), slow, decay(r));
    cr_expect(hot >= 1.6 && hot <= 2.1, "known deviation: %.2f times", hot);
    cr_expect(slow >= 0.25 && slow <= 0.45, "known deviation: decay %.2f",
              slow);
  }
}

/* "layer", for comparison. KNOWN DEVIATION, asserted: after 25 s its front
 * has not reached 15 m (no layer there at either cell size), where the
 * correlation's jet is 57 K above ambient: the front moves at about
 * 0.14 m/s (test_smoke_corridor). */
Test(ceiling_jet, delichatsios_layer) {
  double e[2][5], u[2], r[5], ur;
  jet_both("layer", e, u, r, &ur);
  for (int j = 0; j < 2; j++)
    cr_expect(e[j][2] == 0.0 && e[j][0] > 0.0,
              "known deviation: grid %d: %.0f K at 15 m", j, e[j][2]);
}
