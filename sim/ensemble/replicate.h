/* One replication of a building variant, reduced to its outcome: the unit
 * of work of rank and batch. */
#ifndef EVAC_REPLICATE_H
#define EVAC_REPLICATE_H

#include <stdint.h>

#include "evacsim.h"

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

/* Loads the scenario at path with the hazards of listed (the scenario as
 * loaded) whose bit is set in fixed rectified, and the rest applied, into
 * *out. Returns EVAC_OK or the loader's status (messages in diag). */
enum evac_status evac_replicate_load(const char *path,
                                     const struct evac_model *listed,
                                     uint64_t fixed, struct evac_diag *diag,
                                     struct evac_model **out);

/* Simulates replication rep of the scenario at path with the hazards of
 * listed (the scenario as loaded) whose bit is set in fixed rectified, on
 * one thread, lean (no fields or trajectories kept). The fire is stratum's
 * (NULL: drawn by weight, evac_replicate_ignition); out->objective is
 * obj's value. A stratum the variant lacks gives EVAC_ERR_RUNTIME. */
enum evac_status evac_replicate_run(const char *path,
                                    const struct evac_model *listed,
                                    uint64_t fixed, uint64_t seed, int rep,
                                    const struct evac_stratum *stratum,
                                    enum evac_objective obj,
                                    struct evac_outcome *out);

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

/* Two-sided 97.5 % quantile of Student's t with df >= 1 degrees of
 * freedom. */
double evac_t975(double df);

#endif
