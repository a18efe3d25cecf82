/* The synthetic tower generator: structure of the plan, occupants of the
 * scenario, determinism, and its errors. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "support.h"

/* Reads a whole file; NULL if it cannot. */
static char *slurp(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  if (s)
    s[n] = '\0';
  fclose(f);
  return s;
}

/* Generates a tower into a fresh test dir named tag; returns the dir
 * (malloc'd). */
static char *gen(const char *tag, int floors, int occupants, uint64_t seed) {
  char *dir = strdup(evac_test_dir(tag));
  struct evac_gen_opts o = {floors, occupants, seed};
  struct evac_diag d;
  evac_diag_init(&d);
  enum evac_status st = evac_gen_tower(&o, dir, &d);
  evac_diag_print(&d, stderr);
  cr_assert_eq(st, EVAC_OK, "gen %d floors %d occupants: %s", floors, occupants,
               evac_status_str(st));
  cr_assert_eq(d.errors, 0);
  evac_diag_free(&d);
  return dir;
}

/* Parses dir/name. */
static cJSON *parse(const char *dir, const char *name) {
  char *text = slurp(dir, name);
  cr_assert_not_null(text, "%s/%s not written", dir, name);
  cJSON *j = cJSON_Parse(text);
  cr_assert_not_null(j, "%s/%s is not JSON", dir, name);
  free(text);
  return j;
}

/* Number of cells equal to c in a floor's rows. */
static int count_cells(const cJSON *floor, char c) {
  int n = 0;
  const cJSON *row;
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(floor, "rows")) {
    for (const char *s = row->valuestring; *s; s++)
      n += *s == c;
  }
  return n;
}

/* The region named name in the plan, or NULL. */
static const cJSON *find_region(const cJSON *plan, const char *name) {
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(plan, "regions")) {
    if (strcmp(cJSON_GetObjectItem(r, "name")->valuestring, name) == 0)
      return r;
  }
  return NULL;
}

/* Checks the plan and scenario of a (floors, occupants) tower. */
static void check_tower(int floors, int occupants) {
  char tag[64];
  snprintf(tag, sizeof tag, "gen-%d-%d", floors, occupants);
  char *dir = gen(tag, floors, occupants, 42);
  cJSON *plan = parse(dir, "tower.plan.json");
  cJSON *sc = parse(dir, "tower.scenario.json");

  cr_assert_eq(cJSON_GetObjectItem(plan, "evacsim_plan")->valueint, 1);
  cr_assert_float_eq(cJSON_GetObjectItem(plan, "cell_m")->valuedouble, 0.4,
                     1e-12);
  const cJSON *fl = cJSON_GetObjectItem(plan, "floors");
  cr_assert_eq(cJSON_GetArraySize(fl), floors);
  int i = 0;
  const cJSON *f;
  cJSON_ArrayForEach(f, fl) {
    char name[16];
    snprintf(name, sizeof name, "%d", i + 1);
    cr_assert_str_eq(cJSON_GetObjectItem(f, "name")->valuestring, name);
    cr_assert_float_eq(cJSON_GetObjectItem(f, "elevation_m")->valuedouble,
                       3.6 * i, 1e-9);
    const cJSON *rows = cJSON_GetObjectItem(f, "rows");
    cr_assert_eq(cJSON_GetArraySize(rows), 38, "floor %s rows", name);
    const cJSON *row;
    cJSON_ArrayForEach(row, rows) {
      cr_assert_eq(strlen(row->valuestring), 131, "floor %s row length", name);
    }
    /* a one-storey tower has no stairs: its stair bays are corridor */
    int stair = floors > 1 ? 16 : 0;
    cr_assert_eq(count_cells(f, 'A'), stair, "floor %s stair A", name);
    cr_assert_eq(count_cells(f, 'B'), stair, "floor %s stair B", name);
    cr_assert_eq(count_cells(f, 'P'), 4, "floor %s stair A door", name);
    cr_assert_eq(count_cells(f, 'G'), 4, "floor %s corridor fire door", name);
    cr_assert_eq(count_cells(f, 'Q'), 4, "floor %s stair B door", name);
    cr_assert_eq(count_cells(f, 'L'), 16, "floor %s lift", name);
    cr_assert_eq(count_cells(f, 'h'), 1, "floor %s shaft", name);
    int ground = i == 0;
    cr_assert_eq(count_cells(f, 'W'), ground ? 4 : 0, "floor %s W", name);
    cr_assert_eq(count_cells(f, 'X'), ground ? 4 : 0, "floor %s X", name);
    cr_assert_eq(count_cells(f, 'M'), ground ? 4 : 0, "floor %s M", name);
    cr_assert_eq(count_cells(f, 'E'), 0);
    /* wards, lobby and corridor are floor; 23 wards above, 22 + lobby below */
    cr_assert_eq(count_cells(f, '.'), 23 * 135 + 2 * 59 * 4 + 32 - 2 * stair,
                 "floor %s", name);
    i++;
  }
  const cJSON *legend = cJSON_GetObjectItem(plan, "legend");
  const char *exits[3][2] = {
      {"W", "West exit"}, {"X", "East exit"}, {"M", "Main entrance"}};
  for (int k = 0; k < 3; k++) {
    const cJSON *e = cJSON_GetObjectItem(legend, exits[k][0]);
    cr_assert_not_null(e);
    cr_assert_str_eq(cJSON_GetObjectItem(e, "exit")->valuestring, exits[k][1]);
  }
  if (floors > 1) {
    cr_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(legend, "A"), "stair")
            ->valuestring,
        "Stair A");
    const cJSON *st =
        cJSON_GetArrayItem(cJSON_GetObjectItem(plan, "stairs"), 1);
    cr_assert_str_eq(cJSON_GetObjectItem(st, "name")->valuestring, "Stair B");
    cr_assert_float_eq(cJSON_GetObjectItem(st, "width_m")->valuedouble, 1.3,
                       1e-12);
    cr_assert_float_eq(cJSON_GetObjectItem(st, "flight_length_m")->valuedouble,
                       7.2, 1e-12);
  } else {
    cr_assert_null(cJSON_GetObjectItem(legend, "A"));
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(plan, "stairs")), 0);
  }
  /* 23 wards + 2 corridors a floor, floor 1: 22 wards + 2 + lobby */
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(plan, "regions")),
               floors * 25);
  const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(plan, "measures"), 0);
  cr_assert_str_eq(cJSON_GetObjectItem(m, "name")->valuestring,
                   "Stair A door 1");

  cr_assert_str_eq(cJSON_GetObjectItem(sc, "plan")->valuestring,
                   "tower.plan.json");
  cr_assert_eq(cJSON_GetObjectItem(sc, "seed")->valueint, 42);
  /* an e-bike fire on the middle occupied floor, three weighted fires, and
     sprinklers and smoke detectors throughout (GB 50016) */
  const cJSON *fire = cJSON_GetObjectItem(sc, "fire");
  cr_assert_not_null(fire);
  char mid[16];
  snprintf(mid, sizeof mid, "%d", floors == 1 ? 1 : 1 + floors / 2);
  cr_assert_str_eq(cJSON_GetObjectItem(fire, "floor")->valuestring, mid);
  cr_assert_str_eq(cJSON_GetObjectItem(fire, "growth")->valuestring,
                   "ultrafast");
  cr_assert_str_eq(cJSON_GetObjectItem(fire, "fuel")->valuestring,
                   "lithium_battery");
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "fires")), 3);
  const cJSON *sys = cJSON_GetObjectItem(plan, "systems");
  cr_assert_str_eq(
      cJSON_GetObjectItem(cJSON_GetObjectItem(sys, "sprinklers"), "floors")
          ->valuestring,
      "all");
  cr_assert_str_eq(
      cJSON_GetObjectItem(cJSON_GetObjectItem(sys, "detectors"), "kind")
          ->valuestring,
      "smoke");
  /* the inspection list: >= 10 distinct catalogue types */
  const cJSON *hz, *hazards = cJSON_GetObjectItem(sc, "hazards");
  cr_assert(cJSON_IsArray(hazards));
  int types = 0, seen[EVAC_HZ_NTYPES] = {0};
  cJSON_ArrayForEach(hz, hazards) {
    int t =
        evac_hazard_type_parse(cJSON_GetObjectItem(hz, "type")->valuestring);
    cr_assert_geq(t, 0, "a catalogue type");
    types += !seen[t]++;
  }
  cr_expect_geq(types, 10, "%d hazard types", types);
  int sum = 0, by_profile[4] = {0, 0, 0, 0};
  const char *profiles[4] = {"patient_ambulatory", "elderly", "visitor",
                             "staff"};
  const cJSON *g;
  cJSON_ArrayForEach(g, cJSON_GetObjectItem(sc, "occupants")) {
    int c = cJSON_GetObjectItem(g, "count")->valueint;
    cr_assert_gt(c, 0);
    sum += c;
    const char *rn = cJSON_GetObjectItem(g, "region")->valuestring;
    const cJSON *r = find_region(plan, rn);
    cr_assert_not_null(r, "group region %s not in plan", rn);
    cr_assert_str_eq(cJSON_GetObjectItem(r, "kind")->valuestring, "ward");
    if (floors > 1)
      cr_assert_str_neq(cJSON_GetObjectItem(r, "floor")->valuestring, "1");
    const char *p = cJSON_GetObjectItem(g, "profile")->valuestring;
    int k = 0;
    while (k < 4 && strcmp(p, profiles[k]) != 0)
      k++;
    cr_assert_lt(k, 4, "unexpected profile %s", p);
    by_profile[k] += c;
  }
  cr_assert_eq(sum, occupants);
  if (occupants % 10 == 0) { /* whole tens follow the mix exactly */
    cr_assert_eq(by_profile[0], occupants / 2);
    cr_assert_eq(by_profile[1], occupants / 5);
    cr_assert_eq(by_profile[2], occupants / 5);
    cr_assert_eq(by_profile[3], occupants / 10);
  }
  cJSON_Delete(plan);
  cJSON_Delete(sc);
  free(dir);
}

Test(gen, towers_of_1_3_10_floors) {
  const int floors[] = {1, 3, 10}, occ[] = {0, 7, 300};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      check_tower(floors[i], occ[j]);
}

Test(gen, seven_people_get_the_mix_in_order) {
  char *dir = gen("gen-mix", 3, 7, 1);
  cJSON *sc = parse(dir, "tower.scenario.json");
  const cJSON *g = cJSON_GetObjectItem(sc, "occupants");
  /* one person in each of the first 7 wards of floor 2, profiles in the
   * running order of the 5:2:2:1 mix */
  const char *want[7] = {"patient_ambulatory",
                         "elderly",
                         "visitor",
                         "patient_ambulatory",
                         "patient_ambulatory",
                         "staff",
                         "patient_ambulatory"};
  cr_assert_eq(cJSON_GetArraySize(g), 7);
  for (int i = 0; i < 7; i++) {
    const cJSON *gi = cJSON_GetArrayItem(g, i);
    char region[32];
    snprintf(region, sizeof region, "Ward 2-%02d", i + 1);
    cr_assert_str_eq(cJSON_GetObjectItem(gi, "region")->valuestring, region);
    cr_assert_str_eq(cJSON_GetObjectItem(gi, "profile")->valuestring, want[i]);
    cr_assert_eq(cJSON_GetObjectItem(gi, "count")->valueint, 1);
  }
  cJSON_Delete(sc);
  free(dir);
}

Test(gen, full_tower_fills_every_ward_cell) {
  /* 2 floors: 23 wards of 135 cells on floor 2 */
  char *dir = gen("gen-full", 2, 23 * 135, 5);
  cJSON *sc = parse(dir, "tower.scenario.json");
  int per_room[24] = {0};
  const cJSON *g;
  cJSON_ArrayForEach(g, cJSON_GetObjectItem(sc, "occupants")) {
    int n = atoi(cJSON_GetObjectItem(g, "region")->valuestring + 7);
    cr_assert(n >= 1 && n <= 23);
    per_room[n] += cJSON_GetObjectItem(g, "count")->valueint;
  }
  for (int r = 1; r <= 23; r++)
    cr_assert_eq(per_room[r], 135, "ward 2-%02d", r);
  cJSON_Delete(sc);
  free(dir);
}

Test(gen, rows_are_one_a_line) {
  char *dir = gen("gen-rows", 2, 0, 1);
  char *text = slurp(dir, "tower.plan.json");
  cr_assert_not_null(text);
  /* the stair-A corridor row appears 4 times on each floor, each its own
   * line: "WAAAAP" on floor 1, "#AAAAP" on floor 2 */
  int lines = 0;
  for (const char *s = text; (s = strstr(s, "AAAAP")); lines++) {
    const char *ls = s;
    while (ls > text && ls[-1] != '\n')
      ls--;
    cr_assert_eq(strspn(ls, " "), 8, "row not on its own line");
    const char *q = ls + 8, *end = strchr(q + 1, '"');
    cr_assert_eq(*q, '"');
    cr_assert_eq(end - q - 1, 131, "row of %d cells", (int)(end - q - 1));
    cr_assert(end[1] == '\n' || (end[1] == ',' && end[2] == '\n'));
    s = end;
  }
  cr_assert_eq(lines, 8);
  free(text);
  free(dir);
}

Test(gen, same_inputs_same_bytes_other_seed_only_seed) {
  char *a = gen("gen-det-a", 4, 123, 7);
  char *b = gen("gen-det-b", 4, 123, 7);
  char *c = gen("gen-det-c", 4, 123, 8);
  const char *files[2] = {"tower.plan.json", "tower.scenario.json"};
  for (int i = 0; i < 2; i++) {
    char *ta = slurp(a, files[i]), *tb = slurp(b, files[i]);
    cr_assert_str_eq(ta, tb, "%s differs between identical runs", files[i]);
    free(ta);
    free(tb);
  }
  char *pa = slurp(a, files[0]), *pc = slurp(c, files[0]);
  cr_assert_str_eq(pa, pc, "the seed changed the plan");
  free(pa);
  free(pc);
  cJSON *sa = parse(a, files[1]), *sc = parse(c, files[1]);
  cr_assert_eq(cJSON_GetObjectItem(sa, "seed")->valueint, 7);
  cr_assert_eq(cJSON_GetObjectItem(sc, "seed")->valueint, 8);
  cJSON_ReplaceItemInObject(sc, "seed", cJSON_CreateNumber(7));
  cr_assert(cJSON_Compare(sa, sc, 1), "the seed changed more than the seed");
  cJSON_Delete(sa);
  cJSON_Delete(sc);
  free(a);
  free(b);
  free(c);
}

/* Runs the generator expecting failure st with an error message containing
 * what, and no files written. */
static void gen_fails(int floors, int occupants, const char *dir,
                      enum evac_status want, const char *what) {
  struct evac_gen_opts o = {floors, occupants, 1};
  struct evac_diag d;
  evac_diag_init(&d);
  enum evac_status st = evac_gen_tower(&o, dir, &d);
  cr_assert_eq(st, want, "floors %d occupants %d: got %s", floors, occupants,
               evac_status_str(st));
  cr_assert_geq(d.errors, 1);
  cr_assert_not_null(strstr(d.msg[0].text, what), "message '%s' lacks '%s'",
                     d.msg[0].text, what);
  evac_diag_free(&d);
  char path[4096];
  struct stat sb;
  snprintf(path, sizeof path, "%s/tower.plan.json", dir);
  cr_assert_neq(stat(path, &sb), 0, "%s written on error", path);
}

Test(gen, bad_inputs_are_input_errors) {
  const char *dir = evac_test_dir("gen-bad");
  char *d = strdup(dir);
  gen_fails(0, 0, d, EVAC_ERR_INPUT, "--floors: 0 is out of range");
  gen_fails(201, 0, d, EVAC_ERR_INPUT, "allowed 1..200");
  gen_fails(3, -1, d, EVAC_ERR_INPUT, "--occupants: -1");
  /* floors 2..3 hold 2 x 23 wards x 135 cells */
  gen_fails(3, 2 * 23 * 135 + 1, d, EVAC_ERR_INPUT, "holds 0..6210");
  gen_fails(1, 22 * 135 + 1, d, EVAC_ERR_INPUT, "holds 0..2970");
  free(d);
}

Test(gen, unwritable_dir_is_io_error) {
  gen_fails(2, 10, "/proc/evacsim-test/out", EVAC_ERR_IO, "/proc/evacsim-test");
}

Test(gen, creates_missing_parents) {
  char *base = strdup(evac_test_dir("gen-parents"));
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/a/b/c", base);
  struct evac_gen_opts o = {2, 5, 3};
  struct evac_diag d;
  evac_diag_init(&d);
  cr_assert_eq(evac_gen_tower(&o, dir, &d), EVAC_OK);
  evac_diag_free(&d);
  cJSON *sc = parse(dir, "tower.scenario.json");
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "occupants")), 5);
  cJSON_Delete(sc);
  free(base);
}
