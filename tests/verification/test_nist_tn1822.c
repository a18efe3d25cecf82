/* NIST Technical Note 1822 (Ronchi, Kuligowski, Reneke, Peacock, Nilsson,
 * "The Process of Verification and Validation of Building Fire Evacuation
 * Models", 2013) tests 1.1 (pre-evacuation time distributions) and 5.1
 * (room, corridor and stair: where the density peaks), with the criteria
 * of ../shared/references/evacuation.md. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>

#include "diag.h"
#include "evacsim.h"
#include "grid.h"
#include "model.h"
#include "result.h"
#include "support.h"

/* ---- NIST 1.1: pre-evacuation time distributions ---------------------- */

/* A cumulative distribution function with two parameters. */
struct cdf {
  const char *name;
  double (*f)(double x, double a, double b);
  double a, b;
};

static double cdf_uniform(double x, double lo, double hi) {
  return x <= lo ? 0.0 : x >= hi ? 1.0 : (x - lo) / (hi - lo);
}

/* Regularized lower incomplete gamma P(k, x): the series for x < k + 1,
 * else one minus the continued fraction (Lentz), as in Numerical Recipes
 * (Press et al., 3rd ed., § 6.2), to 1e-14. */
static double gamma_p(double k, double x) {
  if (x <= 0.0)
    return 0.0;
  double lead = exp(-x + k * log(x) - lgamma(k));
  if (x < k + 1.0) {
    double term = 1.0 / k, sum = term;
    for (int n = 1; n < 1000 && fabs(term) > 1e-16 * fabs(sum); n++) {
      term *= x / (k + n);
      sum += term;
    }
    return sum * lead;
  }
  double b = x + 1.0 - k, c = 1e300, d = 1.0 / b, h = d;
  for (int i = 1; i < 1000; i++) {
    double an = -i * (i - k);
    b += 2.0;
    d = an * d + b;
    d = fabs(d) < 1e-300 ? 1e-300 : d;
    c = b + an / c;
    c = fabs(c) < 1e-300 ? 1e-300 : c;
    d = 1.0 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < 1e-15)
      break;
  }
  return 1.0 - lead * h;
}

static double cdf_gamma(double x, double shape, double scale) {
  return gamma_p(shape, x / scale);
}

static double cdf_lognormal(double x, double mu, double sigma) {
  return x <= 0.0 ? 0.0 : 0.5 * erfc(-(log(x) - mu) / (sigma * sqrt(2.0)));
}

static double cdf_weibull(double x, double shape, double scale) {
  return x <= 0.0 ? 0.0 : 1.0 - exp(-pow(x / scale, shape));
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One-sample Kolmogorov-Smirnov statistic of the sorted sample x[n]:
 * D = max_i max(i/n - F(x_i), F(x_i) - (i-1)/n). */
static double ks_stat(const double *x, int n, const struct cdf *c) {
  double dmax = 0.0;
  for (int i = 0; i < n; i++) {
    double f = c->f(x[i], c->a, c->b);
    dmax = fmax(dmax, fmax((i + 1.0) / n - f, f - (double)i / n));
  }
  return dmax;
}

/* Asymptotic p-value of D for n observations: Q_KS(lambda) =
 * 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2), with Stephens' small-sample
 * correction lambda = (sqrt(n) + 0.12 + 0.11 / sqrt(n)) D (Numerical
 * Recipes, 3rd ed., § 14.3.3). */
static double ks_pvalue(double d, int n) {
  double en = sqrt((double)n), lambda = (en + 0.12 + 0.11 / en) * d;
  if (lambda < 1e-3)
    return 1.0;
  double sum = 0.0, sign = 1.0;
  for (int j = 1; j <= 100; j++) {
    double term = sign * exp(-2.0 * j * j * lambda * lambda);
    sum += term;
    if (fabs(term) < 1e-12)
      break;
    sign = -sign;
  }
  double q = 2.0 * sum;
  return q < 0.0 ? 0.0 : q > 1.0 ? 1.0 : q;
}

/* The KS machinery against known values: the gamma CDF at its median
 * (shape 1: exponential, P(1, ln 2) = 0.5) and a point in the continued
 * fraction branch (P(2, 5) = 1 - 6 e^-5), and the p-value of the classic
 * 5 % critical value lambda = 1.358 (p = 0.0500). */
Test(nist11, ks_machinery) {
  cr_expect(fabs(gamma_p(1.0, log(2.0)) - 0.5) < 1e-12);
  cr_expect(fabs(gamma_p(2.0, 5.0) - (1.0 - 6.0 * exp(-5.0))) < 1e-12);
  cr_expect(fabs(gamma_p(2.0, 1.0) - (1.0 - 2.0 * exp(-1.0))) < 1e-12);
  /* lambda = 1.358 exactly: D chosen so that the corrected lambda is it */
  int n = 10000;
  double en = sqrt((double)n), d = 1.358 / (en + 0.12 + 0.11 / en);
  cr_expect(fabs(ks_pvalue(d, n) - 0.0500) < 0.0005, "p = %.5f",
            ks_pvalue(d, n));
  cr_expect(ks_pvalue(0.0, n) == 1.0);
}

#define NIST11_N 200

/* Reads the double dataset name of the open file f into a malloc'd array;
 * its length in *n. */
static double *h5_doubles(hid_t f, const char *name, size_t *n) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  cr_assert_geq(d, 0, "no dataset %s", name);
  hid_t sp = H5Dget_space(d);
  hssize_t np = H5Sget_simple_extent_npoints(sp);
  double *v = malloc((size_t)(np > 0 ? np : 1) * sizeof *v);
  cr_assert_geq(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v),
                0);
  H5Sclose(sp);
  H5Dclose(d);
  *n = (size_t)np;
  return v;
}

/* The start times (s) of the NIST11_N agents as the result file shows
 * them: /events/time_s of the rows whose /events/type is `start` (read in
 * the file's own enum type, whose values are the int8 codes). Each start
 * must also match the agent's /agents/premovement_s to the 1 ms tick. */
static double *file_start_times(const char *h5) {
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0, "cannot open %s", h5);
  size_t ne, na;
  double *t = h5_doubles(f, "/events/time_s", &ne);
  double *pre = h5_doubles(f, "/agents/premovement_s", &na);
  cr_assert_eq(na, NIST11_N);
  hid_t d = H5Dopen2(f, "/events/type", H5P_DEFAULT);
  hid_t ft = H5Dget_type(d), mt = H5Tget_native_type(ft, H5T_DIR_ASCEND);
  cr_assert_eq(H5Tget_size(mt), 1);
  signed char *type = malloc(ne ? ne : 1);
  cr_assert_geq(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, type), 0);
  H5Tclose(mt);
  H5Tclose(ft);
  H5Dclose(d);
  hid_t da = H5Dopen2(f, "/events/agent", H5P_DEFAULT);
  int *agent = malloc((ne ? ne : 1) * sizeof *agent);
  cr_assert_geq(
      H5Dread(da, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, agent), 0);
  H5Dclose(da);
  H5Fclose(f);
  double *s = malloc(NIST11_N * sizeof *s);
  int k = 0;
  for (size_t i = 0; i < ne; i++) {
    if (type[i] != EVAC_LOG_START)
      continue;
    cr_assert_lt(k, NIST11_N, "more start events than agents");
    cr_expect(fabs(t[i] - pre[agent[i]]) <= 0.0005,
              "agent %d starts at %.4f s, drew %.4f s", agent[i], t[i],
              pre[agent[i]]);
    s[k++] = t[i];
  }
  cr_assert_eq(k, NIST11_N, "%d start events", k);
  free(t);
  free(pre);
  free(type);
  free(agent);
  return s;
}

/* The start times of the NIST11_N agents from the in-memory event log
 * (the rows the result file's /events holds). */
static double *memory_start_times(const struct evac_result *r) {
  double *s = malloc(NIST11_N * sizeof *s);
  int k = 0;
  for (size_t i = 0; i < r->events.n; i++)
    if (r->events.type[i] == EVAC_LOG_START) {
      cr_assert_lt(k, NIST11_N, "more start events than agents");
      s[k++] = r->events.time_s[i];
    }
  cr_assert_eq(k, NIST11_N, "%d start events", k);
  return s;
}

/* Loads the NIST 1.1 room (8 x 5.2 m, 0.4 m cells; the exit is three
 * cells, 1.2 m, as in the RiMEA 5 test) with NIST11_N people whose
 * premovement_s is dist_json. */
static struct evac_model *nist11_model(const char *dist_json) {
  cJSON *sc = scenario_new(20000);
  add_responder(sc, dist_json);
  add_group(sc, 1, 1, 20, 13, "responder", NIST11_N, NULL);
  char *pt = json_take(plan_new(0.4, room_8x5_floors())), *st = json_take(sc);
  struct evac_diag d;
  struct evac_model *m = NULL;
  int rc = evac_test_load("nist11", "test.plan.json", pt, st, &d, &m);
  if (rc != EVAC_OK)
    evac_diag_print(&d, stderr);
  evac_diag_free(&d);
  free(pt);
  free(st);
  cr_assert_eq(rc, EVAC_OK, "NIST 1.1 model did not load");
  return m;
}

/* Runs model m with seed; returns the sorted start times, read back from
 * the written result file when to_file, else from memory. */
static double *nist11_sample(const struct evac_model *m,
                             unsigned long long seed, int to_file) {
  struct evac_run_opts opts = {.seed = seed, .seed_given = 1, .threads = 1};
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_sim *sim = NULL;
  cr_assert_eq(evac_sim_create(m, &opts, &d, &sim), EVAC_OK);
  cr_assert_eq(evac_sim_run(sim), EVAC_OK);
  cr_assert_eq(evac_sim_result(sim)->evacuated, NIST11_N);
  double *s;
  if (to_file) {
    char h5[4096];
    snprintf(h5, sizeof h5, "%s/out.h5", evac_test_dir("nist11_h5"));
    cr_assert_eq(evac_sim_write(sim, h5, &d), EVAC_OK);
    s = file_start_times(h5);
  } else {
    s = memory_start_times(evac_sim_result(sim));
  }
  evac_diag_free(&d);
  evac_sim_free(sim);
  qsort(s, NIST11_N, sizeof *s, cmp_double);
  return s;
}

#define NIST11_REPS 40

/* NIST TN 1822 test 1.1: the pre-evacuation times the model assigns must
 * follow the input distribution: one-sample Kolmogorov-Smirnov test of the
 * agents' start times against the input CDF, p > 0.05.
 *
 * Parameterisation. TN 1822 gives gamma(1.291, 103.901), lognormal(4.586,
 * 0.967) and Weibull(139.285, 1.195). Read as gamma shape 1.291 / scale
 * 103.901 s, lognormal mu 4.586 / sigma 0.967 of ln t (median 98 s), and
 * Weibull scale 139.285 s / shape 1.195, all three have means of 131..156
 * s; the other readings give absurd times (gamma rate 103.9: mean 0.012 s;
 * Weibull scale 1.195 s with shape 139: all at 1.19 s). evacsim's "gamma"
 * and "weibull" take shape and scale, its "lognormal" mu and sigma of ln X
 * (docs/formats.md), so all four are expressed directly. The uniform's
 * bounds are not in ../shared/references/evacuation.md; 10..100 s is the
 * RiMEA 5 / IMO 5 range.
 *
 * One sample of 200 (seed 1, the scenario default) is read from the result
 * file as a user sees it (/events rows of type start; each must match the
 * agent's /agents/premovement_s to the 1 ms tick) and must pass, p > 0.05.
 *
 * A correct sampler fails "p > 0.05" in 5 % of samples by construction
 * (seed 11 gives p = 0.027 for the uniform and the Weibull, which invert
 * the same uniform draws; 54 of 1000 seeds fail for the uniform, pooled
 * 200 000 values p = 0.14), so the criterion is also checked as a rate:
 * over NIST11_REPS = 40 samples (seeds 1..40) at most 6 may have
 * p <= 0.05 (Binomial(40, 0.05): P(X >= 7) = 0.003).
 *
 * The test can fail: each sample is also tested against the same family
 * with its time scale 25 % too long (what a mis-drawn distribution would
 * look like); the seed-1 sample must reject it (p < 0.05), and so must
 * at least 30 of the 40. */
Test(nist11, premovement_distributions_ks, .timeout = 120) {
  static const struct {
    const char *json;
    struct cdf right, wrong;
  } c[] = {
      {"{\"dist\": \"uniform\", \"min\": 10, \"max\": 100}",
       {"uniform(10, 100)", cdf_uniform, 10, 100},
       {"uniform(12.5, 125)", cdf_uniform, 12.5, 125}},
      {"{\"dist\": \"gamma\", \"shape\": 1.291, \"scale\": 103.901}",
       {"gamma(1.291, 103.901)", cdf_gamma, 1.291, 103.901},
       {"gamma(1.291, 129.876)", cdf_gamma, 1.291, 1.25 * 103.901}},
      {"{\"dist\": \"lognormal\", \"mu\": 4.586, \"sigma\": 0.967}",
       {"lognormal(4.586, 0.967)", cdf_lognormal, 4.586, 0.967},
       {"lognormal(4.809, 0.967)", cdf_lognormal, 4.586 + log(1.25), 0.967}},
      {"{\"dist\": \"weibull\", \"shape\": 1.195, \"scale\": 139.285}",
       {"Weibull(1.195, 139.285)", cdf_weibull, 1.195, 139.285},
       {"Weibull(1.195, 174.106)", cdf_weibull, 1.195, 1.25 * 139.285}},
  };
  for (int k = 0; k < 4; k++) {
    int fail = 0, caught = 0;
    double p1 = NAN, pw1 = NAN, pmin = 1.0;
    struct evac_model *m = nist11_model(c[k].json);
    for (int rep = 1; rep <= NIST11_REPS; rep++) {
      double *s = nist11_sample(m, (unsigned long long)rep, rep == 1);
      double p = ks_pvalue(ks_stat(s, NIST11_N, &c[k].right), NIST11_N);
      double pw = ks_pvalue(ks_stat(s, NIST11_N, &c[k].wrong), NIST11_N);
      if (rep == 1)
        p1 = p, pw1 = pw;
      fail += p <= 0.05;
      caught += pw < 0.05;
      pmin = fmin(pmin, p);
      free(s);
    }
    evac_model_free(m);
    cr_log_info("NIST 1.1 %s, n %d: seed 1 p %.3f; %d of %d samples "
                "p <= 0.05 (min p %.3f); against %s: seed 1 p %.2g, "
                "rejected in %d of %d",
                c[k].right.name, NIST11_N, p1, fail, NIST11_REPS, pmin,
                c[k].wrong.name, pw1, caught, NIST11_REPS);
    cr_expect(p1 > 0.05, "NIST 1.1 %s: seed 1 p %.4f <= 0.05", c[k].right.name,
              p1);
    cr_expect(fail <= 6, "NIST 1.1 %s: %d of %d samples p <= 0.05",
              c[k].right.name, fail, NIST11_REPS);
    cr_expect(pw1 < 0.05, "%s sample not told from %s: p %.4f", c[k].right.name,
              c[k].wrong.name, pw1);
    cr_expect(caught >= 30, "%s told from %s in only %d of %d samples",
              c[k].right.name, c[k].wrong.name, caught, NIST11_REPS);
  }
}

/* ---- NIST 5.1: room, corridor, stair ----------------------------------- */

/* Peak and mean (over the samples in which anyone is in the area) density,
 * p/m^2, of people standing or walking on floor fl inside the inclusive
 * cell rectangle r of cell edge cell_m, from the trajectories. */
struct density {
  double peak, mean; /* p/m^2 */
  double stopped_s;  /* person-seconds stood still (same cell as at the
                        previous sample, not waiting to start) */
  int stopped_peak;  /* most people standing still at one sample */
};

static struct density area_density(const struct evac_result *res, int fl,
                                   const int r[4], double cell_m) {
  const struct evac_result_traj *t = &res->traj;
  int n = res->occupants;
  double area = (r[2] - r[0] + 1) * (r[3] - r[1] + 1) * cell_m * cell_m;
  struct density d = {0, 0, 0, 0};
  int busy = 0;
  for (size_t k = 0; k < t->n; k++) {
    int in = 0, still = 0;
    for (int a = 0; a < n; a++) {
      size_t i = k * (size_t)n + (size_t)a;
      if (t->floor[i] != fl || (t->state[i] != EVAC_STATE_MOVING &&
                                t->state[i] != EVAC_STATE_WAITING))
        continue;
      int x = (int)(t->pos_m[2 * i] / cell_m),
          y = (int)(t->pos_m[2 * i + 1] / cell_m);
      int inside = x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3];
      in += inside;
      if (inside && k > 0 && t->state[i] == EVAC_STATE_MOVING) {
        size_t j = i - (size_t)n;
        if (t->pos_m[2 * j] == t->pos_m[2 * i] &&
            t->pos_m[2 * j + 1] == t->pos_m[2 * i + 1] && t->floor[j] == fl) {
          still++;
          d.stopped_s += t->time_s[k] - t->time_s[k - 1];
        }
      }
    }
    d.stopped_peak = still > d.stopped_peak ? still : d.stopped_peak;
    d.peak = fmax(d.peak, in / area);
    if (in) {
      d.mean += in / area;
      busy++;
    }
  }
  d.mean = busy ? d.mean / busy : 0.0;
  return d;
}

/* The NIST 5.1 building, 0.5 m cells, after the RiMEA 3.0 test 13
 * geometry as JuPedSim implemented it (systemtest/rimea_tests/test_13,
 * removed 2021): on floor "1" an 8 x 5 m room (x 1..16, y 1..10) opens
 * into a 2 m wide, 12 m long corridor (x 17..40, y 4..7); the corridor
 * ends at the 2 x 2 m landing of stair A (x 41..44), a 2 m wide flight
 * (10 m long, as in RiMEA 2/3) that climbs to floor "2", where the exit is
 * beside the landing. The bottleneck is the room's exit into the corridor
 * (8 m of wall narrowing to 2 m); the queue is looked for at the base of
 * the stair. A measure line "corridor" lies across the corridor's
 * entrance (x 17). */
static cJSON *nist51_plan(void) {
  cJSON *floors = cJSON_CreateArray();
  for (int f = 0; f < 2; f++) {
    struct grid g = grid_new(47, 12);
    if (f == 0) {
      grid_fill(&g, 1, 1, 16, 10, '.');
      grid_fill(&g, 17, 4, 40, 7, '.');
    } else {
      grid_fill(&g, 45, 4, 45, 7, 'E');
    }
    grid_fill(&g, 41, 4, 44, 7, 'A');
    cJSON_AddItemToArray(floors, grid_floor(&g, f ? "2" : "1", 3.0 * f));
    free(g.c);
  }
  cJSON *plan = plan_new(0.5, floors);
  cJSON *legend = cJSON_AddObjectToObject(plan, "legend");
  cJSON_AddItemToObject(legend, "A", cJSON_Parse("{\"stair\": \"Stair A\"}"));
  cJSON *st = cJSON_AddArrayToObject(plan, "stairs");
  cJSON_AddItemToArray(st, cJSON_Parse("{\"name\": \"Stair A\", \"width_m\": "
                                       "2, \"flight_length_m\": 10}"));
  cJSON *ms = cJSON_AddArrayToObject(plan, "measures");
  cJSON_AddItemToArray(ms, cJSON_Parse("{\"name\": \"corridor\", \"floor\": "
                                       "\"1\", \"line\": [17, 4, 17, 7]}"));
  return plan;
}

/* NIST TN 1822 test 5.1 (after IMO MSC/Circ.1238 test 11; RiMEA 3.0 test
 * 13): 100 people leave an 8 x 5 m room into a 2 m corridor leading to a
 * stair. Criteria: the peak density at the room exit is higher than in the
 * corridor (congestion at the room exit, a steady flow in the corridor),
 * and a queue forms at the stair base.
 *
 * Measured from the trajectories (samples every 0.5 s, adults of the
 * built-in profile, seed 1) in three areas of floor "1": the room's exit
 * (the 2 x 3 m of room before the opening, x 13..16, y 3..8), the middle
 * of the corridor (2 m, x 25..28) and the stair base (the corridor's last
 * 2 m, x 37..40). A queue is people standing: at least 50 person-seconds
 * stood still (half a second for each of the 100) at the stair base, which
 * must be denser than the free corridor, at its peak and on average. As in
 * JuPedSim's check of RiMEA 3.0 test 13, the flow onto the flight
 * (stair_enter events) must also be below the flow into the corridor (the
 * measure line), by more than 0.05 p/s. */
Test(nist51, congestion_room_exit_and_stair_base) {
  cJSON *sc = scenario_new(900);
  cJSON *out = cJSON_AddObjectToObject(sc, "output");
  cJSON_AddNumberToObject(out, "agents_every_s", 0.5);
  add_group(sc, 1, 1, 16, 10, "adult", 100, NULL);
  struct evac_model *m;
  struct evac_sim *sim = run_json("nist51", nist51_plan(), sc, 1, &m);
  const struct evac_result *r = evac_sim_result(sim);
  cr_assert_eq(r->evacuated, 100);
  static const int d[4] = {13, 3, 16, 8}, c[4] = {25, 4, 28, 7},
                   b[4] = {37, 4, 40, 7};
  struct density door = area_density(r, 0, d, 0.5),
                 corr = area_density(r, 0, c, 0.5),
                 base = area_density(r, 0, b, 0.5);
  const struct evac_result_measure *me = &r->measures[0];
  cr_assert_eq(me->n, 100);
  double f_corr = 99.0 / (me->time_s[99] - me->time_s[0]);
  double first = INFINITY, last = 0;
  int n = 0;
  for (size_t i = 0; i < r->events.n; i++)
    if (r->events.type[i] == EVAC_LOG_STAIR_ENTER) {
      first = fmin(first, r->events.time_s[i]);
      last = fmax(last, r->events.time_s[i]);
      n++;
    }
  cr_assert_eq(n, 100);
  double f_stair = 99.0 / (last - first);
  cr_log_info("NIST 5.1: out in %.1f s; density peak / mean (p/m^2), "
              "standing person-s / most at once: room exit %.2f / %.2f, "
              "%.0f / %d; corridor %.2f / %.2f, %.0f / %d; stair base "
              "%.2f / %.2f, %.0f / %d; flow into the corridor %.3f p/s, "
              "onto the stair %.3f p/s",
              r->evacuation_time_s, door.peak, door.mean, door.stopped_s,
              door.stopped_peak, corr.peak, corr.mean, corr.stopped_s,
              corr.stopped_peak, base.peak, base.mean, base.stopped_s,
              base.stopped_peak, f_corr, f_stair);
  cr_expect(door.peak > corr.peak,
            "NIST 5.1: room exit peak %.2f p/m^2 not above corridor %.2f",
            door.peak, corr.peak);
  cr_expect(base.stopped_s >= 50.0 && base.peak > corr.peak &&
                base.mean > corr.mean,
            "NIST 5.1: no queue at the stair base: %.0f person-s standing, "
            "peak %.2f / mean %.2f p/m^2 vs corridor %.2f / %.2f",
            base.stopped_s, base.peak, base.mean, corr.peak, corr.mean);
  cr_expect(f_stair < f_corr - 0.05,
            "RiMEA 3.0 13: flow onto the stair %.3f p/s not below the "
            "corridor's %.3f p/s",
            f_stair, f_corr);
  evac_sim_free(sim);
  evac_model_free(m);
}
