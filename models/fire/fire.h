/* Fire model: heat release rate growth, fuels and their yields, detector
 * and sprinkler activation from Alpert's ceiling jet with an RTI link,
 * sprinkler suppression (Evans), in-house and brigade attack. Equations,
 * sources and limits: docs/models.md, section "Fire (models/fire)". */
#ifndef EVAC_FIRE_H
#define EVAC_FIRE_H

#include "fuel.h"
#include "model.h"

/* Manual attack: the largest fire (kW) the in-house micro fire station can
 * attack with extinguishers and hose reels, and the e-folding time (s) of
 * the heat release rate once a manual attack has started (assumptions,
 * docs/models.md). */
#define EVAC_MICRO_STATION_MAX_KW 1000.0
#define EVAC_ATTACK_TAU_S 120.0

/* Gas velocity (m/s) assumed at least present at a link, so that a hot
 * layer still heats it when the jet is weak (references/fire-physics.md:
 * u = 0.1 m/s where there is no ceiling jet). */
#define EVAC_LINK_MIN_U 0.1

/* The state of a burning fire. */
struct evac_fire {
  const struct evac_fire_spec *spec;
  const struct evac_systems *sys; /* may be NULL: no systems, 20 C */
  double ceiling_m;               /* ceiling height above the fire */
  double vent_limit_kw; /* ventilation limit of the fire room (Kawagoe) */
  double t;             /* time since ignition, s */
  double hrr_kw;        /* heat release rate now */
  double link_c;        /* sprinkler link temperature */
  double det_c;         /* detector temperature */
  double t_detect;      /* detector activation, NAN until it trips */
  double t_sprinkler;   /* sprinkler activation, NAN until */
  double t_attack;      /* manual attack start, NAN until */
  double q_at_control;  /* HRR when the fire was first controlled (NAN) */
  double q_sprinkler;   /* HRR at sprinkler activation (NAN until) */
  double q_attack;      /* HRR at the start of the manual attack (NAN) */
  int micro_done;       /* 1 once the micro station has come (or not) */
};

/* Starts a fire at t = 0. ceiling_m is the height of the ceiling above the
 * fire, vent_limit_kw the room's ventilation limit (INFINITY: none); sys
 * may be NULL (no systems, ambient 20 C). */
void evac_fire_init(struct evac_fire *f, const struct evac_fire_spec *spec,
                    const struct evac_systems *sys, double ceiling_m,
                    double vent_limit_kw);

/* Advances the fire by dt seconds. layer_c is the hot-layer temperature at
 * the ceiling above the fire (from the smoke model; ambient or NAN if none):
 * the links see the larger of it and the ceiling jet. */
void evac_fire_advance(struct evac_fire *f, double dt, double layer_c);

/* The heat release rate (kW) of f at time t (not before its last control
 * event), given the controls known so far: vent limit, sprinkler, attack. */
double evac_fire_hrr_at(const struct evac_fire *f, double t);

/* Fuel burning rate now, kg/s: HRR / heat of combustion. Species
 * production is this times the fuel's yields. */
double evac_fire_burning_rate(const struct evac_fire *f);

/* The unsuppressed heat release rate of spec at time t (kW), capped by
 * spec->peak_kw. */
double evac_fire_free_hrr(const struct evac_fire_spec *spec, double t);

/* Alpert's ceiling-jet excess temperature (K) at radius r under a ceiling H
 * above a fire: q_kw is the CONVECTIVE HRR, (1 - radiative fraction) times
 * the total (as in FDS's NUREG-1805 sprinkler check). */
double evac_alpert_dt(double q_kw, double h_m, double r_m);

/* Alpert's ceiling-jet velocity (m/s): q_kw is the TOTAL HRR. */
double evac_alpert_u(double q_kw, double h_m, double r_m);

/* Kawagoe ventilation limit 1500 A sqrt(H) kW of an opening. */
double evac_kawagoe_kw(double area_m2, double height_m);

/* Evans' sprinkler decay time tau = 3.0 w^-1.85 s (NISTIR 5254) for a spray
 * density w in mm/s. */
double evac_evans_tau_s(double spray_density_mm_s);

#endif
