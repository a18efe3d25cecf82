/* A ranked rectification list: what evac_rank_run produces. */
#ifndef EVAC_RANK_H
#define EVAC_RANK_H

#include <stdint.h>

#include "evacsim.h"
#include "replicate.h"

/* Most ignition scenarios (strata) a ranking tells apart. */
#define EVAC_RANK_MAX_STRATA 64

/* A variant: the building with a set of hazards fixed, estimated fire by
 * fire (stratum by stratum). */
struct evac_variant {
  uint64_t fixed;            /* bit i: hazard i rectified */
  double *w;                 /* [nstrata] weight of each fire here */
  int *n;                    /* [nstrata] replications simulated */
  struct evac_outcome **out; /* [nstrata] -> [cap[k]], the first n[k] filled */
  int *cap;                  /* [nstrata] outcomes allocated */
  int32_t **harm;            /* [nstrata] -> [cap[k] * hwidth] each
                                replication's harm counts (replicate.h) */
  int *cls;                  /* [nstrata] class of the inputs it
                                simulates with that fire (rk->inputs), -1
                                where it lacks the fire */
  int *pcls;                 /* [nstrata] class of its fire and smoke
                                inputs with that fire (rk->physics), -1
                                likewise */
  int settled;               /* 1: beaten at 95 % at its greedy step, so it
                                gets no more replications */
  int nreps;                 /* replications, all fires */
  double objective_mean;     /* sum over fires of weight x mean */
  double incapacitated_mean; /* the same for each count */
  double trapped_mean;
  double not_out_mean;
  double rset_p95_s;    /* weighted 95th percentile over replications */
  double margin_mean_s; /* mean over fires (weights normalised here) */
};

/* The objective avoided going from one variant to another, with its parts
 * and its breakdown by fire. */
struct evac_effect {
  double mean;          /* objective avoided (a fire, weighted) */
  double lo, hi;        /* 95 % confidence interval (stratified) */
  double var;           /* variance of mean */
  double df;            /* Welch-Satterthwaite degrees of freedom */
  double incapacitated; /* mean reduction of each count */
  double trapped;
  double not_out;
  double rset_p95_s; /* p95 evacuation time saved */
  double margin_s;   /* ASET - RSET margin gained */
  int identical;     /* 1: equal outcomes in every replication */
  double by_fire[EVAC_RANK_MAX_STRATA]; /* weighted share of mean */
};

/* One line of the rectification list. */
struct evac_rank_row {
  int hazard;              /* index in the scenario's hazard list */
  int order;               /* 1 = fix first (greedy sequence) */
  struct evac_effect step; /* fixing it at its step (lines above fixed) */
  struct evac_effect solo; /* closure check: it alone fixed, as inspected */
  int major;               /* 1 if step.lo >= EVAC_MAJOR_CASUALTIES */
  int major_resolved;      /* 1: the major verdict holds at 95 % either
                              way (lo >= threshold or hi < threshold) */
  int applicable;          /* 0: it cannot act here (no outcome of any
                              replication differs, fixed or not, at its
                              step or alone) */
  double per_cost;         /* step.mean / cost, NAN without a cost */
  int resolved;       /* 1: it beat the runner-up of its step at 95 % (or tied
                         it in every replication, or was the last) */
  int base_v, next_v; /* variants of its step: before and after fixing it */
  int second_v;       /* the runner-up's variant at its step, -1 if none */
  /* Lines 1-3 re-ranked (else NAN): the decision that orders the line,
   * its effect against the runner-up of its step (none: against not fixing
   * it); what stratifying by fire gains there. */
  double order_vrf;        /* variance of drawing the fire at random over
                              the stratified variance, same replications */
  double order_reps;       /* replications a variant the decision needs at
                              95 %, stratified (estimate) */
  double order_reps_drawn; /* the same drawing the fire: order_reps x
                              order_vrf */
};

/* Priority of a line: "high" (major), "medium" (CI above zero), "low",
 * "n/a" (not applicable). */
const char *evac_rank_priority(const struct evac_rank_row *row);

/* First round of adaptive replication when none is given. */
#define EVAC_RANK_MIN_REPS 10

/* Objective avoided (95 % lower bound) that makes a hazard "major". */
#define EVAC_MAJOR_CASUALTIES 0.5

struct evac_model;

/* Why the adaptive replication stopped. */
enum evac_rank_stop {
  EVAC_RANK_RESOLVED = 0, /* every open decision resolved at 95 % */
  EVAC_RANK_CAP,          /* --reps reached */
  EVAC_RANK_BUDGET,       /* --budget-s spent */
};

/* Simulations with the same inputs (fingerprint.h): the variant and fire
 * that first had them. Replication r of any variant of the class with
 * that fire has the same outcome. */
struct evac_input_class {
  uint64_t hash; /* of the canonical bytes */
  int v, k;      /* the first variant and fire with these inputs */
};

/* The distinct inputs seen so far, of one kind (fingerprint.h). */
struct evac_classes {
  struct evac_input_class *c; /* [n] */
  int n, cap;
};

struct evac_ranking {
  struct evac_model *m; /* the scenario as loaded (hazards listed) */
  enum evac_objective objective;
  int reps;               /* replications a variant in play has, all fires */
  int min_reps, max_reps; /* adaptive: first round, cap (as given) */
  int unit;     /* a fire's replications are dealt in groups of this many:
                   EVAC_REPLICATE_GROUP, or max_reps / fires if smaller, at
                   least 2 (the options and fires alone decide it) */
  int cap_reps; /* max_reps rounded to whole groups, at least one a fire */
  int rounds;   /* rounds of the adaptive replication */
  int resolved; /* 1: every step's choice and every major verdict
                   resolved at 95 % */
  enum evac_rank_stop stop;
  double budget_s;    /* wall-clock budget (0: none) */
  double started;     /* wall clock at the start, s (for the budget) */
  int cut;            /* 1: the budget ended the last greedy pass at a
                         step (the later lines measured there) */
  double reps_needed; /* if not resolved: replications a variant would
                         need (estimate; INFINITY: a tie) */
  int steps;          /* greedy steps simulated at most (0: all) */
  int inert_from;     /* rows from here on are not re-ranked: they change no
                         outcome, or the step limit was reached (= nrows if
                         every step was simulated) */
  uint64_t seed;
  int threads;
  int nstrata;                 /* ignition scenarios (1: no "fires") */
  struct evac_stratum *strata; /* [nstrata], NULL without "fires" */
  int *target;                 /* [nstrata] replications per fire now */
  double inspected_weight;     /* sum of the fires' weights, every
                                  hazard present */
  double vrf;                  /* variance reduction of line 1 against
                                  drawing the fire (NAN if unknown) */
  double egress_s;             /* evac_replicate_egress_estimate */
  int hwidth; /* harm counts a replication: EVAC_HARM_WIDTH(floors) */
  int nvariants, capvariants;
  struct evac_variant *variants;
  int nrows;                  /* = number of hazards */
  struct evac_rank_row *rows; /* in greedy order */
  double wall_clock_s;
  double cpu_s;  /* simulation CPU time (sum over threads) */
  long runs;     /* simulations the list rests on (resumed and reused
                    ones too) */
  long resumed;  /* of which read from state_dir */
  long reused;   /* of which copied from a simulation with the same
                    inputs (another variant's, same fire and
                    replication) */
  int reuse;     /* 1: inputs are compared and equal ones
                    simulated once */
  int group_cap; /* most replications on one fire and smoke simulation
                    (evac_replicate_group_cap) */
  struct evac_classes inputs;  /* of whole simulations (evac_fingerprint) */
  struct evac_classes physics; /* of fire and smoke simulations
                                  (evac_fingerprint_physics) */
  int progress;                /* 0: quiet, 1: one updated line (terminal), 2: a
                                  line every few simulations */
  const char *path;            /* the scenario (during evac_rank_run only) */
  const char *state_dir;       /* finished replications (opts), or NULL */
  uint64_t state_key;          /* inputs, seed and objective */
};

/* The stratified effect of going from variant a to b of r: objective and
 * counts avoided, per fire and in all. */
void evac_rank_effect(const struct evac_ranking *r, int a, int b,
                      struct evac_effect *e);

/* The stratified mean of the people harmed going from variant a to b of r
 * that were avoided, by start floor and how they ended, into
 * out[r->hwidth] (out[f * EVAC_HARM_N + h]; negative: more). Summed over
 * the harms the objective counts, they add up to the effect's mean. */
void evac_rank_harm(const struct evac_ranking *r, int a, int b, double *out);

#endif
