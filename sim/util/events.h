/* The event queue: events ordered by (tick, class, prio, id, seq) in the
 * one binary heap (heap.h). seq is given by the queue in push order, so
 * ties are broken the same way on every run. Stale events are dropped by
 * their users (generation counters), not removed from the queue. */
#ifndef EVAC_EVENTS_H
#define EVAC_EVENTS_H

#include <stdint.h>

#include "heap.h"

/* One event. */
struct evac_event {
  int64_t tick; /* when, in engine ticks */
  int32_t cls;  /* event class; lower runs first at equal ticks */
  int64_t prio; /* order within a class at equal ticks, lower first (agents:
                   the tick since which they stand where they are) */
  int32_t id;   /* agent, timeline entry, ... */
  uint32_t gen; /* the owner's generation when scheduled */
  uint64_t seq; /* push order, set by evac_events_push */
};

/* The queue. Zero-initialise it. */
struct evac_events {
  struct evac_heap heap; /* of struct evac_event */
  uint64_t next_seq;     /* seq of the next push */
};

/* Adds an event (its seq is assigned). Returns 0, or -1 out of memory. */
int evac_events_push(struct evac_events *q, struct evac_event e);

/* Removes the first event into *out. Returns 0, or -1 if empty. */
int evac_events_pop(struct evac_events *q, struct evac_event *out);

/* The first event without removing it, or NULL if empty. */
const struct evac_event *evac_events_peek(const struct evac_events *q);

/* Frees the storage; the queue is empty. */
void evac_events_free(struct evac_events *q);

#endif
