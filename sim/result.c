/* The in-memory result: event type names, column sets that grow by
 * doubling, allocation of the per-agent columns and freeing. */
#include "result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *evac_event_type_name(enum evac_event_type t) {
  switch (t) {
  case EVAC_LOG_START:
    return "start";
  case EVAC_LOG_SAFE:
    return "safe";
  case EVAC_LOG_STAIR_ENTER:
    return "stair_enter";
  case EVAC_LOG_STAIR_EXIT:
    return "stair_exit";
  case EVAC_LOG_REROUTE:
    return "reroute";
  case EVAC_LOG_TRAPPED:
    return "trapped";
  case EVAC_LOG_CLOSE:
    return "close";
  case EVAC_LOG_OPEN:
    return "open";
  case EVAC_LOG_NTYPES:
    break;
  }
  return "unknown";
}

/* Grows the column whose pointer is at p (a T **) to cap elements of size
 * elem. On failure the column is kept as it was; on success the old block is
 * already freed, so the pointer is updated at once and a later failure of
 * another column leaves this one merely larger. The pointer is copied with
 * memcpy so that any T * can be handled without aliasing it as void *. */
static int grow(void *p, size_t elem, size_t cap) {
  void *old, *q;
  if (cap > SIZE_MAX / elem)
    return -1;
  memcpy(&old, p, sizeof old);
  q = realloc(old, cap * elem);
  if (!q)
    return -1;
  memcpy(p, &q, sizeof q);
  return 0;
}

/* The capacity after cap when need elements are required (doubling). */
static size_t next_cap(size_t cap, size_t need) {
  size_t c = cap ? cap : 16;
  while (c < need) {
    if (c > SIZE_MAX / 2)
      return need;
    c *= 2;
  }
  return c;
}

int evac_result_series_push(struct evac_result_series *s, double time_s,
                            int32_t evacuated, int32_t incapacitated,
                            int32_t remaining, int32_t on_stairs,
                            double hrr_kw) {
  if (s->n == s->cap) {
    size_t c = next_cap(s->cap, s->n + 1);
    if (grow(&s->time_s, sizeof *s->time_s, c) ||
        grow(&s->evacuated, sizeof *s->evacuated, c) ||
        grow(&s->incapacitated, sizeof *s->incapacitated, c) ||
        grow(&s->remaining, sizeof *s->remaining, c) ||
        grow(&s->on_stairs, sizeof *s->on_stairs, c) ||
        grow(&s->hrr_kw, sizeof *s->hrr_kw, c))
      return -1;
    s->cap = c;
  }
  size_t i = s->n++;
  s->time_s[i] = time_s;
  s->evacuated[i] = evacuated;
  s->incapacitated[i] = incapacitated;
  s->remaining[i] = remaining;
  s->on_stairs[i] = on_stairs;
  s->hrr_kw[i] = hrr_kw;
  return 0;
}

int evac_result_events_push(struct evac_result_events *e, double time_s,
                            enum evac_event_type type, int32_t agent,
                            int32_t floor, int32_t x, int32_t y,
                            int32_t target) {
  if (e->n == e->cap) {
    size_t c = next_cap(e->cap, e->n + 1);
    if (grow(&e->time_s, sizeof *e->time_s, c) ||
        grow(&e->type, sizeof *e->type, c) ||
        grow(&e->agent, sizeof *e->agent, c) ||
        grow(&e->floor, sizeof *e->floor, c) || grow(&e->x, sizeof *e->x, c) ||
        grow(&e->y, sizeof *e->y, c) || grow(&e->target, sizeof *e->target, c))
      return -1;
    e->cap = c;
  }
  size_t i = e->n++;
  e->time_s[i] = time_s;
  e->type[i] = (int8_t)type;
  e->agent[i] = agent;
  e->floor[i] = floor;
  e->x[i] = x;
  e->y[i] = y;
  e->target[i] = target;
  return 0;
}

int evac_result_measure_push(struct evac_result_measure *m, double time_s,
                             int8_t direction, int32_t agent) {
  if (m->n == m->cap) {
    size_t c = next_cap(m->cap, m->n + 1);
    if (grow(&m->time_s, sizeof *m->time_s, c) ||
        grow(&m->direction, sizeof *m->direction, c) ||
        grow(&m->agent, sizeof *m->agent, c))
      return -1;
    m->cap = c;
  }
  size_t i = m->n++;
  m->time_s[i] = time_s;
  m->direction[i] = direction;
  m->agent[i] = agent;
  return 0;
}

int evac_result_traj_push(struct evac_result_traj *t, double time_s,
                          int nagents, const float *pos_m, const int16_t *floor,
                          const int8_t *state) {
  if (nagents < 0)
    return -1;
  size_t na = (size_t)nagents;
  if (t->n == t->cap) {
    size_t c = next_cap(t->cap, t->n + 1);
    if (na && c > SIZE_MAX / (2 * na))
      return -1;
    /* per-sample blocks: grow() multiplies by the element size */
    if (grow(&t->time_s, sizeof *t->time_s, c) ||
        grow(&t->pos_m, sizeof *t->pos_m, c * (na ? 2 * na : 1)) ||
        grow(&t->floor, sizeof *t->floor, c * (na ? na : 1)) ||
        grow(&t->state, sizeof *t->state, c * (na ? na : 1)))
      return -1;
    t->cap = c;
  }
  size_t i = t->n++;
  t->time_s[i] = time_s;
  if (na) {
    memcpy(t->pos_m + i * 2 * na, pos_m, 2 * na * sizeof *pos_m);
    memcpy(t->floor + i * na, floor, na * sizeof *floor);
    memcpy(t->state + i * na, state, na * sizeof *state);
  }
  return 0;
}

/* Allocates n elements of size elem, zeroed (at least one element). */
static void *column(size_t n, size_t elem) { return calloc(n ? n : 1, elem); }

int evac_result_init(struct evac_result *r, int n, int nmeasures) {
  memset(r, 0, sizeof *r);
  if (n < 0 || nmeasures < 0)
    return -1;
  size_t na = (size_t)n;
  struct evac_result_agents *a = &r->agents;
  a->profile = column(na, sizeof *a->profile);
  a->floor = column(na, sizeof *a->floor);
  a->start_x = column(na, sizeof *a->start_x);
  a->start_y = column(na, sizeof *a->start_y);
  a->speed_m_s = column(na, sizeof *a->speed_m_s);
  a->premovement_s = column(na, sizeof *a->premovement_s);
  a->exit_time_s = column(na, sizeof *a->exit_time_s);
  a->safe_place = column(na, sizeof *a->safe_place);
  a->fed_max = column(na, sizeof *a->fed_max);
  a->incapacitated = column(na, sizeof *a->incapacitated);
  a->distance_m = column(na, sizeof *a->distance_m);
  r->measures = column((size_t)nmeasures, sizeof *r->measures);
  if (!a->profile || !a->floor || !a->start_x || !a->start_y || !a->speed_m_s ||
      !a->premovement_s || !a->exit_time_s || !a->safe_place || !a->fed_max ||
      !a->incapacitated || !a->distance_m || !r->measures) {
    evac_result_free(r);
    return -1;
  }
  for (size_t i = 0; i < na; i++) {
    a->exit_time_s[i] = NAN;
    a->safe_place[i] = -1;
  }
  r->occupants = n;
  r->remaining = n;
  r->nmeasures = nmeasures;
  r->evacuation_time_s = NAN;
  r->aset_s = NAN;
  r->first_incapacitation_s = NAN;
  return 0;
}

void evac_result_free(struct evac_result *r) {
  struct evac_result_agents *a = &r->agents;
  free(a->profile);
  free(a->floor);
  free(a->start_x);
  free(a->start_y);
  free(a->speed_m_s);
  free(a->premovement_s);
  free(a->exit_time_s);
  free(a->safe_place);
  free(a->fed_max);
  free(a->incapacitated);
  free(a->distance_m);
  struct evac_result_series *s = &r->series;
  free(s->time_s);
  free(s->evacuated);
  free(s->incapacitated);
  free(s->remaining);
  free(s->on_stairs);
  free(s->hrr_kw);
  struct evac_result_traj *t = &r->traj;
  free(t->time_s);
  free(t->pos_m);
  free(t->floor);
  free(t->state);
  if (r->measures)
    for (int i = 0; i < r->nmeasures; i++) {
      free(r->measures[i].time_s);
      free(r->measures[i].direction);
      free(r->measures[i].agent);
    }
  free(r->measures);
  struct evac_result_events *e = &r->events;
  free(e->time_s);
  free(e->type);
  free(e->agent);
  free(e->floor);
  free(e->x);
  free(e->y);
  free(e->target);
  memset(r, 0, sizeof *r);
}
