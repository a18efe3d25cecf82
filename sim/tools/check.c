/* evacsim check: validates a plan, a scenario (with its plan) or a county
 * manifest, told apart by the file's top-level key. Plans and scenarios are
 * loaded as for a run, then checked as a building people must be able to
 * leave (evac_model_check). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "loader.h"

/* Turns the warnings of diag from message first on into errors. */
static void warnings_to_errors(struct evac_diag *diag, int first) {
  for (int i = first; i < diag->n; i++)
    if (!diag->msg[i].is_error) {
      diag->msg[i].is_error = 1;
      diag->errors++;
    }
}

enum evac_status evac_check_file(const char *path, int strict,
                                 struct evac_diag *diag) {
  int before = diag->errors, before_n = diag->n;
  errno = 0;
  char *text = evac_json_read_file(path, diag);
  if (!text)
    return evac_load_status(diag, before, before_n);
  cJSON *root = evac_json_parse(text, path, diag);
  struct evac_model *m = calloc(1, sizeof *m);
  struct evac_json j = {path, diag};
  int model = 0; /* 1: m holds a plan or scenario to check further */
  if (!root) {
    /* reported */
  } else if (!m) {
    evac_diag_error(diag, path, NULL, "out of memory");
  } else if (cJSON_GetObjectItemCaseSensitive(root, "evacsim_plan")) {
    m->plan_path = strdup(path);
    evac_plan_read(m, root, &j, "");
    model = 1;
  } else if (cJSON_GetObjectItemCaseSensitive(root, "evacsim_scenario")) {
    m->scenario_path = strdup(path);
    evac_scenario_read(m, root, &j);
    model = 1;
  } else if (cJSON_GetObjectItemCaseSensitive(root, "evacsim_county")) {
    evac_manifest_check(root, path, diag);
  } else {
    evac_diag_error(diag, path, NULL,
                    "not an evacsim file: expected a plan (an object with "
                    "\"evacsim_plan\": 1), a scenario (\"evacsim_scenario\": "
                    "1) or a county manifest (\"evacsim_county\": 1)");
  }
  if (model && diag->errors == before)
    evac_model_check(m, diag);
  if (strict)
    warnings_to_errors(diag, before_n);
  cJSON_Delete(root);
  evac_model_free(m);
  free(text);
  return evac_load_status(diag, before, before_n);
}
