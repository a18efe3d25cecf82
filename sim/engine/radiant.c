/* Radiant heat from the fire's flames at a person (docs/models.md,
 * "Toxicity and visibility"): the point-source flux of the flames
 * (models/fire/flame.h) from the centre of the flames, half the mean flame
 * height (at most half the ceiling height) above the fire's cell, to the
 * person's head, where the person sees the fire's cell along a straight
 * line over the floor's grid. */
#include <math.h>
#include <stdlib.h>

#include "models/fire/flame.h"
#include "models/tox/tox.h"
#include "sim.h"

/* Line of sight samples per cell crossed. */
#define SIGHT_SAMPLES 4

/* Offset (cells) from the fire cell's centre of the middles of its sides
 * that rays start from: just inside the cell. */
#define SIGHT_EDGE 0.49

/* 1 if cell c stops radiation: walls and other solid cells, doors shut
 * (fire doors not held open, doors closed by the timeline) and cells the
 * timeline closed. Floor, stair, exit and refuge cells, open doors and
 * obstacles (low stored goods) pass it. */
static int opaque(const struct evac_sim *s, size_t c) {
  switch ((enum evac_cell_kind)s->m->cell_kind[c]) {
  case EVAC_CELL_WALL:
  case EVAC_CELL_VOID:
  case EVAC_CELL_SHAFT:
  case EVAC_CELL_LIFT:
    return 1;
  case EVAC_CELL_DOOR:
  case EVAC_CELL_FIRE_DOOR:
    return !evac_smoke_door_open(s->smoke, (int32_t)c);
  default:
    return s->closed[c] != 0;
  }
}

/* 1 if nothing opaque lies between the point (x0, y0) (in cells) and the
 * centre of cell (x1, y1) of floor f: the straight line is sampled
 * SIGHT_SAMPLES times per cell crossed; the cell of the point and the cell
 * (x1, y1) are left out. */
static int clear_line(const struct evac_sim *s, int f, double x0, double y0,
                      int x1, int y1) {
  const struct evac_floor *fl = &s->m->floors[f];
  double dx = x1 - x0, dy = y1 - y0;
  int n = (int)ceil(SIGHT_SAMPLES * fmax(fabs(dx), fabs(dy)));
  int xs = (int)lround(x0), ys = (int)lround(y0);
  for (int i = 1; i < n; i++) {
    int x = (int)lround(x0 + dx * i / n);
    int y = (int)lround(y0 + dy * i / n);
    if ((x == xs && y == ys) || (x == x1 && y == y1))
      continue;
    if (opaque(s, fl->offset + (size_t)y * fl->nx + (size_t)x))
      return 0;
  }
  return 1;
}

/* 1 if cell (x1, y1) of floor f sees the flames of the fire's cell
 * (fx, fy): a clear line from the cell's centre or from one of the middles
 * of its four sides (just inside it: the flames fill the cell) to the
 * centre of (x1, y1). */
static int in_sight(const struct evac_sim *s, int f, int fx, int fy, int x1,
                    int y1) {
  static const double ox[5] = {0.0, SIGHT_EDGE, -SIGHT_EDGE, 0.0, 0.0};
  static const double oy[5] = {0.0, 0.0, 0.0, SIGHT_EDGE, -SIGHT_EDGE};
  for (int k = 0; k < 5; k++)
    if (clear_line(s, f, fx + ox[k], fy + oy[k], x1, y1))
      return 1;
  return 0;
}

double evac_sim_flame_reach(const struct evac_sim *s) {
  if (!s->has_fire)
    return 0.0;
  const struct evac_fuel *fuel = &evac_fuels[s->m->fire.fuel];
  return evac_flame_reach(fuel->radiative_fraction, s->fire.hrr_kw,
                          EVAC_RAD_DOSE_MIN_KW_M2);
}

double evac_sim_flame_flux(const struct evac_sim *s, int32_t c, double head_m) {
  const struct evac_model *m = s->m;
  const struct evac_fire_spec *spec = &m->fire;
  double reach = evac_sim_flame_reach(s);
  if (reach <= 0.0 || c < 0 || (size_t)c >= m->ncells ||
      s->cell_floor[c] != spec->floor)
    return 0.0;
  int f, x, y;
  evac_sim_cell_xy(s, c, &f, &x, &y);
  double h = m->cell_m * hypot(x - spec->x, y - spec->y);
  if (h >= reach)
    return 0.0; /* no dose at any height */
  double q = s->fire.hrr_kw;
  double z = 0.5 * fmin(evac_flame_height(q, m->cell_m), s->fire.ceiling_m);
  double flux = evac_flame_flux(evac_fuels[spec->fuel].radiative_fraction, q,
                                hypot(h, head_m - z));
  if (!(flux > EVAC_RAD_DOSE_MIN_KW_M2) ||
      !in_sight(s, f, spec->x, spec->y, x, y))
    return 0.0;
  return flux;
}

double evac_sim_flame_dose(struct evac_sim *s, int a) {
  struct evac_agent *ag = &s->agents[a];
  int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
  double flux = evac_sim_flame_flux(s, c, ag->head_m);
  ag->fed += evac_tox_fed_rad_rate(flux) * (double)(s->now - ag->rad_tick) /
             EVAC_TICKS_PER_S;
  ag->rad_tick = s->now;
  return flux;
}
