/* Hazard ranking (docs/ranking.md): variants of the building
 * with sets of hazards fixed, simulated fire by fire (stratified sampling
 * over the ignition scenarios, common random numbers within a fire: the
 * same seed, replication and agent draws in every variant), compared
 * pairwise; the greedy sequence fixes the hazard that avoids the most,
 * then re-ranks the rest. Replications are added in rounds where they
 * reduce the variance of the decisions still open (docs/ranking.md,
 * "Adaptive replication"). */
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
#include "fingerprint.h"
#include "memory.h"
#include "model.h"
#include "outcome_store.h"
#include "replicate.h"
#include "result.h"
#include "threads.h"

/* Share of each round's replications dealt by the fires' weights alone (a
 * defensive mixture; the rest go by the spread of the open decisions). */
#define DEFENSIVE_SHARE 0.2

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The canonical inputs (physics: the fire and smoke's alone) of variant
 * fixed with the fire of stratum k (k < 0: no strata), from model m of that
 * variant (NULL: loaded): evac_fingerprint_variant. */
static uint64_t inputs_of(const struct evac_ranking *rk, uint64_t fixed, int k,
                          int physics, struct evac_model *m,
                          unsigned char **bytes, size_t *n) {
  return evac_fingerprint_variant(rk->path, rk->m, fixed,
                                  k < 0 ? NULL : &rk->strata[k], physics, m,
                                  bytes, n);
}

/* Sets v->cls[k] (physics: v->pcls[k]) from m (variant v's model) with
 * fire k: the class of an earlier variant with the same inputs (physics: the
 * same fire and smoke inputs), or a new one. Returns 0 or -1. */
static int classify(struct evac_ranking *rk, int v, int k, int physics,
                    struct evac_model *m) {
  struct evac_classes *cs = physics ? &rk->physics : &rk->inputs;
  unsigned char *mine, *theirs;
  size_t n, n2;
  uint64_t h = inputs_of(rk, rk->variants[v].fixed, rk->strata ? k : -1,
                         physics, m, &mine, &n);
  if (!mine)
    return -1;
  int c = -1;
  for (int i = 0; (rk->reuse || physics) && c < 0 && i < cs->n; i++) {
    const struct evac_input_class *ic = &cs->c[i];
    if (ic->k != k || ic->hash != h)
      continue;
    /* equal hashes: the bytes decide (exact, not probable) */
    inputs_of(rk, rk->variants[ic->v].fixed, rk->strata ? k : -1, physics, NULL,
              &theirs, &n2);
    if (!theirs) {
      free(mine);
      return -1;
    }
    if (n == n2 && memcmp(mine, theirs, n) == 0)
      c = i;
    free(theirs);
  }
  free(mine);
  if (c < 0) {
    if (cs->n == cs->cap) {
      int cap = cs->cap ? 2 * cs->cap : 64;
      struct evac_input_class *nc = realloc(cs->c, (size_t)cap * sizeof *nc);
      if (!nc)
        return -1;
      cs->c = nc;
      cs->cap = cap;
    }
    c = cs->n++;
    cs->c[c] = (struct evac_input_class){h, v, k};
  }
  if (physics)
    rk->variants[v].pcls[k] = c;
  else
    rk->variants[v].cls[k] = c;
  return 0;
}

/* Sets variant v's weight of each fire (1 without "fires", else its
 * fires' weights over the sum of the building as inspected; variant 0
 * sets that sum) and the class of its inputs with each fire it has.
 * Returns 0 or -1. */
static int variant_inputs(struct evac_ranking *rk, int v) {
  struct evac_variant *var = &rk->variants[v];
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  enum evac_status st =
      evac_replicate_load(rk->path, rk->m, var->fixed, &d, &m);
  if (st == EVAC_OK && !rk->strata)
    var->w[0] = 1.0;
  else if (st == EVAC_OK) {
    if (v == 0) /* the building as inspected */
      for (int k = 0; k < m->nfires; k++)
        rk->inspected_weight +=
            m->fires[k].weight > 0.0 ? m->fires[k].weight : 0.0;
    evac_replicate_weights(m, rk->strata, rk->nstrata, rk->inspected_weight,
                           var->w);
  }
  for (int k = 0; k < rk->nstrata; k++)
    var->cls[k] = var->pcls[k] = -1;
  for (int k = 0; st == EVAC_OK && k < rk->nstrata; k++)
    if (var->w[k] > 0.0 &&
        (classify(rk, v, k, 0, m) || classify(rk, v, k, 1, m)))
      st = EVAC_ERR_RUNTIME;
  evac_model_free(m);
  evac_diag_free(&d);
  return st == EVAC_OK ? 0 : -1;
}

/* Index of the variant with these fixed hazards, added if new; -1 out of
 * memory or if its scenario does not load. */
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
  size_t k = (size_t)rk->nstrata;
  v->w = calloc(k, sizeof *v->w);
  v->n = calloc(k, sizeof *v->n);
  v->cap = calloc(k, sizeof *v->cap);
  v->out = calloc(k, sizeof *v->out);
  v->harm = calloc(k, sizeof *v->harm);
  v->cls = calloc(k, sizeof *v->cls);
  v->pcls = calloc(k, sizeof *v->pcls);
  rk->nvariants++; /* freed with the ranking from here on */
  if (!v->w || !v->n || !v->cap || !v->out || !v->harm || !v->cls || !v->pcls ||
      variant_inputs(rk, rk->nvariants - 1))
    return -1;
  return rk->nvariants - 1;
}

/* One replication's weight and value for a weighted percentile. */
struct wval {
  double x, w;
};

static int cmp_wval(const void *a, const void *b) {
  double x = ((const struct wval *)a)->x, y = ((const struct wval *)b)->x;
  return (x > y) - (x < y);
}

/* Means over fires (weighted) and the weighted p95 RSET of variant v.
 * Returns 0 or -1 (memory). */
static int summarise(const struct evac_ranking *rk, struct evac_variant *v) {
  int total = 0;
  double wsum = 0.0;
  for (int k = 0; k < rk->nstrata; k++) {
    total += v->n[k];
    wsum += v->n[k] > 0 ? v->w[k] : 0.0;
  }
  struct wval *rs = malloc(((size_t)total + 1) * sizeof *rs);
  if (!rs)
    return -1;
  v->nreps = total;
  v->objective_mean = v->incapacitated_mean = v->trapped_mean = 0.0;
  v->not_out_mean = v->margin_mean_s = 0.0;
  int j = 0;
  for (int k = 0; k < rk->nstrata; k++) {
    int n = v->n[k];
    double w = v->w[k];
    for (int r = 0; r < n; r++) {
      const struct evac_outcome *o = &v->out[k][r];
      v->objective_mean += w * o->objective / n;
      v->incapacitated_mean += w * o->incapacitated / n;
      v->trapped_mean += w * o->trapped / n;
      v->not_out_mean += w * o->not_out / n;
      v->margin_mean_s += w / wsum * o->margin_s / n;
      rs[j++] = (struct wval){o->rset_s, w / wsum / n};
    }
  }
  qsort(rs, (size_t)j, sizeof *rs, cmp_wval);
  double cum = 0.0;
  v->rset_p95_s = j ? rs[j - 1].x : 0.0;
  for (int i = 0; i < j; i++)
    if ((cum += rs[i].w) >= 0.95 - 1e-9) {
      v->rset_p95_s = rs[i].x;
      break;
    }
  free(rs);
  return 0;
}

/* 1 if two outcomes are equal in every field. */
static int same(const struct evac_outcome *a, const struct evac_outcome *b) {
  return a->objective == b->objective && a->incapacitated == b->incapacitated &&
         a->trapped == b->trapped && a->not_out == b->not_out &&
         a->rset_s == b->rset_s && a->margin_s == b->margin_s;
}

/* The replications of fire k the effect from x to y rests on: the paired
 * ones where both have the fire; all of one's where the other lacks it
 * (its weight 0: a fixed ignition source), whose share of the risk the
 * fix then removes whole. */
static int paired(const struct evac_variant *x, const struct evac_variant *y,
                  int k) {
  if (y->w[k] == 0.0)
    return x->w[k] == 0.0 ? 0 : x->n[k];
  if (x->w[k] == 0.0)
    return y->n[k];
  return x->n[k] < y->n[k] ? x->n[k] : y->n[k];
}

/* An outcome of a fire a variant lacks (weight 0): read as nothing. */
static const struct evac_outcome none;

void evac_rank_effect(const struct evac_ranking *rk, int a, int b,
                      struct evac_effect *e) {
  const struct evac_variant *x = &rk->variants[a], *y = &rk->variants[b];
  memset(e, 0, sizeof *e);
  e->identical = 1;
  int n[EVAC_RANK_MAX_STRATA];
  for (int k = 0; k < rk->nstrata; k++) {
    double wx = x->w[k], wy = y->w[k];
    n[k] = paired(x, y, k);
    for (int r = 0; r < n[k]; r++) {
      const struct evac_outcome *p = wx != 0.0 ? &x->out[k][r] : &none;
      const struct evac_outcome *q = wy != 0.0 ? &y->out[k][r] : &none;
      e->incapacitated +=
          (wx * p->incapacitated - wy * q->incapacitated) / n[k];
      e->trapped += (wx * p->trapped - wy * q->trapped) / n[k];
      e->not_out += (wx * p->not_out - wy * q->not_out) / n[k];
      e->identical &= wx == wy && same(p, q);
    }
  }
  struct evac_stratified st;
  evac_outcome_stratified((const struct evac_outcome *const *)x->out, x->w,
                          (const struct evac_outcome *const *)y->out, y->w, n,
                          rk->nstrata, e->by_fire, &st);
  e->mean = st.mean;
  e->lo = st.lo;
  e->hi = st.hi;
  e->var = st.var;
  e->df = st.df;
  e->rset_p95_s = x->rset_p95_s - y->rset_p95_s;
  e->margin_s = y->margin_mean_s - x->margin_mean_s;
}

void evac_rank_harm(const struct evac_ranking *rk, int a, int b, double *out) {
  const struct evac_variant *x = &rk->variants[a], *y = &rk->variants[b];
  int w = rk->hwidth;
  memset(out, 0, (size_t)w * sizeof *out);
  for (int k = 0; k < rk->nstrata; k++) {
    double wx = x->w[k], wy = y->w[k];
    int n = paired(x, y, k);
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < w; j++) {
        double p = wx != 0.0 ? x->harm[k][(size_t)r * w + (size_t)j] : 0.0;
        double q = wy != 0.0 ? y->harm[k][(size_t)r * w + (size_t)j] : 0.0;
        out[j] += (wx * p - wy * q) / n;
      }
    }
  }
}

/* Key of replication rep of stratum k of variant v in the state folder. */
static uint64_t state_key(const struct evac_ranking *rk,
                          const struct evac_variant *v, int rep) {
  return evac_outcome_block_key(rk->state_key, v->fixed, rep, 1);
}

/* The replication number of the r-th replication of stratum k. */
static int rep_id(const struct evac_ranking *rk, int k, int r) {
  return rk->strata ? k * EVAC_STRATUM_STRIDE + r : r;
}

/* Prints a progress line: 1 rewrites one line (a terminal), 2 adds one. */
static void progress_line(const struct evac_ranking *rk, long done, long n,
                          double t0) {
  double el = wall_now() - t0;
  double eta = done > 0 ? el * (double)(n - done) / (double)done : 0.0;
  fprintf(stderr,
          "%s  rank: round %d (%d replications a variant): %ld / %ld "
          "simulations, %ld in all, about %.0f s left in this round%s",
          rk->progress == 1 ? "\r" : "", rk->rounds, rk->reps, done, n,
          rk->runs + done, eta, rk->progress == 1 ? " " : "\n");
}

/* Grows variant v's outcomes of stratum k to hold n. Returns 0 or -1. */
static int reserve(struct evac_variant *v, int k, int n, int hwidth) {
  if (v->cap[k] >= n)
    return 0;
  struct evac_outcome *o = realloc(v->out[k], (size_t)n * sizeof *o);
  if (o)
    v->out[k] = o;
  int32_t *h = realloc(v->harm[k], (size_t)n * (size_t)hwidth * sizeof *h);
  if (h)
    v->harm[k] = h;
  if (!o || !h)
    return -1;
  v->cap[k] = n;
  return 0;
}

/* A replication a round needs: the r-th of fire k of variant v; src -1:
 * simulated, else the task with the same inputs whose outcome it copies. */
struct task {
  int v, k, r;
  long src;
};

/* Copies replication r of fire k from variant a to variant b. */
static void copy_outcome(struct evac_ranking *rk, int a, int b, int k, int r) {
  struct evac_variant *x = &rk->variants[a], *y = &rk->variants[b];
  size_t w = (size_t)rk->hwidth;
  y->out[k][r] = x->out[k][r];
  memcpy(&y->harm[k][r * w], &x->harm[k][r * w], w * sizeof(int32_t));
}

/* An earlier source of replication r of fire k of variant v: another
 * variant with the same inputs with that fire (the same class) that has the
 * outcome already (*from gets it; returns -1), or whose task of this round
 * will simulate it (returns that task); -2: none. slot[off[u * nstrata +
 * k] + r - n] is the task of variant u's replication r this round (-1:
 * already filled in it); off -1: u has none this round. */
static long source(const struct evac_ranking *rk, int v, int k, int r,
                   const long *off, const long *slot, const struct task *tasks,
                   int *from) {
  int c = rk->variants[v].cls[k];
  for (int u = 0; u < rk->nvariants; u++) {
    const struct evac_variant *x = &rk->variants[u];
    if (u == v || x->cls[k] != c)
      continue;
    *from = u;
    if (r < x->n[k])
      return -1;
    long o = off[(size_t)u * (size_t)rk->nstrata + (size_t)k];
    if (u > v || o < 0)
      continue;
    long t = slot[o + r - x->n[k]];
    return t < 0 ? -1 : tasks[t].src >= 0 ? tasks[t].src : t;
  }
  return -2;
}

/* A task to simulate, with what orders it in by_physics. */
struct task_key {
  int k, p; /* its fire, and its variant's class of fire and smoke inputs */
  long i;   /* its place in run */
  long t;   /* the task */
};

static int cmp_task_key(const void *pa, const void *pb) {
  const struct task_key *a = pa, *b = pb;
  if (a->k != b->k)
    return a->k < b->k ? -1 : 1;
  if (a->p != b->p)
    return a->p < b->p ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

/* Orders run[0 .. n-1] (tasks' indices) by fire, then by the class of
 * their variant's fire and smoke inputs with it, else as they were, so
 * that the tasks that can share one fire and smoke simulation are
 * consecutive. Returns 0 or -1 (memory). */
static int by_physics(const struct evac_ranking *rk, const struct task *tasks,
                      long *run, long n) {
  struct task_key *key = malloc(((size_t)n + 1) * sizeof *key);
  if (!key)
    return -1;
  for (long i = 0; i < n; i++) {
    const struct task *t = &tasks[run[i]];
    key[i] = (struct task_key){t->k, rk->variants[t->v].pcls[t->k], i, run[i]};
  }
  qsort(key, (size_t)n, sizeof *key, cmp_task_key);
  for (long i = 0; i < n; i++)
    run[i] = key[i].t;
  free(key);
  return 0;
}

/* Runs the replications the variants in play lack (up to each fire's
 * target; settled variants get none) in parallel, one group a thread (those
 * of one fire whose variants have the same fire and smoke inputs, on one
 * fire and smoke simulation); results are stored by index, so the outcome
 * depends neither on the thread count nor on the groups. A replication whose
 * inputs equal another variant's with the same fire (the same class) is not
 * simulated: it gets that outcome (docs/ranking.md, "Identical simulations").
 * With a state folder, replications found there are read instead, and each one
 * simulated is kept there. */
static enum evac_status simulate(struct evac_ranking *rk) {
  long nslots = 0;
  size_t nvk = (size_t)rk->nvariants * (size_t)rk->nstrata;
  long *off = malloc((nvk + 1) * sizeof *off);
  if (!off)
    return EVAC_ERR_RUNTIME;
  for (int v = 0; v < rk->nvariants; v++)
    for (int k = 0; k < rk->nstrata; k++) {
      const struct evac_variant *var = &rk->variants[v];
      int in = !var->settled && var->w[k] > 0.0 && var->n[k] < rk->target[k];
      off[(size_t)v * (size_t)rk->nstrata + (size_t)k] = in ? nslots : -1;
      nslots += in ? rk->target[k] - var->n[k] : 0;
    }
  if (nslots == 0) {
    free(off);
    return EVAC_OK;
  }
  long *slot = malloc((size_t)nslots * sizeof *slot);
  struct task *tasks = malloc((size_t)nslots * sizeof *tasks);
  long *run = malloc((size_t)nslots * sizeof *run);
  if (!slot || !tasks || !run) {
    free(off);
    free(slot);
    free(tasks);
    free(run);
    return EVAC_ERR_RUNTIME;
  }
  long t = 0, ntasks = 0, reused = 0;
  enum evac_status status = EVAC_OK;
  for (int v = 0; status == EVAC_OK && v < rk->nvariants; v++) {
    struct evac_variant *var = &rk->variants[v];
    for (int k = 0; status == EVAC_OK && k < rk->nstrata; k++) {
      long o = off[(size_t)v * (size_t)rk->nstrata + (size_t)k];
      if (o < 0)
        continue;
      if (reserve(var, k, rk->target[k], rk->hwidth)) {
        status = EVAC_ERR_RUNTIME;
        break;
      }
      for (int r = var->n[k]; r < rk->target[k]; r++) {
        int rep = rep_id(rk, k, r), from;
        long *sl = &slot[o + r - var->n[k]];
        *sl = -1;
        if (rk->state_dir && /* finished before an interruption */
            evac_outcome_block_read(
                rk->state_dir, state_key(rk, var, rep), rep, 1, &var->out[k][r],
                &var->harm[k][(size_t)r * rk->hwidth], rk->hwidth) == 0) {
          rk->runs++;
          rk->resumed++;
          continue;
        }
        long src = source(rk, v, k, r, off, slot, tasks, &from);
        if (src == -1) { /* there already: copied now */
          copy_outcome(rk, from, v, k, r);
          reused++;
          continue;
        }
        tasks[t] = (struct task){v, k, r, src >= 0 ? src : -1};
        if (src < 0)
          run[ntasks++] = t;
        *sl = t++;
      }
    }
  }
  /* the replications of one fire whose variants have the same fire and
     smoke inputs share a fire and smoke simulation
     (evac_replicate_run_group) */
  long *group = malloc(((size_t)ntasks + 1) * sizeof *group), ngroups = 0;
  if (!group || by_physics(rk, tasks, run, ntasks)) {
    free(group);
    free(off);
    free(slot);
    free(tasks);
    free(run);
    return EVAC_ERR_RUNTIME;
  }
  long size = evac_replicate_group_size(ntasks, rk->threads, rk->group_cap);
  for (long i = 0; i < ntasks; i++) {
    const struct task *a = &tasks[run[i]], *b = i ? &tasks[run[i - 1]] : NULL;
    if (!b || a->k != b->k ||
        rk->variants[a->v].pcls[a->k] != rk->variants[b->v].pcls[b->k] ||
        i - group[ngroups - 1] >= size)
      group[ngroups++] = i;
  }
  group[ngroups] = ntasks;
  long done = 0, every = ntasks / 10 > 10 ? ntasks / 10 : 10;
  double t0 = wall_now(), last_print = t0, cpu = 0.0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(rk->threads)         \
    reduction(+ : cpu)
  for (long g = 0; g < ngroups; g++) {
    int n = (int)(group[g + 1] - group[g]);
    int k = tasks[run[group[g]]].k, reps[EVAC_REPLICATE_GROUP_MAX];
    uint64_t fixed[EVAC_REPLICATE_GROUP_MAX];
    struct evac_outcome out[EVAC_REPLICATE_GROUP_MAX];
    int32_t *harm[EVAC_REPLICATE_GROUP_MAX];
    for (int j = 0; j < n; j++) {
      const struct task *tj = &tasks[run[group[g] + j]];
      struct evac_variant *v = &rk->variants[tj->v];
      fixed[j] = v->fixed;
      reps[j] = rep_id(rk, k, tj->r);
      harm[j] = &v->harm[k][(size_t)tj->r * rk->hwidth];
    }
    double c0 = cpu_now();
    enum evac_status st = evac_replicate_run_group(
        rk->path, rk->m, fixed, rk->seed, reps, n,
        rk->strata ? &rk->strata[k] : NULL, rk->objective, out, harm);
    cpu += cpu_now() - c0;
    for (int j = 0; st == EVAC_OK && j < n; j++) {
      const struct task *tj = &tasks[run[group[g] + j]];
      struct evac_variant *v = &rk->variants[tj->v];
      v->out[k][tj->r] = out[j];
      if (rk->state_dir)
        st = evac_outcome_block_write(rk->state_dir, state_key(rk, v, reps[j]),
                                      reps[j], 1, &out[j], harm[j], rk->hwidth);
    }
    long now;
#pragma omp atomic capture
    now = done += n;
    if (st != EVAC_OK) {
#pragma omp critical
      if (status == EVAC_OK)
        status = st;
    }
    if (rk->progress) {
#pragma omp critical
      if ((rk->progress == 1 && wall_now() - last_print > 1.0) ||
          (rk->progress == 2 && now / every != (now - n) / every)) {
        last_print = wall_now();
        progress_line(rk, now, ntasks, t0);
      }
    }
  }
  free(group);
  for (long i = 0; status == EVAC_OK && i < t; i++)
    if (tasks[i].src >= 0) { /* the same inputs simulated above */
      copy_outcome(rk, tasks[tasks[i].src].v, tasks[i].v, tasks[i].k,
                   tasks[i].r);
      reused++;
    }
  free(off);
  free(slot);
  free(tasks);
  free(run);
  rk->runs += ntasks + reused;
  rk->reused += reused;
  rk->cpu_s += cpu;
  for (int v = 0; status == EVAC_OK && v < rk->nvariants; v++) {
    struct evac_variant *var = &rk->variants[v];
    int grew = 0;
    for (int k = 0; !var->settled && k < rk->nstrata; k++)
      if (var->w[k] > 0.0 && var->n[k] < rk->target[k]) {
        var->n[k] = rk->target[k];
        grew = 1;
      }
    if (grew && summarise(rk, var))
      status = EVAC_ERR_RUNTIME;
  }
  return status;
}

/* Fills row with hazard h's effect: fixing it in variant base (to variant
 * next), and alone (the closure check). Returns 0 or -1. */
static int fill_row(struct evac_ranking *rk, struct evac_rank_row *row, int h,
                    int base, int next) {
  int solo = variant(rk, 1ull << h);
  if (solo < 0)
    return -1;
  row->hazard = h;
  row->base_v = base;
  row->next_v = next;
  row->second_v = -1;
  evac_rank_effect(rk, base, next, &row->step);
  evac_rank_effect(rk, 0, solo, &row->solo);
  row->major = row->step.lo >= EVAC_MAJOR_CASUALTIES;
  row->major_resolved = row->major || row->step.hi < EVAC_MAJOR_CASUALTIES;
  row->applicable = !(row->step.identical && row->solo.identical);
  double cost = rk->m->hazards[h].cost;
  row->per_cost = isnan(cost) || cost <= 0.0 ? NAN : row->step.mean / cost;
  return 0;
}

/* The greedy sequence stops at this step (no hazard left changes any
 * outcome of any replication, or the step limit is reached): the rest go
 * in rows step.. by the objective each avoids here, then by the p95
 * evacuation time it saves here (ties: list order), each measured against
 * this step's variant, without simulating further steps. Variants whose
 * major verdict is open stay in play. */
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
      double c = rk->variants[base].objective_mean - v->objective_mean;
      double t = rk->variants[base].rset_p95_s - v->rset_p95_s;
      if (c > best_c || (c == best_c && t > best_t)) {
        best_c = c;
        best_t = t;
        pick = i;
      }
    }
    struct evac_rank_row *row = &rk->rows[k];
    int next = variant(rk, fixed | 1ull << pick);
    if (fill_row(rk, row, pick, base, next))
      return EVAC_ERR_RUNTIME;
    row->order = k + 1;
    row->resolved = 1; /* not compared further */
    rk->variants[next].settled &= row->major_resolved;
    taken |= 1ull << pick;
  }
  return EVAC_OK;
}

/* The best and the runner-up candidate at a step from variant base (by
 * the objective avoided; ties: list order), into *best and *second (-1 if
 * none); *inert: 1 if no candidate changes any outcome. */
static void candidates(struct evac_ranking *rk, int base, uint64_t fixed,
                       int *best, int *second, int *inert) {
  double best_mean = -INFINITY, second_mean = -INFINITY;
  *best = *second = -1;
  *inert = 1;
  for (int i = 0; i < rk->nrows; i++) {
    if (fixed >> i & 1)
      continue;
    struct evac_effect e;
    evac_rank_effect(rk, base, variant(rk, fixed | 1ull << i), &e);
    *inert &= e.identical;
    if (e.mean > best_mean) {
      *second = *best;
      second_mean = best_mean;
      best_mean = e.mean;
      *best = i;
    } else if (e.mean > second_mean) {
      *second = i;
      second_mean = e.mean;
    }
  }
}

/* 1 if the wall-clock budget (if any) is spent. */
static int budget_spent(const struct evac_ranking *rk) {
  return rk->budget_s > 0.0 && wall_now() - rk->started > rk->budget_s;
}

/* One greedy pass at the current targets: fills rk->rows, sets
 * rk->resolved, and settles the candidates beaten at 95 % at their step.
 * A step after which the budget is spent ends the pass (rk->cut): the rest
 * is listed by its effect there, as at the step limit. */
static enum evac_status greedy(struct evac_ranking *rk) {
  int n = rk->nrows;
  uint64_t fixed = 0;
  rk->resolved = 1;
  rk->inert_from = rk->nrows;
  for (int step = 0; step < n; step++) {
    for (int i = 0; i < n; i++)
      if (!(fixed >> i & 1) && variant(rk, fixed | 1ull << i) < 0)
        return EVAC_ERR_RUNTIME;
    int base = variant(rk, fixed), best, second, inert;
    for (;;) { /* the best two are never left behind */
      enum evac_status st = simulate(rk);
      if (st != EVAC_OK)
        return st;
      candidates(rk, base, fixed, &best, &second, &inert);
      struct evac_variant *b = &rk->variants[variant(rk, fixed | 1ull << best)];
      struct evac_variant *s =
          second >= 0 ? &rk->variants[variant(rk, fixed | 1ull << second)]
                      : NULL;
      if (!b->settled && (!s || !s->settled))
        break;
      b->settled = 0;
      if (s)
        s->settled = 0;
    }
    int limit = rk->steps > 0 && step == rk->steps;
    rk->cut = !inert && !limit && budget_spent(rk);
    if (inert || limit || rk->cut)
      return rest_at(rk, step, fixed);
    struct evac_rank_row *row = &rk->rows[step];
    int next = variant(rk, fixed | 1ull << best);
    if (fill_row(rk, row, best, base, next))
      return EVAC_ERR_RUNTIME;
    row->order = step + 1;
    row->resolved = 1;
    for (int i = 0; i < n; i++) { /* the losers beaten at 95 % */
      if (fixed >> i & 1 || i == best)
        continue;
      int v = variant(rk, fixed | 1ull << i);
      struct evac_effect e;
      evac_rank_effect(rk, v, next, &e);
      int beaten = e.lo > 0.0 || (e.mean == 0.0 && e.var == 0.0);
      if (i == second) {
        row->second_v = v;
        row->resolved = beaten;
      }
      rk->variants[v].settled = beaten;
    }
    rk->resolved &= row->resolved;
    fixed |= 1ull << best;
  }
  return EVAC_OK;
}

/* 1 if every line's order and major verdict is resolved. */
static int all_resolved(const struct evac_ranking *rk) {
  int ok = rk->resolved;
  for (int i = 0; i < rk->nrows; i++)
    ok &= rk->rows[i].major_resolved;
  return ok;
}

/* Adds the stratum variances of the effect from variant a to b to s2. */
static void add_spread(const struct evac_ranking *rk, int a, int b,
                       double *s2) {
  const struct evac_variant *x = &rk->variants[a], *y = &rk->variants[b];
  for (int k = 0; k < rk->nstrata; k++) {
    int n = paired(x, y, k);
    if (n < 2)
      continue;
    double s = 0.0, q = 0.0;
    for (int r = 0; r < n; r++) {
      double d = (x->w[k] != 0.0 ? x->w[k] * x->out[k][r].objective : 0.0) -
                 (y->w[k] != 0.0 ? y->w[k] * y->out[k][r].objective : 0.0);
      s += d;
      q += d * d;
    }
    double var = (q - s * s / n) / (n - 1);
    s2[k] += var > 0.0 ? var : 0.0;
  }
}

/* Replications a variant would need for effect e to be told from
 * threshold at 95 %, at rk->reps now: the half-width shrinks as 1/sqrt(n)
 * (the t quantile falling too makes it an overestimate); INFINITY: the
 * mean is exactly on the threshold. */
static double needed(const struct evac_ranking *rk, const struct evac_effect *e,
                     double threshold) {
  double gap = fabs(e->mean - threshold), half = e->hi - e->mean;
  if (!(gap > 0.0))
    return INFINITY;
  double f = half / gap;
  return f > 1.0 ? ceil(rk->reps * f * f) : rk->reps;
}

/* The open decisions: their summed stratum variances into s2 (if not
 * NULL), and the replications that would resolve them all. */
static double open_decisions(const struct evac_ranking *rk, double *s2) {
  double need = rk->reps;
  for (int i = 0; i < rk->nrows; i++) {
    const struct evac_rank_row *row = &rk->rows[i];
    struct evac_effect e;
    if (!row->resolved && row->second_v >= 0) {
      evac_rank_effect(rk, row->second_v, row->next_v, &e);
      if (s2)
        add_spread(rk, row->second_v, row->next_v, s2);
      double n = needed(rk, &e, 0.0);
      need = n > need ? n : need;
    }
    if (!row->major_resolved) {
      if (s2)
        add_spread(rk, row->base_v, row->next_v, s2);
      double n = needed(rk, &row->step, EVAC_MAJOR_CASUALTIES);
      need = n > need ? n : need;
    }
  }
  return need;
}

/* Groups of rk->unit replications a variant that hold about reps: reps
 * rounded to the nearest group, at least one group a fire. */
static int groups_of(const struct evac_ranking *rk, int reps) {
  int g = (reps + rk->unit / 2) / rk->unit;
  return g > rk->nstrata ? g : rk->nstrata;
}

/* Sets the fires' targets for a round of about total replications a
 * variant, in groups of rk->unit (groups_of): each fire at least one group
 * and what it had, the rest shared in proportion to (1 - DEFENSIVE_SHARE) x
 * its share of the spread of the open decisions (Neyman) + DEFENSIVE_SHARE
 * x its weight, by largest remainder. s2 NULL: by weight alone. */
static void allocate(struct evac_ranking *rk, int total, const double *s2) {
  int ns = rk->nstrata, groups[EVAC_RANK_MAX_STRATA];
  double ssum = 0.0, wsum = 0.0, share[EVAC_RANK_MAX_STRATA] = {0.0};
  const double *w = rk->variants[0].w;
  for (int k = 0; k < ns; k++) {
    ssum += s2 ? sqrt(s2[k]) : 0.0;
    wsum += w[k];
    groups[k] = rk->target[k] / rk->unit;
  }
  for (int k = 0; k < ns; k++) {
    share[k] = wsum > 0.0 ? w[k] / wsum : 1.0 / ns;
    if (ssum > 0.0)
      share[k] = (1.0 - DEFENSIVE_SHARE) * sqrt(s2[k]) / ssum +
                 DEFENSIVE_SHARE * share[k];
  }
  evac_replicate_allocate(share, ns, groups_of(rk, total), 1, groups);
  rk->reps = 0;
  for (int k = 0; k < ns; k++) {
    rk->target[k] = groups[k] * rk->unit;
    rk->reps += rk->target[k];
  }
}

/* Variance reduction of the difference from variant a to b against
 * drawing the fire by weight at the same number of replications:
 * (within-fire + between-fire variance of one drawn replication) / N over
 * the stratified variance. */
static double reduction(const struct evac_ranking *rk, int a, int b) {
  if (!rk->strata)
    return NAN;
  const struct evac_variant *x = &rk->variants[a], *y = &rk->variants[b];
  double mu[EVAC_RANK_MAX_STRATA], s2[EVAC_RANK_MAX_STRATA],
      p[EVAC_RANK_MAX_STRATA];
  double mean = 0.0, strat = 0.0, within = 0.0, between = 0.0;
  int total = 0;
  for (int k = 0; k < rk->nstrata; k++) {
    int n = x->n[k] < y->n[k] ? x->n[k] : y->n[k];
    p[k] = x->w[k]; /* variant 0's weights sum to 1 */
    mu[k] = s2[k] = 0.0;
    if (n < 2 || !(p[k] > 0.0))
      continue;
    total += n;
    double s = 0.0, q = 0.0;
    for (int r = 0; r < n; r++) { /* the weighted difference over p: y */
      double d = (x->w[k] * x->out[k][r].objective -
                  y->w[k] * y->out[k][r].objective) /
                 p[k];
      s += d;
      q += d * d;
    }
    mu[k] = s / n;
    s2[k] = (q - s * s / n) / (n - 1);
    strat += p[k] * p[k] * s2[k] / n;
    mean += p[k] * mu[k];
  }
  for (int k = 0; k < rk->nstrata; k++) {
    within += p[k] * s2[k];
    between += p[k] * (mu[k] - mean) * (mu[k] - mean);
  }
  if (!(strat > 0.0) || total == 0)
    return NAN;
  return (within + between) / total / strat;
}

/* The gain of stratifying for each of the first three lines re-ranked
 * (rk->rows[i].order_vrf, order_reps and order_reps_drawn; docs/ranking.md,
 * "What stratifying gains"). */
static void gain(struct evac_ranking *rk) {
  for (int i = 0; i < rk->nrows; i++) {
    struct evac_rank_row *row = &rk->rows[i];
    row->order_vrf = row->order_reps = row->order_reps_drawn = NAN;
    if (i >= 3 || i >= rk->inert_from)
      continue;
    int a = row->second_v >= 0 ? row->second_v : row->base_v;
    struct evac_effect e;
    evac_rank_effect(rk, a, row->next_v, &e);
    int n = 0; /* replications the pair shares, all fires */
    for (int k = 0; k < rk->nstrata; k++) {
      int nx = rk->variants[a].n[k], ny = rk->variants[row->next_v].n[k];
      n += nx < ny ? nx : ny;
    }
    double f = (e.hi - e.mean) / fabs(e.mean); /* half-width over the gap */
    row->order_vrf = reduction(rk, a, row->next_v);
    row->order_reps = e.mean != 0.0 ? fmax(2.0, ceil(n * f * f)) : INFINITY;
    row->order_reps_drawn = ceil(row->order_reps * row->order_vrf);
  }
}

const char *evac_rank_priority(const struct evac_rank_row *row) {
  if (!row->applicable)
    return "n/a";
  if (row->major)
    return "high";
  return row->step.lo > 0.0 ? "medium" : "low";
}

/* Sets the strata of rk from its model with every hazard present. Returns
 * EVAC_OK, EVAC_ERR_INPUT (too many fires) or another status. */
static enum evac_status strata(struct evac_ranking *rk,
                               struct evac_diag *diag) {
  struct evac_model *all = NULL;
  enum evac_status st = evac_replicate_load(rk->path, rk->m, 0, diag, &all);
  if (st == EVAC_OK && all->nfires > EVAC_RANK_MAX_STRATA) {
    evac_diag_error(diag, rk->path, "fires",
                    "rank tells at most %d ignition scenarios apart, found %d "
                    "(hazards included)",
                    EVAC_RANK_MAX_STRATA, all->nfires);
    st = EVAC_ERR_INPUT;
  }
  if (st == EVAC_OK) {
    rk->egress_s = evac_replicate_egress_estimate(all);
    int n = all->nfires;
    rk->nstrata = n > 0 ? n : 1;
    rk->target = calloc((size_t)rk->nstrata, sizeof *rk->target);
    if (n > 0) {
      rk->strata = malloc((size_t)n * sizeof *rk->strata);
      if (rk->strata)
        evac_replicate_strata(all, rk->strata, n);
    }
    if (!rk->target || (n > 0 && !rk->strata))
      st = EVAC_ERR_RUNTIME;
  }
  evac_model_free(all);
  return st;
}

/* Warns when the run may end before people could have left. */
static void duration_warning(const struct evac_ranking *rk,
                             struct evac_diag *diag) {
  const struct evac_model *m = rk->m;
  if (m->duration_s < rk->egress_s)
    evac_diag_warn(diag, m->scenario_path, "duration_s",
                   "%.0f s ends before people could have left (alarm, "
                   "pre-movement and walking: about %.0f s); those still on "
                   "their way then count as not out",
                   m->duration_s, rk->egress_s);
  else if (rk->variants[0].not_out_mean > 0.0)
    evac_diag_warn(diag, m->scenario_path, "duration_s",
                   "%.2f people a fire were still on their way when the run "
                   "ended at %.0f s; raise duration_s to see how they fare",
                   rk->variants[0].not_out_mean, m->duration_s);
}

enum evac_status evac_rank_run(const char *path,
                               const struct evac_rank_opts *opts,
                               struct evac_diag *diag,
                               struct evac_ranking **out) {
  *out = NULL;
  struct evac_ranking *rk = calloc(1, sizeof *rk);
  if (!rk)
    return EVAC_ERR_RUNTIME;
  rk->started = wall_now();
  rk->path = path;
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
  /* groups of at least --reps replications (a variant's, with one fire)
     must fit; groups across variants with the same fire and smoke may be
     larger where the memory allows it */
  int least = evac_replicate_group_size(opts->reps, 1, EVAC_REPLICATE_GROUP);
  st = evac_memory_check(m, path, 1, rk->threads, least, diag);
  rk->group_cap = evac_replicate_group_cap(m, rk->threads, least);
  if (st == EVAC_OK)
    st = strata(rk, diag);
  if (st != EVAC_OK) { /* refused before the replications allocate */
    evac_ranking_free(rk);
    return st;
  }
  rk->objective = opts->objective;
  rk->reuse = !opts->no_reuse;
  rk->progress = opts->progress;
  rk->budget_s = opts->budget_s;
  rk->max_reps = opts->reps;
  rk->min_reps = opts->min_reps > 0                ? opts->min_reps
                 : opts->reps < EVAC_RANK_MIN_REPS ? opts->reps
                                                   : EVAC_RANK_MIN_REPS;
  if (rk->min_reps > rk->max_reps)
    rk->min_reps = rk->max_reps;
  rk->unit = rk->max_reps / rk->nstrata;
  rk->unit = rk->unit > EVAC_REPLICATE_GROUP ? EVAC_REPLICATE_GROUP
             : rk->unit < 2                  ? 2
                                             : rk->unit;
  rk->cap_reps = groups_of(rk, rk->max_reps) * rk->unit;
  rk->steps = opts->steps;
  rk->seed = opts->seed_given ? opts->seed : m->seed;
  rk->nrows = m->nhazards;
  rk->hwidth = EVAC_HARM_WIDTH(m->nfloors);
  rk->vrf = NAN;
  if (opts->state_dir) {
    rk->state_dir = opts->state_dir;
    int obj = (int)rk->objective;
    rk->state_key =
        evac_fnv(evac_outcome_inputs_key(m, rk->seed), &obj, sizeof obj);
    if (mkdir(rk->state_dir, 0777) != 0 && errno != EEXIST) {
      evac_diag_error(diag, rk->state_dir, NULL,
                      "cannot create the state folder: %s", strerror(errno));
      evac_ranking_free(rk);
      return EVAC_ERR_IO;
    }
  }
  rk->rows = calloc((size_t)rk->nrows, sizeof *rk->rows);
  st = rk->rows && variant(rk, 0) == 0 ? EVAC_OK : EVAC_ERR_RUNTIME;
  if (st == EVAC_OK)
    allocate(rk, rk->min_reps, NULL);
  double *s2 = calloc((size_t)rk->nstrata, sizeof *s2);
  if (!s2)
    st = EVAC_ERR_RUNTIME;
  while (st == EVAC_OK) {
    rk->rounds++;
    st = greedy(rk);
    if (st != EVAC_OK)
      break;
    if (rk->cut) { /* the budget ended the greedy pass */
      rk->stop = EVAC_RANK_BUDGET;
      break;
    }
    if (all_resolved(rk)) {
      rk->stop = EVAC_RANK_RESOLVED;
      break;
    }
    if (rk->reps >= rk->cap_reps) {
      rk->stop = EVAC_RANK_CAP;
      break;
    }
    if (budget_spent(rk)) {
      rk->stop = EVAC_RANK_BUDGET;
      break;
    }
    memset(s2, 0, (size_t)rk->nstrata * sizeof *s2);
    open_decisions(rk, s2);
    int next = 2 * rk->reps < rk->max_reps ? 2 * rk->reps : rk->max_reps;
    allocate(rk, next, s2);
  }
  free(s2);
  if (rk->progress == 1)
    fprintf(stderr, "\r%100s\r", "");
  rk->wall_clock_s = wall_now() - rk->started;
  if (st == EVAC_OK) {
    rk->resolved = !rk->cut && all_resolved(rk);
    rk->reps_needed = rk->resolved ? rk->reps : open_decisions(rk, NULL);
    if (rk->inert_from > 0)
      rk->vrf = reduction(rk, rk->rows[0].base_v, rk->rows[0].next_v);
    gain(rk);
    duration_warning(rk, diag);
  }
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
  rk->path = NULL;
  *out = rk;
  return EVAC_OK;
}

void evac_ranking_free(struct evac_ranking *r) {
  if (!r)
    return;
  for (int v = 0; v < r->nvariants; v++) {
    struct evac_variant *var = &r->variants[v];
    for (int k = 0; var->out && k < r->nstrata; k++)
      free(var->out[k]);
    for (int k = 0; var->harm && k < r->nstrata; k++)
      free(var->harm[k]);
    free(var->out);
    free(var->harm);
    free(var->w);
    free(var->n);
    free(var->cap);
    free(var->cls);
    free(var->pcls);
  }
  free(r->variants);
  free(r->inputs.c);
  free(r->physics.c);
  free(r->rows);
  free(r->strata);
  free(r->target);
  evac_model_free(r->m);
  free(r);
}
