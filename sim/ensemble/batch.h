/* County batches (`evacsim batch`, docs/hpc.md): many buildings, each ranked
 * by its hazards' solo effect, run as idempotent tasks (building x variant
 * x block of replications) dealt to MPI ranks on demand, reduced in a fixed
 * order into per-building files, DIR/county.h5 and DIR/county.csv. */
#ifndef EVAC_BATCH_H
#define EVAC_BATCH_H

#include <signal.h>
#include <stdint.h>

#include "evacsim.h"
#include "replicate.h"

struct cJSON;
struct evac_diag;
struct evac_model;

/* ------------------------------------------------------------ manifest */

/* Most buildings a manifest may name. */
#define EVAC_MANIFEST_MAX_BUILDINGS 100000

/* One building of a manifest. */
struct evac_manifest_building {
  char *name;     /* unique; letters, digits, '.', '_', '-' */
  char *scenario; /* scenario path as written (relative to the manifest) */
  char *path;     /* scenario path resolved against the manifest's folder */
  uint64_t seed;  /* its own seed, if seed_given */
  int seed_given;
};

/* Replications per task unless the manifest gives "block": a fire's
 * replications of a variant (5 to 7 with the default 20 over 3 or 4 fires)
 * fit in one task, where they share one fire and smoke simulation
 * (evac_replicate_run_group, up to EVAC_REPLICATE_GROUP). */
#define EVAC_BATCH_BLOCK 8

/* A county manifest (`*.county.json`, docs/hpc.md). */
struct evac_manifest {
  char *path;     /* the manifest file */
  char *name;     /* county name */
  int reps;       /* replications per variant (default 20) */
  int block;      /* replications per task (default EVAC_BATCH_BLOCK) */
  uint64_t seed;  /* seed for every building, if seed_given */
  int seed_given; /* 0: each scenario's own seed */
  int nbuildings;
  struct evac_manifest_building *buildings;
};

/* Loads and validates a manifest; every error (with its JSON path) goes to
 * diag. The buildings' scenarios are not read here. */
enum evac_status evac_manifest_load(const char *path, struct evac_diag *diag,
                                    struct evac_manifest **out);

/* Validates a parsed manifest object root (evacsim check); file names the
 * source in messages. Returns the number of errors found. */
int evac_manifest_check(const struct cJSON *root, const char *file,
                        struct evac_diag *diag);

/* Frees a manifest (NULL is allowed). */
void evac_manifest_free(struct evac_manifest *m);

/* --------------------------------------------------------------- tasks */

/* One task: replications first .. first + n - 1 of a variant in one
 * ignition scenario. */
struct evac_batch_task {
  int building; /* index in the manifest */
  int variant;  /* 0: every hazard present; i + 1: hazard i fixed alone */
  int stratum;  /* the fire (index in the building's strata), 0 without
                   "fires" */
  int first, n; /* replications of that fire */
  uint64_t key; /* hash of inputs, seed, variant, block and version */
  double cost;  /* estimated work, for dealing the largest first */
};

/* A building as planned: loaded (or failed), with its seed and key. */
struct evac_batch_building {
  struct evac_model *m; /* NULL if it failed to load */
  uint64_t seed;        /* seed of its replications */
  uint64_t key;         /* hash of plan text, scenario text, seed, version */
  int status;           /* EVAC_OK, or why it failed */
  char *error;          /* first error message if it failed (owned) */
  int nstrata;          /* ignition scenarios (1 without "fires") */
  struct evac_stratum *strata; /* [nstrata], NULL without "fires" */
  int *reps; /* [nstrata] replications a variant of each fire: the
                batch's, dealt by the fires' weights, at least 2 each */
  double *w; /* [(nhazards + 1) * nstrata] weight of fire k in variant v
                (w[v * nstrata + k]) over the building as inspected */
};

/* The planned batch: every rank builds the same one from the manifest. */
struct evac_batch {
  struct evac_manifest *mf;
  const char *dir; /* output folder */
  int reps;
  struct evac_batch_building *b; /* [mf->nbuildings] */
  int ntasks;
  struct evac_batch_task *tasks; /* in building, variant, block order */
  int threads;
};

/* Path of task t's file under DIR/tasks (buf of n bytes). */
void evac_batch_task_path(const struct evac_batch *bt, int t, char *buf,
                          size_t n);

/* Runs task t (its replications in parallel on bt->threads threads) and
 * writes its file atomically. between(arg), if not NULL, is called by the
 * calling thread after each replication it ran (the MPI dealer serves
 * requests there). Returns EVAC_OK, EVAC_ERR_RUNTIME (simulation failed),
 * EVAC_ERR_IO, or EVAC_ERR_RUNTIME with *interrupted = 1 if stop was set
 * (the task is dropped: no file). */
enum evac_status evac_batch_task_run(const struct evac_batch *bt, int t,
                                     const volatile sig_atomic_t *stop,
                                     void (*between)(void *), void *arg,
                                     int *interrupted);

/* 1 if task t's file exists and is whole (magic, key, size, checksum). */
int evac_batch_task_done(const struct evac_batch *bt, int t);

/* Reads task t's outcomes into out[n]. Returns 0, or -1 if the file is
 * missing or not whole. */
int evac_batch_task_read(const struct evac_batch *bt, int t,
                         struct evac_outcome *out);

/* Deals the tasks that are not done: on rank 0 alone (size 1), or to the
 * MPI ranks on demand (rank 0 deals and works). failed[b] (rank 0)
 * receives the status of a building a task of which failed; *interrupted
 * is set if a stop was seen (the current tasks are dropped). Returns
 * EVAC_OK or an MPI failure (EVAC_ERR_RUNTIME). */
enum evac_status evac_batch_farm(const struct evac_batch *bt,
                                 const struct evac_batch_opts *opts, int rank,
                                 int size, int *failed, int *interrupted);

/* Joins MPI when launched by mpirun or srun (and built with MPI): *rank
 * and *size of the world; else 0 and 1. EVAC_ERR_INPUT: launched on
 * several ranks by a binary built without MPI; EVAC_ERR_RUNTIME: MPI
 * failed to start. */
enum evac_status evac_batch_mpi_start(int *rank, int *size);

/* Gives every rank rank 0's *st (a barrier). */
void evac_batch_mpi_share(enum evac_status *st);

/* Gives every rank rank 0's *st, then leaves MPI. */
void evac_batch_mpi_end(enum evac_status *st);

/* Reduces the task files (rank 0) into DIR/buildings/NAME.h5,
 * DIR/county.h5 and DIR/county.csv, and prints the county summary. */
enum evac_status evac_batch_reduce(const struct evac_batch *bt,
                                   const struct evac_batch_opts *opts,
                                   const int *failed, struct evac_diag *diag);

/* ----------------------------------------------------------------- run */

/* ------------------------------------------------------------- gen county */

#endif
