/* Philox4x32-10 counter-based generator (Salmon, Moraes, Dror, Shaw:
 * "Parallel random numbers: as easy as 1, 2, 3", SC'11). */
#include "rng.h"

#include <math.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void evac_philox4x32(const uint32_t ctr[4], const uint32_t key[2],
                     uint32_t out[4]) {
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; round++) {
    uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
    uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

void evac_rng_init(struct evac_rng *r, uint64_t seed, uint32_t replication,
                   enum evac_rng_purpose purpose, uint32_t id) {
  r->key[0] = (uint32_t)seed;
  r->key[1] = (uint32_t)(seed >> 32);
  r->ctr[0] = 0; /* block number within the stream */
  r->ctr[1] = id;
  r->ctr[2] = (uint32_t)purpose;
  r->ctr[3] = replication;
  r->used = 4;
}

uint32_t evac_rng_u32(struct evac_rng *r) {
  if (r->used == 4) {
    evac_philox4x32(r->ctr, r->key, r->buf);
    r->ctr[0]++;
    r->used = 0;
  }
  return r->buf[r->used++];
}

double evac_rng_uniform(struct evac_rng *r) {
  uint64_t hi = evac_rng_u32(r) >> 5; /* 27 bits */
  uint64_t lo = evac_rng_u32(r) >> 6; /* 26 bits */
  return (double)(hi << 26 | lo) * 0x1.0p-53;
}

double evac_rng_uniform_pos(struct evac_rng *r) {
  double u;
  do
    u = evac_rng_uniform(r);
  while (u == 0.0);
  return u;
}

double evac_rng_normal(struct evac_rng *r) {
  double u1 = evac_rng_uniform_pos(r);
  double u2 = evac_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

uint32_t evac_rng_below(struct evac_rng *r, uint32_t n) {
  /* Lemire's multiply-shift with rejection. */
  uint64_t m = (uint64_t)evac_rng_u32(r) * n;
  uint32_t low = (uint32_t)m;
  if (low < n) {
    uint32_t threshold = (uint32_t)(-n) % n;
    while (low < threshold) {
      m = (uint64_t)evac_rng_u32(r) * n;
      low = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}
