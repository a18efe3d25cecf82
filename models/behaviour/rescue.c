/* Rescue from outside (docs/hazards.md, "window_grilles"): once the fire
 * brigade has arrived and raised a ladder, it takes people who have not
 * got out by themselves (no route, waiting for staff, or not yet started)
 * out through a window,
 * one at a time, from floors within the ladder's reach; their safe place is
 * named "ladder". Floors with window grilles (hazard window_grilles) cannot
 * be reached this way. */
#include <math.h>

#include "model.h"
#include "sim.h"

/* Assumptions (docs/hazards.md gives their reasoning). */
#define RESCUE_SETUP_S 120.0   /* ladder set up after the brigade arrives */
#define RESCUE_EACH_S 120.0    /* one person brought down per ladder cycle */
#define RESCUE_REACH_M 30.0    /* highest floor level a ladder reaches */
#define RESCUE_MIN_LEVEL_M 0.5 /* lower floors: people walk out */

/* 1 if agent a waits where a ladder can take it out. */
static int rescuable(const struct evac_sim *s, int a) {
  const struct evac_agent *ag = &s->agents[a];
  int waits =
      ag->state == EVAC_STATE_STUCK ||
      (ag->state == EVAC_STATE_WAITING && ag->phase == EVAC_PHASE_PREMOVE);
  if (!waits || ag->cell < 0)
    return 0;
  int f = s->cell_floor[ag->cell];
  double level = s->m->floors[f].elevation_m;
  return level >= RESCUE_MIN_LEVEL_M && level <= RESCUE_REACH_M &&
         !s->m->systems.grilles_floor[f];
}

int evac_rescue_possible(const struct evac_sim *s) {
  if (!isfinite(s->m->systems.brigade_arrival_s))
    return 0;
  for (int a = 0; a < s->nagents; a++)
    if (rescuable(s, a))
      return 1;
  return 0;
}

int evac_rescue_step(struct evac_sim *s) {
  double start = s->m->systems.brigade_arrival_s + RESCUE_SETUP_S;
  if (!isfinite(start))
    return 0;
  int64_t since = s->now - (int64_t)llround(start * EVAC_TICKS_PER_S);
  int64_t each = (int64_t)llround(RESCUE_EACH_S * EVAC_TICKS_PER_S);
  int64_t step = (int64_t)llround(EVAC_SMOKE_DT_S * EVAC_TICKS_PER_S);
  if (since < 0 || since % each >= step)
    return 0; /* not a ladder cycle's end in this step */
  for (int a = 0; a < s->nagents; a++)
    if (rescuable(s, a))
      return evac_sim_agent_safe(s, a, s->agents[a].cell, EVAC_SAFE_LADDER);
  return 0;
}
