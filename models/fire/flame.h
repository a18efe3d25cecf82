/* Flame radiation: the mean flame height (Heskestad) and the radiant heat
 * flux of the flames at a distance, by the point-source model (Modak;
 * SFPE Handbook, Beyler, "Fire hazard calculations for large, open
 * hydrocarbon fires"). Sources and limits: docs/models.md, "Toxicity and
 * visibility". */
#ifndef EVAC_FLAME_H
#define EVAC_FLAME_H

/* Largest radiant flux (kW/m2) the point source may give: within about
 * two fire diameters it overestimates without bound, while the flux from
 * luminous flames to an object in or at them is of the order of 100-150
 * kW/m2 (Mudan & Croce's surface emissive power of luminous flames, 140
 * kW/m2, SFPE Handbook). */
#define EVAC_FLAME_FLUX_MAX_KW_M2 140.0

/* Mean flame height (m) of a fire of q_kw and diameter d_m (Heskestad:
 * L = 0.235 Q^(2/5) - 1.02 D), not below 0. */
double evac_flame_height(double q_kw, double d_m);

/* Radiant flux (kW/m2) at distance r_m from the centre of the flames of a
 * fire of q_kw radiating the fraction chi_r of it: chi_r q / (4 pi r^2),
 * at most EVAC_FLAME_FLUX_MAX_KW_M2; 0 for q_kw <= 0. */
double evac_flame_flux(double chi_r, double q_kw, double r_m);

/* Distance (m) from the centre of the flames within which the flux
 * (evac_flame_flux) exceeds q_limit_kw_m2: sqrt(chi_r q / (4 pi limit)),
 * 0 for q_kw <= 0. */
double evac_flame_reach(double chi_r, double q_kw, double q_limit_kw_m2);

#endif
