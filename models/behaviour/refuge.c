/* Refuge capacity by area (docs/hospital.md, "Refuge capacity"), with the
 * scenario's "refuge_capacity": "area".
 *
 * A refuge holds the area of its R cells. Each person admitted takes
 * EVAC_REFUGE_PERSON_M2, a patient on a bed or an evacuation mattress
 * EVAC_REFUGE_BED_M2, in a wheelchair or an evacuation chair
 * EVAC_REFUGE_CHAIR_M2. The first person who does not fit closes the
 * refuge: its cells stop being safe places (they stay walkable), the
 * fields are rebuilt, and everyone not yet safe goes on to the next safe
 * place; who then has no refuge left to reach goes to an exit (the
 * fields' exit set). Staff who stay in a refuge after their last hand-over
 * take their area too, but are never refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "sim.h"

/* The area a person occupant takes in a refuge, m^2. */
static double area_of(const struct evac_sim *s, int a) {
  const struct evac_profile *pr = &s->m->profiles[s->res.agents.profile[a]];
  if (!pr->needs_staff || !pr->device)
    return EVAC_REFUGE_PERSON_M2;
  if (!strcmp(pr->device, "bed") || !strcmp(pr->device, "ski_sheet"))
    return EVAC_REFUGE_BED_M2;
  return EVAC_REFUGE_CHAIR_M2;
}

/* The per-refuge state, created on first use. 0 or -1. */
static int refuges_init(struct evac_sim *s) {
  const struct evac_model *m = s->m;
  if (s->refuge_cap_m2)
    return 0;
  s->refuge_cap_m2 = calloc((size_t)m->nfeatures + 1, sizeof(double));
  s->refuge_used_m2 = calloc((size_t)m->nfeatures + 1, sizeof(double));
  if (!s->refuge_cap_m2 || !s->refuge_used_m2)
    return -1;
  for (size_t c = 0; c < m->ncells; c++)
    if (m->cell_kind[c] == EVAC_CELL_REFUGE && m->cell_feature[c] >= 0)
      s->refuge_cap_m2[m->cell_feature[c]] += m->cell_m * m->cell_m;
  return 0;
}

/* The field slot of the exit set, or -1. */
static int exits_slot(const struct evac_sim *s) {
  for (int i = 0; i < s->fields.ntargets; i++)
    if (s->fields.target[i] == EVAC_TARGET_EXITS)
      return i;
  return -1;
}

/* Refuge feature r is full: its cells stop being safe places and whoever
 * has no safe place left in reach turns to the exits. 0 or -1. */
static int close_refuge(struct evac_sim *s, int r) {
  const struct evac_model *m = s->m;
  if (!s->unsafe && !(s->unsafe = calloc(m->ncells, 1)))
    return -1;
  int floor = -1;
  for (size_t c = 0; c < m->ncells; c++)
    if (m->cell_kind[c] == EVAC_CELL_REFUGE && m->cell_feature[c] == r) {
      s->unsafe[c] = 1;
      floor = s->cell_floor[c];
    }
  if (evac_fields_build(s, 0) || evac_fields_build(s, 1))
    return -1;
  int ex = exits_slot(s);
  for (int a = 0; a < s->nagents && ex >= 0; a++) {
    struct evac_agent *ag = &s->agents[a];
    int32_t c = ag->cell >= 0 ? ag->cell : ag->last_cell;
    if (ag->state == EVAC_STATE_SAFE || ag->state == EVAC_STATE_INCAPACITATED ||
        c < 0)
      continue;
    if (!isfinite(evac_sim_field(s, a)[c]))
      ag->field = (int16_t)ex;
  }
  if (!s->res.drill && !(s->res.drill = evac_drill_create(m, 0, 0)))
    return -1;
  return evac_drill_refuge_full(s->res.drill, m->features[r].name, floor,
                                (double)s->now / EVAC_TICKS_PER_S,
                                s->refuge_used_m2[r], s->refuge_cap_m2[r]);
}

int evac_refuge_admit(struct evac_sim *s, int a, int32_t c) {
  if (!s->m->refuge_area)
    return 1;
  int r = s->m->cell_feature[c];
  if (r < 0 || refuges_init(s))
    return r < 0 ? 1 : -1;
  double need = area_of(s, a);
  if (s->refuge_used_m2[r] + need <= s->refuge_cap_m2[r] + 1e-9) {
    s->refuge_used_m2[r] += need;
    return 1;
  }
  return close_refuge(s, r) ? -1 : 0;
}

int evac_refuge_stay(struct evac_sim *s, int a, int32_t c) {
  if (!s->m->refuge_area || s->m->cell_kind[c] != EVAC_CELL_REFUGE ||
      s->m->cell_feature[c] < 0)
    return 0;
  if (refuges_init(s))
    return -1;
  s->refuge_used_m2[s->m->cell_feature[c]] += area_of(s, a);
  return 0;
}

int evac_refuge_leave(struct evac_sim *s, int a, int feature) {
  if (!s->m->refuge_area || feature < 0 ||
      s->m->features[feature].kind != EVAC_FEAT_REFUGE)
    return 0;
  if (refuges_init(s))
    return -1;
  s->refuge_used_m2[feature] -= area_of(s, a);
  return 0;
}
