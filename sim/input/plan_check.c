/* Checks that a loaded model can be right as a building people leave
 * (docs/formats.md, "What check verifies"): every place where an occupant
 * group's people may stand has a walking route to a safe place of the
 * group's target set, every exit touches the outside, and an exit above the
 * ground floor has a stated reason. Run by `evacsim check` and before
 * `evacsim run`, on the building as planned (before its hazards). */
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "json.h"
#include "model.h"

/* Names of the target sets in messages. */
static const char *set_word(const struct evac_model *m, int t) {
  switch (t) {
  case EVAC_TARGET_ALL:
    return "an exit or a refuge";
  case EVAC_TARGET_EXITS:
    return "an exit";
  case EVAC_TARGET_REFUGES:
    return "a refuge";
  default:
    return m->features[t].name;
  }
}

/* 1 if cell c is a safe place of target set t (see evac_model_reach). */
static int is_target(const struct evac_model *m, size_t c, int t) {
  uint8_t k = m->cell_kind[c];
  if (k != EVAC_CELL_EXIT && k != EVAC_CELL_REFUGE)
    return 0;
  return t == EVAC_TARGET_ALL ||
         (t == EVAC_TARGET_EXITS && k == EVAC_CELL_EXIT) ||
         (t == EVAC_TARGET_REFUGES && k == EVAC_CELL_REFUGE) ||
         m->cell_feature[c] == t;
}

/* 1 if people walk through cell c under target set t: walkable, and an
 * exit or refuge only if it is one of t (as the floor fields have it). */
static int passable(const struct evac_model *m, size_t c, int t) {
  uint8_t k = m->cell_kind[c];
  if (!evac_cell_walkable(k))
    return 0;
  return (k != EVAC_CELL_EXIT && k != EVAC_CELL_REFUGE) || is_target(m, c, t);
}

/* The index of floor f among the floors served by stair st, or -1. */
static int served(const struct evac_stair *st, int f) {
  for (int k = 0; k < st->nfloors; k++)
    if (st->floors[k] == f)
      return k;
  return -1;
}

/* Marks, reaches and queues the landing cells of stair st on floor f that
 * pass. */
static void reach_landings(const struct evac_model *m, int st, int f,
                           const uint8_t *pass, uint8_t *reach, int32_t *queue,
                           size_t *n) {
  const struct evac_floor *fl = &m->floors[f];
  int feat = m->stairs[st].feature;
  for (size_t c = fl->offset; c < fl->offset + (size_t)fl->nx * fl->ny; c++)
    if (m->cell_feature[c] == feat && !reach[c] && pass[c]) {
      reach[c] = 1;
      queue[(*n)++] = (int32_t)c;
    }
}

/* The floor of cell c (binary search over the floors' offsets). */
static int floor_of(const struct evac_model *m, size_t c) {
  int lo = 0, hi = m->nfloors - 1;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (m->floors[mid].offset <= c)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

int evac_model_reach(const struct evac_model *m, int target, uint8_t *reach) {
  int nodes = 0;
  for (int i = 0; i < m->nstairs; i++)
    nodes += m->nfloors;
  int32_t *queue = malloc((m->ncells + 1) * sizeof *queue);
  uint8_t *landed = calloc((size_t)nodes + 1, 1); /* [stair * nfloors + f] */
  uint8_t *pass = malloc(m->ncells + 1);
  if (!queue || !landed || !pass) {
    free(queue);
    free(landed);
    free(pass);
    return -1;
  }
  size_t n = 0;
  for (size_t c = 0; c < m->ncells; c++) {
    pass[c] = (uint8_t)passable(m, c, target);
    reach[c] = (uint8_t)is_target(m, c, target);
    if (reach[c])
      queue[n++] = (int32_t)c;
  }
  for (size_t head = 0; head < n; head++) {
    int32_t u = queue[head];
    int f = floor_of(m, (size_t)u);
    int nx = m->floors[f].nx, x = (int)((size_t)u - m->floors[f].offset) % nx,
        y = (int)((size_t)u - m->floors[f].offset) / nx;
    struct evac_step step[8];
    for (int k = 0, nn = evac_grid_steps(m, pass, f, x, y, step); k < nn; k++)
      if (!reach[step[k].cell]) {
        reach[step[k].cell] = 1;
        queue[n++] = step[k].cell;
      }
    if (m->cell_kind[u] != EVAC_CELL_STAIR || m->cell_feature[u] < 0)
      continue;
    int st = m->features[m->cell_feature[u]].index;
    const struct evac_stair *s = &m->stairs[st];
    int k = served(s, f);
    for (int d = -1; k >= 0 && d <= 1; d += 2) { /* one flight down, up */
      if (k + d < 0 || k + d >= s->nfloors)
        continue;
      int g = s->floors[k + d];
      if (!landed[st * m->nfloors + g]) {
        landed[st * m->nfloors + g] = 1;
        reach_landings(m, st, g, pass, reach, queue, &n);
      }
    }
  }
  free(queue);
  free(landed);
  free(pass);
  return 0;
}

/* The target set the people of group g head for at the start, as the
 * engine's fields give it: the group's exit, or by the strategy (under
 * "horizontal" and "defend_in_place" a fire run sends who can reach no
 * refuge to an exit). */
static int group_set(const struct evac_model *m, const struct evac_group *g) {
  if (g->target >= 0)
    return g->target;
  switch (m->strategy) {
  case EVAC_STRATEGY_VERTICAL:
    return EVAC_TARGET_EXITS;
  case EVAC_STRATEGY_HORIZONTAL:
  case EVAC_STRATEGY_DEFEND:
    return m->has_fire ? EVAC_TARGET_ALL : EVAC_TARGET_REFUGES;
  default:
    return EVAC_TARGET_ALL;
  }
}

/* Target sets whose reach maps are kept at once. */
#define REACH_CACHED 8

/* Reach maps already computed, one per target set. */
struct reach_cache {
  int n;                      /* maps kept */
  int set[REACH_CACHED];      /* their target sets */
  uint8_t *map[REACH_CACHED]; /* [ncells] each */
};

/* The reach map of target set t, computed on first use (once every slot is
 * taken, the last one is reused), or NULL out of memory. */
static const uint8_t *cached_reach(const struct evac_model *m,
                                   struct reach_cache *rc, int t) {
  for (int i = 0; i < rc->n; i++)
    if (rc->set[i] == t)
      return rc->map[i];
  int i = rc->n < REACH_CACHED ? rc->n++ : REACH_CACHED - 1;
  free(rc->map[i]);
  rc->set[i] = t;
  rc->map[i] = malloc(m->ncells + 1);
  if (rc->map[i] && evac_model_reach(m, t, rc->map[i])) {
    free(rc->map[i]);
    rc->map[i] = NULL;
  }
  if (!rc->map[i])
    rc->n = i; /* not kept */
  return rc->map[i];
}

/* Checks group g: every '.' cell of its place reaches its target set. */
static void check_group(const struct evac_model *m, struct reach_cache *rc,
                        const struct evac_group *g, struct evac_diag *diag) {
  char p[EVAC_JSON_PATH_MAX];
  evac_json_path_index(p, g->staff ? "staff" : "occupants", g->source);
  int t = group_set(m, g);
  const uint8_t *reach = cached_reach(m, rc, t);
  if (!reach) {
    evac_diag_error(diag, m->scenario_path, p, "out of memory");
    return;
  }
  int cells = 0, cut = 0, ex = -1, ey = -1;
  for (int y = g->rect[1]; y <= g->rect[3]; y++)
    for (int x = g->rect[0]; x <= g->rect[2]; x++) {
      size_t c = evac_model_cell(m, g->floor, x, y);
      if (m->cell_kind[c] != EVAC_CELL_FLOOR)
        continue;
      cells++;
      if (!reach[c] && cut++ == 0)
        ex = x, ey = y;
    }
  if (!cut)
    return;
  char place[160];
  if (g->region >= 0)
    snprintf(place, sizeof place, "region \"%s\"", m->regions[g->region].name);
  else
    snprintf(place, sizeof place, "rect [%d, %d, %d, %d]", g->rect[0],
             g->rect[1], g->rect[2], g->rect[3]);
  static const char *const strategy[] = {"nearest", "vertical", "horizontal",
                                         "defend_in_place"};
  char why[64];
  if (g->target >= 0)
    snprintf(why, sizeof why, "the group's \"exit\"");
  else
    snprintf(why, sizeof why, "strategy \"%s\"", strategy[m->strategy]);
  evac_diag_error(diag, m->scenario_path, p,
                  "%d of the %d floor cells of its place (%s, floor \"%s\") "
                  "have no walking route to %s (%s), e.g. cell [%d, %d]; "
                  "people placed there cannot leave: every '.' cell of a "
                  "group's place must reach one (through doors, fire doors "
                  "and stairs)",
                  cut, cells, place, m->floors[g->floor].name, set_word(m, t),
                  why, ex, ey);
}

/* The file and JSON path base of the plan's messages. */
static const char *plan_file(const struct evac_model *m, const char **base) {
  int inl = m->plan_path && !strcmp(m->plan_path, "inline");
  *base = inl ? "plan.floors" : "floors";
  return inl ? m->scenario_path : m->plan_path;
}

/* 1 if cell (x, y) of floor f lies on the grid's edge or next to a void
 * cell (4 neighbours): it touches the outside. */
static int touches_outside(const struct evac_model *m, int f, int x, int y) {
  const struct evac_floor *fl = &m->floors[f];
  if (x == 0 || y == 0 || x == fl->nx - 1 || y == fl->ny - 1)
    return 1;
  static const int dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
  for (int d = 0; d < 4; d++)
    if (m->cell_kind[evac_model_cell(m, f, x + dx[d], y + dy[d])] ==
        EVAC_CELL_VOID)
      return 1;
  return 0;
}

/* The ground floor: the one at elevation 0 m, else the lowest. */
static int ground_floor(const struct evac_model *m) {
  for (int f = 0; f < m->nfloors; f++)
    if (m->floors[f].elevation_m == 0.0)
      return f;
  return 0;
}

/* Checks the exits drawn on floor f; first ([nfeatures]) and out are
 * scratch. */
static void check_exits_on(const struct evac_model *m, int f, int32_t *first,
                           uint8_t *out, struct evac_diag *diag) {
  const struct evac_floor *fl = &m->floors[f];
  for (int i = 0; i < m->nfeatures; i++)
    first[i] = -1, out[i] = 0;
  for (int y = 0; y < fl->ny; y++)
    for (int x = 0; x < fl->nx; x++) {
      size_t c = evac_model_cell(m, f, x, y);
      int e = m->cell_feature[c];
      if (m->cell_kind[c] != EVAC_CELL_EXIT || e < 0)
        continue;
      if (first[e] < 0)
        first[e] = (int32_t)(y * fl->nx + x);
      out[e] |= (uint8_t)touches_outside(m, f, x, y);
    }
  const char *base, *file = plan_file(m, &base);
  int g = ground_floor(m);
  for (int e = 0; e < m->nfeatures; e++) {
    if (first[e] < 0)
      continue;
    int x = first[e] % fl->nx, y = first[e] / fl->nx;
    char p[EVAC_JSON_PATH_MAX], q[EVAC_JSON_PATH_MAX];
    evac_json_path_index(q, base, f);
    evac_json_path_key(p, q, "rows");
    evac_json_path_index(q, p, y);
    const char *name = m->features[e].name;
    if (!out[e])
      evac_diag_error(diag, file, q,
                      "exit \"%s\" (first cell at column %d) does not touch "
                      "the outside: an exit must lie on the floor's edge or "
                      "next to a void (space) cell; people reaching it would "
                      "be counted safe inside the building (draw it in the "
                      "outer wall, or use R for a safe place inside)",
                      name, x);
    if (fl->elevation_m > m->floors[g].elevation_m && !m->features[e].elevated)
      evac_diag_warn(diag, file, q,
                     "exit \"%s\" (first cell at column %d) is on floor "
                     "\"%s\", %g m above the ground floor \"%s\"; an exit "
                     "above the ground floor needs a stated reason: add "
                     "{\"name\": \"%s\", \"elevated\": \"why (a bridge, a "
                     "podium roof, ground rising)\"} to the plan's \"exits\"",
                     name, x, fl->name,
                     fl->elevation_m - m->floors[g].elevation_m,
                     m->floors[g].name, name);
  }
}

enum evac_status evac_model_check(const struct evac_model *m,
                                  struct evac_diag *diag) {
  int before = diag->errors;
  if (!m->cell_kind)
    return EVAC_OK;
  int32_t *first = malloc(((size_t)m->nfeatures + 1) * sizeof *first);
  uint8_t *out = malloc((size_t)m->nfeatures + 1);
  if (first && out)
    for (int f = 0; f < m->nfloors; f++)
      check_exits_on(m, f, first, out, diag);
  else
    evac_diag_error(diag, m->plan_path, NULL, "out of memory");
  free(first);
  free(out);
  struct reach_cache rc = {0};
  for (int i = 0; i < m->ngroups; i++)
    check_group(m, &rc, &m->groups[i], diag);
  for (int i = 0; i < rc.n; i++)
    free(rc.map[i]);
  return diag->errors > before ? EVAC_ERR_INPUT : EVAC_OK;
}
