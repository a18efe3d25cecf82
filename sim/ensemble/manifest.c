/* The county manifest of `evacsim batch` (docs/hpc.md, "Manifest"):
 *
 *   {"evacsim_county": 1, "name": "...", "reps": 20, "block": 8, "seed": 7,
 *    "buildings": [{"name": "tower-01", "scenario": "a/b.scenario.json",
 *                   "seed": 3}, ...]}
 *
 * Every error names the file and the JSON path. The buildings' scenarios
 * are not read here: a bad building fails alone when the batch plans it. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "diag.h"
#include "json.h"
#include "names.h"

/* Longest building name (it becomes a file name). */
#define MANIFEST_NAME_MAX 64

/* 1 if s is a usable building name: 1..64 of [A-Za-z0-9._-], no leading
 * dot. */
static int name_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > MANIFEST_NAME_MAX || s[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

/* Reads a seed (a whole number 0..2^53) into *seed; returns 1 if given. */
static int read_seed(const struct evac_json *j, const cJSON *o,
                     const char *path, uint64_t *seed) {
  long long v;
  if (evac_json_integer(j, o, path, "seed", 0, 9007199254740992.0, &v) != 1)
    return 0;
  *seed = (uint64_t)v;
  return 1;
}

/* Joins dir of the manifest path and rel (rel as is if absolute). */
static char *resolve(const char *manifest, const char *rel) {
  const char *slash = strrchr(manifest, '/');
  size_t dn = rel[0] == '/' || !slash ? 0 : (size_t)(slash - manifest) + 1;
  char *p = malloc(dn + strlen(rel) + 1);
  if (p) {
    memcpy(p, manifest, dn);
    strcpy(p + dn, rel);
  }
  return p;
}

/* Reads the manifest object root into mf (mf may be NULL: check only).
 * Returns the number of errors reported. */
static int manifest_read(const cJSON *root, const struct evac_json *j,
                         struct evac_manifest *mf) {
  struct evac_diag *d = j->diag;
  int before = d->errors;
  static const char *const keys[] = {
      "evacsim_county", "name", "reps", "block", "seed", "buildings", NULL};
  static const char *const bkeys[] = {"name", "scenario", "seed", NULL};
  if (!evac_json_is_object(j, root, ""))
    return d->errors - before;
  evac_json_check_keys(j, root, "", keys);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "evacsim_county");
  if (!cJSON_IsNumber(v) || v->valuedouble != 1.0)
    evac_json_expected(j, "evacsim_county", "1 (the county format version)", v);
  const char *name = "county";
  long long reps = 20, block = EVAC_BATCH_BLOCK;
  uint64_t seed = 0;
  evac_json_string(j, root, "", "name", &name);
  evac_json_integer(j, root, "", "reps", 2, 100000, &reps);
  evac_json_integer(j, root, "", "block", 1, 100000, &block);
  int seed_given = read_seed(j, root, "", &seed);
  const cJSON *bs = NULL;
  if (evac_json_require(j, root, "", "buildings") &&
      evac_json_array(j, root, "", "buildings", &bs) == 1) {
    int n = cJSON_GetArraySize(bs);
    if (n == 0 || n > EVAC_MANIFEST_MAX_BUILDINGS)
      evac_diag_error(d, j->file, "buildings",
                      "has %d buildings; allowed 1..%d", n,
                      EVAC_MANIFEST_MAX_BUILDINGS);
    if (mf && n > 0 && n <= EVAC_MANIFEST_MAX_BUILDINGS) {
      mf->buildings = calloc((size_t)n, sizeof *mf->buildings);
      if (!mf->buildings)
        evac_diag_error(d, j->file, NULL, "out of memory");
    }
    struct evac_names seen = {0, 0, NULL, NULL}; /* the names so far */
    int i = 0;
    for (const cJSON *b = bs->child; b && n <= EVAC_MANIFEST_MAX_BUILDINGS;
         b = b->next, i++) {
      char p[EVAC_JSON_PATH_MAX];
      evac_json_path_index(p, "buildings", i);
      if (!evac_json_is_object(j, b, p))
        continue;
      evac_json_check_keys(j, b, p, bkeys);
      const char *bn = NULL, *sc = NULL;
      uint64_t bseed = 0;
      int bseed_given = read_seed(j, b, p, &bseed);
      if (evac_json_require(j, b, p, "name") &&
          evac_json_string(j, b, p, "name", &bn) == 1) {
        char q[EVAC_JSON_PATH_MAX];
        evac_json_path_key(q, p, "name");
        if (!name_ok(bn)) {
          evac_diag_error(d, j->file, q,
                          "\"%s\" is not a usable building name; allowed 1 "
                          "to %d letters, digits, '.', '_' or '-', not "
                          "starting with '.'",
                          bn, MANIFEST_NAME_MAX);
          bn = NULL;
        }
        int k = bn ? evac_names_add(&seen, bn, i) : -1;
        if (k == -2) {
          evac_diag_error(d, j->file, NULL, "out of memory");
          bn = NULL;
        } else if (k >= 0) {
          evac_diag_error(d, j->file, q,
                          "building name \"%s\" is used twice (also "
                          "buildings[%d].name); names must be unique",
                          bn, k);
          bn = NULL;
        }
      }
      if (evac_json_require(j, b, p, "scenario"))
        evac_json_string(j, b, p, "scenario", &sc);
      if (mf && mf->buildings && bn && sc) {
        struct evac_manifest_building *mb = &mf->buildings[i];
        mb->name = strdup(bn);
        mb->scenario = strdup(sc);
        mb->path = resolve(j->file, sc);
        mb->seed = bseed;
        mb->seed_given = bseed_given;
        if (!mb->name || !mb->scenario || !mb->path)
          evac_diag_error(d, j->file, NULL, "out of memory");
      }
    }
    evac_names_free(&seen);
    if (mf)
      mf->nbuildings = i;
  }
  if (mf) {
    mf->name = strdup(name);
    mf->reps = (int)reps;
    mf->block = (int)block;
    mf->seed = seed;
    mf->seed_given = seed_given;
    if (!mf->name)
      evac_diag_error(d, j->file, NULL, "out of memory");
  }
  return d->errors - before;
}

int evac_manifest_check(const struct cJSON *root, const char *file,
                        struct evac_diag *diag) {
  struct evac_json j = {file, diag};
  return manifest_read(root, &j, NULL);
}

enum evac_status evac_manifest_load(const char *path, struct evac_diag *diag,
                                    struct evac_manifest **out) {
  *out = NULL;
  int before = diag->errors;
  char *text = evac_json_read_file(path, diag);
  cJSON *root = text ? evac_json_parse(text, path, diag) : NULL;
  free(text);
  if (!root)
    return diag->oom ? EVAC_ERR_RUNTIME : EVAC_ERR_INPUT;
  struct evac_manifest *mf = calloc(1, sizeof *mf);
  mf->path = mf ? strdup(path) : NULL;
  if (!mf || !mf->path)
    evac_diag_error(diag, path, NULL, "out of memory");
  else if (!cJSON_GetObjectItemCaseSensitive(root, "evacsim_county"))
    evac_diag_error(diag, path, NULL,
                    "not a county manifest: expected an object with "
                    "\"evacsim_county\": 1");
  else {
    struct evac_json j = {path, diag};
    manifest_read(root, &j, mf);
  }
  cJSON_Delete(root);
  if (diag->errors > before) {
    evac_manifest_free(mf);
    return diag->oom ? EVAC_ERR_RUNTIME : EVAC_ERR_INPUT;
  }
  *out = mf;
  return EVAC_OK;
}

void evac_manifest_free(struct evac_manifest *m) {
  if (!m)
    return;
  for (int i = 0; m->buildings && i < m->nbuildings; i++) {
    free(m->buildings[i].name);
    free(m->buildings[i].scenario);
    free(m->buildings[i].path);
  }
  free(m->buildings);
  free(m->name);
  free(m->path);
  free(m);
}
