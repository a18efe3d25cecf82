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

/* Loads the one-floor plan drawn in g (freed; 6 m ceiling; 'W' exit
 * West, 'X' exit East) with a steady fire of q_kw cellulosic at (fx, fy)
 * and one person of profile (JSON text, base adult) at (px, py), alarm at
 * 0 s, for duration_s. */
static struct evac_model *load_case(const char *tag, struct grid *g, int fx,
                                    int fy, double q_kw, const char *profile,
                                    int px, int py, double duration_s) {
  cJSON *fl = grid_floor(g, "1", 0.0);
  free(g->c);
  cJSON_ReplaceItemInObject(fl, "height_m", cJSON_CreateNumber(6.0));
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, fl);
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(
      plan, "legend",
      cJSON_Parse(
          "{\"W\": {\"exit\": \"West\"}, \"X\": {\"exit\": \"East\"}}"));
  cJSON *sc = scenario_new(duration_s);
  cJSON *pr = cJSON_AddObjectToObject(sc, "profiles");
  cJSON_AddItemToObject(pr, "p", cJSON_Parse(profile));
  add_group(sc, px, py, px, py, "p", 1, NULL);
  char fire[160];
  snprintf(fire, sizeof fire,
           "{\"floor\": \"1\", \"at\": [%d, %d], \"growth\": \"steady\", "
           "\"peak_kw\": %g, \"fuel\": \"cellulosic\"}",
           fx, fy, q_kw);
  cJSON_AddItemToObject(sc, "fire", cJSON_Parse(fire));
  cJSON_AddItemToObject(sc, "timeline",
                        cJSON_Parse("[{\"t_s\": 0, \"do\": \"alarm\"}]"));
  return load_json(tag, plan, sc);
}

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
  return load_case(tag, &g, 60, w == ALCOVE ? 4 : 6, Q_KW,
                   "{\"base\": \"adult\", \"premovement_s\": 15}", 72, 2, 45.0);
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

/* Runs model m (freed) and gives the one person's outcome; what names the
 * case in the log. */
static struct outcome outcome_of(struct evac_model *m, const char *what) {
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
  cr_log_info("%s: exit '%s' incap %d shelter %d x %d fed %.4f", what, out.exit,
              out.incap, out.shelter, out.x, out.fed_max);
  evac_sim_free(sim);
  evac_model_free(m);
  return out;
}

static struct outcome run_case(const char *tag, int two_exits, enum where w) {
  char what[64];
  snprintf(what, sizeof what, "two exits %d, fire %s", two_exits,
           w == ALCOVE ? "in sight" : "shielded");
  return outcome_of(model_of(tag, two_exits, w), what);
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

/* A ward's doorway beside the fire, as on ward-block's fire floor: a room
 * of 9 x 8 cells (x 26..34, y 1..8) whose 3-cell doorway (x 29..31, y 9)
 * opens on a corridor of four rows (x 1..60, y 10..13) with exit W at its
 * west end, and a steady fire of q_kw in the corridor's second row in front
 * of the doorway (30, 11). Leaving the room means stepping into the row
 * between the doorway and the fire (0.4-0.57 m from the fire's cell; the
 * doorway's jambs allow no diagonal step past it). One person, 1 m/s,
 * incapacitated at FED 0.3, at (30, 2), starts at 15 s. */
static struct outcome door_case(double q_kw) {
  struct grid g = grid_new(62, 15);
  grid_fill(&g, 26, 1, 34, 8, '.');
  grid_fill(&g, 29, 9, 31, 9, '.');
  grid_fill(&g, 1, 10, 60, 13, '.');
  grid_fill(&g, 0, 10, 0, 13, 'W');
  char what[32];
  snprintf(what, sizeof what, "%.0f kW", q_kw);
  return outcome_of(load_case("radiant_door", &g, 30, 11, q_kw,
                              "{\"base\": \"adult\", \"premovement_s\": 15, "
                              "\"speed_m_s\": 1.0, \"fed_threshold\": 0.3}",
                              30, 2, 60.0),
                    what);
}

/* The shelter rule lets a person set out past the flames only where the
 * walk's dose, as the person then takes it, leaves it standing: over a
 * range of fires, from those one walks out past to those one waits out,
 * nobody who sets out is overcome on the way. The rule's estimate must
 * follow the steps the person can take (no corner cut through the
 * doorway's jamb, which would skip the hottest cell) and count each cell
 * as the dose is counted (the cell moved into, for the time held). */
Test(radiant, whoever_sets_out_past_the_flames_gets_out) {
  int out = 0, waited = 0;
  for (double q = 100.0; q <= 1200.0; q += 25.0) {
    struct outcome r = door_case(q);
    cr_expect_eq(r.incap, 0, "%.0f kW: set out and was overcome (FED %.3f)", q,
                 r.fed_max);
    if (!r.incap && r.exit[0])
      out++;
    else if (!r.incap && r.shelter)
      waited++;
  }
  cr_log_info("out %d, sheltering %d", out, waited);
  cr_expect_gt(out, 0, "small fires: they walk out past them");
  cr_expect_gt(waited, 0, "large fires: they wait");
}

/* The radiant dose is counted cell by cell along the walk, not sampled
 * once a dose step: a person walking at 1 m/s along a one-cell lane past a
 * steady 300 kW fire takes the sum over the lane's cells of their dose
 * rate times the 0.4 s it holds each. The lane (y 10, x 21..70, closed at
 * its east end: the only way out is west past the fire) runs
 * between two rows of stored goods (obstacles: they block people, not
 * smoke or radiation) across a hall of 90 x 20 cells, 6 m high, so that
 * the smoke stays above head height; the fire burns at (45, 11), in a gap
 * in the goods beside the lane; exit W along the hall's west wall.
 * Sampled once a second, a walk that crosses the flames' reach (7 cells)
 * in 2.8 s gets 2 or 3 samples of 1 s each of whichever cells it happens
 * to hold. */
Test(radiant, dose_is_counted_cell_by_cell) {
  struct grid g = grid_new(92, 22);
  grid_fill(&g, 1, 1, 90, 20, '.');
  grid_fill(&g, 0, 1, 0, 20, 'W');
  struct evac_model *m =
      load_case("radiant_lane", &g, 45, 11, 300.0,
                "{\"base\": \"adult\", \"premovement_s\": 15, "
                "\"speed_m_s\": 1.0, \"fed_threshold\": 50}",
                65, 10, 60.0);
  for (int x = 21; x <= 70; x++) {
    m->cell_kind[evac_model_cell(m, 0, x, 9)] = EVAC_CELL_OBSTACLE;
    if (x != 45)
      m->cell_kind[evac_model_cell(m, 0, x, 11)] = EVAC_CELL_OBSTACLE;
  }
  m->cell_kind[evac_model_cell(m, 0, 71, 10)] = EVAC_CELL_OBSTACLE;
  struct evac_sim *sim = sim_of(m);
  cr_assert_eq(evac_sim_run(sim), 0);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_str_eq(m->features[r->agents.safe_place[0]].name, "West");
  cr_assert_eq(sim->fire.hrr_kw, 300.0, "steady");
  double want = 0.0;
  int hot = 0;
  for (int x = 21; x < 65; x++) {
    int32_t c = (int32_t)evac_model_cell(m, 0, x, 10);
    double rate = evac_tox_fed_rad_rate(
        evac_sim_flame_flux(sim, c, EVAC_HEAD_STANDING_M));
    want += rate * 0.4;
    hot += rate > 0.0;
    struct evac_gas gas;
    evac_smoke_gas(sim->smoke, c, EVAC_HEAD_STANDING_M, &gas);
    cr_assert_eq(gas.soot_kg_m3, 0.0, "smoke at head height (x %d)", x);
  }
  double got = r->agents.fed_max[0];
  cr_log_info("dose %.6f, cell by cell %.6f (%d cells over the limit)", got,
              want, hot);
  cr_assert_eq(hot, 7);
  cr_assert(fabs(got - want) <= 1e-9 * want, "dose %.6f, cell by cell %.6f",
            got, want);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* In a corridor of four rows (x 1..60, y 10..13, exit W at its west end)
 * with a steady 300 kW fire in its second row (30, 11), a person (1 m/s,
 * incapacitated at FED 1) walking west from (55, 11) passes the fire on
 * the far row, 0.8 m from its cell: the route cost of a cell grows with
 * its radiant dose rate, so the route keeps as far from the flames as the
 * walls allow. With every cell over 2.5 kW/m2 costing the same (checked
 * once by switching the grading off) the way hugs the fire's row and the
 * same person takes a dose of 0.86 (0.22 here). */
Test(radiant, they_keep_to_the_far_side) {
  struct grid g = grid_new(62, 15);
  grid_fill(&g, 1, 10, 60, 13, '.');
  grid_fill(&g, 0, 10, 0, 13, 'W');
  struct outcome r =
      outcome_of(load_case("radiant_far", &g, 30, 11, 300.0,
                           "{\"base\": \"adult\", \"premovement_s\": 15, "
                           "\"speed_m_s\": 1.0, \"fed_threshold\": 1}",
                           55, 11, 60.0),
                 "corridor, far side");
  cr_expect_str_eq(r.exit, "West");
  cr_expect_eq(r.incap, 0);
  cr_expect_lt(r.fed_max, 0.3, "dose %.4f", r.fed_max);
}
