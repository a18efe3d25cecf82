/* Static floor fields: the walking distance from every cell (and stair
 * node) to the nearest open safe place of a target set, over all floors,
 * by the grid search (sim/input/grid.h: 8 neighbours, a diagonal step
 * must not cut a corner). A stair landing is
 * joined at no cost to its stair node; consecutive stair nodes of a stair
 * are joined by a flight of flight_length_m. Exit and refuge cells are
 * sources when in the target set and impassable otherwise.
 *
 * A stair node stands for arriving on a floor's landing from a flight: its
 * distance is the best of that landing's cells (whoever comes off a flight
 * may step onto any free landing cell), and each landing cell one flight
 * away reaches it at the flight's length. Landing cells of one floor are not
 * joined through the node, so the field never jumps across a landing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "sim.h"

/* 1 if people may walk through cell c under target set target; closed is
 * NULL for the building as planned. */
static int passable(const struct evac_sim *s, const uint8_t *closed, int32_t c,
                    int target) {
  const struct evac_model *m = s->m;
  uint8_t k = m->cell_kind[c];
  if (!evac_cell_walkable(k) || (closed && closed[c]))
    return 0;
  if (s->unsafe && s->unsafe[c])
    return 1; /* a refuge lost to smoke: walkable, no target */
  if (k == EVAC_CELL_EXIT || k == EVAC_CELL_REFUGE)
    return target == EVAC_TARGET_ALL ||
           (target == EVAC_TARGET_EXITS && k == EVAC_CELL_EXIT) ||
           (target == EVAC_TARGET_REFUGES && k == EVAC_CELL_REFUGE) ||
           m->cell_feature[c] == target;
  return 1;
}

/* Fills pass ([ncells]) with passable() of every cell under closed and
 * target, one byte a cell, so the search reads one byte per neighbour. */
static void pass_map(const struct evac_sim *s, const uint8_t *closed,
                     int target, uint8_t *pass) {
  for (size_t c = 0; c < s->m->ncells; c++)
    pass[c] = (uint8_t)passable(s, closed, (int32_t)c, target);
}

/* 1 if cell c is a safe place of the target set (a source). */
static int is_source(const struct evac_sim *s, const uint8_t *pass, size_t c) {
  uint8_t k = s->m->cell_kind[c];
  return (k == EVAC_CELL_EXIT || k == EVAC_CELL_REFUGE) && pass[c] &&
         !(s->unsafe && s->unsafe[c]);
}

/* What the stair links of a field's search read. */
struct stairs_ctx {
  const struct evac_sim *s;
  const uint8_t *closed; /* NULL for the building as planned */
};

/* The search's links (grid.h): a stair cell to its stair node at no cost;
 * a stair node (arriving on its landing) from the landings one flight away,
 * at the flight's length. 0 or -1. */
static int stair_links(struct evac_grid_search *g, int32_t u, double du) {
  const struct stairs_ctx *c = g->ctx;
  const struct evac_sim *s = c->s;
  const struct evac_model *m = s->m;
  if ((size_t)u >= m->ncells) { /* stair node: arriving on its landing */
    int node = u - (int32_t)m->ncells;
    for (int dir = 0; dir < 2; dir++) {
      int fl = s->flight_of[2 * node + dir];
      if (fl < 0)
        continue;
      /* the landings one flight away lead here at the flight's length */
      const struct evac_flight *f = &s->flights[fl];
      int from = s->stair_node[f->stair] + f->to_k;
      for (int i = s->landing_off[from]; i < s->landing_off[from + 1]; i++)
        if (g->pass[s->landings[i]] &&
            evac_grid_search_reach(g, s->landings[i], du + f->length_m))
          return -1;
    }
    return 0;
  }
  if (m->cell_kind[u] != EVAC_CELL_STAIR)
    return 0;
  int st = m->features[m->cell_feature[u]].index;
  int k = s->stair_k[st * m->nfloors + s->cell_floor[u]];
  int32_t v = (int32_t)m->ncells + s->stair_node[st] + k;
  if (k >= 0 && !(c->closed && c->closed[v]))
    return evac_grid_search_reach(g, v, du);
  return 0;
}

/* Sets up g, a search of field (closed, pass) into dist over the cells and
 * stair nodes, reading the stair links from ctx. */
static void field_search(struct evac_grid_search *g, struct stairs_ctx *ctx,
                         const struct evac_sim *s, const uint8_t *closed,
                         const uint8_t *pass, double *dist) {
  *ctx = (struct stairs_ctx){s, closed};
  evac_grid_search_init(g, s->m, s->cell_floor, pass, s->smoke_cost, dist, 0);
  g->links = stair_links;
  g->ctx = ctx;
}

/* Dijkstra from the open safe places of the field (pass) into dist. */
static int build_one(const struct evac_sim *s, const uint8_t *closed,
                     const uint8_t *pass, double *dist) {
  struct evac_grid_search g;
  struct stairs_ctx ctx;
  field_search(&g, &ctx, s, closed, pass, dist);
  for (size_t i = 0; i < s->nnodes; i++)
    dist[i] = INFINITY;
  for (size_t c = 0; c < s->m->ncells; c++)
    if (is_source(s, pass, c) && evac_grid_search_reach(&g, (int32_t)c, 0.0)) {
      evac_heap_free(&g.queue);
      return -1;
    }
  return evac_grid_search_run(&g);
}

/* Marks of an update's nodes (evac_fields.mark, all clear between
 * updates). */
enum {
  MARK_SEEN = 1,  /* queued for the invalidation pass */
  MARK_DONE = 2,  /* the invalidation pass decided it */
  MARK_BAD = 4,   /* its distance is no longer reached: recomputed */
  MARK_QUEUED = 8 /* queued for the search */
};

/* A growing list of nodes. */
struct nodes {
  int32_t *v;
  size_t n, cap;
};

static int nodes_add(struct nodes *l, int32_t v) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 256;
    int32_t *p = realloc(l->v, cap * sizeof *p);
    if (!p)
      return -1;
    l->v = p;
    l->cap = cap;
  }
  l->v[l->n++] = v;
  return 0;
}

/* State of one field's update. */
struct update {
  const struct evac_sim *s;
  const uint8_t *closed, *pass;
  double *dist;
  uint8_t *mark;
  struct nodes touched;      /* every node with a mark */
  struct nodes bad;          /* the nodes marked MARK_BAD */
  struct evac_grid_search g; /* its queue: invalidation pass, then search */
  struct stairs_ctx ctx;     /* the search's stair links */
};

/* Sets bits on u's mark, listing u among the touched nodes. */
static int mark(struct update *up, int32_t u, uint8_t bits) {
  if (!up->mark[u] && nodes_add(&up->touched, u))
    return -1;
  up->mark[u] |= bits;
  return 0;
}

/* 1 if u keeps its distance: never queued for the invalidation pass, or
 * decided and not bad. */
static int kept(const struct update *up, int32_t u) {
  uint8_t k = up->mark[u];
  return !(k & MARK_SEEN) || (k & (MARK_DONE | MARK_BAD)) == MARK_DONE;
}

/* One in-edge (u, v) of the search with tail u kept and finite: in
 * support mode (seed 0) returns 1 if dist[u] + w == dist[v], else queues u
 * (once) for the search. Returns 0, or -1 out of memory. */
static int in_edge(struct update *up, int32_t u, int32_t v, double dv,
                   int seed) {
  if (!kept(up, u) || up->dist[u] == INFINITY)
    return 0;
  if (!seed)
    return dv == up->dist[v];
  if (up->mark[u] & MARK_QUEUED)
    return 0;
  return mark(up, u, MARK_QUEUED) || evac_grid_search_queue(&up->g, u) ? -1 : 0;
}

/* Visits the in-edges of v with the same arithmetic as the search: support
 * mode (seed 0) returns 1 if one of them from a kept node reaches dist[v],
 * seed mode queues their kept tails. Returns 0, 1 or -1. */
static int in_edges(struct update *up, int32_t v, int seed) {
  const struct evac_sim *s = up->s;
  const struct evac_model *m = s->m;
  const double *dist = up->dist;
  int r;
  if ((size_t)v >= m->ncells) { /* stair node: from its landing's cells */
    int node = v - (int32_t)m->ncells;
    if (up->closed && up->closed[v])
      return 0;
    for (int i = s->landing_off[node]; i < s->landing_off[node + 1]; i++)
      if ((r = in_edge(up, s->landings[i], v, dist[s->landings[i]], seed)))
        return r;
    return 0;
  }
  if (!up->pass[v])
    return 0;
  int f, x, y;
  evac_sim_cell_xy(s, v, &f, &x, &y);
  struct evac_step step[8]; /* steps back: the grid's steps are symmetric */
  for (int i = 0, n = evac_grid_steps(m, up->pass, f, x, y, step); i < n; i++) {
    int32_t u = step[i].cell;
    if (!seed && (!kept(up, u) || dist[u] == INFINITY))
      continue;
    double du =
        dist[u] + evac_grid_step_cost(s->smoke_cost, u, v, step[i].length_m);
    if ((r = in_edge(up, u, v, du, seed)))
      return r;
  }
  if (m->cell_kind[v] != EVAC_CELL_STAIR)
    return 0;
  /* from the stair nodes one flight away, over the flight towards v */
  int st = m->features[m->cell_feature[v]].index;
  int k = s->stair_k[st * m->nfloors + f];
  int node = s->stair_node[st] + k;
  for (int dir = 0; k >= 0 && dir < 2; dir++) {
    int out = s->flight_of[2 * node + dir];
    if (out < 0)
      continue;
    int from = s->stair_node[st] + s->flights[out].to_k;
    for (int back = 0; back < 2; back++) {
      int fi = s->flight_of[2 * from + back];
      if (fi < 0 || s->flights[fi].to_k != k)
        continue;
      int32_t u = (int32_t)m->ncells + from;
      if ((r = in_edge(up, u, v, dist[u] + s->flights[fi].length_m, seed)))
        return r;
    }
  }
  return 0;
}

/* Queues w for the invalidation pass if its distance may rest on v's:
 * finite, not queued yet, and after v in queue order. */
static int follow(struct update *up, int32_t v, int32_t w) {
  const double *dist = up->dist;
  if (up->mark[w] || dist[w] == INFINITY ||
      !evac_grid_entry_before(&(struct evac_grid_entry){dist[v], v},
                              &(struct evac_grid_entry){dist[w], w}))
    return 0;
  return mark(up, w, MARK_SEEN) || evac_grid_search_queue(&up->g, w) ? -1 : 0;
}

/* Queues the out-neighbours of bad node v (a superset of the search's
 * out-edges) for the invalidation pass. 0 or -1. */
static int follow_all(struct update *up, int32_t v) {
  const struct evac_sim *s = up->s;
  const struct evac_model *m = s->m;
  if ((size_t)v >= m->ncells) { /* stair node: the landings a flight away */
    int node = v - (int32_t)m->ncells;
    for (int dir = 0; dir < 2; dir++) {
      int fi = s->flight_of[2 * node + dir];
      if (fi < 0)
        continue;
      int to = s->stair_node[s->flights[fi].stair] + s->flights[fi].to_k;
      for (int i = s->landing_off[to]; i < s->landing_off[to + 1]; i++)
        if (follow(up, v, s->landings[i]))
          return -1;
    }
    return 0;
  }
  int f, x, y;
  evac_sim_cell_xy(s, v, &f, &x, &y);
  struct evac_nb nb[9];
  for (int i = 0, n = evac_model_neighbours(m, f, x, y, 0, nb); i < n; i++)
    if (follow(up, v, nb[i].cell))
      return -1;
  if (m->cell_kind[v] == EVAC_CELL_STAIR) {
    int st = m->features[m->cell_feature[v]].index;
    int k = s->stair_k[st * m->nfloors + f];
    if (k >= 0 && follow(up, v, (int32_t)m->ncells + s->stair_node[st] + k))
      return -1;
  }
  return 0;
}

/* Calls fn(up, c) for each cell c changed and its eight neighbours: the
 * ends of every edge whose cost changed. 0 or -1. */
static int around_changes(struct update *up, const int32_t *changed,
                          size_t nchanged,
                          int (*fn)(struct update *, int32_t)) {
  const struct evac_model *m = up->s->m;
  for (size_t i = 0; i < nchanged; i++) {
    int f, x, y;
    evac_sim_cell_xy(up->s, changed[i], &f, &x, &y);
    struct evac_nb nb[9];
    for (int k = 0, n = evac_model_neighbours(m, f, x, y, 1, nb); k < n; k++)
      if (fn(up, nb[k].cell))
        return -1;
  }
  return 0;
}

/* around_changes(): queues a finite node for the invalidation pass. */
static int seen(struct update *up, int32_t c) {
  if (up->mark[c] || up->dist[c] == INFINITY)
    return 0;
  return mark(up, c, MARK_SEEN) || evac_grid_search_queue(&up->g, c) ? -1 : 0;
}

/* around_changes(): queues a kept finite node for the search, its out-edges
 * may have become shorter. */
static int shorter(struct update *up, int32_t c) {
  if (!kept(up, c) || up->dist[c] == INFINITY || (up->mark[c] & MARK_QUEUED))
    return 0;
  return mark(up, c, MARK_QUEUED) || evac_grid_search_queue(&up->g, c) ? -1 : 0;
}

/* Updates dist, the field (pass, closed) for the previous smoke costs, to
 * the current ones, given the cells whose cost changed (so the grid edges
 * at them changed; flights and landings cost no smoke).
 *
 * 1. Invalidation, in queue order of the old distances from the ends of the
 *    changed edges: a node keeps its distance if a kept node still reaches
 *    it exactly over an edge at the new costs (a source always does);
 *    otherwise it is bad, and the nodes after it that may rest on it are
 *    examined too. A node never examined rests, over an unchanged edge, on
 *    one that kept its distance, and keeps it too.
 * 2. The bad nodes are cleared; the search is seeded with the kept tails of
 *    the edges into them and the kept ends of the changed edges (the only
 *    edges that can now give a shorter distance).
 * Every distance left is reached by a path at the new costs and every edge
 * that could lower one is relaxed, so the search ends on the unique
 * solution of d(v) = min over u of d(u) + w(u, v) (rounded additions are
 * monotonic and every edge is positive but the landing-to-stair one), the
 * same bit for bit as build_one's. */
static int update_one(const struct evac_sim *s, const uint8_t *closed,
                      const uint8_t *pass, const int32_t *changed,
                      size_t nchanged, uint8_t *marks, double *dist) {
  struct update up = {
      .s = s, .closed = closed, .pass = pass, .dist = dist, .mark = marks};
  field_search(&up.g, &up.ctx, s, closed, pass, dist);
  int rc = around_changes(&up, changed, nchanged, seen);
  struct evac_grid_entry e;
  while (!rc && evac_heap_pop(&up.g.queue, &e, sizeof e,
                              evac_grid_entry_before) == 0) {
    int32_t v = e.node;
    up.mark[v] |= MARK_DONE;
    if ((size_t)v < s->m->ncells && dist[v] == 0.0 &&
        is_source(s, pass, (size_t)v))
      continue;
    int r = in_edges(&up, v, 0);
    if (r == 0) {
      up.mark[v] |= MARK_BAD;
      r = nodes_add(&up.bad, v) || follow_all(&up, v) ? -1 : 0;
    }
    rc = r < 0 ? -1 : 0;
  }
  for (size_t i = 0; !rc && i < up.bad.n; i++)
    dist[up.bad.v[i]] = INFINITY;
  for (size_t i = 0; !rc && i < up.bad.n; i++)
    rc = in_edges(&up, up.bad.v[i], 1) < 0 ? -1 : 0;
  if (!rc)
    rc = around_changes(&up, changed, nchanged, shorter);
  if (!rc)
    rc = evac_grid_search_run(&up.g);
  else
    evac_heap_free(&up.g.queue);
  for (size_t i = 0; i < up.touched.n; i++)
    marks[up.touched.v[i]] = 0;
  free(up.touched.v);
  free(up.bad.v);
  return rc;
}

/* The closures of field slot (NULL for the building as planned). */
static const uint8_t *closures(const struct evac_sim *s, int slot) {
  return slot ? s->closed : NULL;
}

/* Drops slot 1's own arrays (its fields become slot 0's, shared on 1) or
 * its sharing of slot 0's (on 0, it gets its own at the build). */
static void share_slots(struct evac_fields *f, int on) {
  if (on == f->shared)
    return;
  for (int t = f->ntargets; t < 2 * f->ntargets; t++) {
    if (!on) {
      f->dist[t] = NULL;
      f->pass[t] = NULL;
      continue;
    }
    free(f->dist[t]);
    free(f->pass[t]);
    f->dist[t] = f->dist[t - f->ntargets];
    f->pass[t] = f->pass[t - f->ntargets];
  }
  f->shared = on;
}

int evac_fields_build(struct evac_sim *s, int slot) {
  struct evac_fields *f = &s->fields;
  size_t nf = 2 * (size_t)f->ntargets;
  if (!f->dist && !(f->dist = calloc(nf, sizeof *f->dist)))
    return -1;
  if (!f->pass && !(f->pass = calloc(nf, sizeof *f->pass)))
    return -1;
  if (!f->mark && !(f->mark = calloc(s->nnodes, 1)))
    return -1;
  int any_closed = 0;
  for (size_t i = 0; slot && i < s->nnodes && !any_closed; i++)
    any_closed = s->closed[i];
  if (slot && !any_closed && f->dist[0]) {
    /* as planned: the same fields as slot 0's (passable cells and stair
       links alike), which slot 0's builds and updates keep */
    share_slots(f, 1);
    return 0;
  }
  if (slot)
    share_slots(f, 0);
  for (int t = 0; t < f->ntargets; t++) {
    size_t i = (size_t)slot * f->ntargets + t;
    if (!f->dist[i] && !(f->dist[i] = malloc(s->nnodes * sizeof *f->dist[i])))
      return -1;
    if (!f->pass[i] && !(f->pass[i] = malloc(s->m->ncells + 1)))
      return -1;
    pass_map(s, closures(s, slot), f->target[t], f->pass[i]);
    if (build_one(s, closures(s, slot), f->pass[i], f->dist[i]))
      return -1;
  }
  return 0;
}

int evac_fields_update(struct evac_sim *s, int slot, const int32_t *changed,
                       size_t nchanged) {
  struct evac_fields *f = &s->fields;
  if (slot && f->shared)
    return 0; /* slot 0's update did it */
  for (int t = 0; t < f->ntargets; t++) {
    size_t i = (size_t)slot * f->ntargets + t;
    if (update_one(s, closures(s, slot), f->pass[i], changed, nchanged, f->mark,
                   f->dist[i]))
      return -1;
  }
  return 0;
}

void evac_fields_free(struct evac_fields *f) {
  int own = f->shared ? f->ntargets : 2 * f->ntargets; /* arrays owned */
  for (int i = 0; f->dist && i < own; i++)
    free(f->dist[i]);
  for (int i = 0; f->pass && i < own; i++)
    free(f->pass[i]);
  free(f->dist);
  free(f->pass);
  free(f->mark);
  free(f->target);
  *f = (struct evac_fields){0};
}
