/* The code paths of the fuzz targets: see drive.h. */
#include "drive.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "diag.h"
#include "evacsim.h"
#include "model.h"

/* The plans of the working folder of evac_fuzz_scenario. */
static const char *const plans[] = {"two_floor.plan.json", "good.plan.json",
                                    NULL};

int evac_fuzz_plan(const uint8_t *data, size_t size) {
  if (memchr(data, '\0', size))
    return EVAC_ERR_INPUT; /* evac_json_read_file refuses it */
  char *text = malloc(size + 1);
  struct evac_model *m = calloc(1, sizeof *m);
  if (!text || !m) {
    free(text);
    free(m);
    return EVAC_ERR_RUNTIME;
  }
  if (size)
    memcpy(text, data, size);
  text[size] = '\0';
  struct evac_diag d;
  evac_diag_init(&d);
  enum evac_status st = evac_plan_parse(m, text, "fuzz.plan.json", &d);
  evac_diag_free(&d);
  evac_model_free(m);
  free(text);
  return st;
}

/* Joins dir/name into a new string (malloc'd), or NULL. */
static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  if (p)
    snprintf(p, n, "%s/%s", dir, name);
  return p;
}

/* Writes size bytes of data to path; returns 0 or -1. */
static int write_file(const char *path, const void *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  int ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok ? 0 : -1;
}

/* Reads the whole file at path (malloc'd, size in *n), or NULL. */
static char *read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  long len = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  if (len >= 0 && fseek(f, 0, SEEK_SET) == 0)
    buf = malloc((size_t)len + 1);
  if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf)
    *n = (size_t)len;
  return buf;
}

char *evac_fuzz_dir_make(const char *source_dir, const char *tmp) {
  if (!tmp)
    tmp = getenv("TMPDIR");
  char *dir = join(tmp && *tmp ? tmp : "/tmp", "evacsim-fuzz-XXXXXX");
  char *src = join(source_dir, "tests/data/two_floor.plan.json");
  size_t n = 0;
  char *plan = src ? read_file(src, &n) : NULL;
  int ok = dir && plan && mkdtemp(dir);
  if (!ok)
    fprintf(stderr, "fuzz: cannot make a working folder from %s: %s\n",
            src ? src : source_dir, strerror(errno));
  for (int i = 0; ok && plans[i]; i++) {
    char *p = join(dir, plans[i]);
    ok = p && write_file(p, plan, n) == 0;
    if (!ok)
      fprintf(stderr, "fuzz: cannot write %s: %s\n", p ? p : dir,
              strerror(errno));
    free(p);
  }
  free(plan);
  free(src);
  if (!ok && dir) {
    evac_fuzz_dir_free(dir);
    return NULL;
  }
  return ok ? dir : NULL;
}

void evac_fuzz_dir_free(char *dir) {
  if (!dir)
    return;
  for (int i = 0; plans[i]; i++) {
    char *p = join(dir, plans[i]);
    if (p)
      unlink(p);
    free(p);
  }
  static const char *const made[] = {"fuzz.scenario.json", "fuzz.county.json",
                                     NULL};
  for (int i = 0; made[i]; i++) {
    char *p = join(dir, made[i]);
    if (p)
      unlink(p);
    free(p);
  }
  rmdir(dir);
  free(dir);
}

/* The working folder of this fuzzing process (libFuzzer runs the inputs one
 * after the other in one process). */
static char *process_dir;

/* Removes the process's working folder at a normal exit. */
static void process_dir_remove(void) {
  evac_fuzz_dir_free(process_dir);
  process_dir = NULL;
}

const char *evac_fuzz_process_dir(const char *source_dir) {
  if (!process_dir) {
    process_dir = evac_fuzz_dir_make(source_dir, NULL);
    if (!process_dir)
      abort();
    atexit(process_dir_remove);
  }
  return process_dir;
}

/* Applies the hazards of a loaded model and simulates it briefly, as
 * evacsim run would; returns the first status that was not EVAC_OK. */
static enum evac_status simulate(struct evac_model *m, struct evac_diag *d) {
  evac_hazards_apply(m, d);
  if (m->noccupants > EVAC_FUZZ_MAX_OCCUPANTS)
    return EVAC_OK;
  if (m->duration_s > EVAC_FUZZ_MAX_SIM_S)
    m->duration_s = EVAC_FUZZ_MAX_SIM_S;
  struct evac_run_opts opts = {.seed = 1, .seed_given = 1, .threads = 1};
  struct evac_sim *sim = NULL;
  enum evac_status st = evac_sim_create(m, &opts, d, &sim);
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  evac_sim_free(sim);
  return st;
}

int evac_fuzz_scenario(const uint8_t *data, size_t size, const char *dir) {
  char *path = join(dir, "fuzz.scenario.json");
  if (!path || write_file(path, data, size) != 0) {
    free(path);
    return -1;
  }
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  enum evac_status st = evac_model_load(path, &d, &m);
  if (st == EVAC_OK)
    st = simulate(m, &d);
  evac_model_free(m);
  evac_diag_free(&d);
  free(path);
  return st;
}

int evac_fuzz_manifest(const uint8_t *data, size_t size, const char *dir) {
  char *path = join(dir, "fuzz.county.json");
  if (!path || write_file(path, data, size) != 0) {
    free(path);
    return -1;
  }
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_manifest *mf = NULL;
  enum evac_status st = evac_manifest_load(path, &d, &mf);
  evac_manifest_free(mf);
  evac_diag_free(&d);
  free(path);
  return st;
}

int evac_fuzz_result(const uint8_t *data, size_t size, const char *dir) {
  char *path = join(dir, "fuzz.h5");
  FILE *sink = fopen("/dev/null", "w");
  if (!path || !sink || write_file(path, data, size) != 0) {
    free(path);
    if (sink)
      fclose(sink);
    return -1;
  }
  struct evac_diag d;
  evac_diag_init(&d);
  enum evac_status st = evac_info_print(path, sink, &d);
  evac_diag_free(&d);
  fclose(sink);
  free(path);
  return st;
}
