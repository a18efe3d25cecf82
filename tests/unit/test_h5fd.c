/* The result file's HDF5 driver (sim/output/h5fd.c): HDF5 reads back what
 * it wrote through it, and a failed write is kept for the caller while
 * HDF5 itself goes on and closes cleanly. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "h5fd.h"
#include "support.h"

#define N 4096

/* Writes /x (N ints, chunks of 256, no chunk cache: every read goes to the
 * file) to file f and reads it back into back. 0 if both calls succeed. */
static int write_read(hid_t f, int *back) {
  int data[N];
  for (int i = 0; i < N; i++)
    data[i] = i * 7 - 3;
  hsize_t dim = N, chunk = 256;
  hid_t space = H5Screate_simple(1, &dim, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
  H5Pset_chunk(dcpl, 1, &chunk);
  H5Pset_deflate(dcpl, 1);
  H5Pset_chunk_cache(dapl, 0, 0, 1.0);
  hid_t ds = H5Dcreate2(f, "/x", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, dapl);
  int rc =
      ds < 0 ||
      H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0 ||
      H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 ||
      H5Dread(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) < 0;
  if (ds >= 0)
    H5Dclose(ds);
  H5Pclose(dapl);
  H5Pclose(dcpl);
  H5Sclose(space);
  return rc;
}

Test(h5fd, writes_and_reads_through_the_descriptor) {
  char path[4200];
  snprintf(path, sizeof path, "%s/fd.h5", evac_test_dir("h5fd_rw"));
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  cr_assert_geq(fd, 0);
  struct evac_h5fd_status st = {0};
  hid_t fapl = evac_h5fd_fapl(fd, &st);
  cr_assert_geq(fapl, 0);
  hid_t f = H5Fcreate("label only", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  cr_assert_geq(f, 0);
  int back[N];
  cr_assert_eq(write_read(f, back), 0);
  for (int i = 0; i < N; i++)
    cr_assert_eq(back[i], i * 7 - 3, "x[%d]", i);
  cr_assert_eq(H5Fclose(f), 0);
  cr_assert_eq(st.error, 0);
  cr_assert_eq(close(fd), 0);
  /* the bytes on disk are a valid file for any reader */
  f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  cr_assert_geq(H5Dread(H5Dopen2(f, "/x", H5P_DEFAULT), H5T_NATIVE_INT, H5S_ALL,
                        H5S_ALL, H5P_DEFAULT, back),
                0);
  cr_assert_eq(back[N - 1], (N - 1) * 7 - 3);
  H5Fclose(f);
}

/* A descriptor that cannot be written (read-only): the first write fails
 * with EBADF, which the status keeps; HDF5 sees every call succeed, reads
 * back what it wrote (kept in memory), and closes and shuts down cleanly. */
Test(h5fd, failed_writes_are_kept_not_shown_to_hdf5) {
  char path[4200];
  snprintf(path, sizeof path, "%s/ro.h5", evac_test_dir("h5fd_fail"));
  int w = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  cr_assert_geq(w, 0);
  close(w);
  int fd = open(path, O_RDONLY);
  cr_assert_geq(fd, 0);
  struct evac_h5fd_status st = {0};
  hid_t fapl = evac_h5fd_fapl(fd, &st);
  hid_t f = H5Fcreate("label only", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  cr_assert_geq(f, 0);
  int back[N];
  cr_assert_eq(write_read(f, back), 0, "HDF5 sees no failure");
  for (int i = 0; i < N; i++)
    cr_assert_eq(back[i], i * 7 - 3, "x[%d]", i);
  cr_assert_eq(H5Fclose(f), 0);
  cr_assert_eq(st.error, EBADF, "the failure is kept: %s", strerror(st.error));
  cr_assert_eq(H5close(), 0);
  close(fd);
}
