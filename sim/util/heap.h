/* The event queue: a binary min-heap of events ordered by (tick, class,
 * prio, id, seq). seq is given by the queue in push order, so ties are broken
 * the same way on every run. Stale events are dropped by their users
 * (generation counters), not removed from the heap. */
#ifndef EVAC_HEAP_H
#define EVAC_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* One event. */
struct evac_event {
  int64_t tick; /* when, in engine ticks */
  int32_t cls;  /* event class; lower runs first at equal ticks */
  int64_t prio; /* order within a class at equal ticks, lower first (agents:
                   the tick since which they stand where they are) */
  int32_t id;   /* agent, timeline entry, ... */
  uint32_t gen; /* the owner's generation when scheduled */
  uint64_t seq; /* push order, set by evac_heap_push */
};

/* The heap. Zero-initialise it. */
struct evac_heap {
  struct evac_event *ev; /* heap array */
  size_t n;              /* events */
  size_t cap;            /* allocated */
  uint64_t next_seq;     /* seq of the next push */
};

/* Adds an event (its seq is assigned). Returns 0, or -1 out of memory. */
int evac_heap_push(struct evac_heap *h, struct evac_event e);

/* Removes the first event into *out. Returns 0, or -1 if empty. */
int evac_heap_pop(struct evac_heap *h, struct evac_event *out);

/* The first event without removing it, or NULL if empty. */
const struct evac_event *evac_heap_peek(const struct evac_heap *h);

/* Frees the storage. */
void evac_heap_free(struct evac_heap *h);

#endif
