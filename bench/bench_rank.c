/* bench_rank: times the demo ranking (`make demo`) and its replications.
 *
 *   bench_rank [SCENARIO.json] [--reps N] [--min-reps N] [--steps N]
 *              [--threads N]
 *
 * Ranks the scenario's hazards (default: the sample ward block with the
 * demo's settings, --reps 4 --min-reps 4 --steps 2, all threads) with
 * evac_rank_run and prints one JSON line: hazards, variants, simulations,
 * reps, threads, wall_s, simulations_per_s, order (the hazard ids in
 * rectification order). Exit status: 0, or the ranking's evac_status (2 for
 * bad arguments). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "rank.h"

#ifndef EVAC_BENCH_SAMPLE
#define EVAC_BENCH_SAMPLE "scenarios/ward-block.scenario.json"
#endif

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

int main(int argc, char **argv) {
  const char *path = EVAC_BENCH_SAMPLE;
  struct evac_rank_opts o = {.reps = 4, .min_reps = 4, .steps = 2};
  for (int i = 1; i < argc; i++) {
    int *dst = !strcmp(argv[i], "--reps")       ? &o.reps
               : !strcmp(argv[i], "--min-reps") ? &o.min_reps
               : !strcmp(argv[i], "--steps")    ? &o.steps
               : !strcmp(argv[i], "--threads")  ? &o.threads
                                                : NULL;
    if (dst) {
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
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_ranking *r = NULL;
  enum evac_status st = evac_rank_run(path, &o, &d, &r);
  if (st != EVAC_OK) {
    evac_diag_print(&d, stderr);
    evac_diag_free(&d);
    return st;
  }
  printf("{\"bench\":\"rank\",\"scenario\":\"%s\",\"hazards\":%d,"
         "\"variants\":%d,\"simulations\":%ld,\"reps\":%d,\"threads\":%d,"
         "\"wall_s\":%.3f,\"simulations_per_s\":%.4f,\"order\":[",
         path, r->nrows, r->nvariants, r->runs, r->reps, r->threads,
         r->wall_clock_s,
         r->wall_clock_s > 0.0 ? (double)r->runs / r->wall_clock_s : 0.0);
  for (int i = 0; i < r->nrows; i++)
    printf("%s\"%s\"", i ? "," : "", r->m->hazards[r->rows[i].hazard].id);
  printf("]}\n");
  evac_ranking_free(r);
  evac_diag_free(&d);
  return EVAC_OK;
}
