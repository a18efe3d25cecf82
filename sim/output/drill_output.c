/* Writes the drill report under /drill: see drill_output.h. */
#include "drill_output.h"

#include <stdlib.h>

#include "model.h"

int evac_drill_write(const struct evac_drill_sink *k,
                     const struct evac_drill *d, const struct evac_model *m) {
  const hid_t i32 = H5T_NATIVE_INT32, fi32 = H5T_STD_I32LE,
              f64 = H5T_NATIVE_DOUBLE, ff64 = H5T_IEEE_F64LE;
  size_t np = (size_t)d->npatients, ns = (size_t)d->nstaff,
         nw = (size_t)d->nwards;
  if (k->group(k->ctx, "/drill") || k->group(k->ctx, "/drill/patients") ||
      k->col(k->ctx, "/drill/patients/agent", i32, fi32, np, d->patient, "1") ||
      k->col(k->ctx, "/drill/patients/team_s", f64, ff64, np, d->team_s, "s") ||
      k->col(k->ctx, "/drill/patients/moving_s", f64, ff64, np, d->moving_s,
             "s") ||
      k->col(k->ctx, "/drill/patients/safe_s", f64, ff64, np, d->safe_s, "s") ||
      k->col(k->ctx, "/drill/patients/staff", i32, fi32, np, d->staff_team,
             "1") ||
      k->group(k->ctx, "/drill/staff") ||
      k->col(k->ctx, "/drill/staff/agent", i32, fi32, ns, d->staff, "1") ||
      k->col(k->ctx, "/drill/staff/trips", i32, fi32, ns, d->trips, "1") ||
      k->col(k->ctx, "/drill/staff/busy_s", f64, ff64, ns, d->busy_s, "s") ||
      k->group(k->ctx, "/drill/wards"))
    return -1;
  const char **names = malloc((nw + 1) * sizeof *names);
  if (!names)
    return -1;
  for (size_t i = 0; i < nw; i++)
    names[i] = m->regions[d->ward[i]].name;
  int rc = k->strings(k->ctx, "/drill/wards/name", nw, names, "1") ||
                   k->col(k->ctx, "/drill/wards/people", i32, fi32, nw,
                          d->ward_people, "1") ||
                   k->col(k->ctx, "/drill/wards/clearance_s", f64, ff64, nw,
                          d->clearance_s, "s")
               ? -1
               : 0;
  free(names);
  if (rc || k->group(k->ctx, "/drill/lifts"))
    return -1;
  size_t nl = (size_t)d->nlifts;
  names = malloc((nl + 1) * sizeof *names);
  if (!names)
    return -1;
  for (size_t i = 0; i < nl; i++)
    names[i] = m->features[m->lifts[i].feature].name;
  rc = k->strings(k->ctx, "/drill/lifts/name", nl, names, "1") ||
               k->col(k->ctx, "/drill/lifts/trips", i32, fi32, nl,
                      d->lift_trips, "1") ||
               k->col(k->ctx, "/drill/lifts/wait_max_s", f64, ff64, nl,
                      d->lift_wait_max_s, "s") ||
               k->col(k->ctx, "/drill/lifts/queue_max", i32, fi32, nl,
                      d->lift_queue_max, "1")
           ? -1
           : 0;
  free(names);
  if (rc || k->group(k->ctx, "/drill/stairs"))
    return -1;
  size_t nst = (size_t)d->nstairs;
  names = malloc((nst + 1) * sizeof *names);
  if (!names)
    return -1;
  for (size_t i = 0; i < nst; i++)
    names[i] = m->features[m->stairs[i].feature].name;
  rc = k->strings(k->ctx, "/drill/stairs/name", nst, names, "1") ||
               k->col(k->ctx, "/drill/stairs/queue_max", i32, fi32, nst,
                      d->stair_queue_max, "1") ||
               k->col(k->ctx, "/drill/stairs/wait_max_s", f64, ff64, nst,
                      d->stair_wait_max_s, "s")
           ? -1
           : 0;
  free(names);
  size_t ne = (size_t)d->nescalations;
  if (rc || k->group(k->ctx, "/drill/escalations") ||
      k->strings(k->ctx, "/drill/escalations/compartment", ne,
                 (const char *const *)d->esc_name, "1") ||
      k->col(k->ctx, "/drill/escalations/floor", i32, fi32, ne, d->esc_floor,
             "1") ||
      k->col(k->ctx, "/drill/escalations/time_s", f64, ff64, ne, d->esc_time_s,
             "s") ||
      k->col(k->ctx, "/drill/escalations/horizontal", i32, fi32, ne,
             d->esc_horizontal, "1") ||
      k->col(k->ctx, "/drill/escalations/vertical", i32, fi32, ne,
             d->esc_vertical, "1"))
    return -1;
  size_t nf = (size_t)d->nfull;
  if (k->group(k->ctx, "/drill/refuges_full") ||
      k->strings(k->ctx, "/drill/refuges_full/refuge", nf,
                 (const char *const *)d->full_name, "1") ||
      k->col(k->ctx, "/drill/refuges_full/floor", i32, fi32, nf, d->full_floor,
             "1") ||
      k->col(k->ctx, "/drill/refuges_full/time_s", f64, ff64, nf,
             d->full_time_s, "s") ||
      k->col(k->ctx, "/drill/refuges_full/used_m2", f64, ff64, nf,
             d->full_used_m2, "m2") ||
      k->col(k->ctx, "/drill/refuges_full/area_m2", f64, ff64, nf,
             d->full_area_m2, "m2"))
    return -1;
  return 0;
}
