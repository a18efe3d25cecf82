/* The model: a building plan and a scenario, parsed and validated, in the
 * form the engine uses. Loaders (plan.c, scenario.c) fill it; the engine and
 * the models only read it. Cells of all floors live in one array: the cell
 * (x, y) of floor f has index floors[f].offset + y * floors[f].nx + x. */
#ifndef EVAC_MODEL_H
#define EVAC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "evacsim.h"

/* ------------------------------------------------------------------ plan */

/* What a cell is. */
enum evac_cell_kind {
  EVAC_CELL_VOID = 0,  /* outside, not walkable (space) */
  EVAC_CELL_WALL,      /* '#' */
  EVAC_CELL_FLOOR,     /* '.' */
  EVAC_CELL_EXIT,      /* 'E' or a legend exit: safe place outside */
  EVAC_CELL_DOOR,      /* 'D' or a legend door: open passage */
  EVAC_CELL_FIRE_DOOR, /* 'F' or a legend fire door: passable by people */
  EVAC_CELL_REFUGE,    /* 'R' or a legend refuge: safe place inside */
  EVAC_CELL_STAIR,     /* a stair landing (legend) */
  EVAC_CELL_SHAFT,     /* a service shaft (legend): not walkable */
  EVAC_CELL_LIFT,      /* a lift shaft (legend): not walkable in this version */
  EVAC_CELL_OBSTACLE,  /* stored goods, an e-bike (hazards): blocks people,
                          not smoke */
};

/* Kinds of named features. */
enum evac_feature_kind {
  EVAC_FEAT_EXIT = 0,
  EVAC_FEAT_REFUGE,
  EVAC_FEAT_DOOR,
  EVAC_FEAT_FIRE_DOOR,
  EVAC_FEAT_STAIR,
  EVAC_FEAT_SHAFT,
  EVAC_FEAT_LIFT,
};

/* A storey. Floors are in plan order, elevations strictly increasing. */
struct evac_floor {
  char *name;         /* "1", "B1", ... */
  double elevation_m; /* floor level */
  double height_m;    /* floor to ceiling */
  int nx, ny;         /* grid columns and rows */
  size_t offset;      /* index of cell (0, 0) in the model's cell arrays */
};

/* A named feature: an exit, refuge, door, fire door, stair, shaft or lift.
 * Unnamed touching 'E' cells form exits "exit-1", "exit-2", ... and unnamed
 * touching 'R' cells refuges "refuge-1", ... in reading order (floor by
 * floor, row by row); unnamed 'D' and 'F' cells belong to no feature. */
struct evac_feature {
  char *name;                  /* unique among features */
  enum evac_feature_kind kind; /* what it is */
  int index;                   /* stairs/shafts/lifts: index in that array */
  char *elevated; /* exits: why the exit may stand above the ground floor
                     (the plan's "exits"), or NULL */
};

/* A stair: landings are its cells on each floor it serves; consecutive
 * served floors (plan order) are joined by a flight. */
struct evac_stair {
  int feature;            /* index in features */
  double width_m;         /* clear width of a flight */
  double flight_length_m; /* walking length of one flight, floor to floor */
  int nfloors;            /* floors served */
  int *floors;            /* their indices, increasing */
};

/* A vertical shaft (cable, pipe, ventilation); used by the smoke model. */
struct evac_shaft {
  int feature;    /* index in features */
  char *kind;     /* "cable", "pipe", ... */
  double area_m2; /* cross-section */
  int unsealed;   /* 1 if its slab penetrations are not fire-stopped */
};

/* A lift; used by the hospital behaviour model. */
struct evac_lift {
  int feature;   /* index in features */
  int fire_lift; /* 1 for a fire (evacuation) lift */
  int capacity;  /* persons */
  int beds;      /* bed slots */
  double speed_m_s;
  int failed; /* 1: out of service (hazard fire_lift_failed) */
};

/* A named region: a room, ward or smoke compartment part. */
struct evac_region {
  char *name;        /* unique */
  int floor;         /* floor index */
  int rect[4];       /* x0, y0, x1, y1 inclusive, inside the floor's grid */
  char *kind;        /* "ward", "room", ... (free text, may be NULL) */
  char *compartment; /* smoke compartment name (may be NULL) */
};

/* A measure line: crossings are recorded. */
struct evac_measure {
  char *name;  /* unique */
  int floor;   /* floor index */
  int line[4]; /* x0, y0, x1, y1, inside the floor's grid */
};

/* Fire protection systems of a plan ("systems"; docs/formats.md). */
struct evac_systems {
  int sprinklers;             /* 1 if the floors listed have sprinklers */
  uint8_t *sprinkler_floor;   /* [nfloors] 1 where sprinklered */
  double spr_rti;             /* response time index, (m s)^1/2 */
  double spr_activation_c;    /* link activation temperature */
  double spr_r_m;             /* fire-to-head radial distance */
  double spr_density_mm_s;    /* spray density (Evans decay) */
  int detectors;              /* 1 if there are detectors */
  uint8_t *detector_floor;    /* [nfloors] 1 where detectors are */
  double det_rti;             /* detector RTI, (m s)^1/2 */
  double det_activation_dt_c; /* rise above ambient that trips it */
  double det_r_m;             /* fire-to-detector radial distance */
  double exhaust_m3_s;        /* mechanical smoke exhaust per floor */
  uint8_t *exhaust_floor;     /* [nfloors] 1 where exhaust runs */
  double *extinction_floor;   /* [nfloors] factor on the smoke's extinction
                                 coefficient for walking speed: 8/3 where
                                 the emergency lighting failed (hazards.c),
                                 else 1 */
  uint8_t *grilles_floor;     /* [nfloors] 1 where grilles bar the windows
                                 (hazards.c): no ladder rescue there */
  double stair_pressure_pa;   /* stair pressurisation, 0 if none */
  double brigade_arrival_s;   /* fire brigade attack starts (from ignition)*/
  double micro_station_s;     /* in-house first attack, INFINITY if none */
  int water;                  /* 1 if hydrants give water at pressure */
  double ambient_c;           /* ambient (inside) temperature */
  double outside_c;           /* outside temperature (stack effect) */
};

/* How a fire grows. */
enum evac_growth {
  EVAC_GROWTH_ALPHA = 0, /* Q = alpha t^2 up to peak_kw */
  EVAC_GROWTH_STEADY,    /* Q = peak_kw from t = 0 */
  EVAC_GROWTH_CURVE,     /* piecewise-linear [t, kW] points */
};

/* A fire: the scenario's "fire", or one of its weighted "fires". */
struct evac_fire_spec {
  int floor; /* floor index */
  int x, y;  /* cell */
  enum evac_growth growth;
  double alpha_kw_s2; /* EVAC_GROWTH_ALPHA */
  double peak_kw;     /* cap (and the steady value) */
  int ncurve;         /* EVAC_GROWTH_CURVE points */
  double *curve_t_s, *curve_kw;
  int fuel;      /* index into evac_fuels (sim/input/fuel.c) */
  double weight; /* ignition scenario weight ("fires") */
};

/* -------------------------------------------------------------- scenario */

/* An occupant profile: built-in or from the scenario's "profiles". */
struct evac_profile {
  char *name;                         /* "adult", ... or the scenario's key */
  struct evac_dist speed_m_s;         /* free walking speed on the flat */
  struct evac_dist premovement_s;     /* from the alarm to starting to move */
  struct evac_dist stair_down_factor; /* stair speed = factor x speed */
  struct evac_dist stair_up_factor;
  struct evac_dist fed_threshold; /* incapacitation dose */
  int needs_staff;                /* 1: cannot move without staff */
  char *device;                   /* "bed", "wheelchair", ... or NULL */
  int staff_needed;               /* staff who move one such patient */
  struct evac_dist prepare_s;     /* staff preparing the patient to move */
};

/* An occupant group: count people of one profile placed at random on the
 * free floor cells of a rectangle. */
struct evac_group {
  int profile; /* index in profiles */
  int count;   /* people */
  int floor;   /* floor index */
  int rect[4]; /* x0, y0, x1, y1 inclusive */
  int region;  /* index in regions, or -1 when given as floor + rect */
  int target;  /* feature index of the only exit/refuge they use, or -1 */
  int staff;   /* 1: a "staff" group (hospital staff who move patients) */
  int source;  /* index in the scenario's "occupants" or "staff" array */
};

/* Where people without a group "exit" go (docs/hospital.md). */
enum evac_strategy {
  EVAC_STRATEGY_NEAREST = 0, /* the nearest safe place, exit or refuge */
  EVAC_STRATEGY_VERTICAL,    /* full evacuation: exits only */
  EVAC_STRATEGY_HORIZONTAL,  /* progressive horizontal: refuges only */
  EVAC_STRATEGY_DEFEND,      /* defend in place: only the fire's compartment
                                moves (to refuges), the others stay */
};

/* Smoke transport of the upper layer (scenario "smoke": {"model": ...},
 * docs/models.md § Smoke). */
enum evac_smoke_model {
  EVAC_SMOKE_LAYER = 0, /* "layer": gravity-current spread */
  EVAC_SMOKE_MOMENTUM,  /* "momentum": shallow-water layer velocities (the
                           scenario default) */
};

/* The scenario name of smoke transport model ("layer", "momentum"). */
const char *evac_smoke_model_name(enum evac_smoke_model model);

/* Target sets of the floor fields besides a single feature (>= 0). */
#define EVAC_TARGET_ALL (-1)     /* every exit and refuge */
#define EVAC_TARGET_EXITS (-2)   /* every exit */
#define EVAC_TARGET_REFUGES (-3) /* every refuge */

/* How staff choose the next patient (docs/hospital.md). */
enum evac_allocation {
  EVAC_ALLOC_NEAREST = 0, /* the nearest patient waiting for staff */
  EVAC_ALLOC_TRIAGE,      /* the fire's room, compartment, floor first */
};

/* What a timeline event does. */
enum evac_action {
  EVAC_ACT_CLOSE = 0, /* close a door, exit, refuge or stair */
  EVAC_ACT_OPEN,      /* re-open it */
  EVAC_ACT_ALARM,     /* sound the alarm (drills): feature -1 */
};

/* A scripted drill event. */
struct evac_timeline_event {
  double t_s;              /* when */
  enum evac_action action; /* what */
  int feature;             /* on which named feature */
  int nfloors;             /* floors it applies to; 0 = all */
  int *floors;             /* floor indices */
};

/* 1 if timeline event e applies to floor f. */
static inline int evac_timeline_on_floor(const struct evac_timeline_event *e,
                                         int f) {
  int on = e->nfloors == 0;
  for (int j = 0; j < e->nfloors; j++)
    on |= e->floors[j] == f;
  return on;
}

/* Hazard types: the catalogue of docs/hazards.md, in its order. */
enum evac_hazard_type {
  EVAC_HZ_BLOCKED_EXIT = 0,
  EVAC_HZ_BLOCKED_STAIR,
  EVAC_HZ_CORRIDOR_OBSTRUCTION,
  EVAC_HZ_EBIKE_CHARGING,
  EVAC_HZ_FIRE_DOOR_OPEN,
  EVAC_HZ_FIRE_SHUTTER_FAILED,
  EVAC_HZ_UNSEALED_SHAFT,
  EVAC_HZ_SPRINKLER_INOPERATIVE,
  EVAC_HZ_HYDRANT_DRY,
  EVAC_HZ_LOW_WATER_PRESSURE,
  EVAC_HZ_ALARM_DELAYED,
  EVAC_HZ_SMOKE_CONTROL_FAILED,
  EVAC_HZ_COMBUSTIBLE_INSULATION,
  EVAC_HZ_FIRE_LANE_BLOCKED,
  EVAC_HZ_FIRE_LIFT_FAILED,
  EVAC_HZ_WINDOW_GRILLES,
  EVAC_HZ_EMERGENCY_LIGHTING_FAILED,
  EVAC_HZ_ELECTRICAL_OVERLOAD,
  EVAC_HZ_MICRO_STATION_UNREADY,
  EVAC_HZ_NTYPES
};

/* A hazard of the inspection's list. */
struct evac_hazard {
  char *id; /* "H-03" */
  enum evac_hazard_type type;
  int target;  /* feature index, or -1 */
  int region;  /* region index (target names a region), -1 */
  int nfloors; /* floors it applies to; 0 = all */
  int *floors;
  double cost;        /* rectification cost, NAN if not given */
  char *owner, *note; /* may be NULL */
  int listed;         /* position in the scenario's "hazards" list */
};

/* --------------------------------------------------------------- model */

struct evac_model {
  /* sources, kept for /parameters */
  char *plan_path;     /* as resolved (or "inline") */
  char *scenario_path; /* the scenario file */
  char *plan_json;     /* plan JSON text */
  char *scenario_json; /* scenario JSON text */

  /* plan */
  char *name;    /* plan name */
  double cell_m; /* cell edge, m */
  int nfloors;
  struct evac_floor *floors;
  size_t ncells;         /* cells of all floors */
  uint8_t *cell_kind;    /* enum evac_cell_kind per cell */
  int32_t *cell_feature; /* feature index per cell, or -1 */
  int nfeatures;
  struct evac_feature *features;
  int nstairs;
  struct evac_stair *stairs;
  int nshafts;
  struct evac_shaft *shafts;
  int nlifts;
  struct evac_lift *lifts;
  int nregions;
  struct evac_region *regions;
  int nmeasures;
  struct evac_measure *measures;

  /* scenario */
  double duration_s;    /* simulated time limit */
  uint64_t seed;        /* default seed */
  double alarm_delay_s; /* alarm time; pre-movement counts from it */
  int nprofiles;
  struct evac_profile *profiles;
  int ngroups;
  struct evac_group *groups;
  enum evac_allocation allocation; /* staff's choice of the next patient */
  enum evac_strategy strategy;     /* evacuation strategy */
  int night;                       /* 1: the night shift is on duty */
  int refuge_area;                 /* 1 (default): refuges hold people by area
                                      ("refuge_capacity":                 "area",
                                      docs/hospital.md) */
  int noccupants;                  /* sum of group counts */
  int ntimeline;
  struct evac_timeline_event *timeline; /* sorted by t_s (stable) */
  int nhazards;
  struct evac_hazard *hazards; /* the scenario's hazard list, less those
                                  fixed */
  int nfixed;
  struct evac_hazard *fixed;  /* hazards removed by evac_hazards_fix, in the
                                 scenario's order (written to /parameters) */
  double agents_every_s;      /* trajectory and time-series sampling interval */
  double fields_every_s;      /* field sampling interval (fire models) */
  int has_fire;               /* the scenario has "fire" (run simulates it) */
  struct evac_fire_spec fire; /* the fire of run, if has_fire */
  int nfires;                 /* weighted ignition scenarios ("fires") */
  struct evac_fire_spec *fires;
  struct evac_systems systems; /* from the plan's "systems" */

  enum evac_smoke_model smoke_model; /* the scenario's smoke transport */
};

/* Index of the cell (x, y) of floor f. */
static inline size_t evac_model_cell(const struct evac_model *m, int f, int x,
                                     int y) {
  return m->floors[f].offset + (size_t)y * (size_t)m->floors[f].nx + (size_t)x;
}

/* A cell's neighbour on its floor (evac_model_neighbours). */
struct evac_nb {
  int32_t cell; /* the neighbour's index */
  int dx, dy;   /* its offset from the cell: -1, 0 or 1 each */
};

/* The neighbours of cell (x, y) of floor f that lie on the floor, into nb
 * in row order (dy, then dx, each from -1 to 1); the cell itself is among
 * them only if self is 1. Returns how many (at most 9). */
static inline int evac_model_neighbours(const struct evac_model *m, int f,
                                        int x, int y, int self,
                                        struct evac_nb nb[9]) {
  const struct evac_floor *fl = &m->floors[f];
  int n = 0;
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++) {
      int nx = x + dx, ny = y + dy;
      if ((!self && !dx && !dy) || nx < 0 || ny < 0 || nx >= fl->nx ||
          ny >= fl->ny)
        continue;
      nb[n].cell = (int32_t)evac_model_cell(m, f, nx, ny);
      nb[n].dx = dx;
      nb[n++].dy = dy;
    }
  return n;
}

/* 1 if people can stand on or pass through a cell of this kind. */
static inline int evac_cell_walkable(uint8_t kind) {
  return kind == EVAC_CELL_FLOOR || kind == EVAC_CELL_EXIT ||
         kind == EVAC_CELL_DOOR || kind == EVAC_CELL_FIRE_DOOR ||
         kind == EVAC_CELL_REFUGE || kind == EVAC_CELL_STAIR;
}

/* Marks in reach ([ncells]) with 1 the cells from which people reach a safe
 * place of target set target (a feature index or EVAC_TARGET_*) walking as
 * the movement model does on the building as planned: 8 neighbours without
 * cutting corners, over walkable cells, exits and refuges only if in the
 * set, stair landings joined to those of the next served floor up and down
 * (sim/input/plan_check.c). Returns 0, or -1 out of memory. */
int evac_model_reach(const struct evac_model *m, int target, uint8_t *reach);

/* Index of the feature named name, or -1. */
int evac_model_feature(const struct evac_model *m, const char *name);

/* Index of the floor named name, or -1. */
int evac_model_floor(const struct evac_model *m, const char *name);

/* Parses a plan from JSON text into m's plan part. file names the source in
 * messages. Returns EVAC_ERR_INPUT if diag got an error. */
enum evac_status evac_plan_parse(struct evac_model *m, const char *text,
                                 const char *file, struct evac_diag *diag);

/* Parses a scenario's JSON text into m's scenario part; loads its plan too
 * (a path relative to the scenario file's folder, or an inline object). */
enum evac_status evac_scenario_parse(struct evac_model *m, const char *text,
                                     const char *file, struct evac_diag *diag);

/* The preparation time of a device ("ski_sheet", ...): moving a patient
 * onto it; fixed 0 for an unknown name (sim/input/profile.c). */
struct evac_dist evac_device_prepare(const char *name);

/* The target of hazard h in m as text: its feature or region name, ""
 * if it has none. */
const char *evac_hazard_target_name(const struct evac_model *m,
                                    const struct evac_hazard *h);

/* Name of a hazard type ("blocked_exit"), and its inverse (-1 unknown). */
const char *evac_hazard_type_name(enum evac_hazard_type t);
int evac_hazard_type_parse(const char *name);

/* Applies the model's hazards to it (the building with its hazards, as
 * run simulates it): see sim/input/hazards.c for each type's effect. Types not
 * modelled yet get a warning. */
void evac_hazards_apply(struct evac_model *m, struct evac_diag *diag);

/* Frees the strings and floors of one hazard. */
void evac_hazard_clear(struct evac_hazard *h);

/* Moves hazard id from the list to m->fixed (it is rectified); "all" moves
 * every hazard. Returns 0, or -1 if there is no hazard of that id. */
int evac_hazards_fix(struct evac_model *m, const char *id);

#endif
