/* bench_fire: the synthetic tower with its fire (an e-bike battery in a
 * corridor), timed per replication and per smoke-sweep thread count.
 * Prints one JSON line per case:
 *   wall_s            whole replication (evac_sim_run)
 *   smoke_wall_s      of it, the smoke sweep
 *   cell_updates      smoke cells swept times sub-steps
 *   updates_per_s     cell_updates / smoke_wall_s
 *   sweep_gb_s        estimated traffic: updates x EST_BYTES / smoke_wall_s
 *   triad_gb_s        STREAM-like triad bandwidth measured here, same threads
 *   bandwidth_share   sweep_gb_s / triad_gb_s
 * usage: bench_fire [--floors N] [--threads T]... (default: 30 floors,
 * threads 1 and all). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "diag.h"
#include "evacsim.h"
#include "result.h"

/* Bytes a cell update moves, estimated: six layer quantities read and
 * written, two faces of six quantities written and read, depth,
 * temperature, flags and four neighbour indices. */
#define EST_BYTES 200.0

static int run_case(const char *scenario, int floors, int threads) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  struct evac_sim *sim = NULL;
  struct evac_run_opts o = {.seed = 42, .seed_given = 1, .threads = threads};
  int st = evac_model_load(scenario, &d, &m);
  if (st == EVAC_OK)
    st = evac_sim_create(m, &o, &d, &sim);
  double t0 = bench_now();
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  double wall = bench_now() - t0;
  if (st == EVAC_OK) {
    const struct evac_result *r = evac_sim_result(sim);
    double ups = r->smoke_cell_updates / r->smoke_wall_s;
    double gbs = ups * EST_BYTES / 1e9,
           tri = bench_triad(32u << 20, threads, 5);
    printf(
        "{\"bench\":\"fire\",\"floors\":%d,\"occupants\":%d,\"threads\":%d,"
        "\"simulated_s\":%.1f,\"wall_s\":%.3f,\"smoke_wall_s\":%.3f,"
        "\"cell_updates\":%llu,\"updates_per_s\":%.3g,\"sweep_gb_s\":%.2f,"
        "\"triad_gb_s\":%.2f,\"bandwidth_share\":%.3f,\"incapacitated\":%d}\n",
        floors, r->occupants, threads, r->end_time_s, wall, r->smoke_wall_s,
        (unsigned long long)r->smoke_cell_updates, ups, gbs, tri, gbs / tri,
        r->incapacitated);
    fflush(stdout);
  } else {
    evac_diag_print(&d, stderr);
  }
  evac_sim_free(sim);
  evac_model_free(m);
  evac_diag_free(&d);
  return st;
}

int main(int argc, char **argv) {
  int floors = 30, threads[64], nt = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--floors") && i + 1 < argc)
      floors = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc && nt < 64)
      threads[nt++] = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: bench_fire [--floors N] [--threads T]...\n");
      return EVAC_ERR_INPUT;
    }
  }
  if (floors < 2 || floors > 200) {
    fprintf(stderr, "bench_fire: --floors must be 2..200\n");
    return EVAC_ERR_INPUT;
  }
  if (nt == 0) {
    threads[nt++] = 1;
    if (omp_get_max_threads() > 1)
      threads[nt++] = omp_get_max_threads();
  }
  char dir[512], scenario[600];
  struct evac_gen_opts g = {floors, 40 * (floors - 1), 42};
  struct evac_diag d;
  evac_diag_init(&d);
  int st = bench_gen_tower("fire", &g, dir, sizeof dir, scenario,
                           sizeof scenario, &d);
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  for (int i = 0; st == EVAC_OK && i < nt; i++)
    st = run_case(scenario, floors, threads[i] > 0 ? threads[i] : 1);
  bench_rm_tower(dir);
  return st;
}
