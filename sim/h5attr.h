/* Reading attributes of result files (shared by info and verify). */
#ifndef EVAC_H5ATTR_H
#define EVAC_H5ATTR_H

#include <hdf5.h>

/* Reads the scalar attribute name of the object at obj into *v (converted
 * to memory type mem). Returns 0, or -1 if it is missing or unreadable. */
int evac_h5_attr_read(hid_t file, const char *obj, const char *name, hid_t mem,
                      void *v);

#endif
