/* `evacsim info`: a short summary of a result file (layout in
 * docs/output.md). Only files whose /summary has complete = 1 are
 * summarised; others are reported as not (or not completely) written. */
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "evacsim.h"
#include "h5attr.h"

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
    } else {
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

/* Prints the summary of an open, complete file. */
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
  print_int(f, file, "occupants", "occupants");
  print_int(f, file, "evacuated", "evacuated");
  print_int(f, file, "incapacitated", "incapacitated");
  print_int(f, file, "remaining", "remaining");
  print_time(f, file, "evacuation time", "evacuation_time_s");
  print_time(f, file, "RSET", "rset_s");
  print_time(f, file, "ASET", "aset_s");
  print_time(f, file, "first incapacitation", "first_incapacitation_s");
  print_time(f, file, "simulated time", "end_time_s");
  print_time(f, file, "wall clock", "wall_clock_s");
  print_count(f, "agents", rows(file, "/agents/id"), NULL);
  print_count(f, "time series", rows(file, "/timeseries/time_s"), "samples");
  print_count(f, "trajectories", rows(file, "/trajectories/position/time"),
              "samples");
  print_measures(f, file);
  print_events(f, file);
  print_fields(f, file);
}

enum evac_status evac_info_print(const char *path, FILE *f,
                                 struct evac_diag *diag) {
  H5E_auto2_t old_func = NULL;
  void *old_data = NULL;
  enum evac_status st = EVAC_ERR_INPUT;
  hid_t file = -1;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  FILE *probe = fopen(path, "rb");
  if (!probe) {
    evac_diag_error(diag, path, NULL, "not an evacsim result file (%s)",
                    strerror(errno));
    goto done;
  }
  fclose(probe);
  if (H5Fis_hdf5(path) <= 0) {
    evac_diag_error(diag, path, NULL,
                    "not an evacsim result file (not an HDF5 file)");
    goto done;
  }
  file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    evac_diag_error(diag, path, NULL,
                    "not an evacsim result file (HDF5 cannot open it)");
    goto done;
  }
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
