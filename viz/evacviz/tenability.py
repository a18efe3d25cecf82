"""Where the model's untenability rules hold, from the stored fields
(/fields/floor_NN: layer_height_m, upper_temp_c, soot_kg_m3), drawn per
floor: the state of each cell at chosen times and when it first became
untenable. The rules are the engine's (docs/models.md, docs/hospital.md):

- a person (ASET, routes): the smoke layer reaches a standing head
  (interface at or below 1.6 m) and there visibility < 5 m or the gas is
  hotter than 60 degC;
- a compartment (models/behaviour/tenability.c): the layer is hotter
  than 200 degC (radiation), or its interface is below 1.8 m and there
  visibility < 10 m or the gas is hotter than 60 degC.

The second holds wherever the first does, so each cell gets one state."""

import numpy as np

from . import plan as planmod
from .common import field_map

# The engine's constants (sim/engine/sim.h).
HEAD_M = 1.6            # EVAC_HEAD_STANDING_M: fields are sampled at it
PERSON_VIS_M = 5.0      # EVAC_UNTENABLE_VIS_M
PERSON_TEMP_C = 60.0    # EVAC_UNTENABLE_TEMP_C
COMP_HEIGHT_M = 1.8     # EVAC_TENAB_HEIGHT_M
COMP_VIS_M = 10.0       # EVAC_TENAB_VIS_M
COMP_TEMP_C = 60.0      # EVAC_TENAB_TEMP_C
RADIANT_C = 200.0       # EVAC_TENAB_RADIANT_C
MASS_EXTINCTION = 8700.0  # m2/kg (models/tox)
VISIBILITY_MAX_M = 1000.0

# Cell states, in colour order.
CLEAR, SMOKE, COMPARTMENT, PERSON = range(4)
STATE_LABELS = ["no smoke layer", "smoke layer, tenable",
                "untenable for a compartment\n(layer < 1.8 m or > 200 °C)",
                "untenable at a standing head\n(ASET rule)"]
STATE_COLOURS = ["#ffffff", "#c9d9ea", "#f4a261", "#b2182b"]


def visibility(soot):
    """Visibility of reflecting signs (m) in gas of soot density soot
    (kg/m3), as models/tox: 3 / (8700 soot), at most 1000 m."""
    k = MASS_EXTINCTION * np.maximum(soot, 0.0)
    with np.errstate(divide="ignore"):
        v = np.where(k * VISIBILITY_MAX_M <= 3.0, VISIBILITY_MAX_M, 3.0 / k)
    return v


def states(layer, temp, soot, ceiling_m):
    """[ny][nx] state of each cell (NaN where walls) from one sample."""
    vis = visibility(soot)
    bad_gas_person = (temp > PERSON_TEMP_C) | (vis < PERSON_VIS_M)
    bad_gas_comp = (temp > COMP_TEMP_C) | (vis < COMP_VIS_M)
    # a layer down to the head has mass: the head is in its gas
    person = (layer <= HEAD_M) & bad_gas_person
    comp = (temp > RADIANT_C) | (layer < COMP_HEIGHT_M) & bad_gas_comp
    smoke = (layer < ceiling_m - 1e-3) | (soot > 0)
    out = np.where(person, PERSON, np.where(comp, COMPARTMENT,
                                            np.where(smoke, SMOKE, CLEAR))).astype(float)
    out[np.isnan(layer)] = np.nan
    return out


def sample_states(f, floor, k, ceiling_m):
    """The cell states of floor index floor at field sample k of f."""
    return states(*(field_map(f, floor, q, k)
                    for q in ("layer_height_m", "upper_temp_c", "soot_kg_m3")),
                  ceiling_m)


def first_untenable(f, floor, times, ceiling_m):
    """[ny][nx] time (s) each cell first became untenable for a
    compartment (NaN: never) and the same for the person rule, on floor
    index floor of f."""
    g = f["fields/floor_%02d" % floor]
    ny, nx = g["layer_height_m"].shape[1:]
    comp = np.full((ny, nx), np.nan)
    person = np.full((ny, nx), np.nan)
    k0 = int(g.attrs.get("first_sample", -1))
    if k0 < 0:
        return comp, person
    for k in range(k0, len(times)):
        st = sample_states(f, floor, k, ceiling_m)
        comp[np.isnan(comp) & (st >= COMPARTMENT)] = times[k]
        person[np.isnan(person) & (st == PERSON)] = times[k]
    return comp, person


def has_fields(g):
    """1 if the floor group holds what the rules need."""
    return all(q in g for q in ("layer_height_m", "upper_temp_c", "soot_kg_m3"))


def tenability_map(f, plan, floor, ks, outdir, name, floor_size):
    """name.png: the cell states of floor at samples ks, then the time each
    cell first became untenable; returns (file, counts) where counts is
    [(time, person cells, compartment cells, open cells)]."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from .common import save

    fl = f["fields"]
    times = fl["time_s"][:]
    w, h = floor_size(floor, 9.0, 0.0)
    rows = len(ks) + 1
    height = (h + 0.55) * rows + 1.4
    fig, axes = plt.subplots(rows, 1, figsize=(w + 2.0, height), squeeze=False)
    fig.subplots_adjust(left=0.07, right=0.80, top=1 - 0.55 / height,
                        bottom=0.9 / height, hspace=0.55 / (h + 0.55) * 1.2)
    cmap = ListedColormap(STATE_COLOURS)
    counts = []
    ext = planmod.extent(plan, floor)
    for ax, k in zip(axes[:-1, 0], ks):
        st = sample_states(f, floor.index, k, floor.height_m)
        planmod.draw(ax, plan, floor, label=False)
        ax.imshow(np.ma.masked_invalid(st), cmap=cmap, vmin=-0.5, vmax=3.5, extent=ext,
                  interpolation="nearest", alpha=0.9)
        n_open = int(np.sum(~np.isnan(st)))
        n_p = int(np.sum(st == PERSON))
        n_c = int(np.sum(st >= COMPARTMENT))
        counts.append((float(times[k]), n_p, n_c, n_open))
        ax.set_title("t = %.0f s: %d cells untenable at a standing head, %d for a "
                     "compartment, of %d" % (times[k], n_p, n_c, n_open), fontsize=9)
        ax.set_xlabel("")
    comp, _ = first_untenable(f, floor.index, times, floor.height_m)
    ax = axes[-1, 0]
    planmod.draw(ax, plan, floor, label=False)
    im = ax.imshow(np.ma.masked_invalid(comp), cmap="inferno_r",
                   vmin=0.0, vmax=max(float(times[-1]), 1.0), extent=ext,
                   interpolation="nearest")
    ax.set_title("when each cell first became untenable for a compartment "
                 "(uncoloured: never)", fontsize=9)
    top = 1 - 0.55 / height
    last = axes[-1, 0].get_position()
    cax = fig.add_axes([0.83, last.y0, 0.02, last.height])
    fig.colorbar(im, cax=cax, label="time (s)")
    fig.legend(handles=[Patch(facecolor=c, edgecolor="#999", label=s)
                        for c, s in zip(STATE_COLOURS, STATE_LABELS)],
               loc="upper left", bbox_to_anchor=(0.81, top), fontsize=8, frameon=False)
    fig.suptitle("Floor %s: where the model's untenability rules hold" % floor.name)
    return save(fig, outdir, name, dpi=80), counts
