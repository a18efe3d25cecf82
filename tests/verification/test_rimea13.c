/* RiMEA guideline 4.1.1 test 13: on stairs, moving down is faster than
 * moving up at each density (the stair fundamental diagram). RiMEA 3.0
 * numbers differently: its test 13, a jam before a stair, is tested with
 * NIST TN 1822 test 5.1 in test_nist_tn1822.c. */
#include <criterion/criterion.h>
#include <math.h>

#include "evacsim.h"
#include "grid.h"
#include "model.h"
#include "result.h"
#include "support.h"

#define FLIGHT_M 10.0
#define STAIR_W 2.0
#define NBINS 4

/* Density bins on the flight, p/m^2: [0, 0.5), [0.5, 1), [1, 2), >= 2. */
static const double bin_lo[NBINS] = {0.0, 0.5, 1.0, 2.0};

static int bin_of(double rho) {
  int b = 0;
  while (b + 1 < NBINS && rho >= bin_lo[b + 1])
    b++;
  return b;
}

/* Speeds on the flight per density bin: sum and count. */
struct bins {
  double sum[NBINS];
  int n[NBINS];
};

/* Two floors, 0.4 m cells: a 12 x 2 m corridor (x 1..30, y 1..5) on the
 * start floor leads to the 2 x 2 m landing of stair A (x 31..35) on both
 * floors; the exit (x 36, the landing's full width) is on the other
 * floor only, so nobody waits to leave the flight for lack of room. The
 * flight is 2 m wide and 10 m long. */
static cJSON *plan(int start_floor) {
  cJSON *floors = cJSON_CreateArray();
  for (int f = 0; f < 2; f++) {
    struct grid g = grid_new(38, 7);
    if (f == start_floor)
      grid_fill(&g, 1, 1, 30, 5, '.');
    else
      grid_fill(&g, 36, 1, 36, 5, 'E');
    grid_fill(&g, 31, 1, 35, 5, 'A');
    cJSON_AddItemToArray(floors, grid_floor(&g, f ? "2" : "1", 3.0 * f));
    free(g.c);
  }
  cJSON *p = plan_new(0.4, floors);
  cJSON *legend = cJSON_AddObjectToObject(p, "legend");
  cJSON_AddItemToObject(legend, "A", cJSON_Parse("{\"stair\": \"Stair A\"}"));
  cJSON *st = cJSON_AddArrayToObject(p, "stairs");
  char js[128];
  snprintf(js, sizeof js,
           "{\"name\": \"Stair A\", \"width_m\": %g, \"flight_length_m\": %g}",
           STAIR_W, FLIGHT_M);
  cJSON_AddItemToArray(st, cJSON_Parse(js));
  return p;
}

/* Runs n adults (built-in profile: Weidmann speeds, Fruin stair factors)
 * from the corridor over the flight, down or up, and adds each one's
 * speed on the flight (10 m over its stair_enter..stair_exit time) to the
 * bin of the mean density on the flight while it was on it (people on
 * flights / (10 m x 2 m), sampled every 0.25 s). */
static void load_case(int n, int down, struct bins *b) {
  cJSON *sc = scenario_new(900);
  cJSON *out = cJSON_AddObjectToObject(sc, "output");
  cJSON_AddNumberToObject(out, "agents_every_s", 0.25);
  cJSON *occ = cJSON_AddArrayToObject(sc, "occupants");
  char g[128];
  snprintf(g, sizeof g,
           "{\"floor\": \"%s\", \"rect\": [1, 1, 30, 5], \"count\": %d}",
           down ? "2" : "1", n);
  cJSON_AddItemToArray(occ, cJSON_Parse(g));
  struct evac_model *m;
  struct evac_sim *sim =
      run_json(down ? "rimea13d" : "rimea13u", plan(down ? 1 : 0), sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_eq(r->evacuated, n);
  double *t0 = malloc((size_t)n * sizeof *t0);
  for (size_t i = 0; i < r->events.n; i++) {
    int a = r->events.agent[i];
    if (r->events.type[i] == EVAC_LOG_STAIR_ENTER)
      t0[a] = r->events.time_s[i];
    if (r->events.type[i] != EVAC_LOG_STAIR_EXIT)
      continue;
    double t1 = r->events.time_s[i], rho = 0.0;
    int k = 0;
    for (size_t s = 0; s < r->series.n; s++)
      if (r->series.time_s[s] >= t0[a] && r->series.time_s[s] <= t1) {
        rho += r->series.on_stairs[s] / (FLIGHT_M * STAIR_W);
        k++;
      }
    int bin = bin_of(k ? rho / k : 0.0);
    b->sum[bin] += FLIGHT_M / (t1 - t0[a]);
    b->n[bin]++;
  }
  free(t0);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* RiMEA 4.1.1 test 13: the stair fundamental diagram; moving down must be
 * faster than moving up in every density bin. Five loads (5 to 140 people
 * queued before the flight), the same people (same seed, so the same drawn
 * speeds) once down and once up; a bin is compared when it holds at least
 * 5 speeds in both directions, and at least two bins must be compared so
 * that the test covers more than free flow. */
Test(rimea, test13_stairs_down_faster_than_up) {
  static const int loads[] = {5, 20, 50, 100, 140};
  struct bins dn = {{0}, {0}}, up = {{0}, {0}};
  for (int k = 0; k < 5; k++) {
    load_case(loads[k], 1, &dn);
    load_case(loads[k], 0, &up);
  }
  int compared = 0;
  for (int b = 0; b < NBINS; b++) {
    double vd = dn.n[b] ? dn.sum[b] / dn.n[b] : NAN,
           vu = up.n[b] ? up.sum[b] / up.n[b] : NAN;
    cr_log_info("RiMEA 13: density >= %.1f p/m^2: down %.3f m/s (%d), up "
                "%.3f m/s (%d)",
                bin_lo[b], vd, dn.n[b], vu, up.n[b]);
    if (dn.n[b] < 5 || up.n[b] < 5)
      continue;
    compared++;
    cr_expect(vd > vu,
              "RiMEA 13: at >= %.1f p/m^2 down %.3f m/s not faster than up "
              "%.3f m/s",
              bin_lo[b], vd, vu);
  }
  cr_expect_geq(compared, 2, "only %d density bins compared", compared);
}
