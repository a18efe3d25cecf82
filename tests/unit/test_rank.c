/* Ranking: a planted dominant hazard ranks first with a CI excluding zero;
 * a hazard with no possible effect gets a CI containing zero; rankings are
 * identical at 1 and 2 threads; more replications narrow the CIs. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "rank.h"
#include "rank_why.h"
#include "result.h"
#include "verification/grid.h"

/* Two storeys joined by stair A; the exit is at the far end of floor 1, so
 * people coming down cross it; a fire on floor 1 and smoke detectors; the
 * people of floor 2 start at the alarm plus a random pre-movement, so how
 * many get through varies. Hazards: H-STAIR blocks stair A on floor 2
 * (nobody on floor 2 can get out), H-NULL is an unready micro station in
 * a building that has none, H-ALARM delays the alarm. */
/* The ranking machinery is tested on a case whose outcomes were derived
 * with the "layer" smoke transport (the hazards' effects, the 2
 * replications that resolve nothing, the narrowing CI); with the default
 * "momentum" the case resolves after the first round of 2 replications.
 * The test is about the ranking, not the smoke: it keeps "layer". */
static void layer_smoke(cJSON *sc) {
  cJSON_AddItemToObject(sc, "smoke", cJSON_Parse("{\"model\": \"layer\"}"));
}

static char *write_case_with(const char *tag, double duration_s, int fires) {
  cJSON *plan = two_storey_stair_plan();
  cJSON_AddItemToObject(plan, "systems",
                        cJSON_Parse("{\"detectors\": {\"floors\": \"all\"}}"));
  cJSON *sc = scenario_new(duration_s);
  layer_smoke(sc);
  cJSON_AddItemToObject(
      sc, "profiles",
      cJSON_Parse("{\"patient\": {\"base\": \"elderly\", \"premovement_s\": "
                  "{\"dist\": \"uniform\", \"min\": 0, \"max\": 120}}}"));
  cJSON_AddItemToObject(
      sc, "occupants",
      cJSON_Parse("[{\"floor\": \"2\", \"rect\": [1, 1, 18, 8], \"profile\": "
                  "\"patient\", \"count\": 12}]"));
  if (fires) /* two ignition scenarios, 3 : 1 */
    cJSON_AddItemToObject(
        sc, "fires",
        cJSON_Parse("[{\"weight\": 3, \"floor\": \"1\", \"at\": [9, 2], "
                    "\"growth\": \"medium\", \"peak_kw\": 500},"
                    " {\"weight\": 1, \"floor\": \"2\", \"at\": [3, 8], "
                    "\"growth\": \"fast\", \"peak_kw\": 1500}]"));
  else
    cJSON_AddItemToObject(
        sc, "fire",
        cJSON_Parse("{\"floor\": \"1\", \"at\": [9, 2], "
                    "\"growth\": \"medium\", \"peak_kw\": 500}"));
  cJSON_AddItemToObject(sc, "alarm", cJSON_Parse("{\"delay_s\": 30}"));
  cJSON_AddItemToObject(
      sc, "hazards",
      cJSON_Parse("[{\"id\": \"H-NULL\", \"type\": \"micro_station_unready\", "
                  "\"cost\": 100},"
                  " {\"id\": \"H-ALARM\", \"type\": \"alarm_delayed\"},"
                  " {\"id\": \"H-STAIR\", \"type\": \"blocked_stair\", "
                  "\"target\": \"Stair A\", \"floors\": [\"2\"], \"cost\": "
                  "500, \"owner\": \"Facilities\"}]"));
  const char *dir = evac_test_dir(tag);
  char *d = strdup(dir);
  char *p = json_take(plan), *s = json_take(sc);
  free(evac_test_write(d, "test.plan.json", p));
  char *path = evac_test_write(d, "test.scenario.json", s);
  free(p);
  free(s);
  free(d);
  return path;
}

static char *write_case(const char *tag) {
  return write_case_with(tag, 240, 0);
}

static struct evac_ranking *rank(const char *path, int reps, int threads) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_rank_opts o = {
      .reps = reps, .min_reps = reps, .threads = threads};
  struct evac_ranking *r = NULL;
  int rc = evac_rank_run(path, &o, &d, &r);
  if (rc)
    evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  cr_assert_eq(rc, 0);
  return r;
}

static const struct evac_rank_row *row_of(const struct evac_ranking *r,
                                          const char *id) {
  for (int i = 0; i < r->nrows; i++)
    if (!strcmp(r->m->hazards[r->rows[i].hazard].id, id))
      return &r->rows[i];
  cr_assert_fail("no row for %s", id);
  return NULL;
}

Test(rank, planted_hazard_first_null_hazard_zero) {
  char *path = write_case("rank-planted");
  struct evac_ranking *r = rank(path, 6, 2);
  const struct evac_rank_row *stair = row_of(r, "H-STAIR");
  const struct evac_rank_row *null = row_of(r, "H-NULL");
  cr_log_info("H-STAIR %.2f [%.2f, %.2f]; H-NULL %.2f [%.2f, %.2f]",
              stair->step.mean, stair->step.lo, stair->step.hi, null->step.mean,
              null->step.lo, null->step.hi);
  cr_expect_eq(stair->order, 1, "the blocked only stair ranks first");
  cr_expect_gt(stair->step.lo, 0.0, "its CI excludes zero");
  cr_expect_eq(stair->major, 1);
  cr_expect(null->step.lo <= 0.0 && null->step.hi >= 0.0,
            "no possible effect: the CI contains zero");
  cr_expect_eq(null->major, 0);
  cr_expect_eq(r->nvariants, 1 + 3 + 2 + 1, "greedy: 7 variants");
  evac_ranking_free(r);
  free(path);
}

Test(rank, identical_at_1_and_2_threads) {
  char *path = write_case("rank-threads");
  struct evac_ranking *a = rank(path, 3, 1), *b = rank(path, 3, 2);
  cr_assert_eq(a->nrows, b->nrows);
  for (int i = 0; i < a->nrows; i++) {
    cr_expect_eq(a->rows[i].hazard, b->rows[i].hazard);
    cr_expect_eq(memcmp(&a->rows[i], &b->rows[i], sizeof a->rows[i]), 0,
                 "row %d differs between thread counts", i);
  }
  evac_ranking_free(a);
  evac_ranking_free(b);
  free(path);
}

Test(rank, more_replications_narrow_the_interval) {
  char *path = write_case("rank-reps");
  struct evac_ranking *few = rank(path, 4, 2), *many = rank(path, 12, 2);
  const struct evac_rank_row *a = row_of(few, "H-STAIR"),
                             *b = row_of(many, "H-STAIR");
  double wa = a->step.hi - a->step.lo, wb = b->step.hi - b->step.lo;
  cr_log_info("H-STAIR CI width: %.3f at 4 reps, %.3f at 12", wa, wb);
  cr_expect_lt(wb, wa, "12 replications must narrow the CI");
  evac_ranking_free(few);
  evac_ranking_free(many);
  free(path);
}

/* Adaptive replication deals replications in whole groups of a fire,
 * which share one fire and smoke simulation: asked for a first round of 2
 * (too few to tell anything apart at 95 %: t = 12.7), it deals a group of
 * 8, then doubles until each step's choice beats the runner-up at 95 % or
 * the cap is reached. */
Test(rank, adaptive_replication_deals_whole_groups) {
  char *path = write_case("rank-adaptive");
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_rank_opts o = {.reps = 64, .min_reps = 2, .threads = 2};
  struct evac_ranking *r = NULL;
  cr_assert_eq(evac_rank_run(path, &o, &d, &r), 0);
  cr_log_info("adaptive: %d rounds, %d replications, resolved %d", r->rounds,
              r->reps, r->resolved);
  cr_expect_eq(r->unit, EVAC_REPLICATE_GROUP, "one fire: groups of 8");
  cr_expect_eq(r->cap_reps, 64);
  cr_expect(r->resolved || r->reps == 64, "stops only resolved or capped");
  cr_expect_eq(r->reps, 8 << (r->rounds - 1), "doubling: 8, 16, 32, 64");
  for (int v = 0; v < r->nvariants; v++)
    cr_expect_leq(r->variants[v].nreps, r->reps);
  /* the rows rest on r->reps replications: recomputing with that many,
     fixed, gives the same list */
  struct evac_ranking *f = rank(path, r->reps, 2);
  for (int i = 0; i < r->nrows; i++) {
    cr_expect_eq(f->rows[i].hazard, r->rows[i].hazard);
    cr_expect_eq(f->rows[i].step.mean, r->rows[i].step.mean);
  }
  evac_ranking_free(f);
  evac_ranking_free(r);
  evac_diag_free(&d);
  free(path);
}

/* A budget spent during the first greedy pass ends it at that step (here
 * the first): every hazard is listed once, by its effect against the
 * building as inspected, as past a step limit; the ranking stopped on the
 * budget, unresolved, after one round. */
Test(rank, budget_ends_the_greedy_pass) {
  char *path = write_case("rank-budget");
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_rank_opts o = {
      .reps = 4, .min_reps = 4, .threads = 2, .budget_s = 1e-9};
  struct evac_ranking *r = NULL;
  cr_assert_eq(evac_rank_run(path, &o, &d, &r), 0);
  cr_expect_eq(r->stop, EVAC_RANK_BUDGET);
  cr_expect_eq(r->resolved, 0);
  cr_expect_eq(r->rounds, 1);
  cr_expect_eq(r->inert_from, 0, "cut at the first step");
  int seen = 0;
  for (int i = 0; i < r->nrows; i++) {
    cr_expect_eq(r->rows[i].base_v, 0, "line %d", i + 1);
    seen |= 1 << r->rows[i].hazard;
  }
  cr_expect_eq(seen, (1 << r->nrows) - 1, "every hazard once");
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  evac_ranking_print(r, f);
  fclose(f);
  cr_expect_not_null(strstr(text, "--budget-s was spent after greedy step 1 "
                                  "of 3; a larger budget goes further"),
                     "%s", text);
  free(text);
  evac_ranking_free(r);
  evac_diag_free(&d);
  free(path);
}

/* The variant with exactly these hazards fixed, or NULL. */
static const struct evac_variant *variant_of(const struct evac_ranking *r,
                                             uint64_t fixed) {
  for (int v = 0; v < r->nvariants; v++)
    if (r->variants[v].fixed == fixed)
      return &r->variants[v];
  return NULL;
}

/* --steps 1: the first row is the greedy choice; every later row is its
 * hazard's effect measured against the first step's variant (the blocked
 * stair fixed), from replications simulated there, not a cumulative
 * variant nobody simulated. */
Test(rank, rows_past_the_step_limit_measure_against_the_last_step) {
  char *path = write_case("rank-steps");
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_rank_opts o = {
      .reps = 6, .min_reps = 6, .steps = 1, .threads = 2};
  struct evac_ranking *r = NULL;
  cr_assert_eq(evac_rank_run(path, &o, &d, &r), 0);
  cr_assert_eq(r->inert_from, 1);
  int first = r->rows[0].hazard;
  cr_expect_str_eq(r->m->hazards[first].id, "H-STAIR");
  const struct evac_variant *base = variant_of(r, 1ull << first);
  cr_assert_not_null(base);
  for (int k = 1; k < r->nrows; k++) {
    const struct evac_rank_row *row = &r->rows[k];
    const struct evac_variant *v =
        variant_of(r, 1ull << first | 1ull << row->hazard);
    cr_assert_not_null(v);
    cr_expect_eq(v->nreps, 6, "row %d rests on simulated replications", k);
    cr_expect_leq(
        fabs(row->step.mean - (base->objective_mean - v->objective_mean)), 1e-9,
        "row %d (%s): %.3f", k, r->m->hazards[row->hazard].id, row->step.mean);
  }
  cr_expect_eq(row_of(r, "H-NULL")->step.mean, 0.0);
  cr_expect_eq(row_of(r, "H-NULL")->major, 0);
  evac_ranking_free(r);
  evac_diag_free(&d);
  free(path);
}

Test(rank, cli_writes_table_csv_and_h5) {
  char *path = write_case("rank-cli");
  char dir[4096], args[8400], *out;
  snprintf(dir, sizeof dir, "%s", path);
  *strrchr(dir, '/') = '\0';
  snprintf(args, sizeof args, "rank %s -o %s/r.h5 --csv %s/r.csv --reps 2",
           path, dir, dir);
  cr_assert_eq(evac_test_cli(args, &out), 0, "%s", out);
  cr_expect_not_null(strstr(out, "H-STAIR"), "%s", out);
  free(out);
  char csv[4200];
  snprintf(csv, sizeof csv, "%s/r.csv", dir);
  FILE *f = fopen(csv, "r");
  cr_assert_not_null(f);
  char line[512];
  cr_assert_not_null(fgets(line, sizeof line, f));
  cr_expect_eq(strncmp(line, "rank,hazard_id,type,target,floors,", 34), 0);
  cr_expect_not_null(strstr(line, ",delta_casualties_by_floor,why\n"), "%s",
                     line);
  cr_assert_not_null(fgets(line, sizeof line, f));
  cr_expect_eq(strncmp(line, "1,H-STAIR,blocked_stair,Stair A,2,", 34), 0, "%s",
               line);
  fclose(f);
  static const char *const lists[] = {"r-hazards.csv", "r-closure.csv",
                                      "r-owners.csv"};
  static const char *const heads[] = {"hazard_id,type,target,floors,cost,",
                                      "hazard_id,solo_casualties_mean,",
                                      "owner,hazards,major,"};
  for (int k = 0; k < 3; k++) {
    snprintf(csv, sizeof csv, "%s/%s", dir, lists[k]);
    f = fopen(csv, "r");
    cr_assert_not_null(f, "%s is written", lists[k]);
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_eq(strncmp(line, heads[k], strlen(heads[k])), 0, "%s", line);
    fclose(f);
  }
  snprintf(args, sizeof args, "rank %s -o %s/r.h5 --reps 1", path, dir);
  cr_expect_eq(evac_test_cli(args, &out), 2);
  free(out);
  /* an unknown objective is an input error naming the allowed ones */
  snprintf(args, sizeof args, "rank %s -o %s/r.h5 --objective worst", path,
           dir);
  cr_expect_eq(evac_test_cli(args, &out), 2);
  cr_expect_not_null(strstr(out, "--objective worst: unknown; allowed: "
                                 "incapacitated+trapped, incapacitated, "
                                 "not-safe"),
                     "%s", out);
  free(out);
  snprintf(args, sizeof args, "rank %s -o %s/r.h5 --budget-s -5", path, dir);
  cr_expect_eq(evac_test_cli(args, &out), 2);
  cr_expect_not_null(strstr(out, "--budget-s"), "%s", out);
  free(out);
  free(path);
}

/* The outcome split: the blocked stair leaves floor 2 without a route, so
 * its people are trapped: the default objective (incapacitated + trapped)
 * counts them, and each line's objective is the sum of its counts;
 * ranked by incapacitated alone, the same line's objective is its
 * incapacitated count. */
Test(rank, objective_is_stated_and_split_into_counts) {
  char *path = write_case("rank-objective");
  struct evac_ranking *r = rank(path, 4, 2);
  const struct evac_rank_row *stair = row_of(r, "H-STAIR");
  cr_log_info("H-STAIR %.2f: incapacitated %.2f, trapped %.2f, not out %.2f",
              stair->step.mean, stair->step.incapacitated, stair->step.trapped,
              stair->step.not_out);
  cr_expect_eq(r->objective, EVAC_OBJ_HARMED);
  cr_expect_gt(stair->step.trapped, 0.0, "floor 2 is trapped");
  cr_expect_leq(fabs(stair->step.mean -
                     (stair->step.incapacitated + stair->step.trapped)),
                1e-9);
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_rank_opts o = {.reps = 4,
                             .min_reps = 4,
                             .threads = 2,
                             .objective = EVAC_OBJ_INCAPACITATED};
  struct evac_ranking *inc = NULL;
  cr_assert_eq(evac_rank_run(path, &o, &d, &inc), 0);
  const struct evac_rank_row *s2 = row_of(inc, "H-STAIR");
  cr_expect_leq(fabs(s2->step.mean - s2->step.incapacitated), 1e-9);
  cr_expect_lt(s2->step.mean, stair->step.mean,
               "without the trapped, the stair avoids less");
  /* every replication accounts for everyone: the counts never exceed the
     occupants and never go negative */
  for (int v = 0; v < inc->nvariants; v++)
    for (int k = 0; k < inc->nstrata; k++)
      for (int i = 0; i < inc->variants[v].n[k]; i++) {
        const struct evac_outcome *e = &inc->variants[v].out[k][i];
        cr_expect(e->incapacitated >= 0 && e->trapped >= 0 && e->not_out >= 0);
        cr_expect_leq(e->incapacitated + e->trapped + e->not_out, 12.0);
      }
  evac_ranking_free(inc);
  evac_ranking_free(r);
  evac_diag_free(&d);
  free(path);
}

/* A hazard that cannot act here (an unready micro station in a building
 * that has none) changes no outcome: it is not applicable, not 0.00. */
Test(rank, hazard_without_effect_is_not_applicable) {
  char *path = write_case("rank-na");
  struct evac_ranking *r = rank(path, 3, 2);
  const struct evac_rank_row *null = row_of(r, "H-NULL");
  cr_expect_eq(null->applicable, 0);
  cr_expect_str_eq(evac_rank_priority(null), "n/a");
  cr_expect_eq(row_of(r, "H-STAIR")->applicable, 1);
  evac_ranking_free(r);
  free(path);
}

/* Stratified by fire: two weighted fires (3 : 1); each fire has at least
 * 2 replications, in whole groups (--reps 6 over 2 fires: groups of 3),
 * and they add up to the variant's; the weights as
 * inspected sum to 1; each line's by-fire shares add up to its mean; the
 * list is identical at 1 and 2 threads. */
Test(rank, stratified_by_fire) {
  char *path = write_case_with("rank-strata", 240, 1);
  struct evac_ranking *a = rank(path, 6, 1), *b = rank(path, 6, 2);
  cr_assert_eq(a->nstrata, 2);
  cr_expect_leq(fabs(a->variants[0].w[0] - 0.75), 1e-12);
  cr_expect_leq(fabs(a->variants[0].w[1] - 0.25), 1e-12);
  cr_expect_eq(a->unit, 3);
  for (int k = 0; k < 2; k++) {
    cr_expect_geq(a->target[k], 2);
    cr_expect_eq(a->target[k] % a->unit, 0, "fire %d: %d", k, a->target[k]);
  }
  cr_expect_eq(a->target[0] + a->target[1], a->reps);
  for (int i = 0; i < a->nrows; i++) {
    const struct evac_rank_row *row = &a->rows[i];
    double sum = row->step.by_fire[0] + row->step.by_fire[1];
    cr_expect_leq(fabs(sum - row->step.mean), 1e-9, "line %d", i + 1);
    cr_expect_eq(memcmp(row, &b->rows[i], sizeof *row), 0,
                 "line %d differs between thread counts", i + 1);
  }
  cr_expect_str_eq(a->m->hazards[a->rows[0].hazard].id, "H-STAIR");
  evac_ranking_free(a);
  evac_ranking_free(b);
  free(path);
}

/* A run that ends before people could have left (20 s: the alarm alone
 * is at 30 s) is warned about. */
Test(rank, short_duration_is_warned) {
  char *path = write_case_with("rank-short", 20, 0);
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_rank_opts o = {.reps = 2, .min_reps = 2, .threads = 2};
  struct evac_ranking *r = NULL;
  cr_assert_eq(evac_rank_run(path, &o, &d, &r), 0);
  int warned = 0;
  for (int i = 0; i < d.n; i++)
    warned |= !d.msg[i].is_error &&
              strstr(d.msg[i].text, "ends before people could have left");
  cr_expect(warned, "no warning about duration_s");
  cr_expect_gt(r->egress_s, 30.0, "the estimate includes the alarm");
  evac_ranking_free(r);
  evac_diag_free(&d);
  free(path);
}

/* Why a line: every replication's harm counts (by start floor and how
 * people ended) add up to its incapacitated, trapped and not-out counts;
 * a line's parts by floor add up to its mean; the blocked stair of floor
 * 2 (where everyone starts) avoids, most of all, people there who turn
 * back from it into the smoke (and some trapped with no route), and its
 * sentence says so. */
Test(rank, line_explained_by_floor_and_how) {
  char *path = write_case("rank-why");
  struct evac_ranking *r = rank(path, 4, 2);
  cr_assert_eq(r->hwidth, 2 * EVAC_HARM_N);
  for (int v = 0; v < r->nvariants; v++)
    for (int k = 0; k < r->nstrata; k++)
      for (int i = 0; i < r->variants[v].n[k]; i++) {
        const struct evac_outcome *o = &r->variants[v].out[k][i];
        const int32_t *h = &r->variants[v].harm[k][(size_t)i * r->hwidth];
        double c[3] = {0};
        for (int j = 0; j < r->hwidth; j++)
          c[evac_harm_count(j % EVAC_HARM_N)] += h[j];
        cr_expect_eq(c[0], o->incapacitated, "variant %d rep %d", v, i);
        cr_expect_eq(c[1], o->trapped, "variant %d rep %d", v, i);
        cr_expect_eq(c[2], o->not_out, "variant %d rep %d", v, i);
        cr_expect_eq(h[0 * EVAC_HARM_N + EVAC_HARM_NOT_OUT] +
                         h[0 * EVAC_HARM_N + EVAC_HARM_NO_ROUTE],
                     0, "nobody starts on floor 1");
      }
  double d[2 * EVAC_HARM_N], fl[2];
  char why[1024];
  for (int i = 0; i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    evac_rank_harm(r, row->base_v, row->next_v, d);
    evac_rank_why_floors(r, d, fl);
    cr_expect_leq(fabs(fl[0] + fl[1] - row->step.mean), 1e-9, "line %d", i + 1);
  }
  const struct evac_rank_row *stair = row_of(r, "H-STAIR");
  evac_rank_harm(r, stair->base_v, stair->next_v, d);
  evac_rank_why(r, stair, d, why, sizeof why);
  cr_log_info("%s", why);
  cr_expect_gt(d[EVAC_HARM_N + EVAC_HARM_NO_ROUTE], 0.0,
               "fixing the stair avoids people trapped on floor 2");
  cr_expect_not_null(strstr(why, "blocked stair: "), "%s", why);
  cr_expect_not_null(strstr(why, "fewer people a fire from floor 2 overcome "
                                 "by smoke after turning back from a closed "
                                 "route"),
                     "%s", why);
  evac_ranking_free(r);
  free(path);
}
