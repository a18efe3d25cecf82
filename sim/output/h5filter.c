/* HDF5's shuffle and deflate filters outside HDF5 (h5filter.h). */

#include "h5filter.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* One encoder. */
struct evac_h5filter {
  z_stream z;          /* deflate state, reset for each chunk */
  unsigned char *shuf; /* [cap] the shuffled chunk */
  unsigned char *out;  /* [bound] the encoded chunk */
  size_t cap;          /* largest chunk, bytes */
  size_t bound;        /* deflate's bound on the encoding of cap bytes */
};

struct evac_h5filter *evac_h5filter_create(size_t cap, int level) {
  struct evac_h5filter *f = calloc(1, sizeof *f);
  if (!f)
    return NULL;
  /* the settings of zlib's compress2(), which HDF5's deflate filter calls */
  if (cap > (size_t)UINT_MAX ||
      deflateInit2(&f->z, level, Z_DEFLATED, MAX_WBITS, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    free(f);
    return NULL;
  }
  f->cap = cap;
  f->bound = deflateBound(&f->z, (uLong)cap);
  f->shuf = malloc(cap ? cap : 1);
  f->out = malloc(f->bound);
  if (!f->shuf || !f->out) {
    evac_h5filter_destroy(f);
    return NULL;
  }
  return f;
}

/* HDF5's shuffle: byte j of element i goes to j * n + i; the bytes after
 * the last whole element stay at the end. One element (or one byte each)
 * is left as it is. */
static void shuffle(const unsigned char *in, unsigned char *out, size_t n,
                    size_t elem) {
  if (elem == 4 && n > 1) {
    unsigned char *p0 = out, *p1 = out + n, *p2 = out + 2 * n,
                  *p3 = out + 3 * n;
    for (size_t i = 0; i < n; i++) {
      p0[i] = in[4 * i];
      p1[i] = in[4 * i + 1];
      p2[i] = in[4 * i + 2];
      p3[i] = in[4 * i + 3];
    }
  } else if (elem > 1 && n > 1) {
    for (size_t j = 0; j < elem; j++)
      for (size_t i = 0; i < n; i++)
        out[j * n + i] = in[i * elem + j];
  } else {
    memcpy(out, in, n * elem);
  }
}

int evac_h5filter_encode(struct evac_h5filter *f, const void *data, size_t n,
                         size_t elem, const unsigned char **out, size_t *len) {
  if (elem == 0 || n > f->cap / elem)
    return -1;
  size_t bytes = n * elem;
  shuffle(data, f->shuf, n, elem);
  if (deflateReset(&f->z) != Z_OK)
    return -1;
  f->z.next_in = f->shuf;
  f->z.avail_in = (uInt)bytes;
  f->z.next_out = f->out;
  f->z.avail_out = (uInt)f->bound;
  if (deflate(&f->z, Z_FINISH) != Z_STREAM_END)
    return -1;
  *out = f->out;
  *len = f->bound - f->z.avail_out;
  return 0;
}

void evac_h5filter_destroy(struct evac_h5filter *f) {
  if (!f)
    return;
  deflateEnd(&f->z);
  free(f->shuf);
  free(f->out);
  free(f);
}
