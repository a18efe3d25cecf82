/* Distributions of profile fields: see dist.h. */
#include "dist.h"

#include <math.h>
#include <string.h>

static const char *const kind_names[] = {
    [EVAC_DIST_FIXED] = "fixed",   [EVAC_DIST_UNIFORM] = "uniform",
    [EVAC_DIST_NORMAL] = "normal", [EVAC_DIST_LOGNORMAL] = "lognormal",
    [EVAC_DIST_GAMMA] = "gamma",   [EVAC_DIST_WEIBULL] = "weibull",
};

const char *evac_dist_kind_name(enum evac_dist_kind k) {
  return (unsigned)k < sizeof kind_names / sizeof *kind_names ? kind_names[k]
                                                              : "unknown";
}

int evac_dist_kind_parse(const char *name) {
  for (unsigned k = 0; k < sizeof kind_names / sizeof *kind_names; k++)
    if (strcmp(name, kind_names[k]) == 0)
      return (int)k;
  return -1;
}

struct evac_dist evac_dist_fixed(double v) {
  struct evac_dist d = {EVAC_DIST_FIXED, v, 0.0, -INFINITY, INFINITY};
  return d;
}

/* Gamma(shape k, scale 1): Marsaglia & Tsang (2000), boosted for k < 1. */
static double gamma_unit(double k, struct evac_rng *r) {
  if (k < 1.0) {
    double u = evac_rng_uniform_pos(r);
    return gamma_unit(k + 1.0, r) * pow(u, 1.0 / k);
  }
  double d = k - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    double x = evac_rng_normal(r), v = 1.0 + c * x;
    if (v <= 0.0)
      continue;
    v = v * v * v;
    double u = evac_rng_uniform_pos(r);
    if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
      return d * v;
  }
}

static double draw(const struct evac_dist *d, struct evac_rng *r) {
  switch (d->kind) {
  case EVAC_DIST_FIXED:
    return d->a;
  case EVAC_DIST_UNIFORM:
    return d->a + (d->b - d->a) * evac_rng_uniform(r);
  case EVAC_DIST_NORMAL:
    return d->a + d->b * evac_rng_normal(r);
  case EVAC_DIST_LOGNORMAL:
    return exp(d->a + d->b * evac_rng_normal(r));
  case EVAC_DIST_GAMMA:
    return d->b * gamma_unit(d->a, r);
  case EVAC_DIST_WEIBULL:
    return d->b * pow(-log(evac_rng_uniform_pos(r)), 1.0 / d->a);
  }
  return NAN;
}

double evac_dist_sample(const struct evac_dist *d, struct evac_rng *r) {
  double x = draw(d, r);
  for (int i = 0; i < 64 && (x < d->lo || x > d->hi); i++)
    x = draw(d, r);
  return x < d->lo ? d->lo : x > d->hi ? d->hi : x;
}

double evac_dist_mean(const struct evac_dist *d) {
  switch (d->kind) {
  case EVAC_DIST_FIXED:
    return d->a;
  case EVAC_DIST_UNIFORM:
    return 0.5 * (d->a + d->b);
  case EVAC_DIST_NORMAL:
    return d->a;
  case EVAC_DIST_LOGNORMAL:
    return exp(d->a + 0.5 * d->b * d->b);
  case EVAC_DIST_GAMMA:
    return d->a * d->b;
  case EVAC_DIST_WEIBULL:
    return d->b * tgamma(1.0 + 1.0 / d->a);
  }
  return NAN;
}
