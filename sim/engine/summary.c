/* The headline figures of a finished run (evacsim.h, struct evac_summary). */
#include "evacsim.h"
#include "sim.h"

void evac_sim_summary(const struct evac_sim *sim, struct evac_summary *out) {
  const struct evac_result *r = &sim->res;
  out->occupants = r->occupants;
  out->evacuated = r->evacuated;
  out->incapacitated = r->incapacitated;
  out->trapped = r->trapped;
  out->not_out = r->not_out;
  out->gridlocked = r->gridlocked;
  out->gridlock_time_s = r->gridlock_time_s;
  out->evacuation_time_s = r->evacuation_time_s;
  out->rset_s = r->rset_s;
  out->rset_p95_s = r->rset_p95_s;
  out->aset_s = r->aset_s;
  out->first_incapacitation_s = r->first_incapacitation_s;
  out->end_time_s = r->end_time_s;
}
