/* bench_crowd: events per second of the movement loop on a RiMEA-9-like
 * crowd, against a STREAM triad measured in the same process.
 *
 *   bench_crowd [--persons N] [--runs R] [--baseline FILE]
 *
 * The room is RiMEA test 9's: 30 m x 20 m (75 x 50 cells of 0.4 m), four
 * exits 1.2 m wide (3 cells) near the corners of the long walls, N people
 * (default 1000) placed at random over the floor, adults, no fire. It runs
 * the crowd R times (default 5) on one thread, lean, and prints one JSON
 * line with the median events_per_s, the triad bandwidth (one thread,
 * GB/s) and their ratio events_per_gb (events per second per GB/s of
 * triad: the machine's speed divided out, so figures from different
 * machines of a class compare).
 *
 * With --baseline FILE (bench/baseline.json), it also reads the
 * "events_per_gb" recorded there for the same N and fails (exit 1) if the
 * ratio measured now is less than half of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "diag.h"
#include "evacsim.h"
#include "result.h"

enum { NX = 77, NY = 52, MAX_RUNS = 64 };

/* Writes the plan and the scenario of n persons into dir. */
static int make_crowd(const char *dir, int n) {
  static char plan[16384], scen[1024];
  char rows[NY][NX + 1];
  for (int y = 0; y < NY; y++) {
    for (int x = 0; x < NX; x++)
      rows[y][x] = x == 0 || y == 0 || x == NX - 1 || y == NY - 1 ? '#' : '.';
    rows[y][NX] = '\0';
  }
  for (int x = 0; x < 3; x++) { /* exits 2 cells from the corners */
    rows[0][3 + x] = rows[0][NX - 6 + x] = 'E';
    rows[NY - 1][3 + x] = rows[NY - 1][NX - 6 + x] = 'E';
  }
  int k = snprintf(plan, sizeof plan,
                   "{\"evacsim_plan\": 1, \"name\": \"RiMEA 9 crowd\", "
                   "\"cell_m\": 0.4, \"floors\": [{\"name\": \"1\", "
                   "\"elevation_m\": 0, \"height_m\": 3, \"rows\": [");
  for (int y = 0; y < NY; y++)
    k += snprintf(plan + k, sizeof plan - (size_t)k, "%s\"%s\"", y ? "," : "",
                  rows[y]);
  snprintf(plan + k, sizeof plan - (size_t)k, "]}]}\n");
  snprintf(scen, sizeof scen,
           "{\"evacsim_scenario\": 1, \"plan\": \"crowd.plan.json\", "
           "\"duration_s\": 900, \"seed\": 42, \"occupants\": [{\"floor\": "
           "\"1\", \"rect\": [1, 1, %d, %d], \"profile\": \"adult\", "
           "\"count\": %d}]}\n",
           NX - 2, NY - 2, n);
  return bench_write(dir, "crowd.plan.json", plan) ||
                 bench_write(dir, "crowd.scenario.json", scen)
             ? EVAC_ERR_IO
             : EVAC_OK;
}

/* The baseline's events_per_gb for n persons: the number after
 * "events_per_gb": on the line that has "persons":n. 0 if none. */
static double baseline(const char *path, int n) {
  FILE *f = fopen(path, "r");
  char line[1024], key[64];
  double v = 0.0;
  snprintf(key, sizeof key, "\"persons\":%d,", n);
  while (f && fgets(line, sizeof line, f)) {
    char *p = strstr(line, "\"events_per_gb\":");
    if (strstr(line, key) && p)
      v = strtod(p + strlen("\"events_per_gb\":"), NULL);
  }
  if (f)
    fclose(f);
  return v;
}

int main(int argc, char **argv) {
  int persons = 1000, runs = 5;
  const char *base = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--persons") && i + 1 < argc)
      persons = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--baseline") && i + 1 < argc)
      base = argv[++i];
    else {
      fprintf(stderr, "usage: bench_crowd [--persons N] [--runs R] "
                      "[--baseline FILE]\n");
      return EVAC_ERR_INPUT;
    }
  }
  if (persons < 1 || persons > (NX - 2) * (NY - 2) || runs < 1 ||
      runs > MAX_RUNS) {
    fprintf(stderr, "bench_crowd: --persons 1..%d, --runs 1..%d\n",
            (NX - 2) * (NY - 2), MAX_RUNS);
    return EVAC_ERR_INPUT;
  }
  char dir[512], path[600];
  if (bench_tmpdir("crowd", dir, sizeof dir))
    return EVAC_ERR_IO;
  snprintf(path, sizeof path, "%s/crowd.scenario.json", dir);
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  int st = make_crowd(dir, persons);
  if (st == EVAC_OK)
    st = evac_model_load(path, &d, &m);
  double eps[MAX_RUNS];
  unsigned long long events = 0;
  double end = 0.0;
  for (int r = 0; st == EVAC_OK && r < runs; r++) {
    struct evac_sim *sim = NULL;
    struct evac_run_opts o = {
        .seed = 42, .seed_given = 1, .threads = 1, .lean = 1};
    st = evac_sim_create(m, &o, &d, &sim);
    double t0 = bench_now();
    if (st == EVAC_OK)
      st = evac_sim_run(sim);
    double wall = bench_now() - t0;
    if (st == EVAC_OK) {
      const struct evac_result *res = evac_sim_result(sim);
      events = (unsigned long long)res->events_processed;
      end = res->end_time_s;
      eps[r] = wall > 0.0 ? (double)events / wall : 0.0;
    }
    evac_sim_free(sim);
  }
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  evac_model_free(m);
  remove(path);
  snprintf(path, sizeof path, "%s/crowd.plan.json", dir);
  remove(path);
  rmdir(dir);
  if (st != EVAC_OK)
    return st;
  double rss = bench_peak_rss_mb(), med = bench_median(eps, runs);
  double tri = bench_triad(16u << 20, 1, 5), ratio = med / tri;
  printf("{\"bench\":\"crowd\",\"persons\":%d,\"runs\":%d,\"events\":%llu,"
         "\"simulated_s\":%.1f,\"events_per_s\":%.4g,\"triad_gb_s\":%.2f,"
         "\"events_per_gb\":%.4g,\"peak_rss_mb\":%.1f}\n",
         persons, runs, events, end, med, tri, ratio, rss);
  if (!base)
    return 0;
  double ref = baseline(base, persons);
  if (ref <= 0.0) {
    fprintf(stderr, "bench_crowd: %s has no events_per_gb for %d persons\n",
            base, persons);
    return EVAC_ERR_INPUT;
  }
  int ok = ratio >= 0.5 * ref;
  printf("bench_crowd: events_per_gb %.4g, baseline %.4g (%.2fx): %s\n", ratio,
         ref, ratio / ref, ok ? "ok" : "FAIL, dropped more than 2x");
  return ok ? 0 : 1;
}
