/* An HDF5 file driver that writes to a file descriptor already open (the
 * commit's temporary, commit.h) and never reports a disk error to HDF5.
 *
 * HDF5 1.10 cannot recover from a failed write: a file whose H5Fclose
 * failed stays half-closed, and the library crashes at exit when it tries
 * again. This driver keeps the first failure (its errno) for the caller
 * and, from then on, keeps what HDF5 writes in memory instead of on disk,
 * so that HDF5 goes on and closes the file cleanly; the caller checks the
 * failure after H5Fclose and throws the file away. Until a failure it
 * keeps nothing in memory: the file grows on disk as it is written. */
#ifndef EVAC_H5FD_H
#define EVAC_H5FD_H

#include <hdf5.h>

/* The outcome of the writes to one file. */
struct evac_h5fd_status {
  int error; /* errno of the first failed write, truncate or flush; 0 */
};

/* A file access property list that writes through fd (which the driver
 * neither closes nor truncates) and records failures in st (which must
 * outlive the file); the name given to H5Fcreate is only a label. Close
 * it with H5Pclose. Returns it, or -1. */
hid_t evac_h5fd_fapl(int fd, struct evac_h5fd_status *st);

#endif
