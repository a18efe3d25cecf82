/* Opening an HDF5 file written by evacsim (a run result, a ranking, a
 * county) for reading, after checks that keep a corrupt or crafted file
 * from crashing or exhausting the reader. */
#ifndef EVAC_H5CHECK_H
#define EVAC_H5CHECK_H

#include <hdf5.h>

#include "diag.h"

/* The result format_version this evacsim writes, and the oldest it reads
 * (version 1 wrote every field sample of every floor; docs/output.md). */
#define EVAC_RESULT_FORMAT_VERSION 2
#define EVAC_RESULT_FORMAT_OLDEST 1

/* Opens path read-only when it is a regular HDF5 file whose root
 * attributes "format" and "format_version", where present, are
 * "evacsim result" and EVAC_RESULT_FORMAT_OLDEST to
 * EVAC_RESULT_FORMAT_VERSION, and every dataset has 1
 * to 3 dimensions and holds at most what the file can (1100 times its size
 * and 1 MiB: more than deflate can expand to). Returns the file, or -1
 * after reporting "PATH: not an WHAT (reason)" or "PATH: corrupt result
 * file: ..." to diag. HDF5's error printing must be off. */
hid_t evac_h5_open_checked(const char *path, const char *what,
                           struct evac_diag *diag);

#endif
