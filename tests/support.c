/* Test helpers: see support.h. */
#include "support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <hdf5.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "evacsim.h"
#include "model.h"

const char *evac_test_dir(const char *tag) {
  static char dir[2048];
  char cmd[2 * sizeof dir + 32];
  int n = snprintf(dir, sizeof dir, "%s/%s", EVAC_TEST_TMP, tag);
  if (n < 0 || (size_t)n >= sizeof dir)
    return NULL;
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
  if (system(cmd) != 0)
    return NULL;
  return dir;
}

char *evac_test_read(const char *path, size_t *n) {
  if (n)
    *n = 0;
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
  if (buf) {
    buf[len] = '\0';
    if (n)
      *n = (size_t)len;
  }
  return buf;
}

char *evac_test_write(const char *dir, const char *name, const char *text) {
  size_t len = strlen(dir) + strlen(name) + 2;
  char *path = malloc(len);
  if (!path)
    return NULL;
  snprintf(path, len, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) {
    free(path);
    return NULL;
  }
  fputs(text, f);
  fclose(f);
  return path;
}

int evac_test_cli(const char *args, char **out) {
  return evac_test_cli_timeout(args, 0, out);
}

int evac_test_cli_timeout(const char *args, int seconds, char **out) {
  size_t len = strlen(EVAC_BIN) + strlen(args) + 48;
  char *cmd = malloc(len);
  if (!cmd)
    return -1;
  if (seconds > 0)
    snprintf(cmd, len, "timeout %d %s %s 2>&1", seconds, EVAC_BIN, args);
  else
    snprintf(cmd, len, "%s %s 2>&1", EVAC_BIN, args);
  FILE *p = popen(cmd, "r");
  free(cmd);
  if (!p)
    return -1;
  size_t n = 0, cap = 4096;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
    n += got;
    if (cap - n < 2) {
      char *b = realloc(buf, cap * 2);
      if (!b) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = b;
      cap *= 2;
    }
  }
  if (buf)
    buf[n] = '\0';
  int status = pclose(p);
  if (out)
    *out = buf;
  else
    free(buf);
  if (status == -1 || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

int evac_test_load(const char *tag, const char *plan_name,
                   const char *plan_text, const char *scenario_text,
                   struct evac_diag *diag, struct evac_model **m) {
  const char *dir = evac_test_dir(tag);
  if (!dir)
    return -1;
  char *d = strdup(dir);
  if (plan_text)
    free(evac_test_write(d, plan_name, plan_text));
  char *sp = evac_test_write(d, "test.scenario.json", scenario_text);
  free(d);
  evac_diag_init(diag);
  int rc = evac_model_load(sp, diag, m);
  free(sp);
  return rc;
}

struct evac_sim *evac_test_run(const char *tag, const char *plan_text,
                               const char *scenario_text,
                               unsigned long long seed, struct evac_model **m) {
  struct evac_diag d;
  struct evac_sim *sim = NULL;
  *m = NULL;
  int rc =
      evac_test_load(tag, "test.plan.json", plan_text, scenario_text, &d, m);
  struct evac_run_opts opts = {.seed = seed, .seed_given = 1, .threads = 1};
  if (rc == EVAC_OK)
    rc = evac_sim_create(*m, &opts, &d, &sim);
  if (rc == EVAC_OK)
    rc = evac_sim_run(sim);
  if (rc != EVAC_OK) {
    evac_diag_print(&d, stderr);
    evac_sim_free(sim);
    sim = NULL;
  }
  evac_diag_free(&d);
  return sim;
}

char *evac_test_repeat(char c, int n) {
  char *s = malloc((size_t)n + 1);
  if (s) {
    memset(s, c, (size_t)n);
    s[n] = '\0';
  }
  return s;
}

int evac_test_find_msg(const struct evac_diag *d, const char *s) {
  for (int i = 0; i < d->n; i++)
    if (strstr(d->msg[i].text, s))
      return i;
  return -1;
}

void evac_test_expect_msg(const struct evac_diag *d, const char *s) {
  if (evac_test_find_msg(d, s) < 0) {
    evac_diag_print(d, stderr);
    cr_assert(0, "no message contains: %s", s);
  }
}

/* H5Literate callback: counts the datasets below loc/name (recursing into
 * groups), and those without a unit. */
static herr_t unit_visit(hid_t loc, const char *name, const H5L_info_t *info,
                         void *data) {
  (void)info;
  int *count = data;
  hid_t o = H5Oopen(loc, name, H5P_DEFAULT);
  if (o < 0)
    return -1;
  herr_t rc = 0;
  if (H5Iget_type(o) == H5I_GROUP) {
    rc = H5Literate(o, H5_INDEX_NAME, H5_ITER_INC, NULL, unit_visit, data);
  } else if (H5Iget_type(o) == H5I_DATASET) {
    count[0]++;
    if (H5Aexists(o, "unit") <= 0) {
      cr_log_error("dataset %s has no unit", name);
      count[1]++;
    }
  }
  H5Oclose(o);
  return rc;
}

void evac_test_expect_units(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0, "cannot open %s", path);
  int count[2] = {0, 0};
  cr_expect_geq(
      H5Literate(f, H5_INDEX_NAME, H5_ITER_INC, NULL, unit_visit, count), 0);
  H5Fclose(f);
  cr_expect_gt(count[0], 0, "%s has no datasets", path);
  cr_expect_eq(count[1], 0, "%s: %d of %d datasets have no unit", path,
               count[1], count[0]);
}

struct evac_test_child evac_test_spawn(char *const argv[], rlim_t fsize) {
  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    signal(SIGXFSZ, SIG_DFL);
    struct rlimit rl = {fsize, fsize};
    if (fsize > 0 && setrlimit(RLIMIT_FSIZE, &rl) != 0)
      _exit(99);
    execv(EVAC_BIN, argv);
    _exit(98);
  }
  close(fds[1]);
  return (struct evac_test_child){pid, fds[0]};
}

int evac_test_wait(struct evac_test_child c, char **text) {
  size_t len = 0, cap = 4096;
  char *buf = malloc(cap);
  cr_assert_not_null(buf);
  ssize_t k;
  while ((k = read(c.fd, buf + len, cap - len - 1)) > 0 ||
         (k < 0 && errno == EINTR)) {
    if (k > 0)
      len += (size_t)k;
    if (cap - len < 2) {
      buf = realloc(buf, cap *= 2);
      cr_assert_not_null(buf);
    }
  }
  buf[len] = '\0';
  close(c.fd);
  int status;
  cr_assert_eq(waitpid(c.pid, &status, 0), c.pid);
  *text = buf;
  return status;
}

struct evac_model *evac_test_plan(const char *text) {
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = calloc(1, sizeof *m);
  cr_assert_not_null(m);
  m->plan_path = strdup("p.json");
  int rc = evac_plan_parse(m, text, "p.json", &d);
  if (rc != EVAC_OK)
    evac_diag_print(&d, stderr);
  cr_assert_eq(rc, EVAC_OK);
  evac_diag_free(&d);
  return m;
}

uint64_t evac_test_next(uint64_t *x) {
  *x ^= *x >> 12;
  *x ^= *x << 25;
  *x ^= *x >> 27;
  return *x * 2685821657736338717ULL;
}

int evac_test_pick(uint64_t *x, int lo, int hi) {
  return lo + (int)(evac_test_next(x) % (uint64_t)(hi - lo + 1));
}
