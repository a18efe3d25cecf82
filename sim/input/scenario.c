/* The scenario loader (docs/formats.md): the plan it names,
 * run settings, profiles, occupant and staff groups, the fire and the
 * weighted ignition scenarios, hazards (validated, not yet applied), the
 * drill timeline and output settings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuel.h"
#include "loader.h"

/* Most occupant and staff groups together (docs/formats.md, "Limits"):
 * the engine keeps the index of a group's target in 16 bits, beside the
 * set of all exits and the set of all safe places. */
#define EVAC_SCENARIO_MAX_GROUPS 32765

static const char *const scenario_keys[] = {
    "evacsim_scenario", "plan",      "duration_s", "seed",  "alarm",
    "profiles",         "occupants", "staff",      "fire",  "fires",
    "hazards",          "timeline",  "output",     "shift", "allocation",
    "refuge_capacity",  "strategy",  "smoke",      NULL};
static const char *const alarm_keys[] = {"delay_s", NULL};
static const char *const smoke_keys[] = {"model", NULL};
/* Smoke transports, in enum evac_smoke_model order. */
static const char *const smoke_model_names[] = {"layer", "momentum", NULL};

const char *evac_smoke_model_name(enum evac_smoke_model model) {
  return smoke_model_names[model];
}
static const char *const output_keys[] = {"fields_every_s", "agents_every_s",
                                          NULL};
static const char *const occupant_keys[] = {
    "region", "floor", "rect", "profile", "count", "exit", NULL};
static const char *const staff_keys[] = {"region", "floor", "rect", "count",
                                         "exit",   "shift", NULL};
/* Shifts a staff group may work ("both" = on duty in either). */
static const char *const shift_names[] = {"day", "night", "both", NULL};
/* Staff allocation rules, in enum evac_allocation order. */
static const char *const allocation_names[] = {"nearest", "triage", NULL};
/* Refuge capacity: "unlimited" (0) or "area" (1). */
static const char *const refuge_capacity_names[] = {"unlimited", "area", NULL};
/* Strategies, in enum evac_strategy order. */
static const char *const strategy_names[] = {
    "nearest", "vertical", "horizontal", "defend_in_place", NULL};
static const char *const hazard_keys[] = {"id",   "type", "target", "floors",
                                          "note", "cost", "owner",  NULL};
static const char *const timeline_keys[] = {"t_s", "do", "target", "floors",
                                            NULL};

/* Longest time a scenario may give (s): the engine counts time in whole
 * milliseconds in 64 bits, and 1e9 s (about 32 years) is far beyond any
 * evacuation. */
#define TIME_MAX_S 1e9
/* Shortest sampling interval (s): one step of the engine's clock (1 ms). */
#define SAMPLE_MIN_S 0.001

/* State of one scenario read. */
struct scen_ctx {
  struct evac_model *m;
  const struct evac_json *j;
  int plan_ok; /* the plan loaded without errors: check names against it */
};

/* The plan path: name relative to the folder of the scenario file. */
static char *plan_path(const char *scenario_file, const char *name) {
  const char *slash = strrchr(scenario_file, '/');
  if (name[0] == '/' || !slash)
    return strdup(name);
  size_t dl = (size_t)(slash - scenario_file) + 1;
  char *p = malloc(dl + strlen(name) + 1);
  if (!p)
    return NULL;
  memcpy(p, scenario_file, dl);
  strcpy(p + dl, name);
  return p;
}

/* Loads the plan named or given inline at root.plan. */
static void plan_load(struct scen_ctx *c, const cJSON *root) {
  const struct evac_json *j = c->j;
  struct evac_model *m = c->m;
  int before = j->diag->errors;
  if (!evac_json_require(j, root, "", "plan")) {
    c->plan_ok = 0;
    return;
  }
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "plan");
  if (cJSON_IsObject(v)) {
    m->plan_path = strdup("inline");
    m->plan_json = cJSON_PrintUnformatted(v);
    if (!m->plan_path || !m->plan_json)
      evac_diag_error(j->diag, j->file, "plan", "out of memory");
    evac_plan_read(m, v, j, "plan");
  } else if (cJSON_IsString(v) && v->valuestring[0]) {
    m->plan_path = plan_path(j->file, v->valuestring);
    struct evac_diag rd; /* a read error is reported at the scenario's plan */
    evac_diag_init(&rd);
    if (m->plan_path)
      m->plan_json = evac_json_read_file(m->plan_path, &rd);
    if (!m->plan_json && (rd.oom || !m->plan_path))
      evac_diag_error(j->diag, j->file, "plan",
                      "out of memory reading the plan file");
    else if (!m->plan_json)
      evac_diag_error(j->diag, j->file, "plan", "%s",
                      rd.n ? rd.msg[0].text : "cannot read the plan file");
    evac_diag_free(&rd);
    if (m->plan_json) {
      struct evac_json pj = {m->plan_path, j->diag};
      cJSON *plan = evac_json_parse(m->plan_json, m->plan_path, j->diag);
      if (cJSON_GetObjectItemCaseSensitive(plan, "evacsim_scenario") &&
          !cJSON_GetObjectItemCaseSensitive(plan, "evacsim_plan"))
        evac_diag_error(j->diag, j->file, "plan",
                        "\"%s\" is a scenario, not a plan (it has "
                        "\"evacsim_scenario\"); name a *.plan.json file",
                        v->valuestring);
      else if (plan)
        evac_plan_read(m, plan, &pj, "");
      cJSON_Delete(plan);
    }
  } else {
    evac_json_expected(j, "plan",
                       "a plan file path (a string) or a plan object", v);
  }
  c->plan_ok = j->diag->errors == before && m->plan_json;
}

/* Number of EVAC_CELL_FLOOR cells of rect on floor f. */
static int floor_cells(const struct evac_model *m, int f, const int r[4]) {
  int n = 0;
  for (int y = r[1]; y <= r[3]; y++)
    for (int x = r[0]; x <= r[2]; x++)
      n += m->cell_kind[evac_model_cell(m, f, x, y)] == EVAC_CELL_FLOOR;
  return n;
}

/* Floor cells that the places of groups a and b share. */
static int shared_cells(const struct evac_model *m, const struct evac_group *a,
                        const struct evac_group *b) {
  int r[4] = {a->rect[0] > b->rect[0] ? a->rect[0] : b->rect[0],
              a->rect[1] > b->rect[1] ? a->rect[1] : b->rect[1],
              a->rect[2] < b->rect[2] ? a->rect[2] : b->rect[2],
              a->rect[3] < b->rect[3] ? a->rect[3] : b->rect[3]};
  if (a->floor != b->floor || r[0] > r[2] || r[1] > r[3])
    return 0;
  return floor_cells(m, a->floor, r);
}

/* Checks that group g (at path p) fits whatever the earlier groups whose
 * places overlap its own take of it (groups are placed in order, each at
 * random, so the check must hold for every seed); returns 1 if it does. */
static int group_fits(const struct evac_json *j, const struct evac_model *m,
                      const struct evac_group *g, const char *p) {
  int taken = 0;
  for (int k = 0; k < m->ngroups; k++) {
    int shared = shared_cells(m, g, &m->groups[k]);
    taken += shared < m->groups[k].count ? shared : m->groups[k].count;
  }
  int cap = floor_cells(m, g->floor, g->rect);
  if (taken == 0 || g->count <= cap - taken)
    return 1;
  char q[EVAC_JSON_PATH_MAX];
  evac_json_path_key(q, p, "count");
  evac_diag_error(j->diag, j->file, q,
                  "%d people may not fit: the place has %d floor cells and "
                  "earlier groups whose places overlap it may take %d of "
                  "them; make the places disjoint or lower the counts",
                  g->count, cap, taken);
  return 0;
}

/* Lists the names of the profiles, "a, b, c". */
static void profile_list(const struct evac_model *m, char *buf, size_t n) {
  size_t len = 0;
  buf[0] = '\0';
  for (int i = 0; i < m->nprofiles && len + 40 < n; i++)
    len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "",
                            m->profiles[i].name);
}

/* Reads one occupant or staff group (e at path p) into *g; returns 1 if it
 * is good. */
static int group_read(struct scen_ctx *c, const cJSON *e, const char *p,
                      int staff, struct evac_group *g) {
  const struct evac_json *j = c->j;
  const struct evac_model *m = c->m;
  char q[EVAC_JSON_PATH_MAX];
  *g = (struct evac_group){-1, 0, -1, {0, 0, 0, 0}, -1, -1, staff, -1};
  if (!evac_json_is_object(j, e, p))
    return 0;
  int ok =
      evac_json_check_keys(j, e, p, staff ? staff_keys : occupant_keys) == 0;
  const cJSON *reg = cJSON_GetObjectItemCaseSensitive(e, "region");
  int has_rect = cJSON_GetObjectItemCaseSensitive(e, "floor") ||
                 cJSON_GetObjectItemCaseSensitive(e, "rect");
  int place = 0;
  if (reg && has_rect) {
    evac_diag_error(j->diag, j->file, p,
                    "give either \"region\" or \"floor\" + \"rect\", not both");
    ok = 0;
  } else if (!reg && !has_rect) {
    evac_diag_error(j->diag, j->file, p,
                    "missing the place: give \"region\" or \"floor\" + "
                    "\"rect\"");
    ok = 0;
  } else if (reg) {
    const char *name = NULL;
    if (evac_json_string(j, e, p, "region", &name) > 0) {
      for (int i = 0; i < m->nregions && g->region < 0; i++)
        if (m->regions[i].name && strcmp(m->regions[i].name, name) == 0)
          g->region = i;
      if (g->region >= 0) {
        g->floor = m->regions[g->region].floor;
        memcpy(g->rect, m->regions[g->region].rect, sizeof g->rect);
        place = g->floor >= 0;
      } else if (c->plan_ok) {
        evac_json_path_key(q, p, "region");
        evac_diag_error(j->diag, j->file, q,
                        "unknown region \"%s\"; the plan has %d region%s", name,
                        m->nregions, m->nregions == 1 ? "" : "s");
      }
    }
    ok &= g->region >= 0;
  } else {
    g->floor = evac_plan_floor_ref(m, j, e, p, c->plan_ok);
    place = evac_plan_rect(m, j, e, p, "rect", g->floor, 1, g->rect) &&
            g->floor >= 0;
    ok &= place;
  }
  const char *prof = staff ? "staff" : "adult";
  if (!staff && evac_json_string(j, e, p, "profile", &prof) < 0)
    ok = 0;
  g->profile = evac_model_profile(m, prof);
  if (g->profile < 0) {
    char list[512];
    profile_list(m, list, sizeof list);
    evac_json_path_key(q, p, "profile");
    evac_diag_error(j->diag, j->file, q,
                    "unknown profile \"%s\"; the profiles are %s", prof, list);
    ok = 0;
  }
  long long count = 0;
  if (!evac_json_require(j, e, p, "count") ||
      evac_json_integer(j, e, p, "count", 0, 1e9, &count) <= 0)
    ok = 0;
  g->count = (int)count;
  const char *exit = NULL;
  int r = evac_json_string(j, e, p, "exit", &exit);
  ok &= r >= 0;
  if (r > 0) {
    g->target = evac_model_feature(m, exit);
    evac_json_path_key(q, p, "exit");
    if (g->target < 0 && c->plan_ok)
      evac_diag_error(j->diag, j->file, q,
                      "unknown exit \"%s\"; give the name of an exit or a "
                      "refuge of the plan",
                      exit);
    else if (g->target >= 0 && m->features[g->target].kind != EVAC_FEAT_EXIT &&
             m->features[g->target].kind != EVAC_FEAT_REFUGE) {
      evac_diag_error(j->diag, j->file, q,
                      "\"%s\" is not an exit or a refuge; a group's exit "
                      "must be an exit or refuge feature",
                      exit);
      g->target = -1;
    }
    ok &= g->target >= 0;
  }
  if (place && c->plan_ok && m->cell_kind) {
    int cap = floor_cells(m, g->floor, g->rect);
    if (g->count > cap) {
      evac_json_path_key(q, p, "count");
      evac_diag_error(j->diag, j->file, q,
                      "%d people do not fit: the place has %d floor cells "
                      "('.'), one person a cell",
                      g->count, cap);
      ok = 0;
    }
  }
  return ok;
}

/* Reads root.key, one of names (NULL-terminated), into *out (its index);
 * leaves *out if the key is absent. Returns 0 after reporting an error. */
static int choice_read(struct scen_ctx *c, const cJSON *root, const char *path,
                       const char *key, const char *const *names, int *out) {
  const struct evac_json *j = c->j;
  const char *v = NULL;
  int r = evac_json_string(j, root, path, key, &v);
  if (r <= 0)
    return r == 0;
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], v) == 0) {
      *out = i;
      return 1;
    }
  char list[128], q[EVAC_JSON_PATH_MAX];
  evac_json_join(list, sizeof list, names);
  evac_json_path_key(q, path, key);
  evac_diag_error(j->diag, j->file, q, "unknown %s \"%s\"; allowed: %s", key, v,
                  list);
  return 0;
}

/* 1 if the staff group e (at p) is on duty in the scenario's shift; a bad
 * "shift" is reported and the group dropped. */
static int on_shift(struct scen_ctx *c, const cJSON *e, const char *p) {
  int shift = 2; /* both */
  if (!choice_read(c, e, p, "shift", shift_names, &shift))
    return 0;
  return shift == 2 || shift == c->m->night;
}

static void groups_read(struct scen_ctx *c, const cJSON *root) {
  const struct evac_json *j = c->j;
  struct evac_model *m = c->m;
  const cJSON *occ = NULL, *staff = NULL;
  evac_json_array(j, root, "", "occupants", &occ);
  evac_json_array(j, root, "", "staff", &staff);
  int n = cJSON_GetArraySize(occ) + cJSON_GetArraySize(staff);
  if (n > EVAC_SCENARIO_MAX_GROUPS) { /* each may target its own place */
    evac_diag_error(j->diag, j->file, "occupants",
                    "%d occupant and staff groups; a scenario may have at "
                    "most %d",
                    n, EVAC_SCENARIO_MAX_GROUPS);
    return;
  }
  m->groups = calloc((size_t)n + 1, sizeof *m->groups);
  if (!m->groups) {
    evac_diag_error(j->diag, j->file, NULL, "out of memory");
    return;
  }
  char p[EVAC_JSON_PATH_MAX];
  for (int s = 0; s < 2; s++) {
    const cJSON *a = s ? staff : occ;
    int i = 0;
    for (const cJSON *e = a ? a->child : NULL; e; e = e->next, i++) {
      evac_json_path_index(p, s ? "staff" : "occupants", i);
      struct evac_group g;
      if (group_read(c, e, p, s, &g) && (!s || on_shift(c, e, p)) &&
          (!c->plan_ok || !m->cell_kind || group_fits(j, m, &g, p))) {
        g.source = i;
        m->groups[m->ngroups++] = g;
        m->noccupants += g.count;
      }
    }
  }
}

/* Names of cell kinds, for messages about a fire's cell. */
static const char *cell_word(uint8_t kind) {
  switch (kind) {
  case EVAC_CELL_VOID:
    return "void (' ')";
  case EVAC_CELL_WALL:
    return "a wall ('#')";
  case EVAC_CELL_SHAFT:
    return "a shaft";
  case EVAC_CELL_LIFT:
    return "a lift shaft";
  case EVAC_CELL_OBSTACLE:
    return "an obstacle";
  default:
    return "not walkable";
  }
}

/* Reads e.at = [x, y], a walkable cell of floor f (f < 0: types only). */
static int fire_at(struct scen_ctx *c, const cJSON *e, const char *p, int f,
                   struct evac_fire_spec *s) {
  const struct evac_json *j = c->j;
  const struct evac_model *m = c->m;
  char q[EVAC_JSON_PATH_MAX], r[EVAC_JSON_PATH_MAX];
  const cJSON *a = NULL;
  if (!evac_json_require(j, e, p, "at") ||
      evac_json_array(j, e, p, "at", &a) <= 0)
    return 0;
  evac_json_path_key(q, p, "at");
  if (cJSON_GetArraySize(a) != 2) {
    evac_diag_error(j->diag, j->file, q,
                    "expected 2 integers [x, y], got %d values",
                    cJSON_GetArraySize(a));
    return 0;
  }
  int xy[2] = {0, 0}, ok = 1, i = 0;
  for (const cJSON *v = a->child; v; v = v->next, i++) {
    evac_json_path_index(r, q, i);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        fabs(v->valuedouble) > 1e9) {
      evac_json_expected(j, r, "an integer cell coordinate", v);
      ok = 0;
    } else {
      xy[i] = (int)v->valuedouble;
    }
  }
  s->x = xy[0];
  s->y = xy[1];
  if (!ok || f < 0 || !m->cell_kind)
    return ok;
  const struct evac_floor *fl = &m->floors[f];
  if (xy[0] < 0 || xy[1] < 0 || xy[0] >= fl->nx || xy[1] >= fl->ny) {
    evac_diag_error(j->diag, j->file, q,
                    "[%d, %d] is not inside floor \"%s\" (%d x %d cells): "
                    "need 0 <= x < %d and 0 <= y < %d",
                    xy[0], xy[1], fl->name, fl->nx, fl->ny, fl->nx, fl->ny);
    return 0;
  }
  uint8_t k = m->cell_kind[evac_model_cell(m, f, xy[0], xy[1])];
  if (!evac_cell_walkable(k)) {
    evac_diag_error(j->diag, j->file, q,
                    "[%d, %d] is %s on floor \"%s\"; a fire must be on a "
                    "walkable cell (floor, door, stair landing, ...)",
                    xy[0], xy[1], cell_word(k), fl->name);
    return 0;
  }
  return 1;
}

/* Reads e.growth.curve, [[t_s, kW], ...] at path q, into s. */
static int fire_curve(struct scen_ctx *c, const cJSON *g, const char *q,
                      struct evac_fire_spec *s) {
  const struct evac_json *j = c->j;
  char p[EVAC_JSON_PATH_MAX], r[EVAC_JSON_PATH_MAX];
  const cJSON *a = NULL;
  if (evac_json_array(j, g, q, "curve", &a) <= 0)
    return 0;
  evac_json_path_key(p, q, "curve");
  int n = cJSON_GetArraySize(a);
  if (n < 1) {
    evac_diag_error(j->diag, j->file, p,
                    "expected at least one [t_s, kW] point, got none");
    return 0;
  }
  s->curve_t_s = calloc((size_t)n, sizeof *s->curve_t_s);
  s->curve_kw = calloc((size_t)n, sizeof *s->curve_kw);
  if (!s->curve_t_s || !s->curve_kw) {
    evac_diag_error(j->diag, j->file, p, "out of memory");
    return 0;
  }
  int ok = 1, i = 0;
  double prev = NAN; /* time of the last well-formed point */
  for (const cJSON *v = a->child; v; v = v->next, i++) {
    evac_json_path_index(r, p, i);
    const cJSON *t = cJSON_GetArrayItem(v, 0), *kw = cJSON_GetArrayItem(v, 1);
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 || !cJSON_IsNumber(t) ||
        !cJSON_IsNumber(kw) || !isfinite(t->valuedouble) ||
        !isfinite(kw->valuedouble)) {
      evac_json_expected(j, r, "a point [t_s, kW] of two numbers", v);
      ok = 0;
      continue;
    }
    double tt = t->valuedouble, qq = kw->valuedouble;
    if (i == 0 && tt != 0.0) {
      evac_diag_error(j->diag, j->file, r,
                      "the first point must be at t_s = 0, got %g", tt);
      ok = 0;
    } else if (i > 0 && !isnan(prev) && tt <= prev) {
      evac_diag_error(j->diag, j->file, r,
                      "t_s = %g is not after the previous point's %g; times "
                      "must increase strictly",
                      tt, prev);
      ok = 0;
    }
    prev = tt;
    if (qq < 0.0) {
      evac_diag_error(j->diag, j->file, r,
                      "heat release rate %g kW is negative; need kW >= 0", qq);
      ok = 0;
    }
    s->curve_t_s[i] = tt;
    s->curve_kw[i] = qq;
  }
  s->ncurve = n;
  return ok;
}

static const char *const fire_keys[] = {"floor",   "at",   "growth",
                                        "peak_kw", "fuel", NULL};
static const char *const fires_keys[] = {"floor", "at",     "growth", "peak_kw",
                                         "fuel",  "weight", NULL};
static const char *const growth_keys[] = {"alpha_kw_s2", "curve", NULL};

/* Reads e.growth at path p into s (after the fuel: its default growth). */
static int fire_growth(struct scen_ctx *c, const cJSON *e, const char *p,
                       struct evac_fire_spec *s) {
  const struct evac_json *j = c->j;
  char q[EVAC_JSON_PATH_MAX];
  const cJSON *g = cJSON_GetObjectItemCaseSensitive(e, "growth");
  s->growth = EVAC_GROWTH_ALPHA;
  s->alpha_kw_s2 = evac_fuels[s->fuel >= 0 ? s->fuel : 0].default_alpha_kw_s2;
  if (!g)
    return 1;
  evac_json_path_key(q, p, "growth");
  if (cJSON_IsString(g)) {
    double a = evac_growth_alpha(g->valuestring);
    if (!isnan(a)) {
      s->alpha_kw_s2 = a;
      return 1;
    }
    if (strcmp(g->valuestring, "steady") == 0) {
      s->growth = EVAC_GROWTH_STEADY;
      return 1;
    }
    evac_diag_error(j->diag, j->file, q,
                    "unknown growth \"%s\"; allowed: slow, medium, fast, "
                    "ultrafast, steady, {\"alpha_kw_s2\": a} or "
                    "{\"curve\": [[t_s, kW], ...]}",
                    g->valuestring);
    return 0;
  }
  if (!cJSON_IsObject(g)) {
    evac_json_expected(j, q,
                       "a growth class (slow, medium, fast, ultrafast, "
                       "steady), {\"alpha_kw_s2\": a} or {\"curve\": "
                       "[[t_s, kW], ...]}",
                       g);
    return 0;
  }
  if (evac_json_check_keys(j, g, q, growth_keys))
    return 0;
  int has_a = cJSON_GetObjectItemCaseSensitive(g, "alpha_kw_s2") != NULL;
  int has_c = cJSON_GetObjectItemCaseSensitive(g, "curve") != NULL;
  if (has_a == has_c) {
    evac_diag_error(j->diag, j->file, q,
                    "give exactly one of \"alpha_kw_s2\" and \"curve\"");
    return 0;
  }
  if (has_a)
    return evac_json_number(j, g, q, "alpha_kw_s2", evac_json_gt(0.0),
                            &s->alpha_kw_s2) > 0;
  s->growth = EVAC_GROWTH_CURVE;
  return fire_curve(c, g, q, s);
}

/* Reads one fire object e at path p into s; weighted: a "fires" entry.
 * Returns 1 if it is good. */
static int fire_spec_read(struct scen_ctx *c, const cJSON *e, const char *p,
                          int weighted, struct evac_fire_spec *s) {
  const struct evac_json *j = c->j;
  char q[EVAC_JSON_PATH_MAX];
  *s = (struct evac_fire_spec){.floor = -1,
                               .peak_kw = EVAC_FIRE_PEAK_KW,
                               .fuel = evac_fuel_find("ward_furnishings"),
                               .weight = 1.0};
  if (!evac_json_is_object(j, e, p))
    return 0;
  int ok =
      evac_json_check_keys(j, e, p, weighted ? fires_keys : fire_keys) == 0;
  s->floor = evac_plan_floor_ref(c->m, j, e, p, c->plan_ok);
  ok &= s->floor >= 0;
  ok &= fire_at(c, e, p, s->floor, s);
  const char *fuel = NULL;
  int r = evac_json_string(j, e, p, "fuel", &fuel);
  ok &= r >= 0;
  if (r > 0) {
    s->fuel = evac_fuel_find(fuel);
    if (s->fuel < 0) {
      char list[256];
      evac_fuel_list(list, sizeof list);
      evac_json_path_key(q, p, "fuel");
      evac_diag_error(j->diag, j->file, q,
                      "unknown fuel \"%s\"; the fuels are %s", fuel, list);
      ok = 0;
    }
  }
  ok &= fire_growth(c, e, p, s);
  if (s->growth == EVAC_GROWTH_CURVE) /* a curve is not capped by default */
    for (int i = 0; i < s->ncurve; i++)
      s->peak_kw = i ? fmax(s->peak_kw, s->curve_kw[i]) : s->curve_kw[0];
  ok &=
      evac_json_number(j, e, p, "peak_kw", evac_json_gt(0.0), &s->peak_kw) >= 0;
  if (weighted)
    ok &=
        evac_json_number(j, e, p, "weight", evac_json_gt(0.0), &s->weight) >= 0;
  return ok;
}

static void fire_read(struct scen_ctx *c, const cJSON *root) {
  const struct evac_json *j = c->j;
  struct evac_model *m = c->m;
  const cJSON *fire = NULL, *fires = NULL;
  char p[EVAC_JSON_PATH_MAX];
  if (evac_json_object(j, root, "", "fire", &fire) > 0) {
    if (fire_spec_read(c, fire, "fire", 0, &m->fire))
      m->has_fire = 1;
  }
  if (evac_json_array(j, root, "", "fires", &fires) <= 0)
    return;
  m->fires = calloc((size_t)cJSON_GetArraySize(fires) + 1, sizeof *m->fires);
  if (!m->fires) {
    evac_diag_error(j->diag, j->file, "fires", "out of memory");
    return;
  }
  int i = 0;
  for (const cJSON *e = fires->child; e; e = e->next, i++) {
    evac_json_path_index(p, "fires", i);
    /* kept even if bad, so that its curve is freed with the model */
    fire_spec_read(c, e, p, 1, &m->fires[m->nfires++]);
  }
}

/* 1 if feature f has a cell on floor fl. */
static int feature_on_floor(const struct evac_model *m, int f, int fl) {
  size_t a = m->floors[fl].offset,
         b = a + (size_t)m->floors[fl].nx * (size_t)m->floors[fl].ny;
  for (size_t k = a; k < b; k++)
    if (m->cell_feature[k] == f)
      return 1;
  return 0;
}

/* Reads timeline[i].floors for feature f into ev. */
static int event_floors(struct scen_ctx *c, const cJSON *e, const char *p,
                        int f, struct evac_timeline_event *ev) {
  const struct evac_json *j = c->j;
  const struct evac_model *m = c->m;
  const cJSON *a = NULL;
  char q[EVAC_JSON_PATH_MAX], r[EVAC_JSON_PATH_MAX];
  int got = evac_json_array(j, e, p, "floors", &a);
  if (got <= 0)
    return got == 0;
  ev->floors = calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *ev->floors);
  if (!ev->floors)
    return 0;
  evac_json_path_key(q, p, "floors");
  int ok = 1, i = 0;
  for (const cJSON *v = a->child; v; v = v->next, i++) {
    evac_json_path_index(r, q, i);
    if (!cJSON_IsString(v)) {
      evac_json_expected(j, r, "a floor name (a string)", v);
      ok = 0;
      continue;
    }
    int fl = evac_model_floor(m, v->valuestring);
    if (fl < 0) {
      if (c->plan_ok)
        evac_diag_error(j->diag, j->file, r, "unknown floor \"%s\"",
                        v->valuestring);
      ok = 0;
    } else if (f >= 0 && m->cell_feature && !feature_on_floor(m, f, fl)) {
      evac_diag_error(j->diag, j->file, r,
                      "\"%s\" has no cells on floor \"%s\"",
                      m->features[f].name, v->valuestring);
      ok = 0;
    } else {
      ev->floors[ev->nfloors++] = fl;
    }
  }
  return ok;
}

/* The kind of target each hazard type takes: a feature kind, -2 a region,
 * -1 none (ignored if given). A target is optional except where noted. */
static int hazard_target_kind(enum evac_hazard_type t, int *required) {
  *required = 0;
  switch (t) {
  case EVAC_HZ_BLOCKED_EXIT:
    *required = 1;
    return EVAC_FEAT_EXIT;
  case EVAC_HZ_BLOCKED_STAIR:
    *required = 1;
    return EVAC_FEAT_STAIR;
  case EVAC_HZ_FIRE_DOOR_OPEN:
  case EVAC_HZ_FIRE_SHUTTER_FAILED:
    return EVAC_FEAT_FIRE_DOOR;
  case EVAC_HZ_UNSEALED_SHAFT:
    return EVAC_FEAT_SHAFT;
  case EVAC_HZ_FIRE_LIFT_FAILED:
    return EVAC_FEAT_LIFT;
  case EVAC_HZ_CORRIDOR_OBSTRUCTION:
  case EVAC_HZ_EBIKE_CHARGING:
  case EVAC_HZ_ELECTRICAL_OVERLOAD:
    return -2;
  default:
    return -1;
  }
}

static const char *const feature_kind_names[] = {
    "exit", "refuge", "door", "fire_door", "stair", "shaft", "lift"};

/* "an" before a word that starts with a vowel, else "a". */
static const char *article(const char *word) {
  return word[0] && strchr("aeiou", word[0]) ? "an" : "a";
}

/* Reads hazards[i]'s target into h. Returns 1 if good. */
static int hazard_target(struct scen_ctx *c, const cJSON *e, const char *p,
                         struct evac_hazard *h) {
  const struct evac_json *j = c->j;
  const struct evac_model *m = c->m;
  char q[EVAC_JSON_PATH_MAX];
  int required, kind = hazard_target_kind(h->type, &required);
  const char *target = NULL;
  int got = evac_json_string(j, e, p, "target", &target);
  evac_json_path_key(q, p, "target");
  if (got == 0 && required) {
    const char *type = evac_hazard_type_name(h->type);
    evac_diag_error(j->diag, j->file, q,
                    "missing: %s %s hazard needs the name of the %s",
                    article(type), type, feature_kind_names[kind]);
    return 0;
  }
  if (got <= 0 || kind == -1 || !c->plan_ok)
    return got >= 0;
  if (kind == -2) {
    for (int r = 0; r < m->nregions; r++)
      if (strcmp(m->regions[r].name, target) == 0)
        h->region = r;
    const char *type = evac_hazard_type_name(h->type);
    if (h->region < 0)
      evac_diag_error(j->diag, j->file, q,
                      "unknown region \"%s\": %s %s hazard names a region",
                      target, article(type), type);
    return h->region >= 0;
  }
  h->target = evac_model_feature(m, target);
  if (h->target < 0 || (int)m->features[h->target].kind != kind) {
    const char *is = h->target < 0
                         ? "not a feature of the plan"
                         : feature_kind_names[m->features[h->target].kind];
    const char *type = evac_hazard_type_name(h->type);
    const char *want = feature_kind_names[kind];
    evac_diag_error(j->diag, j->file, q,
                    "\"%s\" is %s%s%s; %s %s hazard names %s %s", target,
                    h->target < 0 ? "" : article(is), h->target < 0 ? "" : " ",
                    is, article(type), type, article(want), want);
    h->target = -1;
    return 0;
  }
  return 1;
}

static void hazards_read(struct scen_ctx *c, const cJSON *root) {
  const struct evac_json *j = c->j;
  struct evac_model *m = c->m;
  const cJSON *a = NULL;
  if (evac_json_array(j, root, "", "hazards", &a) <= 0)
    return;
  size_t n = (size_t)cJSON_GetArraySize(a) + 1;
  m->hazards = calloc(n, sizeof *m->hazards);
  m->fixed = calloc(n, sizeof *m->fixed);
  if (!m->hazards || !m->fixed) {
    evac_diag_error(j->diag, j->file, "hazards", "out of memory");
    return;
  }
  char p[EVAC_JSON_PATH_MAX], q[EVAC_JSON_PATH_MAX], list[1024];
  int i = 0;
  for (const cJSON *e = a->child; e; e = e->next, i++) {
    evac_json_path_index(p, "hazards", i);
    if (!evac_json_is_object(j, e, p))
      continue;
    int ok = evac_json_check_keys(j, e, p, hazard_keys) == 0;
    struct evac_hazard h = {.target = -1, .region = -1, .cost = NAN};
    const char *id = NULL, *type = NULL, *owner = NULL, *note = NULL;
    if (evac_json_require(j, e, p, "id") &&
        evac_json_string(j, e, p, "id", &id) > 0) {
      for (int k = 0; k < m->nhazards; k++)
        if (strcmp(m->hazards[k].id, id) == 0) {
          evac_json_path_key(q, p, "id");
          evac_diag_error(j->diag, j->file, q,
                          "\"%s\" is already the id of another hazard", id);
          ok = 0;
        }
    } else {
      ok = 0;
    }
    int t = -1;
    if (evac_json_require(j, e, p, "type") &&
        evac_json_string(j, e, p, "type", &type) > 0 &&
        (t = evac_hazard_type_parse(type)) < 0) {
      size_t n = 0;
      for (int k = 0; k < EVAC_HZ_NTYPES && n + 32 < sizeof list; k++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", k ? ", " : "",
                              evac_hazard_type_name(k));
      evac_json_path_key(q, p, "type");
      evac_diag_error(j->diag, j->file, q,
                      "unknown hazard type \"%s\"; allowed: %s", type, list);
    }
    if (t < 0) {
      ok = 0;
    } else {
      h.type = (enum evac_hazard_type)t;
      ok &= hazard_target(c, e, p, &h);
    }
    struct evac_timeline_event fl = {0};
    ok &= event_floors(c, e, p, h.target, &fl);
    h.nfloors = fl.nfloors;
    h.floors = fl.floors;
    ok &= evac_json_number(j, e, p, "cost", evac_json_ge(0.0), &h.cost) >= 0;
    ok &= evac_json_string(j, e, p, "owner", &owner) >= 0;
    ok &= evac_json_string(j, e, p, "note", &note) >= 0;
    h.id = id ? strdup(id) : NULL;
    h.owner = owner ? strdup(owner) : NULL;
    h.note = note ? strdup(note) : NULL;
    if (ok && h.id) {
      h.listed = i;
      m->hazards[m->nhazards++] = h;
    } else {
      free(h.id);
      free(h.owner);
      free(h.note);
      free(h.floors);
    }
  }
}

static void timeline_read(struct scen_ctx *c, const cJSON *root) {
  const struct evac_json *j = c->j;
  struct evac_model *m = c->m;
  const cJSON *a = NULL;
  if (evac_json_array(j, root, "", "timeline", &a) <= 0)
    return;
  m->timeline = calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *m->timeline);
  if (!m->timeline)
    return;
  char p[EVAC_JSON_PATH_MAX], q[EVAC_JSON_PATH_MAX];
  int i = 0;
  for (const cJSON *e = a->child; e; e = e->next, i++) {
    evac_json_path_index(p, "timeline", i);
    if (!evac_json_is_object(j, e, p))
      continue;
    int ok = evac_json_check_keys(j, e, p, timeline_keys) == 0;
    struct evac_timeline_event ev = {0.0, EVAC_ACT_CLOSE, -1, 0, NULL};
    ok &= evac_json_require(j, e, p, "t_s") &&
          evac_json_number(j, e, p, "t_s", evac_json_in(0.0, 0, TIME_MAX_S, 0),
                           &ev.t_s) > 0;
    const char *act = NULL, *target = NULL;
    if (evac_json_require(j, e, p, "do") &&
        evac_json_string(j, e, p, "do", &act) > 0) {
      if (strcmp(act, "open") == 0) {
        ev.action = EVAC_ACT_OPEN;
      } else if (strcmp(act, "alarm") == 0) {
        ev.action = EVAC_ACT_ALARM;
      } else if (strcmp(act, "close") != 0) {
        evac_json_path_key(q, p, "do");
        evac_diag_error(j->diag, j->file, q,
                        "unknown action \"%s\"; allowed: close, open, alarm",
                        act);
        ok = 0;
      }
    } else {
      ok = 0;
    }
    if (ev.action == EVAC_ACT_ALARM) { /* sounds everywhere: no target */
      if (cJSON_GetObjectItemCaseSensitive(e, "target") ||
          cJSON_GetObjectItemCaseSensitive(e, "floors")) {
        evac_diag_error(j->diag, j->file, p,
                        "an \"alarm\" event takes no \"target\" or "
                        "\"floors\"; it sounds in the whole building");
        ok = 0;
      }
      if (ok)
        m->timeline[m->ntimeline++] = ev;
      continue;
    }
    if (evac_json_require(j, e, p, "target") &&
        evac_json_string(j, e, p, "target", &target) > 0) {
      ev.feature = evac_model_feature(m, target);
      evac_json_path_key(q, p, "target");
      enum evac_feature_kind k =
          ev.feature >= 0 ? m->features[ev.feature].kind : EVAC_FEAT_SHAFT;
      if (ev.feature < 0 && !c->plan_ok) {
        ok = 0;
      } else if (ev.feature < 0 || k == EVAC_FEAT_SHAFT) {
        evac_diag_error(
            j->diag, j->file, q,
            "\"%s\" is %s; a timeline target must be the name of "
            "an exit, refuge, door, fire_door, stair or lift "
            "feature",
            target, ev.feature < 0 ? "not a feature of the plan" : "a shaft");
        ev.feature = -1;
        ok = 0;
      }
    } else {
      ok = 0;
    }
    ok &= event_floors(c, e, p, ev.feature, &ev);
    if (ok)
      m->timeline[m->ntimeline++] = ev;
    else
      free(ev.floors);
  }
  /* stable insertion sort by t_s */
  for (int k = 1; k < m->ntimeline; k++) {
    struct evac_timeline_event ev = m->timeline[k];
    int at = k;
    while (at > 0 && m->timeline[at - 1].t_s > ev.t_s) {
      m->timeline[at] = m->timeline[at - 1];
      at--;
    }
    m->timeline[at] = ev;
  }
}

void evac_scenario_read(struct evac_model *m, const cJSON *root,
                        const struct evac_json *j) {
  struct scen_ctx c = {m, j, 0};
  m->duration_s = 1800.0;
  m->seed = 1;
  m->alarm_delay_s = 0.0;
  m->fields_every_s = 5.0;
  m->agents_every_s = 1.0;
  if (!evac_json_is_object(j, root, ""))
    return;
  evac_json_check_keys(j, root, "", scenario_keys);
  const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "evacsim_scenario");
  if (!ver)
    evac_diag_error(j->diag, j->file, "evacsim_scenario",
                    "missing; a scenario must have \"evacsim_scenario\": 1");
  else if (!cJSON_IsNumber(ver) || ver->valuedouble != 1.0)
    evac_json_expected(j, "evacsim_scenario", "1 (the scenario format version)",
                       ver);
  plan_load(&c, root);
  evac_json_number(j, root, "", "duration_s",
                   evac_json_in(0.0, 1, TIME_MAX_S, 0), &m->duration_s);
  long long seed;
  if (evac_json_integer(j, root, "", "seed", 0, 9007199254740992.0, &seed) > 0)
    m->seed = (uint64_t)seed;
  const cJSON *o = NULL;
  if (evac_json_object(j, root, "", "alarm", &o) > 0) {
    evac_json_check_keys(j, o, "alarm", alarm_keys);
    evac_json_number(j, o, "alarm", "delay_s",
                     evac_json_in(0.0, 0, TIME_MAX_S, 0), &m->alarm_delay_s);
  }
  if (evac_json_object(j, root, "", "output", &o) > 0) {
    evac_json_check_keys(j, o, "output", output_keys);
    evac_json_number(j, o, "output", "fields_every_s",
                     evac_json_in(SAMPLE_MIN_S, 0, TIME_MAX_S, 0),
                     &m->fields_every_s);
    evac_json_number(j, o, "output", "agents_every_s",
                     evac_json_in(SAMPLE_MIN_S, 0, TIME_MAX_S, 0),
                     &m->agents_every_s);
  }
  int smoke = EVAC_SMOKE_MOMENTUM;
  if (evac_json_object(j, root, "", "smoke", &o) > 0) {
    evac_json_check_keys(j, o, "smoke", smoke_keys);
    choice_read(&c, o, "smoke", "model", smoke_model_names, &smoke);
  }
  m->smoke_model = (enum evac_smoke_model)smoke;
  int alloc = EVAC_ALLOC_NEAREST;
  choice_read(&c, root, "", "shift", shift_names, &m->night);
  if (m->night > 1) {
    evac_diag_error(j->diag, j->file, "shift",
                    "\"both\" is for staff groups; the scenario's shift is "
                    "day or night");
    m->night = 0;
  }
  choice_read(&c, root, "", "allocation", allocation_names, &alloc);
  m->allocation = (enum evac_allocation)alloc;
  int strategy = EVAC_STRATEGY_NEAREST;
  choice_read(&c, root, "", "strategy", strategy_names, &strategy);
  m->strategy = (enum evac_strategy)strategy;
  m->refuge_area = 1; /* a refuge is a room of finite size by default */
  choice_read(&c, root, "", "refuge_capacity", refuge_capacity_names,
              &m->refuge_area);
  const cJSON *profiles = NULL;
  evac_json_object(j, root, "", "profiles", &profiles);
  evac_profiles_read(m, profiles, j, "profiles");
  groups_read(&c, root);
  fire_read(&c, root);
  hazards_read(&c, root);
  timeline_read(&c, root);
}

enum evac_status evac_scenario_parse(struct evac_model *m, const char *text,
                                     const char *file, struct evac_diag *diag) {
  struct evac_json j = {file, diag};
  int before = diag->errors;
  free(m->scenario_path);
  free(m->scenario_json);
  m->scenario_path = strdup(file);
  m->scenario_json = strdup(text);
  if (!m->scenario_path || !m->scenario_json)
    evac_diag_error(diag, file, NULL, "out of memory");
  cJSON *root = evac_json_parse(text, file, diag);
  if (root) {
    evac_scenario_read(m, root, &j);
    cJSON_Delete(root);
  }
  return diag->errors > before ? EVAC_ERR_INPUT : EVAC_OK;
}
