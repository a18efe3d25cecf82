/* RiMEA guideline 4.1.1 verification tests 1, 6, 7, 10 and 12, with the
 * guideline's criteria (see ../shared/references/evacuation.md). */
#include <criterion/criterion.h>
#include <math.h>

#include "evacsim.h"
#include "grid.h"
#include "model.h"
#include "result.h"
#include "support.h"

/* A 2 m x 40 m corridor (0.4 m cells: 5 x 100) with an exit at its east
 * end; one person of the given speed starts at its west end. */
static double corridor_time(const char *tag, double speed) {
  struct grid g = grid_new(102, 7);
  grid_fill(&g, 1, 1, 100, 5, '.');
  grid_fill(&g, 101, 1, 101, 5, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *sc = scenario_new(200);
  char sp[32];
  snprintf(sp, sizeof sp, "%g", speed);
  add_profile(sc, "walker", sp);
  add_group(sc, 1, 3, 1, 3, "walker", 1, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json(tag, plan_new(0.4, floors), sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_eq(r->evacuated, 1);
  double t = r->agents.exit_time_s[0];
  evac_sim_free(sim);
  evac_model_free(m);
  return t;
}

/* RiMEA 1: 40 m at 1.33 m/s must take 26..34 s. The walk is 100 cells of
 * 0.4 m, so the model's own answer is 40 / 1.33 = 30.08 s. */
Test(rimea, test1_corridor_travel_time) {
  double t = corridor_time("rimea1", 1.33);
  cr_expect(t >= 26.0 && t <= 34.0, "RiMEA 1: %.2f s not in 26..34 s", t);
  cr_expect(fabs(t - 40.0 / 1.33) < 0.05, "%.3f s vs 30.08 s", t);
}

/* IMO MSC.1/Circ.1533 test 1 and NIST TN 1822 test 2.1: 40 m at 1 m/s in
 * 40 s; the measured speed 1.0 +- 0.05 m/s. */
Test(rimea, imo1_nist21_corridor_speed) {
  double t = corridor_time("imo1", 1.0);
  cr_expect(fabs(t - 40.0) < 0.05, "IMO 1: %.3f s vs 40 s", t);
  cr_expect(fabs(40.0 / t - 1.0) <= 0.05, "NIST 2.1: %.4f m/s", 40.0 / t);
}

/* RiMEA 6: 20 persons walk round a left corner (arm 12 x 2 m, then 2 x 10 m)
 * and must never stand inside the wall block; checked every 0.1 s, also for
 * diagonal steps that would cut the corner. */
Test(rimea, test6_corner_no_wall_crossing) {
  /* 0.4 m cells: horizontal arm x 1..30, y 26..30; vertical arm x 26..30,
   * y 1..30; exit across the top of the vertical arm. */
  struct grid g = grid_new(32, 32);
  grid_fill(&g, 1, 26, 30, 30, '.');
  grid_fill(&g, 26, 1, 30, 30, '.');
  grid_fill(&g, 26, 0, 30, 0, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  cJSON *sc = scenario_new(300);
  cJSON *out = cJSON_AddObjectToObject(sc, "output");
  cJSON_AddNumberToObject(out, "agents_every_s", 0.1);
  add_group(sc, 1, 26, 15, 30, "adult", 20, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json("rimea6", plan_new(0.4, floors), sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_expect_eq(r->evacuated, 20, "all reach the exit: %d", r->evacuated);
  const struct evac_result_traj *t = &r->traj;
  int inside = 0, cut = 0, checked = 0;
  for (size_t k = 0; k < t->n; k++)
    for (int a = 0; a < 20; a++) {
      size_t i = k * 20 + (size_t)a;
      int x = (int)(t->pos_m[2 * i] / 0.4),
          y = (int)(t->pos_m[2 * i + 1] / 0.4);
      inside += g.c[y * g.nx + x] == '#';
      checked++;
      if (k == 0)
        continue;
      size_t j = i - 20;
      int px = (int)(t->pos_m[2 * j] / 0.4),
          py = (int)(t->pos_m[2 * j + 1] / 0.4);
      if (abs(px - x) == 1 && abs(py - y) == 1)
        cut += g.c[py * g.nx + x] == '#' || g.c[y * g.nx + px] == '#';
    }
  cr_expect_eq(inside, 0, "%d of %d positions inside walls", inside, checked);
  cr_expect_eq(cut, 0, "%d diagonal steps cut a wall corner", cut);
  cr_expect_gt(checked, 20 * 50);
  free(g.c);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* Lanes: n one-cell-wide lanes of 30 cells (12 m) ending in an exit, one
 * person per lane, so each walks free; returns the speeds they reached
 * (12 m / exit time; pre-movement is 0). */
static double *lane_speeds(const char *tag, const char *speed_json, int n) {
  struct grid g = grid_new(33, 2 * n + 1);
  for (int i = 0; i < n; i++) {
    grid_fill(&g, 1, 2 * i + 1, 30, 2 * i + 1, '.');
    grid_fill(&g, 31, 2 * i + 1, 31, 2 * i + 1, 'E');
  }
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *sc = scenario_new(300);
  add_profile(sc, "group", speed_json);
  for (int i = 0; i < n; i++)
    add_group(sc, 1, 2 * i + 1, 1, 2 * i + 1, "group", 1, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json(tag, plan_new(0.4, floors), sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_eq(r->evacuated, n);
  double *v = malloc((size_t)n * sizeof *v);
  for (int i = 0; i < n; i++)
    v[i] = 30 * 0.4 / r->agents.exit_time_s[i];
  evac_sim_free(sim);
  evac_model_free(m);
  return v;
}

/* RiMEA 7: speeds of each demographic group within its range (RiMEA 4.1.1
 * after Weidmann). Each speed is reached to within tick rounding: 30 moves
 * of about 0.3 s, each rounded to 1 ms, so 0.5 % is allowed. */
Test(rimea, test7_demographic_speeds_in_range) {
  struct {
    const char *name;
    double lo, hi;
  } grp[] = {{"under 30", 0.58, 1.61},
             {"30 to 50", 1.41, 1.54},
             {"over 50", 0.68, 1.41},
             {"impaired", 0.46, 0.76}};
  for (int k = 0; k < 4; k++) {
    char js[96];
    snprintf(js, sizeof js, "{\"dist\": \"uniform\", \"min\": %g, \"max\": %g}",
             grp[k].lo, grp[k].hi);
    double *v = lane_speeds("rimea7", js, 50);
    double lo = INFINITY, hi = 0;
    for (int i = 0; i < 50; i++)
      lo = fmin(lo, v[i]), hi = fmax(hi, v[i]);
    cr_expect(lo >= grp[k].lo * 0.995 && hi <= grp[k].hi * 1.005,
              "RiMEA 7 %s: speeds %.3f..%.3f outside %.2f..%.2f", grp[k].name,
              lo, hi, grp[k].lo, grp[k].hi);
    cr_expect(hi - lo > 0.5 * (grp[k].hi - grp[k].lo),
              "%s: speeds should spread over the range", grp[k].name);
    free(v);
  }
}

/* NIST TN 1822 test 2.4: 100 agents with v0 ~ N(1.2, 0.2) reproduce the
 * distribution: sample mean within 2 standard errors (0.04) and sd within
 * 20 %. */
Test(rimea, nist24_speed_distribution) {
  double *v = lane_speeds(
      "nist24", "{\"dist\": \"normal\", \"mean\": 1.2, \"sd\": 0.2}", 100);
  double s = 0, s2 = 0;
  for (int i = 0; i < 100; i++)
    s += v[i], s2 += v[i] * v[i];
  double mean = s / 100, sd = sqrt(s2 / 100 - mean * mean);
  cr_expect(fabs(mean - 1.2) < 0.04, "mean %.3f", mean);
  cr_expect(fabs(sd - 0.2) < 0.04, "sd %.3f", sd);
  free(v);
}

/* RiMEA 10: 12 rooms on a corridor, 23 persons; rooms 1-4 and 7-10 use the
 * main exit, the others the secondary one; 100 % must use their assigned
 * exit. The main exit is at the far (east) end, so people of rooms 1-4
 * must walk past the secondary exit to keep to it. */
Test(rimea, test10_assigned_exits) {
  /* 0.4 m cells; rooms 10 x 10 cells, corridor y 12..16 */
  struct grid g = grid_new(64, 29);
  grid_fill(&g, 1, 12, 62, 16, '.');
  grid_fill(&g, 0, 12, 0, 16, 'S');   /* secondary exit, west */
  grid_fill(&g, 63, 12, 63, 16, 'M'); /* main exit, east */
  for (int i = 0; i < 6; i++) {
    int x0 = 1 + 10 * i + i / 3; /* leave wall columns between rooms */
    grid_fill(&g, x0, 1, x0 + 8, 10, '.');
    grid_fill(&g, x0 + 3, 11, x0 + 5, 11, 'D');
    grid_fill(&g, x0, 18, x0 + 8, 27, '.');
    grid_fill(&g, x0 + 3, 17, x0 + 5, 17, 'D');
  }
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  cJSON *plan = plan_new(0.4, floors);
  cJSON *legend = cJSON_AddObjectToObject(plan, "legend");
  cJSON_AddItemToObject(legend, "S", cJSON_Parse("{\"exit\": \"Secondary\"}"));
  cJSON_AddItemToObject(legend, "M", cJSON_Parse("{\"exit\": \"Main\"}"));
  cJSON *sc = scenario_new(600);
  static const int per_room[12] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1};
  int total = 0;
  for (int room = 0; room < 12; room++) {
    int i = room % 6, north = room < 6;
    int x0 = 1 + 10 * i + i / 3, y0 = north ? 1 : 18;
    int main_exit = (room % 6) < 4; /* rooms 1-4 and 7-10 */
    add_group(sc, x0, y0, x0 + 8, y0 + 9, "adult", per_room[room],
              main_exit ? "Main" : "Secondary");
    total += per_room[room];
  }
  cr_assert_eq(total, 23);
  struct evac_model *m;
  struct evac_sim *sim = run_json("rimea10", plan, sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_expect_eq(r->evacuated, 23);
  int main_f = evac_model_feature(m, "Main"),
      sec_f = evac_model_feature(m, "Secondary");
  int a = 0, right = 0;
  for (int room = 0; room < 12; room++)
    for (int k = 0; k < per_room[room]; k++, a++)
      right += r->agents.safe_place[a] == ((room % 6) < 4 ? main_f : sec_f);
  cr_expect_eq(right, 23, "RiMEA 10: %d of 23 used their assigned exit", right);
  free(g.c);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* Flow (persons/s) through a measure line: (n - 1) over the time from the
 * first to the last crossing. */
static double line_flow(const struct evac_result_measure *me) {
  if (me->n < 2)
    return 0.0;
  return (double)(me->n - 1) / (me->time_s[me->n - 1] - me->time_s[0]);
}

/* RiMEA 12: room 10 x 10 m, corridor 5 x 1 m, room 10 x 10 m, 1 m exit,
 * 150 persons: the flow out of the corridor must not be above the flow
 * into it. 0.5 m cells so that 1 m is two cells. */
Test(rimea, test12_bottleneck_flow) {
  struct grid g = grid_new(53, 22);
  grid_fill(&g, 1, 1, 20, 20, '.');   /* room 1 */
  grid_fill(&g, 21, 10, 30, 11, '.'); /* corridor 5 x 1 m */
  grid_fill(&g, 31, 1, 50, 20, '.');  /* room 2 */
  grid_fill(&g, 51, 10, 51, 11, 'E'); /* 1 m exit */
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  cJSON *plan = plan_new(0.5, floors);
  cJSON *ms = cJSON_AddArrayToObject(plan, "measures");
  cJSON_AddItemToArray(ms, cJSON_Parse("{\"name\": \"in\", \"floor\": \"1\", "
                                       "\"line\": [21, 10, 21, 11]}"));
  cJSON_AddItemToArray(ms, cJSON_Parse("{\"name\": \"out\", \"floor\": \"1\", "
                                       "\"line\": [30, 10, 30, 11]}"));
  cJSON *sc = scenario_new(900);
  add_group(sc, 1, 1, 12, 20, "adult", 150, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json("rimea12", plan, sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_expect_eq(r->evacuated, 150);
  double fin = line_flow(&r->measures[0]), fout = line_flow(&r->measures[1]);
  cr_expect_eq(r->measures[0].n, 150);
  cr_expect_eq(r->measures[1].n, 150);
  cr_expect(fout <= fin, "RiMEA 12: out %.3f p/s > in %.3f p/s", fout, fin);
  cr_expect(fin <= 1.3 * 1.0 + 1e-9, "corridor inflow %.3f above 1.3 p/s", fin);
  cr_log_info("RiMEA 12: in %.3f p/s, out %.3f p/s", fin, fout);
  evac_sim_free(sim);
  evac_model_free(m);
}

/* RiMEA 5 / IMO 5: 10 persons in an 8 x 5 m room with a 1 m exit, response
 * times uniform in 10..100 s: each must start moving at its drawn time
 * (to the engine's 1 ms tick), and the drawn times must spread over the
 * range. */
Test(rimea, test5_premovement_times) {
  cJSON *sc = scenario_new(600);
  add_responder(sc, "{\"dist\": \"uniform\", \"min\": 10, \"max\": 100}");
  add_group(sc, 1, 1, 20, 13, "responder", 10, NULL);
  struct evac_model *m;
  struct evac_sim *sim =
      run_json("rimea5", plan_new(0.4, room_8x5_floors()), sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_expect_eq(r->evacuated, 10);
  int started = 0;
  double lo = INFINITY, hi = 0;
  for (size_t i = 0; i < r->events.n; i++) {
    if (r->events.type[i] != EVAC_LOG_START)
      continue;
    int a = r->events.agent[i];
    double drawn = r->agents.premovement_s[a];
    cr_expect(fabs(r->events.time_s[i] - drawn) <= 0.0005,
              "agent %d starts at %.4f s, drew %.4f s", a, r->events.time_s[i],
              drawn);
    cr_expect(drawn >= 10 && drawn <= 100, "drawn %.2f s", drawn);
    lo = fmin(lo, drawn);
    hi = fmax(hi, drawn);
    started++;
  }
  cr_expect_eq(started, 10);
  cr_expect_gt(hi - lo, 40.0, "times spread over the range: %.1f..%.1f", lo,
               hi);
  evac_sim_free(sim);
  evac_model_free(m);
}
