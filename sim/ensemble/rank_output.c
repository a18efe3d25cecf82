/* The ranked rectification list (with the hazard list, the closure check
 * and the responsibility list) as a table, as CSV and as HDF5. All files
 * are written to temporaries (commit.h), then renamed together. */
#include <hdf5.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "csv.h"
#include "diag.h"
#include "h5attr.h"
#include "model.h"
#include "rank.h"
#include "rank_why.h"

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

/* Index of the variant with every hazard fixed (the end of the greedy
 * sequence), -1 if it was not simulated. */
static int all_fixed(const struct evac_ranking *r) {
  uint64_t all = r->nrows >= 64 ? ~0ull : (1ull << r->nrows) - 1;
  for (int v = 0; v < r->nvariants; v++)
    if (r->variants[v].fixed == all)
      return v;
  return -1;
}

/* One owner's share of the rectification list. */
struct owner_row {
  const char *owner; /* "" if none given */
  int hazards, major;
  double avoided; /* objective avoided by its lines, at their steps */
  double cost;    /* sum of the costs given */
  char ids[512];  /* its hazard ids in rectification order */
};

/* The responsibility list: owners in order of their first line. Returns
 * the number of owners (rows has r->nrows entries), or -1. */
static int owners(const struct evac_ranking *r, struct owner_row *rows) {
  int n = 0;
  for (int i = 0; i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    const struct evac_hazard *h = &r->m->hazards[row->hazard];
    const char *o = h->owner ? h->owner : "";
    int k = 0;
    while (k < n && strcmp(rows[k].owner, o) != 0)
      k++;
    if (k == n)
      rows[n++] = (struct owner_row){.owner = o};
    struct owner_row *w = &rows[k];
    w->hazards++;
    w->major += row->major;
    w->avoided += row->step.mean;
    w->cost += isnan(h->cost) ? 0.0 : h->cost;
    size_t len = strlen(w->ids);
    snprintf(w->ids + len, sizeof w->ids - len, "%s%s", len ? " " : "", h->id);
  }
  return n;
}

/* The place of fire k as "floor 6 (12, 4)" (without "fires": the
 * scenario's "fire", or "no fire"). */
static void fire_text(const struct evac_ranking *r, int k, char *buf,
                      size_t n) {
  const struct evac_model *m = r->m;
  if (!r->strata && !m->has_fire) {
    snprintf(buf, n, "no fire");
    return;
  }
  int f = r->strata ? r->strata[k].floor : m->fire.floor;
  int x = r->strata ? r->strata[k].x : m->fire.x;
  int y = r->strata ? r->strata[k].y : m->fire.y;
  snprintf(buf, n, "floor %s (%d, %d)", m->floors[f].name, x, y);
}

/* Why the adaptive replication stopped, in words. */
static const char *stop_text(const struct evac_ranking *r) {
  if (r->resolved)
    return "order and major verdicts resolved at 95 %";
  return r->stop == EVAC_RANK_BUDGET ? "not resolved: --budget-s spent"
                                     : "not resolved: --reps reached";
}

/* The verdict of the closure check on a line. */
static const char *closure_text(const struct evac_rank_row *row, int csv) {
  if (!row->applicable)
    return csv ? "not_applicable" : "not applicable: no outcome changes";
  if (row->solo.lo > 0.0)
    return csv ? "fewer" : "fewer harmed";
  if (row->solo.hi < 0.0)
    return csv ? "more" : "more harmed";
  return csv ? "no_change" : "no change told apart from chance";
}

/* "2.10 [1.20, 3.00]" or "not applicable" into buf. */
static void effect_text(const struct evac_rank_row *row,
                        const struct evac_effect *e, const char *mark,
                        char *buf, size_t n) {
  if (!row->applicable)
    snprintf(buf, n, "not applicable");
  else
    snprintf(buf, n, "%.2f [%.2f, %.2f]%s", e->mean, e->lo, e->hi, mark);
}

/* The objective in words ("people incapacitated or trapped"). */
static const char *objective_words(enum evac_objective obj) {
  return obj == EVAC_OBJ_INCAPACITATED ? "people incapacitated"
         : obj == EVAC_OBJ_NOT_SAFE    ? "people not safe at the end"
                                       : "people incapacitated or trapped";
}

/* What the list means, in two sentences: the first line, then the rest. */
static void print_verdict(const struct evac_ranking *r, FILE *f) {
  const struct evac_model *m = r->m;
  const struct evac_rank_row *top = &r->rows[0];
  const struct evac_hazard *h = &m->hazards[top->hazard];
  const char *what = objective_words(r->objective);
  fprintf(f, "\n  What it means\n  ");
  if (!top->applicable || top->step.hi <= 0.0)
    fprintf(f,
            "No hazard on the list changes how many %s at 95 %% in these "
            "replications.",
            what);
  else if (top->resolved && top->major)
    fprintf(f,
            "Fix %s (%s) first: it avoids %.2f [%.2f, %.2f] %s a fire, more "
            "than any other hazard at 95 %%.",
            h->id, evac_hazard_type_name(h->type), top->step.mean, top->step.lo,
            top->step.hi, what);
  else if (top->resolved)
    fprintf(f,
            "%s (%s) comes first, %.2f [%.2f, %.2f] %s a fire, but its effect "
            "is not shown to reach %.1f a fire at 95 %%.",
            h->id, evac_hazard_type_name(h->type), top->step.mean, top->step.lo,
            top->step.hi, what, EVAC_MAJOR_CASUALTIES);
  else
    fprintf(f,
            "%s (%s) looks most important, %.2f [%.2f, %.2f] %s a fire, but "
            "it is not yet told apart from the next best at 95 %%.",
            h->id, evac_hazard_type_name(h->type), top->step.mean, top->step.lo,
            top->step.hi, what);
  int major = 0, na = 0, other = 0;
  char ids[256] = "";
  for (int i = 1; i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    if (!row->applicable)
      na++;
    else if (row->major) {
      size_t len = strlen(ids);
      snprintf(ids + len, sizeof ids - len, "%s%s", major ? ", " : "",
               m->hazards[row->hazard].id);
      major++;
    } else
      other++;
  }
  fprintf(f, " ");
  if (major)
    fprintf(f, "After it, %s %s major too; ", ids, major > 1 ? "are" : "is");
  else
    fprintf(f, "After it, no line is shown to be major; ");
  fprintf(f,
          "%d other%s avoid%s less than %.1f a fire or %s not told apart from "
          "no effect%s",
          other, other == 1 ? "" : "s", other == 1 ? "s" : "",
          EVAC_MAJOR_CASUALTIES, other == 1 ? "is" : "are",
          na ? ", and " : ".\n");
  if (na)
    fprintf(f, "%d cannot act in this building (not applicable).\n", na);
}

void evac_ranking_print(const struct evac_ranking *r, FILE *f) {
  const struct evac_model *m = r->m;
  fprintf(f,
          "evacsim rank: %s, %d hazards, objective %s a fire, %d fire%s "
          "(stratified), %d replications a variant (%d round%s, %s), %d "
          "variants (%ld simulations: %ld run, %ld reused from identical "
          "inputs",
          m->name, r->nrows, evac_objective_name(r->objective), r->nstrata,
          r->nstrata == 1 ? "" : "s", r->reps, r->rounds,
          r->rounds == 1 ? "" : "s", stop_text(r), r->nvariants, r->runs,
          r->runs - r->reused - r->resumed, r->reused);
  if (r->resumed > 0)
    fprintf(f, ", %ld resumed", r->resumed);
  fprintf(f, "; %.1f s, %.1f CPU s)\n", r->wall_clock_s, r->cpu_s);
  if (!r->resolved) {
    if (r->cut)
      fprintf(f,
              "  --budget-s was spent after greedy step %d of %d; a larger "
              "budget goes further\n",
              r->inert_from + 1, r->nrows);
    else if (isinf(r->reps_needed))
      fprintf(f, "  more replications will not resolve it: a decision "
                 "sits exactly on its threshold\n");
    else
      fprintf(f,
              "  about %.0f replications a variant would resolve it "
              "(--reps %.0f: about %.0f min more at this speed)\n",
              r->reps_needed, r->reps_needed,
              r->wall_clock_s * (r->reps_needed / r->reps - 1.0) / 60.0);
  }
  const struct evac_variant *v0 = &r->variants[0];
  fprintf(f,
          "  as inspected, a fire: %.2f (incapacitated %.2f, trapped %.2f); "
          "not out when the run ended %.2f",
          v0->objective_mean, v0->incapacitated_mean, v0->trapped_mean,
          v0->not_out_mean);
  int none = all_fixed(r);
  if (none >= 0)
    fprintf(f, "; every hazard fixed: %.2f\n",
            r->variants[none].objective_mean);
  else
    fprintf(f, "; the last %d lines are not re-ranked (=)\n",
            r->nrows - r->inert_from);
  if (!isnan(r->vrf))
    fprintf(f,
            "  stratifying by fire: line 1's variance is %.1f times smaller "
            "than drawing the fire at random\n",
            r->vrf);
  for (int i = 0; i < 3 && i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    if (i >= r->inert_from || !r->strata)
      continue;
    if (isnan(row->order_vrf)) {
      fprintf(f,
              "  line %d against the runner-up of its step: the difference "
              "does not vary within a fire (no estimate)\n",
              i + 1);
      continue;
    }
    fprintf(f,
            "  line %d against the runner-up of its step: %.0f replications "
            "a variant resolve it at 95 %%, about %.0f drawing the fire at "
            "random (variance %.1f times smaller)\n",
            i + 1, row->order_reps, row->order_reps_drawn, row->order_vrf);
  }
  fprintf(f,
          "\n  Rectification list (avoided: %s a fire, the lines above "
          "fixed)\n",
          evac_objective_name(r->objective));
  fprintf(f, "  %-5s %-8s %-24s %-20s %-22s %6s %7s %7s %-5s %-8s %9s  %s\n",
          "order", "hazard", "type", "target", "avoided (95 % CI)", "incap",
          "trapped", "not out", "major", "priority", "cost", "owner");
  for (int i = 0; i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    const struct evac_hazard *h = &m->hazards[row->hazard];
    char ci[64], cost[32];
    effect_text(row, &row->step,
                i >= r->inert_from ? "="
                : row->resolved    ? ""
                                   : "~",
                ci, sizeof ci);
    if (isnan(h->cost))
      snprintf(cost, sizeof cost, "-");
    else
      snprintf(cost, sizeof cost, "%.0f", h->cost);
    fprintf(f,
            "  %-5d %-8s %-24s %-20.20s %-22s %6.2f %7.2f %7.2f %-5s %-8s "
            "%9s  %s\n",
            row->order, h->id, evac_hazard_type_name(h->type),
            evac_hazard_target_name(m, h), ci, row->step.incapacitated,
            row->step.trapped, row->step.not_out,
            !row->applicable ? "-"
            : row->major     ? "yes"
                             : "no",
            evac_rank_priority(row), cost, h->owner ? h->owner : "");
  }
  fprintf(f,
          "  (fix in this order: each line's effect assumes the lines "
          "above are fixed; avoided = incap + trapped for the default "
          "objective; not out: people still on their way at the end, not "
          "in the objective unless it is not-safe; major: 95 %% lower bound "
          ">= %.1f; ~: not told apart from the next best at 95 %%; =: "
          "measured at the last greedy step, not re-ranked; not applicable: "
          "no outcome of any replication changes)\n",
          EVAC_MAJOR_CASUALTIES);
  double *d = malloc(((size_t)r->hwidth + 1) * sizeof *d);
  fprintf(f, "\n  Where and why (each line's avoided a fire, weighted: by "
             "fire and by the floor people started on, each adding up to "
             "the line; then its largest parts by how people ended)\n");
  for (int i = 0; d && i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    if (!row->applicable)
      continue;
    char text[1024];
    evac_rank_harm(r, row->base_v, row->next_v, d);
    fprintf(f, "  %-8s by fire:", m->hazards[row->hazard].id);
    for (int k = 0; k < r->nstrata && k < EVAC_RANK_MAX_STRATA; k++) {
      char where[96];
      fire_text(r, k, where, sizeof where);
      if (row->step.by_fire[k] != 0.0)
        fprintf(f, " %s %+.2f;", where, row->step.by_fire[k]);
    }
    evac_rank_why_floor_text(r, d, text, sizeof text);
    fprintf(f, "\n  %-8s by floor: %s\n", "", text[0] ? text : "no change");
    fprintf(f, "  %-8s why: %s\n", "",
            evac_rank_why(r, row, d, text, sizeof text));
  }
  free(d);
  fprintf(f, "\n  Closure check (the building as inspected, this hazard "
             "alone fixed)\n");
  fprintf(f, "  %-8s %-22s %6s %7s %7s %12s %12s  %s\n", "hazard",
          "avoided (95 % CI)", "incap", "trapped", "not out", "p95 RSET -s",
          "margin +s", "re-run shows");
  for (int i = 0; i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    char ci[64];
    effect_text(row, &row->solo, "", ci, sizeof ci);
    fprintf(f, "  %-8s %-22s %6.2f %7.2f %7.2f %12.1f %12.1f  %s\n",
            m->hazards[row->hazard].id, ci, row->solo.incapacitated,
            row->solo.trapped, row->solo.not_out, row->solo.rset_p95_s,
            row->solo.margin_s, closure_text(row, 0));
  }
  struct owner_row *ow = calloc((size_t)r->nrows, sizeof *ow);
  int no = ow ? owners(r, ow) : 0;
  fprintf(f, "\n  Responsibility list\n");
  fprintf(f, "  %-20s %7s %5s %9s %10s  %s\n", "owner", "hazards", "major",
          "avoided", "cost", "hazards in order");
  for (int k = 0; k < no; k++)
    fprintf(f, "  %-20.20s %7d %5d %9.2f %10.0f  %s\n",
            ow[k].owner[0] ? ow[k].owner : "(none)", ow[k].hazards, ow[k].major,
            ow[k].avoided, ow[k].cost, ow[k].ids);
  free(ow);
  print_verdict(r, f);
}

/* The rectification list (docs/ranking.md columns: delta_casualties_* are
 * the objective; then priority, resolved, the objective's name, the
 * counts avoided one by one, the line by floor and its sentence).
 * Returns 0 or -1 (memory). */
static int csv_rectification(const struct evac_ranking *r, FILE *f) {
  fputs("rank,hazard_id,type,target,floors,delta_casualties_mean,"
        "delta_casualties_ci_low,delta_casualties_ci_high,delta_rset_p95_s,"
        "delta_aset_margin_s,major,cost,risk_reduction_per_cost,owner,"
        "priority,resolved,objective,delta_incapacitated_mean,"
        "delta_trapped_mean,delta_not_out_mean,major_resolved,applicable,"
        "delta_casualties_by_floor,why\n",
        f);
  double *d = malloc(((size_t)r->hwidth + 1) * sizeof *d);
  for (int i = 0; d && i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    const struct evac_hazard *h = &r->m->hazards[row->hazard];
    char floors[256];
    floors_text(r->m, h, floors, sizeof floors);
    fprintf(f, "%d,", row->order);
    evac_csv_text(f, h->id);
    fprintf(f, ",%s,", evac_hazard_type_name(h->type));
    evac_csv_text(f, evac_hazard_target_name(r->m, h));
    fputc(',', f);
    evac_csv_text(f, floors);
    fprintf(f, ",%.6g,%.6g,%.6g,%.6g,%.6g,%d,", row->step.mean, row->step.lo,
            row->step.hi, row->step.rset_p95_s, row->step.margin_s, row->major);
    evac_csv_num(f, h->cost);
    fputc(',', f);
    evac_csv_num(f, row->per_cost);
    fputc(',', f);
    evac_csv_text(f, h->owner ? h->owner : "");
    fprintf(f, ",%s,%d,%s,%.6g,%.6g,%.6g,%d,%d,", evac_rank_priority(row),
            row->resolved, evac_objective_name(r->objective),
            row->step.incapacitated, row->step.trapped, row->step.not_out,
            row->major_resolved, row->applicable);
    char text[1024];
    evac_rank_harm(r, row->base_v, row->next_v, d);
    evac_csv_text(f, evac_rank_why_floor_text(r, d, text, sizeof text));
    fputc(',', f);
    evac_csv_text(f, evac_rank_why(r, row, d, text, sizeof text));
    fputc('\n', f);
  }
  int ok = d != NULL;
  free(d);
  return ok ? 0 : -1;
}

/* The hazard list as inspected, in the scenario's order. */
static void csv_hazards(const struct evac_ranking *r, FILE *f) {
  fputs("hazard_id,type,target,floors,cost,owner,note,rank\n", f);
  for (int i = 0; i < r->m->nhazards; i++) {
    const struct evac_hazard *h = &r->m->hazards[i];
    char floors[256];
    floors_text(r->m, h, floors, sizeof floors);
    evac_csv_text(f, h->id);
    fprintf(f, ",%s,", evac_hazard_type_name(h->type));
    evac_csv_text(f, evac_hazard_target_name(r->m, h));
    fputc(',', f);
    evac_csv_text(f, floors);
    fputc(',', f);
    evac_csv_num(f, h->cost);
    fputc(',', f);
    evac_csv_text(f, h->owner ? h->owner : "");
    fputc(',', f);
    evac_csv_text(f, h->note ? h->note : "");
    int rank = 0;
    for (int k = 0; k < r->nrows; k++)
      if (r->rows[k].hazard == i)
        rank = r->rows[k].order;
    fprintf(f, ",%d\n", rank);
  }
}

/* The closure check: each hazard alone fixed, against the building as
 * inspected. */
static void csv_closure(const struct evac_ranking *r, FILE *f) {
  fputs("hazard_id,solo_casualties_mean,solo_casualties_ci_low,"
        "solo_casualties_ci_high,solo_rset_p95_s,solo_aset_margin_s,"
        "closure_shows,solo_incapacitated_mean,solo_trapped_mean,"
        "solo_not_out_mean\n",
        f);
  for (int i = 0; i < r->nrows; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    evac_csv_text(f, r->m->hazards[row->hazard].id);
    fprintf(f, ",%.6g,%.6g,%.6g,%.6g,%.6g,%s,%.6g,%.6g,%.6g\n", row->solo.mean,
            row->solo.lo, row->solo.hi, row->solo.rset_p95_s,
            row->solo.margin_s, closure_text(row, 1), row->solo.incapacitated,
            row->solo.trapped, row->solo.not_out);
  }
}

/* The responsibility list: one line per owner. */
static int csv_owners(const struct evac_ranking *r, FILE *f) {
  struct owner_row *ow = calloc((size_t)r->nrows, sizeof *ow);
  if (!ow)
    return -1;
  int n = owners(r, ow);
  fputs("owner,hazards,major,delta_casualties_sum,cost_sum,hazard_ids\n", f);
  for (int k = 0; k < n; k++) {
    evac_csv_text(f, ow[k].owner);
    fprintf(f, ",%d,%d,%.6g,%.6g,", ow[k].hazards, ow[k].major, ow[k].avoided,
            ow[k].cost);
    evac_csv_text(f, ow[k].ids);
    fputc('\n', f);
  }
  free(ow);
  return 0;
}

/* Writes CSV list k (0: rectification, 1: hazards, 2: closure, 3: owners)
 * into the commit c. Returns 0 or -1. */
static int write_csv(const struct evac_ranking *r, int k,
                     struct evac_commit *c) {
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  if (!f)
    return -1;
  int rc = 0;
  if (k == 0)
    rc = csv_rectification(r, f);
  else if (k == 1)
    csv_hazards(r, f);
  else if (k == 2)
    csv_closure(r, f);
  else
    rc = csv_owners(r, f);
  rc |= ferror(f) ? -1 : 0;
  rc |= fclose(f) ? -1 : 0;
  rc = rc ? -1 : evac_commit_write(c, text, size);
  free(text);
  return rc;
}

int evac_ranking_output_paths(const char *h5, const char *csv,
                              char paths[EVAC_RANK_MAX_OUTPUTS][4096]) {
  static const char *const suffix[] = {"", "-hazards", "-closure", "-owners"};
  int n = 0;
  if (snprintf(paths[n++], 4096, "%s", h5) >= 4096)
    return -1;
  if (!csv)
    return n;
  size_t len = strlen(csv);
  int ext = len > 4 && strcmp(csv + len - 4, ".csv") == 0;
  for (int k = 0; k < 4; k++)
    if (snprintf(paths[n++], 4096, "%.*s%s.csv", (int)(ext ? len - 4 : len),
                 csv, suffix[k]) >= 4096)
      return -1;
  if (!ext) /* the list itself keeps the name given */
    snprintf(paths[1], 4096, "%s", csv);
  return n;
}

/* Writes a double column with a unit. Returns 0 or -1. */
static int put_doubles(hid_t g, const char *name, const double *v, size_t n,
                       const char *unit) {
  return evac_h5_column_write(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v, n,
                              unit, H5P_DEFAULT);
}

/* Writes a fixed-length UTF-8 string column (unit "": text). Returns 0 or
 * -1. */
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
  hid_t st = H5Tcopy(H5T_C_S1);
  H5Tset_size(st, len);
  H5Tset_cset(st, H5T_CSET_UTF8);
  int rc = evac_h5_column_write(g, name, st, st, buf, n, "", H5P_DEFAULT);
  H5Tclose(st);
  free(buf);
  return rc;
}

/* Writes /ranking/why (each line's sentence) and the groups by_floor
 * (delta_casualties_floor_F: the line's objective avoided among people who
 * started on floor F, F = 1.. in plan order; floor_names) and by_harm
 * (delta_H: people avoided who ended as H, enum evac_harm, all floors).
 * Returns 0 or -1. */
static int h5_why(hid_t g, const struct evac_ranking *r) {
  int n = r->nrows, nf = r->m->nfloors;
  size_t big = (size_t)n + 1;
  size_t dn = (size_t)(r->hwidth > n ? r->hwidth : n) + 1;
  double *d = malloc(dn * sizeof *d);
  double *fl = malloc(big * ((size_t)nf + 1) * sizeof *fl);
  double *hm = malloc(big * EVAC_HARM_N * sizeof *hm);
  char *text = calloc(big, 1024);
  const char **t = calloc(big, sizeof *t);
  const char **names = calloc((size_t)nf + 1, sizeof *names);
  int rc = !d || !fl || !hm || !text || !t || !names;
  for (int i = 0; !rc && i < n; i++) {
    const struct evac_rank_row *row = &r->rows[i];
    double per[EVAC_HARM_N] = {0}, *floors = fl + (size_t)i * (size_t)nf;
    evac_rank_harm(r, row->base_v, row->next_v, d);
    evac_rank_why_floors(r, d, floors);
    for (int j = 0; j < r->hwidth; j++)
      per[j % EVAC_HARM_N] += d[j];
    for (int h = 0; h < EVAC_HARM_N; h++)
      hm[(size_t)h * big + (size_t)i] = per[h];
    t[i] = evac_rank_why(r, row, d, text + (size_t)i * 1024, 1024);
  }
  if (!rc)
    rc |= put_strings(g, "why", t, (size_t)n);
  hid_t h =
      rc ? -1
         : H5Gcreate2(g, "by_floor", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  rc |= h < 0;
  for (int f = 0; !rc && f < nf; f++) {
    char name[64];
    for (int i = 0; i < n; i++) /* d: a free column now */
      d[i] = fl[(size_t)i * (size_t)nf + (size_t)f];
    snprintf(name, sizeof name, "delta_casualties_floor_%d", f + 1);
    rc |= put_doubles(h, name, d, (size_t)n, "1");
    names[f] = r->m->floors[f].name;
  }
  if (!rc)
    rc |= put_strings(h, "floor_names", names, (size_t)nf);
  if (h >= 0)
    H5Gclose(h);
  h = rc ? -1 : H5Gcreate2(g, "by_harm", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  rc |= h < 0;
  for (int k = 0; !rc && k < EVAC_HARM_N; k++) {
    char name[64];
    snprintf(name, sizeof name, "delta_%s", evac_harm_name(k));
    rc |= put_doubles(h, name, hm + (size_t)k * big, (size_t)n, "1");
  }
  if (h >= 0)
    H5Gclose(h);
  free(d);
  free(fl);
  free(hm);
  free(text);
  free(t);
  free(names);
  return rc ? -1 : 0;
}

/* Writes /ranking's priority, resolved and per-count columns and its
 * groups hazards, closure, responsibility (the other three lists) and
 * by_fire. Returns 0 or -1. */
static int h5_lists(hid_t f, const struct evac_ranking *r) {
  const struct evac_model *m = r->m;
  int n = r->nrows, nh = m->nhazards;
  size_t big = (size_t)(n > nh ? n : nh) + 1;
  double *c = malloc(big * 8 * sizeof *c);
  const char **t = calloc(big, 7 * sizeof *t);
  char *fl = calloc(big, 256);
  struct owner_row *ow = calloc(big, sizeof *ow);
  int rc = !c || !t || !fl || !ow;
  hid_t g = rc ? -1 : H5Gopen2(f, "ranking", H5P_DEFAULT);
  rc |= g < 0;
  if (!rc) { /* the rectification list's extra columns */
    for (int i = 0; i < n; i++) {
      const struct evac_rank_row *row = &r->rows[i];
      t[i] = evac_rank_priority(row);
      c[i] = row->resolved;
      c[big + i] = row->step.incapacitated;
      c[2 * big + i] = row->step.trapped;
      c[3 * big + i] = row->step.not_out;
      c[4 * big + i] = row->major_resolved;
      c[5 * big + i] = row->applicable;
    }
    size_t k = (size_t)n;
    rc |= put_strings(g, "priority", t, k) |
          put_doubles(g, "resolved", c, k, "1") |
          put_doubles(g, "delta_incapacitated_mean", c + big, k, "1") |
          put_doubles(g, "delta_trapped_mean", c + 2 * big, k, "1") |
          put_doubles(g, "delta_not_out_mean", c + 3 * big, k, "1") |
          put_doubles(g, "major_resolved", c + 4 * big, k, "1") |
          put_doubles(g, "applicable", c + 5 * big, k, "1");
  }
  if (!rc) { /* each line's avoided by fire (weighted: they add up) */
    hid_t h = H5Gcreate2(g, "by_fire", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc |= h < 0;
    for (int k = 0; !rc && k < r->nstrata; k++) {
      char name[64];
      for (int i = 0; i < n; i++) {
        c[i] = r->rows[i].step.by_fire[k];
        c[big + i] = r->rows[i].solo.by_fire[k];
      }
      snprintf(name, sizeof name, "delta_casualties_fire_%d", k + 1);
      rc |= put_doubles(h, name, c, (size_t)n, "1");
      snprintf(name, sizeof name, "solo_casualties_fire_%d", k + 1);
      rc |= put_doubles(h, name, c + big, (size_t)n, "1");
    }
    if (h >= 0)
      H5Gclose(h);
  }
  if (!rc)
    rc |= h5_why(g, r);
  if (!rc) { /* hazard list, scenario order */
    hid_t h = H5Gcreate2(g, "hazards", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (int i = 0; i < nh; i++) {
      const struct evac_hazard *hz = &m->hazards[i];
      floors_text(m, hz, fl + (size_t)i * 256, 256);
      t[i] = hz->id;
      t[big + i] = evac_hazard_type_name(hz->type);
      t[2 * big + i] = evac_hazard_target_name(m, hz);
      t[3 * big + i] = fl + (size_t)i * 256;
      t[4 * big + i] = hz->owner ? hz->owner : "";
      t[5 * big + i] = hz->note ? hz->note : "";
      c[i] = hz->cost;
      c[big + i] = 0.0;
      for (int k = 0; k < n; k++)
        if (r->rows[k].hazard == i)
          c[big + i] = r->rows[k].order;
    }
    rc |= h < 0 || put_strings(h, "hazard_id", t, (size_t)nh) |
                       put_strings(h, "type", t + big, (size_t)nh) |
                       put_strings(h, "target", t + 2 * big, (size_t)nh) |
                       put_strings(h, "floors", t + 3 * big, (size_t)nh) |
                       put_doubles(h, "cost", c, (size_t)nh, "1") |
                       put_strings(h, "owner", t + 4 * big, (size_t)nh) |
                       put_strings(h, "note", t + 5 * big, (size_t)nh) |
                       put_doubles(h, "rank", c + big, (size_t)nh, "1");
    H5Gclose(h);
  }
  if (!rc) { /* closure check, rectification order */
    hid_t h = H5Gcreate2(g, "closure", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (int i = 0; i < n; i++) {
      const struct evac_rank_row *row = &r->rows[i];
      t[i] = m->hazards[row->hazard].id;
      t[big + i] = closure_text(row, 1);
      c[i] = row->solo.mean;
      c[big + i] = row->solo.lo;
      c[2 * big + i] = row->solo.hi;
      c[3 * big + i] = row->solo.rset_p95_s;
      c[4 * big + i] = row->solo.margin_s;
      c[5 * big + i] = row->solo.incapacitated;
      c[6 * big + i] = row->solo.trapped;
      c[7 * big + i] = row->solo.not_out;
    }
    rc |=
        h < 0 ||
        put_strings(h, "hazard_id", t, (size_t)n) |
            put_doubles(h, "solo_casualties_mean", c, (size_t)n, "1") |
            put_doubles(h, "solo_casualties_ci_low", c + big, (size_t)n, "1") |
            put_doubles(h, "solo_casualties_ci_high", c + 2 * big, (size_t)n,
                        "1") |
            put_doubles(h, "solo_rset_p95_s", c + 3 * big, (size_t)n, "s") |
            put_doubles(h, "solo_aset_margin_s", c + 4 * big, (size_t)n, "s") |
            put_strings(h, "closure_shows", t + big, (size_t)n) |
            put_doubles(h, "solo_incapacitated_mean", c + 5 * big, (size_t)n,
                        "1") |
            put_doubles(h, "solo_trapped_mean", c + 6 * big, (size_t)n, "1") |
            put_doubles(h, "solo_not_out_mean", c + 7 * big, (size_t)n, "1");
    H5Gclose(h);
  }
  if (!rc) { /* responsibility list */
    int no = owners(r, ow);
    hid_t h =
        H5Gcreate2(g, "responsibility", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (int k = 0; k < no; k++) {
      t[k] = ow[k].owner;
      t[big + k] = ow[k].ids;
      c[k] = ow[k].hazards;
      c[big + k] = ow[k].major;
      c[2 * big + k] = ow[k].avoided;
      c[3 * big + k] = ow[k].cost;
    }
    rc |=
        h < 0 || put_strings(h, "owner", t, (size_t)no) |
                     put_doubles(h, "hazards", c, (size_t)no, "1") |
                     put_doubles(h, "major", c + big, (size_t)no, "1") |
                     put_doubles(h, "delta_casualties_sum", c + 2 * big,
                                 (size_t)no, "1") |
                     put_doubles(h, "cost_sum", c + 3 * big, (size_t)no, "1") |
                     put_strings(h, "hazard_ids", t + big, (size_t)no);
    H5Gclose(h);
  }
  if (g >= 0)
    H5Gclose(g);
  free(c);
  free(t);
  free(fl);
  free(ow);
  return rc ? -1 : 0;
}

/* Writes /fires: each ignition scenario's floor, cell, weight as inspected
 * and replications a variant. Returns 0 or -1. */
static int h5_fires(hid_t f, const struct evac_ranking *r) {
  int ns = r->nstrata;
  double *c = malloc((size_t)ns * 4 * sizeof *c);
  const char **t = calloc((size_t)ns, sizeof *t);
  char *where = calloc((size_t)ns, 96);
  int rc = !c || !t || !where;
  for (int k = 0; !rc && k < ns; k++) {
    fire_text(r, k, where + (size_t)k * 96, 96);
    t[k] = where + (size_t)k * 96;
    c[k] = r->strata ? r->strata[k].x : NAN;
    c[ns + k] = r->strata ? r->strata[k].y : NAN;
    c[2 * ns + k] = r->variants[0].w[k];
    c[3 * ns + k] = r->target[k];
  }
  hid_t g =
      rc ? -1 : H5Gcreate2(f, "fires", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  rc |= g < 0 || put_strings(g, "place", t, (size_t)ns) |
                     put_doubles(g, "x", c, (size_t)ns, "1") |
                     put_doubles(g, "y", c + ns, (size_t)ns, "1") |
                     put_doubles(g, "weight", c + 2 * ns, (size_t)ns, "1") |
                     put_doubles(g, "reps", c + 3 * ns, (size_t)ns, "1");
  if (g >= 0)
    H5Gclose(g);
  free(c);
  free(t);
  free(where);
  return rc ? -1 : 0;
}

/* Writes the ranking as HDF5 into the commit c. Returns 0 or -1. */
static int write_h5(const struct evac_ranking *r, struct evac_commit *c) {
  H5E_auto2_t func;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = evac_commit_h5_create(c->path);
  int n = r->nrows, nv = r->nvariants, rc = f < 0;
  double *col = malloc(((size_t)(n > nv ? n : nv) + 1) * 9 * sizeof *col);
  const char **txt = calloc((size_t)(n > nv ? n : nv) + 1, 5 * sizeof *txt);
  char *floors = calloc((size_t)n + 1, 256), *fixed = NULL, warning[256];
  rc |= !col || !txt || !floors;
  evac_replicate_duration_warning(r->m->duration_s, r->egress_s,
                                  r->variants[0].not_out_mean, warning,
                                  sizeof warning);
  if (!rc) {
    hid_t g = H5Gcreate2(f, "ranking", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double *c[9]; /* 9 columns of max(n, nv) */
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
      target[i] = evac_hazard_target_name(r->m, h);
      fl[i] = floors + (size_t)i * 256;
      owner[i] = h->owner ? h->owner : "";
      c[0][i] = row->order;
      c[1][i] = row->step.mean;
      c[2][i] = row->step.lo;
      c[3][i] = row->step.hi;
      c[4][i] = row->step.rset_p95_s;
      c[5][i] = row->step.margin_s;
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
      c[0][v] = r->variants[v].objective_mean;
      c[1][v] = r->variants[v].rset_p95_s;
      c[2][v] = r->variants[v].margin_mean_s;
      c[3][v] = r->variants[v].nreps;
      c[4][v] = r->variants[v].incapacitated_mean;
      c[5][v] = r->variants[v].trapped_mean;
      c[6][v] = r->variants[v].not_out_mean;
    }
    if (!rc) {
      g = H5Gcreate2(f, "variants", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      rc |= put_strings(g, "fixed", fx, (size_t)nv) |
            put_doubles(g, "casualties_mean", c[0], (size_t)nv, "1") |
            put_doubles(g, "rset_p95_s", c[1], (size_t)nv, "s") |
            put_doubles(g, "aset_margin_mean_s", c[2], (size_t)nv, "s") |
            put_doubles(g, "reps", c[3], (size_t)nv, "1") |
            put_doubles(g, "incapacitated_mean", c[4], (size_t)nv, "1") |
            put_doubles(g, "trapped_mean", c[5], (size_t)nv, "1") |
            put_doubles(g, "not_out_mean", c[6], (size_t)nv, "1");
      H5Gclose(g);
    }
    rc |= h5_fires(f, r);
    g = H5Gcreate2(f, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc |= evac_h5_attr_write_num(g, "reps", r->reps) |
          evac_h5_attr_write_num(g, "min_reps", r->min_reps) |
          evac_h5_attr_write_num(g, "max_reps", r->max_reps) |
          evac_h5_attr_write_num(g, "major_threshold", EVAC_MAJOR_CASUALTIES) |
          evac_h5_attr_write_text(g, "objective",
                                  evac_objective_name(r->objective)) |
          evac_h5_attr_write_num(g, "budget_s", r->budget_s) |
          evac_h5_attr_write_num(g, "seed", (double)r->seed) |
          evac_h5_attr_write_num(g, "threads", r->threads) |
          evac_h5_attr_write_text(g, "scenario_path", r->m->scenario_path) |
          evac_h5_attr_write_text(g, "building", r->m->name ? r->m->name : "") |
          evac_h5_attr_write_text(g, "evacsim_version", evac_version()) |
          evac_h5_attr_write_text(g, "git_revision", evac_git_revision());
    const char *plan = r->m->plan_json ? r->m->plan_json : "";
    rc |= put_strings(g, "plan_json", &plan, 1); /* for the report's maps */
    H5Gclose(g);
    g = H5Gcreate2(f, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc |= evac_h5_attr_write_num(g, "hazards", n) |
          evac_h5_attr_write_num(g, "variants", nv) |
          evac_h5_attr_write_num(g, "simulations", (double)r->runs) |
          evac_h5_attr_write_num(g, "reused", (double)r->reused) |
          evac_h5_attr_write_num(g, "wall_clock_s", r->wall_clock_s) |
          evac_h5_attr_write_num(g, "rounds", r->rounds) |
          evac_h5_attr_write_num(g, "inert_from", r->inert_from) |
          evac_h5_attr_write_num(g, "resolved", r->resolved) |
          evac_h5_attr_write_text(g, "stopped", stop_text(r)) |
          evac_h5_attr_write_num(g, "reps_needed", r->reps_needed) |
          evac_h5_attr_write_num(g, "cpu_s", r->cpu_s) |
          evac_h5_attr_write_num(g, "variance_reduction", r->vrf) |
          evac_h5_attr_write_num(g, "duration_s", r->m->duration_s) |
          evac_h5_attr_write_num(g, "egress_estimate_s", r->egress_s) |
          evac_h5_attr_write_text(g, "warning", warning);
    H5Gclose(g);
    rc |= h5_lists(f, r);
    g = H5Gopen2(f, "summary", H5P_DEFAULT);
    rc |= g < 0 || evac_h5_attr_write_num(g, "complete", 1.0); /* last */
    H5Gclose(g);
  }
  free(col);
  free(txt);
  free(floors);
  free(fixed);
  if (f >= 0 && rc)
    H5Fclose(f);
  else if (f >= 0 && evac_commit_h5(c, f) < 0)
    rc = 1;
  H5Eset_auto2(H5E_DEFAULT, func, data);
  return rc ? -1 : 0;
}

enum evac_status evac_ranking_write(const struct evac_ranking *r,
                                    const char *h5, const char *csv,
                                    struct evac_diag *diag) {
  char paths[EVAC_RANK_MAX_OUTPUTS][4096];
  struct evac_commit c[EVAC_RANK_MAX_OUTPUTS];
  int n = evac_ranking_output_paths(h5, csv, paths), bad = -1, opened = 0;
  if (n < 0) {
    evac_diag_error(diag, csv ? csv : h5, NULL, "output path too long");
    return EVAC_ERR_IO;
  }
  for (int k = 0; bad < 0 && k < n; k++) {
    if (evac_commit_open(&c[k], paths[k]) < 0) {
      bad = k;
      break;
    }
    opened = k + 1;
    if ((k == 0 ? write_h5(r, &c[0]) : write_csv(r, k - 1, &c[k])) < 0 ||
        evac_commit_sync(&c[k]) < 0)
      bad = k;
  }
  /* a final name that cannot be replaced is found before any is */
  for (int k = 0; bad < 0 && k < n; k++)
    if (evac_commit_target_ok(paths[k]) < 0) {
      snprintf(c[k].reason, sizeof c[k].reason,
               "cannot replace %s: it is a folder", paths[k]);
      bad = k;
    }
  /* all or nothing: a termination signal waits until every file has its
     final name (it then removes nothing, the ranking being complete) */
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGHUP);
  sigprocmask(SIG_BLOCK, &block, &old);
  int renamed = 0; /* files under their final names */
  for (; bad < 0 && renamed < n; renamed++)
    if (evac_commit_rename(&c[renamed]) < 0) {
      bad = renamed;
      break;
    }
  /* what was renamed stays (each file is complete); the rest goes */
  for (int k = renamed; k < opened; k++)
    evac_commit_abort(&c[k]);
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (bad < 0)
    return EVAC_OK;
  evac_diag_error(diag, paths[bad], NULL, "cannot write: %s",
                  c[bad].reason[0] ? c[bad].reason : "write failed");
  if (renamed > 0)
    evac_diag_error(diag, paths[bad], NULL,
                    "the ranking is incomplete: %d of its %d files were "
                    "replaced before the failure, from %s on",
                    renamed, n, paths[0]);
  return EVAC_ERR_IO;
}
