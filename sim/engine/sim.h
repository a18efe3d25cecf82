/* The simulation object's insides, shared by the engine (sim/engine/engine.c)
 * and the models (models/). Not part of the public interface. */
#ifndef EVAC_SIM_H
#define EVAC_SIM_H

#include <math.h>
#include <stdint.h>

#include "evacsim.h"
#include "events.h"
#include "model.h"
#include "models/fire/fire.h"
#include "models/smoke/smoke.h"
#include "result.h"
#include "rng.h"

/* Engine ticks per second: a tick is 1 ms. */
#define EVAC_TICKS_PER_S 1000

/* Seconds as engine ticks, rounded to the nearest tick. */
static inline int64_t evac_ticks(double s) {
  return (int64_t)llround(s * EVAC_TICKS_PER_S);
}

/* Movement parameters (docs/models.md gives their sources). */
#define EVAC_MAX_SPECIFIC_FLOW 1.3   /* p/(m s), doors and corridors: SFPE */
#define EVAC_STAIR_SPECIFIC_FLOW 1.0 /* p/(m s), stairs: SFPE 7/11 stairs */
#define EVAC_STAIR_MAX_DENSITY 3.5   /* p/m2 on a flight: SFPE v = 0 at 3.8 */
#define EVAC_STAIR_LANE_M 0.6        /* width of one walking lane on a stair */
#define EVAC_WEIDMANN_V0 1.34        /* m/s, Weidmann 1993: free speed */
#define EVAC_WEIDMANN_GAMMA 1.913    /* 1/m2, Weidmann 1993 */
#define EVAC_WEIDMANN_RHO_MAX 5.4    /* p/m2, Weidmann 1993: v = 0 */
#define EVAC_DENSITY_DEPTH 2         /* rows of cells ahead the law sees */
#define EVAC_DENSITY_MIN_FACTOR 0.25 /* least density speed factor */

/* Fire coupling parameters (docs/models.md gives their sources). */
#define EVAC_SMOKE_DT_S 1.0      /* fire, smoke and dose step */
#define EVAC_ROUTE_SMOKE_S 10.0  /* smoke-aware routes rebuilt this often */
#define EVAC_HEAD_STANDING_M 1.6 /* head height of people walking */
#define EVAC_HEAD_WHEELCHAIR_M 1.2
#define EVAC_HEAD_BED_M 1.0        /* patients lying on a bed or mattress */
#define EVAC_PERCEIVE_VIS_M 10.0   /* people notice smoke below this */
#define EVAC_UNTENABLE_VIS_M 5.0   /* ASET: visibility (small spaces) */
#define EVAC_UNTENABLE_TEMP_C 60.0 /* ASET: head-height temperature */
#define EVAC_SMOKE_AVERSION 10.0   /* route cost factor of untenable cells */

/* Compartment tenability for progressive horizontal evacuation
 * (docs/hospital.md gives the sources): a cell is untenable when the smoke
 * layer is below EVAC_TENAB_HEIGHT_M with a visibility under
 * EVAC_TENAB_VIS_M or a temperature over EVAC_TENAB_TEMP_C, or the layer
 * is hotter than EVAC_TENAB_RADIANT_C (radiant flux of about 2.5 kW/m2);
 * a compartment when at least EVAC_TENAB_SHARE of its cells are, or the
 * cell of somebody waiting in it is. */
#define EVAC_TENAB_HEIGHT_M 1.8
#define EVAC_TENAB_VIS_M 10.0
#define EVAC_TENAB_TEMP_C 60.0
#define EVAC_TENAB_RADIANT_C 200.0
#define EVAC_TENAB_SHARE 0.5

/* Event classes, in the order they run at equal ticks. */
enum evac_event_class {
  EVAC_EVC_SAMPLE = 0,   /* record time series and trajectories */
  EVAC_EVC_SMOKE = 1,    /* advance fire, smoke and doses */
  EVAC_EVC_TIMELINE = 2, /* apply a timeline entry (id = its index) */
  EVAC_EVC_AGENT = 3,    /* an agent acts (id = agent) */
};

/* What an agent's next event means. */
enum evac_agent_phase {
  EVAC_PHASE_PREMOVE = 0, /* waiting for its start time */
  EVAC_PHASE_DECIDE,      /* on a cell, choosing the next move */
  EVAC_PHASE_MOVING,      /* moving into agent.cell from agent.prev_cell */
  EVAC_PHASE_FLIGHT,      /* on a stair flight */
  EVAC_PHASE_DONE,        /* safe, incapacitated or stuck for good */
  EVAC_PHASE_TASK,        /* a behaviour task (staff, patient) is due */
};

/* Who an agent is to the hospital behaviour model. */
enum evac_agent_role {
  EVAC_ROLE_OCCUPANT = 0, /* moves by itself */
  EVAC_ROLE_STAFF,        /* moves patients who need staff */
  EVAC_ROLE_PATIENT,      /* cannot move without staff */
  EVAC_ROLE_DEFENDED,     /* stays where it is (defend in place) */
};

/* One occupant. */
struct evac_agent {
  int32_t cell;         /* cell held (target cell while moving); -1 on a flight
                           or when safe */
  int32_t prev_cell;    /* cell being left while moving, else -1 */
  int32_t last_cell;    /* last cell stood on (for positions) */
  uint32_t gen;         /* bumped at each action: older events are stale */
  int8_t phase;         /* enum evac_agent_phase */
  int8_t state;         /* enum evac_agent_state, for trajectories */
  int8_t needs_staff;   /* 1 if it cannot move without staff */
  int8_t role;          /* enum evac_agent_role */
  int8_t shelter;       /* 1: shelters from smoke, awaiting rescue */
  int8_t held;          /* 1 while counted in s->nstuck: waits for staff,
                           or defends in place (evac_sim_agent_hold) */
  int64_t landed;       /* tick it stepped onto a stair landing */
  int64_t since;        /* tick it came (or, moving, comes) to stand where it
                           is (evac_sim_schedule_queued) */
  int16_t field;        /* which target field it follows */
  int32_t know;         /* 0: knows the building as planned, 1: as it is */
  int32_t flight;       /* flight it is on, or -1 */
  int32_t lane;         /* its lane on that flight */
  int8_t flight_half;   /* on a flight: 0 walking its first half, 1 its
                           second (ca.c) */
  int64_t flight_t0;    /* tick it stepped onto that flight */
  double flight_h1_s;   /* time its first half takes unhindered, s */
  double speed;         /* free speed on the flat, m/s */
  double down, up;      /* stair speed factors */
  double smoke_factor;  /* speed factor of the smoke it is in (1: clear) */
  double fed;           /* dose so far */
  int64_t rad_tick;     /* tick up to which its radiant dose is in fed
                           (evac_sim_flame_dose) */
  double fed_threshold; /* incapacitation dose */
  double head_m;        /* head height above the floor */
  struct evac_rng rng;  /* movement choices */
};

/* A stair flight in one direction between two consecutive served floors of
 * a stair: parallel walking lanes in which nobody overtakes, an entry
 * headway (the stair's flow cap) and a capacity (its density cap). */
struct evac_flight {
  int stair;            /* stair index */
  int from_k, to_k;     /* indices into the stair's floors */
  double length_m;      /* walking length */
  int64_t headway;      /* ticks between entries onto the flight */
  int64_t lane_headway; /* ticks between arrivals in one lane */
  int capacity;         /* people on the flight at most */
  int count;            /* people on it now */
  int nlanes;           /* lanes: width / EVAC_STAIR_LANE_M, at least 1 */
  int64_t *lane_tail;   /* [3][nlanes]: for the last to enter each lane, the
                           tick it was expected to arrive on entry ([0]);
                           for the last to reach the middle of each lane,
                           the tick it did ([1]) and the tick it arrives
                           ([2]) */
  int64_t next_entry;   /* earliest tick of the next entry */
};

/* Floor fields: for the building as planned (slot 0) and as it is now
 * (slot 1, with the timeline's closures), and for each target set, the
 * travel cost (m, raised in smoke) from every node to the nearest open
 * target; INFINITY if none can be reached. Nodes are the cells, then one
 * node per (stair, served floor). */
struct evac_fields {
  int ntargets;    /* target sets: 0 = every safe place, then one per
                      group target */
  int32_t *target; /* [ntargets] feature index, -1 for set 0 */
  double **dist;   /* [2 * ntargets][nnodes] */
  uint8_t **pass;  /* [2 * ntargets][ncells] passable cells of each field
                      at its last build (closures and lost refuges change
                      only with a build) */
  uint8_t *mark;   /* [nnodes] scratch marks of evac_fields_update, 0 */
  int shared;      /* 1 while nothing is closed: slot 1's dist and pass are
                      slot 0's arrays (the same fields, updated once) */
};

/* The simulation. */
struct evac_sim {
  const struct evac_model *m;
  struct evac_run_opts opts;
  struct evac_events events; /* the event queue */
  int64_t now;               /* current tick */
  int64_t end;               /* duration in ticks */
  int64_t pending;           /* agent and timeline events in the queue */

  /* grid state */
  size_t nnodes;        /* cells + stair nodes */
  int *stair_node;      /* [nstairs] index of the first node of a stair */
  int *stair_k;         /* [nstairs * nfloors] served-floor index, -1 */
  int *landing_off;     /* [nstair nodes + 1] CSR offsets into landings */
  int32_t *landings;    /* landing cells of each stair node */
  int16_t *cell_floor;  /* [ncells] floor of each cell */
  int32_t *occ;         /* [ncells] agent on a cell, -1 if free */
  int64_t *next_entry;  /* [ncells] earliest tick a cell may be entered */
  uint8_t *closed;      /* [nnodes] 1 if closed by the timeline */
  int16_t *measure_of;  /* [ncells] measure line through a cell, -1 */
  int64_t cell_headway; /* ticks between entries into one cell */

  /* waiting lists: slots are cells, then flights */
  int32_t *wait_head;  /* [ncells + nflights] first waiter node, -1 */
  int32_t *wait_next;  /* waiter node -> next */
  int32_t *wait_agent; /* waiter node -> agent */
  uint32_t *wait_gen;  /* waiter node -> agent generation */
  int32_t wait_free;   /* free list of waiter nodes */
  int32_t wait_cap;    /* waiter nodes allocated */

  int32_t *queue_now;     /* [stair nodes] people on each landing now */
  int32_t *queue_max;     /* [nstairs] most on one of its landings at once */
  double *queue_wait_max; /* [nstairs] longest time on a landing before
                             entering a flight, s */

  int nflights;
  struct evac_flight *flights;
  int *flight_of; /* [2 * nstair nodes] flight leaving a stair node
                     downwards (even) / upwards (odd), or -1 */

  struct evac_fields fields;

  int nagents;
  struct evac_agent *agents;
  int nsafe;          /* agents safe now (evac_sim_agent_safe) */
  int nincap;         /* agents incapacitated (evac_sim_agent_incapacitate) */
  int nstuck;         /* agents held: waiting for staff or defending in place */
  int non_stairs;     /* agents on flights now */
  int64_t idle_since; /* tick at which no agent or timeline event was left
                         while people were on their way (a gridlock), or
                         -1 */
  int32_t *trapped;   /* agents with no route, woken by the timeline */
  int ntrapped;

  /* fire */
  int has_fire;
  struct evac_fire fire;
  struct evac_smoke *smoke; /* the lead's, if lead is set */
  struct evac_sim *lead;    /* the simulation whose fire and smoke this one
                               follows (evac_run_opts.smoke_of), or NULL */
  float *smoke_cost;        /* [nnodes] route cost factor, 1 in clear air */
  int64_t alarm;            /* tick of the alarm, INT64_MAX until known */
  int alarmed;              /* 1 once the waiting agents were scheduled */
  int64_t next_route;       /* tick of the next smoke-aware route rebuild */
  int64_t next_fields;      /* tick of the next field sample */
  float *field_buf;         /* one field sample of every smoky floor */
  int64_t next_sample;
  double hrr_peak_sampled; /* largest heat release of the samples before the
                              last one (kept in lean runs too), kW */
  double hrr_last_sampled; /* heat release of the last sample, kW */
  uint8_t *smoke_reach;    /* [ncells + nfloors] 1 for each cell the fire's
                              smoke can ever enter, then for each floor with
                              such a cell (settle.c); NULL until first used */

  /* [nfloors] 1 if a cell of the floor may have a smoke cost other than 1
   * (0: all cost 1) */
  uint8_t *cost_raised;

  /* [ncells] route cost factor of the gas alone at gas_tick on the floors
   * with smoke, worked out once for a group (coupling.c): a lead's, NULL
   * until first used */
  float *gas_cost;
  int64_t gas_tick; /* the tick gas_cost was worked out at */

  struct evac_tenab *tenab; /* compartment tenability (fire runs), or NULL */
  uint8_t *unsafe; /* [ncells] 1: a refuge cell of an untenable compartment
                      or of a full refuge (walkable, no longer a safe
                      place); NULL if none */
  double *refuge_cap_m2;  /* [nfeatures] area of each refuge, m^2 (refuge
                             capacity by area), NULL until first used */
  double *refuge_used_m2; /* [nfeatures] area taken in each refuge, m^2 */

  const struct evac_behaviour_ops *behaviour; /* staff model, or NULL */
  struct evac_care *care;                     /* its state */

  struct evac_result res;
  double wall_start;
  double last_progress;   /* wall time of the last progress line */
  int64_t last_sample;    /* tick of the last sample, -1 none */
  struct evac_event held; /* the smoke event a grouped run stopped at */
};

/* --------------------------------------------------- engine services */

/* Schedules an agent's next event at tick t (stale ones are dropped).
 * Returns 0, or -1 out of memory. */
int evac_sim_schedule_agent(struct evac_sim *s, int agent, int64_t t);

/* The same for an agent waiting in a queue (for a freed cell or flight
 * place, or a flight's next entry): at tick t the queued act before the
 * others, the one waiting longest (earliest since) first, then by id
 * (first come, first served). Returns 0, or -1 out of memory. */
int evac_sim_schedule_queued(struct evac_sim *s, int agent, int64_t t);

/* Adds agent as a waiter on slot (a cell, or ncells + flight); it is woken
 * (scheduled now, queued) when the slot frees. Returns 0 or -1. */
int evac_sim_wait(struct evac_sim *s, int agent, int32_t slot);

/* Wakes every waiter of slot. Returns 0 or -1. */
int evac_sim_wake(struct evac_sim *s, int32_t slot);

/* Logs an event of the current tick. Returns 0 or -1. */
int evac_sim_log(struct evac_sim *s, enum evac_event_type type, int agent,
                 int floor, int x, int y, int target);

/* Sounds the alarm: every agent still waiting for it is scheduled at the
 * alarm time + its pre-movement time. Returns 0 or -1. */
int evac_sim_sound_alarm(struct evac_sim *s);

/* The dose step of EVAC_SMOKE_DT_S (coupling.c), once the fire and the
 * smoke have taken theirs: each person's dose and perception, rescue,
 * tenability, route costs and field samples. Returns 0 or -1. */
int evac_sim_smoke_step(struct evac_sim *s);

/* The fire and the smoke alone over one step of EVAC_SMOKE_DT_S
 * (coupling.c): what evac_sim_run_group advances before each run's dose
 * step, once for the whole group (a run alone is a group of one). 0, or
 * -1. */
int evac_sim_physics_step(struct evac_sim *s);

/* Speed factor (Frantzich & Nilsson, models/tox) of smoke of extinction k
 * (1/m) at cell c, with its floor's extinction scaling (coupling.c). */
double evac_sim_speed_factor(const struct evac_sim *s, int32_t c, double k);

/* Speed factor (Frantzich & Nilsson, models/tox) of the smoke at height
 * head_m above cell c, with the floor's extinction scaling (coupling.c);
 * 1 without a fire. */
double evac_sim_smoke_factor(const struct evac_sim *s, int32_t c,
                             double head_m);

/* 1 if a person standing on cell c (a walkable cell) is in untenable
 * conditions by the route model's test (visibility under
 * EVAC_UNTENABLE_VIS_M, head temperature over EVAC_UNTENABLE_TEMP_C or the
 * flames' radiant flux at head height over EVAC_RAD_DOSE_MIN_KW_M2);
 * 0 without a fire. */
int evac_sim_untenable(const struct evac_sim *s, int32_t c);

/* Radiant heat flux (kW/m2) of the fire's flames at height head_m above
 * cell c (radiant.c): the point source (models/fire/flame.h) seen along a
 * straight line on the fire's floor; 0 off that floor, out of sight of
 * the fire's cell, without a fire, and where it would be at most
 * EVAC_RAD_DOSE_MIN_KW_M2 (no dose, tenable). */
double evac_sim_flame_flux(const struct evac_sim *s, int32_t c, double head_m);

/* Adds to agent a's dose the flames' radiant dose at the cell it holds
 * (or last stood on) from its rad_tick to now, and moves rad_tick to now
 * (radiant.c). Called at each dose step and whenever the agent steps into
 * another cell, so that its radiant dose is each cell's dose rate times
 * the time it held that cell: near the flames the flux changes several
 * times over a metre, more than one sample a dose step can follow.
 * Returns the flux (kW/m2, as evac_sim_flame_flux) at that cell. */
double evac_sim_flame_dose(struct evac_sim *s, int a);

/* Distance (m) from the centre of the flames within which their radiant
 * flux exceeds EVAC_RAD_DOSE_MIN_KW_M2 (radiant.c); 0 without a fire. */
double evac_sim_flame_reach(const struct evac_sim *s);

/* 1 if a diagonal step from cell c by (dx, dy) cuts no corner: both cells
 * beside it, (c + dx) and (c + dy rows), are walkable and open. */
static inline int evac_sim_corner_open(const struct evac_sim *s, int32_t c,
                                       int dx, int dy) {
  const struct evac_model *m = s->m;
  int32_t a1 = c + dx, a2 = c + dy * m->floors[s->cell_floor[c]].nx;
  return evac_cell_walkable(m->cell_kind[a1]) &&
         evac_cell_walkable(m->cell_kind[a2]) && !s->closed[a1] &&
         !s->closed[a2];
}

/* Floor of a cell, and its x, y (inline: the route updates ask it of
 * every node they look at). */
static inline void evac_sim_cell_xy(const struct evac_sim *s, int32_t cell,
                                    int *floor, int *x, int *y) {
  const struct evac_model *m = s->m;
  int f = s->cell_floor[cell];
  size_t i = (size_t)cell - m->floors[f].offset;
  *floor = f;
  *x = (int)(i % (size_t)m->floors[f].nx);
  *y = (int)(i / (size_t)m->floors[f].nx);
}

/* The field an agent follows (by what it knows of the building). */
const double *evac_sim_field(const struct evac_sim *s, int agent);

/* ------------------------------------- agent-state transitions (agent.c) */

/* 1 if agent a is safe or incapacitated: no transition applies to it any
 * more (it is never moved, fetched or counted again). */
int evac_sim_agent_final(const struct evac_sim *s, int a);

/* 1 if a staff member is still at work (not safe, incapacitated, trapped
 * or sheltering): a patient waiting for staff may still be fetched, so
 * counts as not out rather than trapped. */
int evac_sim_staff_at_work(const struct evac_sim *s);

/* Agent a starts (on 1) or stops (on 0) being held: counted in s->nstuck,
 * waiting for staff or defending in place. Nothing if it already is. */
void evac_sim_agent_hold(struct evac_sim *s, int a, int on);

/* Agent a reached safety at cell at: place is the feature index of the exit
 * or refuge, or EVAC_SAFE_LADDER. Frees the cell it held (waking its
 * waiters), counts it, sets its exit time and safe place, logs it and tells
 * the behaviour model. Nothing for an agent already safe or incapacitated.
 * Returns 0 or -1 (memory). */
int evac_sim_agent_safe(struct evac_sim *s, int a, int32_t at, int place);

/* Agent a, safe in a refuge given up (its compartment was lost, or staff
 * called back), stands on the free cell c again, not safe: the count, exit
 * time and safe place are undone. Returns 1, or 0 if it was not safe or c
 * is taken (nothing changes). */
int evac_sim_agent_leave_safety(struct evac_sim *s, int a, int32_t c);

/* Agent a is incapacitated: it stops where it is (a body on the floor still
 * fills its cell; a cell being left or a flight place is freed), is counted
 * once, logged, and the behaviour model releases whoever was serving it.
 * Nothing for an agent already safe or incapacitated. 0 or -1 (memory). */
int evac_sim_agent_incapacitate(struct evac_sim *s, int a);

/* Agent a, standing on a cell, has no route to any safe place it knows of:
 * it stops (state stuck), joins the list the timeline wakes when a feature
 * opens, and is logged as trapped. 0 or -1 (memory). */
int evac_sim_agent_trap(struct evac_sim *s, int a);

/* ------------------------------------------- density and speed */

/* People per m2 on the walkable cells ahead of agent a as it steps from
 * cell from to the neighbour cell to (models/movement/density.c). */
double evac_density_ahead(const struct evac_sim *s, int a, int32_t from,
                          int32_t to);

/* Walking speed factor at density rho (p/m2): Weidmann's v(rho) over the
 * speed exclusion and the flow cap already allow, min(v0, Fs / rho);
 * exactly 1 at rho = 0, never below EVAC_DENSITY_MIN_FACTOR. */
double evac_density_factor(double rho);

/* ----------------------------------------------------- floor fields */

/* (Re)builds field slot 0 (the building as planned) or 1 (with the
 * current closures, s->closed), with the smoke costs. Returns 0 or -1. */
int evac_fields_build(struct evac_sim *s, int slot);

/* Brings field slot, built before, up to date after the smoke costs of the
 * nchanged cells listed in changed changed; the result is identical to
 * evac_fields_build's, recomputing only the nodes whose distance rested on
 * a changed cost. Returns 0 or -1. */
int evac_fields_update(struct evac_sim *s, int slot, const int32_t *changed,
                       size_t nchanged);

/* Frees the fields. */
void evac_fields_free(struct evac_fields *f);

/* Stair queues: an agent stepped onto (enter 1) or off (enter 0) a
 * landing cell c; off onto a flight counts its wait there. */
void evac_sim_landing(struct evac_sim *s, int agent, int32_t c, int enter,
                      int onto_flight);

/* ------------------------------------------------- outside rescue */

/* At the end of each ladder cycle after the brigade's arrival, takes one
 * stuck person out through a window (models/behaviour/rescue.c); called every
 * smoke step. Returns 0 or -1 (memory). */
int evac_rescue_step(struct evac_sim *s);

/* 1 if a ladder may still take someone out: the brigade will come (or
 * came) and someone waits where a ladder reaches. */
int evac_rescue_possible(const struct evac_sim *s);

/* ------------------------------------------------------- shelter */

/* Whether occupant a, with cell v next on its route, should shelter
 * instead (models/behaviour/shelter.c): 1 if, standing in tenable air (or
 * sheltering already), with v untenable (or sheltering already), walking
 * the route through the smoke as it is now would incapacitate it (it draws
 * back, evac_shelter_retreat); else 2 if someone sheltering who is not
 * coming its way holds v (it queues behind them and waits where it
 * stands); else 0. */
int evac_shelter_needed(const struct evac_sim *s, int a, int32_t v);

/* Agent a starts sheltering (logged as trapped; who waits for its cell
 * looks again); nothing if it already does. Returns 0 or -1 (memory). */
int evac_shelter_begin(struct evac_sim *s, int a);

/* The free neighbour cell on sheltering agent a's way to the cell of its
 * floor furthest from the nearest untenable cell (walking distance) that
 * it reaches through tenable cells, or -1 (it stays); *step the length of
 * that step, m. */
int32_t evac_shelter_retreat(const struct evac_sim *s, int a, double *step);

/* After a route rebuild: everyone sheltering and waiting looks again.
 * Returns 0 or -1 (memory). */
int evac_shelter_step(struct evac_sim *s);

/* ------------------------------------------------------- movement */

/* A movement model: how agents choose and make moves. */
struct evac_movement_ops {
  const char *name;
  /* Acts for an agent whose event came due. Returns 0 or -1 (memory). */
  int (*act)(struct evac_sim *s, int agent);
};

/* The event-driven floor-field cellular automaton (docs/models.md). */
extern const struct evac_movement_ops evac_movement_ca;

/* ----------------------------------------------------------- lifts */

/* Lift timings (docs/hospital.md gives their sources). */
#define EVAC_LIFT_DOOR_S 10.0 /* a stop: doors open, dwell, close */
#define EVAC_LIFT_BED_S 20.0  /* wheeling a bed in, or out */

struct evac_lifts; /* fire lifts as servers (models/movement/lift.c) */

/* Creates the lifts' state: every car waits at its discharge floor (fire
 * lifts are recalled there at the alarm). NULL out of memory. */
struct evac_lifts *evac_lifts_create(const struct evac_sim *s);

/* Finds the fire lift a bed on cell from should take: in service (not
 * failed, its cells on from's floor not closed by the timeline), with a bed
 * slot, serving from's floor and a lower discharge floor. dist holds the
 * walking distances over from's floor (index relative to the floor's first
 * cell). Sets *lobby (the nearest cell beside the lift) and *walk_m.
 * Returns the lift, or -1. */
int evac_lifts_pick(const struct evac_sim *s, const struct evac_lifts *l,
                    int32_t from, const double *dist, int32_t *lobby,
                    double *walk_m);

/* Books a bed trip of lift i from the floor of lobby cell lobby, asked at
 * the current tick: the car comes, loads, rides to the discharge floor and
 * unloads, first come first served. Returns the tick the bed is out of the
 * car there and sets *out (the discharge floor's lobby cell). */
int64_t evac_lifts_book(struct evac_sim *s, struct evac_lifts *l, int i,
                        int32_t lobby, int32_t *out);

/* Expected time (s) from now until a bed reaching lobby cell lobby in
 * walk_s seconds would be out of lift i at the discharge floor (queue,
 * car travel, stops and ride), were it booked then. */
double evac_lifts_eta_s(const struct evac_sim *s, const struct evac_lifts *l,
                        int i, int32_t lobby, double walk_s);

/* Time (s) for staff at the safe place nearest lift i's discharge lobby
 * to ride it up to the floor of lobby cell lobby, walking at speed m/s: the
 * walk to the lobby, two stops and the ride (staff ride with the empty car
 * that comes for the next bed). */
double evac_lifts_staff_s(const struct evac_sim *s, const struct evac_lifts *l,
                          int i, int32_t lobby, double speed);

/* Trips, longest wait (s) and longest queue (beds waiting) of lift i. */
void evac_lifts_stats(const struct evac_lifts *l, int i, int *trips,
                      double *wait_max_s, int *queue_max);

/* Frees the lifts' state (NULL is allowed). */
void evac_lifts_free(struct evac_lifts *l);

/* ------------------------------------------------------- behaviour */

struct evac_care; /* the staff model's state (models/behaviour) */

/* A behaviour model: what staff do and how patients are moved. */
struct evac_behaviour_ops {
  const char *name;
  /* Creates the state once the agents are placed (s->care). 0 or -1. */
  int (*init)(struct evac_sim *s);
  /* 1 if the agent's due event is the behaviour model's to handle. */
  int (*owns)(const struct evac_sim *s, int agent);
  /* Acts for such an agent. Returns 0 or -1 (memory). */
  int (*act)(struct evac_sim *s, int agent);
  /* The footprint of a moving unit longer than a cell (a bed): agent
   * stepped off cell from; returns 1 if the unit still covers it (the
   * model frees the older cells itself, waking their waiters), 0 if it is
   * free now, -1 out of memory. from = -1 frees the whole footprint (the
   * unit enters a flight). */
  int (*footprint)(struct evac_sim *s, int agent, int32_t from);
  /* An agent reached safety (evac_sim_agent_safe calls it). 0 or -1. */
  int (*safe)(struct evac_sim *s, int agent);
  /* An agent was incapacitated (evac_sim_agent_incapacitate calls it): a
   * patient's team and a staff member's place in a team are released.
   * 0 or -1. */
  int (*incapacitated)(struct evac_sim *s, int agent);
  /* Copies what the drill report needs into s->res.drill. 0 or -1. */
  int (*report)(struct evac_sim *s);
  /* Frees the state. */
  void (*free)(struct evac_care *c);
};

/* Hospital staff: allocation, preparation, escort, return
 * (models/behaviour/staff.c, docs/hospital.md). */
extern const struct evac_behaviour_ops evac_behaviour_staff;

/* Area a person takes in a refuge, m^2 (docs/hospital.md, "Refuge
 * capacity": assumed): standing, on a bed or mattress, in a chair. */
#define EVAC_REFUGE_PERSON_M2 0.5
#define EVAC_REFUGE_BED_M2 2.5
#define EVAC_REFUGE_CHAIR_M2 1.26

/* Agent a reached refuge cell c (models/behaviour/refuge.c): 1 if it is
 * admitted (or refuges are unlimited), 0 if the refuge is full (it is then
 * closed and the fields rebuilt: the agent goes on), -1 out of memory. */
int evac_refuge_admit(struct evac_sim *s, int a, int32_t c);

/* Agent a stays at cell c without being moved there (staff after their
 * last hand-over): it takes its area if c is a refuge. 0 or -1. */
int evac_refuge_stay(struct evac_sim *s, int a, int32_t c);

/* Agent a, safe in refuge feature, leaves it (called back): its area is
 * free again. 0 or -1. */
int evac_refuge_leave(struct evac_sim *s, int a, int feature);

/* Patient p (back on the grid, not safe) waits for a new team: its
 * compartment became untenable. 0 or -1. */
int evac_care_rewait(struct evac_sim *s, int p);

/* Staff member a (back on the grid at its cell, not safe) takes on its
 * next patient or walks out. 0 or -1. */
int evac_care_resume(struct evac_sim *s, int a);

/* ------------------------------------------------------ tenability */

struct evac_tenab; /* compartments and their state
                      (models/behaviour/tenability.c) */

/* Finds the compartments of s's plan: a region's named compartment, else
 * the walkable area enclosed by walls and fire doors. NULL out of memory. */
struct evac_tenab *evac_tenab_create(const struct evac_sim *s);

/* Under a horizontal or defend-in-place strategy in a fire run, once the
 * agents are placed: the refuges of the fire's compartment stop being safe
 * places (still walkable), so that people go to a refuge of another
 * compartment; who cannot reach one turns to the exits (stage 3). Nothing
 * without a fire. 0 or -1. */
int evac_tenab_avoid_fire(struct evac_sim *s);

/* Evaluates, at a smoke step, the compartments where people wait (in a
 * refuge, or defending in place); a compartment that became untenable
 * stays so, and its people move on: to a refuge of a tenable compartment
 * (stage 2), or, with none reachable, to an exit (stage 3). 0 or -1. */
int evac_tenab_step(struct evac_sim *s);

/* 1 if, under a horizontal or defend-in-place strategy, people were
 * waiting in a refuge of a tenable compartment at the last smoke step: the
 * run goes on while they may still have to move on. */
int evac_tenab_watching(const struct evac_sim *s);

/* Frees the state (NULL is allowed). */
void evac_tenab_free(struct evac_tenab *t);

#endif
