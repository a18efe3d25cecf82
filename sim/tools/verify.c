/* Deterministic replay (`evacsim run --verify OUT.h5`): rebuilds the model
 * from the scenario and plan texts stored in a result file's /parameters,
 * applies the stored hazard fixes, re-runs with the stored seed and
 * replication, and compares /summary (all but wall_clock_s) and every
 * /agents dataset with the new run, value for value. */
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "h5attr.h"
#include "h5check.h"
#include "json.h"
#include "model.h"
#include "result.h"

/* Differences printed at most; the rest are only counted. */
#define MAX_SHOWN 10

/* Storage of a compared value. */
enum vkind {
  V_I8,  /* int8 */
  V_I32, /* int32 */
  V_U64, /* uint64 */
  V_F64, /* double; equal if the same bits, or both NaN */
  V_STR, /* fixed-length string, compared as text */
};

/* State of one comparison. */
struct cmp {
  const char *path; /* the result file */
  FILE *out;        /* where differences are printed */
  long differ;      /* values that differ */
  int shown;        /* differences printed */
  char first[128];  /* "agents/exit_time_s" of the first difference */
};

/* Notes one difference: what (a dataset or attribute, [index] if i >= 0),
 * the stored and the new value as text. */
static void differ(struct cmp *c, const char *what, long i, const char *stored,
                   const char *now) {
  if (c->differ++ == 0)
    snprintf(c->first, sizeof c->first, "%s", what);
  if (!c->out || c->shown >= MAX_SHOWN)
    return;
  c->shown++;
  if (i >= 0)
    fprintf(c->out, "  %s[%ld]: stored %s, new %s\n", what, i, stored, now);
  else
    fprintf(c->out, "  %s: stored %s, new %s\n", what, stored, now);
}

/* Formats value v of kind k as text into buf. */
static void format_value(enum vkind k, const void *v, char *buf, size_t n) {
  switch (k) {
  case V_I8:
    snprintf(buf, n, "%d", *(const int8_t *)v);
    break;
  case V_I32:
    snprintf(buf, n, "%d", (int)*(const int32_t *)v);
    break;
  case V_U64:
    snprintf(buf, n, "%llu", (unsigned long long)*(const uint64_t *)v);
    break;
  case V_F64:
    snprintf(buf, n, "%.17g", *(const double *)v);
    break;
  case V_STR:
    snprintf(buf, n, "\"%s\"", (const char *)v);
    break;
  }
}

/* Size of one value of a numeric kind, and its HDF5 memory type. */
static size_t kind_size(enum vkind k) {
  return k == V_I8 ? 1 : k == V_I32 ? 4 : 8;
}
static hid_t kind_type(enum vkind k) {
  return k == V_I8    ? H5T_NATIVE_INT8
         : k == V_I32 ? H5T_NATIVE_INT32
         : k == V_U64 ? H5T_NATIVE_UINT64
                      : H5T_NATIVE_DOUBLE;
}

/* 1 if two numeric values are the same. */
static int same(enum vkind k, const void *a, const void *b) {
  if (k == V_F64 && isnan(*(const double *)a) && isnan(*(const double *)b))
    return 1;
  return memcmp(a, b, kind_size(k)) == 0;
}

/* ------------------------------------------------------------- summary */

/* One /summary attribute of the new run. */
struct sum_attr {
  const char *name;
  enum vkind kind;
  const void *value;
};

/* A stored group and the names its members may have. */
struct extra {
  struct cmp *c;
  const char *group;        /* "summary", "agents" */
  const char *const *known; /* NULL-terminated */
};

/* Notes a stored member (name) that the new run does not produce. */
static void extra_member(struct extra *x, const char *name, const char *kind) {
  for (int k = 0; x->known[k]; k++)
    if (!strcmp(x->known[k], name))
      return;
  char what[96];
  snprintf(what, sizeof what, "%s/%s", x->group, name);
  differ(x->c, what, -1, kind, "none (not produced by this version)");
}

/* H5Aiterate2 callback: extra_member for an attribute. */
static herr_t extra_attr(hid_t loc, const char *name, const H5A_info_t *info,
                         void *data) {
  (void)loc, (void)info;
  extra_member(data, name, "an attribute");
  return 0;
}

/* H5Literate callback: extra_member for a link. */
static herr_t extra_link(hid_t loc, const char *name, const H5L_info_t *info,
                         void *data) {
  (void)loc, (void)info;
  extra_member(data, name, "a dataset");
  return 0;
}

/* Compares the attributes of /summary with r's (wall_clock_s and complete
 * aside): each stored one must be produced, and each produced one stored. */
static void compare_summary(struct cmp *c, hid_t file,
                            const struct evac_result *r) {
  const int32_t ints[] = {r->occupants, r->evacuated, r->incapacitated,
                          r->remaining, r->trapped,   r->not_out,
                          r->gridlocked};
  const struct sum_attr attrs[] = {
      {"occupants", V_I32, &ints[0]},
      {"evacuated", V_I32, &ints[1]},
      {"incapacitated", V_I32, &ints[2]},
      {"remaining", V_I32, &ints[3]},
      {"trapped", V_I32, &ints[4]},
      {"not_out", V_I32, &ints[5]},
      {"gridlocked", V_I32, &ints[6]},
      {"evacuation_time_s", V_F64, &r->evacuation_time_s},
      {"rset_s", V_F64, &r->rset_s},
      {"rset_p95_s", V_F64, &r->rset_p95_s},
      {"aset_s", V_F64, &r->aset_s},
      {"first_incapacitation_s", V_F64, &r->first_incapacitation_s},
      {"gridlock_time_s", V_F64, &r->gridlock_time_s},
      {"end_time_s", V_F64, &r->end_time_s},
      {"settled_s", V_F64, &r->settled_s},
      {"events_processed", V_U64, &r->events_processed},
  };
  const int na = (int)(sizeof attrs / sizeof *attrs);
  static const char *const known[] = {"occupants",
                                      "evacuated",
                                      "incapacitated",
                                      "remaining",
                                      "trapped",
                                      "not_out",
                                      "gridlocked",
                                      "evacuation_time_s",
                                      "rset_s",
                                      "rset_p95_s",
                                      "aset_s",
                                      "first_incapacitation_s",
                                      "gridlock_time_s",
                                      "end_time_s",
                                      "settled_s",
                                      "events_processed",
                                      "wall_clock_s",
                                      "complete",
                                      NULL};
  char what[96], sa[64], sb[64];
  hid_t g = H5Gopen2(file, "/summary", H5P_DEFAULT);
  struct extra x = {c, "summary", known};
  hsize_t idx = 0;
  if (g < 0 ||
      H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &idx, extra_attr, &x) < 0) {
    differ(c, "summary", -1, "unreadable", "a summary");
    if (g >= 0)
      H5Gclose(g);
    return;
  }
  for (int k = 0; k < na; k++) {
    unsigned char stored[8];
    snprintf(what, sizeof what, "summary/%s", attrs[k].name);
    format_value(attrs[k].kind, attrs[k].value, sb, sizeof sb);
    hid_t a = H5Aexists(g, attrs[k].name) > 0
                  ? H5Aopen(g, attrs[k].name, H5P_DEFAULT)
                  : -1;
    if (a < 0 && !strcmp(attrs[k].name, "settled_s"))
      continue; /* files written before it was stored */
    if (a < 0 || H5Aread(a, kind_type(attrs[k].kind), stored) < 0)
      differ(c, what, -1, "nothing", sb);
    else if (!same(attrs[k].kind, stored, attrs[k].value)) {
      format_value(attrs[k].kind, stored, sa, sizeof sa);
      differ(c, what, -1, sa, sb);
    }
    if (a >= 0)
      H5Aclose(a);
  }
  H5Gclose(g);
}

/* -------------------------------------------------------------- agents */

/* One /agents column of the new run: numbers (kind, values) or strings
 * (names[i]). */
struct column {
  const char *name;
  enum vkind kind;
  const void *values;
  const char **names;
};

/* Compares the stored dataset /agents/<col->name> (opened as ds) with n
 * new values. */
static void compare_column(struct cmp *c, hid_t ds, const struct column *col,
                           size_t n) {
  char what[96], sa[96], sb[96];
  snprintf(what, sizeof what, "agents/%s", col->name);
  hid_t sp = H5Dget_space(ds), ft = H5Dget_type(ds);
  hssize_t np = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  int is_str =
      ft >= 0 && H5Tget_class(ft) == H5T_STRING && H5Tis_variable_str(ft) == 0;
  size_t size = col->kind == V_STR ? (is_str ? H5Tget_size(ft) : 0)
                                   : kind_size(col->kind);
  unsigned char *buf = NULL;
  if (np < 0 || size == 0) {
    differ(c, what, -1, "an unreadable dataset", "a column");
    goto done;
  }
  if ((size_t)np != n) {
    snprintf(sa, sizeof sa, "%lld values", (long long)np);
    snprintf(sb, sizeof sb, "%zu", n);
    differ(c, what, -1, sa, sb);
    goto done;
  }
  buf = malloc(n * size + 1);
  hid_t mt = col->kind == V_STR ? ft : kind_type(col->kind);
  if (!buf || (n && H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)) {
    differ(c, what, -1, "an unreadable dataset", "a column");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    const unsigned char *s = buf + i * size;
    if (col->kind == V_STR) {
      const char *v = col->names[i];
      size_t len = strlen(v), slen = strnlen((const char *)s, size);
      if (slen == len && memcmp(s, v, len) == 0)
        continue;
      char text[64];
      snprintf(text, sizeof text, "%.*s", (int)(slen < 60 ? slen : 60), s);
      format_value(V_STR, text, sa, sizeof sa);
      format_value(V_STR, v, sb, sizeof sb);
      differ(c, what, (long)i, sa, sb);
    } else {
      const unsigned char *v = (const unsigned char *)col->values + i * size;
      if (same(col->kind, s, v))
        continue;
      format_value(col->kind, s, sa, sizeof sa);
      format_value(col->kind, v, sb, sizeof sb);
      differ(c, what, (long)i, sa, sb);
    }
  }
done:
  free(buf);
  if (ft >= 0)
    H5Tclose(ft);
  if (sp >= 0)
    H5Sclose(sp);
}

/* A name as the result writer stores it: "" for NULL. */
static const char *or_empty(const char *s) { return s ? s : ""; }

/* Compares every dataset of /agents with the new run's columns: each
 * stored one must be produced, and each produced one stored. Returns -1
 * out of memory. */
static int compare_agents(struct cmp *c, hid_t file, const struct evac_model *m,
                          const struct evac_result *r) {
  const struct evac_result_agents *a = &r->agents;
  size_t n = r->occupants > 0 ? (size_t)r->occupants : 0;
  int32_t *id = malloc((n + 1) * sizeof *id);
  const char **prof = malloc((n + 1) * sizeof *prof);
  const char **fl = malloc((n + 1) * sizeof *fl);
  const char **safe = malloc((n + 1) * sizeof *safe);
  int rc = -1;
  if (!id || !prof || !fl || !safe)
    goto done;
  for (size_t i = 0; i < n; i++) {
    int32_t p = a->profile[i], f = a->floor[i], s = a->safe_place[i];
    id[i] = (int32_t)i;
    prof[i] = p >= 0 && p < m->nprofiles ? or_empty(m->profiles[p].name) : "";
    fl[i] = f >= 0 && f < m->nfloors ? or_empty(m->floors[f].name) : "";
    safe[i] = evac_safe_place_name(m, s);
  }
  const struct column cols[] = {
      {"id", V_I32, id, NULL},
      {"profile", V_STR, NULL, prof},
      {"floor", V_STR, NULL, fl},
      {"floor_index", V_I32, a->floor, NULL},
      {"start_x", V_I32, a->start_x, NULL},
      {"start_y", V_I32, a->start_y, NULL},
      {"speed_m_s", V_F64, a->speed_m_s, NULL},
      {"premovement_s", V_F64, a->premovement_s, NULL},
      {"exit_time_s", V_F64, a->exit_time_s, NULL},
      {"safe_place", V_STR, NULL, safe},
      {"fed_max", V_F64, a->fed_max, NULL},
      {"incapacitated", V_I8, a->incapacitated, NULL},
      {"distance_m", V_F64, a->distance_m, NULL},
  };
  const int nc = (int)(sizeof cols / sizeof *cols);
  char what[96];
  const char *known[sizeof cols / sizeof *cols + 1];
  for (int k = 0; k < nc; k++)
    known[k] = cols[k].name;
  known[nc] = NULL;
  hid_t g = H5Gopen2(file, "/agents", H5P_DEFAULT);
  struct extra x = {c, "agents", known};
  hsize_t idx = 0;
  if (g < 0 ||
      H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, extra_link, &x) < 0) {
    differ(c, "agents", -1, "no /agents group", "agent columns");
    if (g >= 0)
      H5Gclose(g);
    rc = 0;
    goto done;
  }
  for (int k = 0; k < nc; k++) {
    snprintf(what, sizeof what, "agents/%s", cols[k].name);
    hid_t ds = H5Lexists(g, cols[k].name, H5P_DEFAULT) > 0
                   ? H5Dopen2(g, cols[k].name, H5P_DEFAULT)
                   : -1;
    if (ds < 0) {
      differ(c, what, -1, "nothing", "a column");
      continue;
    }
    compare_column(c, ds, &cols[k], n);
    H5Dclose(ds);
  }
  H5Gclose(g);
  rc = 0;
done:
  free(id);
  free(prof);
  free(fl);
  free(safe);
  return rc;
}

/* ----------------------------------------------------------- parameters */

/* What a result file stores about the run that made it. */
struct params {
  char *scenario_json, *plan_json; /* the input texts (malloc'd) */
  char *fixed;                     /* fixed hazard ids, "a,b" (malloc'd) */
  char *smoke_model; /* the smoke transport the run used (malloc'd), NULL
                        in files written before it was stored */
  int has_fixed;     /* 1 if the file records them */
  uint64_t seed;
  uint32_t replication;
  int32_t threads;
  int32_t full; /* 1: the run simulated its full duration (--full) */
};

/* Reads the one-string dataset path (malloc'd), or NULL. */
static char *read_text(hid_t file, const char *path) {
  if (H5Lexists(file, "/parameters", H5P_DEFAULT) <= 0 ||
      H5Lexists(file, path, H5P_DEFAULT) <= 0)
    return NULL;
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  if (ds < 0)
    return NULL;
  hid_t t = H5Dget_type(ds), sp = H5Dget_space(ds);
  char *s = NULL;
  if (t >= 0 && sp >= 0 && H5Tget_class(t) == H5T_STRING &&
      H5Tis_variable_str(t) == 0 && H5Sget_simple_extent_npoints(sp) == 1) {
    size_t size = H5Tget_size(t);
    s = calloc(size + 1, 1);
    if (s && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) < 0) {
      free(s);
      s = NULL;
    }
  }
  if (t >= 0)
    H5Tclose(t);
  if (sp >= 0)
    H5Sclose(sp);
  H5Dclose(ds);
  return s;
}

/* Reads the scalar variable-length string attribute (malloc'd), or NULL. */
static char *read_attr_string(hid_t file, const char *obj, const char *name) {
  hid_t t = H5Tcopy(H5T_C_S1);
  char *v = NULL, *copy = NULL;
  if (t >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 &&
      H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
      evac_h5_attr_read(file, obj, name, t, &v) == 0 && v) {
    copy = strdup(v);
    H5free_memory(v);
  }
  if (t >= 0)
    H5Tclose(t);
  return copy;
}

/* Checks that file is a complete evacsim run result and reads its
 * parameters into p. Returns 0, or -1 after reporting. */
static int read_params(hid_t file, const char *path, struct params *p,
                       struct evac_diag *diag) {
  char *format = read_attr_string(file, "/", "format");
  int is_result = format && !strcmp(format, "evacsim result");
  free(format);
  if (!is_result) {
    evac_diag_error(diag, path, NULL,
                    "not an evacsim run result (its root has no format = "
                    "\"evacsim result\"); --verify needs a file written by "
                    "'evacsim run'");
    return -1;
  }
  int32_t complete = 0;
  if (H5Lexists(file, "/summary", H5P_DEFAULT) <= 0 ||
      evac_h5_attr_read(file, "/summary", "complete", H5T_NATIVE_INT32,
                        &complete) < 0 ||
      complete != 1) {
    evac_diag_error(diag, path, NULL,
                    "incomplete result file (no /summary complete = 1): the "
                    "run that wrote it did not finish");
    return -1;
  }
  p->scenario_json = read_text(file, "/parameters/scenario_json");
  p->smoke_model = read_attr_string(file, "/parameters", "smoke_model");
  p->plan_json = read_text(file, "/parameters/plan_json");
  if (!p->scenario_json || !p->plan_json ||
      evac_h5_attr_read(file, "/parameters", "seed", H5T_NATIVE_UINT64,
                        &p->seed) ||
      evac_h5_attr_read(file, "/parameters", "replication", H5T_NATIVE_UINT32,
                        &p->replication) ||
      evac_h5_attr_read(file, "/parameters", "threads", H5T_NATIVE_INT32,
                        &p->threads)) {
    evac_diag_error(diag, path, "/parameters",
                    "missing or unreadable: scenario_json, plan_json, seed, "
                    "replication and threads are needed to re-run");
    return -1;
  }
  p->full = 1; /* files written before the settled end ran on */
  if (H5Aexists_by_name(file, "/parameters", "full", H5P_DEFAULT) > 0 &&
      evac_h5_attr_read(file, "/parameters", "full", H5T_NATIVE_INT32,
                        &p->full)) {
    evac_diag_error(diag, path, "/parameters",
                    "full: unreadable (an integer 0 or 1 is expected)");
    return -1;
  }
  p->has_fixed =
      H5Aexists_by_name(file, "/parameters", "fixed_hazards", H5P_DEFAULT) > 0;
  p->fixed = p->has_fixed
                 ? read_attr_string(file, "/parameters", "fixed_hazards")
                 : strdup("");
  if (!p->fixed) {
    evac_diag_error(diag, path, "/parameters",
                    "fixed_hazards: unreadable (a string is expected)");
    return -1;
  }
  return 0;
}

/* The stored scenario with its plan inline (malloc'd): root.plan replaced
 * by the stored plan text, so that no file is needed. NULL if the texts
 * are not JSON (reported). */
static char *inline_plan(const struct params *p, const char *path,
                         struct evac_diag *diag) {
  cJSON *root = cJSON_Parse(p->scenario_json);
  cJSON *plan = cJSON_Parse(p->plan_json);
  char *text = NULL;
  if (!cJSON_IsObject(root) || !plan ||
      !cJSON_GetObjectItemCaseSensitive(root, "plan"))
    evac_diag_error(diag, path, "/parameters",
                    "the stored scenario_json or plan_json is not a "
                    "scenario or plan");
  else if (cJSON_ReplaceItemInObjectCaseSensitive(root, "plan", plan)) {
    plan = NULL;
    /* the transport the run used: files that do not store it were written
       when "layer" was the default */
    int ok = 1;
    if (!cJSON_GetObjectItemCaseSensitive(root, "smoke")) {
      cJSON *smoke = cJSON_AddObjectToObject(root, "smoke");
      ok = smoke &&
           cJSON_AddStringToObject(smoke, "model",
                                   p->smoke_model ? p->smoke_model : "layer");
    }
    if (ok)
      text = cJSON_PrintUnformatted(root);
  }
  cJSON_Delete(plan);
  cJSON_Delete(root);
  return text;
}

/* Rebuilds the model from p: the scenario with its plan inline, the stored
 * fixes, the hazards applied. Returns 0, or -1 after reporting. */
static int rebuild(const struct params *p, const char *path,
                   struct evac_model **out, struct evac_diag *diag) {
  char file[512];
  snprintf(file, sizeof file, "%s:/parameters/scenario_json", path);
  char *text = inline_plan(p, path, diag);
  struct evac_model *m = text ? calloc(1, sizeof *m) : NULL;
  int before = diag->errors;
  if (text && !m)
    evac_diag_error(diag, path, NULL, "out of memory");
  if (m)
    evac_scenario_parse(m, text, file, diag);
  free(text);
  if (!m || diag->errors > before) {
    evac_model_free(m);
    return -1;
  }
  /* the stored comma-separated ids, split in place */
  const char **ids = calloc(strlen(p->fixed) / 2 + 2, sizeof *ids);
  int n = 0;
  for (char *id = p->fixed, *next; ids && *id; id = next) {
    char *comma = strchr(id, ',');
    next = comma ? comma + 1 : id + strlen(id);
    if (comma)
      *comma = '\0';
    ids[n++] = id;
  }
  struct evac_diag warnings; /* the run that wrote the file showed them */
  evac_diag_init(&warnings);
  enum evac_status st =
      ids ? evac_hazards_prepare(m, ids, n, path, "/parameters",
                                 "fixed_hazards", &warnings)
          : EVAC_ERR_RUNTIME;
  for (int i = 0; i < warnings.n; i++) /* the errors are the caller's */
    if (warnings.msg[i].is_error)
      evac_diag_error(diag, NULL, NULL, "%s", warnings.msg[i].text);
  if (!ids)
    evac_diag_error(diag, path, NULL, "out of memory");
  evac_diag_free(&warnings);
  free(ids);
  if (st != EVAC_OK) {
    evac_model_free(m);
    return -1;
  }
  *out = m;
  return 0;
}

/* ---------------------------------------------------------------- verify */

/* Re-runs the model and compares; see evacsim.h. */
static enum evac_status replay(hid_t file, const char *path, int threads,
                               FILE *f, struct evac_diag *diag) {
  struct params p = {0};
  struct evac_model *m = NULL;
  struct evac_sim *sim = NULL;
  enum evac_status st = EVAC_ERR_INPUT;
  if (read_params(file, path, &p, diag) || rebuild(&p, path, &m, diag))
    goto done;
  if (!p.has_fixed)
    evac_diag_warn(diag, path, "/parameters",
                   "no fixed_hazards (written by an evacsim that did not "
                   "record --fix): re-run with every hazard");
  struct evac_run_opts opts = {.seed = p.seed,
                               .seed_given = 1,
                               .replication = p.replication,
                               .threads = threads > 0 ? threads : p.threads,
                               .lean = 1,
                               .full = p.full};
  st = evac_sim_create(m, &opts, diag, &sim);
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  if (st != EVAC_OK)
    goto done;
  struct cmp c = {.path = path, .out = f};
  const struct evac_result *r = evac_sim_result(sim);
  compare_summary(&c, file, r);
  if (compare_agents(&c, file, m, r) < 0) {
    evac_diag_error(diag, path, NULL, "out of memory");
    st = EVAC_ERR_RUNTIME;
  } else if (c.differ) {
    if (f && c.differ > c.shown)
      fprintf(f, "  ... %ld differences in all\n", c.differ);
    evac_diag_error(diag, path, NULL,
                    "results differ: %ld value%s of a re-run with seed %llu, "
                    "replication %u, %d thread%s %s not as stored (first: "
                    "%s)",
                    c.differ, c.differ == 1 ? "" : "s",
                    (unsigned long long)p.seed, (unsigned)p.replication,
                    opts.threads, opts.threads == 1 ? "" : "s",
                    c.differ == 1 ? "is" : "are", c.first);
    st = EVAC_ERR_RUNTIME;
  } else if (f) {
    fprintf(f,
            "verified: identical (/summary and /agents of %s re-run with "
            "seed %llu, replication %u, %d thread%s)\n",
            path, (unsigned long long)p.seed, (unsigned)p.replication,
            opts.threads, opts.threads == 1 ? "" : "s");
  }
done:
  evac_sim_free(sim);
  evac_model_free(m);
  free(p.scenario_json);
  free(p.smoke_model);
  free(p.plan_json);
  free(p.fixed);
  return st;
}

enum evac_status evac_result_verify(const char *path, int threads, FILE *f,
                                    struct evac_diag *diag) {
  H5E_auto2_t old_func = NULL;
  void *old_data = NULL;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  enum evac_status st = EVAC_ERR_INPUT;
  hid_t file = -1;
  if (access(path, R_OK) < 0) {
    evac_diag_error(diag, path, NULL, "cannot read: %s", strerror(errno));
  } else if ((file = evac_h5_open_checked(path, "evacsim run result", diag)) >=
             0) {
    st = replay(file, path, threads, f, diag);
    H5Fclose(file);
  }
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  return st;
}
