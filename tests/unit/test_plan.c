/* The plan loader: grids, features, stairs, and its error messages. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "support.h"

/* Parses plan text into a fresh model; the caller frees both. */
static int parse(const char *text, struct evac_model **m, struct evac_diag *d) {
  evac_diag_init(d);
  *m = calloc(1, sizeof **m);
  cr_assert_not_null(*m);
  return evac_plan_parse(*m, text, "p.json", d);
}

static const char *good_plan =
    "{\"evacsim_plan\": 1, \"name\": \"T\", \"cell_m\": 0.5,\n"
    " \"floors\": [\n"
    "  {\"name\": \"G\", \"elevation_m\": 0, \"height_m\": 3.6,\n"
    "   \"rows\": [\"#E#EE#\", \"#..A.#\", \"#D.h.R\", \"#E#dR#\"]},\n"
    "  {\"name\": \"1\", \"elevation_m\": 4,\n"
    "   \"rows\": [\"#####\", \"#.A.E\", \"#Lh.#\"]},\n"
    "  {\"name\": \"2\", \"elevation_m\": 7.5,\n"
    "   \"rows\": [\"####\", \"#A.E\", \"#.F#\"]}],\n"
    " \"legend\": {\"A\": {\"stair\": \"Stair A\"}, \"h\": {\"shaft\": "
    "\"Cable 1\"},\n"
    "   \"L\": {\"lift\": \"Lift 1\"}, \"d\": {\"door\": \"Back door\"}},\n"
    " \"stairs\": [{\"name\": \"Stair A\", \"width_m\": 1.2}],\n"
    " \"shafts\": [{\"name\": \"Cable 1\", \"area_m2\": 0.5}],\n"
    " \"lifts\": [{\"name\": \"Lift 1\", \"fire_lift\": true, \"beds\": 1}],\n"
    " \"regions\": [{\"name\": \"Room\", \"floor\": \"1\", \"rect\": [1, 1, 3, "
    "2], \"compartment\": \"C1\"}],\n"
    " \"measures\": [{\"name\": \"M\", \"floor\": \"G\", \"line\": [1, 2, 4, "
    "2]}],\n"
    " \"systems\": {\"sprinklers\": {\"floors\": [\"1\"], \"rti\": 80}}}\n";

Test(plan, good_plan_parses) {
  struct evac_model *m;
  struct evac_diag d;
  int rc = parse(good_plan, &m, &d);
  evac_diag_print(&d, stderr);
  cr_assert_eq(rc, EVAC_OK);
  cr_assert_eq(d.errors, 0);
  cr_assert_str_eq(m->name, "T");
  cr_assert_float_eq(m->cell_m, 0.5, 1e-12);
  cr_assert_eq(m->nfloors, 3);
  cr_assert_eq(m->floors[0].nx, 6);
  cr_assert_eq(m->floors[0].ny, 4);
  cr_assert_eq(m->floors[1].nx, 5);
  cr_assert_eq(m->floors[1].ny, 3);
  cr_assert_eq(m->floors[1].offset, 24);
  cr_assert_eq(m->floors[2].offset, 39);
  cr_assert_eq(m->ncells, 51);
  cr_assert_float_eq(m->floors[0].height_m, 3.6, 1e-12);
  cr_assert_float_eq(m->floors[1].height_m, 3.0, 1e-12);
  /* cell kinds */
  cr_assert_eq(m->cell_kind[evac_model_cell(m, 0, 0, 0)], EVAC_CELL_WALL);
  cr_assert_eq(m->cell_kind[evac_model_cell(m, 0, 1, 1)], EVAC_CELL_FLOOR);
  cr_assert_eq(m->cell_kind[evac_model_cell(m, 0, 3, 1)], EVAC_CELL_STAIR);
  cr_assert_eq(m->cell_kind[evac_model_cell(m, 0, 1, 2)], EVAC_CELL_DOOR);
  cr_assert_eq(m->cell_kind[evac_model_cell(m, 0, 3, 2)], EVAC_CELL_SHAFT);
  cr_assert_eq(m->cell_kind[evac_model_cell(m, 0, 3, 3)], EVAC_CELL_DOOR);
  cr_assert_eq(m->cell_kind[evac_model_cell(m, 1, 1, 2)], EVAC_CELL_LIFT);
  cr_assert_eq(m->cell_kind[evac_model_cell(m, 2, 2, 2)], EVAC_CELL_FIRE_DOOR);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 1, 2)], -1);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 2, 2, 2)], -1);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 3, 3)], 3);
  /* features: legend, then exits, then refuges */
  cr_assert_eq(m->nfeatures, 4 + 5 + 2);
  const char *names[] = {"Stair A", "Cable 1",  "Lift 1",  "Back door",
                         "exit-1",  "exit-2",   "exit-3",  "exit-4",
                         "exit-5",  "refuge-1", "refuge-2"};
  for (int i = 0; i < 11; i++)
    cr_assert_str_eq(m->features[i].name, names[i]);
  cr_assert_eq(m->features[0].kind, EVAC_FEAT_STAIR);
  cr_assert_eq(m->features[3].kind, EVAC_FEAT_DOOR);
  cr_assert_eq(m->features[9].kind, EVAC_FEAT_REFUGE);
  /* exit-1 is (1,0); exit-2 the touching pair (3,0)-(4,0) */
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 1, 0)], 4);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 3, 0)], 5);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 4, 0)], 5);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 1, 3)], 6);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 1, 4, 1)], 7);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 2, 3, 1)], 8);
  /* the R cells (5,2) and (4,3) touch only diagonally: two refuges */
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 5, 2)], 9);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 4, 3)], 10);
  cr_assert_eq(evac_model_feature(m, "refuge-2"), 10);
  /* stairs */
  cr_assert_eq(m->nstairs, 1);
  cr_assert_eq(m->stairs[0].feature, 0);
  cr_assert_eq(m->stairs[0].nfloors, 3);
  cr_assert_eq(m->stairs[0].floors[2], 2);
  cr_assert_float_eq(m->stairs[0].width_m, 1.2, 1e-12);
  cr_assert_float_eq(m->stairs[0].flight_length_m, 8.0, 1e-12);
  cr_assert_eq(m->nshafts, 1);
  cr_assert_str_eq(m->shafts[0].kind, "cable");
  cr_assert_eq(m->features[1].index, 0);
  cr_assert_eq(m->nlifts, 1);
  cr_assert_eq(m->lifts[0].fire_lift, 1);
  cr_assert_eq(m->lifts[0].capacity, 13);
  cr_assert_eq(m->lifts[0].beds, 1);
  cr_assert_eq(m->nregions, 1);
  cr_assert_eq(m->regions[0].floor, 1);
  cr_assert_eq(m->regions[0].rect[2], 3);
  cr_assert_str_eq(m->regions[0].compartment, "C1");
  cr_assert_null(m->regions[0].kind);
  cr_assert_eq(m->nmeasures, 1);
  cr_assert_eq(m->measures[0].line[2], 4);
  cr_assert_eq(evac_model_floor(m, "2"), 2);
  cr_assert_eq(evac_model_floor(m, "9"), -1);
  cr_assert_eq(m->systems.sprinklers, 1);
  cr_assert_eq(m->systems.sprinkler_floor[0], 0);
  cr_assert_eq(m->systems.sprinkler_floor[1], 1);
  cr_assert_float_eq(m->systems.spr_rti, 80.0, 1e-12);
  cr_assert_float_eq(m->systems.spr_activation_c, 68.0, 1e-12);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, refuge_cells_touching_diagonally_are_two_refuges) {
  struct evac_model *m;
  struct evac_diag d;
  cr_assert_eq(parse("{\"evacsim_plan\":1,\"floors\":[{\"name\":\"a\","
                     "\"elevation_m\":0,\"rows\":[\"R.\",\".R\",\"RR\"]}]}",
                     &m, &d),
               EVAC_OK);
  cr_assert_eq(m->nfeatures, 2);
  cr_assert_str_eq(m->features[1].name, "refuge-2");
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 1, 1)], 1);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 0, 2)], 1);
  cr_assert_eq(m->cell_feature[evac_model_cell(m, 0, 0, 0)], 0);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, bad_row_length) {
  struct evac_model *m;
  struct evac_diag d;
  int rc = parse("{\"evacsim_plan\":1,\"floors\":["
                 "{\"name\":\"a\",\"elevation_m\":0,\"rows\":[\"...\"]},"
                 "{\"name\":\"b\",\"elevation_m\":3,"
                 "\"rows\":[\"....\",\"....\",\".....\"]}]}",
                 &m, &d);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  cr_assert_eq(d.errors, 1);
  cr_assert_str_eq(d.msg[0].text,
                   "p.json: floors[1].rows[2]: row has 5 cells, floor has 4");
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, unknown_character) {
  struct evac_model *m;
  struct evac_diag d;
  int rc = parse("{\"evacsim_plan\":1,\"floors\":[{\"name\":\"a\","
                 "\"elevation_m\":0,\"rows\":[\"....\",\"..x.\",\"x...\"]}]}",
                 &m, &d);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  cr_assert_eq(d.errors, 1);
  evac_test_expect_msg(
      &d, "p.json: floors[0].rows[1]: unknown character 'x' at column "
          "2 of floor \"a\"");
  evac_test_expect_msg(&d, "(2 cells of this floor have it)");
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, all_errors_are_reported) {
  struct evac_model *m;
  struct evac_diag d;
  int rc = parse(
      "{\"evacsim_plan\":2, \"cell_m\": 9, \"colour\": 1,\n"
      " \"floors\":[{\"name\":\"a\",\"elevation_m\":0,\"height_m\":\"3.6\","
      "\"rows\":[\"..\"]},\n"
      "  {\"name\":\"a\",\"elevation_m\":0,\"rows\":[\"..\"]}],\n"
      " \"legend\": {\"#\": {\"stair\": \"S\"}, \"ab\": {\"door\": \"x\"},\n"
      "   \"q\": {\"stair\": \"Q\", \"lift\": \"L\"}, \"z\": {\"stair\": "
      "\"Z\"}}}",
      &m, &d);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  evac_test_expect_msg(
      &d, "p.json: evacsim_plan: expected 1 (the plan format version), "
          "got 2");
  evac_test_expect_msg(&d,
                       "p.json: cell_m: expected a number in (0.05, 5], got 9");
  evac_test_expect_msg(
      &d, "p.json: colour: unknown key; allowed keys: evacsim_plan, "
          "name, cell_m, floors, legend, stairs, shafts, lifts, "
          "exits, regions, measures, systems");
  evac_test_expect_msg(&d,
                       "p.json: floors[0].height_m: expected a number > 0, got "
                       "\"3.6\" (a string)");
  evac_test_expect_msg(&d,
                       "p.json: floors[1].name: \"a\" is already the name of "
                       "floors[0]");
  evac_test_expect_msg(&d, "p.json: floors[1].elevation_m: 0 is not above 0");
  evac_test_expect_msg(&d, "p.json: legend.#: '#' is a built-in character");
  evac_test_expect_msg(&d,
                       "p.json: legend.ab: a legend key must be exactly one "
                       "character");
  evac_test_expect_msg(
      &d, "p.json: legend.q: expected exactly one of stair, shaft, "
          "lift, exit, door, fire_door, refuge, got 2 keys");
  evac_test_expect_msg(
      &d, "p.json: legend.z: stair \"Z\" (character 'z') has no entry "
          "in \"stairs\"");
  cr_assert_eq(d.errors, 10);
  /* 'z' is on no floor: one warning */
  cr_assert_eq(d.n - d.errors, 1);
  evac_test_expect_msg(&d, "legend.z: stair \"Z\" appears on no floor");
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, unknown_keys_in_nested_objects) {
  struct evac_model *m;
  struct evac_diag d;
  int rc = parse("{\"evacsim_plan\":1,\"floors\":[{\"name\":\"a\","
                 "\"elevation_m\":0,\"rows\":[\"..\"],\"heigth_m\":3}],"
                 "\"regions\":[{\"name\":\"r\",\"floor\":\"a\","
                 "\"rect\":[0,0,1,0],\"colour\":\"red\"}]}",
                 &m, &d);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  cr_assert_eq(d.errors, 2);
  evac_test_expect_msg(&d,
                       "p.json: floors[0].heigth_m: unknown key; allowed keys: "
                       "name, elevation_m, height_m, rows");
  evac_test_expect_msg(&d,
                       "p.json: regions[0].colour: unknown key; allowed keys: "
                       "name, floor, rect, kind, compartment");
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, non_increasing_elevations) {
  struct evac_model *m;
  struct evac_diag d;
  int rc = parse("{\"evacsim_plan\":1,\"floors\":["
                 "{\"name\":\"a\",\"elevation_m\":0,\"rows\":[\".\"]},"
                 "{\"name\":\"b\",\"elevation_m\":3,\"rows\":[\".\"]},"
                 "{\"name\":\"c\",\"elevation_m\":2.5,\"rows\":[\".\"]}]}",
                 &m, &d);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  cr_assert_eq(d.errors, 1);
  evac_test_expect_msg(
      &d, "p.json: floors[2].elevation_m: 2.5 is not above 3, the "
          "elevation of floors[1]; elevations must increase strictly");
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, invalid_json_line_and_column) {
  struct evac_model *m;
  struct evac_diag d;
  int rc = parse("{\"evacsim_plan\": 1,\n  \"name\": \"x\"\n  \"cell_m\": "
                 "0.4\n}",
                 &m, &d);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  cr_assert_eq(d.errors, 1);
  cr_assert_str_eq(d.msg[0].text, "p.json: line 3, column 3: invalid JSON");
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, region_and_measure_outside_the_grid) {
  struct evac_model *m;
  struct evac_diag d;
  int rc = parse("{\"evacsim_plan\":1,\"floors\":[{\"name\":\"a\","
                 "\"elevation_m\":0,\"rows\":[\"....\",\"....\"]}],"
                 "\"regions\":[{\"name\":\"r\",\"floor\":\"a\","
                 "\"rect\":[0,0,4,1]},{\"name\":\"r\",\"floor\":\"b\","
                 "\"rect\":[2,0,1,1]},{\"name\":\"s\",\"floor\":\"a\","
                 "\"rect\":[0,0,1.5,1]}],"
                 "\"measures\":[{\"name\":\"m\",\"floor\":\"a\","
                 "\"line\":[3,1,0,2]}]}",
                 &m, &d);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  evac_test_expect_msg(
      &d, "p.json: regions[0].rect: [0, 0, 4, 1] is not a rectangle "
          "inside floor \"a\" (4 x 2 cells): need 0 <= x0 <= x1 < 4 "
          "and 0 <= y0 <= y1 < 2");
  evac_test_expect_msg(&d, "p.json: regions[1].name: \"r\" is given twice");
  evac_test_expect_msg(
      &d, "p.json: regions[1].floor: unknown floor \"b\"; the floors "
          "are \"a\"");
  evac_test_expect_msg(&d,
                       "p.json: regions[2].rect[2]: expected an integer cell "
                       "coordinate, got 1.5");
  evac_test_expect_msg(
      &d, "p.json: measures[0].line: [3, 1, 0, 2] is not inside floor");
  cr_assert_eq(d.errors, 5);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, stairs_shafts_lifts_entries) {
  struct evac_model *m;
  struct evac_diag d;
  int rc =
      parse("{\"evacsim_plan\":1,\"floors\":["
            "{\"name\":\"a\",\"elevation_m\":0,\"rows\":[\"ABhL\"]},"
            "{\"name\":\"b\",\"elevation_m\":3,\"rows\":[\"A..L\"]}],"
            "\"legend\":{\"A\":{\"stair\":\"SA\"},\"B\":{\"stair\":\"SB\"},"
            "\"h\":{\"shaft\":\"H\"},\"L\":{\"lift\":\"L1\"}},"
            "\"stairs\":[{\"name\":\"SA\",\"width_m\":0},{\"name\":\"H\","
            "\"width_m\":1},{\"name\":\"SB\",\"width_m\":1},"
            "{\"name\":\"SB\",\"width_m\":1}],"
            "\"shafts\":[{\"name\":\"H\",\"kind\":\"steam\",\"area_m2\":1}],"
            "\"lifts\":[{\"name\":\"L1\",\"capacity\":2.5}]}",
            &m, &d);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  evac_test_expect_msg(
      &d, "p.json: stairs[0].width_m: expected a number > 0, got 0");
  evac_test_expect_msg(
      &d, "p.json: stairs[1].name: \"H\" is a shaft in \"legend\", not "
          "a stair");
  evac_test_expect_msg(&d,
                       "p.json: stairs[3].name: stair \"SB\" is given twice");
  evac_test_expect_msg(&d,
                       "p.json: shafts[0].kind: unknown shaft kind \"steam\"; "
                       "allowed: cable, pipe, ventilation, garbage, other");
  evac_test_expect_msg(
      &d, "p.json: lifts[0].capacity: expected an integer in [1, 1000000000], "
          "got 2.5");
  evac_test_expect_msg(&d, "legend.B: stair \"SB\" appears on one floor only "
                           "(floors[0]); it joins nothing");
  cr_assert_eq(d.errors, 6);
  cr_assert_eq(m->stairs[1].nfloors, 1);
  cr_assert_float_eq(m->stairs[0].flight_length_m, 6.0, 1e-12);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, missing_shaft_and_lift_entries) {
  struct evac_model *m;
  struct evac_diag d;
  int rc = parse("{\"evacsim_plan\":1,\"floors\":[{\"name\":\"a\","
                 "\"elevation_m\":0,\"rows\":[\"hL\"]}],"
                 "\"legend\":{\"h\":{\"shaft\":\"H\"},\"L\":{\"lift\":\"L1\"},"
                 "\"M\":{\"exit\":\"H\"}}}",
                 &m, &d);
  cr_assert_eq(rc, EVAC_ERR_INPUT);
  evac_test_expect_msg(
      &d, "p.json: legend.h: shaft \"H\" (character 'h') has no entry "
          "in \"shafts\"");
  evac_test_expect_msg(
      &d, "p.json: legend.L: lift \"L1\" (character 'L') has no entry "
          "in \"lifts\"");
  evac_test_expect_msg(&d,
                       "p.json: legend.M: name \"H\" is already used by legend "
                       "character 'h'");
  cr_assert_eq(d.errors, 3);
  evac_model_free(m);
  evac_diag_free(&d);
}

Test(plan, check_file_kinds) {
  const char *dir = evac_test_dir("plan_check");
  char *good = evac_test_write(dir, "g.plan.json", good_plan);
  char *other = evac_test_write(dir, "o.json", "{\"name\": 1}");
  struct evac_diag d;
  evac_diag_init(&d);
  cr_assert_eq(evac_check_file(good, 0, &d), EVAC_OK);
  cr_assert_eq(d.errors, 0);
  cr_assert_eq(evac_check_file(other, 0, &d), EVAC_ERR_INPUT);
  evac_test_expect_msg(&d, "o.json: not an evacsim file: expected a plan");
  cr_assert_eq(evac_check_file("/nonexistent/x.json", 0, &d), EVAC_ERR_INPUT);
  evac_test_expect_msg(
      &d, "/nonexistent/x.json: cannot read: No such file or directory");
  cr_assert_eq(d.errors, 2);
  free(good);
  free(other);
  evac_diag_free(&d);
}
