/* bench_group: what one fire and smoke simulation for a group of
 * replications saves.
 *
 *   bench_group [--floors N] [--occupants M] [--seed S] [--reps R]
 *               [--fire K]
 *
 * Generates a tower with evac_gen_tower (default: the demo tower `rank`
 * ranks, 10 floors, 400 occupants, seed 42) into a temporary directory and
 * runs replications 0 .. R-1 (default 8) of its variant as inspected with
 * its fire K (default 0, by the order of "fires"), as `rank` does (lean,
 * one thread): each on its own (evac_replicate_run), then all together on
 * one fire and smoke simulation (evac_replicate_run_group). It prints one
 * JSON line: CPU
 * seconds and simulations per CPU second each way, and identical (every
 * outcome and harm count the same, bit for bit). Exit status: 0, 1 if an
 * outcome differs, or the failure's evac_status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "replicate.h"

/* Most replications a run of the bench groups. */
#define MAX_REPS EVAC_REPLICATE_GROUP

int main(int argc, char **argv) {
  struct evac_gen_opts g = {10, 400, 42};
  int reps = MAX_REPS, fire = 0;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    long n = 0;
    if (bench_gen_opt("bench_group", argv[i], v, &g)) {
      i++;
      continue;
    }
    if (!strcmp(argv[i], "--reps") &&
        (n = bench_num("bench_group", argv[i], v, MAX_REPS)) > 0)
      reps = (int)n;
    else if (!strcmp(argv[i], "--fire") &&
             (n = bench_num("bench_group", argv[i], v, 64)) > 0)
      fire = (int)n - 1;
    else {
      fprintf(stderr,
              "usage: bench_group [--floors N] [--occupants M] "
              "[--seed S] [--reps R (1..%d)] [--fire K (1..)]\n",
              MAX_REPS);
      return EVAC_ERR_INPUT;
    }
    i++;
  }
  char dir[4096], path[4200];
  if (bench_tmpdir("group", dir, sizeof dir))
    return EVAC_ERR_IO;
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *listed = NULL, *all = NULL;
  enum evac_status st = evac_gen_tower(&g, dir, &d);
  snprintf(path, sizeof path, "%s/tower.scenario.json", dir);
  if (st == EVAC_OK)
    st = evac_model_load(path, &d, &listed);
  if (st == EVAC_OK)
    st = evac_replicate_load(path, listed, 0, &d, &all);
  struct evac_stratum strata[64];
  int ns = st == EVAC_OK ? evac_replicate_strata(all, strata, 64) : 0;
  if (st == EVAC_OK && fire >= ns) {
    fprintf(stderr, "bench_group: the tower has %d fires\n", ns);
    st = EVAC_ERR_INPUT;
  }
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  size_t hw = listed ? (size_t)EVAC_HARM_WIDTH(listed->nfloors) : 0;
  int rep[MAX_REPS];
  struct evac_outcome one[MAX_REPS], many[MAX_REPS];
  int32_t *h1[MAX_REPS] = {0}, *hn[MAX_REPS] = {0};
  memset(one, 0, sizeof one);
  memset(many, 0, sizeof many);
  double cpu_one = 0.0, cpu_many = 0.0;
  for (int i = 0; st == EVAC_OK && i < reps; i++) {
    rep[i] = fire * EVAC_STRATUM_STRIDE + i;
    h1[i] = calloc(hw, sizeof **h1);
    hn[i] = calloc(hw, sizeof **hn);
    if (!h1[i] || !hn[i])
      st = EVAC_ERR_RUNTIME;
  }
  for (int i = 0; st == EVAC_OK && i < reps; i++) {
    double c0 = bench_cpu();
    st = evac_replicate_run(path, listed, 0, g.seed, rep[i], &strata[fire],
                            EVAC_OBJ_HARMED, &one[i], h1[i]);
    cpu_one += bench_cpu() - c0;
  }
  if (st == EVAC_OK) {
    double c0 = bench_cpu();
    const uint64_t as_inspected[MAX_REPS] = {0};
    st = evac_replicate_run_group(path, listed, as_inspected, g.seed, rep, reps,
                                  &strata[fire], EVAC_OBJ_HARMED, many, hn);
    cpu_many = bench_cpu() - c0;
  }
  int identical = 1;
  for (int i = 0; st == EVAC_OK && i < reps; i++)
    identical &= !memcmp(&one[i], &many[i], sizeof one[i]) &&
                 !memcmp(h1[i], hn[i], hw * sizeof *h1[i]);
  if (st == EVAC_OK)
    printf("{\"bench\":\"group\",\"floors\":%d,\"occupants\":%d,\"fire\":%d,"
           "\"reps\":%d,\"cpu_s_alone\":%.2f,\"cpu_s_together\":%.2f,"
           "\"sims_per_cpu_s_alone\":%.3f,\"sims_per_cpu_s_together\":%.3f,"
           "\"identical\":%s}\n",
           g.floors, g.occupants, fire + 1, reps, cpu_one, cpu_many,
           cpu_one > 0.0 ? reps / cpu_one : 0.0,
           cpu_many > 0.0 ? reps / cpu_many : 0.0,
           identical ? "true" : "false");
  for (int i = 0; i < reps; i++) {
    free(h1[i]);
    free(hn[i]);
  }
  evac_model_free(all);
  evac_model_free(listed);
  bench_rm_tower(dir);
  if (st != EVAC_OK)
    return st;
  return identical ? 0 : 1;
}
