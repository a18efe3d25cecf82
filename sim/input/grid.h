/* How people walk on the grid, in one place: the steps between the cells
 * of a floor (eight neighbours, no corner cutting, a step's length) and the
 * one search over them (Dijkstra's algorithm), which callers extend with
 * links of their own (the floor fields add the stairs). Used by the floor
 * fields (models/movement/field.c), the staff's walking distances
 * (models/behaviour/staff.c) and the check that a building can be left
 * (plan_check.c). */
#ifndef EVAC_GRID_H
#define EVAC_GRID_H

#include <math.h>
#include <stdint.h>

#include "heap.h"
#include "model.h"

/* One walking step between two cells of a floor. */
struct evac_step {
  int32_t cell;    /* the cell stepped to */
  double length_m; /* the cell size, or the cell size times sqrt 2 across */
};

/* The steps from cell (x, y) of floor f to the cells where pass ([ncells])
 * is set, in the order of evac_model_neighbours: the eight neighbours, a
 * diagonal one only when both cells beside it pass (no corner cutting).
 * Between two cells that pass, a step one way means a step back. Returns
 * their number (at most 8). */
static inline int evac_grid_steps(const struct evac_model *m,
                                  const uint8_t *pass, int f, int x, int y,
                                  struct evac_step step[8]) {
  const double cell = m->cell_m, diag = cell * sqrt(2.0);
  const int nx = m->floors[f].nx;
  const int32_t u = (int32_t)evac_model_cell(m, f, x, y);
  struct evac_nb nb[9];
  int n = 0;
  for (int k = 0, nn = evac_model_neighbours(m, f, x, y, 0, nb); k < nn; k++) {
    int32_t v = nb[k].cell;
    int dx = nb[k].dx, dy = nb[k].dy;
    if (!pass[v] || (dx && dy && (!pass[u + dx] || !pass[u + dy * nx])))
      continue;
    step[n].cell = v;
    step[n++].length_m = dx && dy ? diag : cell;
  }
  return n;
}

/* The cost of a step of length_m from cell u to cell v: its length times
 * the mean of the two cells' cost factors (cost [ncells], or NULL for 1). */
static inline double evac_grid_step_cost(const float *cost, int32_t u,
                                         int32_t v, double length_m) {
  return cost ? length_m * 0.5 * (cost[u] + cost[v]) : length_m;
}

/* An entry of a search's queue. */
struct evac_grid_entry {
  double d;     /* the node's distance when queued */
  int32_t node; /* a cell, or a caller's node numbered from ncells up */
};

/* The queue order: by distance, then by node (cells before the caller's
 * nodes); a total order, so a search pops the same way on every run.
 * Inline, so that the heap's push and pop compile it into their loops. */
static inline int evac_grid_entry_before(const void *pa, const void *pb) {
  const struct evac_grid_entry *a = pa, *b = pb;
  return a->d < b->d || (a->d == b->d && a->node < b->node);
}

/* A search: shortest walking distances from the queued nodes. */
struct evac_grid_search {
  const struct evac_model *m;
  const int16_t *cell_floor; /* [ncells] the floor of each cell */
  const uint8_t *pass;       /* [ncells] 1 where people may walk */
  const float *cost;      /* [ncells] cost factor of each cell, a step costing
                             its length times the mean of its two cells'; NULL
                             for 1 */
  double *dist;           /* distances: dist[i] of node base + i, INFINITY
                             where not reached */
  size_t base;            /* the node of dist[0] */
  struct evac_heap queue; /* of struct evac_grid_entry */
  /* The caller's links out of node u at distance du, each relaxed with
   * evac_grid_search_reach; called after u's steps (cells) or alone (the
   * caller's nodes); NULL for none. 0, or -1 out of memory. */
  int (*links)(struct evac_grid_search *g, int32_t u, double du);
  const void *ctx; /* the caller's data for links */
};

/* Sets up a search over pass and cost into dist (see the fields), with an
 * empty queue and no links; dist is left as it is. */
void evac_grid_search_init(struct evac_grid_search *g,
                           const struct evac_model *m,
                           const int16_t *cell_floor, const uint8_t *pass,
                           const float *cost, double *dist, size_t base);

/* Relaxes node v to distance d: if d is below its distance, sets it and
 * queues v. 0, or -1 out of memory. */
int evac_grid_search_reach(struct evac_grid_search *g, int32_t v, double d);

/* Queues node v at its present distance (for a search resumed from known
 * distances). 0, or -1 out of memory. */
int evac_grid_search_queue(struct evac_grid_search *g, int32_t v);

/* Runs the search until its queue is empty: each node popped at its
 * distance (stale entries skipped) relaxes its steps (cells) and links.
 * Frees the queue. 0, or -1 out of memory. */
int evac_grid_search_run(struct evac_grid_search *g);

#endif
