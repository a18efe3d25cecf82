/* Deterministic replay: `evacsim run --verify OUT.h5` re-runs a result file
 * from its stored parameters and finds it identical (exit 0) at any thread
 * count, with a fire and with fixed hazards; a tampered file differs (exit
 * 3, naming the dataset); a file that is not a complete run result is
 * refused (exit 2). */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define DATA EVAC_SOURCE_DIR "/tests/data/"

/* A folder tag holding two_floor.plan.json and a scenario (extra: more
 * top-level keys, "" for none) as s.scenario.json; returns its path
 * (malloc'd). */
static char *setup(const char *tag, const char *extra) {
  char *plan = evac_test_read(DATA "two_floor.plan.json", NULL);
  cr_assert_not_null(plan);
  const char *dir = evac_test_dir(tag);
  free(evac_test_write(dir, "two_floor.plan.json", plan));
  free(plan);
  char scen[2048];
  snprintf(scen, sizeof scen,
           "{\"evacsim_scenario\": 1, \"plan\": \"two_floor.plan.json\",\n"
           " \"duration_s\": 600, \"seed\": 42,\n"
           " \"occupants\": [{\"region\": \"Ward 1\", \"profile\": \"adult\", "
           "\"count\": 20}],\n"
           " \"output\": {\"agents_every_s\": 1}%s%s}\n",
           extra[0] ? ",\n" : "", extra);
  return evac_test_write(dir, "s.scenario.json", scen);
}

/* Runs `evacsim ARGS` and expects exit status rc; returns the output. */
static char *cli(int rc, const char *fmt, ...) {
  char args[4096], *out = NULL;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(args, sizeof args, fmt, ap);
  va_end(ap);
  int got = evac_test_cli_timeout(args, 60, &out);
  cr_assert_eq(got, rc, "evacsim %s: exit %d, expected %d:\n%s", args, got, rc,
               out ? out : "");
  return out;
}

/* The path of result file name beside the scenario s (malloc'd). */
static char *beside(const char *s, const char *name) {
  size_t n = strlen(s) + strlen(name) + 2;
  char *p = malloc(n);
  snprintf(p, n, "%s", s);
  char *slash = strrchr(p, '/');
  snprintf(slash + 1, n - (size_t)(slash + 1 - p), "%s", name);
  return p;
}

/* Runs s at run_threads into name, then verifies it at each thread count
 * (0: the stored one). Returns the result path (malloc'd). */
static char *run_and_verify(const char *s, const char *name, int run_threads,
                            const char *extra_args) {
  char *h5 = beside(s, name);
  free(cli(0, "run %s -o %s --quiet --threads %d %s", s, h5, run_threads,
           extra_args));
  static const int threads[] = {0, 1, 2};
  for (int i = 0; i < 3; i++) {
    char *out = threads[i]
                    ? cli(0, "run --verify %s --threads %d", h5, threads[i])
                    : cli(0, "run --verify %s", h5);
    cr_expect(strstr(out, "verified: identical"), "%s", out);
    free(out);
  }
  return h5;
}

/* The string attribute /parameters/fixed_hazards of h5 (malloc'd). */
static char *fixed_hazards(const char *h5) {
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hid_t a = H5Aopen_by_name(f, "/parameters", "fixed_hazards", H5P_DEFAULT,
                            H5P_DEFAULT);
  cr_assert_geq(a, 0, "no /parameters fixed_hazards");
  hid_t t = H5Aget_type(a);
  char *v = NULL;
  cr_assert_geq(H5Aread(a, t, &v), 0);
  char *copy = strdup(v);
  H5free_memory(v);
  H5Tclose(t);
  H5Aclose(a);
  H5Fclose(f);
  return copy;
}

/* Replaces the scalar attribute name of obj in h5 by one of type t holding
 * *value (deleted and made anew: HDF5 1.10 cannot rewrite an attribute in
 * the dense storage of an object with many). */
static void set_attr(const char *h5, const char *obj, const char *name, hid_t t,
                     const void *value) {
  hid_t f = H5Fopen(h5, H5F_ACC_RDWR, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  cr_assert_geq(H5Adelete_by_name(f, obj, name, H5P_DEFAULT), 0, "%s %s", obj,
                name);
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate_by_name(f, obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT);
  cr_assert_geq(a, 0);
  cr_assert_geq(H5Awrite(a, t, value), 0);
  H5Aclose(a);
  H5Sclose(sp);
  H5Fclose(f);
}

/* Sets the string attribute /parameters/fixed_hazards of h5. */
static void set_fixed_hazards(const char *h5, const char *value) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  set_attr(h5, "/parameters", "fixed_hazards", t, &value);
  H5Tclose(t);
}

/* Adds delta to /agents/exit_time_s[i] of h5, in place. */
static void tamper_exit_time(const char *h5, int i, double delta) {
  hid_t f = H5Fopen(h5, H5F_ACC_RDWR, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hid_t d = H5Dopen2(f, "/agents/exit_time_s", H5P_DEFAULT);
  hid_t sp = H5Dget_space(d);
  hssize_t n = H5Sget_simple_extent_npoints(sp);
  cr_assert_gt(n, i);
  double *v = malloc((size_t)n * sizeof *v);
  cr_assert_geq(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v),
                0);
  v[i] += delta;
  cr_assert_geq(
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), 0);
  free(v);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
}

/* Sets the int32 attribute name of obj in h5. */
static void set_int_attr(const char *h5, const char *obj, const char *name,
                         int32_t value) {
  set_attr(h5, obj, name, H5T_NATIVE_INT32, &value);
}

/* The summary attribute evacuation_time_s of h5. */
static double evacuation_time(const char *h5) {
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t a = H5Aopen_by_name(f, "/summary", "evacuation_time_s", H5P_DEFAULT,
                            H5P_DEFAULT);
  double v = 0;
  cr_assert_geq(H5Aread(a, H5T_NATIVE_DOUBLE, &v), 0);
  H5Aclose(a);
  H5Fclose(f);
  return v;
}

Test(verify, plain_run_identical_at_1_and_2_threads) {
  char *s = setup("verify_plain", "");
  for (int t = 1; t <= 2; t++) {
    char name[32];
    snprintf(name, sizeof name, "out%d.h5", t);
    char *h5 = run_and_verify(s, name, t, "");
    char *fixed = fixed_hazards(h5);
    cr_expect_str_eq(fixed, "", "no --fix: fixed_hazards is empty");
    free(fixed);
    free(h5);
  }
  free(s);
}

/* A small fire and two hazards; one run with both, one with H-2 fixed. The
 * fix is recorded and re-applied: erasing it from the file makes the
 * re-run differ. */
Test(verify, fire_and_fixed_hazards_identical) {
  char *s = setup(
      "verify_fire",
      "\"fire\": {\"floor\": \"1\", \"at\": [2, 2], \"growth\": \"fast\", "
      "\"peak_kw\": 800},\n"
      "\"hazards\": [{\"id\": \"H-1\", \"type\": \"fire_door_open\", "
      "\"note\": \"n/a\"},\n"
      "  {\"id\": \"H-2\", \"type\": \"alarm_delayed\"}]");
  char *all = run_and_verify(s, "all.h5", 2, "");
  char *fixed = run_and_verify(s, "fixed.h5", 1, "--fix H-2");
  char *ids = fixed_hazards(fixed);
  cr_expect_str_eq(ids, "H-2");
  free(ids);
  cr_assert_neq(evacuation_time(all), evacuation_time(fixed),
                "fixing the alarm delay must change the run");
  set_fixed_hazards(fixed, "");
  char *out = cli(3, "run --verify %s", fixed);
  cr_expect(strstr(out, "results differ"), "%s", out);
  free(out);
  set_fixed_hazards(fixed, "H-9");
  out = cli(2, "run --verify %s", fixed);
  cr_expect(strstr(out, "no hazard \"H-9\""), "%s", out);
  free(out);
  free(all);
  free(fixed);
  free(s);
}

Test(verify, tampered_file_differs) {
  char *s = setup("verify_tamper", "");
  char *h5 = run_and_verify(s, "out.h5", 1, "");
  tamper_exit_time(h5, 3, 0.5);
  char *out = cli(3, "run --verify %s", h5);
  cr_expect(strstr(out, "agents/exit_time_s[3]: stored "), "%s", out);
  cr_expect(strstr(out, "results differ: 1 value"), "%s", out);
  cr_expect(strstr(out, "(first: agents/exit_time_s)"), "%s", out);
  cr_expect(!strstr(out, "verified"), "%s", out);
  free(out);
  out = cli(3, "run --verify %s --quiet", h5);
  cr_expect(strstr(out, "results differ"), "%s", out);
  cr_expect(!strstr(out, "agents/exit_time_s[3]"), "--quiet: %s", out);
  free(out);
  tamper_exit_time(h5, 3, -0.5); /* restored: identical again */
  set_int_attr(h5, "/summary", "evacuated", 19);
  out = cli(3, "run --verify %s", h5);
  cr_expect(strstr(out, "summary/evacuated: stored 19, new 20"), "%s", out);
  free(out);
  free(h5);
  free(s);
}

Test(verify, not_a_complete_result_refused) {
  char *s = setup("verify_bad", "");
  char *out = cli(2, "run --verify %s", s);
  cr_expect(strstr(out, "not an evacsim run result (not an HDF5 file)"), "%s",
            out);
  free(out);
  char *missing = beside(s, "missing.h5");
  out = cli(2, "run --verify %s", missing);
  cr_expect(strstr(out, "missing.h5: cannot read"), "%s", out);
  free(out);
  free(missing);

  char *other = beside(s, "other.h5");
  hid_t f = H5Fcreate(other, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  H5Fclose(f);
  out = cli(2, "run --verify %s", other);
  cr_expect(strstr(out, "not an evacsim run result"), "%s", out);
  free(out);
  free(other);

  char *h5 = beside(s, "out.h5");
  free(cli(0, "run %s -o %s --quiet", s, h5));
  set_int_attr(h5, "/summary", "complete", 0);
  out = cli(2, "run --verify %s", h5);
  cr_expect(strstr(out, "incomplete result file"), "%s", out);
  free(out);

  out = cli(2, "run %s --verify %s", s, h5);
  cr_expect(strstr(out, "give no scenario"), "%s", out);
  free(out);
  out = cli(2, "run --verify %s --seed 7", h5);
  cr_expect(strstr(out, "give no scenario"), "%s", out);
  free(out);
  free(h5);
  free(s);
}
