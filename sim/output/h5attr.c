/* Scalar attributes and 1-D columns of HDF5 files: see h5attr.h. */
#include "h5attr.h"

#include <string.h>

int evac_h5_attr_read(hid_t file, const char *obj, const char *name, hid_t mem,
                      void *v) {
  if (H5Aexists_by_name(file, obj, name, H5P_DEFAULT) <= 0)
    return -1;
  hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0)
    return -1;
  int rc = H5Aread(a, mem, v) < 0 ? -1 : 0;
  H5Aclose(a);
  return rc;
}

int evac_h5_attr_write_text(hid_t loc, const char *name, const char *v) {
  hid_t sp = H5Screate(H5S_SCALAR), st = H5Tcopy(H5T_C_S1);
  H5Tset_size(st, strlen(v) + 1);
  H5Tset_cset(st, H5T_CSET_UTF8);
  hid_t a = H5Acreate2(loc, name, st, sp, H5P_DEFAULT, H5P_DEFAULT);
  int rc = a < 0 || H5Awrite(a, st, v) < 0;
  H5Aclose(a);
  H5Tclose(st);
  H5Sclose(sp);
  return rc ? -1 : 0;
}

int evac_h5_attr_write_num(hid_t loc, const char *name, double v) {
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a =
      H5Acreate2(loc, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT);
  int rc = a < 0 || H5Awrite(a, H5T_NATIVE_DOUBLE, &v) < 0;
  H5Aclose(a);
  H5Sclose(sp);
  return rc ? -1 : 0;
}

int evac_h5_column_write(hid_t g, const char *name, hid_t ft, hid_t mt,
                         const void *v, size_t n, const char *unit,
                         hid_t dcpl) {
  hsize_t dims = n;
  hid_t sp = H5Screate_simple(1, &dims, NULL);
  hid_t d = H5Dcreate2(g, name, ft, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  int rc =
      d < 0 || (n && H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0);
  rc |= d < 0 || evac_h5_attr_write_text(d, "unit", unit);
  H5Dclose(d);
  H5Sclose(sp);
  return rc ? -1 : 0;
}
