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

static int build_one(const struct evac_sim *s, const uint8_t *closed,
                     int target, double *dist) {
  const struct evac_model *m = s->m;
  const double cell = m->cell_m, diag = cell * sqrt(2.0);
  struct pq q = {0};
  for (size_t i = 0; i < s->nnodes; i++)
    dist[i] = INFINITY;
  for (size_t c = 0; c < m->ncells; c++) {
    uint8_t k = m->cell_kind[c];
    if ((k == EVAC_CELL_EXIT || k == EVAC_CELL_REFUGE) &&
        !(s->unsafe && s->unsafe[c]) &&
        passable(s, closed, (int32_t)c, target)) {
      dist[c] = 0.0;
      if (pq_push(&q, 0.0, (int32_t)c))
        goto oom;
    }
  }
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
          if (passable(s, closed, s->landings[i], target) &&
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
        int32_t v = (int32_t)evac_model_cell(m, f, nx, ny);
        if (!passable(s, closed, v, target))
          continue;
        if (dx && dy &&
            (!passable(s, closed, (int32_t)evac_model_cell(m, f, nx, y),
                       target) ||
             !passable(s, closed, (int32_t)evac_model_cell(m, f, x, ny),
                       target)))
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

void evac_fields_free(struct evac_fields *f) {
  for (int i = 0; f->dist && i < 2 * f->ntargets; i++)
    free(f->dist[i]);
  free(f->dist);
  free(f->target);
  *f = (struct evac_fields){0};
}
