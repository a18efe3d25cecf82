/* Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11).
 * A stream is keyed by the seed and addressed by a counter made of
 * (replication, stream, agent, draw), so a draw never depends on threads,
 * ranks or the order of events. */
#ifndef EVAC_RNG_H
#define EVAC_RNG_H

#include <stdint.h>

/* Purposes of streams, so different uses never share draws. */
enum evac_rng_purpose {
  EVAC_RNG_ATTRIBUTES = 0, /* an agent's profile draws */
  EVAC_RNG_PLACEMENT = 1,  /* placing a group's people */
  EVAC_RNG_MOVEMENT = 2,   /* an agent's movement choices */
  EVAC_RNG_GENERATOR = 3,  /* evacsim gen */
  EVAC_RNG_IGNITION = 4,   /* which ignition scenario a replication has */
  EVAC_RNG_STAFF = 5,      /* hospital staff tasks (preparation times) */
};

/* A stream of uniform numbers. */
struct evac_rng {
  uint32_t key[2]; /* seed */
  uint32_t ctr[4]; /* replication, purpose, id, block number */
  uint32_t buf[4]; /* last block's output */
  int used;        /* words of buf consumed (4 = empty) */
};

/* One Philox4x32-10 block: out = philox(ctr, key). */
void evac_philox4x32(const uint32_t ctr[4], const uint32_t key[2],
                     uint32_t out[4]);

/* Starts the stream (seed, replication, purpose, id) at its first draw. */
void evac_rng_init(struct evac_rng *r, uint64_t seed, uint32_t replication,
                   enum evac_rng_purpose purpose, uint32_t id);

/* Next 32 random bits. */
uint32_t evac_rng_u32(struct evac_rng *r);

/* Uniform double in [0, 1) with 53 random bits. */
double evac_rng_uniform(struct evac_rng *r);

/* Uniform double in (0, 1): never 0, for logarithms. */
double evac_rng_uniform_pos(struct evac_rng *r);

/* Standard normal by Box-Muller: one value per two uniforms (the second
 * value is not kept, so a stream carries no hidden state). */
double evac_rng_normal(struct evac_rng *r);

/* Integer uniform in [0, n), n >= 1, without modulo bias. */
uint32_t evac_rng_below(struct evac_rng *r, uint32_t n);

#endif
