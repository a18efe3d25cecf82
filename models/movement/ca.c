/* Event-driven floor-field cellular automaton (docs/models.md).
 *
 * An agent on a cell looks at its options: the 8 neighbour cells (no corner
 * cutting) and, on a stair landing, the flights to the next served floors.
 * An option's cost is the step (cell, sqrt(2) cell, or the flight length)
 * plus the floor field at its end; only options that bring the agent closer
 * count. It takes the cheapest free one, within one cell of the best, ties
 * broken at random; a move lasts d / v. A cell holds one person, and one
 * person may enter a cell at most every 1 / (Fs cell) seconds, so that a
 * width w passes at most Fs w people a second (Fs = 1.3 p/(m s)). If
 * nothing is free but someone coming the other way stands on a cell the
 * agent wants and wants the agent's cell, the two exchange places
 * (counterflow, Blue & Adler). Otherwise the agent waits on the cells it
 * wanted and is woken when one frees (or at the time the headway ends),
 * never polled; a freed cell goes to who has waited longest. If every cell
 * it waits on is held by people who will not move by themselves (waiting
 * for staff, incapacitated, sheltering), it takes a detour round them.
 *
 * A flight has lanes of about 0.6 m: entries at most every 1 / (Fst width)
 * s. A person walks it in two halves, each taking (length / 2) / (factor v
 * f_smoke): the first with the smoke factor of the landing it left, the
 * second with that of the landing it walks to, where its dose is read from
 * the middle on. It walks in the lane where, at its first half's speed,
 * it would arrive first, and cannot overtake within the lane (at the middle
 * and at the end each lane passes at most Fst width / lanes people a
 * second; a wait in the lane is part of the walk). At the end it
 * needs a free landing cell, and waits on the flight until one frees.
 *
 * Agents know the building as planned (field slot 0). When the option
 * their field says is best is closed, they have found a closed route: they
 * learn the building as it is now (slot 1) and choose again. In smoke a
 * move is slower by the agent's smoke factor (Frantzich & Nilsson), and
 * both slots carry the smoke's route costs. */
#include <math.h>

#include "sim.h"

/* One option of an agent. */
struct option {
  int32_t cell; /* cell to step into, or -1 for a flight */
  int flight;   /* flight to enter, or -1 */
  double step;  /* length of the step, m */
  double total; /* step + field at its end */
  int closed;   /* closed by the timeline */
};

static int feature_of(const struct evac_sim *s, int32_t c) {
  return s->m->cell_feature[c];
}

/* 1 if cells a1 and a2 both belong to the footprint of one unit other
 * than agent a (a bed, models/behaviour/staff.c) other than the two cells
 * of a plain move: nobody cuts diagonally between them. */
static int footprint_pair(const struct evac_sim *s, int a, int32_t a1,
                          int32_t a2) {
  int h = s->occ[a1];
  if (h < 0 || h == a || s->occ[a2] != h)
    return 0;
  const struct evac_agent *ha = &s->agents[h];
  return !((a1 == ha->cell || a1 == ha->prev_cell) &&
           (a2 == ha->cell || a2 == ha->prev_cell));
}

/* Collects the improving options of agent a on cell c; returns how many. */
static int options(const struct evac_sim *s, int a, int32_t c,
                   struct option *opt) {
  const struct evac_model *m = s->m;
  const double *S = evac_sim_field(s, a);
  const double cell = m->cell_m, diag = cell * sqrt(2.0);
  int f, x, y, n = 0;
  evac_sim_cell_xy(s, c, &f, &x, &y);
  const int w = m->floors[f].nx;
  struct evac_nb nb[9];
  for (int k = 0, nn = evac_model_neighbours(m, f, x, y, 0, nb); k < nn; k++) {
    int32_t v = nb[k].cell;
    int dx = nb[k].dx, dy = nb[k].dy;
    if (!evac_cell_walkable(m->cell_kind[v]) || !(S[v] < S[c] - 1e-9))
      continue;
    if (dx && dy &&
        (!evac_sim_corner_open(s, c, dx, dy) ||
         footprint_pair(s, a, c + dx, c + dy * w)))
      continue;
    double step = dx && dy ? diag : cell;
    opt[n++] = (struct option){v, -1, step, step + S[v], s->closed[v]};
  }
  if (m->cell_kind[c] == EVAC_CELL_STAIR) {
    int st = m->features[feature_of(s, c)].index;
    int node = s->stair_node[st] + s->stair_k[st * m->nfloors + f];
    for (int dir = 0; dir < 2; dir++) {
      int fi = s->flight_of[2 * node + dir];
      if (fi < 0)
        continue;
      const struct evac_flight *fli = &s->flights[fi];
      size_t to = m->ncells + (size_t)s->stair_node[st] + fli->to_k;
      if (!(S[to] < S[c] - 1e-9))
        continue;
      opt[n++] = (struct option){-1, fi, fli->length_m, fli->length_m + S[to],
                                 s->closed[to]};
    }
  }
  return n;
}

/* Agent a starts its move from its cell into cell v, a step long, at the
 * density factor crowd. */
static int begin_move(struct evac_sim *s, int a, int32_t v, double step,
                      double crowd) {
  struct evac_agent *ag = &s->agents[a];
  evac_sim_flame_dose(s, a); /* for the time it held the cell it leaves */
  s->occ[v] = a;
  s->next_entry[v] = s->now + s->cell_headway;
  ag->prev_cell = ag->cell;
  ag->cell = v;
  ag->phase = EVAC_PHASE_MOVING;
  s->res.agents.distance_m[a] += step;
  double speed = ag->speed * ag->smoke_factor * crowd;
  int64_t dur = (int64_t)llround(step / speed * EVAC_TICKS_PER_S);
  ag->since = s->now + (dur > 0 ? dur : 1);
  return evac_sim_schedule_agent(s, a, ag->since);
}

/* Moves agent a from its cell into cell v. */
static int step_into(struct evac_sim *s, int a, int32_t v, double step) {
  const struct evac_agent *ag = &s->agents[a];
  double crowd = evac_density_factor(evac_density_ahead(s, a, ag->cell, v));
  return begin_move(s, a, v, step, crowd);
}

/* Counterflow (docs/models.md, "Counterflow"): 1 if agent a and the agent
 * h standing on cell v, which a wants, may exchange places: h stands
 * choosing its next step (not moving, not sheltering), neither is a
 * patient moved by staff, and a's cell is one of h's own choices (an
 * improving step within one cell of h's best, open, not one it would
 * shelter from). Two people each wanting the other's cell pass each
 * other instead of blocking each other for good. */
static int swappable(const struct evac_sim *s, int a, int32_t v) {
  const struct evac_agent *ag = &s->agents[a], *ha = &s->agents[s->occ[v]];
  int32_t c = ag->cell;
  if (ha->cell != v || ha->prev_cell >= 0 || ha->phase != EVAC_PHASE_DECIDE ||
      ha->shelter || ha->needs_staff || ha->role == EVAC_ROLE_PATIENT ||
      ag->role == EVAC_ROLE_PATIENT)
    return 0;
  const double *S = evac_sim_field(s, s->occ[v]);
  if (!(S[c] < S[v] - 1e-9) || s->closed[c])
    return 0; /* h is not heading at a */
  struct option opt[10];
  int n = options(s, s->occ[v], v, opt);
  double best = INFINITY, mine = INFINITY;
  for (int i = 0; i < n; i++) {
    best = fmin(best, opt[i].total);
    if (opt[i].cell == c)
      mine = opt[i].total;
  }
  return mine <= best + s->m->cell_m + 1e-9 &&
         !evac_shelter_needed(s, s->occ[v], c);
}

/* Agent a and the agent standing on cell v exchange places (swappable),
 * each at its own speed and the density factor ahead of it. */
static int swap(struct evac_sim *s, int a, int32_t v, double step) {
  int h = s->occ[v];
  int32_t c = s->agents[a].cell;
  double fa = evac_density_factor(evac_density_ahead(s, a, c, v));
  double fh = evac_density_factor(evac_density_ahead(s, h, v, c));
  s->agents[h].gen++; /* drop its waits and pending decision */
  return begin_move(s, a, v, step, fa) || begin_move(s, h, c, step, fh);
}

/* Seconds agent ag takes to walk half of flight fl unhindered at its smoke
 * factor. */
static double half_flight_s(const struct evac_sim *s,
                            const struct evac_agent *ag,
                            const struct evac_flight *fl) {
  const struct evac_model *m = s->m;
  const struct evac_stair *st = &m->stairs[fl->stair];
  int down = m->floors[st->floors[fl->to_k]].elevation_m <
             m->floors[st->floors[fl->from_k]].elevation_m;
  double v = ag->speed * ag->smoke_factor * (down ? ag->down : ag->up);
  return 0.5 * fl->length_m / v;
}

/* Agent a leaves its landing onto flight fi: it walks the first half at
 * the speed the smoke of that landing allows, in the lane where, at that
 * speed, it would arrive first, and reaches the middle no sooner than a
 * lane headway after whoever is ahead of it in that lane. */
static int enter_flight(struct evac_sim *s, int a, int fi) {
  const struct evac_model *m = s->m;
  struct evac_agent *ag = &s->agents[a];
  struct evac_flight *fl = &s->flights[fi];
  const struct evac_stair *st = &m->stairs[fl->stair];
  int32_t c = ag->cell;
  int f, x, y;
  evac_sim_cell_xy(s, c, &f, &x, &y);
  s->occ[c] = -1;
  ag->cell = -1;
  ag->last_cell = c;
  ag->flight = fi;
  ag->flight_half = 0;
  ag->flight_t0 = s->now;
  ag->flight_h1_s = half_flight_s(s, ag, fl);
  ag->phase = EVAC_PHASE_FLIGHT;
  ag->state = EVAC_STATE_STAIR;
  fl->count++;
  fl->next_entry = s->now + fl->headway;
  int64_t free_t =
      s->now + (int64_t)llround(2.0 * ag->flight_h1_s * EVAC_TICKS_PER_S);
  int lane = 0;
  int64_t t = INT64_MAX;
  for (int l = 0; l < fl->nlanes; l++) {
    int64_t tl = fl->lane_tail[l] + fl->lane_headway;
    tl = tl > free_t ? tl : free_t;
    if (tl < t)
      t = tl, lane = l;
  }
  fl->lane_tail[lane] = t;
  int64_t *mid = &fl->lane_tail[fl->nlanes + lane];
  int64_t t_mid = s->now + (int64_t)llround(ag->flight_h1_s * EVAC_TICKS_PER_S);
  if (*mid + fl->lane_headway > t_mid)
    t_mid = *mid + fl->lane_headway;
  *mid = t_mid;
  ag->lane = lane;
  ag->since = t;
  evac_sim_landing(s, a, c, 0, 1);
  if (s->behaviour && s->behaviour->footprint(s, a, -1))
    return -1;
  s->non_stairs++;
  s->res.agents.distance_m[a] += fl->length_m;
  if (evac_sim_log(s, EVAC_LOG_STAIR_ENTER, a, f, x, y, st->feature) ||
      evac_sim_wake(s, c))
    return -1;
  return evac_sim_schedule_agent(s, a, t_mid);
}

/* Agent a reached the middle of its flight. From here on it breathes the
 * air of the landing it walks to, at the cell it heads for (the lowest of
 * its field there, the one it steps onto if free), and walks the second
 * half at the speed that smoke allows (counted from when it would have
 * reached the middle unhindered, as a wait in the lane is part of the
 * walk); it arrives no sooner than a lane headway after whoever reached the
 * middle ahead of it in its lane. */
static int halfway(struct evac_sim *s, int a) {
  struct evac_agent *ag = &s->agents[a];
  struct evac_flight *fl = &s->flights[ag->flight];
  const double *S = evac_sim_field(s, a);
  int node = s->stair_node[fl->stair] + fl->to_k;
  int32_t to = s->landings[s->landing_off[node]];
  for (int i = s->landing_off[node] + 1; i < s->landing_off[node + 1]; i++)
    if (S[s->landings[i]] < S[to])
      to = s->landings[i];
  evac_sim_flame_dose(s, a); /* for the time it breathed the first half */
  ag->last_cell = to;
  ag->smoke_factor = evac_sim_smoke_factor(s, to, ag->head_m);
  ag->flight_half = 1;
  int64_t *end = &fl->lane_tail[2 * fl->nlanes + ag->lane];
  int64_t t = ag->flight_t0 +
              (int64_t)llround((ag->flight_h1_s + half_flight_s(s, ag, fl)) *
                               EVAC_TICKS_PER_S);
  if (*end + fl->lane_headway > t)
    t = *end + fl->lane_headway;
  *end = t;
  ag->since = t;
  return evac_sim_schedule_agent(s, a, t);
}

static int decide(struct evac_sim *s, int a);

/* The agent found its best option closed: it learns the building as it is. */
static int discover(struct evac_sim *s, int a, const struct option *o) {
  struct evac_agent *ag = &s->agents[a];
  int f, x, y;
  evac_sim_cell_xy(s, ag->cell, &f, &x, &y);
  int target = o->cell >= 0 ? feature_of(s, o->cell)
                            : s->m->stairs[s->flights[o->flight].stair].feature;
  ag->know = 1;
  if (evac_sim_log(s, EVAC_LOG_REROUTE, a, f, x, y, target))
    return -1;
  return decide(s, a);
}

/* Word of mouth: agents a and h (on cell v, which a wants) face each other,
 * one knowing the building as it is and the other still following the
 * plan, and the one following the plan wants the other's cell (as when
 * the first people at a blocked stair turn back into the queue behind
 * them). The one who turned back tells: the other learns the building as
 * it is (logged as a reroute with no target) and chooses again. Without
 * this the two block each other for good (docs/models.md, "Word of
 * mouth"). Returns 1 if a itself learned (it must choose again), 0, or -1
 * out of memory. */
static int tell(struct evac_sim *s, int a, int32_t v) {
  int h = s->occ[v];
  struct evac_agent *ag = &s->agents[a], *ha = &s->agents[h];
  if (ha->cell != v || ag->know == ha->know)
    return 0;
  int learner = ag->know < 1 ? a : h;
  int32_t from = learner == a ? ag->cell : v, to = learner == a ? v : ag->cell;
  if (learner == h && ha->phase != EVAC_PHASE_DECIDE)
    return 0; /* h is on its way into v: it will ask again there */
  const double *S = evac_sim_field(s, learner);
  if (!(S[to] < S[from] - 1e-9))
    return 0; /* the one following the plan is not heading at the other */
  struct evac_agent *l = &s->agents[learner];
  l->know = 1;
  l->gen++;
  int f, x, y;
  evac_sim_cell_xy(s, from, &f, &x, &y);
  if (evac_sim_log(s, EVAC_LOG_REROUTE, learner, f, x, y, -1))
    return -1;
  return learner == a ? 1 : evac_sim_schedule_agent(s, h, s->now);
}

/* Cells around an agent that a detour may use: a square of DETOUR_R cells
 * each way. */
#define DETOUR_R 10
#define DETOUR_N ((2 * DETOUR_R + 1) * (2 * DETOUR_R + 1))

/* 1 if cell v is held by someone other than agent a who will not move by
 * themselves (phase done: waiting for staff, incapacitated, sheltering,
 * defending in place, or a stopped bed's footprint). */
static int held_still(const struct evac_sim *s, int a, int32_t v) {
  int h = s->occ[v];
  return h >= 0 && h != a && s->agents[h].phase == EVAC_PHASE_DONE;
}

/* Detour (docs/models.md, "Detours"): every way on that agent a on cell c
 * waits for is held by people who will not move by themselves. Over the
 * cells within DETOUR_R of c (walkable, open, not held still by others; no
 * corner cutting) it finds the cell u nearer its target than c (field
 * S[u] < S[c]) that minimises the walk to u plus S[u], and returns the
 * first cell of that walk (*step its length), or -1 if there is none. */
static int32_t detour(const struct evac_sim *s, int a, int32_t c,
                      double *step) {
  const struct evac_model *m = s->m;
  const double *S = evac_sim_field(s, a);
  int f, cx, cy;
  evac_sim_cell_xy(s, c, &f, &cx, &cy);
  const int w = m->floors[f].nx, side = 2 * DETOUR_R + 1;
  double g[DETOUR_N];
  int32_t first[DETOUR_N];
  uint8_t done[DETOUR_N];
  for (int i = 0; i < DETOUR_N; i++)
    g[i] = INFINITY, first[i] = -1, done[i] = 0;
  const int c0 = DETOUR_R * side + DETOUR_R;
  g[c0] = 0.0;
  double best = INFINITY;
  int32_t pick = -1;
  for (;;) { /* Dijkstra by selection: the window is small */
    int u = -1;
    for (int i = 0; i < DETOUR_N; i++)
      if (!done[i] && isfinite(g[i]) && (u < 0 || g[i] < g[u]))
        u = i;
    if (u < 0 || g[u] >= best)
      break;
    done[u] = 1;
    int ux = cx + u % side - DETOUR_R, uy = cy + u / side - DETOUR_R;
    int32_t uc = (int32_t)evac_model_cell(m, f, ux, uy);
    if (u != c0 && S[uc] < S[c] - 1e-9 && g[u] + S[uc] < best) {
      best = g[u] + S[uc];
      pick = first[u];
    }
    struct evac_nb nb[9];
    for (int k = 0, nn = evac_model_neighbours(m, f, ux, uy, 0, nb); k < nn;
         k++) {
      int32_t v = nb[k].cell;
      int dx = nb[k].dx, dy = nb[k].dy;
      int vx = ux + dx - cx + DETOUR_R, vy = uy + dy - cy + DETOUR_R;
      if (vx < 0 || vy < 0 || vx >= side || vy >= side ||
          !evac_cell_walkable(m->cell_kind[v]) || s->closed[v] ||
          held_still(s, a, v))
        continue;
      if (dx && dy &&
          (!evac_cell_walkable(m->cell_kind[uc + dx]) ||
           !evac_cell_walkable(m->cell_kind[uc + dy * w]) ||
           s->closed[uc + dx] || s->closed[uc + dy * w]))
        continue;
      int vi = vy * side + vx;
      double nd = g[u] + (dx && dy ? m->cell_m * sqrt(2.0) : m->cell_m);
      if (nd < g[vi]) {
        g[vi] = nd;
        first[vi] = u == c0 ? v : first[u];
      }
    }
  }
  if (pick >= 0) {
    int pf, px, py;
    evac_sim_cell_xy(s, pick, &pf, &px, &py);
    *step = px != cx && py != cy ? m->cell_m * sqrt(2.0) : m->cell_m;
  }
  return pick;
}

/* Agent a, blocked only by people held still, takes the first step of its
 * detour: into it if free, else it waits for that cell too (or for its
 * headway). With no detour it keeps waiting. */
static int go_round(struct evac_sim *s, int a) {
  double step = 0.0;
  int32_t v = detour(s, a, s->agents[a].cell, &step);
  if (v < 0)
    return 0;
  if (s->occ[v] >= 0)
    return evac_sim_wait(s, a, v);
  if (s->now < s->next_entry[v])
    return evac_sim_schedule_agent(s, a, s->next_entry[v]);
  s->agents[a].gen++; /* drop the waits registered before */
  return step_into(s, a, v, step);
}

static int decide(struct evac_sim *s, int a) {
  struct evac_agent *ag = &s->agents[a];
  struct option opt[10];
  const int latest = 1;
  ag->phase = EVAC_PHASE_DECIDE;
  ag->state = EVAC_STATE_MOVING;
  int n = options(s, a, ag->cell, opt);
  const struct option *best = NULL;
  for (int i = 0; i < n; i++)
    if (!best || opt[i].total < best->total)
      best = &opt[i];
  if (best && best->closed && ag->know < latest)
    return discover(s, a, best);
  if (!best && ag->know < latest) {
    ag->know = latest; /* no way on that it knows of: look again */
    return decide(s, a);
  }
  if (!best || best->closed)
    return evac_sim_agent_trap(s, a);
  int need = best->cell >= 0 ? evac_shelter_needed(s, a, best->cell) : 0;
  if (need) {
    double step = 0.0; /* draw back from the smoke (not in a queue), wait */
    int32_t v = need == 1 ? evac_shelter_retreat(s, a, &step) : -1;
    if (evac_shelter_begin(s, a))
      return -1;
    if (v >= 0)
      return step_into(s, a, v, step);
    ag->phase = EVAC_PHASE_DONE;
    ag->state = EVAC_STATE_STUCK;
    return 0;
  }
  ag->shelter = 0;
  double limit = best->total + s->m->cell_m + 1e-9;
  const struct option *pick = NULL, *pass = NULL;
  int ties = 0, still = 0, moving = 0; /* waits on people held still, on
                                           others (or a flight) */
  int64_t retry = INT64_MAX, flight_retry = INT64_MAX;
  for (int i = 0; i < n; i++) {
    const struct option *o = &opt[i];
    if (o->closed || o->total > limit)
      continue;
    if (o->cell >= 0) {
      if (s->occ[o->cell] >= 0 && s->occ[o->cell] != a) {
        int told = evac_sim_wait(s, a, o->cell) ? -1 : tell(s, a, o->cell);
        if (told)
          return told < 0 ? -1 : decide(s, a);
        if ((!pass || o->total < pass->total - 1e-9) &&
            swappable(s, a, o->cell))
          pass = o;
        if (held_still(s, a, o->cell))
          still++;
        else
          moving++;
        continue;
      }
      if (s->now < s->next_entry[o->cell]) {
        retry = retry < s->next_entry[o->cell] ? retry : s->next_entry[o->cell];
        continue;
      }
    } else {
      const struct evac_flight *fl = &s->flights[o->flight];
      if (fl->count >= fl->capacity) {
        if (evac_sim_wait(s, a, (int32_t)s->m->ncells + o->flight))
          return -1;
        moving++;
        continue;
      }
      if (s->now < fl->next_entry) {
        flight_retry =
            flight_retry < fl->next_entry ? flight_retry : fl->next_entry;
        continue;
      }
    }
    if (!pick || o->total < pick->total - 1e-9) {
      pick = o;
      ties = 1;
    } else if (o->total <= pick->total + 1e-9 &&
               evac_rng_below(&ag->rng, (uint32_t)++ties) == 0) {
      pick = o;
    }
  }
  if (pick || pass)
    ag->gen++; /* drop the waits registered above */
  if (pick)
    return pick->cell >= 0 ? step_into(s, a, pick->cell, pick->step)
                           : enter_flight(s, a, pick->flight);
  if (pass) /* nothing free: pass someone coming the other way */
    return swap(s, a, pass->cell, pass->step);
  if (still && !moving && retry == INT64_MAX && flight_retry == INT64_MAX)
    return go_round(s, a);
  if (flight_retry <= retry && flight_retry != INT64_MAX)
    return evac_sim_schedule_queued(s, a, flight_retry); /* in the queue */
  if (retry != INT64_MAX)
    return evac_sim_schedule_agent(s, a, retry);
  return 0; /* woken by a cell or flight it waits on */
}

/* Agent a arrived on its cell. */
static int arrive(struct evac_sim *s, int a) {
  const struct evac_model *m = s->m;
  struct evac_agent *ag = &s->agents[a];
  int32_t from = ag->prev_cell, c = ag->cell;
  int kept = s->behaviour ? s->behaviour->footprint(s, a, from) : 0;
  if (kept < 0)
    return -1;
  ag->prev_cell = -1;
  ag->last_cell = c;
  if (!kept && s->occ[from] == a) { /* else a swap's partner holds it */
    s->occ[from] = -1;
    if (evac_sim_wake(s, from))
      return -1;
  }
  int me = s->measure_of[c];
  if (me >= 0 && s->measure_of[from] != me) {
    int f, x0, y0, x1, y1;
    evac_sim_cell_xy(s, from, &f, &x0, &y0);
    evac_sim_cell_xy(s, c, &f, &x1, &y1);
    const int *l = m->measures[me].line;
    long cross =
        (long)(l[2] - l[0]) * (y1 - y0) - (long)(l[3] - l[1]) * (x1 - x0);
    if (evac_result_measure_push(&s->res.measures[me],
                                 (double)s->now / EVAC_TICKS_PER_S,
                                 cross >= 0 ? 1 : -1, a))
      return -1;
  }
  uint8_t kind = m->cell_kind[c], was = m->cell_kind[from];
  if (was == EVAC_CELL_STAIR &&
      (kind != EVAC_CELL_STAIR || feature_of(s, c) != feature_of(s, from)))
    evac_sim_landing(s, a, from, 0, 0);
  if (kind == EVAC_CELL_STAIR &&
      (was != EVAC_CELL_STAIR || feature_of(s, c) != feature_of(s, from)))
    evac_sim_landing(s, a, c, 1, 0);
  if ((kind != EVAC_CELL_EXIT && kind != EVAC_CELL_REFUGE) ||
      (s->unsafe && s->unsafe[c])) /* a refuge lost to smoke, or full */
    return decide(s, a);
  if (kind == EVAC_CELL_REFUGE) {
    int in = evac_refuge_admit(s, a, c);
    if (in <= 0)
      return in < 0 ? -1 : decide(s, a);
  }
  return evac_sim_agent_safe(s, a, c, feature_of(s, c));
}

/* Agent a reached the end of flight fi and steps onto a landing. */
static int land(struct evac_sim *s, int a) {
  const struct evac_model *m = s->m;
  struct evac_agent *ag = &s->agents[a];
  int fi = ag->flight;
  struct evac_flight *fl = &s->flights[fi];
  const double *S = evac_sim_field(s, a);
  int node = s->stair_node[fl->stair] + fl->to_k;
  int32_t pick = -1;
  int64_t retry = INT64_MAX;
  for (int i = s->landing_off[node]; i < s->landing_off[node + 1]; i++) {
    int32_t l = s->landings[i];
    if (s->occ[l] >= 0) {
      if (evac_sim_wait(s, a, l))
        return -1;
    } else if (s->now < s->next_entry[l]) {
      retry = retry < s->next_entry[l] ? retry : s->next_entry[l];
    } else if (pick < 0 || S[l] < S[pick]) {
      pick = l;
    }
  }
  if (pick < 0)
    return retry != INT64_MAX ? evac_sim_schedule_agent(s, a, retry) : 0;
  ag->gen++;
  s->occ[pick] = a;
  s->next_entry[pick] = s->now + s->cell_headway;
  ag->since = s->now;
  ag->cell = ag->last_cell = pick;
  ag->flight = -1;
  evac_sim_landing(s, a, pick, 1, 0);
  fl->count--;
  s->non_stairs--;
  int f, x, y;
  evac_sim_cell_xy(s, pick, &f, &x, &y);
  if (evac_sim_log(s, EVAC_LOG_STAIR_EXIT, a, f, x, y,
                   m->stairs[fl->stair].feature) ||
      evac_sim_wake(s, (int32_t)m->ncells + fi))
    return -1;
  return decide(s, a);
}

static int act(struct evac_sim *s, int a) {
  struct evac_agent *ag = &s->agents[a];
  switch ((enum evac_agent_phase)ag->phase) {
  case EVAC_PHASE_PREMOVE: {
    int f, x, y;
    evac_sim_cell_xy(s, ag->cell, &f, &x, &y);
    if (evac_sim_log(s, EVAC_LOG_START, a, f, x, y, -1))
      return -1;
    return decide(s, a);
  }
  case EVAC_PHASE_DECIDE:
    return decide(s, a);
  case EVAC_PHASE_MOVING:
    return arrive(s, a);
  case EVAC_PHASE_FLIGHT:
    return ag->flight_half ? land(s, a) : halfway(s, a);
  case EVAC_PHASE_DONE:
  case EVAC_PHASE_TASK: /* the behaviour model's (sim/engine/engine.c) */
    return 0;
  }
  return 0;
}

const struct evac_movement_ops evac_movement_ca = {"ca", act};
