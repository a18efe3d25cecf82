/* Block files of outcomes (sim/ensemble/outcome_store.h), shared by batch tasks
 * and the resumable ranking.
 *
 * File layout (native byte order, this machine's doubles):
 *   8 bytes "EVTASK03", uint64 key, int32 first, int32 n, int32 width,
 *   n x {objective, incapacitated, trapped, not_out, rset_s, margin_s}
 *   doubles, n x width int32 harm counts, uint64 FNV-1a of the above.
 * A file of an earlier layout ("EVTASK01", "EVTASK02": no harm counts) is
 * not whole to evac_outcome_block_read (its magic differs), so its
 * replications run again; keys hash the evacsim build too, so a new build
 * does not look such files up at all. */
#include "outcome_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commit.h"
#include "model.h"

static const char block_magic[8] = {'E', 'V', 'T', 'A', 'S', 'K', '0', '3'};

uint64_t evac_fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) {
    h ^= c[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

/* Hashes a string with its terminating NUL (so "ab"+"c" != "a"+"bc"). */
static uint64_t fnv_str(uint64_t h, const char *s) {
  return evac_fnv(h, s ? s : "", strlen(s ? s : "") + 1);
}

uint64_t evac_outcome_inputs_key(const struct evac_model *m, uint64_t seed) {
  uint64_t h = EVAC_FNV_START;
  h = fnv_str(h, m->plan_json);
  h = fnv_str(h, m->scenario_json);
  h = evac_fnv(h, &seed, sizeof seed);
  h = fnv_str(h, evac_version());
  return fnv_str(h, evac_git_revision());
}

uint64_t evac_outcome_block_key(uint64_t inputs, uint64_t variant, int first,
                                int n) {
  int32_t k[2] = {first, n};
  return evac_fnv(evac_fnv(inputs, &variant, sizeof variant), k, sizeof k);
}

void evac_outcome_block_path(const char *dir, uint64_t key, char *buf,
                             size_t size) {
  snprintf(buf, size, "%s/%016llx.bin", dir, (unsigned long long)key);
}

/* Size of a block file holding n outcomes. */
static size_t block_size(int n, int width) {
  return sizeof block_magic + 8 + 4 + 4 + 4 +
         (size_t)n * EVAC_OUTCOME_FIELDS * sizeof(double) +
         (size_t)n * (size_t)width * sizeof(int32_t) + 8;
}

/* Fills buf (block_size(n) bytes) with the file image of a block. */
static void block_image(uint64_t key, int32_t first, int32_t n,
                        const struct evac_outcome *out, const int32_t *harm,
                        int32_t width, unsigned char *buf) {
  size_t k = 0;
  memcpy(buf + k, block_magic, sizeof block_magic);
  k += sizeof block_magic;
  memcpy(buf + k, &key, 8);
  k += 8;
  memcpy(buf + k, &first, 4);
  k += 4;
  memcpy(buf + k, &n, 4);
  k += 4;
  memcpy(buf + k, &width, 4);
  k += 4;
  for (int r = 0; r < n; r++) {
    double v[EVAC_OUTCOME_FIELDS] = {out[r].objective, out[r].incapacitated,
                                     out[r].trapped,   out[r].not_out,
                                     out[r].rset_s,    out[r].margin_s};
    memcpy(buf + k, v, sizeof v);
    k += sizeof v;
  }
  if (width > 0) {
    memcpy(buf + k, harm, (size_t)n * (size_t)width * sizeof *harm);
    k += (size_t)n * (size_t)width * sizeof *harm;
  }
  uint64_t sum = evac_fnv(EVAC_FNV_START, buf, k);
  memcpy(buf + k, &sum, 8);
}

enum evac_status evac_outcome_block_write(const char *dir, uint64_t key,
                                          int first, int n,
                                          const struct evac_outcome *out,
                                          const int32_t *harm, int width) {
  size_t size = block_size(n, width);
  unsigned char *buf = malloc(size);
  char path[4096], reason[600];
  if (!buf)
    return EVAC_ERR_RUNTIME;
  block_image(key, first, n, out, harm, width, buf);
  evac_outcome_block_path(dir, key, path, sizeof path);
  /* a unique temporary beside it, fsync, rename (commit.h) */
  int ok = evac_commit_bytes(path, buf, size, reason, sizeof reason) == 0;
  free(buf);
  return ok ? EVAC_OK : EVAC_ERR_IO;
}

int evac_outcome_block_read(const char *dir, uint64_t key, int first, int n,
                            struct evac_outcome *out, int32_t *harm,
                            int width) {
  size_t size = block_size(n, width);
  char path[4096];
  evac_outcome_block_path(dir, key, path, sizeof path);
  unsigned char *buf = malloc(size + 1), *want = malloc(size);
  FILE *f = fopen(path, "rb");
  int ok = buf && want && f && fread(buf, 1, size + 1, f) == size;
  if (f)
    fclose(f);
  for (int r = 0; ok && r < n; r++) {
    double v[EVAC_OUTCOME_FIELDS];
    memcpy(v, buf + sizeof block_magic + 20 + (size_t)r * sizeof v, sizeof v);
    out[r] = (struct evac_outcome){.objective = v[0],
                                   .incapacitated = v[1],
                                   .trapped = v[2],
                                   .not_out = v[3],
                                   .rset_s = v[4],
                                   .margin_s = v[5]};
  }
  if (ok && width > 0)
    memcpy(harm,
           buf + sizeof block_magic + 20 +
               (size_t)n * EVAC_OUTCOME_FIELDS * sizeof(double),
           (size_t)n * (size_t)width * sizeof *harm);
  if (ok) { /* the whole image must match: magic, key, block, checksum */
    block_image(key, first, n, out, harm, width, want);
    ok = memcmp(buf, want, size) == 0;
  }
  free(buf);
  free(want);
  return ok ? 0 : -1;
}

/* 1 if name is a block file name: 16 hex digits and ".bin", or the
 * temporary of one being written (".bin.XXXXXX.partial", commit.h), or of
 * an older evacsim (".bin.partial"). */
static int block_name(const char *name) {
  size_t n = strspn(name, "0123456789abcdef"), len = strlen(name);
  if (n != 16 || strncmp(name + n, ".bin", 4) != 0)
    return 0;
  const char *rest = name + n + 4;
  return !*rest || (len > 8 && !strcmp(name + len - 8, ".partial"));
}

int evac_outcome_dir_remove(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return errno == ENOENT ? 0 : -1;
  struct dirent *e;
  char path[4400];
  while ((e = readdir(d)))
    if (block_name(e->d_name)) {
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      unlink(path);
    }
  closedir(d);
  return rmdir(dir);
}
