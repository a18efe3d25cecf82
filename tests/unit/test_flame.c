/* Flame radiation (models/fire/flame.h): the point source, its cap near
 * the flames and its reach, and Heskestad's flame height, against hand
 * calculations (docs/models.md, "Toxicity and visibility"). */
#include <criterion/criterion.h>
#include <math.h>

#include "models/fire/flame.h"

/* Relative closeness. */
static void near(double got, double want, double rel, const char *what) {
  cr_assert(fabs(got - want) <= rel * fabs(want), "%s: got %.10g, want %.10g",
            what, got, want);
}

/* 1.5 MW, radiative fraction 0.35 (the ward-block e-bike's case, as an
 * example): 0.35 x 1500 / (4 pi 1^2) = 41.778 kW/m2 at 1 m, a quarter of
 * it at 2 m; at 0.5 m the point source gives 167.1, over the 140 kW/m2
 * cap. */
Test(flame, point_source) {
  near(evac_flame_flux(0.35, 1500.0, 1.0), 41.7782, 1e-5, "1 m");
  near(evac_flame_flux(0.35, 1500.0, 2.0), 41.7782 / 4.0, 1e-5, "2 m");
  cr_assert_eq(evac_flame_flux(0.35, 1500.0, 0.5), EVAC_FLAME_FLUX_MAX_KW_M2);
  cr_assert_eq(evac_flame_flux(0.35, 1500.0, 0.0), EVAC_FLAME_FLUX_MAX_KW_M2,
               "in the flames");
  cr_assert_eq(evac_flame_flux(0.35, 0.0, 1.0), 0.0, "no fire");
}

/* Reach at 2.5 kW/m2: sqrt(0.3 x 1000 / (4 pi 2.5)) = 3.0902 m, where the
 * flux is the limit. */
Test(flame, reach) {
  double r = evac_flame_reach(0.3, 1000.0, 2.5);
  near(r, 3.0902, 1e-4, "reach");
  near(evac_flame_flux(0.3, 1000.0, r), 2.5, 1e-12, "flux at the reach");
  cr_assert_eq(evac_flame_reach(0.3, 0.0, 2.5), 0.0);
}

/* Heskestad: 0.235 x 1000^0.4 - 1.02 x 1 = 2.7045 m; a small fire on a
 * wide base has none (not negative). */
Test(flame, height) {
  near(evac_flame_height(1000.0, 1.0), 2.7045, 1e-4, "1 MW, 1 m");
  near(evac_flame_height(1500.0, 0.4), 0.235 * pow(1500.0, 0.4) - 0.408, 1e-12,
       "1.5 MW, 0.4 m");
  cr_assert_eq(evac_flame_height(10.0, 2.0), 0.0);
  cr_assert_eq(evac_flame_height(0.0, 0.4), 0.0);
}
