/* The headline figures of a finished run (evacsim.h, struct evac_summary)
 * and the printed run summary. */
#include <math.h>
#include <stdio.h>

#include "drill.h"
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
  out->settled_s = r->settled_s;
}

static void print_time(FILE *f, const char *label, double t) {
  if (isnan(t))
    fprintf(f, "  %-22s %10s\n", label, "-");
  else
    fprintf(f, "  %-22s %10.1f s\n", label, t);
}

void evac_sim_print_summary(const struct evac_sim *s, FILE *f) {
  const struct evac_model *m = s->m;
  const struct evac_result *r = &s->res;
  fprintf(f, "evacsim %s: %s, seed %llu\n", evac_version(), m->name,
          (unsigned long long)r->seed);
  fprintf(f, "  %-22s %10d\n", "occupants", r->occupants);
  fprintf(f, "  %-22s %10d\n", "evacuated", r->evacuated);
  fprintf(f, "  %-22s %10d\n", "incapacitated", r->incapacitated);
  fprintf(f, "  %-22s %10d\n", "remaining", r->remaining);
  fprintf(f, "  %-22s %10d\n", "  trapped", r->trapped);
  fprintf(f, "  %-22s %10d\n", "  not out", r->not_out);
  if (s->nstuck)
    fprintf(f, "  %-22s %10d\n", "  waiting for staff", s->nstuck);
  if (r->gridlocked)
    fprintf(f, "  %-22s %10d at %.1f s: nobody could move any more\n",
            "gridlocked", r->gridlocked, r->gridlock_time_s);
  print_time(f, "evacuation time", r->evacuation_time_s);
  print_time(f, "RSET (last survivor)", r->rset_s);
  print_time(f, "RSET p95", r->rset_p95_s);
  if (s->has_fire) {
    double peak = 0.0, fed = 0.0;
    for (size_t i = 0; i < r->series.n; i++)
      peak = fmax(peak, r->series.hrr_kw[i]);
    for (int a = 0; a < r->occupants; a++)
      fed = fmax(fed, r->agents.fed_max[a]);
    print_time(f, "fire detected", s->fire.t_detect);
    print_time(f, "sprinklers operated", s->fire.t_sprinkler);
    print_time(f, "manual attack", s->fire.t_attack);
    fprintf(f, "  %-22s %10.0f kW\n", "peak heat release", peak);
    print_time(f, "ASET", r->aset_s);
    print_time(f, "first incapacitation", r->first_incapacitation_s);
    fprintf(f, "  %-22s %10.3f\n", "highest dose (FED)", fed);
  }
  print_time(f, "simulated time", r->end_time_s);
  if (!isnan(r->settled_s))
    fprintf(f, "  outcome settled at %.1f s; simulated to %.1f s%s\n",
            r->settled_s, r->end_time_s,
            r->full ? "" : " (run --full for the whole duration)");
  fprintf(f, "  %-22s %10.3f s  (%.3g events/s)\n", "wall clock",
          r->wall_clock_s,
          r->wall_clock_s > 0 ? (double)r->events_processed / r->wall_clock_s
                              : 0.0);
  int any = 0;
  for (int i = 0; i <= m->nfeatures; i++) { /* the features, then ladder */
    int fe = i < m->nfeatures ? i : EVAC_SAFE_LADDER, used = 0;
    for (int a = 0; a < r->occupants; a++)
      used += r->agents.safe_place[a] == fe;
    if (!used)
      continue;
    if (!any++)
      fprintf(f, "  safe places used:\n");
    fprintf(f, "    %-20s %10d\n", evac_safe_place_name(m, fe), used);
  }
  if (r->drill)
    evac_drill_print(r->drill, m, f);
}
