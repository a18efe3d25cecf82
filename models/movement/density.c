/* Walking speed falls with the density ahead (Weidmann 1993; calibrated in
 * docs/models.md, "Density and speed", and tests/verification/
 * test_rimea4.c).
 *
 * The density is counted on the cells ahead of a move: the three neighbour
 * cells on the side of the move (the target among them) and, behind each,
 * EVAC_DENSITY_DEPTH - 1 more in the direction of the move, walkable and
 * open ones only, none seen past a wall. Weidmann's speed there is divided
 * by the speed the cellular automaton already allows at that density, the
 * free speed v0 or, above Fs / v0 = 0.97 p/m2, the flow cap's Fs / rho:
 * exclusion and the cap already slow a crowd, and the law adds only what
 * they leave out. The factor never falls below EVAC_DENSITY_MIN_FACTOR, the
 * creep of a step into a gap of a packed crowd. */
#include <math.h>

#include "sim.h"

double evac_density_ahead(const struct evac_sim *s, int a, int32_t from,
                          int32_t to) {
  const struct evac_model *m = s->m;
  int f, x, y, tf, tx, ty;
  evac_sim_cell_xy(s, from, &f, &x, &y);
  evac_sim_cell_xy(s, to, &tf, &tx, &ty);
  const struct evac_floor *fl = &m->floors[f];
  int dx = tx - x, dy = ty - y, cells = 0, people = 0;
  for (int oy = -1; oy <= 1; oy++)
    for (int ox = -1; ox <= 1; ox++) {
      if (ox * dx + oy * dy <= 0)
        continue; /* not ahead */
      for (int k = 0; k < EVAC_DENSITY_DEPTH; k++) {
        int cx = x + ox + k * dx, cy = y + oy + k * dy;
        if (cx < 0 || cy < 0 || cx >= fl->nx || cy >= fl->ny)
          break;
        int32_t c = (int32_t)evac_model_cell(m, f, cx, cy);
        if (!evac_cell_walkable(m->cell_kind[c]) || s->closed[c])
          break; /* nor what lies behind it */
        cells++;
        people += s->occ[c] >= 0 && s->occ[c] != a;
      }
    }
  return cells ? people / (cells * m->cell_m * m->cell_m) : 0.0;
}

double evac_density_factor(double rho) {
  if (rho <= 0.0)
    return 1.0;
  if (rho >= EVAC_WEIDMANN_RHO_MAX)
    return EVAC_DENSITY_MIN_FACTOR;
  double w = 1.0 - exp(-EVAC_WEIDMANN_GAMMA *
                       (1.0 / rho - 1.0 / EVAC_WEIDMANN_RHO_MAX));
  /* w v0 over min(v0, Fs / rho) */
  double f = fmax(w, rho * w * EVAC_WEIDMANN_V0 / EVAC_MAX_SPECIFIC_FLOW);
  return fmax(f, EVAC_DENSITY_MIN_FACTOR);
}
