/* The drill report: per-ward clearance, per-patient times, staff workload;
 * printed by run and stored under /drill (docs/hospital.md, docs/output.md).
 */
#include "drill.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "result.h"

/* 1 if region r is a ward ("kind": "ward"). */
static int is_ward(const struct evac_region *r) {
  return r->kind && strcmp(r->kind, "ward") == 0;
}

struct evac_drill *evac_drill_create(const struct evac_model *m, int npatients,
                                     int nstaff) {
  struct evac_drill *d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  int wards = 0;
  for (int i = 0; i < m->nregions; i++)
    wards += is_ward(&m->regions[i]);
  int all = wards == 0;
  d->nwards = all ? m->nregions : wards;
  size_t np = (size_t)npatients + 1, ns = (size_t)nstaff + 1,
         nw = (size_t)d->nwards + 1;
  d->npatients = npatients;
  d->nstaff = nstaff;
  d->patient = calloc(np, sizeof *d->patient);
  d->team_s = malloc(np * sizeof *d->team_s);
  d->moving_s = malloc(np * sizeof *d->moving_s);
  d->safe_s = malloc(np * sizeof *d->safe_s);
  d->staff_team = calloc(np, sizeof *d->staff_team);
  d->staff = calloc(ns, sizeof *d->staff);
  d->trips = calloc(ns, sizeof *d->trips);
  d->busy_s = calloc(ns, sizeof *d->busy_s);
  d->ward = calloc(nw, sizeof *d->ward);
  d->ward_people = calloc(nw, sizeof *d->ward_people);
  d->clearance_s = malloc(nw * sizeof *d->clearance_s);
  d->nlifts = m->nlifts;
  d->lift_trips = calloc((size_t)m->nlifts + 1, sizeof *d->lift_trips);
  d->lift_wait_max_s =
      calloc((size_t)m->nlifts + 1, sizeof *d->lift_wait_max_s);
  d->lift_queue_max = calloc((size_t)m->nlifts + 1, sizeof *d->lift_queue_max);
  d->nstairs = m->nstairs;
  d->stair_queue_max =
      calloc((size_t)m->nstairs + 1, sizeof *d->stair_queue_max);
  d->stair_wait_max_s =
      calloc((size_t)m->nstairs + 1, sizeof *d->stair_wait_max_s);
  if (!d->patient || !d->team_s || !d->moving_s || !d->safe_s ||
      !d->staff_team || !d->staff || !d->trips || !d->busy_s || !d->ward ||
      !d->ward_people || !d->clearance_s || !d->lift_trips ||
      !d->lift_wait_max_s || !d->lift_queue_max || !d->stair_queue_max ||
      !d->stair_wait_max_s) {
    evac_drill_free(d);
    return NULL;
  }
  for (int i = 0; i < npatients; i++)
    d->team_s[i] = d->moving_s[i] = d->safe_s[i] = NAN;
  for (int i = 0, k = 0; i < m->nregions; i++)
    if (all || is_ward(&m->regions[i]))
      d->clearance_s[k] = NAN, d->ward[k++] = i;
  d->last_patient_s = NAN;
  return d;
}

void evac_drill_wards(struct evac_drill *d, const struct evac_model *m,
                      const struct evac_result *r) {
  for (int k = 0; k < d->nwards; k++) {
    const struct evac_region *rg = &m->regions[d->ward[k]];
    double last = 0.0;
    int n = 0, never = 0;
    for (int a = 0; a < r->occupants; a++) {
      if (r->agents.floor[a] != rg->floor ||
          r->agents.start_x[a] < rg->rect[0] ||
          r->agents.start_x[a] > rg->rect[2] ||
          r->agents.start_y[a] < rg->rect[1] ||
          r->agents.start_y[a] > rg->rect[3])
        continue;
      n++;
      never |= isnan(r->agents.exit_time_s[a]);
      if (!never)
        last = fmax(last, r->agents.exit_time_s[a]);
    }
    d->ward_people[k] = n;
    d->clearance_s[k] = n && !never ? last : NAN;
  }
  double last = 0.0;
  int never = 0;
  for (int i = 0; i < d->npatients; i++) {
    never |= isnan(d->safe_s[i]);
    if (!never)
      last = fmax(last, d->safe_s[i]);
  }
  d->last_patient_s = d->npatients && !never ? last : NAN;
}

/* Grows the column at p (a T **) to n elements of size elem. 0 or -1. */
static int grow_col(void *p, size_t elem, size_t n) {
  void *old, *q;
  memcpy(&old, p, sizeof old);
  q = realloc(old, n * elem);
  if (!q)
    return -1;
  memcpy(p, &q, sizeof q);
  return 0;
}

int evac_drill_escalation(struct evac_drill *d, const char *name, int floor,
                          double t_s, int horizontal, int vertical) {
  size_t n = (size_t)d->nescalations + 1, len = strlen(name) + 1;
  char *copy = malloc(len);
  if (!copy || grow_col(&d->esc_name, sizeof *d->esc_name, n) ||
      grow_col(&d->esc_floor, sizeof *d->esc_floor, n) ||
      grow_col(&d->esc_time_s, sizeof *d->esc_time_s, n) ||
      grow_col(&d->esc_horizontal, sizeof *d->esc_horizontal, n) ||
      grow_col(&d->esc_vertical, sizeof *d->esc_vertical, n)) {
    free(copy);
    return -1;
  }
  memcpy(copy, name, len);
  int i = d->nescalations++;
  d->esc_name[i] = copy;
  d->esc_floor[i] = floor;
  d->esc_time_s[i] = t_s;
  d->esc_horizontal[i] = horizontal;
  d->esc_vertical[i] = vertical;
  return 0;
}

int evac_drill_refuge_full(struct evac_drill *d, const char *name, int floor,
                           double t_s, double used_m2, double area_m2) {
  size_t n = (size_t)d->nfull + 1, len = strlen(name) + 1;
  char *copy = malloc(len);
  if (!copy || grow_col(&d->full_name, sizeof *d->full_name, n) ||
      grow_col(&d->full_floor, sizeof *d->full_floor, n) ||
      grow_col(&d->full_time_s, sizeof *d->full_time_s, n) ||
      grow_col(&d->full_used_m2, sizeof *d->full_used_m2, n) ||
      grow_col(&d->full_area_m2, sizeof *d->full_area_m2, n)) {
    free(copy);
    return -1;
  }
  memcpy(copy, name, len);
  int i = d->nfull++;
  d->full_name[i] = copy;
  d->full_floor[i] = floor;
  d->full_time_s[i] = t_s;
  d->full_used_m2[i] = used_m2;
  d->full_area_m2[i] = area_m2;
  return 0;
}

/* Prints a time column ("-" for NaN). */
static void print_t(FILE *f, double t) {
  if (isnan(t))
    fprintf(f, " %9s", "-");
  else
    fprintf(f, " %9.1f", t);
}

/* Mean of the non-NaN values of v[n] (NaN if none). */
static double mean_of(const double *v, int n) {
  double sum = 0.0;
  int k = 0;
  for (int i = 0; i < n; i++)
    if (!isnan(v[i]))
      sum += v[i], k++;
  return k ? sum / k : NAN;
}

void evac_drill_print(const struct evac_drill *d, const struct evac_model *m,
                      FILE *f) {
  fprintf(f, "  drill (%s shift, %s allocation):\n", m->night ? "night" : "day",
          m->allocation == EVAC_ALLOC_TRIAGE ? "triage" : "nearest");
  fprintf(f, "    %-20s %10d\n", "patients", d->npatients);
  fprintf(f, "    %-20s %10d\n", "staff", d->nstaff);
  int safe = 0;
  for (int i = 0; i < d->npatients; i++)
    safe += !isnan(d->safe_s[i]);
  fprintf(f, "    %-20s %10d\n", "patients safe", safe);
  fprintf(f, "    %-20s", "last patient safe");
  print_t(f, d->last_patient_s);
  fprintf(f, " s\n    %-20s", "mean team complete");
  print_t(f, mean_of(d->team_s, d->npatients));
  fprintf(f, " s\n    %-20s", "mean time to safety");
  print_t(f, mean_of(d->safe_s, d->npatients));
  fprintf(f, " s\n");
  int trips = 0;
  double busy = 0.0;
  for (int i = 0; i < d->nstaff; i++)
    trips += d->trips[i], busy += d->busy_s[i];
  fprintf(f, "    %-20s %10d\n", "staff trips", trips);
  if (d->nstaff)
    fprintf(f, "    %-20s %10.1f s\n", "mean staff busy", busy / d->nstaff);
  for (int i = 0; i < d->nlifts; i++)
    if (d->lift_trips[i])
      fprintf(f, "    %-20s %4d bed trips, longest wait %.1f s, queue %d\n",
              m->features[m->lifts[i].feature].name, d->lift_trips[i],
              d->lift_wait_max_s[i], d->lift_queue_max[i]);
  for (int i = 0; i < d->nstairs; i++)
    if (d->stair_queue_max[i])
      fprintf(f, "    %-20s %4d most on a landing, longest wait %.1f s\n",
              m->features[m->stairs[i].feature].name, d->stair_queue_max[i],
              d->stair_wait_max_s[i]);
  for (int i = 0; i < d->nescalations; i++)
    fprintf(f,
            "    %-20s untenable at %.1f s: %d moved on, %d to another "
            "compartment, %d to an exit\n",
            d->esc_name[i], d->esc_time_s[i],
            d->esc_horizontal[i] + d->esc_vertical[i], d->esc_horizontal[i],
            d->esc_vertical[i]);
  for (int i = 0; i < d->nfull; i++)
    fprintf(f, "    %-20s full at %.1f s: %.1f of %.1f m2 taken\n",
            d->full_name[i], d->full_time_s[i], d->full_used_m2[i],
            d->full_area_m2[i]);
  int header = 0;
  for (int k = 0; k < d->nwards; k++) {
    if (!d->ward_people[k])
      continue; /* empty wards are in /drill/wards only */
    if (!header++)
      fprintf(f, "    %-20s %10s %9s\n", "ward", "people", "cleared");
    fprintf(f, "    %-20s %10d", m->regions[d->ward[k]].name,
            d->ward_people[k]);
    print_t(f, d->clearance_s[k]);
    fprintf(f, " s\n");
  }
}

void evac_drill_free(struct evac_drill *d) {
  if (!d)
    return;
  free(d->patient);
  free(d->team_s);
  free(d->moving_s);
  free(d->safe_s);
  free(d->staff_team);
  free(d->staff);
  free(d->trips);
  free(d->busy_s);
  free(d->ward);
  free(d->ward_people);
  free(d->clearance_s);
  free(d->lift_trips);
  free(d->lift_wait_max_s);
  free(d->lift_queue_max);
  free(d->stair_queue_max);
  free(d->stair_wait_max_s);
  for (int i = 0; i < d->nescalations; i++)
    free(d->esc_name[i]);
  free(d->esc_name);
  free(d->esc_floor);
  free(d->esc_time_s);
  free(d->esc_horizontal);
  free(d->esc_vertical);
  for (int i = 0; i < d->nfull; i++)
    free(d->full_name[i]);
  free(d->full_name);
  free(d->full_floor);
  free(d->full_time_s);
  free(d->full_used_m2);
  free(d->full_area_m2);
  free(d);
}
