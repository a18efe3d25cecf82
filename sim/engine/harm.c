/* How each occupant who did not reach safety ended (result.h, enum
 * evac_harm), read from the agents' states at the end of a run: what
 * rank's explanation of a line counts (docs/ranking.md, "Why a line"). */
#include "result.h"
#include "sim.h"

int evac_harm_count(enum evac_harm h) {
  return h <= EVAC_HARM_OVERCOME_TURNED_BACK ? 0
         : h < EVAC_HARM_NOT_OUT             ? 1
                                             : 2;
}

static const char *const harm_names[EVAC_HARM_N] = {
    "overcome_in_place", "overcome_on_way", "overcome_turned_back",
    "sheltering",        "defended",        "waiting_staff",
    "no_route",          "not_out"};

const char *evac_harm_name(enum evac_harm h) {
  return h >= 0 && h < EVAC_HARM_N ? harm_names[h] : "?";
}

void evac_sim_harm(const struct evac_sim *s, int8_t *how) {
  int working = evac_sim_staff_at_work(s);
  const struct evac_result_agents *ra = &s->res.agents;
  for (int a = 0; a < s->nagents; a++) {
    const struct evac_agent *ag = &s->agents[a];
    enum evac_harm h;
    if (ag->state == EVAC_STATE_SAFE) {
      how[a] = -1;
      continue;
    }
    if (ag->state == EVAC_STATE_INCAPACITATED)
      h = ag->know                  ? EVAC_HARM_OVERCOME_TURNED_BACK
          : ra->distance_m[a] > 0.0 ? EVAC_HARM_OVERCOME_ON_WAY
                                    : EVAC_HARM_OVERCOME_IN_PLACE;
    else if (ag->shelter)
      h = EVAC_HARM_SHELTERING;
    else if (ag->role == EVAC_ROLE_DEFENDED)
      h = EVAC_HARM_DEFENDED;
    else if (ag->state == EVAC_STATE_STUCK && !ag->needs_staff)
      h = EVAC_HARM_NO_ROUTE;
    else if (ag->state == EVAC_STATE_STUCK && !working)
      h = EVAC_HARM_WAITING_STAFF;
    else
      h = EVAC_HARM_NOT_OUT;
    how[a] = (int8_t)h;
  }
}
