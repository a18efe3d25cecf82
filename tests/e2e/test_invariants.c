/* Invariants across many random runs: small wards drawn at random (sizes,
 * doors, corridor, exits or a refuge, floor level), random occupants
 * (walkers, elderly, wheelchair users, bedridden patients), staff, fires,
 * a few hazards and seeds, each run through the library and checked:
 *
 * - at every sample the counters agree with the agents' states
 *   (evacuated = people in state safe, incapacitated = in state
 *   incapacitated), none is negative, and evacuated + incapacitated +
 *   remaining = occupants;
 * - incapacitated never goes down, and evacuated only where a compartment
 *   was given up (an escalate event: people leave a refuge);
 * - an incapacitated person never moves again and is logged once, with no
 *   event after it;
 * - at the end evacuated + incapacitated + trapped + not out = occupants,
 *   every evacuated person has a safe place (an exit, a refuge or the
 *   brigade's ladder), and RSET is the last survivor's time;
 * - a run that ends before its duration with people on their way ends
 *   gridlocked, and says so;
 * - for some runs, the file's /summary, `evacsim info` and the last row of
 *   /timeseries agree.
 *
 * EVAC_INVARIANT_RUNS sets the number of runs (default 100; a CI sweep may
 * ask for 2000). */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "result.h"
#include "support.h"
#include "verification/grid.h"

/* What a random case drew. */
struct draw {
  int w, h, corridor; /* ward and corridor size, cells */
  int fire, strategy_horizontal;
  double duration_s;
};

/* Adds an occupant group of count people of profile in rect. */
static void group(cJSON *sc, const char *key, int x0, int y0, int x1, int y1,
                  const char *profile, int count) {
  if (count <= 0)
    return;
  cJSON *arr = cJSON_GetObjectItem(sc, key);
  if (!arr)
    arr = cJSON_AddArrayToObject(sc, key);
  cJSON *g = cJSON_CreateObject();
  cJSON_AddStringToObject(g, "floor", "1");
  int r[4] = {x0, y0, x1, y1};
  cJSON_AddItemToObject(g, "rect", cJSON_CreateIntArray(r, 4));
  if (profile)
    cJSON_AddStringToObject(g, "profile", profile);
  cJSON_AddNumberToObject(g, "count", count);
  cJSON_AddItemToArray(arr, g);
}

/* Draws case k: plan and scenario JSON (malloc'd). */
static void draw_case(int k, char **plan_text, char **scen_text,
                      struct draw *d) {
  uint64_t x = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)k * 0xD1B54A32D192ED03ULL);
  for (int i = 0; i < 4; i++)
    evac_test_next(&x);
  d->w = evac_test_pick(&x, 8, 24);
  d->h = evac_test_pick(&x, 5, 12);
  d->corridor = evac_test_pick(&x, 2, 7);
  int door = evac_test_pick(&x, 1, 4),
      dx = evac_test_pick(&x, 1, d->w - door + 1);
  int nx = d->w + 2, ny = d->h + d->corridor + 3, cy = d->h + 2;
  struct grid g = grid_new(nx, ny);
  grid_fill(&g, 1, 1, d->w, d->h, '.');
  grid_fill(&g, dx, d->h + 1, dx + door - 1, d->h + 1, 'D');
  grid_fill(&g, 1, cy, d->w, cy + d->corridor - 1, '.');
  grid_fill(&g, d->w + 1, cy, d->w + 1, cy + d->corridor - 1, 'E');
  d->strategy_horizontal = evac_test_pick(&x, 0, 4) == 0;
  if (d->strategy_horizontal) /* a refuge at the corridor's west end */
    grid_fill(&g, 1, cy, 2, cy + d->corridor - 1, 'R');
  else if (evac_test_pick(&x, 0, 2) == 0)
    grid_fill(&g, 0, cy, 0, cy + d->corridor - 1, 'E');
  double level = evac_test_pick(&x, 0, 2) == 0 ? 4.0 : 0.0;
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", level));
  free(g.c);
  cJSON *plan = plan_new(0.5, floors);
  cJSON *sys = cJSON_AddObjectToObject(plan, "systems");
  cJSON *br = cJSON_AddObjectToObject(sys, "brigade");
  cJSON_AddNumberToObject(br, "arrival_s", evac_test_pick(&x, 30, 300));

  d->duration_s = evac_test_pick(&x, 120, 400);
  cJSON *sc = scenario_new(d->duration_s);
  if (d->strategy_horizontal)
    cJSON_AddStringToObject(sc, "strategy", "horizontal");
  int cells = d->w * d->h, left = cells - 2;
  /* frail: bedridden, incapacitated by a small dose (in smoke still
   * tenable by the route test), so that staff meet incapacitated patients */
  cJSON *pr = cJSON_AddObjectToObject(sc, "profiles");
  cJSON *frail = cJSON_AddObjectToObject(pr, "frail");
  cJSON_AddStringToObject(frail, "base", "bedridden");
  cJSON_AddNumberToObject(frail, "fed_threshold",
                          0.01 * evac_test_pick(&x, 1, 5));
  static const char *const profiles[] = {"adult", "elderly", "wheelchair",
                                         "bedridden", "frail"};
  static const int most[] = {15, 6, 3, 8, 6};
  for (int p = 0; p < 5; p++) {
    int n = evac_test_pick(&x, 0, most[p]);
    n = n < left ? n : left;
    group(sc, "occupants", 1, 1, d->w, d->h, profiles[p], n);
    left -= n;
  }
  int staff = evac_test_pick(&x, 0, 3);
  if (evac_test_pick(&x, 0, 1))
    group(sc, "staff", 1, 1, d->w, d->h, NULL, staff < left ? staff : left);
  else
    group(sc, "staff", 1, cy, d->w, cy + d->corridor - 1, NULL, staff);
  d->fire = evac_test_pick(&x, 0, 4) < 3;
  if (d->fire) {
    static const char *const growth[] = {"medium", "fast", "ultrafast"};
    cJSON *f = cJSON_AddObjectToObject(sc, "fire");
    cJSON_AddStringToObject(f, "floor", "1");
    int at[2] = {evac_test_pick(&x, 1, d->w), evac_test_pick(&x, 1, d->h)};
    cJSON_AddItemToObject(f, "at", cJSON_CreateIntArray(at, 2));
    cJSON_AddStringToObject(f, "growth", growth[evac_test_pick(&x, 0, 2)]);
    cJSON_AddNumberToObject(f, "peak_kw", evac_test_pick(&x, 300, 3000));
  } else if (evac_test_pick(&x, 0, 1)) {
    cJSON_AddItemToObject(sc, "timeline",
                          cJSON_Parse("[{\"t_s\": 5, \"do\": \"alarm\"}]"));
  }
  cJSON *hz = cJSON_CreateArray();
  if (evac_test_pick(&x, 0, 3) == 0)
    cJSON_AddItemToArray(
        hz, cJSON_Parse("{\"id\": \"A\", \"type\": \"alarm_delayed\"}"));
  if (evac_test_pick(&x, 0, 4) == 0)
    cJSON_AddItemToArray(hz, cJSON_Parse("{\"id\": \"W\", \"type\": "
                                         "\"window_grilles\", \"floors\": "
                                         "[\"1\"]}"));
  if (evac_test_pick(&x, 0, 4) == 0)
    cJSON_AddItemToArray(hz, cJSON_Parse("{\"id\": \"L\", \"type\": "
                                         "\"emergency_lighting_failed\", "
                                         "\"floors\": [\"1\"]}"));
  cJSON_AddItemToObject(sc, "hazards", hz);
  cJSON_AddItemToObject(sc, "output", cJSON_Parse("{\"agents_every_s\": 2}"));
  *plan_text = json_take(plan);
  *scen_text = json_take(sc);
}

/* 1 if an escalate event lies in [t0, t1): a sample is taken before the
 * other events of its tick. */
static int escalated(const struct evac_result *r, double t0, double t1) {
  for (size_t i = 0; i < r->events.n; i++)
    if (r->events.type[i] == EVAC_LOG_ESCALATE && r->events.time_s[i] >= t0 &&
        r->events.time_s[i] < t1)
      return 1;
  return 0;
}

/* The checks on the counters, trajectories and event log of one run. */
static void check_run(int k, const struct draw *d,
                      const struct evac_result *r) {
  const int n = r->occupants;
  const struct evac_result_series *s = &r->series;
  const struct evac_result_traj *t = &r->traj;
  cr_assert_eq(s->n, t->n, "case %d: samples differ", k);
  cr_assert_gt(s->n, 0, "case %d: no samples", k);
  for (size_t i = 0; i < s->n; i++) {
    int safe = 0, incap = 0;
    for (int a = 0; a < n; a++) {
      int8_t st = t->state[i * (size_t)n + a];
      safe += st == EVAC_STATE_SAFE;
      incap += st == EVAC_STATE_INCAPACITATED;
    }
    cr_assert(s->evacuated[i] >= 0 && s->incapacitated[i] >= 0 &&
                  s->remaining[i] >= 0,
              "case %d, t %g: negative count %d %d %d", k, s->time_s[i],
              s->evacuated[i], s->incapacitated[i], s->remaining[i]);
    cr_assert_eq(s->evacuated[i] + s->incapacitated[i] + s->remaining[i], n,
                 "case %d, t %g", k, s->time_s[i]);
    cr_assert_eq(s->evacuated[i], safe,
                 "case %d, t %g: evacuated %d, %d in state safe", k,
                 s->time_s[i], s->evacuated[i], safe);
    cr_assert_eq(s->incapacitated[i], incap,
                 "case %d, t %g: incapacitated %d, %d in that state", k,
                 s->time_s[i], s->incapacitated[i], incap);
    if (i == 0)
      continue;
    cr_assert_geq(s->incapacitated[i], s->incapacitated[i - 1],
                  "case %d, t %g: incapacitated went down", k, s->time_s[i]);
    cr_assert(s->evacuated[i] >= s->evacuated[i - 1] ||
                  escalated(r, s->time_s[i - 1], s->time_s[i]),
              "case %d, t %g: evacuated went down %d -> %d with no refuge "
              "given up",
              k, s->time_s[i], s->evacuated[i - 1], s->evacuated[i]);
  }
  /* an incapacitated person never moves or changes state again */
  for (int a = 0; a < n; a++) {
    size_t from = t->n;
    for (size_t i = 0; i < t->n && from == t->n; i++)
      if (t->state[i * (size_t)n + a] == EVAC_STATE_INCAPACITATED)
        from = i;
    for (size_t i = from + 1; i < t->n; i++) {
      size_t p = i * (size_t)n + a, q = from * (size_t)n + a;
      cr_assert(t->state[p] == EVAC_STATE_INCAPACITATED &&
                    t->pos_m[2 * p] == t->pos_m[2 * q] &&
                    t->pos_m[2 * p + 1] == t->pos_m[2 * q + 1] &&
                    t->floor[p] == t->floor[q],
                "case %d: agent %d moved after its incapacitation", k, a);
    }
  }
  /* logged once, nothing after it */
  int *incap_at = malloc(((size_t)n + 1) * sizeof *incap_at);
  for (int a = 0; a < n; a++)
    incap_at[a] = -1;
  for (size_t i = 0; i < r->events.n; i++) {
    int a = r->events.agent[i];
    if (a < 0)
      continue;
    cr_assert(incap_at[a] < 0,
              "case %d: agent %d has a %s event after its "
              "incapacitation",
              k, a, evac_event_type_name(r->events.type[i]));
    if (r->events.type[i] == EVAC_LOG_INCAPACITATED)
      incap_at[a] = (int)i;
  }
  for (int a = 0; a < n; a++)
    cr_assert_eq(incap_at[a] >= 0, r->agents.incapacitated[a] == 1,
                 "case %d: agent %d", k, a);
  free(incap_at);
  /* the end: the split adds up; the last row is the summary */
  cr_assert(r->trapped >= 0 && r->not_out >= 0 && r->gridlocked >= 0 &&
                r->gridlocked <= r->not_out,
            "case %d: trapped %d, not out %d, gridlocked %d", k, r->trapped,
            r->not_out, r->gridlocked);
  cr_assert_eq(r->evacuated + r->incapacitated + r->trapped + r->not_out, n,
               "case %d: %d + %d + %d + %d != %d", k, r->evacuated,
               r->incapacitated, r->trapped, r->not_out, n);
  cr_assert_eq(s->evacuated[s->n - 1], r->evacuated, "case %d", k);
  cr_assert_eq(s->incapacitated[s->n - 1], r->incapacitated, "case %d", k);
  cr_assert_eq(s->remaining[s->n - 1], r->remaining, "case %d", k);
  int placed = 0; /* every safe person has a safe place: exit, refuge or
                     ladder */
  for (int a = 0; a < n; a++)
    placed += r->agents.safe_place[a] != -1;
  cr_assert_eq(placed, r->evacuated, "case %d: %d safe places, %d evacuated", k,
               placed, r->evacuated);
  double last = -1.0;
  for (int a = 0; a < n; a++)
    if (!isnan(r->agents.exit_time_s[a]))
      last = fmax(last, r->agents.exit_time_s[a]);
  cr_assert(last < 0 ? isnan(r->rset_s) : r->rset_s == last,
            "case %d: RSET %g, last survivor %g", k, r->rset_s, last);
  cr_assert(isnan(r->rset_s) || r->rset_p95_s <= r->rset_s, "case %d", k);
  /* no silent gridlock: ending early with people on their way is one */
  int on_way = 0;
  for (int a = 0; a < n; a++) {
    int8_t st = t->state[(t->n - 1) * (size_t)n + a];
    on_way += st == EVAC_STATE_MOVING || st == EVAC_STATE_STAIR;
  }
  if (r->end_time_s < d->duration_s - 1e-9)
    cr_assert_eq(r->gridlocked, on_way,
                 "case %d: ended at %g s with %d on their way, gridlocked %d",
                 k, r->end_time_s, on_way, r->gridlocked);
  cr_assert_eq(r->gridlocked > 0, !isnan(r->gridlock_time_s), "case %d", k);
}

/* The value of the int32 /summary attribute name of file f. */
static int summary_int(hid_t f, const char *name) {
  int32_t v = -999;
  hid_t a = H5Aopen_by_name(f, "/summary", name, H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(a, 0, "no /summary %s", name);
  H5Aread(a, H5T_NATIVE_INT32, &v);
  H5Aclose(a);
  return v;
}

/* The last value of the int32 column path of file f. */
static int last_row(hid_t f, const char *path) {
  hid_t ds = H5Dopen2(f, path, H5P_DEFAULT), sp = H5Dget_space(ds);
  hsize_t len = 0;
  H5Sget_simple_extent_dims(sp, &len, NULL);
  int32_t *v = malloc((len + 1) * sizeof *v);
  H5Dread(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
  int out = len ? v[len - 1] : -999;
  free(v);
  H5Sclose(sp);
  H5Dclose(ds);
  return out;
}

/* The number on the `evacsim info` line labelled label, or -999. */
static int info_int(const char *text, const char *label) {
  size_t n = strlen(label);
  for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l)
    if (!strncmp(l, label, n) && l[n] == ' ') {
      int v;
      return sscanf(l + n, "%d", &v) == 1 ? v : -999;
    }
  return -999;
}

/* Writes run k's file and compares /summary, `evacsim info` and the last
 * row of /timeseries with the result. */
static void check_file(int k, struct evac_sim *sim,
                       const struct evac_result *r) {
  char path[600], cmd[700];
  snprintf(path, sizeof path, "%s/run%d.h5", evac_test_dir("invariants"), k);
  struct evac_diag d;
  evac_diag_init(&d);
  cr_assert_eq(evac_sim_write(sim, path, &d), EVAC_OK, "case %d: write", k);
  evac_diag_free(&d);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  static const char *const names[] = {"evacuated", "incapacitated",
                                      "remaining", "trapped",
                                      "not_out",   "gridlocked"};
  static const char *const labels[] = {"evacuated", "incapacitated",
                                       "remaining", "  trapped",
                                       "  not out", "gridlocked"};
  const int want[] = {r->evacuated, r->incapacitated, r->remaining,
                      r->trapped,   r->not_out,       r->gridlocked};
  char *out = NULL;
  snprintf(cmd, sizeof cmd, "info %s", path);
  cr_assert_eq(evac_test_cli(cmd, &out), 0, "case %d: info", k);
  for (int i = 0; i < 6; i++) {
    cr_assert_eq(summary_int(f, names[i]), want[i], "case %d: /summary %s", k,
                 names[i]);
    cr_assert_eq(info_int(out, labels[i]), want[i], "case %d: info %s\n%s", k,
                 labels[i], out);
  }
  cr_assert_eq(last_row(f, "/timeseries/evacuated"), r->evacuated);
  cr_assert_eq(last_row(f, "/timeseries/incapacitated"), r->incapacitated);
  cr_assert_eq(last_row(f, "/timeseries/remaining"), r->remaining);
  free(out);
  H5Fclose(f);
}

Test(invariants, random_wards, .timeout = 600) {
  const char *env = getenv("EVAC_INVARIANT_RUNS");
  int runs = env && atoi(env) > 0 ? atoi(env) : 100;
  int fires = 0, incap = 0, ladder = 0, horizontal = 0;
  for (int k = 0; k < runs; k++) {
    char *plan, *scen;
    struct draw d;
    draw_case(k, &plan, &scen, &d);
    struct evac_model *m;
    char tag[32];
    snprintf(tag, sizeof tag, "inv%d", k % 8);
    struct evac_sim *sim = evac_test_run(tag, plan, scen, (unsigned)k + 1, &m);
    cr_assert_not_null(sim, "case %d did not run:\n%s\n%s", k, plan, scen);
    const struct evac_result *r = evac_sim_result(sim);
    check_run(k, &d, r);
    if (k % 10 == 0)
      check_file(k, sim, r);
    fires += d.fire;
    horizontal += d.strategy_horizontal;
    incap += r->incapacitated > 0;
    for (int a = 0; a < r->occupants; a++)
      if (r->agents.safe_place[a] == EVAC_SAFE_LADDER) {
        ladder++;
        break;
      }
    evac_sim_free(sim);
    evac_model_free(m);
    free(plan);
    free(scen);
  }
  cr_log_info("%d runs: %d with fire, %d with casualties, %d with ladder "
              "rescues, %d horizontal",
              runs, fires, incap, ladder, horizontal);
  /* the draw must reach the cases the invariants are about */
  cr_expect(incap > 0 && ladder > 0 && horizontal > 0,
            "casualties %d, ladder %d, horizontal %d", incap, ladder,
            horizontal);
}
