/* Default thread count: the cgroup CPU quota caps it (v2 and v1 files). */
#include <criterion/criterion.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"
#include "threads.h"

Test(threads, quota_v2_rounds_up_and_max_is_none) {
  const char *dir = evac_test_dir("threads-v2");
  free(evac_test_write(dir, "cpu.max", "150000 100000\n"));
  cr_expect_eq(evac_threads_quota(dir), 2);
  free(evac_test_write(dir, "cpu.max", "50000 100000\n"));
  cr_expect_eq(evac_threads_quota(dir), 1);
  free(evac_test_write(dir, "cpu.max", "max 100000\n"));
  cr_expect_eq(evac_threads_quota(dir), 0);
}

Test(threads, quota_v1_and_none) {
  const char *dir = evac_test_dir("threads-v1");
  cr_expect_eq(evac_threads_quota(dir), 0, "no files: no quota");
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/cpu", dir);
  cr_assert_eq(mkdir(sub, 0755), 0);
  free(evac_test_write(sub, "cpu.cfs_quota_us", "300000\n"));
  free(evac_test_write(sub, "cpu.cfs_period_us", "100000\n"));
  cr_expect_eq(evac_threads_quota(dir), 3);
  free(evac_test_write(sub, "cpu.cfs_quota_us", "-1\n"));
  cr_expect_eq(evac_threads_quota(dir), 0, "-1 is unlimited");
}

/* The process's own cgroup, not the root, carries the quota: v2 (the
 * smallest of its folder and those above it) and v1 (the cpu controller's
 * line). */
Test(threads, quota_of_the_process_cgroup) {
  char *dir = strdup(evac_test_dir("threads-self")), sub[4200];
  free(evac_test_write(dir, "cpu.max", "max 100000\n"));
  snprintf(sub, sizeof sub, "%s/job", dir);
  cr_assert_eq(mkdir(sub, 0755), 0);
  free(evac_test_write(sub, "cpu.max", "300000 100000\n"));
  snprintf(sub, sizeof sub, "%s/job/step", dir);
  cr_assert_eq(mkdir(sub, 0755), 0);
  free(evac_test_write(sub, "cpu.max", "max 100000\n"));
  char *v2 = evac_test_write(dir, "v2.cgroup", "0::/job/step\n");
  cr_expect_eq(evac_threads_quota_self(v2, dir), 3, "job's quota");
  cr_expect_eq(evac_threads_quota(dir), 0, "the root has none");
  char *other = evac_test_write(dir, "root.cgroup", "0::/\n");
  cr_expect_eq(evac_threads_quota_self(other, dir), 0);
  snprintf(sub, sizeof sub, "%s/cpu", dir);
  cr_assert_eq(mkdir(sub, 0755), 0);
  snprintf(sub, sizeof sub, "%s/cpu/slot", dir);
  cr_assert_eq(mkdir(sub, 0755), 0);
  free(evac_test_write(sub, "cpu.cfs_quota_us", "200000\n"));
  free(evac_test_write(sub, "cpu.cfs_period_us", "100000\n"));
  char *v1 = evac_test_write(dir, "v1.cgroup",
                             "4:memory:/other\n2:cpu,cpuacct:/slot\n");
  cr_expect_eq(evac_threads_quota_self(v1, dir), 2, "v1 cpu,cpuacct line");
  free(v1);
  free(other);
  free(v2);
  free(dir);
}

Test(threads, default_within_the_cpus) {
  int n = evac_threads_default(),
      q = evac_threads_quota_self("/proc/self/cgroup", "/sys/fs/cgroup");
  cr_expect_geq(n, 1);
  if (!getenv("OMP_NUM_THREADS")) {
    cr_expect_leq(n, omp_get_num_procs());
    if (q > 0)
      cr_expect_leq(n, q);
  }
}
