/* Hazard ranking (docs/ranking.md): variants of the building
 * with sets of hazards fixed, simulated over replications with common
 * random numbers (the same seed, replication, ignition scenario and agent
 * draws in every variant), compared pairwise; the greedy sequence fixes
 * the hazard that avoids the most casualties, then re-ranks the rest. */
#include "rank.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "memory.h"
#include "model.h"
#include "outcome_store.h"
#include "replicate.h"
#include "result.h"
#include "threads.h"

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Index of the variant with these fixed hazards, added if new. */
static int variant(struct evac_ranking *rk, uint64_t fixed) {
  for (int v = 0; v < rk->nvariants; v++)
    if (rk->variants[v].fixed == fixed)
      return v;
  if (rk->nvariants == rk->capvariants) {
    int cap = rk->capvariants ? 2 * rk->capvariants : 16;
    struct evac_variant *nv = realloc(rk->variants, (size_t)cap * sizeof *nv);
    if (!nv)
      return -1;
    rk->variants = nv;
    rk->capvariants = cap;
  }
  struct evac_variant *v = &rk->variants[rk->nvariants];
  memset(v, 0, sizeof *v);
  v->fixed = fixed;
  v->outcomes = calloc((size_t)rk->max_reps, sizeof *v->outcomes);
  if (!v->outcomes)
    return -1;
  return rk->nvariants++;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Mean casualties and margin and the p95 RSET of variant v over the
 * first n replications. Returns 0 or -1 (memory). */
static int summarise(struct evac_variant *v, int n) {
  double *rs = malloc((size_t)n * sizeof *rs);
  if (!rs)
    return -1;
  v->casualties_mean = v->margin_mean_s = 0.0;
  for (int r = 0; r < n; r++) {
    v->casualties_mean += v->outcomes[r].casualties / n;
    v->margin_mean_s += v->outcomes[r].margin_s / n;
    rs[r] = v->outcomes[r].rset_s;
  }
  qsort(rs, (size_t)n, sizeof *rs, cmp_double);
  v->rset_p95_s = rs[(int)ceil(0.95 * n) - 1];
  free(rs);
  return 0;
}

/* Key of replication rep of variant v in the state folder. */
static uint64_t state_key(const struct evac_ranking *rk,
                          const struct evac_variant *v, int rep) {
  return evac_outcome_block_key(rk->state_key, v->fixed, rep, 1);
}

/* Runs the replications the variants lack (up to rk->reps) in parallel,
 * one run per thread; results are stored by index, so the outcome does
 * not depend on the thread count. With a state folder, replications found
 * there are read instead, and each one run is kept there. */
static enum evac_status simulate(const char *path, struct evac_ranking *rk,
                                 const struct evac_rank_opts *opts) {
  long ntasks = 0;
  for (int v = 0; v < rk->nvariants; v++)
    ntasks += rk->reps - rk->variants[v].nreps;
  if (ntasks == 0)
    return EVAC_OK;
  struct task {
    int v, rep;
  } *tasks = malloc((size_t)ntasks * sizeof *tasks);
  if (!tasks)
    return EVAC_ERR_RUNTIME;
  long t = 0;
  for (int v = 0; v < rk->nvariants; v++)
    for (int r = rk->variants[v].nreps; r < rk->reps; r++) {
      struct evac_variant *var = &rk->variants[v];
      if (rk->state_dir && /* finished before an interruption */
          evac_outcome_block_read(rk->state_dir, state_key(rk, var, r), r, 1,
                                  &var->outcomes[r]) == 0) {
        rk->runs++;
        rk->resumed++;
        continue;
      }
      tasks[t++] = (struct task){v, r};
    }
  ntasks = t;
  int status = EVAC_OK;
  long base = rk->runs;
  double last_print = wall_now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(rk->threads)
  for (long i = 0; i < ntasks; i++) {
    struct evac_variant *v = &rk->variants[tasks[i].v];
    int rep = tasks[i].rep;
    enum evac_status st = evac_replicate_run(path, rk->m, v->fixed, rk->seed,
                                             rep, &v->outcomes[rep]);
    if (st == EVAC_OK && rk->state_dir)
      st = evac_outcome_block_write(rk->state_dir, state_key(rk, v, rep), rep,
                                    1, &v->outcomes[rep]);
    long done;
#pragma omp atomic capture
    done = ++rk->runs;
    if (st != EVAC_OK) {
#pragma omp critical(rank_status)
      if (status == EVAC_OK)
        status = st;
    }
    if (opts->progress && omp_get_thread_num() == 0 &&
        wall_now() - last_print > 1.0) {
      last_print = wall_now();
      fprintf(stderr,
              "\r  rank: round %d (%d replications): %ld / %ld simulations ",
              rk->rounds, rk->reps, done - base, ntasks);
    }
  }
  free(tasks);
  for (int v = 0; status == EVAC_OK && v < rk->nvariants; v++)
    if (rk->variants[v].nreps < rk->reps) {
      rk->variants[v].nreps = rk->reps;
      if (summarise(&rk->variants[v], rk->reps))
        status = EVAC_ERR_RUNTIME;
    }
  return (enum evac_status)status;
}

/* Paired casualties avoided going from variant a to b over rk->reps
 * replications: mean, 95 % CI and variance. */
static void paired(const struct evac_ranking *rk, int a, int b, double *mean,
                   double *lo, double *hi, double *var) {
  *var = evac_outcome_paired(rk->variants[a].outcomes, rk->variants[b].outcomes,
                             rk->reps, mean, lo, hi);
}

/* Fills row with hazard h's effect: fixing it in variant base (to variant
 * next), and alone (the closure check). */
static void fill_row(struct evac_ranking *rk, struct evac_rank_row *row, int h,
                     int base, int next) {
  double var;
  row->hazard = h;
  paired(rk, base, next, &row->delta_mean, &row->ci_low, &row->ci_high, &var);
  int solo = variant(rk, 1ull << h);
  paired(rk, 0, solo, &row->solo_mean, &row->solo_ci_low, &row->solo_ci_high,
         &var);
  row->solo_rset_p95_s =
      rk->variants[0].rset_p95_s - rk->variants[solo].rset_p95_s;
  row->solo_margin_s =
      rk->variants[solo].margin_mean_s - rk->variants[0].margin_mean_s;
  row->delta_rset_p95_s =
      rk->variants[base].rset_p95_s - rk->variants[next].rset_p95_s;
  row->delta_margin_s =
      rk->variants[next].margin_mean_s - rk->variants[base].margin_mean_s;
  row->major = row->ci_low >= EVAC_MAJOR_CASUALTIES;
  double cost = rk->m->hazards[h].cost;
  row->per_cost = isnan(cost) || cost <= 0.0 ? NAN : row->delta_mean / cost;
}

/* The greedy sequence stops at this step (no hazard left changes the
 * casualties of any replication, or the step limit is reached): the rest
 * go in rows step.. by the casualties each avoids here, then by the p95
 * evacuation time it saves here (ties: list order), each measured against
 * this step's variant, without simulating further steps. */
static enum evac_status rest_at(struct evac_ranking *rk, int step,
                                uint64_t fixed) {
  int base = variant(rk, fixed);
  uint64_t taken = fixed; /* listed already */
  rk->inert_from = step;
  for (int k = step; k < rk->nrows; k++) {
    int pick = -1;
    double best_c = -INFINITY, best_t = -INFINITY;
    for (int i = 0; i < rk->nrows; i++) {
      if (taken >> i & 1)
        continue;
      const struct evac_variant *v =
          &rk->variants[variant(rk, fixed | 1ull << i)];
      double c = rk->variants[base].casualties_mean - v->casualties_mean;
      double t = rk->variants[base].rset_p95_s - v->rset_p95_s;
      if (c > best_c || (c == best_c && t > best_t)) {
        best_c = c;
        best_t = t;
        pick = i;
      }
    }
    struct evac_rank_row *row = &rk->rows[k];
    fill_row(rk, row, pick, base, variant(rk, fixed | 1ull << pick));
    row->order = k + 1;
    row->resolved = 1; /* not compared further */
    taken |= 1ull << pick;
  }
  return EVAC_OK;
}

/* One greedy pass at rk->reps replications: fills rk->rows and sets
 * rk->resolved. */
static enum evac_status greedy(const char *path, struct evac_ranking *rk,
                               const struct evac_rank_opts *opts) {
  int n = rk->nrows;
  uint64_t fixed = 0;
  rk->resolved = 1;
  rk->inert_from = rk->nrows;
  for (int step = 0; step < n; step++) {
    for (int i = 0; i < n; i++)
      if (!(fixed >> i & 1) && variant(rk, fixed | 1ull << i) < 0)
        return EVAC_ERR_RUNTIME;
    enum evac_status st = simulate(path, rk, opts);
    if (st != EVAC_OK)
      return st;
    int base = variant(rk, fixed), best = -1, second = -1, inert = 1;
    double best_mean = -INFINITY, second_mean = -INFINITY, lo, hi, var;
    for (int i = 0; i < n; i++) {
      if (fixed >> i & 1)
        continue;
      double mean;
      paired(rk, base, variant(rk, fixed | 1ull << i), &mean, &lo, &hi, &var);
      inert &= mean == 0.0 && var == 0.0;
      if (mean > best_mean) {
        second = best;
        second_mean = best_mean;
        best_mean = mean;
        best = i;
      } else if (mean > second_mean) {
        second = i;
        second_mean = mean;
      }
    }
    if (inert || (rk->steps > 0 && step == rk->steps))
      return rest_at(rk, step, fixed);
    struct evac_rank_row *row = &rk->rows[step];
    int next = variant(rk, fixed | 1ull << best);
    fill_row(rk, row, best, base, next);
    row->order = step + 1;
    row->resolved = 1;
    if (second >= 0) {
      double mean;
      paired(rk, variant(rk, fixed | 1ull << second), next, &mean, &lo, &hi,
             &var);
      row->resolved = lo > 0.0 || (mean == 0.0 && var == 0.0);
    }
    rk->resolved &= row->resolved;
    fixed |= 1ull << best;
  }
  return EVAC_OK;
}

const char *evac_rank_priority(const struct evac_rank_row *row) {
  if (row->major)
    return "high";
  return row->ci_low > 0.0 ? "medium" : "low";
}

enum evac_status evac_rank_run(const char *path,
                               const struct evac_rank_opts *opts,
                               struct evac_diag *diag,
                               struct evac_ranking **out) {
  *out = NULL;
  struct evac_ranking *rk = calloc(1, sizeof *rk);
  if (!rk)
    return EVAC_ERR_RUNTIME;
  double t0 = wall_now();
  enum evac_status st = evac_model_load(path, diag, &rk->m);
  if (st != EVAC_OK) {
    evac_ranking_free(rk);
    return st;
  }
  struct evac_model *m = rk->m;
  if (m->nhazards == 0 || m->nhazards > 63) {
    evac_diag_error(diag, path, "hazards",
                    "rank needs 1 to 63 hazards in the list, found %d",
                    m->nhazards);
    evac_ranking_free(rk);
    return EVAC_ERR_INPUT;
  }
  evac_hazards_apply(m, diag); /* once, for its warnings */
  rk->threads = opts->threads > 0 ? opts->threads : evac_threads_default();
  st = evac_memory_check(m, path, 1, rk->threads, diag);
  if (st != EVAC_OK) { /* refused before the replications allocate */
    evac_ranking_free(rk);
    return st;
  }
  rk->max_reps = opts->reps;
  rk->min_reps = opts->min_reps > 0                ? opts->min_reps
                 : opts->reps < EVAC_RANK_MIN_REPS ? opts->reps
                                                   : EVAC_RANK_MIN_REPS;
  if (rk->min_reps > rk->max_reps)
    rk->min_reps = rk->max_reps;
  rk->reps = rk->min_reps;
  rk->steps = opts->steps;
  rk->seed = opts->seed_given ? opts->seed : m->seed;
  rk->nrows = m->nhazards;
  if (opts->state_dir) {
    rk->state_dir = opts->state_dir;
    rk->state_key = evac_outcome_inputs_key(m, rk->seed);
    if (mkdir(rk->state_dir, 0777) != 0 && errno != EEXIST) {
      evac_diag_error(diag, rk->state_dir, NULL,
                      "cannot create the state folder: %s", strerror(errno));
      evac_ranking_free(rk);
      return EVAC_ERR_IO;
    }
  }
  rk->rows = calloc((size_t)rk->nrows, sizeof *rk->rows);
  st = rk->rows && variant(rk, 0) == 0 ? EVAC_OK : EVAC_ERR_RUNTIME;
  while (st == EVAC_OK) {
    rk->rounds++;
    st = greedy(path, rk, opts);
    if (st != EVAC_OK || rk->resolved || rk->reps == rk->max_reps)
      break;
    rk->reps = 2 * rk->reps < rk->max_reps ? 2 * rk->reps : rk->max_reps;
  }
  if (opts->progress)
    fprintf(stderr, "\r%70s\r", "");
  rk->wall_clock_s = wall_now() - t0;
  if (rk->resumed > 0)
    evac_diag_warn(diag, rk->state_dir, NULL,
                   "resumed %ld finished replications of %ld", rk->resumed,
                   rk->runs);
  if (st != EVAC_OK) {
    evac_diag_error(diag, path, NULL, "ranking failed: %s",
                    evac_status_str(st));
    evac_ranking_free(rk);
    return st;
  }
  *out = rk;
  return EVAC_OK;
}

void evac_ranking_free(struct evac_ranking *r) {
  if (!r)
    return;
  for (int v = 0; v < r->nvariants; v++)
    free(r->variants[v].outcomes);
  free(r->variants);
  free(r->rows);
  evac_model_free(r->m);
  free(r);
}
