/* Memory estimate and availability (sim/engine/memory.h). The coefficients were
 * fitted on the maximum resident size (/usr/bin/time -v) of `evacsim run
 * --threads 1` on generated towers of 2 to 48 floors (4978 cells a floor)
 * with and without a fire; docs/reliability.md, "Memory", has the table. */
#include "memory.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "diag.h"
#include "model.h"
#include "result.h"

/* Program, libraries, OpenMP and HDF5 with a small model: 19.3 MB. */
#define BASE_BYTES (20.0 * 1024 * 1024)
/* Simulation state per grid cell without a fire (floor fields, occupancy):
 * 42 B measured. */
#define CELL_BYTES 42.0
/* ... with a fire (two-layer smoke, toxicity, fire model): 157 B measured
 * with lean replications, which store no fields. */
#define FIRE_CELL_BYTES 160.0
/* ... of which each simulation of a group sharing one fire and smoke
 * simulation (evac_sim_run_group) holds its own (route fields, occupancy,
 * smoke route costs): 137 B measured per further replication of
 * `ward-block`'s ranking in groups of 8; and, of another variant than the
 * others, its own model (5 B: a cell's kind and feature). */
#define FIRE_OWN_CELL_BYTES 145.0
/* ... plus, with the "momentum" smoke transport, the bytes the smoke model
 * counts for a cell that smoke reaches (evac_smoke_momentum_cell_bytes), for
 * every cell: a bound, as a long fire may fill the building. */
/* Per agent: state, drawn profile, event log: 1050 B measured. */
#define AGENT_BYTES 1100.0
/* Per agent, the trajectory sample held until the next is taken (the run
 * hands the others to the result file at once): position, floor, state. */
#define TRAJ_HELD_BYTES 11.0
/* Per sample of the time series and the sample times kept to the end. */
#define SERIES_BYTES 48.0
/* Per grid cell with a fire: the floor maps of one field sample (a float
 * per quantity), handed to the result file at once, and the writer's last
 * map of each quantity with its compressed chunk (at most as large). */
#define FIELD_BUF_BYTES (12.0 * EVAC_NFQ)
/* The result file's writer: HDF5's metadata and trajectory chunk caches. */
#define WRITER_BYTES (8.0 * 1024 * 1024)

/* Samples of a series taken every dt over duration (and at 0). */
static double samples(double duration, double dt) {
  return dt > 0.0 ? duration / dt + 1.0 : 1.0;
}

void evac_memory_estimate(const struct evac_model *m, int lean, int copies,
                          int group, struct evac_memory_need *need) {
  int fire = lean ? m->has_fire || m->nfires > 0 : m->has_fire;
  double cells = (double)m->ncells, agents = (double)m->noccupants;
  double g = group > 1 ? group : 1;
  need->base = BASE_BYTES;
  need->cells = cells * (fire ? FIRE_CELL_BYTES + (g - 1) * FIRE_OWN_CELL_BYTES
                              : g * CELL_BYTES);
  if (fire && m->smoke_model == EVAC_SMOKE_MOMENTUM)
    need->cells += cells * (double)evac_smoke_momentum_cell_bytes();
  need->agents = g * agents * AGENT_BYTES;
  need->output = 0.0;
  if (!lean) { /* samples go to the file as they are taken */
    need->output = WRITER_BYTES + agents * TRAJ_HELD_BYTES +
                   SERIES_BYTES * (samples(m->duration_s, m->agents_every_s) +
                                   samples(m->duration_s, m->fields_every_s));
    if (fire)
      need->output += cells * FIELD_BUF_BYTES;
  }
  need->total = need->base +
                (copies > 0 ? copies : 1) * (need->cells + need->agents) +
                need->output;
}

/* Keeps v as the least so far, from source s. */
static void least(uint64_t v, const char *s, uint64_t *bytes,
                  const char **source) {
  if (v < *bytes) {
    *bytes = v;
    *source = s;
  }
}

/* The number after "key" in a "key value [kB]" file, in bytes; -1 if none. */
static long long status_field(const char *file, const char *key) {
  FILE *f = fopen(file, "r");
  if (!f)
    return -1;
  char line[256];
  long long v = -1;
  size_t n = strlen(key);
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, key, n) && line[n] == ':') {
      v = strtoll(line + n + 1, NULL, 10) * 1024;
      break;
    }
  fclose(f);
  return v;
}

/* The first number of file (-1 if none or "max"). */
static long long file_number(const char *file) {
  FILE *f = fopen(file, "r");
  long long v = -1;
  if (f) {
    if (fscanf(f, "%lld", &v) != 1)
      v = -1;
    fclose(f);
  }
  return v;
}

/* limit - usage of the cgroup files dir/lim and dir/use, if a limit. */
static void cgroup_room(const char *dir, const char *lim, const char *use,
                        const char *s, uint64_t *bytes, const char **source) {
  char p[4600];
  snprintf(p, sizeof p, "%s/%s", dir, lim);
  long long l = file_number(p);
  snprintf(p, sizeof p, "%s/%s", dir, use);
  long long u = file_number(p);
  if (l > 0 && l < (1LL << 60))
    least(u > 0 && u < l ? (uint64_t)(l - u) : (u >= l ? 0 : (uint64_t)l), s,
          bytes, source);
}

/* The cgroup (v2, else v1 memory controller) of this process. */
static void cgroup_limit(uint64_t *bytes, const char **source) {
  FILE *f = fopen("/proc/self/cgroup", "r");
  char line[4096], v2[4096] = "", v1[4096] = "";
  while (f && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
      continue;
    if (!strncmp(line, "0::", 3))
      snprintf(v2, sizeof v2, "%s", c2 + 1);
    else if (strstr(c1, "memory"))
      snprintf(v1, sizeof v1, "%s", c2 + 1);
  }
  if (f)
    fclose(f);
  char dir[4200];
  snprintf(dir, sizeof dir, "/sys/fs/cgroup%s", v2);
  cgroup_room(dir, "memory.max", "memory.current", "cgroup memory.max", bytes,
              source);
  snprintf(dir, sizeof dir, "/sys/fs/cgroup/memory%s", v1);
  cgroup_room(dir, "memory.limit_in_bytes", "memory.usage_in_bytes",
              "cgroup memory.limit_in_bytes", bytes, source);
}

/* A soft rlimit less what is in use (key in /proc/self/status). */
static void rlimit_room(int res, const char *key, const char *s,
                        uint64_t *bytes, const char **source) {
  struct rlimit rl;
  if (getrlimit(res, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
    return;
  long long used = status_field("/proc/self/status", key);
  uint64_t cur = (uint64_t)rl.rlim_cur;
  least(used > 0 && (uint64_t)used < cur ? cur - (uint64_t)used
                                         : (used > 0 ? 0 : cur),
        s, bytes, source);
}

/* Parses $EVACSIM_MEMORY_LIMIT: bytes, or with a K, M, G or T suffix
 * (powers of 1024). Returns 0 or -1. */
static int parse_size(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (end == s || *s == '-' || errno)
    return -1;
  const char *units = "KMGT", *u = *end ? strchr(units, *end) : NULL;
  if (*end && (!u || end[1]))
    return -1;
  for (int k = u ? (int)(u - units) + 1 : 0; k > 0; k--) {
    if (v > UINT64_MAX / 1024)
      return -1;
    v *= 1024;
  }
  *out = v;
  return 0;
}

int evac_memory_available(uint64_t *bytes, const char **source) {
  *bytes = UINT64_MAX;
  *source = "nothing";
  const char *env = getenv("EVACSIM_MEMORY_LIMIT");
  if (env && *env) {
    uint64_t v;
    if (parse_size(env, &v))
      return -1;
    least(v, "EVACSIM_MEMORY_LIMIT", bytes, source);
  }
  long long avail = status_field("/proc/meminfo", "MemAvailable");
  if (avail >= 0)
    least((uint64_t)avail, "MemAvailable in /proc/meminfo", bytes, source);
  rlimit_room(RLIMIT_AS, "VmSize", "the address-space limit (ulimit -v)", bytes,
              source);
  rlimit_room(RLIMIT_DATA, "VmData", "the data-size limit (ulimit -d)", bytes,
              source);
  cgroup_limit(bytes, source);
  return *bytes == UINT64_MAX;
}

/* Megabytes of b, for messages. */
static double mb(double b) { return b / (1024.0 * 1024.0); }

enum evac_status evac_memory_check(const struct evac_model *m, const char *file,
                                   int lean, int copies, int group,
                                   struct evac_diag *diag) {
  uint64_t avail;
  const char *source;
  int rc = evac_memory_available(&avail, &source);
  if (rc < 0) {
    evac_diag_error(diag, "EVACSIM_MEMORY_LIMIT", NULL,
                    "\"%s\" is not a size; give bytes, or a whole number "
                    "with K, M, G or T (e.g. 512M)",
                    getenv("EVACSIM_MEMORY_LIMIT"));
    return EVAC_ERR_INPUT;
  }
  struct evac_memory_need need;
  evac_memory_estimate(m, lean, copies, group, &need);
  if (rc > 0 || need.total <= (double)avail)
    return EVAC_OK;
  char parts[160] = "";
  if (copies > 1 || group > 1)
    snprintf(parts, sizeof parts,
             " (%d replications at once, %d a thread on one smoke "
             "simulation)",
             copies * (group > 1 ? group : 1), group > 1 ? group : 1);
  evac_diag_error(
      diag, file, NULL,
      "needs about %.0f MB of memory%s but %.0f MB are available (%s): "
      "%.0f MB for %zu cells on %d floors, %.0f MB for %d occupants, "
      "%.0f MB of results, %.0f MB base; use fewer floors or a coarser "
      "cell_m%s",
      mb(need.total), parts, mb((double)avail), source,
      mb(need.cells * (copies > 0 ? copies : 1)), m->ncells, m->nfloors,
      mb(need.agents * (copies > 0 ? copies : 1)), m->noccupants,
      mb(need.output), mb(need.base), lean ? ", or fewer --threads" : "");
  return EVAC_ERR_RUNTIME;
}
