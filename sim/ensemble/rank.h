/* A ranked rectification list: what evac_rank_run produces. */
#ifndef EVAC_RANK_H
#define EVAC_RANK_H

#include <stdint.h>

#include "evacsim.h"
#include "replicate.h"

/* A variant: the building with a set of hazards fixed. */
struct evac_variant {
  uint64_t fixed;                /* bit i: hazard i rectified */
  int nreps;                     /* replications simulated (0 .. cap) */
  struct evac_outcome *outcomes; /* [cap], the first nreps filled */
  double casualties_mean;
  double rset_p95_s; /* 95th percentile over replications */
  double margin_mean_s;
};

/* One line of the rectification list. */
struct evac_rank_row {
  int hazard;              /* index in the scenario's hazard list */
  int order;               /* 1 = fix first (greedy sequence) */
  double delta_mean;       /* casualties avoided by fixing it, at its step */
  double ci_low, ci_high;  /* 95 % paired confidence interval */
  double solo_mean;        /* casualties avoided fixing it alone */
  double delta_rset_p95_s; /* p95 evacuation time saved, at its step */
  double delta_margin_s;   /* ASET - RSET margin gained, at its step */
  int major;               /* 1 if ci_low >= EVAC_MAJOR_CASUALTIES */
  double per_cost;         /* delta_mean / cost, NAN without a cost */
  int resolved; /* 1: it beat the runner-up of its step at 95 % (or tied
                   it in every replication, or was the last) */
  /* closure check: the building as inspected with this hazard alone fixed */
  double solo_ci_low, solo_ci_high; /* 95 % CI of solo_mean */
  double solo_rset_p95_s;           /* p95 evacuation time saved */
  double solo_margin_s;             /* ASET - RSET margin gained */
};

/* Priority of a line: "high" (major), "medium" (CI above zero), "low". */
const char *evac_rank_priority(const struct evac_rank_row *row);

/* First round of adaptive replication when none is given. */
#define EVAC_RANK_MIN_REPS 10

/* Casualties avoided (95 % lower bound) that make a hazard "major". */
#define EVAC_MAJOR_CASUALTIES 0.5

struct evac_model;

struct evac_ranking {
  struct evac_model *m;   /* the scenario as loaded (hazards listed) */
  int reps;               /* replications the list rests on */
  int min_reps, max_reps; /* adaptive: first round, cap */
  int rounds;             /* rounds of the adaptive replication */
  int resolved;           /* 1: every step's choice resolved at 95 % */
  int steps;              /* greedy steps simulated at most (0: all) */
  int inert_from;         /* rows from here on are not re-ranked: they change no
                             casualty, or the step limit was reached (= nrows if
                             every step was simulated) */
  uint64_t seed;
  int threads;
  int nvariants, capvariants;
  struct evac_variant *variants;
  int nrows;                  /* = number of hazards */
  struct evac_rank_row *rows; /* in greedy order */
  double wall_clock_s;
  long runs;             /* simulations the list rests on (resumed ones too) */
  long resumed;          /* of which read from state_dir */
  const char *state_dir; /* finished replications (opts), or NULL */
  uint64_t state_key;    /* evac_outcome_inputs_key of m and seed */
};

#endif
