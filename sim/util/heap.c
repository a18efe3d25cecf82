/* Binary min-heap of events; see heap.h. Layout after libuv's heap-inl.h
 * idea (ties broken by a start id), as an array heap. */
#include "heap.h"

#include <stdlib.h>

/* 1 if a runs before b. */
static int before(const struct evac_event *a, const struct evac_event *b) {
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

int evac_heap_push(struct evac_heap *h, struct evac_event e) {
  if (h->n == h->cap) {
    size_t cap = h->cap ? 2 * h->cap : 256;
    struct evac_event *ev = realloc(h->ev, cap * sizeof *ev);
    if (!ev)
      return -1;
    h->ev = ev;
    h->cap = cap;
  }
  e.seq = h->next_seq++;
  size_t i = h->n++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!before(&e, &h->ev[parent]))
      break;
    h->ev[i] = h->ev[parent];
    i = parent;
  }
  h->ev[i] = e;
  return 0;
}

int evac_heap_pop(struct evac_heap *h, struct evac_event *out) {
  if (h->n == 0)
    return -1;
  *out = h->ev[0];
  struct evac_event last = h->ev[--h->n];
  size_t i = 0, n = h->n;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n)
      break;
    if (child + 1 < n && before(&h->ev[child + 1], &h->ev[child]))
      child++;
    if (!before(&h->ev[child], &last))
      break;
    h->ev[i] = h->ev[child];
    i = child;
  }
  if (n > 0)
    h->ev[i] = last;
  return 0;
}

const struct evac_event *evac_heap_peek(const struct evac_heap *h) {
  return h->n ? &h->ev[0] : NULL;
}

void evac_heap_free(struct evac_heap *h) {
  free(h->ev);
  h->ev = NULL;
  h->n = h->cap = 0;
  h->next_seq = 0;
}
