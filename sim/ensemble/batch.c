/* `evacsim batch` (docs/hpc.md): plans a county batch from its manifest on
 * every rank alike (buildings loaded, seeds and keys fixed, tasks listed),
 * has the tasks that are not done yet run, and has rank 0 reduce the task
 * files into the outputs. A building that fails to load fails alone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch.h"
#include "diag.h"
#include "memory.h"
#include "model.h"
#include "outcome_store.h"
#include "threads.h"

/* The first error of d as a new string ("unknown error" if none). */
static char *first_error(const struct evac_diag *d) {
  for (int i = 0; i < d->n; i++)
    if (d->msg[i].is_error)
      return strdup(d->msg[i].text);
  return strdup("unknown error");
}

/* The ignition scenarios of building b (docs/hpc.md, "Stratified by
 * fire"): its fires with every hazard present, each variant's weight of
 * each (relative to the building as inspected) and the replications of
 * each, dealt by weight. Returns EVAC_OK or the loader's status. */
static enum evac_status plan_strata(const struct evac_batch *bt,
                                    const char *path,
                                    struct evac_batch_building *b,
                                    struct evac_diag *d) {
  int nv = b->m->nhazards + 1;
  struct evac_model *all = NULL;
  enum evac_status st = evac_replicate_load(path, b->m, 0, d, &all);
  if (st != EVAC_OK) {
    evac_model_free(all);
    return st;
  }
  int n = all->nfires;
  double total = 0.0;
  for (int k = 0; k < n; k++)
    total += all->fires[k].weight > 0.0 ? all->fires[k].weight : 0.0;
  b->nstrata = n > 0 ? n : 1;
  b->strata = n > 0 ? malloc((size_t)n * sizeof *b->strata) : NULL;
  b->reps = calloc((size_t)b->nstrata, sizeof *b->reps);
  b->w = calloc((size_t)nv * (size_t)b->nstrata, sizeof *b->w);
  double *share = calloc((size_t)b->nstrata, sizeof *share);
  if ((n > 0 && !b->strata) || !b->reps || !b->w || !share)
    st = EVAC_ERR_RUNTIME;
  if (st == EVAC_OK && n > 0)
    evac_replicate_strata(all, b->strata, n);
  evac_model_free(all);
  for (int v = 0; st == EVAC_OK && v < nv; v++) {
    if (n == 0) {
      b->w[v] = 1.0;
      continue;
    }
    struct evac_model *m = NULL;
    uint64_t fixed = v ? UINT64_C(1) << (v - 1) : 0;
    st = evac_replicate_load(path, b->m, fixed, d, &m);
    if (st == EVAC_OK)
      evac_replicate_weights(m, b->strata, n, total,
                             b->w + (size_t)v * (size_t)n);
    evac_model_free(m);
  }
  for (int k = 0; st == EVAC_OK && k < b->nstrata; k++)
    share[k] = n > 0 ? b->w[k] : 1.0; /* variant 0's weights sum to 1 */
  if (st == EVAC_OK)
    evac_replicate_allocate(share, b->nstrata, bt->reps, 2, b->reps);
  free(share);
  return st;
}

/* Loads building i: its model, seed, key and strata. */
static void plan_building(struct evac_batch *bt, int i) {
  const struct evac_manifest *mf = bt->mf;
  const struct evac_manifest_building *mb = &mf->buildings[i];
  struct evac_batch_building *b = &bt->b[i];
  struct evac_diag d;
  evac_diag_init(&d);
  b->status = evac_model_load(mb->path, &d, &b->m);
  if (b->status == EVAC_OK && b->m->nhazards > 63) {
    evac_diag_error(&d, mb->path, "hazards",
                    "batch ranks at most 63 hazards a building, found %d",
                    b->m->nhazards);
    b->status = EVAC_ERR_INPUT;
  }
  if (b->status == EVAC_OK) /* a task runs bt->threads groups at once, each
                               of up to the size its block gives */
    b->status =
        evac_memory_check(b->m, mb->path, 1, bt->threads,
                          evac_replicate_group_size(bt->mf->block, bt->threads,
                                                    EVAC_REPLICATE_GROUP),
                          &d);
  if (b->status == EVAC_OK)
    b->status = plan_strata(bt, mb->path, b, &d);
  if (b->status != EVAC_OK) {
    b->error = first_error(&d);
    evac_model_free(b->m);
    b->m = NULL;
  } else {
    b->seed = mb->seed_given   ? mb->seed
              : mf->seed_given ? mf->seed
                               : b->m->seed;
    b->key = evac_outcome_inputs_key(b->m, b->seed);
  }
  evac_diag_free(&d);
}

/* Lists the tasks of the loaded buildings. Returns 0 or -1 (memory). */
static int plan_tasks(struct evac_batch *bt) {
  int block = bt->mf->block;
  long n = 0;
  for (int i = 0; i < bt->mf->nbuildings; i++)
    for (int k = 0; bt->b[i].m && k < bt->b[i].nstrata; k++)
      n += (long)(bt->b[i].m->nhazards + 1) *
           ((bt->b[i].reps[k] + block - 1) / block);
  if (n > 100000000L)
    return -1;
  bt->tasks = calloc((size_t)n + 1, sizeof *bt->tasks);
  if (!bt->tasks)
    return -1;
  for (int i = 0; i < bt->mf->nbuildings; i++) {
    const struct evac_batch_building *b = &bt->b[i];
    const struct evac_model *m = b->m;
    if (!m)
      continue;
    for (int v = 0; v <= m->nhazards; v++)
      for (int k = 0; k < b->nstrata; k++) {
        int reps = b->reps[k];
        if (!(b->w[(size_t)v * (size_t)b->nstrata + (size_t)k] > 0.0))
          continue; /* the variant lacks this fire */
        for (int first = 0; first < reps; first += block) {
          struct evac_batch_task *tk = &bt->tasks[bt->ntasks++];
          tk->building = i;
          tk->variant = v;
          tk->stratum = k;
          tk->first = first;
          tk->n = reps - first < block ? reps - first : block;
          tk->key = evac_outcome_block_key(
              b->key, (uint64_t)v, k * EVAC_STRATUM_STRIDE + first, tk->n);
          tk->cost = (double)m->ncells * m->duration_s * tk->n;
        }
      }
  }
  return 0;
}

/* Creates dir (and its parents). Returns 0 or -1 (errno set). */
static int make_dirs(const char *dir) {
  char *p = strdup(dir);
  if (!p)
    return -1;
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
      free(p);
      return -1;
    }
    *s = c;
    if (!c)
      break;
  }
  free(p);
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  return 0;
}

/* Creates DIR, DIR/tasks and DIR/buildings (rank 0). */
static enum evac_status make_outputs(const char *dir, struct evac_diag *diag) {
  const char *sub[3] = {"", "/tasks", "/buildings"};
  for (int i = 0; i < 3; i++) {
    char p[4096];
    snprintf(p, sizeof p, "%s%s", dir, sub[i]);
    if (make_dirs(p) != 0) {
      evac_diag_error(diag, p, NULL, "cannot create directory: %s",
                      strerror(errno));
      return EVAC_ERR_IO;
    }
  }
  return EVAC_OK;
}

/* Frees what plan made. */
static void batch_free(struct evac_batch *bt) {
  for (int i = 0; bt->b && i < bt->mf->nbuildings; i++) {
    evac_model_free(bt->b[i].m);
    free(bt->b[i].error);
    free(bt->b[i].strata);
    free(bt->b[i].reps);
    free(bt->b[i].w);
  }
  free(bt->b);
  free(bt->tasks);
  evac_manifest_free(bt->mf);
}

enum evac_status evac_batch_run(const char *path, const char *dir,
                                const struct evac_batch_opts *opts,
                                struct evac_diag *diag) {
  int rank = 0, size = 1;
  enum evac_status st = evac_batch_mpi_start(&rank, &size);
  if (st != EVAC_OK) {
    evac_diag_error(diag, path, NULL,
                    st == EVAC_ERR_INPUT
                        ? "launched on several MPI ranks, but this evacsim "
                          "was built without MPI (cmake -DEVAC_WITH_MPI=ON): "
                          "run it once, or rebuild"
                        : "cannot start MPI");
    return st;
  }
  struct evac_diag scratch; /* ranks other than 0 report nothing */
  evac_diag_init(&scratch);
  struct evac_diag *d = rank == 0 ? diag : &scratch;
  struct evac_batch bt = {.dir = dir};
  st = evac_manifest_load(path, d, &bt.mf);
  if (st == EVAC_OK) {
    bt.reps = opts->reps > 0 ? opts->reps : bt.mf->reps;
    bt.threads = opts->threads > 0 ? opts->threads : evac_threads_default();
    bt.b = calloc((size_t)bt.mf->nbuildings, sizeof *bt.b);
    if (!bt.b)
      st = EVAC_ERR_RUNTIME;
    for (int i = 0; st == EVAC_OK && i < bt.mf->nbuildings; i++)
      plan_building(&bt, i);
    if (st == EVAC_OK && plan_tasks(&bt) != 0)
      st = EVAC_ERR_RUNTIME;
    if (st == EVAC_ERR_RUNTIME)
      evac_diag_error(d, path, NULL, "out of memory planning the batch");
  }
  if (st == EVAC_OK && rank == 0)
    st = make_outputs(dir, d);
  evac_batch_mpi_share(&st); /* rank 0's verdict; the folders exist */
  int *failed = st == EVAC_OK && bt.mf
                    ? calloc((size_t)bt.mf->nbuildings, sizeof *failed)
                    : NULL;
  if (st == EVAC_OK && !failed)
    st = EVAC_ERR_RUNTIME;
  int interrupted = 0;
  if (st == EVAC_OK) {
    st = evac_batch_farm(&bt, opts, rank, size, failed, &interrupted);
    if (interrupted)
      evac_diag_error(d, path, NULL, "interrupted; re-run to resume");
  }
  if (st == EVAC_OK && !interrupted && rank == 0) {
    st = evac_batch_reduce(&bt, opts, failed, d);
    for (int i = 0; st == EVAC_OK && i < bt.mf->nbuildings; i++)
      st = bt.b[i].status != EVAC_OK ? (enum evac_status)bt.b[i].status
                                     : (enum evac_status)failed[i];
  }
  if (interrupted)
    st = EVAC_ERR_RUNTIME;
  free(failed);
  if (bt.mf)
    batch_free(&bt);
  evac_diag_free(&scratch);
  evac_batch_mpi_end(&st);
  return st;
}
