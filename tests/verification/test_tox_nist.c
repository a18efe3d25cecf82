/* NIST TN 1822 test 2.5 (reduced visibility vs walking speed): a person
 * with v0 = 1.0 m/s walks 100 m in smoke of constant K = 1 /m; by hand
 * (Frantzich & Nilsson as in FDS+Evac) the speed is 0.919 m/s and the time
 * 100 / 0.919 = 108.8 s. The walk is made as the cellular automaton makes
 * it: 250 moves of one 0.4 m cell, each taking d / (v0 * factor(K)). */
#include <criterion/criterion.h>
#include <math.h>

#include "models/tox/tox.h"

/* Time to walk n cells of cell_m at free speed v0 in smoke of density
 * soot (kg/m3). */
static double walk(int n, double cell_m, double v0, double soot) {
  double t = 0.0;
  for (int i = 0; i < n; i++) {
    double k = evac_tox_extinction(soot);
    t += cell_m / (v0 * evac_tox_speed_factor(k));
  }
  return t;
}

Test(nist, test2_5_walking_in_smoke) {
  double soot = 1.0 / EVAC_MASS_EXTINCTION; /* K = 1 /m */
  double t = walk(250, 0.4, 1.0, soot);
  cr_assert(fabs(t - 100.0 / 0.919) <= 0.5, "100 m in K = 1: %.3f s", t);
  /* clean air: 100 s; thick smoke (K = 20): the 0.1 floor, 1000 s */
  cr_assert_float_eq(walk(250, 0.4, 1.0, 0.0), 100.0, 1e-9);
  cr_assert_float_eq(walk(250, 0.4, 1.0, 20.0 / EVAC_MASS_EXTINCTION), 1000.0,
                     1e-6);
}
