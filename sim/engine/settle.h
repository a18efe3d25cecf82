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
 * sheltering, on a floor below the fire's and below every floor that has
 * held smoke, in air that gives no dose. Smoke moves between floors only
 * upwards (models/smoke), so such a floor stays clean to the end. 0
 * without a fire. */
int evac_sim_settled(const struct evac_sim *s);

#endif
