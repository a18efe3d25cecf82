/* Diagnostics: a growing list of errors and warnings, each naming the file
 * and the JSON path it is about, so that a loader can report every problem of
 * a file, not only the first. */
#ifndef EVAC_DIAG_H
#define EVAC_DIAG_H

#include <stdio.h>

/* One message, already formatted as "FILE: PATH: text". */
struct evac_diag_msg {
  int is_error; /* 1 error, 0 warning */
  char *text;   /* owned */
};

/* The list. Zero-initialise it (or call evac_diag_init). */
struct evac_diag {
  struct evac_diag_msg *msg; /* messages in the order reported */
  int n;                     /* messages */
  int cap;                   /* allocated */
  int errors;                /* how many are errors */
  int oom; /* 0, or 1 + the number of messages kept when memory first ran
              out: an error starting "out of memory" (kept) or a message
              lost for want of memory. Later messages may be consequences
              of it and are not printed; the status is then
              EVAC_ERR_RUNTIME, not EVAC_ERR_INPUT. */
};

/* Empties a list for use. */
void evac_diag_init(struct evac_diag *d);

/* Adds an error "file: path: message" (file or path may be NULL or "").
 * A message starting "out of memory" marks the list as out of memory (see
 * oom). */
void evac_diag_error(struct evac_diag *d, const char *file, const char *path,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds a warning, formatted as an error is. */
void evac_diag_warn(struct evac_diag *d, const char *file, const char *path,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Prints every message, one a line, warnings prefixed "warning: "; once
 * memory ran out, only those up to the out-of-memory error (and "out of
 * memory" if that message itself was lost). */
void evac_diag_print(const struct evac_diag *d, FILE *f);

/* Frees the messages; the list is empty again afterwards. */
void evac_diag_free(struct evac_diag *d);

#endif
