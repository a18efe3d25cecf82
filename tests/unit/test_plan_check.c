/* The plan checks of evacsim check and run (sim/input/plan_check.c): the
 * walking routes of occupant groups, exits that touch the outside, exits
 * above the ground floor. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "support.h"

/* The reach map of target set t in m (malloc'd). */
static uint8_t *reach(const struct evac_model *m, int t) {
  uint8_t *r = malloc(m->ncells + 1);
  cr_assert_not_null(r);
  cr_assert_eq(evac_model_reach(m, t, r), 0);
  return r;
}

/* 1 if cell (x, y) of floor f is marked in r. */
static int at(const struct evac_model *m, const uint8_t *r, int f, int x,
              int y) {
  return r[evac_model_cell(m, f, x, y)];
}

/* Floor 1 reaches the ground floor's exit down the stair, through a door
 * and a fire door; a room with no opening does not, nor does a floor that
 * the stair does not serve. */
Test(plan_check, routes_follow_doors_and_stairs) {
  struct evac_model *m = evac_test_plan(
      "{\"evacsim_plan\": 1, \"floors\": ["
      "{\"name\": \"0\", \"elevation_m\": 0,"
      " \"rows\": [\"##E#####\", \"#....A.#\", \"########\"]},"
      "{\"name\": \"1\", \"elevation_m\": 3.5,"
      " \"rows\": [\"########\", \"#.D.FA.#\", \"#####..#\","
      "            \"#..#####\", \"########\"]},"
      "{\"name\": \"2\", \"elevation_m\": 7,"
      " \"rows\": [\"########\", \"#......#\", \"########\"]}],"
      " \"legend\": {\"A\": {\"stair\": \"Stair A\"}},"
      " \"stairs\": [{\"name\": \"Stair A\", \"width_m\": 1.2}]}");
  uint8_t *r = reach(m, EVAC_TARGET_ALL);
  cr_expect(at(m, r, 1, 1, 1), "the room behind the door and fire door");
  cr_expect(at(m, r, 1, 6, 2), "the landing's neighbours upstairs");
  cr_expect(at(m, r, 0, 6, 1), "beyond the landing downstairs");
  cr_expect_not(at(m, r, 1, 1, 3), "the sealed room");
  cr_expect_not(at(m, r, 2, 3, 1), "a floor the stair does not serve");
  cr_expect_not(at(m, r, 1, 0, 0), "a wall");
  free(r);
  evac_model_free(m);
}

/* A diagonal step may not cut a corner: both cells beside it must be
 * walkable, as in the floor fields. */
Test(plan_check, no_corner_cutting) {
  const char *text = "{\"evacsim_plan\": 1, \"floors\": ["
                     "{\"name\": \"0\", \"elevation_m\": 0,"
                     " \"rows\": [\"#E###\", \"#.%c##\", \"##.##\", "
                     "\"#####\"]}]}";
  char buf[512];
  snprintf(buf, sizeof buf, text, '#');
  struct evac_model *m = evac_test_plan(buf);
  uint8_t *r = reach(m, EVAC_TARGET_ALL);
  cr_expect(at(m, r, 0, 1, 1));
  cr_expect_not(at(m, r, 0, 2, 2), "reached only across a corner");
  free(r);
  evac_model_free(m);
  snprintf(buf, sizeof buf, text, '.');
  m = evac_test_plan(buf);
  r = reach(m, EVAC_TARGET_ALL);
  cr_expect(at(m, r, 0, 2, 2), "reached once the corner is open");
  free(r);
  evac_model_free(m);
}

/* Exits and refuges are passable only in their own target set, as in the
 * floor fields: beyond a refuge, the exits set is not reached. */
Test(plan_check, safe_places_only_in_their_set) {
  struct evac_model *m = evac_test_plan("{\"evacsim_plan\": 1, \"floors\": ["
                                        "{\"name\": \"0\", \"elevation_m\": 0,"
                                        " \"rows\": [\"#####\", \"E.R.#\", "
                                        "\"#####\"]}]}");
  uint8_t *all = reach(m, EVAC_TARGET_ALL), *ex = reach(m, EVAC_TARGET_EXITS),
          *rf = reach(m, EVAC_TARGET_REFUGES);
  cr_expect(at(m, all, 0, 3, 1));
  cr_expect_not(at(m, ex, 0, 3, 1), "the refuge blocks the way to the exit");
  cr_expect(at(m, ex, 0, 1, 1));
  cr_expect(at(m, rf, 0, 3, 1));
  cr_expect(at(m, rf, 0, 1, 1));
  int exit1 = evac_model_feature(m, "exit-1");
  uint8_t *one = reach(m, exit1);
  cr_expect(at(m, one, 0, 1, 1));
  cr_expect_not(at(m, one, 0, 3, 1));
  free(all);
  free(ex);
  free(rf);
  free(one);
  evac_model_free(m);
}

static const char *exits_plan =
    "{\"evacsim_plan\": 1, \"floors\": ["
    "{\"name\": \"G\", \"elevation_m\": 0,"
    " \"rows\": [\"##E####\", \"#.....#\", \"#..E..#\", \"#######\"]},"
    "{\"name\": \"1\", \"elevation_m\": 3.5,"
    " \"rows\": [\"  # #  \", \"  #B#  \", \"###.###\", \"#.....#\", "
    "\"#######\"]}],"
    " \"legend\": {\"B\": {\"exit\": \"Bridge\"}}%s}";

/* An exit inside a room is an error; an exit above the ground floor that
 * touches the outside (here a void cell) is a warning until the plan states
 * why. */
Test(plan_check, exits_touch_the_outside) {
  char buf[1024];
  snprintf(buf, sizeof buf, exits_plan, "");
  struct evac_model *m = evac_test_plan(buf);
  struct evac_diag d;
  evac_diag_init(&d);
  cr_expect_eq(evac_model_check(m, &d), EVAC_ERR_INPUT);
  cr_expect_eq(d.errors, 1);
  cr_expect_eq(d.n, 2);
  evac_test_expect_msg(&d, "p.json: floors[0].rows[2]: exit \"exit-2\" (first "
                           "cell at column 3) does not touch the outside");
  const char *above = "p.json: floors[1].rows[1]: exit \"Bridge\" (first "
                      "cell at column 3) is on floor \"1\", 3.5 m above the "
                      "ground floor \"G\"";
  evac_test_expect_msg(&d, above);
  int w = evac_test_find_msg(&d, above);
  cr_expect(w >= 0 && !d.msg[w].is_error, "a warning, not an error");
  cr_expect_lt(evac_test_find_msg(&d, "exit-1"), 0, "exit-1 is in the edge");
  evac_diag_free(&d);
  evac_model_free(m);

  snprintf(buf, sizeof buf, exits_plan,
           ", \"exits\": [{\"name\": \"Bridge\", \"elevated\": \"footbridge "
           "to block B\"}]");
  m = evac_test_plan(buf);
  cr_expect_str_eq(m->features[evac_model_feature(m, "Bridge")].elevated,
                   "footbridge to block B");
  evac_diag_init(&d);
  evac_model_check(m, &d);
  cr_expect_lt(evac_test_find_msg(&d, "Bridge"), 0, "the reason is stated");
  evac_diag_free(&d);
  evac_model_free(m);
}

/* A group is checked on every '.' cell of its place, against its own
 * target set, and named by its index in "occupants" or "staff". */
Test(plan_check, groups_need_a_route) {
  const char *p = "{\"evacsim_plan\": 1, \"floors\": ["
                  "{\"name\": \"0\", \"elevation_m\": 0,"
                  " \"rows\": [\"##E######\", \"#...#..R#\", \"#...#..##\","
                  "            \"#########\"]}]}";
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(
      "plan-check-groups", "p.plan.json", p,
      "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\","
      " \"strategy\": \"vertical\","
      " \"occupants\": [{\"floor\": \"0\", \"rect\": [1, 1, 3, 2], "
      "\"count\": 2},"
      "   {\"floor\": \"0\", \"rect\": [1, 1, 6, 2], \"count\": 2}],"
      " \"staff\": [{\"floor\": \"0\", \"rect\": [5, 1, 6, 2], \"count\": 1, "
      "\"exit\": \"refuge-1\"}]}",
      &d, &m);
  cr_assert_eq(rc, EVAC_OK);
  cr_expect_eq(evac_model_check(m, &d), EVAC_ERR_INPUT);
  cr_expect_eq(d.errors, 1);
  evac_test_expect_msg(&d, "occupants[1]: 4 of the 10 floor cells of its "
                           "place (rect [1, 1, 6, 2], floor \"0\") have no "
                           "walking route to an exit (strategy \"vertical\"), "
                           "e.g. cell [5, 1]");
  evac_diag_free(&d);
  evac_model_free(m);
}

/* Under "horizontal" people head for refuges; in a fire run who can reach
 * none goes to an exit, so a plan without refuges passes only then. */
Test(plan_check, horizontal_needs_a_refuge_without_fire) {
  const char *p = "{\"evacsim_plan\": 1, \"floors\": ["
                  "{\"name\": \"0\", \"elevation_m\": 0,"
                  " \"rows\": [\"##E######\", \"#.......#\", \"#########\"]}]}";
  for (int fire = 0; fire <= 1; fire++) {
    char sc[512];
    snprintf(sc, sizeof sc,
             "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\","
             " \"strategy\": \"horizontal\",%s"
             " \"occupants\": [{\"floor\": \"0\", \"rect\": [1, 1, 7, 1], "
             "\"count\": 2}]}",
             fire ? " \"fire\": {\"floor\": \"0\", \"at\": [6, 1], "
                    "\"growth\": \"slow\"},"
                  : "");
    struct evac_diag d;
    struct evac_model *m = NULL;
    cr_assert_eq(
        evac_test_load("plan-check-horizontal", "p.plan.json", p, sc, &d, &m),
        EVAC_OK);
    if (fire) {
      cr_expect_eq(evac_model_check(m, &d), EVAC_OK);
    } else {
      cr_expect_eq(evac_model_check(m, &d), EVAC_ERR_INPUT);
      evac_test_expect_msg(&d, "occupants[0]: 7 of the 7 floor cells of its "
                               "place (rect [1, 1, 7, 1], floor \"0\") have "
                               "no walking route to a refuge (strategy "
                               "\"horizontal\")");
    }
    evac_diag_free(&d);
    evac_model_free(m);
  }
}
