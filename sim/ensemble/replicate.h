/* One replication of a building variant, reduced to its outcome: the unit
 * of work of rank and batch. */
#ifndef EVAC_REPLICATE_H
#define EVAC_REPLICATE_H

#include <stdint.h>

#include "evacsim.h"
#include "result.h"

struct evac_model;

/* Outcome of one simulation of a variant. The counts split the occupants
 * who did not reach safety. */
struct evac_outcome {
  double objective;     /* the value ranked (enum evac_objective) */
  double incapacitated; /* dose reached the threshold */
  double trapped;       /* sheltering or without a route at the end */
  double not_out;       /* still on their way when the run ended */
  double rset_s;        /* when the last who got out reached safety */
  double margin_s;      /* ASET - RSET (ASET = duration if never lost) */
};

/* Number of doubles of an outcome (its fields in order, for files). */
#define EVAC_OUTCOME_FIELDS 6

/* The value of objective obj for an outcome's counts. */
double evac_objective_value(const struct evac_outcome *o,
                            enum evac_objective obj);

/* An ignition scenario named by its place (the same fire in every variant
 * that has it): floor, cell, and how many earlier fires share the place. */
struct evac_stratum {
  int floor, x, y, dup;
};

/* The ignition scenarios of m (hazards applied) as strata, into out[]
 * (at most cap); returns how many (0: m has no "fires"). */
int evac_replicate_strata(const struct evac_model *m, struct evac_stratum *out,
                          int cap);

/* Weight of each of the n strata in m (hazards applied): the fire's weight
 * over total (the sum of the weights of the building as inspected; <= 0:
 * m's own sum), 0 where m lacks the fire. */
void evac_replicate_weights(const struct evac_model *m,
                            const struct evac_stratum *s, int n, double total,
                            double *w);

/* Ignition scenario of replication rep: drawn by weight from m's "fires"
 * (after its hazards were applied) by an exponential race keyed by each
 * fire's place, so variants share it wherever they can; -1: the
 * scenario's "fire" (or none). */
int evac_replicate_ignition(const struct evac_model *m, uint64_t seed, int rep);

/* Makes the fire of m (hazards applied) at stratum s's place the fire it
 * simulates. Returns 0, or -1 if m has no such fire or out of memory. */
int evac_replicate_fire(struct evac_model *m, const struct evac_stratum *s);

/* Loads the scenario at path with the hazards of listed (the scenario as
 * loaded) whose bit is set in fixed rectified, and the rest applied, into
 * *out. Returns EVAC_OK or the loader's status (messages in diag). */
enum evac_status evac_replicate_load(const char *path,
                                     const struct evac_model *listed,
                                     uint64_t fixed, struct evac_diag *diag,
                                     struct evac_model **out);

/* Width of a replication's harm counts for a building of nfloors floors:
 * one count per start floor and enum evac_harm (result.h). */
#define EVAC_HARM_WIDTH(nfloors) ((nfloors)*EVAC_HARM_N)

/* Simulates replication rep of the scenario at path with the hazards of
 * listed (the scenario as loaded) whose bit is set in fixed rectified, on
 * one thread, lean (no fields or trajectories kept). The fire is stratum's
 * (NULL: drawn by weight, evac_replicate_ignition); out->objective is
 * obj's value. harm (NULL: not wanted) receives
 * EVAC_HARM_WIDTH(listed->nfloors) counts: harm[f * EVAC_HARM_N + h] people
 * who started on floor f and ended as h. A stratum the variant lacks gives
 * EVAC_ERR_RUNTIME. */
enum evac_status evac_replicate_run(const char *path,
                                    const struct evac_model *listed,
                                    uint64_t fixed, uint64_t seed, int rep,
                                    const struct evac_stratum *stratum,
                                    enum evac_objective obj,
                                    struct evac_outcome *out, int32_t *harm);

/* Replications of one variant and fire dealt and run together on one
 * fire and smoke simulation (evac_replicate_run_group): rank deals a
 * fire's replications in groups of this many, a batch task runs its block
 * in groups of at most this many. */
#define EVAC_REPLICATE_GROUP 8

/* Most replications on one fire and smoke simulation: rank's groups of
 * variants with the same fire and smoke inputs, as memory allows
 * (evac_replicate_group_cap). */
#define EVAC_REPLICATE_GROUP_MAX 32

/* The group size for n replications on threads threads: up to most, fewer
 * where that would leave a thread without a group; at least 1. */
int evac_replicate_group_size(long n, int threads, int most);

/* The largest group, at most EVAC_REPLICATE_GROUP_MAX, of which threads lean
 * groups of m's replications at once fit in the memory available now
 * (evac_memory_estimate, evac_memory_available); at least `least`. The
 * groups change no outcome, so neither does this. */
int evac_replicate_group_cap(const struct evac_model *m, int threads,
                             int least);

/* Simulates replications reps[0 .. n-1] of the variants fixed[0 .. n-1]
 * and stratum as evac_replicate_run does each, into out[i] (and harm[i],
 * unless harm is NULL), with one fire and smoke simulation for all
 * (evac_sim_run_group): the same outcomes, bit for bit. The variants must
 * have the same fire and smoke inputs with that fire
 * (evac_fingerprint_physics equal; one variant always has). Without a
 * stratum (fires drawn by weight) each is run on its own. */
enum evac_status evac_replicate_run_group(
    const char *path, const struct evac_model *listed, const uint64_t *fixed,
    uint64_t seed, const int *reps, int n, const struct evac_stratum *stratum,
    enum evac_objective obj, struct evac_outcome *out, int32_t *const *harm);

/* A lower bound of the time the slowest occupant group of m (hazards
 * applied) needs on average to get out: the alarm, its mean pre-movement,
 * and its walk across its floor and down the flights to the lowest floor
 * at its mean speed (staff-moved patients count as walking). */
double evac_replicate_egress_estimate(const struct evac_model *m);

/* The warning stored with a ranking or a county building about its
 * duration_s into buf ("" if none): the run ends before people could have
 * left (egress_s, from evac_replicate_egress_estimate), or not_out people a
 * fire were still on their way when it ended. Returns buf. */
const char *evac_replicate_duration_warning(double duration_s, double egress_s,
                                            double not_out, char *buf,
                                            size_t n);

/* Paired objective reduction going from outcomes x to y over n
 * replications (common random numbers): the mean, its 95 % confidence
 * interval [lo, hi] (Student's t) and the variance of the differences,
 * which it returns. */
double evac_outcome_paired(const struct evac_outcome *x,
                           const struct evac_outcome *y, int n, double *mean,
                           double *lo, double *hi);

/* Replication numbers of the r-th replication of ignition scenario k are
 * k times this plus r (more than any replication count), so that every
 * fire has its own draws of people (rank and batch alike). */
#define EVAC_STRATUM_STRIDE 1048576

/* A stratified paired effect (docs/ranking.md, "Confidence intervals"). */
struct evac_stratified {
  double mean;   /* objective avoided (a fire, weighted) */
  double lo, hi; /* 95 % confidence interval */
  double var;    /* variance of mean */
  double df;     /* Welch-Satterthwaite degrees of freedom */
};

/* The effect of going from outcomes x to y, fire by fire: x[k][r] and
 * y[k][r] are replication r of fire k (n[k] paired ones), weighted wx[k]
 * and wy[k]: mean = sum over fires of the mean of wx x - wy y, variance
 * sum of s_k^2 / n_k, 95 % interval with Student's t at the
 * Welch-Satterthwaite df. A fire with both weights 0 or n[k] = 0 is left
 * out; a side whose weight is 0 (it lacks the fire) is not read and counts
 * 0. by_fire (NULL: not wanted) receives each fire's part of mean. */
void evac_outcome_stratified(const struct evac_outcome *const *x,
                             const double *wx,
                             const struct evac_outcome *const *y,
                             const double *wy, const int *n, int nstrata,
                             double *by_fire, struct evac_stratified *out);

/* Deals total replications (or groups of them) to n fires in proportion
 * to share[] (summing to 1) by largest remainder (ties: fire order), each
 * at least least and at least what target[k] holds already; target[] is
 * updated. Returns the sum (> total where the minimums need it). */
int evac_replicate_allocate(const double *share, int n, int total, int least,
                            int *target);

/* Two-sided 97.5 % quantile of Student's t with df >= 1 degrees of
 * freedom. */
double evac_t975(double df);

#endif
