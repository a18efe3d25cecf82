/* Loading, looking up and freeing models: see evacsim.h and
 * model.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

int evac_model_feature(const struct evac_model *m, const char *name) {
  for (int i = 0; name && i < m->nfeatures; i++)
    if (m->features[i].name && strcmp(m->features[i].name, name) == 0)
      return i;
  return -1;
}

int evac_model_floor(const struct evac_model *m, const char *name) {
  for (int i = 0; name && i < m->nfloors; i++)
    if (m->floors[i].name && strcmp(m->floors[i].name, name) == 0)
      return i;
  return -1;
}

void evac_model_free(struct evac_model *m) {
  if (!m)
    return;
  free(m->plan_path);
  free(m->scenario_path);
  free(m->plan_json);
  free(m->scenario_json);
  free(m->name);
  for (int i = 0; m->floors && i < m->nfloors; i++)
    free(m->floors[i].name);
  free(m->floors);
  free(m->cell_kind);
  free(m->cell_feature);
  for (int i = 0; m->features && i < m->nfeatures; i++) {
    free(m->features[i].name);
    free(m->features[i].elevated);
  }
  free(m->features);
  for (int i = 0; m->stairs && i < m->nstairs; i++)
    free(m->stairs[i].floors);
  free(m->stairs);
  for (int i = 0; m->shafts && i < m->nshafts; i++)
    free(m->shafts[i].kind);
  free(m->shafts);
  free(m->lifts);
  for (int i = 0; m->regions && i < m->nregions; i++) {
    free(m->regions[i].name);
    free(m->regions[i].kind);
    free(m->regions[i].compartment);
  }
  free(m->regions);
  for (int i = 0; m->measures && i < m->nmeasures; i++)
    free(m->measures[i].name);
  free(m->measures);
  for (int i = 0; m->profiles && i < m->nprofiles; i++)
    evac_profile_clear(&m->profiles[i]);
  free(m->profiles);
  free(m->groups);
  for (int i = 0; m->timeline && i < m->ntimeline; i++)
    free(m->timeline[i].floors);
  for (int i = 0; i < m->nhazards; i++)
    evac_hazard_clear(&m->hazards[i]);
  for (int i = 0; i < m->nfixed; i++)
    evac_hazard_clear(&m->fixed[i]);
  free(m->hazards);
  free(m->fixed);
  free(m->timeline);
  free(m->fire.curve_t_s);
  free(m->fire.curve_kw);
  for (int i = 0; m->fires && i < m->nfires; i++) {
    free(m->fires[i].curve_t_s);
    free(m->fires[i].curve_kw);
  }
  free(m->fires);
  free(m->systems.sprinkler_floor);
  free(m->systems.detector_floor);
  free(m->systems.exhaust_floor);
  free(m->systems.extinction_floor);
  free(m->systems.grilles_floor);
  free(m);
}

enum evac_status evac_load_status(struct evac_diag *diag, int before_errors,
                                  int before_n) {
  if (diag->errors == before_errors)
    return EVAC_OK;
  if (errno == ENOMEM && !diag->oom)
    diag->oom = before_n + 1;
  return diag->oom ? EVAC_ERR_RUNTIME : EVAC_ERR_INPUT;
}

enum evac_status evac_model_load(const char *scenario_path,
                                 struct evac_diag *diag,
                                 struct evac_model **out) {
  *out = NULL;
  int before = diag->errors, before_n = diag->n;
  errno = 0;
  char *text = evac_json_read_file(scenario_path, diag);
  if (!text)
    return evac_load_status(diag, before, before_n);
  struct evac_model *m = calloc(1, sizeof *m);
  if (!m) {
    free(text);
    evac_diag_error(diag, scenario_path, NULL, "out of memory");
    return EVAC_ERR_RUNTIME;
  }
  evac_scenario_parse(m, text, scenario_path, diag);
  free(text);
  enum evac_status st = evac_load_status(diag, before, before_n);
  if (st != EVAC_OK) {
    evac_model_free(m);
    return st;
  }
  *out = m;
  return EVAC_OK;
}
