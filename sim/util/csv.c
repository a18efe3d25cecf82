/* CSV fields: see csv.h. */
#include "csv.h"

#include <math.h>
#include <string.h>

void evac_csv_text(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

void evac_csv_num(FILE *f, double v) {
  if (!isnan(v))
    fprintf(f, "%.6g", v);
}
