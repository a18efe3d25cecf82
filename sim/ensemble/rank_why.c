/* Why a line avoids what it does (rank_why.h): the line's effect split by
 * the floor people started on and by how those not safe ended (counted at
 * the end of each replication, result.h enum evac_harm), weighted by fire
 * like the line itself, and the sentence naming its two largest parts. */
#include "rank_why.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "result.h"

/* How people ended, in words, after "N fewer people a fire from floor F". */
static const char *const harm_words[EVAC_HARM_N] = {
    "overcome by smoke before they moved",
    "overcome by smoke on the way out",
    "overcome by smoke after turning back from a closed route",
    "trapped sheltering from smoke",
    "still defending in place at the end",
    "left waiting for staff who never came",
    "trapped with no route out",
    "still on their way at the end"};

/* Smallest part (people a fire) a sentence names. */
#define WHY_MIN 0.005

int evac_rank_harm_counted(enum evac_objective obj, int h) {
  int c = evac_harm_count((enum evac_harm)h);
  return obj == EVAC_OBJ_INCAPACITATED ? c == 0
         : obj == EVAC_OBJ_NOT_SAFE    ? 1
                                       : c < 2;
}

void evac_rank_why_floors(const struct evac_ranking *r, const double *d,
                          double *out) {
  for (int f = 0; f < r->m->nfloors; f++) {
    out[f] = 0.0;
    for (int h = 0; h < EVAC_HARM_N; h++)
      if (evac_rank_harm_counted(r->objective, h))
        out[f] += d[f * EVAC_HARM_N + h];
  }
}

/* Index of the largest |d[i]| of the counted harms, skipping skip (-1:
 * none); -1 if every one is below WHY_MIN. Ties: the lower floor. */
static int largest(const struct evac_ranking *r, const double *d, int skip) {
  int best = -1;
  for (int i = 0; i < r->hwidth; i++)
    if (i != skip && evac_rank_harm_counted(r->objective, i % EVAC_HARM_N) &&
        fabs(d[i]) >= WHY_MIN && (best < 0 || fabs(d[i]) > fabs(d[best])))
      best = i;
  return best;
}

const char *evac_rank_why(const struct evac_ranking *r,
                          const struct evac_rank_row *row, const double *d,
                          char *buf, size_t n) {
  const struct evac_model *m = r->m;
  const struct evac_hazard *hz = &m->hazards[row->hazard];
  char type[64];
  snprintf(type, sizeof type, "%s", evac_hazard_type_name(hz->type));
  for (char *c = type; *c; c++)
    *c = *c == '_' ? ' ' : *c;
  if (!row->applicable) {
    snprintf(buf, n,
             "%s: cannot act here, no outcome of any replication "
             "changes",
             type);
    return buf;
  }
  int a = largest(r, d, -1), b = a >= 0 ? largest(r, d, a) : -1;
  if (b >= 0 && fabs(d[b]) < 0.25 * fabs(d[a]))
    b = -1;
  if (a < 0) {
    snprintf(buf, n,
             "%s: nobody's outcome counted here changes on average "
             "(it changes only times or who is still on the way)",
             type);
    return buf;
  }
  size_t k = (size_t)snprintf(
      buf, n, "%s: %.2f %s people a fire from floor %s %s", type, fabs(d[a]),
      d[a] > 0.0 ? "fewer" : "more", m->floors[a / EVAC_HARM_N].name,
      harm_words[a % EVAC_HARM_N]);
  if (b >= 0 && k < n)
    k += (size_t)snprintf(buf + k, n - k, "; %.2f %s from floor %s %s",
                          fabs(d[b]), d[b] > 0.0 ? "fewer" : "more",
                          m->floors[b / EVAC_HARM_N].name,
                          harm_words[b % EVAC_HARM_N]);
  if (r->strata && r->nstrata > 1 && k < n) { /* the fire that matters most */
    int f = 0;
    double sum = 0.0;
    for (int s = 0; s < r->nstrata && s < EVAC_RANK_MAX_STRATA; s++) {
      sum += fabs(row->step.by_fire[s]);
      if (fabs(row->step.by_fire[s]) > fabs(row->step.by_fire[f]))
        f = s;
    }
    const struct evac_stratum *st = &r->strata[f];
    if (sum > 0.0)
      snprintf(buf + k, n - k,
               "; %.0f %% of it in the fire on floor %s (%d, %d)",
               100.0 * fabs(row->step.by_fire[f]) / sum,
               m->floors[st->floor].name, st->x, st->y);
  }
  return buf;
}

/* One floor's part of a line, for sorting. */
struct part {
  int floor;
  double v;
};

static int cmp_part(const void *x, const void *y) {
  const struct part *p = x, *q = y;
  double a = fabs(p->v), b = fabs(q->v);
  if (a != b)
    return a < b ? 1 : -1;
  return p->floor - q->floor;
}

const char *evac_rank_why_floor_text(const struct evac_ranking *r,
                                     const double *d, char *buf, size_t n) {
  int nf = r->m->nfloors;
  double *t = malloc(((size_t)nf + 1) * sizeof *t);
  struct part *p = malloc(((size_t)nf + 1) * sizeof *p);
  buf[0] = '\0';
  if (t && p) {
    evac_rank_why_floors(r, d, t);
    int np = 0;
    for (int f = 0; f < nf; f++)
      if (fabs(t[f]) >= WHY_MIN)
        p[np++] = (struct part){f, t[f]};
    qsort(p, (size_t)np, sizeof *p, cmp_part);
    size_t k = 0;
    for (int i = 0; i < np && k < n; i++)
      k += (size_t)snprintf(buf + k, n - k, "%s%s %+.2f", i ? "; " : "",
                            r->m->floors[p[i].floor].name, p[i].v);
  }
  free(t);
  free(p);
  return buf;
}
