/* A set of names (strings) with an index each, found in constant time:
 * for the loaders' uniqueness checks and name lookups, so that a plan of
 * 100 000 floors or a manifest of 100 000 buildings loads in linear time.
 * Keys are not copied: they must outlive the table. */
#ifndef EVAC_NAMES_H
#define EVAC_NAMES_H

#include <stddef.h>

/* An open-addressing hash table of name -> index. */
struct evac_names {
  size_t cap;        /* slots, a power of two (0 before the first add) */
  size_t n;          /* names held */
  const char **name; /* [cap] the name in each slot, NULL when free */
  int *index;        /* [cap] its index */
};

/* Adds name with index i unless the name is there already. Returns the
 * index it already had, -1 when added, or -2 out of memory. */
int evac_names_add(struct evac_names *t, const char *name, int i);

/* The index of name, or -1 if absent. */
int evac_names_find(const struct evac_names *t, const char *name);

/* Frees the table (not the names) and empties it. */
void evac_names_free(struct evac_names *t);

#endif
