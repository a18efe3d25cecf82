/* Helpers shared by the benchmarks: a monotonic clock, peak memory, a
 * STREAM-like triad measured in the same process, and writing a file. */
#ifndef EVAC_BENCH_UTIL_H
#define EVAC_BENCH_UTIL_H

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "evacsim.h"

/* Seconds on the monotonic clock. */
static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of this process so far, s. */
static inline double bench_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Peak resident set size of this process so far, MiB. */
static inline double bench_peak_rss_mb(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return 0.0;
  return (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
}

/* STREAM triad a = b + 3 c over three arrays of n doubles on threads
 * threads, best of reps, GB/s (McCalpin's counting: 24 bytes an element);
 * 0 out of memory. n = 32 Mi (768 MiB in all) is far beyond any cache. */
static inline double bench_triad(size_t n, int threads, int reps) {
  double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b),
         *c = malloc(n * sizeof *c);
  double best = 0.0;
  if (a && b && c) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; i++)
      a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
    for (int k = 0; k < reps; k++) {
      double t0 = bench_now();
#pragma omp parallel for num_threads(threads) schedule(static)
      for (size_t i = 0; i < n; i++)
        a[i] = b[i] + 3.0 * c[i];
      double gbs = 3.0 * (double)n * sizeof *a / (bench_now() - t0) / 1e9;
      best = gbs > best ? gbs : best;
    }
  }
  free(a);
  free(b);
  free(c);
  return best;
}

/* Writes text to dir/name; returns 0 or -1. */
static inline int bench_write(const char *dir, const char *name,
                              const char *text) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  int bad = fputs(text, f) < 0;
  return fclose(f) || bad ? -1 : 0;
}

/* qsort order of doubles, increasing. */
static inline int bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
/* Median of n values (sorts them). */
static inline double bench_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Parses prog's whole-number option opt = v in [1, max]; -1 (reported) if
 * bad. */
static inline long bench_num(const char *prog, const char *opt, const char *v,
                             long max) {
  char *end;
  long n = v ? strtol(v, &end, 10) : -1;
  if (!v || *end || n < 1 || n > max) {
    fprintf(stderr, "%s: %s needs a whole number 1..%ld\n", prog, opt, max);
    return -1;
  }
  return n;
}

/* The options of a generated tower, --floors N (1..200), --occupants M
 * (1..100000) and --seed S (1..1000000): if opt is one of them with a valid
 * value v, sets it in g and returns 1; else 0 (a bad value is reported). */
static inline int bench_gen_opt(const char *prog, const char *opt,
                                const char *v, struct evac_gen_opts *g) {
  long n = 0;
  if (!strcmp(opt, "--floors") && (n = bench_num(prog, opt, v, 200)) > 0)
    g->floors = (int)n;
  else if (!strcmp(opt, "--occupants") &&
           (n = bench_num(prog, opt, v, 100000)) > 0)
    g->occupants = (int)n;
  else if (!strcmp(opt, "--seed") && (n = bench_num(prog, opt, v, 1000000)) > 0)
    g->seed = (uint64_t)n;
  else
    return 0;
  return 1;
}

/* Removes a tower generated into dir (evac_gen_tower's two files) and
 * dir. */
static inline void bench_rm_tower(const char *dir) {
  const char *names[2] = {"tower.plan.json", "tower.scenario.json"};
  char p[4200];
  for (int i = 0; i < 2; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    remove(p);
  }
  rmdir(dir);
}

/* Makes a fresh folder evacsim-bench-TAG-XXXXXX in $TMPDIR (else /tmp)
 * into dir (n bytes). Returns 0, or -1 (reported). */
static inline int bench_tmpdir(const char *tag, char *dir, size_t n) {
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, n, "%s/evacsim-bench-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
           tag);
  if (!mkdtemp(dir)) {
    perror(dir);
    return -1;
  }
  return 0;
}

/* Generates the tower g (evac_gen_tower) into a new temporary folder dir
 * (bench_tmpdir, ndir bytes) and fills path (npath bytes) with its
 * scenario's; problems go to d. Returns an evac_status: EVAC_ERR_IO if the
 * folder could not be made (reported). bench_rm_tower removes it. */
static inline enum evac_status
bench_gen_tower(const char *tag, const struct evac_gen_opts *g, char *dir,
                size_t ndir, char *path, size_t npath, struct evac_diag *d) {
  if (bench_tmpdir(tag, dir, ndir))
    return EVAC_ERR_IO;
  snprintf(path, npath, "%s/tower.scenario.json", dir);
  return evac_gen_tower(g, dir, d);
}

#endif
