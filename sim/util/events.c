/* The event queue; see events.h. */
#include "events.h"

/* 1 if event a runs before event b. */
static int before(const void *pa, const void *pb) {
  const struct evac_event *a = pa, *b = pb;
  if (a->tick != b->tick)
    return a->tick < b->tick;
  if (a->cls != b->cls)
    return a->cls < b->cls;
  if (a->prio != b->prio)
    return a->prio < b->prio;
  if (a->id != b->id)
    return a->id < b->id;
  return a->seq < b->seq;
}

int evac_events_push(struct evac_events *q, struct evac_event e) {
  e.seq = q->next_seq++;
  return evac_heap_push(&q->heap, &e, sizeof e, before);
}

int evac_events_pop(struct evac_events *q, struct evac_event *out) {
  return evac_heap_pop(&q->heap, out, sizeof *out, before);
}

const struct evac_event *evac_events_peek(const struct evac_events *q) {
  return evac_heap_peek(&q->heap);
}

void evac_events_free(struct evac_events *q) {
  evac_heap_free(&q->heap);
  q->next_seq = 0;
}
