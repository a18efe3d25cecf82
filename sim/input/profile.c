/* Occupant profiles: the built-in ones and the scenario's "profiles" (see
 * docs/formats.md for the values and their sources). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

#define FIXED(v)                                                               \
  { EVAC_DIST_FIXED, (v), 0.0, -INFINITY, INFINITY }
#define UNIFORM(lo, hi)                                                        \
  { EVAC_DIST_UNIFORM, (lo), (hi), (lo), (hi) }

/* Weidmann (1993) v0 = 1.34 m/s, sd 0.26, within the RiMEA adult range;
 * stair factors: Fruin, 30-50 years, 0.715 down / 0.54 up over 1.475 m/s. */
#define ADULT(nm)                                                              \
  {                                                                            \
    (nm), {EVAC_DIST_NORMAL, 1.34, 0.26, 0.58, 1.61}, FIXED(0.0),              \
        FIXED(0.485), FIXED(0.366), FIXED(0.3), 0, NULL, 0, FIXED(0.0)         \
  }

/* A patient moved by staff on a device: speeds, stair factors, staff and
 * preparation come from the device (see devices below). */
#define PATIENT(nm, dev, fed)                                                  \
  {                                                                            \
    (nm), FIXED(0.0), FIXED(0.0), FIXED(0.0), FIXED(0.0), FIXED(fed), 1,       \
        (dev), 0, FIXED(0.0)                                                   \
  }

/* A device staff move patients with (docs/hospital.md gives the sources). */
struct device {
  const char *name;
  struct evac_dist speed_m_s; /* on the flat, pushed or carried by staff */
  double stair_m_s;           /* down a stair, along the slope */
  int staff;                  /* staff who move one patient */
  struct evac_dist prepare_s; /* transfer onto the device, disconnection */
};

/* Impaired people climb at 0.32 / 0.42 of their descent speed (Fruin). */
#define UP_OVER_DOWN (0.32 / 0.42)

static const struct device devices[] = {
    /* pushed wheelchair: RiMEA limited mobility speeds; on a stair the
       patient is moved to an evacuation chair */
    {"wheelchair", UNIFORM(0.46, 0.76), 0.75, 1, UNIFORM(15.0, 45.0)},
    /* evacuation chair, one operator: 0.75 m/s down (manufacturer; inside
       the 0.6-0.84 m/s of Hunt et al. 2020) */
    {"evac_chair", UNIFORM(0.46, 0.76), 0.75, 1, UNIFORM(30.0, 90.0)},
    /* ski sheet / evacuation mattress, two handlers: slowest device of Hunt
       et al. 2020 on stairs (0.6 m/s) */
    {"ski_sheet", FIXED(0.5), 0.60, 2, UNIFORM(60.0, 180.0)},
    /* bed pushed by two staff; on a stair the patient goes on a ski sheet */
    {"bed", FIXED(0.8), 0.60, 2, UNIFORM(30.0, 90.0)},
};

#define NDEVICES ((int)(sizeof devices / sizeof devices[0]))

static const struct device *device_find(const char *name) {
  for (int i = 0; name && i < NDEVICES; i++)
    if (strcmp(devices[i].name, name) == 0)
      return &devices[i];
  return NULL;
}

struct evac_dist evac_device_prepare(const char *name) {
  const struct device *d = device_find(name);
  return d ? d->prepare_s : evac_dist_fixed(0.0);
}

/* Sets p's speed, stair factors, staff and preparation from its device. */
static void device_apply(struct evac_profile *p, const struct device *d) {
  double mean = evac_dist_mean(&d->speed_m_s);
  p->speed_m_s = d->speed_m_s;
  p->stair_down_factor = evac_dist_fixed(d->stair_m_s / mean);
  p->stair_up_factor = evac_dist_fixed(d->stair_m_s * UP_OVER_DOWN / mean);
  p->staff_needed = d->staff;
  p->prepare_s = d->prepare_s;
}

/* The built-in profiles, in the fixed order of the model's profiles. */
static const struct evac_profile builtin[] = {
    ADULT("adult"),
    /* RiMEA > 50 years; Fruin > 50: 0.57 down / 0.42 up over 1.045 m/s. */
    {"elderly", UNIFORM(0.68, 1.41), FIXED(0.0), FIXED(0.545), FIXED(0.40),
     FIXED(0.3), 0, NULL, 0, FIXED(0.0)},
    /* RiMEA limited mobility; Fruin impaired 0.42 / 0.32 over 0.61 m/s. */
    {"patient_ambulatory", UNIFORM(0.46, 0.76), FIXED(0.0), FIXED(0.69),
     FIXED(0.52), FIXED(0.3), 0, NULL, 0, FIXED(0.0)},
    PATIENT("wheelchair", "wheelchair", 0.3),
    /* FED 0.1 for bed-bound and ICU patients (Purser & McAllister). */
    PATIENT("bedridden", "bed", 0.1),
    PATIENT("icu", "bed", 0.1),
    ADULT("staff"),
    ADULT("visitor"),
};

/* ICU patients: three staff (one for the ventilator and monitors) and a
 * long preparation (switching to portable equipment): docs/hospital.md. */
#define ICU_STAFF 3
#define ICU_PREPARE UNIFORM(300.0, 900.0)

/* Copies built-in profile i into *p (strings duplicated), device applied. */
static void builtin_copy(int i, struct evac_profile *p) {
  *p = builtin[i];
  p->name = strdup(builtin[i].name);
  p->device = builtin[i].device ? strdup(builtin[i].device) : NULL;
  const struct device *d = device_find(builtin[i].device);
  if (d)
    device_apply(p, d);
  if (strcmp(builtin[i].name, "icu") == 0) {
    p->staff_needed = ICU_STAFF;
    p->prepare_s = (struct evac_dist)ICU_PREPARE;
  }
}

#define NBUILTIN ((int)(sizeof builtin / sizeof builtin[0]))

/* Index of the built-in profile name, or -1. */
static int builtin_index(const char *name) {
  for (int i = 0; name && i < NBUILTIN; i++)
    if (strcmp(builtin[i].name, name) == 0)
      return i;
  return -1;
}

void evac_profile_clear(struct evac_profile *p) {
  free(p->name);
  free(p->device);
  p->name = NULL;
  p->device = NULL;
}

int evac_model_profile(const struct evac_model *m, const char *name) {
  for (int i = 0; name && i < m->nprofiles; i++)
    if (m->profiles[i].name && strcmp(m->profiles[i].name, name) == 0)
      return i;
  return -1;
}

/* A distribution family: its name, kind and parameter keys (a, b). */
struct dist_family {
  const char *name;
  enum evac_dist_kind kind;
  const char *pa, *pb;       /* keys of a and b (pb NULL for fixed) */
  struct evac_json_range ra; /* allowed a */
  struct evac_json_range rb; /* allowed b */
  int has_bounds;            /* takes optional "min" and "max" */
};

/* The families, in the order listed in messages. */
static const struct dist_family families[] = {
    {"fixed",
     EVAC_DIST_FIXED,
     "value",
     NULL,
     {-INFINITY, INFINITY, 0, 0},
     {-INFINITY, INFINITY, 0, 0},
     0},
    {"uniform",
     EVAC_DIST_UNIFORM,
     "min",
     "max",
     {-INFINITY, INFINITY, 0, 0},
     {-INFINITY, INFINITY, 0, 0},
     0},
    {"normal",
     EVAC_DIST_NORMAL,
     "mean",
     "sd",
     {-INFINITY, INFINITY, 0, 0},
     {0.0, INFINITY, 0, 0},
     1},
    {"lognormal",
     EVAC_DIST_LOGNORMAL,
     "mu",
     "sigma",
     {-INFINITY, INFINITY, 0, 0},
     {0.0, INFINITY, 1, 0},
     1},
    {"gamma",
     EVAC_DIST_GAMMA,
     "shape",
     "scale",
     {0.0, INFINITY, 1, 0},
     {0.0, INFINITY, 1, 0},
     1},
    {"weibull",
     EVAC_DIST_WEIBULL,
     "shape",
     "scale",
     {0.0, INFINITY, 1, 0},
     {0.0, INFINITY, 1, 0},
     1},
};

#define NFAMILIES ((int)(sizeof families / sizeof families[0]))

/* Reads a number or a {"dist": ...} object at path into *out; returns 1 if
 * it was read, 0 after reporting an error. */
static int dist_read(const struct evac_json *j, const cJSON *v,
                     const char *path, struct evac_dist *out) {
  if (cJSON_IsNumber(v)) {
    if (!evac_json_check_range(j, v, path, evac_json_ge(-INFINITY)))
      return 0;
    *out = (struct evac_dist){EVAC_DIST_FIXED, v->valuedouble, 0.0, -INFINITY,
                              INFINITY};
    return 1;
  }
  if (!cJSON_IsObject(v)) {
    evac_json_expected(j, path, "a number or a distribution object", v);
    return 0;
  }
  const char *kinds[NFAMILIES + 1];
  for (int i = 0; i < NFAMILIES; i++)
    kinds[i] = families[i].name;
  kinds[NFAMILIES] = NULL;
  char list[128], p[EVAC_JSON_PATH_MAX];
  evac_json_join(list, sizeof list, kinds);
  const char *name = NULL;
  if (!evac_json_require(j, v, path, "dist"))
    return 0;
  if (evac_json_string(j, v, path, "dist", &name) < 0)
    return 0;
  const struct dist_family *f = NULL;
  for (int i = 0; i < NFAMILIES && !f; i++)
    if (strcmp(families[i].name, name) == 0)
      f = &families[i];
  if (!f) {
    evac_json_path_key(p, path, "dist");
    evac_diag_error(j->diag, j->file, p,
                    "unknown distribution \"%s\"; allowed: %s", name, list);
    return 0;
  }
  const char *keys[6];
  int nk = 0;
  keys[nk++] = "dist";
  keys[nk++] = f->pa;
  if (f->pb)
    keys[nk++] = f->pb;
  if (f->has_bounds) {
    keys[nk++] = "min";
    keys[nk++] = "max";
  }
  keys[nk] = NULL;
  int ok = evac_json_check_keys(j, v, path, keys) == 0;
  struct evac_dist d = {f->kind, 0.0, 0.0, -INFINITY, INFINITY};
  ok &= evac_json_require(j, v, path, f->pa);
  ok &= evac_json_number(j, v, path, f->pa, f->ra, &d.a) >= 0;
  if (f->pb) {
    ok &= evac_json_require(j, v, path, f->pb);
    ok &= evac_json_number(j, v, path, f->pb, f->rb, &d.b) >= 0;
  }
  if (f->has_bounds) {
    ok &= evac_json_number(j, v, path, "min", evac_json_ge(-INFINITY), &d.lo) >=
          0;
    ok &= evac_json_number(j, v, path, "max", evac_json_ge(-INFINITY), &d.hi) >=
          0;
  }
  if (!ok)
    return 0;
  if (f->kind == EVAC_DIST_UNIFORM) {
    d.lo = d.a;
    d.hi = d.b;
  }
  if (d.lo > d.hi) {
    evac_diag_error(j->diag, j->file, path,
                    "min %g is above max %g; min must not exceed max", d.lo,
                    d.hi);
    return 0;
  }
  *out = d;
  return 1;
}

/* Raises the lower truncation bound of d to bound; a fixed value must lie
 * within the bounds. Returns 0 after reporting if nothing is left. */
static int dist_bound(const struct evac_json *j, const char *path,
                      struct evac_dist *d, double bound) {
  if (d->lo < bound)
    d->lo = bound;
  if (d->kind == EVAC_DIST_FIXED && d->a < bound) {
    evac_diag_error(j->diag, j->file, path,
                    "value %g is below the physical bound %g", d->a, bound);
    return 0;
  }
  if (d->lo > d->hi) {
    evac_diag_error(j->diag, j->file, path,
                    "max %g is below the physical bound %g", d->hi, bound);
    return 0;
  }
  return 1;
}

/* Profile field keys, with their physical lower bounds. */
static const char *const profile_keys[] = {"base",
                                           "speed_m_s",
                                           "premovement_s",
                                           "stair_down_factor",
                                           "stair_up_factor",
                                           "fed_threshold",
                                           "needs_staff",
                                           "device",
                                           "staff_needed",
                                           "prepare_s",
                                           NULL};

/* Reads one scenario profile (the value v at path) into *p, a copy of its
 * base. Returns 1 if it is good. */
static int profile_read(const struct evac_json *j, const cJSON *v,
                        const char *path, const char *name,
                        struct evac_profile *p) {
  if (!evac_json_is_object(j, v, path))
    return 0;
  int ok = evac_json_check_keys(j, v, path, profile_keys) == 0;
  const char *base = "adult";
  char pk[EVAC_JSON_PATH_MAX];
  if (evac_json_string(j, v, path, "base", &base) < 0) {
    ok = 0;
    base = "adult";
  }
  int bi = builtin_index(base);
  if (bi < 0) {
    evac_json_path_key(pk, path, "base");
    const char *names[NBUILTIN + 1];
    for (int i = 0; i < NBUILTIN; i++)
      names[i] = builtin[i].name;
    names[NBUILTIN] = NULL;
    char list[256];
    evac_json_join(list, sizeof list, names);
    evac_diag_error(j->diag, j->file, pk,
                    "unknown built-in profile \"%s\"; allowed: %s", base, list);
    ok = 0;
    bi = 0;
  }
  builtin_copy(bi, p);
  free(p->name);
  p->name = strdup(name);
  if (evac_json_bool(j, v, path, "needs_staff", &p->needs_staff) < 0)
    ok = 0;
  const char *device = NULL;
  int r = evac_json_string(j, v, path, "device", &device);
  if (r < 0)
    ok = 0;
  if (r > 0) {
    const struct device *d = device_find(device);
    if (d) {
      free(p->device);
      p->device = strdup(device);
      if (p->needs_staff) /* moved by staff: the device sets the pace */
        device_apply(p, d);
    } else {
      const char *names[NDEVICES + 1];
      for (int i = 0; i < NDEVICES; i++)
        names[i] = devices[i].name;
      names[NDEVICES] = NULL;
      char list[128];
      evac_json_join(list, sizeof list, names);
      evac_json_path_key(pk, path, "device");
      evac_diag_error(j->diag, j->file, pk,
                      "unknown device \"%s\"; allowed: %s", device, list);
      ok = 0;
    }
  }
  struct {
    const char *key;
    struct evac_dist *d;
    double bound;
  } fields[] = {
      {"speed_m_s", &p->speed_m_s, 0.05},
      {"premovement_s", &p->premovement_s, 0.0},
      {"stair_down_factor", &p->stair_down_factor, 0.05},
      {"stair_up_factor", &p->stair_up_factor, 0.05},
      {"fed_threshold", &p->fed_threshold, 0.01},
      {"prepare_s", &p->prepare_s, 0.0},
  };
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, fields[i].key);
    if (!f)
      continue;
    evac_json_path_key(pk, path, fields[i].key);
    if (!dist_read(j, f, pk, fields[i].d) ||
        !dist_bound(j, pk, fields[i].d, fields[i].bound))
      ok = 0;
  }
  long long staff = p->staff_needed;
  if (evac_json_integer(j, v, path, "staff_needed", 0, 8, &staff) < 0)
    ok = 0;
  p->staff_needed = (int)staff;
  if (p->needs_staff && p->staff_needed < 1)
    p->staff_needed = 1;
  return ok;
}

void evac_profiles_read(struct evac_model *m, const cJSON *profiles,
                        const struct evac_json *j, const char *path) {
  int extra = cJSON_IsObject(profiles) ? cJSON_GetArraySize(profiles) : 0;
  m->profiles = calloc((size_t)(NBUILTIN + extra), sizeof *m->profiles);
  if (!m->profiles) {
    evac_diag_error(j->diag, j->file, path, "out of memory");
    return;
  }
  for (int i = 0; i < NBUILTIN; i++) {
    builtin_copy(i, &m->profiles[i]);
    m->nprofiles = i + 1;
  }
  if (!profiles)
    return;
  if (!evac_json_is_object(j, profiles, path))
    return;
  char p[EVAC_JSON_PATH_MAX];
  for (const cJSON *c = profiles->child; c; c = c->next) {
    evac_json_path_key(p, path, c->string);
    int dup = 0;
    for (const cJSON *d = profiles->child; d != c && !dup; d = d->next)
      dup = strcmp(d->string, c->string) == 0;
    if (dup) {
      evac_diag_error(j->diag, j->file, p, "profile given twice");
      continue;
    }
    if (!c->string[0]) {
      evac_diag_error(j->diag, j->file, path, "empty profile name");
      continue;
    }
    struct evac_profile prof = {0};
    if (!profile_read(j, c, p, c->string, &prof)) {
      evac_profile_clear(&prof);
      continue;
    }
    int at = evac_model_profile(m, c->string);
    if (at >= 0) {
      evac_profile_clear(&m->profiles[at]);
      m->profiles[at] = prof;
    } else {
      m->profiles[m->nprofiles++] = prof;
    }
  }
}
