/* The in-memory result: event type names, column sets that grow by
 * doubling, smoke field samples, allocation of the per-agent columns and
 * freeing. */
#include "result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "model.h"

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
  case EVAC_LOG_INCAPACITATED:
    return "incapacitated";
  case EVAC_LOG_ESCALATE:
    return "escalate";
  case EVAC_LOG_GRIDLOCKED:
    return "gridlocked";
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
  if (t->sink && t->n > t->held) { /* hand the held sample on */
    if (t->sink->traj(t->sink->ctx, t->held, nagents, t->pos_m, t->floor,
                      t->state))
      return -1;
    t->held++;
  }
  if (t->n == t->cap) {
    size_t c = next_cap(t->cap, t->n + 1);
    if (grow(&t->time_s, sizeof *t->time_s, c))
      return -1;
    t->cap = c;
  }
  size_t row = t->n - t->held;
  if (row == t->rows_cap) {
    size_t c = next_cap(t->rows_cap, row + 1);
    if (na && c > SIZE_MAX / (2 * na))
      return -1;
    /* per-sample blocks: grow() multiplies by the element size */
    if (grow(&t->pos_m, sizeof *t->pos_m, c * (na ? 2 * na : 1)) ||
        grow(&t->floor, sizeof *t->floor, c * (na ? na : 1)) ||
        grow(&t->state, sizeof *t->state, c * (na ? na : 1)))
      return -1;
    t->rows_cap = c;
  }
  t->time_s[t->n++] = time_s;
  if (na) {
    memcpy(t->pos_m + row * 2 * na, pos_m, 2 * na * sizeof *pos_m);
    memcpy(t->floor + row * na, floor, na * sizeof *floor);
    memcpy(t->state + row * na, state, na * sizeof *state);
  }
  return 0;
}

void evac_result_traj_drop_last(struct evac_result_traj *t) {
  if (t->n > t->held)
    t->n--;
}

const char *evac_field_qty_name(enum evac_field_qty q) {
  switch (q) {
  case EVAC_FQ_LAYER_HEIGHT:
    return "layer_height_m";
  case EVAC_FQ_UPPER_TEMP:
    return "upper_temp_c";
  case EVAC_FQ_SOOT:
    return "soot_kg_m3";
  case EVAC_FQ_CO:
    return "co_ppm";
  case EVAC_FQ_VISIBILITY:
    return "visibility_m";
  case EVAC_FQ_FED_RATE:
    return "fed_rate_per_min";
  case EVAC_NFQ:
    break;
  }
  return "unknown";
}

const char *evac_field_qty_unit(enum evac_field_qty q) {
  switch (q) {
  case EVAC_FQ_LAYER_HEIGHT:
  case EVAC_FQ_VISIBILITY:
    return "m";
  case EVAC_FQ_UPPER_TEMP:
    return "degC";
  case EVAC_FQ_SOOT:
    return "kg/m3";
  case EVAC_FQ_CO:
    return "ppm";
  case EVAC_FQ_FED_RATE:
    return "1/min";
  case EVAC_NFQ:
    break;
  }
  return "1";
}

/* Frees a field set and zeroes it. */
static void fields_free(struct evac_result_fields *f) {
  if (f->data)
    for (size_t i = 0; i < (size_t)f->nfloors * EVAC_NFQ; i++)
      free(f->data[i]);
  if (f->solid)
    for (int k = 0; k < f->nfloors; k++)
      free(f->solid[k]);
  free(f->time_s);
  free(f->ncells);
  free(f->first);
  free(f->data);
  free(f->ambient);
  free(f->solid);
  memset(f, 0, sizeof *f);
}

int evac_result_fields_init(struct evac_result_fields *f,
                            const struct evac_model *m, const float *ambient) {
  memset(f, 0, sizeof *f);
  if (m->nfloors < 0)
    return -1;
  size_t nf = (size_t)m->nfloors;
  f->nfloors = m->nfloors;
  f->ncells = calloc(nf ? nf : 1, sizeof *f->ncells);
  f->first = calloc(nf ? nf : 1, sizeof *f->first);
  f->data = calloc(nf ? nf * EVAC_NFQ : 1, sizeof *f->data);
  f->ambient = calloc(nf ? nf : 1, sizeof *f->ambient);
  f->solid = calloc(nf ? nf : 1, sizeof *f->solid);
  if (!f->ncells || !f->first || !f->data || !f->ambient || !f->solid) {
    fields_free(f);
    return -1;
  }
  for (size_t k = 0; k < nf; k++) {
    const struct evac_floor *fl = &m->floors[k];
    size_t nc = (size_t)fl->nx * (size_t)fl->ny;
    f->ncells[k] = nc;
    f->first[k] = -1;
    memcpy(f->ambient[k], ambient + k * EVAC_NFQ, sizeof f->ambient[k]);
    f->solid[k] = calloc(nc ? nc : 1, 1);
    if (!f->solid[k]) {
      fields_free(f);
      return -1;
    }
    for (size_t c = 0; m->cell_kind && c < nc; c++) {
      uint8_t kind = m->cell_kind[fl->offset + c];
      f->solid[k][c] = kind == EVAC_CELL_WALL || kind == EVAC_CELL_VOID;
    }
  }
  return 0;
}

/* Rows of floor k's arrays at sample capacity cap (it started at first). */
static size_t floor_rows(const struct evac_result_fields *f, int k,
                         size_t cap) {
  return cap - (size_t)f->first[k];
}

/* Grows the sample capacity of f so that one more sample fits. Arrays grown
 * before a failure are merely larger; f is otherwise unchanged. */
static int fields_reserve(struct evac_result_fields *f) {
  if (f->n < f->cap)
    return 0;
  size_t c = next_cap(f->cap, f->n + 1);
  if (grow(&f->time_s, sizeof *f->time_s, c))
    return -1;
  for (int k = 0; k < f->nfloors; k++) {
    if (f->first[k] < 0)
      continue;
    size_t rows = floor_rows(f, k, c);
    if (f->ncells[k] && rows > SIZE_MAX / f->ncells[k])
      return -1;
    for (int q = 0; q < EVAC_NFQ; q++)
      if (grow(&f->data[(size_t)k * EVAC_NFQ + q], sizeof(float),
               rows * (f->ncells[k] ? f->ncells[k] : 1)))
        return -1;
  }
  f->cap = c;
  return 0;
}

/* evac_result_fields_push with a sink: the sample is counted, and
 * handed on. */
static int fields_hand_on(struct evac_result_fields *f, double time_s,
                          const float *const *floor_data) {
  if (f->n == f->cap) {
    size_t c = next_cap(f->cap, f->n + 1);
    if (grow(&f->time_s, sizeof *f->time_s, c))
      return -1;
    f->cap = c;
  }
  for (int k = 0; k < f->nfloors; k++)
    if (f->first[k] < 0 && floor_data[k])
      f->first[k] = (long)f->n;
  f->time_s[f->n++] = time_s;
  return f->sink->fields(f->sink->ctx, f, floor_data);
}

int evac_result_fields_push(struct evac_result_fields *f, double time_s,
                            const float *const *floor_data) {
  if (f->sink)
    return fields_hand_on(f, time_s, floor_data);
  if (fields_reserve(f))
    return -1;
  /* floors getting smoke now: allocate all of them before changing f */
  size_t rows = f->cap - f->n;
  for (int k = 0; k < f->nfloors; k++) {
    if (f->first[k] >= 0 || !floor_data[k])
      continue;
    size_t nc = f->ncells[k] ? f->ncells[k] : 1;
    for (int q = 0; q < EVAC_NFQ; q++) {
      float **d = &f->data[(size_t)k * EVAC_NFQ + q];
      *d = rows > SIZE_MAX / sizeof(float) / nc
               ? NULL
               : malloc(rows * nc * sizeof(float));
      if (*d)
        continue;
      for (int j = 0; j <= k; j++)
        if (f->first[j] < 0)
          for (int p = 0; p < EVAC_NFQ; p++) {
            free(f->data[(size_t)j * EVAC_NFQ + p]);
            f->data[(size_t)j * EVAC_NFQ + p] = NULL;
          }
      return -1;
    }
  }
  for (int k = 0; k < f->nfloors; k++) {
    if (f->first[k] < 0 && !floor_data[k])
      continue;
    if (f->first[k] < 0)
      f->first[k] = (long)f->n;
    size_t nc = f->ncells[k], row = f->n - (size_t)f->first[k];
    for (int q = 0; q < EVAC_NFQ; q++) {
      float *dst = f->data[(size_t)k * EVAC_NFQ + q] + row * nc;
      if (floor_data[k])
        memcpy(dst, floor_data[k] + (size_t)q * nc, nc * sizeof *dst);
      else
        for (size_t c = 0; c < nc; c++)
          dst[c] = f->ambient[k][q];
    }
  }
  f->time_s[f->n++] = time_s;
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
  r->not_out = n;
  r->nmeasures = nmeasures;
  r->evacuation_time_s = NAN;
  r->rset_s = NAN;
  r->rset_p95_s = NAN;
  r->gridlock_time_s = NAN;
  r->aset_s = NAN;
  r->first_incapacitation_s = NAN;
  r->settled_s = NAN;
  return 0;
}

const char *evac_safe_place_name(const struct evac_model *m, int32_t i) {
  if (i == EVAC_SAFE_LADDER)
    return "ladder";
  if (i < 0 || i >= m->nfeatures || !m->features[i].name)
    return "";
  return m->features[i].name;
}

void evac_result_free(struct evac_result *r) {
  struct evac_result_agents *a = &r->agents;
  evac_drill_free(r->drill);
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
  fields_free(&r->fields);
  memset(r, 0, sizeof *r);
}
