/* Incremental floor-field updates (evac_fields_update) give exactly the
 * fields a full rebuild gives. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "evacsim.h"
#include "sim.h"
#include "support.h"

/* A generated tower with its fire, run to the end on one thread: the
 * smoke-aware routes are updated incrementally every 10 s. Rebuilding the
 * as-planned fields from scratch with the final smoke costs must reproduce
 * them bit for bit. */
Test(fields, incremental_update_equals_rebuild) {
  const char *dir = evac_test_dir("fields_update");
  struct evac_gen_opts g = {4, 120, 42};
  struct evac_diag d;
  evac_diag_init(&d);
  cr_assert_eq(evac_gen_tower(&g, dir, &d), EVAC_OK);
  char path[4200];
  snprintf(path, sizeof path, "%s/tower.scenario.json", dir);
  struct evac_model *m = NULL;
  struct evac_sim *s = NULL;
  struct evac_run_opts o = {
      .seed = 42, .seed_given = 1, .threads = 1, .lean = 1};
  cr_assert_eq(evac_model_load(path, &d, &m), EVAC_OK);
  cr_assert_eq(evac_sim_create(m, &o, &d, &s), EVAC_OK);
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
  evac_diag_free(&d);
}
