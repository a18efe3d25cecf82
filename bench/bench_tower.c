/* bench_tower: times the evacuation engine on synthetic hospital towers.
 *
 *   bench_tower [--floors N ...]
 *
 * For each case (default 10 and 30 floors) it generates a tower with
 * evac_gen_tower (40 occupants a floor above floor 1, seed 42) into a
 * temporary directory, loads it, runs it on one thread and prints one JSON
 * line: floors, occupants, evacuated, simulated_s, wall_s (evac_sim_run
 * only), events, events_per_s, peak_rss_mb. Exit status: 0, or the first
 * failing case's evac_status (2 for bad arguments). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "diag.h"
#include "evacsim.h"
#include "result.h"

enum { BENCH_MAX_CASES = 64 };

/* Runs one case and prints its JSON line; returns its status. */
static enum evac_status bench_case(int floors) {
  const uint64_t seed = 42;
  struct evac_gen_opts gen = {floors, 40 * (floors > 1 ? floors - 1 : 1), seed};
  char dir[4096], scenario[4200];
  struct evac_diag diag;
  evac_diag_init(&diag);
  struct evac_model *model = NULL;
  struct evac_sim *sim = NULL;
  struct evac_run_opts opts = {.seed = seed, .seed_given = 1, .threads = 1};
  enum evac_status st = bench_gen_tower("tower", &gen, dir, sizeof dir,
                                        scenario, sizeof scenario, &diag);
  if (st == EVAC_OK)
    st = evac_model_load(scenario, &diag, &model);
  if (st == EVAC_OK)
    st = evac_sim_create(model, &opts, &diag, &sim);
  double t0 = bench_now();
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  double wall = bench_now() - t0;
  const struct evac_result *r = st == EVAC_OK ? evac_sim_result(sim) : NULL;
  if (r) {
    printf("{\"bench\":\"tower\",\"floors\":%d,\"occupants\":%d,"
           "\"evacuated\":%d,\"simulated_s\":%.3f,\"wall_s\":%.6f,"
           "\"events\":%llu,\"events_per_s\":%.0f,\"peak_rss_mb\":%.1f}\n",
           floors, r->occupants, r->evacuated, r->end_time_s, wall,
           (unsigned long long)r->events_processed,
           wall > 0 ? (double)r->events_processed / wall : 0.0,
           bench_peak_rss_mb());
    fflush(stdout);
  } else {
    evac_diag_print(&diag, stderr);
    fprintf(stderr, "bench_tower: %d floors: %s\n", floors,
            evac_status_str(st == EVAC_OK ? EVAC_ERR_RUNTIME : st));
    if (st == EVAC_OK)
      st = EVAC_ERR_RUNTIME;
  }
  evac_sim_free(sim);
  evac_model_free(model);
  evac_diag_free(&diag);
  bench_rm_tower(dir);
  return st;
}

/* Prints the usage line to f. */
static void bench_usage(FILE *f) {
  fprintf(f, "usage: bench_tower [--floors N ...]   (N in 1..200; default: "
             "--floors 10 --floors 30)\n");
}

int main(int argc, char **argv) {
  int floors[BENCH_MAX_CASES], n = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      bench_usage(stdout);
      return 0;
    }
    char *end = NULL;
    long v = 0;
    if (strcmp(argv[i], "--floors") == 0 && i + 1 < argc)
      v = strtol(argv[++i], &end, 10);
    if (!end || *end || v < 1 || v > 200 || n == BENCH_MAX_CASES) {
      fprintf(stderr, "bench_tower: bad argument '%s'\n", argv[i]);
      bench_usage(stderr);
      return EVAC_ERR_INPUT;
    }
    floors[n++] = (int)v;
  }
  if (n == 0) {
    floors[n++] = 10;
    floors[n++] = 30;
  }
  int rc = EVAC_OK;
  for (int i = 0; i < n; i++) {
    enum evac_status st = bench_case(floors[i]);
    if (rc == EVAC_OK)
      rc = st;
  }
  return rc;
}
