/* Binary min-heap of fixed-size elements; see heap.h. */
#include "heap.h"

#include <stdlib.h>
#include <string.h>

/* The i-th element. */
static unsigned char *at(const struct evac_heap *h, size_t i) {
  return h->data + i * h->size;
}

void evac_heap_init(struct evac_heap *h, size_t size,
                    int (*before)(const void *a, const void *b)) {
  *h = (struct evac_heap){.size = size, .before = before};
}

int evac_heap_push(struct evac_heap *h, const void *e) {
  if (h->n == h->cap) {
    size_t cap = h->cap ? 2 * h->cap : 256;
    unsigned char *data = realloc(h->data, cap * h->size);
    if (!data)
      return -1;
    h->data = data;
    h->cap = cap;
  }
  size_t i = h->n++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!h->before(e, at(h, parent)))
      break;
    memcpy(at(h, i), at(h, parent), h->size);
    i = parent;
  }
  memcpy(at(h, i), e, h->size);
  return 0;
}

int evac_heap_pop(struct evac_heap *h, void *out) {
  if (h->n == 0)
    return -1;
  memcpy(out, at(h, 0), h->size);
  size_t n = --h->n, i = 0;
  const unsigned char *last = at(h, n); /* past the end now: not overwritten */
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n)
      break;
    if (child + 1 < n && h->before(at(h, child + 1), at(h, child)))
      child++;
    if (!h->before(at(h, child), last))
      break;
    memcpy(at(h, i), at(h, child), h->size);
    i = child;
  }
  if (n > 0)
    memcpy(at(h, i), last, h->size);
  return 0;
}

const void *evac_heap_peek(const struct evac_heap *h) {
  return h->n ? h->data : NULL;
}

void evac_heap_free(struct evac_heap *h) {
  free(h->data);
  evac_heap_init(h, h->size, h->before);
}
