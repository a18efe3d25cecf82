/* Typed reading of cJSON values: see json.h. */
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reports "FILE: line L, column C: invalid JSON WHY" for position end of
 * text (L and C from 1, C in bytes). */
static void report_at(const char *text, const char *end, const char *file,
                      struct evac_diag *diag, const char *why) {
  int line = 1, col = 1;
  for (const char *p = text; p < end && *p; p++) {
    if (*p == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  evac_diag_error(diag, file, NULL, "line %d, column %d: invalid JSON%s", line,
                  col, why);
}

/* Largest input file read by default, bytes (docs/formats.md, "Limits"). */
#define INPUT_LIMIT_DEFAULT ((uint64_t)256 << 20)

/* The input size limit: $EVACSIM_INPUT_LIMIT (bytes, or with a K, M or G
 * suffix) or the default. Returns 0, or -1 (reported) for a bad value. */
static int input_limit(struct evac_diag *diag, uint64_t *limit) {
  const char *env = getenv("EVACSIM_INPUT_LIMIT");
  *limit = INPUT_LIMIT_DEFAULT;
  if (!env || !*env)
    return 0;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(env, &end, 10);
  int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
  if (shift)
    end++;
  if (errno || end == env || *end || *env == '-' || v == 0 ||
      v > (UINT64_MAX >> shift)) {
    evac_diag_error(diag, "EVACSIM_INPUT_LIMIT", NULL,
                    "\"%s\" is not a size; give bytes, or a number with K, "
                    "M or G (for example 512M)",
                    env);
    return -1;
  }
  *limit = (uint64_t)v << shift;
  return 0;
}

/* What a file that is not a regular file is, for messages. */
static const char *file_kind(mode_t mode) {
  return S_ISDIR(mode)    ? "a folder"
         : S_ISFIFO(mode) ? "a FIFO"
         : S_ISCHR(mode)  ? "a character device"
         : S_ISBLK(mode)  ? "a block device"
         : S_ISSOCK(mode) ? "a socket"
                          : "not a regular file";
}

char *evac_json_read_file(const char *path, struct evac_diag *diag) {
  uint64_t limit;
  if (input_limit(diag, &limit) < 0)
    return NULL;
  /* non-blocking: opening a FIFO with no writer must not wait */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    if (errno == ENOMEM)
      evac_diag_error(diag, path, NULL, "out of memory reading the file");
    else
      evac_diag_error(diag, path, NULL, "cannot read: %s", strerror(errno));
    if (fd >= 0)
      close(fd);
    return NULL;
  }
  if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > limit) {
    if (S_ISDIR(st.st_mode))
      evac_diag_error(diag, path, NULL, "cannot read: %s", strerror(EISDIR));
    else if (!S_ISREG(st.st_mode))
      evac_diag_error(diag, path, NULL,
                      "cannot read: %s; input files must be regular files",
                      file_kind(st.st_mode));
    else
      evac_diag_error(diag, path, NULL,
                      "cannot read: %lld bytes; input files may have at most "
                      "%llu bytes (set EVACSIM_INPUT_LIMIT to allow more)",
                      (long long)st.st_size, (unsigned long long)limit);
    close(fd);
    return NULL;
  }
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    evac_diag_error(diag, path, NULL, "cannot read: %s", strerror(errno));
    close(fd);
    return NULL;
  }
  /* the size as read, not as stat'ed: the file may change meanwhile, so
   * the limit holds while reading too */
  size_t n = 0, cap = 4096;
  char *buf = malloc(cap);
  int too_long = 0;
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0)
      break;
    if ((uint64_t)n > limit) {
      too_long = 1;
      break;
    }
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
  int err = ferror(f) ? errno : 0;
  fclose(f);
  if (!buf) {
    evac_diag_error(diag, path, NULL, "out of memory reading the file");
    return NULL;
  }
  if (err || too_long) {
    if (too_long)
      evac_diag_error(diag, path, NULL,
                      "cannot read: more than %llu bytes (it grew while "
                      "read; set EVACSIM_INPUT_LIMIT to allow more)",
                      (unsigned long long)limit);
    else
      evac_diag_error(diag, path, NULL, "cannot read: %s", strerror(err));
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  const char *nul = memchr(buf, '\0', n);
  if (nul) {
    report_at(buf, nul, path, diag, " (a NUL byte)");
    free(buf);
    return NULL;
  }
  return buf;
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 if it is not
 * one (RFC 3629: no overlong forms, surrogates or code points > U+10FFFF). */
static int utf8_len(const unsigned char *s) {
  if (s[0] < 0x80)
    return 1;
  int n = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
          : s[0] >= 0xe0 && s[0] <= 0xef ? 3
          : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
                                         : 0;
  for (int i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80)
      return 0;
  if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
      (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
    return 0;
  return n;
}

cJSON *evac_json_parse(const char *text, const char *file,
                       struct evac_diag *diag) {
  for (const char *p = text; *p;) {
    int n = utf8_len((const unsigned char *)p);
    if (!n) {
      report_at(text, p, file, diag, " (not UTF-8 text)");
      return NULL;
    }
    p += n;
  }
  const char *end = NULL;
  errno = 0;
  cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
  if (root)
    return root;
  if (errno == ENOMEM) { /* a failed malloc, not a syntax error */
    evac_diag_error(diag, file, NULL, "out of memory parsing the JSON");
    return NULL;
  }
  if (!end || end < text)
    end = text;
  report_at(text, end, file, diag, "");
  return NULL;
}

void evac_json_path_key(char *buf, const char *base, const char *key) {
  if (base && *base)
    snprintf(buf, EVAC_JSON_PATH_MAX, "%s.%s", base, key);
  else
    snprintf(buf, EVAC_JSON_PATH_MAX, "%s", key);
}

void evac_json_path_index(char *buf, const char *base, int i) {
  snprintf(buf, EVAC_JSON_PATH_MAX, "%s[%d]", base ? base : "", i);
}

void evac_json_describe(const cJSON *v, char *buf, size_t n) {
  if (!v)
    snprintf(buf, n, "nothing");
  else if (cJSON_IsNumber(v))
    snprintf(buf, n, "%.17g", v->valuedouble);
  else if (cJSON_IsString(v))
    snprintf(buf, n, "\"%.60s\"%s (a string)", v->valuestring,
             strlen(v->valuestring) > 60 ? "..." : "");
  else if (cJSON_IsBool(v))
    snprintf(buf, n, "%s (a boolean)", cJSON_IsTrue(v) ? "true" : "false");
  else if (cJSON_IsNull(v))
    snprintf(buf, n, "null");
  else if (cJSON_IsArray(v))
    snprintf(buf, n, "an array");
  else if (cJSON_IsObject(v))
    snprintf(buf, n, "an object");
  else
    snprintf(buf, n, "an invalid value");
}

void evac_json_expected(const struct evac_json *j, const char *path,
                        const char *what, const cJSON *got) {
  char desc[128];
  evac_json_describe(got, desc, sizeof desc);
  evac_diag_error(j->diag, j->file, path, "expected %s, got %s", what, desc);
}

int evac_json_is_object(const struct evac_json *j, const cJSON *v,
                        const char *path) {
  if (cJSON_IsObject(v))
    return 1;
  evac_json_expected(j, path, "an object", v);
  return 0;
}

void evac_json_join(char *buf, size_t n, const char *const *names) {
  buf[0] = '\0';
  size_t len = 0;
  for (int i = 0; names[i]; i++) {
    int w = snprintf(buf + len, n - len, "%s%s", i ? ", " : "", names[i]);
    if (w < 0 || (size_t)w >= n - len)
      return;
    len += (size_t)w;
  }
}

int evac_json_check_keys(const struct evac_json *j, const cJSON *obj,
                         const char *path, const char *const *allowed) {
  int bad = 0;
  char list[512], p[EVAC_JSON_PATH_MAX];
  evac_json_join(list, sizeof list, allowed);
  for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next) {
    int ok = 0;
    for (int i = 0; allowed[i] && !ok; i++)
      ok = strcmp(c->string, allowed[i]) == 0;
    evac_json_path_key(p, path, c->string);
    if (!ok) {
      evac_diag_error(j->diag, j->file, p, "unknown key; allowed keys: %s",
                      list);
      bad++;
      continue;
    }
    for (const cJSON *d = obj->child; d != c; d = d->next)
      if (strcmp(d->string, c->string) == 0) {
        evac_diag_error(j->diag, j->file, p, "key given twice");
        bad++;
        break;
      }
  }
  return bad;
}

int evac_json_require(const struct evac_json *j, const cJSON *obj,
                      const char *path, const char *key) {
  if (cJSON_GetObjectItemCaseSensitive(obj, key))
    return 1;
  char p[EVAC_JSON_PATH_MAX];
  evac_json_path_key(p, path, key);
  evac_diag_error(j->diag, j->file, p, "missing required key");
  return 0;
}

struct evac_json_range evac_json_gt(double lo) {
  return (struct evac_json_range){lo, INFINITY, 1, 0};
}

struct evac_json_range evac_json_ge(double lo) {
  return (struct evac_json_range){lo, INFINITY, 0, 0};
}

struct evac_json_range evac_json_in(double lo, int lo_open, double hi,
                                    int hi_open) {
  return (struct evac_json_range){lo, hi, lo_open, hi_open};
}

/* Writes a bound: whole numbers in full, others as %g. */
static void bound_text(char *buf, size_t n, double v) {
  if (v == floor(v) && fabs(v) < 1e17)
    snprintf(buf, n, "%.0f", v);
  else
    snprintf(buf, n, "%g", v);
}

/* "a number > 0", "an integer in [1, 10]", ... */
static void range_text(char *buf, size_t n, const char *noun,
                       struct evac_json_range r) {
  int has_lo = isfinite(r.lo), has_hi = isfinite(r.hi);
  char lo[32], hi[32];
  bound_text(lo, sizeof lo, r.lo);
  bound_text(hi, sizeof hi, r.hi);
  if (has_lo && has_hi)
    snprintf(buf, n, "%s in %c%s, %s%c", noun, r.lo_open ? '(' : '[', lo, hi,
             r.hi_open ? ')' : ']');
  else if (has_lo)
    snprintf(buf, n, "%s %s %s", noun, r.lo_open ? ">" : ">=", lo);
  else if (has_hi)
    snprintf(buf, n, "%s %s %s", noun, r.hi_open ? "<" : "<=", hi);
  else
    snprintf(buf, n, "%s", noun);
}

static int in_range(double x, struct evac_json_range r) {
  if (!isfinite(x))
    return 0;
  if (r.lo_open ? !(x > r.lo) : !(x >= r.lo))
    return 0;
  if (r.hi_open ? !(x < r.hi) : !(x <= r.hi))
    return 0;
  return 1;
}

int evac_json_check_range(const struct evac_json *j, const cJSON *v,
                          const char *path, struct evac_json_range r) {
  if (cJSON_IsNumber(v) && in_range(v->valuedouble, r))
    return 1;
  char what[128];
  range_text(what, sizeof what, "a number", r);
  evac_json_expected(j, path, what, v);
  return 0;
}

int evac_json_number(const struct evac_json *j, const cJSON *obj,
                     const char *path, const char *key,
                     struct evac_json_range r, double *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v)
    return 0;
  char p[EVAC_JSON_PATH_MAX];
  evac_json_path_key(p, path, key);
  if (!evac_json_check_range(j, v, p, r))
    return -1;
  *out = v->valuedouble;
  return 1;
}

int evac_json_integer(const struct evac_json *j, const cJSON *obj,
                      const char *path, const char *key, double lo, double hi,
                      long long *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v)
    return 0;
  char p[EVAC_JSON_PATH_MAX], what[128];
  evac_json_path_key(p, path, key);
  struct evac_json_range r = {lo, hi, 0, 0};
  if (!cJSON_IsNumber(v) || !in_range(v->valuedouble, r) ||
      v->valuedouble != floor(v->valuedouble)) {
    range_text(what, sizeof what, "an integer", r);
    evac_json_expected(j, p, what, v);
    return -1;
  }
  *out = (long long)v->valuedouble;
  return 1;
}

int evac_json_bool(const struct evac_json *j, const cJSON *obj,
                   const char *path, const char *key, int *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v)
    return 0;
  if (!cJSON_IsBool(v)) {
    char p[EVAC_JSON_PATH_MAX];
    evac_json_path_key(p, path, key);
    evac_json_expected(j, p, "true or false", v);
    return -1;
  }
  *out = cJSON_IsTrue(v) ? 1 : 0;
  return 1;
}

int evac_json_string(const struct evac_json *j, const cJSON *obj,
                     const char *path, const char *key, const char **out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v)
    return 0;
  if (!cJSON_IsString(v) || !v->valuestring[0]) {
    char p[EVAC_JSON_PATH_MAX];
    evac_json_path_key(p, path, key);
    evac_json_expected(j, p, "a non-empty string", v);
    return -1;
  }
  *out = v->valuestring;
  return 1;
}

int evac_json_array(const struct evac_json *j, const cJSON *obj,
                    const char *path, const char *key, const cJSON **out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v)
    return 0;
  if (!cJSON_IsArray(v)) {
    char p[EVAC_JSON_PATH_MAX];
    evac_json_path_key(p, path, key);
    evac_json_expected(j, p, "an array", v);
    return -1;
  }
  *out = v;
  return 1;
}

int evac_json_object(const struct evac_json *j, const cJSON *obj,
                     const char *path, const char *key, const cJSON **out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v)
    return 0;
  char p[EVAC_JSON_PATH_MAX];
  evac_json_path_key(p, path, key);
  if (!evac_json_is_object(j, v, p))
    return -1;
  *out = v;
  return 1;
}
