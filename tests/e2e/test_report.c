/* End-to-end: `evacsim report` on a run (a 2-storey tower with a fire,
 * smoke fields and an animation), a ranking and a county batch. Each
 * report is checked by viz/check_report.py: every file the HTML references
 * exists, every file is referenced, every image opens with PIL and has a
 * sensible size; the run's report is also loaded in headless Chromium,
 * which must show every image and log no console message. Bad inputs exit
 * 2 (3 without the viz scripts) and leave no folder behind. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define CHECKER "/usr/bin/python3 " EVAC_SOURCE_DIR "/viz/check_report.py"

/* Runs cmd with the shell, stdout and stderr into *out (malloc'd).
 * Returns the exit code, or -1. */
static int sh(const char *cmd, char **out) {
  char full[8400];
  snprintf(full, sizeof full, "%s 2>&1", cmd);
  FILE *p = popen(full, "r");
  if (!p)
    return -1;
  size_t n = 0, cap = 1 << 16;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
    n += got;
    if (cap - n < 2) {
      char *b = realloc(buf, cap * 2);
      if (!b)
        break;
      buf = b;
      cap *= 2;
    }
  }
  if (buf)
    buf[n] = '\0';
  int st = pclose(p);
  *out = buf;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Runs `evacsim args` (printf-style), expecting exit code rc; returns the
 * output (malloc'd). */
static char *cli_expect(int rc, const char *fmt, const char *a, const char *b) {
  char args[8400], *out = NULL;
  snprintf(args, sizeof args, fmt, a, b);
  int got = evac_test_cli(args, &out);
  cr_expect_eq(got, rc, "evacsim %s: exit %d, not %d:\n%s", args, got, rc,
               out ? out : "");
  return out;
}

/* Runs the checker on dir with extra arguments; expects success and
 * returns its output (malloc'd). */
static char *check_report(const char *dir, const char *extra) {
  char cmd[8400], *out = NULL;
  snprintf(cmd, sizeof cmd, CHECKER " %s %s", dir, extra);
  int rc = sh(cmd, &out);
  cr_expect_eq(rc, 0, "%s: exit %d:\n%s", cmd, rc, out ? out : "");
  return out;
}

static int exists(const char *dir, const char *name) {
  char path[8400];
  struct stat st;
  snprintf(path, sizeof path, "%s%s", dir, name);
  return stat(path, &st) == 0;
}

Test(report, run_with_fire_fields_and_animation, .timeout = 300) {
  char *dir = strdup(evac_test_dir("report-run"));
  char rep[4200], h5[4200];
  snprintf(rep, sizeof rep, "%s/rep", dir);
  snprintf(h5, sizeof h5, "%s/out.h5", dir);
  free(cli_expect(0, "gen tower --floors 2 --occupants 30 -o %s%s", dir, ""));
  free(cli_expect(0, "run %s/tower.scenario.json -o %s --quiet --threads 1",
                  dir, h5));
  char *out = cli_expect(0, "report %s -o %s --animate --frames 12", h5, rep);
  cr_expect_not_null(strstr(out, "report written to"), "%s", out);
  free(out);
  cr_expect(!exists(rep, ".partial"), "the partial folder is left");
  out = check_report(rep, "--browser --max-frames 12 --expect evacuation.png "
                          "--expect evacuation.svg --expect hrr.png "
                          "--expect timeline.png --expect plan-1.png "
                          "--expect plan-2.png --expect smoke-2-visibility.png "
                          "--expect smoke-2-layer.png "
                          "--expect smoke-2-fed.png --expect tenability-2.png "
                          "--expect measures.png --expect floor-2.gif "
                          "--promised " EVAC_SOURCE_DIR "/docs/report.md");
  /* every figure docs/report.md promises for a run report is there */
  cr_expect_not_null(strstr(out, "promised by report.md: "), "%s", out);
  /* the fire is on floor "2": floor 1 has no smoke, so no maps */
  cr_expect_null(strstr(out, "smoke-1-"), "%s", out);
  cr_expect_null(strstr(out, "tenability-1"), "%s", out);
  cr_expect_not_null(strstr(out, "12 frames"), "%s", out);
  cr_expect_not_null(strstr(out, "chromium: evacsim-check: "), "%s", out);
  free(out);
  char path[8400];
  snprintf(path, sizeof path, "%s/index.html", rep);
  char *html = evac_test_read(path, NULL);
  cr_assert_not_null(html);
  cr_expect_not_null(strstr(html, "<td class=\"n\">30</td>"), "occupants");
  cr_expect_not_null(strstr(html, "Floor 2"), "floor name");
  /* the header: the hazards in force and none fixed; the casualties split */
  cr_expect_not_null(strstr(html, "Hazards in force: H-01, H-02, H-03, H-04"),
                     "hazards in force");
  cr_expect_not_null(strstr(html, "Rectified with --fix: none."), "no --fix");
  cr_expect_not_null(strstr(html, "of them trapped or sheltering"), "trapped");
  cr_expect_not_null(strstr(html, "of them not out when the run ended"),
                     "not out");
  cr_expect_null(strstr(html, dir), "no absolute path in the report");
  free(html);
  /* with --fix: the header and the inspection list say which */
  char h5fix[4200];
  snprintf(h5fix, sizeof h5fix, "%s/fix.h5", dir);
  free(cli_expect(0,
                  "run %s/tower.scenario.json --fix H-02 --fix H-07 -o %s "
                  "--quiet --threads 1",
                  dir, h5fix));
  free(cli_expect(0, "report %s -o %s --floors 2 --quiet", h5fix, rep));
  html = evac_test_read(path, NULL);
  cr_assert_not_null(html);
  cr_expect_not_null(strstr(html, "Rectified with --fix: H-02, H-07."),
                     "fixed ids");
  cr_expect_not_null(strstr(html,
                            "<td>H-02</td><td>fire_door_open</td><td>"
                            "Corridor fire door</td><td class=\"n\">2</td>"
                            "<td>rectified (--fix)</td>"),
                     "H-02 rectified in the list:\n%s", html);
  cr_expect_not_null(strstr(html, "<td>H-01</td><td>sprinkler_inoperative</td>"
                                  "<td>-</td><td class=\"n\">2</td><td>in "
                                  "force</td>"),
                     "H-01 in force");
  free(html);
  /* a second report replaces the first, chosen floors only */
  out = cli_expect(0, "report %s -o %s --floors 1 --times 30,60 --quiet", h5,
                   rep);
  cr_expect_eq(out[0], '\0', "--quiet printed: %s", out);
  free(out);
  out = check_report(rep, "--expect plan-1.png --expect smoke-1-fed.png");
  cr_expect_null(strstr(out, "plan-2"), "%s", out);
  cr_expect_null(strstr(out, ".gif"), "%s", out);
  free(out);
  char *ls = NULL;
  char cmd[8400];
  snprintf(cmd, sizeof cmd, "ls -a %s", dir);
  cr_expect_eq(sh(cmd, &ls), 0);
  cr_expect_null(strstr(ls, "rep."), "left beside the report:\n%s", ls);
  free(ls);
  free(dir);
}

/* The rank report's table of model limits per hazard type is the one in
 * docs/reading.md. */
Test(report, limits_match_the_docs) {
  char *out = NULL;
  int rc =
      sh("cd " EVAC_SOURCE_DIR "/viz && /usr/bin/python3 -c \"from "
         "evacviz import limits; import sys; sys.exit(limits.from_markdown("
         "open('../docs/reading.md').read()) != limits.LIMITS)\"",
         &out);
  cr_expect_eq(rc, 0, "viz/evacviz/limits.py differs from docs/reading.md:\n%s",
               out);
  free(out);
}

/* The tenability rules drawn are the engine's: a 198 degC layer at 1.76 m
 * (above a standing head, below 1.8 m) is untenable for a compartment but
 * not at the head; a hot smoky layer at 1.5 m is untenable at the head; a
 * layer at 2.5 m hotter than 200 degC radiates (compartment); clean air
 * and a cool thin layer are tenable. */
Test(report, tenability_rules) {
  char *out = NULL;
  int rc =
      sh("cd " EVAC_SOURCE_DIR "/viz && /usr/bin/python3 -c \"import numpy "
         "as np; from evacviz import tenability as t; "
         "L = np.array([1.76, 1.5, 2.5, 3.0, 2.0, 1.5]); "
         "T = np.array([198, 70, 250, 20, 40, 40.0]); "
         "S = np.array([1e-5, 1e-4, 0, 0, 1e-5, 1e-5]); "
         "print(list(t.states(L, T, S, 3.0).astype(int)))\"",
         &out);
  cr_assert_eq(rc, 0, "%s", out);
  /* [compartment, person, compartment, clear, smoke, smoke]: 1e-5 kg/m3 of
   * soot is 34 m visibility, 1e-4 is 3.4 m */
  cr_expect_not_null(strstr(out, "[2, 3, 2, 0, 1, 1]"), "%s", out);
  free(out);
}

/* A drill: the report's drill tables carry the figures `run` prints. */
Test(report, drill_tables_match_run, .timeout = 300) {
  char *dir = strdup(evac_test_dir("report-drill"));
  char rep[4200], h5[4200], path[8400];
  snprintf(rep, sizeof rep, "%s/rep", dir);
  snprintf(h5, sizeof h5, "%s/drill.h5", dir);
  char *run = cli_expect(
      0, "run " EVAC_SOURCE_DIR "/scenarios/ward-drill.scenario.json -o %s%s",
      h5, " --threads 1");
  free(cli_expect(0, "report %s -o %s --quiet", h5, rep));
  free(check_report(rep, "--expect timeline.png --expect timeline.svg"));
  snprintf(path, sizeof path, "%s/index.html", rep);
  char *html = evac_test_read(path, NULL);
  cr_assert_not_null(html);
  static const char *const keys[] = {"patients safe", "staff trips",
                                     "last patient safe", "mean staff busy"};
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    const char *at = strstr(run, keys[i]);
    cr_assert_not_null(at, "run printed no %s:\n%s", keys[i], run);
    char value[64] = "", cell[160];
    cr_assert_eq(sscanf(at + strlen(keys[i]), " %63[0-9.]", value), 1);
    /* counts are right-aligned numbers, times read "613.7 s" */
    if (strchr(value, '.'))
      snprintf(cell, sizeof cell, "<td>%s</td><td>%s s</td>", keys[i], value);
    else
      snprintf(cell, sizeof cell, "<td>%s</td><td class=\"n\">%s</td>", keys[i],
               value);
    cr_expect_not_null(strstr(html, cell), "%s not in the report", cell);
  }
  cr_expect_not_null(strstr(html, "<h3>Ward clearance</h3>"), "wards");
  cr_expect_not_null(strstr(html, "<h3>Staff trips and workload</h3>"),
                     "staff");
  cr_expect_not_null(strstr(html, "<td>Fire lift 1</td>"), "lifts");
  cr_expect_not_null(strstr(html, "<td>Ward 7-12</td><td class=\"n\">1</td>"),
                     "a ward row");
  free(html);
  free(run);
  free(dir);
}

/* The report of a ranking whose figures are known. They were derived with
 * the "layer" smoke transport, which the test keeps: it is about the
 * report, not the smoke. (With the default "momentum" the baseline is 9.00
 * casualties instead of 12.00; H-STAIR still comes first.) */
Test(report, ranking, .timeout = 300) {
  char *dir = strdup(evac_test_dir("report-rank"));
  char *sc = evac_test_write(
      dir, "rank.scenario.json",
      "{\"evacsim_scenario\": 1,\n"
      " \"smoke\": {\"model\": \"layer\"},\n"
      " \"plan\": \"" EVAC_SOURCE_DIR "/tests/data/two_floor.plan.json\",\n"
      " \"duration_s\": 300, \"seed\": 3,\n"
      " \"occupants\": [{\"region\": \"Ward 1\", \"profile\": \"elderly\", "
      "\"count\": 12}],\n"
      " \"fire\": {\"floor\": \"0\", \"at\": [3, 2], \"growth\": \"fast\", "
      "\"peak_kw\": 800},\n"
      " \"alarm\": {\"delay_s\": 30},\n"
      " \"hazards\": [\n"
      "  {\"id\": \"H-ALARM\", \"type\": \"alarm_delayed\", \"cost\": 300},\n"
      "  {\"id\": \"H-STAIR\", \"type\": \"blocked_stair\", \"target\": "
      "\"Stair A\", \"floors\": [\"1\"], \"cost\": 500, \"owner\": "
      "\"Facilities\"}]}\n");
  char rep[4200], h5[4200];
  snprintf(rep, sizeof rep, "%s/rep", dir);
  snprintf(h5, sizeof h5, "%s/rank.h5", dir);
  free(cli_expect(0, "rank %s -o %s --reps 3 --threads 1 --quiet", sc, h5));
  free(cli_expect(0, "report %s -o %s", h5, rep));
  /* floor 1 holds the blocked stair: its map is drawn, floor 0 (the fire's)
     too */
  free(check_report(rep, "--browser --expect forest.png --expect forest.svg "
                         "--expect order.png --expect floor-02-1.png "
                         "--expect floor-01-0.png"));
  char path[8400];
  snprintf(path, sizeof path, "%s/index.html", rep);
  char *html = evac_test_read(path, NULL);
  cr_assert_not_null(html);
  /* the blocked stair traps the 12 people of floor 1 */
  cr_expect_not_null(strstr(html, "<tr><td class=\"n\">1</td><td>H-STAIR</td>"),
                     "H-STAIR first:\n%s", html);
  cr_expect_not_null(strstr(html, "with every hazard: 12.00"), "baseline");
  /* the planner's view: the building's name, readable column names, the
     closure check and the owners, and no path of this machine */
  cr_expect_not_null(strstr(html, "<h1>Hazard ranking: "), "title");
  cr_expect_not_null(strstr(html, "<th>Avoided a fire (95 % CI)</th>"),
                     "names");
  cr_expect_null(strstr(html, "delta_casualties_mean"), "no raw CSV names");
  cr_expect_not_null(strstr(html, "Closure check"), "closure check");
  cr_expect_not_null(strstr(html, "Responsibility list"), "owners");
  /* each line explained by floor and how people ended, and mapped */
  cr_expect_not_null(strstr(html, "Where and why each line acts"), "why");
  cr_expect_not_null(strstr(html, "<td>blocked stair: "), "sentence");
  cr_expect_not_null(strstr(html, "Floor 1: 1. H-STAIR"), "map caption");
  /* the model's limits for the types ranked, as docs/reading.md states them */
  cr_expect_not_null(strstr(html, "Model limits that affect these lines"),
                     "limits");
  cr_expect_not_null(strstr(html, "<td>blocked_stair</td><td>high: geometry"),
                     "a type's limits");
  cr_expect_null(strstr(html, dir), "no absolute path in the report");
  free(html);
  free(sc);
  free(dir);
}

/* A county batch of three 2-storey towers, one of which has lost its plan:
 * the report shows the two that ran, names the failed one with its error
 * and keeps it out of the totals and charts. */
Test(report, county_batch_with_a_failed_building, .timeout = 300) {
  char *dir = strdup(evac_test_dir("report-county"));
  char *out = NULL, rep[4200], h5[4200], path[8400];
  snprintf(rep, sizeof rep, "%s/rep", dir);
  snprintf(h5, sizeof h5, "%s/out/county.h5", dir);
  free(cli_expect(0,
                  "gen county --buildings 3 --floors-max 2 --occupants-max 3 "
                  "--duration 100 --reps 2 --seed 3 -o %s%s",
                  dir, ""));
  snprintf(path, sizeof path, "%s/tower-02/tower.plan.json", dir);
  cr_assert_eq(unlink(path), 0, "%s", path);
  out = cli_expect(2, "batch %s/county.json -o %s/out --threads 1", dir, dir);
  cr_expect_not_null(strstr(out, "\"tower-02\" failed"), "%s", out);
  free(out);
  free(cli_expect(0, "report %s -o %s", h5, rep));
  free(check_report(rep, "--expect buildings.png --expect hazard_types.png "
                         "--expect county_tornado.png"));
  snprintf(path, sizeof path, "%s/index.html", rep);
  char *html = evac_test_read(path, NULL);
  cr_assert_not_null(html);
  cr_expect_not_null(strstr(html, ": 3 buildings (1 failed), "), "%s", html);
  cr_expect_not_null(strstr(html, "<td>tower-02</td><td>"), "failed row");
  cr_expect_not_null(strstr(html, "tower.plan.json: cannot read"), "error");
  cr_expect_not_null(strstr(html, "<td>buildings/tower-01.h5</td>"));
  cr_expect_null(strstr(html, "buildings/tower-02.h5"));
  /* the first line of the list is county.csv's first line */
  snprintf(path, sizeof path, "%s/out/county.csv", dir);
  char *csv = evac_test_read(path, NULL), first[256];
  cr_assert_not_null(csv);
  char *row = strchr(csv, '\n');
  cr_assert_not_null(row);
  int n = 0;
  char building[64] = "", id[16] = "", type[64] = "";
  n = sscanf(row + 1, "1,%63[^,],%15[^,],%63[^,],", building, id, type);
  cr_assert_eq(n, 3, "%s", csv);
  snprintf(first, sizeof first, "<td>%s</td><td>%s</td><td>%s</td>", building,
           id, type);
  cr_expect_not_null(strstr(html, first), "%s not in the page", first);
  free(csv);
  free(html);
  free(dir);
}

Test(report, checker_finds_a_missing_image, .timeout = 300) {
  char *dir = strdup(evac_test_dir("report-checker"));
  char *html = evac_test_write(
      dir, "index.html",
      "<!DOCTYPE html><html><head><title>t</title></head><body><h1>t</h1>"
      "<img src=\"gone.png\"><a href=\"https://example.org/x.svg\">x</a>"
      "</body></html>\n");
  char cmd[8400], *out = NULL;
  snprintf(cmd, sizeof cmd, CHECKER " %s --browser", dir);
  cr_expect_eq(sh(cmd, &out), 1, "%s", out);
  cr_expect_not_null(strstr(out, "references 'gone.png', which does not"), "%s",
                     out);
  cr_expect_not_null(strstr(out, "'https://example.org/x.svg' is not a file"),
                     "%s", out);
  cr_expect_not_null(strstr(out, "1 images, 1 failed: gone.png"), "%s", out);
  free(out);
  /* a figure promised by the docs and missing from the folder */
  char *doc = evac_test_write(dir, "doc.md",
                              "## Run report\n\n| file | what |\n|---|---|\n"
                              "| `gone.png/.svg`, `map-FLOOR.png` | x |\n\n"
                              "## Next\n");
  snprintf(cmd, sizeof cmd, CHECKER " %s --promised %s", dir, doc);
  cr_expect_eq(sh(cmd, &out), 1, "%s", out);
  cr_expect_not_null(strstr(out, "promises gone.svg, which is not"), "%s", out);
  cr_expect_not_null(strstr(out, "promises map-*.png, which is not"), "%s",
                     out);
  free(out);
  free(doc);
  free(html);
  free(dir);
}

Test(report, bad_inputs_exit_2_and_write_nothing, .timeout = 300) {
  char *dir = strdup(evac_test_dir("report-bad"));
  char rep[4200], path[4200];
  snprintf(rep, sizeof rep, "%s/rep", dir);
  char *out = cli_expect(2, "report %s/missing.h5 -o %s", dir, rep);
  cr_expect_not_null(
      strstr(out, "missing.h5: not an evacsim file (No such file"), "%s", out);
  free(out);
  char *json = evac_test_write(dir, "x.json", "{}\n");
  out = cli_expect(2, "report %s -o %s", json, rep);
  cr_expect_not_null(strstr(out, "not an evacsim file (not an HDF5 file)"),
                     "%s", out);
  free(out);
  /* an HDF5 file of something else; a run result without complete = 1; a
   * ranking file with no ranking in it (found out while writing) */
  char cmd[8400];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 -c \"import h5py; h5py.File('%s/other.h5', "
           "'w').create_group('x'); f = h5py.File('%s/part.h5', 'w'); "
           "f.attrs['format'] = 'evacsim result'; "
           "[f.create_group(g) for g in ('summary', 'parameters', 'agents', "
           "'timeseries')]; h5py.File('%s/rank.h5', 'w').create_group("
           "'ranking')\"",
           dir, dir, dir);
  cr_assert_eq(sh(cmd, &out), 0, "%s", out);
  free(out);
  snprintf(path, sizeof path, "%s/other.h5", dir);
  out = cli_expect(2, "report %s -o %s", path, rep);
  cr_expect_not_null(strstr(out, "not an evacsim result, ranking or county"),
                     "%s", out);
  free(out);
  snprintf(path, sizeof path, "%s/part.h5", dir);
  out = cli_expect(2, "report %s -o %s", path, rep);
  cr_expect_not_null(strstr(out, "incomplete result file"), "%s", out);
  free(out);
  snprintf(path, sizeof path, "%s/rank.h5", dir);
  out = cli_expect(2, "report %s -o %s", path, rep);
  cr_expect_not_null(strstr(out, "incomplete ranking file"), "%s", out);
  free(out);
  /* a truncated file (the first half of an HDF5 file) is bad input too */
  snprintf(cmd, sizeof cmd,
           "head -c $(( $(stat -c %%s %s/other.h5) / 2 )) %s/other.h5 > "
           "%s/trunc.h5",
           dir, dir, dir);
  cr_assert_eq(sh(cmd, &out), 0, "%s", out);
  free(out);
  snprintf(path, sizeof path, "%s/trunc.h5", dir);
  out = cli_expect(2, "report %s -o %s", path, rep);
  cr_expect_not_null(strstr(out, "trunc.h5: not an evacsim file (HDF5 cannot"),
                     "%s", out);
  free(out);
  snprintf(path, sizeof path, "%s/rank.h5", dir);
  cr_expect(!exists(rep, "") && !exists(rep, ".partial"),
            "a failed report left a folder");
  out = cli_expect(2, "report %s%s", path, "");
  cr_expect_not_null(strstr(out, "-o/--output"), "%s", out);
  free(out);
  out = cli_expect(2, "report %s -o %s --frames 1", path, rep);
  cr_expect_not_null(strstr(out, "not a whole number in 2..1000"), "%s", out);
  free(out);
  /* an existing folder that is not a report is kept as it was */
  char *keep = evac_test_write(dir, "keep.txt", "mine\n");
  out = cli_expect(2, "report %s -o %s", path, dir);
  cr_expect_not_null(strstr(out, "is not an evacsim report"), "%s", out);
  cr_expect(access(keep, F_OK) == 0);
  free(out);
  /* without the viz scripts: exit 3 and a message saying what to set */
  setenv("EVACSIM_VIZ_DIR", "/nonexistent-viz", 1);
  out = cli_expect(3, "report %s -o %s", path, rep);
  cr_expect_not_null(strstr(out, "set EVACSIM_VIZ_DIR"), "%s", out);
  unsetenv("EVACSIM_VIZ_DIR");
  free(out);
  out = cli_expect(0, "report --help%s%s", "", "");
  cr_expect_not_null(strstr(out, "usage: evacsim report"), "%s", out);
  free(out);
  free(keep);
  free(json);
  free(dir);
}
