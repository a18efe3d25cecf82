/* `evacsim info`: a short summary of a result file: a run, a ranking or
 * a county batch (layouts in docs/output.md, docs/ranking.md, docs/hpc.md).
 * Only files whose /summary has complete = 1 are summarised; others are
 * reported as not (or not completely) written. */
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "evacsim.h"
#include "h5attr.h"
#include "h5check.h"

/* Reads the scalar string attribute name of obj into buf (size n); "?" if
 * it is missing or not a scalar string. */
static void get_attr_string(hid_t file, const char *obj, const char *name,
                            char *buf, size_t n) {
  snprintf(buf, n, "?");
  if (H5Aexists_by_name(file, obj, name, H5P_DEFAULT) <= 0)
    return;
  hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0)
    return;
  hid_t ft = H5Aget_type(a), sp = H5Aget_space(a);
  if (ft >= 0 && sp >= 0 && H5Tget_class(ft) == H5T_STRING &&
      H5Sget_simple_extent_type(sp) == H5S_SCALAR) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_cset(mt, H5Tget_cset(ft));
    if (H5Tis_variable_str(ft) > 0) {
      char *s = NULL;
      H5Tset_size(mt, H5T_VARIABLE);
      if (H5Aread(a, mt, &s) >= 0 && s) {
        snprintf(buf, n, "%s", s);
        H5free_memory(s);
      }
    } else if (H5Tget_size(ft) <= 65536) { /* longer: not one of ours */
      size_t size = H5Tget_size(ft);
      char *s = calloc(size + 1, 1);
      H5Tset_size(mt, size + 1);
      if (s && H5Aread(a, mt, s) >= 0)
        snprintf(buf, n, "%s", s);
      free(s);
    }
    H5Tclose(mt);
  }
  if (sp >= 0)
    H5Sclose(sp);
  if (ft >= 0)
    H5Tclose(ft);
  H5Aclose(a);
}

/* Length of the first axis of the dataset at path, or -1 if absent. */
static long long rows(hid_t file, const char *path) {
  if (H5Lexists(file, path, H5P_DEFAULT) <= 0)
    return -1;
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  if (ds < 0)
    return -1;
  hid_t sp = H5Dget_space(ds);
  hsize_t dims[8] = {0};
  long long n = -1;
  if (sp >= 0 && H5Sget_simple_extent_ndims(sp) >= 1 &&
      H5Sget_simple_extent_ndims(sp) <= 8 &&
      H5Sget_simple_extent_dims(sp, dims, NULL) >= 0)
    n = (long long)dims[0];
  if (sp >= 0)
    H5Sclose(sp);
  H5Dclose(ds);
  return n;
}

/* Prints "label  value" with the label padded to a common width. */
#define LABEL "%-22s"

/* Prints a count line: the number, or "-" when the dataset is absent. */
static void print_count(FILE *f, const char *label, long long n,
                        const char *what) {
  if (n < 0)
    fprintf(f, LABEL " -\n", label);
  else
    fprintf(f, LABEL " %lld%s%s\n", label, n, what ? " " : "",
            what ? what : "");
}

/* Prints a time line: seconds, or "none" for NaN, "-" when missing. */
static void print_time(FILE *f, hid_t file, const char *label,
                       const char *attr) {
  double v;
  if (evac_h5_attr_read(file, "/summary", attr, H5T_NATIVE_DOUBLE, &v) < 0)
    fprintf(f, LABEL " -\n", label);
  else if (isnan(v))
    fprintf(f, LABEL " none\n", label);
  else
    fprintf(f, LABEL " %.2f s\n", label, v);
}

/* Prints an integer /summary attribute. */
static void print_int(FILE *f, hid_t file, const char *label,
                      const char *attr) {
  int32_t v;
  if (evac_h5_attr_read(file, "/summary", attr, H5T_NATIVE_INT32, &v) < 0)
    fprintf(f, LABEL " -\n", label);
  else
    fprintf(f, LABEL " %d\n", label, (int)v);
}

/* Context of the measure listing. */
struct measure_walk {
  FILE *f;
  hid_t file;
};

/* Prints one /measures/NAME line: its crossing count. */
static herr_t print_measure(hid_t g, const char *name, const H5L_info_t *info,
                            void *data) {
  (void)g;
  (void)info;
  struct measure_walk *mw = data;
  size_t len = strlen(name) + 64;
  char *p = malloc(len);
  if (!p)
    return -1;
  snprintf(p, len, "/measures/%s/crossing_time_s", name);
  char label[256];
  snprintf(label, sizeof label, "  %s", name);
  print_count(mw->f, label, rows(mw->file, p), "crossings");
  free(p);
  return 0;
}

/* Prints the measures in creation (model) order, else in name order. */
static void print_measures(FILE *f, hid_t file) {
  if (H5Lexists(file, "/measures", H5P_DEFAULT) <= 0)
    return;
  hid_t g = H5Gopen2(file, "/measures", H5P_DEFAULT);
  if (g < 0)
    return;
  H5G_info_t gi;
  if (H5Gget_info(g, &gi) >= 0) {
    fprintf(f, LABEL " %llu\n", "measures", (unsigned long long)gi.nlinks);
    struct measure_walk mw = {f, file};
    hsize_t idx = 0;
    if (H5Literate(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, print_measure,
                   &mw) < 0 &&
        idx == 0)
      H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, print_measure, &mw);
  }
  H5Gclose(g);
}

/* Prints the number of events of each type present, by the names of the
 * /events/type enum. */
static void print_events(FILE *f, hid_t file) {
  long long n = rows(file, "/events/type");
  print_count(f, "events", n, NULL);
  if (n <= 0)
    return;
  hid_t ds = H5Dopen2(file, "/events/type", H5P_DEFAULT);
  hid_t ft = ds >= 0 ? H5Dget_type(ds) : -1;
  int8_t *v = malloc((size_t)n);
  if (ft >= 0 && v && H5Tget_class(ft) == H5T_ENUM && H5Tget_size(ft) == 1 &&
      H5Dread(ds, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) {
    int nm = H5Tget_nmembers(ft);
    for (int k = 0; k < nm; k++) {
      int8_t value;
      char *name = H5Tget_member_name(ft, (unsigned)k);
      if (!name)
        continue;
      if (H5Tget_member_value(ft, (unsigned)k, &value) >= 0) {
        long long c = 0;
        for (long long i = 0; i < n; i++)
          c += v[i] == value;
        char label[256];
        snprintf(label, sizeof label, "  %s", name);
        if (c)
          print_count(f, label, c, NULL);
      }
      H5free_memory(name);
    }
  }
  free(v);
  if (ft >= 0)
    H5Tclose(ft);
  if (ds >= 0)
    H5Dclose(ds);
}

/* Counts the floor groups of /fields whose first_sample is >= 0. */
static herr_t count_smoky(hid_t g, const char *name, const H5L_info_t *info,
                          void *data) {
  (void)info;
  int32_t first = -1;
  if (!strncmp(name, "floor_", 6) &&
      evac_h5_attr_read(g, name, "first_sample", H5T_NATIVE_INT32, &first) ==
          0 &&
      first >= 0)
    ++*(long long *)data;
  return 0;
}

/* Prints "fields  N samples on K floors with smoke"; nothing without
 * /fields. */
static void print_fields(FILE *f, hid_t file) {
  long long n = rows(file, "/fields/time_s");
  if (n < 0)
    return;
  hid_t g = H5Gopen2(file, "/fields", H5P_DEFAULT);
  long long smoky = 0;
  if (g >= 0) {
    H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, count_smoky, &smoky);
    H5Gclose(g);
  }
  fprintf(f, LABEL " %lld samples on %lld floor%s with smoke\n", "fields", n,
          smoky, smoky == 1 ? "" : "s");
}

/* Reads the first n rows of the open 1-D dataset ds as memory type mt
 * into buf; the HDF5 status. */
static herr_t read_head(hid_t ds, long long n, hid_t mt, void *buf) {
  hsize_t cnt = (hsize_t)n, zero = 0;
  hid_t ms = H5Screate_simple(1, &cnt, NULL), fs = H5Dget_space(ds);
  herr_t r = ms >= 0 && fs >= 0 ? H5Sselect_hyperslab(fs, H5S_SELECT_SET, &zero,
                                                      NULL, &cnt, NULL)
                                : -1;
  if (r >= 0)
    r = H5Dread(ds, mt, ms, fs, H5P_DEFAULT, buf);
  if (fs >= 0)
    H5Sclose(fs);
  if (ms >= 0)
    H5Sclose(ms);
  return r;
}

/* The first n values of the 1-D numeric dataset at path as doubles
 * (malloc'd), or NULL if it is absent, shorter or unreadable. */
static double *read_nums(hid_t file, const char *path, long long n) {
  if (n <= 0 || rows(file, path) < n)
    return NULL;
  double *v = malloc((size_t)n * sizeof *v);
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  if (!v || ds < 0 || read_head(ds, n, H5T_NATIVE_DOUBLE, v) < 0) {
    free(v);
    v = NULL;
  }
  if (ds >= 0)
    H5Dclose(ds);
  return v;
}

/* The first n strings of the 1-D string dataset at path (fixed or
 * variable length), as n NUL-terminated rows of *w bytes each (malloc'd),
 * or NULL if it is absent, shorter, of another type or unreadable. */
static char *read_texts(hid_t file, const char *path, long long n, size_t *w) {
  if (n <= 0 || rows(file, path) < n)
    return NULL;
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  hid_t ft = ds >= 0 ? H5Dget_type(ds) : -1;
  char *buf = NULL;
  if (ft >= 0 && H5Tget_class(ft) == H5T_STRING) {
    int vlen = H5Tis_variable_str(ft) > 0;
    size_t width = vlen ? sizeof(char *) : H5Tget_size(ft) + 1;
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_cset(mt, H5Tget_cset(ft));
    H5Tset_size(mt, vlen ? H5T_VARIABLE : width);
    char *raw = calloc((size_t)n, width);
    if (raw && read_head(ds, n, mt, raw) >= 0) {
      if (vlen) { /* copied into rows as wide as the longest */
        char **p = (char **)raw;
        *w = 1;
        for (long long i = 0; i < n; i++)
          if (p[i] && strlen(p[i]) + 1 > *w)
            *w = strlen(p[i]) + 1;
        buf = calloc((size_t)n, *w);
        for (long long i = 0; buf && i < n; i++)
          if (p[i])
            memcpy(buf + (size_t)i * *w, p[i], strlen(p[i]));
        for (long long i = 0; i < n; i++)
          H5free_memory(p[i]);
        free(raw);
      } else {
        buf = raw;
        *w = width;
      }
    } else {
      free(raw);
    }
    H5Tclose(mt);
  }
  if (ft >= 0)
    H5Tclose(ft);
  if (ds >= 0)
    H5Dclose(ds);
  return buf;
}

/* The most lines of a ranked list that info prints. */
#define INFO_LIST_MAX 10

/* Prints the first lines of the ranked list in group g (/ranking or
 * /county/ranking): rank, building (a county's), hazard, type and the
 * casualties avoided a fire (the ranking's objective) with their 95 %
 * interval. */
static void print_list(FILE *f, hid_t file, const char *g, const char *title) {
  char path[128];
  snprintf(path, sizeof path, "%s/rank", g);
  long long n = rows(file, path);
  if (n <= 0) {
    fprintf(f, LABEL " -\n", title);
    return;
  }
  long long k = n < INFO_LIST_MAX ? n : INFO_LIST_MAX;
  static const char *const num[] = {"rank", "delta_casualties_mean",
                                    "delta_casualties_ci_low",
                                    "delta_casualties_ci_high"};
  static const char *const text[] = {"building", "hazard_id", "type"};
  double *v[4];
  char *t[3];
  size_t w[3] = {0, 0, 0};
  for (int i = 0; i < 4; i++) {
    snprintf(path, sizeof path, "%s/%s", g, num[i]);
    v[i] = read_nums(file, path, k);
  }
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", g, text[i]);
    t[i] = read_texts(file, path, k, &w[i]);
  }
  char more[32] = "";
  if (n > k)
    snprintf(more, sizeof more, " (the first %d below)", INFO_LIST_MAX);
  fprintf(f, LABEL " %lld line%s%s\n", title, n, n == 1 ? "" : "s", more);
  if (v[0] && v[1] && v[2] && v[3] && t[1] && t[2])
    for (long long i = 0; i < k; i++)
      fprintf(f, "  %-4.0f %s%s%-8s %-26s %.2f [%.2f, %.2f]\n", v[0][i],
              t[0] ? t[0] + (size_t)i * w[0] : "", t[0] ? "  " : "",
              t[1] + (size_t)i * w[1], t[2] + (size_t)i * w[2], v[1][i],
              v[2][i], v[3][i]);
  for (int i = 0; i < 4; i++)
    free(v[i]);
  for (int i = 0; i < 3; i++)
    free(t[i]);
}

/* Prints the as-inspected variant's (no hazard fixed) mean of column col
 * of /variants with label; nothing if the file has no such column. */
static void print_as_is(FILE *f, hid_t file, const char *col,
                        const char *label) {
  char path[96];
  snprintf(path, sizeof path, "/variants/%s", col);
  long long nv = rows(file, path);
  if (nv <= 0)
    return;
  double *v = read_nums(file, path, nv);
  size_t w = 0;
  char *fixed = read_texts(file, "/variants/fixed", nv, &w);
  for (long long i = 0; v && fixed && i < nv; i++)
    if (!fixed[(size_t)i * w]) {
      fprintf(f, LABEL " %.2f a fire\n", label, v[i]);
      break;
    }
  free(v);
  free(fixed);
}

/* Prints what a ranking (or a batch's building file) holds: its size, the
 * objective, the casualties a fire as inspected and their split, a
 * warning about duration_s, and the first lines of its list. */
static void print_ranking(FILE *f, hid_t file) {
  fprintf(f, LABEL " ranking\n", "kind");
  print_int(f, file, "hazards", "hazards");
  print_int(f, file, "variants", "variants");
  print_int(f, file, "simulations", "simulations");
  int32_t reused; /* rankings: copied from identical inputs */
  if (evac_h5_attr_read(file, "/summary", "reused", H5T_NATIVE_INT32,
                        &reused) >= 0)
    fprintf(f, LABEL " %d\n", "  reused", (int)reused);
  int32_t resolved;
  if (evac_h5_attr_read(file, "/summary", "resolved", H5T_NATIVE_INT32,
                        &resolved) >= 0)
    fprintf(f, LABEL " %s\n", "order resolved", resolved ? "yes" : "no");
  char text[512];
  get_attr_string(file, "/parameters", "objective", text, sizeof text);
  if (strcmp(text, "?") != 0)
    fprintf(f, LABEL " %s\n", "objective", text);
  print_as_is(f, file, "casualties_mean", "casualties as is");
  print_as_is(f, file, "incapacitated_mean", "  incapacitated");
  print_as_is(f, file, "trapped_mean", "  trapped");
  print_as_is(f, file, "not_out_mean", "  not out at the end");
  get_attr_string(file, "/summary", "warning", text, sizeof text);
  if (text[0] && strcmp(text, "?") != 0)
    fprintf(f, LABEL " %s\n", "warning", text);
  print_time(f, file, "wall clock", "wall_clock_s");
  print_list(f, file, "/ranking", "rectification list");
}

/* Prints what a county batch file holds: its buildings and the first
 * lines of the county's list. */
static void print_county(FILE *f, hid_t file) {
  fprintf(f, LABEL " county batch\n", "kind");
  print_int(f, file, "buildings", "buildings");
  print_int(f, file, "failed", "failed");
  print_int(f, file, "tasks", "tasks");
  print_list(f, file, "/county/ranking", "county list");
}

/* Prints the summary of an open, complete run file. */
static void print_run(FILE *f, hid_t file) {
  print_int(f, file, "occupants", "occupants");
  print_int(f, file, "evacuated", "evacuated");
  print_int(f, file, "incapacitated", "incapacitated");
  print_int(f, file, "remaining", "remaining");
  print_int(f, file, "  trapped", "trapped");
  print_int(f, file, "  not out", "not_out");
  print_int(f, file, "gridlocked", "gridlocked");
  print_time(f, file, "gridlock from", "gridlock_time_s");
  print_time(f, file, "evacuation time", "evacuation_time_s");
  print_time(f, file, "RSET (last survivor)", "rset_s");
  print_time(f, file, "RSET p95", "rset_p95_s");
  print_time(f, file, "ASET", "aset_s");
  print_time(f, file, "first incapacitation", "first_incapacitation_s");
  print_time(f, file, "simulated time", "end_time_s");
  print_time(f, file, "outcome settled", "settled_s");
  print_time(f, file, "wall clock", "wall_clock_s");
  print_count(f, "agents", rows(file, "/agents/id"), NULL);
  print_count(f, "time series", rows(file, "/timeseries/time_s"), "samples");
  print_count(f, "trajectories", rows(file, "/trajectories/position/time"),
              "samples");
  print_measures(f, file);
  print_events(f, file);
  print_fields(f, file);
}

/* Prints the summary of an open, complete file of any kind. */
static void print_info(FILE *f, hid_t file, const char *path) {
  char version[128], rev[128];
  uint64_t seed = 0;
  uint32_t rep = 0;
  int32_t threads = 0;
  get_attr_string(file, "/parameters", "evacsim_version", version,
                  sizeof version);
  get_attr_string(file, "/parameters", "git_revision", rev, sizeof rev);
  fprintf(f, LABEL " %s\n", "result file", path);
  fprintf(f, LABEL " %s (%s)\n", "evacsim", version, rev);
  if (evac_h5_attr_read(file, "/parameters", "seed", H5T_NATIVE_UINT64, &seed) <
      0)
    fprintf(f, LABEL " -\n", "seed");
  else
    fprintf(f, LABEL " %llu\n", "seed", (unsigned long long)seed);
  if (evac_h5_attr_read(file, "/parameters", "replication", H5T_NATIVE_UINT32,
                        &rep) >= 0)
    fprintf(f, LABEL " %lu\n", "replication", (unsigned long)rep);
  if (evac_h5_attr_read(file, "/parameters", "threads", H5T_NATIVE_INT32,
                        &threads) >= 0)
    fprintf(f, LABEL " %d\n", "threads", (int)threads);
  if (H5Lexists(file, "/county", H5P_DEFAULT) > 0)
    print_county(f, file);
  else if (H5Lexists(file, "/ranking", H5P_DEFAULT) > 0)
    print_ranking(f, file);
  else
    print_run(f, file);
}

enum evac_status evac_info_print(const char *path, FILE *f,
                                 struct evac_diag *diag) {
  H5E_auto2_t old_func = NULL;
  void *old_data = NULL;
  enum evac_status st = EVAC_ERR_INPUT;
  hid_t file = -1;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  file = evac_h5_open_checked(path, "evacsim result file", diag);
  if (file < 0)
    goto done;
  if (H5Lexists(file, "/summary", H5P_DEFAULT) <= 0) {
    evac_diag_error(diag, path, NULL,
                    "not an evacsim result file (no /summary group)");
    goto done;
  }
  int32_t complete = 0;
  if (evac_h5_attr_read(file, "/summary", "complete", H5T_NATIVE_INT32,
                        &complete) < 0 ||
      complete != 1) {
    evac_diag_error(diag, path, NULL,
                    "incomplete result file (no /summary complete=1)");
    goto done;
  }
  print_info(f, file, path);
  st = EVAC_OK;
done:
  if (file >= 0)
    H5Fclose(file);
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  return st;
}
