/* One batch task (docs/hpc.md, "Tasks"): a block of replications of one
 * variant of one building, run and stored as DIR/tasks/KEY.bin, where KEY
 * hashes the building's plan and scenario texts, its seed, the variant,
 * the block and the evacsim version. The file is written to a temporary of
 * its own beside it (commit.h), fsync'd and renamed, so a task is either
 * whole or absent; a finished
 * task is never run again. The files are sim/ensemble/outcome_store.c's blocks.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "model.h"
#include "outcome_store.h"

/* The folder of the task files. */
static void tasks_dir(const struct evac_batch *bt, char *buf, size_t n) {
  snprintf(buf, n, "%s/tasks", bt->dir);
}

void evac_batch_task_path(const struct evac_batch *bt, int t, char *buf,
                          size_t n) {
  char dir[4096];
  tasks_dir(bt, dir, sizeof dir);
  evac_outcome_block_path(dir, bt->tasks[t].key, buf, n);
}

/* Writes task t's outcomes to its file atomically. */
static enum evac_status task_write(const struct evac_batch *bt, int t,
                                   const struct evac_outcome *out) {
  const struct evac_batch_task *tk = &bt->tasks[t];
  char dir[4096];
  tasks_dir(bt, dir, sizeof dir);
  return evac_outcome_block_write(dir, tk->key,
                                  tk->stratum * EVAC_STRATUM_STRIDE + tk->first,
                                  tk->n, out, NULL, 0);
}

int evac_batch_task_read(const struct evac_batch *bt, int t,
                         struct evac_outcome *out) {
  const struct evac_batch_task *tk = &bt->tasks[t];
  char dir[4096];
  tasks_dir(bt, dir, sizeof dir);
  return evac_outcome_block_read(dir, tk->key,
                                 tk->stratum * EVAC_STRATUM_STRIDE + tk->first,
                                 tk->n, out, NULL, 0);
}

int evac_batch_task_done(const struct evac_batch *bt, int t) {
  struct evac_outcome *out = malloc((size_t)bt->tasks[t].n * sizeof *out);
  int done = out && evac_batch_task_read(bt, t, out) == 0;
  free(out);
  return done;
}

enum evac_status evac_batch_task_run(const struct evac_batch *bt, int t,
                                     const volatile sig_atomic_t *stop,
                                     void (*between)(void *), void *arg,
                                     int *interrupted) {
  const struct evac_batch_task *tk = &bt->tasks[t];
  const struct evac_batch_building *b = &bt->b[tk->building];
  const char *path = bt->mf->buildings[tk->building].path;
  uint64_t fixed = tk->variant ? UINT64_C(1) << (tk->variant - 1) : 0;
  struct evac_outcome *out = calloc((size_t)tk->n, sizeof *out);
  if (!out)
    return EVAC_ERR_RUNTIME;
  int status = EVAC_OK, stopped = 0;
  /* the replications share fire and smoke simulations in groups
     (evac_replicate_run_group) */
  int size =
      evac_replicate_group_size(tk->n, bt->threads, EVAC_REPLICATE_GROUP);
  int ngroups = (tk->n + size - 1) / size;
#pragma omp parallel for schedule(dynamic, 1) num_threads(bt->threads)
  for (int g = 0; g < ngroups; g++) {
    int skip, first = g * size;
    int n = tk->n - first < size ? tk->n - first : size;
#pragma omp atomic read
    skip = stopped;
    if (!skip && stop && *stop) {
#pragma omp atomic write
      stopped = 1;
      skip = 1;
    }
    int reps[EVAC_REPLICATE_GROUP];
    uint64_t fx[EVAC_REPLICATE_GROUP];
    for (int i = 0; i < n; i++) {
      reps[i] = tk->stratum * EVAC_STRATUM_STRIDE + tk->first + first + i;
      fx[i] = fixed;
    }
    enum evac_status st = skip ? EVAC_OK
                               : evac_replicate_run_group(
                                     path, b->m, fx, b->seed, reps, n,
                                     b->strata ? &b->strata[tk->stratum] : NULL,
                                     EVAC_OBJ_HARMED, &out[first], NULL);
    if (st != EVAC_OK) {
#pragma omp critical
      if (status == EVAC_OK)
        status = st;
    }
    if (between && omp_get_thread_num() == 0)
      between(arg);
  }
  *interrupted = stopped;
  if (status == EVAC_OK && stopped)
    status = EVAC_ERR_RUNTIME;
  if (status == EVAC_OK)
    status = task_write(bt, t, out);
  free(out);
  return (enum evac_status)status;
}
