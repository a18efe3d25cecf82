/* Hazards: the catalogue of docs/hazards.md, and how each hazard changes the
 * model (the building with its hazards, as run simulates it). Each effect
 * and its assumptions are documented in docs/models.md § Hazards. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fuel.h"
#include "model.h"

/* Extra delays (s) of the hazards that delay a response: assumptions. */
#define ALARM_DELAY_S 300.0        /* unstaffed control room */
#define FIRE_LANE_DELAY_S 600.0    /* brigade finds no access */
#define LOW_PRESSURE_DELAY_S 300.0 /* brigade must relay water */
#define INSULATION_PEAK 2.0 /* peak HRR factor of combustible insulation */
#define OVERLOAD_WEIGHT                                                        \
  2.0 /* ignition weight factor of an overloaded circuit */
#define EBIKE_PEAK_KW 1500.0      /* e-bike battery fire (assumption, fuel.c) */
#define ELECTRICAL_PEAK_KW 1000.0 /* fire of an overloaded circuit */
/* Unlit floor: signs and surfaces are seen by reflected light only, so the
 * same smoke hides them as if it were 8/3 times denser (Jin: visibility
 * K S = 8 for light-emitting, 3 for light-reflecting signs). */
#define DARK_EXTINCTION_FACTOR (8.0 / 3.0)

static const char *const names[EVAC_HZ_NTYPES] = {"blocked_exit",
                                                  "blocked_stair",
                                                  "corridor_obstruction",
                                                  "ebike_charging",
                                                  "fire_door_open",
                                                  "fire_shutter_failed",
                                                  "unsealed_shaft",
                                                  "sprinkler_inoperative",
                                                  "hydrant_dry",
                                                  "low_water_pressure",
                                                  "alarm_delayed",
                                                  "smoke_control_failed",
                                                  "combustible_insulation",
                                                  "fire_lane_blocked",
                                                  "fire_lift_failed",
                                                  "window_grilles",
                                                  "emergency_lighting_failed",
                                                  "electrical_overload",
                                                  "micro_station_unready"};

const char *evac_hazard_type_name(enum evac_hazard_type t) {
  return (unsigned)t < EVAC_HZ_NTYPES ? names[t] : "unknown";
}

int evac_hazard_type_parse(const char *name) {
  for (int t = 0; t < EVAC_HZ_NTYPES; t++)
    if (strcmp(name, names[t]) == 0)
      return t;
  return -1;
}

/* 1 if hazard h applies to floor f (no floors listed: every floor). */
static int on_floor(const struct evac_hazard *h, int f) {
  for (int i = 0; i < h->nfloors; i++)
    if (h->floors[i] == f)
      return 1;
  return h->nfloors == 0;
}

/* Closes feature h->target on h's floors from t = 0 (a timeline entry). */
static void close_at_start(struct evac_model *m, const struct evac_hazard *h) {
  struct evac_timeline_event *tl =
      realloc(m->timeline, ((size_t)m->ntimeline + 1) * sizeof *tl);
  int *floors = malloc(((size_t)h->nfloors + 1) * sizeof *floors);
  if (!tl || !floors) {
    free(floors);
    if (tl)
      m->timeline = tl;
    return;
  }
  if (h->nfloors) /* h->floors is NULL for all floors */
    memcpy(floors, h->floors, (size_t)h->nfloors * sizeof *floors);
  memmove(tl + 1, tl, (size_t)m->ntimeline * sizeof *tl);
  tl[0] = (struct evac_timeline_event){0.0, EVAC_ACT_CLOSE, h->target,
                                       h->nfloors, floors};
  m->timeline = tl;
  m->ntimeline++;
}

/* Fire doors (of the target, or all) on h's floors stand open: their
 * cells pass smoke as doorways do. */
static void doors_open(struct evac_model *m, const struct evac_hazard *h) {
  for (int f = 0; f < m->nfloors; f++) {
    if (!on_floor(h, f))
      continue;
    size_t end =
        m->floors[f].offset + (size_t)m->floors[f].nx * (size_t)m->floors[f].ny;
    for (size_t c = m->floors[f].offset; c < end; c++)
      if (m->cell_kind[c] == EVAC_CELL_FIRE_DOOR &&
          (h->target < 0 || m->cell_feature[c] == h->target))
        m->cell_kind[c] = EVAC_CELL_DOOR;
  }
}

/* Combustible insulation: the fire grows ultrafast at least, to twice the
 * peak, where it starts on one of h's floors. */
static void faster_fire(struct evac_fire_spec *f, const struct evac_hazard *h) {
  if (!on_floor(h, f->floor))
    return;
  double ultra = evac_growth_alpha("ultrafast");
  if (f->growth == EVAC_GROWTH_ALPHA && f->alpha_kw_s2 < ultra)
    f->alpha_kw_s2 = ultra;
  f->peak_kw *= INSULATION_PEAK;
}

/* Turns the floor cells of the rectangle, clipped to region r (which lies
 * inside its floor), into obstacles. */
static void block(struct evac_model *m, const struct evac_region *r, int x0,
                  int y0, int x1, int y1) {
  x0 = x0 > r->rect[0] ? x0 : r->rect[0];
  y0 = y0 > r->rect[1] ? y0 : r->rect[1];
  x1 = x1 < r->rect[2] ? x1 : r->rect[2];
  y1 = y1 < r->rect[3] ? y1 : r->rect[3];
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      size_t c = evac_model_cell(m, r->floor, x, y);
      if (m->cell_kind[c] == EVAC_CELL_FLOOR)
        m->cell_kind[c] = EVAC_CELL_OBSTACLE;
    }
}

/* 1 if the cell at (x, y) of floor f is inside the floor and walkable. */
static int open_at(const struct evac_model *m, int f, int x, int y) {
  if (x < 0 || y < 0 || x >= m->floors[f].nx || y >= m->floors[f].ny)
    return 0;
  return evac_cell_walkable(m->cell_kind[evac_model_cell(m, f, x, y)]);
}

/* Goods stored along a corridor: the half of region r's short side next to
 * its first long wall is obstructed over its whole length, but for a gap in
 * front of each opening in that wall (goods are not stacked against doors,
 * and a room must keep its way out). */
static void obstruct(struct evac_model *m, const struct evac_region *r) {
  int w = r->rect[2] - r->rect[0] + 1, h = r->rect[3] - r->rect[1] + 1;
  if (w >= h) {
    for (int x = r->rect[0]; x <= r->rect[2]; x++)
      if (!open_at(m, r->floor, x, r->rect[1] - 1))
        block(m, r, x, r->rect[1], x, r->rect[1] + h / 2 - 1);
  } else {
    for (int y = r->rect[1]; y <= r->rect[3]; y++)
      if (!open_at(m, r->floor, r->rect[0] - 1, y))
        block(m, r, r->rect[0], y, r->rect[0] + w / 2 - 1, y);
  }
}

/* The mean weight of the ignition scenarios (1 without any). */
static double mean_weight(const struct evac_model *m) {
  double w = 0.0;
  for (int k = 0; k < m->nfires; k++)
    w += m->fires[k].weight;
  return m->nfires ? w / m->nfires : 1.0;
}

/* Adds an ignition scenario on floor f at (x, y). */
static void add_fire(struct evac_model *m, int f, int x, int y,
                     const char *growth, double peak_kw, const char *fuel,
                     double weight) {
  struct evac_fire_spec *fs =
      realloc(m->fires, ((size_t)m->nfires + 1) * sizeof *fs);
  if (!fs)
    return;
  m->fires = fs;
  fs[m->nfires++] =
      (struct evac_fire_spec){.floor = f,
                              .x = x,
                              .y = y,
                              .growth = EVAC_GROWTH_ALPHA,
                              .alpha_kw_s2 = evac_growth_alpha(growth),
                              .peak_kw = peak_kw,
                              .fuel = evac_fuel_find(fuel),
                              .weight = weight};
}

/* An e-bike charging in region r: a 2.0 x 0.8 m obstacle at the middle of
 * its first long wall, and its battery as a new ignition scenario beside
 * it, with the mean weight of the others (an assumption). */
static void ebike(struct evac_model *m, const struct evac_region *r) {
  int w = r->rect[2] - r->rect[0] + 1, h = r->rect[3] - r->rect[1] + 1;
  int cx = (r->rect[0] + r->rect[2]) / 2, cy = (r->rect[1] + r->rect[3]) / 2;
  double len = 2.0 / m->cell_m, wid = 0.8 / m->cell_m;
  int l = (int)(len + 0.5) / 2, d = (int)(wid + 0.5);
  if (w >= h) {
    block(m, r, cx - l, r->rect[1], cx + l, r->rect[1] + d - 1);
    cy = r->rect[1] + d < r->rect[3] ? r->rect[1] + d : r->rect[3];
  } else {
    block(m, r, r->rect[0], cy - l, r->rect[0] + d - 1, cy + l);
    cx = r->rect[0] + d < r->rect[2] ? r->rect[0] + d : r->rect[2];
  }
  add_fire(m, r->floor, cx, cy, "ultrafast", EBIKE_PEAK_KW, "lithium_battery",
           mean_weight(m));
}

/* An overloaded circuit in region r: ignition scenarios inside it become
 * twice as likely; a region with none gets an electrical fire at a floor
 * cell near its middle, with the mean weight. */
static void overload(struct evac_model *m, const struct evac_region *r) {
  int found = 0;
  for (int k = 0; k < m->nfires; k++) {
    struct evac_fire_spec *f = &m->fires[k];
    if (f->floor == r->floor && f->x >= r->rect[0] && f->x <= r->rect[2] &&
        f->y >= r->rect[1] && f->y <= r->rect[3]) {
      f->weight *= OVERLOAD_WEIGHT;
      found = 1;
    }
  }
  if (found)
    return;
  /* the floor cell nearest the region's middle */
  int mx = (r->rect[0] + r->rect[2]) / 2, my = (r->rect[1] + r->rect[3]) / 2;
  int cx = -1, cy = -1, best = 0;
  for (int y = r->rect[1]; y <= r->rect[3]; y++)
    for (int x = r->rect[0]; x <= r->rect[2]; x++) {
      int dist = abs(x - mx) + abs(y - my);
      if (m->cell_kind[evac_model_cell(m, r->floor, x, y)] == EVAC_CELL_FLOOR &&
          (cx < 0 || dist < best)) {
        cx = x;
        cy = y;
        best = dist;
      }
    }
  if (cx < 0)
    return; /* no floor in the region: nowhere to burn */
  add_fire(m, r->floor, cx, cy, "medium", ELECTRICAL_PEAK_KW, "cellulosic",
           mean_weight(m));
}

void evac_hazards_apply(struct evac_model *m, struct evac_diag *diag) {
  struct evac_systems *sys = &m->systems;
  for (int i = 0; i < m->nhazards; i++) {
    const struct evac_hazard *h = &m->hazards[i];
    switch (h->type) {
    case EVAC_HZ_BLOCKED_EXIT:
    case EVAC_HZ_BLOCKED_STAIR:
      close_at_start(m, h);
      break;
    case EVAC_HZ_FIRE_DOOR_OPEN:
    case EVAC_HZ_FIRE_SHUTTER_FAILED:
      doors_open(m, h);
      break;
    case EVAC_HZ_UNSEALED_SHAFT:
      for (int k = 0; k < m->nshafts; k++)
        if (h->target < 0 || m->shafts[k].feature == h->target)
          m->shafts[k].unsealed = 1;
      break;
    case EVAC_HZ_SPRINKLER_INOPERATIVE:
      for (int f = 0; f < m->nfloors; f++)
        if (on_floor(h, f))
          sys->sprinkler_floor[f] = 0;
      break;
    case EVAC_HZ_SMOKE_CONTROL_FAILED:
      for (int f = 0; f < m->nfloors; f++)
        if (on_floor(h, f))
          sys->exhaust_floor[f] = 0;
      sys->stair_pressure_pa = 0.0;
      break;
    case EVAC_HZ_HYDRANT_DRY:
      sys->water = 0;
      break;
    case EVAC_HZ_LOW_WATER_PRESSURE:
      sys->brigade_arrival_s += LOW_PRESSURE_DELAY_S;
      break;
    case EVAC_HZ_FIRE_LANE_BLOCKED:
      sys->brigade_arrival_s += FIRE_LANE_DELAY_S;
      break;
    case EVAC_HZ_MICRO_STATION_UNREADY:
      sys->micro_station_s = INFINITY;
      break;
    case EVAC_HZ_ALARM_DELAYED:
      m->alarm_delay_s += ALARM_DELAY_S;
      break;
    case EVAC_HZ_COMBUSTIBLE_INSULATION:
      if (m->has_fire)
        faster_fire(&m->fire, h);
      for (int k = 0; k < m->nfires; k++)
        faster_fire(&m->fires[k], h);
      break;
    case EVAC_HZ_CORRIDOR_OBSTRUCTION:
    case EVAC_HZ_EBIKE_CHARGING:
    case EVAC_HZ_ELECTRICAL_OVERLOAD:
      if (h->region < 0) {
        evac_diag_warn(diag, m->scenario_path, NULL,
                       "hazard %s (%s) names no region: it does not change "
                       "this run",
                       h->id, evac_hazard_type_name(h->type));
        break;
      }
      if (h->type == EVAC_HZ_CORRIDOR_OBSTRUCTION)
        obstruct(m, &m->regions[h->region]);
      else if (h->type == EVAC_HZ_EBIKE_CHARGING)
        ebike(m, &m->regions[h->region]);
      else
        overload(m, &m->regions[h->region]);
      break;
    case EVAC_HZ_FIRE_LIFT_FAILED:
      for (int k = 0; k < m->nlifts; k++)
        if (h->target < 0 ? m->lifts[k].fire_lift
                          : m->lifts[k].feature == h->target)
          m->lifts[k].failed = 1;
      break;
    case EVAC_HZ_WINDOW_GRILLES: /* no ladder rescue: behaviour/rescue.c */
      for (int f = 0; f < m->nfloors; f++)
        if (on_floor(h, f))
          sys->grilles_floor[f] = 1;
      break;
    case EVAC_HZ_EMERGENCY_LIGHTING_FAILED: /* slower in smoke */
      for (int f = 0; f < m->nfloors; f++)
        if (on_floor(h, f))
          sys->extinction_floor[f] = DARK_EXTINCTION_FACTOR;
      break;
    case EVAC_HZ_NTYPES:
      evac_diag_warn(diag, m->scenario_path, NULL,
                     "hazard %s (%s) is not modelled yet: it does not change "
                     "this run",
                     h->id, evac_hazard_type_name(h->type));
      break;
    }
  }
}

void evac_hazard_clear(struct evac_hazard *h) {
  free(h->id);
  free(h->owner);
  free(h->note);
  free(h->floors);
}

/* Inserts h into m->fixed (room for every listed hazard was allocated with
 * the list), keeping the scenario's order. */
static void fixed_insert(struct evac_model *m, const struct evac_hazard *h) {
  int k = m->nfixed;
  while (k > 0 && m->fixed[k - 1].listed > h->listed) {
    m->fixed[k] = m->fixed[k - 1];
    k--;
  }
  m->fixed[k] = *h;
  m->nfixed++;
}

int evac_hazards_fix(struct evac_model *m, const char *id) {
  int all = strcmp(id, "all") == 0, found = 0;
  for (int i = 0; i < m->nhazards;) {
    struct evac_hazard *h = &m->hazards[i];
    if (!all && strcmp(h->id, id) != 0) {
      i++;
      continue;
    }
    fixed_insert(m, h);
    memmove(h, h + 1, (size_t)(m->nhazards - i - 1) * sizeof *h);
    m->nhazards--;
    found = 1;
  }
  return found || all ? 0 : -1;
}

const char *evac_hazard_target_name(const struct evac_model *m,
                                    const struct evac_hazard *h) {
  if (h->target >= 0)
    return m->features[h->target].name;
  if (h->region >= 0)
    return m->regions[h->region].name;
  return "";
}

enum evac_status evac_hazards_prepare(struct evac_model *m,
                                      const char *const *ids, int n,
                                      const char *file, const char *where,
                                      const char *what,
                                      struct evac_diag *diag) {
  for (int i = 0; i < n; i++)
    if (evac_hazards_fix(m, ids[i]) < 0) {
      evac_diag_error(diag, file, where,
                      "%s %s: the scenario lists no hazard \"%s\"", what,
                      ids[i], ids[i]);
      return EVAC_ERR_INPUT;
    }
  evac_hazards_apply(m, diag); /* hazards add and re-weight fires */
  return EVAC_OK;
}
