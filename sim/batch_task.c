/* One batch task (docs/hpc.md, "Tasks"): a block of replications of one
 * variant of one building, run and stored as DIR/tasks/KEY.bin, where KEY
 * hashes the building's plan and scenario texts, its seed, the variant,
 * the block and the evacsim version. The file is written to KEY.bin.partial,
 * fsync'd and renamed, so a task is either whole or absent; a finished
 * task is never run again.
 *
 * File layout (native byte order, this machine's doubles):
 *   8 bytes "EVTASK01", uint64 key, int32 first, int32 n,
 *   n x {casualties, rset_s, margin_s} doubles, uint64 FNV-1a of the above. */
#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "model.h"

static const char task_magic[8] = {'E', 'V', 'T', 'A', 'S', 'K', '0', '1'};

/* Size of a task file holding n outcomes. */
static size_t task_size(int n) {
  return sizeof task_magic + 8 + 4 + 4 + (size_t)n * 3 * sizeof(double) + 8;
}

/* FNV-1a 64 of n bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) {
    h ^= c[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

void evac_batch_task_path(const struct evac_batch *bt, int t, char *buf,
                          size_t n) {
  snprintf(buf, n, "%s/tasks/%016llx.bin", bt->dir,
           (unsigned long long)bt->tasks[t].key);
}

/* Fills buf (task_size(n) bytes) with task t's file image. */
static void task_image(const struct evac_batch_task *tk,
                       const struct evac_outcome *out, unsigned char *buf) {
  size_t k = 0;
  int32_t first = tk->first, n = tk->n;
  memcpy(buf + k, task_magic, sizeof task_magic);
  k += sizeof task_magic;
  memcpy(buf + k, &tk->key, 8);
  k += 8;
  memcpy(buf + k, &first, 4);
  k += 4;
  memcpy(buf + k, &n, 4);
  k += 4;
  for (int r = 0; r < n; r++) {
    double v[3] = {out[r].casualties, out[r].rset_s, out[r].margin_s};
    memcpy(buf + k, v, sizeof v);
    k += sizeof v;
  }
  uint64_t sum = fnv(UINT64_C(0xcbf29ce484222325), buf, k);
  memcpy(buf + k, &sum, 8);
}

/* Writes task t's outcomes to its file atomically. */
static enum evac_status task_write(const struct evac_batch *bt, int t,
                                   const struct evac_outcome *out) {
  const struct evac_batch_task *tk = &bt->tasks[t];
  size_t size = task_size(tk->n);
  unsigned char *buf = malloc(size);
  char path[4096], tmp[4200];
  if (!buf)
    return EVAC_ERR_RUNTIME;
  task_image(tk, out, buf);
  evac_batch_task_path(bt, t, path, sizeof path);
  snprintf(tmp, sizeof tmp, "%s.partial", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  int ok = fd >= 0 && write(fd, buf, size) == (ssize_t)size;
  ok = ok && fsync(fd) == 0;
  if (fd >= 0 && close(fd) != 0)
    ok = 0;
  ok = ok && rename(tmp, path) == 0;
  if (!ok)
    unlink(tmp);
  free(buf);
  return ok ? EVAC_OK : EVAC_ERR_IO;
}

int evac_batch_task_read(const struct evac_batch *bt, int t,
                         struct evac_outcome *out) {
  const struct evac_batch_task *tk = &bt->tasks[t];
  size_t size = task_size(tk->n);
  char path[4096];
  evac_batch_task_path(bt, t, path, sizeof path);
  unsigned char *buf = malloc(size + 1), *want = malloc(size);
  FILE *f = fopen(path, "rb");
  int ok = buf && want && f && fread(buf, 1, size + 1, f) == size;
  if (f)
    fclose(f);
  for (int r = 0; ok && r < tk->n; r++) {
    double v[3];
    memcpy(v, buf + sizeof task_magic + 16 + (size_t)r * sizeof v, sizeof v);
    out[r].casualties = v[0];
    out[r].rset_s = v[1];
    out[r].margin_s = v[2];
  }
  if (ok) { /* the whole image must match: magic, key, block, checksum */
    task_image(tk, out, want);
    ok = memcmp(buf, want, size) == 0;
  }
  free(buf);
  free(want);
  return ok ? 0 : -1;
}

int evac_batch_task_done(const struct evac_batch *bt, int t) {
  struct evac_outcome *out = malloc((size_t)bt->tasks[t].n * sizeof *out);
  int done = out && evac_batch_task_read(bt, t, out) == 0;
  free(out);
  return done;
}

enum evac_status evac_batch_task_run(const struct evac_batch *bt, int t,
                                     const volatile sig_atomic_t *stop,
                                     void (*between)(void *), void *arg,
                                     int *interrupted) {
  const struct evac_batch_task *tk = &bt->tasks[t];
  const struct evac_batch_building *b = &bt->b[tk->building];
  const char *path = bt->mf->buildings[tk->building].path;
  uint64_t fixed = tk->variant ? UINT64_C(1) << (tk->variant - 1) : 0;
  struct evac_outcome *out = calloc((size_t)tk->n, sizeof *out);
  if (!out)
    return EVAC_ERR_RUNTIME;
  int status = EVAC_OK, stopped = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(bt->threads)
  for (int r = 0; r < tk->n; r++) {
    int skip;
#pragma omp atomic read
    skip = stopped;
    if (!skip && stop && *stop) {
#pragma omp atomic write
      stopped = 1;
      skip = 1;
    }
    enum evac_status st = skip ? EVAC_OK
                               : evac_replicate_run(path, b->m, fixed, b->seed,
                                                    tk->first + r, &out[r]);
    if (st != EVAC_OK) {
#pragma omp critical(batch_task_status)
      if (status == EVAC_OK)
        status = st;
    }
    if (between && omp_get_thread_num() == 0)
      between(arg);
  }
  *interrupted = stopped;
  if (status == EVAC_OK && stopped)
    status = EVAC_ERR_RUNTIME;
  if (status == EVAC_OK)
    status = task_write(bt, t, out);
  free(out);
  return (enum evac_status)status;
}
