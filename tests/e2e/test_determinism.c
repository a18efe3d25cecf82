/* Determinism: the same scenario and seed give byte-identical /agents and
 * /summary (wall_clock_s aside) across runs and thread counts; another seed
 * gives other results. The scenario is a generated 3-storey tower with its
 * fire and hazards, cut to 300 s, so the smoke sweep and the doses are part
 * of what must agree. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static char tower[4200]; /* the generated scenario */

static void run_to(const char *h5, const char *extra) {
  char args[8800], *out;
  snprintf(args, sizeof args, "run %s -o %s --quiet %s", tower, h5, extra);
  int rc = evac_test_cli(args, &out);
  cr_assert_eq(rc, 0, "%s", out);
  free(out);
}

/* Raw bytes of a dataset (malloc'd), its size in *n. */
static unsigned char *read_raw(hid_t f, const char *path, size_t *n) {
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  cr_assert_geq(d, 0, "%s", path);
  hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
  hssize_t cnt = H5Sget_simple_extent_npoints(sp);
  *n = (size_t)cnt * H5Tget_size(t);
  unsigned char *buf = malloc(*n + 1);
  H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  H5Tclose(t);
  H5Sclose(sp);
  H5Dclose(d);
  return buf;
}

/* The other file's /summary, and how many attributes differ so far. */
struct attr_cmp {
  hid_t other;
  int differ;
};

static int attr_cb(hid_t loc, const char *name, const H5A_info_t *info,
                   void *data) {
  (void)info;
  struct attr_cmp *cmp = data;
  if (!strcmp(name, "wall_clock_s"))
    return 0;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  hid_t b = H5Aopen(cmp->other, name, H5P_DEFAULT);
  cr_assert_geq(b, 0, "attribute %s missing", name);
  hid_t t = H5Aget_type(a);
  size_t sz = H5Tget_size(t);
  unsigned char va[64] = {0}, vb[64] = {0};
  cr_assert_leq(sz, sizeof va);
  H5Aread(a, t, va);
  H5Aread(b, t, vb);
  cmp->differ += memcmp(va, vb, sz) != 0;
  H5Tclose(t);
  H5Aclose(a);
  H5Aclose(b);
  return 0;
}

static int compare(const char *h1, const char *h2) {
  static const char *cols[] = {"id",         "profile", "floor",
                               "start_x",    "start_y", "exit_time_s",
                               "safe_place", "fed_max", "incapacitated",
                               "distance_m", NULL};
  hid_t f1 = H5Fopen(h1, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t f2 = H5Fopen(h2, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert(f1 >= 0 && f2 >= 0);
  int differ = 0;
  for (int i = 0; cols[i]; i++) {
    char path[64];
    snprintf(path, sizeof path, "/agents/%s", cols[i]);
    size_t n1, n2;
    unsigned char *a = read_raw(f1, path, &n1), *b = read_raw(f2, path, &n2);
    differ += n1 != n2 || memcmp(a, b, n1) != 0;
    free(a);
    free(b);
  }
  hid_t g1 = H5Gopen2(f1, "/summary", H5P_DEFAULT);
  hid_t g2 = H5Gopen2(f2, "/summary", H5P_DEFAULT);
  struct attr_cmp cmp = {g2, 0};
  H5Aiterate2(g1, H5_INDEX_NAME, H5_ITER_INC, NULL, attr_cb, &cmp);
  differ += cmp.differ;
  H5Gclose(g1);
  H5Gclose(g2);
  H5Fclose(f1);
  H5Fclose(f2);
  return differ;
}

Test(determinism, same_seed_same_bytes_any_threads) {
  const char *dir = evac_test_dir("determinism");
  char a[4096], b[4096], c[4096], gen[4300], *out;
  snprintf(gen, sizeof gen, "gen tower --floors 3 --occupants 80 -o %s", dir);
  cr_assert_eq(evac_test_cli(gen, &out), 0, "%s", out);
  free(out);
  snprintf(tower, sizeof tower, "%s/tower.scenario.json", dir);
  /* the first 300 s: the fire, the smoke sweep, the doses and the first
     incapacitations, without the hour-long tail of people defending in
     place */
  char *text = evac_test_read(tower, NULL), *at;
  cr_assert_not_null(text);
  cr_assert_not_null(at = strstr(text, "\"duration_s\": 3600"));
  memcpy(at, "\"duration_s\":  300", strlen("\"duration_s\":  300"));
  free(evac_test_write(dir, "tower.scenario.json", text));
  free(text);
  snprintf(a, sizeof a, "%s/a.h5", dir);
  snprintf(b, sizeof b, "%s/b.h5", dir);
  snprintf(c, sizeof c, "%s/c.h5", dir);
  run_to(a, "--threads 1");
  run_to(b, "--threads 4");
  run_to(c, "--threads 1 --seed 7");
  cr_expect_eq(compare(a, b), 0, "/agents differ between thread counts");
  cr_expect_gt(compare(a, c), 0, "another seed must change the agents");
}
