/* Hospital staff (docs/hospital.md).
 *
 * Patients who need staff wait where they are. After the alarm and their
 * own pre-movement, staff choose a patient (allocation rule below), walk to
 * them, and once the whole team the patient's device needs is there they
 * prepare the patient (a drawn time). The patient then moves through the
 * cellular automaton at the device's speed, one unit with its team, to the
 * nearest safe place (or the group's exit); there the team hands over and
 * each member goes back for the next patient. Staff with nobody left to
 * move leave: walking out like anyone else, or, when already at a safe
 * place after a hand-over, staying there.
 *
 * Allocation: a patient whose team is incomplete comes first (so that two
 * half teams never wait for each other); then, under the triage rule,
 * patients of the fire's room, then of its smoke compartment, then of its
 * floor; then the nearest by walking distance. A
 * patient is only chosen if enough staff are on duty to form its team.
 *
 * Staff walk to patients off the grid: the time is the walking distance
 * (on the same floor: shortest 8-neighbour path; otherwise via the nearest
 * safe place; back up by fire lift when quicker) over their speed, and
 * they hold no cell meanwhile. The patient with its device holds one cell,
 * like a person; a bed holds a footprint about 2 m long and 1 m wide (see
 * footprint() below).
 *
 * Beds take a fire lift (models/movement/lift.c) when one is in service
 * and expected to be quicker than the stair; otherwise a bed whose way
 * goes down a stair is first moved onto a ski sheet.
 *
 * Staff and smoke (docs/hospital.md "Staff and smoke"): no patient in
 * untenable conditions, incapacitated or already safe is chosen or
 * fetched; staff arriving at one turn to the next. A patient incapacitated
 * releases its team; a staff member incapacitated on the way or waiting
 * frees its place in the team (evac_sim_agent_incapacitate calls back).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "grid.h"
#include "sim.h"

/* A moving bed's footprint, m: a hospital bed is about 1.0 m wide and
 * 2.1-2.3 m long; with its pushers about 2 m of its way is covered
 * (docs/hospital.md "Footprint"). */
#define BED_LENGTH_M 2.0
#define BED_WIDTH_M 1.0

/* What a staff member is doing. */
enum stage {
  ST_IDLE = 0, /* not yet assigned */
  ST_WALK,     /* walking to its patient */
  ST_AT,       /* at its patient, waiting for the team or preparing */
  ST_ESCORT,   /* moving with its patient */
};

/* What a patient is waiting for. */
enum pstage {
  PS_WAIT = 0,  /* for staff */
  PS_PREPARE,   /* being prepared by its complete team */
  PS_MOVING,    /* moved by its team */
  PS_LIFT_WALK, /* wheeled to a fire lift's lobby (off the grid) */
  PS_LIFT_RIDE, /* in the lift, then wheeled to the safe place */
  PS_DONE,      /* safe (or incapacitated) */
};

/* The staff model's state. */
struct evac_care {
  int nstaff;        /* staff agents not incapacitated */
  int32_t *task;     /* [agents] staff: patient served, or -1 */
  int8_t *stage;     /* [agents] staff: enum stage; patient: enum pstage */
  int32_t *assigned; /* [agents] patient: staff assigned */
  int32_t *present;  /* [agents] patient: staff at the patient */
  double *busy_from; /* [agents] staff: time of its current assignment */
  int32_t *slot;     /* [agents] index in the drill report's columns */
  int8_t *sheet;     /* [agents] patient: 1 once moved from its bed onto a ski
                        sheet for the stairs */
  int bed_len;       /* positions a bed covers along its way (its own and
                        the ones it left last): BED_LENGTH_M in cells */
  int bed_w;         /* cells a bed covers across its way: BED_WIDTH_M in
                        cells, rounded up */
  int32_t *fp;       /* [agents][bed_len][bed_w] patient: its bed's cells,
                        by position (oldest first), each the cell on its way
                        then the cells beside it, -1 for none */
  int8_t *nfp;       /* [agents] positions stored, the last its own cell */
  int8_t *axis;      /* [agents] patient: 0 unknown, 1 the bed lies along x
                        (covers cells across in y), 2 along y */
  int32_t *lift;     /* [agents] patient: fire lift it takes, or -1 */
  int32_t *lobby;    /* [agents] patient: its lobby cell */
  struct evac_lifts *lifts; /* the fire lifts' state */
  double *dist;             /* [largest floor] one-floor distances */
  uint8_t *pass;            /* [ncells] where staff walk (floor_dist) */
  struct evac_drill *d;     /* the report being filled */
};

/* The current time, s. */
static double now_s(const struct evac_sim *s) {
  return (double)s->now / EVAC_TICKS_PER_S;
}

/* Walking distances from cell from over its floor into c->dist (indices
 * relative to the floor's first cell): the grid's steps (grid.h) over the
 * walkable cells not closed. 0 or -1. */
static int floor_dist(struct evac_sim *s, int32_t from) {
  const struct evac_model *m = s->m;
  struct evac_care *c = s->care;
  const struct evac_floor *fl = &m->floors[s->cell_floor[from]];
  size_t n = (size_t)fl->nx * fl->ny;
  for (size_t i = 0; i < n; i++) {
    size_t v = fl->offset + i;
    c->dist[i] = INFINITY;
    c->pass[v] = evac_cell_walkable(m->cell_kind[v]) && !s->closed[v];
  }
  struct evac_grid_search g;
  evac_grid_search_init(&g, m, s->cell_floor, c->pass, NULL, c->dist,
                        fl->offset);
  if (evac_grid_search_reach(&g, from, 0.0)) {
    evac_heap_free(&g.queue);
    return -1;
  }
  return evac_grid_search_run(&g);
}

/* The cell a patient waits on. */
static int32_t patient_cell(const struct evac_sim *s, int p) {
  const struct evac_agent *ag = &s->agents[p];
  return ag->cell >= 0 ? ag->cell : ag->last_cell;
}

/* The first region holding cell (x, y) of floor f, or -1. */
static int region_of(const struct evac_model *m, int f, int x, int y) {
  for (int i = 0; i < m->nregions; i++) {
    const struct evac_region *r = &m->regions[i];
    if (r->floor == f && x >= r->rect[0] && x <= r->rect[2] &&
        y >= r->rect[1] && y <= r->rect[3])
      return i;
  }
  return -1;
}

/* Triage class of patient p (lower first): 0 in the fire's room (region),
 * 1 in its smoke compartment, 2 on its floor, 3 elsewhere; 3 for all
 * under the nearest rule or without a fire. */
static int triage(const struct evac_sim *s, int p) {
  const struct evac_model *m = s->m;
  if (m->allocation != EVAC_ALLOC_TRIAGE || !m->has_fire)
    return 3;
  int f, x, y;
  evac_sim_cell_xy(s, patient_cell(s, p), &f, &x, &y);
  if (f != m->fire.floor)
    return 3;
  int here = region_of(m, f, x, y),
      fire = region_of(m, f, m->fire.x, m->fire.y);
  if (here >= 0 && here == fire)
    return 0;
  const char *a = here >= 0 ? m->regions[here].compartment : NULL,
             *b = fire >= 0 ? m->regions[fire].compartment : NULL;
  return a && b && !strcmp(a, b) ? 1 : 2;
}

/* Chooses the next patient for a staff member standing at cell from: sets
 * *dist_m to the walk. Returns the patient, -1 if none, -2 out of memory. */
static int choose(struct evac_sim *s, int32_t from, double *dist_m) {
  struct evac_care *c = s->care;
  const struct evac_model *m = s->m;
  const double *S = s->fields.dist[0];
  if (floor_dist(s, from))
    return -2;
  int best = -1, best_partial = 0, best_class = 4;
  double best_d = INFINITY;
  int f0 = s->cell_floor[from];
  for (int k = 0; k < c->d->npatients; k++) {
    int p = c->d->patient[k];
    const struct evac_profile *pr = &m->profiles[s->res.agents.profile[p]];
    if (c->stage[p] != PS_WAIT || c->assigned[p] >= pr->staff_needed ||
        pr->staff_needed > c->nstaff || evac_sim_agent_final(s, p))
      continue;
    int32_t pc = patient_cell(s, p);
    if (evac_sim_untenable(s, pc))
      continue; /* staff do not go into untenable conditions */
    double d = s->cell_floor[pc] == f0
                   ? c->dist[(size_t)pc - m->floors[f0].offset]
                   : (double)S[from] + S[pc];
    if (!isfinite(d))
      continue;
    int partial = c->assigned[p] > 0, cls = triage(s, p);
    if (best < 0 || partial > best_partial ||
        (partial == best_partial &&
         (cls < best_class || (cls == best_class && d < best_d)))) {
      best = p;
      best_partial = partial;
      best_class = cls;
      best_d = d;
    }
  }
  *dist_m = best_d;
  return best;
}

/* Puts staff member a (off the grid) on the free cell nearest cell near
 * (walking distance over near's floor), to walk out from there; it stays
 * off the grid if no cell is free. 0 or -1. */
static int to_grid(struct evac_sim *s, int a, int32_t near) {
  const struct evac_model *m = s->m;
  struct evac_care *c = s->care;
  if (floor_dist(s, near))
    return -1;
  const struct evac_floor *fl = &m->floors[s->cell_floor[near]];
  size_t n = (size_t)fl->nx * fl->ny;
  int32_t best = -1;
  for (size_t i = 0; i < n; i++) {
    int32_t v = (int32_t)(fl->offset + i);
    if (isfinite(c->dist[i]) && s->occ[v] < 0 &&
        m->cell_kind[v] == EVAC_CELL_FLOOR &&
        (best < 0 || c->dist[i] < c->dist[(size_t)best - fl->offset]))
      best = v;
  }
  if (best < 0)
    return 0;
  struct evac_agent *ag = &s->agents[a];
  s->occ[best] = a;
  ag->cell = ag->last_cell = best;
  ag->since = s->now;
  return 0;
}

/* Staff member a, standing at cell from, takes on its next patient, or
 * (none left) leaves: at a safe place it stays there, elsewhere it walks
 * out through the movement model. 0 or -1. */
static int next_task(struct evac_sim *s, int a, int32_t from, int at_safe) {
  struct evac_care *c = s->care;
  struct evac_agent *ag = &s->agents[a];
  double d;
  int p = choose(s, from, &d);
  if (p == -2)
    return -1;
  ag->gen++;
  if (p < 0) {
    c->stage[a] = ST_IDLE;
    if (!at_safe) {
      if (ag->cell < 0 && to_grid(s, a, from))
        return -1;
      if (ag->cell < 0) { /* no free cell near: it stays */
        ag->phase = EVAC_PHASE_DONE;
        ag->state = EVAC_STATE_STUCK;
        return 0;
      }
      ag->phase = EVAC_PHASE_DECIDE;
      return evac_sim_schedule_agent(s, a, s->now);
    }
    if (evac_refuge_stay(s, a, from))
      return -1;
    return evac_sim_agent_safe(s, a, from, s->m->cell_feature[from]);
  }
  if (ag->cell >= 0) { /* leaves the grid */
    s->occ[ag->cell] = -1;
    if (evac_sim_wake(s, ag->cell))
      return -1;
    ag->last_cell = ag->cell;
    ag->cell = -1;
  }
  c->task[a] = p;
  c->assigned[p]++;
  c->stage[a] = ST_WALK;
  c->busy_from[a] = now_s(s);
  ag->phase = EVAC_PHASE_TASK;
  ag->state = EVAC_STATE_MOVING;
  double v = ag->speed * ag->smoke_factor, t = d / v;
  int32_t pc = patient_cell(s, p);
  if (at_safe && s->cell_floor[pc] != s->cell_floor[from]) {
    /* back up by a fire lift, if one serves the patient's floor */
    int32_t lobby;
    double walk;
    if (floor_dist(s, pc))
      return -1;
    int l = evac_lifts_pick(s, c->lifts, pc, c->dist, &lobby, &walk);
    double tl = l >= 0 ? evac_lifts_staff_s(s, c->lifts, l, lobby, v) + walk / v
                       : INFINITY;
    if (tl < t)
      t = tl, d = walk;
  }
  s->res.agents.distance_m[a] += d;
  int64_t dur = (int64_t)llround(t * EVAC_TICKS_PER_S);
  return evac_sim_schedule_agent(s, a, s->now + (dur > 0 ? dur : 1));
}

/* Staff member a arrived at its patient. */
static int arrive(struct evac_sim *s, int a) {
  struct evac_care *c = s->care;
  struct evac_agent *ag = &s->agents[a];
  int p = c->task[a];
  int32_t pc = patient_cell(s, p);
  if (c->stage[p] != PS_WAIT || evac_sim_untenable(s, pc)) {
    /* incapacitated, rescued or in smoke meanwhile: staff do not go in,
     * they turn to the next patient from where they are */
    c->task[a] = -1;
    c->assigned[p]--;
    return next_task(s, a, ag->last_cell, 0);
  }
  ag->last_cell = pc;
  c->stage[a] = ST_AT;
  ag->phase = EVAC_PHASE_DONE; /* woken by its patient */
  const struct evac_profile *pr = &s->m->profiles[s->res.agents.profile[p]];
  if (++c->present[p] < pr->staff_needed)
    return 0;
  /* the team is complete: prepare the patient */
  struct evac_agent *pa = &s->agents[p];
  c->stage[p] = PS_PREPARE;
  c->d->team_s[c->slot[p]] = now_s(s);
  struct evac_rng r;
  evac_rng_init(&r, s->res.seed, s->res.replication, EVAC_RNG_STAFF,
                (uint32_t)p);
  double prep = evac_dist_sample(&pr->prepare_s, &r);
  if (!isnan(c->d->moving_s[c->slot[p]]))
    prep = 0.0; /* moved before (its refuge was lost): still on its device */
  pa->gen++;
  pa->phase = EVAC_PHASE_TASK;
  return evac_sim_schedule_agent(
      s, p, s->now + (int64_t)llround(prep * EVAC_TICKS_PER_S));
}

/* 1 if patient p's team takes it by fire lift: a bed (two staff or more)
 * when the strategy goes down (nearest or vertical), a lift is in service,
 * and the lift is expected to be quicker than the stair (queue included;
 * the stair way: a bed goes onto a ski sheet first, then walks the floor
 * field's distance at its flat speed). Sets c->lift[p], c->lobby[p] and
 * *walk_m. -1 out of memory. */
static int by_lift(struct evac_sim *s, int p, double *walk_m) {
  struct evac_care *c = s->care;
  const struct evac_model *m = s->m;
  const struct evac_profile *pr = &m->profiles[s->res.agents.profile[p]];
  c->lift[p] = -1;
  if (pr->staff_needed < 2 || (m->strategy != EVAC_STRATEGY_NEAREST &&
                               m->strategy != EVAC_STRATEGY_VERTICAL))
    return 0;
  int32_t pc = patient_cell(s, p);
  if (floor_dist(s, pc))
    return -1;
  int l = evac_lifts_pick(s, c->lifts, pc, c->dist, &c->lobby[p], walk_m);
  if (l < 0)
    return 0;
  const double v = s->agents[p].speed, *S = s->fields.dist[0];
  struct evac_dist sheet = evac_device_prepare("ski_sheet");
  double stair = S[pc] / v;
  if (pr->device && !strcmp(pr->device, "bed") && !c->sheet[p])
    stair += evac_dist_mean(&sheet);
  double lift = evac_lifts_eta_s(s, c->lifts, l, c->lobby[p], *walk_m / v);
  c->lift[p] = lift <= stair ? l : -1;
  return c->lift[p] >= 0;
}

/* 1 if the way from cell pc (whose floor's distances are in c->dist) to
 * its nearest safe place goes down a stair: no safe place of the field's
 * target set on pc's floor is as near. */
static int needs_stair(const struct evac_sim *s, int32_t pc) {
  const struct evac_model *m = s->m;
  const struct evac_floor *fl = &m->floors[s->cell_floor[pc]];
  const double *S = s->fields.dist[0];
  int32_t set = s->fields.target[0];
  size_t n = (size_t)fl->nx * fl->ny;
  for (size_t i = 0; i < n; i++) {
    uint8_t k = m->cell_kind[fl->offset + i];
    int in = (k == EVAC_CELL_EXIT &&
              (set == EVAC_TARGET_ALL || set == EVAC_TARGET_EXITS)) ||
             (k == EVAC_CELL_REFUGE &&
              (set == EVAC_TARGET_ALL || set == EVAC_TARGET_REFUGES));
    if (in && s->care->dist[i] <= S[pc] + 1e-6)
      return 0;
  }
  return isfinite(S[pc]);
}

/* The safe place reached from cell c down the floor field (c itself if it
 * is one), or -1. */
static int32_t descend(const struct evac_sim *s, int32_t c) {
  const struct evac_model *m = s->m;
  const double *S = s->fields.dist[0];
  while (c >= 0 && m->cell_kind[c] != EVAC_CELL_EXIT &&
         m->cell_kind[c] != EVAC_CELL_REFUGE) {
    int f, x, y;
    evac_sim_cell_xy(s, c, &f, &x, &y);
    int32_t next = -1;
    struct evac_nb nb[9];
    for (int k = 0, n = evac_model_neighbours(m, f, x, y, 0, nb); k < n; k++)
      if (S[nb[k].cell] < (next >= 0 ? S[next] : S[c]))
        next = nb[k].cell;
    c = next;
  }
  return c;
}

/* Patient p (prepared) is wheeled off the grid to its lift's lobby. */
static int to_lift(struct evac_sim *s, int p, double walk_m) {
  struct evac_agent *pa = &s->agents[p];
  s->care->stage[p] = PS_LIFT_WALK;
  s->occ[pa->cell] = -1;
  if (evac_sim_wake(s, pa->cell))
    return -1;
  pa->last_cell = pa->cell;
  pa->cell = -1;
  pa->phase = EVAC_PHASE_TASK;
  s->res.agents.distance_m[p] += walk_m;
  int64_t dur = (int64_t)llround(walk_m / (pa->speed * pa->smoke_factor) *
                                 EVAC_TICKS_PER_S);
  return evac_sim_schedule_agent(s, p, s->now + (dur > 0 ? dur : 1));
}

/* Patient p is at its lift's lobby: it rides down, then is wheeled to the
 * safe place nearest to the discharge lobby. */
static int ride(struct evac_sim *s, int p) {
  struct evac_care *c = s->care;
  struct evac_agent *pa = &s->agents[p];
  int32_t out;
  int64_t t = evac_lifts_book(s, c->lifts, c->lift[p], c->lobby[p], &out);
  if (t < 0)
    return -1;
  c->stage[p] = PS_LIFT_RIDE;
  c->lobby[p] = out;
  double walk = s->fields.dist[0][out];
  s->res.agents.distance_m[p] += walk;
  pa->last_cell = out;
  return evac_sim_schedule_agent(
      s, p, t + (int64_t)llround(walk / pa->speed * EVAC_TICKS_PER_S));
}

/* Patient p arrives, by lift, at a safe place. */
static int lift_safe(struct evac_sim *s, int p) {
  struct evac_agent *pa = &s->agents[p];
  int32_t c = descend(s, s->care->lobby[p]);
  if (c < 0) { /* the discharge floor lost its way out meanwhile */
    pa->phase = EVAC_PHASE_DONE;
    pa->state = EVAC_STATE_STUCK;
    return 0;
  }
  return evac_sim_agent_safe(s, p, c, s->m->cell_feature[c]);
}

/* Patient p is prepared: it starts to move with its team. */
static int depart(struct evac_sim *s, int p) {
  struct evac_care *c = s->care;
  struct evac_agent *pa = &s->agents[p];
  double walk;
  int lift = by_lift(s, p, &walk);
  if (lift < 0)
    return -1;
  const struct evac_profile *pr = &s->m->profiles[s->res.agents.profile[p]];
  if (!lift && !c->sheet[p] && pr->device && !strcmp(pr->device, "bed")) {
    /* a bed cannot go down a stair: onto a ski sheet first */
    if (floor_dist(s, patient_cell(s, p)))
      return -1;
    if (needs_stair(s, patient_cell(s, p))) {
      c->sheet[p] = 1;
      struct evac_dist sheet = evac_device_prepare("ski_sheet");
      struct evac_rng r;
      evac_rng_init(&r, s->res.seed, s->res.replication, EVAC_RNG_STAFF,
                    (uint32_t)p);
      evac_dist_sample(&pr->prepare_s, &r); /* the bed's own, drawn before */
      double t = evac_dist_sample(&sheet, &r);
      pa->gen++;
      pa->phase = EVAC_PHASE_TASK;
      return evac_sim_schedule_agent(
          s, p, s->now + (int64_t)llround(t * EVAC_TICKS_PER_S));
    }
  }
  c->stage[p] = PS_MOVING;
  c->d->moving_s[c->slot[p]] = now_s(s);
  c->d->staff_team[c->slot[p]] = c->present[p];
  for (int k = 0; k < c->d->nstaff; k++) {
    int a = c->d->staff[k];
    if (c->task[a] == p && c->stage[a] == ST_AT)
      c->stage[a] = ST_ESCORT;
  }
  pa->needs_staff = 0;
  pa->phase = EVAC_PHASE_DECIDE;
  pa->state = EVAC_STATE_MOVING;
  evac_sim_agent_hold(s, p, 0);
  int f, x, y;
  evac_sim_cell_xy(s, pa->cell, &f, &x, &y);
  if (evac_sim_log(s, EVAC_LOG_START, p, f, x, y, -1))
    return -1;
  if (lift)
    return to_lift(s, p, walk);
  return evac_sim_schedule_agent(s, p, s->now);
}

/* The staff model acts for task events and for staff ending pre-movement. */
static int owns(const struct evac_sim *s, int a) {
  const struct evac_agent *ag = &s->agents[a];
  if (ag->phase == EVAC_PHASE_TASK)
    return 1;
  return ag->role == EVAC_ROLE_STAFF && ag->phase == EVAC_PHASE_PREMOVE;
}

/* A task event of agent a came due. */
static int act(struct evac_sim *s, int a) {
  struct evac_agent *ag = &s->agents[a];
  if (ag->role == EVAC_ROLE_PATIENT) {
    switch (s->care->stage[a]) {
    case PS_LIFT_WALK:
      return ride(s, a);
    case PS_LIFT_RIDE:
      return lift_safe(s, a);
    default:
      return depart(s, a);
    }
  }
  if (ag->phase == EVAC_PHASE_PREMOVE) {
    int f, x, y;
    evac_sim_cell_xy(s, ag->cell, &f, &x, &y);
    if (evac_sim_log(s, EVAC_LOG_START, a, f, x, y, -1))
      return -1;
    return next_task(s, a, ag->cell, 0);
  }
  return arrive(s, a);
}

/* 1 if agent a is a bed moved by its team on the grid. */
static int is_bed(const struct evac_sim *s, int a) {
  const struct evac_profile *pr = &s->m->profiles[s->res.agents.profile[a]];
  return s->agents[a].role == EVAC_ROLE_PATIENT && pr->device &&
         !strcmp(pr->device, "bed") && !s->care->sheet[a];
}

/* Position k of agent a's footprint. */
static int32_t *fp_at(const struct evac_care *c, int a, int k) {
  return c->fp + ((size_t)a * c->bed_len + k) * c->bed_w;
}

/* Frees the oldest n positions of agent a's footprint (the cells it still
 * holds), waking their waiters. 0 or -1. */
static int fp_drop(struct evac_sim *s, int a, int n) {
  struct evac_care *c = s->care;
  for (int k = 0; k < n; k++)
    for (int i = 0; i < c->bed_w; i++) {
      int32_t v = fp_at(c, a, k)[i];
      if (v < 0 || s->occ[v] != a)
        continue;
      s->occ[v] = -1;
      if (evac_sim_wake(s, v))
        return -1;
    }
  int left = c->nfp[a] - n;
  memmove(fp_at(c, a, 0), fp_at(c, a, n),
          (size_t)left * c->bed_w * sizeof *c->fp);
  c->nfp[a] = (int8_t)left;
  if (!left)
    c->axis[a] = 0;
  return 0;
}

/* 1 if a bed can cover cell (f, x, y) beside its way: a walkable cell
 * that is not closed (who holds it is checked by the caller). Sets *v. */
static int coverable(const struct evac_sim *s, int f, int x, int y,
                     int32_t *v) {
  const struct evac_floor *fl = &s->m->floors[f];
  if (x < 0 || y < 0 || x >= fl->nx || y >= fl->ny)
    return 0;
  *v = (int32_t)evac_model_cell(s->m, f, x, y);
  return evac_cell_walkable(s->m->cell_kind[*v]) && !s->closed[*v];
}

/* Covers the cells beside agent a's new cell h (a bed's width across its
 * way, along axis ax) into out[1..]: a window of bed_w cells holding h,
 * clipped by walls and closed cells (a door or a narrow passage narrows
 * the footprint), placed where it finds the most free cells, centred on
 * ties; cells held by others stay theirs. */
static void fp_across(struct evac_sim *s, int a, int32_t h, int ax,
                      int32_t *out) {
  struct evac_care *c = s->care;
  int w = c->bed_w, f, x, y, lo = 0, hi = 0;
  evac_sim_cell_xy(s, h, &f, &x, &y);
  int ex = ax == 2, ey = ax == 1;
  int32_t v, neg[64], pos[64];
  while (lo < w - 1 &&
         coverable(s, f, x - ex * (lo + 1), y - ey * (lo + 1), &v))
    neg[lo++] = v;
  while (hi < w - 1 &&
         coverable(s, f, x + ex * (hi + 1), y + ey * (hi + 1), &v))
    pos[hi++] = v;
  /* the window is [st, st + w - 1]: it holds 0 and stays in [-lo, hi] */
  int first = -lo > -(w - 1) ? -lo : -(w - 1);
  int last = hi - (w - 1) < 0 ? hi - (w - 1) : 0;
  last = last < first ? first : last; /* narrower than the bed: all of it */
  int best = first, best_free = -1, best_off = 0;
  for (int st = first; st <= last; st++) {
    int nfree = 0;
    for (int k = st; k < st + w; k++) {
      if (!k || k < -lo || k > hi)
        continue;
      int32_t u = k < 0 ? neg[-k - 1] : pos[k - 1];
      nfree += s->occ[u] < 0 || s->occ[u] == a;
    }
    int off = abs(2 * st + w - 1); /* twice the distance from centred */
    if (nfree > best_free || (nfree == best_free && off < best_off))
      best = st, best_free = nfree, best_off = off;
  }
  int n = 1;
  for (int k = best; k < best + w; k++) {
    if (!k || k < -lo || k > hi)
      continue;
    int32_t u = k < 0 ? neg[-k - 1] : pos[k - 1];
    if (s->occ[u] < 0)
      s->occ[u] = a;
    if (s->occ[u] == a)
      out[n++] = u;
  }
}

/* A bed's footprint (docs/hospital.md "Footprint"): bed_len positions of
 * its way (its own cell and the ones it left last), each bed_w cells wide
 * across the way. The bed lies along its last straight step (a diagonal
 * step keeps it as it was; along x before its first straight step). */
static int footprint(struct evac_sim *s, int a, int32_t from) {
  struct evac_care *c = s->care;
  if (from < 0)
    return fp_drop(s, a, c->nfp[a]);
  if (!is_bed(s, a))
    return 0;
  int32_t h = s->agents[a].cell;
  int f, x0, y0, x1, y1;
  evac_sim_cell_xy(s, from, &f, &x0, &y0);
  evac_sim_cell_xy(s, h, &f, &x1, &y1);
  if (x1 == x0 || y1 == y0)
    c->axis[a] = (int8_t)(y1 == y0 ? 1 : 2);
  else if (!c->axis[a])
    c->axis[a] = 1;
  if (!c->nfp[a]) { /* its first step: the bed stood on one cell */
    int32_t *p = fp_at(c, a, 0);
    p[0] = from;
    for (int i = 1; i < c->bed_w; i++)
      p[i] = -1;
    c->nfp[a] = 1;
  }
  for (int k = 0; k < c->nfp[a]; k++) /* h may be a cell it covered */
    for (int i = 0; i < c->bed_w; i++)
      if (fp_at(c, a, k)[i] == h)
        fp_at(c, a, k)[i] = -1;
  if (c->nfp[a] == c->bed_len && fp_drop(s, a, 1))
    return -1;
  int32_t *p = fp_at(c, a, c->nfp[a]++);
  for (int i = 0; i < c->bed_w; i++)
    p[i] = -1;
  p[0] = h;
  fp_across(s, a, h, c->axis[a], p);
  return 1;
}

/* 1 if agent a is a patient who needs staff: waiting for them, or
 * defending in place (moved only if its compartment becomes untenable). */
static int is_patient(const struct evac_sim *s, int a) {
  const struct evac_agent *ag = &s->agents[a];
  return ag->role == EVAC_ROLE_PATIENT ||
         (ag->role == EVAC_ROLE_DEFENDED &&
          s->m->profiles[s->res.agents.profile[a]].needs_staff);
}

/* Patient p is no longer to be moved by its team (safe by other means, or
 * incapacitated): staff waiting at it or moving it turn to their next
 * patient from its cell; staff still walking to it learn on arrival
 * (arrive). 0 or -1. */
static int release(struct evac_sim *s, int p) {
  struct evac_care *c = s->care;
  for (int k = 0; k < c->d->nstaff; k++) {
    int a = c->d->staff[k];
    if (c->task[a] != p || evac_sim_agent_final(s, a) ||
        (c->stage[a] != ST_AT && c->stage[a] != ST_ESCORT))
      continue;
    c->assigned[p]--;
    c->present[p] -= c->stage[a] == ST_AT;
    c->task[a] = -1;
    c->stage[a] = ST_IDLE;
    if (next_task(s, a, patient_cell(s, p), 0))
      return -1;
  }
  return 0;
}

/* Agent p reached safety: if it is a patient, its team hands over and
 * goes back for the next. */
static int safe(struct evac_sim *s, int p) {
  struct evac_care *c = s->care;
  if (s->agents[p].role != EVAC_ROLE_PATIENT)
    return 0;
  c->stage[p] = PS_DONE;
  c->d->safe_s[c->slot[p]] = now_s(s);
  if (fp_drop(s, p, c->nfp[p]))
    return -1;
  int32_t at = s->agents[p].last_cell;
  for (int k = 0; k < c->d->nstaff; k++) {
    int a = c->d->staff[k];
    if (c->task[a] != p || c->stage[a] != ST_ESCORT ||
        s->agents[a].state == EVAC_STATE_INCAPACITATED)
      continue;
    c->d->trips[k]++;
    c->d->busy_s[k] += now_s(s) - c->busy_from[a];
    c->task[a] = -1;
    s->agents[a].last_cell = at;
    if (next_task(s, a, at, 1))
      return -1;
  }
  return release(s, p); /* brought out by others (a ladder) */
}

/* Agent a was incapacitated. A staff member walking to its patient or
 * waiting there frees its place in the team (another may take it); one
 * moving a patient stays with it. A patient is never fetched again: its
 * team turns to the next patient. 0 or -1. */
static int incapacitated(struct evac_sim *s, int a) {
  struct evac_care *c = s->care;
  if (s->agents[a].role == EVAC_ROLE_STAFF) {
    int p = c->task[a];
    c->nstaff--;
    if (p >= 0 && (c->stage[a] == ST_WALK || c->stage[a] == ST_AT)) {
      c->assigned[p]--;
      c->present[p] -= c->stage[a] == ST_AT;
      c->task[a] = -1;
      c->stage[a] = ST_IDLE;
    }
    /* who waits for a team that can no longer be formed goes on */
    for (int k = 0; k < c->d->nstaff; k++) {
      int b = c->d->staff[k], q = c->task[b];
      if (q < 0 || c->stage[b] != ST_AT || c->stage[q] != PS_WAIT ||
          evac_sim_agent_final(s, b) ||
          s->m->profiles[s->res.agents.profile[q]].staff_needed <= c->nstaff)
        continue;
      c->assigned[q]--;
      c->present[q]--;
      c->task[b] = -1;
      c->stage[b] = ST_IDLE;
      if (next_task(s, b, patient_cell(s, q), 0))
        return -1;
    }
    return 0;
  }
  if (!is_patient(s, a))
    return 0;
  c->stage[a] = PS_DONE;
  return release(s, a);
}

/* Frees the state (the drill report belongs to the result). */
static void care_free(struct evac_care *c) {
  if (!c)
    return;
  free(c->task);
  free(c->stage);
  free(c->assigned);
  free(c->present);
  free(c->busy_from);
  free(c->slot);
  free(c->lift);
  free(c->fp);
  free(c->nfp);
  free(c->axis);
  free(c->sheet);
  free(c->lobby);
  evac_lifts_free(c->lifts);
  free(c->dist);
  free(c->pass);
  free(c);
}

int evac_care_rewait(struct evac_sim *s, int p) {
  struct evac_care *c = s->care;
  struct evac_agent *pa = &s->agents[p];
  c->stage[p] = PS_WAIT;
  c->assigned[p] = c->present[p] = 0;
  c->d->safe_s[c->slot[p]] = NAN;
  pa->role = EVAC_ROLE_PATIENT;
  pa->needs_staff = 1;
  pa->phase = EVAC_PHASE_DONE;
  pa->state = EVAC_STATE_STUCK;
  evac_sim_agent_hold(s, p, 1);
  return 0;
}

int evac_care_resume(struct evac_sim *s, int a) {
  s->care->stage[a] = ST_IDLE;
  return next_task(s, a, s->agents[a].cell, 0);
}

/* Creates the state once the agents are placed. */
static int init(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  int np = 0, ns = 0;
  for (int a = 0; a < s->nagents; a++) {
    np += is_patient(s, a);
    ns += s->agents[a].role == EVAC_ROLE_STAFF;
  }
  struct evac_care *c = calloc(1, sizeof *c);
  if (!c)
    return -1;
  s->care = c;
  size_t n = (size_t)s->nagents + 1, big = 1;
  for (int f = 0; f < m->nfloors; f++)
    if ((size_t)m->floors[f].nx * m->floors[f].ny > big)
      big = (size_t)m->floors[f].nx * m->floors[f].ny;
  c->task = malloc(n * sizeof *c->task);
  c->stage = calloc(n, sizeof *c->stage);
  c->assigned = calloc(n, sizeof *c->assigned);
  c->present = calloc(n, sizeof *c->present);
  c->busy_from = calloc(n, sizeof *c->busy_from);
  c->slot = calloc(n, sizeof *c->slot);
  c->dist = malloc(big * sizeof *c->dist);
  c->pass = calloc(m->ncells + 1, 1);
  c->lift = malloc(n * sizeof *c->lift);
  c->sheet = calloc(n, sizeof *c->sheet);
  c->bed_len = (int)lround(BED_LENGTH_M / m->cell_m);
  c->bed_len = c->bed_len < 1 ? 1 : c->bed_len > 100 ? 100 : c->bed_len;
  c->bed_w = (int)ceil(BED_WIDTH_M / m->cell_m - 1e-9);
  c->bed_w = c->bed_w < 1 ? 1 : c->bed_w > 64 ? 64 : c->bed_w;
  c->fp = malloc(n * c->bed_len * c->bed_w * sizeof *c->fp);
  c->nfp = calloc(n, sizeof *c->nfp);
  c->axis = calloc(n, sizeof *c->axis);
  c->lobby = malloc(n * sizeof *c->lobby);
  c->lifts = evac_lifts_create(s);
  c->d = evac_drill_create(m, np, ns);
  s->res.drill = c->d; /* the result owns the report */
  if (!c->task || !c->stage || !c->assigned || !c->present || !c->busy_from ||
      !c->slot || !c->dist || !c->pass || !c->lift || !c->sheet || !c->fp ||
      !c->nfp || !c->axis || !c->lobby || !c->lifts || !c->d)
    return -1;
  c->nstaff = ns;
  for (int a = 0, ip = 0, is = 0; a < s->nagents; a++) {
    c->task[a] = -1;
    if (is_patient(s, a)) {
      c->slot[a] = ip;
      c->d->patient[ip++] = a;
      if (s->agents[a].role == EVAC_ROLE_DEFENDED)
        c->stage[a] = PS_DONE; /* stays, unless its compartment is lost */
    } else if (s->agents[a].role == EVAC_ROLE_STAFF) {
      c->slot[a] = is;
      c->d->staff[is++] = a;
    }
  }
  return 0;
}

/* The ward clearance times and lift figures, once the run has ended. */
static int report(struct evac_sim *s) {
  struct evac_drill *d = s->care->d;
  evac_drill_wards(d, s->m, &s->res);
  for (int i = 0; i < d->nstairs; i++) {
    d->stair_queue_max[i] = s->queue_max[i];
    d->stair_wait_max_s[i] = s->queue_wait_max[i];
  }
  for (int i = 0; i < d->nlifts; i++)
    evac_lifts_stats(s->care->lifts, i, &d->lift_trips[i],
                     &d->lift_wait_max_s[i], &d->lift_queue_max[i]);
  return 0;
}

const struct evac_behaviour_ops evac_behaviour_staff = {
    "staff", init,          owns,   act,      footprint,
    safe,    incapacitated, report, care_free};
