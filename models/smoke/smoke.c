/* Two-layer grid smoke model; see smoke.h and docs/models.md § Smoke.
 *
 * State per gas cell (upper layer): mass M (kg), heat H (kJ above ambient),
 * soot, CO, CO2 and O2 masses (kg). Temperature T = Ta + H / (M cp);
 * density rho = 353 / T (kg/m3, T in K); depth d = M / (rho A). The
 * "momentum" transport also carries a layer velocity u (m/s) per face
 * (right and down of each cell).
 *
 * Two transports of the layer between cells, chosen by the scenario
 * (struct evac_model's smoke_model): "layer" (the default) and "momentum".
 * They differ only where marked s->momentum below.
 *
 * Time stepping is multi-rate (docs/models.md § Smoke, "Sub-steps"): a
 * macro step of up to 16 fine sub-steps h, h from the fastest front
 * ("layer") or layer velocity ("momentum", whose gravity waves are implicit:
 * implicit_pressure) anywhere; each cell steps at 2^k h as its own and its
 * neighbours' fronts or velocities allow, each face at the shorter step of
 * its two cells.
 *
 * Each fine sub-step: (1) the plume adds mass, heat and species to the fire
 * cell (NFPA 92 plume mass flow at the interface height); (2) every face
 * due (between neighbouring gas cells) passes a flux of the donor's layer
 * (below the lower of the two ceilings, i.e. door soffits). "layer": a
 * gravity current from the deeper layer at speed Fr sqrt(g' d), times the
 * face's opening factor (closed doors, lift doors and shaft walls leak).
 * "momentum": the face's layer velocity, updated from the layers'
 * hydrostatic pressure difference with ceiling and interface friction and
 * bounded by Benjamin's front speed Fr sqrt(g' d) of the donor, carries
 * the donor's layer (upwind); a closed door, lift door or shaft wall
 * passes orifice flow through its leakage area instead. Fluxes are
 * computed for all faces first, scaled so no cell gives more than 90 % of
 * its mass, then applied to both sides, so mass and species are conserved
 * exactly; exits take what reaches them (vented), and a pressurised stair
 * takes none in at its doors; (3) stairs, lift and service shafts carry
 * upper-layer gas up a floor by orifice flow C A sqrt(2 rho dp) with dp
 * from the layer's buoyancy plus the stack effect ("momentum": at most as
 * much as the clear air below the upper floor's layer); (4) exhausts vent;
 * (5) layers lose heat to the ceiling ("momentum": and to the walls they
 * touch, which warm) (in (2)'s sweep, each cell at the start of its own
 * step). */
#include "smoke.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CP 1.012    /* kJ/(kg K), air */
#define RHO_T 353.0 /* rho T of air at 1 atm, kg K / m3 */
#define G 9.81      /* m/s2 */
#define FROUDE                                                                 \
  0.7 /* gravity-current front Froude number (Benjamin 1968;                   \
         Simpson & Britter 1979 measured 0.7-0.75) */
#define FRICTION                                                               \
  0.02                /* Darcy friction factor of the ceiling and the          \
                         interface (turbulent, Re ~ 1e4-1e5) */
#define FRONT_CFL 0.2 /* "layer": Fr sqrt(g' d) step / cell at most */
#define ADV_CFL 0.5   /* "momentum": |u| step / cell at most */
#define WAVE_COURANT                                                           \
  2.0 /* "momentum": sqrt(g' d) step / cell at most (the pressure is           \
         implicit, so this bounds the gravity waves' phase error only) */
#define THETA                                                                  \
  0.55 /* "momentum": implicit share of the pressure gradient (Casulli's       \
          theta; 0.5 keeps the waves undamped, 1 damps them most) */
#define CG_TOL 1e-3              /* solve: stop at this share of residual 0 */
#define CG_MAX 500               /* iterations the pressure solve stops at */
#define Y_O2_AIR 0.2315          /* oxygen mass fraction of air */
#define HOC_O2 13100.0           /* kJ released per kg O2 consumed (Huggett) */
#define DOOR_SOFFIT_M 2.1        /* height of door openings */
#define DOOR_LEAK 0.01           /* closed door: 0.02 m2 gap of ~2 m2 */
#define LIFT_DOOR_LEAK 0.03      /* lift landing door: 0.06 m2 of ~2 m2 */
#define SHAFT_WALL_SEALED 0.001  /* sealed shaft wall and access panels */
#define SHAFT_WALL_UNSEALED 0.05 /* unsealed cable/pipe exits per cell */
#define SHAFT_SLAB_SEALED 1e-3   /* fire-stopped share of a slab opening */
#define ORIFICE_C 0.7            /* orifice flow coefficient (CFAST) */
#define STAIR_OPEN_M 1.0 /* stairwell opening between floors: width x this */
#define H_LOSS 0.010     /* "layer": kW/(m2 K) convective loss to ceiling */
#define PRANDTL 0.7      /* of air */
#define H_NAT_CEILING                                                          \
  1.52e-3 /* natural convection to a ceiling, kW/(m2 K^4/3) (Holman; CFAST) */
#define H_NAT_WALL 1.31e-3 /* the same to a wall */
#define LINING_EFFUSIVITY                                                      \
  0.337 /* sqrt(k rho c) of gypsum plasterboard (0.16 W/(m K), 790 kg/m3,      \
           0.9 kJ/(kg K); CFAST's thermal properties), kJ/(m2 K s^1/2) */
#define MIN_MASS 1e-12 /* below this a layer counts as empty */
#define JET_R 0.4      /* ceiling-jet disk radius / ceiling height */
#define MAX_LEVEL                                                              \
  4 /* macro steps of up to 2^4 fine sub-steps h: cells step                   \
       at h, 2h, 4h, 8h or 16h */

/* Larger and smaller of two numbers that are never NaN (inlined, unlike
 * fmax and fmin). */
static inline double max2(double a, double b) { return a > b ? a : b; }
static inline double min2(double a, double b) { return a < b ? a : b; }

/* Quantities carried by the layer. */
enum { Q_MASS, Q_HEAT, Q_SOOT, Q_CO, Q_CO2, Q_O2, NQ };

/* A vertical path between two groups of cells on consecutive floors. */
struct vlink {
  int32_t *lo, *hi; /* cells below and above */
  int nlo, nhi;
  double area_m2; /* opening area */
  double rise_m;  /* floor-to-floor height */
};

/* When a candidate c and its faces are updated: at the fine sub-steps j
 * with (j & mask) == 0. Masks are 2^k - 1: a step of 2^k fine sub-steps. */
struct step_mask {
  uint16_t sweep;   /* c: the mask of its finest face */
  uint16_t face[4]; /* its faces right, down, left, up: the smaller mask of
                       the two cells (the shorter step) */
};

/* Kinds of a face (struct face_geom.kind). */
enum {
  FACE_FLOWS = 1,  /* both sides gas, not both exits: gas can cross */
  FACE_A_EXIT = 2, /* cell a is an exit (no layer of its own) */
  FACE_B_EXIT = 4, /* cell b is an exit */
  FACE_NO_AB = 8,  /* no flow a to b: a pressurised stair's door (b) */
  FACE_NO_BA = 16  /* no flow b to a: likewise with a the stair */
};

/* What the gravity current over the face between candidate a and its
 * right or lower neighbour b needs besides the layers: the same values as
 * the cells' ceilings, openings and kinds give, computed when the
 * candidates (or an opening) change instead of once a sub-step. */
struct face_geom {
  double top;   /* the lower of the two ceilings, m */
  double ca;    /* ceiling of a, m */
  double cb;    /* ceiling of b, m */
  double w;     /* "layer": width times the smaller opening factor, m;
                   "momentum": width of an open face (0 for a leaking one) */
  double leak;  /* "momentum": leakage area of a closed door, lift door or
                   shaft wall in the face, m2 (0 for an open face; always 0
                   for "layer") */
  double wall;  /* "momentum": the walls' friction term 0.125 walls / dx,
                   walls the sides of the face along a wall (0-2), 1/m */
  int32_t b;    /* the neighbour (the dummy cell n if none) */
  int32_t kind; /* FACE_* bits */
};

/* What the face flows read of a cell's layer, cached (refresh_cell); kept
 * together, as the flows read all three of a cell at once. */
struct lterms {
  double dep; /* layer depth, m */
  double gp;  /* reduced gravity g (T - Ta) / T, m/s2 */
  double rho; /* layer density RHO_T / T, kg/m3 */
};

/* "momentum": what the open face between candidate a and g->b needs for
 * its velocity update over dt besides the new pressures (momentum_terms),
 * computed once a sub-step by implicit_pressure and read again by the face
 * flows. */
struct mterms {
  double da, db; /* the layers' depths below the face's top, m (both 0: no
                    layer reaches the face, and nothing below is set) */
  double pa, pb; /* their pressures at the top now, g' d, m2/s2 */
  double v0;     /* the face's velocity now advanced by advection and the
                    explicit share of the pressure gradient, m/s */
  double r;      /* rho_a / (rho dx): the pressure gradient's factor, 1/m */
  double fr;     /* the implicit friction's divisor */
  double ca, cb; /* g' times the height of each cell's ceiling above the
                    face's top: pressure at the top = phi - this */
  double hf;     /* depth the face carries in the pressure solve: upwind of its
                    explicit estimate, m (0: not coupled) */
  int ia, ib;    /* 1 if that side's pressure at the face follows its phi */
  int coupled;   /* 1 if the face is in the pressure solve (hf > 0 and a side
                    follows its phi) */
};

/* "momentum": room for the implicit pressure solve of a fine sub-step
 * (implicit_pressure). Unknowns are the layer pressures phi = g' d (per
 * ambient density, m2/s2) of the cells whose pressure drives a face updated
 * at the sub-step. */
struct psolve {
  double *phi;       /* per cell (n + 1): its solved pressure g' d */
  int32_t *slot;     /* per cell (n + 1): its unknown's index, -1 none */
  int32_t *cell;     /* per unknown: its cell */
  double *diag;      /* per unknown: the matrix's diagonal */
  double *inv;       /* per unknown: 1 / diag (the preconditioner) */
  double *rhs;       /* per unknown: the right-hand side */
  double *x, *r, *z; /* per unknown: solution, residual, preconditioned */
  double *dir, *q;   /* per unknown: search direction, matrix times it */
  uint8_t *nk;       /* per unknown: its coupling faces (at most 4) */
  int32_t (*col)[4]; /* per unknown: the other unknown of each coupling
                        face, in the order the faces were added; n (whose x
                        and dir stay +0) for the entries beyond them */
  double (*k)[4];    /* per unknown: each coupling face's coefficient (+0
                        beyond them) */
  size_t nu;         /* unknowns */
};

struct evac_smoke {
  const struct evac_model *m;
  size_t n;              /* cells; arrays hold n + 1, the last a dummy */
  double ta;             /* ambient, K */
  double tout;           /* outside, K */
  double rho_a;          /* ambient air density, kg/m3 */
  int momentum;          /* 1: the "momentum" transport, 0: "layer" */
  double area;           /* cell area, m2 */
  int pressurised;       /* 1 if stair pressurisation runs */
  uint8_t *gas;          /* 1 gas cell, 2 exit (outside), 0 solid */
  uint8_t *walls;        /* "momentum" (else NULL): per cell, its sides on a
                            solid cell or the floor's edge (0-4) */
  float *ceil;           /* ceiling (or soffit) height of each cell, m */
  float *open;           /* opening factor of a cell's faces */
  int16_t *floor_of;     /* floor of each cell */
  int32_t (*nb)[4];      /* neighbours right, down, left, up on the floor, or
                            the dummy cell n (no gas, no smoke, no transfer) */
  struct lterms *lt;     /* per cell, refreshed each sub-step (active) */
  double (*q)[NQ];       /* layer contents per cell, quantities adjacent */
  double (*face)[2][NQ]; /* transfer over the right [0] and down [1] face */
  double (*vel)[2];      /* "momentum" (else NULL): layer velocity over the
                            right [0] and down [1] face, m/s, positive to the
                            right / down */
  double (*vnew)[2];     /* the same being updated at a sub-step, read by
                            nobody until copied into vel (NULL likewise) */
  double *lim;           /* share of each cell's outflow it may give */
  double *wall_e;    /* "momentum" (else NULL): heat the ceiling and walls of
                        each cell have taken, kJ/m2 */
  double *wall_t;    /* "momentum" (else NULL): time each cell has held a layer,
                        s */
  double *speed;     /* "momentum" (else NULL): per candidate, its step speed at
                        the macro step's start, m/s (wave_speeds) */
  struct psolve *ps; /* "momentum" (else NULL): the pressure solve's room */
  struct mterms (*mt)[2]; /* "momentum" (else NULL): per place in the sweep
                             list of the sub-step, the terms of the
                             candidate's right and down faces
                             (implicit_pressure), for face_flow_momentum */
  int32_t *active;        /* cells with smoke, increasing up to nsorted */
  size_t nactive, nsorted;
  uint8_t *flag;        /* 1 active, 2 candidate, 4 reached by flood, 8
                           has been a candidate */
  uint16_t *mask;       /* per cell, its own step in fine sub-steps minus 1
                           (0, 1, 3 or 7: steps of 1, 2, 4 or 8 h); 0xffff
                           for cells never a candidate and the dummy */
  struct step_mask *sm; /* per candidate, the masks of its sweep and faces */
  int32_t *sweep; /* MAX_LEVEL + 1 lists of n candidate indices, increasing:
                     list z holds those with sweep mask < 2^z, the ones swept at
                     the fine sub-steps j with 2^z the largest power of 2
                     dividing j (list MAX_LEVEL at j = 0: all) */
  size_t nsweep[MAX_LEVEL + 1];
  int32_t *floor_active; /* active cells of each floor */
  int32_t *cand;         /* active cells and their neighbours, increasing */
  int32_t *scratch;      /* n cells of room for candidates() */
  struct face_geom (*geom)[2]; /* right and down faces of each candidate
                                  cell (by cell) */
  size_t ncand;
  int changed;  /* 1 if cells became active (or an opening changed) since
                   cand and geom were built */
  int reopened; /* 1 if an opening changed since geom was built: every
                   candidate's faces are to be set again */
  int nlinks;
  struct vlink *links;
  int32_t src_cell; /* fire cell the jet disk below is for, -1 none */
  int32_t *jet;     /* cells the plume's gas turns into (ceiling jet) */
  int njet;
  int32_t *room; /* the fire room: cells reached without a doorway */
  int nroom;
  struct evac_smoke_budget budget;
  uint64_t updates;
};

/* ------------------------------------------------------------ state */

static double temp_k(const struct evac_smoke *s, int32_t c) {
  double m = s->q[c][Q_MASS];
  return m > MIN_MASS ? s->ta + s->q[c][Q_HEAT] / (m * CP) : s->ta;
}

/* Layer depth below the cell's ceiling, m. */
static double depth(const struct evac_smoke *s, int32_t c) {
  double m = s->q[c][Q_MASS];
  if (m <= MIN_MASS)
    return 0.0;
  return m * temp_k(s, c) / RHO_T / s->area;
}

double evac_smoke_layer_c(const struct evac_smoke *s, int32_t c) {
  return temp_k(s, c) - 273.15;
}

double evac_smoke_interface_m(const struct evac_smoke *s, int32_t c) {
  double z = s->ceil[c] - depth(s, c);
  return z > 0.0 ? z : 0.0;
}

/* ---------------------------------------------------------- creation */

static int add_link(struct evac_smoke *s, const int32_t *lo, int nlo,
                    const int32_t *hi, int nhi, double area, double rise) {
  struct vlink *l = realloc(s->links, (size_t)(s->nlinks + 1) * sizeof *l);
  if (!l)
    return -1;
  s->links = l;
  struct vlink *v = &l[s->nlinks++];
  v->lo = malloc((size_t)nlo * sizeof *v->lo);
  v->hi = malloc((size_t)nhi * sizeof *v->hi);
  if (!v->lo || !v->hi)
    return -1;
  memcpy(v->lo, lo, (size_t)nlo * sizeof *lo);
  memcpy(v->hi, hi, (size_t)nhi * sizeof *hi);
  v->nlo = nlo;
  v->nhi = nhi;
  v->area_m2 = area;
  v->rise_m = rise;
  return 0;
}

/* Vertical links of feature fe (a stair, shaft or lift) between the
 * consecutive floors on which it has cells. */
static int build_links(struct evac_smoke *s, int fe, double area) {
  const struct evac_model *m = s->m;
  int32_t *lo = NULL, *hi = NULL;
  int nlo = 0, prev = -1, rc = 0;
  for (int f = 0; f < m->nfloors && !rc; f++) {
    size_t nc = (size_t)m->floors[f].nx * m->floors[f].ny;
    int32_t *cells = malloc((nc + 1) * sizeof *cells);
    if (!cells) {
      rc = -1;
      break;
    }
    int k = 0;
    for (size_t i = 0; i < nc; i++) {
      int32_t c = (int32_t)(m->floors[f].offset + i);
      if (m->cell_feature[c] == fe)
        cells[k++] = c;
    }
    if (k == 0) {
      free(cells);
      continue;
    }
    if (prev >= 0)
      rc = add_link(s, lo, nlo, cells, k, area,
                    m->floors[f].elevation_m - m->floors[prev].elevation_m);
    free(lo);
    lo = cells;
    nlo = k;
    prev = f;
  }
  free(lo);
  free(hi);
  return rc;
}

/* Cross-section of lift fe's shaft: its cells over the floors it serves. */
static double lift_area(const struct evac_smoke *s, int fe) {
  const struct evac_model *m = s->m;
  int cells = 0, nfl = 0;
  for (int f = 0; f < m->nfloors; f++) {
    size_t nc = (size_t)m->floors[f].nx * m->floors[f].ny;
    int here = 0;
    for (size_t j = 0; j < nc; j++)
      here += m->cell_feature[m->floors[f].offset + j] == fe;
    cells += here;
    nfl += here > 0;
  }
  return nfl ? cells * s->area / nfl : 0.0;
}

/* Frees the pressure solve's room (NULL is fine). */
static void psolve_free(struct psolve *p) {
  if (!p)
    return;
  free(p->phi);
  free(p->slot);
  free(p->cell);
  free(p->diag);
  free(p->inv);
  free(p->rhs);
  free(p->x);
  free(p->r);
  free(p->z);
  free(p->dir);
  free(p->q);
  free(p->nk);
  free(p->col);
  free(p->k);
  free(p);
}

/* The pressure solve's room for n cells, or NULL. */
static struct psolve *psolve_new(size_t n) {
  struct psolve *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->phi = calloc(n + 1, sizeof *p->phi);
  p->slot = malloc((n + 1) * sizeof *p->slot);
  p->cell = malloc(n * sizeof *p->cell);
  p->diag = malloc(n * sizeof *p->diag);
  p->inv = malloc(n * sizeof *p->inv);
  p->rhs = malloc(n * sizeof *p->rhs);
  p->x = calloc(n + 1, sizeof *p->x); /* x[n], dir[n]: +0, never written */
  p->r = malloc(n * sizeof *p->r);
  p->z = malloc(n * sizeof *p->z);
  p->dir = calloc(n + 1, sizeof *p->dir);
  p->q = malloc(n * sizeof *p->q);
  p->nk = malloc(n * sizeof *p->nk);
  p->col = malloc(n * sizeof *p->col);
  p->k = malloc(n * sizeof *p->k);
  if (!p->phi || !p->slot || !p->cell || !p->diag || !p->inv || !p->rhs ||
      !p->x || !p->r || !p->z || !p->dir || !p->q || !p->nk || !p->col ||
      !p->k) {
    psolve_free(p);
    return NULL;
  }
  for (size_t c = 0; c <= n; c++)
    p->slot[c] = -1;
  return p;
}

size_t evac_smoke_momentum_cell_bytes(void) {
  const struct evac_smoke *s = NULL;
  const struct psolve *p = NULL;
  return sizeof *s->vel + sizeof *s->vnew + sizeof *s->speed +
         sizeof *s->wall_e + sizeof *s->wall_t + sizeof *s->mt +
         sizeof *s->walls + sizeof *p->phi + sizeof *p->slot + sizeof *p->cell +
         sizeof *p->diag + sizeof *p->inv + sizeof *p->rhs + sizeof *p->x +
         sizeof *p->r + sizeof *p->z + sizeof *p->dir + sizeof *p->q +
         sizeof *p->nk + sizeof *p->col + sizeof *p->k;
}

struct evac_smoke *evac_smoke_create(const struct evac_model *m) {
  struct evac_smoke *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->m = m;
  s->n = m->ncells;
  s->ta = m->systems.ambient_c + 273.15;
  s->tout = m->systems.outside_c + 273.15;
  s->rho_a = RHO_T / s->ta;
  s->momentum = m->smoke_model == EVAC_SMOKE_MOMENTUM;
  s->area = m->cell_m * m->cell_m;
  s->pressurised = m->systems.stair_pressure_pa > 0.0;
  s->src_cell = -1;
  size_t n1 = s->n + 1; /* the dummy neighbour of edge cells is cell n */
  s->gas = calloc(n1, 1);
  s->ceil = calloc(n1, sizeof *s->ceil);
  s->open = calloc(n1, sizeof *s->open);
  s->floor_of = malloc(s->n * sizeof *s->floor_of);
  s->nb = malloc(s->n * sizeof *s->nb);
  s->lt = calloc(n1, sizeof *s->lt);
  s->lim = calloc(n1, sizeof *s->lim);
  s->active = malloc(s->n * sizeof *s->active);
  s->cand = malloc(s->n * sizeof *s->cand);
  s->scratch = malloc(s->n * sizeof *s->scratch);
  s->geom = malloc(s->n * sizeof *s->geom);
  s->flag = calloc(n1, 1);
  s->mask = malloc(n1 * sizeof *s->mask);
  s->sm = malloc(n1 * sizeof *s->sm);
  s->sweep = malloc((MAX_LEVEL + 1) * s->n * sizeof *s->sweep);
  s->q = calloc(n1, sizeof *s->q);
  s->face = calloc(n1, sizeof *s->face);
  if (s->momentum) {
    s->vel = calloc(n1, sizeof *s->vel);
    s->vnew = calloc(n1, sizeof *s->vnew);
    s->speed = malloc(s->n * sizeof *s->speed);
    s->wall_e = calloc(n1, sizeof *s->wall_e);
    s->wall_t = calloc(n1, sizeof *s->wall_t);
    s->ps = psolve_new(s->n);
    s->mt = malloc(s->n * sizeof *s->mt);
    s->walls = malloc(s->n);
  }
  s->floor_active = calloc((size_t)m->nfloors + 1, sizeof *s->floor_active);
  int ok = s->gas && s->ceil && s->open && s->floor_of && s->nb && s->lt &&
           s->lim && s->active && s->cand && s->scratch && s->geom && s->flag &&
           s->floor_active && s->q && s->face &&
           (!s->momentum || (s->vel && s->vnew && s->speed && s->wall_e &&
                             s->wall_t && s->ps && s->mt && s->walls)) &&
           s->mask && s->sm && s->sweep;
  if (!ok)
    goto fail;
  for (size_t c = 0; c < n1; c++)
    s->mask[c] = 0xffff;
  for (int f = 0; f < m->nfloors; f++) {
    size_t nc = (size_t)m->floors[f].nx * m->floors[f].ny;
    for (size_t i = 0; i < nc; i++) {
      size_t c = m->floors[f].offset + i;
      double h = m->floors[f].height_m, soffit = fmin(h, DOOR_SOFFIT_M);
      s->floor_of[c] = (int16_t)f;
      s->lt[c].rho = RHO_T / s->ta;
      int x = (int)(i % (size_t)m->floors[f].nx);
      int y = (int)(i / (size_t)m->floors[f].nx);
      static const int dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
      for (int d = 0; d < 4; d++) {
        int nx = x + dx[d], ny = y + dy[d];
        s->nb[c][d] =
            nx < 0 || ny < 0 || nx >= m->floors[f].nx || ny >= m->floors[f].ny
                ? (int32_t)s->n
                : (int32_t)(m->floors[f].offset + (size_t)ny * m->floors[f].nx +
                            nx);
      }
      s->ceil[c] = (float)h;
      s->open[c] = 1.0f;
      int fe = m->cell_feature[c];
      switch ((enum evac_cell_kind)m->cell_kind[c]) {
      case EVAC_CELL_FLOOR:
      case EVAC_CELL_STAIR:
      case EVAC_CELL_REFUGE:
        s->gas[c] = 1;
        break;
      case EVAC_CELL_DOOR:
        s->gas[c] = 1;
        s->ceil[c] = (float)soffit;
        break;
      case EVAC_CELL_FIRE_DOOR:
        s->gas[c] = 1;
        s->ceil[c] = (float)soffit;
        s->open[c] = (float)DOOR_LEAK;
        break;
      case EVAC_CELL_EXIT:
        s->gas[c] = 2;
        s->ceil[c] = (float)soffit;
        break;
      case EVAC_CELL_OBSTACLE:
        s->gas[c] = 1;
        break;
      case EVAC_CELL_LIFT:
        s->gas[c] = 1;
        s->open[c] = (float)LIFT_DOOR_LEAK;
        break;
      case EVAC_CELL_SHAFT:
        s->gas[c] = 1;
        s->open[c] =
            (float)(fe >= 0 && m->shafts[m->features[fe].index].unsealed
                        ? SHAFT_WALL_UNSEALED
                        : SHAFT_WALL_SEALED);
        break;
      case EVAC_CELL_VOID:
      case EVAC_CELL_WALL:
        break;
      }
    }
  }
  for (size_t c = 0; s->walls && c < s->n; c++) {
    s->walls[c] = 0;
    for (int dir = 0; dir < 4; dir++)
      s->walls[c] += !s->gas[s->nb[c][dir]];
  }
  for (int i = 0; i < m->nstairs; i++)
    if (build_links(s, m->stairs[i].feature,
                    m->stairs[i].width_m * STAIR_OPEN_M))
      goto fail;
  for (int i = 0; i < m->nshafts; i++) {
    const struct evac_shaft *sh = &m->shafts[i];
    double a = sh->area_m2 * (sh->unsealed ? 1.0 : SHAFT_SLAB_SEALED);
    if (build_links(s, sh->feature, a))
      goto fail;
  }
  for (int i = 0; i < m->nlifts; i++)
    if (build_links(s, m->lifts[i].feature, lift_area(s, m->lifts[i].feature)))
      goto fail;
  return s;
fail:
  evac_smoke_free(s);
  return NULL;
}

void evac_smoke_free(struct evac_smoke *s) {
  if (!s)
    return;
  free(s->q);
  free(s->face);
  free(s->vel);
  free(s->vnew);
  free(s->speed);
  free(s->wall_e);
  free(s->wall_t);
  psolve_free(s->ps);
  free(s->mt);
  for (int i = 0; i < s->nlinks; i++) {
    free(s->links[i].lo);
    free(s->links[i].hi);
  }
  free(s->links);
  free(s->jet);
  free(s->room);
  free(s->gas);
  free(s->walls);
  free(s->ceil);
  free(s->open);
  free(s->floor_of);
  free(s->nb);
  free(s->lt);
  free(s->lim);
  free(s->active);
  free(s->cand);
  free(s->scratch);
  free(s->geom);
  free(s->flag);
  free(s->mask);
  free(s->sm);
  free(s->sweep);
  free(s->floor_active);
  free(s);
}

int evac_smoke_door_open(const struct evac_smoke *s, int32_t c) {
  uint8_t k = s->m->cell_kind[c];
  return (k == EVAC_CELL_FIRE_DOOR || k == EVAC_CELL_DOOR) &&
         s->open[c] >= 1.0f;
}

/* 1 if no gas may pass from cell a to its neighbour b through their face:
 * a pressurised stair (b) lets no smoke in at its doors. */
static int stair_sealed(const struct evac_smoke *s, int32_t a, int32_t b) {
  const uint8_t *ck = s->m->cell_kind;
  return s->pressurised && ck[a] != EVAC_CELL_STAIR && ck[b] == EVAC_CELL_STAIR;
}

int evac_smoke_reach(const struct evac_smoke *s, int32_t from, uint8_t *reach) {
  int32_t *stack = malloc((s->n + 1) * sizeof *stack);
  if (!stack)
    return -1;
  size_t n = 0;
  reach[from] = 1;
  stack[n++] = from;
  for (int grew = 1; grew;) {
    /* over the faces of each floor: gas cells only give (an exit holds
       no layer), to every gas cell but a sealed stair */
    while (n) {
      int32_t c = stack[--n];
      if (s->gas[c] != 1)
        continue;
      for (int dir = 0; dir < 4; dir++) {
        int32_t b = s->nb[c][dir];
        if (!s->gas[b] || reach[b] || stair_sealed(s, c, b))
          continue;
        reach[b] = 1;
        stack[n++] = b;
      }
    }
    /* up each vertical link whose lower cells have gas coming (rise) */
    grew = 0;
    for (int i = 0; i < s->nlinks; i++) {
      const struct vlink *l = &s->links[i];
      int below = 0;
      for (int k = 0; k < l->nlo && !below; k++)
        below = reach[l->lo[k]];
      for (int k = 0; below && k < l->nhi; k++)
        if (!reach[l->hi[k]]) {
          reach[l->hi[k]] = 1;
          stack[n++] = l->hi[k];
          grew = 1;
        }
    }
  }
  free(stack);
  return 0;
}

void evac_smoke_hold_open(struct evac_smoke *s, int32_t c, int open) {
  uint8_t k = s->m->cell_kind[c];
  if (k != EVAC_CELL_FIRE_DOOR && k != EVAC_CELL_DOOR)
    return;
  s->open[c] = open ? 1.0f : (float)DOOR_LEAK;
  s->changed = 1; /* the faces' widths and leaks */
  s->reopened = 1;
  if (!s->momentum)
    return;
  /* the door swings: the layer velocities in its faces start from rest */
  s->vel[c][0] = s->vel[c][1] = s->vnew[c][0] = s->vnew[c][1] = 0.0;
  s->vel[s->nb[c][2]][0] = s->vnew[s->nb[c][2]][0] = 0.0;
  s->vel[s->nb[c][3]][1] = s->vnew[s->nb[c][3]][1] = 0.0;
}

/* ------------------------------------------------------------ stepping */

/* Gives c, if it was never a candidate, the finest step until the next
 * macro step sets its own. */
static void first_step(struct evac_smoke *s, int32_t c) {
  if (!(s->flag[c] & 8)) {
    s->flag[c] |= 8;
    s->mask[c] = 0;
  }
}

/* Marks c active (it holds smoke from now on). */
static inline void activate(struct evac_smoke *s, int32_t c) {
  if (s->flag[c] & 1)
    return;
  first_step(s, c);
  s->flag[c] |= 1;
  s->active[s->nactive++] = c;
  s->floor_active[s->floor_of[c]]++;
  s->changed = 1;
}

/* Neighbour of c in direction dir (0 right, 1 down, 2 left, 3 up) on its
 * floor, or the dummy cell n (gas 0). */
static inline int32_t neighbour(const struct evac_smoke *s, int32_t c,
                                int dir) {
  return s->nb[c][dir];
}

/* Refreshes the cached depth, reduced gravity and density (struct
 * lterms) of n cells: the same expressions as temp_k, depth and
 * face_flow had, each evaluated once a cell instead of once a use. Returns
 * the largest g' d of the cells with g' > 0 (0 if none), for max_speed. */
static inline double refresh_cell(struct evac_smoke *s, int32_t c) {
  double m = s->q[c][Q_MASS], t = temp_k(s, c);
  double dep = m > MIN_MASS ? m * t / RHO_T / s->area : 0.0;
  double gp = G * (t - s->ta) / t;
  s->lt[c].dep = dep;
  s->lt[c].gp = gp;
  s->lt[c].rho = RHO_T / t;
  return gp > 0.0 ? gp * dep : 0.0;
}

static double refresh(struct evac_smoke *s, const int32_t *cells, size_t n) {
  double x = 0.0;
  for (size_t i = 0; i < n; i++)
    x = max2(x, refresh_cell(s, cells[i]));
  return x;
}

/* The geometry of the face between a and b. "layer": the width times the
 * smaller opening factor of the two cells. "momentum": open (width w), or
 * leaking through the smaller opening factor times the face's area (width
 * times the opening's height). */
static void face_geom_set(const struct evac_smoke *s, int32_t a, int32_t b,
                          struct face_geom *g) {
  g->b = b;
  g->top = min2(s->ceil[a], s->ceil[b]);
  g->ca = s->ceil[a];
  g->cb = s->ceil[b];
  double open = min2(s->open[a], s->open[b]);
  g->wall = 0.0;
  if (s->momentum) {
    int dir = b == s->nb[a][0] ? 0 : 1; /* the face's normal: x or y */
    int walls = 0;
    for (int side = 1 - dir; side < 4; side += 2) /* the two sides */
      walls += !s->gas[s->nb[a][side]] ||
               (b < (int32_t)s->n && !s->gas[s->nb[b][side]]);
    g->wall = 0.125 * walls / s->m->cell_m;
    g->w = open < 1.0 ? 0.0 : s->m->cell_m;
    g->leak = open < 1.0 ? open * s->m->cell_m * g->top : 0.0;
  } else {
    g->w = s->m->cell_m * open;
    g->leak = 0.0;
  }
  g->kind = 0;
  if (!s->gas[b] || (s->gas[a] != 1 && s->gas[b] != 1))
    return;
  g->kind = FACE_FLOWS | (s->gas[a] == 2 ? FACE_A_EXIT : 0) |
            (s->gas[b] == 2 ? FACE_B_EXIT : 0) |
            (stair_sealed(s, a, b) ? FACE_NO_AB : 0) |
            (stair_sealed(s, b, a) ? FACE_NO_BA : 0);
}

/* The depths of a's and g->b's layers below the face's top (the lower
 * ceiling: a door's soffit), 0 where the layer does not reach down to it
 * or the cell is an exit (outside). */
static inline void face_depths(const struct evac_smoke *s, int32_t a,
                               const struct face_geom *g, double *da,
                               double *db) {
  double top = g->top;
  double x = g->kind & FACE_A_EXIT ? 0.0 : top - (g->ca - s->lt[a].dep);
  double y = g->kind & FACE_B_EXIT ? 0.0 : top - (g->cb - s->lt[g->b].dep);
  *da = x > 0.0 ? x : 0.0;
  *db = y > 0.0 ? y : 0.0;
}

/* "layer": mass flow (kg/s) from a to g->b over their face (negative: b
 * to a): a gravity current from the deeper layer (below the face's top) at
 * Benjamin's front speed Fr sqrt(g' d) of its depth, of the depth
 * difference, over the face's width. */
static inline double face_flow_layer(const struct evac_smoke *s, int32_t a,
                                     const struct face_geom *g) {
  if (!(g->kind & FACE_FLOWS))
    return 0.0;
  int32_t b = g->b;
  double da, db;
  face_depths(s, a, g, &da, &db);
  if (da == db)
    return 0.0;
  int from_a = da > db;
  if (g->kind & (from_a ? FACE_NO_AB : FACE_NO_BA))
    return 0.0;
  int32_t d = from_a ? a : b;
  double dd = max2(da, db), dr = min2(da, db);
  double gp = s->lt[d].gp;
  if (gp <= 0.0)
    return 0.0;
  double flow = s->lt[d].rho * g->w * (dd - dr) * FROUDE * sqrt(gp * dd);
  return from_a ? flow : -flow;
}

/* The terms of the open face's velocity update: v = (v0 + THETA dt r
 * (p_a - p_b)) / fr with the new pressures p at the face's top, p = phi - c
 * on a side that follows its phi (gas, layer reaching the top, g' > 0),
 * else its pressure now (0). */
static inline void momentum_terms(const struct evac_smoke *s, int32_t a,
                                  const struct face_geom *g, double dt, int dir,
                                  double da, double db, struct mterms *t) {
  int32_t b = g->b;
  double pa = s->lt[a].gp > 0.0 ? s->lt[a].gp * da : 0.0;
  double pb = s->lt[b].gp > 0.0 ? s->lt[b].gp * db : 0.0;
  t->da = da;
  t->db = db;
  t->pa = pa;
  t->pb = pb;
  double rf = da > 0.0 && db > 0.0 ? 0.5 * (s->lt[a].rho + s->lt[b].rho)
              : da > 0.0           ? s->lt[a].rho
                                   : s->lt[b].rho;
  double u0 = s->vel[a][dir], dx = s->m->cell_m;
  /* advection u du/dx, upwind: the face behind a, or beyond b */
  double adv = u0 > 0.0 ? u0 * (u0 - s->vel[s->nb[a][dir + 2]][dir]) / dx
                        : u0 * (s->vel[b][dir] - u0) / dx;
  t->r = s->rho_a / (rf * dx);
  t->v0 = u0 + dt * ((1.0 - THETA) * t->r * (pa - pb) - adv);
  double hf = 0.5 * (da + db);
  t->fr = 1.0 + dt * FRICTION * fabs(u0) * (0.25 / hf + g->wall);
  t->ia = !(g->kind & FACE_A_EXIT) & (da > 0.0) & (s->lt[a].gp > 0.0);
  t->ib = !(g->kind & FACE_B_EXIT) & (db > 0.0) & (s->lt[b].gp > 0.0);
  t->ca = s->lt[a].gp * (g->ca - g->top);
  t->cb = s->lt[b].gp * (g->cb - g->top);
  double ve = t->v0 + THETA * dt * t->r * (pa - pb);
  int from_a = ve > 0.0;
  t->hf = ve > 0.0 ? da : ve < 0.0 ? db : hf;
  if (ve != 0.0 && (g->kind & (from_a ? FACE_NO_AB : FACE_NO_BA)))
    t->hf = 0.0;
  t->coupled = (t->hf > 0.0) & (t->ia | t->ib);
}

/* "momentum": mass flow (kg/s) from a to g->b over their face (negative:
 * b to a) over the face's step dt, updating the face's layer velocity *u;
 * t holds an open face's terms (implicit_pressure set them this sub-step).
 *
 * The layers' depths below the face's top (the lower ceiling: a door's
 * soffit) give the hydrostatic pressure of each, p = g (rho_a - rho) d =
 * rho_a g' d at the top. An open face's velocity obeys the shallow-water
 * momentum equation of the upper layer, du/dt = -(dp/dx) / rho - u du/dx
 * - f |u| u / (2 D_h), with Darcy friction f on the ceiling and the
 * interface (D_h = 2 d for a sheet between them) and, on a face along a
 * wall, on the wall's height d of the cell's width (f |u| u / (8 dx) per
 * wall), advection upwind, semi-implicit in the friction, the pressure
 * gradient partly at the new pressures of implicit_pressure. It is
 * bounded by Benjamin's front speed Fr sqrt(g' d) of the donor's depth
 * below the top: at a front, and at a doorway, where the same bound is
 * Emmons' vent flow (2/3) Cd sqrt(2 g') d^(3/2) within 6 %. The mass flow
 * is the donor's density times u d w (upwind). A leaking face passes
 * orifice flow C A sqrt(2 rho dp). */
static inline double face_flow_momentum(const struct evac_smoke *s, int32_t a,
                                        const struct face_geom *g, double dt,
                                        const struct mterms *t, double *u) {
  if (!(g->kind & FACE_FLOWS)) {
    *u = 0.0;
    return 0.0;
  }
  int32_t b = g->b;
  if (g->leak > 0.0) {
    double da, db;
    face_depths(s, a, g, &da, &db);
    *u = 0.0;
    if (da == 0.0 && db == 0.0) /* no layer reaches the face: no pressure */
      return 0.0;
    double pa = s->lt[a].gp > 0.0 ? s->lt[a].gp * da : 0.0; /* p / rho_a */
    double pb = s->lt[b].gp > 0.0 ? s->lt[b].gp * db : 0.0;
    if (pa == pb)
      return 0.0;
    int from_a = pa > pb;
    if (g->kind & (from_a ? FACE_NO_AB : FACE_NO_BA))
      return 0.0;
    int32_t d = from_a ? a : b;
    double dp = fabs(pa - pb);
    double flow =
        ORIFICE_C * g->leak * sqrt(2.0 * s->lt[d].rho * s->rho_a * dp);
    /* no more than half the volume that would level the two pressures
       (each side's depth moves by volume / area at the donor's g') in the
       step: the quasi-steady flow never overshoots what drives it */
    flow = min2(flow,
                0.5 * s->lt[d].rho * dp * s->area / (2.0 * s->lt[d].gp * dt));
    return from_a ? flow : -flow;
  }
  if (t->da == 0.0 && t->db == 0.0) { /* no layer reaches the face */
    *u = 0.0;
    return 0.0;
  }
  double pn = t->coupled && t->ia ? s->ps->phi[a] - t->ca : t->pa; /* new */
  double qn = t->coupled && t->ib ? s->ps->phi[b] - t->cb : t->pb;
  double v = (t->v0 + THETA * dt * t->r * (pn - qn)) / t->fr;
  int from_a = v > 0.0;
  double hup = from_a ? t->da : t->db;
  int32_t d = from_a ? a : b;
  if (hup == 0.0 || v == 0.0 || s->lt[d].gp <= 0.0 ||
      (g->kind & (from_a ? FACE_NO_AB : FACE_NO_BA))) {
    *u = 0.0; /* nothing to carry that way */
    return 0.0;
  }
  double cap = FROUDE * sqrt(s->lt[d].gp * hup);
  v = v > cap ? cap : v < -cap ? -cap : v;
  *u = v;
  return s->lt[d].rho * v * hup * g->w;
}

/* "layer": largest front speed, m/s, of layers whose largest g' d is x
 * (from refresh), the gravity-current front Fr sqrt(g' d). sqrt and the
 * product are monotonic (correctly rounded), so the bound of the largest
 * g' d is the largest bound: one sqrt a sweep. ("momentum" takes its step
 * speeds from wave_speeds.) */
static double max_speed(double x) { return FROUDE * sqrt(x); }

/* The largest such speed times the step, in cells: FRONT_CFL ("layer") or
 * ADV_CFL ("momentum"). */
static double cfl(const struct evac_smoke *s) {
  return s->momentum ? ADV_CFL : FRONT_CFL;
}

/* NFPA 92 axisymmetric plume mass flow (kg/s) at height z above the fire. */
static double plume_mass(double qc_kw, double z) {
  if (qc_kw <= 0.0)
    return 0.0;
  z = max2(z, 0.05);
  double zl = 0.166 * pow(qc_kw, 0.4);
  if (z > zl)
    return 0.071 * pow(qc_kw, 1.0 / 3.0) * pow(z, 5.0 / 3.0) + 0.0018 * qc_kw;
  return 0.032 * pow(qc_kw, 0.6) * z;
}

/* Cells of the fire cell c's room within radius r (m) of it (all of the
 * room if r is INFINITY), reached without passing a wall or a doorway (a
 * cell of another kind); into *out (malloc'd). Returns the count, or -1. */
static int flood(struct evac_smoke *s, int32_t c, double r, int32_t **out) {
  const struct evac_model *m = s->m;
  const struct evac_floor *fl = &m->floors[s->floor_of[c]];
  size_t i0 = (size_t)c - fl->offset;
  int x0 = (int)(i0 % (size_t)fl->nx), y0 = (int)(i0 / (size_t)fl->nx);
  int32_t *list = malloc((size_t)fl->nx * fl->ny * sizeof *list);
  if (!list)
    return -1;
  int n = 0;
  list[n++] = c;
  s->flag[c] |= 4;
  for (int k = 0; k < n; k++)
    for (int dir = 0; dir < 4; dir++) {
      int32_t b = neighbour(s, list[k], dir);
      if (s->gas[b] != 1 || (s->flag[b] & 4) ||
          m->cell_kind[b] != m->cell_kind[c])
        continue;
      size_t ib = (size_t)b - fl->offset;
      double dx = ((int)(ib % (size_t)fl->nx) - x0) * m->cell_m;
      double dy = ((int)(ib / (size_t)fl->nx) - y0) * m->cell_m;
      if (dx * dx + dy * dy > r * r)
        continue;
      s->flag[b] |= 4;
      list[n++] = b;
    }
  for (int k = 0; k < n; k++)
    s->flag[list[k]] &= (uint8_t)~4u;
  free(*out);
  *out = list;
  return n;
}

/* The plume of a fire in cell c: its gas turns into a ceiling-jet disk of
 * radius JET_R times the ceiling height (Alpert's turning region is
 * r/H < 0.2; the jet carries the gas beyond it), and it entrains air up to
 * the mean interface height of the fire's room, as in a zone model (NFPA
 * 92, CFAST): the layer of a room is flat to first order. */
static int build_plume(struct evac_smoke *s, int32_t c) {
  s->njet = flood(s, c, JET_R * s->ceil[c], &s->jet);
  s->nroom = flood(s, c, INFINITY, &s->room);
  if (s->njet < 0 || s->nroom < 0)
    return -1;
  s->src_cell = c;
  return 0;
}

/* The fire's gas into the jet disk. The plume entrains fresh air below
 * the room's interface and layer gas above it (up to the ceiling); the heat
 * actually released is limited by the oxygen so supplied (13.1 MJ per kg
 * O2, Huggett), and fuel, species and heat scale with what burns. So a
 * room whose layer reaches the floor starves its fire instead of heating
 * without bound. */
static int add_source(struct evac_smoke *s, const struct evac_smoke_source *src,
                      double dt) {
  if (s->src_cell != src->cell && build_plume(s, src->cell))
    return -1;
  double z = 0.0, mass = 0.0, o2 = 0.0;
  for (int k = 0; k < s->nroom; k++) { /* the cache may be a step old */
    double zk = s->ceil[s->room[k]] - depth(s, s->room[k]);
    z += zk > 0.0 ? zk : 0.0;
  }
  z /= s->nroom;
  for (int k = 0; k < s->njet; k++) {
    mass += s->q[s->jet[k]][Q_MASS];
    o2 += s->q[s->jet[k]][Q_O2];
  }
  double y_layer = mass > MIN_MASS ? o2 / mass : Y_O2_AIR;
  double fresh = z > 0.0 ? plume_mass(src->qc_kw, z) : 0.0;
  double whole = plume_mass(src->qc_kw, s->ceil[src->cell]);
  double recirc = whole > fresh ? whole - fresh : 0.0;
  double burnt =
      min2(src->hrr_kw, HOC_O2 * (Y_O2_AIR * fresh + y_layer * recirc));
  double share = src->hrr_kw > 0.0 ? burnt / src->hrr_kw : 0.0;
  double add[NQ] = {(fresh + src->fuel_kg_s * share) * dt,
                    src->qc_kw * share * dt,
                    src->soot_kg_s * share * dt,
                    src->co_kg_s * share * dt,
                    src->co2_kg_s * share * dt,
                    (Y_O2_AIR * fresh - burnt / HOC_O2) * dt};
  for (int k = 0; k < s->njet; k++) {
    int32_t c = s->jet[k];
    for (int q = 0; q < NQ; q++)
      s->q[c][q] += add[q] / s->njet;
    s->q[c][Q_O2] = max2(0.0, s->q[c][Q_O2]);
    activate(s, c);
  }
  s->budget.produced += add[Q_MASS];
  s->budget.soot_produced += add[Q_SOOT];
  s->budget.co_produced += add[Q_CO];
  return 0;
}

/* Vents the share frac of cell a's layer contents out of the building. */
static void vent_share(struct evac_smoke *s, int32_t a, double frac) {
  double amt[NQ];
  for (int k = 0; k < NQ; k++) {
    amt[k] = s->q[a][k] * frac;
    s->q[a][k] -= amt[k];
  }
  s->budget.vented += amt[Q_MASS];
  s->budget.soot_vented += amt[Q_SOOT];
  s->budget.co_vented += amt[Q_CO];
}

/* The sweep and face masks of each candidate (cells never a candidate and
 * the dummy have mask 0xffff: no face of theirs carries anything), and the
 * sweep lists. */
static void sweep_masks(struct evac_smoke *s) {
  for (size_t k = 0; k <= MAX_LEVEL; k++)
    s->nsweep[k] = 0;
  for (size_t i = 0; i < s->ncand; i++) {
    int32_t c = s->cand[i];
    uint16_t mc = s->mask[c], m = mc;
    for (int dir = 0; dir < 4; dir++) {
      uint16_t mb = s->mask[neighbour(s, c, dir)];
      s->sm[c].face[dir] = mb < mc ? mb : mc;
      m = mb < m ? mb : m;
    }
    s->sm[c].sweep = m;
    for (int z = MAX_LEVEL; z >= 0 && m < 1u << z; z--)
      s->sweep[(size_t)z * s->n + s->nsweep[z]++] = (int32_t)i;
  }
}

/* The sweep list of fine sub-step j (see struct evac_smoke.sweep) and its
 * length. */
static const int32_t *sweep_list(const struct evac_smoke *s, unsigned j,
                                 long *n) {
  int z = 0;
  if (!j)
    z = MAX_LEVEL;
  else
    while (!((j >> z) & 1u))
      z++;
  *n = (long)s->nsweep[z];
  return s->sweep + (size_t)z * s->n;
}

/* Keeps the active list in increasing cell order (deterministic sweeps). */
static int cmp_cell(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

/* Merges the k increasing cells add, none of them in list, into the n
 * increasing cells of list (room for n + k), from the back. */
static void merge_cells(int32_t *list, size_t n, const int32_t *add, size_t k) {
  size_t i = n, j = k, o = n + k;
  while (j > 0)
    list[--o] = i > 0 && list[i - 1] > add[j - 1] ? list[--i] : add[--j];
}

/* Brings the candidates (active cells and their gas neighbours, flag 2)
 * and the active list up to date, both increasing, when the active set has
 * grown (or an opening changed). Cells never leave either set, so only the
 * cells activated since the last call (the active list's unsorted tail from
 * nsorted on) and their neighbours are sorted and merged in. Returns 1 if
 * anything changed (the sweep lists are then to be rebuilt: sweep_masks),
 * else 0. */
static int candidates(struct evac_smoke *s) {
  if (!s->changed)
    return 0;
  size_t na = s->nactive - s->nsorted, k = 0;
  int32_t *add = s->scratch, *fresh = s->cand + s->ncand;
  memcpy(add, s->active + s->nsorted, na * sizeof *add);
  qsort(add, na, sizeof *add, cmp_cell);
  merge_cells(s->active, s->nsorted, add, na);
  s->nsorted = s->nactive;
  for (size_t i = 0; i < na; i++)
    for (int dir = -1; dir < 4; dir++) {
      int32_t b = dir < 0 ? add[i] : neighbour(s, add[i], dir);
      if (s->gas[b] && !(s->flag[b] & 2)) {
        s->flag[b] |= 2;
        fresh[k++] = b;
      }
    }
  qsort(fresh, k, sizeof *fresh, cmp_cell);
  memcpy(add, fresh, k * sizeof *add);
  merge_cells(s->cand, s->ncand, add, k);
  s->ncand += k;
  /* a face's geometry follows from its cells' kinds, ceilings and openings
     alone: set for the new candidates, or for all after an opening changed */
  const int32_t *set = s->reopened ? s->cand : add;
  size_t nset = s->reopened ? s->ncand : k;
  for (size_t i = 0; i < nset; i++) {
    int32_t c = set[i];
    for (int dir = 0; dir < 2; dir++)
      face_geom_set(s, c, neighbour(s, c, dir), &s->geom[c][dir]);
    first_step(s, c);
  }
  s->changed = s->reopened = 0;
  return 1;
}

/* "momentum": the step speed of each candidate i into speed[i], the
 * fastest of them returned: |u|, the fastest layer velocity over its four
 * faces now (advection), but at least sqrt(g' d) ADV_CFL / WAVE_COURANT, g' d
 * the largest of the cell and its four neighbours (their gravity waves reach
 * it; implicit, they only cap the step). The candidates and the active
 * cells' cached g' and depth must be fresh. */
static double wave_speeds(struct evac_smoke *s) {
  double fastest = 0.0;
  for (size_t i = 0; i < s->ncand; i++) {
    int32_t c = s->cand[i];
    const int32_t *nb = s->nb[c];
    double x = s->lt[c].gp > 0.0 ? s->lt[c].gp * s->lt[c].dep : 0.0;
    for (int dir = 0; dir < 4; dir++)
      if (s->lt[nb[dir]].gp > 0.0)
        x = max2(x, s->lt[nb[dir]].gp * s->lt[nb[dir]].dep);
    double v = max2(max2(fabs(s->vel[c][0]), fabs(s->vel[c][1])),
                    max2(fabs(s->vel[nb[2]][0]), fabs(s->vel[nb[3]][1])));
    s->speed[i] = max2(v, sqrt(x) * (ADV_CFL / WAVE_COURANT));
    fastest = max2(fastest, s->speed[i]);
  }
  return fastest;
}

/* The local step of each candidate for the macro step of 2^lv fine
 * sub-steps of h (multi-rate explicit stepping). A cell's step is the
 * longest 2^k h (k <= lv) that keeps the fastest front ("layer":
 * max_speed of the cell and its four neighbours) or layer ("momentum": its
 * speed from wave_speeds) within cfl(s) cell per step, as the
 * fine sub-step does for the fastest anywhere; then no cell's step may
 * exceed twice a neighbour's, so a front or wave needs several cells of
 * steps growing by 2 to reach a cell of long steps.
 * The cached g' and depth of the active cells must be fresh. */
static void levels(struct evac_smoke *s, double h, int lv) {
  const double bound = cfl(s) * s->m->cell_m;
  for (size_t i = 0; i < s->ncand; i++) {
    int32_t c = s->cand[i];
    double u;
    if (s->momentum) {
      u = s->speed[i];
    } else {
      double x = s->lt[c].gp > 0.0 ? s->lt[c].gp * s->lt[c].dep : 0.0;
      for (int dir = 0; dir < 4; dir++) {
        int32_t b = neighbour(s, c, dir);
        if (s->lt[b].gp > 0.0)
          x = max2(x, s->lt[b].gp * s->lt[b].dep);
      }
      u = max_speed(x);
    }
    unsigned p = 1u << lv;
    while (p > 1 && p * h * u > bound)
      p >>= 1;
    s->mask[c] = (uint16_t)(p - 1);
  }
  /* lv passes at most; a pass that changes nothing leaves the next ones
     nothing to change. Non-candidates: 0xffff, no bound. */
  for (int k = 0, moved = 1; k < lv && moved; k++) {
    moved = 0;
    for (size_t i = 0; i < s->ncand; i++) {
      int32_t c = s->cand[i];
      unsigned m = s->mask[c];
      for (int dir = 0; dir < 4; dir++) {
        unsigned b2 = 2u * s->mask[neighbour(s, c, dir)] + 1u;
        m = b2 < m ? b2 : m;
      }
      moved |= m != s->mask[c];
      s->mask[c] = (uint16_t)m;
    }
  }
  sweep_masks(s);
}

/* The pressure solve's unknown for cell c (a new one, from its layer now,
 * if it has none yet). */
static inline int32_t psolve_slot(struct evac_smoke *s, int32_t c) {
  struct psolve *p = s->ps;
  if (p->slot[c] < 0) {
    int32_t i = (int32_t)p->nu++;
    p->slot[c] = i;
    p->cell[i] = c;
    p->diag[i] = s->area / s->lt[c].gp;
    p->rhs[i] = s->area * s->lt[c].dep;
    p->x[i] = s->lt[c].gp * s->lt[c].dep;
    p->nk[i] = 0;
    for (int e = 0; e < 4; e++) { /* no face: +0 times x[n] = +0 */
      p->col[i][e] = (int32_t)s->n;
      p->k[i][e] = 0.0;
    }
  }
  return p->slot[c];
}

/* Couples unknowns i and o by a face of coefficient k (row i's next entry). */
static inline void psolve_couple(struct psolve *p, int32_t i, int32_t o,
                                 double k) {
  p->col[i][p->nk[i]] = o;
  p->k[i][p->nk[i]++] = k;
}

/* The matrix of the pressure solve times x, into y; returns the sum of x
 * times y over the unknowns, in their order. Each y[i] is the diagonal term
 * less its faces' terms in the order the faces were added: the same
 * operations, in the same order, as a sweep over the faces would do to it.
 * Rows of fewer than four faces take +0 * x[n] = +0 (x[n] is +0) for the
 * rest, which leaves any y (-0 too) unchanged: no branch on the count. */
static double psolve_apply(const struct psolve *p, const double *restrict x,
                           double *restrict y) {
  const double *restrict diag = p->diag;
  const int32_t(*restrict col)[4] = p->col;
  const double(*restrict k)[4] = p->k;
  size_t n = p->nu;
  double d = 0.0;
  for (size_t i = 0; i < n; i++) {
    const int32_t *c = col[i];
    const double *ki = k[i];
    double yi = diag[i] * x[i];
    yi -= ki[0] * x[c[0]];
    yi -= ki[1] * x[c[1]];
    yi -= ki[2] * x[c[2]];
    yi -= ki[3] * x[c[3]];
    y[i] = yi;
    d += x[i] * yi;
  }
  return d;
}

/* Solves the pressure system by conjugate gradients with a diagonal
 * preconditioner, from x (the pressures now), until the residual is CG_TOL
 * of the first one or after CG_MAX iterations. Sequential, in a fixed
 * order: the same bits on any number of threads. */
static void psolve_cg(struct psolve *p) {
  size_t n = p->nu;
  double *restrict x = p->x, *restrict r = p->r, *restrict z = p->z;
  double *restrict dir = p->dir, *restrict q = p->q, *restrict inv = p->inv;
  const double *restrict rhs = p->rhs, *restrict diag = p->diag;
  psolve_apply(p, x, q);
  double rr = 0.0, rz = 0.0;
  for (size_t i = 0; i < n; i++) {
    inv[i] = 1.0 / diag[i];
    r[i] = rhs[i] - q[i];
    z[i] = r[i] * inv[i];
    dir[i] = z[i];
    rr += r[i] * r[i];
    rz += r[i] * z[i];
  }
  double stop = CG_TOL * CG_TOL * rr;
  for (int it = 0; it < CG_MAX && rr > stop; it++) {
    double dq = psolve_apply(p, dir, q);
    if (dq <= 0.0)
      break;
    double alpha = rz / dq, rz1 = 0.0;
    rr = 0.0;
    for (size_t i = 0; i < n; i++) {
      x[i] += alpha * dir[i];
      r[i] -= alpha * q[i];
      z[i] = r[i] * inv[i];
      rr += r[i] * r[i];
      rz1 += r[i] * z[i];
    }
    double beta = rz1 / rz;
    rz = rz1;
    for (size_t i = 0; i < n; i++)
      dir[i] = z[i] + beta * dir[i];
  }
}

/* "momentum": the new layer pressures phi = g' d of the cells whose faces
 * are updated at fine sub-step j of h (the sweep list sw of ns candidates),
 * semi-implicit in the pressure gradient and the divergence (Casulli 1990,
 * theta method): each open face's new velocity is v = (v0 + THETA dt r
 * (p_a - p_b)) / fr with the new pressures (momentum_terms), and each cell's
 * new volume is its volume now less what its faces carry, v times the upwind
 * depth now. Eliminating v leaves one symmetric positive definite
 * system in phi (5 points a floor), solved by psolve_cg. So the gravity
 * waves do not bound the step: the face flows take their velocities from
 * these pressures, and carry the layer conservatively (face_shares). */
static void implicit_pressure(struct evac_smoke *s, double h, unsigned j,
                              const int32_t *sw, long ns) {
  struct psolve *p = s->ps;
  p->nu = 0;
  for (long n = 0; n < ns; n++) {
    int32_t a = s->cand[sw[n]];
    for (int dir = 0; dir < 2; dir++) {
      const struct face_geom *g = &s->geom[a][dir];
      uint16_t fm = s->sm[a].face[dir];
      if ((j & fm) || !(g->kind & FACE_FLOWS) || g->leak > 0.0)
        continue;
      double da, db, dt = (double)(fm + 1u) * h;
      face_depths(s, a, g, &da, &db);
      if (da == 0.0 && db == 0.0) {
        s->mt[n][dir].da = s->mt[n][dir].db = 0.0;
        continue;
      }
      struct mterms t; /* a local: the stores below cannot change it */
      momentum_terms(s, a, g, dt, dir, da, db, &t);
      s->mt[n][dir] = t;
      if (!t.coupled)
        continue;
      int32_t b = g->b;
      double k = THETA * dt * dt * g->w * t.hf * t.r / t.fr;
      /* what the face carries out of a over dt besides k (p_a - p_b) */
      double e = dt * g->w * t.hf * t.v0 / t.fr;
      int32_t ia = t.ia ? psolve_slot(s, a) : -1;
      int32_t ib = t.ib ? psolve_slot(s, b) : -1;
      if (ia >= 0) {
        p->diag[ia] += k;
        p->rhs[ia] += -e + k * t.ca + (ib >= 0 ? -k * t.cb : k * t.pb);
      }
      if (ib >= 0) {
        p->diag[ib] += k;
        p->rhs[ib] += e + k * t.cb + (ia >= 0 ? -k * t.ca : k * t.pa);
      }
      if (ia >= 0 && ib >= 0) {
        psolve_couple(p, ia, ib, k);
        psolve_couple(p, ib, ia, k);
      }
    }
  }
  psolve_cg(p);
  for (size_t i = 0; i < p->nu; i++) {
    p->phi[p->cell[i]] = p->x[i];
    p->slot[p->cell[i]] = -1;
  }
}

/* A face of no transfer, for faces not updated at a fine sub-step. */
static const double no_transfer[NQ];

/* (1) The mass flow over the right and down faces of candidate a, place i
 * of the sweep list (the dummy neighbour has no gas: no flow) at fine
 * sub-step j of h,
 * times the face's step in fine sub-steps ("momentum": with the face's
 * velocity advanced over that step); 0 for a face not updated at j. */
static inline void face_flows(struct evac_smoke *s, long i, int32_t a, double h,
                              unsigned j) {
  for (int dir = 0; dir < 2; dir++) {
    const struct face_geom *g = &s->geom[a][dir];
    uint16_t fm = s->sm[a].face[dir];
    double k = (double)(fm + 1u), f = 0.0;
    if (!(j & fm))
      f = s->momentum ? face_flow_momentum(s, a, g, k * h, &s->mt[i][dir],
                                           &s->vnew[a][dir]) *
                            k
                      : face_flow_layer(s, a, g) * k;
    s->face[a][dir][Q_MASS] = f;
  }
}

/* (2) The mass cell a gives over its four faces in dt, and lim, the factor
 * that limits it to 90 % of its mass (the layer a holds now is still the
 * one (3) divides by: (4) reaches a only after (3) has read it). The faces to a
 * non-candidate neighbour (the dummy cell, or a cell never active nor next to
 * an active one) carry +0.0: neither cell has a layer, and a non-candidate's
 * faces were never written. So they are summed like the others without changing
 * a bit. */
static inline void outflow(struct evac_smoke *s, int32_t a, double dt,
                           unsigned j) {
  const int32_t *nb = s->nb[a];
  double f[4] = {s->face[a][0][Q_MASS], s->face[a][1][Q_MASS],
                 j & s->sm[a].face[2] ? 0.0 : -s->face[nb[2]][0][Q_MASS],
                 j & s->sm[a].face[3] ? 0.0 : -s->face[nb[3]][1][Q_MASS]};
  double out = 0.0;
  for (int dir = 0; dir < 4; dir++)
    if (f[dir] > 0.0)
      out += f[dir] * dt;
  double m = s->q[a][Q_MASS];
  s->lim[a] = out > 0.9 * m ? 0.9 * m / out : 1.0;
}

/* (3) The transfers over cell a's right and down faces ("momentum": and
 * their new velocities): the donor's contents times the share of its mass the
 * face moves (donor-cell fractions, limited so no cell gives more than 90 % of
 * its mass). */
static inline void face_shares(struct evac_smoke *s, int32_t a, double dt) {
  for (int dir = 0; dir < 2; dir++) {
    if (s->momentum)
      s->vel[a][dir] = s->vnew[a][dir]; /* equal unless updated by (1) */
    double *restrict fa = s->face[a][dir];
    double f = fa[Q_MASS];
    int32_t d = f > 0.0 ? a : neighbour(s, a, dir);
    double share = 0.0;
    if (f != 0.0 && s->q[d][Q_MASS] > MIN_MASS) {
      share = fabs(f) * dt * s->lim[d] / s->q[d][Q_MASS];
    }
    if (share == 0.0) {
      for (int k = 0; k < NQ; k++)
        fa[k] = 0.0;
    } else {
      /* -share * q is -(share * q) exactly: the sign is taken out */
      const double *restrict qd = s->q[d];
      double sg = f > 0.0 ? share : -share;
      for (int k = 0; k < NQ; k++)
        fa[k] = sg * qd[k];
    }
  }
}

/* Sum over cell a's four faces of what enters it, into d. The sum starts
 * at +0.0 and takes the faces right, down, left, up, as before the dummy
 * neighbour; a +-0.0 term leaves a sum that is never -0.0 unchanged. */
static inline void face_sum(const struct evac_smoke *s, int32_t a, unsigned j,
                            double d[NQ]) {
  const int32_t *nb = s->nb[a];
  const double *restrict f0 = s->face[a][0], *restrict f1 = s->face[a][1];
  const double *restrict f2 =
      j & s->sm[a].face[2] ? no_transfer : s->face[nb[2]][0];
  const double *restrict f3 =
      j & s->sm[a].face[3] ? no_transfer : s->face[nb[3]][1];
  for (int k = 0; k < NQ; k++) {
    double x = 0.0;
    x += -f0[k];
    x += -f1[k];
    x += f2[k];
    x += f3[k];
    d[k] = x;
  }
}

/* (5) "layer": heat lost by convection to the ceiling the layer touches,
 * over dt, the ceiling at ambient: h = H_LOSS (walls in contact are
 * neglected: small beside the ceiling in large rooms, and surfaces held at
 * ambient already overstate the loss as they warm). A cell without a layer
 * loses nothing. */
static inline void cool_layer(struct evac_smoke *s, int32_t c, double dt) {
  double t = temp_k(s, c);
  double loss = H_LOSS * s->area * (t - s->ta) * dt;
  s->q[c][Q_HEAT] = max2(0.0, s->q[c][Q_HEAT] - loss);
}

/* (5) "momentum": heat lost by convection over dt to the ceiling and to the
 * walls the layer touches (the layer's depth along each wall side of the
 * cell), whose surface is at ts. h is the larger of forced convection, by
 * the Reynolds-Colburn analogy to the friction the layer meets, h = (f / 8)
 * Pr^(-2/3) rho cp |u| (|u| the mean magnitudes of the cell's faces'
 * velocities), and natural convection, h = 1.52 (ceiling) or 1.31 (walls)
 * |T - ts|^(1/3) W/(m2 K) (Holman, as CFAST). With h fixed over the step
 * the loss is integrated exactly: the layer relaxes towards ts, never past
 * it. What the surfaces take is added to their heat E per m2; their
 * temperature is ts = Ta + E / (sqrt(k rho c) sqrt(t)), t the time the cell
 * has held a layer: a semi-infinite solid of gypsum plasterboard, exact to
 * -11 % for a constant flux (2 / sqrt(pi)) and +13 % for a constant surface
 * temperature (sqrt(pi) / 2). A cell without a layer loses nothing. */
static inline void cool_momentum(struct evac_smoke *s, int32_t c, double dt) {
  double m = s->q[c][Q_MASS];
  if (m <= MIN_MASS)
    return;
  double t = temp_k(s, c), a = s->area, te = s->wall_t[c] + dt;
  double ts = s->ta + s->wall_e[c] / (LINING_EFFUSIVITY * sqrt(te));
  const double st = FRICTION / 8.0 * pow(PRANDTL, -2.0 / 3.0);
  const int32_t *nb = s->nb[c];
  double ux = 0.5 * (fabs(s->vel[c][0]) + fabs(s->vel[nb[2]][0]));
  double uy = 0.5 * (fabs(s->vel[c][1]) + fabs(s->vel[nb[3]][1]));
  double hf = st * RHO_T / t * CP * sqrt(ux * ux + uy * uy);
  double dn = cbrt(fabs(t - ts));
  int walls = s->walls[c];
  double aw = walls * s->m->cell_m * min2(m * t / RHO_T / a, s->ceil[c]);
  double g = max2(hf, H_NAT_CEILING * dn) * a + max2(hf, H_NAT_WALL * dn) * aw;
  double lost = m * CP * (t - ts) * (1.0 - exp(-g * dt / (m * CP)));
  s->wall_e[c] = max2(0.0, s->wall_e[c] + lost / (a + aw));
  s->wall_t[c] = te;
  s->q[c][Q_HEAT] = max2(0.0, s->q[c][Q_HEAT] - lost);
}

/* (5) Cell c's heat loss over dt, by the transport's rule. */
static inline void cool(struct evac_smoke *s, int32_t c, double dt) {
  if (s->momentum)
    cool_momentum(s, c, dt);
  else
    cool_layer(s, c, dt);
}

/* (4) Cell a adds what crosses its four faces (exits keep nothing), and
 * (5) cools over its own step if that starts at fine sub-step j of dt. */
static inline void apply_faces(struct evac_smoke *s, int32_t a, unsigned j,
                               double dt) {
  if (s->gas[a] != 1)
    return;
  double d[NQ];
  face_sum(s, a, j, d);
  double *restrict qa = s->q[a];
  for (int k = 0; k < NQ; k++)
    qa[k] = max2(0.0, qa[k] + d[k]);
  if (!(j & s->mask[a]))
    cool(s, a, dt * (s->mask[a] + 1u));
}

/* What reached exit a leaves the building: its mass, soot and CO into
 * vent[3]. */
static inline void vent_exit(const struct evac_smoke *s, int32_t a, unsigned j,
                             double vent[3]) {
  double d[NQ];
  face_sum(s, a, j, d);
  vent[0] += d[Q_MASS];
  vent[1] += d[Q_SOOT];
  vent[2] += d[Q_CO];
}

/* (4) sequentially, with the exits' venting and the activation of cells
 * that received smoke in the same pass (in candidate order, as separate
 * passes would). */
static inline void settle(struct evac_smoke *s, int32_t a, unsigned j,
                          double dt, double vent[3]) {
  if (s->gas[a] != 1) {
    vent_exit(s, a, j, vent);
    return;
  }
  apply_faces(s, a, j, dt);
  if (s->q[a][Q_MASS] > 0.0)
    activate(s, a);
}

/* Lateral spread, fine sub-step j of h: over the faces updated at j (each
 * over its own step), of the candidates swept at j (those with such a
 * face), whose cached depths and gas terms are refreshed first (at j = 0
 * the macro step has refreshed all). */
static void spread(struct evac_smoke *s, double dt, unsigned j, int threads) {
  if (candidates(s))
    sweep_masks(s);
  long ns;
  const int32_t *sw = sweep_list(s, j, &ns);
  const int32_t *cand = s->cand;
  double vent[3] = {0.0, 0.0, 0.0};
  /* (1) the mass flow over each candidate's right and down faces, (2) each
     cell's outflow limit, (3) the share each face moves from its donor and (4)
     each cell's sum over its four faces. (2) and (4) of a cell read the
     faces of its left and upper neighbours, which come before it in the
     (increasing) candidate order; (3) reads the contents and outflow limits of
     a cell and of its right and lower neighbours, which (4) has not
     reached yet. So, sequentially, (1)+(2) in one sweep and (3)+(4) in a
     second, cell by cell, compute exactly what four separate sweeps do,
     touching each cell's data twice instead of four times; the exits'
     venting (a sum in candidate order) and the activations (appended in
     candidate order) join the second. Threaded, they stay four sweeps and
     the venting and activations follow in one sequential pass. Both ends
     of a face updated at j are swept at j; a face not updated at j is read
     as no transfer. */
  if (threads > 1 && ns > 8192) {
    if (j) {
#pragma omp parallel for num_threads(threads) schedule(static)
      for (long k = 0; k < ns; k++)
        refresh_cell(s, cand[sw[k]]);
    }
    if (s->momentum)
      implicit_pressure(s, dt, j, sw, ns);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long k = 0; k < ns; k++)
      face_flows(s, k, cand[sw[k]], dt, j);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long k = 0; k < ns; k++)
      outflow(s, cand[sw[k]], dt, j);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long k = 0; k < ns; k++)
      face_shares(s, cand[sw[k]], dt);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long k = 0; k < ns; k++)
      apply_faces(s, cand[sw[k]], j, dt);
    for (long k = 0; k < ns; k++) {
      int32_t a = cand[sw[k]];
      if (s->gas[a] != 1)
        vent_exit(s, a, j, vent);
      else if (s->q[a][Q_MASS] > 0.0)
        activate(s, a);
    }
  } else {
    if (j)
      for (long k = 0; k < ns; k++)
        refresh_cell(s, cand[sw[k]]);
    if (s->momentum)
      implicit_pressure(s, dt, j, sw, ns);
    for (long k = 0; k < ns; k++) {
      face_flows(s, k, cand[sw[k]], dt, j);
      outflow(s, cand[sw[k]], dt, j);
    }
    for (long k = 0; k < ns; k++) {
      face_shares(s, cand[sw[k]], dt);
      settle(s, cand[sw[k]], j, dt, vent);
    }
  }
  s->budget.vented += vent[0];
  s->budget.soot_vented += vent[1];
  s->budget.co_vented += vent[2];
  s->updates += (uint64_t)ns;
}

/* Buoyant and stack-driven rise through the vertical links ("momentum":
 * at most the clear air below the upper cells' layers). A link whose
 * lower floor has no active cell carries nothing (inactive cells hold no
 * gas), so it is skipped without summing its cells. What leaves the lower
 * cells is summed and then spread evenly over the upper cells, one pass
 * over each cell's quantities. */
static void rise(struct evac_smoke *s, double dt) {
  for (int i = 0; i < s->nlinks; i++) {
    struct vlink *v = &s->links[i];
    if (!s->floor_active[s->floor_of[v->lo[0]]])
      continue;
    double mass = 0.0, heat = 0.0;
    for (int j = 0; j < v->nlo; j++) {
      mass += s->q[v->lo[j]][Q_MASS];
      heat += s->q[v->lo[j]][Q_HEAT];
    }
    if (mass <= MIN_MASS || v->area_m2 <= 0.0)
      continue;
    double t = s->ta + heat / (mass * CP);
    double d = mass * t / RHO_T / (s->area * v->nlo);
    double rho = RHO_T / t, rho_a = RHO_T / s->ta;
    double dp = G * d * (rho_a - rho);
    double stack = 3460.0 * v->rise_m * (1.0 / s->tout - 1.0 / s->ta);
    if (stack > 0.0)
      dp += stack;
    if (dp <= 0.0)
      continue;
    double flow = ORIFICE_C * v->area_m2 * sqrt(2.0 * rho * dp) * dt;
    if (s->momentum) {
      /* the floor above takes no more gas than the clear air below its
         layers there (that air is what the rising gas displaces) */
      double clear = 0.0;
      for (int h = 0; h < v->nhi; h++)
        clear += max2(0.0, s->ceil[v->hi[h]] - depth(s, v->hi[h]));
      flow = min2(flow, clear * s->area * rho);
    }
    double frac = min2(flow / mass, 0.5), moved[NQ] = {0.0};
    for (int j = 0; j < v->nlo; j++) {
      double *restrict qa = s->q[v->lo[j]];
      for (int k = 0; k < NQ; k++) {
        double amt = qa[k] * frac;
        qa[k] -= amt;
        moved[k] += amt;
      }
    }
    for (int k = 0; k < NQ; k++)
      moved[k] /= v->nhi; /* what each upper cell receives */
    for (int h = 0; h < v->nhi; h++) {
      double *restrict qh = s->q[v->hi[h]];
      for (int k = 0; k < NQ; k++)
        qh[k] += moved[k];
      activate(s, v->hi[h]);
    }
  }
}

/* 1 if cell kind k has a ceiling with exhaust inlets: rooms and corridors,
 * not stair, lift or service shafts, doorways or exits. */
static int exhaust_inlet(uint8_t k) {
  return k == EVAC_CELL_FLOOR || k == EVAC_CELL_REFUGE ||
         k == EVAC_CELL_OBSTACLE;
}

/* Mechanical exhaust: each floor that has it draws its volume rate from the
 * upper layers of its rooms and corridors, each cell its share of the
 * floor's layer volume vol there: over dt, exp(-V dt / vol) of what the
 * layers hold stays (a well-mixed layer drawn at V and refilled as fast),
 * however short or long dt. The inlets draw pure layer gas however thin the
 * layer: no plugholing limit (docs/models.md, Limits). */
static void exhaust(struct evac_smoke *s, double dt) {
  const struct evac_systems *sys = &s->m->systems;
  if (sys->exhaust_m3_s <= 0.0 || !sys->exhaust_floor)
    return;
  for (int f = 0; f < s->m->nfloors; f++) {
    if (!sys->exhaust_floor[f] || !s->floor_active[f])
      continue;
    double vol = 0.0;
    for (size_t i = 0; i < s->nactive; i++) {
      int32_t c = s->active[i];
      if (s->floor_of[c] == f && exhaust_inlet(s->m->cell_kind[c]))
        vol += depth(s, c) * s->area;
    }
    if (vol <= 0.0)
      continue;
    double frac = -expm1(-sys->exhaust_m3_s * dt / vol);
    for (size_t i = 0; i < s->nactive; i++) {
      int32_t c = s->active[i];
      if (s->floor_of[c] == f && exhaust_inlet(s->m->cell_kind[c]))
        vent_share(s, c, frac);
    }
  }
}

/* A macro step: 2^lv fine sub-steps of h, big in all. */
struct macro {
  double big, h;
  int lv;
};

/* The macro step for the time left when no cell may step longer than hmin:
 * up to 2^MAX_LEVEL hmin, in the fewest fine sub-steps of at most hmin. */
static struct macro macro_fit(double hmin, double left) {
  struct macro mc = {left, left, 0};
  if (hmin < left) {
    mc.big = min2(left, (1 << MAX_LEVEL) * hmin);
    while (mc.lv < MAX_LEVEL && mc.big / (1 << mc.lv) > hmin)
      mc.lv++;
  }
  mc.h = mc.big / (1 << mc.lv);
  return mc;
}

int evac_smoke_step(struct evac_smoke *s, double dt,
                    const struct evac_smoke_source *src, int threads) {
  double t = 0.0;
  if (threads < 1)
    threads = 1;
  while (t < dt - 1e-12) {
    /* the step of the fastest front or layer anywhere: the fine sub-step;
       the macro step is up to 2^MAX_LEVEL of them ("momentum": from the
       candidates' step speeds, wave_speeds) */
    double x = refresh(s, s->active, s->nactive), u;
    if (s->momentum) {
      candidates(s);
      u = wave_speeds(s);
    } else {
      u = max_speed(x);
    }
    double hmin = u > 0.0 ? cfl(s) * s->m->cell_m / u : dt;
    struct macro mc = macro_fit(hmin, dt - t);
    double h = mc.h;
    int lv = mc.lv;
    candidates(s);
    levels(s, h, lv);
    for (unsigned j = 0; j < 1u << lv; j++) {
      if (src && src->hrr_kw > 0.0) {
        if (add_source(s, src, h))
          return -1;
        refresh(s, s->jet, (size_t)s->njet);
      }
      spread(s, h, j, threads);
      rise(s, h);
      exhaust(s, h);
      t += h;
    }
  }
  return 0;
}

/* ------------------------------------------------------------ reading */

void evac_smoke_gas(const struct evac_smoke *s, int32_t c, double head_m,
                    struct evac_gas *g) {
  g->temp_c = s->ta - 273.15;
  g->co_ppm = 0.0;
  g->co2_pct = 0.04;
  g->o2_pct = 20.9;
  g->soot_kg_m3 = 0.0;
  double m = s->q[c][Q_MASS];
  if (m <= MIN_MASS || evac_smoke_interface_m(s, c) > head_m)
    return;
  double t = temp_k(s, c), vol = m * t / RHO_T;
  g->temp_c = t - 273.15;
  g->soot_kg_m3 = s->q[c][Q_SOOT] / vol;
  evac_tox_volume_fractions(s->q[c][Q_CO] / m, s->q[c][Q_CO2] / m,
                            s->q[c][Q_O2] / m, &g->co_ppm, &g->co2_pct,
                            &g->o2_pct);
}

int evac_smoke_floor_has_smoke(const struct evac_smoke *s, int f) {
  return s->floor_active[f] > 0;
}

void evac_smoke_floor_ambient(const struct evac_smoke *s, int f, float *out) {
  out[EVAC_FQ_LAYER_HEIGHT] = (float)s->m->floors[f].height_m;
  out[EVAC_FQ_UPPER_TEMP] = (float)(s->ta - 273.15);
  out[EVAC_FQ_SOOT] = 0.0f;
  out[EVAC_FQ_CO] = 0.0f;
  out[EVAC_FQ_VISIBILITY] = (float)evac_tox_visibility(0.0, 3.0);
  out[EVAC_FQ_FED_RATE] = 0.0f;
}

void evac_smoke_floor_fields(const struct evac_smoke *s, int f, double head_m,
                             float *out) {
  const struct evac_floor *fl = &s->m->floors[f];
  size_t nc = (size_t)fl->nx * fl->ny;
  for (size_t i = 0; i < nc; i++) {
    int32_t c = (int32_t)(fl->offset + i);
    struct evac_gas g;
    evac_smoke_gas(s, c, head_m, &g);
    double m = s->q[c][Q_MASS];
    double vol = m > MIN_MASS ? m * temp_k(s, c) / RHO_T : 0.0;
    double co_ppm = 0.0, co2, o2;
    if (m > MIN_MASS)
      evac_tox_volume_fractions(s->q[c][Q_CO] / m, s->q[c][Q_CO2] / m,
                                s->q[c][Q_O2] / m, &co_ppm, &co2, &o2);
    out[EVAC_FQ_LAYER_HEIGHT * nc + i] = (float)evac_smoke_interface_m(s, c);
    out[EVAC_FQ_UPPER_TEMP * nc + i] = (float)(temp_k(s, c) - 273.15);
    out[EVAC_FQ_SOOT * nc + i] = (float)(vol > 0 ? s->q[c][Q_SOOT] / vol : 0);
    out[EVAC_FQ_CO * nc + i] = (float)co_ppm;
    out[EVAC_FQ_VISIBILITY * nc + i] =
        (float)evac_tox_visibility(evac_tox_extinction(g.soot_kg_m3), 3.0);
    out[EVAC_FQ_FED_RATE * nc + i] = (float)(60.0 * evac_tox_fed_rate(&g));
  }
}

void evac_smoke_budget(const struct evac_smoke *s,
                       struct evac_smoke_budget *b) {
  *b = s->budget;
  b->present = b->soot_present = b->co_present = 0.0;
  for (size_t c = 0; c < s->n; c++) {
    b->present += s->q[c][Q_MASS];
    b->soot_present += s->q[c][Q_SOOT];
    b->co_present += s->q[c][Q_CO];
  }
}

uint64_t evac_smoke_cell_updates(const struct evac_smoke *s) {
  return s->updates;
}
