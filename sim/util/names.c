/* Hash table of names (see names.h): FNV-1a, linear probing, at most half
 * full. */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a hash of s. */
static uint64_t hash(const char *s) {
  uint64_t h = 0xcbf29ce484222325u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3u;
  return h;
}

/* The slot of name in t: where it is, or the free slot where it goes. */
static size_t slot(const struct evac_names *t, const char *name) {
  size_t k = (size_t)hash(name) & (t->cap - 1);
  while (t->name[k] && strcmp(t->name[k], name) != 0)
    k = (k + 1) & (t->cap - 1);
  return k;
}

/* Doubles the table (16 slots at first). Returns 0 or -1. */
static int grow(struct evac_names *t) {
  struct evac_names g = {t->cap ? 2 * t->cap : 16, 0, NULL, NULL};
  g.name = calloc(g.cap, sizeof *g.name);
  g.index = malloc(g.cap * sizeof *g.index);
  if (!g.name || !g.index) {
    free(g.name);
    free(g.index);
    return -1;
  }
  for (size_t k = 0; k < t->cap; k++)
    if (t->name[k]) {
      size_t s = slot(&g, t->name[k]);
      g.name[s] = t->name[k];
      g.index[s] = t->index[k];
    }
  g.n = t->n;
  evac_names_free(t);
  *t = g;
  return 0;
}

int evac_names_add(struct evac_names *t, const char *name, int i) {
  if (2 * (t->n + 1) > t->cap && grow(t) < 0)
    return -2;
  size_t k = slot(t, name);
  if (t->name[k])
    return t->index[k];
  t->name[k] = name;
  t->index[k] = i;
  t->n++;
  return -1;
}

int evac_names_find(const struct evac_names *t, const char *name) {
  if (t->cap == 0)
    return -1;
  size_t k = slot(t, name);
  return t->name[k] ? t->index[k] : -1;
}

void evac_names_free(struct evac_names *t) {
  free(t->name);
  free(t->index);
  *t = (struct evac_names){0, 0, NULL, NULL};
}
