/* The services the models call back into the engine with (sim.h): fields,
 * scheduling agents, waiting for a cell, the event log, stair landings and
 * the alarm (cell coordinates are inline in sim.h). */
#include <stdlib.h>

#include "sim.h"

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
  if (evac_events_push(&s->events, e))
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

/* Schedules every agent still waiting for the alarm at alarm + its
 * pre-movement time. */
int evac_sim_sound_alarm(struct evac_sim *s) {
  s->alarmed = 1;
  for (int a = 0; a < s->nagents; a++) {
    struct evac_agent *ag = &s->agents[a];
    if (ag->phase != EVAC_PHASE_PREMOVE || ag->state != EVAC_STATE_WAITING)
      continue;
    int64_t t = s->alarm + evac_ticks(s->res.agents.premovement_s[a]);
    ag->gen++;
    if (evac_sim_schedule_agent(s, a, t > s->now ? t : s->now))
      return -1;
  }
  return 0;
}
