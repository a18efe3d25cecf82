/* Building test plans in code: a floor is a grid of characters drawn with
 * rectangles, turned into plan JSON with cJSON. Used by the verification
 * tests. */
#ifndef EVAC_TEST_GRID_H
#define EVAC_TEST_GRID_H

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "evacsim.h"
#include "support.h"

/* A floor being drawn. */
struct grid {
  int nx, ny;
  char *c; /* [ny][nx] */
};

/* A floor of nx * ny cells, all walls. */
static inline struct grid grid_new(int nx, int ny) {
  struct grid g = {nx, ny, malloc((size_t)nx * ny)};
  memset(g.c, '#', (size_t)nx * ny);
  return g;
}

/* Fills the inclusive rectangle with ch. */
static inline void grid_fill(struct grid *g, int x0, int y0, int x1, int y1,
                             char ch) {
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      g->c[y * g->nx + x] = ch;
}

/* The floor object {name, elevation_m, height_m, rows}. */
static inline cJSON *grid_floor(const struct grid *g, const char *name,
                                double elevation) {
  cJSON *f = cJSON_CreateObject(), *rows = cJSON_CreateArray();
  cJSON_AddStringToObject(f, "name", name);
  cJSON_AddNumberToObject(f, "elevation_m", elevation);
  cJSON_AddNumberToObject(f, "height_m", 3.0);
  char *row = malloc((size_t)g->nx + 1);
  for (int y = 0; y < g->ny; y++) {
    memcpy(row, g->c + (size_t)y * g->nx, (size_t)g->nx);
    row[g->nx] = '\0';
    cJSON_AddItemToArray(rows, cJSON_CreateString(row));
  }
  free(row);
  cJSON_AddItemToObject(f, "rows", rows);
  return f;
}

/* A plan with the given floors (cJSON array, taken over). */
static inline cJSON *plan_new(double cell_m, cJSON *floors) {
  cJSON *p = cJSON_CreateObject();
  cJSON_AddNumberToObject(p, "evacsim_plan", 1);
  cJSON_AddStringToObject(p, "name", "verification");
  cJSON_AddNumberToObject(p, "cell_m", cell_m);
  cJSON_AddItemToObject(p, "floors", floors);
  return p;
}

/* A scenario naming test.plan.json, with a duration. */
static inline cJSON *scenario_new(double duration_s) {
  cJSON *s = cJSON_CreateObject();
  cJSON_AddNumberToObject(s, "evacsim_scenario", 1);
  cJSON_AddStringToObject(s, "plan", "test.plan.json");
  cJSON_AddNumberToObject(s, "duration_s", duration_s);
  return s;
}

/* The floors of the RiMEA 5 / IMO 5 / NIST 1.1 room: 8 x 5.2 m with 0.4 m
 * cells (x 1..20, y 1..13), a 1.2 m exit in the east wall (x 21, y 6..8). */
static inline cJSON *room_8x5_floors(void) {
  struct grid g = grid_new(22, 15);
  grid_fill(&g, 1, 1, 20, 13, '.');
  grid_fill(&g, 21, 6, 21, 8, 'E');
  cJSON *floors = cJSON_CreateArray();
  cJSON_AddItemToArray(floors, grid_floor(&g, "1", 0.0));
  free(g.c);
  return floors;
}

/* A two-storey plan with 0.4 m cells: on each floor a 7.2 x 3.2 m room
 * (x 1..18, y 1..8) beside Stair A (x 19..22, y 3..6), floor 2 3 m up, and
 * a 0.8 m exit in floor 1's west wall (x 0, y 4..5). */
static inline cJSON *two_storey_stair_plan(void) {
  cJSON *floors = cJSON_CreateArray();
  for (int f = 0; f < 2; f++) {
    struct grid g = grid_new(24, 10);
    grid_fill(&g, 1, 1, 18, 8, '.');
    grid_fill(&g, 19, 3, 22, 6, 'A');
    if (f == 0)
      grid_fill(&g, 0, 4, 0, 5, 'E');
    cJSON_AddItemToArray(floors, grid_floor(&g, f ? "2" : "1", 3.0 * f));
    free(g.c);
  }
  cJSON *plan = plan_new(0.4, floors);
  cJSON_AddItemToObject(plan, "legend",
                        cJSON_Parse("{\"A\": {\"stair\": \"Stair A\"}}"));
  cJSON_AddItemToObject(plan, "stairs",
                        cJSON_Parse("[{\"name\": \"Stair A\", \"width_m\": "
                                    "1.2, \"flight_length_m\": 7.2}]"));
  return plan;
}

/* A profile "responder" whose premovement_s is dist_json. */
static inline void add_responder(cJSON *scenario, const char *dist_json) {
  cJSON *p = cJSON_GetObjectItem(scenario, "profiles");
  if (!p)
    p = cJSON_AddObjectToObject(scenario, "profiles");
  cJSON *pr = cJSON_AddObjectToObject(p, "responder");
  cJSON_AddItemToObject(pr, "premovement_s", cJSON_Parse(dist_json));
}

/* Adds an occupant group on floor "1" in rect, of profile, count people. */
static inline void add_group(cJSON *scenario, int x0, int y0, int x1, int y1,
                             const char *profile, int count, const char *exit) {
  cJSON *occ = cJSON_GetObjectItem(scenario, "occupants");
  if (!occ)
    occ = cJSON_AddArrayToObject(scenario, "occupants");
  cJSON *g = cJSON_CreateObject();
  cJSON_AddStringToObject(g, "floor", "1");
  int r[4] = {x0, y0, x1, y1};
  cJSON_AddItemToObject(g, "rect", cJSON_CreateIntArray(r, 4));
  cJSON_AddStringToObject(g, "profile", profile);
  cJSON_AddNumberToObject(g, "count", count);
  if (exit)
    cJSON_AddStringToObject(g, "exit", exit);
  cJSON_AddItemToArray(occ, g);
}

/* Adds a profile {base adult, speed_m_s as given (a JSON text)}. */
static inline void add_profile(cJSON *scenario, const char *name,
                               const char *speed_json) {
  cJSON *p = cJSON_GetObjectItem(scenario, "profiles");
  if (!p)
    p = cJSON_AddObjectToObject(scenario, "profiles");
  cJSON *pr = cJSON_CreateObject();
  cJSON_AddStringToObject(pr, "base", "adult");
  cJSON_AddItemToObject(pr, "speed_m_s", cJSON_Parse(speed_json));
  cJSON_AddItemToObject(p, name, pr);
}

/* Prints and frees a JSON object (the text is malloc'd). */
static inline char *json_take(cJSON *j) {
  char *t = cJSON_Print(j);
  cJSON_Delete(j);
  return t;
}

/* Loads plan + scenario (both taken over) under tag into a model; fails
 * the test, printing the messages, if they do not load. */
static inline struct evac_model *load_json(const char *tag, cJSON *plan,
                                           cJSON *scenario) {
  char *p = json_take(plan), *s = json_take(scenario);
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load(tag, "test.plan.json", p, s, &d, &m);
  if (rc)
    evac_diag_print(&d, stderr);
  cr_assert_eq(rc, 0);
  free(p);
  free(s);
  evac_diag_free(&d);
  return m;
}

/* Runs plan + scenario (both taken over) with seed; the model goes to *m.
 * Fails the test if the simulation does not run. */
static inline struct evac_sim *run_json(const char *tag, cJSON *plan,
                                        cJSON *scenario,
                                        unsigned long long seed,
                                        struct evac_model **m) {
  char *p = json_take(plan), *s = json_take(scenario);
  struct evac_sim *sim = evac_test_run(tag, p, s, seed, m);
  free(p);
  free(s);
  cr_assert_not_null(sim, "%s: the simulation did not run", tag);
  return sim;
}

#endif
