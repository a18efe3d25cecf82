/* The commit's HDF5 file driver (see h5fd.h): pread/pwrite on a file
 * descriptor, and after the first failure an in-memory overlay of the
 * writes, so that HDF5 never meets a disk error. */
#include "h5fd.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the file access property list carries to the driver's open. */
struct fd_info {
  int fd;                      /* the open file, kept open by the driver */
  struct evac_h5fd_status *st; /* where failures go */
};

/* One write kept in memory after a failure. */
struct patch {
  haddr_t addr;        /* file address */
  size_t size;         /* bytes */
  unsigned char *data; /* [size] */
};

/* One open file of the driver. */
struct fd_file {
  H5FD_t pub;                  /* HDF5's part; first, as HDF5 requires */
  int fd;                      /* the file written */
  struct evac_h5fd_status *st; /* failures */
  haddr_t eoa;                 /* end of the address space HDF5 allocated */
  haddr_t eof;                 /* end of what was written */
  dev_t dev;                   /* the file's identity, for cmp */
  ino_t ino;
  struct patch *patches; /* writes since the failure, oldest first */
  size_t npatches, cap;
};

/* Records errno err as st's failure unless one is recorded already. */
static void record(struct evac_h5fd_status *st, int err) {
  if (!st->error)
    st->error = err ? err : EIO;
}

static H5FD_t *fd_open(const char *name, unsigned flags, hid_t fapl,
                       haddr_t maxaddr) {
  (void)name;
  (void)maxaddr;
  const struct fd_info *info = H5Pget_driver_info(fapl);
  struct stat sb;
  if (!info || fstat(info->fd, &sb) < 0)
    return NULL;
  if ((flags & H5F_ACC_TRUNC) && sb.st_size > 0 && ftruncate(info->fd, 0) < 0)
    return NULL;
  struct fd_file *f = calloc(1, sizeof *f);
  if (!f)
    return NULL;
  f->fd = info->fd;
  f->st = info->st;
  f->eof = (flags & H5F_ACC_TRUNC) ? 0 : (haddr_t)sb.st_size;
  f->dev = sb.st_dev;
  f->ino = sb.st_ino;
  return &f->pub;
}

static herr_t fd_close(H5FD_t *file) {
  struct fd_file *f = (struct fd_file *)file;
  for (size_t i = 0; i < f->npatches; i++)
    free(f->patches[i].data);
  free(f->patches);
  free(f);
  return 0;
}

static int fd_cmp(const H5FD_t *a, const H5FD_t *b) {
  const struct fd_file *x = (const struct fd_file *)a;
  const struct fd_file *y = (const struct fd_file *)b;
  if (x->dev != y->dev)
    return x->dev < y->dev ? -1 : 1;
  return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static herr_t fd_query(const H5FD_t *file, unsigned long *flags) {
  (void)file;
  *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA |
           H5FD_FEAT_DATA_SIEVE | H5FD_FEAT_AGGREGATE_SMALLDATA;
  return 0;
}

static haddr_t fd_get_eoa(const H5FD_t *file, H5FD_mem_t type) {
  (void)type;
  return ((const struct fd_file *)file)->eoa;
}

static herr_t fd_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr) {
  (void)type;
  ((struct fd_file *)file)->eoa = addr;
  return 0;
}

static haddr_t fd_get_eof(const H5FD_t *file, H5FD_mem_t type) {
  (void)type;
  return ((const struct fd_file *)file)->eof;
}

static herr_t fd_get_handle(H5FD_t *file, hid_t fapl, void **handle) {
  (void)fapl;
  *handle = &((struct fd_file *)file)->fd;
  return 0;
}

/* Reads size bytes at addr: from the file (zeros past its end or where it
 * cannot be read), then the writes kept since a failure, in order. */
static herr_t fd_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr,
                      size_t size, void *buf) {
  (void)type;
  (void)dxpl;
  struct fd_file *f = (struct fd_file *)file;
  unsigned char *p = buf;
  size_t done = 0;
  while (done < size) {
    ssize_t k = pread(f->fd, p + done, size - done, (off_t)(addr + done));
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0)
      record(f->st, errno);
    if (k <= 0)
      break;
    done += (size_t)k;
  }
  memset(p + done, 0, size - done);
  for (size_t i = 0; i < f->npatches; i++) {
    const struct patch *q = &f->patches[i];
    haddr_t lo = q->addr > addr ? q->addr : addr;
    haddr_t hi =
        q->addr + q->size < addr + size ? q->addr + q->size : addr + size;
    if (lo < hi)
      memcpy(p + (lo - addr), q->data + (lo - q->addr), (size_t)(hi - lo));
  }
  return 0;
}

/* Keeps a write in memory (after a failure). Returns 0 or -1 (memory). */
static int keep(struct fd_file *f, haddr_t addr, size_t size, const void *buf) {
  if (f->npatches == f->cap) {
    size_t c = f->cap ? 2 * f->cap : 16;
    struct patch *q = realloc(f->patches, c * sizeof *q);
    if (!q)
      return -1;
    f->patches = q;
    f->cap = c;
  }
  unsigned char *data = malloc(size ? size : 1);
  if (!data)
    return -1;
  memcpy(data, buf, size);
  f->patches[f->npatches++] = (struct patch){addr, size, data};
  return 0;
}

/* Writes size bytes at addr to the file; once a write has failed, to
 * memory. */
static herr_t fd_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr,
                       size_t size, const void *buf) {
  (void)type;
  (void)dxpl;
  struct fd_file *f = (struct fd_file *)file;
  const unsigned char *p = buf;
  size_t done = 0;
  while (!f->st->error && done < size) {
    ssize_t k = pwrite(f->fd, p + done, size - done, (off_t)(addr + done));
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      record(f->st, k < 0 ? errno : EIO);
    else
      done += (size_t)k;
  }
  if (done < size && keep(f, addr + done, size - done, p + done))
    return -1; /* out of memory: HDF5's own kind of failure */
  if (addr + size > f->eof)
    f->eof = addr + size;
  return 0;
}

/* Sets the file's size to the allocated end; after a failure only the
 * recorded end changes. */
static herr_t fd_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing) {
  (void)dxpl;
  (void)closing;
  struct fd_file *f = (struct fd_file *)file;
  if (f->eoa == f->eof)
    return 0;
  if (!f->st->error && ftruncate(f->fd, (off_t)f->eoa) < 0)
    record(f->st, errno);
  f->eof = f->eoa;
  return 0;
}

/* The driver's class. */
static const H5FD_class_t fd_class = {
    .name = "evac_fd",
    .maxaddr = (haddr_t)INT64_MAX,
    .fc_degree = H5F_CLOSE_STRONG,
    .fapl_size = sizeof(struct fd_info),
    .open = fd_open,
    .close = fd_close,
    .cmp = fd_cmp,
    .query = fd_query,
    .get_eoa = fd_get_eoa,
    .set_eoa = fd_set_eoa,
    .get_eof = fd_get_eof,
    .get_handle = fd_get_handle,
    .read = fd_read,
    .write = fd_write,
    .truncate = fd_truncate,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

hid_t evac_h5fd_fapl(int fd, struct evac_h5fd_status *st) {
  static hid_t driver = -1;
  if (driver < 0 || H5Iis_valid(driver) <= 0)
    driver = H5FDregister(&fd_class);
  if (driver < 0)
    return -1;
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  struct fd_info info = {fd, st};
  if (fapl >= 0 && (H5Pset_driver(fapl, driver, &info) < 0 ||
                    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0)) {
    H5Pclose(fapl);
    return -1;
  }
  return fapl;
}
