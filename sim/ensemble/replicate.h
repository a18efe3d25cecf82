/* One replication of a building variant, reduced to its outcome: the unit
 * of work of rank and batch. */
#ifndef EVAC_REPLICATE_H
#define EVAC_REPLICATE_H

#include <stdint.h>

#include "evacsim.h"

struct evac_model;

/* Outcome of one simulation of a variant. */
struct evac_outcome {
  double casualties; /* occupants who did not reach safety */
  double rset_s;     /* when the last who got out reached safety */
  double margin_s;   /* ASET - RSET (ASET = duration if never lost) */
};

/* Ignition scenario of replication rep: drawn by weight from m's "fires"
 * (after its hazards were applied) by an exponential race keyed by each
 * fire's place, so variants share it wherever they can; -1: the
 * scenario's "fire" (or none). */
int evac_replicate_ignition(const struct evac_model *m, uint64_t seed, int rep);

/* Simulates replication rep of the scenario at path with the hazards of
 * listed (the scenario as loaded) whose bit is set in fixed rectified, on
 * one thread, lean (no fields or trajectories kept). */
enum evac_status evac_replicate_run(const char *path,
                                    const struct evac_model *listed,
                                    uint64_t fixed, uint64_t seed, int rep,
                                    struct evac_outcome *out);

/* Paired casualties avoided going from outcomes x to y over n
 * replications (common random numbers): the mean, its 95 % confidence
 * interval [lo, hi] (Student's t) and the variance of the differences,
 * which it returns. */
double evac_outcome_paired(const struct evac_outcome *x,
                           const struct evac_outcome *y, int n, double *mean,
                           double *lo, double *hi);

#endif
