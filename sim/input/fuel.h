/* The fire vocabulary of a scenario: growth classes, the default peak and
 * the fuel table (heats of combustion and yields), which the loader checks
 * names against and the fire model burns with (docs/models.md, "Fuels"). */
#ifndef EVAC_FUEL_H
#define EVAC_FUEL_H

#include <stddef.h>

/* t-squared growth coefficients, kW/s^2 (NFPA 72 / SFPE Handbook): times to
 * 1055 kW of 600, 300, 150 and 75 s. */
#define EVAC_ALPHA_SLOW 0.00293
#define EVAC_ALPHA_MEDIUM 0.01172
#define EVAC_ALPHA_FAST 0.0469
#define EVAC_ALPHA_ULTRAFAST 0.1876

/* Default peak (and steady) heat release rate, kW. */
#define EVAC_FIRE_PEAK_KW 3000.0

/* A fuel: heat of combustion and yields (kg per kg of fuel burnt). */
struct evac_fuel {
  const char *name;           /* "polyurethane", "cellulosic", ... */
  double hoc_kj_kg;           /* effective heat of combustion */
  double soot_yield;          /* kg soot / kg fuel */
  double co_yield;            /* kg CO / kg fuel */
  double co2_yield;           /* kg CO2 / kg fuel */
  double radiative_fraction;  /* of the HRR (convective = 1 - it) */
  double default_alpha_kw_s2; /* growth when a fire gives no "growth" */
  const char *source;         /* where the numbers come from */
};

/* The fuel table and its length. */
extern const struct evac_fuel evac_fuels[];
extern const int evac_nfuels;

/* Index of a fuel by name, or -1. */
int evac_fuel_find(const char *name);

/* Writes the fuel names as "a, b, c" into buf (for messages). */
void evac_fuel_list(char *buf, size_t n);

/* The t-squared coefficient of a growth class ("slow", "medium", "fast",
 * "ultrafast"), or NAN if name is none of them. */
double evac_growth_alpha(const char *name);

#endif
