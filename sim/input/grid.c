/* The grid search; see grid.h. */
#include "grid.h"

void evac_grid_search_init(struct evac_grid_search *g,
                           const struct evac_model *m,
                           const int16_t *cell_floor, const uint8_t *pass,
                           const float *cost, double *dist, size_t base) {
  *g = (struct evac_grid_search){.m = m,
                                 .cell_floor = cell_floor,
                                 .pass = pass,
                                 .cost = cost,
                                 .dist = dist,
                                 .base = base};
}

int evac_grid_search_reach(struct evac_grid_search *g, int32_t v, double d) {
  double *dv = &g->dist[(size_t)v - g->base];
  if (!(d < *dv))
    return 0;
  *dv = d;
  struct evac_grid_entry e = {d, v};
  return evac_heap_push(&g->queue, &e, sizeof e, evac_grid_entry_before);
}

int evac_grid_search_queue(struct evac_grid_search *g, int32_t v) {
  struct evac_grid_entry e = {g->dist[(size_t)v - g->base], v};
  return evac_heap_push(&g->queue, &e, sizeof e, evac_grid_entry_before);
}

/* Relaxes the steps out of cell u at distance du. 0 or -1. */
static int steps_from(struct evac_grid_search *g, int32_t u, double du) {
  const struct evac_model *m = g->m;
  int f = g->cell_floor[u];
  size_t i = (size_t)u - m->floors[f].offset;
  int nx = m->floors[f].nx;
  struct evac_step st[8];
  for (int k = 0, n = evac_grid_steps(m, g->pass, f, (int)(i % (size_t)nx),
                                      (int)(i / (size_t)nx), st);
       k < n; k++) {
    int32_t v = st[k].cell;
    if (evac_grid_search_reach(
            g, v, du + evac_grid_step_cost(g->cost, u, v, st[k].length_m)))
      return -1;
  }
  return 0;
}

int evac_grid_search_run(struct evac_grid_search *g) {
  struct evac_grid_entry e;
  int rc = 0;
  while (!rc &&
         evac_heap_pop(&g->queue, &e, sizeof e, evac_grid_entry_before) == 0) {
    if (e.d > g->dist[(size_t)e.node - g->base])
      continue; /* stale */
    if ((size_t)e.node < g->m->ncells)
      rc = steps_from(g, e.node, e.d);
    if (!rc && g->links)
      rc = g->links(g, e.node, e.d);
  }
  evac_heap_free(&g->queue);
  return rc;
}
