/* Flame radiation (see flame.h; sources and limits: docs/models.md,
 * "Toxicity and visibility"). */
#include "flame.h"

#include <math.h>

/* pi */
#define FLAME_PI 3.14159265358979323846

double evac_flame_height(double q_kw, double d_m) {
  if (q_kw <= 0.0)
    return 0.0;
  return fmax(0.0, 0.235 * pow(q_kw, 0.4) - 1.02 * d_m);
}

double evac_flame_flux(double chi_r, double q_kw, double r_m) {
  if (q_kw <= 0.0 || chi_r <= 0.0)
    return 0.0;
  double r2 = r_m * r_m;
  double max = EVAC_FLAME_FLUX_MAX_KW_M2;
  if (chi_r * q_kw >= max * 4.0 * FLAME_PI * r2)
    return max;
  return chi_r * q_kw / (4.0 * FLAME_PI * r2);
}

double evac_flame_reach(double chi_r, double q_kw, double q_limit_kw_m2) {
  if (q_kw <= 0.0 || chi_r <= 0.0)
    return 0.0;
  return sqrt(chi_r * q_kw / (4.0 * FLAME_PI * q_limit_kw_m2));
}
