/* The field maps' chunk encoder (sim/output/h5filter.c): its bytes are the
 * bytes HDF5's own shuffle and deflate filters store, and HDF5 reads chunks
 * written with them back to the values encoded. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "h5filter.h"

#define CAP 4096

/* A file in memory (nothing on disk). */
static hid_t memory_file(void) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  cr_assert_geq(H5Pset_fapl_core(fapl, 1 << 16, 0), 0);
  hid_t f = H5Fcreate("h5filter.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  cr_assert_geq(f, 0);
  return f;
}

/* Creates /name: n elements of type t, one chunk, shuffled and deflated at
 * level 1, as the writer creates field datasets. */
static hid_t shuffled(hid_t f, const char *name, hid_t t, hsize_t n) {
  hid_t space = H5Screate_simple(1, &n, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  cr_assert_geq(H5Pset_chunk(dcpl, 1, &n), 0);
  cr_assert_geq(H5Pset_shuffle(dcpl), 0);
  cr_assert_geq(H5Pset_deflate(dcpl, 1), 0);
  hid_t ds = H5Dcreate2(f, name, t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  cr_assert_geq(ds, 0, "%s", name);
  H5Pclose(dcpl);
  H5Sclose(space);
  return ds;
}

/* Checks one chunk of n elements of type t (elem bytes) at data: HDF5
 * writing it through its filters stores what the encoder makes, and the
 * encoder's chunk, written as stored, reads back as data. */
static void same_as_hdf5(struct evac_h5filter *enc, hid_t t, size_t elem,
                         size_t n, const void *data, const char *what) {
  hid_t f = memory_file();
  hid_t by_hdf5 = shuffled(f, "/by_hdf5", t, n);
  hid_t by_enc = shuffled(f, "/by_encoder", t, n);
  cr_assert_geq(H5Dwrite(by_hdf5, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
  const unsigned char *bytes;
  size_t len;
  cr_assert_eq(evac_h5filter_encode(enc, data, n, elem, &bytes, &len), 0, "%s",
               what);
  const hsize_t origin = 0;
  cr_assert_geq(H5Dwrite_chunk(by_enc, H5P_DEFAULT, 0, &origin, len, bytes), 0);
  cr_assert_geq(H5Fflush(f, H5F_SCOPE_GLOBAL), 0);

  hsize_t stored;
  cr_assert_geq(H5Dget_chunk_storage_size(by_hdf5, &origin, &stored), 0);
  cr_assert_eq(stored, len, "%s: HDF5 stores %llu bytes, the encoder %zu", what,
               (unsigned long long)stored, len);
  unsigned char raw[CAP + 64];
  uint32_t mask = 1;
  cr_assert_geq(H5Dread_chunk(by_hdf5, H5P_DEFAULT, &origin, &mask, raw), 0);
  cr_assert_eq(mask, 0, "%s: every filter applied", what);
  cr_assert_eq(memcmp(raw, bytes, len), 0, "%s: the same bytes", what);

  unsigned char back[CAP];
  cr_assert_geq(H5Dread(by_enc, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, back), 0);
  cr_assert_eq(memcmp(back, data, n * elem), 0, "%s: read back", what);
  H5Dclose(by_enc);
  H5Dclose(by_hdf5);
  H5Fclose(f);
}

/* A repeatable pseudo-random sequence. */
static uint32_t next(uint32_t *s) {
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

Test(h5filter, float_maps_as_hdf5_stores_them) {
  struct evac_h5filter *enc = evac_h5filter_create(CAP, 1);
  cr_assert_not_null(enc);
  float map[CAP / 4];
  uint32_t s = 7;
  /* a smoke-like map: walls (NaN), ambient, a front of varying values */
  for (size_t i = 0; i < CAP / 4; i++)
    map[i] = i % 37 == 0 ? NAN
             : i < 600   ? 20.0f
                         : 20.0f + (float)(next(&s) % 100000) / 1000.0f;
  same_as_hdf5(enc, H5T_NATIVE_FLOAT, 4, CAP / 4, map, "smoke map");
  /* the same encoder again: nothing left over from the last chunk */
  same_as_hdf5(enc, H5T_NATIVE_FLOAT, 4, CAP / 4, map, "smoke map again");
  for (size_t i = 0; i < CAP / 4; i++)
    map[i] = 1000.0f;
  same_as_hdf5(enc, H5T_NATIVE_FLOAT, 4, 100, map, "constant, 100 cells");
  same_as_hdf5(enc, H5T_NATIVE_FLOAT, 4, 1, map, "one cell");
  evac_h5filter_destroy(enc);
}

Test(h5filter, other_element_sizes_as_hdf5_stores_them) {
  struct evac_h5filter *enc = evac_h5filter_create(CAP, 1);
  cr_assert_not_null(enc);
  uint32_t s = 11;
  int16_t i16[CAP / 2];
  for (size_t i = 0; i < CAP / 2; i++)
    i16[i] = (int16_t)(next(&s) % 300);
  same_as_hdf5(enc, H5T_NATIVE_INT16, 2, CAP / 2, i16, "int16");
  double f64[CAP / 8];
  for (size_t i = 0; i < CAP / 8; i++)
    f64[i] = (double)next(&s) / 3.0;
  same_as_hdf5(enc, H5T_NATIVE_DOUBLE, 8, CAP / 8, f64, "double");
  uint8_t u8[CAP];
  for (size_t i = 0; i < CAP; i++)
    u8[i] = (uint8_t)(i / 64);
  same_as_hdf5(enc, H5T_NATIVE_UINT8, 1, CAP, u8, "uint8");
  evac_h5filter_destroy(enc);
}

Test(h5filter, refuses_a_chunk_larger_than_it_was_made_for) {
  struct evac_h5filter *enc = evac_h5filter_create(64, 1);
  cr_assert_not_null(enc);
  float map[17] = {0};
  const unsigned char *bytes = NULL;
  size_t len = 0;
  cr_assert_eq(evac_h5filter_encode(enc, map, 17, 4, &bytes, &len), -1);
  cr_assert_eq(evac_h5filter_encode(enc, map, 16, 0, &bytes, &len), -1);
  cr_assert_eq(evac_h5filter_encode(enc, map, 16, 4, &bytes, &len), 0);
  cr_assert(len > 0 && bytes != NULL);
  evac_h5filter_destroy(enc);
  evac_h5filter_destroy(NULL);
}
