/* The synthetic hospital tower generator (`evacsim gen tower`): a
 * double-loaded ward floor repeated over N storeys, with two protected
 * stairs, a fire lift, a cable shaft and occupants spread over the wards,
 * written as a plan and a scenario (docs/formats.md).
 *
 * One floor's grid (cell 0.4 m; x along the 52.4 m length, y across):
 *
 *   row 0        outer wall
 *   rows 1-15    north rooms, 9 x 15 cells (3.6 x 6.0 m), walls between
 *   row 16       corridor wall, a 3-cell door 'D' per room
 *   rows 17-20   corridor (1.6 m): stair A (x 1-4), its door 'P' (x 5),
 *                west half, corridor fire door 'G' (x 65), east half,
 *                stair B's door 'Q' (x 125),
 *                stair B (x 126-129)
 *   row 21       corridor wall, a door per room
 *   rows 22-36   south rooms
 *   row 37       outer wall
 *
 * Room slot k (0-11) spans x 6 + 10k .. 14 + 10k. North slot 6 holds the
 * fire lift (its 4 x 4 cells touch the corridor) and the cable shaft; on
 * the ground floor south slot 6 is the entrance lobby, the main entrance is
 * in the outer wall below it and the stairs discharge through the end
 * walls. Output depends on (floors, occupants, seed) only, and the seed
 * only sets the scenario's seed. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "evacsim.h"

enum {
  GEN_MAX_FLOORS = 200,
  GEN_ROOMS = 12,                  /* room slots per side */
  GEN_ROOM_W = 9,                  /* cells along x */
  GEN_ROOM_D = 15,                 /* cells along y */
  GEN_CORR_H = 4,                  /* corridor rows */
  GEN_STAIR_L = 4,                 /* stair landing length along x */
  GEN_DOOR_W = 3,                  /* room door cells */
  GEN_WIDE_W = 4,                  /* exit, lobby door and lift width */
  GEN_MID_SLOT = 6,                /* first slot east of the mid fire door */
  GEN_CORR_Y = 1 + GEN_ROOM_D + 1, /* first corridor row */
  GEN_SOUTH_Y = GEN_CORR_Y + GEN_CORR_H + 1, /* first south row */
  GEN_NY = GEN_SOUTH_Y + GEN_ROOM_D + 1,     /* 38 rows */
  GEN_ROOM_X = 1 + GEN_STAIR_L + 1,          /* slot 0's first x */
  GEN_NX = 2 * GEN_ROOM_X + GEN_ROOMS * (GEN_ROOM_W + 1) - 1,   /* 131 */
  GEN_MID_X = GEN_ROOM_X + GEN_MID_SLOT * (GEN_ROOM_W + 1) - 1, /* 65 */
  GEN_PROFILES = 4,
};

/* The occupant mix, in tenths: the generator's only profiles. */
static const char *const gen_profile_name[GEN_PROFILES] = {
    "patient_ambulatory", "elderly", "visitor", "staff"};
static const int gen_profile_tenths[GEN_PROFILES] = {5, 2, 2, 1};

/* ------------------------------------------------------------- the grid */

/* First x of room slot k. */
static int gen_slot_x(int k) { return GEN_ROOM_X + k * (GEN_ROOM_W + 1); }

/* Fills the inclusive rectangle [x0, x1] x [y0, y1] of g with c. */
static void gen_fill(char g[GEN_NY][GEN_NX + 1], int x0, int y0, int x1, int y1,
                     char c) {
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      g[y][x] = c;
}

/* 1 if slot k of the north (north = 1) or south side is a ward. */
static int gen_is_ward(int k, int north, int ground) {
  if (k != GEN_MID_SLOT)
    return 1;
  return north ? 0 : !ground;
}

/* Draws one floor into g (ground = 1 for floor "1"; stairs = 0 in a
 * one-storey tower, whose stair bays are corridor: a stair must join two
 * floors). */
static void gen_floor_grid(char g[GEN_NY][GEN_NX + 1], int ground, int stairs) {
  const int cy1 = GEN_CORR_Y + GEN_CORR_H - 1;
  for (int y = 0; y < GEN_NY; y++) {
    memset(g[y], '#', GEN_NX);
    g[y][GEN_NX] = '\0';
  }
  for (int k = 0; k < GEN_ROOMS; k++) {
    int x0 = gen_slot_x(k), x1 = x0 + GEN_ROOM_W - 1;
    int dx = x0 + (GEN_ROOM_W - GEN_DOOR_W) / 2;
    if (gen_is_ward(k, 1, ground)) {
      gen_fill(g, x0, 1, x1, GEN_ROOM_D, '.');
      gen_fill(g, dx, GEN_CORR_Y - 1, dx + GEN_DOOR_W - 1, GEN_CORR_Y - 1, 'D');
    }
    if (gen_is_ward(k, 0, ground)) {
      gen_fill(g, x0, GEN_SOUTH_Y, x1, GEN_NY - 2, '.');
      gen_fill(g, dx, GEN_SOUTH_Y - 1, dx + GEN_DOOR_W - 1, GEN_SOUTH_Y - 1,
               'D');
    }
  }
  /* corridor, stairs and fire doors */
  gen_fill(g, 1, GEN_CORR_Y, GEN_NX - 2, cy1, '.');
  gen_fill(g, 1, GEN_CORR_Y, GEN_STAIR_L, cy1, stairs ? 'A' : '.');
  gen_fill(g, GEN_STAIR_L + 1, GEN_CORR_Y, GEN_STAIR_L + 1, cy1, 'P');
  gen_fill(g, GEN_MID_X, GEN_CORR_Y, GEN_MID_X, cy1, 'G');
  gen_fill(g, GEN_NX - GEN_STAIR_L - 2, GEN_CORR_Y, GEN_NX - GEN_STAIR_L - 2,
           cy1, 'Q');
  gen_fill(g, GEN_NX - GEN_STAIR_L - 1, GEN_CORR_Y, GEN_NX - 2, cy1,
           stairs ? 'B' : '.');
  /* fire lift in north slot 6, opening onto the corridor; shaft beside it */
  int lx = gen_slot_x(GEN_MID_SLOT) + (GEN_ROOM_W - GEN_WIDE_W) / 2;
  gen_fill(g, lx, GEN_CORR_Y - GEN_WIDE_W, lx + GEN_WIDE_W - 1, GEN_CORR_Y - 1,
           'L');
  g[GEN_CORR_Y - 1][lx + GEN_WIDE_W] = 'h';
  if (!ground)
    return;
  /* ground floor: stair discharges, lobby and main entrance */
  gen_fill(g, 0, GEN_CORR_Y, 0, cy1, 'W');
  gen_fill(g, GEN_NX - 1, GEN_CORR_Y, GEN_NX - 1, cy1, 'X');
  int sx = gen_slot_x(GEN_MID_SLOT);
  gen_fill(g, sx, GEN_SOUTH_Y, sx + GEN_ROOM_W - 1, GEN_NY - 2, '.');
  gen_fill(g, lx, GEN_SOUTH_Y - 1, lx + GEN_WIDE_W - 1, GEN_SOUTH_Y - 1, 'D');
  gen_fill(g, lx, GEN_NY - 1, lx + GEN_WIDE_W - 1, GEN_NY - 1, 'M');
}

/* ----------------------------------------------------------- JSON build */

/* A rect or line [x0, y0, x1, y1] as a JSON array. */
static cJSON *gen_quad(int x0, int y0, int x1, int y1) {
  const int v[4] = {x0, y0, x1, y1};
  return cJSON_CreateIntArray(v, 4);
}

/* Appends a region to arr. */
static void gen_region(cJSON *arr, const char *name, const char *floor, int x0,
                       int y0, int x1, int y1, const char *kind,
                       const char *compartment) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "name", name);
  cJSON_AddStringToObject(r, "floor", floor);
  cJSON_AddItemToObject(r, "rect", gen_quad(x0, y0, x1, y1));
  cJSON_AddStringToObject(r, "kind", kind);
  cJSON_AddStringToObject(r, "compartment", compartment);
  cJSON_AddItemToArray(arr, r);
}

/* Appends a measure line on floor "1" to arr. */
static void gen_measure(cJSON *arr, const char *name, int x0, int y0, int x1,
                        int y1) {
  cJSON *m = cJSON_CreateObject();
  cJSON_AddStringToObject(m, "name", name);
  cJSON_AddStringToObject(m, "floor", "1");
  cJSON_AddItemToObject(m, "line", gen_quad(x0, y0, x1, y1));
  cJSON_AddItemToArray(arr, m);
}

/* Adds legend entry c -> {kind: name} to legend. */
static void gen_legend(cJSON *legend, const char *c, const char *kind,
                       const char *name) {
  cJSON *e = cJSON_CreateObject();
  cJSON_AddStringToObject(e, kind, name);
  cJSON_AddItemToObject(legend, c, e);
}

/* Appends the regions of floor f (1-based): its wards in slot order, north
 * side then south, numbered 01, 02, ..., then the corridor halves and, on
 * the ground floor, the lobby. */
static void gen_floor_regions(cJSON *regions, int f) {
  char fn[16], name[64], west[32], east[32];
  snprintf(fn, sizeof fn, "%d", f);
  snprintf(west, sizeof west, "%d-West", f);
  snprintf(east, sizeof east, "%d-East", f);
  int n = 0;
  for (int north = 1; north >= 0; north--)
    for (int k = 0; k < GEN_ROOMS; k++) {
      if (!gen_is_ward(k, north, f == 1))
        continue;
      int x0 = gen_slot_x(k), y0 = north ? 1 : GEN_SOUTH_Y;
      snprintf(name, sizeof name, "Ward %d-%02d", f, ++n);
      gen_region(regions, name, fn, x0, y0, x0 + GEN_ROOM_W - 1,
                 y0 + GEN_ROOM_D - 1, "ward", k < GEN_MID_SLOT ? west : east);
    }
  const int cy1 = GEN_CORR_Y + GEN_CORR_H - 1;
  snprintf(name, sizeof name, "Corridor %d-West", f);
  gen_region(regions, name, fn, GEN_ROOM_X, GEN_CORR_Y, GEN_MID_X - 1, cy1,
             "corridor", west);
  snprintf(name, sizeof name, "Corridor %d-East", f);
  gen_region(regions, name, fn, GEN_MID_X + 1, GEN_CORR_Y,
             GEN_NX - GEN_ROOM_X - 1, cy1, "corridor", east);
  if (f == 1) {
    int sx = gen_slot_x(GEN_MID_SLOT);
    gen_region(regions, "Lobby 1", fn, sx, GEN_SOUTH_Y, sx + GEN_ROOM_W - 1,
               GEN_NY - 2, "lobby", east);
  }
}

/* Builds the plan of a tower of nfloors storeys. */
static cJSON *gen_plan(int nfloors) {
  cJSON *plan = cJSON_CreateObject();
  char buf[64];
  cJSON_AddNumberToObject(plan, "evacsim_plan", 1);
  snprintf(buf, sizeof buf, "Synthetic ward tower, %d floors", nfloors);
  cJSON_AddStringToObject(plan, "name", buf);
  cJSON_AddNumberToObject(plan, "cell_m", 0.4);
  cJSON *floors = cJSON_AddArrayToObject(plan, "floors");
  char grid[GEN_NY][GEN_NX + 1];
  for (int f = 1; f <= nfloors; f++) {
    if (f <= 2)
      gen_floor_grid(grid, f == 1, nfloors > 1);
    cJSON *fl = cJSON_CreateObject();
    snprintf(buf, sizeof buf, "%d", f);
    cJSON_AddStringToObject(fl, "name", buf);
    cJSON_AddNumberToObject(fl, "elevation_m", (f - 1) * 36 / 10.0);
    cJSON_AddNumberToObject(fl, "height_m", 3.6);
    cJSON *rows = cJSON_AddArrayToObject(fl, "rows");
    for (int y = 0; y < GEN_NY; y++)
      cJSON_AddItemToArray(rows, cJSON_CreateString(grid[y]));
    cJSON_AddItemToArray(floors, fl);
  }
  cJSON *legend = cJSON_AddObjectToObject(plan, "legend");
  if (nfloors > 1) {
    gen_legend(legend, "A", "stair", "Stair A");
    gen_legend(legend, "B", "stair", "Stair B");
  }
  gen_legend(legend, "L", "lift", "Fire lift 1");
  gen_legend(legend, "h", "shaft", "Cable shaft 1");
  gen_legend(legend, "P", "fire_door", "Stair A door");
  gen_legend(legend, "Q", "fire_door", "Stair B door");
  gen_legend(legend, "G", "fire_door", "Corridor fire door");
  gen_legend(legend, "W", "exit", "West exit");
  gen_legend(legend, "X", "exit", "East exit");
  gen_legend(legend, "M", "exit", "Main entrance");
  cJSON *stairs = cJSON_AddArrayToObject(plan, "stairs");
  for (int s = 0; s < 2 && nfloors > 1; s++) {
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "name", s ? "Stair B" : "Stair A");
    cJSON_AddNumberToObject(st, "width_m", 1.3);
    cJSON_AddNumberToObject(st, "flight_length_m", 7.2);
    cJSON_AddItemToArray(stairs, st);
  }
  cJSON *shaft = cJSON_CreateObject();
  cJSON_AddStringToObject(shaft, "name", "Cable shaft 1");
  cJSON_AddStringToObject(shaft, "kind", "cable");
  cJSON_AddNumberToObject(shaft, "area_m2", 0.5);
  cJSON_AddItemToArray(cJSON_AddArrayToObject(plan, "shafts"), shaft);
  cJSON *lift = cJSON_CreateObject();
  cJSON_AddStringToObject(lift, "name", "Fire lift 1");
  cJSON_AddBoolToObject(lift, "fire_lift", 1);
  cJSON_AddNumberToObject(lift, "capacity", 13);
  cJSON_AddNumberToObject(lift, "beds", 1);
  cJSON_AddNumberToObject(lift, "speed_m_s", 1.5);
  cJSON_AddItemToArray(cJSON_AddArrayToObject(plan, "lifts"), lift);
  /* GB 50016: high-rise hospitals are sprinklered and detected throughout */
  cJSON *sys = cJSON_AddObjectToObject(plan, "systems");
  cJSON *det = cJSON_AddObjectToObject(sys, "detectors");
  cJSON_AddStringToObject(det, "floors", "all");
  cJSON_AddStringToObject(det, "kind", "smoke");
  cJSON_AddStringToObject(cJSON_AddObjectToObject(sys, "sprinklers"), "floors",
                          "all");
  cJSON_AddNumberToObject(cJSON_AddObjectToObject(sys, "brigade"), "arrival_s",
                          600);
  cJSON_AddBoolToObject(cJSON_AddObjectToObject(sys, "hydrants"), "water", 1);
  cJSON *regions = cJSON_AddArrayToObject(plan, "regions");
  for (int f = 1; f <= nfloors; f++)
    gen_floor_regions(regions, f);
  const int cy1 = GEN_CORR_Y + GEN_CORR_H - 1;
  const int lx = gen_slot_x(GEN_MID_SLOT) + (GEN_ROOM_W - GEN_WIDE_W) / 2;
  cJSON *measures = cJSON_AddArrayToObject(plan, "measures");
  gen_measure(measures, "Stair A door 1", GEN_STAIR_L + 1, GEN_CORR_Y,
              GEN_STAIR_L + 1, cy1);
  gen_measure(measures, "Stair B door 1", GEN_NX - GEN_STAIR_L - 2, GEN_CORR_Y,
              GEN_NX - GEN_STAIR_L - 2, cy1);
  gen_measure(measures, "West exit door", 0, GEN_CORR_Y, 0, cy1);
  gen_measure(measures, "East exit door", GEN_NX - 1, GEN_CORR_Y, GEN_NX - 1,
              cy1);
  gen_measure(measures, "Main entrance door", lx, GEN_NY - 1,
              lx + GEN_WIDE_W - 1, GEN_NY - 1);
  return plan;
}

/* A fire object: floor, cell, growth class, peak and fuel. */
static cJSON *gen_fire(int floor, int x, int y, const char *growth,
                       double peak_kw, const char *fuel) {
  cJSON *f = cJSON_CreateObject();
  char name[16];
  snprintf(name, sizeof name, "%d", floor);
  cJSON_AddStringToObject(f, "floor", name);
  int at[2] = {x, y};
  cJSON_AddItemToObject(f, "at", cJSON_CreateIntArray(at, 2));
  cJSON_AddStringToObject(f, "growth", growth);
  cJSON_AddNumberToObject(f, "peak_kw", peak_kw);
  cJSON_AddStringToObject(f, "fuel", fuel);
  return f;
}

/* The run's fire: an e-bike battery charging in the corridor beside the
 * corridor fire door, on the middle occupied floor (e-bikes charging in
 * corridors head the campaigns' hazard lists). The weighted ignition
 * scenarios: ward furnishings (0.5), the e-bike (0.2), a nurses' station
 * (0.3). */
static void gen_fires(cJSON *sc, int nfloors) {
  int floor = nfloors == 1 ? 1 : 1 + nfloors / 2;
  int wx = gen_slot_x(2) + GEN_ROOM_W / 2, wy = 1 + GEN_ROOM_D / 2;
  int cx = GEN_MID_X - 5, cy = GEN_CORR_Y + 1;
  int nx = gen_slot_x(8) + GEN_ROOM_W / 2;
  cJSON_AddItemToObject(
      sc, "fire",
      gen_fire(floor, cx, cy, "ultrafast", 1500, "lithium_battery"));
  cJSON *fires = cJSON_AddArrayToObject(sc, "fires");
  cJSON *f = gen_fire(floor, wx, wy, "fast", 3000, "ward_furnishings");
  cJSON_AddNumberToObject(f, "weight", 0.5);
  cJSON_AddItemToArray(fires, f);
  f = gen_fire(floor, cx, cy, "ultrafast", 1500, "lithium_battery");
  cJSON_AddNumberToObject(f, "weight", 0.2);
  cJSON_AddItemToArray(fires, f);
  f = gen_fire(floor, nx, wy, "medium", 2000, "cellulosic");
  cJSON_AddNumberToObject(f, "weight", 0.3);
  cJSON_AddItemToArray(fires, f);
}

/* One entry of the generated inspection list; "%d" in target and note is
 * the fire floor. */
struct gen_hazard {
  const char *id, *type, *target; /* target NULL: none */
  int on_floor;                   /* 1: applies to the fire floor only */
  double cost;
  const char *owner, *note;
};

/* A night inspection of a Chinese high-rise ward block: twelve findings of
 * twelve types, the kinds the fire-safety campaigns list most (locked or
 * cluttered escape routes, e-bikes charging indoors, fire doors wedged,
 * shut sprinkler valves, unsealed penetrations). Costs are rough CNY
 * figures (assumptions, docs/hazards.md). */
static const struct gen_hazard gen_hazards[] = {
    {"H-01", "sprinkler_inoperative", NULL, 1, 800, "Facilities",
     "sprinkler zone valve of floor %d found shut"},
    {"H-02", "fire_door_open", "Corridor fire door", 1, 50, "Ward nursing",
     "corridor fire door of floor %d wedged open"},
    {"H-03", "alarm_delayed", NULL, 0, 20000, "Security",
     "fire control room unstaffed at night"},
    {"H-04", "blocked_stair", "Stair B", 1, 200, "Logistics",
     "spare beds stored on the Stair B landing of floor %d"},
    {"H-05", "corridor_obstruction", "Corridor %d-East", 0, 100, "Ward nursing",
     "linen trolleys parked along the east corridor"},
    {"H-06", "ebike_charging", "Corridor %d-West", 0, 100, "Security",
     "a staff e-bike charging in the west corridor"},
    {"H-07", "unsealed_shaft", "Cable shaft 1", 0, 3000, "Facilities",
     "cable penetrations of the shaft not fire-stopped"},
    {"H-08", "emergency_lighting_failed", NULL, 1, 1200, "Facilities",
     "emergency lighting batteries of floor %d flat"},
    {"H-09", "window_grilles", NULL, 1, 4000, "Facilities",
     "fixed security grilles on the ward windows of floor %d"},
    {"H-10", "electrical_overload", "Ward %d-03", 0, 300, "Facilities",
     "chained multi-plug extensions in a ward"},
    {"H-11", "fire_lane_blocked", NULL, 0, 500, "Security",
     "cars parked on the fire lane"},
    {"H-12", "fire_lift_failed", NULL, 0, 8000, "Facilities",
     "fire lift out of service"},
};

/* The scenario's hazard list: gen_hazards on the fire floor. */
static void gen_hazard_list(cJSON *sc, int nfloors) {
  int floor = nfloors == 1 ? 1 : 1 + nfloors / 2;
  char buf[128];
  cJSON *list = cJSON_AddArrayToObject(sc, "hazards");
  for (size_t i = 0; i < sizeof gen_hazards / sizeof gen_hazards[0]; i++) {
    const struct gen_hazard *g = &gen_hazards[i];
    if (nfloors == 1 && !strcmp(g->type, "blocked_stair"))
      continue; /* a one-storey tower has no stairs */
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "id", g->id);
    cJSON_AddStringToObject(h, "type", g->type);
    if (g->target) {
      snprintf(buf, sizeof buf, g->target, floor);
      cJSON_AddStringToObject(h, "target", buf);
    }
    if (g->on_floor) {
      snprintf(buf, sizeof buf, "%d", floor);
      cJSON_AddItemToObject(h, "floors", cJSON_CreateArray());
      cJSON_AddItemToArray(cJSON_GetObjectItem(h, "floors"),
                           cJSON_CreateString(buf));
    }
    snprintf(buf, sizeof buf, g->note, floor);
    cJSON_AddStringToObject(h, "note", buf);
    cJSON_AddNumberToObject(h, "cost", g->cost);
    cJSON_AddStringToObject(h, "owner", g->owner);
    cJSON_AddItemToArray(list, h);
  }
}

/* Wards that take occupants: those of floors >= 2, or of floor 1 in a
 * one-storey tower. */
static int gen_occupied_wards(int nfloors) {
  const int upper = 2 * GEN_ROOMS - 1, ground = 2 * GEN_ROOMS - 2;
  return nfloors == 1 ? ground : (nfloors - 1) * upper;
}

/* Builds the scenario. Room r (floor by floor, in region order) gets
 * occupants / rooms people, one more when r < occupants % rooms. People are
 * given profiles one by one in room order, each to the profile furthest
 * behind its share of the mix so far (ties to the first), so the building's
 * totals follow the mix to within one person and every room's split is
 * fixed by the inputs. */
static cJSON *gen_scenario(const struct evac_gen_opts *o) {
  cJSON *sc = cJSON_CreateObject();
  cJSON_AddNumberToObject(sc, "evacsim_scenario", 1);
  cJSON_AddStringToObject(sc, "plan", "tower.plan.json");
  cJSON_AddNumberToObject(sc, "duration_s", 3600);
  cJSON_AddNumberToObject(sc, "seed", (double)o->seed);
  cJSON_AddObjectToObject(sc, "profiles");
  cJSON *groups = cJSON_AddArrayToObject(sc, "occupants");
  int nrooms = gen_occupied_wards(o->floors);
  int per_floor = nrooms / (o->floors == 1 ? 1 : o->floors - 1);
  long placed = 0;                         /* people given a profile so far */
  long given[GEN_PROFILES] = {0, 0, 0, 0}; /* of each profile */
  for (int r = 0; r < nrooms; r++) {
    int n = o->occupants / nrooms + (r < o->occupants % nrooms);
    int count[GEN_PROFILES] = {0, 0, 0, 0};
    for (int i = 0; i < n; i++) {
      placed++;
      int best = 0;
      long best_lag = 0;
      for (int p = 0; p < GEN_PROFILES; p++) {
        long lag = gen_profile_tenths[p] * placed - 10 * given[p];
        if (p == 0 || lag > best_lag) {
          best = p;
          best_lag = lag;
        }
      }
      given[best]++;
      count[best]++;
    }
    int floor = o->floors == 1 ? 1 : 2 + r / per_floor;
    char region[64];
    snprintf(region, sizeof region, "Ward %d-%02d", floor, r % per_floor + 1);
    for (int p = 0; p < GEN_PROFILES; p++) {
      if (count[p] == 0)
        continue;
      cJSON *g = cJSON_CreateObject();
      cJSON_AddStringToObject(g, "region", region);
      cJSON_AddStringToObject(g, "profile", gen_profile_name[p]);
      cJSON_AddNumberToObject(g, "count", count[p]);
      cJSON_AddItemToArray(groups, g);
    }
  }
  gen_fires(sc, o->floors);
  cJSON_AddNumberToObject(cJSON_AddObjectToObject(sc, "alarm"), "delay_s", 60);
  gen_hazard_list(sc, o->floors);
  cJSON *out = cJSON_AddObjectToObject(sc, "output");
  cJSON_AddNumberToObject(out, "agents_every_s", 1);
  cJSON_AddNumberToObject(out, "fields_every_s", 5);
  return sc;
}

/* ------------------------------------------------------ pretty printing */

/* A growing string; oom = 1 once an allocation failed. */
struct gen_buf {
  char *s;
  size_t n, cap;
  int oom;
};

/* Appends len bytes of s. */
static void gen_put(struct gen_buf *b, const char *s, size_t len) {
  if (b->oom)
    return;
  if (b->n + len + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (b->n + len + 1 > cap)
      cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) {
      b->oom = 1;
      return;
    }
    b->s = p;
    b->cap = cap;
  }
  memcpy(b->s + b->n, s, len);
  b->n += len;
  b->s[b->n] = '\0';
}

/* Appends a C string. */
static void gen_puts(struct gen_buf *b, const char *s) {
  gen_put(b, s, strlen(s));
}

/* Appends a scalar (or a key, as a string) in cJSON's own notation. */
static void gen_put_scalar(struct gen_buf *b, const cJSON *it) {
  char *s = cJSON_PrintUnformatted(it);
  if (!s) {
    b->oom = 1;
    return;
  }
  gen_puts(b, s);
  cJSON_free(s);
}

/* Appends a quoted, escaped key. */
static void gen_put_key(struct gen_buf *b, const char *key) {
  cJSON *k = cJSON_CreateString(key);
  if (!k) {
    b->oom = 1;
    return;
  }
  gen_put_scalar(b, k);
  cJSON_Delete(k);
  gen_puts(b, ": ");
}

/* Appends it on one line ("[1, 2]", {"a": 1}); stops once b holds more than
 * max bytes. Returns 1 if it did not fit. */
static int gen_put_inline(struct gen_buf *b, const cJSON *it, size_t max) {
  if (!cJSON_IsArray(it) && !cJSON_IsObject(it)) {
    gen_put_scalar(b, it);
    return b->n > max;
  }
  int obj = cJSON_IsObject(it);
  gen_puts(b, obj ? "{" : "[");
  for (const cJSON *c = it->child; c; c = c->next) {
    if (obj)
      gen_put_key(b, c->string);
    if (gen_put_inline(b, c, max))
      return 1;
    if (c->next)
      gen_puts(b, ", ");
  }
  gen_puts(b, obj ? "}" : "]");
  return b->n > max;
}

enum { GEN_WIDTH = 120 }; /* lines are kept within this, where possible */

/* Appends it pretty-printed at indent (spaces), the cursor being at column
 * col: on one line if it fits in GEN_WIDTH, else one member a line. */
static void gen_put_pretty(struct gen_buf *b, const cJSON *it, int indent,
                           size_t col) {
  if (cJSON_IsArray(it) || cJSON_IsObject(it)) {
    size_t start = b->n;
    if (!gen_put_inline(b, it, start + (GEN_WIDTH > col ? GEN_WIDTH - col : 0)))
      return;
    b->n = start; /* too long: undo and print one member a line */
    if (b->s)
      b->s[b->n] = '\0';
    int obj = cJSON_IsObject(it);
    gen_puts(b, obj ? "{\n" : "[\n");
    for (const cJSON *c = it->child; c; c = c->next) {
      size_t line = b->n;
      for (int i = 0; i < indent + 2; i++)
        gen_puts(b, " ");
      if (obj)
        gen_put_key(b, c->string);
      gen_put_pretty(b, c, indent + 2, b->n - line);
      gen_puts(b, c->next ? ",\n" : "\n");
    }
    for (int i = 0; i < indent; i++)
      gen_puts(b, " ");
    gen_puts(b, obj ? "}" : "]");
    return;
  }
  gen_put_scalar(b, it);
}

/* ----------------------------------------------------------------- files */

/* Creates dir and its parents (mkdir -p). */
static enum evac_status gen_mkdir_p(const char *dir, struct evac_diag *diag) {
  char *p = strdup(dir);
  if (!p) {
    evac_diag_error(diag, dir, NULL, "out of memory");
    return EVAC_ERR_RUNTIME;
  }
  size_t len = strlen(p);
  for (size_t i = 1; i <= len; i++) {
    if (p[i] != '/' && p[i] != '\0')
      continue;
    char saved = p[i];
    p[i] = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
      evac_diag_error(diag, p, NULL, "cannot create directory: %s",
                      strerror(errno));
      free(p);
      return EVAC_ERR_IO;
    }
    p[i] = saved;
  }
  free(p);
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    evac_diag_error(diag, dir, NULL, "is not a directory");
    return EVAC_ERR_IO;
  }
  return EVAC_OK;
}

/* Writes root pretty-printed to dir/name through dir/name.tmp, fsync and
 * rename, so that path never holds a partial file. */
static enum evac_status gen_write(const cJSON *root, const char *dir,
                                  const char *name, struct evac_diag *diag) {
  struct gen_buf b = {0};
  gen_put_pretty(&b, root, 0, 0);
  gen_puts(&b, "\n");
  size_t plen = strlen(dir) + strlen(name) + 2;
  char *path = malloc(plen), *tmp = malloc(plen + 4);
  if (b.oom || !path || !tmp) {
    evac_diag_error(diag, dir, NULL, "out of memory writing %s", name);
    free(b.s);
    free(path);
    free(tmp);
    return EVAC_ERR_RUNTIME;
  }
  snprintf(path, plen, "%s/%s", dir, name);
  snprintf(tmp, plen + 4, "%s.tmp", path);
  enum evac_status st = EVAC_OK;
  FILE *f = fopen(tmp, "w");
  if (!f) {
    evac_diag_error(diag, tmp, NULL, "cannot create: %s", strerror(errno));
    st = EVAC_ERR_IO;
  } else {
    int bad = fwrite(b.s, 1, b.n, f) != b.n || fflush(f) != 0 ||
              fsync(fileno(f)) != 0;
    int err = errno;
    if (fclose(f) != 0 && !bad) {
      bad = 1;
      err = errno;
    }
    if (!bad && rename(tmp, path) != 0) {
      bad = 1;
      err = errno;
    }
    if (bad) {
      evac_diag_error(diag, path, NULL, "cannot write: %s", strerror(err));
      remove(tmp);
      st = EVAC_ERR_IO;
    }
  }
  free(b.s);
  free(path);
  free(tmp);
  return st;
}

/* Removes dir/name, written before a later step failed (no allocation:
 * memory may have run out). */
static void gen_remove(const char *dir, const char *name) {
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s", dir, name);
  if (n > 0 && (size_t)n < sizeof path)
    remove(path);
}

/* -------------------------------------------------------------- public */

enum evac_status evac_gen_tower(const struct evac_gen_opts *opts,
                                const char *dir, struct evac_diag *diag) {
  if (!opts || !dir || !*dir) {
    evac_diag_error(diag, NULL, "gen tower", "no options or no directory");
    return EVAC_ERR_INPUT;
  }
  if (opts->floors < 1 || opts->floors > GEN_MAX_FLOORS) {
    evac_diag_error(diag, NULL, "--floors", "%d is out of range; allowed 1..%d",
                    opts->floors, GEN_MAX_FLOORS);
    return EVAC_ERR_INPUT;
  }
  long cap = (long)gen_occupied_wards(opts->floors) * GEN_ROOM_W * GEN_ROOM_D;
  if (opts->occupants < 0 || opts->occupants > cap) {
    evac_diag_error(diag, NULL, "--occupants",
                    "%d is out of range; a %d-floor tower holds 0..%ld "
                    "(%d wards of %d cells on %s)",
                    opts->occupants, opts->floors, cap,
                    gen_occupied_wards(opts->floors), GEN_ROOM_W * GEN_ROOM_D,
                    opts->floors == 1 ? "floor 1" : "floors 2 and up");
    return EVAC_ERR_INPUT;
  }
  if (opts->seed > (UINT64_C(1) << 53)) {
    evac_diag_error(diag, NULL, "--seed",
                    "%llu is too large; allowed 0..9007199254740992 (exact "
                    "in JSON)",
                    (unsigned long long)opts->seed);
    return EVAC_ERR_INPUT;
  }
  enum evac_status st = gen_mkdir_p(dir, diag);
  if (st != EVAC_OK)
    return st;
  cJSON *plan = gen_plan(opts->floors);
  cJSON *sc = gen_scenario(opts);
  if (!plan || !sc) {
    evac_diag_error(diag, dir, NULL, "out of memory building the tower");
    st = EVAC_ERR_RUNTIME;
  }
  if (st == EVAC_OK)
    st = gen_write(plan, dir, "tower.plan.json", diag);
  if (st == EVAC_OK) {
    st = gen_write(sc, dir, "tower.scenario.json", diag);
    if (st != EVAC_OK) /* a plan without its scenario is no result */
      gen_remove(dir, "tower.plan.json");
  }
  cJSON_Delete(plan);
  cJSON_Delete(sc);
  return st;
}
