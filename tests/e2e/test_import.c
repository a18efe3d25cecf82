/* End-to-end: `evacsim import dxf` on DXF floor plans built with ezdxf by
 * tests/e2e/dxf_fixtures.py (coordinates in metres there): a ward floor, a
 * two-storey block joined by two stairs, a drawing in millimetres with its
 * own layer names and a block, one with flaws that are reported, and bad
 * inputs that exit 2. The grids asserted follow from the drawings: at
 * 0.4 m cells the frame starts 1.5 cells left of and above the drawing, so
 * a line at x metres from its left edge lies in column 1 + x / 0.4. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

#define FIXTURES                                                               \
  "/usr/bin/python3 " EVAC_SOURCE_DIR "/tests/e2e/dxf_fixtures.py"

/* The fixtures' folder (built once per test; static storage). */
static const char *fixtures(const char *tag) {
  static char dir[2048];
  snprintf(dir, sizeof dir, "%s", evac_test_dir(tag));
  char cmd[4200];
  snprintf(cmd, sizeof cmd, FIXTURES " %s", dir);
  cr_assert_eq(system(cmd), 0, "%s failed", cmd);
  return dir;
}

/* Runs `evacsim ARGS` expecting exit code rc; returns the output. */
static char *cli_expect(int rc, const char *args) {
  char *out = NULL;
  int got = evac_test_cli(args, &out);
  cr_expect_eq(got, rc, "evacsim %s: exit %d, not %d:\n%s", args, got, rc,
               out ? out : "");
  return out;
}

static cJSON *read_json(const char *path) {
  char *text = evac_test_read(path, NULL);
  cr_assert_not_null(text, "%s: not written", path);
  cJSON *j = cJSON_Parse(text);
  free(text);
  cr_assert_not_null(j, "%s: not JSON", path);
  return j;
}

/* Cells of floor f equal to ch. */
static int count_cells(const cJSON *plan, int f, char ch) {
  const cJSON *rows = cJSON_GetObjectItem(
      cJSON_GetArrayItem(cJSON_GetObjectItem(plan, "floors"), f), "rows");
  int n = 0;
  const cJSON *row;
  cJSON_ArrayForEach(row, rows) {
    for (const char *c = row->valuestring; *c; c++)
      n += *c == ch;
  }
  return n;
}

/* Row y of floor f. */
static const char *row_of(const cJSON *plan, int f, int y) {
  const cJSON *rows = cJSON_GetObjectItem(
      cJSON_GetArrayItem(cJSON_GetObjectItem(plan, "floors"), f), "rows");
  return cJSON_GetArrayItem(rows, y)->valuestring;
}

/* The legend character of the feature named name, or 0. */
static char legend_char(const cJSON *plan, const char *kind, const char *name) {
  const cJSON *e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(plan, "legend")) {
    const cJSON *v = cJSON_GetObjectItem(e, kind);
    if (v && !strcmp(v->valuestring, name))
      return e->string[0];
  }
  return 0;
}

/* The region named name, or NULL. */
static const cJSON *region(const cJSON *plan, const char *name) {
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(plan, "regions")) {
    if (!strcmp(cJSON_GetObjectItem(r, "name")->valuestring, name))
      return r;
  }
  return NULL;
}

static void expect_rect(const cJSON *r, int x0, int y0, int x1, int y1) {
  cr_assert_not_null(r);
  const cJSON *rect = cJSON_GetObjectItem(r, "rect");
  int v[4];
  for (int i = 0; i < 4; i++)
    v[i] = cJSON_GetArrayItem(rect, i)->valueint;
  cr_expect(v[0] == x0 && v[1] == y0 && v[2] == x1 && v[3] == y1,
            "%s: rect [%d, %d, %d, %d], not [%d, %d, %d, %d]",
            cJSON_GetObjectItem(r, "name")->valuestring, v[0], v[1], v[2], v[3],
            x0, y0, x1, y1);
}

Test(import, ward_floor, .timeout = 120) {
  const char *dir = fixtures("import-ward");
  char args[4200];
  snprintf(args, sizeof args, "import dxf %s/ward.dxf -o %s/ward.plan.json",
           dir, dir);
  char *out = cli_expect(0, args);
  cr_expect_not_null(strstr(out, "1 floors, 0 stairs, 1 lifts, 1 shafts, 10 "
                                 "regions, 0 warnings"),
                     "%s", out);
  cr_expect_not_null(strstr(out, "ward.plan.json: ok"), "%s", out);
  free(out);
  char path[4200];
  snprintf(path, sizeof path, "%s/ward.plan.json", dir);
  cJSON *p = read_json(path);
  /* 24 x 10 m: 60 x 25 cells between the outer wall lines, one cell for
     each wall line and one empty cell around: 63 x 28 */
  cr_expect_eq((int)strlen(row_of(p, 0, 0)), 63);
  cr_expect_eq(
      cJSON_GetArraySize(cJSON_GetObjectItem(
          cJSON_GetArrayItem(cJSON_GetObjectItem(p, "floors"), 0), "rows")),
      28);
  /* the outer wall: row 1 from column 1; the exit (y 4.5..5.5) at column 1,
     rows 13 and 14 (cell centres y = 5.2 and 4.8) */
  cr_expect_eq(row_of(p, 0, 13)[1], 'E');
  cr_expect_eq(row_of(p, 0, 14)[1], 'E');
  cr_expect_eq(count_cells(p, 0, 'E'), 2);
  /* the fire door across the corridor at x = 12 m: column 31, from the
     wall at y = 6 (row 11) to the wall at y = 4 (row 16) */
  for (int y = 11; y <= 16; y++)
    cr_expect_eq(row_of(p, 0, y)[31], 'F', "row %d: %s", y, row_of(p, 0, y));
  cr_expect_eq(count_cells(p, 0, 'F'), 6);
  /* 8 doors 1 m wide: 2 cells each; the door swing (an arc) adds none */
  cr_expect_eq(count_cells(p, 0, 'D'), 16 + 1,
               "the store's door at "
               "x 22..23 takes 3 cells");
  /* Ward 1 (x 0..6, y 0..4): columns 2..15, rows 17..25 inside its walls */
  expect_rect(region(p, "Ward 1"), 2, 17, 15, 25);
  cr_expect_str_eq(
      cJSON_GetObjectItem(region(p, "Ward 1"), "compartment")->valuestring,
      "West");
  cr_expect_str_eq(
      cJSON_GetObjectItem(region(p, "Day room"), "compartment")->valuestring,
      "East");
  /* the corridor halves are split by the fire door */
  expect_rect(region(p, "Corridor west"), 2, 12, 30, 15);
  expect_rect(region(p, "Corridor east"), 32, 12, 60, 15);
  char lift = legend_char(p, "lift", "Bed lift");
  cr_expect_neq(lift, 0, "no lift named Bed lift");
  /* the lift (x 18..21, y 6..10) takes the corridor wall: it opens onto
     the corridor (row 12) */
  cr_expect_eq(row_of(p, 0, 11)[46], lift, "%s", row_of(p, 0, 11));
  cr_expect_eq(row_of(p, 0, 12)[46], '.');
  cr_expect_neq(legend_char(p, "shaft", "Shaft 1"), 0);
  cJSON_Delete(p);
  snprintf(args, sizeof args, "check %s/ward.plan.json", dir);
  free(cli_expect(0, args));
}

/* The evacuated count of a run summary, or -1. */
static int evacuated(const char *out) {
  const char *s = strstr(out, "evacuated");
  int n = -1;
  if (s)
    sscanf(s + strlen("evacuated"), "%d", &n);
  return n;
}

Test(import, two_storey_block_with_stairs, .timeout = 120) {
  const char *dir = fixtures("import-block");
  char args[4200];
  snprintf(args, sizeof args,
           "import dxf %s/block-1.dxf %s/block-2.dxf -o %s/block.plan.json "
           "--names G,1 --heights 4,3.5 --name Block",
           dir, dir, dir);
  char *out = cli_expect(0, args);
  cr_expect_not_null(strstr(out, "2 floors, 2 stairs, 0 lifts, 0 shafts, 8 "
                                 "regions, 0 warnings"),
                     "%s", out);
  free(out);
  char path[4200];
  snprintf(path, sizeof path, "%s/block.plan.json", dir);
  cJSON *p = read_json(path);
  cr_expect_str_eq(cJSON_GetObjectItem(p, "name")->valuestring, "Block");
  const cJSON *floors = cJSON_GetObjectItem(p, "floors");
  cr_expect_str_eq(
      cJSON_GetObjectItem(cJSON_GetArrayItem(floors, 1), "name")->valuestring,
      "1");
  cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(floors, 1), "elevation_m")
                   ->valuedouble,
               4.0);
  /* stair A is named on the ground floor only; upstairs its outline
     overlaps: the same character on both floors. Each stair is 4 x 3 m
     between wall lines: 10 x 7.5 cells. A line on a cell edge is drawn in
     the cell below it: stair A (y 5..8) keeps 9 x 7 cells inside its
     walls, stair B (y 0..3) 9 x 6 */
  char a = legend_char(p, "stair", "Stair A");
  char b = legend_char(p, "stair", "Stair B");
  cr_assert(a && b && a != b);
  for (int f = 0; f < 2; f++) {
    cr_expect_eq(count_cells(p, f, a), 63, "floor %d", f);
    cr_expect_eq(count_cells(p, f, b), 54, "floor %d", f);
  }
  cr_expect_eq(count_cells(p, 0, 'E'), 3);
  cr_expect_eq(count_cells(p, 1, 'E'), 0);
  char refuge = legend_char(p, "refuge", "Refuge U");
  cr_expect_eq(count_cells(p, 0, refuge), 0);
  cr_expect_eq(count_cells(p, 1, refuge), 63, "4 x 3 m as the stairs");
  cr_expect_not_null(region(p, "Day room"));
  cr_expect_not_null(region(p, "Day room (1)"), "the upper day room");
  /* Ward U1: x 0..8, y 0..3 m: walls at columns 1 and 21, rows 14 and 21
     (as stair B) */
  expect_rect(region(p, "Ward U1"), 2, 15, 20, 20);
  cJSON_Delete(p);
  /* people upstairs reach the ground-floor exit by the stairs */
  char *sc = evac_test_write(
      dir, "block.scenario.json",
      "{\"evacsim_scenario\": 1, \"plan\": \"block.plan.json\","
      " \"duration_s\": 600, \"occupants\": [{\"region\": \"Ward U1\","
      " \"profile\": \"adult\", \"count\": 6}, {\"region\": \"Ward U2\","
      " \"profile\": \"adult\", \"count\": 6}]}");
  snprintf(args, sizeof args, "run %s -o %s/block.h5 --threads 1", sc, dir);
  out = cli_expect(0, args);
  cr_expect_eq(evacuated(out), 12, "%s", out);
  free(out);
  free(sc);
}

Test(import, millimetres_own_layers_and_blocks, .timeout = 120) {
  const char *dir = fixtures("import-cad");
  char args[4200];
  snprintf(args, sizeof args,
           "import dxf %s/cad.dxf --map %s/cad-map.json -o %s/cad.plan.json "
           "--quiet",
           dir, dir, dir);
  char *out = cli_expect(0, args);
  cr_expect_eq(out[0], '\0', "--quiet printed: %s", out);
  free(out);
  char path[4200];
  snprintf(path, sizeof path, "%s/cad.plan.json", dir);
  cJSON *p = read_json(path);
  /* 8000 x 4000 mm: 20 x 10 cells and the walls and border */
  cr_expect_eq((int)strlen(row_of(p, 0, 0)), 23);
  /* the door block's swing gives the opening along the partition (column
     11, rows 5..7: cell centres y = 2.4, 2.0, 1.6 m); its leaf, drawn open
     into the west room, adds no door cell */
  cr_expect_eq(count_cells(p, 0, 'D'), 3);
  for (int y = 5; y <= 7; y++)
    cr_expect_eq(row_of(p, 0, y)[11], 'D', "row %d: %s", y, row_of(p, 0, y));
  cr_expect_gt(count_cells(p, 0, 'E'), 1);
  /* two rooms of 9 x 9 cells inside their walls */
  cr_expect_eq(count_cells(p, 0, '.'), 162);
  const cJSON *ward = region(p, "Ward");
  cr_assert_not_null(ward);
  cr_expect_str_eq(cJSON_GetObjectItem(ward, "kind")->valuestring, "ward");
  cJSON_Delete(p);
}

Test(import, what_cannot_be_mapped_is_listed, .timeout = 120) {
  const char *dir = fixtures("import-flawed");
  char args[4200];
  snprintf(args, sizeof args, "import dxf %s/flawed.dxf -o %s/f.plan.json", dir,
           dir);
  /* The plan is written with the warnings; its check then fails (exit 2),
   * since a stair on one floor only is an error of the plan. */
  char *out = cli_expect(2, args);
  static const char *const want[] = {
      "flawed.dxf: layer DOOR at (2.00, 4.00): a door that is not in a wall",
      "flawed.dxf: layer WALL at (3.00, 2.00): a wall end that touches no "
      "other wall",
      "flawed.dxf: layer STAIR at (9.00, 4.00): stair \"Stair X\" is on "
      "floor 1 only",
      "flawed.dxf: layer ROOM at (6.00, 1.00): room label \"On the wall\" is "
      "on a wall",
      "flawed.dxf: layer FURNITURE: 2 entities on a layer the map does not "
      "name"};
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    cr_expect_not_null(strstr(out, want[i]), "no '%s' in:\n%s", want[i], out);
  cr_expect_not_null(strstr(out, "stair \"Stair X\" appears on one floor only"),
                     "%s", out);
  cr_expect_null(strstr(out, "f.plan.json: ok"), "%s", out);
  free(out);
}

static int exists(const char *dir, const char *name) {
  char path[4200];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return stat(path, &st) == 0;
}

Test(import, bad_inputs_exit_2_naming_the_file, .timeout = 120) {
  const char *dir = fixtures("import-bad");
  static const struct {
    const char *args, *want;
  } cases[] = {
      {"%s/notdxf.dxf", "notdxf.dxf: not a DXF file"},
      {"%s/missing.dxf", "missing.dxf: no such file"},
      {"%s/open.dxf", "open.dxf: no floor inside the walls"},
      {"%s/open.dxf", "open.dxf: layer WALL at (2.00, 0.00): a wall end"},
      {"%s/nowall.dxf", "nowall.dxf: nothing to import"},
      {"%s/nowall.dxf", "the file's layers: A-WALL"},
      {"%s/ward.dxf --map %s/badmap.json",
       "badmap.json: layers.WALL: \"walls\" is not a role"},
      {"%s/ward.dxf --cell-m 0.01", "--cell-m: '0.01' is not a cell size"},
      {"%s/ward.dxf %s/ward.dxf --names A", "--names: give 2 different"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char files[2200], args[4400];
    snprintf(files, sizeof files, cases[i].args, dir, dir);
    snprintf(args, sizeof args, "import dxf %s -o %s/out.plan.json", files,
             dir);
    char *out = cli_expect(2, args);
    cr_expect_not_null(strstr(out, cases[i].want), "%s: no '%s' in:\n%s", args,
                       cases[i].want, out);
    free(out);
    cr_expect(!exists(dir, "out.plan.json") &&
                  !exists(dir, "out.plan.json.partial"),
              "%s: a plan was written", args);
  }
  char args[4400];
  snprintf(args, sizeof args, "import dwg %s/ward.dxf -o %s/out.plan.json", dir,
           dir);
  free(cli_expect(2, args));
  snprintf(args, sizeof args, "import dxf %s/ward.dxf", dir);
  free(cli_expect(2, args));
  free(cli_expect(2, "import"));
  char *out = cli_expect(0, "import --help");
  cr_expect_not_null(strstr(out, "usage: evacsim import dxf"), "%s", out);
  free(out);
}

/* The sample plan is what the documented command makes of the sample DXF. */
Test(import, sample_ward_is_in_sync, .timeout = 120) {
  const char *dir = evac_test_dir("import-sample");
  char args[4200];
  snprintf(args, sizeof args,
           "import dxf " EVAC_SOURCE_DIR "/scenarios/ward-floor.dxf -o "
           "%s/ward-floor.plan.json --name 'Ward floor (from DXF)' --quiet",
           dir);
  free(cli_expect(0, args));
  char path[4200];
  snprintf(path, sizeof path, "%s/ward-floor.plan.json", dir);
  char *made = evac_test_read(path, NULL);
  char *kept =
      evac_test_read(EVAC_SOURCE_DIR "/scenarios/ward-floor.plan.json", NULL);
  cr_assert(made && kept);
  cr_expect_str_eq(made, kept, "scenarios/ward-floor.plan.json is stale");
  free(made);
  free(kept);
  free(cli_expect(0, "check " EVAC_SOURCE_DIR
                     "/scenarios/ward-floor.scenario.json"));
}
