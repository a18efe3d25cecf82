/* The settled outcome of a fire run (settle.h): the test the engine makes
 * after each smoke step to end a run that can no longer change. */
#include "settle.h"

#include <math.h>

#include "models/fire/fire.h"
#include "models/tox/tox.h"

/* Relative margin on a control's decay bound, for the rounding of exp. */
#define DECAY_MARGIN 1e-9

/* The lowest floor smoke may reach from now to the end: the fire's floor,
 * or a lower floor that has held smoke. Smoke passes between floors only
 * upwards, through the vertical links of stairs, lifts and shafts, so every
 * floor below it stays clean. */
static int lowest_smoke_floor(const struct evac_sim *s) {
  int low = s->m->fire.floor;
  for (int f = 0; f < low; f++)
    if (evac_smoke_floor_has_smoke(s->smoke, f))
      return f;
  return low;
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

/* 1 if agent a can change no figure any more, given that no event is left
 * to move anyone: out at an exit or by ladder, incapacitated, or left on
 * (or in a refuge of) a floor below low, not sheltering (sheltering people
 * look again at each route rebuild), in air that gives no dose and is
 * tenable. */
static int agent_settled(const struct evac_sim *s, int a, int low) {
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
  if (c < 0 || s->cell_floor[c] >= low)
    return 0;
  struct evac_gas g;
  evac_smoke_gas(s->smoke, c, ag->head_m, &g);
  return evac_tox_fed_rate(&g) == 0.0 && g.temp_c <= EVAC_UNTENABLE_TEMP_C &&
         evac_sim_flame_flux(s, c, ag->head_m) == 0.0;
}

int evac_sim_settled(const struct evac_sim *s) {
  if (!s->has_fire || s->pending > 0 || !s->alarmed || !fire_times_final(s) ||
      evac_rescue_possible(s))
    return 0;
  int low = lowest_smoke_floor(s);
  for (int a = 0; a < s->nagents; a++)
    if (!agent_settled(s, a, low))
      return 0;
  return peak_final(s);
}
