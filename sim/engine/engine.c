/* The engine: the simulation object, its event loop, the timeline, the
 * sampling of time series and trajectories, and the run summary. Movement
 * itself is a model behind struct evac_movement_ops (models/movement). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "drill.h"
#include "models/tox/tox.h"
#include "sim.h"

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int64_t to_ticks(double s) {
  return (int64_t)llround(s * EVAC_TICKS_PER_S);
}

/* ------------------------------------------------------------ services */

void evac_sim_cell_xy(const struct evac_sim *s, int32_t cell, int *floor,
                      int *x, int *y) {
  const struct evac_model *m = s->m;
  int f = s->cell_floor[cell];
  size_t i = (size_t)cell - m->floors[f].offset;
  *floor = f;
  *x = (int)(i % (size_t)m->floors[f].nx);
  *y = (int)(i / (size_t)m->floors[f].nx);
}

int evac_sim_untenable(const struct evac_sim *s, int32_t c) {
  return s->smoke_cost && s->smoke_cost[c] >= EVAC_SMOKE_AVERSION;
}

const double *evac_sim_field(const struct evac_sim *s, int agent) {
  const struct evac_agent *a = &s->agents[agent];
  return s->fields.dist[(size_t)a->know * s->fields.ntargets + a->field];
}

/* Pushes agent's next event at tick t, ordered at that tick by prio. */
static int push_agent(struct evac_sim *s, int agent, int64_t t, int64_t prio) {
  struct evac_event e = {.tick = t,
                         .cls = EVAC_EVC_AGENT,
                         .prio = prio,
                         .id = agent,
                         .gen = s->agents[agent].gen};
  if (evac_heap_push(&s->heap, e))
    return -1;
  s->pending++;
  return 0;
}

int evac_sim_schedule_agent(struct evac_sim *s, int agent, int64_t t) {
  return push_agent(s, agent, t, t);
}

int evac_sim_schedule_queued(struct evac_sim *s, int agent, int64_t t) {
  int64_t since = s->agents[agent].since;
  return push_agent(s, agent, t, since < t ? since : t);
}

/* Frees the stale waiters at the head of slot's list, so that a cell that
 * never frees does not collect one per re-registration. */
static void prune_waiters(struct evac_sim *s, int32_t slot) {
  int32_t w = s->wait_head[slot];
  while (w >= 0 && s->wait_gen[w] != s->agents[s->wait_agent[w]].gen) {
    int32_t next = s->wait_next[w];
    s->wait_next[w] = s->wait_free;
    s->wait_free = w;
    w = next;
  }
  s->wait_head[slot] = w;
}

int evac_sim_wait(struct evac_sim *s, int agent, int32_t slot) {
  prune_waiters(s, slot);
  if (s->wait_free < 0) {
    int32_t cap = s->wait_cap ? 2 * s->wait_cap : 1024;
    int32_t *next = realloc(s->wait_next, (size_t)cap * sizeof *next);
    if (!next)
      return -1;
    s->wait_next = next;
    int32_t *ag = realloc(s->wait_agent, (size_t)cap * sizeof *ag);
    if (!ag)
      return -1;
    s->wait_agent = ag;
    uint32_t *gen = realloc(s->wait_gen, (size_t)cap * sizeof *gen);
    if (!gen)
      return -1;
    s->wait_gen = gen;
    for (int32_t i = cap - 1; i >= s->wait_cap; i--) {
      s->wait_next[i] = s->wait_free;
      s->wait_free = i;
    }
    s->wait_cap = cap;
  }
  int32_t w = s->wait_free;
  s->wait_free = s->wait_next[w];
  s->wait_agent[w] = agent;
  s->wait_gen[w] = s->agents[agent].gen;
  s->wait_next[w] = s->wait_head[slot];
  s->wait_head[slot] = w;
  return 0;
}

int evac_sim_wake(struct evac_sim *s, int32_t slot) {
  int32_t w = s->wait_head[slot];
  s->wait_head[slot] = -1;
  while (w >= 0) {
    int32_t next = s->wait_next[w];
    int a = s->wait_agent[w];
    if (s->wait_gen[w] == s->agents[a].gen &&
        evac_sim_schedule_queued(s, a, s->now))
      return -1;
    s->wait_next[w] = s->wait_free;
    s->wait_free = w;
    w = next;
  }
  return 0;
}

int evac_sim_log(struct evac_sim *s, enum evac_event_type type, int agent,
                 int floor, int x, int y, int target) {
  if (s->opts.lean)
    return 0;
  return evac_result_events_push(&s->res.events,
                                 (double)s->now / EVAC_TICKS_PER_S, type, agent,
                                 floor, x, y, target);
}

/* ---------------------------------------------------------- creation */

/* Stair nodes, their landings and the flights between them. */
static int build_stairs(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  int nodes = 0;
  s->stair_node = malloc(((size_t)m->nstairs + 1) * sizeof *s->stair_node);
  s->stair_k =
      malloc(((size_t)m->nstairs * m->nfloors + 1) * sizeof *s->stair_k);
  if (!s->stair_node || !s->stair_k)
    return -1;
  for (int st = 0; st < m->nstairs; st++) {
    s->stair_node[st] = nodes;
    for (int f = 0; f < m->nfloors; f++)
      s->stair_k[st * m->nfloors + f] = -1;
    for (int k = 0; k < m->stairs[st].nfloors; k++)
      s->stair_k[st * m->nfloors + m->stairs[st].floors[k]] = k;
    nodes += m->stairs[st].nfloors;
  }
  s->nnodes = m->ncells + (size_t)nodes;
  s->landing_off = calloc((size_t)nodes + 1, sizeof *s->landing_off);
  s->flight_of = malloc(2 * ((size_t)nodes + 1) * sizeof *s->flight_of);
  if (!s->landing_off || !s->flight_of)
    return -1;
  /* landings, as CSR: count, prefix-sum, fill */
  int nland = 0;
  for (int pass = 0; pass < 2; pass++) {
    int *fill = pass ? calloc((size_t)nodes + 1, sizeof *fill) : NULL;
    if (pass && !fill)
      return -1;
    for (int f = 0; f < m->nfloors; f++) {
      size_t end = m->floors[f].offset +
                   (size_t)m->floors[f].nx * (size_t)m->floors[f].ny;
      for (size_t c = m->floors[f].offset; c < end; c++) {
        if (m->cell_kind[c] != EVAC_CELL_STAIR)
          continue;
        int st = m->features[m->cell_feature[c]].index;
        int node = s->stair_node[st] + s->stair_k[st * m->nfloors + f];
        if (pass)
          s->landings[s->landing_off[node] + fill[node]++] = (int32_t)c;
        else
          s->landing_off[node + 1]++, nland++;
      }
    }
    if (!pass) {
      for (int i = 0; i < nodes; i++)
        s->landing_off[i + 1] += s->landing_off[i];
      s->landings = malloc(((size_t)nland + 1) * sizeof *s->landings);
      if (!s->landings)
        return -1;
    }
    free(fill);
  }
  /* flights: one each way between consecutive served floors */
  for (int i = 0; i < 2 * nodes; i++)
    s->flight_of[i] = -1;
  s->flights = calloc((size_t)nodes * 2 + 1, sizeof *s->flights);
  if (!s->flights)
    return -1;
  for (int st = 0; st < m->nstairs; st++) {
    const struct evac_stair *sd = &m->stairs[st];
    for (int k = 0; k + 1 < sd->nfloors; k++)
      for (int dir = 0; dir < 2; dir++) { /* 0 down (k+1 -> k), 1 up */
        struct evac_flight *fl = &s->flights[s->nflights];
        fl->stair = st;
        fl->from_k = dir ? k : k + 1;
        fl->to_k = dir ? k + 1 : k;
        fl->length_m = sd->flight_length_m;
        fl->headway = to_ticks(1.0 / (EVAC_STAIR_SPECIFIC_FLOW * sd->width_m));
        double cap = sd->flight_length_m * sd->width_m * EVAC_STAIR_MAX_DENSITY;
        fl->capacity = cap < 1.0 ? 1 : (int)cap;
        fl->nlanes = (int)(sd->width_m / EVAC_STAIR_LANE_M + 1e-9);
        if (fl->nlanes < 1)
          fl->nlanes = 1;
        fl->lane_headway = fl->headway * fl->nlanes;
        fl->lane_tail = malloc((size_t)fl->nlanes * sizeof *fl->lane_tail);
        if (!fl->lane_tail)
          return -1;
        for (int l = 0; l < fl->nlanes; l++)
          fl->lane_tail[l] = INT64_MIN / 2;
        s->flight_of[2 * (s->stair_node[st] + fl->from_k) + dir] =
            s->nflights++;
      }
  }
  return 0;
}

/* The stair queue counters (stair nodes, stairs). */
static int init_queues(struct evac_sim *s) {
  size_t nodes = s->nnodes - s->m->ncells;
  s->queue_now = calloc(nodes + 1, sizeof *s->queue_now);
  s->queue_max = calloc((size_t)s->m->nstairs + 1, sizeof *s->queue_max);
  s->queue_wait_max =
      calloc((size_t)s->m->nstairs + 1, sizeof *s->queue_wait_max);
  return s->queue_now && s->queue_max && s->queue_wait_max ? 0 : -1;
}

void evac_sim_landing(struct evac_sim *s, int agent, int32_t c, int enter,
                      int onto_flight) {
  const struct evac_model *m = s->m;
  int st = m->features[m->cell_feature[c]].index;
  int node = s->stair_node[st] + s->stair_k[st * m->nfloors + s->cell_floor[c]];
  struct evac_agent *ag = &s->agents[agent];
  if (enter) {
    ag->landed = s->now;
    if (++s->queue_now[node] > s->queue_max[st])
      s->queue_max[st] = s->queue_now[node];
    return;
  }
  s->queue_now[node]--;
  double wait = (double)(s->now - ag->landed) / EVAC_TICKS_PER_S;
  if (onto_flight && wait > s->queue_wait_max[st])
    s->queue_wait_max[st] = wait;
}

/* Marks the cells of each measure line (Bresenham). */
static void build_measures(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  for (size_t c = 0; c < m->ncells; c++)
    s->measure_of[c] = -1;
  for (int i = 0; i < m->nmeasures; i++) {
    const struct evac_measure *me = &m->measures[i];
    int x = me->line[0], y = me->line[1], x1 = me->line[2], y1 = me->line[3];
    int dx = abs(x1 - x), dy = -abs(y1 - y);
    int sx = x < x1 ? 1 : -1, sy = y < y1 ? 1 : -1, err = dx + dy;
    for (;;) {
      s->measure_of[evac_model_cell(m, me->floor, x, y)] = (int16_t)i;
      if (x == x1 && y == y1)
        break;
      int e2 = 2 * err;
      if (e2 >= dy)
        err += dy, x += sx;
      if (e2 <= dx)
        err += dx, y += sy;
    }
  }
}

/* Target sets of the fields: every safe place, then each group target. */
static int build_targets(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  struct evac_fields *f = &s->fields;
  f->target = malloc(((size_t)m->ngroups + 2) * sizeof *f->target);
  if (!f->target)
    return -1;
  static const int32_t set0[] = {EVAC_TARGET_ALL, EVAC_TARGET_EXITS,
                                 EVAC_TARGET_REFUGES, EVAC_TARGET_REFUGES};
  f->target[f->ntargets++] = set0[m->strategy]; /* enum evac_strategy */
  /* the exits when no refuge is left: stage 3 (tenability.c), full
   * refuges (refuge.c) */
  if ((m->has_fire || m->refuge_area) &&
      set0[m->strategy] == EVAC_TARGET_REFUGES)
    f->target[f->ntargets++] = EVAC_TARGET_EXITS;
  for (int g = 0; g < m->ngroups; g++) {
    int t = m->groups[g].target, seen = 0;
    for (int i = 0; i < f->ntargets; i++)
      seen |= f->target[i] == t;
    if (t >= 0 && !seen)
      f->target[f->ntargets++] = t;
  }
  return 0;
}

static int field_slot(const struct evac_sim *s, int target) {
  for (int i = 0; i < s->fields.ntargets; i++)
    if (s->fields.target[i] == target)
      return i;
  return 0;
}

/* Head height of a profile's people: lying on a bed or mattress, seated in
 * a wheelchair, or standing. */
static double head_height(const struct evac_profile *p) {
  if (p->device && !strcmp(p->device, "wheelchair"))
    return EVAC_HEAD_WHEELCHAIR_M;
  if (p->device && p->needs_staff)
    return EVAC_HEAD_BED_M;
  return EVAC_HEAD_STANDING_M;
}

/* 1 if the timeline sounds the alarm (a drill): without a fire, people
 * then wait for it. */
static int scripted_alarm(const struct evac_model *m) {
  for (int i = 0; i < m->ntimeline; i++)
    if (m->timeline[i].action == EVAC_ACT_ALARM)
      return 1;
  return 0;
}

/* The compartment of the cell (x, y) of floor f: that of the first region
 * holding it, or NULL. */
static const char *compartment_of(const struct evac_model *m, int f, int x,
                                  int y) {
  for (int i = 0; i < m->nregions; i++) {
    const struct evac_region *r = &m->regions[i];
    if (r->floor == f && x >= r->rect[0] && x <= r->rect[2] &&
        y >= r->rect[1] && y <= r->rect[3] && r->compartment)
      return r->compartment;
  }
  return NULL;
}

/* 1 if, defending in place, a person on cell c of floor f stays: outside
 * the fire's compartment (everyone stays without a fire). */
static int defended(const struct evac_sim *s, int f, int32_t c) {
  const struct evac_model *m = s->m;
  if (m->strategy != EVAC_STRATEGY_DEFEND)
    return 0;
  if (!m->has_fire)
    return 1;
  int cf, x, y;
  evac_sim_cell_xy(s, c, &cf, &x, &y);
  const char *fire = compartment_of(m, m->fire.floor, m->fire.x, m->fire.y);
  const char *here = compartment_of(m, f, x, y);
  if (!fire)
    return f != m->fire.floor; /* no compartments: the fire's floor moves */
  return !here || strcmp(here, fire) != 0;
}

/* Places the groups' people on free floor cells and draws attributes. */
static enum evac_status place_agents(struct evac_sim *s,
                                     struct evac_diag *diag) {
  const struct evac_model *m = s->m;
  uint64_t seed = s->res.seed;
  uint32_t rep = s->opts.replication;
  int a = 0;
  int32_t *free_cells = NULL;
  for (int g = 0; g < m->ngroups; g++) {
    const struct evac_group *gr = &m->groups[g];
    int w = gr->rect[2] - gr->rect[0] + 1, h = gr->rect[3] - gr->rect[1] + 1;
    int32_t *fc = realloc(free_cells, ((size_t)w * h + 1) * sizeof *fc);
    if (!fc) {
      free(free_cells);
      return EVAC_ERR_RUNTIME;
    }
    free_cells = fc;
    int nfree = 0;
    for (int y = gr->rect[1]; y <= gr->rect[3]; y++)
      for (int x = gr->rect[0]; x <= gr->rect[2]; x++) {
        size_t c = evac_model_cell(m, gr->floor, x, y);
        if (m->cell_kind[c] == EVAC_CELL_FLOOR && s->occ[c] < 0)
          free_cells[nfree++] = (int32_t)c;
      }
    if (nfree < gr->count) {
      evac_diag_error(diag, m->scenario_path, NULL,
                      "occupant group %d: %d people but only %d free floor "
                      "cells left in its area (groups overlap)",
                      g, gr->count, nfree);
      free(free_cells);
      return EVAC_ERR_INPUT;
    }
    struct evac_rng place;
    evac_rng_init(&place, seed, rep, EVAC_RNG_PLACEMENT, (uint32_t)g);
    const struct evac_profile *p = &m->profiles[gr->profile];
    for (int i = 0; i < gr->count; i++, a++) {
      /* partial Fisher-Yates: the first i entries are taken */
      int j = i + (int)evac_rng_below(&place, (uint32_t)(nfree - i));
      int32_t c = free_cells[j];
      free_cells[j] = free_cells[i];
      free_cells[i] = c;
      struct evac_agent *ag = &s->agents[a];
      struct evac_rng attr;
      evac_rng_init(&attr, seed, rep, EVAC_RNG_ATTRIBUTES, (uint32_t)a);
      ag->speed = evac_dist_sample(&p->speed_m_s, &attr);
      double premove = evac_dist_sample(&p->premovement_s, &attr);
      ag->down = evac_dist_sample(&p->stair_down_factor, &attr);
      ag->up = evac_dist_sample(&p->stair_up_factor, &attr);
      ag->fed_threshold = evac_dist_sample(&p->fed_threshold, &attr);
      ag->smoke_factor = 1.0;
      ag->head_m = head_height(p);
      evac_rng_init(&ag->rng, seed, rep, EVAC_RNG_MOVEMENT, (uint32_t)a);
      ag->cell = ag->last_cell = c;
      ag->prev_cell = -1;
      ag->flight = -1;
      ag->field = (int16_t)field_slot(s, gr->target);
      s->occ[c] = a;
      int f, x, y;
      evac_sim_cell_xy(s, c, &f, &x, &y);
      s->res.agents.profile[a] = gr->profile;
      s->res.agents.floor[a] = f;
      s->res.agents.start_x[a] = x;
      s->res.agents.start_y[a] = y;
      s->res.agents.speed_m_s[a] = ag->speed;
      s->res.agents.premovement_s[a] = premove;
      ag->role = gr->staff        ? EVAC_ROLE_STAFF
                 : p->needs_staff ? EVAC_ROLE_PATIENT
                                  : EVAC_ROLE_OCCUPANT;
      if (gr->target < 0 && defended(s, gr->floor, c)) {
        ag->phase = EVAC_PHASE_DONE; /* defend in place: stays */
        ag->state = EVAC_STATE_WAITING;
        ag->role = EVAC_ROLE_DEFENDED;
        evac_sim_agent_hold(s, a, 1);
      } else if (p->needs_staff) {
        ag->phase = EVAC_PHASE_DONE;
        ag->state = EVAC_STATE_STUCK;
        ag->needs_staff = 1;
        evac_sim_agent_hold(s, a, 1);
      } else if (!s->has_fire && !scripted_alarm(m) &&
                 evac_sim_schedule_agent(
                     s, a, to_ticks(m->alarm_delay_s + premove))) {
        free(free_cells);
        return EVAC_ERR_RUNTIME;
      }
    }
  }
  free(free_cells);
  return EVAC_OK;
}

/* Starts the hospital staff model when there are staff on duty. */
static int start_behaviour(struct evac_sim *s) {
  for (int a = 0; a < s->nagents; a++)
    if (s->agents[a].role == EVAC_ROLE_STAFF) {
      s->behaviour = &evac_behaviour_staff;
      return s->behaviour->init(s);
    }
  return 0;
}

/* Ventilation limit of the fire's room: the room is the floor cells
 * reached from the fire without passing a door; its openings are the door,
 * fire door and exit cells on its edge, 2.1 m high (Kawagoe). A room with
 * no opening has no limit (its leaks are not modelled). */
static double vent_limit(const struct evac_sim *s, int32_t fire_cell) {
  const struct evac_model *m = s->m;
  const struct evac_floor *fl = &m->floors[s->cell_floor[fire_cell]];
  size_t nc = (size_t)fl->nx * fl->ny;
  uint8_t *seen = calloc(nc, 1);
  int32_t *stack = malloc(nc * sizeof *stack);
  int n = 0, openings = 0;
  if (!seen || !stack) {
    free(seen);
    free(stack);
    return INFINITY;
  }
  stack[n++] = (int32_t)((size_t)fire_cell - fl->offset);
  seen[stack[0]] = 1;
  while (n > 0) {
    int32_t i = stack[--n];
    int x = i % fl->nx, y = i / fl->nx;
    static const int dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
    for (int d = 0; d < 4; d++) {
      int nx = x + dx[d], ny = y + dy[d];
      if (nx < 0 || ny < 0 || nx >= fl->nx || ny >= fl->ny)
        continue;
      int32_t j = ny * fl->nx + nx;
      if (seen[j])
        continue;
      seen[j] = 1;
      uint8_t k = m->cell_kind[fl->offset + (size_t)j];
      if (k == EVAC_CELL_DOOR || k == EVAC_CELL_FIRE_DOOR ||
          k == EVAC_CELL_EXIT)
        openings++;
      else if (evac_cell_walkable(k))
        stack[n++] = j;
    }
  }
  free(seen);
  free(stack);
  if (!openings)
    return INFINITY;
  return evac_kawagoe_kw(openings * m->cell_m * 2.1, 2.1);
}

/* Ignites the scenario's fire and creates the smoke state. */
static int start_fire(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  const struct evac_fire_spec *spec = &m->fire;
  int32_t c = (int32_t)evac_model_cell(m, spec->floor, spec->x, spec->y);
  evac_fire_init(&s->fire, spec, &m->systems, m->floors[spec->floor].height_m,
                 vent_limit(s, c));
  s->smoke = evac_smoke_create(m);
  s->smoke_cost = malloc(s->nnodes * sizeof *s->smoke_cost);
  s->cost_raised = calloc((size_t)m->nfloors, 1);
  if (!s->smoke || !s->smoke_cost || !s->cost_raised)
    return -1;
  for (size_t i = 0; i < s->nnodes; i++)
    s->smoke_cost[i] = 1.0f;
  s->next_route = (int64_t)(EVAC_ROUTE_SMOKE_S * EVAC_TICKS_PER_S);
  return 0;
}

/* Prepares the field samples with each floor's ambient values. */
static int init_fields(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  size_t total = 0;
  float *ambient = malloc((size_t)m->nfloors * EVAC_NFQ * sizeof *ambient);
  if (!ambient)
    return -1;
  for (int f = 0; f < m->nfloors; f++) {
    evac_smoke_floor_ambient(s->smoke, f, ambient + (size_t)f * EVAC_NFQ);
    total += (size_t)m->floors[f].nx * m->floors[f].ny;
  }
  s->field_buf = malloc((total * EVAC_NFQ + 1) * sizeof *s->field_buf);
  int rc = !s->field_buf || evac_result_fields_init(&s->res.fields, m, ambient)
               ? -1
               : 0;
  free(ambient);
  return rc;
}

enum evac_status evac_sim_create(const struct evac_model *m,
                                 const struct evac_run_opts *opts,
                                 struct evac_diag *diag,
                                 struct evac_sim **out) {
  *out = NULL;
  struct evac_sim *s = calloc(1, sizeof *s);
  if (!s)
    return EVAC_ERR_RUNTIME;
  s->m = m;
  s->opts = *opts;
  s->end = to_ticks(m->duration_s);
  s->cell_headway = to_ticks(1.0 / (EVAC_MAX_SPECIFIC_FLOW * m->cell_m));
  s->nagents = m->noccupants;
  s->wait_free = -1;
  s->idle_since = -1;
  enum evac_status st = EVAC_ERR_RUNTIME;
  if (build_stairs(s) || init_queues(s))
    goto fail;
  size_t nslots = m->ncells + (size_t)s->nflights;
  s->cell_floor = malloc(m->ncells * sizeof *s->cell_floor);
  s->occ = malloc(m->ncells * sizeof *s->occ);
  s->next_entry = calloc(m->ncells, sizeof *s->next_entry);
  s->closed = calloc(s->nnodes, 1);
  s->measure_of = malloc(m->ncells * sizeof *s->measure_of);
  s->wait_head = malloc(nslots * sizeof *s->wait_head);
  s->agents = calloc((size_t)s->nagents + 1, sizeof *s->agents);
  s->trapped = malloc(((size_t)s->nagents + 1) * sizeof *s->trapped);
  if (!s->cell_floor || !s->occ || !s->next_entry || !s->closed ||
      !s->measure_of || !s->wait_head || !s->agents || !s->trapped)
    goto fail;
  for (int f = 0; f < m->nfloors; f++)
    for (size_t c = 0; c < (size_t)m->floors[f].nx * m->floors[f].ny; c++)
      s->cell_floor[m->floors[f].offset + c] = (int16_t)f;
  for (size_t c = 0; c < m->ncells; c++)
    s->occ[c] = -1;
  for (size_t i = 0; i < nslots; i++)
    s->wait_head[i] = -1;
  build_measures(s);
  s->has_fire = m->has_fire;
  s->alarm = s->has_fire || scripted_alarm(m) ? INT64_MAX : 0;
  if (s->has_fire && (start_fire(s) || !(s->tenab = evac_tenab_create(s))))
    goto fail;
  if (build_targets(s) || evac_fields_build(s, 0) || evac_fields_build(s, 1))
    goto fail;
  if (evac_result_init(&s->res, s->nagents, m->nmeasures) ||
      (s->has_fire && init_fields(s)))
    goto fail;
  s->res.seed = opts->seed_given ? opts->seed : m->seed;
  s->res.replication = opts->replication;
  s->res.threads = opts->threads > 0 ? opts->threads : 1;
  st = place_agents(s, diag);
  if (st != EVAC_OK)
    goto fail;
  st = EVAC_ERR_RUNTIME;
  if (evac_tenab_avoid_fire(s) || start_behaviour(s))
    goto fail;
  for (int i = 0; i < m->ntimeline; i++) {
    struct evac_event e = {.tick = to_ticks(m->timeline[i].t_s),
                           .cls = EVAC_EVC_TIMELINE,
                           .id = i};
    if (evac_heap_push(&s->heap, e))
      goto fail;
    s->pending++;
  }
  struct evac_event sample = {.tick = 0, .cls = EVAC_EVC_SAMPLE};
  if (evac_heap_push(&s->heap, sample))
    goto fail;
  struct evac_event smoke = {.tick = 0, .cls = EVAC_EVC_SMOKE};
  if (s->has_fire && evac_heap_push(&s->heap, smoke))
    goto fail;
  *out = s;
  return EVAC_OK;
fail:
  evac_sim_free(s);
  return st;
}

/* ------------------------------------------------------------ running */

static int record_sample(struct evac_sim *s) {
  if (s->opts.lean)
    return 0;
  const struct evac_model *m = s->m;
  int n = s->nagents;
  float *pos = malloc(((size_t)n * 2 + 1) * sizeof *pos);
  int16_t *fl = malloc(((size_t)n + 1) * sizeof *fl);
  int8_t *st = malloc((size_t)n + 1);
  int rc = -1;
  if (pos && fl && st) {
    for (int a = 0; a < n; a++) {
      const struct evac_agent *ag = &s->agents[a];
      int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
      int f, x, y;
      evac_sim_cell_xy(s, c, &f, &x, &y);
      pos[2 * a] = (float)((x + 0.5) * m->cell_m);
      pos[2 * a + 1] = (float)((y + 0.5) * m->cell_m);
      fl[a] = (int16_t)f;
      st[a] = ag->state;
    }
    double t = (double)s->now / EVAC_TICKS_PER_S;
    rc = evac_result_traj_push(&s->res.traj, t, n, pos, fl, st);
    if (!rc)
      rc = evac_result_series_push(&s->res.series, t, s->nsafe, s->nincap,
                                   n - s->nsafe - s->nincap, s->non_stairs,
                                   s->has_fire ? s->fire.hrr_kw : 0.0);
  }
  free(pos);
  free(fl);
  free(st);
  return rc;
}

static int sound_alarm(struct evac_sim *s);

/* The timeline sounds the alarm now (unless it already sounded); a
 * drill's alarm counts its control-room delay as sounded. */
static int timeline_alarm(struct evac_sim *s) {
  if (s->alarmed)
    return 0;
  s->alarm = s->now;
  return sound_alarm(s);
}

/* Applies timeline entry i: closes or opens a feature, re-builds the
 * fields, and wakes the agents that had no route. */
static int apply_timeline(struct evac_sim *s, int i) {
  const struct evac_model *m = s->m;
  const struct evac_timeline_event *te = &m->timeline[i];
  if (te->action == EVAC_ACT_ALARM)
    return timeline_alarm(s);
  uint8_t closed = te->action == EVAC_ACT_CLOSE;
  for (int f = 0; f < m->nfloors; f++) {
    int on = te->nfloors == 0;
    for (int j = 0; j < te->nfloors; j++)
      on |= te->floors[j] == f;
    if (!on)
      continue;
    size_t end =
        m->floors[f].offset + (size_t)m->floors[f].nx * (size_t)m->floors[f].ny;
    for (size_t c = m->floors[f].offset; c < end; c++)
      if (m->cell_feature[c] == te->feature) {
        s->closed[c] = closed;
        if (s->smoke) /* a door shut for people is shut for smoke */
          evac_smoke_hold_open(s->smoke, (int32_t)c, !closed);
      }
    const struct evac_feature *fe = &m->features[te->feature];
    if (fe->kind == EVAC_FEAT_STAIR) {
      int k = s->stair_k[fe->index * m->nfloors + f];
      if (k >= 0)
        s->closed[m->ncells + (size_t)s->stair_node[fe->index] + k] = closed;
    }
  }
  if (evac_fields_build(s, 1) ||
      evac_sim_log(s, closed ? EVAC_LOG_CLOSE : EVAC_LOG_OPEN, -1, -1, -1, -1,
                   te->feature))
    return -1;
  int n = s->ntrapped;
  s->ntrapped = 0;
  for (int j = 0; j < n; j++) {
    struct evac_agent *ag = &s->agents[s->trapped[j]];
    if (ag->state != EVAC_STATE_STUCK)
      continue; /* incapacitated meanwhile */
    ag->know = 1;
    ag->phase = EVAC_PHASE_DECIDE;
    ag->state = EVAC_STATE_MOVING;
    if (evac_sim_schedule_agent(s, s->trapped[j], s->now))
      return -1;
  }
  return 0;
}

/* Route cost factor of a cell with gas g at head height: walking in smoke
 * is slower (1 / speed factor), and untenable cells are avoided
 * (x EVAC_SMOKE_AVERSION). */
static float route_cost(const struct evac_gas *g) {
  double k = evac_tox_extinction(g->soot_kg_m3);
  double v = 1.0 / evac_tox_speed_factor(k);
  if (g->temp_c > EVAC_UNTENABLE_TEMP_C ||
      evac_tox_visibility(k, 3.0) < EVAC_UNTENABLE_VIS_M)
    v *= EVAC_SMOKE_AVERSION;
  return (float)v;
}

/* Route costs of smoke (route_cost()). Costs change nowhere else, and the
 * timeline's rebuilds already use the current ones, so the fields are
 * updated from the cells whose cost changed (none: nothing to do), which
 * gives the same fields as rebuilding them. Most cells of a smoky floor
 * have no soot at head height: their cost depends on the temperature
 * alone, and is taken from the two soot-free costs worked out once. A
 * floor without smoke whose cells all cost 1 already is skipped. */
static int rebuild_routes(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  size_t changed = 0;
  int32_t *diff = malloc((m->ncells + 1) * sizeof *diff);
  if (!diff)
    return -1;
  const float clear = route_cost(
      &(struct evac_gas){.soot_kg_m3 = 0.0, .temp_c = EVAC_UNTENABLE_TEMP_C});
  const float hot =
      route_cost(&(struct evac_gas){.soot_kg_m3 = 0.0, .temp_c = INFINITY});
  for (int f = 0; f < m->nfloors; f++) {
    int smoky = evac_smoke_floor_has_smoke(s->smoke, f);
    if (!smoky && !s->cost_raised[f])
      continue;
    int raised = 0;
    size_t end =
        m->floors[f].offset + (size_t)m->floors[f].nx * (size_t)m->floors[f].ny;
    for (size_t c = m->floors[f].offset; c < end; c++) {
      float cost = 1.0f;
      if (smoky && evac_cell_walkable(m->cell_kind[c])) {
        struct evac_gas g;
        evac_smoke_gas(s->smoke, (int32_t)c, EVAC_HEAD_STANDING_M, &g);
        if (g.soot_kg_m3 <= 0.0) /* extinction 0 for any such soot */
          cost = g.temp_c > EVAC_UNTENABLE_TEMP_C ? hot : clear;
        else
          cost = route_cost(&g);
      }
      if (s->smoke_cost[c] != cost)
        diff[changed++] = (int32_t)c;
      s->smoke_cost[c] = cost;
      raised |= cost != 1.0f;
    }
    s->cost_raised[f] = (uint8_t)raised;
  }
  int rc = changed && (evac_fields_update(s, 0, diff, changed) ||
                       evac_fields_update(s, 1, diff, changed))
               ? -1
               : 0;
  free(diff);
  return rc;
}

/* Samples the smoke fields of the floors that have smoke. */
static int sample_fields(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  const float **data = calloc((size_t)m->nfloors, sizeof *data);
  if (!data)
    return -1;
  float *buf = s->field_buf;
  for (int f = 0; f < m->nfloors; f++) {
    if (!evac_smoke_floor_has_smoke(s->smoke, f))
      continue;
    evac_smoke_floor_fields(s->smoke, f, EVAC_HEAD_STANDING_M, buf);
    data[f] = buf;
    buf += (size_t)m->floors[f].nx * m->floors[f].ny * EVAC_NFQ;
  }
  int rc = evac_result_fields_push(&s->res.fields,
                                   (double)s->now / EVAC_TICKS_PER_S, data);
  free(data);
  return rc;
}

/* Schedules every agent still waiting for the alarm at alarm + its
 * pre-movement time. */
static int sound_alarm(struct evac_sim *s) {
  s->alarmed = 1;
  for (int a = 0; a < s->nagents; a++) {
    struct evac_agent *ag = &s->agents[a];
    if (ag->phase != EVAC_PHASE_PREMOVE || ag->state != EVAC_STATE_WAITING)
      continue;
    int64_t t = s->alarm + to_ticks(s->res.agents.premovement_s[a]);
    ag->gen++;
    if (evac_sim_schedule_agent(s, a, t > s->now ? t : s->now))
      return -1;
  }
  return 0;
}

/* One fire, smoke and dose step (EVAC_SMOKE_DT_S). */
static int smoke_step(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  const double dt = EVAC_SMOKE_DT_S;
  const struct evac_fire_spec *spec = &m->fire;
  int32_t fc = (int32_t)evac_model_cell(m, spec->floor, spec->x, spec->y);
  const struct evac_fuel *fuel = &evac_fuels[spec->fuel];
  evac_fire_advance(&s->fire, dt, evac_smoke_layer_c(s->smoke, fc));
  double q = s->fire.hrr_kw, burn = q / fuel->hoc_kj_kg;
  struct evac_smoke_source src = {fc,
                                  q,
                                  q * (1.0 - fuel->radiative_fraction),
                                  burn,
                                  burn * fuel->soot_yield,
                                  burn * fuel->co_yield,
                                  burn * fuel->co2_yield};
  double w0 = wall_now();
  if (evac_smoke_step(s->smoke, dt, &src, s->res.threads))
    return -1;
  s->res.smoke_wall_s += wall_now() - w0;
  s->res.smoke_cell_updates = evac_smoke_cell_updates(s->smoke);
  if (!isnan(s->fire.t_detect) && s->alarm == INT64_MAX)
    s->alarm = to_ticks(s->fire.t_detect + m->alarm_delay_s);
  if (!s->alarmed && s->now >= s->alarm && sound_alarm(s))
    return -1;
  double t = (double)s->now / EVAC_TICKS_PER_S;
  for (int a = 0; a < s->nagents; a++) {
    struct evac_agent *ag = &s->agents[a];
    if (ag->state == EVAC_STATE_SAFE || ag->state == EVAC_STATE_INCAPACITATED)
      continue;
    int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
    struct evac_gas g;
    evac_smoke_gas(s->smoke, c, ag->head_m, &g);
    double k = evac_tox_extinction(g.soot_kg_m3);
    double vis = evac_tox_visibility(k, 3.0);
    ag->fed += evac_tox_fed_rate(&g) * dt;
    s->res.agents.fed_max[a] = ag->fed;
    ag->smoke_factor = evac_tox_speed_factor(
        k * evac_hazards_extinction_factor(m, s->cell_floor[c]));
    if ((g.temp_c > EVAC_UNTENABLE_TEMP_C || vis < EVAC_UNTENABLE_VIS_M) &&
        isnan(s->res.aset_s))
      s->res.aset_s = t;
    if (vis < EVAC_PERCEIVE_VIS_M) {
      /* whoever sees smoke raises the alarm, and stops what they do */
      int64_t raise = s->now + to_ticks(m->alarm_delay_s);
      if (raise < s->alarm)
        s->alarm = raise;
      if (ag->phase == EVAC_PHASE_PREMOVE && ag->state == EVAC_STATE_WAITING) {
        ag->gen++;
        ag->state = EVAC_STATE_MOVING;
        if (evac_sim_schedule_agent(s, a, s->now))
          return -1;
      }
    }
    if (ag->fed >= ag->fed_threshold && evac_sim_agent_incapacitate(s, a))
      return -1;
  }
  if (evac_rescue_step(s) || evac_tenab_step(s))
    return -1;
  if (s->now >= s->next_route) {
    s->next_route = s->now + to_ticks(EVAC_ROUTE_SMOKE_S);
    if (rebuild_routes(s) || evac_shelter_step(s))
      return -1;
  }
  if (s->now >= s->next_fields) {
    s->next_fields = s->now + to_ticks(m->fields_every_s);
    if (!s->opts.lean && sample_fields(s))
      return -1;
  }
  return 0;
}

static void progress(struct evac_sim *s, double *last) {
  double w = wall_now();
  if (w - *last < 1.0)
    return;
  *last = w;
  fprintf(stderr, "\r  t = %7.1f s   safe %d / %d   events %llu ",
          (double)s->now / EVAC_TICKS_PER_S, s->nsafe, s->nagents,
          (unsigned long long)s->res.events_processed);
}

/* 1 if agent a is on its way (walking, on a stair, or staff at work) and
 * not sheltering: with no event left to make it act, it is gridlocked. */
static int on_the_way(const struct evac_agent *ag) {
  return (ag->state == EVAC_STATE_MOVING || ag->state == EVAC_STATE_STAIR) &&
         !ag->shelter;
}

/* Nothing is left to happen to the agents (no agent or timeline event):
 * if people are on their way, a gridlock begins now; each of them is logged
 * where it stands. 0 or -1 (memory). */
static int gridlock_begin(struct evac_sim *s) {
  int any = 0;
  for (int a = 0; a < s->nagents; a++) {
    const struct evac_agent *ag = &s->agents[a];
    if (!on_the_way(ag))
      continue;
    any = 1;
    int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
    int f, x, y;
    evac_sim_cell_xy(s, c, &f, &x, &y);
    if (evac_sim_log(s, EVAC_LOG_GRIDLOCKED, a, f, x, y, -1))
      return -1;
  }
  if (any)
    s->idle_since = s->now;
  return 0;
}

/* 1 if a staff member is still at work (not safe, incapacitated, trapped
 * or sheltering): a patient waiting for staff may still be fetched. */
static int staff_at_work(const struct evac_sim *s) {
  for (int a = 0; a < s->nagents; a++) {
    const struct evac_agent *ag = &s->agents[a];
    if (ag->role == EVAC_ROLE_STAFF && !ag->shelter &&
        (ag->state == EVAC_STATE_MOVING || ag->state == EVAC_STATE_STAIR ||
         ag->state == EVAC_STATE_WAITING))
      return 1;
  }
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* RSET: the last survivor's time to safety and the 95th percentile
 * (nearest rank) of the survivors' times; NaN if nobody reached safety. */
static void rset(struct evac_result *r) {
  double *t = malloc(((size_t)r->occupants + 1) * sizeof *t);
  size_t n = 0;
  for (int a = 0; t && a < r->occupants; a++)
    if (!isnan(r->agents.exit_time_s[a]))
      t[n++] = r->agents.exit_time_s[a];
  r->rset_s = r->rset_p95_s = NAN;
  if (n) {
    qsort(t, n, sizeof *t, cmp_double);
    r->rset_s = t[n - 1];
    r->rset_p95_s = t[(size_t)ceil(0.95 * (double)n) - 1];
  }
  free(t);
}

static void finish(struct evac_sim *s) {
  struct evac_result *r = &s->res;
  r->occupants = s->nagents;
  r->evacuated = s->nsafe;
  r->incapacitated = s->nincap;
  r->remaining = s->nagents - s->nsafe - s->nincap;
  r->trapped = r->gridlocked = 0;
  int working = staff_at_work(s);
  for (int a = 0; a < s->nagents; a++) {
    const struct evac_agent *ag = &s->agents[a];
    if (evac_sim_agent_final(s, a))
      continue;
    if (ag->shelter || ag->role == EVAC_ROLE_DEFENDED ||
        (ag->state == EVAC_STATE_STUCK && !(ag->needs_staff && working)))
      r->trapped++;
    if (s->idle_since >= 0)
      r->gridlocked += on_the_way(ag);
  }
  r->not_out = r->remaining - r->trapped;
  r->gridlock_time_s =
      r->gridlocked ? (double)s->idle_since / EVAC_TICKS_PER_S : NAN;
  double last = 0.0;
  for (int a = 0; a < s->nagents; a++)
    if (!isnan(r->agents.exit_time_s[a]) && r->agents.exit_time_s[a] > last)
      last = r->agents.exit_time_s[a];
  r->evacuation_time_s = r->remaining || s->nincap ? NAN : last;
  rset(r);
  r->end_time_s = (double)s->now / EVAC_TICKS_PER_S;
  r->wall_clock_s = wall_now() - s->wall_start;
}

enum evac_status evac_sim_run(struct evac_sim *s) {
  const struct evac_movement_ops *move = &evac_movement_ca;
  const int64_t every = to_ticks(s->m->agents_every_s);
  double last_progress = s->wall_start = wall_now();
  int64_t last_sample = -1;
  struct evac_event e;
  while (evac_heap_pop(&s->heap, &e) == 0) {
    if (e.tick > s->end) {
      s->now = s->end;
      break;
    }
    s->now = e.tick;
    s->res.events_processed++;
    int rc = 0;
    if (e.cls == EVAC_EVC_SAMPLE) {
      rc = record_sample(s);
      last_sample = s->now;
      struct evac_event next = {.tick = s->now + every, .cls = EVAC_EVC_SAMPLE};
      if (!rc)
        rc = evac_heap_push(&s->heap, next);
    } else if (e.cls == EVAC_EVC_SMOKE) {
      rc = smoke_step(s);
      struct evac_event next = {.tick = s->now + to_ticks(EVAC_SMOKE_DT_S),
                                .cls = EVAC_EVC_SMOKE};
      if (!rc)
        rc = evac_heap_push(&s->heap, next);
    } else {
      s->pending--;
      if (e.cls == EVAC_EVC_TIMELINE)
        rc = apply_timeline(s, e.id);
      else if (e.gen == s->agents[e.id].gen) {
        s->agents[e.id].gen++;
        rc = s->behaviour && s->behaviour->owns(s, e.id)
                 ? s->behaviour->act(s, e.id)
                 : move->act(s, e.id);
      }
    }
    if (!rc && s->pending == 0 && s->idle_since < 0)
      rc = gridlock_begin(s);
    else if (s->pending > 0)
      s->idle_since = -1;
    if (rc)
      return EVAC_ERR_RUNTIME;
    if (s->opts.progress && (s->res.events_processed & 0xffff) == 0)
      progress(s, &last_progress);
    /* without fire nothing changes once all are out or nobody can move;
       with fire, smoke still reaches whoever is left */
    if (!s->has_fire &&
        (s->nsafe + s->nincap + s->nstuck == s->nagents || s->pending == 0))
      break;
    if (s->has_fire && s->nsafe + s->nincap == s->nagents &&
        !evac_tenab_watching(s))
      break;
  }
  if (s->opts.progress)
    fprintf(stderr, "\r%60s\r", "");
  /* the last sample is the state at the end: one taken at this tick ran
     before the tick's agent events, and is replaced */
  if (last_sample == s->now && !s->opts.lean) {
    s->res.series.n--;
    s->res.traj.n--;
  }
  if (record_sample(s))
    return EVAC_ERR_RUNTIME;
  finish(s);
  if (s->behaviour && s->behaviour->report(s))
    return EVAC_ERR_RUNTIME;
  return EVAC_OK;
}

const struct evac_result *evac_sim_result(const struct evac_sim *sim) {
  return &sim->res;
}

enum evac_status evac_sim_write(const struct evac_sim *sim, const char *path,
                                struct evac_diag *diag) {
  return evac_output_write(sim->m, &sim->res, path, diag);
}

static void print_time(FILE *f, const char *label, double t) {
  if (isnan(t))
    fprintf(f, "  %-22s %10s\n", label, "-");
  else
    fprintf(f, "  %-22s %10.1f s\n", label, t);
}

void evac_sim_print_summary(const struct evac_sim *s, FILE *f) {
  const struct evac_model *m = s->m;
  const struct evac_result *r = &s->res;
  fprintf(f, "evacsim %s: %s, seed %llu\n", evac_version(), m->name,
          (unsigned long long)r->seed);
  fprintf(f, "  %-22s %10d\n", "occupants", r->occupants);
  fprintf(f, "  %-22s %10d\n", "evacuated", r->evacuated);
  fprintf(f, "  %-22s %10d\n", "incapacitated", r->incapacitated);
  fprintf(f, "  %-22s %10d\n", "remaining", r->remaining);
  fprintf(f, "  %-22s %10d\n", "  trapped", r->trapped);
  fprintf(f, "  %-22s %10d\n", "  not out", r->not_out);
  if (s->nstuck)
    fprintf(f, "  %-22s %10d\n", "  waiting for staff", s->nstuck);
  if (r->gridlocked)
    fprintf(f, "  %-22s %10d at %.1f s: nobody could move any more\n",
            "gridlocked", r->gridlocked, r->gridlock_time_s);
  print_time(f, "evacuation time", r->evacuation_time_s);
  print_time(f, "RSET (last survivor)", r->rset_s);
  print_time(f, "RSET p95", r->rset_p95_s);
  if (s->has_fire) {
    double peak = 0.0, fed = 0.0;
    for (size_t i = 0; i < r->series.n; i++)
      peak = fmax(peak, r->series.hrr_kw[i]);
    for (int a = 0; a < r->occupants; a++)
      fed = fmax(fed, r->agents.fed_max[a]);
    print_time(f, "fire detected", s->fire.t_detect);
    print_time(f, "sprinklers operated", s->fire.t_sprinkler);
    print_time(f, "manual attack", s->fire.t_attack);
    fprintf(f, "  %-22s %10.0f kW\n", "peak heat release", peak);
    print_time(f, "ASET", r->aset_s);
    print_time(f, "first incapacitation", r->first_incapacitation_s);
    fprintf(f, "  %-22s %10.3f\n", "highest dose (FED)", fed);
  }
  print_time(f, "simulated time", r->end_time_s);
  fprintf(f, "  %-22s %10.3f s  (%.3g events/s)\n", "wall clock",
          r->wall_clock_s,
          r->wall_clock_s > 0 ? (double)r->events_processed / r->wall_clock_s
                              : 0.0);
  int any = 0;
  for (int i = 0; i <= m->nfeatures; i++) { /* the features, then ladder */
    int fe = i < m->nfeatures ? i : EVAC_SAFE_LADDER, used = 0;
    for (int a = 0; a < r->occupants; a++)
      used += r->agents.safe_place[a] == fe;
    if (!used)
      continue;
    if (!any++)
      fprintf(f, "  safe places used:\n");
    fprintf(f, "    %-20s %10d\n", evac_safe_place_name(m, fe), used);
  }
  if (r->drill)
    evac_drill_print(r->drill, m, f);
}

void evac_sim_free(struct evac_sim *s) {
  if (!s)
    return;
  evac_heap_free(&s->heap);
  evac_fields_free(&s->fields);
  for (int i = 0; i < s->nflights; i++)
    free(s->flights[i].lane_tail);
  free(s->flights);
  free(s->flight_of);
  free(s->stair_node);
  free(s->stair_k);
  free(s->landing_off);
  free(s->landings);
  free(s->queue_now);
  free(s->queue_max);
  free(s->queue_wait_max);
  free(s->cell_floor);
  free(s->occ);
  free(s->next_entry);
  free(s->closed);
  free(s->measure_of);
  free(s->wait_head);
  free(s->wait_next);
  free(s->wait_agent);
  free(s->wait_gen);
  free(s->agents);
  free(s->trapped);
  if (s->behaviour)
    s->behaviour->free(s->care);
  evac_smoke_free(s->smoke);
  evac_tenab_free(s->tenab);
  free(s->unsafe);
  free(s->refuge_cap_m2);
  free(s->refuge_used_m2);
  free(s->smoke_cost);
  free(s->cost_raised);
  free(s->field_buf);
  evac_result_free(&s->res);
  free(s);
}
