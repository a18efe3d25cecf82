/* Default thread count: the OpenMP view of the CPUs, capped by the CPU
 * quota of the process's own cgroup (and those above it), which OpenMP
 * does not read. */
#include "threads.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ceil(quota / period) from two numbers; 0 when either is unusable. */
static int quota_cpus(long long quota, long long period) {
  if (quota <= 0 || period <= 0)
    return 0;
  long long n = (quota + period - 1) / period;
  return n > 4096 ? 4096 : (int)n;
}

/* The first number of root/name into *v (left alone if none). */
static void read_number(const char *root, const char *name, long long *v) {
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", root, name);
  FILE *f = fopen(path, "r");
  if (!f)
    return;
  if (fscanf(f, "%lld", v) != 1)
    *v = 0;
  fclose(f);
}

/* cgroup v2: the quota of dir/cpu.max ("max" is none); -1 without the
 * file, 0 when there is no quota. */
static int v2_quota(const char *dir) {
  long long quota = 0, period = 0;
  char path[4200];
  snprintf(path, sizeof path, "%s/cpu.max", dir);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char first[32] = "";
  if (fscanf(f, "%31s %lld", first, &period) == 2)
    quota = strtoll(first, NULL, 10); /* "max" reads as 0: no quota */
  fclose(f);
  return quota_cpus(quota, period);
}

/* cgroup v1: the quota of dir/cpu.cfs_quota_us over dir/cpu.cfs_period_us
 * (-1 is none); 0 when there is none. */
static int v1_quota(const char *dir) {
  long long quota = 0, period = 0;
  read_number(dir, "cpu.cfs_quota_us", &quota);
  read_number(dir, "cpu.cfs_period_us", &period);
  return quota_cpus(quota, period);
}

int evac_threads_quota(const char *root) {
  int q = v2_quota(root);
  if (q >= 0)
    return q;
  char cpu[4200];
  snprintf(cpu, sizeof cpu, "%s/cpu", root);
  return v1_quota(cpu);
}

/* The smallest quota (> 0) of the folder base/rel and each folder above
 * it up to base, read by v2 (cgroup v2) or v1; 0 if none has one. */
static int least_up(const char *base, const char *rel, int v2) {
  char dir[4200];
  int n = snprintf(dir, sizeof dir, "%s%s", base, rel);
  if (n < 0 || (size_t)n >= sizeof dir)
    return 0;
  size_t stop = strlen(base);
  int least = 0;
  for (;;) {
    int q = v2 ? v2_quota(dir) : v1_quota(dir);
    if (q > 0 && (least == 0 || q < least))
      least = q;
    char *slash = strrchr(dir, '/');
    if (!slash || (size_t)(slash - dir) < stop)
      break;
    *slash = '\0';
  }
  return least;
}

int evac_threads_quota_self(const char *proc_cgroup, const char *mount) {
  FILE *f = fopen(proc_cgroup, "r");
  if (!f)
    return evac_threads_quota(mount);
  char line[4096], cpu[4200];
  snprintf(cpu, sizeof cpu, "%s/cpu", mount);
  int least = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    /* "ID:CONTROLLERS:PATH"; v2 is "0::PATH" */
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2 || c2[1] != '/')
      continue;
    *c1 = '\0';
    *c2 = '\0';
    const char *controllers = c1 + 1, *rel = c2 + 1;
    int q = 0;
    if (!*controllers && !strcmp(line, "0")) {
      q = least_up(mount, !strcmp(rel, "/") ? "" : rel, 1);
    } else {
      char list[4096];
      snprintf(list, sizeof list, ",%s,", controllers);
      if (strstr(list, ",cpu,"))
        q = least_up(cpu, !strcmp(rel, "/") ? "" : rel, 0);
    }
    if (q > 0 && (least == 0 || q < least))
      least = q;
  }
  fclose(f);
  return least;
}

int evac_threads_default(void) {
  const char *env = getenv("OMP_NUM_THREADS");
  if (env && *env)
    return omp_get_max_threads();
  int n = omp_get_num_procs(),
      q = evac_threads_quota_self("/proc/self/cgroup", "/sys/fs/cgroup");
  if (q > 0 && q < n)
    n = q;
  return n > 0 ? n : 1;
}
