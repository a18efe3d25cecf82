/* The result file writer (layout in docs/output.md).
 *
 * The file is written to the commit's temporary (commit.h: a unique
 * temporary, fsync, rename) as the run goes: trajectory and field samples
 * as the run hands them over (struct evac_result_sink), one sample at a
 * time, the rest at the end. PATH is either the old file or the complete
 * new one. HDF5 writes through the driver of h5fd.h, which never lets it
 * meet a disk error. /summary's `complete` attribute is written last.
 * Every dataset is chunked, shuffled and deflated, and carries a "unit"
 * attribute. HDF5's own error printing is silenced while the file is open;
 * the first failure is turned into one diagnostic. Field maps are encoded
 * here (h5filter.h) and written as stored chunks, so that a map equal to
 * the one before it is not compressed again. */

#include <errno.h>

#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "diag.h"
#include "drill_output.h"
#include "evacsim.h"
#include "h5check.h"
#include "h5fd.h"
#include "h5filter.h"
#include "model.h"
#include "result.h"

/* Bytes aimed at per chunk: well under HDF5's default 1 MiB chunk cache. */
#define CHUNK_BYTES ((hsize_t)512 * 1024)
/* Largest chunk extent along the agent axis of trajectories. */
#define CHUNK_AGENTS ((hsize_t)4096)
/* Deflate level. */
#define DEFLATE_LEVEL 4
/* Deflate level of the smoke fields, the bulk of a file with a fire:
 * compressing them at level 4 took about 40 % more CPU than at 1 for a
 * file 10 % smaller. */
#define FIELD_DEFLATE_LEVEL 1

/* State of one write. */
struct writer {
  hid_t file;       /* the file being written */
  char reason[640]; /* the first failure; "" while there is none */
};

/* Parts of /trajectories/.../value, in the order of enum traj_part. */
enum traj_part { TRAJ_POSITION, TRAJ_FLOOR, TRAJ_STATE, TRAJ_NPARTS };

/* One quantity dataset of a floor's field maps. */
struct field_ds {
  hid_t ds;           /* the dataset, -1 until the floor has smoke */
  float *last;        /* [ncells] the last map written; NULL before */
  unsigned char *enc; /* [enc_cap] that map's encoded chunk */
  size_t enc_len;     /* its size in bytes */
  size_t enc_cap;     /* bytes allocated at enc */
};

/* One result file being written. */
struct evac_output {
  struct writer w;              /* the HDF5 file and the first failure */
  struct evac_commit c;         /* its temporary */
  struct evac_h5fd_status io;   /* the disk's answer to the writes */
  const struct evac_model *m;   /* the building */
  struct evac_result_sink sink; /* what the run hands samples to */
  H5E_auto2_t old_func;         /* HDF5's error printing, restored */
  void *old_data;               /*   at the end */
  int fields_checked;           /* 1: the field set fits the model */
  struct field_ds *fds;         /* [nfloors * EVAC_NFQ] field datasets */
  hsize_t *frows;               /* [nfloors] field samples written */
  float *buf;                   /* one map of the largest floor */
  struct evac_h5filter *enc;    /* the field maps' chunk encoder */
  hid_t traj[TRAJ_NPARTS];      /* trajectory values, -1 until created */
  hsize_t trows;                /* trajectory samples written */
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
 * chunk), shuffled and deflated at level, extendible on every axis.
 * Returns it, or -1. */
static hid_t create(struct writer *w, const char *path, hid_t ftype, int rank,
                    const hsize_t *dims, const hsize_t *chunk, int level) {
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
      H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, (unsigned)level) < 0) {
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
  hid_t ds = create(w, path, ftype, rank, dims, chunk, DEFLATE_LEVEL);
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
      put_attr_string(w, "/parameters", "smoke_model",
                      evac_smoke_model_name(m->smoke_model)) ||
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

/* Appends rows samples of data (memory type mem; the rank - 1 extents after
 * the sample axis in inner) to the extendible dataset ds at sample at. */
static int append(struct writer *w, hid_t ds, const char *path, hid_t mem,
                  int rank, hsize_t at, hsize_t rows, const hsize_t *inner,
                  const void *data) {
  hsize_t dims[3] = {at + rows, 0, 0}, start[3] = {at, 0, 0};
  hsize_t count[3] = {rows, 0, 0};
  for (int d = 1; d < rank; d++)
    dims[d] = count[d] = inner[d - 1];
  if (H5Dset_extent(ds, dims) < 0)
    return fail(w, "cannot extend %s", path);
  if (rows == 0)
    return 0;
  /* a memory space of the selection's own shape: HDF5 then copies whole
   * rows instead of matching a 1-D space element by element */
  hid_t fspace = H5Dget_space(ds), mspace = H5Screate_simple(rank, count, NULL);
  int rc = 0;
  if (fspace < 0 || mspace < 0 ||
      H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) <
          0 ||
      H5Dwrite(ds, mem, mspace, fspace, H5P_DEFAULT, data) < 0)
    rc =
        fail(w, "cannot write sample %llu of %s", (unsigned long long)at, path);
  if (mspace >= 0)
    H5Sclose(mspace);
  if (fspace >= 0)
    H5Sclose(fspace);
  return rc;
}

/* 0, or -1 with the reason when a read or write of the temporary
 * failed. */
static int io_check(struct evac_output *o) {
  /* the disk's error is the cause of whatever HDF5 said after it */
  if (o->io.error)
    snprintf(o->w.reason, sizeof o->w.reason, "cannot write %.500s: %s",
             evac_commit_tmp_name(&o->c), strerror(o->io.error));
  return o->io.error ? -1 : 0;
}

/* Names of enum evac_agent_state, in enum order. */
static const char *const state_names[] = {"waiting", "moving",        "stair",
                                          "safe",    "incapacitated", "stuck"};

/* The groups of /trajectories and their value datasets (enum traj_part). */
static const char *const traj_groups[TRAJ_NPARTS] = {
    "/trajectories/position", "/trajectories/floor", "/trajectories/state"};
static const char *const traj_paths[TRAJ_NPARTS] = {
    "/trajectories/position/value", "/trajectories/floor/value",
    "/trajectories/state/value"};

/* Creates /trajectories and its value datasets for na agents, with no
 * sample yet: chunks of whole samples of up to CHUNK_AGENTS agents, as
 * many samples as fill about CHUNK_BYTES. */
static int traj_create(struct evac_output *o, hsize_t na) {
  struct writer *w = &o->w;
  const hid_t ftype[TRAJ_NPARTS] = {H5T_IEEE_F32LE, H5T_STD_I16LE,
                                    H5T_STD_I8LE};
  const int rank[TRAJ_NPARTS] = {3, 2, 2};
  if (put_group(w, "/trajectories", 0))
    return -1;
  for (int k = 0; k < TRAJ_NPARTS; k++) {
    hsize_t dims[3] = {0, na, 2}, shape[3] = {H5S_UNLIMITED, na, 2}, chunk[3];
    choose_chunk(rank[k], shape, H5Tget_size(ftype[k]), chunk);
    if (put_group(w, traj_groups[k], 0))
      return -1;
    o->traj[k] =
        create(w, traj_paths[k], ftype[k], rank[k], dims, chunk, DEFLATE_LEVEL);
    if (o->traj[k] < 0)
      return -1;
  }
  return 0;
}

/* Appends rows trajectory samples of na agents. */
static int traj_append(struct evac_output *o, hsize_t rows, hsize_t na,
                       const float *pos_m, const int16_t *floor,
                       const int8_t *state) {
  if (o->traj[TRAJ_POSITION] < 0 && traj_create(o, na))
    return -1;
  const hsize_t inner[2] = {na, 2};
  if (append(&o->w, o->traj[TRAJ_POSITION], traj_paths[TRAJ_POSITION],
             H5T_NATIVE_FLOAT, 3, o->trows, rows, inner, pos_m) ||
      append(&o->w, o->traj[TRAJ_FLOOR], traj_paths[TRAJ_FLOOR],
             H5T_NATIVE_INT16, 2, o->trows, rows, inner, floor) ||
      append(&o->w, o->traj[TRAJ_STATE], traj_paths[TRAJ_STATE],
             H5T_NATIVE_INT8, 2, o->trows, rows, inner, state))
    return -1;
  o->trows += rows;
  return 0;
}

/* The sink's trajectory hand-off: appends sample `sample`. */
static int sink_traj(void *ctx, size_t sample, int nagents, const float *pos_m,
                     const int16_t *floor, const int8_t *state) {
  struct evac_output *o = ctx;
  if (o->w.reason[0])
    return -1;
  if (sample != o->trows)
    return fail(&o->w, "trajectory sample %zu handed over after %llu", sample,
                (unsigned long long)o->trows);
  if (traj_append(o, 1, nagents > 0 ? (hsize_t)nagents : 0, pos_m, floor,
                  state))
    return -1;
  return io_check(o);
}

/* /trajectories: H5MD-like step/time/value triples for position, floor and
 * state, one row per sample; the samples not handed over yet are
 * appended. */
static int write_traj(struct evac_output *o, const struct evac_result *r) {
  struct writer *w = &o->w;
  const struct evac_result_traj *t = &r->traj;
  hsize_t na = r->occupants > 0 ? (hsize_t)r->occupants : 0;
  if (t->held != o->trows)
    return fail(w, "%llu trajectory samples written, %zu handed over",
                (unsigned long long)o->trows, t->held);
  if (traj_append(o, t->n - t->held, na, t->pos_m, t->floor, t->state))
    return -1;
  int64_t *step = calloc(t->n ? t->n : 1, sizeof *step);
  if (!step)
    return fail(w, "out of memory for /trajectories");
  for (size_t i = 0; i < t->n; i++)
    step[i] = (int64_t)i;
  int rc = 0;
  for (int k = 0; k < TRAJ_NPARTS && !rc; k++) {
    char p[64];
    snprintf(p, sizeof p, "%s/step", traj_groups[k]);
    rc = put_col(w, p, H5T_NATIVE_INT64, H5T_STD_I64LE, t->n, step, "1");
    snprintf(p, sizeof p, "%s/time", traj_groups[k]);
    rc = rc ||
         put_col(w, p, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, t->n, t->time_s, "s");
    rc = rc || put_attr_string(w, traj_paths[k], "unit",
                               k == TRAJ_POSITION ? "m" : "1");
  }
  free(step);
  if (rc ||
      put_attr_strings(w, traj_paths[TRAJ_STATE], "names",
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

/* The path of quantity q of floor k: /fields/floor_NN/<q>. */
static void field_path(char *p, size_t n, int k, int q) {
  snprintf(p, n, "/fields/floor_%02d/%s", k,
           evac_field_qty_name((enum evac_field_qty)q));
}

/* Checks (once) that the field set fits the building. */
static int check_fields(struct evac_output *o,
                        const struct evac_result_fields *fs) {
  const struct evac_model *m = o->m;
  if (o->fields_checked)
    return 0;
  if (fs->nfloors != m->nfloors)
    return fail(&o->w, "the field samples have %d floors, the model %d",
                fs->nfloors, m->nfloors);
  for (int k = 0; k < m->nfloors; k++) {
    size_t nc = (size_t)m->floors[k].nx * (size_t)m->floors[k].ny;
    if (fs->ncells[k] != nc)
      return fail(&o->w,
                  "the field samples of floor %d have %zu cells, the "
                  "floor %zu",
                  k, fs->ncells[k], nc);
  }
  o->fields_checked = 1;
  return 0;
}

/* Creates /fields unless it is there. */
static int fields_group(struct evac_output *o) {
  htri_t e = H5Lexists(o->w.file, "/fields", H5P_DEFAULT);
  if (e < 0)
    return fail(&o->w, "cannot look for /fields");
  return e > 0 ? 0 : put_group(&o->w, "/fields", 0);
}

/* Creates floor k's group and its quantity datasets, [0][ny][nx] float32,
 * one chunk per sample (written by floor_map). */
static int floor_create(struct evac_output *o, int k) {
  struct writer *w = &o->w;
  const struct evac_floor *fl = &o->m->floors[k];
  char g[32];
  snprintf(g, sizeof g, "/fields/floor_%02d", k);
  if (fields_group(o) || put_group(w, g, 0))
    return -1;
  hsize_t ny = (hsize_t)fl->ny, nx = (hsize_t)fl->nx;
  hsize_t dims[3] = {0, ny, nx}, chunk[3] = {1, ny ? ny : 1, nx ? nx : 1};
  for (int q = 0; q < EVAC_NFQ; q++) {
    char p[96];
    field_path(p, sizeof p, k, q);
    struct field_ds *fd = &o->fds[(size_t)k * EVAC_NFQ + q];
    fd->ds = create(w, p, H5T_IEEE_F32LE, 3, dims, chunk, FIELD_DEFLATE_LEVEL);
    if (fd->ds < 0)
      return -1;
  }
  return 0;
}

/* Appends the map o->buf (nc cells, inner its extents) to fd as sample at:
 * its chunk encoded, or the chunk of the map before written again when the
 * two maps are the same bit for bit. */
static int floor_map(struct evac_output *o, struct field_ds *fd,
                     const char *path, hsize_t at, const hsize_t inner[2],
                     size_t nc) {
  struct writer *w = &o->w;
  const hsize_t dims[3] = {at + 1, inner[0], inner[1]}, offset[3] = {at, 0, 0};
  const size_t bytes = nc * sizeof *o->buf;
  if (H5Dset_extent(fd->ds, dims) < 0)
    return fail(w, "cannot extend %s", path);
  if (nc == 0)
    return 0;
  if (!fd->last || memcmp(fd->last, o->buf, bytes)) {
    const unsigned char *enc;
    size_t len;
    if (evac_h5filter_encode(o->enc, o->buf, nc, sizeof *o->buf, &enc, &len))
      return fail(w, "cannot compress sample %llu of %s",
                  (unsigned long long)at, path);
    if (!fd->last && !(fd->last = malloc(bytes)))
      return fail(w, "out of memory for %s", path);
    if (len > fd->enc_cap) {
      unsigned char *e = realloc(fd->enc, len);
      if (!e)
        return fail(w, "out of memory for %s", path);
      fd->enc = e;
      fd->enc_cap = len;
    }
    memcpy(fd->last, o->buf, bytes);
    memcpy(fd->enc, enc, len);
    fd->enc_len = len;
  }
  if (H5Dwrite_chunk(fd->ds, H5P_DEFAULT, 0, offset, fd->enc_len, fd->enc) < 0)
    return fail(w, "cannot write sample %llu of %s", (unsigned long long)at,
                path);
  return 0;
}

/* Appends one sample to floor k, which has had smoke: quantity q's map is
 * vals[q] (ncells floats), or its ambient value where vals[q] is NULL; NaN
 * on walls and void. */
static int floor_sample(struct evac_output *o,
                        const struct evac_result_fields *fs, int k,
                        const float *const vals[EVAC_NFQ]) {
  const struct evac_floor *fl = &o->m->floors[k];
  if (o->fds[(size_t)k * EVAC_NFQ].ds < 0 && floor_create(o, k))
    return -1;
  const size_t nc = fs->ncells[k];
  const uint8_t *solid = fs->solid[k];
  const hsize_t inner[2] = {(hsize_t)fl->ny, (hsize_t)fl->nx};
  for (int q = 0; q < EVAC_NFQ; q++) {
    const float *v = vals[q], amb = fs->ambient[k][q];
    for (size_t c = 0; c < nc; c++)
      o->buf[c] = solid[c] ? NAN : v ? v[c] : amb;
    char p[96];
    field_path(p, sizeof p, k, q);
    if (floor_map(o, &o->fds[(size_t)k * EVAC_NFQ + q], p, o->frows[k], inner,
                  nc))
      return -1;
  }
  o->frows[k]++;
  return 0;
}

/* The sink's field hand-off: appends sample fs->n - 1 to every floor that
 * has had smoke. */
static int sink_fields(void *ctx, const struct evac_result_fields *fs,
                       const float *const *floor_data) {
  struct evac_output *o = ctx;
  if (o->w.reason[0] || check_fields(o, fs))
    return -1;
  for (int k = 0; k < fs->nfloors; k++) {
    if (fs->first[k] < 0)
      continue;
    const float *vals[EVAC_NFQ];
    for (int q = 0; q < EVAC_NFQ; q++)
      vals[q] =
          floor_data[k] ? floor_data[k] + (size_t)q * fs->ncells[k] : NULL;
    if (floor_sample(o, fs, k, vals))
      return -1;
  }
  return io_check(o);
}

/* Appends the samples the result kept in memory (a run without a sink). */
static int fields_kept(struct evac_output *o,
                       const struct evac_result_fields *fs) {
  for (size_t t = 0; t < fs->n; t++)
    for (int k = 0; k < fs->nfloors; k++) {
      if (fs->first[k] < 0 || t < (size_t)fs->first[k])
        continue;
      const size_t row = (t - (size_t)fs->first[k]) * fs->ncells[k];
      const float *vals[EVAC_NFQ];
      for (int q = 0; q < EVAC_NFQ; q++)
        vals[q] = fs->data[(size_t)k * EVAC_NFQ + q] + row;
      if (floor_sample(o, fs, k, vals))
        return -1;
    }
  return 0;
}

/* /fields: sample times and, per floor, its wall mask and the smoke
 * quantities from the floor's first sample with smoke on. Nothing without
 * samples. */
static int write_fields(struct evac_output *o, const struct evac_result *r) {
  struct writer *w = &o->w;
  const struct evac_result_fields *fs = &r->fields;
  if (fs->n == 0)
    return 0;
  if (check_fields(o, fs) || (!fs->sink && fields_kept(o, fs)) ||
      fields_group(o) ||
      put_col(w, "/fields/time_s", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, fs->n,
              fs->time_s, "s"))
    return -1;
  for (int k = 0; k < o->m->nfloors; k++) {
    const struct evac_floor *fl = &o->m->floors[k];
    int32_t first = (int32_t)fs->first[k];
    hsize_t rows = first < 0 ? 0 : (hsize_t)(fs->n - (size_t)first);
    if (o->frows[k] != rows)
      return fail(w, "floor %d has %llu field samples written, %llu taken", k,
                  (unsigned long long)o->frows[k], (unsigned long long)rows);
    char g[32], p[96];
    snprintf(g, sizeof g, "/fields/floor_%02d", k);
    snprintf(p, sizeof p, "%s/solid", g);
    const hsize_t dims[2] = {(hsize_t)fl->ny, (hsize_t)fl->nx};
    if ((o->fds[(size_t)k * EVAC_NFQ].ds < 0 && floor_create(o, k)) ||
        put_attr_string(w, g, "name", fl->name) ||
        put_attr(w, g, "first_sample", H5T_NATIVE_INT32, H5T_STD_I32LE,
                 &first) ||
        put(w, p, H5T_NATIVE_UINT8, H5T_STD_U8LE, 2, dims, fs->solid[k], "1"))
      return -1;
    for (int q = 0; q < EVAC_NFQ; q++) {
      float ambient = fs->ambient[k][q];
      field_path(p, sizeof p, k, q);
      if (put_attr_string(w, p, "unit",
                          evac_field_qty_unit((enum evac_field_qty)q)) ||
          put_attr(w, p, "ambient", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, &ambient))
        return -1;
    }
  }
  return 0;
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

/* Writes everything the run did not hand over; `complete` last. */
static int write_rest(struct evac_output *o, const struct evac_result *r) {
  struct writer *w = &o->w;
  const struct evac_model *m = o->m;
  const int32_t complete = 1;
  if ((r->traj.sink && r->traj.sink != &o->sink) ||
      (r->fields.sink && r->fields.sink != &o->sink))
    return fail(w, "the run handed its samples to another file");
  if (write_parameters(w, m, r) || write_agents(w, m, r) ||
      write_series(w, r) || write_measures(w, m, r) || write_traj(o, r) ||
      write_events(w, m, r) || write_fields(o, r) || write_drill(w, m, r) ||
      write_summary(w, r))
    return -1;
  return put_attr(w, "/summary", "complete", H5T_NATIVE_INT32, H5T_STD_I32LE,
                  &complete);
}

/* Closes the datasets still open and the file. 0, or -1 if HDF5 could not
 * close it. */
static int close_file(struct evac_output *o) {
  for (size_t i = 0; o->fds && i < (size_t)o->m->nfloors * EVAC_NFQ; i++)
    if (o->fds[i].ds >= 0) {
      H5Dclose(o->fds[i].ds);
      o->fds[i].ds = -1;
    }
  for (int k = 0; k < TRAJ_NPARTS; k++)
    if (o->traj[k] >= 0) {
      H5Dclose(o->traj[k]);
      o->traj[k] = -1;
    }
  int rc = 0;
  if (o->w.file >= 0 && H5Fclose(o->w.file) < 0)
    rc = fail(&o->w, "cannot close the HDF5 file %s",
              evac_commit_tmp_name(&o->c));
  o->w.file = -1;
  return rc;
}

/* Restores HDF5's error printing and frees o. */
static void release(struct evac_output *o) {
  H5Eset_auto2(H5E_DEFAULT, o->old_func, o->old_data);
  for (size_t i = 0; o->fds && i < (size_t)o->m->nfloors * EVAC_NFQ; i++) {
    free(o->fds[i].last);
    free(o->fds[i].enc);
  }
  free(o->fds);
  evac_h5filter_destroy(o->enc);
  free(o->frows);
  free(o->buf);
  free(o);
}

/* "PATH: cannot write result file: REASON" into diag; EVAC_ERR_IO. */
static enum evac_status report(const char *path, const char *reason,
                               struct evac_diag *diag) {
  if (diag)
    evac_diag_error(diag, path, NULL, "cannot write result file: %s",
                    reason[0] ? reason : "unknown HDF5 error");
  return EVAC_ERR_IO;
}

enum evac_status evac_output_open(const struct evac_model *m, const char *path,
                                  struct evac_output **out,
                                  struct evac_diag *diag) {
  *out = NULL;
  size_t nf = m->nfloors > 0 ? (size_t)m->nfloors : 0, most = 1;
  for (size_t k = 0; k < nf; k++) {
    size_t nc = (size_t)m->floors[k].nx * (size_t)m->floors[k].ny;
    most = nc > most ? nc : most;
  }
  struct evac_output *o = calloc(1, sizeof *o);
  if (o) {
    o->fds = calloc((nf ? nf : 1) * EVAC_NFQ, sizeof *o->fds);
    o->frows = calloc(nf ? nf : 1, sizeof *o->frows);
    o->buf = malloc(most * sizeof *o->buf);
    o->enc = evac_h5filter_create(most * sizeof *o->buf, FIELD_DEFLATE_LEVEL);
  }
  if (!o || !o->fds || !o->frows || !o->buf || !o->enc) {
    if (o) {
      free(o->fds);
      free(o->frows);
      free(o->buf);
      evac_h5filter_destroy(o->enc);
    }
    free(o);
    return report(path, "out of memory", diag);
  }
  o->m = m;
  o->w.file = -1;
  for (size_t i = 0; i < nf * EVAC_NFQ; i++)
    o->fds[i].ds = -1;
  for (int k = 0; k < TRAJ_NPARTS; k++)
    o->traj[k] = -1;
  o->sink = (struct evac_result_sink){o, sink_traj, sink_fields};
  H5Eget_auto2(H5E_DEFAULT, &o->old_func, &o->old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  /* the temporary first: a clear reason (errno) when the place is not
   * writable, before any work is done */
  if (evac_commit_open_unnamed(&o->c, path) < 0) {
    snprintf(o->w.reason, sizeof o->w.reason, "%s", o->c.reason);
    return evac_output_abandon(o, diag);
  }
  const int32_t version = EVAC_RESULT_FORMAT_VERSION;
  hid_t fapl = evac_h5fd_fapl(o->c.fd, &o->io);
  o->w.file = fapl < 0 ? -1 : H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (fapl >= 0)
    H5Pclose(fapl);
  if (o->w.file < 0)
    fail(&o->w, "cannot create the HDF5 file %s", evac_commit_tmp_name(&o->c));
  if (o->w.file < 0 ||
      put_attr_string(&o->w, "/", "format", "evacsim result") ||
      put_attr(&o->w, "/", "format_version", H5T_NATIVE_INT32, H5T_STD_I32LE,
               &version) ||
      io_check(o))
    return evac_output_abandon(o, diag);
  *out = o;
  return EVAC_OK;
}

const struct evac_result_sink *evac_output_sink(struct evac_output *o) {
  return &o->sink;
}

enum evac_status evac_output_close(struct evac_output *o,
                                   const struct evac_result *r,
                                   struct evac_diag *diag) {
  const char *path = o->c.path;
  int rc = o->w.reason[0] ? -1 : write_rest(o, r);
  if (close_file(o))
    rc = -1;
  if (io_check(o))
    rc = -1;
  if (!rc && evac_commit_finish(&o->c) < 0) {
    snprintf(o->w.reason, sizeof o->w.reason, "%s", o->c.reason);
    rc = -1;
  }
  if (rc)
    evac_commit_abort(&o->c);
  enum evac_status st = rc ? report(path, o->w.reason, diag) : EVAC_OK;
  release(o);
  return st;
}

enum evac_status evac_output_abandon(struct evac_output *o,
                                     struct evac_diag *diag) {
  const char *path = o->c.path;
  close_file(o);
  io_check(o);
  evac_commit_abort(&o->c);
  enum evac_status st =
      o->w.reason[0] ? report(path, o->w.reason, diag) : EVAC_OK;
  release(o);
  return st;
}

enum evac_status evac_output_write(const struct evac_model *m,
                                   const struct evac_result *r,
                                   const char *path, struct evac_diag *diag) {
  struct evac_output *o;
  enum evac_status st = evac_output_open(m, path, &o, diag);
  return st == EVAC_OK ? evac_output_close(o, r, diag) : st;
}
