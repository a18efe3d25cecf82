/* Radiant heat from the flames (docs/models.md, "Toxicity and
 * visibility"): people do not walk past a fire at arm's length. Floor "1",
 * 6 m ceiling: a corridor of 158 x 3 cells of 0.4 m (x 1..158, y 1..3),
 * exit W in its north wall at x 48..50 and, in the two-exit case, exit E
 * at x 98..100. A steady 1 MW cellulosic fire (little soot: the smoke
 * stays tenable at head height near the people for the first 20 s) burns
 * from t = 0 in a one-cell alcove at (60, 4) off the corridor's south
 * side, or, in the shielded case, in a closed room behind the corridor's
 * south wall. One person at (72, 2) starts 15 s after the alarm (at 0 s),
 * after the first smoke-aware route rebuild (10 s): its shortest way out
 * is west (about 24 cells, east about 27), past the fire at 0.4-1.2 m,
 * where the point source gives about 10-50 kW/m2 against the 2.5 kW/m2
 * limit. Without radiant heat in the model (checked once by switching it
 * off) the person walks west past the fire, with or without the east
 * exit, and takes no dose. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "diag.h"
#include "grid.h"
#include "model.h"
#include "models/fire/flame.h"
#include "models/tox/tox.h"
#include "result.h"
#include "sim.h"

/* The fire's steady heat release, kW. */
#define Q_KW 1000.0

/* Where the fire is. */
enum where { ALCOVE, SHIELDED };

/* Outcome of a run. */
struct outcome {
  char exit[8];   /* the exit the person used, "" if none */
  int incap;      /* 1 if incapacitated */
  int shelter;    /* 1 if sheltering at the end */
  int x;          /* its cell's x at the end (-1 if out) */
  double fed_max; /* its highest dose */
};

/* The model of a case: two exits or only W, the fire where. */
static struct evac_model *model_of(const char *tag, int two_exits,
                                   enum where w) {
  struct grid g = grid_new(160, 8);
  grid_fill(&g, 1, 1, 158, 3, '.');
  grid_fill(&g, 48, 0, 50, 0, 'W');
  if (two_exits)
    grid_fill(&g, 98, 0, 100, 0, 'X');
  if (w == ALCOVE)
    grid_fill(&g, 60, 4, 60, 4, '.');
  else
    grid_fill(&g, 58, 5, 62, 6, '.'); /* a closed room behind the wall */
  cJSON *fl = grid_floor(&g, "1", 0.0);
  free(g.c);
  cJSON_ReplaceItemInObject(fl, "height_m", cJSON_CreateNumber(6.0));
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, fl);
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(
      plan, "legend",
      cJSON_Parse(
          "{\"W\": {\"exit\": \"West\"}, \"X\": {\"exit\": \"East\"}}"));
  cJSON *sc = scenario_new(45.0);
  cJSON_AddItemToObject(
      sc, "profiles",
      cJSON_Parse("{\"p\": {\"base\": \"adult\", \"premovement_s\": 15}}"));
  add_group(sc, 72, 2, 72, 2, "p", 1, NULL);
  char fire[160];
  snprintf(fire, sizeof fire,
           "{\"floor\": \"1\", \"at\": [60, %d], \"growth\": \"steady\", "
           "\"peak_kw\": %g, \"fuel\": \"cellulosic\"}",
           w == ALCOVE ? 4 : 6, Q_KW);
  cJSON_AddItemToObject(sc, "fire", cJSON_Parse(fire));
  cJSON_AddItemToObject(sc, "timeline",
                        cJSON_Parse("[{\"t_s\": 0, \"do\": \"alarm\"}]"));
  char *p = json_take(plan), *s = json_take(sc);
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(tag, "test.plan.json", p, s, &d, &m);
  if (rc)
    evac_diag_print(&d, stderr);
  cr_assert_eq(rc, 0);
  free(p);
  free(s);
  evac_diag_free(&d);
  return m;
}

static struct evac_sim *sim_of(const struct evac_model *m) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_run_opts o = {.seed = 3, .seed_given = 1, .threads = 1};
  struct evac_sim *sim = NULL;
  cr_assert_eq(evac_sim_create(m, &o, &d, &sim), 0);
  evac_diag_free(&d);
  return sim;
}

static struct outcome run_case(const char *tag, int two_exits, enum where w) {
  struct evac_model *m = model_of(tag, two_exits, w);
  struct evac_sim *sim = sim_of(m);
  cr_assert_eq(evac_sim_run(sim), 0);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_eq(r->occupants, 1);
  struct outcome out = {.x = -1};
  int sp = r->agents.safe_place[0];
  if (!isnan(r->agents.exit_time_s[0]) && sp >= 0)
    snprintf(out.exit, sizeof out.exit, "%s", m->features[sp].name);
  out.incap = r->agents.incapacitated[0];
  out.shelter = sim->agents[0].shelter;
  out.fed_max = r->agents.fed_max[0];
  if (sim->agents[0].cell >= 0) {
    int f, y;
    evac_sim_cell_xy(sim, sim->agents[0].cell, &f, &out.x, &y);
  }
  cr_log_info("two exits %d, fire %s: exit '%s' incap %d shelter %d x %d "
              "fed %.4f",
              two_exits, w == ALCOVE ? "in sight" : "shielded", out.exit,
              out.incap, out.shelter, out.x, out.fed_max);
  evac_sim_free(sim);
  evac_model_free(m);
  return out;
}

/* The flux the engine gives at corridor cell (x, y) with the fire at
 * 1500 kW, against the point source from the centre of the flames: half
 * the Heskestad height with the cell as the diameter (3.97 m at 1.5 MW),
 * i.e. 1.99 m up, to a head 1.6 m above the cell. */
static double flux_at(const struct evac_model *m, struct evac_sim *sim, int x,
                      int y) {
  sim->fire.hrr_kw = 1500.0;
  return evac_sim_flame_flux(sim, (int32_t)evac_model_cell(m, 0, x, y),
                             EVAC_HEAD_STANDING_M);
}

Test(radiant, flux_in_sight_and_behind_a_wall) {
  struct evac_model *m = model_of("radiant_flux", 1, ALCOVE);
  struct evac_sim *sim = sim_of(m);
  double z = 0.5 * (0.235 * pow(1500.0, 0.4) - 1.02 * 0.4);
  cr_assert(fabs(z - 1.986) < 0.001, "flame centre %.4f m", z);
  /* (60, 2): 0.8 m across the corridor: 0.3 x 1500 / (4 pi R^2) */
  double r2 = 0.8 * 0.8 + (1.6 - z) * (1.6 - z);
  double want = 0.3 * 1500.0 / (4.0 * 3.14159265358979 * r2);
  double got = flux_at(m, sim, 60, 2);
  cr_assert(fabs(got - want) <= 1e-9 * want, "got %.6f want %.6f", got, want);
  cr_assert(got > 40.0 && got < 60.0, "%.2f kW/m2 at 0.8 m", got);
  /* 6 m along the corridor: 0.99 kW/m2, below the limit: no dose, 0 */
  cr_assert_eq(flux_at(m, sim, 75, 3), 0.0);
  evac_sim_free(sim);
  evac_model_free(m);
  /* the same fire 2 cells further south, in a room behind the corridor's
     wall: the corridor cells 1.2 and 1.6 m away get nothing */
  m = model_of("radiant_flux", 1, SHIELDED);
  sim = sim_of(m);
  cr_assert_eq(flux_at(m, sim, 60, 3), 0.0, "the wall stops it");
  cr_assert_eq(flux_at(m, sim, 60, 2), 0.0);
  /* in the room itself, 0.8 m from the fire: in sight, the same flux */
  got = flux_at(m, sim, 58, 6);
  cr_assert(fabs(got - want) <= 1e-9 * want, "got %.6f want %.6f", got, want);
  evac_sim_free(sim);
  evac_model_free(m);
}

Test(radiant, they_take_the_other_way) {
  struct outcome r = run_case("radiant_other", 1, ALCOVE);
  cr_expect_str_eq(r.exit, "East", "not west past the fire");
  cr_expect_eq(r.incap, 0);
  cr_expect_lt(r.fed_max, 0.05, "dose %.4f", r.fed_max);
}

Test(radiant, shielded_they_go_the_short_way) {
  /* the control: the same fire behind a wall gives no flux in the
     corridor, and the shortest way (west) is taken */
  struct outcome r = run_case("radiant_shielded", 1, SHIELDED);
  cr_expect_str_eq(r.exit, "West");
  cr_expect_eq(r.incap, 0);
}

Test(radiant, without_another_way_they_shelter) {
  struct outcome r = run_case("radiant_shelter", 0, ALCOVE);
  cr_expect_str_eq(r.exit, "", "nobody walks out past the fire");
  cr_expect_eq(r.incap, 0);
  cr_expect_eq(r.shelter, 1);
  cr_expect_gt(r.x, 70, "waits away from the fire: x %d", r.x);
  cr_expect_lt(r.fed_max, 0.05, "dose %.4f", r.fed_max);
}
