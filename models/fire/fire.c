/* Fire dynamics: free growth (t-squared, steady, curve) capped by the peak
 * and the ventilation limit; sprinkler and detector links heated by
 * Alpert's ceiling jet (or the hot layer) with the RTI equation (CFAST
 * Technical Reference, section 6.1); Evans' sprinkler decay (NISTIR 5254);
 * manual attack by the in-house micro fire station or the brigade. */
#include <math.h>

#include "fire.h"

/* Ambient temperature when a fire has no systems, C. */
#define DEFAULT_AMBIENT_C 20.0

double evac_fire_free_hrr(const struct evac_fire_spec *spec, double t) {
  double q = 0.0;
  if (t < 0.0)
    return 0.0;
  switch (spec->growth) {
  case EVAC_GROWTH_ALPHA:
    q = spec->alpha_kw_s2 * t * t;
    break;
  case EVAC_GROWTH_STEADY:
    q = spec->peak_kw;
    break;
  case EVAC_GROWTH_CURVE: {
    int n = spec->ncurve;
    if (n <= 0)
      return 0.0;
    q = spec->curve_kw[n - 1]; /* held after the last point */
    for (int i = 1; i < n; i++)
      if (t < spec->curve_t_s[i]) {
        double t0 = spec->curve_t_s[i - 1], t1 = spec->curve_t_s[i];
        double s = (t - t0) / (t1 - t0);
        q = spec->curve_kw[i - 1] +
            s * (spec->curve_kw[i] - spec->curve_kw[i - 1]);
        break;
      }
    if (t < spec->curve_t_s[0])
      q = spec->curve_kw[0];
    break;
  }
  }
  return fmin(q, spec->peak_kw);
}

double evac_alpert_dt(double q_kw, double h_m, double r_m) {
  if (q_kw <= 0.0 || h_m <= 0.0)
    return 0.0;
  if (r_m / h_m <= 0.18)
    return 16.9 * pow(q_kw, 2.0 / 3.0) / pow(h_m, 5.0 / 3.0);
  return 5.38 * pow(q_kw / r_m, 2.0 / 3.0) / h_m;
}

double evac_alpert_u(double q_kw, double h_m, double r_m) {
  if (q_kw <= 0.0 || h_m <= 0.0)
    return 0.0;
  if (r_m / h_m <= 0.15)
    return 0.96 * cbrt(q_kw / h_m);
  return 0.195 * cbrt(q_kw) * sqrt(h_m) / pow(r_m, 5.0 / 6.0);
}

double evac_kawagoe_kw(double area_m2, double height_m) {
  if (area_m2 <= 0.0 || height_m <= 0.0)
    return 0.0;
  return 1500.0 * area_m2 * sqrt(height_m);
}

double evac_evans_tau_s(double spray_density_mm_s) {
  return 3.0 * pow(spray_density_mm_s, -1.85);
}

double evac_fire_hrr_at(const struct evac_fire *f, double t) {
  double q = fmin(evac_fire_free_hrr(f->spec, t), f->vent_limit_kw);
  if (!isnan(f->t_sprinkler) && t >= f->t_sprinkler)
    q = fmin(q,
             f->q_sprinkler * exp(-(t - f->t_sprinkler) /
                                  evac_evans_tau_s(f->sys->spr_density_mm_s)));
  if (!isnan(f->t_attack) && t >= f->t_attack)
    q = fmin(q, f->q_attack * exp(-(t - f->t_attack) / EVAC_ATTACK_TAU_S));
  return fmax(q, 0.0);
}

double evac_fire_burning_rate(const struct evac_fire *f) {
  int k = f->spec->fuel >= 0 && f->spec->fuel < evac_nfuels ? f->spec->fuel : 0;
  return f->hrr_kw / evac_fuels[k].hoc_kj_kg;
}

void evac_fire_init(struct evac_fire *f, const struct evac_fire_spec *spec,
                    const struct evac_systems *sys, double ceiling_m,
                    double vent_limit_kw) {
  double amb = sys ? sys->ambient_c : DEFAULT_AMBIENT_C;
  *f = (struct evac_fire){.spec = spec,
                          .sys = sys,
                          .ceiling_m = ceiling_m,
                          .vent_limit_kw = vent_limit_kw,
                          .t = 0.0,
                          .link_c = amb,
                          .det_c = amb,
                          .t_detect = NAN,
                          .t_sprinkler = NAN,
                          .t_attack = NAN,
                          .q_at_control = NAN,
                          .q_sprinkler = NAN,
                          .q_attack = NAN,
                          .micro_done = 0};
  f->hrr_kw = evac_fire_hrr_at(f, 0.0);
}

/* Radiative fraction of the fire's fuel. */
static double radiative_fraction(const struct evac_fire *f) {
  int k = f->spec->fuel;
  return k >= 0 && k < evac_nfuels ? evac_fuels[k].radiative_fraction : 0.3;
}

/* Advances a link of response time index rti at radius r from t0 to t1 =
 * t0 + dt in gas of temperature gas_c moving at u (semi-implicit:
 * T1 = (T0 + k dt Tg) / (1 + k dt), k = sqrt(u) / RTI). If it reaches
 * trip_c, returns the time it did (interpolated in the step), else NAN. */
static double link_advance(double *link_c, double gas_c, double u, double rti,
                           double trip_c, double t0, double dt) {
  double k = sqrt(u) / rti, before = *link_c;
  *link_c = (before + k * dt * gas_c) / (1.0 + k * dt);
  if (*link_c < trip_c)
    return NAN;
  if (before >= trip_c)
    return t0;
  return t0 + dt * (trip_c - before) / (*link_c - before);
}

/* Starts the manual attack at ta if one can start then. */
static void attack_check(struct evac_fire *f, double t0, double t1) {
  const struct evac_systems *s = f->sys;
  if (!s || !isnan(f->t_attack))
    return;
  double micro = s->micro_station_s, brigade = s->brigade_arrival_s;
  if (!f->micro_done && isfinite(micro) && micro <= t1 &&
      (!s->water || micro <= brigade)) {
    double ta = fmax(micro, t0), q = evac_fire_hrr_at(f, ta);
    f->micro_done = 1;
    if (q <= EVAC_MICRO_STATION_MAX_KW) {
      f->t_attack = ta;
      f->q_attack = q;
      return;
    }
  }
  if (s->water && brigade <= t1) {
    double ta = fmax(brigade, t0);
    f->t_attack = ta;
    f->q_attack = evac_fire_hrr_at(f, ta);
  }
}

void evac_fire_advance(struct evac_fire *f, double dt, double layer_c) {
  const struct evac_systems *s = f->sys;
  double t0 = f->t, t1 = f->t + dt;
  if (dt <= 0.0)
    return;
  attack_check(f, t0, t1);
  if (!isnan(f->t_attack) && isnan(f->q_at_control))
    f->q_at_control = f->q_attack;

  double q = evac_fire_hrr_at(f, t1);
  int fl = f->spec->floor;
  if (s && fl >= 0) {
    double qc = (1.0 - radiative_fraction(f)) * q;
    if (s->sprinklers && s->sprinkler_floor && s->sprinkler_floor[fl] &&
        isnan(f->t_sprinkler)) {
      double r = s->spr_r_m;
      double gas =
          fmax(s->ambient_c + evac_alpert_dt(qc, f->ceiling_m, r), layer_c);
      double u = fmax(evac_alpert_u(q, f->ceiling_m, r), EVAC_LINK_MIN_U);
      double ta = link_advance(&f->link_c, gas, u, s->spr_rti,
                               s->spr_activation_c, t0, dt);
      if (!isnan(ta)) {
        f->q_sprinkler = evac_fire_hrr_at(f, ta);
        f->t_sprinkler = ta;
        if (isnan(f->q_at_control))
          f->q_at_control = f->q_sprinkler;
      }
    }
    if (s->detectors && s->detector_floor && s->detector_floor[fl] &&
        isnan(f->t_detect)) {
      double r = s->det_r_m;
      double gas =
          fmax(s->ambient_c + evac_alpert_dt(qc, f->ceiling_m, r), layer_c);
      double u = fmax(evac_alpert_u(q, f->ceiling_m, r), EVAC_LINK_MIN_U);
      f->t_detect = link_advance(&f->det_c, gas, u, s->det_rti,
                                 s->ambient_c + s->det_activation_dt_c, t0, dt);
    }
  }
  f->t = t1;
  f->hrr_kw = evac_fire_hrr_at(f, t1);
}
