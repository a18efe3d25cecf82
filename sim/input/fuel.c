/* The fuel table: effective heats of combustion and well-ventilated yields
 * (SFPE Handbook, Tewarson, "Generation of heat and gaseous, liquid and
 * solid products in fires"), and the documented assumptions for the mixed
 * ward fuel and the lithium-ion battery. docs/models.md has the table. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fuel.h"

const struct evac_fuel evac_fuels[] = {
    {"cellulosic", 12400.0, 0.015, 0.004, 1.33, 0.3, EVAC_ALPHA_MEDIUM,
     "SFPE Handbook (Tewarson), wood (red oak / pine), well ventilated: "
     "12.4 MJ/kg, soot 0.015, CO 0.004, CO2 1.33"},
    {"polyurethane", 23200.0, 0.198, 0.031, 1.50, 0.3, EVAC_ALPHA_MEDIUM,
     "SFPE Handbook (Tewarson), flexible polyurethane foams: 19-26 MJ/kg, "
     "soot 0.13-0.23, CO 0.01-0.04, CO2 1.5; values chosen in the ranges, "
     "soot towards the high end (conservative for visibility)"},
    /* 50/50 by mass of the two entries above: every yield and the heat of
     * combustion per kg of fuel burnt are the means. */
    {"ward_furnishings", 17800.0, 0.1065, 0.0175, 1.415, 0.3, EVAC_ALPHA_MEDIUM,
     "assumption: 50 % cellulosic + 50 % polyurethane foam by mass (beds, "
     "mattresses, bedside furniture, linen); mass-weighted means"},
    {"pvc", 7000.0, 0.17, 0.06, 0.5, 0.3, EVAC_ALPHA_MEDIUM,
     "SFPE Handbook (Tewarson), PVC: 6-8 MJ/kg (mid 7), soot 0.17, CO 0.06, "
     "CO2 0.5"},
    {"polystyrene", 27000.0, 0.16, 0.06, 2.3, 0.3, EVAC_ALPHA_MEDIUM,
     "SFPE Handbook (Tewarson), polystyrene: 27 MJ/kg, soot 0.16, CO 0.06, "
     "CO2 2.3"},
    {"lithium_battery", 20000.0, 0.16, 0.06, 1.5, 0.3, EVAC_ALPHA_ULTRAFAST,
     "assumption (no open peak-HRR or yield data found): e-bike battery "
     "pack with its plastics, ultrafast growth, soot 0.16 (as polystyrene), "
     "CO 0.06, CO2 1.5, 20 MJ/kg"},
};

const int evac_nfuels = (int)(sizeof evac_fuels / sizeof evac_fuels[0]);

int evac_fuel_find(const char *name) {
  for (int i = 0; name && i < evac_nfuels; i++)
    if (strcmp(evac_fuels[i].name, name) == 0)
      return i;
  return -1;
}

void evac_fuel_list(char *buf, size_t n) {
  size_t len = 0;
  if (n)
    buf[0] = '\0';
  for (int i = 0; i < evac_nfuels && len < n; i++) {
    int w =
        snprintf(buf + len, n - len, "%s%s", i ? ", " : "", evac_fuels[i].name);
    if (w < 0)
      break;
    len += (size_t)w;
  }
}

double evac_growth_alpha(const char *name) {
  static const char *const names[] = {"slow", "medium", "fast", "ultrafast"};
  static const double alpha[] = {EVAC_ALPHA_SLOW, EVAC_ALPHA_MEDIUM,
                                 EVAC_ALPHA_FAST, EVAC_ALPHA_ULTRAFAST};
  for (int i = 0; name && i < 4; i++)
    if (strcmp(names[i], name) == 0)
      return alpha[i];
  return NAN;
}
