/* Creating a simulation: stairs and queues, measure lines, route targets,
 * the occupants and their drawn attributes, the fire and its smoke state,
 * the first events. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sim.h"

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
        fl->headway =
            evac_ticks(1.0 / (EVAC_STAIR_SPECIFIC_FLOW * sd->width_m));
        double cap = sd->flight_length_m * sd->width_m * EVAC_STAIR_MAX_DENSITY;
        fl->capacity = cap < 1.0 ? 1 : (int)cap;
        fl->nlanes = (int)(sd->width_m / EVAC_STAIR_LANE_M + 1e-9);
        if (fl->nlanes < 1)
          fl->nlanes = 1;
        fl->lane_headway = fl->headway * fl->nlanes;
        fl->lane_tail =
            malloc((size_t)(3 * fl->nlanes) * sizeof *fl->lane_tail);
        if (!fl->lane_tail)
          return -1;
        for (int l = 0; l < 3 * fl->nlanes; l++)
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
                     s, a, evac_ticks(m->alarm_delay_s + premove))) {
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
  s->smoke = s->lead ? s->lead->smoke : evac_smoke_create(m);
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
  s->lead = opts->smoke_of;
  s->end = evac_ticks(m->duration_s);
  s->cell_headway = evac_ticks(1.0 / (EVAC_MAX_SPECIFIC_FLOW * m->cell_m));
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
  s->res.full = opts->full != 0;
  st = place_agents(s, diag);
  if (st != EVAC_OK)
    goto fail;
  st = EVAC_ERR_RUNTIME;
  if (evac_tenab_avoid_fire(s) || start_behaviour(s))
    goto fail;
  for (int i = 0; i < m->ntimeline; i++) {
    struct evac_event e = {.tick = evac_ticks(m->timeline[i].t_s),
                           .cls = EVAC_EVC_TIMELINE,
                           .id = i};
    if (evac_events_push(&s->events, e))
      goto fail;
    s->pending++;
  }
  struct evac_event sample = {.tick = 0, .cls = EVAC_EVC_SAMPLE};
  if (evac_events_push(&s->events, sample))
    goto fail;
  struct evac_event smoke = {.tick = 0, .cls = EVAC_EVC_SMOKE};
  if (s->has_fire && evac_events_push(&s->events, smoke))
    goto fail;
  *out = s;
  return EVAC_OK;
fail:
  evac_sim_free(s);
  return st;
}
