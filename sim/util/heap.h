/* A binary min-heap of fixed-size elements in one array, ordered by a
 * caller's "before" function; after libuv's heap-inl.h, as an array heap
 * whose push and pop are inline, so that a caller's constant element size
 * and order compile into its own loop. The one heap of the project: the
 * engine's event queue (events.h) and the grid search's queue
 * (sim/input/grid.h). Equal elements leave in no particular order, so a
 * caller that needs a deterministic order makes "before" a total order
 * (the event queue breaks ties by push order). A caller passes the same
 * size and before to every call on one heap. */
#ifndef EVAC_HEAP_H
#define EVAC_HEAP_H

#include <stddef.h>
#include <string.h>

/* The heap. Zero-initialise it. */
struct evac_heap {
  unsigned char *data; /* [cap] elements, heap-ordered */
  size_t n;            /* elements */
  size_t cap;          /* elements allocated */
};

/* Makes room for one more element of size bytes. Returns 0, or -1 out of
 * memory. */
int evac_heap_reserve(struct evac_heap *h, size_t size);

/* Frees the storage; the heap is empty. */
void evac_heap_free(struct evac_heap *h);

/* Adds a copy of *e (size bytes) to a heap ordered by before (1 if a
 * leaves before b). Returns 0, or -1 out of memory. */
static inline int evac_heap_push(struct evac_heap *h, const void *e,
                                 size_t size,
                                 int (*before)(const void *a, const void *b)) {
  if (h->n == h->cap && evac_heap_reserve(h, size))
    return -1;
  size_t i = h->n++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!before(e, h->data + parent * size))
      break;
    memcpy(h->data + i * size, h->data + parent * size, size);
    i = parent;
  }
  memcpy(h->data + i * size, e, size);
  return 0;
}

/* Removes the first element into *out. Returns 0, or -1 if empty. */
static inline int evac_heap_pop(struct evac_heap *h, void *out, size_t size,
                                int (*before)(const void *a, const void *b)) {
  if (h->n == 0)
    return -1;
  memcpy(out, h->data, size);
  size_t n = --h->n, i = 0;
  const unsigned char *last = h->data + n * size; /* past the end now */
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n)
      break;
    if (child + 1 < n &&
        before(h->data + (child + 1) * size, h->data + child * size))
      child++;
    if (!before(h->data + child * size, last))
      break;
    memcpy(h->data + i * size, h->data + child * size, size);
    i = child;
  }
  if (n > 0)
    memcpy(h->data + i * size, last, size);
  return 0;
}

/* The first element without removing it, or NULL if empty. */
static inline const void *evac_heap_peek(const struct evac_heap *h) {
  return h->n ? h->data : NULL;
}

#endif
