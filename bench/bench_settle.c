/* bench_settle: what ending a run once its outcome is settled saves.
 *
 *   bench_settle [--floors N] [--occupants M] [--seed S] [--reps R]
 *                [--duration S]
 *
 * Generates a tower with evac_gen_tower (default: the demo tower `rank`
 * ranks, 10 floors, 400 occupants, seed 42) into a temporary directory and
 * runs, as `rank` does (lean, one thread, the fire drawn by weight for
 * each replication), replications 0 .. R-1 (default 4) of two variants,
 * every hazard present and every hazard rectified, each twice: to the full
 * duration (as before the settled end) and ending when settled. --duration
 * overrides the scenario's duration_s. It prints one JSON line per run
 * pair (with the fire's floor and the lowest floor where somebody is left,
 * as indices) and a "settle" line: runs, how many reach the duration in each
 * mode, CPU seconds, smoke cell updates and simulated seconds in each,
 * simulations per CPU second, and identical (every outcome but the
 * simulated time the same in both modes). Exit status: 0, 1 if an outcome
 * differs, or the failure's evac_status. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "replicate.h"
#include "result.h"
#include "sim.h"

#include <unistd.h>

/* What one mode of the runs added up to. */
struct totals {
  int limit;          /* runs that reached the duration */
  double cpu_s;       /* CPU time of evac_sim_create + evac_sim_run */
  double updates;     /* smoke cell updates */
  double simulated_s; /* simulated time */
};

/* Sets m's fire to its "fires" entry k (named growth only, as generated
 * towers have). Returns 0 or -1. */
static int use_fire(struct evac_model *m, int k) {
  if (k < 0)
    return 0;
  if (m->fires[k].ncurve > 0)
    return -1;
  free(m->fire.curve_t_s);
  free(m->fire.curve_kw);
  m->fire = m->fires[k];
  m->has_fire = 1;
  return 0;
}

/* Runs replication rep of m (its fire set) lean, ending when settled
 * unless full; adds to t. Returns the simulation (free it) or NULL. */
static struct evac_sim *run(const struct evac_model *m, uint64_t seed, int rep,
                            int full, struct totals *t) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_run_opts o = {.seed = seed,
                            .seed_given = 1,
                            .replication = (uint32_t)rep,
                            .threads = 1,
                            .lean = 1,
                            .full = full};
  struct evac_sim *sim = NULL;
  double c0 = bench_cpu();
  enum evac_status st = evac_sim_create(m, &o, &d, &sim);
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  double cpu = bench_cpu() - c0;
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  if (st != EVAC_OK) {
    evac_sim_free(sim);
    return NULL;
  }
  const struct evac_result *r = evac_sim_result(sim);
  t->limit += r->end_time_s >= m->duration_s;
  t->cpu_s += cpu;
  t->updates += (double)r->smoke_cell_updates;
  t->simulated_s += r->end_time_s;
  return sim;
}

/* The lowest floor on which somebody is left in the building (not safe,
 * not incapacitated) at the end of sim, or -1 if nobody is. */
static int lowest_left(const struct evac_sim *sim) {
  int low = -1;
  for (int a = 0; a < sim->nagents; a++) {
    const struct evac_agent *ag = &sim->agents[a];
    int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
    if (ag->state == EVAC_STATE_SAFE || ag->state == EVAC_STATE_INCAPACITATED ||
        c < 0)
      continue;
    if (low < 0 || sim->cell_floor[c] < low)
      low = sim->cell_floor[c];
  }
  return low;
}

/* 1 if the two runs report the same outcome (all but the simulated time):
 * the summary and the per-agent times, places and doses, bit for bit. */
static int same_outcome(const struct evac_sim *a, const struct evac_sim *b) {
  struct evac_summary x, y;
  evac_sim_summary(a, &x);
  evac_sim_summary(b, &y);
  x.end_time_s = y.end_time_s = 0.0;
  const struct evac_result *p = evac_sim_result(a), *q = evac_sim_result(b);
  size_t n = (size_t)p->occupants;
  return !memcmp(&x, &y, sizeof x) &&
         !memcmp(p->agents.exit_time_s, q->agents.exit_time_s,
                 n * sizeof(double)) &&
         !memcmp(p->agents.fed_max, q->agents.fed_max, n * sizeof(double)) &&
         !memcmp(p->agents.safe_place, q->agents.safe_place,
                 n * sizeof(int32_t));
}

int main(int argc, char **argv) {
  struct evac_gen_opts g = {10, 400, 42};
  int reps = 4;
  double duration = 0.0;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    long n = 0;
    if (bench_gen_opt("bench_settle", argv[i], v, &g)) {
      i++;
      continue;
    }
    if (!strcmp(argv[i], "--reps") &&
        (n = bench_num("bench_settle", argv[i], v, 1000)) > 0)
      reps = (int)n;
    else if (!strcmp(argv[i], "--duration") &&
             (n = bench_num("bench_settle", argv[i], v, 100000)) > 0)
      duration = (double)n;
    else {
      fprintf(stderr, "usage: bench_settle [--floors N] [--occupants M] "
                      "[--seed S] [--reps R] [--duration S]\n");
      return EVAC_ERR_INPUT;
    }
    i++;
  }
  char dir[4096], path[4200];
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *listed = NULL;
  enum evac_status st =
      bench_gen_tower("settle", &g, dir, sizeof dir, path, sizeof path, &d);
  if (st == EVAC_OK)
    st = evac_model_load(path, &d, &listed);
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  struct totals before = {0}, after = {0};
  int runs = 0, identical = 1;
  uint64_t all = listed && listed->nhazards < 64
                     ? (UINT64_C(1) << listed->nhazards) - 1
                     : 0;
  for (int v = 0; st == EVAC_OK && v < 2; v++)
    for (int rep = 0; st == EVAC_OK && rep < reps; rep++) {
      struct evac_model *m = NULL;
      evac_diag_init(&d);
      st = evac_replicate_load(path, listed, v ? all : 0, &d, &m);
      evac_diag_print(&d, stderr);
      evac_diag_free(&d);
      if (st == EVAC_OK && use_fire(m, evac_replicate_ignition(m, g.seed, rep)))
        st = EVAC_ERR_RUNTIME;
      if (st == EVAC_OK && duration > 0.0)
        m->duration_s = duration;
      struct evac_sim *a = st == EVAC_OK ? run(m, g.seed, rep, 1, &before)
                                         : NULL,
                      *b = a ? run(m, g.seed, rep, 0, &after) : NULL;
      if (!a || !b)
        st = st == EVAC_OK ? EVAC_ERR_RUNTIME : st;
      else {
        const struct evac_result *ra = evac_sim_result(a),
                                 *rb = evac_sim_result(b);
        int same = same_outcome(a, b);
        identical &= same;
        runs++;
        printf("{\"bench\":\"settle_run\",\"variant\":\"%s\",\"rep\":%d,"
               "\"fire_floor\":%d,\"remaining\":%d,\"lowest_left\":%d,"
               "\"full_s\":%.1f,"
               "\"settled_s\":%.1f,\"identical\":%s}\n",
               v ? "all fixed" : "as inspected", rep, m->fire.floor,
               ra->remaining, lowest_left(a), ra->end_time_s, rb->end_time_s,
               same ? "true" : "false");
        fflush(stdout);
      }
      evac_sim_free(a);
      evac_sim_free(b);
      evac_model_free(m);
    }
  if (st == EVAC_OK)
    printf("{\"bench\":\"settle\",\"floors\":%d,\"occupants\":%d,\"runs\":%d,"
           "\"at_limit_before\":%d,\"at_limit_after\":%d,"
           "\"cpu_s_before\":%.2f,\"cpu_s_after\":%.2f,"
           "\"updates_before\":%.0f,\"updates_after\":%.0f,"
           "\"simulated_s_before\":%.0f,\"simulated_s_after\":%.0f,"
           "\"sims_per_cpu_s_before\":%.3f,\"sims_per_cpu_s_after\":%.3f,"
           "\"identical\":%s}\n",
           g.floors, g.occupants, runs, before.limit, after.limit, before.cpu_s,
           after.cpu_s, before.updates, after.updates, before.simulated_s,
           after.simulated_s, before.cpu_s > 0 ? runs / before.cpu_s : 0.0,
           after.cpu_s > 0 ? runs / after.cpu_s : 0.0,
           identical ? "true" : "false");
  evac_model_free(listed);
  bench_rm_tower(dir);
  if (st != EVAC_OK)
    return st;
  return identical ? 0 : 1;
}
