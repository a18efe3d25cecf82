/* bench_group: what one fire and smoke simulation for a group of
 * replications saves.
 *
 *   bench_group [--floors N] [--occupants M] [--seed S] [--reps R]
 *               [--fire K] [--across]
 *
 * Generates a tower with evac_gen_tower (default: the demo tower `rank`
 * ranks, 10 floors, 400 occupants, seed 42) into a temporary directory and
 * runs replications 0 .. R-1 (default 8) of its variant as inspected with
 * its fire K (default 0, by the order of "fires"), as `rank` does (lean,
 * one thread): each on its own (evac_replicate_run), then all together on
 * one fire and smoke simulation (evac_replicate_run_group). It prints one
 * JSON line: CPU
 * seconds and simulations per CPU second each way, and identical (every
 * outcome and harm count the same, bit for bit). With --across the
 * replications are dealt in turn to the variant as inspected and to each
 * variant fixing one hazard whose fire and smoke inputs are the same
 * (evac_fingerprint_physics) but whose whole inputs are not, and run one
 * group a variant, then as one group across the variants, as `rank` does. Exit
 * status: 0, 1 if an outcome differs, or the failure's evac_status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "diag.h"
#include "evacsim.h"
#include "fingerprint.h"
#include "model.h"
#include "replicate.h"

/* Most replications a run of the bench groups. */
#define MAX_REPS EVAC_REPLICATE_GROUP

/* 1 if variants a and b have the same inputs (physics: fire and smoke
 * inputs) with stratum s's fire. */
static int same_inputs(const char *path, const struct evac_model *listed,
                       uint64_t a, uint64_t b, const struct evac_stratum *s,
                       int physics) {
  unsigned char *x, *y;
  size_t nx = 0, ny = 0;
  evac_fingerprint_variant(path, listed, a, s, physics, NULL, &x, &nx);
  evac_fingerprint_variant(path, listed, b, s, physics, NULL, &y, &ny);
  int same = x && y && nx == ny && !memcmp(x, y, nx);
  free(x);
  free(y);
  return same;
}

/* The variant as inspected (first) and up to max - 1 variants fixing one
 * hazard whose fire and smoke inputs with stratum s's fire are the same
 * but whose whole inputs differ (rank would reuse equal ones), into fx;
 * returns how many. */
static int same_physics(const char *path, const struct evac_model *listed,
                        const struct evac_stratum *s, uint64_t *fx, int max) {
  int nv = 0;
  fx[nv++] = 0;
  for (int i = 0; i < listed->nhazards && i < 64 && nv < max; i++) {
    uint64_t v = UINT64_C(1) << i;
    if (same_inputs(path, listed, 0, v, s, 1) &&
        !same_inputs(path, listed, 0, v, s, 0))
      fx[nv++] = v;
  }
  return nv;
}

/* Runs members 0 .. reps-1 (variant fx[i], replication rep[i]) one group a
 * variant into one[], then as one group into many[]; adds the CPU seconds
 * of each way to *cpu_one and *cpu_many. */
static enum evac_status across(const char *path,
                               const struct evac_model *listed, uint64_t seed,
                               const struct evac_stratum *s, const uint64_t *fx,
                               const int *rep, int reps,
                               struct evac_outcome *one, int32_t **h1,
                               struct evac_outcome *many, int32_t **hn,
                               double *cpu_one, double *cpu_many) {
  enum evac_status st = EVAC_OK;
  unsigned char done[MAX_REPS] = {0};
  for (int i = 0; st == EVAC_OK && i < reps; i++) {
    if (done[i])
      continue;
    int who[MAX_REPS], r[MAX_REPS], k = 0;
    uint64_t f[MAX_REPS];
    struct evac_outcome o[MAX_REPS];
    int32_t *h[MAX_REPS];
    for (int j = i; j < reps; j++)
      if (fx[j] == fx[i]) {
        done[j] = 1;
        who[k] = j;
        f[k] = fx[j];
        r[k] = rep[j];
        h[k++] = h1[j];
      }
    double c0 = bench_cpu();
    st = evac_replicate_run_group(path, listed, f, seed, r, k, s,
                                  EVAC_OBJ_HARMED, o, h);
    *cpu_one += bench_cpu() - c0;
    for (int j = 0; st == EVAC_OK && j < k; j++)
      one[who[j]] = o[j];
  }
  if (st == EVAC_OK) {
    double c0 = bench_cpu();
    st = evac_replicate_run_group(path, listed, fx, seed, rep, reps, s,
                                  EVAC_OBJ_HARMED, many, hn);
    *cpu_many += bench_cpu() - c0;
  }
  return st;
}

int main(int argc, char **argv) {
  struct evac_gen_opts g = {10, 400, 42};
  int reps = MAX_REPS, fire = 0, mixed = 0;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    long n = 0;
    if (bench_gen_opt("bench_group", argv[i], v, &g)) {
      i++;
      continue;
    }
    if (!strcmp(argv[i], "--across")) {
      mixed = 1;
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
              "[--seed S] [--reps R (1..%d)] [--fire K (1..)] [--across]\n",
              MAX_REPS);
      return EVAC_ERR_INPUT;
    }
    i++;
  }
  char dir[4096], path[4200];
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *listed = NULL, *all = NULL;
  enum evac_status st =
      bench_gen_tower("group", &g, dir, sizeof dir, path, sizeof path, &d);
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
  uint64_t fx[MAX_REPS] = {0}, vars[MAX_REPS];
  int nv = 1;
  if (st == EVAC_OK && mixed &&
      (nv = same_physics(path, listed, &strata[fire], vars, reps)) < 2) {
    fprintf(stderr, "bench_group: no variant shares the fire and smoke of "
                    "the tower as inspected with this fire\n");
    st = EVAC_ERR_INPUT;
  }
  for (int i = 0; st == EVAC_OK && mixed && i < reps; i++) {
    fx[i] = vars[i % nv];
    rep[i] = fire * EVAC_STRATUM_STRIDE + i / nv;
  }
  if (st == EVAC_OK && mixed)
    st = across(path, listed, g.seed, &strata[fire], fx, rep, reps, one, h1,
                many, hn, &cpu_one, &cpu_many);
  for (int i = 0; st == EVAC_OK && !mixed && i < reps; i++) {
    double c0 = bench_cpu();
    st = evac_replicate_run(path, listed, 0, g.seed, rep[i], &strata[fire],
                            EVAC_OBJ_HARMED, &one[i], h1[i]);
    cpu_one += bench_cpu() - c0;
  }
  if (st == EVAC_OK && !mixed) {
    double c0 = bench_cpu();
    st = evac_replicate_run_group(path, listed, fx, g.seed, rep, reps,
                                  &strata[fire], EVAC_OBJ_HARMED, many, hn);
    cpu_many = bench_cpu() - c0;
  }
  int identical = 1;
  for (int i = 0; st == EVAC_OK && i < reps; i++)
    identical &= !memcmp(&one[i], &many[i], sizeof one[i]) &&
                 !memcmp(h1[i], hn[i], hw * sizeof *h1[i]);
  if (st == EVAC_OK)
    printf(
        "{\"bench\":\"group\",\"floors\":%d,\"occupants\":%d,\"fire\":%d,"
        "\"reps\":%d,\"variants\":%d,\"cpu_s_%s\":%.2f,\"cpu_s_%s\":%.2f,"
        "\"sims_per_cpu_s_%s\":%.3f,\"sims_per_cpu_s_%s\":%.3f,"
        "\"identical\":%s}\n",
        g.floors, g.occupants, fire + 1, reps, nv,
        mixed ? "by_variant" : "alone", cpu_one, mixed ? "across" : "together",
        cpu_many, mixed ? "by_variant" : "alone",
        cpu_one > 0.0 ? reps / cpu_one : 0.0, mixed ? "across" : "together",
        cpu_many > 0.0 ? reps / cpu_many : 0.0, identical ? "true" : "false");
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
