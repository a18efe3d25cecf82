/* Agent-state transitions: the one place where an agent reaches safety, is
 * incapacitated, finds itself trapped, gives up a refuge, or starts or stops
 * waiting for staff. Each keeps every counter of the simulation (s->nsafe,
 * s->nincap, s->nstuck, the trapped list), the per-agent result columns, the
 * event log and the behaviour model's bookkeeping in step, so that no count
 * can drift from the agents' states. An agent that is safe or incapacitated
 * is final for these transitions: asking again is a programming error (an
 * assertion in debug builds) and changes nothing. */
#include <assert.h>
#include <math.h>

#include "sim.h"

/* The current time, s. */
static double now_s(const struct evac_sim *s) {
  return (double)s->now / EVAC_TICKS_PER_S;
}

int evac_sim_agent_final(const struct evac_sim *s, int a) {
  int8_t st = s->agents[a].state;
  return st == EVAC_STATE_SAFE || st == EVAC_STATE_INCAPACITATED;
}

void evac_sim_agent_hold(struct evac_sim *s, int a, int on) {
  struct evac_agent *ag = &s->agents[a];
  if (ag->held == on)
    return;
  ag->held = (int8_t)on;
  s->nstuck += on ? 1 : -1;
}

int evac_sim_agent_safe(struct evac_sim *s, int a, int32_t at, int place) {
  struct evac_agent *ag = &s->agents[a];
  assert(!evac_sim_agent_final(s, a));
  if (evac_sim_agent_final(s, a))
    return 0;
  int32_t held = ag->cell >= 0 && s->occ[ag->cell] == a ? ag->cell : -1;
  if (held >= 0)
    s->occ[held] = -1;
  ag->cell = -1;
  ag->last_cell = at;
  ag->gen++;
  ag->shelter = 0;
  ag->phase = EVAC_PHASE_DONE;
  ag->state = EVAC_STATE_SAFE;
  evac_sim_agent_hold(s, a, 0);
  s->nsafe++;
  s->res.agents.exit_time_s[a] = now_s(s);
  s->res.agents.safe_place[a] = place;
  int f, x, y;
  evac_sim_cell_xy(s, at, &f, &x, &y);
  if (evac_sim_log(s, EVAC_LOG_SAFE, a, f, x, y, place >= 0 ? place : -1) ||
      (held >= 0 && evac_sim_wake(s, held)))
    return -1;
  return s->behaviour ? s->behaviour->safe(s, a) : 0;
}

int evac_sim_agent_leave_safety(struct evac_sim *s, int a, int32_t c) {
  struct evac_agent *ag = &s->agents[a];
  assert(ag->state == EVAC_STATE_SAFE && s->occ[c] < 0);
  if (ag->state != EVAC_STATE_SAFE || s->occ[c] >= 0)
    return 0;
  ag->cell = ag->last_cell = c;
  ag->rad_tick = s->now; /* no dose while it was safe */
  s->occ[c] = a;
  s->nsafe--;
  s->res.agents.exit_time_s[a] = NAN;
  s->res.agents.safe_place[a] = -1;
  ag->state = EVAC_STATE_MOVING;
  return 1;
}

int evac_sim_agent_incapacitate(struct evac_sim *s, int a) {
  struct evac_agent *ag = &s->agents[a];
  assert(!evac_sim_agent_final(s, a));
  if (evac_sim_agent_final(s, a))
    return 0;
  ag->gen++;
  if (ag->prev_cell >= 0) {
    if (s->occ[ag->prev_cell] == a) { /* not the partner of a swap's */
      s->occ[ag->prev_cell] = -1;
      if (evac_sim_wake(s, ag->prev_cell))
        return -1;
    }
    ag->prev_cell = -1;
  }
  if (ag->flight >= 0) {
    s->flights[ag->flight].count--;
    s->non_stairs--;
    if (evac_sim_wake(s, (int32_t)s->m->ncells + ag->flight))
      return -1;
    ag->flight = -1;
  }
  evac_sim_agent_hold(s, a, 0);
  ag->shelter = 0;
  ag->phase = EVAC_PHASE_DONE;
  ag->state = EVAC_STATE_INCAPACITATED;
  s->nincap++;
  s->res.agents.incapacitated[a] = 1;
  double t = now_s(s);
  if (isnan(s->res.first_incapacitation_s))
    s->res.first_incapacitation_s = t;
  int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
  int f, x, y;
  evac_sim_cell_xy(s, c, &f, &x, &y);
  if (evac_sim_log(s, EVAC_LOG_INCAPACITATED, a, f, x, y, -1))
    return -1;
  return s->behaviour ? s->behaviour->incapacitated(s, a) : 0;
}

int evac_sim_agent_trap(struct evac_sim *s, int a) {
  struct evac_agent *ag = &s->agents[a];
  assert(!evac_sim_agent_final(s, a) && ag->cell >= 0);
  if (evac_sim_agent_final(s, a) || ag->cell < 0)
    return 0;
  int f, x, y;
  evac_sim_cell_xy(s, ag->cell, &f, &x, &y);
  ag->phase = EVAC_PHASE_DONE;
  ag->state = EVAC_STATE_STUCK;
  ag->shelter = 0;
  s->trapped[s->ntrapped++] = a;
  return evac_sim_log(s, EVAC_LOG_TRAPPED, a, f, x, y, -1);
}

int evac_sim_staff_at_work(const struct evac_sim *s) {
  for (int a = 0; a < s->nagents; a++) {
    const struct evac_agent *ag = &s->agents[a];
    if (ag->role == EVAC_ROLE_STAFF && !ag->shelter &&
        (ag->state == EVAC_STATE_MOVING || ag->state == EVAC_STATE_STAIR ||
         ag->state == EVAC_STATE_WAITING))
      return 1;
  }
  return 0;
}
