/* Diagnostics list: see diag.h. */
#include "diag.h"

#include "evacsim.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void evac_diag_init(struct evac_diag *d) { memset(d, 0, sizeof *d); }

static void diag_add(struct evac_diag *d, int is_error, const char *file,
                     const char *path, const char *fmt, va_list ap) {
  char body[1024];
  vsnprintf(body, sizeof body, fmt, ap);
  size_t len = strlen(body) + 1;
  if (file && *file)
    len += strlen(file) + 2;
  if (path && *path)
    len += strlen(path) + 2;
  if (is_error && !d->oom && strncmp(body, "out of memory", 13) == 0)
    d->oom = d->n + 2; /* counting this message */
  char *text = malloc(len);
  if (!text) { /* the message is lost, the count is not */
    d->errors += is_error;
    if (!d->oom || d->oom > d->n + 1)
      d->oom = d->n + 1;
    return;
  }
  text[0] = '\0';
  if (file && *file) {
    strcat(text, file);
    strcat(text, ": ");
  }
  if (path && *path) {
    strcat(text, path);
    strcat(text, ": ");
  }
  strcat(text, body);
  if (d->n == d->cap) {
    int cap = d->cap ? 2 * d->cap : 8;
    struct evac_diag_msg *msg = realloc(d->msg, (size_t)cap * sizeof *msg);
    if (!msg) {
      free(text);
      d->errors += is_error;
      if (!d->oom || d->oom > d->n + 1)
        d->oom = d->n + 1;
      return;
    }
    d->msg = msg;
    d->cap = cap;
  }
  d->msg[d->n].is_error = is_error;
  d->msg[d->n].text = text;
  d->n++;
  d->errors += is_error;
}

void evac_diag_error(struct evac_diag *d, const char *file, const char *path,
                     const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_add(d, 1, file, path, fmt, ap);
  va_end(ap);
}

void evac_diag_warn(struct evac_diag *d, const char *file, const char *path,
                    const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_add(d, 0, file, path, fmt, ap);
  va_end(ap);
}

void evac_diag_print(const struct evac_diag *d, FILE *f) {
  int shown = d->oom ? d->oom - 1 : d->n;
  for (int i = 0; i < shown && i < d->n; i++)
    fprintf(f, "%s%s\n", d->msg[i].is_error ? "" : "warning: ", d->msg[i].text);
  if (d->oom && (shown > d->n || shown == 0 ||
                 !strstr(d->msg[shown - 1].text, "out of memory")))
    fputs("out of memory\n", f);
}

void evac_diag_free(struct evac_diag *d) {
  for (int i = 0; i < d->n; i++)
    free(d->msg[i].text);
  free(d->msg);
  evac_diag_init(d);
}

struct evac_diag *evac_diag_create(void) {
  struct evac_diag *d = malloc(sizeof *d);
  if (d)
    evac_diag_init(d);
  return d;
}

void evac_diag_destroy(struct evac_diag *d) {
  if (!d)
    return;
  evac_diag_free(d);
  free(d);
}
