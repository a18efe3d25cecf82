/* Default thread count: the OpenMP view of the CPUs, capped by the cgroup
 * CPU quota, which OpenMP does not read. */
#include "threads.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

/* ceil(quota / period) from two numbers; 0 when either is unusable. */
static int quota_cpus(long long quota, long long period) {
  if (quota <= 0 || period <= 0)
    return 0;
  long long n = (quota + period - 1) / period;
  return n > 4096 ? 4096 : (int)n;
}

/* The first number of root/name into *v (left alone if none). */
static void read_number(const char *root, const char *name, long long *v) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", root, name);
  FILE *f = fopen(path, "r");
  if (!f)
    return;
  if (fscanf(f, "%lld", v) != 1)
    *v = 0;
  fclose(f);
}

int evac_threads_quota(const char *root) {
  long long quota = 0, period = 0;
  char path[512];
  snprintf(path, sizeof path, "%s/cpu.max", root);
  FILE *f = fopen(path, "r");
  if (f) {
    char first[32] = "";
    if (fscanf(f, "%31s %lld", first, &period) == 2)
      quota = strtoll(first, NULL, 10); /* "max" reads as 0: no quota */
    fclose(f);
    return quota_cpus(quota, period);
  }
  read_number(root, "cpu/cpu.cfs_quota_us", &quota);
  read_number(root, "cpu/cpu.cfs_period_us", &period);
  return quota_cpus(quota, period);
}

int evac_threads_default(void) {
  const char *env = getenv("OMP_NUM_THREADS");
  if (env && *env)
    return omp_get_max_threads();
  int n = omp_get_num_procs(), q = evac_threads_quota("/sys/fs/cgroup");
  if (q > 0 && q < n)
    n = q;
  return n > 0 ? n : 1;
}
