/* The result of one run, held in memory until it is written (output.c):
 * the summary, one row per agent, time series, trajectories, measure-line
 * crossings and the event log, all as columns. A run given a sink hands its
 * trajectory and field samples to it as they are taken instead of keeping
 * them. */
#ifndef EVAC_RESULT_H
#define EVAC_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "evacsim.h"
#include "models/smoke/smoke.h"

/* Types of logged events (the /events/type enum). */
enum evac_event_type {
  EVAC_LOG_START = 0,     /* an agent starts to move (end of pre-movement) */
  EVAC_LOG_SAFE,          /* an agent reached an exit or refuge (target) */
  EVAC_LOG_STAIR_ENTER,   /* an agent enters a flight (target = stair) */
  EVAC_LOG_STAIR_EXIT,    /* an agent leaves a flight onto a landing */
  EVAC_LOG_REROUTE,       /* an agent found its route closed (target) */
  EVAC_LOG_TRAPPED,       /* an agent has no route to any safe place */
  EVAC_LOG_CLOSE,         /* the timeline closed a feature (target) */
  EVAC_LOG_OPEN,          /* the timeline opened a feature (target) */
  EVAC_LOG_INCAPACITATED, /* an agent's dose reached its threshold */
  EVAC_LOG_ESCALATE,      /* an agent waiting in a compartment gone untenable
                             moves on (target: -1; docs/hospital.md) */
  EVAC_LOG_GRIDLOCKED,    /* nobody can move any more: one per person on
                             the way, frozen where it stands (docs/output.md) */
  EVAC_LOG_NTYPES
};

/* Name of an event type ("start", "safe", ...). */
const char *evac_event_type_name(enum evac_event_type t);

/* Agent states in trajectories. */
enum evac_agent_state {
  EVAC_STATE_WAITING = 0, /* pre-movement */
  EVAC_STATE_MOVING,      /* walking on a floor */
  EVAC_STATE_STAIR,       /* on a flight */
  EVAC_STATE_SAFE,        /* reached safety (position is where) */
  EVAC_STATE_INCAPACITATED,
  EVAC_STATE_STUCK, /* cannot move (needs staff, or no route) */
};

/* How an occupant who did not reach safety ended (docs/ranking.md, "Why a
 * line"). The first three count as incapacitated, the next four as trapped
 * and the last as not out, as in the run's summary. */
enum evac_harm {
  EVAC_HARM_OVERCOME_IN_PLACE = 0, /* incapacitated before walking a step */
  EVAC_HARM_OVERCOME_ON_WAY,       /* incapacitated on the way out */
  EVAC_HARM_OVERCOME_TURNED_BACK,  /* incapacitated after finding a route
                                      closed (or moving on from untenable
                                      refuge) */
  EVAC_HARM_SHELTERING,            /* sheltering from smoke, awaiting rescue */
  EVAC_HARM_DEFENDED,              /* kept in place (defend in place) */
  EVAC_HARM_WAITING_STAFF,         /* needs staff and none was left at work */
  EVAC_HARM_NO_ROUTE,              /* no route to any safe place */
  EVAC_HARM_NOT_OUT,               /* still on the way (or waiting for staff
                                      still at work) when the run ended */
  EVAC_HARM_N
};

/* The summary count an evac_harm falls in: 0 incapacitated, 1 trapped,
 * 2 not out. */
int evac_harm_count(enum evac_harm h);

/* Short name of an evac_harm ("overcome_on_way", ...), for files. */
const char *evac_harm_name(enum evac_harm h);

/* Fills how[a] for every agent a of the finished simulation sim: its
 * enum evac_harm, or -1 if it reached safety. The classes add up to the
 * result's incapacitated, trapped and not_out. */
void evac_sim_harm(const struct evac_sim *sim, int8_t *how);

/* The safe place of people brought down a brigade ladder (named
 * "ladder"). */
#define EVAC_SAFE_LADDER (-2)

/* Per-agent columns; n = occupants. */
struct evac_result_agents {
  int32_t *profile;           /* index in the model's profiles */
  int32_t *floor;             /* start floor index */
  int32_t *start_x, *start_y; /* start cell */
  double *speed_m_s;          /* drawn free speed */
  double *premovement_s;      /* drawn pre-movement time */
  double *exit_time_s;        /* time to safety, NaN if never */
  int32_t *safe_place;        /* feature index of the exit/refuge,
                                 EVAC_SAFE_LADDER, -1 if none */
  double *fed_max;            /* largest dose reached */
  int8_t *incapacitated;      /* 1 if incapacitated */
  double *distance_m;         /* distance walked, flights included */
};

/* Time series, sampled every agents_every_s. */
struct evac_result_series {
  size_t n, cap;
  double *time_s;
  int32_t *evacuated;     /* safe so far */
  int32_t *incapacitated; /* so far */
  int32_t *remaining;     /* neither */
  int32_t *on_stairs;     /* on flights now */
  double *hrr_kw;         /* fire heat release rate (0 without fire) */
};

struct evac_result_fields;

/* Where a run hands its trajectory and field samples as it goes, instead of
 * keeping them: the result file's writer (sim/output/output.h). Each
 * returns 0, or -1 (the writer keeps the reason). */
struct evac_result_sink {
  void *ctx; /* the writer */
  /* Takes trajectory sample `sample` of nagents agents (arrays as
   * evac_result_traj_push's). */
  int (*traj)(void *ctx, size_t sample, int nagents, const float *pos_m,
              const int16_t *floor, const int8_t *state);
  /* Takes the field sample just pushed, f->n - 1 (floor_data as
   * evac_result_fields_push's; f->first already counts it). */
  int (*fields)(void *ctx, const struct evac_result_fields *f,
                const float *const *floor_data);
};

/* Trajectories: at each sample, every agent's position and state. With a
 * sink, every sample but the last is handed to it and only the last is
 * held (so that the end of the run can still replace it). */
struct evac_result_traj {
  size_t n, cap;   /* samples; capacity of time_s */
  size_t held;     /* first sample held here: 0 without a sink */
  size_t rows_cap; /* samples the arrays below have room for */
  double *time_s;  /* [n] */
  float *pos_m;    /* [n - held][agents][2]: x, y of the cell centre, m */
  int16_t *floor;  /* [n - held][agents]: floor index (last floor when safe) */
  int8_t *state;   /* [n - held][agents]: enum evac_agent_state */
  const struct evac_result_sink *sink; /* NULL: every sample is kept */
};

/* Crossings of one measure line. */
struct evac_result_measure {
  size_t n, cap;
  double *time_s;    /* when */
  int8_t *direction; /* +1 or -1 (side of the line crossed towards) */
  int32_t *agent;    /* who */
};

/* The event log. */
struct evac_result_events {
  size_t n, cap;
  double *time_s;
  int8_t *type;    /* enum evac_event_type */
  int32_t *agent;  /* -1 if none */
  int32_t *floor;  /* -1 if none */
  int32_t *x, *y;  /* cell, -1 if none */
  int32_t *target; /* feature index, -1 if none */
};

/* Name and unit of a field quantity ("layer_height_m", "m"). */
const char *evac_field_qty_name(enum evac_field_qty q);
const char *evac_field_qty_unit(enum evac_field_qty q);

/* Field samples. A floor is stored from the first sample at which it had
 * smoke; before that (and for floors never reached) its cells hold the
 * ambient values. Walls and void are NaN. With a sink, the samples are
 * handed to it and data stays NULL. */
struct evac_result_fields {
  size_t n, cap;  /* samples */
  double *time_s; /* [n] */
  int nfloors;
  size_t *ncells;             /* [nfloors] nx * ny */
  long *first;                /* [nfloors] first stored sample, -1: none */
  float **data;               /* [nfloors * EVAC_NFQ] -> [n - first][ncells] */
  float (*ambient)[EVAC_NFQ]; /* [nfloors] values of clean cells */
  uint8_t **solid;            /* [nfloors] -> [ncells] 1 on walls and void */
  const struct evac_result_sink *sink; /* NULL: the samples are kept */
};

/* Everything a run produces. */
struct evac_result {
  int occupants;
  int evacuated;
  int incapacitated;
  int remaining;  /* occupants - evacuated - incapacitated, that is
                     trapped + not_out */
  int trapped;    /* of remaining: sheltering or with no route at the end */
  int not_out;    /* of remaining: still on their way at the end */
  int gridlocked; /* of remaining: on their way but frozen, nobody able to
                     move, when the run ended; 0 if it did not end so */
  double gridlock_time_s;        /* when that gridlock began; NaN if none */
  double evacuation_time_s;      /* last to safety; NaN if some never */
  double rset_s;                 /* last survivor to safety; NaN if none */
  double rset_p95_s;             /* 95th percentile of the survivors' times
                                    to safety; NaN if none */
  double aset_s;                 /* available safe egress time; NaN */
  double first_incapacitation_s; /* NaN if none */
  double wall_clock_s;           /* run time */
  double end_time_s;             /* simulated time at the end */
  double settled_s;              /* when the outcome was settled with people
                                    left (engine.c, settle.c): the run ended
                                    there, or went on when asked for the
                                    full duration; NaN if never */
  int full;                      /* 1: asked to simulate the full duration */
  uint64_t events_processed;     /* engine events popped */
  uint64_t smoke_cell_updates;   /* smoke cells swept, times sub-steps */
  double smoke_wall_s;           /* wall time spent in the smoke sweep */
  uint64_t seed;                 /* seed used */
  uint32_t replication;          /* replication index */
  int threads;                   /* threads used */
  struct evac_result_agents agents;
  struct evac_result_series series;
  struct evac_result_traj traj;
  int nmeasures;
  struct evac_result_measure *measures; /* [nmeasures], model order */
  struct evac_result_events events;
  struct evac_result_fields fields; /* empty (n = 0) without a fire */
  struct evac_drill *drill;         /* hospital drill report (drill.h), NULL
                                       without staff */
};

/* Appends one row to a column set (arrays grow as needed). Each returns 0,
 * or -1 out of memory (the set is then unchanged). */
int evac_result_series_push(struct evac_result_series *s, double time_s,
                            int32_t evacuated, int32_t incapacitated,
                            int32_t remaining, int32_t on_stairs,
                            double hrr_kw);
int evac_result_events_push(struct evac_result_events *e, double time_s,
                            enum evac_event_type type, int32_t agent,
                            int32_t floor, int32_t x, int32_t y,
                            int32_t target);
int evac_result_measure_push(struct evac_result_measure *m, double time_s,
                             int8_t direction, int32_t agent);

struct evac_model;

/* Prepares the empty (zeroed) field set f for the floors of m: ncells from
 * each floor's grid, solid from its walls and void (none when m has no
 * cell kinds), ambient from ambient[k * EVAC_NFQ + q] for floor k, the values
 * of clean cells (layer height = ceiling height, ambient temperature, no soot
 * or CO, the visibility cap, no dose). Returns 0, or -1 out of memory (f is
 * then zeroed). */
int evac_result_fields_init(struct evac_result_fields *f,
                            const struct evac_model *m, const float *ambient);

/* Appends the sample at time_s: floor_data[f] is EVAC_NFQ consecutive arrays
 * of ncells[f] floats (quantity-major, enum order), or NULL where floor f
 * has no smoke. A floor is stored from its first non-NULL sample on; after
 * that a NULL stores its ambient values. With a sink the sample goes to it
 * instead. Returns 0, or -1 out of memory (f is then unchanged) or when the
 * sink failed (the sample is then counted). */
int evac_result_fields_push(struct evac_result_fields *f, double time_s,
                            const float *const *floor_data);

/* Appends one trajectory sample of nagents agents (arrays copied); with a
 * sink, the sample held before is handed to it first. Returns 0, or -1
 * (memory, or the sink failed). */
int evac_result_traj_push(struct evac_result_traj *t, double time_s,
                          int nagents, const float *pos_m, const int16_t *floor,
                          const int8_t *state);

/* Drops the last trajectory sample (it must be held: t->n > t->held). */
void evac_result_traj_drop_last(struct evac_result_traj *t);

/* Name of safe place i of model m: the feature's name, "ladder" for
 * EVAC_SAFE_LADDER, "" for none. */
const char *evac_safe_place_name(const struct evac_model *m, int32_t i);

/* Zeroes r, then allocates the per-agent columns for n agents (exit_time_s
 * NaN, safe_place -1, the rest 0) and nmeasures empty measure sets; sets
 * occupants = remaining = not_out = n, nmeasures, and evacuation_time_s,
 * rset_s, rset_p95_s, gridlock_time_s, aset_s and first_incapacitation_s to
 * NaN. Returns 0, or -1 (r is then zeroed). */
int evac_result_init(struct evac_result *r, int n, int nmeasures);

/* Frees every column; r is zeroed. */
void evac_result_free(struct evac_result *r);

/* Writes r (of model m) to path atomically: path.partial, fsync, rename;
 * /summary's complete = 1 is written last. On failure nothing is left at
 * path, the partial file is removed and EVAC_ERR_IO is returned. */
enum evac_status evac_output_write(const struct evac_model *m,
                                   const struct evac_result *r,
                                   const char *path, struct evac_diag *diag);

#endif
