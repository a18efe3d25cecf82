/* Toxicity and visibility: ISO 13571 / Purser fractional effective dose (as
 * in FDS+Evac), extinction and visibility, and walking speed in smoke
 * (Frantzich & Nilsson 2003). */
#ifndef EVAC_TOX_H
#define EVAC_TOX_H

/* Gas at a person's head. */
struct evac_gas {
  double temp_c;     /* gas temperature */
  double co_ppm;     /* carbon monoxide, ppm by volume */
  double co2_pct;    /* carbon dioxide, % by volume */
  double o2_pct;     /* oxygen, % by volume */
  double soot_kg_m3; /* soot density */
};

/* Mass extinction coefficient of smoke, m2/kg (FDS default). */
#define EVAC_MASS_EXTINCTION 8700.0

/* Largest visibility reported (m): clean air (K = 0) and very thin smoke
 * give this finite value instead of infinity. */
#define EVAC_VISIBILITY_MAX_M 1000.0

/* Gas temperature (deg C) at or below which convective heat gives no dose. */
#define EVAC_HEAT_DOSE_MIN_C 40.0

/* FED rate per second from CO (with CO2 hyperventilation), O2 hypoxia and
 * convective heat, summed; each part is also available alone. Constants and
 * choices: docs/models.md, "Toxicity and visibility". */
double evac_tox_fed_rate(const struct evac_gas *g);
double evac_tox_fed_co_rate(double co_ppm, double co2_pct);
double evac_tox_fed_o2_rate(double o2_pct);
double evac_tox_fed_heat_rate(double temp_c);

/* Radiant flux (kW/m2) at or below which radiant heat gives no dose
 * (ISO 13571; the BS 7974 / CIBSE Guide E tenability limit). */
#define EVAC_RAD_DOSE_MIN_KW_M2 2.5

/* FED rate per second from radiant heat of flux q_kw_m2 (ISO 13571: time
 * to incapacitation 4.2 q^-1.9 min above EVAC_RAD_DOSE_MIN_KW_M2, 0 at or
 * below it); added to the convective heat's (evac_tox_fed_heat_rate). */
double evac_tox_fed_rad_rate(double q_kw_m2);

/* Extinction coefficient K (1/m) of a soot density. */
double evac_tox_extinction(double soot_kg_m3);

/* Visibility S = C / K (m); C = 3 reflecting, 8 light-emitting signs;
 * at most EVAC_VISIBILITY_MAX_M (also for K <= 0). */
double evac_tox_visibility(double k_per_m, double c);

/* Walking speed factor in smoke: max(0.1, 1 - 0.057 K / 0.706). */
double evac_tox_speed_factor(double k_per_m);

/* Volume fractions of a gas mixture given mass fractions (per kg of gas):
 * CO ppm, CO2 % and O2 % by volume; the rest of the mass is taken as N2. */
void evac_tox_volume_fractions(double y_co, double y_co2, double y_o2,
                               double *co_ppm, double *co2_pct, double *o2_pct);

#endif
