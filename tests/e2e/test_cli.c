/* End-to-end: the evacsim binary on real files, as a user runs it. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define SAMPLE EVAC_SOURCE_DIR "/scenarios/ward-block.scenario.json"

Test(cli, help_and_unknown_command) {
  char *out;
  cr_expect_eq(evac_test_cli("--help", &out), 0);
  cr_expect_not_null(strstr(out, "run SCENARIO.json"), "%s", out);
  free(out);
  cr_expect_eq(evac_test_cli("frobnicate", &out), 2);
  cr_expect_not_null(strstr(out, "unknown command 'frobnicate'"), "%s", out);
  free(out);
  for (const char *const *c =
           (const char *const[]){"check", "run", "rank", "info", "gen", NULL};
       *c; c++) {
    char args[64];
    snprintf(args, sizeof args, "%s --help", *c);
    cr_expect_eq(evac_test_cli(args, &out), 0, "%s --help", *c);
    cr_expect_not_null(strstr(out, "usage: evacsim"), "%s", out);
    free(out);
  }
}

Test(cli, check_sample_ok) {
  char *out;
  int rc = evac_test_cli("check " SAMPLE, &out);
  cr_expect_eq(rc, 0, "%s", out);
  cr_expect_not_null(strstr(out, ": ok"), "%s", out);
  free(out);
}

Test(cli, check_reports_every_error_with_exit_2) {
  const char *dir = evac_test_dir("cli-check");
  char *d = strdup(dir);
  char *plan = evac_test_write(
      d, "bad.plan.json",
      "{\"evacsim_plan\": 1, \"cell_m\": -1, \"floors\": [\n"
      " {\"name\": \"1\", \"elevation_m\": 0, \"rows\": [\"#####\", \"#..#\", "
      "\"#.?.#\"]}]}\n");
  char args[4200], *out;
  snprintf(args, sizeof args, "check %s", plan);
  cr_expect_eq(evac_test_cli(args, &out), 2);
  cr_expect_not_null(strstr(out, "cell_m"), "%s", out);
  cr_expect_not_null(strstr(out, "floors[0].rows[1]"), "%s", out);
  cr_expect_not_null(strstr(out, "'?'"), "%s", out);
  free(out);
  char *broken = evac_test_write(d, "broken.json", "{\"evacsim_plan\": 1,,}");
  snprintf(args, sizeof args, "check %s", broken);
  cr_expect_eq(evac_test_cli(args, &out), 2);
  cr_expect_not_null(strstr(out, "line 1"), "%s", out);
  free(out);
  free(plan);
  free(broken);
  free(d);
}

/* Reads attribute name of /summary as a double. */
static double summary_attr(hid_t f, const char *name) {
  double v = NAN;
  hid_t g = H5Gopen2(f, "/summary", H5P_DEFAULT);
  hid_t a = H5Aopen(g, name, H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_DOUBLE, &v);
  H5Aclose(a);
  H5Gclose(g);
  return v;
}

/* Runs the sample to dir/name.h5 with extra arguments; returns the file's
 * /summary incapacitated count (asserting the file is complete). */
static double run_sample(const char *dir, const char *name, const char *extra,
                         char **out) {
  char args[4400], h5[4200];
  snprintf(h5, sizeof h5, "%s/%s.h5", dir, name);
  snprintf(args, sizeof args, "run " SAMPLE " -o %s %s", h5, extra);
  int rc = evac_test_cli(args, out);
  cr_assert_eq(rc, 0, "%s", *out);
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  cr_expect_eq(summary_attr(f, "complete"), 1.0);
  double occ = summary_attr(f, "occupants"), ev = summary_attr(f, "evacuated");
  double inc = summary_attr(f, "incapacitated");
  cr_expect_eq(occ, 400.0);
  cr_expect_eq(ev + inc, 400.0, "everyone is out or incapacitated");
  cr_expect(H5Lexists(f, "/fields", H5P_DEFAULT) > 0, "the fire's fields");
  H5Fclose(f);
  evac_test_expect_units(h5);
  return inc;
}

/* The sample as inspected (e-bike fire by the corridor fire door, the door
 * wedged open, sprinklers of the fire floor shut, control room unstaffed)
 * harms people. Closing the wedged fire door (--fix H-02) harms fewer: 24
 * incapacitated as inspected, 22 with the fix (seeds 1-10: 23.9 against
 * 22.8 a run, -1.1 [-1.5, -0.7] at 95 %). On the fire's side of the door
 * the count is the same either way (22.8 a run, seed by seed): the flames'
 * radiant heat keeps its people from walking out past the 1.5 MW fire 2 m
 * from the door, open or shut; the shut door saves the people of other
 * floors whom the smoke reaching Stair B overcomes with it open
 * (docs/models.md, Smoke, Limits). */
Test(cli, run_sample_fire_door_matters_and_info_reads_it) {
#ifdef __SANITIZE_ADDRESS__
  /* two runs of the 10-storey sample take minutes under the sanitizers;
     the same code runs there on smaller buildings (determinism, rank) */
  cr_skip_test("the sample building is too slow under AddressSanitizer");
#endif
  const char *dir = evac_test_dir("cli-run");
  char *d = strdup(dir), *out;
  double as_is = run_sample(d, "as-is", "", &out);
  cr_expect_not_null(strstr(out, "incapacitated"), "%s", out);
  cr_expect_not_null(strstr(out, "peak heat release"), "%s", out);
  free(out);
  double door_shut = run_sample(d, "door-shut", "--fix H-02 --quiet", &out);
  free(out);
  cr_log_info("sample: %g incapacitated as inspected, %g with H-02 fixed",
              as_is, door_shut);
  cr_expect_gt(as_is, 0.0);
  cr_expect_lt(door_shut, as_is,
               "%g incapacitated with the fire door closed, %g as inspected",
               door_shut, as_is);
  char args[4400], partial[4300];
  snprintf(partial, sizeof partial, "%s/as-is.h5.partial", d);
  cr_expect_neq(access(partial, F_OK), 0, "no partial file is left");
  snprintf(args, sizeof args, "info %s/as-is.h5", d);
  cr_expect_eq(evac_test_cli(args, &out), 0, "%s", out);
  cr_expect_not_null(strstr(out, "400"), "%s", out);
  free(out);
  snprintf(args, sizeof args, "run " SAMPLE " -o %s/x.h5 --fix H-99", d);
  cr_expect_eq(evac_test_cli(args, &out), 2, "%s", out);
  cr_expect_not_null(strstr(out, "H-99"), "%s", out);
  free(out);
  free(d);
}

Test(cli, bad_output_folder_exit_4_nothing_written) {
  char *out;
  int rc = evac_test_cli("run " SAMPLE " -o /nonexistent-dir/x.h5", &out);
  cr_expect_eq(rc, 4, "%s", out);
  cr_expect_not_null(strstr(out, "/nonexistent-dir"), "%s", out);
  free(out);
  cr_expect_eq(evac_test_cli("run " SAMPLE, &out), 2, "missing -o");
  free(out);
  cr_expect_eq(evac_test_cli("run " SAMPLE " -o x.h5 --seed abc", &out), 2);
  cr_expect_not_null(strstr(out, "--seed"), "%s", out);
  free(out);
  cr_expect_eq(evac_test_cli("run /nonexistent.json -o /tmp/x.h5", &out), 2);
  cr_expect_not_null(strstr(out, "/nonexistent.json"), "%s", out);
  free(out);
}

/* Every command's options: a bad one exits 2 with the command, the option,
 * the value and what is allowed, before anything is read or written. */
Test(cli, option_errors_name_command_option_and_range) {
  static const char *const cases[][2] = {
      {"run x.json -o x.h5 --seed", "evacsim run: --seed needs a value"},
      {"run x.json -o x.h5 --threads 5000",
       "evacsim run: --threads: '5000' is not a whole number in 0..4096"},
      {"run a.json b.json -o x.h5",
       "evacsim run: unexpected argument 'b.json'"},
      {"run x.json -o x.h5 --fast",
       "evacsim run: unexpected argument '--fast'"},
      {"rank x.json -o r.h5 --reps 1",
       "evacsim rank: --reps: '1' is not a whole number in 2..100000"},
      {"rank x.json -o r.h5 --min-reps 1",
       "evacsim rank: --min-reps: '1' is not a whole number in 2..100000"},
      {"rank x.json -o r.h5 --steps 64",
       "evacsim rank: --steps: '64' is not a whole number in 0..63"},
      {"rank x.json -o r.h5 --seed -1",
       "evacsim rank: --seed: '-1' is not a whole number in 0.."},
      {"batch m.json -o d --threads abc",
       "evacsim batch: --threads: 'abc' is not a whole number in 0..100000"},
      {"batch m.json -o", "evacsim batch: -o needs a value"},
      {"gen tower --floors 2 --occupants 5 -o d --storeys 3",
       "evacsim gen tower: unexpected argument '--storeys'"},
      {"gen tower --floors 2.5 --occupants 5 -o d",
       "evacsim gen tower: --floors: '2.5' is not a whole number"},
      {"gen county --buildings 2 -o d --reps 1",
       "evacsim gen county: --reps: '1' is not a whole number in 2..100000"},
      {"gen county --buildings 2 -o d --seed 9007199254740993",
       "evacsim gen county: --seed: '9007199254740993' is not a whole number "
       "in 0..9007199254740992"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *out;
    cr_expect_eq(evac_test_cli(cases[i][0], &out), 2, "%s", cases[i][0]);
    cr_expect_not_null(strstr(out, cases[i][1]), "%s: %s", cases[i][0], out);
    free(out);
  }
  cr_expect_eq(access("d", F_OK), -1, "nothing written");
}

Test(cli, gen_check_run_roundtrip) {
  const char *dir = evac_test_dir("cli-gen");
  char *d = strdup(dir), args[4200], *out;
  snprintf(args, sizeof args, "gen tower --floors 3 --occupants 60 -o %s", d);
  cr_assert_eq(evac_test_cli(args, &out), 0, "%s", out);
  free(out);
  snprintf(args, sizeof args, "check %s/tower.plan.json %s/tower.scenario.json",
           d, d);
  cr_expect_eq(evac_test_cli(args, &out), 0, "%s", out);
  free(out);
  /* the run checks the CLI round trip, not the smoke: with the "layer"
     transport it takes seconds, with the default "momentum" minutes of
     CPU (people cut off on the fire floor keep it going), too long for
     the sanitizer suite */
  char path[4300];
  snprintf(path, sizeof path, "%s/tower.scenario.json", d);
  char *text = evac_test_read(path, NULL);
  cr_assert(text && text[0] == '{', "%s", path);
  size_t n = strlen(text) + 40;
  char *pinned = malloc(n);
  cr_assert_not_null(pinned);
  snprintf(pinned, n, "{\"smoke\": {\"model\": \"layer\"},%s", text + 1);
  free(evac_test_write(d, "tower.scenario.json", pinned));
  free(pinned);
  free(text);
  snprintf(args, sizeof args, "run %s/tower.scenario.json -o %s/t.h5 --quiet",
           d, d);
  cr_expect_eq(evac_test_cli(args, &out), 0, "%s", out);
  cr_expect_eq(strlen(out), 0, "--quiet prints nothing: %s", out);
  free(out);
  free(d);
}
