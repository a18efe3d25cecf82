/* Toxicity and visibility (see tox.h; equations, sources and the choices
 * made where sources disagree: docs/models.md, "Toxicity and visibility"). */
#include "tox.h"

#include <math.h>

/* Purser's CO dose: FED per second = CO_K * C^CO_EXP, C in ppm (the
 * per-minute form 2.764e-5 C^1.036 divided by 60). */
#define CO_K 4.607e-7
#define CO_EXP 1.036

/* CO2 hyperventilation factor exp(HV_A * %CO2 + HV_B) / HV_D; HV_A is
 * 0.1903 as in FDS+Evac and Purser (some texts print 0.1930). */
#define HV_A 0.1903
#define HV_B 2.0004
#define HV_D 7.1

/* O2 hypoxia: time to incapacitation exp(O2_A - O2_B (20.9 - %O2)) min. */
#define O2_A 8.13
#define O2_B 0.54
#define O2_AMBIENT_PCT 20.9

/* Purser's convective heat: time to incapacitation HEAT_K T^-HEAT_EXP min,
 * T in deg C. */
#define HEAT_K 5.0e7
#define HEAT_EXP 3.4

/* ISO 13571 radiant heat: time to incapacitation RAD_K q^-RAD_EXP min, q
 * in kW/m2 (CFAST's code computes (4.2 q)^-1.9 instead, a precedence
 * slip not copied here). */
#define RAD_K 4.2
#define RAD_EXP 1.9

/* Frantzich & Nilsson walking speed in smoke: v / v0 = 1 + BETA K / ALPHA,
 * not below SPEED_MIN. */
#define SPEED_ALPHA 0.706
#define SPEED_BETA (-0.057)
#define SPEED_MIN 0.1

/* Molar masses, g/mol. */
#define M_CO 28.010
#define M_CO2 44.009
#define M_O2 31.998
#define M_N2 28.0134

double evac_tox_fed_co_rate(double co_ppm, double co2_pct) {
  if (co_ppm <= 0.0)
    return 0.0;
  double hv = exp(HV_A * fmax(co2_pct, 0.0) + HV_B) / HV_D;
  return CO_K * pow(co_ppm, CO_EXP) * hv;
}

double evac_tox_fed_o2_rate(double o2_pct) {
  if (o2_pct >= O2_AMBIENT_PCT)
    return 0.0;
  return 1.0 / (60.0 * exp(O2_A - O2_B * (O2_AMBIENT_PCT - o2_pct)));
}

double evac_tox_fed_heat_rate(double temp_c) {
  if (temp_c <= EVAC_HEAT_DOSE_MIN_C)
    return 0.0;
  return 1.0 / (60.0 * HEAT_K * pow(temp_c, -HEAT_EXP));
}

double evac_tox_fed_rad_rate(double q_kw_m2) {
  if (!(q_kw_m2 > EVAC_RAD_DOSE_MIN_KW_M2))
    return 0.0;
  return 1.0 / (60.0 * RAD_K * pow(q_kw_m2, -RAD_EXP));
}

double evac_tox_fed_rate(const struct evac_gas *g) {
  return evac_tox_fed_co_rate(g->co_ppm, g->co2_pct) +
         evac_tox_fed_o2_rate(g->o2_pct) + evac_tox_fed_heat_rate(g->temp_c);
}

double evac_tox_extinction(double soot_kg_m3) {
  return soot_kg_m3 < 0.0 ? 0.0 : EVAC_MASS_EXTINCTION * soot_kg_m3;
}

double evac_tox_visibility(double k_per_m, double c) {
  if (k_per_m * EVAC_VISIBILITY_MAX_M <= c)
    return EVAC_VISIBILITY_MAX_M;
  return c / k_per_m;
}

double evac_tox_speed_factor(double k_per_m) {
  if (k_per_m <= 0.0)
    return 1.0;
  return fmax(SPEED_MIN, 1.0 + SPEED_BETA * k_per_m / SPEED_ALPHA);
}

void evac_tox_volume_fractions(double y_co, double y_co2, double y_o2,
                               double *co_ppm, double *co2_pct,
                               double *o2_pct) {
  y_co = fmax(y_co, 0.0);
  y_co2 = fmax(y_co2, 0.0);
  y_o2 = fmax(y_o2, 0.0);
  double y_n2 = fmax(1.0 - y_co - y_co2 - y_o2, 0.0);
  double n_co = y_co / M_CO, n_co2 = y_co2 / M_CO2, n_o2 = y_o2 / M_O2;
  double n = n_co + n_co2 + n_o2 + y_n2 / M_N2;
  if (n <= 0.0) {
    *co_ppm = *co2_pct = *o2_pct = 0.0;
    return;
  }
  *co_ppm = 1e6 * n_co / n;
  *co2_pct = 100.0 * n_co2 / n;
  *o2_pct = 100.0 * n_o2 / n;
}
