/* Why a line of the rectification list avoids what it does: its effect by
 * start floor and by how people ended, and one sentence built from those
 * counts (docs/ranking.md, "Why a line"). */
#ifndef EVAC_RANK_WHY_H
#define EVAC_RANK_WHY_H

#include <stddef.h>

#include "rank.h"

/* 1 if harm h (enum evac_harm) counts in objective obj. */
int evac_rank_harm_counted(enum evac_objective obj, int h);

/* The effect of row (at its step) by start floor: out[f] the objective
 * avoided a fire among people who started on floor f (they add up to the
 * line's mean), from d[r->hwidth] (evac_rank_harm of the row's step). */
void evac_rank_why_floors(const struct evac_ranking *r, const double *d,
                          double *out);

/* The sentence of row into buf ("stair blocked: 1.20 fewer people a fire
 * from floor 6 overcome by smoke after turning back from a closed route;
 * ..."), from d (evac_rank_harm of the row's step). Returns buf. */
const char *evac_rank_why(const struct evac_ranking *r,
                          const struct evac_rank_row *row, const double *d,
                          char *buf, size_t n);

/* The row's step effect by floor as text, "6 +1.20; 5 +0.30" (largest
 * first, zeros left out; "" if none), from d. Returns buf. */
const char *evac_rank_why_floor_text(const struct evac_ranking *r,
                                     const double *d, char *buf, size_t n);

#endif
