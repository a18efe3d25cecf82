/* Fire model: heat release rate growth, fuels and their yields, detector
 * and sprinkler activation from Alpert's ceiling jet with an RTI link,
 * sprinkler suppression (Evans), in-house and brigade attack. */
#ifndef EVAC_FIRE_H
#define EVAC_FIRE_H

#include "model.h"

/* A fuel: heat of combustion and yields (kg per kg of fuel burnt). */
struct evac_fuel {
  const char *name;          /* "polyurethane", "cellulosic", ... */
  double hoc_kj_kg;          /* effective heat of combustion */
  double soot_yield;         /* kg soot / kg fuel */
  double co_yield;           /* kg CO / kg fuel */
  double co2_yield;          /* kg CO2 / kg fuel */
  double radiative_fraction; /* of the HRR (convective = 1 - it) */
  const char *source;        /* where the numbers come from */
};

/* The fuel table and its length. */
extern const struct evac_fuel evac_fuels[];
extern const int evac_nfuels;

/* Index of a fuel by name, or -1. */
int evac_fuel_find(const char *name);

/* The state of a burning fire. */
struct evac_fire {
  const struct evac_fire_spec *spec;
  const struct evac_systems *sys;
  double ceiling_m;       /* ceiling height above the fire */
  double vent_limit_kw;   /* ventilation limit of the fire room (Kawagoe) */
  double t;               /* time since ignition, s */
  double hrr_kw;          /* heat release rate now */
  double link_c;          /* sprinkler link temperature */
  double det_c;           /* detector temperature */
  double t_detect;        /* detector activation, NAN until it trips */
  double t_sprinkler;     /* sprinkler activation, NAN until */
  double t_attack;        /* manual attack start, NAN until */
  double q_at_control;    /* HRR when the fire was first controlled */
};

/* Starts a fire at t = 0. ceiling_m is the height of the ceiling above the
 * fire, vent_limit_kw the room's ventilation limit (INFINITY: none). */
void evac_fire_init(struct evac_fire *f, const struct evac_fire_spec *spec,
                    const struct evac_systems *sys, double ceiling_m,
                    double vent_limit_kw);

/* Advances the fire by dt seconds. layer_c is the hot-layer temperature at
 * the ceiling above the fire (from the smoke model; ambient if none): the
 * links see the larger of it and the ceiling jet. */
void evac_fire_advance(struct evac_fire *f, double dt, double layer_c);

/* The unsuppressed heat release rate of spec at time t (kW). */
double evac_fire_free_hrr(const struct evac_fire_spec *spec, double t);

/* Alpert's ceiling-jet excess temperature (K) and velocity (m/s) at radius
 * r under a ceiling H above a fire of convective... total HRR q (kW). */
double evac_alpert_dt(double q_kw, double h_m, double r_m);
double evac_alpert_u(double q_kw, double h_m, double r_m);

/* Kawagoe ventilation limit 1500 A sqrt(H) kW of an opening. */
double evac_kawagoe_kw(double area_m2, double height_m);

#endif
