/* When the outcome of a fire run is settled: nothing left in the run can
 * change any figure it reports, so it may end before its duration
 * (docs/models.md, "End of a run"). */
#ifndef EVAC_SETTLE_H
#define EVAC_SETTLE_H

#include "sim.h"

/* 1 if the outcome of fire run s is settled now, once a smoke step of the
 * current tick is done: no agent or timeline event is left; the alarm has
 * sounded; the fire's detection, sprinkler and attack times are known or
 * can no longer come, and no later heat release can top the peak sampled
 * so far; no ladder can still take anyone out; and everyone left in the
 * building (or in a refuge) is someone nobody moves any more, not
 * sheltering, on a cell the fire's smoke can never enter, in clean air
 * beyond the reach of the flames at the fire's peak (and, waiting in a
 * refuge or defending in place, on a floor smoke can never enter). Smoke
 * spreads from the fire's cell over the faces between cells of a floor
 * that are not walls, and upwards only through stairs, shafts and lifts
 * (models/smoke; evac_sim_smoke_reach). 0 if not settled or without a fire, -1
 * out of memory. */
int evac_sim_settled(struct evac_sim *s);

/* The cells fire run s's smoke can ever enter ([ncells], 1 each), then the
 * floors with such a cell ([nfloors]): from the fire's cell over the faces
 * between cells of a floor that are not walls (open doorways and the
 * leaking gaps of closed doors, lift doors and shaft walls), never into a
 * pressurised stair from outside it nor out of an exit, and upwards only,
 * through each stair, shaft and lift to the next floor it serves, as
 * models/smoke moves smoke. Built on the first call and kept in s. NULL
 * without a fire or out of memory. */
const uint8_t *evac_sim_smoke_reach(struct evac_sim *s);

#endif
