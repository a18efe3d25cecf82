/* Scalar attributes of HDF5 files: reading (info, verify) and writing
 * (rank and batch outputs). */
#ifndef EVAC_H5ATTR_H
#define EVAC_H5ATTR_H

#include <hdf5.h>

/* Reads the scalar attribute name of the object at obj into *v (converted
 * to memory type mem). Returns 0, or -1 if it is missing or unreadable. */
int evac_h5_attr_read(hid_t file, const char *obj, const char *name, hid_t mem,
                      void *v);

/* Writes the scalar attribute name = v (fixed-length UTF-8 text) on loc.
 * Returns 0 or -1. */
int evac_h5_attr_write_text(hid_t loc, const char *name, const char *v);

/* Writes the scalar attribute name = v (double) on loc. Returns 0 or -1. */
int evac_h5_attr_write_num(hid_t loc, const char *name, double v);

/* Writes the 1-D dataset name of n values under g: file type ft, memory
 * type mt, creation properties dcpl (H5P_DEFAULT or one without time
 * stamps), with a text attribute "unit". Returns 0 or -1. */
int evac_h5_column_write(hid_t g, const char *name, hid_t ft, hid_t mt,
                         const void *v, size_t n, const char *unit, hid_t dcpl);

#endif
