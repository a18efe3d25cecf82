/* Incremental floor-field updates (evac_fields_update) give exactly the
 * fields a full rebuild gives. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "evacsim.h"
#include "sim.h"
#include "support.h"

/* Generates a 4-storey tower of 120 people with its fire into the test
 * folder tag, loads it and creates its simulation (seed 42, one thread,
 * lean output) into *m and *s. */
static void tower(const char *tag, struct evac_model **m, struct evac_sim **s) {
  const char *dir = evac_test_dir(tag);
  struct evac_gen_opts g = {4, 120, 42};
  struct evac_diag d;
  evac_diag_init(&d);
  cr_assert_eq(evac_gen_tower(&g, dir, &d), EVAC_OK);
  char path[4200];
  snprintf(path, sizeof path, "%s/tower.scenario.json", dir);
  struct evac_run_opts o = {
      .seed = 42, .seed_given = 1, .threads = 1, .lean = 1};
  cr_assert_eq(evac_model_load(path, &d, m), EVAC_OK);
  cr_assert_eq(evac_sim_create(*m, &o, &d, s), EVAC_OK);
  evac_diag_free(&d);
}

/* A generated tower with its fire, run to the end on one thread: the
 * smoke-aware routes are updated incrementally every 10 s. Rebuilding the
 * as-planned fields from scratch with the final smoke costs must reproduce
 * them bit for bit. */
Test(fields, incremental_update_equals_rebuild) {
  struct evac_model *m = NULL;
  struct evac_sim *s = NULL;
  tower("fields_update", &m, &s);
  cr_assert_eq(evac_sim_run(s), EVAC_OK);
  size_t smoky = 0;
  for (size_t c = 0; c < m->ncells; c++)
    smoky += s->smoke_cost[c] != 1.0f;
  cr_assert_gt(smoky, 100, "smoke raised the cost of %zu cells only", smoky);
  struct evac_fields *f = &s->fields;
  size_t n = s->nnodes * sizeof(double);
  double *kept = malloc(n * (size_t)f->ntargets);
  for (int t = 0; t < f->ntargets; t++)
    memcpy(kept + (size_t)t * s->nnodes, f->dist[t], n);
  cr_assert_eq(evac_fields_build(s, 0), 0);
  for (int t = 0; t < f->ntargets; t++) {
    size_t differ = 0;
    for (size_t v = 0; v < s->nnodes; v++)
      differ += memcmp(&kept[(size_t)t * s->nnodes + v], &f->dist[t][v],
                       sizeof(double)) != 0;
    cr_expect_eq(differ, 0, "target set %d: %zu of %zu nodes differ", t, differ,
                 s->nnodes);
  }
  free(kept);
  evac_sim_free(s);
  evac_model_free(m);
}

/* Next value of a small linear congruential generator (the test's own
 * draws; no simulation stream is involved). */
static uint32_t draw(uint64_t *state) {
  *state = *state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(*state >> 33);
}

/* Copies every field (both slots) of s into out. */
static void keep_fields(const struct evac_sim *s, double *out) {
  const struct evac_fields *f = &s->fields;
  for (int i = 0; i < 2 * f->ntargets; i++)
    memcpy(out + (size_t)i * s->nnodes, f->dist[i], s->nnodes * sizeof *out);
}

/* Nodes of out (keep_fields()) that differ bit for bit from the fields. */
static size_t count_differ(const struct evac_sim *s, const double *out) {
  const struct evac_fields *f = &s->fields;
  size_t differ = 0;
  for (int i = 0; i < 2 * f->ntargets; i++)
    for (size_t v = 0; v < s->nnodes; v++)
      differ += memcmp(&out[(size_t)i * s->nnodes + v], &f->dist[i][v],
                       sizeof(double)) != 0;
  return differ;
}

/* Closes (closed 1) or opens (0) the first stair's landing on floor 1 of
 * s's tower, its cells and its stair node, for field slot 1. Returns the
 * number of its cells. */
static size_t close_landing(struct evac_sim *s, uint8_t closed) {
  const struct evac_model *m = s->m;
  size_t n = 0;
  for (size_t c = m->floors[1].offset; c < m->floors[2].offset; c++)
    if (m->cell_kind[c] == EVAC_CELL_STAIR &&
        m->features[m->cell_feature[c]].index == 0) {
      s->closed[c] = closed;
      n++;
    }
  s->closed[m->ncells + (size_t)s->stair_node[0] + s->stair_k[m->nfloors]] =
      closed;
  return n;
}

/* Random smoke costs, raised and lowered in patches (on landings too), with
 * a stair landing closed in slot 1: after each change, both slots updated
 * incrementally equal a full rebuild bit for bit, and the changes do move
 * many distances. */
Test(fields, random_cost_changes_equal_rebuild) {
  struct evac_model *m = NULL;
  struct evac_sim *s = NULL;
  tower("fields_random", &m, &s);
  cr_assert_not_null(s->smoke_cost, "the tower has no fire");
  cr_assert_gt(close_landing(s, 1), 0);
  cr_assert_eq(evac_fields_build(s, 1), 0);
  size_t nf = 2 * (size_t)s->fields.ntargets * s->nnodes;
  double *before = malloc(nf * sizeof *before);
  double *updated = malloc(nf * sizeof *updated);
  int32_t *changed = malloc(m->ncells * sizeof *changed);
  int32_t *exits = malloc(m->ncells * sizeof *exits);
  size_t nexits = 0;
  for (size_t c = 0; c < m->ncells; c++)
    if (m->cell_kind[c] == EVAC_CELL_EXIT)
      exits[nexits++] = (int32_t)c;
  int nland = s->landing_off[s->nnodes - m->ncells];
  cr_assert_gt(nexits, 0);
  cr_assert_gt(nland, 0);
  uint64_t rng = 7;
  size_t differ = 0, moved = 0;
  for (int round = 0; round < 150; round++) {
    keep_fields(s, before);
    /* a patch around a random cell (every fifth round a landing cell, and
     * every fifth an exit cell: a source keeps its distance 0 whatever its
     * cost, so a cheaper step from it must still be followed) */
    int32_t c0 = (int32_t)(draw(&rng) % (uint32_t)m->ncells);
    if (round % 5 == 0)
      c0 = s->landings[draw(&rng) % (uint32_t)nland];
    else if (round % 5 == 1)
      c0 = exits[draw(&rng) % (uint32_t)nexits];
    int f = s->cell_floor[c0], nx = m->floors[f].nx, ny = m->floors[f].ny;
    int x0 = (int)((size_t)c0 - m->floors[f].offset) % nx;
    int y0 = (int)((size_t)c0 - m->floors[f].offset) / nx;
    int r = (int)(draw(&rng) % 4);
    uint32_t kind = draw(&rng) % 3; /* 0 clear, 1 raised, 2 untenable */
    size_t n = 0;
    for (int y = y0 - r; y <= y0 + r; y++)
      for (int x = x0 - r; x <= x0 + r; x++) {
        if (x < 0 || y < 0 || x >= nx || y >= ny)
          continue;
        size_t c = evac_model_cell(m, f, x, y);
        float cost = kind == 0   ? 1.0f
                     : kind == 1 ? 1.0f + (float)(draw(&rng) % 1000) / 500.0f
                                 : 10.0f + (float)(draw(&rng) % 100) / 10.0f;
        if (s->smoke_cost[c] != cost) {
          s->smoke_cost[c] = cost;
          changed[n++] = (int32_t)c;
        }
      }
    if (!n)
      continue;
    cr_assert_eq(evac_fields_update(s, 0, changed, n), 0);
    cr_assert_eq(evac_fields_update(s, 1, changed, n), 0);
    keep_fields(s, updated);
    cr_assert_eq(evac_fields_build(s, 0), 0);
    cr_assert_eq(evac_fields_build(s, 1), 0);
    differ += count_differ(s, updated);
    moved += count_differ(s, before);
  }
  cr_expect_eq(differ, 0, "%zu node distances differ from a rebuild", differ);
  cr_expect_gt(moved, 10000, "the changes moved %zu distances only", moved);
  free(before);
  free(updated);
  free(changed);
  free(exits);
  evac_sim_free(s);
  evac_model_free(m);
}

/* While nothing is closed, field slot 1 (the building as it is now) is
 * slot 0 (as planned): the same arrays, updated once. A closure gives slot
 * 1 arrays of its own, built without touching slot 0's; opening it again
 * makes the two one again. */
Test(fields, slot_one_is_slot_zero_while_nothing_is_closed) {
  struct evac_model *m = NULL;
  struct evac_sim *s = NULL;
  tower("fields_shared", &m, &s);
  const struct evac_fields *f = &s->fields;
  int nt = f->ntargets;
  for (int t = 0; t < nt; t++)
    cr_assert_eq(f->dist[nt + t], f->dist[t], "target set %d: not shared", t);
  double *planned = malloc((size_t)nt * s->nnodes * sizeof *planned);
  for (int t = 0; t < nt; t++)
    memcpy(planned + (size_t)t * s->nnodes, f->dist[t],
           s->nnodes * sizeof *planned);
  cr_assert_gt(close_landing(s, 1), 0);
  cr_assert_eq(evac_fields_build(s, 1), 0);
  size_t apart = 0, moved = 0;
  for (int t = 0; t < nt; t++) {
    cr_assert_neq(f->dist[nt + t], f->dist[t], "target set %d: shared", t);
    for (size_t v = 0; v < s->nnodes; v++) {
      apart += memcmp(&f->dist[nt + t][v], &f->dist[t][v], sizeof(double)) != 0;
      moved += memcmp(&planned[(size_t)t * s->nnodes + v], &f->dist[t][v],
                      sizeof(double)) != 0;
    }
  }
  cr_expect_gt(apart, 0, "the closed landing moved no distance of slot 1");
  cr_expect_eq(moved, 0, "building slot 1 moved %zu distances of slot 0",
               moved);
  close_landing(s, 0);
  cr_assert_eq(evac_fields_build(s, 1), 0);
  for (int t = 0; t < nt; t++)
    cr_expect_eq(f->dist[nt + t], f->dist[t], "target set %d: not shared", t);
  free(planned);
  evac_sim_free(s);
  evac_model_free(m);
}
