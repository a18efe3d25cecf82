/* Internal interface between the loaders: plan.c, scenario.c, profile.c and
 * model.c read already-parsed JSON into a struct evac_model. */
#ifndef EVAC_LOADER_H
#define EVAC_LOADER_H

#include <cjson/cJSON.h>

#include "json.h"
#include "model.h"

/* Reads a plan object into m's plan part; base is the JSON path of the
 * object ("" for a plan file, "plan" for an inline plan). Errors go to j. */
void evac_plan_read(struct evac_model *m, const cJSON *root,
                    const struct evac_json *j, const char *base);

/* Reads a scenario object (from the file j->file) into m's scenario part,
 * loading its plan first. */
void evac_scenario_read(struct evac_model *m, const cJSON *root,
                        const struct evac_json *j);

/* Reads the plan object's "exits" array (sim/input/exits.c) into the exit
 * features' stated properties; the floors and features must be read. */
void evac_plan_exits_read(struct evac_model *m, const cJSON *root,
                          const struct evac_json *j, const char *base);

/* Reads obj.floor, a floor name (required), at path; returns the floor's
 * index, or -1: reported if check is 1 or the value is not a string. */
int evac_plan_floor_ref(const struct evac_model *m, const struct evac_json *j,
                        const cJSON *obj, const char *path, int check);

/* Reads obj.key = [x0, y0, x1, y1] (required) of integer cells inside
 * floor f (f < 0: only types are checked); ordered: a rectangle, x0 <= x1
 * and y0 <= y1. Returns 1 if good, 0 after reporting. */
int evac_plan_rect(const struct evac_model *m, const struct evac_json *j,
                   const cJSON *obj, const char *path, const char *key, int f,
                   int ordered, int out[4]);

/* The status of a load that began with before_errors errors and before_n
 * messages in diag and with errno 0. An allocation that failed (malloc sets
 * errno to ENOMEM) can surface as some other error, such as a name that is
 * "unknown" because its copy is missing: then the load's messages are not
 * printed (diag->oom) and the status is EVAC_ERR_RUNTIME. */
enum evac_status evac_load_status(struct evac_diag *diag, int before_errors,
                                  int before_n);

/* Fills m->profiles with the built-in profiles, then reads the scenario's
 * "profiles" object (may be NULL) at path over them. */
void evac_profiles_read(struct evac_model *m, const cJSON *profiles,
                        const struct evac_json *j, const char *path);

/* Index of the profile named name in m->profiles, or -1. */
int evac_model_profile(const struct evac_model *m, const char *name);

/* Frees what a profile owns (not the struct itself). */
void evac_profile_clear(struct evac_profile *p);

#endif
