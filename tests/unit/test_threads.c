/* Default thread count: the cgroup CPU quota caps it (v2 and v1 files). */
#include <criterion/criterion.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
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

Test(threads, default_within_the_cpus) {
  int n = evac_threads_default(), q = evac_threads_quota("/sys/fs/cgroup");
  cr_expect_geq(n, 1);
  if (!getenv("OMP_NUM_THREADS")) {
    cr_expect_leq(n, omp_get_num_procs());
    if (q > 0)
      cr_expect_leq(n, q);
  }
}
