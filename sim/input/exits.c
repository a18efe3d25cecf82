/* The plan's "exits" array (docs/formats.md, "Exits"): what a plan states
 * about its exits, by name (a legend exit or an automatic "exit-N"). */
#include <stdlib.h>
#include <string.h>

#include "loader.h"

static const char *const exit_keys[] = {"name", "elevated", NULL};

/* Reads entry e (at path p) of the "exits" array; seen marks the exits
 * already given. */
static void exit_read(struct evac_model *m, const cJSON *e, const char *p,
                      const struct evac_json *j, unsigned char *seen) {
  const char *name = NULL, *why = NULL;
  char q[EVAC_JSON_PATH_MAX];
  if (!evac_json_is_object(j, e, p))
    return;
  evac_json_check_keys(j, e, p, exit_keys);
  int named = evac_json_require(j, e, p, "name") &&
              evac_json_string(j, e, p, "name", &name) > 0;
  int stated = evac_json_string(j, e, p, "elevated", &why) > 0;
  if (!named || !m->cell_kind)
    return; /* reported, or the floors are bad (reported) */
  evac_json_path_key(q, p, "name");
  int f = evac_model_feature(m, name);
  if (f < 0 || m->features[f].kind != EVAC_FEAT_EXIT) {
    evac_diag_error(j->diag, j->file, q,
                    "\"%s\" is not an exit of the plan; give the name of a "
                    "legend exit or of an automatic exit (\"exit-1\", ...)",
                    name);
    return;
  }
  if (seen[f]) {
    evac_diag_error(j->diag, j->file, q, "exit \"%s\" is given twice", name);
    return;
  }
  seen[f] = 1;
  if (stated && !(m->features[f].elevated = strdup(why)))
    evac_diag_error(j->diag, j->file, p, "out of memory");
}

void evac_plan_exits_read(struct evac_model *m, const cJSON *root,
                          const struct evac_json *j, const char *base) {
  const cJSON *a = NULL;
  char path[EVAC_JSON_PATH_MAX], p[EVAC_JSON_PATH_MAX];
  if (evac_json_array(j, root, base, "exits", &a) <= 0)
    return;
  evac_json_path_key(path, base, "exits");
  unsigned char *seen = calloc((size_t)m->nfeatures + 1, 1);
  if (!seen) {
    evac_diag_error(j->diag, j->file, path, "out of memory");
    return;
  }
  int i = 0;
  for (const cJSON *e = a->child; e; e = e->next, i++) {
    evac_json_path_index(p, path, i);
    exit_read(m, e, p, j, seen);
  }
  free(seen);
}
