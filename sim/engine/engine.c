/* The engine: the event loop, the timeline, the sampling of time series
 * and trajectories, the end of a run and its figures, and freeing the
 * simulation. Creating it is setup.c, the fire-smoke-dose step coupling.c,
 * the services models call back services.c. Movement itself is a model
 * behind struct evac_movement_ops (models/movement). */
#include <math.h>
#include <stdlib.h>

#include "clock.h"
#include "settle.h"
#include "sim.h"

static int record_sample(struct evac_sim *s) {
  s->hrr_peak_sampled = fmax(s->hrr_peak_sampled, s->hrr_last_sampled);
  s->hrr_last_sampled = s->has_fire ? s->fire.hrr_kw : 0.0;
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

/* The timeline sounds the alarm now (unless it already sounded); a
 * drill's alarm counts its control-room delay as sounded. */
static int timeline_alarm(struct evac_sim *s) {
  if (s->alarmed)
    return 0;
  s->alarm = s->now;
  return evac_sim_sound_alarm(s);
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
    if (!evac_timeline_on_floor(te, f))
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

static void progress(struct evac_sim *s, double *last) {
  double w = evac_clock_wall_s();
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
  int working = evac_sim_staff_at_work(s);
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
  r->wall_clock_s = evac_clock_wall_s() - s->wall_start;
}

/* Starts a run: the clocks and the sink its samples go to (lean runs take
 * none). */
static void run_begin(struct evac_sim *s) {
  s->last_progress = s->wall_start = evac_clock_wall_s();
  s->last_sample = -1;
  s->res.traj.sink = s->res.fields.sink = s->opts.sink;
}

/* Handles event e, the current tick set. Returns 0 to go on, 1 if the run
 * is over, -1 on failure. */
static int run_event(struct evac_sim *s, const struct evac_event *e) {
  const struct evac_movement_ops *move = &evac_movement_ca;
  s->res.events_processed++;
  int rc = 0;
  if (e->cls == EVAC_EVC_SAMPLE) {
    rc = record_sample(s);
    s->last_sample = s->now;
    struct evac_event next = {.tick = s->now + evac_ticks(s->m->agents_every_s),
                              .cls = EVAC_EVC_SAMPLE};
    if (!rc)
      rc = evac_events_push(&s->events, next);
  } else if (e->cls == EVAC_EVC_SMOKE) {
    rc = evac_sim_smoke_step(s);
    struct evac_event next = {.tick = s->now + evac_ticks(EVAC_SMOKE_DT_S),
                              .cls = EVAC_EVC_SMOKE};
    if (!rc)
      rc = evac_events_push(&s->events, next);
  } else {
    s->pending--;
    if (e->cls == EVAC_EVC_TIMELINE)
      rc = apply_timeline(s, e->id);
    else if (e->gen == s->agents[e->id].gen) {
      s->agents[e->id].gen++;
      rc = s->behaviour && s->behaviour->owns(s, e->id)
               ? s->behaviour->act(s, e->id)
               : move->act(s, e->id);
    }
  }
  if (!rc && s->pending == 0 && s->idle_since < 0)
    rc = gridlock_begin(s);
  else if (s->pending > 0)
    s->idle_since = -1;
  if (rc)
    return -1;
  if (s->opts.progress && (s->res.events_processed & 0xffff) == 0)
    progress(s, &s->last_progress);
  /* without fire nothing changes once all are out or nobody can move;
     with fire, smoke still reaches whoever is left */
  if (!s->has_fire &&
      (s->nsafe + s->nincap + s->nstuck == s->nagents || s->pending == 0))
    return 1;
  if (s->has_fire && s->nsafe + s->nincap == s->nagents &&
      !evac_tenab_watching(s))
    return 1;
  /* with people left, the run ends once nothing can change its outcome
     (settle.h), unless the full duration is asked for */
  if (e->cls == EVAC_EVC_SMOKE && isnan(s->res.settled_s)) {
    int settled = evac_sim_settled(s);
    if (settled < 0)
      return -1;
    if (settled) {
      s->res.settled_s = (double)s->now / EVAC_TICKS_PER_S;
      if (!s->opts.full)
        return 1;
    }
  }
  return 0;
}

/* What run_until stopped at. */
enum run_stop { RUN_OVER, RUN_AT_SMOKE };

/* Handles the events of s in order until its run is over (RUN_OVER) or
 * until its next smoke step, which is taken off the queue into s->held and
 * not handled (RUN_AT_SMOKE). -1 on failure. */
static int run_until(struct evac_sim *s) {
  struct evac_event e;
  while (evac_events_pop(&s->events, &e) == 0) {
    if (e.tick > s->end) {
      s->now = s->end;
      return RUN_OVER;
    }
    s->now = e.tick;
    if (e.cls == EVAC_EVC_SMOKE) {
      s->held = e;
      return RUN_AT_SMOKE;
    }
    int rc = run_event(s, &e);
    if (rc)
      return rc < 0 ? -1 : RUN_OVER;
  }
  return RUN_OVER;
}

/* Ends a run: the last sample, the result's figures and the behaviour's
 * report. */
static enum evac_status run_end(struct evac_sim *s) {
  if (s->opts.progress)
    fprintf(stderr, "\r%60s\r", "");
  /* the last sample is the state at the end: one taken at this tick ran
     before the tick's agent events, and is replaced */
  if (s->last_sample == s->now && !s->opts.lean) {
    s->res.series.n--;
    evac_result_traj_drop_last(&s->res.traj);
  }
  if (record_sample(s))
    return EVAC_ERR_RUNTIME;
  finish(s);
  if (s->behaviour && s->behaviour->report(s))
    return EVAC_ERR_RUNTIME;
  return EVAC_OK;
}

enum evac_status evac_sim_run(struct evac_sim *s) {
  return evac_sim_run_group(&s, 1); /* a group of one */
}

enum evac_status evac_sim_run_group(struct evac_sim **sims, int n) {
  for (int i = 1; i < n; i++)
    if (sims[i]->lead != sims[0] || sims[i]->end != sims[0]->end ||
        sims[i]->m->ncells != sims[0]->m->ncells)
      return EVAC_ERR_RUNTIME;
  unsigned char *going = malloc((size_t)n + 1);
  if (!going)
    return EVAC_ERR_RUNTIME;
  for (int i = 0; i < n; i++) {
    run_begin(sims[i]);
    going[i] = 1;
  }
  enum evac_status st = EVAC_OK;
  /* each run handles its events up to its next smoke step (the same tick
     for all: the smoke steps every EVAC_SMOKE_DT_S from 0); then the lead's
     fire and smoke take their step, once, also for a lead whose own run is
     over; then each run takes its dose step from them and goes on */
  for (int left = n; st == EVAC_OK && left > 0;) {
    int at_smoke = 0;
    for (int i = 0; i < n && st == EVAC_OK; i++) {
      if (!going[i])
        continue;
      int r = run_until(sims[i]);
      if (r < 0)
        st = EVAC_ERR_RUNTIME;
      else if (r == RUN_OVER) {
        going[i] = 0;
        left--;
      } else
        at_smoke = 1;
    }
    if (st != EVAC_OK || !at_smoke)
      break;
    if (evac_sim_physics_step(sims[0]))
      st = EVAC_ERR_RUNTIME;
    for (int i = 0; i < n && st == EVAC_OK; i++) {
      if (!going[i])
        continue;
      struct evac_sim *s = sims[i];
      s->now = s->held.tick;
      int r = run_event(s, &s->held);
      if (r < 0)
        st = EVAC_ERR_RUNTIME;
      else if (r > 0) {
        going[i] = 0;
        left--;
      }
    }
  }
  free(going);
  for (int i = 0; i < n && st == EVAC_OK; i++)
    st = run_end(sims[i]);
  return st;
}

const struct evac_result *evac_sim_result(const struct evac_sim *sim) {
  return &sim->res;
}

enum evac_status evac_sim_write(const struct evac_sim *sim, const char *path,
                                struct evac_diag *diag) {
  return evac_output_write(sim->m, &sim->res, path, diag);
}

void evac_sim_free(struct evac_sim *s) {
  if (!s)
    return;
  evac_events_free(&s->events);
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
  if (!s->lead)
    evac_smoke_free(s->smoke);
  evac_tenab_free(s->tenab);
  free(s->unsafe);
  free(s->refuge_cap_m2);
  free(s->refuge_used_m2);
  free(s->smoke_cost);
  free(s->gas_cost);
  free(s->cost_raised);
  free(s->smoke_reach);
  free(s->field_buf);
  evac_result_free(&s->res);
  free(s);
}
