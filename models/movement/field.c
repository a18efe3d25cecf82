/* Static floor fields: the walking distance from every cell (and stair
 * node) to the nearest open safe place of a target set, over all floors,
 * by Dijkstra's algorithm on the 8-neighbour grid. A diagonal step must not
 * cut a corner: both cells beside it must be passable. A stair landing is
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

#include "sim.h"

/* Dijkstra queue entry (lazy deletion: stale entries are skipped). */
struct qent {
  double d;
  int32_t node;
};

struct pq {
  struct qent *e;
  size_t n, cap;
};

static int pq_push(struct pq *q, double d, int32_t node) {
  if (q->n == q->cap) {
    size_t cap = q->cap ? 2 * q->cap : 1024;
    struct qent *e = realloc(q->e, cap * sizeof *e);
    if (!e)
      return -1;
    q->e = e;
    q->cap = cap;
  }
  size_t i = q->n++;
  while (i > 0 && q->e[(i - 1) / 2].d > d) {
    q->e[i] = q->e[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  q->e[i] = (struct qent){d, node};
  return 0;
}

static struct qent pq_pop(struct pq *q) {
  struct qent top = q->e[0], last = q->e[--q->n];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= q->n)
      break;
    if (c + 1 < q->n && q->e[c + 1].d < q->e[c].d)
      c++;
    if (q->e[c].d >= last.d)
      break;
    q->e[i] = q->e[c];
    i = c;
  }
  if (q->n)
    q->e[i] = last;
  return top;
}

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

/* Relaxes node v from u at distance du + w. */
static int relax(struct pq *q, double *dist, int32_t v, double dv) {
  if (dv < dist[v]) {
    dist[v] = dv;
    return pq_push(q, dv, v);
  }
  return 0;
}

/* Cost of a step of length len between cells u and v in smoke. */
static double step_cost(const struct evac_sim *s, int32_t u, int32_t v,
                        double len) {
  if (!s->smoke_cost)
    return len;
  return len * 0.5 * (s->smoke_cost[u] + s->smoke_cost[v]);
}

/* passable() of every cell under closed and target, one byte a cell, so
 * the search reads one byte per neighbour. NULL out of memory. */
static uint8_t *pass_map(const struct evac_sim *s, const uint8_t *closed,
                         int target) {
  uint8_t *pass = malloc(s->m->ncells + 1);
  for (size_t c = 0; pass && c < s->m->ncells; c++)
    pass[c] = (uint8_t)passable(s, closed, (int32_t)c, target);
  return pass;
}

/* 1 if cell c is a safe place of the target set (a source). */
static int is_source(const struct evac_sim *s, const uint8_t *pass, size_t c) {
  uint8_t k = s->m->cell_kind[c];
  return (k == EVAC_CELL_EXIT || k == EVAC_CELL_REFUGE) && pass[c] &&
         !(s->unsafe && s->unsafe[c]);
}

/* Runs Dijkstra's search from the queue q over dist (entries in q are
 * final-or-better labels); frees q. Returns 0 or -1. */
static int search(const struct evac_sim *s, const uint8_t *closed,
                  const uint8_t *pass, struct pq *qp, double *dist) {
  const struct evac_model *m = s->m;
  const double cell = m->cell_m, diag = cell * sqrt(2.0);
  struct pq q = *qp;
  while (q.n) {
    struct qent top = pq_pop(&q);
    int32_t u = top.node;
    if (top.d > dist[u])
      continue;
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
          if (pass[s->landings[i]] &&
              relax(&q, dist, s->landings[i], top.d + f->length_m))
            goto oom;
      }
      continue;
    }
    int f, x, y;
    evac_sim_cell_xy(s, u, &f, &x, &y);
    const struct evac_floor *fl = &m->floors[f];
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++) {
        int nx = x + dx, ny = y + dy;
        if ((!dx && !dy) || nx < 0 || ny < 0 || nx >= fl->nx || ny >= fl->ny)
          continue;
        int32_t v = u + dy * fl->nx + dx;
        if (!pass[v])
          continue;
        if (dx && dy && (!pass[u + dx] || !pass[u + dy * fl->nx]))
          continue;
        if (relax(&q, dist, v,
                  top.d + step_cost(s, u, v, dx && dy ? diag : cell)))
          goto oom;
      }
    if (m->cell_kind[u] == EVAC_CELL_STAIR) {
      int st = m->features[m->cell_feature[u]].index;
      int k = s->stair_k[st * m->nfloors + f];
      int32_t v = (int32_t)m->ncells + s->stair_node[st] + k;
      if (k >= 0 && !(closed && closed[v]) && relax(&q, dist, v, top.d))
        goto oom;
    }
  }
  free(q.e);
  return 0;
oom:
  free(q.e);
  return -1;
}

/* Dijkstra from the open safe places of target into dist. */
static int build_one(const struct evac_sim *s, const uint8_t *closed,
                     int target, double *dist) {
  struct pq q = {0};
  uint8_t *pass = pass_map(s, closed, target);
  if (!pass)
    return -1;
  for (size_t i = 0; i < s->nnodes; i++)
    dist[i] = INFINITY;
  int rc = 0;
  for (size_t c = 0; c < s->m->ncells && !rc; c++)
    if (is_source(s, pass, c)) {
      dist[c] = 0.0;
      rc = pq_push(&q, 0.0, (int32_t)c);
    }
  rc = rc ? (free(q.e), -1) : search(s, closed, pass, &q, dist);
  free(pass);
  return rc;
}

/* The smallest distance in dist of the cells flagged in changed and their
 * eight neighbours: every edge whose cost changed has both ends at this
 * distance or beyond. */
static double change_front(const struct evac_sim *s, const uint8_t *changed,
                           const double *dist) {
  const struct evac_model *m = s->m;
  double theta = INFINITY;
  for (int f = 0; f < m->nfloors; f++) {
    const struct evac_floor *fl = &m->floors[f];
    for (int y = 0; y < fl->ny; y++)
      for (int x = 0; x < fl->nx; x++) {
        size_t c = evac_model_cell(m, f, x, y);
        if (!changed[c])
          continue;
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++) {
            int nx = x + dx, ny = y + dy;
            if (nx >= 0 && ny >= 0 && nx < fl->nx && ny < fl->ny &&
                dist[evac_model_cell(m, f, nx, ny)] < theta)
              theta = dist[evac_model_cell(m, f, nx, ny)];
          }
      }
  }
  return theta;
}

/* Updates dist, the field of target under closed for the previous smoke
 * costs, to the current ones, given the cells whose cost changed. Let
 * theta be change_front(): a node closer than theta reaches its target by
 * a path that uses no changed edge, and any path over a changed edge is at
 * least theta long, so its distance stays as it is. The search restarts
 * from the kept nodes within one longest edge of theta (the only ones with
 * an edge to a node at theta or beyond) and recomputes the rest. Dijkstra's
 * labels are the unique solution of d(v) = min over u of d(u) + w(u, v)
 * (rounded additions are monotonic and every edge is positive), so the
 * result is bit for bit the one build_one gives. */
static int update_one(const struct evac_sim *s, const uint8_t *closed,
                      int target, const uint8_t *changed, double wmax,
                      double *dist) {
  double theta = change_front(s, changed, dist);
  if (theta == INFINITY)
    return 0; /* no changed edge is reachable: nothing moves */
  struct pq q = {0};
  uint8_t *pass = pass_map(s, closed, target);
  if (!pass)
    return -1;
  /* margin: fl(d + w) >= theta needs d >= theta - w - one rounding */
  double band = theta - wmax * (1.0 + 1e-9) - 1e-9;
  int rc = 0;
  for (size_t v = 0; v < s->nnodes && !rc; v++) {
    if (dist[v] >= theta)
      dist[v] = INFINITY;
    else if (dist[v] >= band)
      rc = pq_push(&q, dist[v], (int32_t)v);
  }
  for (size_t c = 0; c < s->m->ncells && !rc; c++)
    if (is_source(s, pass, c) && dist[c] > 0.0) {
      dist[c] = 0.0;
      rc = pq_push(&q, 0.0, (int32_t)c);
    }
  rc = rc ? (free(q.e), -1) : search(s, closed, pass, &q, dist);
  free(pass);
  return rc;
}

int evac_fields_build(struct evac_sim *s, int slot) {
  struct evac_fields *f = &s->fields;
  if (!f->dist && !(f->dist = calloc(2 * (size_t)f->ntargets, sizeof *f->dist)))
    return -1;
  int any_closed = 0;
  for (size_t i = 0; slot && i < s->nnodes && !any_closed; i++)
    any_closed = s->closed[i];
  for (int t = 0; t < f->ntargets; t++) {
    double **d = &f->dist[(size_t)slot * f->ntargets + t];
    if (!*d && !(*d = malloc(s->nnodes * sizeof **d)))
      return -1;
    if (slot && !any_closed && f->dist[t]) /* as planned: the same field */
      memcpy(*d, f->dist[t], s->nnodes * sizeof **d);
    else if (build_one(s, slot ? s->closed : NULL, f->target[t], *d))
      return -1;
  }
  return 0;
}

int evac_fields_update(struct evac_sim *s, int slot, const uint8_t *changed) {
  struct evac_fields *f = &s->fields;
  const struct evac_model *m = s->m;
  int any_closed = 0;
  for (size_t i = 0; slot && i < s->nnodes && !any_closed; i++)
    any_closed = s->closed[i];
  double wmax = 0.0;
  for (size_t c = 0; c < m->ncells; c++) {
    double w = s->smoke_cost ? s->smoke_cost[c] : 1.0;
    wmax = w > wmax ? w : wmax;
  }
  wmax *= m->cell_m * sqrt(2.0);
  for (int i = 0; i < s->nflights; i++)
    wmax = fmax(wmax, s->flights[i].length_m);
  for (int t = 0; t < f->ntargets; t++) {
    double *d = f->dist[(size_t)slot * f->ntargets + t];
    if (slot && !any_closed) /* as planned: the same field */
      memcpy(d, f->dist[t], s->nnodes * sizeof *d);
    else if (update_one(s, slot ? s->closed : NULL, f->target[t], changed, wmax,
                        d))
      return -1;
  }
  return 0;
}

void evac_fields_free(struct evac_fields *f) {
  for (int i = 0; f->dist && i < 2 * f->ntargets; i++)
    free(f->dist[i]);
  free(f->dist);
  free(f->target);
  *f = (struct evac_fields){0};
}
