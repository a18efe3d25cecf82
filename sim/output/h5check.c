/* Checked opening of evacsim's HDF5 files (see h5check.h). */
#include "h5check.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "h5attr.h"

/* Bytes a dataset may hold per byte of file (deflate expands at most about
 * 1032 times), and the allowance for a small file. */
#define EXPANSION 1100u
#define SMALL_FILE_BYTES ((uint64_t)1 << 20)

/* The first dataset found out of bounds, for H5Ovisit. */
struct visit {
  uint64_t budget; /* bytes a dataset may hold */
  char bad[512];   /* "/agents/id: ..." once one is found */
};

/* Checks the dataset at name (relative to the root) against v->budget.
 * Stops the visit (returns 1) at the first that fails. */
static herr_t check_object(hid_t root, const char *name, const H5O_info_t *info,
                           void *data) {
  struct visit *v = data;
  if (info->type != H5O_TYPE_DATASET)
    return 0;
  hid_t ds = H5Dopen2(root, name, H5P_DEFAULT);
  hid_t sp = ds >= 0 ? H5Dget_space(ds) : -1,
        t = ds >= 0 ? H5Dget_type(ds) : -1;
  int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
  hsize_t dims[3] = {0, 0, 0};
  size_t elem = t >= 0 ? H5Tget_size(t) : 0;
  if (ds < 0 || sp < 0 || t < 0 || elem == 0)
    snprintf(v->bad, sizeof v->bad, "/%s: unreadable", name);
  else if (rank < 1 || rank > 3)
    snprintf(v->bad, sizeof v->bad, "/%s: %d dimensions (1 to 3 expected)",
             name, rank);
  else if (H5Sget_simple_extent_dims(sp, dims, NULL) < 0)
    snprintf(v->bad, sizeof v->bad, "/%s: unreadable dimensions", name);
  if (!v->bad[0]) {
    uint64_t bytes = elem;
    for (int d = 0; d < rank && bytes <= v->budget; d++)
      bytes = dims[d] && bytes > v->budget / dims[d] ? v->budget + 1
                                                     : bytes * dims[d];
    if (bytes > v->budget)
      snprintf(v->bad, sizeof v->bad,
               "/%s: more data (%llu x %llu x %llu values of %zu bytes) than "
               "the file can hold",
               name, (unsigned long long)dims[0], (unsigned long long)dims[1],
               (unsigned long long)dims[2], elem);
  }
  if (t >= 0)
    H5Tclose(t);
  if (sp >= 0)
    H5Sclose(sp);
  if (ds >= 0)
    H5Dclose(ds);
  return v->bad[0] ? 1 : 0;
}

/* Checks the root's format attributes, where present. Returns 0, or -1
 * with the reason in why (n bytes). */
static int check_format(hid_t file, char *why, size_t n) {
  if (H5Aexists_by_name(file, "/", "format", H5P_DEFAULT) > 0) {
    hid_t t = H5Tcopy(H5T_C_S1);
    char *s = NULL;
    int ok = t >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 &&
             H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
             evac_h5_attr_read(file, "/", "format", t, &s) == 0 && s &&
             !strcmp(s, "evacsim result");
    snprintf(why, n, "its format is \"%.100s\", not \"evacsim result\"",
             s ? s : "?");
    H5free_memory(s);
    if (t >= 0)
      H5Tclose(t);
    if (!ok)
      return -1;
  }
  if (H5Aexists_by_name(file, "/", "format_version", H5P_DEFAULT) > 0) {
    int32_t version = -1;
    if (evac_h5_attr_read(file, "/", "format_version", H5T_NATIVE_INT32,
                          &version) < 0 ||
        version < EVAC_RESULT_FORMAT_OLDEST ||
        version > EVAC_RESULT_FORMAT_VERSION) {
      snprintf(why, n, "format_version %d; this evacsim reads %d to %d",
               (int)version, EVAC_RESULT_FORMAT_OLDEST,
               EVAC_RESULT_FORMAT_VERSION);
      return -1;
    }
  }
  return 0;
}

hid_t evac_h5_open_checked(const char *path, const char *what,
                           struct evac_diag *diag) {
  struct stat st;
  if (stat(path, &st) < 0) {
    evac_diag_error(diag, path, NULL, "not an %s (%s)", what, strerror(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    evac_diag_error(diag, path, NULL, "not an %s (not a regular file)", what);
    return -1;
  }
  if (H5Fis_hdf5(path) <= 0) {
    evac_diag_error(diag, path, NULL, "not an %s (not an HDF5 file)", what);
    return -1;
  }
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    evac_diag_error(diag, path, NULL, "not an %s (HDF5 cannot open it)", what);
    return -1;
  }
  char why[512];
  if (check_format(file, why, sizeof why) < 0) {
    evac_diag_error(diag, path, NULL, "not an %s (%s)", what, why);
    H5Fclose(file);
    return -1;
  }
  struct visit v = {(uint64_t)st.st_size * EXPANSION + SMALL_FILE_BYTES, ""};
  herr_t r = H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, check_object, &v,
                       H5O_INFO_BASIC);
  if (r < 0 || v.bad[0]) {
    evac_diag_error(diag, path, NULL, "corrupt result file: %s",
                    v.bad[0] ? v.bad : "its objects cannot be listed");
    H5Fclose(file);
    return -1;
  }
  return file;
}
