/* Canonical bytes of the inputs a simulation reads: every field of the
 * model the engine and the models may read, in a fixed order, numbers as
 * their bit patterns (so two models compare equal only if every value is
 * bit for bit the same), arrays with their lengths, strings with theirs. */
#include "fingerprint.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "outcome_store.h"
#include "replicate.h"

#if defined(__LP64__)
/* A field added to one of these structures must be added below too (or
 * stated there as not read by the engine); the sizes make it fail to
 * build until it is. */
_Static_assert(sizeof(struct evac_model) == 592, "evac_model changed");
_Static_assert(sizeof(struct evac_floor) == 40, "evac_floor changed");
_Static_assert(sizeof(struct evac_feature) == 24, "evac_feature changed");
_Static_assert(sizeof(struct evac_stair) == 40, "evac_stair changed");
_Static_assert(sizeof(struct evac_shaft) == 32, "evac_shaft changed");
_Static_assert(sizeof(struct evac_lift) == 32, "evac_lift changed");
_Static_assert(sizeof(struct evac_region) == 48, "evac_region changed");
_Static_assert(sizeof(struct evac_measure) == 32, "evac_measure changed");
_Static_assert(sizeof(struct evac_systems) == 168, "evac_systems changed");
_Static_assert(sizeof(struct evac_fire_spec) == 72, "evac_fire_spec changed");
_Static_assert(sizeof(struct evac_profile) == 272, "evac_profile changed");
_Static_assert(sizeof(struct evac_group) == 44, "evac_group changed");
_Static_assert(sizeof(struct evac_timeline_event) == 32,
               "evac_timeline_event changed");
_Static_assert(sizeof(struct evac_dist) == 40, "evac_dist changed");
#endif

/* A growing byte string; ok 0 once an allocation failed. */
struct sink {
  unsigned char *b;
  size_t n, cap;
  int ok;
  int physics; /* 1: leave out what only the occupants read
                  (evac_fingerprint_physics) */
};

static void put(struct sink *s, const void *p, size_t n) {
  if (!s->ok || n == 0)
    return;
  if (s->n + n > s->cap) {
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->n + n)
      cap *= 2;
    unsigned char *b = realloc(s->b, cap);
    if (!b) {
      s->ok = 0;
      return;
    }
    s->b = b;
    s->cap = cap;
  }
  memcpy(s->b + s->n, p, n);
  s->n += n;
}

static void put_int(struct sink *s, long long v) { put(s, &v, sizeof v); }

static void put_num(struct sink *s, double v) { put(s, &v, sizeof v); }

/* A string with its length (NULL and "" differ). */
static void put_str(struct sink *s, const char *t) {
  put_int(s, t ? (long long)strlen(t) : -1);
  if (t)
    put(s, t, strlen(t));
}

static void put_ints(struct sink *s, const int *v, int n) {
  put_int(s, n);
  for (int i = 0; i < n; i++)
    put_int(s, v[i]);
}

static void put_dist(struct sink *s, const struct evac_dist *d) {
  put_int(s, d->kind);
  put_num(s, d->a);
  put_num(s, d->b);
  put_num(s, d->lo);
  put_num(s, d->hi);
}

/* A per-floor array of n bytes (NULL: a marker). */
static void put_floors(struct sink *s, const uint8_t *v, int n) {
  put_int(s, v ? n : -1);
  if (v)
    put(s, v, (size_t)n);
}

/* The fire the engine simulates: all but its weight (an ignition
 * scenario's likelihood, which only the ensemble reads). */
static void put_fire(struct sink *s, const struct evac_fire_spec *f) {
  put_int(s, f->floor);
  put_int(s, f->x);
  put_int(s, f->y);
  put_int(s, f->growth);
  put_num(s, f->alpha_kw_s2);
  put_num(s, f->peak_kw);
  put_int(s, f->ncurve);
  for (int i = 0; i < f->ncurve; i++) {
    put_num(s, f->curve_t_s[i]);
    put_num(s, f->curve_kw[i]);
  }
  put_int(s, f->fuel);
}

static void put_plan(struct sink *s, const struct evac_model *m) {
  put_str(s, m->name);
  put_num(s, m->cell_m);
  put_int(s, m->nfloors);
  for (int f = 0; f < m->nfloors; f++) {
    const struct evac_floor *fl = &m->floors[f];
    put_str(s, fl->name);
    put_num(s, fl->elevation_m);
    put_num(s, fl->height_m);
    put_int(s, fl->nx);
    put_int(s, fl->ny);
    put_int(s, (long long)fl->offset);
  }
  put_int(s, (long long)m->ncells);
  put(s, m->cell_kind, m->ncells);
  put(s, m->cell_feature, m->ncells * sizeof *m->cell_feature);
  put_int(s, m->nfeatures);
  for (int i = 0; i < m->nfeatures; i++) {
    put_str(s, m->features[i].name);
    put_int(s, m->features[i].kind);
    put_int(s, m->features[i].index);
    put_str(s, m->features[i].elevated);
  }
  put_int(s, m->nstairs);
  for (int i = 0; i < m->nstairs; i++) {
    const struct evac_stair *st = &m->stairs[i];
    put_int(s, st->feature);
    put_num(s, st->width_m);
    put_num(s, st->flight_length_m);
    put_ints(s, st->floors, st->nfloors);
  }
  put_int(s, m->nshafts);
  for (int i = 0; i < m->nshafts; i++) {
    put_int(s, m->shafts[i].feature);
    put_str(s, m->shafts[i].kind);
    put_num(s, m->shafts[i].area_m2);
    put_int(s, m->shafts[i].unsealed);
  }
  /* a lift's failure is read only when staff pick a lift for a patient
     (models/movement/lift.c, evac_lifts_pick, called by the staff model
     alone, which runs only with staff on duty): without staff groups it
     cannot matter */
  int staff = 0;
  for (int g = 0; g < m->ngroups; g++)
    staff |= m->groups[g].staff;
  put_int(s, m->nlifts);
  for (int i = 0; i < m->nlifts; i++) {
    const struct evac_lift *l = &m->lifts[i];
    put_int(s, l->feature);
    put_int(s, l->fire_lift);
    put_int(s, l->capacity);
    put_int(s, l->beds);
    put_num(s, l->speed_m_s);
    put_int(s, staff && !s->physics ? l->failed : 0);
  }
  put_int(s, m->nregions);
  for (int i = 0; i < m->nregions; i++) {
    const struct evac_region *r = &m->regions[i];
    put_str(s, r->name);
    put_int(s, r->floor);
    put_ints(s, r->rect, 4);
    put_str(s, r->kind);
    put_str(s, r->compartment);
  }
  put_int(s, m->nmeasures);
  for (int i = 0; i < m->nmeasures; i++) {
    put_str(s, m->measures[i].name);
    put_int(s, m->measures[i].floor);
    put_ints(s, m->measures[i].line, 4);
  }
}

/* Sprinklers and detectors act only on the fire's floor: the fire model
 * (models/fire/fire.c, evac_fire_advance) and the settled end
 * (sim/engine/settle.c) read the flags of that floor alone, and the
 * settings of a system only where it is on that floor. So with a fire,
 * only whether each system is there, and then its settings, are written:
 * a sprinkler hazard on another floor gives the same inputs. */
static void put_fire_systems(struct sink *s, const struct evac_model *m) {
  const struct evac_systems *y = &m->systems;
  int fl = m->has_fire ? m->fire.floor : -1;
  int at_fire = fl >= 0 && fl < m->nfloors, spr = 1, det = 1;
  put_int(s, at_fire);
  if (at_fire) {
    spr = y->sprinklers && y->sprinkler_floor && y->sprinkler_floor[fl];
    det = y->detectors && y->detector_floor && y->detector_floor[fl];
    put_int(s, spr);
    put_int(s, det);
  } else { /* no fire: all of it */
    put_int(s, y->sprinklers);
    put_floors(s, y->sprinkler_floor, m->nfloors);
    put_int(s, y->detectors);
    put_floors(s, y->detector_floor, m->nfloors);
  }
  if (spr) {
    put_num(s, y->spr_rti);
    put_num(s, y->spr_activation_c);
    put_num(s, y->spr_r_m);
    put_num(s, y->spr_density_mm_s);
  }
  if (det) {
    put_num(s, y->det_rti);
    put_num(s, y->det_activation_dt_c);
    put_num(s, y->det_r_m);
  }
}

static void put_systems(struct sink *s, const struct evac_model *m) {
  const struct evac_systems *y = &m->systems;
  int n = m->nfloors;
  put_fire_systems(s, m);
  put_num(s, y->exhaust_m3_s);
  put_floors(s, y->exhaust_floor, n);
  if (!s->physics) { /* how far people see in smoke, and ladder rescue */
    put_int(s, y->extinction_floor ? n : -1);
    for (int f = 0; y->extinction_floor && f < n; f++)
      put_num(s, y->extinction_floor[f]);
    put_floors(s, y->grilles_floor, n);
  }
  put_num(s, y->stair_pressure_pa);
  put_num(s, y->brigade_arrival_s);
  put_num(s, y->micro_station_s);
  put_int(s, y->water);
  put_num(s, y->ambient_c);
  put_num(s, y->outside_c);
}

/* 1 if timeline event e acts on the fire or the smoke: it shuts or opens
 * a door or fire door, which the smoke holds shut or open with it
 * (evac_smoke_hold_open); the alarm, and the closures of stairs, exits,
 * refuges and doors on floors where they have no door cell, act on the
 * occupants alone. */
static int acts_on_smoke(const struct evac_model *m,
                         const struct evac_timeline_event *e) {
  if (e->action == EVAC_ACT_ALARM)
    return 0;
  for (int f = 0; f < m->nfloors; f++) {
    if (!evac_timeline_on_floor(e, f))
      continue;
    size_t c = m->floors[f].offset,
           end = c + (size_t)m->floors[f].nx * (size_t)m->floors[f].ny;
    for (; c < end; c++)
      if (m->cell_feature[c] == e->feature &&
          (m->cell_kind[c] == EVAC_CELL_DOOR ||
           m->cell_kind[c] == EVAC_CELL_FIRE_DOOR))
        return 1;
  }
  return 0;
}

static void put_scenario(struct sink *s, const struct evac_model *m) {
  put_num(s, m->duration_s);
  put_num(s, s->physics ? 0.0 : m->alarm_delay_s); /* schedules people only */
  put_int(s, m->nprofiles);
  for (int i = 0; i < m->nprofiles; i++) {
    const struct evac_profile *p = &m->profiles[i];
    put_str(s, p->name);
    put_dist(s, &p->speed_m_s);
    put_dist(s, &p->premovement_s);
    put_dist(s, &p->stair_down_factor);
    put_dist(s, &p->stair_up_factor);
    put_dist(s, &p->fed_threshold);
    put_int(s, p->needs_staff);
    put_str(s, p->device);
    put_int(s, p->staff_needed);
    put_dist(s, &p->prepare_s);
  }
  put_int(s, m->ngroups);
  for (int i = 0; i < m->ngroups; i++) {
    const struct evac_group *g = &m->groups[i];
    put_int(s, g->profile);
    put_int(s, g->count);
    put_int(s, g->floor);
    put_ints(s, g->rect, 4);
    put_int(s, g->region);
    put_int(s, g->target);
    put_int(s, g->staff);
    put_int(s, g->source);
  }
  put_int(s, m->allocation);
  put_int(s, m->strategy);
  put_int(s, m->night);
  put_int(s, m->refuge_area);
  put_int(s, m->noccupants);
  int events = 0; /* physics: those that act on the fire or the smoke */
  for (int i = 0; i < m->ntimeline; i++)
    events += !s->physics || acts_on_smoke(m, &m->timeline[i]);
  put_int(s, events);
  for (int i = 0; i < m->ntimeline; i++) {
    const struct evac_timeline_event *e = &m->timeline[i];
    if (s->physics && !acts_on_smoke(m, e))
      continue;
    put_num(s, e->t_s);
    put_int(s, e->action);
    put_int(s, e->feature);
    put_ints(s, e->floors, e->nfloors);
  }
  put_num(s, m->agents_every_s);
  put_num(s, m->fields_every_s);
  put_int(s, m->has_fire);
  put_fire(s, &m->fire);
  put_int(s, m->smoke_model);
}

/* The bytes of m (physics: evac_fingerprint_physics's). */
static uint64_t fingerprint(const struct evac_model *m, int physics,
                            unsigned char **bytes, size_t *n) {
  struct sink s = {.ok = 1, .physics = physics};
  put_plan(&s, m);
  put_systems(&s, m);
  put_scenario(&s, m);
  if (!s.ok) {
    free(s.b);
    *bytes = NULL;
    *n = 0;
    return 0;
  }
  *bytes = s.b;
  *n = s.n;
  return evac_fnv(EVAC_FNV_START, s.b, s.n);
}

uint64_t evac_fingerprint(const struct evac_model *m, unsigned char **bytes,
                          size_t *n) {
  return fingerprint(m, 0, bytes, n);
}

uint64_t evac_fingerprint_physics(const struct evac_model *m,
                                  unsigned char **bytes, size_t *n) {
  return fingerprint(m, 1, bytes, n);
}

uint64_t evac_fingerprint_variant(const char *path,
                                  const struct evac_model *listed,
                                  uint64_t fixed, const struct evac_stratum *s,
                                  int physics, struct evac_model *m,
                                  unsigned char **bytes, size_t *n) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *own = NULL;
  uint64_t h = 0;
  *bytes = NULL;
  if (!m && evac_replicate_load(path, listed, fixed, &d, &own) == EVAC_OK)
    m = own;
  if (m && (!s || evac_replicate_fire(m, s) == 0))
    h = fingerprint(m, physics, bytes, n);
  evac_model_free(own);
  evac_diag_free(&d);
  return h;
}
