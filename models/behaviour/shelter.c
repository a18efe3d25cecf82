/* Sheltering from smoke (docs/hazards.md, "Sheltering and rescue").
 *
 * Routes avoid untenable cells only by a cost factor (EVAC_SMOKE_AVERSION),
 * so where every way out crosses smoke they lead into it however much of
 * it there is. An occupant standing in tenable air, whose next step enters
 * untenable conditions (visibility under 5 m, head temperature over
 * 60 °C or the flames' radiant flux over 2.5 kW/m2, the route model's
 * test), first weighs the route: the dose it would take walking it to the
 * stair, exit or refuge that ends it on this floor, in the smoke and the
 * flames' radiant heat as they are now and at its speed there. If that dose
 * would incapacitate it (its dose so far plus the route's reaches its
 * threshold), it does not set out: it shelters. It draws back from the
 * smoke towards the cell of its floor furthest from the nearest untenable
 * cell (walking distance) that it reaches through tenable cells, and waits
 * there to be rescued (state stuck); when the smoke reaches it there, it
 * draws back again. Whoever queues behind people sheltering (who are not
 * coming its way) shelters with them where it stands: it does not draw
 * back, as it would only walk back into the queue once it looks again.
 * At every route rebuild it looks again: it goes on once the route is
 * survivable (the smoke thinned, a way reopened).
 * Staff walking on their own (out of the building, or to a refuge) weigh
 * their route the same way; the patients staff move follow the staff model
 * and the compartment tenability rules instead. */
#include <math.h>
#include <stdlib.h>

#include "models/tox/tox.h"
#include "sim.h"

/* The next cell of agent a's route from cell v, chosen as the movement
 * model chooses its best step: the walkable open neighbour lower on its
 * field with the least step length plus field value, a diagonal one only
 * when both cells beside it are walkable and open (no corner cutting);
 * -1 if none. *step is its length. */
static int32_t downhill(const struct evac_sim *s, int a, int32_t v,
                        double *step) {
  const struct evac_model *m = s->m;
  const double *S = evac_sim_field(s, a);
  int f, x, y;
  evac_sim_cell_xy(s, v, &f, &x, &y);
  int32_t next = -1;
  double best = INFINITY;
  struct evac_nb nb[9];
  for (int k = 0, n = evac_model_neighbours(m, f, x, y, 0, nb); k < n; k++) {
    int32_t u = nb[k].cell;
    if (!evac_cell_walkable(m->cell_kind[u]) || s->closed[u] ||
        !(S[u] < S[v] - 1e-9) ||
        (nb[k].dx && nb[k].dy &&
         !evac_sim_corner_open(s, v, nb[k].dx, nb[k].dy)))
      continue;
    double len = nb[k].dx && nb[k].dy ? m->cell_m * sqrt(2.0) : m->cell_m;
    if (len + S[u] < best) {
      best = len + S[u];
      next = u;
      *step = len;
    }
  }
  return next;
}

/* The dose agent a would take walking its route on this floor from cell
 * v on, through the smoke and the flames' radiant heat as they are now:
 * for each step, the dose rate of the cell stepped into times the step's
 * time at its speed there, as its dose is counted while it walks (the cell
 * it moves into is the one it holds; evac_sim_flame_dose). */
static double route_dose(const struct evac_sim *s, int a, int32_t v) {
  const struct evac_model *m = s->m;
  const struct evac_agent *ag = &s->agents[a];
  double dose = 0.0;
  for (size_t n = 0; n < m->ncells; n++) {
    double step = 0.0;
    int32_t next = downhill(s, a, v, &step);
    if (next < 0)
      break; /* no way on */
    uint8_t k = m->cell_kind[next];
    if (k == EVAC_CELL_EXIT || k == EVAC_CELL_REFUGE || k == EVAC_CELL_STAIR)
      break; /* out of the floor's smoke */
    struct evac_gas g;
    evac_smoke_gas(s->smoke, next, ag->head_m, &g);
    double speed = ag->speed * evac_sim_speed_factor(
                                   s, next, evac_tox_extinction(g.soot_kg_m3));
    double rad =
        evac_tox_fed_rad_rate(evac_sim_flame_flux(s, next, ag->head_m));
    dose += (evac_tox_fed_rate(&g) + rad) * step / speed;
    v = next;
  }
  return dose;
}

/* 1 if agent a, on its cell, queues behind the person sheltering on cell
 * v: v holds someone sheltering who is not heading at a (a's cell is not
 * lower on their field than v; one coming the other way is passed, or
 * stepped round, as anyone held still is, models/movement/ca.c). */
static int queued(const struct evac_sim *s, int a, int32_t v) {
  int h = s->occ[v];
  if (h < 0 || h == a || !s->agents[h].shelter)
    return 0;
  const double *S = evac_sim_field(s, h);
  return !(S[s->agents[a].cell] < S[v] - 1e-9);
}

int evac_shelter_needed(const struct evac_sim *s, int a, int32_t v) {
  const struct evac_agent *ag = &s->agents[a];
  if (!s->smoke_cost || v < 0 ||
      (ag->role != EVAC_ROLE_OCCUPANT && ag->role != EVAC_ROLE_STAFF) ||
      (evac_sim_untenable(s, ag->cell) && !ag->shelter))
    return 0;
  if ((ag->shelter || evac_sim_untenable(s, v)) &&
      ag->fed + route_dose(s, a, ag->cell) >= ag->fed_threshold)
    return 1;                     /* its own way on would incapacitate it */
  return queued(s, a, v) ? 2 : 0; /* waits with those it queues behind */
}

int evac_shelter_begin(struct evac_sim *s, int a) {
  struct evac_agent *ag = &s->agents[a];
  if (ag->shelter)
    return 0;
  ag->shelter = 1;
  int f, x, y;
  evac_sim_cell_xy(s, ag->cell, &f, &x, &y);
  if (evac_sim_log(s, EVAC_LOG_TRAPPED, a, f, x, y, -1))
    return -1;
  return evac_sim_wake(s, ag->cell); /* who waits for its cell looks again */
}

/* Breadth-first walking distances (cells, 4-neighbour) over floor f from
 * the cells of queue q[0 .. n) (index relative to the floor, their d set
 * to 0, every other -1), through walkable cells that pass: all (pass
 * NULL) or those with pass[i] > 0. q has room for the floor. */
static void spread(const struct evac_sim *s, int f, int32_t *d, int32_t *q,
                   size_t n, const int32_t *pass) {
  const struct evac_model *m = s->m;
  const struct evac_floor *fl = &m->floors[f];
  static const int dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
  for (size_t head = 0; head < n; head++) {
    int32_t i = q[head];
    int x = i % fl->nx, y = i / fl->nx;
    for (int k = 0; k < 4; k++) {
      int nx = x + dx[k], ny = y + dy[k];
      if (nx < 0 || ny < 0 || nx >= fl->nx || ny >= fl->ny)
        continue;
      int32_t j = ny * fl->nx + nx;
      size_t c = fl->offset + (size_t)j;
      if (d[j] >= 0 || !evac_cell_walkable(m->cell_kind[c]) ||
          (pass && (pass[j] <= 0 || m->cell_kind[c] == EVAC_CELL_STAIR ||
                    s->closed[c])))
        continue;
      d[j] = d[i] + 1;
      q[n++] = j;
    }
  }
}

int32_t evac_shelter_retreat(const struct evac_sim *s, int a, double *step) {
  const struct evac_model *m = s->m;
  int32_t c = s->agents[a].cell, best = -1;
  int f, x, y;
  evac_sim_cell_xy(s, c, &f, &x, &y);
  const struct evac_floor *fl = &m->floors[f];
  size_t nc = (size_t)fl->nx * fl->ny, n = 0;
  int32_t *smoke = malloc(nc * sizeof *smoke), *to = malloc(nc * sizeof *to),
          *q = malloc(nc * sizeof *q);
  if (!smoke || !to || !q) {
    free(smoke);
    free(to);
    free(q);
    return -1; /* out of memory: it stays where it is */
  }
  /* distance from the smoke */
  for (size_t i = 0; i < nc; i++) {
    size_t cc = fl->offset + i;
    smoke[i] = evac_cell_walkable(m->cell_kind[cc]) &&
                       evac_sim_untenable(s, (int32_t)cc)
                   ? 0
                   : -1;
    if (!smoke[i])
      q[n++] = (int32_t)i;
  }
  spread(s, f, smoke, q, n, NULL);
  /* the place furthest from it that a reaches through clear cells */
  int32_t here = (int32_t)((size_t)c - fl->offset), target = here;
  for (size_t i = 0; i < nc; i++)
    to[i] = -1;
  int32_t keep = smoke[here];
  smoke[here] = smoke[here] > 0 ? smoke[here] : 1; /* may start in smoke */
  to[here] = 0;
  q[0] = here;
  spread(s, f, to, q, 1, smoke);
  smoke[here] = keep;
  for (size_t i = 0; i < nc; i++)
    if (to[i] >= 0 && smoke[i] > smoke[target])
      target = (int32_t)i;
  if (target != here) { /* the way there: distances back from it */
    for (size_t i = 0; i < nc; i++)
      to[i] = -1;
    to[target] = 0;
    q[0] = target;
    smoke[here] = smoke[here] > 0 ? smoke[here] : 1;
    spread(s, f, to, q, 1, smoke);
    int32_t near = to[here];
    struct evac_nb nb[9];
    for (int k = 0, nn = evac_model_neighbours(m, f, x, y, 0, nb); k < nn;
         k++) {
      int32_t u = nb[k].cell;
      int dx = nb[k].dx, dy = nb[k].dy;
      int32_t du = to[(size_t)u - fl->offset];
      if (du < 0 || (near >= 0 && du >= near) || s->occ[u] >= 0 ||
          s->now < s->next_entry[u])
        continue;
      if (dx && dy && /* no corner cutting */
          (!evac_cell_walkable(m->cell_kind[c + dx]) ||
           !evac_cell_walkable(m->cell_kind[c + dy * fl->nx])))
        continue;
      near = du;
      best = u;
      *step = dx && dy ? m->cell_m * sqrt(2.0) : m->cell_m;
    }
  }
  free(smoke);
  free(to);
  free(q);
  return best;
}

int evac_shelter_step(struct evac_sim *s) {
  for (int a = 0; a < s->nagents; a++) {
    struct evac_agent *ag = &s->agents[a];
    if (!ag->shelter || ag->state != EVAC_STATE_STUCK ||
        ag->phase != EVAC_PHASE_DONE)
      continue;
    ag->phase = EVAC_PHASE_DECIDE;
    ag->state = EVAC_STATE_MOVING;
    ag->gen++;
    if (evac_sim_schedule_agent(s, a, s->now))
      return -1;
  }
  return 0;
}
