/* Compartment tenability and the later stages of progressive horizontal
 * evacuation (docs/hospital.md, "Untenable compartments").
 *
 * A compartment is a region's named smoke compartment (per floor), or,
 * for cells in no such region, the walkable area enclosed by walls and
 * fire doors (fire door and exit cells belong to none). At each smoke step
 * the compartments where somebody waits (safe in a refuge, or defending in
 * place) are evaluated: a cell is untenable when the smoke layer comes
 * down below EVAC_TENAB_HEIGHT_M and, there, the visibility is below
 * EVAC_TENAB_VIS_M or the temperature above EVAC_TENAB_TEMP_C, or when the
 * layer is hotter than EVAC_TENAB_RADIANT_C; the compartment is untenable
 * once EVAC_TENAB_SHARE of its cells are, or the cell of one of the people
 * waiting in it is, and stays so.
 *
 * Then its refuge cells stop being safe places (they stay walkable), the
 * fields are rebuilt, and the people waiting there move on: back onto the
 * grid, knowing the building as it is, to the nearest refuge of a tenable
 * compartment (stage 2), or, when none can be reached, to an exit (stage
 * 3, the fields' exit set). Patients who need staff wait for a new team;
 * staff resting in the compartment go back to work, and so do staff
 * resting in the refuges of tenable compartments (call_back).
 *
 * Under "horizontal" and "defend_in_place" the refuges of the fire's own
 * compartment are never safe places (evac_tenab_avoid_fire): people go to
 * a refuge of another compartment, as progressive horizontal evacuation
 * asks, or, when they can reach none, to an exit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "sim.h"

/* The compartments and their state. */
struct evac_tenab {
  int ncomp;           /* compartments */
  int32_t *comp;       /* [ncells] compartment of a cell, or -1 */
  int32_t *off;        /* [ncomp + 1] CSR offsets into cells */
  int32_t *cells;      /* cells of each compartment */
  int16_t *floor;      /* [ncomp] floor index */
  char **name;         /* [ncomp] "<floor>/<name>" for the report */
  double *untenable_s; /* [ncomp] when it became untenable, NaN */
  uint8_t *waiting;    /* [ncomp] scratch: somebody waits in it */
  int watching;        /* people wait in a refuge of a tenable compartment
                          under a progressive strategy (last step) */
  int32_t *stack;      /* [ncells] flood-fill scratch */
};

void evac_tenab_free(struct evac_tenab *t) {
  if (!t)
    return;
  for (int i = 0; t->name && i < t->ncomp; i++)
    free(t->name[i]);
  free(t->name);
  free(t->comp);
  free(t->off);
  free(t->cells);
  free(t->floor);
  free(t->untenable_s);
  free(t->waiting);
  free(t->stack);
  free(t);
}

/* 1 if cell kind k can belong to a compartment. */
static int inside(uint8_t k) {
  return evac_cell_walkable(k) && k != EVAC_CELL_FIRE_DOOR &&
         k != EVAC_CELL_EXIT;
}

/* Names compartment i (malloc'd). NULL out of memory. */
static char *comp_name(const struct evac_model *m, int f, const char *name,
                       int area) {
  char buf[256];
  if (name)
    snprintf(buf, sizeof buf, "%s/%s", m->floors[f].name, name);
  else
    snprintf(buf, sizeof buf, "%s/area-%d", m->floors[f].name, area);
  size_t n = strlen(buf) + 1;
  char *s = malloc(n);
  if (s)
    memcpy(s, buf, n);
  return s;
}

/* Labels the named compartments: every (floor, name) of the regions. */
static int label_named(struct evac_tenab *t, const struct evac_model *m) {
  int *id = malloc(((size_t)m->nregions + 1) * sizeof *id);
  if (!id)
    return -1;
  for (int i = 0; i < m->nregions; i++) {
    const struct evac_region *r = &m->regions[i];
    id[i] = -1;
    if (!r->compartment)
      continue;
    for (int j = 0; j < i && id[i] < 0; j++)
      if (m->regions[j].compartment && m->regions[j].floor == r->floor &&
          !strcmp(m->regions[j].compartment, r->compartment))
        id[i] = id[j];
    if (id[i] < 0) {
      id[i] = t->ncomp++;
      t->floor[id[i]] = (int16_t)r->floor;
      if (!(t->name[id[i]] = comp_name(m, r->floor, r->compartment, 0))) {
        free(id);
        return -1;
      }
    }
    for (int y = r->rect[1]; y <= r->rect[3]; y++)
      for (int x = r->rect[0]; x <= r->rect[2]; x++) {
        size_t c = evac_model_cell(m, r->floor, x, y);
        if (t->comp[c] < 0 && inside(m->cell_kind[c]))
          t->comp[c] = id[i];
      }
  }
  free(id);
  return 0;
}

/* Labels the remaining walkable cells by flood fill (4-neighbour) bounded
 * by walls, fire doors and the named compartments. */
static int label_areas(struct evac_tenab *t, const struct evac_sim *s) {
  const struct evac_model *m = s->m;
  int areas = 0;
  for (size_t c0 = 0; c0 < m->ncells; c0++) {
    if (t->comp[c0] >= 0 || !inside(m->cell_kind[c0]))
      continue;
    int id = t->ncomp++, f = s->cell_floor[c0];
    t->floor[id] = (int16_t)f;
    if (!(t->name[id] = comp_name(m, f, NULL, ++areas)))
      return -1;
    size_t n = 0;
    t->stack[n++] = (int32_t)c0;
    t->comp[c0] = id;
    while (n) {
      int32_t c = t->stack[--n];
      int cf, x, y;
      evac_sim_cell_xy(s, c, &cf, &x, &y);
      static const int dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
      for (int d = 0; d < 4; d++) {
        int nx = x + dx[d], ny = y + dy[d];
        if (nx < 0 || ny < 0 || nx >= m->floors[f].nx || ny >= m->floors[f].ny)
          continue;
        size_t v = evac_model_cell(m, f, nx, ny);
        if (t->comp[v] < 0 && inside(m->cell_kind[v])) {
          t->comp[v] = id;
          t->stack[n++] = (int32_t)v;
        }
      }
    }
  }
  return 0;
}

struct evac_tenab *evac_tenab_create(const struct evac_sim *s) {
  const struct evac_model *m = s->m;
  struct evac_tenab *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  size_t nc = m->ncells + 1;
  t->comp = malloc(nc * sizeof *t->comp);
  t->stack = malloc(nc * sizeof *t->stack);
  t->floor = malloc(nc * sizeof *t->floor);
  t->name = calloc(nc, sizeof *t->name);
  if (!t->comp || !t->stack || !t->floor || !t->name)
    goto fail;
  for (size_t c = 0; c < m->ncells; c++)
    t->comp[c] = -1;
  if (label_named(t, m) || label_areas(t, s))
    goto fail;
  size_t n = (size_t)t->ncomp + 1;
  t->off = calloc(n + 1, sizeof *t->off);
  t->cells = malloc(nc * sizeof *t->cells);
  t->untenable_s = malloc(n * sizeof *t->untenable_s);
  t->waiting = calloc(n, 1);
  if (!t->off || !t->cells || !t->untenable_s || !t->waiting)
    goto fail;
  for (size_t c = 0; c < m->ncells; c++)
    if (t->comp[c] >= 0)
      t->off[t->comp[c] + 1]++;
  for (int i = 0; i < t->ncomp; i++) {
    t->off[i + 1] += t->off[i];
    t->untenable_s[i] = NAN;
  }
  int32_t *fill = t->stack; /* reused as the fill counters */
  for (int i = 0; i < t->ncomp; i++)
    fill[i] = t->off[i];
  for (size_t c = 0; c < m->ncells; c++)
    if (t->comp[c] >= 0)
      t->cells[fill[t->comp[c]]++] = (int32_t)c;
  return t;
fail:
  evac_tenab_free(t);
  return NULL;
}

/* 1 if cell c is untenable now (the criterion of the file's comment). */
static int cell_untenable(const struct evac_sim *s, int32_t c) {
  if (evac_smoke_layer_c(s->smoke, c) > EVAC_TENAB_RADIANT_C)
    return 1;
  if (!(evac_smoke_interface_m(s->smoke, c) < EVAC_TENAB_HEIGHT_M))
    return 0;
  struct evac_gas g;
  evac_smoke_gas(s->smoke, c, EVAC_TENAB_HEIGHT_M, &g);
  double k = evac_tox_extinction(g.soot_kg_m3);
  return g.temp_c > EVAC_TENAB_TEMP_C ||
         evac_tox_visibility(k, 3.0) < EVAC_TENAB_VIS_M;
}

/* 1 if compartment i is untenable now. */
static int comp_untenable(const struct evac_sim *s, const struct evac_tenab *t,
                          int i) {
  if (!evac_smoke_floor_has_smoke(s->smoke, t->floor[i]))
    return 0;
  int n = t->off[i + 1] - t->off[i], bad = 0;
  for (int j = t->off[i]; j < t->off[i + 1]; j++)
    bad += cell_untenable(s, t->cells[j]);
  return n > 0 && bad >= EVAC_TENAB_SHARE * n;
}

/* The compartment where agent a waits (safe in a refuge, or defending in
 * place), or -1. */
static int waits_in(const struct evac_sim *s, const struct evac_tenab *t,
                    int a) {
  const struct evac_agent *ag = &s->agents[a];
  if (ag->phase != EVAC_PHASE_DONE)
    return -1;
  if (ag->role == EVAC_ROLE_DEFENDED && ag->state == EVAC_STATE_WAITING)
    return t->comp[ag->cell];
  int sp = s->res.agents.safe_place[a];
  if (ag->state == EVAC_STATE_SAFE && sp >= 0 &&
      s->m->features[sp].kind == EVAC_FEAT_REFUGE && ag->last_cell >= 0)
    return t->comp[ag->last_cell];
  return -1;
}

/* A free cell of compartment i for agent a (off the grid) nearest its
 * last cell, or -1: a refuge is left through its own cells. */
static int32_t free_cell(const struct evac_sim *s, const struct evac_tenab *t,
                         int i, int32_t near) {
  int f, x0, y0;
  evac_sim_cell_xy(s, near, &f, &x0, &y0);
  int32_t best = -1;
  long best_d = 0;
  for (int j = t->off[i]; j < t->off[i + 1]; j++) {
    int32_t c = t->cells[j];
    if (s->occ[c] >= 0 || s->closed[c] || s->m->cell_kind[c] == EVAC_CELL_STAIR)
      continue;
    int cf, x, y;
    evac_sim_cell_xy(s, c, &cf, &x, &y);
    long d = (long)(x - x0) * (x - x0) + (long)(y - y0) * (y - y0);
    if (best < 0 || d < best_d)
      best = c, best_d = d;
  }
  return best;
}

/* The field slot of the exit set, or -1. */
static int exits_slot(const struct evac_sim *s) {
  for (int i = 0; i < s->fields.ntargets; i++)
    if (s->fields.target[i] == EVAC_TARGET_EXITS)
      return i;
  return -1;
}

/* Agent a of compartment i moves on; *vertical is set when it goes to an
 * exit. Returns 0, 1 if it could not (no free cell), -1 out of memory. */
static int move_on(struct evac_sim *s, struct evac_tenab *t, int i, int a,
                   int *vertical) {
  struct evac_agent *ag = &s->agents[a];
  const struct evac_profile *pr = &s->m->profiles[s->res.agents.profile[a]];
  if (ag->cell < 0) { /* safe in the refuge: back onto the grid */
    int32_t c = free_cell(s, t, i, ag->last_cell);
    if (c < 0)
      return 1;
    evac_sim_agent_leave_safety(s, a, c);
  } else { /* defending in place */
    evac_sim_agent_hold(s, a, 0);
    ag->role = pr->needs_staff ? EVAC_ROLE_PATIENT : EVAC_ROLE_OCCUPANT;
  }
  ag->know = 1;
  int ex = exits_slot(s);
  *vertical = !isfinite(evac_sim_field(s, a)[ag->cell]) && ex >= 0;
  if (*vertical)
    ag->field = (int16_t)ex;
  int f, x, y;
  evac_sim_cell_xy(s, ag->cell, &f, &x, &y);
  if (evac_sim_log(s, EVAC_LOG_ESCALATE, a, f, x, y, -1))
    return -1;
  ag->gen++;
  if (ag->role == EVAC_ROLE_STAFF)
    return s->behaviour ? evac_care_resume(s, a) : 0;
  if (pr->needs_staff) {
    if (s->behaviour)
      return evac_care_rewait(s, a);
    ag->phase = EVAC_PHASE_DONE; /* nobody to move it */
    ag->state = EVAC_STATE_STUCK;
    ag->needs_staff = 1;
    evac_sim_agent_hold(s, a, 1);
    return 0;
  }
  ag->phase = EVAC_PHASE_DECIDE;
  ag->state = EVAC_STATE_MOVING;
  return evac_sim_schedule_agent(s, a, s->now);
}

/* Who moves on first: 0 people who walk by themselves (they take the
 * cells nearest the way out and leave at once), 1 patients who need staff,
 * 2 staff (who then find those patients waiting). */
static int order(const struct evac_sim *s, int a) {
  if (s->agents[a].role == EVAC_ROLE_STAFF)
    return 2;
  return s->m->profiles[s->res.agents.profile[a]].needs_staff ? 1 : 0;
}

/* Staff resting in the refuges of tenable compartments (after their last
 * hand-over) go back to work: patients of compartment i wait for new
 * teams. 0 or -1. */
static int call_back(struct evac_sim *s, struct evac_tenab *t, int i) {
  for (int a = 0; a < s->nagents; a++) {
    struct evac_agent *ag = &s->agents[a];
    int j = ag->role == EVAC_ROLE_STAFF ? waits_in(s, t, a) : -1;
    if (j < 0 || j == i || !isnan(t->untenable_s[j]))
      continue;
    int32_t c = free_cell(s, t, j, ag->last_cell);
    if (c < 0)
      continue;
    if (evac_refuge_leave(s, a, s->res.agents.safe_place[a]))
      return -1;
    evac_sim_agent_leave_safety(s, a, c);
    ag->know = 1;
    ag->gen++;
    if (evac_care_resume(s, a))
      return -1;
  }
  return 0;
}

/* Marks the refuge cells of compartment i not safe (they stay walkable)
 * and rebuilds the target fields. Returns 0, or -1 out of memory. */
static int refuges_unsafe(struct evac_sim *s, const struct evac_tenab *t,
                          int i) {
  const struct evac_model *m = s->m;
  if (!s->unsafe && !(s->unsafe = calloc(m->ncells, 1)))
    return -1;
  for (int j = t->off[i]; j < t->off[i + 1]; j++)
    if (m->cell_kind[t->cells[j]] == EVAC_CELL_REFUGE)
      s->unsafe[t->cells[j]] = 1;
  return evac_fields_build(s, 0) || evac_fields_build(s, 1) ? -1 : 0;
}

/* Compartment i became untenable: its refuges are no longer safe, its
 * people move on (in the order of order()), and staff resting elsewhere
 * are called back when patients need new teams. */
static int escalate(struct evac_sim *s, struct evac_tenab *t, int i) {
  const struct evac_model *m = s->m;
  double now = (double)s->now / EVAC_TICKS_PER_S;
  t->untenable_s[i] = now;
  if (refuges_unsafe(s, t, i))
    return -1;
  int horizontal = 0, vertical = 0, patients = 0;
  for (int pass = 0; pass < 3; pass++)
    for (int a = 0; a < s->nagents; a++) {
      if (waits_in(s, t, a) != i || order(s, a) != pass)
        continue;
      int v = 0, rc = move_on(s, t, i, a, &v);
      if (rc < 0)
        return -1;
      if (rc == 0)
        vertical += v, horizontal += !v, patients += pass == 1;
    }
  if (patients && s->behaviour && call_back(s, t, i))
    return -1;
  if (!s->res.drill && !(s->res.drill = evac_drill_create(m, 0, 0)))
    return -1;
  return evac_drill_escalation(s->res.drill, t->name[i], t->floor[i], now,
                               horizontal, vertical);
}

int evac_tenab_avoid_fire(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  const struct evac_tenab *t = s->tenab;
  if (!t || (m->strategy != EVAC_STRATEGY_HORIZONTAL &&
             m->strategy != EVAC_STRATEGY_DEFEND))
    return 0;
  int i = t->comp[evac_model_cell(m, m->fire.floor, m->fire.x, m->fire.y)];
  int refuges = 0;
  for (int j = i >= 0 ? t->off[i] : 0; i >= 0 && j < t->off[i + 1]; j++)
    refuges += m->cell_kind[t->cells[j]] == EVAC_CELL_REFUGE;
  if (refuges && refuges_unsafe(s, t, i))
    return -1;
  int ex = exits_slot(s);
  for (int a = 0; a < s->nagents && ex >= 0; a++) {
    struct evac_agent *ag = &s->agents[a];
    if (ag->cell >= 0 && !isfinite(evac_sim_field(s, a)[ag->cell]))
      ag->field = (int16_t)ex;
  }
  return 0;
}

int evac_tenab_watching(const struct evac_sim *s) {
  return s->tenab && s->tenab->watching;
}

int evac_tenab_step(struct evac_sim *s) {
  struct evac_tenab *t = s->tenab;
  if (!t)
    return 0;
  memset(t->waiting, 0, (size_t)t->ncomp);
  int any = 0;
  int progressive = s->m->strategy == EVAC_STRATEGY_HORIZONTAL ||
                    s->m->strategy == EVAC_STRATEGY_DEFEND;
  t->watching = 0;
  for (int a = 0; a < s->nagents; a++) {
    int i = waits_in(s, t, a);
    if (i < 0 || !isnan(t->untenable_s[i]))
      continue;
    const struct evac_agent *ag = &s->agents[a];
    int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
    if (t->waiting[i] < 2 && evac_smoke_floor_has_smoke(s->smoke, t->floor[i]))
      t->waiting[i] = cell_untenable(s, c) ? 2 : 1; /* 2: reached someone */
    else if (!t->waiting[i])
      t->waiting[i] = 1;
    any = 1;
    t->watching |= progressive && ag->state == EVAC_STATE_SAFE;
  }
  for (int i = 0; any && i < t->ncomp; i++)
    if (t->waiting[i] && (t->waiting[i] == 2 || comp_untenable(s, t, i)) &&
        escalate(s, t, i))
      return -1;
  return 0;
}
