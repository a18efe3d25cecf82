/* Fire lifts as servers (docs/hospital.md).
 *
 * A fire lift carries one bed (with its staff) a trip, first come first
 * served. Its car waits at the discharge floor (fire lifts are recalled
 * there at the alarm): the served floor whose lobby is nearest to a safe
 * place. A trip: the car travels to the bed's floor at the lift's speed,
 * stops (doors, EVAC_LIFT_DOOR_S), takes the bed in (EVAC_LIFT_BED_S),
 * rides to the discharge floor, stops and lets the bed out. A lift is out
 * of service when failed (hazard fire_lift_failed) or while the timeline
 * keeps its cells on the bed's floor closed. Lobby cells are the walkable
 * cells beside a lift's cells. */
#include <math.h>
#include <stdlib.h>

#include "sim.h"

/* One lift's state. */
struct car {
  int home;           /* discharge floor, -1 if the lift serves no floor */
  int32_t home_lobby; /* its lobby cell nearest to a safe place */
  int at;             /* floor the car is at (after its last booked trip) */
  int64_t free_at;    /* tick its last booked trip ends */
  int trips;          /* trips booked */
  double wait_max;    /* longest wait at a lobby, s */
  int queue_max;      /* most beds waiting at once */
  int64_t *start;     /* start ticks of the booked trips */
};

/* The plan's lifts. */
struct evac_lifts {
  int n;           /* lifts */
  struct car *car; /* [n] their cars, in plan order */
};

/* 1 if cell c (of floor f) is beside a cell of lift feature fe. */
static int beside(const struct evac_model *m, int f, int32_t c, int fe) {
  const struct evac_floor *fl = &m->floors[f];
  size_t i = (size_t)c - fl->offset;
  int x = (int)(i % (size_t)fl->nx), y = (int)(i / (size_t)fl->nx);
  struct evac_nb nb[9];
  for (int k = 0, n = evac_model_neighbours(m, f, x, y, 1, nb); k < n; k++)
    if (m->cell_feature[nb[k].cell] == fe)
      return 1;
  return 0;
}

/* 1 if cell c may be a lobby cell: walkable, not itself a safe place. */
static int lobby_kind(uint8_t k) {
  return evac_cell_walkable(k) && k != EVAC_CELL_EXIT &&
         k != EVAC_CELL_REFUGE && k != EVAC_CELL_STAIR;
}

/* The lobby cell of lift feature fe on floor f minimising cost[] (indexed
 * by cell when rel is 0, by cell - floor offset when rel is 1); -1 if the
 * lift does not serve f. *best receives the cost. */
static int32_t lobby(const struct evac_sim *s, int f, int fe,
                     const double *cost, int rel, double *best) {
  const struct evac_model *m = s->m;
  const struct evac_floor *fl = &m->floors[f];
  size_t n = (size_t)fl->nx * fl->ny;
  int32_t pick = -1;
  *best = INFINITY;
  for (size_t i = 0; i < n; i++) {
    int32_t c = (int32_t)(fl->offset + i);
    if (!lobby_kind(m->cell_kind[c]) || s->closed[c] || !beside(m, f, c, fe))
      continue;
    double v = cost[rel ? i : (size_t)c];
    if (pick < 0 || v < *best)
      pick = c, *best = v;
  }
  return pick;
}

/* 1 if lift i's cells on floor f are closed by the timeline. */
static int closed_on(const struct evac_sim *s, int i, int f) {
  const struct evac_model *m = s->m;
  const struct evac_floor *fl = &m->floors[f];
  size_t end = fl->offset + (size_t)fl->nx * fl->ny;
  for (size_t c = fl->offset; c < end; c++)
    if (m->cell_feature[c] == m->lifts[i].feature && s->closed[c])
      return 1;
  return 0;
}

struct evac_lifts *evac_lifts_create(const struct evac_sim *s) {
  const struct evac_model *m = s->m;
  struct evac_lifts *l = calloc(1, sizeof *l);
  if (!l)
    return NULL;
  l->n = m->nlifts;
  l->car = calloc((size_t)l->n + 1, sizeof *l->car);
  if (!l->car) {
    free(l);
    return NULL;
  }
  const double *S = s->fields.dist[0];
  for (int i = 0; i < l->n; i++) {
    struct car *c = &l->car[i];
    c->home = -1;
    c->home_lobby = -1;
    double best = INFINITY;
    for (int f = 0; f < m->nfloors; f++) {
      double v;
      int32_t lc = lobby(s, f, m->lifts[i].feature, S, 0, &v);
      if (lc >= 0 && (c->home < 0 || v < best))
        c->home = f, c->home_lobby = lc, best = v;
    }
    c->at = c->home;
    c->start = malloc(sizeof *c->start);
    if (!c->start) {
      evac_lifts_free(l);
      return NULL;
    }
  }
  return l;
}

int evac_lifts_pick(const struct evac_sim *s, const struct evac_lifts *l,
                    int32_t from, const double *dist, int32_t *lobby_out,
                    double *walk_m) {
  const struct evac_model *m = s->m;
  int f = s->cell_floor[from], pick = -1;
  *walk_m = INFINITY;
  for (int i = 0; i < l->n; i++) {
    const struct evac_lift *li = &m->lifts[i];
    const struct car *c = &l->car[i];
    if (!li->fire_lift || li->failed || li->beds < 1 || c->home < 0 ||
        m->floors[c->home].elevation_m >= m->floors[f].elevation_m ||
        closed_on(s, i, f) || closed_on(s, i, c->home))
      continue;
    double d;
    int32_t lc = lobby(s, f, li->feature, dist, 1, &d);
    if (lc >= 0 && isfinite(d) && d < *walk_m)
      pick = i, *walk_m = d, *lobby_out = lc;
  }
  return pick;
}

int64_t evac_lifts_book(struct evac_sim *s, struct evac_lifts *l, int i,
                        int32_t lobby_cell, int32_t *out) {
  const struct evac_model *m = s->m;
  struct car *c = &l->car[i];
  const double v = m->lifts[i].speed_m_s;
  int f = s->cell_floor[lobby_cell];
  int64_t start = c->free_at > s->now ? c->free_at : s->now;
  int queue = start > s->now;
  for (int k = 0; k < c->trips; k++)
    queue += c->start[k] > s->now;
  double come =
      fabs(m->floors[c->at].elevation_m - m->floors[f].elevation_m) / v;
  double ride =
      fabs(m->floors[f].elevation_m - m->floors[c->home].elevation_m) / v;
  double wait = (double)(start - s->now) / EVAC_TICKS_PER_S + come;
  double dur = come + ride + 2.0 * (EVAC_LIFT_DOOR_S + EVAC_LIFT_BED_S);
  int64_t end = start + (int64_t)llround(dur * EVAC_TICKS_PER_S);
  int64_t *st = realloc(c->start, ((size_t)c->trips + 1) * sizeof *st);
  if (!st)
    return -1;
  c->start = st;
  c->start[c->trips++] = start;
  c->free_at = end;
  c->at = c->home;
  if (wait > c->wait_max)
    c->wait_max = wait;
  if (queue > c->queue_max)
    c->queue_max = queue;
  *out = c->home_lobby;
  return end;
}

double evac_lifts_eta_s(const struct evac_sim *s, const struct evac_lifts *l,
                        int i, int32_t lobby_cell, double walk_s) {
  const struct evac_model *m = s->m;
  const struct car *c = &l->car[i];
  const double v = m->lifts[i].speed_m_s;
  int f = s->cell_floor[lobby_cell];
  double now = (double)s->now / EVAC_TICKS_PER_S;
  double start = fmax(now + walk_s, (double)c->free_at / EVAC_TICKS_PER_S);
  double come =
      fabs(m->floors[c->at].elevation_m - m->floors[f].elevation_m) / v;
  double ride =
      fabs(m->floors[f].elevation_m - m->floors[c->home].elevation_m) / v;
  return start - now + come + ride + 2.0 * (EVAC_LIFT_DOOR_S + EVAC_LIFT_BED_S);
}

double evac_lifts_staff_s(const struct evac_sim *s, const struct evac_lifts *l,
                          int i, int32_t lobby_cell, double speed) {
  const struct evac_model *m = s->m;
  const struct car *c = &l->car[i];
  int f = s->cell_floor[lobby_cell];
  double ride =
      fabs(m->floors[f].elevation_m - m->floors[c->home].elevation_m) /
      m->lifts[i].speed_m_s;
  return s->fields.dist[0][c->home_lobby] / speed + 2.0 * EVAC_LIFT_DOOR_S +
         ride;
}

void evac_lifts_stats(const struct evac_lifts *l, int i, int *trips,
                      double *wait_max_s, int *queue_max) {
  *trips = l->car[i].trips;
  *wait_max_s = l->car[i].wait_max;
  *queue_max = l->car[i].queue_max;
}

void evac_lifts_free(struct evac_lifts *l) {
  if (!l)
    return;
  for (int i = 0; i < l->n; i++)
    free(l->car[i].start);
  free(l->car);
  free(l);
}
