/* The settled outcome of a fire run (settle.h): the test the engine makes
 * after each smoke step to end a run that can no longer change. */
#include "settle.h"

#include <math.h>
#include <stdlib.h>

#include "fuel.h"
#include "models/fire/fire.h"
#include "models/fire/flame.h"
#include "models/tox/tox.h"

/* Relative margin on a control's decay bound, for the rounding of exp. */
#define DECAY_MARGIN 1e-9

/* The cells the fire's smoke can ever enter (settle.h): from the fire's
 * cell, as models/smoke moves gas (evac_smoke_reach); then the floors with
 * such a cell. Every other cell keeps clean air to the end. */
const uint8_t *evac_sim_smoke_reach(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  if (s->smoke_reach || !s->has_fire)
    return s->smoke_reach;
  uint8_t *reach = calloc(m->ncells + (size_t)m->nfloors, 1);
  if (!reach || evac_smoke_reach(s->smoke,
                                 (int32_t)evac_model_cell(m, m->fire.floor,
                                                          m->fire.x, m->fire.y),
                                 reach)) {
    free(reach);
    return NULL;
  }
  for (size_t c = 0; c < m->ncells; c++)
    if (reach[c])
      reach[m->ncells + (size_t)s->cell_floor[c]] = 1;
  s->smoke_reach = reach;
  return reach;
}

/* 1 if no time the fire reports can still change: detection, sprinkler
 * operation and the manual attack are known or cannot come any more. */
static int fire_times_final(const struct evac_sim *s) {
  const struct evac_fire *f = &s->fire;
  const struct evac_systems *sys = f->sys;
  int fl = f->spec->floor;
  if (!sys)
    return 1;
  if (fl >= 0 && sys->sprinklers && sys->sprinkler_floor &&
      sys->sprinkler_floor[fl] && isnan(f->t_sprinkler))
    return 0;
  if (fl >= 0 && sys->detectors && sys->detector_floor &&
      sys->detector_floor[fl] && isnan(f->t_detect))
    return 0;
  if (isnan(f->t_attack) &&
      ((!f->micro_done && isfinite(sys->micro_station_s)) ||
       (sys->water && isfinite(sys->brigade_arrival_s))))
    return 0;
  return 1;
}

/* 1 if the peak of the time series can no longer change: from now on the
 * heat release stays under the fire's cap and under the decay of each
 * control that has started (evac_fire_hrr_at), whatever the growth curve
 * does, and the peak of the samples before the last one tops that and the
 * last one (a run ended now replaces a sample of this tick by the state at
 * the end). The samples are followed in lean runs too, so that a run ends
 * at the same time whatever it keeps. */
static int peak_final(const struct evac_sim *s) {
  const struct evac_fire *f = &s->fire;
  double decay = INFINITY;
  if (!isnan(f->t_sprinkler))
    decay = f->q_sprinkler * exp(-(f->t - f->t_sprinkler) /
                                 evac_evans_tau_s(f->sys->spr_density_mm_s));
  if (!isnan(f->t_attack))
    decay = fmin(decay,
                 f->q_attack * exp(-(f->t - f->t_attack) / EVAC_ATTACK_TAU_S));
  double bound = fmin(fmin(f->spec->peak_kw, f->vent_limit_kw),
                      decay * (1.0 + DECAY_MARGIN));
  return s->hrr_peak_sampled >= bound &&
         s->hrr_peak_sampled >= s->hrr_last_sampled;
}

/* 1 if the flames can never give cell c radiant heat over the dose
 * threshold: it is off the fire's floor, or farther from the fire's cell
 * than the flames of the fire's peak reach (evac_sim_flame_flux). */
static int beyond_flames(const struct evac_sim *s, int32_t c) {
  const struct evac_model *m = s->m;
  const struct evac_fire_spec *spec = &m->fire;
  int f, x, y;
  evac_sim_cell_xy(s, c, &f, &x, &y);
  if (f != spec->floor)
    return 1;
  double reach = evac_flame_reach(evac_fuels[spec->fuel].radiative_fraction,
                                  spec->peak_kw, EVAC_RAD_DOSE_MIN_KW_M2);
  return m->cell_m * hypot(x - spec->x, y - spec->y) >= reach;
}

/* 1 if agent a can change no figure any more, given that no event is left
 * to move anyone: out at an exit or by ladder, incapacitated, or left, not
 * sheltering (sheltering people look again at each route rebuild), on a
 * cell smoke can never enter (reach), in clean air the flames cannot heat.
 * Someone waiting in a refuge or defending in place waits on a floor smoke
 * can never enter: the whole compartment is watched (models/behaviour,
 * tenability). */
static int agent_settled(const struct evac_sim *s, int a,
                         const uint8_t *reach) {
  const struct evac_agent *ag = &s->agents[a];
  if (ag->state == EVAC_STATE_INCAPACITATED)
    return 1;
  int sp = s->res.agents.safe_place[a];
  int refuge = sp >= 0 && s->m->features[sp].kind == EVAC_FEAT_REFUGE;
  if (ag->state == EVAC_STATE_SAFE && !refuge)
    return 1;
  if (ag->shelter)
    return 0;
  int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
  if (c < 0 || reach[c])
    return 0;
  int f = s->cell_floor[c];
  if ((refuge || ag->role == EVAC_ROLE_DEFENDED) &&
      (reach[s->m->ncells + (size_t)f] ||
       evac_smoke_floor_has_smoke(s->smoke, f)))
    return 0;
  struct evac_gas g;
  evac_smoke_gas(s->smoke, c, ag->head_m, &g);
  return evac_tox_fed_rate(&g) == 0.0 && g.temp_c <= EVAC_UNTENABLE_TEMP_C &&
         beyond_flames(s, c);
}

int evac_sim_settled(struct evac_sim *s) {
  if (!s->has_fire || s->pending > 0 || !s->alarmed || !fire_times_final(s) ||
      evac_rescue_possible(s))
    return 0;
  const uint8_t *reach = evac_sim_smoke_reach(s);
  if (!reach)
    return -1;
  for (int a = 0; a < s->nagents; a++)
    if (!agent_settled(s, a, reach))
      return 0;
  return peak_final(s);
}
