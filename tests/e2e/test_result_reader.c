/* Result files that are corrupt or crafted: `info` and `run --verify`
 * check a file's format, format_version and every dataset's rank and size
 * against what the file can hold before reading, read it once in a child
 * process under a CPU-time limit, and exit 2 naming the file instead of
 * allocating gigabytes, hanging or crashing. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define TINY                                                                   \
  "{\"evacsim_scenario\": 1, \"plan\": \"" EVAC_SOURCE_DIR                     \
  "/tests/data/two_floor.plan.json\", \"duration_s\": 20, \"seed\": 1,\n"      \
  " \"occupants\": [{\"region\": \"Ward 1\", \"profile\": \"adult\", "         \
  "\"count\": 2}], \"output\": {\"agents_every_s\": 10}}\n"

/* Writes the scalar attribute name = v (int32) on obj of f. */
static void put_int(hid_t f, const char *obj, const char *name, int32_t v) {
  if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) > 0)
    H5Adelete_by_name(f, obj, name, H5P_DEFAULT);
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate_by_name(f, obj, name, H5T_STD_I32LE, sp, H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(a, 0);
  cr_assert_geq(H5Awrite(a, H5T_NATIVE_INT32, &v), 0);
  H5Aclose(a);
  H5Sclose(sp);
}

/* A file of a few KB claiming a complete result whose /events/type has
 * 2^33 values (chunked, none written): a reader that trusts the shape
 * allocates 8 GB. */
static void craft_huge(const char *path) {
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hid_t g = H5Gcreate2(f, "/summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(g);
  put_int(f, "/summary", "complete", 1);
  put_int(f, "/", "format_version", 1);
  g = H5Gcreate2(f, "/events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(g);
  hsize_t dim = (hsize_t)1 << 33, chunk = (hsize_t)1 << 20;
  hid_t sp = H5Screate_simple(1, &dim, NULL),
        dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 1, &chunk);
  hid_t ds = H5Dcreate2(f, "/events/type", H5T_STD_I8LE, sp, H5P_DEFAULT, dcpl,
                        H5P_DEFAULT);
  cr_assert_geq(ds, 0);
  H5Dclose(ds);
  H5Pclose(dcpl);
  H5Sclose(sp);
  H5Fclose(f);
}

/* Runs `evacsim ARGS` under a 60 s limit; expects exit code want and the
 * output to hold needle. */
static void expect(const char *args, int want, const char *needle) {
  char *out = NULL;
  int rc = evac_test_cli_timeout(args, 60, &out);
  cr_expect_eq(rc, want, "evacsim %s: exit %d\n%s", args, rc, out);
  cr_expect(out && strstr(out, needle), "evacsim %s: lacks \"%s\"\n%s", args,
            needle, out ? out : "");
  free(out);
}

Test(result_reader, crafted_huge_dataset) {
  const char *dir = evac_test_dir("reader_huge");
  char path[4200], args[4400];
  snprintf(path, sizeof path, "%s/huge.h5", dir);
  craft_huge(path);
  snprintf(args, sizeof args, "info %s", path);
  expect(args, 2, "huge.h5: corrupt result file: /events/type: more data");
  snprintf(args, sizeof args, "run --verify %s --quiet", path);
  expect(args, 2, "huge.h5: ");
}

Test(result_reader, unknown_format_version) {
  const char *dir = evac_test_dir("reader_version");
  char *sc = evac_test_write(dir, "tiny.scenario.json", TINY);
  char path[4200], args[8800];
  snprintf(path, sizeof path, "%s/v3.h5", dir);
  snprintf(args, sizeof args, "run %s -o %s --quiet", sc, path);
  expect(args, 0, "");
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  put_int(f, "/", "format_version", 3);
  H5Fclose(f);
  snprintf(args, sizeof args, "info %s", path);
  expect(args, 2,
         "v3.h5: not an evacsim result file (format_version 3; this evacsim "
         "reads 1 to 2)");
  snprintf(args, sizeof args, "run --verify %s --quiet", path);
  expect(args, 2, "v3.h5: not an evacsim run result (format_version 3");
  free(sc);
}

/* A file found by fuzzing on which the HDF5 library itself loops (reading
 * a variable-length string from a corrupted global heap): the reader's
 * time-limited probe reports it instead of hanging. */
Test(result_reader, library_loop, .timeout = 120) {
  const char *file =
      EVAC_SOURCE_DIR "/tests/fuzz/regressions/result/global-heap-loop.h5";
  char args[4400];
  snprintf(args, sizeof args, "info %s", file);
  expect(args, 2,
         "global-heap-loop.h5: corrupt result file: reading it did "
         "not end within 3 s of CPU");
  snprintf(args, sizeof args, "run --verify %s --quiet", file);
  expect(args, 2, "global-heap-loop.h5: corrupt result file");
}

/* A result of format_version 1 (every field sample of every floor stored;
 * tests/data/result-v1.h5, a two-floor run with a fire written by evacsim
 * before version 2) is still read: `info` shows its fields, and `run
 * --verify` re-runs it identically. */
Test(result_reader, reads_format_version_1) {
  const char *v1 = EVAC_SOURCE_DIR "/tests/data/result-v1.h5";
  char args[4400];
  snprintf(args, sizeof args, "info %s", v1);
  expect(args, 0, "fields                 4 samples on 1 floor with smoke");
  snprintf(args, sizeof args, "run --verify %s --threads 1", v1);
  expect(args, 0, "verified: identical");
}

/* Flips one bit at 20 places spread over a small result: `info` and
 * `run --verify` exit 0, 2 or 3 (never a signal or a hang). */
Test(result_reader, flipped_bits, .timeout = 120) {
  const char *dir = evac_test_dir("reader_flips");
  char *sc = evac_test_write(dir, "tiny.scenario.json", TINY);
  char path[4200], flip[4200], args[8800];
  snprintf(path, sizeof path, "%s/good.h5", dir);
  snprintf(flip, sizeof flip, "%s/flip.h5", dir);
  snprintf(args, sizeof args, "run %s -o %s --quiet", sc, path);
  expect(args, 0, "");
  size_t n;
  char *good = evac_test_read(path, &n);
  cr_assert(good && n > 1000);
  for (int k = 0; k < 20; k++) {
    size_t at = (size_t)k * (n / 20) + (size_t)(k * 7919) % (n / 20);
    good[at] ^= (char)(1 << (k % 8));
    FILE *out = fopen(flip, "wb");
    cr_assert(out && fwrite(good, 1, n, out) == n && fclose(out) == 0);
    good[at] ^= (char)(1 << (k % 8));
    const char *cmds[] = {"info %s", "run --verify %s --quiet"};
    for (int c = 0; c < 2; c++) {
      char cmd[4400], *text = NULL;
      snprintf(cmd, sizeof cmd, cmds[c], flip);
      int rc = evac_test_cli_timeout(cmd, 20, &text);
      cr_expect(rc == 0 || rc == 2 || rc == 3,
                "byte %zu flipped: evacsim %s: exit %d\n%s", at, cmd, rc,
                text ? text : "");
      free(text);
    }
  }
  free(good);
  free(sc);
}
