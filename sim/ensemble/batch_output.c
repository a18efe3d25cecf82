/* The reduction of a county batch (docs/hpc.md, "Outputs"): rank 0 reads
 * the task files in building, variant, replication order and writes
 * DIR/buildings/NAME.h5 per building, DIR/county.h5 and DIR/county.csv,
 * then prints the county summary. Nothing in these files depends on the
 * number of ranks or threads, the time or the host, and HDF5 is told not to
 * stamp object times, so a re-run writes them byte for byte again. Each is
 * built in memory and committed (commit.h: a unique temporary, fsync,
 * rename). */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "commit.h"
#include "csv.h"
#include "diag.h"
#include "h5attr.h"
#include "model.h"

/* Statistics of one building. */
struct bo_building {
  int ok;                            /* 1 if every task file was read */
  int nv;                            /* variants: hazards + 1 */
  int ns;                            /* fires (strata) */
  struct evac_outcome **out;         /* [nv * ns][reps of the fire]: zeros
                                        where the variant lacks the fire */
  double *cas, *rset95, *marg;       /* per variant: objective (incapacitated +
                                        trapped), p95 RSET, margin */
  double *incap, *trapped, *not_out; /* per variant: the objective's parts
                                        and those not out at the end */
  double egress_s;                   /* evac_replicate_egress_estimate */
};

/* One (building, hazard) pair of the county ranking. */
struct bo_pair {
  int b, h;
  double mean, lo, hi, cost, per_cost;
  double d_incap, d_trapped, d_not_out; /* mean reductions of each count */
  int rank, rank_per_cost;
};

/* One replication's value and weight, for a weighted percentile. */
struct bo_wval {
  double x, w;
};

static int cmp_wval(const void *a, const void *b) {
  double x = ((const struct bo_wval *)a)->x, y = ((const struct bo_wval *)b)->x;
  return (x > y) - (x < y);
}

/* Variant v's means over fires (weighted, docs/ranking.md "Risk and
 * ranking") and its weighted p95 RSET, into s; rs holds every
 * replication. */
static void summarise(const struct evac_batch_building *b,
                      struct bo_building *s, int v, struct bo_wval *rs) {
  const double *w = b->w + (size_t)v * (size_t)s->ns;
  double wsum = 0.0;
  int j = 0;
  for (int k = 0; k < s->ns; k++)
    wsum += w[k];
  for (int k = 0; k < s->ns; k++) {
    int n = b->reps[k];
    for (int r = 0; w[k] > 0.0 && r < n; r++) {
      const struct evac_outcome *o = &s->out[v * s->ns + k][r];
      s->cas[v] += w[k] * o->objective / n;
      s->incap[v] += w[k] * o->incapacitated / n;
      s->trapped[v] += w[k] * o->trapped / n;
      s->not_out[v] += w[k] * o->not_out / n;
      s->marg[v] += w[k] / wsum * o->margin_s / n;
      rs[j++] = (struct bo_wval){o->rset_s, w[k] / wsum / n};
    }
  }
  qsort(rs, (size_t)j, sizeof *rs, cmp_wval);
  double cum = 0.0;
  s->rset95[v] = j ? rs[j - 1].x : 0.0;
  for (int i = 0; i < j; i++)
    if ((cum += rs[i].w) >= 0.95 - 1e-9) {
      s->rset95[v] = rs[i].x;
      break;
    }
}

/* Reads building i's task files into s. Returns 0, -1 (a file is missing
 * or broken) or -2 (memory). */
static int load_building(const struct evac_batch *bt, int i,
                         struct bo_building *s) {
  const struct evac_batch_building *b = &bt->b[i];
  int total = 0;
  s->nv = b->m->nhazards + 1;
  s->ns = b->nstrata;
  for (int k = 0; k < s->ns; k++)
    total += b->reps[k];
  s->out = calloc((size_t)s->nv * (size_t)s->ns, sizeof *s->out);
  s->cas = calloc((size_t)s->nv * 6, sizeof *s->cas);
  struct bo_wval *rs = malloc(((size_t)total + 1) * sizeof *rs);
  if (!s->out || !s->cas || !rs) {
    free(rs);
    return -2;
  }
  s->rset95 = s->cas + s->nv;
  s->marg = s->cas + 2 * s->nv;
  s->incap = s->cas + 3 * s->nv;
  s->trapped = s->cas + 4 * s->nv;
  s->not_out = s->cas + 5 * s->nv;
  s->egress_s = evac_replicate_egress_estimate(b->m);
  for (int v = 0; v < s->nv * s->ns; v++)
    if (!(s->out[v] = calloc((size_t)b->reps[v % s->ns], sizeof **s->out))) {
      free(rs);
      return -2;
    }
  int rc = 0;
  for (int t = 0; t < bt->ntasks && !rc; t++) {
    const struct evac_batch_task *tk = &bt->tasks[t];
    if (tk->building == i &&
        evac_batch_task_read(
            bt, t, s->out[tk->variant * s->ns + tk->stratum] + tk->first) != 0)
      rc = -1;
  }
  for (int v = 0; v < s->nv && !rc; v++)
    summarise(b, s, v, rs);
  free(rs);
  s->ok = rc == 0;
  return rc;
}

/* The stratified effect of fixing hazard j of building b alone (s its
 * statistics), docs/ranking.md "Confidence intervals". */
static void solo_effect(const struct evac_batch_building *b,
                        const struct bo_building *s, int j,
                        struct evac_stratified *e) {
  size_t ns = (size_t)s->ns, y = (size_t)(j + 1) * ns;
  evac_outcome_stratified((const struct evac_outcome *const *)s->out, b->w,
                          (const struct evac_outcome *const *)s->out + y,
                          b->w + y, b->reps, s->ns, NULL, e);
}

static void free_building(struct bo_building *s) {
  for (int v = 0; s->out && v < s->nv * s->ns; v++)
    free(s->out[v]);
  free(s->out);
  free(s->cas);
}

/* --------------------------------------------------------------- HDF5 */

/* Property lists that stop HDF5 stamping object times. */
struct bo_h5 {
  hid_t gcpl, dcpl;
};

static int put_doubles(const struct bo_h5 *h, hid_t g, const char *name,
                       const double *v, size_t n, const char *unit) {
  return evac_h5_column_write(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v, n,
                              unit, h->dcpl);
}

static int put_ints(const struct bo_h5 *h, hid_t g, const char *name,
                    const int *v, size_t n, const char *unit) {
  return evac_h5_column_write(g, name, H5T_STD_I32LE, H5T_NATIVE_INT, v, n,
                              unit, h->dcpl);
}

/* Variable-length UTF-8 strings (unit "" : text). */
static int put_texts(const struct bo_h5 *h, hid_t g, const char *name,
                     const char **v, size_t n) {
  hid_t st = H5Tcopy(H5T_C_S1);
  H5Tset_size(st, H5T_VARIABLE);
  H5Tset_cset(st, H5T_CSET_UTF8);
  int rc = evac_h5_column_write(g, name, st, st, v, n, "", h->dcpl);
  H5Tclose(st);
  return rc;
}

static hid_t group(const struct bo_h5 *h, hid_t loc, const char *name) {
  return H5Gcreate2(loc, name, H5P_DEFAULT, h->gcpl, H5P_DEFAULT);
}

/* Commits the in-memory HDF5 file f (closing it) to path, if ok; else
 * closes it; f < 0 (it could not be created) fails too. Returns 0, or -1
 * with reason (600 bytes) set. */
static int commit_h5(hid_t f, const char *path, int ok, char *reason) {
  struct evac_commit c;
  if (f < 0) {
    snprintf(reason, 600, "cannot create %.500s in memory", path);
    return -1;
  }
  if (!ok || evac_commit_open(&c, path) < 0) {
    snprintf(reason, 600, "%s", ok ? c.reason : "HDF5 error");
    H5Fclose(f);
    return -1;
  }
  if (evac_commit_h5(&c, f) < 0 || evac_commit_finish(&c) < 0) {
    snprintf(reason, 600, "%s", c.reason);
    evac_commit_abort(&c);
    return -1;
  }
  return 0;
}

/* The building's warning about its duration into buf ("" if none), as
 * inspected. Returns buf. */
static const char *duration_warning(const struct evac_model *m,
                                    const struct bo_building *s, char *buf,
                                    size_t n) {
  return evac_replicate_duration_warning(m->duration_s, s->egress_s,
                                         s->not_out[0], buf, n);
}

/* Simulations of building i: its tasks' replications. */
static double simulations(const struct evac_batch *bt, int i) {
  double n = 0.0;
  for (int t = 0; t < bt->ntasks; t++)
    n += bt->tasks[t].building == i ? bt->tasks[t].n : 0;
  return n;
}

/* Writes DIR/buildings/NAME.h5: the building's hazards ranked by solo
 * effect and its variants. */
static int write_building(const struct bo_h5 *h, const struct evac_batch *bt,
                          int i, const struct bo_building *s, const char *path,
                          char *reason) {
  const struct evac_model *m = bt->b[i].m;
  const struct evac_manifest_building *mb = &bt->mf->buildings[i];
  int nh = m->nhazards, nv = s->nv;
  hid_t f = evac_commit_h5_create(path);
  int *order = malloc(((size_t)nh + 1) * sizeof *order);
  double *c = malloc(((size_t)nh + 1) * 6 * sizeof *c);
  const char **txt = calloc((size_t)nv * 4 + 1, sizeof *txt);
  char *fixed = calloc((size_t)nv, 80);
  int rc = f < 0 || !order || !c || !txt || !fixed;
  for (int k = 0; !rc && k < nh; k++) { /* rank by solo mean, list order */
    struct evac_stratified e;
    order[k] = k;
    solo_effect(&bt->b[i], s, k, &e);
    c[k] = e.mean;
    c[nh + k] = e.lo;
    c[2 * nh + k] = e.hi;
  }
  for (int a = 1; !rc && a < nh; a++)
    for (int b = a; b > 0 && c[order[b]] > c[order[b - 1]]; b--) {
      int t = order[b];
      order[b] = order[b - 1];
      order[b - 1] = t;
    }
  if (!rc) {
    hid_t g = group(h, f, "ranking");
    int *rank = malloc(((size_t)nh + 1) * sizeof *rank);
    double *col = malloc(((size_t)nh + 1) * 5 * sizeof *col);
    rc |= !rank || !col;
    for (int k = 0; !rc && k < nh; k++) {
      const struct evac_hazard *hz = &m->hazards[order[k]];
      rank[k] = k + 1;
      txt[k] = hz->id;
      txt[nh + k] = evac_hazard_type_name(hz->type);
      txt[2 * nh + k] = evac_hazard_target_name(m, hz);
      txt[3 * nh + k] = hz->owner ? hz->owner : "";
      col[k] = c[order[k]];
      col[nh + k] = c[nh + order[k]];
      col[2 * nh + k] = c[2 * nh + order[k]];
      col[3 * nh + k] = hz->cost;
      col[4 * nh + k] =
          isnan(hz->cost) || hz->cost <= 0 ? NAN : col[k] / hz->cost;
    }
    size_t n = (size_t)nh;
    if (!rc)
      rc |=
          put_ints(h, g, "rank", rank, n, "1") |
          put_texts(h, g, "hazard_id", txt, n) |
          put_texts(h, g, "type", txt + nh, n) |
          put_texts(h, g, "target", txt + 2 * nh, n) |
          put_doubles(h, g, "delta_casualties_mean", col, n, "1") |
          put_doubles(h, g, "delta_casualties_ci_low", col + nh, n, "1") |
          put_doubles(h, g, "delta_casualties_ci_high", col + 2 * nh, n, "1") |
          put_doubles(h, g, "cost", col + 3 * nh, n, "1") |
          put_doubles(h, g, "risk_reduction_per_cost", col + 4 * nh, n, "1") |
          put_texts(h, g, "owner", txt + 3 * nh, n);
    free(rank);
    free(col);
    H5Gclose(g);
    g = group(h, f, "variants");
    for (int v = 0; v < nv; v++) {
      snprintf(fixed + (size_t)v * 80, 80, "%s", v ? m->hazards[v - 1].id : "");
      txt[v] = fixed + (size_t)v * 80;
    }
    rc |= put_texts(h, g, "fixed", txt, (size_t)nv) |
          put_doubles(h, g, "casualties_mean", s->cas, (size_t)nv, "1") |
          put_doubles(h, g, "rset_p95_s", s->rset95, (size_t)nv, "s") |
          put_doubles(h, g, "aset_margin_mean_s", s->marg, (size_t)nv, "s") |
          put_doubles(h, g, "incapacitated_mean", s->incap, (size_t)nv, "1") |
          put_doubles(h, g, "trapped_mean", s->trapped, (size_t)nv, "1") |
          put_doubles(h, g, "not_out_mean", s->not_out, (size_t)nv, "1");
    H5Gclose(g);
    g = group(h, f, "parameters");
    rc |= evac_h5_attr_write_text(g, "building", mb->name) |
          evac_h5_attr_write_text(g, "scenario", mb->scenario) |
          evac_h5_attr_write_num(g, "reps", bt->reps) |
          evac_h5_attr_write_text(g, "objective",
                                  evac_objective_name(EVAC_OBJ_HARMED)) |
          evac_h5_attr_write_num(g, "seed", (double)bt->b[i].seed) |
          evac_h5_attr_write_text(g, "evacsim_version", evac_version()) |
          evac_h5_attr_write_text(g, "git_revision", evac_git_revision());
    /* datasets, not attributes: attributes hold at most 64 KiB */
    const char *json[2] = {m->scenario_json, m->plan_json ? m->plan_json : ""};
    rc |= put_texts(h, g, "scenario_json", json, 1) |
          put_texts(h, g, "plan_json", json + 1, 1);
    H5Gclose(g);
    g = group(h, f, "summary");
    char warn[256];
    rc |= evac_h5_attr_write_num(g, "occupants", m->noccupants) |
          evac_h5_attr_write_num(g, "casualties_mean", s->cas[0]) |
          evac_h5_attr_write_num(g, "incapacitated_mean", s->incap[0]) |
          evac_h5_attr_write_num(g, "trapped_mean", s->trapped[0]) |
          evac_h5_attr_write_num(g, "not_out_mean", s->not_out[0]) |
          evac_h5_attr_write_num(g, "duration_s", m->duration_s) |
          evac_h5_attr_write_num(g, "egress_estimate_s", s->egress_s) |
          evac_h5_attr_write_text(g, "warning",
                                  duration_warning(m, s, warn, sizeof warn)) |
          evac_h5_attr_write_num(g, "hazards", nh) |
          evac_h5_attr_write_num(g, "variants", nv) |
          evac_h5_attr_write_num(g, "simulations", simulations(bt, i)) |
          evac_h5_attr_write_num(g, "fires", s->ns);
    rc |= evac_h5_attr_write_num(g, "complete", 1.0); /* last */
    H5Gclose(g);
  }
  free(order);
  free(c);
  free(txt);
  free(fixed);
  return commit_h5(f, path, !rc, reason);
}

/* Orders pairs by casualties avoided (largest first), then building and
 * hazard order. */
static int by_mean(const void *a, const void *b) {
  const struct bo_pair *x = a, *y = b;
  if (x->mean != y->mean)
    return x->mean < y->mean ? 1 : -1;
  if (x->b != y->b)
    return x->b - y->b;
  return x->h - y->h;
}

/* Orders pairs by casualties avoided per cost (largest first, no cost
 * last), then by rank. */
static int by_per_cost(const void *a, const void *b) {
  const struct bo_pair *x = a, *y = b;
  int nx = isnan(x->per_cost), ny = isnan(y->per_cost);
  if (nx != ny)
    return nx - ny;
  if (!nx && x->per_cost != y->per_cost)
    return x->per_cost < y->per_cost ? 1 : -1;
  return x->rank - y->rank;
}

/* Writes DIR/county.h5. */
static int write_county_h5(const struct bo_h5 *h, const struct evac_batch *bt,
                           const struct bo_building *s, const int *failed,
                           const struct bo_pair *p, int np, const char *path,
                           char *reason) {
  int nb = bt->mf->nbuildings;
  hid_t f = evac_commit_h5_create(path);
  const char **txt = calloc((size_t)(nb + np) * 4 + 1, sizeof *txt);
  char *files = calloc((size_t)nb + 1, 96);
  int *iv = malloc(((size_t)(nb > np ? nb : np) + 1) * 3 * sizeof *iv);
  double *dv = malloc(((size_t)(nb > np ? nb : np) + 1) * 8 * sizeof *dv);
  int rc = f < 0 || !txt || !files || !iv || !dv, nfailed = 0;
  hid_t top = rc ? -1 : group(h, f, "county");
  if (!rc) {
    hid_t g = group(h, top, "buildings");
    for (int i = 0; i < nb; i++) {
      const struct evac_model *m = bt->b[i].m;
      int ok = s[i].ok && !failed[i];
      nfailed += !ok;
      snprintf(files + (size_t)i * 96, 96, "%s%s%s", ok ? "buildings/" : "",
               ok ? bt->mf->buildings[i].name : "", ok ? ".h5" : "");
      txt[i] = bt->mf->buildings[i].name;
      txt[nb + i] = files + (size_t)i * 96;
      txt[2 * nb + i] = ok               ? ""
                        : bt->b[i].error ? bt->b[i].error
                                         : "a simulation failed";
      iv[i] = m ? m->noccupants : 0;
      iv[nb + i] = m ? m->nhazards : 0;
      dv[i] = ok ? s[i].cas[0] : NAN;
    }
    size_t n = (size_t)nb;
    rc |= put_texts(h, g, "name", txt, n) |
          put_texts(h, g, "file", txt + nb, n) |
          put_ints(h, g, "occupants", iv, n, "1") |
          put_doubles(h, g, "casualties_mean", dv, n, "1") |
          put_ints(h, g, "hazards", iv + nb, n, "1") |
          put_texts(h, g, "error", txt + 2 * nb, n);
    H5Gclose(g);
    g = group(h, top, "ranking");
    for (int k = 0; k < np; k++) {
      const struct evac_model *m = bt->b[p[k].b].m;
      const struct evac_hazard *hz = &m->hazards[p[k].h];
      iv[k] = p[k].rank;
      iv[np + k] = p[k].rank_per_cost;
      txt[k] = bt->mf->buildings[p[k].b].name;
      txt[np + k] = hz->id;
      txt[2 * np + k] = evac_hazard_type_name(hz->type);
      txt[3 * np + k] = hz->owner ? hz->owner : "";
      dv[k] = p[k].mean;
      dv[np + k] = p[k].lo;
      dv[2 * np + k] = p[k].hi;
      dv[3 * np + k] = p[k].cost;
      dv[4 * np + k] = p[k].per_cost;
      dv[5 * np + k] = p[k].d_incap;
      dv[6 * np + k] = p[k].d_trapped;
      dv[7 * np + k] = p[k].d_not_out;
    }
    n = (size_t)np;
    rc |= put_ints(h, g, "rank", iv, n, "1") |
          put_texts(h, g, "building", txt, n) |
          put_texts(h, g, "hazard_id", txt + np, n) |
          put_texts(h, g, "type", txt + 2 * np, n) |
          put_doubles(h, g, "delta_casualties_mean", dv, n, "1") |
          put_doubles(h, g, "delta_casualties_ci_low", dv + np, n, "1") |
          put_doubles(h, g, "delta_casualties_ci_high", dv + 2 * np, n, "1") |
          put_doubles(h, g, "cost", dv + 3 * np, n, "1") |
          put_doubles(h, g, "risk_reduction_per_cost", dv + 4 * np, n, "1") |
          put_texts(h, g, "owner", txt + 3 * np, n) |
          put_ints(h, g, "rank_per_cost", iv + np, n, "1") |
          put_doubles(h, g, "delta_incapacitated_mean", dv + 5 * np, n, "1") |
          put_doubles(h, g, "delta_trapped_mean", dv + 6 * np, n, "1") |
          put_doubles(h, g, "delta_not_out_mean", dv + 7 * np, n, "1");
    H5Gclose(g);
    g = group(h, f, "buildings"); /* external links to per-building files */
    for (int i = 0; i < nb; i++)
      if (s[i].ok && !failed[i])
        rc |= H5Lcreate_external(files + (size_t)i * 96, "/", g,
                                 bt->mf->buildings[i].name, H5P_DEFAULT,
                                 H5P_DEFAULT) < 0;
    H5Gclose(g);
    g = group(h, f, "parameters");
    rc |= evac_h5_attr_write_text(g, "county", bt->mf->name) |
          evac_h5_attr_write_num(g, "reps", bt->reps) |
          evac_h5_attr_write_num(g, "block", bt->mf->block) |
          evac_h5_attr_write_text(g, "evacsim_version", evac_version()) |
          evac_h5_attr_write_text(g, "git_revision", evac_git_revision());
    H5Gclose(g);
    g = group(h, f, "summary");
    rc |= evac_h5_attr_write_num(g, "buildings", nb) |
          evac_h5_attr_write_num(g, "failed", nfailed) |
          evac_h5_attr_write_num(g, "pairs", np) |
          evac_h5_attr_write_num(g, "tasks", bt->ntasks);
    rc |= evac_h5_attr_write_num(g, "complete", 1.0); /* last */
    H5Gclose(g);
  }
  if (top >= 0)
    H5Gclose(top);
  free(txt);
  free(files);
  free(iv);
  free(dv);
  return commit_h5(f, path, !rc, reason);
}

/* Writes DIR/county.csv: the ranking columns, rank_per_cost, then the
 * mean reductions of each count (delta_casualties_*: the objective,
 * incapacitated + trapped). */
static int write_csv(const struct evac_batch *bt, const struct bo_pair *p,
                     int np, const char *path, char *reason) {
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  if (!f) {
    snprintf(reason, 600, "out of memory");
    return -1;
  }
  fputs("rank,building,hazard_id,type,delta_casualties_mean,"
        "delta_casualties_ci_low,delta_casualties_ci_high,cost,"
        "risk_reduction_per_cost,owner,rank_per_cost,"
        "delta_incapacitated_mean,delta_trapped_mean,delta_not_out_mean\n",
        f);
  for (int k = 0; k < np; k++) {
    const struct evac_hazard *hz = &bt->b[p[k].b].m->hazards[p[k].h];
    fprintf(f, "%d,", p[k].rank);
    evac_csv_text(f, bt->mf->buildings[p[k].b].name);
    fputc(',', f);
    evac_csv_text(f, hz->id);
    fprintf(f, ",%s,%.6g,%.6g,%.6g,", evac_hazard_type_name(hz->type),
            p[k].mean, p[k].lo, p[k].hi);
    evac_csv_num(f, p[k].cost);
    fputc(',', f);
    evac_csv_num(f, p[k].per_cost);
    fputc(',', f);
    evac_csv_text(f, hz->owner ? hz->owner : "");
    fprintf(f, ",%d,%.6g,%.6g,%.6g\n", p[k].rank_per_cost, p[k].d_incap,
            p[k].d_trapped, p[k].d_not_out);
  }
  int ok = !ferror(f);
  ok &= fclose(f) == 0;
  int rc = ok ? evac_commit_bytes(path, text, size, reason, 600) : -1;
  if (!ok)
    snprintf(reason, 600, "out of memory");
  free(text);
  return rc;
}

/* Prints the county summary and the top of the ranking. */
static void print_summary(const struct evac_batch *bt,
                          const struct bo_building *s, const int *failed,
                          const struct bo_pair *p, int np, FILE *f) {
  int nb = bt->mf->nbuildings, nfailed = 0;
  for (int i = 0; i < nb; i++)
    nfailed += !(s[i].ok && !failed[i]);
  fprintf(f,
          "evacsim batch: %s, %d buildings (%d failed), %d replications, "
          "%d tasks\n",
          bt->mf->name, nb, nfailed, bt->reps, bt->ntasks);
  fprintf(f, "  %-20s %9s %7s %16s  %s\n", "building", "occupants", "hazards",
          "casualties/fire", "file");
  for (int i = 0; i < nb; i++) {
    const struct evac_model *m = bt->b[i].m;
    int ok = s[i].ok && !failed[i];
    char cas[32];
    snprintf(cas, sizeof cas, ok ? "%.2f" : "-", ok ? s[i].cas[0] : 0.0);
    fprintf(f, "  %-20.20s %9d %7d %16s  %s%s%s\n", bt->mf->buildings[i].name,
            m ? m->noccupants : 0, m ? m->nhazards : 0, cas,
            ok ? "buildings/" : "FAILED", ok ? bt->mf->buildings[i].name : "",
            ok ? ".h5" : "");
  }
  fprintf(f, "  %-4s %-20s %-8s %-24s %-22s %9s %10s\n", "rank", "building",
          "hazard", "type", "avoided (95 % CI)", "cost", "per cost");
  for (int k = 0; k < np && k < 20; k++) {
    const struct evac_hazard *hz = &bt->b[p[k].b].m->hazards[p[k].h];
    char ci[64], cost[32], pc[32];
    snprintf(ci, sizeof ci, "%.2f [%.2f, %.2f]", p[k].mean, p[k].lo, p[k].hi);
    snprintf(cost, sizeof cost, isnan(p[k].cost) ? "-" : "%.0f", p[k].cost);
    snprintf(pc, sizeof pc, isnan(p[k].per_cost) ? "-" : "%.2e", p[k].per_cost);
    fprintf(f, "  %-4d %-20.20s %-8s %-24s %-22s %9s %10s\n", p[k].rank,
            bt->mf->buildings[p[k].b].name, hz->id,
            evac_hazard_type_name(hz->type), ci, cost, pc);
  }
  if (np > 20)
    fprintf(f, "  ... %d more in county.csv\n", np - 20);
}

enum evac_status evac_batch_reduce(const struct evac_batch *bt,
                                   const struct evac_batch_opts *opts,
                                   const int *failed, struct evac_diag *diag) {
  int nb = bt->mf->nbuildings, np = 0, oom = 0, broken = 0;
  struct bo_building *s = calloc((size_t)nb, sizeof *s);
  if (!s)
    return EVAC_ERR_RUNTIME;
  struct bo_h5 h = {H5Pcreate(H5P_GROUP_CREATE), H5Pcreate(H5P_DATASET_CREATE)};
  H5Pset_obj_track_times(h.gcpl, 0);
  H5Pset_obj_track_times(h.dcpl, 0);
  H5E_auto2_t func;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  enum evac_status st = EVAC_OK;
  char reason[600];
  int stopped = 0; /* a termination signal came: stop between files */
  for (int i = 0; i < nb; i++) {
    if (opts->stop && *opts->stop) {
      stopped = 1;
      break;
    }
    char p[64];
    snprintf(p, sizeof p, "buildings[%d]", i);
    const char *name = bt->mf->buildings[i].name;
    if (bt->b[i].status != EVAC_OK) {
      evac_diag_error(diag, bt->mf->path, p, "building \"%s\" failed: %s", name,
                      bt->b[i].error);
      continue;
    }
    if (failed[i]) {
      evac_diag_error(diag, bt->mf->path, p,
                      "building \"%s\" failed: a simulation failed (%s)", name,
                      evac_status_str((enum evac_status)failed[i]));
      continue;
    }
    int rc = load_building(bt, i, &s[i]);
    if (rc == -2)
      oom = 1;
    broken |= rc == -1;
    if (rc == -1)
      evac_diag_error(diag, bt->mf->path, p,
                      "building \"%s\": a task file under %s/tasks is "
                      "missing or broken",
                      name, bt->dir);
    if (rc)
      continue;
    char warn[256];
    if (duration_warning(bt->b[i].m, &s[i], warn, sizeof warn)[0])
      evac_diag_warn(diag, bt->mf->buildings[i].path, "duration_s",
                     "building \"%s\": %s", name, warn);
    np += bt->b[i].m->nhazards;
    char path[4096];
    snprintf(path, sizeof path, "%s/buildings/%s.h5", bt->dir, name);
    if (write_building(&h, bt, i, &s[i], path, reason) != 0) {
      evac_diag_error(diag, path, NULL, "cannot write: %s", reason);
      st = EVAC_ERR_IO;
    }
  }
  stopped |= opts->stop && *opts->stop;
  if (stopped) {
    evac_diag_error(diag, bt->mf->path, NULL,
                    "interrupted while writing the outputs; re-run to resume");
    st = EVAC_ERR_RUNTIME;
  }
  struct bo_pair *pairs = calloc((size_t)np + 1, sizeof *pairs);
  if (!pairs || oom)
    st = st == EVAC_OK ? EVAC_ERR_RUNTIME : st;
  int k = 0;
  for (int i = 0; st == EVAC_OK && i < nb; i++)
    for (int j = 0; s[i].ok && j < bt->b[i].m->nhazards; j++, k++) {
      struct bo_pair *q = &pairs[k];
      q->b = i;
      q->h = j;
      struct evac_stratified e;
      solo_effect(&bt->b[i], &s[i], j, &e);
      q->mean = e.mean;
      q->lo = e.lo;
      q->hi = e.hi;
      q->d_incap = s[i].incap[0] - s[i].incap[j + 1];
      q->d_trapped = s[i].trapped[0] - s[i].trapped[j + 1];
      q->d_not_out = s[i].not_out[0] - s[i].not_out[j + 1];
      q->cost = bt->b[i].m->hazards[j].cost;
      q->per_cost = isnan(q->cost) || q->cost <= 0 ? NAN : q->mean / q->cost;
    }
  if (st == EVAC_OK) {
    qsort(pairs, (size_t)np, sizeof *pairs, by_mean);
    for (k = 0; k < np; k++)
      pairs[k].rank = k + 1;
    qsort(pairs, (size_t)np, sizeof *pairs, by_per_cost);
    for (k = 0; k < np; k++)
      pairs[k].rank_per_cost = k + 1;
    qsort(pairs, (size_t)np, sizeof *pairs, by_mean);
    char path[4096];
    snprintf(path, sizeof path, "%s/county.h5", bt->dir);
    if (write_county_h5(&h, bt, s, failed, pairs, np, path, reason) != 0) {
      evac_diag_error(diag, path, NULL, "cannot write: %s", reason);
      st = EVAC_ERR_IO;
    }
    snprintf(path, sizeof path, "%s/county.csv", bt->dir);
    if (st == EVAC_OK && write_csv(bt, pairs, np, path, reason) != 0) {
      evac_diag_error(diag, path, NULL, "cannot write: %s", reason);
      st = EVAC_ERR_IO;
    }
  }
  if (st == EVAC_OK && broken)
    st = EVAC_ERR_RUNTIME;
  if (st == EVAC_OK && !opts->quiet && opts->summary)
    print_summary(bt, s, failed, pairs, np, opts->summary);
  H5Eset_auto2(H5E_DEFAULT, func, data);
  H5Pclose(h.gcpl);
  H5Pclose(h.dcpl);
  free(pairs);
  for (int i = 0; i < nb; i++)
    free_building(&s[i]);
  free(s);
  return st;
}
