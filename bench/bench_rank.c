/* bench_rank: times the demo ranking (`make demo`) and its replications.
 *
 *   bench_rank [SCENARIO.json] [--reps N] [--min-reps N] [--steps N]
 *              [--threads N] [--no-reuse]
 *
 * Ranks the scenario's hazards (default: the tower `make demo` ranks,
 * generated with evac_gen_tower (10 floors, 400 occupants, seed 42) into a
 * temporary directory, with the demo's settings, --reps 4 --min-reps 4
 * --steps 1, all threads) with
 * evac_rank_run and prints one JSON line: hazards, variants, simulations,
 * reps, threads, reused (copied from a simulation with the same inputs),
 * simulated, same_outcome (outcomes equal to an earlier variant's with the
 * same fire and replication), wall_s, simulations_per_s, cpu_s (of the
 * simulations), simulations_per_cpu_s, order (the hazard ids in
 * rectification order). --no-reuse simulates every replication. Exit status: 0,
 * or the ranking's evac_status (2 for bad arguments). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "rank.h"

#include <unistd.h>

/* Parses a positive int option value; -1 if bad. */
static int bench_int(const char *opt, const char *v) {
  char *end;
  long n = v ? strtol(v, &end, 10) : -1;
  if (!v || *end || n < 0 || n > 100000) {
    fprintf(stderr, "bench_rank: %s needs a whole number 0..100000\n", opt);
    return -1;
  }
  return (int)n;
}

/* Generates the demo tower into a new temporary directory dir; fills path
 * with its scenario. Returns 0 or -1. */
static int bench_tower(char *dir, size_t ndir, char *path, size_t npath) {
  struct evac_gen_opts g = {10, 400, 42};
  struct evac_diag d;
  evac_diag_init(&d);
  enum evac_status st = bench_gen_tower("rank", &g, dir, ndir, path, npath, &d);
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  return st == EVAC_OK ? 0 : -1;
}

/* Outcomes (variant, fire, replication) of r equal in every figure and
 * harm count to an earlier variant's of the same fire and replication:
 * what a simulation repeated, whether its inputs were the same or not. */
static long same_outcomes(const struct evac_ranking *r) {
  long same = 0;
  size_t w = (size_t)r->hwidth;
  for (int v = 0; v < r->nvariants; v++)
    for (int k = 0; k < r->nstrata; k++)
      for (int i = 0; i < r->variants[v].n[k]; i++) {
        const struct evac_outcome *o = &r->variants[v].out[k][i];
        const int32_t *h = &r->variants[v].harm[k][i * w];
        for (int u = 0; u < v; u++)
          if (i < r->variants[u].n[k] &&
              !memcmp(o, &r->variants[u].out[k][i], sizeof *o) &&
              !memcmp(h, &r->variants[u].harm[k][i * w], w * sizeof *h)) {
            same++;
            break;
          }
      }
  return same;
}

int main(int argc, char **argv) {
  const char *path = NULL;
  char dir[4096] = "", gen[4200];
  struct evac_rank_opts o = {.reps = 4, .min_reps = 4, .steps = 1};
  for (int i = 1; i < argc; i++) {
    int *dst = !strcmp(argv[i], "--reps")       ? &o.reps
               : !strcmp(argv[i], "--min-reps") ? &o.min_reps
               : !strcmp(argv[i], "--steps")    ? &o.steps
               : !strcmp(argv[i], "--threads")  ? &o.threads
                                                : NULL;
    if (!strcmp(argv[i], "--no-reuse")) {
      o.no_reuse = 1;
    } else if (dst) {
      *dst = bench_int(argv[i], i + 1 < argc ? argv[i + 1] : NULL);
      if (*dst < 0)
        return EVAC_ERR_INPUT;
      i++;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "bench_rank: unknown option %s\n", argv[i]);
      return EVAC_ERR_INPUT;
    } else {
      path = argv[i];
    }
  }
  if (o.reps < 2) {
    fprintf(stderr, "bench_rank: --reps must be at least 2\n");
    return EVAC_ERR_INPUT;
  }
  if (!path) {
    if (bench_tower(dir, sizeof dir, gen, sizeof gen)) {
      if (dir[0])
        bench_rm_tower(dir);
      return EVAC_ERR_IO;
    }
    path = gen;
  }
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_ranking *r = NULL;
  enum evac_status st = evac_rank_run(path, &o, &d, &r);
  if (dir[0])
    bench_rm_tower(dir);
  if (st != EVAC_OK) {
    evac_diag_print(&d, stderr);
    evac_diag_free(&d);
    return st;
  }
  printf("{\"bench\":\"rank\",\"scenario\":\"%s\",\"hazards\":%d,"
         "\"variants\":%d,\"simulations\":%ld,\"reps\":%d,\"threads\":%d,"
         "\"reused\":%ld,\"simulated\":%ld,\"same_outcome\":%ld,"
         "\"wall_s\":%.3f,\"simulations_per_s\":%.4f,\"cpu_s\":%.2f,"
         "\"simulations_per_cpu_s\":%.4f,\"order\":[",
         dir[0] ? "gen tower 10 floors" : path, r->nrows, r->nvariants, r->runs,
         r->reps, r->threads, r->reused, r->runs - r->reused - r->resumed,
         same_outcomes(r), r->wall_clock_s,
         r->wall_clock_s > 0.0 ? (double)r->runs / r->wall_clock_s : 0.0,
         r->cpu_s, r->cpu_s > 0.0 ? (double)r->runs / r->cpu_s : 0.0);
  for (int i = 0; i < r->nrows; i++)
    printf("%s\"%s\"", i ? "," : "", r->m->hazards[r->rows[i].hazard].id);
  printf("]}\n");
  evac_ranking_free(r);
  evac_diag_free(&d);
  return EVAC_OK;
}
