/* The building plan loader (docs/formats.md): floors of grid
 * rows, a legend of named features, stairs, shafts, lifts, regions,
 * measure lines and fire systems, read and validated into a struct
 * evac_model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "names.h"

/* Most grid cells a plan may have over all its floors (docs/formats.md,
 * "Limits"): about 0.7 GB of grids and fields. */
#define EVAC_PLAN_MAX_CELLS 50000000
/* Most floors and measure lines a plan may have (docs/formats.md,
 * "Limits"): the engine keeps their indices in 16 bits. */
#define EVAC_PLAN_MAX_FLOORS 32767
#define EVAC_PLAN_MAX_MEASURES 32767

/* Keys of a plan, of a floor, of the arrays' entries. */
static const char *const plan_keys[] = {
    "evacsim_plan", "name",    "cell_m", "floors", "legend",
    "stairs",       "shafts",  "lifts",  "exits",  "regions",
    "measures",     "systems", NULL};
static const char *const floor_keys[] = {"name", "elevation_m", "height_m",
                                         "rows", NULL};
static const char *const stair_keys[] = {"name", "width_m", "flight_length_m",
                                         NULL};
static const char *const shaft_keys[] = {"name", "kind", "area_m2", NULL};
static const char *const lift_keys[] = {"name", "fire_lift", "capacity",
                                        "beds", "speed_m_s", NULL};
static const char *const region_keys[] = {"name", "floor",       "rect",
                                          "kind", "compartment", NULL};
static const char *const measure_keys[] = {"name", "floor", "line", NULL};
static const char *const shaft_kinds[] = {"cable",   "pipe",  "ventilation",
                                          "garbage", "other", NULL};

/* Legend kinds: key, feature kind, cell kind. */
static const char *const legend_keys[] = {
    "stair", "shaft", "lift", "exit", "door", "fire_door", "refuge", NULL};
static const enum evac_feature_kind legend_feat[] = {
    EVAC_FEAT_STAIR, EVAC_FEAT_SHAFT,     EVAC_FEAT_LIFT,  EVAC_FEAT_EXIT,
    EVAC_FEAT_DOOR,  EVAC_FEAT_FIRE_DOOR, EVAC_FEAT_REFUGE};
static const enum evac_cell_kind legend_cell[] = {
    EVAC_CELL_STAIR, EVAC_CELL_SHAFT,     EVAC_CELL_LIFT,  EVAC_CELL_EXIT,
    EVAC_CELL_DOOR,  EVAC_CELL_FIRE_DOOR, EVAC_CELL_REFUGE};

/* The built-in cell characters. */
static const char builtin_chars[] = "#. EDFR";

/* Marks a legend character whose entry was bad (already reported). */
#define LEGEND_BAD (-2)

/* State of one plan read. */
struct plan_ctx {
  struct evac_model *m;
  const struct evac_json *j;
  const char *base;     /* JSON path of the plan object */
  int legend_of[256];   /* feature of a legend character, -1 or LEGEND_BAD */
  unsigned char *fchar; /* character of each legend feature */
  int nlegend;          /* legend features (the first of m->features) */
  const cJSON **rows;   /* rows array of each floor (or NULL) */
  struct evac_names floor_names; /* floor name -> index */
};

static const char *kind_word(enum evac_feature_kind k) {
  return legend_keys[k == EVAC_FEAT_EXIT        ? 3
                     : k == EVAC_FEAT_REFUGE    ? 6
                     : k == EVAC_FEAT_DOOR      ? 4
                     : k == EVAC_FEAT_FIRE_DOOR ? 5
                     : k == EVAC_FEAT_STAIR     ? 0
                     : k == EVAC_FEAT_SHAFT     ? 1
                                                : 2];
}

/* Writes "'c'" or "'\xNN'" for a cell character. */
static void char_text(char *buf, size_t n, unsigned char c) {
  if (c >= 0x20 && c < 0x7f)
    snprintf(buf, n, "'%c'", c);
  else
    snprintf(buf, n, "'\\x%02x'", c);
}

/* Appends a feature; returns its index or -1 (out of memory). */
static int feature_add(struct evac_model *m, const char *name,
                       enum evac_feature_kind kind) {
  struct evac_feature *f =
      realloc(m->features, (size_t)(m->nfeatures + 1) * sizeof *f);
  if (!f)
    return -1;
  m->features = f;
  f[m->nfeatures] = (struct evac_feature){strdup(name), kind, -1, NULL};
  if (!f[m->nfeatures].name)
    return -1;
  return m->nfeatures++;
}

/* ---------------------------------------------------------------- legend */

static void legend_read(struct plan_ctx *c, const cJSON *legend) {
  const struct evac_json *j = c->j;
  char path[EVAC_JSON_PATH_MAX], p[EVAC_JSON_PATH_MAX], ct[16];
  evac_json_path_key(path, c->base, "legend");
  int n = cJSON_GetArraySize(legend);
  c->fchar = calloc((size_t)n + 1, 1);
  if (!c->fchar)
    return;
  for (const cJSON *e = legend->child; e; e = e->next) {
    evac_json_path_key(p, path, e->string);
    const unsigned char ch = (unsigned char)e->string[0];
    if (strlen(e->string) != 1) {
      evac_diag_error(j->diag, j->file, p,
                      "a legend key must be exactly one character");
      continue;
    }
    char_text(ct, sizeof ct, ch);
    if (strchr(builtin_chars, ch)) {
      evac_diag_error(j->diag, j->file, p,
                      "%s is a built-in character (# . space E D F R) and "
                      "cannot be redefined",
                      ct);
      continue;
    }
    if (c->legend_of[ch] != -1) {
      evac_diag_error(j->diag, j->file, p, "character %s given twice", ct);
      continue;
    }
    c->legend_of[ch] = LEGEND_BAD;
    if (!evac_json_is_object(j, e, p) ||
        evac_json_check_keys(j, e, p, legend_keys) > 0)
      continue;
    if (cJSON_GetArraySize(e) != 1) {
      char list[128];
      evac_json_join(list, sizeof list, legend_keys);
      evac_diag_error(j->diag, j->file, p,
                      "expected exactly one of %s, got %d keys", list,
                      cJSON_GetArraySize(e));
      continue;
    }
    const char *name = NULL;
    if (evac_json_string(j, e, p, e->child->string, &name) <= 0)
      continue;
    int k = 0;
    while (strcmp(legend_keys[k], e->child->string) != 0)
      k++;
    int dup = -1;
    for (int f = 0; f < c->m->nfeatures && dup < 0; f++)
      if (strcmp(c->m->features[f].name, name) == 0)
        dup = f;
    if (dup >= 0) {
      char other[16];
      char_text(other, sizeof other, c->fchar[dup]);
      evac_diag_error(j->diag, j->file, p,
                      "name \"%s\" is already used by legend character %s",
                      name, other);
      continue;
    }
    int f = feature_add(c->m, name, legend_feat[k]);
    if (f < 0) {
      evac_diag_error(j->diag, j->file, p, "out of memory");
      return;
    }
    c->fchar[f] = ch;
    c->legend_of[ch] = f;
  }
  c->nlegend = c->m->nfeatures;
}

/* ---------------------------------------------------------------- floors */

/* Reads floors[i] (object e at path p) into m->floors[i]; returns 1 if its
 * rows are usable for the grid. */
static int floor_read(struct plan_ctx *c, int i, const cJSON *e, const char *p,
                      double *last_elev, int *last_i) {
  const struct evac_json *j = c->j;
  struct evac_model *m = c->m;
  struct evac_floor *fl = &m->floors[i];
  char q[EVAC_JSON_PATH_MAX], r[EVAC_JSON_PATH_MAX];
  if (!evac_json_is_object(j, e, p))
    return 0;
  evac_json_check_keys(j, e, p, floor_keys);
  const char *name = NULL;
  if (evac_json_require(j, e, p, "name") &&
      evac_json_string(j, e, p, "name", &name) > 0) {
    int dup = evac_names_find(&c->floor_names, name);
    if (dup >= 0) {
      evac_json_path_key(q, p, "name");
      evac_diag_error(j->diag, j->file, q,
                      "\"%s\" is already the name of floors[%d]", name, dup);
    } else if (!(fl->name = strdup(name)) ||
               evac_names_add(&c->floor_names, fl->name, i) == -2) {
      evac_diag_error(j->diag, j->file, p, "out of memory");
    }
  }
  if (evac_json_require(j, e, p, "elevation_m") &&
      evac_json_number(j, e, p, "elevation_m", evac_json_ge(-INFINITY),
                       &fl->elevation_m) > 0) {
    if (*last_i >= 0 && !(fl->elevation_m > *last_elev)) {
      evac_json_path_key(q, p, "elevation_m");
      evac_diag_error(j->diag, j->file, q,
                      "%g is not above %g, the elevation of floors[%d]; "
                      "elevations must increase strictly along the array",
                      fl->elevation_m, *last_elev, *last_i);
    }
    *last_elev = fl->elevation_m;
    *last_i = i;
  }
  fl->height_m = 3.0;
  evac_json_number(j, e, p, "height_m", evac_json_gt(0.0), &fl->height_m);
  const cJSON *rows = NULL;
  if (!evac_json_require(j, e, p, "rows") ||
      evac_json_array(j, e, p, "rows", &rows) <= 0)
    return 0;
  evac_json_path_key(q, p, "rows");
  if (cJSON_GetArraySize(rows) == 0) {
    evac_diag_error(j->diag, j->file, q,
                    "expected a non-empty array of strings, got []");
    return 0;
  }
  int nx = -1, ny = 0, good = 1;
  for (const cJSON *row = rows->child; row; row = row->next, ny++) {
    evac_json_path_index(r, q, ny);
    if (!cJSON_IsString(row)) {
      evac_json_expected(j, r, "a string of cells", row);
      good = 0;
      continue;
    }
    int len = (int)strlen(row->valuestring);
    if (nx < 0) {
      nx = len;
      if (len == 0) {
        evac_diag_error(j->diag, j->file, r, "empty row");
        good = 0;
      }
    } else if (len != nx) {
      evac_diag_error(j->diag, j->file, r, "row has %d cells, floor has %d",
                      len, nx);
    }
  }
  if (nx <= 0)
    return 0;
  fl->nx = nx;
  fl->ny = ny;
  c->rows[i] = rows;
  return good;
}

/* Kind of a cell character, or -1 if it is not built in. */
static int builtin_kind(unsigned char ch) {
  switch (ch) {
  case '#':
    return EVAC_CELL_WALL;
  case '.':
    return EVAC_CELL_FLOOR;
  case ' ':
    return EVAC_CELL_VOID;
  case 'E':
    return EVAC_CELL_EXIT;
  case 'D':
    return EVAC_CELL_DOOR;
  case 'F':
    return EVAC_CELL_FIRE_DOOR;
  case 'R':
    return EVAC_CELL_REFUGE;
  }
  return -1;
}

/* Fills the cells of floor f from its rows; reports unknown characters once
 * per character and floor, at their first cell. */
static void floor_cells(struct plan_ctx *c, int f, const char *floors_path) {
  struct evac_model *m = c->m;
  const struct evac_floor *fl = &m->floors[f];
  int count[256] = {0}, first_y[256], first_x[256];
  int y = 0;
  for (const cJSON *row = c->rows[f]->child; row; row = row->next, y++) {
    if (!cJSON_IsString(row))
      continue;
    const unsigned char *s = (const unsigned char *)row->valuestring;
    for (int x = 0; x < fl->nx && s[x]; x++) {
      size_t at = evac_model_cell(m, f, x, y);
      int kind = builtin_kind(s[x]);
      if (kind >= 0) {
        m->cell_kind[at] = (uint8_t)kind;
        continue;
      }
      int feat = c->legend_of[s[x]];
      if (feat >= 0) {
        m->cell_kind[at] = (uint8_t)legend_cell[0];
        for (int k = 0; legend_keys[k]; k++)
          if (legend_feat[k] == m->features[feat].kind)
            m->cell_kind[at] = (uint8_t)legend_cell[k];
        m->cell_feature[at] = feat;
      } else if (feat == -1 && count[s[x]]++ == 0) {
        first_y[s[x]] = y;
        first_x[s[x]] = x;
      }
    }
  }
  /* report in reading order of first appearance */
  for (;;) {
    int best = -1;
    for (int ch = 0; ch < 256; ch++)
      if (count[ch] > 0 &&
          (best < 0 || first_y[ch] < first_y[best] ||
           (first_y[ch] == first_y[best] && first_x[ch] < first_x[best])))
        best = ch;
    if (best < 0)
      break;
    char p[EVAC_JSON_PATH_MAX + 32], ct[16], more[64] = "";
    snprintf(p, sizeof p, "%s[%d].rows[%d]", floors_path, f, first_y[best]);
    char_text(ct, sizeof ct, (unsigned char)best);
    if (count[best] > 1)
      snprintf(more, sizeof more, " (%d cells of this floor have it)",
               count[best]);
    evac_diag_error(c->j->diag, c->j->file, p,
                    "unknown character %s at column %d of floor \"%s\": not "
                    "a built-in character (# . space E D F R) and not in "
                    "\"legend\"%s",
                    ct, first_x[best], fl->name ? fl->name : "?", more);
    count[best] = 0;
  }
}

/* Gives each group of touching unnamed cells of kind a feature named
 * "prefix-N", in reading order. */
static void auto_features(struct plan_ctx *c, enum evac_cell_kind kind,
                          enum evac_feature_kind fkind, const char *prefix,
                          size_t *stack) {
  struct evac_model *m = c->m;
  int n = 0;
  for (int f = 0; f < m->nfloors; f++) {
    const struct evac_floor *fl = &m->floors[f];
    for (int y = 0; y < fl->ny; y++)
      for (int x = 0; x < fl->nx; x++) {
        size_t at = evac_model_cell(m, f, x, y);
        if (m->cell_kind[at] != kind || m->cell_feature[at] != -1)
          continue;
        char name[64];
        snprintf(name, sizeof name, "%s-%d", prefix, ++n);
        int clash = evac_model_feature(m, name);
        if (clash >= 0 && clash < c->nlegend)
          evac_diag_error(c->j->diag, c->j->file, "legend",
                          "name \"%s\" clashes with the automatic name of "
                          "the %s at floor \"%s\" column %d row %d",
                          name, prefix, fl->name ? fl->name : "?", x, y);
        int id = feature_add(m, name, fkind);
        if (id < 0) {
          evac_diag_error(c->j->diag, c->j->file, NULL, "out of memory");
          return;
        }
        size_t top = 0;
        stack[top++] = at;
        m->cell_feature[at] = id;
        while (top > 0) {
          size_t cur = stack[--top];
          size_t local = cur - fl->offset;
          int cx = (int)(local % (size_t)fl->nx),
              cy = (int)(local / (size_t)fl->nx);
          const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
          for (int d = 0; d < 4; d++) {
            int nx = cx + dx[d], ny = cy + dy[d];
            if (nx < 0 || ny < 0 || nx >= fl->nx || ny >= fl->ny)
              continue;
            size_t nb = evac_model_cell(m, f, nx, ny);
            if (m->cell_kind[nb] == kind && m->cell_feature[nb] == -1) {
              m->cell_feature[nb] = id;
              stack[top++] = nb;
            }
          }
        }
      }
  }
}

static void floors_read(struct plan_ctx *c, const cJSON *floors) {
  const struct evac_json *j = c->j;
  struct evac_model *m = c->m;
  char path[EVAC_JSON_PATH_MAX], p[EVAC_JSON_PATH_MAX];
  evac_json_path_key(path, c->base, "floors");
  int n = cJSON_GetArraySize(floors);
  if (n == 0) {
    evac_diag_error(j->diag, j->file, path,
                    "expected a non-empty array of floors, got []");
    return;
  }
  if (n > EVAC_PLAN_MAX_FLOORS) {
    evac_diag_error(j->diag, j->file, path,
                    "%d floors; a plan may have at most %d", n,
                    EVAC_PLAN_MAX_FLOORS);
    return;
  }
  m->floors = calloc((size_t)n, sizeof *m->floors);
  c->rows = calloc((size_t)n, sizeof *c->rows);
  if (!m->floors || !c->rows) {
    evac_diag_error(j->diag, j->file, path, "out of memory");
    return;
  }
  m->nfloors = n;
  double last_elev = 0.0;
  int last_i = -1, i = 0;
  for (const cJSON *e = floors->child; e; e = e->next, i++) {
    evac_json_path_index(p, path, i);
    floor_read(c, i, e, p, &last_elev, &last_i);
  }
  size_t off = 0;
  for (i = 0; i < n; i++) {
    m->floors[i].offset = off;
    off += (size_t)m->floors[i].nx * (size_t)m->floors[i].ny;
  }
  m->ncells = off;
  if (off > EVAC_PLAN_MAX_CELLS) { /* refused before the grid is allocated */
    evac_diag_error(j->diag, j->file, path,
                    "the floors have %zu cells in all; at most %d are "
                    "allowed (docs/formats.md, \"Limits\")",
                    off, EVAC_PLAN_MAX_CELLS);
    return;
  }
  m->cell_kind = calloc(off + 1, sizeof *m->cell_kind);
  m->cell_feature = malloc((off + 1) * sizeof *m->cell_feature);
  size_t *stack = malloc((off + 1) * sizeof *stack);
  if (!m->cell_kind || !m->cell_feature || !stack) {
    evac_diag_error(j->diag, j->file, path, "out of memory");
    free(stack);
    return;
  }
  for (size_t k = 0; k < off; k++)
    m->cell_feature[k] = -1;
  for (i = 0; i < n; i++)
    if (c->rows[i])
      floor_cells(c, i, path);
  auto_features(c, EVAC_CELL_EXIT, EVAC_FEAT_EXIT, "exit", stack);
  auto_features(c, EVAC_CELL_REFUGE, EVAC_FEAT_REFUGE, "refuge", stack);
  free(stack);
}

/* ------------------------------------------- stairs, shafts, lifts: common */

/* Reads the "name" of an entry of the stairs/shafts/lifts array and returns
 * the index of the legend feature of kind it names, or -1 (reported). seen
 * marks features already given an entry. */
static int entry_feature(struct plan_ctx *c, const cJSON *e, const char *p,
                         enum evac_feature_kind kind, unsigned char *seen) {
  const struct evac_json *j = c->j;
  const char *name = NULL;
  char q[EVAC_JSON_PATH_MAX];
  if (!evac_json_require(j, e, p, "name") ||
      evac_json_string(j, e, p, "name", &name) <= 0)
    return -1;
  evac_json_path_key(q, p, "name");
  int f = evac_model_feature(c->m, name);
  if (f < 0 || f >= c->nlegend) {
    evac_diag_error(j->diag, j->file, q,
                    "\"%s\" is not in \"legend\"; a %s must be declared there "
                    "as {\"%s\": \"%s\"}",
                    name, kind_word(kind), kind_word(kind), name);
    return -1;
  }
  if (c->m->features[f].kind != kind) {
    evac_diag_error(j->diag, j->file, q,
                    "\"%s\" is a %s in \"legend\", not a %s", name,
                    kind_word(c->m->features[f].kind), kind_word(kind));
    return -1;
  }
  if (seen[f]) {
    evac_diag_error(j->diag, j->file, q, "%s \"%s\" is given twice",
                    kind_word(kind), name);
    return -1;
  }
  seen[f] = 1;
  return f;
}

/* Counts the legend features of kind and numbers them (feature.index). */
static int number_features(struct plan_ctx *c, enum evac_feature_kind kind) {
  int n = 0;
  for (int f = 0; f < c->nlegend; f++)
    if (c->m->features[f].kind == kind)
      c->m->features[f].index = n++;
  return n;
}

/* Reports each legend feature of kind that has no entry in the array. */
static void report_missing(struct plan_ctx *c, enum evac_feature_kind kind,
                           const unsigned char *seen, const char *array,
                           const char *required) {
  char p[EVAC_JSON_PATH_MAX], ct[16];
  for (int f = 0; f < c->nlegend; f++) {
    if (c->m->features[f].kind != kind || seen[f])
      continue;
    char key[2] = {(char)c->fchar[f], 0};
    char base[EVAC_JSON_PATH_MAX];
    evac_json_path_key(base, c->base, "legend");
    evac_json_path_key(p, base, key);
    char_text(ct, sizeof ct, c->fchar[f]);
    evac_diag_error(c->j->diag, c->j->file, p,
                    "%s \"%s\" (character %s) has no entry in \"%s\" (%s)",
                    kind_word(kind), c->m->features[f].name, ct, array,
                    required);
  }
}

/* Iterates over an optional array key of the plan: returns the array (or
 * NULL) and writes its path. */
static const cJSON *plan_array(struct plan_ctx *c, const cJSON *root,
                               const char *key, char *path) {
  const cJSON *a = NULL;
  evac_json_path_key(path, c->base, key);
  if (evac_json_array(c->j, root, c->base, key, &a) <= 0)
    return NULL;
  return a;
}

static void stairs_read(struct plan_ctx *c, const cJSON *root,
                        unsigned char *seen) {
  struct evac_model *m = c->m;
  const struct evac_json *j = c->j;
  int n = number_features(c, EVAC_FEAT_STAIR);
  m->stairs = calloc((size_t)n + 1, sizeof *m->stairs);
  if (!m->stairs) {
    evac_diag_error(j->diag, j->file, c->base, "out of memory");
    return;
  }
  m->nstairs = n;
  for (int f = 0; f < c->nlegend; f++) {
    if (m->features[f].kind != EVAC_FEAT_STAIR)
      continue;
    struct evac_stair *s = &m->stairs[m->features[f].index];
    s->feature = f;
    s->floors = calloc((size_t)m->nfloors + 1, sizeof *s->floors);
    if (!s->floors) {
      evac_diag_error(j->diag, j->file, c->base, "out of memory");
      continue;
    }
    for (int fl = 0; fl < m->nfloors && m->cell_feature; fl++) {
      size_t a = m->floors[fl].offset,
             b = a + (size_t)m->floors[fl].nx * (size_t)m->floors[fl].ny;
      int on = 0;
      for (size_t k = a; k < b && !on; k++)
        on = m->cell_feature[k] == f;
      if (on)
        s->floors[s->nfloors++] = fl;
    }
    if (s->nfloors >= 2)
      s->flight_length_m = 2.0 * (m->floors[s->floors[1]].elevation_m -
                                  m->floors[s->floors[0]].elevation_m);
    else
      s->flight_length_m =
          2.0 * (s->nfloors == 1 ? m->floors[s->floors[0]].height_m : 3.0);
    if (s->nfloors == 1) {
      char p[EVAC_JSON_PATH_MAX], base[EVAC_JSON_PATH_MAX];
      char key[2] = {(char)c->fchar[f], 0};
      evac_json_path_key(base, c->base, "legend");
      evac_json_path_key(p, base, key);
      evac_diag_error(j->diag, j->file, p,
                      "stair \"%s\" appears on one floor only (floors[%d]); "
                      "it joins nothing: a stair must be drawn on at least "
                      "two floors",
                      m->features[f].name, s->floors[0]);
    }
  }
  char path[EVAC_JSON_PATH_MAX], p[EVAC_JSON_PATH_MAX];
  const cJSON *a = plan_array(c, root, "stairs", path);
  int i = 0;
  for (const cJSON *e = a ? a->child : NULL; e; e = e->next, i++) {
    evac_json_path_index(p, path, i);
    if (!evac_json_is_object(j, e, p))
      continue;
    evac_json_check_keys(j, e, p, stair_keys);
    int f = entry_feature(c, e, p, EVAC_FEAT_STAIR, seen);
    struct evac_stair tmp = {0},
                      *s = f >= 0 ? &m->stairs[m->features[f].index] : &tmp;
    if (evac_json_require(j, e, p, "width_m"))
      evac_json_number(j, e, p, "width_m", evac_json_gt(0.0), &s->width_m);
    evac_json_number(j, e, p, "flight_length_m", evac_json_gt(0.0),
                     &s->flight_length_m);
  }
  report_missing(c, EVAC_FEAT_STAIR, seen, "stairs", "width_m is required");
}

static void shafts_read(struct plan_ctx *c, const cJSON *root,
                        unsigned char *seen) {
  struct evac_model *m = c->m;
  const struct evac_json *j = c->j;
  int n = number_features(c, EVAC_FEAT_SHAFT);
  m->shafts = calloc((size_t)n + 1, sizeof *m->shafts);
  if (!m->shafts)
    return;
  m->nshafts = n;
  for (int f = 0; f < c->nlegend; f++)
    if (m->features[f].kind == EVAC_FEAT_SHAFT)
      m->shafts[m->features[f].index].feature = f;
  char path[EVAC_JSON_PATH_MAX], p[EVAC_JSON_PATH_MAX], q[EVAC_JSON_PATH_MAX];
  const cJSON *a = plan_array(c, root, "shafts", path);
  int i = 0;
  for (const cJSON *e = a ? a->child : NULL; e; e = e->next, i++) {
    evac_json_path_index(p, path, i);
    if (!evac_json_is_object(j, e, p))
      continue;
    evac_json_check_keys(j, e, p, shaft_keys);
    int f = entry_feature(c, e, p, EVAC_FEAT_SHAFT, seen);
    struct evac_shaft tmp = {0},
                      *s = f >= 0 ? &m->shafts[m->features[f].index] : &tmp;
    const char *kind = "cable";
    if (evac_json_string(j, e, p, "kind", &kind) > 0) {
      int k = 0;
      while (shaft_kinds[k] && strcmp(shaft_kinds[k], kind) != 0)
        k++;
      if (!shaft_kinds[k]) {
        char list[128];
        evac_json_join(list, sizeof list, shaft_kinds);
        evac_json_path_key(q, p, "kind");
        evac_diag_error(j->diag, j->file, q,
                        "unknown shaft kind \"%s\"; allowed: %s", kind, list);
        kind = "cable";
      }
    }
    if (f >= 0)
      s->kind = strdup(kind);
    if (evac_json_require(j, e, p, "area_m2"))
      evac_json_number(j, e, p, "area_m2", evac_json_gt(0.0), &s->area_m2);
  }
  report_missing(c, EVAC_FEAT_SHAFT, seen, "shafts", "area_m2 is required");
}

static void lifts_read(struct plan_ctx *c, const cJSON *root,
                       unsigned char *seen) {
  struct evac_model *m = c->m;
  const struct evac_json *j = c->j;
  int n = number_features(c, EVAC_FEAT_LIFT);
  m->lifts = calloc((size_t)n + 1, sizeof *m->lifts);
  if (!m->lifts)
    return;
  m->nlifts = n;
  for (int f = 0; f < c->nlegend; f++)
    if (m->features[f].kind == EVAC_FEAT_LIFT)
      m->lifts[m->features[f].index] = (struct evac_lift){f, 0, 13, 0, 1.0, 0};
  char path[EVAC_JSON_PATH_MAX], p[EVAC_JSON_PATH_MAX];
  const cJSON *a = plan_array(c, root, "lifts", path);
  int i = 0;
  for (const cJSON *e = a ? a->child : NULL; e; e = e->next, i++) {
    evac_json_path_index(p, path, i);
    if (!evac_json_is_object(j, e, p))
      continue;
    evac_json_check_keys(j, e, p, lift_keys);
    int f = entry_feature(c, e, p, EVAC_FEAT_LIFT, seen);
    struct evac_lift tmp = {0},
                     *l = f >= 0 ? &m->lifts[m->features[f].index] : &tmp;
    long long v;
    evac_json_bool(j, e, p, "fire_lift", &l->fire_lift);
    if (evac_json_integer(j, e, p, "capacity", 1, 1e9, &v) > 0)
      l->capacity = (int)v;
    if (evac_json_integer(j, e, p, "beds", 0, 1e9, &v) > 0)
      l->beds = (int)v;
    evac_json_number(j, e, p, "speed_m_s", evac_json_gt(0.0), &l->speed_m_s);
  }
  report_missing(c, EVAC_FEAT_LIFT, seen, "lifts", "every lift needs an entry");
}

/* ------------------------------------------------------ regions, measures */

int evac_plan_floor_ref(const struct evac_model *m, const struct evac_json *j,
                        const cJSON *obj, const char *p, int check) {
  const char *name = NULL;
  if (!evac_json_require(j, obj, p, "floor") ||
      evac_json_string(j, obj, p, "floor", &name) <= 0)
    return -1;
  int f = evac_model_floor(m, name);
  if (f < 0 && check) {
    char q[EVAC_JSON_PATH_MAX], list[512] = "";
    size_t len = 0;
    for (int i = 0; i < m->nfloors && len + 64 < sizeof list; i++)
      if (m->floors[i].name)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%.40s\"",
                                len ? ", " : "", m->floors[i].name);
    evac_json_path_key(q, p, "floor");
    evac_diag_error(j->diag, j->file, q,
                    "unknown floor \"%s\"; the floors are %s", name, list);
  }
  return f;
}

int evac_plan_rect(const struct evac_model *m, const struct evac_json *j,
                   const cJSON *obj, const char *p, const char *key, int f,
                   int ordered, int out[4]) {
  char q[EVAC_JSON_PATH_MAX], r[EVAC_JSON_PATH_MAX];
  const cJSON *a = NULL;
  if (!evac_json_require(j, obj, p, key) ||
      evac_json_array(j, obj, p, key, &a) <= 0)
    return 0;
  evac_json_path_key(q, p, key);
  if (cJSON_GetArraySize(a) != 4) {
    evac_diag_error(j->diag, j->file, q,
                    "expected 4 integers [x0, y0, x1, y1], got %d values",
                    cJSON_GetArraySize(a));
    return 0;
  }
  int ok = 1, i = 0;
  for (const cJSON *v = a->child; v; v = v->next, i++) {
    evac_json_path_index(r, q, i);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        fabs(v->valuedouble) > 1e9) {
      evac_json_expected(j, r, "an integer cell coordinate", v);
      ok = 0;
    } else {
      out[i] = (int)v->valuedouble;
    }
  }
  if (!ok || f < 0)
    return ok;
  const struct evac_floor *fl = &m->floors[f];
  int inside = out[0] >= 0 && out[2] >= 0 && out[0] < fl->nx &&
               out[2] < fl->nx && out[1] >= 0 && out[3] >= 0 &&
               out[1] < fl->ny && out[3] < fl->ny;
  if (ordered && (!inside || out[0] > out[2] || out[1] > out[3])) {
    evac_diag_error(j->diag, j->file, q,
                    "[%d, %d, %d, %d] is not a rectangle inside floor \"%s\" "
                    "(%d x %d cells): need 0 <= x0 <= x1 < %d and "
                    "0 <= y0 <= y1 < %d",
                    out[0], out[1], out[2], out[3], fl->name, fl->nx, fl->ny,
                    fl->nx, fl->ny);
    return 0;
  }
  if (!inside) {
    evac_diag_error(j->diag, j->file, q,
                    "[%d, %d, %d, %d] is not inside floor \"%s\" (%d x %d "
                    "cells): need 0 <= x < %d and 0 <= y < %d",
                    out[0], out[1], out[2], out[3], fl->name, fl->nx, fl->ny,
                    fl->nx, fl->ny);
    return 0;
  }
  return 1;
}

/* Reads the unique "name" of entry i (object e at path p) of an array into
 * *out (strdup'd) and adds it to seen, the names so far; reports a missing,
 * repeated name or no memory. */
static void unique_name(struct plan_ctx *c, const cJSON *e, const char *p,
                        struct evac_names *seen, int i, char **out) {
  const char *name = NULL;
  if (!evac_json_require(c->j, e, p, "name") ||
      evac_json_string(c->j, e, p, "name", &name) <= 0)
    return;
  if (evac_names_find(seen, name) >= 0) {
    char q[EVAC_JSON_PATH_MAX];
    evac_json_path_key(q, p, "name");
    evac_diag_error(c->j->diag, c->j->file, q, "\"%s\" is given twice", name);
  } else if (!(*out = strdup(name)) || evac_names_add(seen, *out, i) == -2) {
    evac_diag_error(c->j->diag, c->j->file, p, "out of memory");
  }
}

static void regions_read(struct plan_ctx *c, const cJSON *root) {
  struct evac_model *m = c->m;
  const struct evac_json *j = c->j;
  char path[EVAC_JSON_PATH_MAX], p[EVAC_JSON_PATH_MAX];
  const cJSON *a = plan_array(c, root, "regions", path);
  if (!a)
    return;
  m->regions = calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *m->regions);
  if (!m->regions)
    return;
  struct evac_names seen = {0, 0, NULL, NULL};
  int i = 0;
  for (const cJSON *e = a->child; e; e = e->next, i++) {
    evac_json_path_index(p, path, i);
    struct evac_region *r = &m->regions[m->nregions++];
    r->floor = -1;
    if (!evac_json_is_object(j, e, p))
      continue;
    evac_json_check_keys(j, e, p, region_keys);
    unique_name(c, e, p, &seen, i, &r->name);
    r->floor = evac_plan_floor_ref(m, j, e, p, 1);
    evac_plan_rect(m, j, e, p, "rect", r->floor, 1, r->rect);
    const char *s = NULL;
    if (evac_json_string(j, e, p, "kind", &s) > 0)
      r->kind = strdup(s);
    if (evac_json_string(j, e, p, "compartment", &s) > 0)
      r->compartment = strdup(s);
  }
  evac_names_free(&seen);
}

static void measures_read(struct plan_ctx *c, const cJSON *root) {
  struct evac_model *m = c->m;
  const struct evac_json *j = c->j;
  char path[EVAC_JSON_PATH_MAX], p[EVAC_JSON_PATH_MAX];
  const cJSON *a = plan_array(c, root, "measures", path);
  if (!a)
    return;
  int n = cJSON_GetArraySize(a);
  if (n > EVAC_PLAN_MAX_MEASURES) {
    evac_diag_error(j->diag, j->file, path,
                    "%d measure lines; a plan may have at most %d", n,
                    EVAC_PLAN_MAX_MEASURES);
    return;
  }
  m->measures = calloc((size_t)n + 1, sizeof *m->measures);
  if (!m->measures)
    return;
  struct evac_names seen = {0, 0, NULL, NULL};
  int i = 0;
  for (const cJSON *e = a->child; e; e = e->next, i++) {
    evac_json_path_index(p, path, i);
    struct evac_measure *ms = &m->measures[m->nmeasures++];
    ms->floor = -1;
    if (!evac_json_is_object(j, e, p))
      continue;
    evac_json_check_keys(j, e, p, measure_keys);
    unique_name(c, e, p, &seen, i, &ms->name);
    ms->floor = evac_plan_floor_ref(m, j, e, p, 1);
    evac_plan_rect(m, j, e, p, "line", ms->floor, 0, ms->line);
  }
  evac_names_free(&seen);
}

/* --------------------------------------------------------------- systems */

static const char *const systems_keys[] = {
    "sprinklers",    "detectors",
    "smoke_exhaust", "stair_pressurisation",
    "brigade",       "micro_station",
    "hydrants",      "ambient_c",
    "outside_c",     NULL};
static const char *const sprinkler_keys[] = {
    "floors", "rti", "activation_c", "r_m", "spray_density_mm_s", NULL};
static const char *const detector_keys[] = {"floors",          "kind", "rti",
                                            "activation_dt_c", "r_m",  NULL};
static const char *const exhaust_keys[] = {"floors", "m3_s", NULL};
static const char *const pressurisation_keys[] = {"pa", NULL};
static const char *const brigade_keys[] = {"arrival_s", NULL};
static const char *const micro_keys[] = {"response_s", NULL};
static const char *const hydrant_keys[] = {"water", NULL};

/* Reads obj.floors at path p: "all" (also when absent) or an array of
 * floor names; sets on[f] = 1 for each floor f named. */
static void systems_floors(struct plan_ctx *c, const cJSON *obj, const char *p,
                           uint8_t *on) {
  struct evac_model *m = c->m;
  const struct evac_json *j = c->j;
  char q[EVAC_JSON_PATH_MAX], r[EVAC_JSON_PATH_MAX];
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "floors");
  evac_json_path_key(q, p, "floors");
  if (!v || (cJSON_IsString(v) && strcmp(v->valuestring, "all") == 0)) {
    memset(on, 1, (size_t)m->nfloors);
    return;
  }
  if (!cJSON_IsArray(v)) {
    evac_json_expected(j, q, "\"all\" or an array of floor names", v);
    return;
  }
  int i = 0;
  for (const cJSON *e = v->child; e; e = e->next, i++) {
    evac_json_path_index(r, q, i);
    if (!cJSON_IsString(e)) {
      evac_json_expected(j, r, "a floor name (a string)", e);
      continue;
    }
    int f = evac_model_floor(m, e->valuestring);
    if (f >= 0) {
      on[f] = 1;
      continue;
    }
    char list[512] = "";
    size_t len = 0;
    for (int k = 0; k < m->nfloors && len + 64 < sizeof list; k++)
      if (m->floors[k].name)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%.40s\"",
                                len ? ", " : "", m->floors[k].name);
    evac_diag_error(j->diag, j->file, r,
                    "unknown floor \"%s\"; the floors are %s", e->valuestring,
                    list);
  }
}

/* Reads systems.NAME, an object with the allowed keys, into *out; returns
 * 1 if it is there and an object. path receives its JSON path. */
static int systems_part(struct plan_ctx *c, const cJSON *sys, const char *base,
                        const char *name, const char *const *keys,
                        const cJSON **out, char *path) {
  evac_json_path_key(path, base, name);
  if (evac_json_object(c->j, sys, base, name, out) <= 0)
    return 0;
  evac_json_check_keys(c->j, *out, path, keys);
  return 1;
}

/* Reads the sprinklers and the detectors. */
static void systems_links(struct plan_ctx *c, const cJSON *sys,
                          const char *sp) {
  struct evac_systems *s = &c->m->systems;
  const struct evac_json *j = c->j;
  char p[EVAC_JSON_PATH_MAX], q[EVAC_JSON_PATH_MAX];
  const cJSON *o = NULL;
  if (systems_part(c, sys, sp, "sprinklers", sprinkler_keys, &o, p)) {
    s->sprinklers = 1;
    systems_floors(c, o, p, s->sprinkler_floor);
    evac_json_number(j, o, p, "rti", evac_json_gt(0.0), &s->spr_rti);
    if (evac_json_number(j, o, p, "activation_c", evac_json_gt(-INFINITY),
                         &s->spr_activation_c) > 0 &&
        s->spr_activation_c <= s->ambient_c) {
      evac_json_path_key(q, p, "activation_c");
      evac_diag_error(j->diag, j->file, q,
                      "%g C is not above the ambient %g C (ambient_c)",
                      s->spr_activation_c, s->ambient_c);
    }
    evac_json_number(j, o, p, "r_m", evac_json_ge(0.0), &s->spr_r_m);
    evac_json_number(j, o, p, "spray_density_mm_s", evac_json_gt(0.0),
                     &s->spr_density_mm_s);
  }
  if (systems_part(c, sys, sp, "detectors", detector_keys, &o, p)) {
    s->detectors = 1;
    systems_floors(c, o, p, s->detector_floor);
    const char *kind = "smoke";
    if (evac_json_string(j, o, p, "kind", &kind) > 0 &&
        strcmp(kind, "heat") == 0) {
      s->det_rti = 100.0;
      s->det_activation_dt_c = 57.0 - s->ambient_c;
    } else if (strcmp(kind, "smoke") != 0) {
      evac_json_path_key(q, p, "kind");
      evac_diag_error(j->diag, j->file, q,
                      "unknown detector kind \"%s\"; allowed: smoke, heat",
                      kind);
    }
    evac_json_number(j, o, p, "rti", evac_json_gt(0.0), &s->det_rti);
    evac_json_number(j, o, p, "activation_dt_c", evac_json_gt(0.0),
                     &s->det_activation_dt_c);
    if (s->det_activation_dt_c <= 0.0) {
      evac_json_path_key(q, p, "activation_dt_c");
      evac_diag_error(j->diag, j->file, q,
                      "a heat detector's default rise 57 C - ambient_c is "
                      "%g C; give activation_dt_c > 0",
                      s->det_activation_dt_c);
    }
    evac_json_number(j, o, p, "r_m", evac_json_ge(0.0), &s->det_r_m);
  }
}

/* Reads the plan's "systems" (may be NULL) into m->systems, with defaults
 * (docs/formats.md). The floor arrays are always allocated. */
static void systems_read(struct plan_ctx *c, const cJSON *sys) {
  struct evac_model *m = c->m;
  const struct evac_json *j = c->j;
  struct evac_systems *s = &m->systems;
  size_t nf = (size_t)(m->nfloors > 0 ? m->nfloors : 0) + 1;
  *s = (struct evac_systems){.spr_rti = 50.0,
                             .spr_activation_c = 68.0,
                             .spr_r_m = 2.1,
                             .spr_density_mm_s = 0.07,
                             .det_rti = 5.0,
                             .det_activation_dt_c = 5.0,
                             .det_r_m = 2.1,
                             .brigade_arrival_s = 600.0,
                             .micro_station_s = INFINITY,
                             .water = 1,
                             .ambient_c = 20.0,
                             .outside_c = 5.0};
  s->sprinkler_floor = calloc(nf, 1);
  s->detector_floor = calloc(nf, 1);
  s->exhaust_floor = calloc(nf, 1);
  s->extinction_floor = malloc(nf * sizeof *s->extinction_floor);
  s->grilles_floor = calloc(nf, 1);
  char sp[EVAC_JSON_PATH_MAX], p[EVAC_JSON_PATH_MAX];
  evac_json_path_key(sp, c->base, "systems");
  if (!s->sprinkler_floor || !s->detector_floor || !s->exhaust_floor ||
      !s->extinction_floor || !s->grilles_floor) {
    evac_diag_error(j->diag, j->file, sp, "out of memory");
    return;
  }
  for (size_t f = 0; f < nf; f++)
    s->extinction_floor[f] = 1.0; /* lit */
  if (!sys)
    return;
  evac_json_check_keys(j, sys, sp, systems_keys);
  evac_json_number(j, sys, sp, "ambient_c", evac_json_in(-60.0, 0, 60.0, 0),
                   &s->ambient_c);
  evac_json_number(j, sys, sp, "outside_c", evac_json_in(-60.0, 0, 60.0, 0),
                   &s->outside_c);
  systems_links(c, sys, sp);
  const cJSON *o = NULL;
  if (systems_part(c, sys, sp, "smoke_exhaust", exhaust_keys, &o, p)) {
    systems_floors(c, o, p, s->exhaust_floor);
    if (evac_json_require(j, o, p, "m3_s"))
      evac_json_number(j, o, p, "m3_s", evac_json_gt(0.0), &s->exhaust_m3_s);
  }
  if (systems_part(c, sys, sp, "stair_pressurisation", pressurisation_keys, &o,
                   p) &&
      evac_json_require(j, o, p, "pa"))
    evac_json_number(j, o, p, "pa", evac_json_ge(0.0), &s->stair_pressure_pa);
  if (systems_part(c, sys, sp, "brigade", brigade_keys, &o, p))
    evac_json_number(j, o, p, "arrival_s", evac_json_ge(0.0),
                     &s->brigade_arrival_s);
  if (systems_part(c, sys, sp, "micro_station", micro_keys, &o, p) &&
      evac_json_require(j, o, p, "response_s"))
    evac_json_number(j, o, p, "response_s", evac_json_ge(0.0),
                     &s->micro_station_s);
  if (systems_part(c, sys, sp, "hydrants", hydrant_keys, &o, p))
    evac_json_bool(j, o, p, "water", &s->water);
}

/* ------------------------------------------------------------------ plan */

void evac_plan_read(struct evac_model *m, const cJSON *root,
                    const struct evac_json *j, const char *base) {
  struct plan_ctx c = {.m = m, .j = j, .base = base};
  char p[EVAC_JSON_PATH_MAX];
  for (int i = 0; i < 256; i++)
    c.legend_of[i] = -1;
  if (!evac_json_is_object(j, root, base))
    return;
  evac_json_check_keys(j, root, base, plan_keys);
  const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "evacsim_plan");
  evac_json_path_key(p, base, "evacsim_plan");
  if (!ver)
    evac_diag_error(j->diag, j->file, p,
                    "missing; a plan must have \"evacsim_plan\": 1");
  else if (!cJSON_IsNumber(ver) || ver->valuedouble != 1.0)
    evac_json_expected(j, p, "1 (the plan format version)", ver);
  const char *name = "unnamed";
  evac_json_string(j, root, base, "name", &name);
  m->name = strdup(name);
  m->cell_m = 0.4;
  evac_json_number(j, root, base, "cell_m", evac_json_in(0.05, 1, 5.0, 0),
                   &m->cell_m);

  const cJSON *legend = NULL, *floors = NULL, *systems = NULL;
  if (evac_json_object(j, root, base, "legend", &legend) > 0)
    legend_read(&c, legend);
  c.nlegend = m->nfeatures;
  if (evac_json_require(j, root, base, "floors") &&
      evac_json_array(j, root, base, "floors", &floors) > 0)
    floors_read(&c, floors);

  /* legend features that appear nowhere */
  for (int f = 0; f < c.nlegend && m->cell_feature; f++) {
    int on = 0;
    for (size_t k = 0; k < m->ncells && !on; k++)
      on = m->cell_feature[k] == f;
    if (!on) {
      char key[2] = {(char)c.fchar[f], 0}, lp[EVAC_JSON_PATH_MAX];
      evac_json_path_key(lp, base, "legend");
      evac_json_path_key(p, lp, key);
      evac_diag_warn(j->diag, j->file, p, "%s \"%s\" appears on no floor",
                     kind_word(m->features[f].kind), m->features[f].name);
    }
  }

  unsigned char *seen = calloc((size_t)m->nfeatures + 1, 1);
  if (seen) {
    stairs_read(&c, root, seen);
    shafts_read(&c, root, seen);
    lifts_read(&c, root, seen);
  } else {
    evac_diag_error(j->diag, j->file, base, "out of memory");
  }
  free(seen);
  evac_plan_exits_read(m, root, j, base);
  regions_read(&c, root);
  measures_read(&c, root);
  evac_json_object(j, root, base, "systems", &systems);
  systems_read(&c, systems);
  free(c.fchar);
  free(c.rows);
  evac_names_free(&c.floor_names);
}

enum evac_status evac_plan_parse(struct evac_model *m, const char *text,
                                 const char *file, struct evac_diag *diag) {
  struct evac_json j = {file, diag};
  int before = diag->errors;
  cJSON *root = evac_json_parse(text, file, diag);
  if (root) {
    evac_plan_read(m, root, &j, "");
    cJSON_Delete(root);
  }
  return diag->errors > before ? EVAC_ERR_INPUT : EVAC_OK;
}
