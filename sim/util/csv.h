/* Fields of the CSV lists written by rank and batch (RFC 4180 quoting). */
#ifndef EVAC_CSV_H
#define EVAC_CSV_H

#include <stdio.h>

/* Writes s to f as one field, quoted (quotes doubled) if it holds a comma,
 * a quote or a line break. */
void evac_csv_text(FILE *f, const char *s);

/* Writes v to f as one field with 6 significant digits; nothing (an empty
 * field) if v is NaN. */
void evac_csv_num(FILE *f, double v);

#endif
