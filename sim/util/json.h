/* Typed reading of cJSON values for the loaders. Every reader takes the
 * JSON path of the object it reads from and reports a bad value into the
 * diagnostics as "FILE: PATH: expected WHAT, got VALUE", so that a loader
 * can go on and report every problem of a file. */
#ifndef EVAC_JSON_H
#define EVAC_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "diag.h"

/* Longest JSON path kept in messages (longer ones are cut). */
#define EVAC_JSON_PATH_MAX 256

/* Where messages go: the file being read and the diagnostics list. */
struct evac_json {
  const char *file;       /* file named in messages */
  struct evac_diag *diag; /* where errors and warnings go */
};

/* Allowed range of a number: lo < x (lo_open) or lo <= x, likewise hi. Use
 * -INFINITY / INFINITY for no bound. */
struct evac_json_range {
  double lo, hi;
  int lo_open, hi_open;
};

/* Reads a whole regular file of at most $EVACSIM_INPUT_LIMIT bytes (256 MiB
 * by default; a FIFO, device or folder is refused before it is read) into
 * a NUL-terminated string (malloc'd); on failure reports "FILE: cannot
 * read: REASON" (or "FILE: line L, column C: invalid JSON (a NUL byte)" for
 * a file with a NUL byte, or "FILE: out of memory reading the file") and
 * returns NULL. */
char *evac_json_read_file(const char *path, struct evac_diag *diag);

/* Parses JSON text, which must be UTF-8; on failure reports "FILE: line L,
 * column C: invalid JSON" (with " (not UTF-8 text)" for a byte that is not
 * UTF-8), or "FILE: out of memory parsing the JSON", and returns NULL. */
cJSON *evac_json_parse(const char *text, const char *file,
                       struct evac_diag *diag);

/* Writes base.key (or key when base is empty) into buf. */
void evac_json_path_key(char *buf, const char *base, const char *key);

/* Writes base[i] into buf. */
void evac_json_path_index(char *buf, const char *base, int i);

/* Describes a value for "got ..." parts of messages: 3.5, "x" (a string),
 * true (a boolean), null, an array, an object. */
void evac_json_describe(const cJSON *v, char *buf, size_t n);

/* Reports an error at path: "expected WHAT, got VALUE". */
void evac_json_expected(const struct evac_json *j, const char *path,
                        const char *what, const cJSON *got);

/* Checks that v is an object; reports and returns 0 if not. */
int evac_json_is_object(const struct evac_json *j, const cJSON *v,
                        const char *path);

/* Reports each key of obj not in allowed (a NULL-terminated list) and each
 * key given twice. Returns the number of bad keys. */
int evac_json_check_keys(const struct evac_json *j, const cJSON *obj,
                         const char *path, const char *const *allowed);

/* Reports "missing required key KEY" if obj has no key; returns 1 if it
 * has it. */
int evac_json_require(const struct evac_json *j, const cJSON *obj,
                      const char *path, const char *key);

/* The readers below look up key in obj (case-sensitive). They return 0 if
 * the key is absent (out untouched), 1 if it was read into out, and -1 if
 * it is there but bad (reported, out untouched). */

/* A finite number within r. */
int evac_json_number(const struct evac_json *j, const cJSON *obj,
                     const char *path, const char *key,
                     struct evac_json_range r, double *out);

/* A whole number in [lo, hi] (|values| up to 2^53). */
int evac_json_integer(const struct evac_json *j, const cJSON *obj,
                      const char *path, const char *key, double lo, double hi,
                      long long *out);

/* true or false, read as 1 or 0. */
int evac_json_bool(const struct evac_json *j, const cJSON *obj,
                   const char *path, const char *key, int *out);

/* A string; out points into obj. Empty strings are rejected. */
int evac_json_string(const struct evac_json *j, const cJSON *obj,
                     const char *path, const char *key, const char **out);

/* An array; out points into obj. */
int evac_json_array(const struct evac_json *j, const cJSON *obj,
                    const char *path, const char *key, const cJSON **out);

/* An object; out points into obj. */
int evac_json_object(const struct evac_json *j, const cJSON *obj,
                     const char *path, const char *key, const cJSON **out);

/* Checks a number v (already known to be a number) against r: reports
 * "expected a number ..., got V" and returns 0 if it is outside. */
int evac_json_check_range(const struct evac_json *j, const cJSON *v,
                          const char *path, struct evac_json_range r);

/* Range constructors: x > lo, x >= lo, lo < x <= hi. */
struct evac_json_range evac_json_gt(double lo);
struct evac_json_range evac_json_ge(double lo);
struct evac_json_range evac_json_in(double lo, int lo_open, double hi,
                                    int hi_open);

/* Joins the NULL-terminated names as "a, b, c" into buf. */
void evac_json_join(char *buf, size_t n, const char *const *names);

#endif
