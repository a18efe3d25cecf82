/* The drill report's HDF5 layout (/drill, docs/output.md), written through
 * the result writer. */
#ifndef EVAC_DRILL_OUTPUT_H
#define EVAC_DRILL_OUTPUT_H

#include <hdf5.h>
#include <stddef.h>

#include "drill.h"

struct evac_model;

/* Where the drill report is written: the result writer's own helpers
 * (output.c), so that /drill is chunked, compressed and has units
 * like every other dataset. Each returns 0 or -1. */
struct evac_drill_sink {
  void *ctx; /* the writer */
  int (*group)(void *ctx, const char *path);
  int (*col)(void *ctx, const char *path, hid_t mem, hid_t ftype, size_t n,
             const void *data, const char *unit);
  int (*strings)(void *ctx, const char *path, size_t n, const char *const *s,
                 const char *unit);
};

/* Writes the groups /drill/patients, /drill/staff and /drill/wards and the
 * /drill attribute-free columns through sink. Returns 0 or -1. */
int evac_drill_write(const struct evac_drill_sink *sink,
                     const struct evac_drill *d, const struct evac_model *m);

#endif
