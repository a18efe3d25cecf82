/* Two-layer grid smoke model (docs/models.md § Smoke): every gas cell of
 * every floor carries a hot upper layer (mass, heat, species) under its
 * ceiling. The fire's plume fills the fire cell; layers spread under
 * ceilings, as gravity currents ("layer", the default) or with their own
 * momentum (shallow-water equations, "momentum"; the scenario's "smoke"
 * model), pass doorways below their soffits, leak through closed doors,
 * vent through exits and exhausts, and rise through stairs, lifts and
 * service shafts. Mass and species are conserved exactly. */
#ifndef EVAC_SMOKE_H
#define EVAC_SMOKE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "models/tox/tox.h"

struct evac_smoke; /* opaque */

/* Smoke field quantities sampled per floor (/fields/floor_NN/NAME). */
enum evac_field_qty {
  EVAC_FQ_LAYER_HEIGHT = 0, /* layer_height_m: smoke interface above floor */
  EVAC_FQ_UPPER_TEMP,       /* upper_temp_c */
  EVAC_FQ_SOOT,             /* soot_kg_m3 (upper layer) */
  EVAC_FQ_CO,               /* co_ppm (upper layer) */
  EVAC_FQ_VISIBILITY,       /* visibility_m at head height (C = 3) */
  EVAC_FQ_FED_RATE,         /* fed_rate_per_min at head height */
  EVAC_NFQ
};

/* What the fire puts into the fire cell's upper layer this step. */
struct evac_smoke_source {
  int32_t cell;                        /* fire cell */
  double hrr_kw;                       /* heat release rate */
  double qc_kw;                        /* its convective part */
  double fuel_kg_s;                    /* fuel burnt */
  double soot_kg_s, co_kg_s, co2_kg_s; /* species produced */
};

/* Mass bookkeeping (kg): what the fire put in, what is in the layers, what
 * left through exits and exhausts. produced = present + vented exactly. */
struct evac_smoke_budget {
  double produced, present, vented; /* layer gas */
  double soot_produced, soot_present, soot_vented;
  double co_produced, co_present, co_vented;
};

/* Creates the smoke state of model m, clean air everywhere. Returns NULL
 * out of memory. */
struct evac_smoke *evac_smoke_create(const struct evac_model *m);

/* Frees it (NULL allowed). */
void evac_smoke_free(struct evac_smoke *s);

/* Bytes a cell of the "momentum" transport takes beyond those of "layer"
 * once smoke reaches it (its face velocities, wall heat, face terms and
 * pressure-solve row), for the memory estimate (sim/engine/memory.c). */
size_t evac_smoke_momentum_cell_bytes(void);

/* Holds door or fire door cell c open (1: a doorway for smoke) or shuts
 * it (0: it leaks through its gaps); other cells are left as they are. */
void evac_smoke_hold_open(struct evac_smoke *s, int32_t cell, int open);

/* 1 if door or fire door cell c stands open (a doorway for smoke), 0 if it
 * is shut or not a door. */
int evac_smoke_door_open(const struct evac_smoke *s, int32_t cell);

/* Marks in reach (one byte a cell, zeroed by the caller) every cell that
 * gas put into cell from can ever enter, as the transport moves it: over
 * every face between gas cells of a floor (open doorways and the leaking
 * gaps of closed doors, lift doors and shaft walls), never into a
 * pressurised stair from outside it nor out of an exit, and upwards only,
 * through each stair, shaft and lift to the next floor it serves. 0, or -1
 * out of memory. */
int evac_smoke_reach(const struct evac_smoke *s, int32_t from, uint8_t *reach);

/* Advances by dt seconds with the source src (NULL: no fire), using
 * threads threads for the sweep. Returns 0, or -1 out of memory. */
int evac_smoke_step(struct evac_smoke *s, double dt,
                    const struct evac_smoke_source *src, int threads);

/* The gas at head height head_m above the floor of cell c: the upper
 * layer's if the interface is below the head, else clean ambient air. */
void evac_smoke_gas(const struct evac_smoke *s, int32_t c, double head_m,
                    struct evac_gas *g);

/* Upper-layer temperature (°C) and interface height above the floor (m)
 * of cell c. */
double evac_smoke_layer_c(const struct evac_smoke *s, int32_t c);
double evac_smoke_interface_m(const struct evac_smoke *s, int32_t c);

/* 1 if floor f has any smoke now. */
int evac_smoke_floor_has_smoke(const struct evac_smoke *s, int f);

/* Fills out (EVAC_NFQ arrays of the floor's nx * ny cells, quantity-major,
 * enum evac_field_qty) for floor f at head height head_m. */
void evac_smoke_floor_fields(const struct evac_smoke *s, int f, double head_m,
                             float *out);

/* The ambient values of the field quantities of floor f. */
void evac_smoke_floor_ambient(const struct evac_smoke *s, int f, float *out);

/* The mass budget so far. */
void evac_smoke_budget(const struct evac_smoke *s, struct evac_smoke_budget *b);

/* Cell updates done so far (the cells swept at each fine sub-step,
 * summed). */
uint64_t evac_smoke_cell_updates(const struct evac_smoke *s);

#endif
