/* Finished outcomes kept on disk so that an interrupted batch or ranking
 * resumes where it stopped (docs/hpc.md "Tasks", docs/ranking.md
 * "Resuming"): a block of replications of one variant is one file,
 * written atomically, named and checked by a key that hashes the inputs,
 * the seed, the variant, the block and the evacsim version. */
#ifndef EVAC_OUTCOME_STORE_H
#define EVAC_OUTCOME_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "evacsim.h"
#include "replicate.h"

struct evac_model;

/* FNV-1a 64 of n bytes, continuing from h (start: EVAC_FNV_START). */
uint64_t evac_fnv(uint64_t h, const void *p, size_t n);

/* Offset basis of FNV-1a 64. */
#define EVAC_FNV_START UINT64_C(0xcbf29ce484222325)

/* Key of m's inputs with seed: its plan and scenario texts as read, the
 * seed, the evacsim version and git revision. */
uint64_t evac_outcome_inputs_key(const struct evac_model *m, uint64_t seed);

/* Key of the block first .. first + n - 1 of variant (batch: 0 or hazard
 * + 1; rank: the fixed-hazard bits) of the inputs with key inputs. */
uint64_t evac_outcome_block_key(uint64_t inputs, uint64_t variant, int first,
                                int n);

/* Path of the block with this key in dir: DIR/KEY.bin (KEY: 16 hex
 * digits), into buf of size bytes. */
void evac_outcome_block_path(const char *dir, uint64_t key, char *buf,
                             size_t size);

/* Writes out[n] (replications first ..) and, width > 0, each one's width
 * harm counts harm[n * width] (replicate.h) as dir's block file of key:
 * written to a temporary, fsync'd and renamed. Returns EVAC_OK,
 * EVAC_ERR_RUNTIME (memory) or EVAC_ERR_IO. */
enum evac_status evac_outcome_block_write(const char *dir, uint64_t key,
                                          int first, int n,
                                          const struct evac_outcome *out,
                                          const int32_t *harm, int width);

/* Reads dir's block file of key into out[n] and harm[n * width] (width 0:
 * none). Returns 0, or -1 if it is missing or not whole (magic, key,
 * block, width, size and checksum must match; out and harm may then hold
 * garbage). */
int evac_outcome_block_read(const char *dir, uint64_t key, int first, int n,
                            struct evac_outcome *out, int32_t *harm, int width);

#endif
