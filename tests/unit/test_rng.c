/* Philox4x32-10 known answers and stream properties. */
#include <criterion/criterion.h>
#include <math.h>

#include "rng.h"

/* Random123 kat_vectors, philox4x32 10. */
Test(rng, philox_known_answers) {
  static const uint32_t ctr[3][4] = {
      {0, 0, 0, 0},
      {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
      {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}};
  static const uint32_t key[3][2] = {
      {0, 0}, {0xffffffff, 0xffffffff}, {0xa4093822, 0x299f31d0}};
  static const uint32_t want[3][4] = {
      {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
      {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
      {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};
  for (int i = 0; i < 3; i++) {
    uint32_t out[4];
    evac_philox4x32(ctr[i], key[i], out);
    for (int j = 0; j < 4; j++)
      cr_expect_eq(out[j], want[i][j], "vector %d word %d: %08x", i, j, out[j]);
  }
}

Test(rng, streams_are_addressed_not_sequential) {
  struct evac_rng a, b, c;
  evac_rng_init(&a, 42, 0, EVAC_RNG_MOVEMENT, 7);
  evac_rng_init(&b, 42, 0, EVAC_RNG_MOVEMENT, 7);
  evac_rng_init(&c, 42, 0, EVAC_RNG_MOVEMENT, 8);
  int same_c = 0;
  for (int i = 0; i < 100; i++) {
    uint32_t x = evac_rng_u32(&a), y = evac_rng_u32(&b), z = evac_rng_u32(&c);
    cr_assert_eq(x, y);
    same_c += x == z;
  }
  cr_expect_lt(same_c, 3, "different ids must give different streams");
}

Test(rng, uniform_moments_and_range) {
  struct evac_rng r;
  evac_rng_init(&r, 1, 3, EVAC_RNG_ATTRIBUTES, 0);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; i++) {
    double u = evac_rng_uniform(&r);
    cr_assert(u >= 0.0 && u < 1.0);
    sum += u;
    sum2 += u * u;
  }
  double mean = sum / n, var = sum2 / n - mean * mean;
  /* standard error of the mean = sqrt(1/12/n) = 6.5e-4: 5 sigma */
  cr_expect(fabs(mean - 0.5) < 3.3e-3, "mean %g", mean);
  cr_expect(fabs(var - 1.0 / 12) < 2e-3, "variance %g", var);
}

Test(rng, below_is_unbiased_over_small_range) {
  struct evac_rng r;
  evac_rng_init(&r, 9, 0, EVAC_RNG_PLACEMENT, 1);
  int count[3] = {0};
  for (int i = 0; i < 30000; i++)
    count[evac_rng_below(&r, 3)]++;
  for (int k = 0; k < 3; k++) /* expected 10000, sd 82 */
    cr_expect(abs(count[k] - 10000) < 420, "bucket %d: %d", k, count[k]);
}
