/* bench_scaling: the cost of one `evacsim run` of a generated tower, for
 * the cost scaling table (bench/cost_scaling.sh runs it once per case, so
 * that each peak memory is its own).
 *
 *   bench_scaling [--floors N] [--occupants M] [--seed S] [--duration S]
 *                 [--peak-kw Q] [--full]
 *
 * Generates `evacsim gen tower --floors N --occupants M --seed S` (default
 * 30, 1000, 1) into a temporary directory, loads its scenario with its
 * hazards applied (as `evacsim run` does), sets duration_s to S and the
 * fire's peak to Q kW when given, simulates on one thread with the default
 * output kept (fields, trajectories, event log), ending when the outcome
 * is settled unless --full, and writes the result file. It prints one JSON
 * line: floors, occupants, duration_s, simulated_s, cpu_s (create + run),
 * smoke_cell_updates, smoky_floors (floors whose smoke fields were
 * sampled), write_s and write_cpu_s (evac_sim_write), file_mb, and
 * peak_rss_mb. Exit status: 0, or the failure's evac_status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "result.h"

#include <unistd.h>

/* Floors whose smoke fields the run sampled. */
static int smoky_floors(const struct evac_model *m,
                        const struct evac_result *r) {
  int n = 0;
  for (int f = 0; f < m->nfloors; f++)
    n += r->fields.first[f] >= 0;
  return n;
}

int main(int argc, char **argv) {
  struct evac_gen_opts g = {30, 1000, 1};
  double duration = 0.0, peak = 0.0;
  int full = 0;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    long n = 0;
    if (!strcmp(argv[i], "--full")) {
      full = 1;
      continue;
    }
    if (!strcmp(argv[i], "--floors") &&
        (n = bench_num("bench_scaling", argv[i], v, 200)) > 0)
      g.floors = (int)n;
    else if (!strcmp(argv[i], "--occupants") &&
             (n = bench_num("bench_scaling", argv[i], v, 100000)) > 0)
      g.occupants = (int)n;
    else if (!strcmp(argv[i], "--seed") &&
             (n = bench_num("bench_scaling", argv[i], v, 1000000)) > 0)
      g.seed = (uint64_t)n;
    else if (!strcmp(argv[i], "--duration") &&
             (n = bench_num("bench_scaling", argv[i], v, 100000)) > 0)
      duration = (double)n;
    else if (!strcmp(argv[i], "--peak-kw") &&
             (n = bench_num("bench_scaling", argv[i], v, 1000000)) > 0)
      peak = (double)n;
    else {
      fprintf(stderr, "usage: bench_scaling [--floors N] [--occupants M] "
                      "[--seed S] [--duration S] [--peak-kw Q] [--full]\n");
      return EVAC_ERR_INPUT;
    }
    i++;
  }
  char dir[4096], path[4200], out[4200];
  if (bench_tmpdir("scaling", dir, sizeof dir))
    return EVAC_ERR_IO;
  snprintf(path, sizeof path, "%s/tower.scenario.json", dir);
  snprintf(out, sizeof out, "%s/run.h5", dir);
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  struct evac_sim *sim = NULL;
  enum evac_status st = evac_gen_tower(&g, dir, &d);
  if (st == EVAC_OK)
    st = evac_model_load(path, &d, &m);
  if (st == EVAC_OK)
    st = evac_hazards_prepare(m, NULL, 0, path, "hazards", "--fix", &d);
  if (st == EVAC_OK && duration > 0.0)
    m->duration_s = duration;
  if (st == EVAC_OK && peak > 0.0)
    m->fire.peak_kw = peak;
  struct evac_run_opts o = {
      .seed = g.seed, .seed_given = 1, .threads = 1, .full = full};
  double c0 = bench_cpu();
  if (st == EVAC_OK)
    st = evac_sim_create(m, &o, &d, &sim);
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  double cpu = bench_cpu() - c0, w0 = bench_now(), c1 = bench_cpu();
  if (st == EVAC_OK)
    st = evac_sim_write(sim, out, &d);
  double write_s = bench_now() - w0, write_cpu = bench_cpu() - c1;
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  if (st == EVAC_OK) {
    const struct evac_result *r = evac_sim_result(sim);
    struct stat sb;
    double mb = stat(out, &sb) == 0 ? (double)sb.st_size / 1048576.0 : 0.0;
    printf("{\"bench\":\"scaling\",\"floors\":%d,\"occupants\":%d,"
           "\"duration_s\":%.0f,\"peak_kw\":%.0f,\"simulated_s\":%.1f,"
           "\"cpu_s\":%.2f,\"smoke_cell_updates\":%llu,\"smoky_floors\":%d,"
           "\"write_s\":%.2f,\"write_cpu_s\":%.2f,\"file_mb\":%.1f,"
           "\"peak_rss_mb\":%.0f}\n",
           m->nfloors, r->occupants, m->duration_s, m->fire.peak_kw,
           r->end_time_s, cpu, (unsigned long long)r->smoke_cell_updates,
           smoky_floors(m, r), write_s, write_cpu, mb, bench_peak_rss_mb());
  }
  evac_sim_free(sim);
  evac_model_free(m);
  remove(out);
  const char *names[2] = {"tower.plan.json", "tower.scenario.json"};
  for (int i = 0; i < 2; i++) {
    char p[4300];
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    remove(p);
  }
  rmdir(dir);
  return st;
}
