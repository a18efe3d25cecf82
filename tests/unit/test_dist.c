/* Distributions: moments of each family and truncation. */
#include <criterion/criterion.h>
#include <math.h>

#include "dist.h"

static void moments(struct evac_dist d, int n, double *mean, double *sd,
                    double *lo, double *hi) {
  struct evac_rng r;
  evac_rng_init(&r, 2024, 0, EVAC_RNG_ATTRIBUTES, 5);
  double s = 0, s2 = 0;
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int i = 0; i < n; i++) {
    double x = evac_dist_sample(&d, &r);
    s += x;
    s2 += x * x;
    *lo = fmin(*lo, x);
    *hi = fmax(*hi, x);
  }
  *mean = s / n;
  *sd = sqrt(s2 / n - *mean * *mean);
}

Test(dist, families_match_their_moments) {
  struct {
    struct evac_dist d;
    double mean, sd;
  } c[] = {
      {{EVAC_DIST_UNIFORM, 0.46, 0.76, 0.46, 0.76}, 0.61, 0.3 / sqrt(12)},
      {{EVAC_DIST_NORMAL, 1.2, 0.2, -INFINITY, INFINITY}, 1.2, 0.2},
      /* NIST TN 1822 test 1.1 pre-movement distributions */
      {{EVAC_DIST_LOGNORMAL, 4.586, 0.967, -INFINITY, INFINITY},
       exp(4.586 + 0.5 * 0.967 * 0.967),
       sqrt((exp(0.967 * 0.967) - 1) * exp(2 * 4.586 + 0.967 * 0.967))},
      {{EVAC_DIST_GAMMA, 1.291, 103.901, -INFINITY, INFINITY},
       1.291 * 103.901,
       sqrt(1.291) * 103.901},
      {{EVAC_DIST_WEIBULL, 1.195, 139.285, -INFINITY, INFINITY},
       139.285 * tgamma(1 + 1 / 1.195),
       139.285 * sqrt(tgamma(1 + 2 / 1.195) - pow(tgamma(1 + 1 / 1.195), 2))},
  };
  for (unsigned i = 0; i < sizeof c / sizeof *c; i++) {
    double mean, sd, lo, hi;
    moments(c[i].d, 200000, &mean, &sd, &lo, &hi);
    const char *name = evac_dist_kind_name(c[i].d.kind);
    cr_expect(fabs(mean - c[i].mean) < 0.02 * c[i].mean, "%s mean %g vs %g",
              name, mean, c[i].mean);
    cr_expect(fabs(sd - c[i].sd) < 0.03 * c[i].sd, "%s sd %g vs %g", name, sd,
              c[i].sd);
    cr_expect(fabs(evac_dist_mean(&c[i].d) - c[i].mean) < 1e-9 * c[i].mean,
              "%s analytic mean", name);
  }
}

Test(dist, truncation_keeps_values_in_bounds) {
  struct evac_dist d = {EVAC_DIST_NORMAL, 1.34, 0.26, 0.58, 1.61};
  double mean, sd, lo, hi;
  moments(d, 50000, &mean, &sd, &lo, &hi);
  cr_expect_geq(lo, 0.58);
  cr_expect_leq(hi, 1.61);
  cr_expect_lt(mean, 1.34, "upper tail is cut more than the lower: %g", mean);
}

Test(dist, fixed_and_names) {
  struct evac_dist d = evac_dist_fixed(3.5);
  struct evac_rng r;
  evac_rng_init(&r, 1, 0, EVAC_RNG_ATTRIBUTES, 0);
  cr_expect_eq(evac_dist_sample(&d, &r), 3.5);
  for (int k = EVAC_DIST_FIXED; k <= EVAC_DIST_WEIBULL; k++)
    cr_expect_eq(evac_dist_kind_parse(evac_dist_kind_name(k)), k);
  cr_expect_eq(evac_dist_kind_parse("beta"), -1);
}
