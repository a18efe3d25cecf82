/* The grid's walking rules and search (sim/input/grid.h): eight neighbours,
 * no corner cutting, step lengths, symmetric steps, Dijkstra distances
 * with cost factors and a caller's links. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "grid.h"
#include "model.h"
#include "support.h"

/* One floor, 5 x 4 cells:
 *   #####
 *   #..##
 *   #.#.#
 *   #####   (cell (3, 2) touches (2, 1) only across the wall's corner) */
static const char *ROOM = "{\"evacsim_plan\": 1, \"floors\": ["
                          "{\"name\": \"0\", \"elevation_m\": 0,"
                          " \"rows\": [\"#E###\", \"#..##\", \"#.#.#\","
                          " \"#####\"]}]}";

/* The walkable map of m. */
static uint8_t *walkable(const struct evac_model *m) {
  uint8_t *p = malloc(m->ncells + 1);
  cr_assert_not_null(p);
  for (size_t c = 0; c < m->ncells; c++)
    p[c] = (uint8_t)evac_cell_walkable(m->cell_kind[c]);
  return p;
}

Test(grid, steps_do_not_cut_corners) {
  struct evac_model *m = evac_test_plan(ROOM);
  uint8_t *pass = walkable(m);
  struct evac_step st[8];
  int n = evac_grid_steps(m, pass, 0, 1, 1, st);
  /* from (1, 1): the exit above, (2, 1) right, (1, 2) below; (2, 2) is a
   * wall, (0, *) walls */
  cr_expect_eq(n, 3);
  for (int k = 0; k < n; k++)
    cr_expect_eq(st[k].length_m, m->cell_m, "only straight steps");
  /* (3, 2) and (2, 1) are diagonal neighbours, but (2, 2) and (3, 1) are
   * walls: no step either way */
  n = evac_grid_steps(m, pass, 0, 3, 2, st);
  cr_expect_eq(n, 0, "a cell reached only across corners");
  n = evac_grid_steps(m, pass, 0, 2, 1, st);
  for (int k = 0; k < n; k++)
    cr_expect_neq(st[k].cell, (int32_t)evac_model_cell(m, 0, 3, 2));
  free(pass);
  evac_model_free(m);
}

Test(grid, steps_are_symmetric_and_diagonals_longer) {
  struct evac_model *m =
      evac_test_plan("{\"evacsim_plan\": 1, \"floors\": [{\"name\": \"0\","
                     " \"elevation_m\": 0, \"rows\": [\"#E####\", \"#....#\","
                     " \"#..#.#\", \"#....#\", \"######\"]}]}");
  uint8_t *pass = walkable(m);
  const struct evac_floor *fl = &m->floors[0];
  int diagonals = 0;
  for (int y = 0; y < fl->ny; y++)
    for (int x = 0; x < fl->nx; x++) {
      int32_t u = (int32_t)evac_model_cell(m, 0, x, y);
      if (!pass[u])
        continue;
      struct evac_step st[8];
      for (int k = 0, n = evac_grid_steps(m, pass, 0, x, y, st); k < n; k++) {
        int32_t v = st[k].cell;
        int vx = (int)((size_t)v - fl->offset) % fl->nx,
            vy = (int)((size_t)v - fl->offset) / fl->nx;
        int diag = vx != x && vy != y;
        diagonals += diag;
        cr_expect_eq(st[k].length_m, diag ? m->cell_m * sqrt(2.0) : m->cell_m);
        struct evac_step back[8];
        int found = 0;
        for (int j = 0, nb = evac_grid_steps(m, pass, 0, vx, vy, back); j < nb;
             j++)
          found |= back[j].cell == u && back[j].length_m == st[k].length_m;
        cr_expect(found, "no step back from (%d, %d) to (%d, %d)", vx, vy, x,
                  y);
      }
    }
  cr_expect_gt(diagonals, 0);
  free(pass);
  evac_model_free(m);
}

/* A link from cell (1, 1) to a node after the cells, at 10 m. */
static int link_out(struct evac_grid_search *g, int32_t u, double du) {
  const int32_t *from = g->ctx;
  if (u == *from)
    return evac_grid_search_reach(g, (int32_t)g->m->ncells, du + 10.0);
  return 0;
}

Test(grid, search_with_costs_and_links) {
  struct evac_model *m =
      evac_test_plan("{\"evacsim_plan\": 1, \"floors\": [{\"name\": \"0\","
                     " \"elevation_m\": 0, \"rows\": [\"#E####\", \"#....#\","
                     " \"######\"]}]}");
  uint8_t *pass = walkable(m);
  int16_t *floor = calloc(m->ncells, sizeof *floor);
  float *cost = malloc(m->ncells * sizeof *cost);
  double *dist = malloc((m->ncells + 1) * sizeof *dist);
  cr_assert(floor && cost && dist);
  for (size_t c = 0; c < m->ncells; c++)
    cost[c] = 1.0f;
  cost[evac_model_cell(m, 0, 3, 1)] = 3.0f; /* smoke in (3, 1) */
  for (size_t i = 0; i <= m->ncells; i++)
    dist[i] = INFINITY;
  struct evac_grid_search g;
  int32_t from = (int32_t)evac_model_cell(m, 0, 1, 1);
  evac_grid_search_init(&g, m, floor, pass, cost, dist, 0);
  g.links = link_out;
  g.ctx = &from;
  cr_assert_eq(evac_grid_search_reach(&g, from, 0.0), 0);
  cr_assert_eq(evac_grid_search_run(&g), 0);
  double c = m->cell_m;
  cr_expect_eq(dist[evac_model_cell(m, 0, 2, 1)], c);
  cr_expect_eq(dist[evac_model_cell(m, 0, 3, 1)], c + c * 0.5 * 4.0);
  cr_expect_eq(dist[evac_model_cell(m, 0, 4, 1)],
               c + c * 0.5 * 4.0 + c * 0.5 * 4.0);
  cr_expect_eq(dist[evac_model_cell(m, 0, 1, 0)], c, "the exit above");
  cr_expect_eq(dist[m->ncells], 10.0, "the link's node");
  cr_expect(isinf(dist[evac_model_cell(m, 0, 0, 1)]), "a wall");
  free(pass);
  free(floor);
  free(cost);
  free(dist);
  evac_model_free(m);
}
