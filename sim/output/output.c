/* The result file writer (layout in docs/output.md).
 *
 * The file is built in memory and committed (commit.h: a unique temporary,
 * fsync, rename), so that PATH is either the old file or the complete new
 * one. /summary's `complete` attribute
 * is written last. Every dataset is chunked, shuffled and deflated, and carries
 * a "unit" attribute. HDF5's own error printing is silenced for the duration;
 * the first failure is turned into one diagnostic. */
#include "result.h"

#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "diag.h"
#include "drill_output.h"
#include "model.h"

/* Bytes aimed at per chunk: well under HDF5's default 1 MiB chunk cache. */
#define CHUNK_BYTES ((hsize_t)512 * 1024)
/* Largest chunk extent along the agent axis of trajectories. */
#define CHUNK_AGENTS ((hsize_t)4096)
/* Deflate level. */
#define DEFLATE_LEVEL 4

/* State of one write. */
struct writer {
  hid_t file;       /* the file being built in memory */
  char reason[640]; /* the first failure; "" while there is none */
};

/* Copies the innermost HDF5 error description into data (a char[250]). */
static herr_t innermost(unsigned n, const H5E_error2_t *e, void *data) {
  if (n == 0 && e->desc)
    snprintf(data, 250, "%s", e->desc);
  return 0;
}

/* Records the first failure "what" with the innermost HDF5 error, if any.
 * Call it right after the failing HDF5 call (the next call clears the
 * error stack). Returns -1. */
static int fail(struct writer *w, const char *fmt, ...) {
  if (w->reason[0])
    return -1;
  char what[256], detail[250] = "";
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, detail);
  snprintf(w->reason, sizeof w->reason, "%s%s%s", what, detail[0] ? ": " : "",
           detail);
  return -1;
}

/* Null strings are written as "". */
static const char *str_or_empty(const char *s) { return s ? s : ""; }

/* A variable-length UTF-8 string type (for attributes), or < 0. */
static hid_t vlen_string_type(void) {
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0)
    return t;
  if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

/* A fixed-length, null-padded UTF-8 string type of size bytes, or < 0. */
static hid_t fixed_string_type(size_t size) {
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0)
    return t;
  if (H5Tset_size(t, size) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
      H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

/* Writes the scalar attribute name = *value (memory type mem, stored as
 * ftype) on the object at obj_path. */
static int put_attr(struct writer *w, const char *obj_path, const char *name,
                    hid_t mem, hid_t ftype, const void *value) {
  hid_t space = -1, attr = -1;
  int rc = 0;
  space = H5Screate(H5S_SCALAR);
  if (space < 0)
    return fail(w, "cannot create the attribute %s of %s", name, obj_path);
  attr = H5Acreate_by_name(w->file, obj_path, name, ftype, space, H5P_DEFAULT,
                           H5P_DEFAULT, H5P_DEFAULT);
  if (attr < 0 || H5Awrite(attr, mem, value) < 0)
    rc = fail(w, "cannot write the attribute %s of %s", name, obj_path);
  if (attr >= 0)
    H5Aclose(attr);
  H5Sclose(space);
  return rc;
}

/* Writes a string attribute (variable-length UTF-8) of n values; n == 0
 * means a scalar holding values[0]. */
static int put_attr_strings(struct writer *w, const char *obj_path,
                            const char *name, size_t n,
                            const char *const *values) {
  hid_t type = vlen_string_type(), space = -1, attr = -1;
  int rc = 0;
  if (type < 0)
    return fail(w, "cannot create a string type");
  hsize_t dim = n;
  space = n ? H5Screate_simple(1, &dim, NULL) : H5Screate(H5S_SCALAR);
  if (space < 0) {
    rc = fail(w, "cannot create the attribute %s of %s", name, obj_path);
  } else {
    attr = H5Acreate_by_name(w->file, obj_path, name, type, space, H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, type, values) < 0)
      rc = fail(w, "cannot write the attribute %s of %s", name, obj_path);
  }
  if (attr >= 0)
    H5Aclose(attr);
  if (space >= 0)
    H5Sclose(space);
  H5Tclose(type);
  return rc;
}

/* Writes one string attribute. */
static int put_attr_string(struct writer *w, const char *obj_path,
                           const char *name, const char *value) {
  const char *v = str_or_empty(value);
  return put_attr_strings(w, obj_path, name, 0, &v);
}

/* Chunk extents for dims of elements of elem bytes: the inner axes whole
 * (the agent axis at most CHUNK_AGENTS), the first axis filling about
 * CHUNK_BYTES. Every extent is at least 1, so empty datasets work. */
static void choose_chunk(int rank, const hsize_t *dims, size_t elem,
                         hsize_t *chunk) {
  hsize_t inner = elem ? elem : 1;
  for (int d = rank - 1; d >= 1; d--) {
    hsize_t c = dims[d] ? dims[d] : 1;
    if (d == 1 && c > CHUNK_AGENTS)
      c = CHUNK_AGENTS;
    chunk[d] = c;
    inner *= c;
  }
  hsize_t n0 = dims[0] ? dims[0] : 1;
  hsize_t c0 = CHUNK_BYTES / inner;
  chunk[0] = c0 < 1 ? 1 : c0 > n0 ? n0 : c0;
}

/* Creates the dataset path (rank dims, file type ftype, chunk extents
 * chunk), shuffled and deflated, extendible on every axis. Returns it, or
 * -1. */
static hid_t create(struct writer *w, const char *path, hid_t ftype, int rank,
                    const hsize_t *dims, const hsize_t *chunk) {
  hsize_t maxdims[3];
  hid_t space = -1, dcpl = -1, ds = -1;
  for (int d = 0; d < rank; d++)
    maxdims[d] = H5S_UNLIMITED;
  space = H5Screate_simple(rank, dims, maxdims);
  if (space < 0) {
    fail(w, "cannot create the dataspace of %s", path);
    goto done;
  }
  dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (dcpl < 0 || H5Pset_chunk(dcpl, rank, chunk) < 0 ||
      H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0) {
    fail(w, "cannot set the storage of %s", path);
    goto done;
  }
  ds = H5Dcreate2(w->file, path, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (ds < 0)
    fail(w, "cannot create %s", path);
done:
  if (dcpl >= 0)
    H5Pclose(dcpl);
  if (space >= 0)
    H5Sclose(space);
  return ds;
}

/* Creates the dataset path (rank dims, file type ftype), chunked, shuffled
 * and deflated, extendible on every axis, with a "unit" attribute, and
 * writes data (memory type mem) into it unless it is empty. */
static int put(struct writer *w, const char *path, hid_t mem, hid_t ftype,
               int rank, const hsize_t *dims, const void *data,
               const char *unit) {
  hsize_t chunk[3];
  int empty = 0;
  for (int d = 0; d < rank; d++)
    empty |= dims[d] == 0;
  choose_chunk(rank, dims, H5Tget_size(ftype), chunk);
  hid_t ds = create(w, path, ftype, rank, dims, chunk);
  if (ds < 0)
    return -1;
  if (!empty && H5Dwrite(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail(w, "cannot write %s", path);
    H5Dclose(ds);
    return -1;
  }
  H5Dclose(ds);
  return put_attr_string(w, path, "unit", unit);
}

/* One-dimensional numeric column of n values. */
static int put_col(struct writer *w, const char *path, hid_t mem, hid_t ftype,
                   size_t n, const void *data, const char *unit) {
  hsize_t dim = n;
  return put(w, path, mem, ftype, 1, &dim, data, unit);
}

/* One-dimensional column of n strings, stored as fixed-length null-padded
 * strings as long as the longest (at least 1 byte). */
static int put_strings(struct writer *w, const char *path, size_t n,
                       const char *const *s, const char *unit) {
  size_t size = 1;
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(s[i]);
    if (len > size)
      size = len;
  }
  if (n > SIZE_MAX / size)
    return fail(w, "%s is too large", path);
  char *buf = calloc(n ? n : 1, size);
  if (!buf)
    return fail(w, "out of memory for %s", path);
  for (size_t i = 0; i < n; i++)
    memcpy(buf + i * size, s[i], strlen(s[i]));
  hid_t type = fixed_string_type(size);
  int rc;
  if (type < 0) {
    rc = fail(w, "cannot create the string type of %s", path);
  } else {
    rc = put_col(w, path, type, type, n, buf, unit);
    H5Tclose(type);
  }
  free(buf);
  return rc;
}

/* Creates the group path. If ordered, its links keep creation order (so
 * that readers list measures in model order). */
static int put_group(struct writer *w, const char *path, int ordered) {
  hid_t gcpl = H5P_DEFAULT, g;
  if (ordered) {
    gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0 ||
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED |
                                             H5P_CRT_ORDER_INDEXED) < 0) {
      if (gcpl >= 0)
        H5Pclose(gcpl);
      return fail(w, "cannot create the group %s", path);
    }
  }
  g = H5Gcreate2(w->file, path, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  int rc = g < 0 ? fail(w, "cannot create the group %s", path) : 0;
  if (g >= 0)
    H5Gclose(g);
  if (ordered)
    H5Pclose(gcpl);
  return rc;
}

/* Name of feature i, or "" when i is not a feature index. */
static const char *feature_name(const struct evac_model *m, int32_t i) {
  return i >= 0 && i < m->nfeatures ? str_or_empty(m->features[i].name) : "";
}

/* The ids of the hazards fixed, comma-separated in the scenario's order
 * ("" if none); NULL out of memory. */
static char *fixed_hazards(const struct evac_model *m) {
  size_t len = 1;
  for (int i = 0; i < m->nfixed; i++)
    len += strlen(m->fixed[i].id) + 1;
  char *out = malloc(len);
  if (!out)
    return NULL;
  out[0] = '\0';
  for (int i = 0; i < m->nfixed; i++) {
    if (i)
      strcat(out, ",");
    strcat(out, m->fixed[i].id);
  }
  return out;
}

/* /parameters: the inputs and the build that produced the file. */
static int write_parameters(struct writer *w, const struct evac_model *m,
                            const struct evac_result *r) {
  const char *plan = str_or_empty(m->plan_json);
  const char *scen = str_or_empty(m->scenario_json);
  int32_t threads = r->threads;
  double cell_m = m->cell_m;
  char *fixed = fixed_hazards(m);
  if (!fixed)
    return fail(w, "out of memory for /parameters");
  int rc = 0;
  if (put_group(w, "/parameters", 0) ||
      put_strings(w, "/parameters/plan_json", 1, &plan, "1") ||
      put_strings(w, "/parameters/scenario_json", 1, &scen, "1") ||
      put_attr_string(w, "/parameters", "plan_path", m->plan_path) ||
      put_attr_string(w, "/parameters", "scenario_path", m->scenario_path) ||
      put_attr_string(w, "/parameters", "plan_name", m->name) ||
      put_attr_string(w, "/parameters", "evacsim_version", evac_version()) ||
      put_attr_string(w, "/parameters", "git_revision", evac_git_revision()) ||
      put_attr(w, "/parameters", "seed", H5T_NATIVE_UINT64, H5T_STD_U64LE,
               &r->seed) ||
      put_attr(w, "/parameters", "replication", H5T_NATIVE_UINT32,
               H5T_STD_U32LE, &r->replication) ||
      put_attr(w, "/parameters", "threads", H5T_NATIVE_INT32, H5T_STD_I32LE,
               &threads) ||
      put_attr(w, "/parameters", "full", H5T_NATIVE_INT32, H5T_STD_I32LE,
               &r->full) ||
      put_attr(w, "/parameters", "cell_m", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE,
               &cell_m) ||
      put_attr_string(w, "/parameters", "fixed_hazards", fixed))
    rc = -1;
  free(fixed);
  return rc;
}

/* /agents: one row per occupant. */
static int write_agents(struct writer *w, const struct evac_model *m,
                        const struct evac_result *r) {
  const struct evac_result_agents *a = &r->agents;
  size_t n = r->occupants > 0 ? (size_t)r->occupants : 0;
  int32_t *id = calloc(n ? n : 1, sizeof *id);
  const char **names = calloc(n ? n : 1, sizeof *names);
  int rc = -1;
  if (!id || !names) {
    fail(w, "out of memory for /agents");
    goto done;
  }
  for (size_t i = 0; i < n; i++)
    id[i] = (int32_t)i;
  if (put_group(w, "/agents", 0) ||
      put_col(w, "/agents/id", H5T_NATIVE_INT32, H5T_STD_I32LE, n, id, "1"))
    goto done;
  for (size_t i = 0; i < n; i++) {
    int32_t p = a->profile[i];
    names[i] =
        p >= 0 && p < m->nprofiles ? str_or_empty(m->profiles[p].name) : "";
  }
  if (put_strings(w, "/agents/profile", n, names, "1"))
    goto done;
  for (size_t i = 0; i < n; i++) {
    int32_t f = a->floor[i];
    names[i] = f >= 0 && f < m->nfloors ? str_or_empty(m->floors[f].name) : "";
  }
  if (put_strings(w, "/agents/floor", n, names, "1"))
    goto done;
  for (size_t i = 0; i < n; i++)
    names[i] = evac_safe_place_name(m, a->safe_place[i]);
  hid_t i32 = H5T_NATIVE_INT32, f64 = H5T_NATIVE_DOUBLE;
  hid_t fi32 = H5T_STD_I32LE, ff64 = H5T_IEEE_F64LE;
  if (put_col(w, "/agents/floor_index", i32, fi32, n, a->floor, "1") ||
      put_col(w, "/agents/start_x", i32, fi32, n, a->start_x, "1") ||
      put_col(w, "/agents/start_y", i32, fi32, n, a->start_y, "1") ||
      put_col(w, "/agents/speed_m_s", f64, ff64, n, a->speed_m_s, "m/s") ||
      put_col(w, "/agents/premovement_s", f64, ff64, n, a->premovement_s,
              "s") ||
      put_col(w, "/agents/exit_time_s", f64, ff64, n, a->exit_time_s, "s") ||
      put_strings(w, "/agents/safe_place", n, names, "1") ||
      put_col(w, "/agents/fed_max", f64, ff64, n, a->fed_max, "1") ||
      put_col(w, "/agents/incapacitated", H5T_NATIVE_INT8, H5T_STD_I8LE, n,
              a->incapacitated, "1") ||
      put_col(w, "/agents/distance_m", f64, ff64, n, a->distance_m, "m"))
    goto done;
  rc = 0;
done:
  free(id);
  free(names);
  return rc;
}

/* /timeseries: counts sampled every agents_every_s. */
static int write_series(struct writer *w, const struct evac_result *r) {
  const struct evac_result_series *s = &r->series;
  hid_t i32 = H5T_NATIVE_INT32, fi32 = H5T_STD_I32LE;
  if (put_group(w, "/timeseries", 0) ||
      put_col(w, "/timeseries/time_s", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, s->n,
              s->time_s, "s") ||
      put_col(w, "/timeseries/evacuated", i32, fi32, s->n, s->evacuated, "1") ||
      put_col(w, "/timeseries/incapacitated", i32, fi32, s->n, s->incapacitated,
              "1") ||
      put_col(w, "/timeseries/remaining", i32, fi32, s->n, s->remaining, "1") ||
      put_col(w, "/timeseries/on_stairs", i32, fi32, s->n, s->on_stairs, "1") ||
      put_col(w, "/timeseries/hrr_kw", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, s->n,
              s->hrr_kw, "kW"))
    return -1;
  return 0;
}

/* The group name of a measure: its name with '/' replaced by '_' ("." and
 * "" become "measure_I"). Returns a malloc'd "/measures/NAME", or NULL. */
static char *measure_path(const char *name, int i) {
  char alt[32];
  if (!name || !*name || !strcmp(name, ".") || !strcmp(name, "..")) {
    snprintf(alt, sizeof alt, "measure_%d", i);
    name = alt;
  }
  size_t len = strlen("/measures/") + strlen(name) + 1;
  char *p = malloc(len);
  if (!p)
    return NULL;
  snprintf(p, len, "/measures/%s", name);
  for (char *c = p + strlen("/measures/"); *c; c++)
    if (*c == '/')
      *c = '_';
  return p;
}

/* /measures/NAME: the crossings of each measure line of the model. */
static int write_measures(struct writer *w, const struct evac_model *m,
                          const struct evac_result *r) {
  static const struct evac_result_measure none;
  if (put_group(w, "/measures", 1))
    return -1;
  for (int i = 0; i < m->nmeasures; i++) {
    const struct evac_result_measure *c =
        i < r->nmeasures && r->measures ? &r->measures[i] : &none;
    char *g = measure_path(m->measures[i].name, i);
    if (!g)
      return fail(w, "out of memory for /measures");
    size_t len = strlen(g) + 32;
    char *p = malloc(len);
    int rc = -1;
    if (!p) {
      fail(w, "out of memory for %s", g);
      goto next;
    }
    if (put_group(w, g, 0) ||
        put_attr_string(w, g, "name", m->measures[i].name))
      goto next;
    snprintf(p, len, "%s/crossing_time_s", g);
    if (put_col(w, p, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, c->n, c->time_s, "s"))
      goto next;
    snprintf(p, len, "%s/direction", g);
    if (put_col(w, p, H5T_NATIVE_INT8, H5T_STD_I8LE, c->n, c->direction, "1"))
      goto next;
    snprintf(p, len, "%s/agent", g);
    if (put_col(w, p, H5T_NATIVE_INT32, H5T_STD_I32LE, c->n, c->agent, "1"))
      goto next;
    rc = 0;
  next:
    free(p);
    free(g);
    if (rc)
      return -1;
  }
  return 0;
}

/* Names of enum evac_agent_state, in enum order. */
static const char *const state_names[] = {"waiting", "moving",        "stair",
                                          "safe",    "incapacitated", "stuck"};

/* /trajectories: H5MD-like step/time/value triples for position, floor and
 * state, one row per sample. */
static int write_traj(struct writer *w, const struct evac_result *r) {
  const struct evac_result_traj *t = &r->traj;
  hsize_t na = r->occupants > 0 ? (hsize_t)r->occupants : 0;
  int64_t *step = calloc(t->n ? t->n : 1, sizeof *step);
  if (!step)
    return fail(w, "out of memory for /trajectories");
  for (size_t i = 0; i < t->n; i++)
    step[i] = (int64_t)i;
  static const char *const parts[] = {"position", "floor", "state"};
  int rc = put_group(w, "/trajectories", 0);
  for (int k = 0; k < 3 && !rc; k++) {
    char p[64];
    snprintf(p, sizeof p, "/trajectories/%s", parts[k]);
    rc = put_group(w, p, 0);
    snprintf(p, sizeof p, "/trajectories/%s/step", parts[k]);
    rc = rc || put_col(w, p, H5T_NATIVE_INT64, H5T_STD_I64LE, t->n, step, "1");
    snprintf(p, sizeof p, "/trajectories/%s/time", parts[k]);
    rc = rc ||
         put_col(w, p, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, t->n, t->time_s, "s");
  }
  free(step);
  hsize_t dims[3] = {t->n, na, 2};
  if (rc ||
      put(w, "/trajectories/position/value", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE,
          3, dims, t->pos_m, "m") ||
      put(w, "/trajectories/floor/value", H5T_NATIVE_INT16, H5T_STD_I16LE, 2,
          dims, t->floor, "1") ||
      put(w, "/trajectories/state/value", H5T_NATIVE_INT8, H5T_STD_I8LE, 2,
          dims, t->state, "1") ||
      put_attr_strings(w, "/trajectories/state/value", "names",
                       sizeof state_names / sizeof *state_names, state_names))
    return -1;
  return 0;
}

/* The /events/type enum: int8 values named by evac_event_type_name. */
static hid_t event_enum_type(void) {
  hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
  if (t < 0)
    return t;
  for (int i = 0; i < EVAC_LOG_NTYPES; i++) {
    int8_t v = (int8_t)i;
    if (H5Tenum_insert(t, evac_event_type_name((enum evac_event_type)i), &v) <
        0) {
      H5Tclose(t);
      return -1;
    }
  }
  return t;
}

/* /events: the columnar event log. */
static int write_events(struct writer *w, const struct evac_model *m,
                        const struct evac_result *r) {
  const struct evac_result_events *e = &r->events;
  hid_t i32 = H5T_NATIVE_INT32, fi32 = H5T_STD_I32LE;
  if (put_group(w, "/events", 0) ||
      put_col(w, "/events/time_s", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, e->n,
              e->time_s, "s"))
    return -1;
  hid_t type = event_enum_type();
  if (type < 0)
    return fail(w, "cannot create the event type enum");
  int rc = put_col(w, "/events/type", type, type, e->n, e->type, "1");
  H5Tclose(type);
  if (rc || put_col(w, "/events/agent", i32, fi32, e->n, e->agent, "1") ||
      put_col(w, "/events/floor", i32, fi32, e->n, e->floor, "1") ||
      put_col(w, "/events/x", i32, fi32, e->n, e->x, "1") ||
      put_col(w, "/events/y", i32, fi32, e->n, e->y, "1"))
    return -1;
  const char **names = calloc(e->n ? e->n : 1, sizeof *names);
  if (!names)
    return fail(w, "out of memory for /events/target");
  for (size_t i = 0; i < e->n; i++)
    names[i] = feature_name(m, e->target[i]);
  rc = put_strings(w, "/events/target", e->n, names, "1");
  free(names);
  return rc;
}

/* Writes one sample (row t) of buf, ncells floats, into the [T][ny][nx]
 * dataset ds. */
static int put_sample(struct writer *w, hid_t ds, const char *path, hsize_t t,
                      hsize_t ny, hsize_t nx, const float *buf) {
  hsize_t start[3] = {t, 0, 0}, count[3] = {1, ny, nx};
  /* a memory space of the selection's own shape: HDF5 then copies whole
   * rows instead of matching a 1-D space element by element */
  hid_t fspace = H5Dget_space(ds), mspace = H5Screate_simple(3, count, NULL);
  int rc = 0;
  if (fspace < 0 || mspace < 0 ||
      H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) <
          0 ||
      H5Dwrite(ds, H5T_NATIVE_FLOAT, mspace, fspace, H5P_DEFAULT, buf) < 0)
    rc = fail(w, "cannot write sample %llu of %s", (unsigned long long)t, path);
  if (mspace >= 0)
    H5Sclose(mspace);
  if (fspace >= 0)
    H5Sclose(fspace);
  return rc;
}

/* /fields/floor_NN/<quantity q> of floor k, [T][ny][nx] float32, one chunk
 * per sample, written a sample at a time through buf (ncells floats):
 * ambient values before the floor's first stored sample, NaN on solid
 * cells. */
static int write_field(struct writer *w, const struct evac_model *m,
                       const struct evac_result_fields *fs, int k,
                       enum evac_field_qty q, float *buf) {
  const struct evac_floor *fl = &m->floors[k];
  const size_t nc = fs->ncells[k];
  const uint8_t *solid = fs->solid[k];
  hsize_t ny = (hsize_t)fl->ny, nx = (hsize_t)fl->nx;
  hsize_t dims[3] = {fs->n, ny, nx}, chunk[3] = {1, ny ? ny : 1, nx ? nx : 1};
  char path[96];
  snprintf(path, sizeof path, "/fields/floor_%02d/%s", k,
           evac_field_qty_name(q));
  hid_t ds = create(w, path, H5T_IEEE_F32LE, 3, dims, chunk);
  if (ds < 0)
    return -1;
  int rc = 0;
  const long first = fs->first[k];
  for (size_t c = 0; c < nc; c++)
    buf[c] = solid[c] ? NAN : fs->ambient[k][q];
  for (size_t t = 0; t < fs->n && !rc; t++) {
    if (first >= 0 && t >= (size_t)first) {
      const float *row =
          fs->data[(size_t)k * EVAC_NFQ + q] + (t - (size_t)first) * nc;
      for (size_t c = 0; c < nc; c++)
        buf[c] = solid[c] ? NAN : row[c];
    }
    rc = put_sample(w, ds, path, t, ny, nx, buf);
  }
  H5Dclose(ds);
  float ambient = fs->ambient[k][q];
  if (rc || put_attr_string(w, path, "unit", evac_field_qty_unit(q)) ||
      put_attr(w, path, "ambient", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, &ambient))
    return -1;
  return 0;
}

/* /fields: sample times and, per floor, the smoke quantities over the
 * floor's grid. Nothing without samples. */
static int write_fields(struct writer *w, const struct evac_model *m,
                        const struct evac_result *r) {
  const struct evac_result_fields *fs = &r->fields;
  if (fs->n == 0)
    return 0;
  if (fs->nfloors != m->nfloors)
    return fail(w, "the field samples have %d floors, the model %d",
                fs->nfloors, m->nfloors);
  size_t most = 1;
  for (int k = 0; k < m->nfloors; k++) {
    size_t nc = (size_t)m->floors[k].nx * (size_t)m->floors[k].ny;
    if (fs->ncells[k] != nc)
      return fail(w,
                  "the field samples of floor %d have %zu cells, the "
                  "floor %zu",
                  k, fs->ncells[k], nc);
    if (nc > most)
      most = nc;
  }
  if (put_group(w, "/fields", 0) ||
      put_col(w, "/fields/time_s", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, fs->n,
              fs->time_s, "s"))
    return -1;
  float *buf = malloc(most * sizeof *buf);
  if (!buf)
    return fail(w, "out of memory for /fields");
  int rc = 0;
  for (int k = 0; k < m->nfloors && !rc; k++) {
    char g[32];
    int32_t first = (int32_t)fs->first[k];
    snprintf(g, sizeof g, "/fields/floor_%02d", k);
    rc =
        put_group(w, g, 0) ||
        put_attr_string(w, g, "name", m->floors[k].name) ||
        put_attr(w, g, "first_sample", H5T_NATIVE_INT32, H5T_STD_I32LE, &first);
    for (int q = 0; q < EVAC_NFQ && !rc; q++)
      rc = write_field(w, m, fs, k, (enum evac_field_qty)q, buf);
  }
  free(buf);
  return rc ? -1 : 0;
}

/* /summary attributes, all but `complete`. */
static int write_summary(struct writer *w, const struct evac_result *r) {
  const int32_t ints[] = {r->occupants, r->evacuated, r->incapacitated,
                          r->remaining, r->trapped,   r->not_out,
                          r->gridlocked};
  static const char *const int_names[] = {
      "occupants", "evacuated", "incapacitated", "remaining",
      "trapped",   "not_out",   "gridlocked"};
  const double dbls[] = {r->evacuation_time_s,
                         r->rset_s,
                         r->rset_p95_s,
                         r->aset_s,
                         r->first_incapacitation_s,
                         r->gridlock_time_s,
                         r->wall_clock_s,
                         r->end_time_s,
                         r->settled_s};
  static const char *const dbl_names[] = {"evacuation_time_s",
                                          "rset_s",
                                          "rset_p95_s",
                                          "aset_s",
                                          "first_incapacitation_s",
                                          "gridlock_time_s",
                                          "wall_clock_s",
                                          "end_time_s",
                                          "settled_s"};
  if (put_group(w, "/summary", 0))
    return -1;
  for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
    if (put_attr(w, "/summary", int_names[i], H5T_NATIVE_INT32, H5T_STD_I32LE,
                 &ints[i]))
      return -1;
  for (size_t i = 0; i < sizeof dbls / sizeof *dbls; i++)
    if (put_attr(w, "/summary", dbl_names[i], H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE,
                 &dbls[i]))
      return -1;
  return put_attr(w, "/summary", "events_processed", H5T_NATIVE_UINT64,
                  H5T_STD_U64LE, &r->events_processed);
}

/* The writer's helpers as the drill report's sink. */
static int sink_group(void *w, const char *path) {
  return put_group(w, path, 0);
}
static int sink_col(void *w, const char *path, hid_t mem, hid_t ftype, size_t n,
                    const void *data, const char *unit) {
  return put_col(w, path, mem, ftype, n, data, unit);
}
static int sink_strings(void *w, const char *path, size_t n,
                        const char *const *s, const char *unit) {
  return put_strings(w, path, n, s, unit);
}

/* /drill: the hospital drill report, when the run had staff. */
static int write_drill(struct writer *w, const struct evac_model *m,
                       const struct evac_result *r) {
  struct evac_drill_sink sink = {w, sink_group, sink_col, sink_strings};
  return r->drill ? evac_drill_write(&sink, r->drill, m) : 0;
}

/* Writes the whole file into w->file; `complete` last. */
static int write_all(struct writer *w, const struct evac_model *m,
                     const struct evac_result *r) {
  const int32_t format_version = 1, complete = 1;
  if (put_attr_string(w, "/", "format", "evacsim result") ||
      put_attr(w, "/", "format_version", H5T_NATIVE_INT32, H5T_STD_I32LE,
               &format_version) ||
      write_parameters(w, m, r) || write_agents(w, m, r) ||
      write_series(w, r) || write_measures(w, m, r) || write_traj(w, r) ||
      write_events(w, m, r) || write_fields(w, m, r) || write_drill(w, m, r) ||
      write_summary(w, r))
    return -1;
  return put_attr(w, "/summary", "complete", H5T_NATIVE_INT32, H5T_STD_I32LE,
                  &complete);
}

/* Builds the whole file in memory (HDF5 cannot then meet a disk error:
 * HDF5 1.10 leaves a file whose H5Fclose failed half-closed, and crashes
 * at exit when it tries again) and commits it to path. */
static int write_file(struct writer *w, const struct evac_model *m,
                      const struct evac_result *r, const char *path) {
  struct evac_commit c;
  /* the temporary first: a clear reason (errno) when the place is not
   * writable, before any work is done */
  if (evac_commit_open(&c, path) < 0) {
    snprintf(w->reason, sizeof w->reason, "%s", c.reason);
    return -1;
  }
  w->file = evac_commit_h5_create(path);
  int rc = w->file < 0 ? fail(w, "cannot create %s in memory", path)
                       : write_all(w, m, r);
  if (w->file >= 0 && rc)
    H5Fclose(w->file); /* strong close: also what a failed step left open */
  else if (w->file >= 0 && (rc = evac_commit_h5(&c, w->file)) == 0)
    rc = evac_commit_finish(&c);
  w->file = -1;
  if (rc && !w->reason[0])
    snprintf(w->reason, sizeof w->reason, "%s", c.reason);
  if (rc)
    evac_commit_abort(&c);
  return rc;
}

enum evac_status evac_output_write(const struct evac_model *m,
                                   const struct evac_result *r,
                                   const char *path, struct evac_diag *diag) {
  struct writer w = {.file = -1, .reason = ""};
  H5E_auto2_t old_func = NULL;
  void *old_data = NULL;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  int rc = write_file(&w, m, r, path);
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  if (!rc)
    return EVAC_OK;
  if (diag)
    evac_diag_error(diag, path, NULL, "cannot write result file: %s",
                    w.reason[0] ? w.reason : "unknown HDF5 error");
  return EVAC_ERR_IO;
}
