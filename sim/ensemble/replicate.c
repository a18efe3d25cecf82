/* One replication of a variant of a building (docs/ranking.md, "Risk and
 * ranking"): load the scenario, fix a set of its hazards, draw the ignition
 * scenario by weight, apply the remaining hazards, simulate, and reduce the
 * result to the outcome that rank and batch compare. */
#include "replicate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "dist.h"
#include "memory.h"
#include "model.h"
#include "result.h"
#include "rng.h"

/* The stream key of an ignition scenario: its place, so that a fire keeps
 * its random clock when hazards add, re-weight or remove other fires. */
static uint32_t place_key(const struct evac_fire_spec *f) {
  return (uint32_t)f->floor * 0x9E3779B1u + (uint32_t)f->y * 0x85EBCA6Bu +
         (uint32_t)f->x * 0xC2B2AE35u;
}

/* An exponential race: fire k draws a clock E_k = -ln(U_k) / w_k from its
 * own stream and the earliest wins, which picks k with probability
 * w_k / sum w. Variants that add or re-weight a fire change the draw only
 * where that fire wins (common random numbers). Fires with equal keys take
 * successive draws of the stream. */
int evac_replicate_ignition(const struct evac_model *m, uint64_t seed,
                            int rep) {
  int best = -1;
  double best_clock = INFINITY;
  for (int k = 0; k < m->nfires; k++) {
    double w = m->fires[k].weight;
    if (!(w > 0.0))
      continue;
    uint32_t key = place_key(&m->fires[k]);
    int dup = 0;
    for (int j = 0; j < k; j++)
      dup += place_key(&m->fires[j]) == key;
    struct evac_rng r;
    evac_rng_init(&r, seed, (uint32_t)rep, EVAC_RNG_IGNITION, key);
    double u = evac_rng_uniform_pos(&r);
    for (int i = 0; i < dup; i++)
      u = evac_rng_uniform_pos(&r);
    double clock = -log(u) / w;
    if (clock < best_clock) {
      best_clock = clock;
      best = k;
    }
  }
  return best >= 0 ? best : (m->nfires ? 0 : -1);
}

/* Makes fires[k] the fire of model m (curve copied: each owns its own). */
static int set_fire(struct evac_model *m, int k) {
  struct evac_fire_spec f = m->fires[k];
  if (f.ncurve > 0) {
    f.curve_t_s = malloc((size_t)f.ncurve * sizeof *f.curve_t_s);
    f.curve_kw = malloc((size_t)f.ncurve * sizeof *f.curve_kw);
    if (!f.curve_t_s || !f.curve_kw) {
      free(f.curve_t_s);
      free(f.curve_kw);
      return -1;
    }
    memcpy(f.curve_t_s, m->fires[k].curve_t_s,
           (size_t)f.ncurve * sizeof(double));
    memcpy(f.curve_kw, m->fires[k].curve_kw, (size_t)f.ncurve * sizeof(double));
  }
  free(m->fire.curve_t_s);
  free(m->fire.curve_kw);
  m->fire = f;
  m->has_fire = 1;
  return 0;
}

/* Counts the people of the finished sim who did not reach safety by start
 * floor and how they ended into harm[EVAC_HARM_WIDTH(nfloors)]. Returns 0
 * or -1 (memory). */
static int count_harm(const struct evac_sim *sim, const struct evac_result *r,
                      int nfloors, int32_t *harm) {
  int8_t *how = malloc((size_t)r->occupants + 1);
  if (!how)
    return -1;
  evac_sim_harm(sim, how);
  memset(harm, 0, (size_t)EVAC_HARM_WIDTH(nfloors) * sizeof *harm);
  for (int a = 0; a < r->occupants; a++)
    if (how[a] >= 0 && r->agents.floor[a] < nfloors)
      harm[r->agents.floor[a] * EVAC_HARM_N + how[a]]++;
  free(how);
  return 0;
}

double evac_objective_value(const struct evac_outcome *o,
                            enum evac_objective obj) {
  switch (obj) {
  case EVAC_OBJ_INCAPACITATED:
    return o->incapacitated;
  case EVAC_OBJ_NOT_SAFE:
    return o->incapacitated + o->trapped + o->not_out;
  default:
    return o->incapacitated + o->trapped;
  }
}

static const char *const objective_names[EVAC_OBJ_N] = {
    "incapacitated+trapped", "incapacitated", "not-safe"};

const char *evac_objective_name(enum evac_objective obj) {
  return obj >= 0 && obj < EVAC_OBJ_N ? objective_names[obj] : "?";
}

int evac_objective_parse(const char *name) {
  for (int k = 0; k < EVAC_OBJ_N; k++)
    if (!strcmp(name, objective_names[k]))
      return k;
  return -1;
}

/* Index of the fire of m at stratum s's place (its dup-th there), or -1. */
static int fire_of(const struct evac_model *m, const struct evac_stratum *s) {
  int seen = 0;
  for (int k = 0; k < m->nfires; k++) {
    const struct evac_fire_spec *f = &m->fires[k];
    if (f->floor == s->floor && f->x == s->x && f->y == s->y &&
        seen++ == s->dup)
      return k;
  }
  return -1;
}

int evac_replicate_fire(struct evac_model *m, const struct evac_stratum *s) {
  int k = fire_of(m, s);
  return k >= 0 ? set_fire(m, k) : -1;
}

int evac_replicate_strata(const struct evac_model *m, struct evac_stratum *out,
                          int cap) {
  int n = 0;
  for (int k = 0; k < m->nfires && n < cap; k++) {
    const struct evac_fire_spec *f = &m->fires[k];
    int dup = 0;
    for (int j = 0; j < k; j++)
      dup += m->fires[j].floor == f->floor && m->fires[j].x == f->x &&
             m->fires[j].y == f->y;
    out[n++] = (struct evac_stratum){f->floor, f->x, f->y, dup};
  }
  return n;
}

void evac_replicate_weights(const struct evac_model *m,
                            const struct evac_stratum *s, int n, double total,
                            double *w) {
  double sum = total;
  for (int k = 0; !(total > 0.0) && k < m->nfires; k++)
    sum += m->fires[k].weight > 0.0 ? m->fires[k].weight : 0.0;
  for (int i = 0; i < n; i++) {
    int k = fire_of(m, &s[i]);
    w[i] = k >= 0 && sum > 0.0 && m->fires[k].weight > 0.0
               ? m->fires[k].weight / sum
               : 0.0;
  }
}

enum evac_status evac_replicate_load(const char *path,
                                     const struct evac_model *listed,
                                     uint64_t fixed, struct evac_diag *diag,
                                     struct evac_model **out) {
  struct evac_model *m = NULL;
  enum evac_status st = evac_model_load(path, diag, &m);
  const char *ids[64];
  int n = 0;
  for (int i = 0; i < listed->nhazards && i < 64; i++)
    if (fixed >> i & 1)
      ids[n++] = listed->hazards[i].id;
  if (st == EVAC_OK)
    st = evac_hazards_prepare(m, ids, n, path, "hazards", "fixed", diag);
  *out = m;
  return st;
}

/* The model of replication rep: the scenario at path with listed's hazards
 * of fixed rectified, and its fire: stratum's, or drawn by weight (NULL).
 * Problems go to d. */
static enum evac_status prepare(const char *path,
                                const struct evac_model *listed, uint64_t fixed,
                                uint64_t seed, int rep,
                                const struct evac_stratum *stratum,
                                struct evac_diag *d, struct evac_model **m) {
  enum evac_status st = evac_replicate_load(path, listed, fixed, d, m);
  if (st == EVAC_OK && stratum && evac_replicate_fire(*m, stratum))
    st = EVAC_ERR_RUNTIME; /* the variant has no such fire */
  int k =
      st == EVAC_OK && !stratum ? evac_replicate_ignition(*m, seed, rep) : -1;
  if (k >= 0 && set_fire(*m, k))
    st = EVAC_ERR_RUNTIME;
  return st;
}

/* Creates the lean, one-thread simulation of replication rep of m,
 * following lead's fire and smoke (NULL: its own). */
static enum evac_status create(const struct evac_model *m, uint64_t seed,
                               int rep, struct evac_sim *lead,
                               struct evac_diag *d, struct evac_sim **sim) {
  struct evac_run_opts o = {.seed = seed,
                            .seed_given = 1,
                            .replication = (uint32_t)rep,
                            .threads = 1,
                            .lean = 1,
                            .smoke_of = lead};
  return evac_sim_create(m, &o, d, sim);
}

/* The outcome of the finished sim of model m into out (and harm). */
static enum evac_status reduce(const struct evac_sim *sim,
                               const struct evac_model *m,
                               const struct evac_model *listed,
                               enum evac_objective obj,
                               struct evac_outcome *out, int32_t *harm) {
  const struct evac_result *r = evac_sim_result(sim);
  /* the last survivor's time: the engine's RSET, or where it is not
     given (someone never got out) the latest time to safety */
  double last = r->rset_s;
  if (isnan(last)) {
    last = 0.0;
    for (int a = 0; a < r->occupants; a++)
      if (!isnan(r->agents.exit_time_s[a]) && r->agents.exit_time_s[a] > last)
        last = r->agents.exit_time_s[a];
  }
  double aset = isnan(r->aset_s) ? m->duration_s : r->aset_s;
  out->incapacitated = r->incapacitated;
  out->trapped = r->trapped;
  out->not_out = r->not_out;
  out->objective = evac_objective_value(out, obj);
  out->rset_s = last;
  out->margin_s = aset - last;
  if (harm && count_harm(sim, r, listed->nfloors, harm))
    return EVAC_ERR_RUNTIME;
  return EVAC_OK;
}

/* Replications reps[0 .. n-1] of the variants fixed[0 .. n-1] (whose fire
 * and smoke inputs with the fire are the same: evac_fingerprint_physics)
 * and fire (stratum's; NULL: drawn by weight, then for reps[0] alone, so n
 * must be 1) on one fire and smoke simulation (evac_sim_run_group), into
 * out[i] and harm[i] (harm NULL: not wanted). Replications of one variant
 * share its model. */
static enum evac_status
run_together(const char *path, const struct evac_model *listed,
             const uint64_t *fixed, uint64_t seed, const int *reps, int n,
             const struct evac_stratum *stratum, enum evac_objective obj,
             struct evac_outcome *out, int32_t *const *harm) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model **m = calloc((size_t)n + 1, sizeof *m);
  struct evac_sim **sims = calloc((size_t)n + 1, sizeof *sims);
  int *own = calloc((size_t)n + 1, sizeof *own); /* 1: m[i] is i's to free */
  enum evac_status st = m && sims && own ? EVAC_OK : EVAC_ERR_RUNTIME;
  for (int i = 0; i < n && st == EVAC_OK; i++) {
    for (int j = 0; j < i && !m[i]; j++)
      if (fixed[j] == fixed[i])
        m[i] = m[j];
    if (!m[i]) {
      own[i] = 1;
      st = prepare(path, listed, fixed[i], seed, reps[i], stratum, &d, &m[i]);
    }
  }
  for (int i = 0; i < n && st == EVAC_OK; i++)
    st = create(m[i], seed, reps[i], i ? sims[0] : NULL, &d, &sims[i]);
  if (st == EVAC_OK)
    st = evac_sim_run_group(sims, n);
  for (int i = 0; i < n && st == EVAC_OK; i++)
    st = reduce(sims[i], m[i], listed, obj, &out[i], harm ? harm[i] : NULL);
  for (int i = n - 1; sims && i >= 0; i--)
    evac_sim_free(sims[i]);
  for (int i = 0; m && own && i < n; i++)
    if (own[i])
      evac_model_free(m[i]);
  free(sims);
  free(m);
  free(own);
  evac_diag_free(&d);
  return st;
}

enum evac_status evac_replicate_run(const char *path,
                                    const struct evac_model *listed,
                                    uint64_t fixed, uint64_t seed, int rep,
                                    const struct evac_stratum *stratum,
                                    enum evac_objective obj,
                                    struct evac_outcome *out, int32_t *harm) {
  return run_together(path, listed, &fixed, seed, &rep, 1, stratum, obj, out,
                      harm ? &harm : NULL);
}

int evac_replicate_group_size(long n, int threads, int most) {
  long t = threads > 1 ? threads : 1, size = (n + t - 1) / t;
  return size < 1 ? 1 : size > most ? most : (int)size;
}

int evac_replicate_group_cap(const struct evac_model *m, int threads,
                             int least) {
  uint64_t avail;
  const char *source;
  int g = EVAC_REPLICATE_GROUP_MAX;
  if (evac_memory_available(&avail, &source) != 0)
    return least > g ? least : g; /* no limit known (or a bad one: refused
                                     by the memory check already) */
  for (; g > least; g--) {
    struct evac_memory_need need;
    evac_memory_estimate(m, 1, threads, g, &need);
    if (need.total <= (double)avail)
      break;
  }
  return g;
}

enum evac_status evac_replicate_run_group(
    const char *path, const struct evac_model *listed, const uint64_t *fixed,
    uint64_t seed, const int *reps, int n, const struct evac_stratum *stratum,
    enum evac_objective obj, struct evac_outcome *out, int32_t *const *harm) {
  if (stratum)
    return run_together(path, listed, fixed, seed, reps, n, stratum, obj, out,
                        harm);
  enum evac_status st = EVAC_OK; /* each may draw another fire: one by one */
  for (int i = 0; i < n && st == EVAC_OK; i++)
    st = run_together(path, listed, &fixed[i], seed, &reps[i], 1, NULL, obj,
                      &out[i], harm ? &harm[i] : NULL);
  return st;
}

double evac_replicate_egress_estimate(const struct evac_model *m) {
  double flight = 0.0, worst = 0.0;
  for (int s = 0; s < m->nstairs; s++)
    flight = m->stairs[s].flight_length_m > flight
                 ? m->stairs[s].flight_length_m
                 : flight;
  for (int g = 0; g < m->ngroups; g++) {
    const struct evac_group *gr = &m->groups[g];
    const struct evac_profile *p = &m->profiles[gr->profile];
    const struct evac_floor *fl = &m->floors[gr->floor];
    double v = evac_dist_mean(&p->speed_m_s);
    double down = v * evac_dist_mean(&p->stair_down_factor);
    if (!(v > 0.0) || !(down > 0.0))
      continue;
    double across = (fl->nx + fl->ny) * m->cell_m / v;
    double flights = gr->floor * flight / down;
    double t = evac_dist_mean(&p->premovement_s) + across + flights;
    worst = t > worst ? t : worst;
  }
  return m->alarm_delay_s + worst;
}

/* The table below 30 degrees of freedom (a fractional df, from
 * Welch-Satterthwaite, is rounded down: conservative). */
double evac_t975(double df) {
  static const double t[30] = {
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (!(df >= 1.0))
    return t[0];
  return df < 30.0 ? t[(int)df - 1] : 1.96 + 2.5 / df;
}

double evac_outcome_paired(const struct evac_outcome *x,
                           const struct evac_outcome *y, int n, double *mean,
                           double *lo, double *hi) {
  double s = 0.0, s2 = 0.0;
  for (int r = 0; r < n; r++) {
    double d = x[r].objective - y[r].objective;
    s += d;
    s2 += d * d;
  }
  *mean = s / n;
  double var = n > 1 ? (s2 - s * s / n) / (n - 1) : 0.0;
  double half = evac_t975(n - 1) * sqrt(var > 0.0 ? var / n : 0.0);
  *lo = *mean - half;
  *hi = *mean + half;
  return var;
}

const char *evac_replicate_duration_warning(double duration_s, double egress_s,
                                            double not_out, char *buf,
                                            size_t n) {
  if (duration_s < egress_s)
    snprintf(buf, n,
             "duration_s %.0f s ends before people could have left "
             "(alarm, pre-movement and walking: about %.0f s)",
             duration_s, egress_s);
  else if (not_out > 0.0)
    snprintf(buf, n,
             "%.2f people a fire were still on their way when the run ended "
             "at duration_s %.0f s",
             not_out, duration_s);
  else
    buf[0] = '\0';
  return buf;
}

void evac_outcome_stratified(const struct evac_outcome *const *x,
                             const double *wx,
                             const struct evac_outcome *const *y,
                             const double *wy, const int *n, int nstrata,
                             double *by_fire, struct evac_stratified *out) {
  double den = 0.0;
  *out = (struct evac_stratified){0};
  for (int k = 0; k < nstrata; k++) {
    if (by_fire)
      by_fire[k] = 0.0;
    if ((wx[k] == 0.0 && wy[k] == 0.0) || n[k] == 0)
      continue;
    double s = 0.0, s2 = 0.0;
    for (int r = 0; r < n[k]; r++) {
      double d = (wx[k] != 0.0 ? wx[k] * x[k][r].objective : 0.0) -
                 (wy[k] != 0.0 ? wy[k] * y[k][r].objective : 0.0);
      s += d;
      s2 += d * d;
    }
    double mean = s / n[k];
    double var = n[k] > 1 ? (s2 - s * s / n[k]) / (n[k] - 1) : 0.0;
    var = var > 0.0 ? var / n[k] : 0.0; /* of the stratum's mean */
    if (by_fire)
      by_fire[k] = mean;
    out->mean += mean;
    out->var += var;
    if (n[k] > 1)
      den += var * var / (n[k] - 1);
  }
  out->df = den > 0.0 ? out->var * out->var / den : 1.0;
  double half = evac_t975(out->df) * sqrt(out->var);
  out->lo = out->mean - half;
  out->hi = out->mean + half;
}

int evac_replicate_allocate(const double *share, int n, int total, int least,
                            int *target) {
  int sum = 0;
  for (int k = 0; k < n; k++) {
    int m = (int)floor(total * share[k]);
    m = m < least ? least : m;
    target[k] = m > target[k] ? m : target[k];
    sum += target[k];
  }
  while (sum < total) { /* largest remainder first (ties: fire order) */
    int pick = 0;
    double most = -INFINITY;
    for (int k = 0; k < n; k++)
      if (total * share[k] - target[k] > most) {
        most = total * share[k] - target[k];
        pick = k;
      }
    target[pick]++;
    sum++;
  }
  return sum;
}
