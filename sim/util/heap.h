/* A binary min-heap of fixed-size elements in one array, ordered by a
 * caller's "before" function (after libuv's heap-inl.h, as an array heap).
 * The one heap of the project: the engine's event queue (events.h), the
 * grid searches' queues (sim/input/grid.h). Equal elements leave in no
 * particular order, so a caller that needs a deterministic order makes its
 * function a total order (the event queue breaks ties by push order). */
#ifndef EVAC_HEAP_H
#define EVAC_HEAP_H

#include <stddef.h>

/* The heap. Set up with evac_heap_init. */
struct evac_heap {
  unsigned char *data; /* [cap * size] the elements, heap-ordered */
  size_t n;            /* elements */
  size_t cap;          /* elements allocated */
  size_t size;         /* bytes per element */
  int (*before)(const void *a, const void *b); /* 1 if a leaves before b */
};

/* An empty heap of elements of size bytes ordered by before. */
void evac_heap_init(struct evac_heap *h, size_t size,
                    int (*before)(const void *a, const void *b));

/* Adds a copy of *e. Returns 0, or -1 out of memory. */
int evac_heap_push(struct evac_heap *h, const void *e);

/* Removes the first element into *out. Returns 0, or -1 if empty. */
int evac_heap_pop(struct evac_heap *h, void *out);

/* The first element without removing it, or NULL if empty. */
const void *evac_heap_peek(const struct evac_heap *h);

/* Frees the storage; the heap stays set up, empty. */
void evac_heap_free(struct evac_heap *h);

#endif
