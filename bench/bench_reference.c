/* bench_reference: the performance reference case.
 *
 *   bench_reference [--reps R] [--threads T]... [--floors N] [--no-triad]
 *                   [--smoke MODEL]
 *
 * The building is `evacsim gen tower --floors 30 --occupants 1000 --seed
 * 42`, with its fire replaced by a fast-growth ward fire (3 MW, ward
 * furnishings) on floor 10 and the hazard unsealed_shaft (the cable shaft
 * is not fire-stopped), 30 min simulated, full physics, lean output (the
 * summary and per-agent columns; no fields, trajectories or event log).
 * --smoke sets the scenario's smoke transport ("momentum", the default, or
 * "layer").
 *
 * Part 1 runs replication 0 R times (default 5) on one thread and prints a
 * JSON line per run (wall_s of create + run, smoke_wall_s, events, cell
 * updates, peak RSS) and a summary line with the medians, the smoke sweep's
 * estimated traffic against a STREAM triad measured in the same process
 * (one thread), and the outcome.
 *
 * Part 2 runs replications 0 .. min(4T, 32)-1 through evac_replicate_run (load,
 * simulate, reduce: the unit of work of rank) for each thread count T
 * given (default 1 and 2), one replication per thread at a time, and prints
 * the wall time, the speed-up over the first thread count and whether the
 * outcomes are identical to the first thread count's. --threads 0 skips
 * part 2, --no-triad the triad. Each run also reports cpu_s, the process's
 * CPU time: steadier than wall time on a shared machine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "replicate.h"
#include "result.h"

/* Bytes a smoke cell update moves, estimated (see bench/README.md). */
#define EST_BYTES 200.0

enum { MAX_RUNS = 64 };

/* The scenario's fire, fires, and hazards of the reference case. */
static const char reference_fire[] =
    "\"fire\": {\"floor\": \"10\", \"at\": [30, 8], \"growth\": \"fast\", "
    "\"peak_kw\": 3000, \"fuel\": \"ward_furnishings\"},\n"
    "  \"hazards\": [{\"id\": \"H-01\", \"type\": \"unsealed_shaft\"}],\n  ";

/* Generates the tower in dir and rewrites its scenario into the reference
 * case, with the smoke transport smoke (NULL: the default). Returns an
 * evac_status. */
static int make_reference(const char *dir, int floors, const char *smoke) {
  struct evac_gen_opts g = {floors, 1000, 42};
  struct evac_diag d;
  evac_diag_init(&d);
  int st = evac_gen_tower(&g, dir, &d);
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  if (st != EVAC_OK)
    return st;
  char path[4200];
  snprintf(path, sizeof path, "%s/tower.scenario.json", dir);
  FILE *f = fopen(path, "r");
  if (!f)
    return EVAC_ERR_IO;
  char *text = malloc(1 << 20);
  size_t n = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
  fclose(f);
  if (!text)
    return EVAC_ERR_RUNTIME;
  text[n] = '\0';
  char *dur = strstr(text, "\"duration_s\": 3600");
  char *fire = strstr(text, "\"fire\": {");
  char *alarm = strstr(text, "\"alarm\":");
  char *hazards = strstr(text, "\"hazards\": [");
  char *output = strstr(text, "\"output\":");
  char model[64] = "";
  if (smoke)
    snprintf(model, sizeof model, "\"smoke\": {\"model\": \"%s\"},\n  ", smoke);
  size_t cap = n + sizeof reference_fire + sizeof model + 64;
  char *out = malloc(cap);
  if (!dur || !fire || !alarm || !hazards || !output || alarm < fire ||
      hazards < alarm || output < hazards || !out) {
    fprintf(stderr, "bench_reference: the generated scenario changed shape\n");
    free(text);
    free(out);
    return EVAC_ERR_RUNTIME;
  }
  memcpy(dur, "\"duration_s\": 1800", 18);
  *fire = '\0';
  *hazards = '\0'; /* the generated inspection list gives way to the shaft */
  snprintf(out, cap, "%s%s%s%s%s", text, reference_fire, model, alarm, output);
  st = bench_write(dir, "tower.scenario.json", out) ? EVAC_ERR_IO : EVAC_OK;
  free(text);
  free(out);
  return st;
}

/* One timed replication on one thread; prints its line. */
static int time_one(const struct evac_model *m, double *wall, double *cpu,
                    double *smoke, uint64_t *updates,
                    struct evac_result *keep) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_sim *sim = NULL;
  struct evac_run_opts o = {
      .seed = 42, .seed_given = 1, .threads = 1, .lean = 1};
  double t0 = bench_now(), c0 = bench_cpu();
  int st = evac_sim_create(m, &o, &d, &sim);
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  *wall = bench_now() - t0;
  *cpu = bench_cpu() - c0;
  if (st == EVAC_OK) {
    const struct evac_result *r = evac_sim_result(sim);
    *smoke = r->smoke_wall_s;
    *updates = r->smoke_cell_updates;
    keep->occupants = r->occupants;
    keep->evacuated = r->evacuated;
    keep->incapacitated = r->incapacitated;
    keep->end_time_s = r->end_time_s;
    keep->aset_s = r->aset_s;
    keep->events_processed = r->events_processed;
    printf("{\"bench\":\"reference\",\"wall_s\":%.3f,\"cpu_s\":%.3f,"
           "\"smoke_wall_s\":%.3f,"
           "\"events\":%llu,\"cell_updates\":%llu,\"peak_rss_mb\":%.1f}\n",
           *wall, *cpu, *smoke, (unsigned long long)r->events_processed,
           (unsigned long long)r->smoke_cell_updates, bench_peak_rss_mb());
    fflush(stdout);
  } else {
    evac_diag_print(&d, stderr);
  }
  evac_sim_free(sim);
  evac_diag_free(&d);
  return st;
}

/* Part 2: replications 0 .. n-1 on threads threads; outcomes into out. */
static int scale(const char *path, const struct evac_model *m, int threads,
                 int n, struct evac_outcome *out, double *wall) {
  int st = EVAC_OK;
  double t0 = bench_now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int r = 0; r < n; r++) {
    int s = evac_replicate_run(path, m, 0, 42, r, NULL, EVAC_OBJ_HARMED,
                               &out[r], NULL);
    if (s != EVAC_OK) {
#pragma omp critical(bench_status)
      st = s;
    }
  }
  *wall = bench_now() - t0;
  return st;
}

int main(int argc, char **argv) {
  int reps = 5, floors = 30, threads[16], nt = 0, no_triad = 0;
  const char *smoke_model = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--reps") && i + 1 < argc)
      reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--floors") && i + 1 < argc)
      floors = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc && nt < 16)
      threads[nt++] = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--no-triad"))
      no_triad = 1;
    else if (!strcmp(argv[i], "--smoke") && i + 1 < argc &&
             strlen(argv[i + 1]) < 16)
      smoke_model = argv[++i];
    else {
      fprintf(stderr, "usage: bench_reference [--reps R] [--threads T]... "
                      "[--floors N] [--no-triad] [--smoke MODEL]\n");
      return EVAC_ERR_INPUT;
    }
  }
  if (reps < 0 || reps > MAX_RUNS || floors < 11 || floors > 200) {
    fprintf(stderr, "bench_reference: --reps 0..64, --floors 11..200\n");
    return EVAC_ERR_INPUT;
  }
  if (nt == 0) {
    threads[nt++] = 1;
    threads[nt++] = 2;
  }
  char dir[512], path[600];
  if (bench_tmpdir("ref", dir, sizeof dir))
    return EVAC_ERR_IO;
  snprintf(path, sizeof path, "%s/tower.scenario.json", dir);
  int st = make_reference(dir, floors, smoke_model);
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  double t0 = bench_now();
  if (st == EVAC_OK)
    st = evac_model_load(path, &d, &m);
  double load = bench_now() - t0;
  if (st == EVAC_OK)
    evac_hazards_apply(m, &d);
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  double wall[MAX_RUNS], cpu[MAX_RUNS], smoke[MAX_RUNS];
  uint64_t updates = 0;
  struct evac_result r = {0};
  for (int i = 0; st == EVAC_OK && i < reps; i++)
    st = time_one(m, &wall[i], &cpu[i], &smoke[i], &updates, &r);
  if (st == EVAC_OK && reps > 0) {
    double w = bench_median(wall, reps), sw = bench_median(smoke, reps);
    double cs = bench_median(cpu, reps);
    double rss = bench_peak_rss_mb(); /* before the triad's arrays */
    double tri = no_triad ? NAN : bench_triad(32u << 20, 1, 5);
    double gbs = (double)updates * EST_BYTES / sw / 1e9;
    printf(
        "{\"bench\":\"reference_median\",\"floors\":%d,\"runs\":%d,"
        "\"load_s\":%.3f,\"wall_s\":%.3f,\"cpu_s\":%.3f,\"smoke_wall_s\":%.3f,"
        "\"events_per_s\":%.3g,\"updates_per_s\":%.3g,\"sweep_gb_s\":%.2f,"
        "\"triad_gb_s\":%.2f,\"bandwidth_share\":%.3f,\"peak_rss_mb\":%.1f,"
        "\"occupants\":%d,\"evacuated\":%d,\"incapacitated\":%d,"
        "\"aset_s\":%.1f,\"simulated_s\":%.1f}\n",
        floors, reps, load, w, cs, sw, (double)r.events_processed / w,
        (double)updates / sw, gbs, tri, gbs / tri, rss, r.occupants,
        r.evacuated, r.incapacitated, r.aset_s, r.end_time_s);
    fflush(stdout);
  }
  struct evac_outcome first[32], now[32];
  double base = 0.0;
  for (int i = 0; i < nt; i++)
    if (threads[i] <= 0)
      nt = 0;
  for (int i = 0; st == EVAC_OK && i < nt; i++) {
    int t = threads[i] < 1 ? 1 : threads[i] > 16 ? 16 : threads[i];
    int n = 4 * threads[nt - 1] > 32 ? 32 : 4 * threads[nt - 1];
    double w = 0.0;
    st = scale(path, m, t, n, i ? now : first, &w);
    if (i == 0)
      base = w;
    int same = 1;
    for (int k = 0; i && k < n; k++)
      same &= !memcmp(&first[k], &now[k], sizeof first[k]);
    printf("{\"bench\":\"reference_scaling\",\"threads\":%d,"
           "\"replications\":%d,\"wall_s\":%.3f,\"speedup\":%.2f,"
           "\"identical\":%s}\n",
           t, n, w, base / w, same ? "true" : "false");
    fflush(stdout);
  }
  evac_model_free(m);
  remove(path);
  snprintf(path, sizeof path, "%s/tower.plan.json", dir);
  remove(path);
  rmdir(dir);
  return st;
}
