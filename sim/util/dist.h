/* Probability distributions of profile fields, sampled from a counter-based
 * random stream so that a draw depends only on (seed, replication, agent,
 * draw number). */
#ifndef EVAC_DIST_H
#define EVAC_DIST_H

#include "rng.h"

/* Family of a distribution. Parameters a, b: */
enum evac_dist_kind {
  EVAC_DIST_FIXED = 0, /* a = value */
  EVAC_DIST_UNIFORM,   /* a = min, b = max */
  EVAC_DIST_NORMAL,    /* a = mean, b = sd */
  EVAC_DIST_LOGNORMAL, /* a = mu, b = sigma of ln X */
  EVAC_DIST_GAMMA,     /* a = shape k, b = scale theta */
  EVAC_DIST_WEIBULL,   /* a = shape k, b = scale lambda */
};

/* A distribution, truncated to [lo, hi] (by redrawing, then clamping). */
struct evac_dist {
  enum evac_dist_kind kind;
  double a, b;   /* parameters, see the kinds */
  double lo, hi; /* truncation bounds; -INFINITY / INFINITY for none */
};

/* A fixed value. */
struct evac_dist evac_dist_fixed(double v);

/* Draws one value. Truncation redraws up to 64 times, then clamps. */
double evac_dist_sample(const struct evac_dist *d, struct evac_rng *r);

/* The mean of the untruncated distribution. */
double evac_dist_mean(const struct evac_dist *d);

/* Name of a kind ("fixed", "uniform", ...); evac_dist_kind_parse is its
 * inverse and returns -1 for an unknown name. */
const char *evac_dist_kind_name(enum evac_dist_kind k);
int evac_dist_kind_parse(const char *name);

#endif
