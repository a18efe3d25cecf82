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
 * fire's peak to Q kW when given, and runs it as `evacsim run` does: one
 * thread, the default output streamed to the result file as the run goes,
 * ending when the outcome is settled unless --full. The writer's sink is
 * wrapped to time it and to count what it is handed. It prints one JSON
 * line (bench/README.md lists the fields). Exit status: 0, or the
 * failure's evac_status. */
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

/* Cells a smoke sweep must hold before the smoke model threads it
 * (models/smoke/smoke.c, spread): the cell-seconds of samples with more
 * cells with a layer bound the share of the sweep that threads can share. */
#define EVAC_BENCH_WIDE 8192

/* The writer's sink, wrapped: what it was handed and what it cost. */
struct tally {
  const struct evac_result_sink *inner; /* the writer's own sink */
  double cpu_s, wall_s;                 /* spent in the writer's sink calls */
  uint64_t floor_samples;   /* field samples x floors stored in the file */
  uint64_t traj_samples;    /* trajectory samples handed over */
  uint64_t smoky_cells_max; /* most cells with a layer in one sample */
  double smoke_cell_s;      /* cells with a layer x seconds, summed */
  double smoke_cell_s_wide; /* of it, in samples with more than
                               EVAC_BENCH_WIDE cells with a layer */
  double every_s;           /* field sampling interval, s */
};

/* Trajectory sample: counted, timed and handed on. */
static int tally_traj(void *ctx, size_t sample, int nagents, const float *pos,
                      const int16_t *floor, const int8_t *state) {
  struct tally *t = ctx;
  double c0 = bench_cpu(), w0 = bench_now();
  int rc = t->inner->traj(t->inner->ctx, sample, nagents, pos, floor, state);
  t->cpu_s += bench_cpu() - c0;
  t->wall_s += bench_now() - w0;
  t->traj_samples++;
  return rc;
}

/* Field sample: the cells with a layer (soot in the upper layer) counted on
 * every floor that has smoke, then the sample timed and handed on. */
static int tally_fields(void *ctx, const struct evac_result_fields *f,
                        const float *const *floor_data) {
  struct tally *t = ctx;
  uint64_t cells = 0;
  for (int k = 0; k < f->nfloors; k++) {
    t->floor_samples += f->first[k] >= 0;
    if (!floor_data[k])
      continue;
    const float *soot = floor_data[k] + EVAC_FQ_SOOT * f->ncells[k];
    for (size_t c = 0; c < f->ncells[k]; c++)
      cells += soot[c] > 0.0f;
  }
  t->smoky_cells_max = cells > t->smoky_cells_max ? cells : t->smoky_cells_max;
  t->smoke_cell_s += (double)cells * t->every_s;
  if (cells > EVAC_BENCH_WIDE)
    t->smoke_cell_s_wide += (double)cells * t->every_s;
  double c0 = bench_cpu(), w0 = bench_now();
  int rc = t->inner->fields(t->inner->ctx, f, floor_data);
  t->cpu_s += bench_cpu() - c0;
  t->wall_s += bench_now() - w0;
  return rc;
}

/* Floors whose smoke fields the run sampled. */
static int smoky_floors(const struct evac_model *m,
                        const struct evac_result *r) {
  int n = 0;
  for (int f = 0; f < m->nfloors; f++)
    n += r->fields.first[f] >= 0;
  return n;
}

/* Prints the JSON line of a finished run. */
static void report(const struct evac_model *m, const struct evac_result *r,
                   const struct tally *t, double cpu, double close_cpu,
                   double close_wall, const char *out) {
  struct stat sb;
  double mb = stat(out, &sb) == 0 ? (double)sb.st_size / 1048576.0 : 0.0;
  printf("{\"bench\":\"scaling\",\"floors\":%d,\"occupants\":%d,"
         "\"duration_s\":%.0f,\"peak_kw\":%.0f,\"simulated_s\":%.1f,"
         "\"evacuated\":%d,\"incapacitated\":%d,\"remaining\":%d,"
         "\"cpu_s\":%.2f,\"sim_cpu_s\":%.2f,\"smoke_s\":%.2f,"
         "\"smoke_cell_updates\":%llu,\"events\":%llu,"
         "\"smoky_floors\":%d,\"smoky_cells_max\":%llu,"
         "\"smoke_cell_s\":%.4g,\"smoke_cell_s_wide\":%.4g,"
         "\"floor_samples\":%llu,"
         "\"traj_samples\":%llu,\"output_s\":%.2f,\"output_cpu_s\":%.2f,"
         "\"file_mb\":%.1f,\"peak_rss_mb\":%.0f}\n",
         m->nfloors, r->occupants, m->duration_s, m->fire.peak_kw,
         r->end_time_s, r->evacuated, r->incapacitated, r->remaining, cpu,
         cpu - t->cpu_s, r->smoke_wall_s,
         (unsigned long long)r->smoke_cell_updates,
         (unsigned long long)r->events_processed, smoky_floors(m, r),
         (unsigned long long)t->smoky_cells_max, t->smoke_cell_s,
         t->smoke_cell_s_wide, (unsigned long long)t->floor_samples,
         (unsigned long long)t->traj_samples, t->wall_s + close_wall,
         t->cpu_s + close_cpu, mb, bench_peak_rss_mb());
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
    if (bench_gen_opt("bench_scaling", argv[i], v, &g)) {
      i++;
      continue;
    }
    if (!strcmp(argv[i], "--duration") &&
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
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  struct evac_sim *sim = NULL;
  struct evac_output *file = NULL;
  enum evac_status st =
      bench_gen_tower("scaling", &g, dir, sizeof dir, path, sizeof path, &d);
  snprintf(out, sizeof out, "%s/run.h5", dir);
  if (st == EVAC_OK)
    st = evac_model_load(path, &d, &m);
  if (st == EVAC_OK)
    st = evac_hazards_prepare(m, NULL, 0, path, "hazards", "--fix", &d);
  if (st == EVAC_OK && duration > 0.0)
    m->duration_s = duration;
  if (st == EVAC_OK && peak > 0.0)
    m->fire.peak_kw = peak;
  if (st == EVAC_OK)
    st = evac_output_open(m, out, &file, &d);
  struct tally t = {0};
  struct evac_result_sink wrap = {&t, tally_traj, tally_fields};
  if (file) {
    t.inner = evac_output_sink(file);
    t.every_s = m->fields_every_s;
  }
  struct evac_run_opts o = {.seed = g.seed,
                            .seed_given = 1,
                            .threads = 1,
                            .full = full,
                            .sink = &wrap};
  double c0 = bench_cpu();
  if (st == EVAC_OK)
    st = evac_sim_create(m, &o, &d, &sim);
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  double cpu = bench_cpu() - c0, w1 = bench_now(), c1 = bench_cpu();
  if (file && st == EVAC_OK) {
    /* the writer checks that the samples came to its own sink: they did,
       through the wrapper */
    struct evac_result r = *evac_sim_result(sim);
    r.traj.sink = r.fields.sink = t.inner;
    st = evac_output_close(file, &r, &d);
  } else if (file && evac_output_abandon(file, &d) != EVAC_OK)
    st = EVAC_ERR_IO;
  double close_wall = bench_now() - w1, close_cpu = bench_cpu() - c1;
  evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  if (st == EVAC_OK)
    report(m, evac_sim_result(sim), &t, cpu, close_cpu, close_wall, out);
  evac_sim_free(sim);
  evac_model_free(m);
  remove(out);
  bench_rm_tower(dir);
  return st;
}
