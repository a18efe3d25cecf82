/* The ranked rectification list as a table, as CSV and as HDF5. Files are
 * written to PATH.partial, then renamed. */
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "rank.h"

/* The target of hazard h as text ("" if none). */
static const char *target_name(const struct evac_model *m,
                               const struct evac_hazard *h) {
  if (h->target >= 0)
    return m->features[h->target].name;
  if (h->region >= 0)
    return m->regions[h->region].name;
  return "";
}

/* The floors of hazard h as "6 7" ("all" if none listed). */
static void floors_text(const struct evac_model *m, const struct evac_hazard *h,
                        char *buf, size_t n) {
  size_t k = 0;
  buf[0] = '\0';
  for (int i = 0; i < h->nfloors && k + 2 < n; i++)
    k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? " " : "",
                          m->floors[h->floors[i]].name);
  if (h->nfloors == 0)
    snprintf(buf, n, "all");
}

void evac_ranking_print(const struct evac_ranking *r, FILE *f) {
  const struct evac_model *m = r->m;
  fprintf(f,
          "evacsim rank: %s, %d hazards, %d replications, %d variants "
          "(%ld simulations, %.1f s)\n",
          m->name, r->nrows, r->reps, r->nvariants, r->runs, r->wall_clock_s);
  fprintf(f, "  casualties with every hazard: %.2f a fire; with none: %.2f\n",
          r->variants[0].casualties_mean,
          r->variants[r->nvariants - 1].casualties_mean);
  fprintf(f, "  %-5s %-8s %-24s %-20s %-22s %-5s %9s  %s\n", "order", "hazard",
          "type", "target", "avoided (95 % CI)", "major", "cost", "owner");
  for (int i = 0; i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    const struct evac_hazard *h = &m->hazards[row->hazard];
    char ci[64], cost[32];
    snprintf(ci, sizeof ci, "%.2f [%.2f, %.2f]", row->delta_mean, row->ci_low,
             row->ci_high);
    if (isnan(h->cost))
      snprintf(cost, sizeof cost, "-");
    else
      snprintf(cost, sizeof cost, "%.0f", h->cost);
    fprintf(f, "  %-5d %-8s %-24s %-20.20s %-22s %-5s %9s  %s\n", row->order,
            h->id, evac_hazard_type_name(h->type), target_name(m, h), ci,
            row->major ? "yes" : "no", cost, h->owner ? h->owner : "");
  }
  fprintf(f,
          "  (fix in this order: each line's effect assumes the lines "
          "above are fixed; major: 95 %% lower bound >= %.1f)\n",
          EVAC_MAJOR_CASUALTIES);
}

/* Finishes a file written to tmp: rename to path, or report and remove. */
static enum evac_status finish(const char *tmp, const char *path, int ok,
                               struct evac_diag *diag) {
  if (ok && rename(tmp, path) == 0)
    return EVAC_OK;
  evac_diag_error(diag, path, NULL, "cannot write: %s", strerror(errno));
  remove(tmp);
  return EVAC_ERR_IO;
}

/* Writes s to f as a CSV field (quoted if it holds a comma or quote). */
static void csv_text(FILE *f, const char *s) {
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

enum evac_status evac_ranking_write_csv(const struct evac_ranking *r,
                                        const char *path,
                                        struct evac_diag *diag) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.partial", path);
  FILE *f = fopen(tmp, "w");
  if (!f)
    return finish(tmp, path, 0, diag);
  fputs("rank,hazard_id,type,target,floors,delta_casualties_mean,"
        "delta_casualties_ci_low,delta_casualties_ci_high,delta_rset_p95_s,"
        "delta_aset_margin_s,major,cost,risk_reduction_per_cost,owner\n",
        f);
  for (int i = 0; i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    const struct evac_hazard *h = &r->m->hazards[row->hazard];
    char floors[256];
    floors_text(r->m, h, floors, sizeof floors);
    fprintf(f, "%d,", row->order);
    csv_text(f, h->id);
    fprintf(f, ",%s,", evac_hazard_type_name(h->type));
    csv_text(f, target_name(r->m, h));
    fputc(',', f);
    csv_text(f, floors);
    fprintf(f, ",%.6g,%.6g,%.6g,%.6g,%.6g,%d,", row->delta_mean, row->ci_low,
            row->ci_high, row->delta_rset_p95_s, row->delta_margin_s,
            row->major);
    if (!isnan(h->cost))
      fprintf(f, "%.6g", h->cost);
    fputc(',', f);
    if (!isnan(row->per_cost))
      fprintf(f, "%.6g", row->per_cost);
    fputc(',', f);
    csv_text(f, h->owner ? h->owner : "");
    fputc('\n', f);
  }
  int ok = !ferror(f);
  ok &= fclose(f) == 0;
  return finish(tmp, path, ok, diag);
}

/* Writes a scalar double attribute. Returns 0 or -1. */
static int attr_double(hid_t loc, const char *name, double v) {
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(loc, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT,
                       H5P_DEFAULT);
  int rc = a < 0 || H5Awrite(a, H5T_NATIVE_DOUBLE, &v) < 0;
  H5Aclose(a);
  H5Sclose(sp);
  return rc ? -1 : 0;
}

/* Writes a string attribute. Returns 0 or -1. */
static int attr_string(hid_t loc, const char *name, const char *v) {
  hid_t sp = H5Screate(H5S_SCALAR), st = H5Tcopy(H5T_C_S1);
  H5Tset_size(st, strlen(v) + 1);
  hid_t a = H5Acreate2(loc, name, st, sp, H5P_DEFAULT, H5P_DEFAULT);
  int rc = a < 0 || H5Awrite(a, st, v) < 0;
  H5Aclose(a);
  H5Tclose(st);
  H5Sclose(sp);
  return rc ? -1 : 0;
}

/* Writes a double column with a unit. Returns 0 or -1. */
static int put_doubles(hid_t g, const char *name, const double *v, size_t n,
                       const char *unit) {
  hsize_t dims = n;
  hid_t sp = H5Screate_simple(1, &dims, NULL);
  hid_t d = H5Dcreate2(g, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
  int rc = d < 0 || (n && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                   H5P_DEFAULT, v) < 0);
  rc |= d < 0 || attr_string(d, "unit", unit);
  H5Dclose(d);
  H5Sclose(sp);
  return rc ? -1 : 0;
}

/* Writes a fixed-length string column. Returns 0 or -1. */
static int put_strings(hid_t g, const char *name, const char *const *v,
                       size_t n) {
  size_t len = 1;
  for (size_t i = 0; i < n; i++)
    len = strlen(v[i]) + 1 > len ? strlen(v[i]) + 1 : len;
  char *buf = calloc(n ? n : 1, len);
  if (!buf)
    return -1;
  for (size_t i = 0; i < n; i++)
    memcpy(buf + i * len, v[i], strlen(v[i]));
  hsize_t dims = n;
  hid_t sp = H5Screate_simple(1, &dims, NULL), st = H5Tcopy(H5T_C_S1);
  H5Tset_size(st, len);
  hid_t d = H5Dcreate2(g, name, st, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  int rc =
      d < 0 || (n && H5Dwrite(d, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0);
  H5Dclose(d);
  H5Tclose(st);
  H5Sclose(sp);
  free(buf);
  return rc ? -1 : 0;
}

enum evac_status evac_ranking_write_h5(const struct evac_ranking *r,
                                       const char *path,
                                       struct evac_diag *diag) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.partial", path);
  H5E_auto2_t func;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  int n = r->nrows, nv = r->nvariants, rc = f < 0;
  double *col = malloc(((size_t)(n > nv ? n : nv) + 1) * 9 * sizeof *col);
  const char **txt = calloc((size_t)(n > nv ? n : nv) + 1, 5 * sizeof *txt);
  char *floors = calloc((size_t)n + 1, 256), *fixed = NULL;
  rc |= !col || !txt || !floors;
  if (!rc) {
    hid_t g = H5Gcreate2(f, "ranking", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double *c[9];
    for (int k = 0; k < 9; k++)
      c[k] = col + (size_t)k * (n > nv ? n : nv);
    const char **id = txt, **type = txt + n, **target = txt + 2 * n,
               **fl = txt + 3 * n, **owner = txt + 4 * n;
    for (int i = 0; i < n; i++) {
      const struct evac_rank_row *row = &r->rows[i];
      const struct evac_hazard *h = &r->m->hazards[row->hazard];
      floors_text(r->m, h, floors + (size_t)i * 256, 256);
      id[i] = h->id;
      type[i] = evac_hazard_type_name(h->type);
      target[i] = target_name(r->m, h);
      fl[i] = floors + (size_t)i * 256;
      owner[i] = h->owner ? h->owner : "";
      c[0][i] = row->order;
      c[1][i] = row->delta_mean;
      c[2][i] = row->ci_low;
      c[3][i] = row->ci_high;
      c[4][i] = row->delta_rset_p95_s;
      c[5][i] = row->delta_margin_s;
      c[6][i] = row->major;
      c[7][i] = h->cost;
      c[8][i] = row->per_cost;
    }
    rc |= put_doubles(g, "rank", c[0], (size_t)n, "1") |
          put_strings(g, "hazard_id", id, (size_t)n) |
          put_strings(g, "type", type, (size_t)n) |
          put_strings(g, "target", target, (size_t)n) |
          put_strings(g, "floors", fl, (size_t)n) |
          put_doubles(g, "delta_casualties_mean", c[1], (size_t)n, "1") |
          put_doubles(g, "delta_casualties_ci_low", c[2], (size_t)n, "1") |
          put_doubles(g, "delta_casualties_ci_high", c[3], (size_t)n, "1") |
          put_doubles(g, "delta_rset_p95_s", c[4], (size_t)n, "s") |
          put_doubles(g, "delta_aset_margin_s", c[5], (size_t)n, "s") |
          put_doubles(g, "major", c[6], (size_t)n, "1") |
          put_doubles(g, "cost", c[7], (size_t)n, "1") |
          put_doubles(g, "risk_reduction_per_cost", c[8], (size_t)n, "1") |
          put_strings(g, "owner", owner, (size_t)n);
    H5Gclose(g);
    /* variants: which hazards are fixed, and their statistics */
    fixed = calloc((size_t)nv + 1, 512);
    const char **fx = txt;
    rc |= !fixed;
    for (int v = 0; !rc && v < nv; v++) {
      char *b = fixed + (size_t)v * 512;
      size_t k = 0;
      for (int i = 0; i < n && k + 40 < 512; i++)
        if (r->variants[v].fixed >> i & 1)
          k += (size_t)snprintf(b + k, 512 - k, "%s%s", k ? " " : "",
                                r->m->hazards[i].id);
      fx[v] = b;
      c[0][v] = r->variants[v].casualties_mean;
      c[1][v] = r->variants[v].rset_p95_s;
      c[2][v] = r->variants[v].margin_mean_s;
    }
    if (!rc) {
      g = H5Gcreate2(f, "variants", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      rc |= put_strings(g, "fixed", fx, (size_t)nv) |
            put_doubles(g, "casualties_mean", c[0], (size_t)nv, "1") |
            put_doubles(g, "rset_p95_s", c[1], (size_t)nv, "s") |
            put_doubles(g, "aset_margin_mean_s", c[2], (size_t)nv, "s");
      H5Gclose(g);
    }
    g = H5Gcreate2(f, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc |= attr_double(g, "reps", r->reps) |
          attr_double(g, "seed", (double)r->seed) |
          attr_double(g, "threads", r->threads) |
          attr_string(g, "scenario_path", r->m->scenario_path) |
          attr_string(g, "evacsim_version", evac_version()) |
          attr_string(g, "git_revision", evac_git_revision());
    H5Gclose(g);
    g = H5Gcreate2(f, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc |= attr_double(g, "hazards", n) | attr_double(g, "variants", nv) |
          attr_double(g, "simulations", (double)r->runs) |
          attr_double(g, "wall_clock_s", r->wall_clock_s);
    rc |= attr_double(g, "complete", 1.0); /* last */
    H5Gclose(g);
  }
  free(col);
  free(txt);
  free(floors);
  free(fixed);
  if (f >= 0 && H5Fclose(f) < 0)
    rc = 1;
  H5Eset_auto2(H5E_DEFAULT, func, data);
  return finish(tmp, path, !rc, diag);
}
