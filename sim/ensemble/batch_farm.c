/* The task farm of `evacsim batch` (docs/hpc.md, "Task farm"). Rank 0
 * deals the tasks that are not done, largest first, to the ranks on
 * demand, and works itself between requests; each worker keeps two
 * requests outstanding, so it has its next task before it finishes the
 * current one. Every request carries the report of the task just done.
 * Without MPI, or with one rank, rank 0 runs every task itself. Which rank
 * runs a task never changes its file, so the outputs do not depend on the
 * number of ranks.
 *
 * A stop (the signal flag) makes a rank drop its current task (no file);
 * rank 0 then answers every request with "stop", and every rank returns
 * with *interrupted set. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"

#ifdef EVAC_WITH_MPI
#include <mpi.h>
#endif

enum {
  FARM_TAG_REQUEST = 1, /* worker -> 0: {task done or -1, status, dropped} */
  FARM_TAG_TASK = 2,    /* 0 -> worker: task index, or -1 = stop */
  FARM_CREDITS = 2,     /* requests a worker keeps outstanding */
};

/* Rank 0's state. */
struct farm {
  const struct evac_batch *bt;
  const struct evac_batch_opts *opts;
  int *order, norder, next; /* tasks to deal, largest first */
  int stopping;             /* deal no more */
  int *failed, interrupted;
  int done, skipped; /* tasks finished now, found finished */
  int shown;         /* last progress decile printed */
#ifdef EVAC_WITH_MPI
  MPI_Request req;
  int msg[3];
  int *stops; /* stops sent to each rank */
  int workers_left;
#endif
};

/* A task to deal and its cost. */
struct farm_item {
  double cost;
  int t;
};

/* Orders by cost, largest first; ties by index. */
static int by_cost(const void *a, const void *b) {
  const struct farm_item *x = a, *y = b;
  if (x->cost != y->cost)
    return x->cost < y->cost ? 1 : -1;
  return (x->t > y->t) - (x->t < y->t);
}

/* Prints progress: a line a tenth on a log, a counter on a terminal. */
static void progress(struct farm *f) {
  if (!f->opts->progress)
    return;
  int total = f->norder, tenth = total ? 10 * f->done / total : 10;
  if (isatty(STDERR_FILENO)) {
    fprintf(stderr, "\r  batch: %d / %d tasks (%d were done before) ", f->done,
            total, f->skipped);
    if (f->done == total)
      fputc('\n', stderr);
  } else if (tenth > f->shown) {
    f->shown = tenth;
    fprintf(stderr, "evacsim batch: %d / %d tasks (%d %%)\n", f->done, total,
            total ? 100 * f->done / total : 100);
  }
}

/* Takes the report of task t: its status, and whether it was dropped. */
static void record(struct farm *f, int t, int status, int dropped) {
  if (dropped) {
    f->interrupted = f->stopping = 1;
    return;
  }
  int b = f->bt->tasks[t].building;
  if (status != EVAC_OK && !f->failed[b])
    f->failed[b] = status;
  f->done++;
  progress(f);
}

/* The next task to deal, or -1 (none left, or stopping). */
static int deal(struct farm *f) {
  if (f->opts->stop && *f->opts->stop)
    f->interrupted = f->stopping = 1;
  return !f->stopping && f->next < f->norder ? f->order[f->next++] : -1;
}

#ifdef EVAC_WITH_MPI
/* Sleeps a millisecond (waiting for a message without spinning a core). */
static void nap(void) {
  struct timespec ts = {0, 1000000};
  nanosleep(&ts, NULL);
}

/* Answers every request that has arrived (rank 0). */
static void serve(void *arg) {
  struct farm *f = arg;
  while (f->workers_left > 0) {
    int flag = 0;
    MPI_Status s;
    MPI_Test(&f->req, &flag, &s);
    if (!flag)
      return;
    if (f->msg[0] >= 0)
      record(f, f->msg[0], f->msg[1], f->msg[2]);
    int t = deal(f), src = s.MPI_SOURCE;
    MPI_Send(&t, 1, MPI_INT, src, FARM_TAG_TASK, MPI_COMM_WORLD);
    if (t < 0 && ++f->stops[src] == FARM_CREDITS)
      f->workers_left--;
    if (f->workers_left > 0)
      MPI_Irecv(f->msg, 3, MPI_INT, MPI_ANY_SOURCE, FARM_TAG_REQUEST,
                MPI_COMM_WORLD, &f->req);
  }
}

/* A worker: asks for tasks, runs them, reports. */
static void work(const struct evac_batch *bt,
                 const struct evac_batch_opts *opts, int *interrupted) {
  int msg[3] = {-1, EVAC_OK, 0}, outstanding = FARM_CREDITS;
  for (int i = 0; i < FARM_CREDITS; i++)
    MPI_Send(msg, 3, MPI_INT, 0, FARM_TAG_REQUEST, MPI_COMM_WORLD);
  while (outstanding > 0) {
    int t, flag = 0;
    MPI_Request r;
    MPI_Irecv(&t, 1, MPI_INT, 0, FARM_TAG_TASK, MPI_COMM_WORLD, &r);
    for (MPI_Test(&r, &flag, MPI_STATUS_IGNORE); !flag;
         MPI_Test(&r, &flag, MPI_STATUS_IGNORE))
      nap();
    outstanding--;
    if (t < 0) {
      *interrupted |= opts->stop && *opts->stop;
      continue;
    }
    int dropped = 0;
    msg[0] = t;
    msg[1] = evac_batch_task_run(bt, t, opts->stop, NULL, NULL, &dropped);
    msg[2] = dropped;
    *interrupted |= dropped;
    MPI_Send(msg, 3, MPI_INT, 0, FARM_TAG_REQUEST, MPI_COMM_WORLD);
    outstanding++;
  }
}
#endif

enum evac_status evac_batch_farm(const struct evac_batch *bt,
                                 const struct evac_batch_opts *opts, int rank,
                                 int size, int *failed, int *interrupted) {
  *interrupted = 0;
#ifdef EVAC_WITH_MPI
  if (rank != 0) {
    work(bt, opts, interrupted);
    MPI_Allreduce(MPI_IN_PLACE, interrupted, 1, MPI_INT, MPI_MAX,
                  MPI_COMM_WORLD);
    return EVAC_OK;
  }
#else
  (void)rank;
  (void)size;
#endif
  struct farm f = {.bt = bt, .opts = opts, .failed = failed};
  f.order = malloc(((size_t)bt->ntasks + 1) * sizeof *f.order);
  struct farm_item *items = malloc(((size_t)bt->ntasks + 1) * sizeof *items);
  if (!f.order || !items) {
    free(f.order);
    free(items);
    return EVAC_ERR_RUNTIME;
  }
  for (int t = 0; t < bt->ntasks; t++) {
    if (evac_batch_task_done(bt, t))
      f.skipped++;
    else
      items[f.norder++] = (struct farm_item){bt->tasks[t].cost, t};
  }
  qsort(items, (size_t)f.norder, sizeof *items, by_cost);
  for (int i = 0; i < f.norder; i++)
    f.order[i] = items[i].t;
  free(items);
  void (*between)(void *) = NULL;
#ifdef EVAC_WITH_MPI
  f.stops = calloc((size_t)size, sizeof *f.stops);
  if (!f.stops) {
    free(f.order);
    return EVAC_ERR_RUNTIME;
  }
  f.workers_left = size - 1;
  if (f.workers_left > 0) {
    MPI_Irecv(f.msg, 3, MPI_INT, MPI_ANY_SOURCE, FARM_TAG_REQUEST,
              MPI_COMM_WORLD, &f.req);
    between = serve;
  }
#endif
  progress(&f);
  for (;;) {
    if (between)
      between(&f);
    int t = deal(&f);
    if (t >= 0) {
      int dropped = 0;
      enum evac_status st =
          evac_batch_task_run(bt, t, opts->stop, between, &f, &dropped);
      record(&f, t, st, dropped);
      continue;
    }
#ifdef EVAC_WITH_MPI
    if (f.workers_left > 0) {
      nap();
      continue;
    }
#endif
    break;
  }
  *interrupted = f.interrupted;
#ifdef EVAC_WITH_MPI
  free(f.stops);
  if (size > 1)
    MPI_Allreduce(MPI_IN_PLACE, interrupted, 1, MPI_INT, MPI_MAX,
                  MPI_COMM_WORLD);
#endif
  free(f.order);
  return EVAC_OK;
}

/* The world size an MPI launcher (mpirun, srun) gave this process, or 0
 * if none launched it. */
static int launched_size(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE",
                                     "PMIX_SIZE", NULL};
  for (int i = 0; vars[i]; i++)
    if (getenv(vars[i]))
      return atoi(getenv(vars[i]));
  return getenv("PMIX_RANK") || getenv("PMI_RANK") ? 1 : 0;
}

enum evac_status evac_batch_mpi_start(int *rank, int *size) {
  *rank = 0;
  *size = 1;
#ifdef EVAC_WITH_MPI
  if (launched_size() == 0)
    return EVAC_OK;
  int provided;
  if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) !=
      MPI_SUCCESS)
    return EVAC_ERR_RUNTIME;
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
#else
  if (launched_size() > 1) /* each rank would run the whole batch */
    return EVAC_ERR_INPUT;
#endif
  return EVAC_OK;
}

void evac_batch_mpi_share(enum evac_status *st) {
#ifdef EVAC_WITH_MPI
  int on = 0;
  MPI_Initialized(&on);
  if (on) {
    int v = (int)*st;
    MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
    *st = (enum evac_status)v;
  }
#else
  (void)st;
#endif
}

void evac_batch_mpi_end(enum evac_status *st) {
  evac_batch_mpi_share(st);
#ifdef EVAC_WITH_MPI
  int on = 0, off = 0;
  MPI_Initialized(&on);
  MPI_Finalized(&off);
  if (on && !off)
    MPI_Finalize();
#endif
}
