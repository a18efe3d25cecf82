/* Attribute reading for result files: see h5attr.h. */
#include "h5attr.h"

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
