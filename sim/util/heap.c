/* Storage of the binary heap; push and pop are inline in heap.h. */
#include "heap.h"

#include <stdlib.h>

int evac_heap_reserve(struct evac_heap *h, size_t size) {
  if (h->n < h->cap)
    return 0;
  size_t cap = h->cap ? 2 * h->cap : 256;
  unsigned char *data = realloc(h->data, cap * size);
  if (!data)
    return -1;
  h->data = data;
  h->cap = cap;
  return 0;
}

void evac_heap_free(struct evac_heap *h) {
  free(h->data);
  *h = (struct evac_heap){0};
}
