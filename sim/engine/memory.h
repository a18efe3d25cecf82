/* Memory a run will need, compared with what the machine, its limits and
 * its cgroup leave (docs/reliability.md, "Memory"): run, rank and batch
 * refuse a model that would not fit before they allocate its simulation. */
#ifndef EVAC_MEMORY_H
#define EVAC_MEMORY_H

#include <stdint.h>

#include "evacsim.h"

struct evac_model;

/* What a run of a model needs, by part, in bytes (fitted on measured
 * maximum resident sizes: docs/reliability.md). */
struct evac_memory_need {
  double base;   /* the program, HDF5, OpenMP and the loaded model */
  double cells;  /* grid state per group (fire state with a fire) */
  double agents; /* agent state and event log per group */
  double output; /* what the result file's writing holds: the trajectory
                    sample held, the time series, one field sample and
                    HDF5's caches (0 for lean replications) */
  double total;  /* base + copies x (cells + agents) + output */
};

/* Estimates what copies groups of simulations of m held at once need, each
 * group of `group` simulations sharing one fire and smoke simulation
 * (evac_sim_run_group; 1: on their own): lean (1) for rank and batch
 * replications, which keep no trajectories or fields, or a full run (0)
 * that records its result file. */
void evac_memory_estimate(const struct evac_model *m, int lean, int copies,
                          int group, struct evac_memory_need *need);

/* Bytes available to this process now: the least of MemAvailable
 * (/proc/meminfo), the soft RLIMIT_AS and RLIMIT_DATA less what is in use,
 * the cgroup's memory.max (v2) or memory.limit_in_bytes (v1) less its
 * usage, and $EVACSIM_MEMORY_LIMIT. *source names the one that set it
 * (static text). Returns 0, 1 if nothing could be read (*bytes =
 * UINT64_MAX), or -1 if $EVACSIM_MEMORY_LIMIT is not a size (bytes, or a
 * whole number with K, M, G or T). */
int evac_memory_available(uint64_t *bytes, const char **source);

#endif
