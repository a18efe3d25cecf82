/* The coupling step: the fire advances, smoke moves, people take their
 * dose (of smoke and of the flames' radiant heat) and see smoke, rescue and
 * tenability act, route costs follow the smoke, and the smoke fields are
 * sampled. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "models/tox/tox.h"
#include "sim.h"

/* Route cost factor of a cell with gas g at head height and the flames'
 * radiant flux flux_kw_m2 there: walking in smoke is slower (1 / speed
 * factor), untenable cells are avoided (x EVAC_SMOKE_AVERSION), and cells
 * whose flux exceeds EVAC_RAD_DOSE_MIN_KW_M2 the more the more dose they
 * give: x EVAC_SMOKE_AVERSION x the ratio of their radiant dose rate to
 * the rate just over that limit, so that a route through the flames' heat
 * keeps as far from them as the walls allow. */
static float route_cost(const struct evac_gas *g, double flux_kw_m2) {
  double k = evac_tox_extinction(g->soot_kg_m3);
  double v = 1.0 / evac_tox_speed_factor(k);
  double rad = evac_tox_fed_rad_rate(flux_kw_m2);
  if (rad > 0.0 || g->temp_c > EVAC_UNTENABLE_TEMP_C ||
      evac_tox_visibility(k, 3.0) < EVAC_UNTENABLE_VIS_M)
    v *= EVAC_SMOKE_AVERSION;
  if (rad > 0.0)
    v *= rad / evac_tox_fed_rad_rate(nextafter(EVAC_RAD_DOSE_MIN_KW_M2,
                                               INFINITY)); /* just over it */
  return (float)v;
}

/* Route cost factor of the gas g of a cell whose flames' flux is flux_kw_m2
 * (route_cost()), where clear and hot are route_cost()'s costs of soot-free
 * gas at most and over EVAC_UNTENABLE_TEMP_C without flames: most cells of a
 * smoky floor have no soot at head height, and cost one of those two. */
static float gas_cost(const struct evac_gas *g, double flux_kw_m2, float clear,
                      float hot) {
  if (g->soot_kg_m3 <= 0.0 && flux_kw_m2 <= 0.0) /* extinction 0: */
    return g->temp_c > EVAC_UNTENABLE_TEMP_C ? hot : clear;
  return route_cost(g, flux_kw_m2);
}

/* The route cost factors of the gas alone (no flames) at every cell of the
 * floors with smoke at tick now, 1 at cells people cannot walk: the gas is
 * the group's (the lead's smoke, unchanged between the group's physics
 * steps), so the first simulation of the group to need them at a tick
 * works them out into the lead's gas_cost and the others read them there.
 * NULL out of memory. */
static const float *gas_costs(struct evac_sim *s, float clear, float hot) {
  const struct evac_model *m = s->m;
  struct evac_sim *owner = s->lead ? s->lead : s;
  if (owner->gas_cost && owner->gas_tick == s->now)
    return owner->gas_cost;
  if (!owner->gas_cost &&
      !(owner->gas_cost = malloc(m->ncells * sizeof *owner->gas_cost)))
    return NULL;
  for (int f = 0; f < m->nfloors; f++) {
    if (!evac_smoke_floor_has_smoke(s->smoke, f))
      continue;
    size_t end =
        m->floors[f].offset + (size_t)m->floors[f].nx * (size_t)m->floors[f].ny;
    for (size_t c = m->floors[f].offset; c < end; c++) {
      float cost = 1.0f;
      if (evac_cell_walkable(m->cell_kind[c])) {
        struct evac_gas g;
        evac_smoke_gas(s->smoke, (int32_t)c, EVAC_HEAD_STANDING_M, &g);
        cost = gas_cost(&g, 0.0, clear, hot);
      }
      owner->gas_cost[c] = cost;
    }
  }
  owner->gas_tick = s->now;
  return owner->gas_cost;
}

/* Route costs of smoke and flames (route_cost()). Costs change nowhere
 * else, and the timeline's rebuilds already use the current ones, so the
 * fields are updated from the cells whose cost changed (none: nothing to
 * do), which gives the same fields as rebuilding them. The gas's costs are
 * the group's (gas_costs()); a smoky floor without flames whose costs did
 * not change is passed over in one comparison. A floor without
 * smoke whose cells all cost 1 already is skipped, unless the fire burns on it
 * (its flames radiate before there is smoke); there the flames' flux is looked
 * at only within their reach (evac_sim_flame_reach()), widened by a cell to a
 * square: a cell further than that in x or y is further than the reach, where
 * the flux is 0. The flux depends on this simulation's closures (what shields
 * from the flames), so is its own. */
static int rebuild_routes(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  const struct evac_fire_spec *spec = &m->fire;
  size_t changed = 0;
  const float clear = route_cost(
      &(struct evac_gas){.soot_kg_m3 = 0.0, .temp_c = EVAC_UNTENABLE_TEMP_C},
      0.0);
  const float hot =
      route_cost(&(struct evac_gas){.soot_kg_m3 = 0.0,
                                    .temp_c = EVAC_UNTENABLE_TEMP_C + 1.0},
                 0.0);
  const float *gas = gas_costs(s, clear, hot);
  int32_t *diff = malloc((m->ncells + 1) * sizeof *diff);
  if (!gas || !diff) {
    free(diff);
    return -1;
  }
  const double reach = evac_sim_flame_reach(s);
  for (int f = 0; f < m->nfloors; f++) {
    int smoky = evac_smoke_floor_has_smoke(s->smoke, f);
    int flames = reach > 0.0 && f == spec->floor;
    if (!smoky && !flames && !s->cost_raised[f])
      continue;
    const struct evac_floor *fl = &m->floors[f];
    if (smoky && !flames &&
        !memcmp(s->smoke_cost + fl->offset, gas + fl->offset,
                (size_t)fl->nx * (size_t)fl->ny * sizeof *gas))
      continue; /* no cost changed, nor whether one is raised */
    double near = flames ? reach / m->cell_m + 1.0 : -1.0; /* cells */
    int raised = 0;
    for (int y = 0; y < fl->ny; y++)
      for (int x = 0; x < fl->nx; x++) {
        int32_t c = (int32_t)evac_model_cell(m, f, x, y);
        float cost = smoky                                 ? gas[c]
                     : evac_cell_walkable(m->cell_kind[c]) ? clear
                                                           : 1.0f;
        double flux = 0.0;
        if (abs(x - spec->x) <= near && abs(y - spec->y) <= near &&
            evac_cell_walkable(m->cell_kind[c]) &&
            (flux = evac_sim_flame_flux(s, c, EVAC_HEAD_STANDING_M)) > 0.0) {
          struct evac_gas g = {.soot_kg_m3 = 0.0, .temp_c = 0.0};
          if (smoky)
            evac_smoke_gas(s->smoke, c, EVAC_HEAD_STANDING_M, &g);
          cost = gas_cost(&g, flux, clear, hot);
        }
        if (s->smoke_cost[c] != cost)
          diff[changed++] = c;
        s->smoke_cost[c] = cost;
        raised |= cost != 1.0f;
      }
    s->cost_raised[f] = (uint8_t)raised;
  }
  int rc = changed && (evac_fields_update(s, 0, diff, changed) ||
                       evac_fields_update(s, 1, diff, changed))
               ? -1
               : 0;
  free(diff);
  return rc;
}

/* Samples the smoke fields of the floors that have smoke. */
static int sample_fields(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  const float **data = calloc((size_t)m->nfloors, sizeof *data);
  if (!data)
    return -1;
  float *buf = s->field_buf;
  for (int f = 0; f < m->nfloors; f++) {
    if (!evac_smoke_floor_has_smoke(s->smoke, f))
      continue;
    evac_smoke_floor_fields(s->smoke, f, EVAC_HEAD_STANDING_M, buf);
    data[f] = buf;
    buf += (size_t)m->floors[f].nx * m->floors[f].ny * EVAC_NFQ;
  }
  int rc = evac_result_fields_push(&s->res.fields,
                                   (double)s->now / EVAC_TICKS_PER_S, data);
  free(data);
  return rc;
}

double evac_sim_speed_factor(const struct evac_sim *s, int32_t c, double k) {
  return evac_tox_speed_factor(
      k * s->m->systems.extinction_floor[s->cell_floor[c]]);
}

double evac_sim_smoke_factor(const struct evac_sim *s, int32_t c,
                             double head_m) {
  if (!s->smoke)
    return 1.0;
  struct evac_gas g;
  evac_smoke_gas(s->smoke, c, head_m, &g);
  return evac_sim_speed_factor(s, c, evac_tox_extinction(g.soot_kg_m3));
}

int evac_sim_physics_step(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  const double dt = EVAC_SMOKE_DT_S;
  const struct evac_fire_spec *spec = &m->fire;
  int32_t fc = (int32_t)evac_model_cell(m, spec->floor, spec->x, spec->y);
  const struct evac_fuel *fuel = &evac_fuels[spec->fuel];
  evac_fire_advance(&s->fire, dt, evac_smoke_layer_c(s->smoke, fc));
  double q = s->fire.hrr_kw, burn = q / fuel->hoc_kj_kg;
  struct evac_smoke_source src = {fc,
                                  q,
                                  q * (1.0 - fuel->radiative_fraction),
                                  burn,
                                  burn * fuel->soot_yield,
                                  burn * fuel->co_yield,
                                  burn * fuel->co2_yield};
  double w0 = evac_clock_wall_s();
  if (evac_smoke_step(s->smoke, dt, &src, s->res.threads))
    return -1;
  s->res.smoke_wall_s += evac_clock_wall_s() - w0;
  s->res.smoke_cell_updates = evac_smoke_cell_updates(s->smoke);
  return 0;
}

/* The dose step (EVAC_SMOKE_DT_S) after the fire and the smoke have taken
 * theirs (evac_sim_physics_step): a simulation that follows a lead takes the
 * lead's fire as that step left it (its model may differ from the lead's
 * only in what the occupants alone read). */
int evac_sim_smoke_step(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  const double dt = EVAC_SMOKE_DT_S;
  if (s->lead) { /* the lead's fire state; the specification its own (the
                    same values) */
    s->fire = s->lead->fire;
    s->fire.spec = &m->fire;
    s->fire.sys = &m->systems;
    s->res.smoke_wall_s = s->lead->res.smoke_wall_s;
    s->res.smoke_cell_updates = s->lead->res.smoke_cell_updates;
  }
  if (!isnan(s->fire.t_detect) && s->alarm == INT64_MAX)
    s->alarm = evac_ticks(s->fire.t_detect + m->alarm_delay_s);
  if (!s->alarmed && s->now >= s->alarm && evac_sim_sound_alarm(s))
    return -1;
  double t = (double)s->now / EVAC_TICKS_PER_S;
  for (int a = 0; a < s->nagents; a++) {
    struct evac_agent *ag = &s->agents[a];
    if (ag->state == EVAC_STATE_SAFE || ag->state == EVAC_STATE_INCAPACITATED)
      continue;
    int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
    struct evac_gas g;
    evac_smoke_gas(s->smoke, c, ag->head_m, &g);
    double k = evac_tox_extinction(g.soot_kg_m3);
    double vis = evac_tox_visibility(k, 3.0);
    double flux = evac_sim_flame_dose(s, a);
    ag->fed += evac_tox_fed_rate(&g) * dt;
    s->res.agents.fed_max[a] = ag->fed;
    ag->smoke_factor = evac_sim_speed_factor(s, c, k);
    if ((g.temp_c > EVAC_UNTENABLE_TEMP_C || vis < EVAC_UNTENABLE_VIS_M) &&
        isnan(s->res.aset_s))
      s->res.aset_s = t;
    if (vis < EVAC_PERCEIVE_VIS_M || flux > 0.0) {
      /* whoever sees smoke, or feels the flames' heat (over 2.5 kW/m2),
         raises the alarm, and stops what they do */
      int64_t raise = s->now + evac_ticks(m->alarm_delay_s);
      if (raise < s->alarm)
        s->alarm = raise;
      if (ag->phase == EVAC_PHASE_PREMOVE && ag->state == EVAC_STATE_WAITING) {
        ag->gen++;
        ag->state = EVAC_STATE_MOVING;
        if (evac_sim_schedule_agent(s, a, s->now))
          return -1;
      }
    }
    if (ag->fed >= ag->fed_threshold && evac_sim_agent_incapacitate(s, a))
      return -1;
  }
  if (evac_rescue_step(s) || evac_tenab_step(s))
    return -1;
  if (s->now >= s->next_route) {
    s->next_route = s->now + evac_ticks(EVAC_ROUTE_SMOKE_S);
    if (rebuild_routes(s) || evac_shelter_step(s))
      return -1;
  }
  if (s->now >= s->next_fields) {
    s->next_fields = s->now + evac_ticks(m->fields_every_s);
    if (!s->opts.lean && sample_fields(s))
      return -1;
  }
  return 0;
}
