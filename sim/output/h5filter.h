/* HDF5's shuffle and deflate filters applied outside HDF5, for chunks
 * written as they are stored (H5Dwrite_chunk): the bytes are those HDF5's
 * own filters produce, so any reader decodes them with its stock filters.
 * One deflate state serves every chunk (reset, not rebuilt), and the
 * caller can keep a chunk's bytes to write them again. */
#ifndef EVAC_H5FILTER_H
#define EVAC_H5FILTER_H

#include <stddef.h>

struct evac_h5filter;

/* An encoder for chunks of up to cap bytes, deflating at level (0..9).
 * NULL out of memory. */
struct evac_h5filter *evac_h5filter_create(size_t cap, int level);

/* Encodes the chunk data of n elements of elem bytes (n * elem <= cap):
 * shuffles its bytes (HDF5's shuffle filter), then deflates them into a
 * zlib stream (HDF5's deflate filter). *out points at the encoded bytes,
 * *len is their size; they stay valid until the next call. Returns 0, or
 * -1 when the chunk is larger than cap or zlib fails. */
int evac_h5filter_encode(struct evac_h5filter *f, const void *data, size_t n,
                         size_t elem, const unsigned char **out, size_t *len);

/* Frees f (NULL is allowed). */
void evac_h5filter_destroy(struct evac_h5filter *f);

#endif
