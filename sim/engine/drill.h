/* The drill report of a run with hospital staff: per-ward clearance, per
 * patient times, staff trips and busy time (docs/hospital.md). It is part of
 * the run's result (result.h) and is written to /drill (docs/output.md). */
#ifndef EVAC_DRILL_H
#define EVAC_DRILL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct evac_model;
struct evac_result;

/* What staff did in one run. Times are from the start of the run, s; NaN
 * where it never happened. */
struct evac_drill {
  int npatients;        /* agents who need staff */
  int32_t *patient;     /* [npatients] agent index */
  double *team_s;       /* [npatients] the last staff member of the team came */
  double *moving_s;     /* [npatients] prepared, starts to move */
  double *safe_s;       /* [npatients] reached safety */
  int32_t *staff_team;  /* [npatients] staff who move the patient */
  int nstaff;           /* staff agents */
  int32_t *staff;       /* [nstaff] agent index */
  int32_t *trips;       /* [nstaff] patients handed over at a safe place */
  double *busy_s;       /* [nstaff] time from assignment to hand-over, summed */
  int nwards;           /* regions of kind "ward" (all regions if none) */
  int32_t *ward;        /* [nwards] region index */
  int32_t *ward_people; /* [nwards] occupants who started in the ward */
  double *clearance_s;  /* [nwards] the last of them safe; NaN if one never */
  double last_patient_s;    /* the last patient safe; NaN if one never */
  int nlifts;               /* lifts of the plan */
  int32_t *lift_trips;      /* [nlifts] bed trips */
  double *lift_wait_max_s;  /* [nlifts] longest wait of a bed at a lobby */
  int32_t *lift_queue_max;  /* [nlifts] most beds waiting at once */
  int nstairs;              /* stairs of the plan */
  int32_t *stair_queue_max; /* [nstairs] most people on one landing */
  double *stair_wait_max_s; /* [nstairs] longest time on a landing before
                               entering a flight */
  int nescalations;         /* compartments that became untenable with
                               people waiting in them */
  char **esc_name;          /* [nescalations] the compartment */
  int32_t *esc_floor;       /* [nescalations] its floor index */
  double *esc_time_s;       /* [nescalations] when it became untenable */
  int32_t *esc_horizontal;  /* [nescalations] people sent on to another
                               compartment (stage 2) */
  int32_t *esc_vertical;    /* [nescalations] people sent to an exit
                               (stage 3) */
  int nfull;                /* refuges that filled up (scenario
                               "refuge_capacity": "area") */
  char **full_name;         /* [nfull] the refuge */
  int32_t *full_floor;      /* [nfull] its floor index */
  double *full_time_s;      /* [nfull] when someone first did not fit */
  double *full_used_m2;     /* [nfull] area taken then */
  double *full_area_m2;     /* [nfull] the refuge's area */
};

/* Allocates a report for npatients and nstaff (columns NaN / 0) and the
 * ward columns of model m. Returns NULL out of memory. */
struct evac_drill *evac_drill_create(const struct evac_model *m, int npatients,
                                     int nstaff);

/* Fills the ward clearance times from the agents' start cells and exit
 * times of result r. */
void evac_drill_wards(struct evac_drill *d, const struct evac_model *m,
                      const struct evac_result *r);

/* Appends an escalation: compartment name on floor left at time t_s,
 * horizontal people to another compartment, vertical to an exit. 0 or -1
 * (out of memory). */
int evac_drill_escalation(struct evac_drill *d, const char *name, int floor,
                          double t_s, int horizontal, int vertical);

/* Appends a full refuge: name on floor, full at t_s with used_m2 of its
 * area_m2 taken. 0 or -1 (out of memory). */
int evac_drill_refuge_full(struct evac_drill *d, const char *name, int floor,
                           double t_s, double used_m2, double area_m2);

/* Prints the drill report (under the run's summary table). */
void evac_drill_print(const struct evac_drill *d, const struct evac_model *m,
                      FILE *f);

/* Frees a report (NULL is allowed). */
void evac_drill_free(struct evac_drill *d);

#endif
