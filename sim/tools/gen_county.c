/* The county generator (`evacsim gen county`, docs/hpc.md): N synthetic
 * ward towers of varied height and occupancy, each with its own hazard
 * list, and the manifest that names them. Each tower is written by
 * evac_gen_tower into DIR/tower-NN/, then its scenario gets the county's
 * duration and hazard list. Draws come from the generator's stream
 * (replication UINT32_MAX, id = tower index), so the county depends on
 * the options only. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "diag.h"
#include "json.h"
#include "rng.h"

/* A hazard the generator can put on a list ({fire floor} = the floor of
 * the tower's fires, see sim/tools/gen.c). */
struct gc_hazard {
  const char *type;
  const char *target; /* NULL: none */
  int on_fire_floor;  /* 1: "floors": [fire floor] */
  double cost;        /* base cost (x 0.5 .. 1.5 drawn) */
  const char *owner;
  const char *note;
};

static const struct gc_hazard gc_pool[] = {
    {"sprinkler_inoperative", NULL, 1, 800, "Facilities",
     "sprinkler zone valve found shut"},
    {"fire_door_open", "Corridor fire door", 1, 50, "Ward nursing",
     "corridor fire door wedged open"},
    {"alarm_delayed", NULL, 0, 20000, "Security",
     "fire control room unstaffed at night"},
    {"blocked_stair", "Stair B", 1, 300, "Facilities",
     "beds stored on the landing"},
    {"unsealed_shaft", "Cable shaft 1", 0, 5000, "Engineering",
     "cable shaft not fire-stopped at the slabs"},
    {"blocked_exit", "East exit", 0, 100, "Security", "east exit chained shut"},
    {"smoke_control_failed", NULL, 0, 15000, "Engineering",
     "smoke exhaust fan out of service"},
};
enum { GC_POOL = sizeof gc_pool / sizeof gc_pool[0] };

/* The hazard list of a tower of nfloors storeys (2 to 4 of the pool). */
static cJSON *gc_hazards(struct evac_rng *r, int nfloors) {
  int idx[GC_POOL], n = 2 + (int)evac_rng_below(r, 3);
  for (int i = 0; i < GC_POOL; i++)
    idx[i] = i;
  for (int i = 0; i < n; i++) { /* partial Fisher-Yates */
    int j = i + (int)evac_rng_below(r, (uint32_t)(GC_POOL - i));
    int t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  for (int a = 1; a < n; a++) /* list in pool order */
    for (int b = a; b > 0 && idx[b] < idx[b - 1]; b--) {
      int t = idx[b];
      idx[b] = idx[b - 1];
      idx[b - 1] = t;
    }
  cJSON *list = cJSON_CreateArray();
  char buf[32];
  for (int i = 0; list && i < n; i++) {
    const struct gc_hazard *g = &gc_pool[idx[i]];
    cJSON *h = cJSON_CreateObject();
    snprintf(buf, sizeof buf, "H-%02d", i + 1);
    cJSON_AddStringToObject(h, "id", buf);
    cJSON_AddStringToObject(h, "type", g->type);
    if (g->target)
      cJSON_AddStringToObject(h, "target", g->target);
    if (g->on_fire_floor) {
      snprintf(buf, sizeof buf, "%d", nfloors == 1 ? 1 : 1 + nfloors / 2);
      cJSON_AddItemToObject(
          h, "floors", cJSON_CreateStringArray((const char *const[]){buf}, 1));
    }
    cJSON_AddStringToObject(h, "note", g->note);
    double f = 0.5 + evac_rng_uniform(r);
    cJSON_AddNumberToObject(h, "cost", (double)(long)(g->cost * f + 0.5));
    cJSON_AddStringToObject(h, "owner", g->owner);
    cJSON_AddItemToArray(list, h);
  }
  return list;
}

/* Writes text to path through path.tmp and a rename. */
static enum evac_status gc_write(const char *path, const char *text,
                                 struct evac_diag *diag) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
  ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
  if (f && fclose(f) != 0)
    ok = 0;
  ok = ok && rename(tmp, path) == 0;
  if (!ok) {
    evac_diag_error(diag, path, NULL, "cannot write: %s", strerror(errno));
    remove(tmp);
    return EVAC_ERR_IO;
  }
  return EVAC_OK;
}

/* Sets the scenario at path's duration and hazard list. */
static enum evac_status gc_edit(const char *path, double duration_s,
                                cJSON *hazards, struct evac_diag *diag) {
  char *text = evac_json_read_file(path, diag);
  cJSON *sc = text ? evac_json_parse(text, path, diag) : NULL;
  free(text);
  if (!sc) {
    cJSON_Delete(hazards);
    return EVAC_ERR_IO;
  }
  cJSON_DeleteItemFromObjectCaseSensitive(sc, "hazards");
  cJSON_ReplaceItemInObjectCaseSensitive(sc, "duration_s",
                                         cJSON_CreateNumber(duration_s));
  cJSON_AddItemToObject(sc, "hazards", hazards);
  char *out = cJSON_Print(sc);
  cJSON_Delete(sc);
  if (!out) {
    evac_diag_error(diag, path, NULL, "out of memory");
    return EVAC_ERR_RUNTIME;
  }
  enum evac_status st = gc_write(path, out, diag);
  cJSON_free(out);
  return st;
}

/* Removes what the first n towers' generation wrote under dir (their two
 * files, then the folder if that left it empty): a county is written whole
 * or not at all. */
static void gc_remove(const char *dir, int n) {
  char path[4200];
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/tower-%02d/tower.plan.json", dir, i + 1);
    remove(path);
    snprintf(path, sizeof path, "%s/tower-%02d/tower.scenario.json", dir,
             i + 1);
    remove(path);
    snprintf(path, sizeof path, "%s/tower-%02d", dir, i + 1);
    rmdir(path);
  }
}

enum evac_status evac_gen_county(const struct evac_gen_county_opts *o,
                                 const char *dir, struct evac_diag *diag) {
  if (o->buildings < 1 || o->buildings > 999) {
    evac_diag_error(diag, NULL, "--buildings",
                    "%d is out of range; allowed 1..999", o->buildings);
    return EVAC_ERR_INPUT;
  }
  if (o->floors_max < 2 || o->floors_max > 200) {
    evac_diag_error(diag, NULL, "--floors-max",
                    "%d is out of range; allowed 2..200", o->floors_max);
    return EVAC_ERR_INPUT;
  }
  if (o->occupants_max < 1 || o->occupants_max > 1000) {
    evac_diag_error(diag, NULL, "--occupants-max",
                    "%d is out of range; allowed 1..1000 a floor",
                    o->occupants_max);
    return EVAC_ERR_INPUT;
  }
  if (!(o->duration_s >= 10 && o->duration_s <= 86400)) {
    evac_diag_error(diag, NULL, "--duration",
                    "%g is out of range; allowed 10..86400 s", o->duration_s);
    return EVAC_ERR_INPUT;
  }
  cJSON *mf = cJSON_CreateObject(), *list = NULL;
  char name[32], sub[4096];
  snprintf(sub, sizeof sub, "Synthetic county, %d towers", o->buildings);
  if (mf) {
    cJSON_AddNumberToObject(mf, "evacsim_county", 1);
    cJSON_AddStringToObject(mf, "name", sub);
    cJSON_AddNumberToObject(mf, "reps", o->reps);
    cJSON_AddNumberToObject(mf, "seed", (double)o->seed);
    list = cJSON_AddArrayToObject(mf, "buildings");
  }
  enum evac_status st = list ? EVAC_OK : EVAC_ERR_RUNTIME;
  int made = 0; /* towers whose files may have been written */
  for (int i = 0; st == EVAC_OK && i < o->buildings; i++, made++) {
    struct evac_rng r;
    evac_rng_init(&r, o->seed, UINT32_MAX, EVAC_RNG_GENERATOR, (uint32_t)i);
    struct evac_gen_opts g = {.seed = o->seed + (uint64_t)i};
    g.floors = 2 + (int)evac_rng_below(&r, (uint32_t)o->floors_max - 1);
    g.occupants = (g.floors - 1) *
                  (1 + (int)evac_rng_below(&r, (uint32_t)o->occupants_max));
    snprintf(name, sizeof name, "tower-%02d", i + 1);
    snprintf(sub, sizeof sub, "%s/%s", dir, name);
    st = evac_gen_tower(&g, sub, diag);
    snprintf(sub, sizeof sub, "%s/%s/tower.scenario.json", dir, name);
    if (st == EVAC_OK)
      st = gc_edit(sub, o->duration_s, gc_hazards(&r, g.floors), diag);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "name", name);
    snprintf(sub, sizeof sub, "%s/tower.scenario.json", name);
    cJSON_AddStringToObject(b, "scenario", sub);
    cJSON_AddItemToArray(list, b);
  }
  char *text = st == EVAC_OK ? cJSON_Print(mf) : NULL;
  if (st == EVAC_OK && !text)
    st = EVAC_ERR_RUNTIME;
  snprintf(sub, sizeof sub, "%s/county.json", dir);
  if (st == EVAC_OK)
    st = gc_write(sub, text, diag);
  if (st == EVAC_ERR_RUNTIME)
    evac_diag_error(diag, dir, NULL, "out of memory generating the county");
  if (st != EVAC_OK)
    gc_remove(dir, made);
  cJSON_free(text);
  cJSON_Delete(mf);
  return st;
}
