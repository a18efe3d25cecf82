/* Identical simulations (docs/ranking.md, "Identical simulations"): rank
 * simulates a replication once when two variants give the engine the same
 * inputs with the same fire (fingerprint.h), and copies the outcome.
 *
 * same_inputs_same_outcome: random towers (2 or 3 floors, a ward and a
 * corridor on each, sometimes a fire lift, bedridden patients and staff,
 * random systems, 1 to 3 weighted fires, 4 hazards drawn from a pool where
 * some cannot act in the building drawn): every variant
 * (every subset of the hazards fixed) with every fire it has is
 * fingerprinted, and wherever two share the canonical inputs, both are
 * simulated and their outcomes and harm counts must be bit-identical.
 * Enough such pairs must occur, and inputs must also differ, for the check
 * to mean something.
 *
 * shared_smoke_same_outcomes: the replications of one variant and fire
 * run together on one fire and smoke simulation
 * (evac_replicate_run_group) get the outcomes and harm counts each gets
 * run alone, bit for bit, over random towers, every fire, no hazard fixed
 * and all fixed; the replications must differ among themselves for the
 * check to mean something.
 *
 * shared_smoke_across_variants: replications of different variants whose
 * fire and smoke inputs are the same (evac_fingerprint_physics: they differ
 * only in what the occupants alone read) run together on one fire and smoke
 * simulation get the outcomes and harm counts each gets run alone, bit for
 * bit, over random towers and every fire; enough such groups must mix
 * variants whose whole inputs differ, and their outcomes must differ, for
 * the check to mean something.
 *
 * group_cap_follows_memory: the largest group rank forms
 * (evac_replicate_group_cap) is the largest whose estimate fits the memory
 * available, within [least, EVAC_REPLICATE_GROUP_MAX].
 *
 * group_without_fire: evac_sim_run_group on a building without a fire runs
 * each simulation as evac_sim_run does (there is no smoke to share).
 *
 * ranking_unchanged_by_reuse: a ranking with the reuse and without it (1
 * and 2 threads) holds the same outcomes, bit for bit, and the same list;
 * it reuses replications, and its counts add up (also as printed and
 * stored by the CLI). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fingerprint.h"
#include "memory.h"
#include "model.h"
#include "rank.h"
#include "replicate.h"
#include "support.h"
#include "verification/grid.h"

/* Hazards a case draws from; "%d" is a floor name. */
static const char *const pool[] = {
    "{\"type\": \"sprinkler_inoperative\", \"floors\": [\"%d\"]}",
    "{\"type\": \"combustible_insulation\", \"floors\": [\"%d\"]}",
    "{\"type\": \"electrical_overload\", \"target\": \"Ward %d\"}",
    "{\"type\": \"ebike_charging\", \"target\": \"Corridor %d\"}",
    "{\"type\": \"window_grilles\", \"floors\": [\"%d\"]}",
    "{\"type\": \"emergency_lighting_failed\", \"floors\": [\"%d\"]}",
    "{\"type\": \"micro_station_unready\"}",
    "{\"type\": \"smoke_control_failed\"}",
    "{\"type\": \"fire_lift_failed\"}",
    "{\"type\": \"fire_door_open\"}",
    "{\"type\": \"alarm_delayed\"}",
    "{\"type\": \"hydrant_dry\"}",
    "{\"type\": \"fire_lane_blocked\"}",
    "{\"type\": \"blocked_stair\", \"target\": \"Stair A\", "
    "\"floors\": [\"%d\"]}",
};
#define NPOOL (int)(sizeof pool / sizeof *pool)

/* Hazards a case lists. */
#define NHAZ 4

/* Writes random case k into a fresh folder; returns its scenario path
 * (malloc'd). */
static char *draw_case(int k) {
  uint64_t x =
      0x9E3779B97F4A7C15ULL ^ ((uint64_t)(k + 1) * 0xD1B54A32D192ED03ULL);
  for (int i = 0; i < 4; i++)
    evac_test_next(&x);
  int nfl = evac_test_pick(&x, 2, 3), w = evac_test_pick(&x, 8, 14),
      h = evac_test_pick(&x, 4, 7), cor = 2, cy = h + 2;
  int lift = evac_test_pick(&x, 0, 1), staffed = evac_test_pick(&x, 0, 1);
  cJSON *floors = cJSON_CreateArray(), *regions = cJSON_CreateArray();
  for (int f = 0; f < nfl; f++) {
    struct grid g = grid_new(w + 4, h + cor + 3);
    grid_fill(&g, 1, 1, w, h, '.');
    grid_fill(&g, 2, h + 1, 3, h + 1, 'D');
    grid_fill(&g, 1, cy, w, cy + cor - 1, '.');
    grid_fill(&g, w + 1, cy, w + 2, cy + cor - 1, 'A');
    if (f == 0)
      grid_fill(&g, w + 3, cy, w + 3, cy + cor - 1, 'E');
    if (lift) /* a fire lift below the corridor */
      grid_fill(&g, 4, cy + cor, 5, cy + cor, 'L');
    char name[16], text[160];
    snprintf(name, sizeof name, "%d", f + 1);
    cJSON_AddItemToArray(floors, grid_floor(&g, name, 3.0 * f));
    free(g.c);
    snprintf(text, sizeof text,
             "{\"name\": \"Ward %d\", \"floor\": \"%d\", \"kind\": \"ward\", "
             "\"rect\": [1, 1, %d, %d]}",
             f + 1, f + 1, w, h);
    cJSON_AddItemToArray(regions, cJSON_Parse(text));
    snprintf(text, sizeof text,
             "{\"name\": \"Corridor %d\", \"floor\": \"%d\", \"rect\": [1, "
             "%d, %d, %d]}",
             f + 1, f + 1, cy, w, cy + cor - 1);
    cJSON_AddItemToArray(regions, cJSON_Parse(text));
  }
  cJSON *plan = plan_new(0.5, floors);
  cJSON_AddItemToObject(
      plan, "legend",
      cJSON_Parse(lift ? "{\"A\": {\"stair\": \"Stair A\"}, \"L\": "
                         "{\"lift\": \"Fire lift\"}}"
                       : "{\"A\": {\"stair\": \"Stair A\"}}"));
  cJSON_AddItemToObject(
      plan, "stairs",
      cJSON_Parse("[{\"name\": \"Stair A\", \"width_m\": 1.2}]"));
  if (lift)
    cJSON_AddItemToObject(
        plan, "lifts",
        cJSON_Parse("[{\"name\": \"Fire lift\", \"fire_lift\": true, "
                    "\"beds\": 1, \"speed_m_s\": 1.5}]"));
  cJSON_AddItemToObject(plan, "regions", regions);
  cJSON *sys = cJSON_AddObjectToObject(plan, "systems");
  cJSON *br = cJSON_AddObjectToObject(sys, "brigade");
  cJSON_AddNumberToObject(br, "arrival_s", evac_test_pick(&x, 60, 400));
  if (evac_test_pick(&x, 0, 1)) {
    char text[64];
    snprintf(text, sizeof text, "{\"floors\": [\"%d\"]}",
             evac_test_pick(&x, 1, nfl));
    cJSON_AddItemToObject(sys, "sprinklers", cJSON_Parse(text));
  }
  if (evac_test_pick(&x, 0, 1))
    cJSON_AddItemToObject(sys, "detectors", cJSON_CreateObject());
  if (evac_test_pick(&x, 0, 2) == 0)
    cJSON_AddItemToObject(sys, "micro_station",
                          cJSON_Parse("{\"response_s\": 90}"));

  cJSON *sc = scenario_new(evac_test_pick(&x, 150, 300));
  if (evac_test_pick(&x, 0, 1))
    cJSON_AddItemToObject(sc, "smoke", cJSON_Parse("{\"model\": \"layer\"}"));
  cJSON *occ = cJSON_AddArrayToObject(sc, "occupants");
  static const char *const profiles[] = {"adult", "elderly", "wheelchair"};
  for (int f = 0; f < nfl; f++) {
    char text[160];
    snprintf(text, sizeof text,
             "{\"floor\": \"%d\", \"rect\": [1, 1, %d, %d], \"profile\": "
             "\"%s\", \"count\": %d}",
             f + 1, w, h, profiles[evac_test_pick(&x, 0, 2)],
             evac_test_pick(&x, 1, 6));
    cJSON_AddItemToArray(occ, cJSON_Parse(text));
    if (!staffed)
      continue;
    snprintf(text, sizeof text,
             "{\"floor\": \"%d\", \"rect\": [1, 1, %d, %d], \"profile\": "
             "\"bedridden\", \"count\": %d}",
             f + 1, w, h, evac_test_pick(&x, 0, 2));
    cJSON_AddItemToArray(occ, cJSON_Parse(text));
    snprintf(text, sizeof text,
             "{\"floor\": \"%d\", \"rect\": [1, %d, %d, %d], \"count\": "
             "%d}",
             f + 1, cy, w, cy + cor - 1, evac_test_pick(&x, 1, 2));
    cJSON *st = cJSON_GetObjectItem(sc, "staff");
    if (!st)
      st = cJSON_AddArrayToObject(sc, "staff");
    cJSON_AddItemToArray(st, cJSON_Parse(text));
  }
  static const char *const growth[] = {"medium", "fast", "ultrafast"};
  cJSON *fires = cJSON_AddArrayToObject(sc, "fires");
  int nfires = evac_test_pick(&x, 1, 3);
  for (int i = 0; i < nfires; i++) {
    char text[200];
    int ward = evac_test_pick(&x, 0, 1);
    snprintf(text, sizeof text,
             "{\"weight\": %d, \"floor\": \"%d\", \"at\": [%d, %d], "
             "\"growth\": \"%s\", \"peak_kw\": %d}",
             evac_test_pick(&x, 1, 4), evac_test_pick(&x, 1, nfl),
             evac_test_pick(&x, 4, w), ward ? evac_test_pick(&x, 1, h) : cy,
             growth[evac_test_pick(&x, 0, 2)], evac_test_pick(&x, 300, 2000));
    cJSON_AddItemToArray(fires, cJSON_Parse(text));
  }
  cJSON *hz = cJSON_AddArrayToObject(sc, "hazards");
  int used = 0;
  for (int i = 0; i < NHAZ; i++) {
    int p;
    do
      p = evac_test_pick(&x, 0, NPOOL - 1);
    while (used >> p & 1);
    used |= 1 << p;
    char text[200];
    snprintf(text, sizeof text, pool[p], evac_test_pick(&x, 1, nfl));
    cJSON *o = cJSON_Parse(text);
    snprintf(text, sizeof text, "H-%d", i + 1);
    cJSON_AddStringToObject(o, "id", text);
    cJSON_AddItemToArray(hz, o);
  }
  char tag[32];
  snprintf(tag, sizeof tag, "reuse-%d", k);
  char *d = strdup(evac_test_dir(tag));
  char *pt = json_take(plan), *st = json_take(sc);
  free(evac_test_write(d, "test.plan.json", pt));
  char *path = evac_test_write(d, "test.scenario.json", st);
  free(pt);
  free(st);
  free(d);
  return path;
}

/* The canonical inputs (physics: of the fire and smoke alone) of variant
 * fixed with stratum s's fire into *bytes, *n; 0 where the variant lacks the
 * fire. */
static int inputs_as(const char *path, const struct evac_model *listed,
                     uint64_t fixed, const struct evac_stratum *s, int physics,
                     unsigned char **bytes, size_t *n) {
  evac_fingerprint_variant(path, listed, fixed, s, physics, NULL, bytes, n);
  return *bytes != NULL;
}

/* inputs_as of the whole simulation. */
static int inputs(const char *path, const struct evac_model *listed,
                  uint64_t fixed, const struct evac_stratum *s,
                  unsigned char **bytes, size_t *n) {
  return inputs_as(path, listed, fixed, s, 0, bytes, n);
}

/* Simulates replication rep of variant fixed with fire s; fails the test
 * unless it runs. */
static void run(const char *path, const struct evac_model *listed,
                uint64_t fixed, const struct evac_stratum *s, int rep,
                struct evac_outcome *o, int32_t *harm) {
  cr_assert_eq(evac_replicate_run(path, listed, fixed, 42, rep, s,
                                  EVAC_OBJ_HARMED, o, harm),
               EVAC_OK, "%s variant %llx", path, (unsigned long long)fixed);
}

/* Loads the case at path as listed into *listed, and the strata of its
 * fires (every hazard present, as rank draws them) into s[16]; returns
 * their count. Fails the test unless both load. */
static int open_case(const char *path, struct evac_model **listed,
                     struct evac_stratum *s) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *all = NULL;
  cr_assert_eq(evac_model_load(path, &d, listed), EVAC_OK, "%s", path);
  cr_assert_eq(evac_replicate_load(path, *listed, 0, &d, &all), EVAC_OK, "%s",
               path);
  int ns = evac_replicate_strata(all, s, 16);
  evac_model_free(all);
  evac_diag_free(&d);
  return ns;
}

Test(reuse, same_inputs_same_outcome) {
  int pairs = 0, distinct = 0, variants = 0;
  for (int c = 0; c < 24; c++) {
    int here = 0; /* pairs simulated in this case (at most 12) */
    char *path = draw_case(c);
    struct evac_model *listed = NULL;
    struct evac_stratum s[16];
    int ns = open_case(path, &listed, s);
    int hw = EVAC_HARM_WIDTH(listed->nfloors);
    for (int k = 0; k < ns; k++) {
      unsigned char *b[1 << NHAZ] = {0};
      size_t n[1 << NHAZ];
      for (uint64_t v = 0; v < 1u << NHAZ; v++)
        if (!inputs(path, listed, v, &s[k], &b[v], &n[v]))
          b[v] = NULL;
      for (uint64_t v = 0; v < 1u << NHAZ; v++) {
        if (!b[v])
          continue;
        variants++;
        uint64_t u = 0; /* the first variant with the same inputs */
        while (u < v && !(b[u] && n[u] == n[v] && !memcmp(b[u], b[v], n[v])))
          u++;
        distinct += u == v;
        if (u == v || here == 12)
          continue;
        pairs++;
        here++;
        int rep = k * EVAC_STRATUM_STRIDE + (int)(v % 3);
        struct evac_outcome oa, ob;
        int32_t *ha = calloc((size_t)hw, sizeof *ha),
                *hb = calloc((size_t)hw, sizeof *hb);
        memset(&oa, 0x55, sizeof oa);
        memset(&ob, 0xAA, sizeof ob);
        run(path, listed, u, &s[k], rep, &oa, ha);
        run(path, listed, v, &s[k], rep, &ob, hb);
        cr_expect_eq(memcmp(&oa, &ob, sizeof oa), 0,
                     "case %d fire %d: variants %llx and %llx have the same "
                     "inputs but outcomes %g/%g/%g vs %g/%g/%g",
                     c, k, (unsigned long long)u, (unsigned long long)v,
                     oa.incapacitated, oa.trapped, oa.rset_s, ob.incapacitated,
                     ob.trapped, ob.rset_s);
        cr_expect_eq(memcmp(ha, hb, (size_t)hw * sizeof *ha), 0,
                     "case %d fire %d: harm counts of %llx and %llx differ", c,
                     k, (unsigned long long)u, (unsigned long long)v);
        free(ha);
        free(hb);
      }
      for (uint64_t v = 0; v < 1u << NHAZ; v++)
        free(b[v]);
    }
    evac_model_free(listed);
    free(path);
  }
  cr_log_info("%d variant-fire inputs, %d distinct, %d pairs simulated",
              variants, distinct, pairs);
  cr_expect_geq(pairs, 100, "too few equal inputs to test the reuse: %d",
                pairs);
  cr_expect_geq(distinct, variants / 4, "inputs hardly differ: %d of %d",
                distinct, variants);
}

/* Two storeys, two weighted fires; H-NULL (an unready micro station where
 * there is none) and H-PLUG (overloaded circuits in the ward of the first
 * fire: it only weighs that fire more) give the engine nothing new, H-STAIR
 * and H-ALARM do. */
static char *write_rank_case(void) {
  cJSON *plan = two_storey_stair_plan();
  cJSON_AddItemToObject(plan, "regions",
                        cJSON_Parse("[{\"name\": \"Ward 1\", \"floor\": \"1\", "
                                    "\"rect\": [1, 1, 18, 8]}]"));
  cJSON_AddItemToObject(plan, "systems",
                        cJSON_Parse("{\"detectors\": {\"floors\": \"all\"}}"));
  cJSON *sc = scenario_new(240);
  cJSON_AddItemToObject(sc, "smoke", cJSON_Parse("{\"model\": \"layer\"}"));
  cJSON_AddItemToObject(
      sc, "profiles",
      cJSON_Parse("{\"patient\": {\"base\": \"elderly\", \"premovement_s\": "
                  "{\"dist\": \"uniform\", \"min\": 0, \"max\": 120}}}"));
  cJSON_AddItemToObject(
      sc, "occupants",
      cJSON_Parse("[{\"floor\": \"2\", \"rect\": [1, 1, 18, 8], \"profile\": "
                  "\"patient\", \"count\": 12}]"));
  cJSON_AddItemToObject(
      sc, "fires",
      cJSON_Parse("[{\"weight\": 3, \"floor\": \"1\", \"at\": [9, 2], "
                  "\"growth\": \"medium\", \"peak_kw\": 500},"
                  " {\"weight\": 1, \"floor\": \"2\", \"at\": [3, 8], "
                  "\"growth\": \"fast\", \"peak_kw\": 1500}]"));
  cJSON_AddItemToObject(sc, "alarm", cJSON_Parse("{\"delay_s\": 30}"));
  cJSON_AddItemToObject(
      sc, "hazards",
      cJSON_Parse("[{\"id\": \"H-NULL\", \"type\": \"micro_station_unready\"},"
                  " {\"id\": \"H-ALARM\", \"type\": \"alarm_delayed\"},"
                  " {\"id\": \"H-PLUG\", \"type\": \"electrical_overload\", "
                  "\"target\": \"Ward 1\"},"
                  " {\"id\": \"H-STAIR\", \"type\": \"blocked_stair\", "
                  "\"target\": \"Stair A\", \"floors\": [\"2\"]}]"));
  char *d = strdup(evac_test_dir("reuse-rank"));
  char *p = json_take(plan), *s = json_take(sc);
  free(evac_test_write(d, "test.plan.json", p));
  char *path = evac_test_write(d, "test.scenario.json", s);
  free(p);
  free(s);
  free(d);
  return path;
}

static struct evac_ranking *rank(const char *path, int threads, int no_reuse) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_rank_opts o = {
      .reps = 8, .min_reps = 4, .threads = threads, .no_reuse = no_reuse};
  struct evac_ranking *r = NULL;
  int rc = evac_rank_run(path, &o, &d, &r);
  if (rc)
    evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  cr_assert_eq(rc, 0);
  return r;
}

/* 1 if rankings a and b hold the same variants, outcomes and list. */
static int same_ranking(const struct evac_ranking *a,
                        const struct evac_ranking *b) {
  if (a->nvariants != b->nvariants || a->runs != b->runs ||
      a->reps != b->reps || a->rounds != b->rounds)
    return 0;
  size_t w = (size_t)a->hwidth;
  for (int v = 0; v < a->nvariants; v++) {
    const struct evac_variant *x = &a->variants[v], *y = &b->variants[v];
    if (x->fixed != y->fixed || x->objective_mean != y->objective_mean ||
        x->rset_p95_s != y->rset_p95_s)
      return 0;
    for (int k = 0; k < a->nstrata; k++) {
      if (x->n[k] != y->n[k] ||
          memcmp(x->out[k], y->out[k], (size_t)x->n[k] * sizeof *x->out[k]) ||
          memcmp(x->harm[k], y->harm[k], (size_t)x->n[k] * w * sizeof(int32_t)))
        return 0;
    }
  }
  for (int i = 0; i < a->nrows; i++)
    if (memcmp(&a->rows[i], &b->rows[i], sizeof a->rows[i]))
      return 0;
  return 1;
}

Test(reuse, ranking_unchanged_by_reuse) {
  char *path = write_rank_case();
  struct evac_ranking *with1 = rank(path, 1, 0), *with2 = rank(path, 2, 0),
                      *without = rank(path, 2, 1);
  cr_expect(same_ranking(with1, without), "reuse changed the ranking");
  cr_expect(same_ranking(with2, without), "reuse on 2 threads changed it");
  cr_expect_eq(without->reused, 0);
  cr_expect_eq(with1->reused, with2->reused);
  /* H-NULL and H-PLUG change no input: both variants, and the same pair on
   * top of every later step's fix, copy every replication */
  cr_expect_geq(with1->reused, 2 * with1->reps, "reused %ld", with1->reused);
  cr_expect_lt(with1->reused, with1->runs);
  evac_ranking_free(with1);
  evac_ranking_free(with2);
  evac_ranking_free(without);

  /* the CLI: printed and stored counts add up */
  char args[4200], *out = NULL;
  snprintf(args, sizeof args, "rank %s --reps 4 --min-reps 4 -o %s.h5", path,
           path);
  cr_assert_eq(evac_test_cli(args, &out), 0, "%s", out ? out : "");
  long total, simulated, reused;
  const char *line = out ? strstr(out, " simulations: ") : NULL;
  cr_assert(line, "no simulations count in %s", out ? out : "");
  while (line > out && line[-1] != '(')
    line--;
  cr_assert_eq(sscanf(line, "%ld simulations: %ld run, %ld reused", &total,
                      &simulated, &reused),
               3, "%s", line);
  cr_expect_gt(reused, 0);
  cr_expect_eq(simulated + reused, total);
  free(out);
  snprintf(args, sizeof args, "info %s.h5", path);
  cr_assert_eq(evac_test_cli(args, &out), 0);
  char want[64];
  snprintf(want, sizeof want, "%ld", reused);
  const char *at = strstr(out, "  reused");
  cr_expect(at && strstr(at, want), "info does not show %ld reused: %s", reused,
            out);
  free(out);
  free(path);
}

/* Most replications group_as_alone compares at once. */
#define MAX_GROUP EVAC_REPLICATE_GROUP

/* Simulates replications reps[0 .. n-1] of variants fixed[0 .. n-1] with
 * fire s each alone into one[], then together on one fire and smoke
 * simulation (evac_replicate_run_group), and expects every outcome and harm
 * count of the group the same as alone, bit for bit (case c, fire k name
 * a failure). */
static void group_as_alone(const char *path, const struct evac_model *listed,
                           const struct evac_stratum *s, const uint64_t *fixed,
                           const int *reps, int n, struct evac_outcome *one,
                           int c, int k) {
  size_t hw = (size_t)EVAC_HARM_WIDTH(listed->nfloors);
  struct evac_outcome many[MAX_GROUP];
  int32_t *h1[MAX_GROUP], *hn[MAX_GROUP];
  cr_assert_leq(n, MAX_GROUP);
  memset(one, 0x55, (size_t)n * sizeof *one);
  memset(many, 0xAA, sizeof many);
  for (int i = 0; i < n; i++) {
    h1[i] = calloc(hw, sizeof **h1);
    hn[i] = calloc(hw, sizeof **hn);
    run(path, listed, fixed[i], s, reps[i], &one[i], h1[i]);
  }
  cr_assert_eq(evac_replicate_run_group(path, listed, fixed, 42, reps, n, s,
                                        EVAC_OBJ_HARMED, many, hn),
               EVAC_OK, "case %d fire %d", c, k);
  for (int i = 0; i < n; i++) {
    cr_expect_eq(memcmp(&one[i], &many[i], sizeof one[i]), 0,
                 "case %d fire %d variant %llx rep %d: alone "
                 "%g/%g/%g, together %g/%g/%g",
                 c, k, (unsigned long long)fixed[i], reps[i],
                 one[i].incapacitated, one[i].trapped, one[i].rset_s,
                 many[i].incapacitated, many[i].trapped, many[i].rset_s);
    cr_expect_eq(memcmp(h1[i], hn[i], hw * sizeof *h1[i]), 0,
                 "case %d fire %d variant %llx rep %d: harm counts differ", c,
                 k, (unsigned long long)fixed[i], reps[i]);
    free(h1[i]);
    free(hn[i]);
  }
}

Test(reuse, shared_smoke_same_outcomes) {
  enum { NREP = 4 };
  int groups = 0, differ = 0;
  for (int c = 0; c < 12; c++) {
    char *path = draw_case(100 + c);
    struct evac_model *listed = NULL;
    struct evac_stratum s[16];
    int ns = open_case(path, &listed, s);
    for (int k = 0; k < ns; k++)
      for (int fix = 0; fix < 2; fix++) {
        uint64_t v = fix ? (1u << NHAZ) - 1 : 0;
        unsigned char *b = NULL;
        size_t nb;
        if (!inputs(path, listed, v, &s[k], &b, &nb))
          continue; /* the variant lacks this fire */
        free(b);
        int reps[NREP];
        uint64_t fixed[NREP];
        struct evac_outcome one[NREP];
        for (int i = 0; i < NREP; i++) {
          reps[i] = k * EVAC_STRATUM_STRIDE + i;
          fixed[i] = v;
        }
        group_as_alone(path, listed, &s[k], fixed, reps, NREP, one, c, k);
        groups++;
        for (int i = 1; i < NREP; i++)
          differ += one[i].rset_s != one[0].rset_s;
      }
    evac_model_free(listed);
    free(path);
  }
  cr_log_info("%d groups of %d replications compared; %d replications "
              "differ from the first of their group",
              groups, NREP, differ);
  cr_expect_geq(groups, 20);
  cr_expect_geq(differ, groups);
}

Test(reuse, shared_smoke_across_variants) {
  enum { NVAR = 1 << NHAZ, MEMBERS = 4, NREP = 2 };
  int groups = 0, mixed = 0, differ = 0;
  for (int c = 0; c < 12; c++) {
    char *path = draw_case(200 + c);
    struct evac_model *listed = NULL;
    struct evac_stratum s[16];
    int ns = open_case(path, &listed, s);
    for (int k = 0; k < ns; k++) {
      unsigned char *pb[NVAR] = {0}, *wb[NVAR] = {0};
      size_t pn[NVAR], wn[NVAR];
      int has[NVAR], done[NVAR] = {0};
      for (int v = 0; v < NVAR; v++)
        has[v] =
            inputs_as(path, listed, (uint64_t)v, &s[k], 1, &pb[v], &pn[v]) &&
            inputs(path, listed, (uint64_t)v, &s[k], &wb[v], &wn[v]);
      /* each class of fire and smoke inputs with two variants or more:
         its first MEMBERS variants, NREP replications each, together */
      for (int v = 0; v < NVAR; v++) {
        if (!has[v] || done[v])
          continue;
        int var[MEMBERS], nv = 0, whole = 0;
        for (int u = v; u < NVAR; u++)
          if (has[u] && !done[u] && pn[u] == pn[v] &&
              !memcmp(pb[u], pb[v], pn[v])) {
            done[u] = 1;
            if (nv < MEMBERS) {
              whole |= nv > 0 &&
                       (wn[u] != wn[v] || memcmp(wb[u], wb[v], wn[v]) != 0);
              var[nv++] = u;
            }
          }
        if (nv < 2)
          continue;
        int n = nv * NREP, reps[MEMBERS * NREP];
        uint64_t fixed[MEMBERS * NREP];
        struct evac_outcome one[MEMBERS * NREP];
        for (int i = 0; i < n; i++) {
          fixed[i] = (uint64_t)var[i / NREP];
          reps[i] = k * EVAC_STRATUM_STRIDE + i % NREP;
        }
        group_as_alone(path, listed, &s[k], fixed, reps, n, one, c, k);
        groups++;
        mixed += whole;
        /* the same replication of another variant of the group */
        for (int i = NREP; whole && i < n; i++)
          differ += memcmp(&one[i], &one[i % NREP], sizeof one[i]) != 0;
      }
      for (int v = 0; v < NVAR; v++) {
        free(pb[v]);
        free(wb[v]);
      }
    }
    evac_model_free(listed);
    free(path);
  }
  cr_log_info("%d groups of variants with the same fire and smoke compared, "
              "%d of variants whose inputs differ; %d replications differ "
              "from the same replication of the group's first variant",
              groups, mixed, differ);
  cr_expect_geq(mixed, 10);
  cr_expect_geq(differ, 5);
}

/* The fire and smoke inputs of variant fixed with fire s, from its model
 * with the landing of Stair A on floor "2" made a door when door is 1, into
 * *bytes, *n. */
static void stair_inputs(const char *path, const struct evac_model *listed,
                         uint64_t fixed, const struct evac_stratum *s, int door,
                         unsigned char **bytes, size_t *n) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  cr_assert_eq(evac_replicate_load(path, listed, fixed, &d, &m), EVAC_OK);
  int fe = 0;
  while (strcmp(m->features[fe].name, "Stair A"))
    fe++;
  const struct evac_floor *fl = &m->floors[1];
  for (size_t c = fl->offset;
       door && c < fl->offset + (size_t)fl->nx * (size_t)fl->ny; c++)
    if (m->cell_feature[c] == fe) {
      m->cell_kind[c] = EVAC_CELL_DOOR;
      break;
    }
  evac_fingerprint_variant(path, listed, fixed, s, 1, m, bytes, n);
  cr_assert_not_null(*bytes);
  evac_model_free(m);
  evac_diag_free(&d);
}

/* A blocked stair closes the stair for people alone (none of its cells is
 * a door the smoke would hold shut): the variant with it fixed has the fire
 * and smoke inputs of the building as inspected, though not its whole
 * inputs, so their replications share one fire and smoke simulation, each
 * outcome still the one it gets alone; and the stair matters (some
 * outcome differs between the two). Were a cell of the stair a door, the
 * closure would shut it for the smoke too, and keep the variants apart. */
Test(reuse, blocked_stair_shares_the_smoke) {
  char *path = write_rank_case();
  struct evac_model *listed = NULL;
  struct evac_stratum s[16];
  int ns = open_case(path, &listed, s), differ = 0;
  const uint64_t stair = 1u << 3; /* H-STAIR fixed */
  for (int k = 0; k < ns; k++) {
    unsigned char *pa, *pb, *wa, *wb;
    size_t na, nb, ma, mb;
    cr_assert(inputs_as(path, listed, 0, &s[k], 1, &pa, &na));
    cr_assert(inputs_as(path, listed, stair, &s[k], 1, &pb, &nb));
    cr_assert(inputs(path, listed, 0, &s[k], &wa, &ma));
    cr_assert(inputs(path, listed, stair, &s[k], &wb, &mb));
    cr_expect(na == nb && !memcmp(pa, pb, na),
              "fire %d: the fire and smoke inputs differ", k);
    cr_expect(ma != mb || memcmp(wa, wb, ma), "fire %d: the same inputs", k);
    free(pa);
    free(pb);
    free(wa);
    free(wb);
    stair_inputs(path, listed, 0, &s[k], 1, &pa, &na);
    stair_inputs(path, listed, stair, &s[k], 1, &pb, &nb);
    cr_expect(na != nb || memcmp(pa, pb, na),
              "fire %d: a door's closure left out of the smoke's inputs", k);
    free(pa);
    free(pb);
    uint64_t fixed[4] = {0, 0, stair, stair};
    int reps[4];
    for (int i = 0; i < 4; i++)
      reps[i] = k * EVAC_STRATUM_STRIDE + i % 2;
    struct evac_outcome one[4];
    group_as_alone(path, listed, &s[k], fixed, reps, 4, one, 0, k);
    for (int i = 0; i < 2; i++)
      differ += memcmp(&one[i], &one[i + 2], sizeof one[i]) != 0;
  }
  cr_log_info("blocked stair: %d of %d replications differ from the "
              "building's as inspected",
              differ, 2 * ns);
  cr_expect_gt(differ, 0, "the stair changes nothing: the check means nothing");
  evac_model_free(listed);
  free(path);
}

/* The variant of r with exactly the hazards fixed, or -1. */
static int variant_index(const struct evac_ranking *r, uint64_t fixed) {
  for (int v = 0; v < r->nvariants; v++)
    if (r->variants[v].fixed == fixed)
      return v;
  return -1;
}

/* Each line's effect is the difference of the two variants' risks a fire
 * (their objective means; the replications are fixed, so every variant has
 * as many of each fire), alone and at its step, over random towers; also
 * where one variant lacks a fire the other has (a fixed e-bike or
 * overloaded circuits remove their fire's share whole): such lines occur,
 * with a share removed. */
Test(reuse, effect_is_the_difference_of_risks) {
  int lines = 0, removed = 0;
  for (int c = 0; c < 4; c++) {
    char *path = draw_case(400 + c);
    struct evac_diag d;
    evac_diag_init(&d);
    struct evac_rank_opts o = {
        .reps = 6, .min_reps = 6, .steps = 1, .threads = 2};
    struct evac_ranking *r = NULL;
    cr_assert_eq(evac_rank_run(path, &o, &d, &r), 0, "case %d", c);
    for (int i = 0; i < r->nrows; i++) {
      const struct evac_rank_row *row = &r->rows[i];
      int solo = variant_index(r, 1ull << row->hazard);
      cr_assert_geq(solo, 0);
      const struct evac_effect *e[2] = {&row->step, &row->solo};
      int from[2] = {row->base_v, 0}, to[2] = {row->next_v, solo};
      for (int j = 0; j < 2; j++) {
        const struct evac_variant *x = &r->variants[from[j]],
                                  *y = &r->variants[to[j]];
        double risk = x->objective_mean - y->objective_mean;
        cr_expect_leq(fabs(e[j]->mean - risk), 1e-9 * (1.0 + fabs(risk)),
                      "case %d line %d (%s): effect %g, risks differ by %g", c,
                      i + 1, j ? "alone" : "at its step", e[j]->mean, risk);
        for (int k = 0; k < r->nstrata; k++)
          removed += x->w[k] > 0.0 && y->w[k] == 0.0 && e[j]->by_fire[k] > 0.0;
        lines++;
      }
    }
    evac_ranking_free(r);
    evac_diag_free(&d);
    free(path);
  }
  cr_log_info("%d effects compared, %d with a fire's share removed", lines,
              removed);
  cr_expect_geq(removed, 1, "no fixed ignition source removed any harm");
}

Test(reuse, group_cap_follows_memory) {
  char *path = draw_case(300);
  struct evac_model *listed = NULL;
  struct evac_stratum s[16];
  open_case(path, &listed, s);
  struct evac_memory_need need;
  evac_memory_estimate(listed, 1, 2, 3, &need);
  char limit[64];
  snprintf(limit, sizeof limit, "%.0f", need.total + 1.0);
  setenv("EVACSIM_MEMORY_LIMIT", limit, 1);
  int three = evac_replicate_group_cap(listed, 2, 1);
  int least = evac_replicate_group_cap(listed, 2, 5);
  setenv("EVACSIM_MEMORY_LIMIT", "1K", 1);
  int none = evac_replicate_group_cap(listed, 2, 2);
  setenv("EVACSIM_MEMORY_LIMIT", "1T", 1);
  int all = evac_replicate_group_cap(listed, 2, 1);
  unsetenv("EVACSIM_MEMORY_LIMIT");
  cr_expect_eq(three, 3, "the largest group that fits: %d", three);
  cr_expect_eq(least, 5, "never below the least asked: %d", least);
  cr_expect_eq(none, 2, "nothing fits: the least: %d", none);
  cr_expect_eq(all, EVAC_REPLICATE_GROUP_MAX, "all fits: %d", all);
  evac_model_free(listed);
  free(path);
}

Test(reuse, group_without_fire) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  cr_assert_eq(evac_model_load(EVAC_SOURCE_DIR
                               "/tests/data/two_floor.scenario.json",
                               &d, &m),
               EVAC_OK);
  cr_assert(!m->has_fire);
  struct evac_sim *alone[3], *group[3];
  for (int i = 0; i < 3; i++) {
    struct evac_run_opts o = {
        .seed = 7, .seed_given = 1, .replication = i, .threads = 1, .lean = 1};
    cr_assert_eq(evac_sim_create(m, &o, &d, &alone[i]), EVAC_OK);
    cr_assert_eq(evac_sim_run(alone[i]), EVAC_OK);
    o.smoke_of = i ? group[0] : NULL;
    cr_assert_eq(evac_sim_create(m, &o, &d, &group[i]), EVAC_OK);
  }
  cr_assert_eq(evac_sim_run_group(group, 3), EVAC_OK);
  for (int i = 0; i < 3; i++) {
    const struct evac_result *a = evac_sim_result(alone[i]),
                             *b = evac_sim_result(group[i]);
    size_t n = (size_t)a->occupants;
    cr_expect_eq(a->evacuated, b->evacuated, "replication %d", i);
    cr_expect_eq(a->end_time_s, b->end_time_s, "replication %d", i);
    cr_expect_eq(memcmp(a->agents.exit_time_s, b->agents.exit_time_s,
                        n * sizeof *a->agents.exit_time_s),
                 0, "replication %d: times to safety differ", i);
  }
  for (int i = 2; i >= 0; i--) {
    evac_sim_free(group[i]);
    evac_sim_free(alone[i]);
  }
  evac_model_free(m);
  evac_diag_free(&d);
}
