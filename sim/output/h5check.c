/* Checked opening of evacsim's HDF5 files (see h5check.h). */
#include "h5check.h"
#include "evacsim.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "h5attr.h"

/* Bytes a dataset may hold per byte of file (deflate expands at most about
 * 1032 times), and the allowance for a small file. */
#define EXPANSION 1100u
#define SMALL_FILE_BYTES ((uint64_t)1 << 20)

/* CPU seconds the reading probe may take: a base and a share per MiB of
 * file (reading runs at well over 50 MiB/s). */
#define PROBE_CPU_BASE_S 3
#define PROBE_CPU_S_PER_MIB 0.2

/* Bytes of fixed-size values read at once by the probe. */
#define PROBE_SLAB_BYTES ((size_t)8 << 20)

/* The first dataset found out of bounds, for H5Ovisit. */
struct visit {
  uint64_t budget; /* bytes a dataset may hold */
  char bad[512];   /* "/agents/id: ..." once one is found */
};

/* 1 if values of type t hold variable-length parts (read from the file's
 * global heap, and freed with H5Dvlen_reclaim). */
static int has_vlen(hid_t t) {
  return H5Tdetect_class(t, H5T_VLEN) > 0 || H5Tdetect_class(t, H5T_STRING) > 0;
}

/* Reads every value of dataset ds (type t, space sp of rank dimensions
 * dims, elem bytes a value) and throws it away: in slabs of the first
 * dimension, or at once for values with variable-length parts. Returns 0,
 * or -1 if HDF5 cannot read it. */
static int read_values(hid_t ds, hid_t t, hid_t sp, int rank,
                       const hsize_t *dims, size_t elem) {
  hid_t mem = H5Tget_native_type(t, H5T_DIR_DEFAULT);
  if (mem < 0)
    return -1;
  size_t row = elem;
  for (int d = 1; d < rank; d++)
    row *= (size_t)dims[d];
  int vlen = has_vlen(t), rc = 0;
  hsize_t per = vlen || row >= PROBE_SLAB_BYTES ? 1 : PROBE_SLAB_BYTES / row;
  if (vlen)
    per = dims[0];
  void *buf = malloc(row * (size_t)per + 1);
  if (!buf) {
    H5Tclose(mem);
    return -1;
  }
  for (hsize_t r0 = 0; r0 < dims[0] && rc == 0; r0 += per) {
    hsize_t start[3] = {r0, 0, 0}, count[3] = {dims[0] - r0, dims[1], dims[2]};
    if (count[0] > per)
      count[0] = per;
    hid_t ms = H5Screate_simple(rank, count, NULL);
    rc = ms < 0 ||
                 H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count,
                                     NULL) < 0 ||
                 H5Dread(ds, mem, ms, sp, H5P_DEFAULT, buf) < 0
             ? -1
             : 0;
    if (rc == 0 && vlen)
      H5Dvlen_reclaim(mem, ms, H5P_DEFAULT, buf);
    if (ms >= 0)
      H5Sclose(ms);
  }
  free(buf);
  H5Tclose(mem);
  return rc;
}

/* Reads attribute name of loc and throws it away, for H5Aiterate2. Stops
 * the iteration (returns -1) if HDF5 cannot read it or it is over 1 MiB. */
static herr_t read_attr(hid_t loc, const char *name, const H5A_info_t *info,
                        void *data) {
  (void)info;
  (void)data;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  hid_t t = a >= 0 ? H5Aget_type(a) : -1, sp = a >= 0 ? H5Aget_space(a) : -1;
  hid_t mem = t >= 0 ? H5Tget_native_type(t, H5T_DIR_DEFAULT) : -1;
  hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  size_t elem = mem >= 0 ? H5Tget_size(mem) : 0;
  herr_t rc = -1;
  if (n >= 0 && elem > 0 && (uint64_t)n * elem <= SMALL_FILE_BYTES) {
    void *buf = malloc((size_t)n * elem + 1);
    if (buf && H5Aread(a, mem, buf) >= 0) {
      rc = 0;
      if (has_vlen(t))
        H5Dvlen_reclaim(mem, sp, H5P_DEFAULT, buf);
    }
    free(buf);
  }
  if (mem >= 0)
    H5Tclose(mem);
  if (sp >= 0)
    H5Sclose(sp);
  if (t >= 0)
    H5Tclose(t);
  if (a >= 0)
    H5Aclose(a);
  return rc;
}

/* Checks the object at name (relative to the root): its attributes can be
 * read, and a dataset holds at most v->budget bytes and can be read. Stops
 * the visit (returns 1) at the first that fails. */
static herr_t check_object(hid_t root, const char *name, const H5O_info_t *info,
                           void *data) {
  struct visit *v = data;
  if (H5Aiterate_by_name(root, name, H5_INDEX_NAME, H5_ITER_INC, NULL,
                         read_attr, NULL, H5P_DEFAULT) < 0) {
    snprintf(v->bad, sizeof v->bad, "/%s: unreadable attributes",
             strcmp(name, ".") ? name : "");
    return 1;
  }
  if (info->type != H5O_TYPE_DATASET)
    return 0;
  hid_t ds = H5Dopen2(root, name, H5P_DEFAULT);
  hid_t sp = ds >= 0 ? H5Dget_space(ds) : -1,
        t = ds >= 0 ? H5Dget_type(ds) : -1;
  int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
  hsize_t dims[3] = {0, 0, 0};
  size_t elem = t >= 0 ? H5Tget_size(t) : 0;
  if (ds < 0 || sp < 0 || t < 0 || elem == 0)
    snprintf(v->bad, sizeof v->bad, "/%s: unreadable", name);
  else if (rank < 1 || rank > 3)
    snprintf(v->bad, sizeof v->bad, "/%s: %d dimensions (1 to 3 expected)",
             name, rank);
  else if (H5Sget_simple_extent_dims(sp, dims, NULL) < 0)
    snprintf(v->bad, sizeof v->bad, "/%s: unreadable dimensions", name);
  if (!v->bad[0]) {
    uint64_t bytes = elem;
    for (int d = 0; d < rank && bytes <= v->budget; d++)
      bytes = dims[d] && bytes > v->budget / dims[d] ? v->budget + 1
                                                     : bytes * dims[d];
    if (bytes > v->budget)
      snprintf(v->bad, sizeof v->bad,
               "/%s: more data (%llu x %llu x %llu values of %zu bytes) than "
               "the file can hold",
               name, (unsigned long long)dims[0], (unsigned long long)dims[1],
               (unsigned long long)dims[2], elem);
  }
  if (!v->bad[0] && dims[0] > 0 && read_values(ds, t, sp, rank, dims, elem) < 0)
    snprintf(v->bad, sizeof v->bad, "/%s: its values cannot be read", name);
  if (t >= 0)
    H5Tclose(t);
  if (sp >= 0)
    H5Sclose(sp);
  if (ds >= 0)
    H5Dclose(ds);
  return v->bad[0] ? 1 : 0;
}

/* Checks the root's format attributes, where present. Returns 0, or -1
 * with the reason in why (n bytes). */
static int check_format(hid_t file, char *why, size_t n) {
  if (H5Aexists_by_name(file, "/", "format", H5P_DEFAULT) > 0) {
    hid_t t = H5Tcopy(H5T_C_S1);
    char *s = NULL;
    int ok = t >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 &&
             H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
             evac_h5_attr_read(file, "/", "format", t, &s) == 0 && s &&
             !strcmp(s, "evacsim result");
    snprintf(why, n, "its format is \"%.100s\", not \"evacsim result\"",
             s ? s : "?");
    H5free_memory(s);
    if (t >= 0)
      H5Tclose(t);
    if (!ok)
      return -1;
  }
  if (H5Aexists_by_name(file, "/", "format_version", H5P_DEFAULT) > 0) {
    int32_t version = -1;
    if (evac_h5_attr_read(file, "/", "format_version", H5T_NATIVE_INT32,
                          &version) < 0 ||
        version < EVAC_RESULT_FORMAT_OLDEST ||
        version > EVAC_RESULT_FORMAT_VERSION) {
      snprintf(why, n, "format_version %d; this evacsim reads %d to %d",
               (int)version, EVAC_RESULT_FORMAT_OLDEST,
               EVAC_RESULT_FORMAT_VERSION);
      return -1;
    }
  }
  return 0;
}

/* Checks the file at path (size bytes) as evac_h5_open_checked promises,
 * reading every attribute and value once. Returns 0, or -1 with the
 * message in why (n bytes). */
static int inspect(const char *path, uint64_t size, const char *what, char *why,
                   size_t n) {
  if (H5Fis_hdf5(path) <= 0) {
    snprintf(why, n, "not an %s (not an HDF5 file)", what);
    return -1;
  }
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    snprintf(why, n, "not an %s (HDF5 cannot open it)", what);
    return -1;
  }
  char reason[512];
  int rc = 0;
  if (check_format(file, reason, sizeof reason) < 0) {
    snprintf(why, n, "not an %.100s (%.300s)", what, reason);
    rc = -1;
  } else {
    struct visit v = {size * EXPANSION + SMALL_FILE_BYTES, ""};
    herr_t r = H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, check_object, &v,
                         H5O_INFO_BASIC);
    if (r < 0 || v.bad[0]) {
      snprintf(why, n, "corrupt result file: %.400s",
               v.bad[0] ? v.bad : "its objects cannot be listed");
      rc = -1;
    }
  }
  H5Fclose(file);
  return rc;
}

/* Runs inspect() in a child process under a CPU-time limit, so that a file
 * on which the HDF5 library loops or crashes is reported, not fatal.
 * Returns 0, or -1 with the message in why (n bytes). */
static int probe(const char *path, uint64_t size, const char *what, char *why,
                 size_t n) {
  rlim_t cpu = PROBE_CPU_BASE_S +
               (rlim_t)(PROBE_CPU_S_PER_MIB * (double)size / (1 << 20));
  int fd[2];
  if (pipe(fd) < 0) {
    snprintf(why, n, "not an %s (%s)", what, strerror(errno));
    return -1;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(why, n, "not an %s (%s)", what, strerror(errno));
    close(fd[0]);
    close(fd[1]);
    return -1;
  }
  if (pid == 0) {
    close(fd[0]);
    struct rlimit lim = {cpu, cpu + 1};
    setrlimit(RLIMIT_CPU, &lim);
    char msg[512] = "";
    inspect(path, size, what, msg, sizeof msg);
    ssize_t w = write(fd[1], msg, strlen(msg));
    _exit(w == (ssize_t)strlen(msg) ? 0 : 1);
  }
  close(fd[1]);
  size_t got = 0;
  ssize_t r;
  while (got + 1 < n && (r = read(fd[0], why + got, n - 1 - got)) != 0) {
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      break;
    got += (size_t)r;
  }
  why[got] = '\0';
  close(fd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGXCPU || sig == SIGKILL)
      snprintf(why, n,
               "corrupt result file: reading it did not end within %llu s of "
               "CPU (the HDF5 library loops on it)",
               (unsigned long long)cpu);
    else
      snprintf(why, n,
               "corrupt result file: the HDF5 library crashed reading it "
               "(signal %d)",
               sig);
    return -1;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    snprintf(why, n, "not an %s (it could not be checked)", what);
    return -1;
  }
  return got ? -1 : 0;
}

hid_t evac_h5_open_checked(const char *path, const char *what,
                           struct evac_diag *diag) {
  struct stat st;
  if (stat(path, &st) < 0) {
    evac_diag_error(diag, path, NULL, "not an %s (%s)", what, strerror(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    evac_diag_error(diag, path, NULL, "not an %s (not a regular file)", what);
    return -1;
  }
  char why[512];
  if (probe(path, (uint64_t)st.st_size, what, why, sizeof why) < 0) {
    evac_diag_error(diag, path, NULL, "%s", why);
    return -1;
  }
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    evac_diag_error(diag, path, NULL, "not an %s (HDF5 cannot open it)", what);
    return -1;
  }
  return file;
}

enum evac_status evac_h5_check(const char *path, struct evac_diag *diag) {
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t file = evac_h5_open_checked(path, "evacsim file", diag);
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  if (file < 0)
    return EVAC_ERR_INPUT;
  H5Fclose(file);
  return EVAC_OK;
}
