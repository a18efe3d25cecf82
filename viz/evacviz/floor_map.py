"""Floor maps a planner can print: one per floor, with the rooms and
regions named, the compartments outlined, the exits, refuges, stairs,
lifts, shafts and fire doors labelled, the hazards of the inspection list
marked by their ids where they are, the fire, the occupants' start cells
and the measure lines; labels are placed without overlaps (labels.py)."""

import numpy as np

from . import plan as planmod
from .labels import Placer

# Compartment outline colours (cycled).
COMPARTMENT_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e",
                       "#e6ab02", "#a6761d"]

# Feature kinds labelled, with the label's text colour.
FEATURE_STYLE = {"exit": "#1a6e1a", "refuge": "#2e7d32", "stair": "#1f4e9a",
                 "lift": "#16707a", "shaft": "#6a3d8f", "fire_door": "#a04a00"}

# Hazard types whose target is a region (the rest name a feature).
REGION_TARGETS = ("corridor_obstruction", "ebike_charging", "electrical_overload")

# Width of a printed map, inches per metre of floor (between 9 and 18 in).
IN_PER_M = 0.3


def map_size(plan, floor):
    """(width, height) of the map's figure, inches."""
    ny, nx = floor.shape
    w = min(18.0, max(9.0, nx * plan.cell_m * IN_PER_M))
    return w, w * ny / max(nx, 1) + 2.2


def region_cells(plan, floor, name):
    """Centre (cells) of the region called name on floor, or None."""
    for r in plan.regions:
        if str(r.get("name")) == name and str(r.get("floor")) == floor.name:
            x0, y0, x1, y1 = r["rect"]
            return ((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    return None


def hazard_places(plan, floor, hazards):
    """The hazards on this floor: ([(number, id, type, (x, y) cells or
    None, fixed)]) in list order; a hazard without a place on the map
    (no target) gets None."""
    feats = planmod.features(floor)
    out = []
    for i, h in enumerate(hazards):
        floors = h.get("floors")
        if floors and floor.name not in [str(v) for v in floors]:
            continue
        target = h.get("target")
        where = None
        if target:
            target = str(target)
            where = (region_cells(plan, floor, target) if h.get("type") in REGION_TARGETS
                     else feats.get(target))
            if where is None:
                continue  # the target is not on this floor
        out.append((i + 1, str(h.get("id", i + 1)), str(h.get("type", "?")), where,
                    bool(h.get("fixed"))))
    return out


# Unnamed areas smaller than this are not drawn (a door cell between two
# named compartments is an area of its own).
MIN_AREA_M2 = 2.0


def draw_compartments(ax, plan, floor):
    """Tints and outlines each compartment of the floor; returns
    [(label, (x, y) m, colour)] for the named ones and, when the floor has
    several, the unnamed areas that are not stair enclosures."""
    from matplotlib.colors import to_rgba

    comp, names = planmod.compartments(plan, floor)
    c = plan.cell_m
    ny, nx = floor.shape
    ext = planmod.extent(plan, floor)
    stair = floor.kinds == planmod.KINDS.index("stair")
    shown = []
    tint = np.zeros((ny, nx, 4))
    named = any(not n.startswith("area-") for n in names)
    for k, name in enumerate(names):
        mask = comp == k
        unnamed = name.startswith("area-")
        if not mask.any() or unnamed and mask.sum() * c * c < MIN_AREA_M2:
            continue
        col = COMPARTMENT_COLOURS[k % len(COMPARTMENT_COLOURS)]
        tint[mask] = to_rgba(col, 0.10)
        # the outline: the contour of the mask, at cell edges
        pad = np.pad(mask.astype(float), 1)
        xs = (np.arange(nx + 2) - 0.5) * c
        ys = (np.arange(ny + 2) - 0.5) * c
        ax.contour(xs, ys, pad, levels=[0.5], colors=[col], linewidths=1.6,
                   zorder=2.5)
        if stair[mask].mean() > 0.5 or len(names) < 2 or unnamed and named:
            continue  # a stair enclosure, one compartment, or a gap
        ys_, xs_ = np.nonzero(mask)
        # the anchor: the compartment's cell nearest its centroid
        j = np.argmin((xs_ - xs_.mean()) ** 2 + (ys_ - ys_.mean()) ** 2)
        shown.append(("compartment %s" % name, ((xs_[j] + 0.5) * c, (ys_[j] + 0.5) * c),
                      col))
    ax.imshow(tint, extent=ext, interpolation="nearest", zorder=1.5)
    return shown


def label_compartments(placer, shown):
    """Names the compartments draw_compartments returned."""
    for label, xy, col in shown:
        placer.place(label, xy, fontsize=8, color=col, fontweight="bold", zorder=6,
                     bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=col, lw=0.8,
                               alpha=0.9), leader=col)


def draw_regions(ax, plan, floor, placer):
    """Names each region of the floor inside its rectangle (turned when it
    fits better upright)."""
    c = plan.cell_m
    for r in plan.regions:
        if str(r.get("floor")) != floor.name:
            continue
        x0, y0, x1, y1 = r["rect"]
        w, h = (x1 - x0 + 1) * c, (y1 - y0 + 1) * c
        xy = ((x0 + x1 + 1) / 2.0 * c, (y0 + y1 + 1) / 2.0 * c)
        placer.place(str(r.get("name", "")), xy, fontsize=7, color="#333",
                     rotation=90 if h > 1.6 * w else 0, zorder=5,
                     radii=(0, 9, 16))


def draw_features(ax, plan, floor, placer):
    """Labels the named exits, refuges, stairs, lifts, shafts and fire
    doors (and unnamed exits)."""
    c = plan.cell_m
    for name, (x, y) in sorted(planmod.features(floor).items()):
        kind = planmod.KINDS[floor.kinds[int(round(y)), int(round(x))]]
        if kind not in FEATURE_STYLE:
            ys, xs = np.nonzero(floor.labels == name)
            kind = planmod.KINDS[floor.kinds[ys[0], xs[0]]] if len(xs) else kind
        if kind not in FEATURE_STYLE:
            continue
        col = FEATURE_STYLE[kind]
        placer.place(name, ((x + 0.5) * c, (y + 0.5) * c), fontsize=7, color=col,
                     zorder=7, leader=col,
                     bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=col, lw=0.6,
                               alpha=0.95))


def floor_map(plan, floor, agents, scenario, hazards, fires, outdir, name):
    """name.png: the printable map of floor; returns (file, hazards
    without a place on the map, labels that found no free place)."""
    import matplotlib.pyplot as plt

    from .common import save

    fig, ax = plt.subplots(figsize=map_size(plan, floor))
    planmod.draw(ax, plan, floor, label=False)
    c = plan.cell_m
    # the measure lines: thin and dashed, so the door under them shows
    for m in plan.measures:
        if str(m.get("floor")) == floor.name and len(m.get("line", [])) == 4:
            x0, y0, x1, y1 = m["line"]
            ax.plot([(x0 + 0.5) * c, (x1 + 0.5) * c], [(y0 + 0.5) * c, (y1 + 0.5) * c],
                    color="magenta", lw=1.0, ls=(0, (2, 2)), zorder=3)
    if any(str(m.get("floor")) == floor.name for m in plan.measures):
        ax.plot([], [], color="magenta", lw=1.0, ls=(0, (2, 2)), label="measure line")
    on = agents["floor_index"] == floor.index
    profiles = sorted(set(agents["profile"][on]))
    cmap = plt.get_cmap("tab10")
    for i, p in enumerate(profiles):
        sel = on & (agents["profile"] == p)
        ax.scatter((agents["start_x"][sel] + 0.5) * c, (agents["start_y"][sel] + 0.5) * c,
                   s=6, color=cmap(i % 10), label="%s (%d)" % (p, sel.sum()),
                   zorder=3, linewidths=0, alpha=0.8)
    stars = []
    for fname, (x, y), label in fires:
        if fname == floor.name:
            stars.append(((x + 0.5) * c, (y + 0.5) * c))
            ax.scatter([stars[-1][0]], [stars[-1][1]], marker="*", s=220,
                       color="red" if label == "fire" else "none",
                       edgecolors="red", zorder=8, label=label)
    shown = draw_compartments(ax, plan, floor)
    elsewhere = [(hid, t, fx) for _, hid, t, where, fx in hazard_places(plan, floor, hazards)
                 if where is None]
    handles, _ = ax.get_legend_handles_labels()
    from matplotlib.lines import Line2D

    if any(where is not None for _, _, _, where, _ in hazard_places(plan, floor, hazards)):
        handles.append(Line2D([], [], marker="o", ls="", mfc="none", mec="#c00000", mew=1.6,
                              label="hazard (id as inspected)"))
    if shown:
        handles.append(Line2D([], [], color=COMPARTMENT_COLOURS[0], lw=1.6,
                              label="compartment outline"))
    ax.legend(handles=handles + planmod.legend_handles(), fontsize=7, ncol=8,
              loc="upper center", bbox_to_anchor=(0.5, -0.06 * 15 / map_size(plan, floor)[1]),
              frameon=False)
    title = "Floor %s (%s): %d occupants at the start" % (
        floor.name, plan.name, int(on.sum()))
    if elsewhere:
        import textwrap

        title += "\n" + "\n".join(textwrap.wrap("also on this floor: " + "; ".join(
            "%s %s%s" % (hid, t.replace("_", " "), " (fixed)" if fx else "")
            for hid, t, fx in elsewhere), 150))
    ax.set_title(title, fontsize=10)
    # labels last, once the layout is fixed: they are placed in display
    # coordinates
    fig.tight_layout()
    fig.canvas.draw()
    placer = Placer(ax)
    for xy in stars:
        placer.block(xy, 16)
    # hazards first (they matter most), then the features, the regions and
    # the compartments
    for _, hid, _, where, fixed in hazard_places(plan, floor, hazards):
        if where is None:
            continue
        col = "#888" if fixed else "#c00000"
        x, y = where
        ax.scatter([(x + 0.5) * c], [(y + 0.5) * c], marker="o", s=70, facecolors="none",
                   edgecolors=col, linewidths=1.6, zorder=8)
        placer.block(((x + 0.5) * c, (y + 0.5) * c), 10)
        placer.place("%s%s" % (hid, " (fixed)" if fixed else ""),
                     ((x + 0.5) * c, (y + 0.5) * c), radii=(9, 16, 26, 40, 58, 80),
                     fontsize=9, fontweight="bold", color=col, zorder=9, leader=col,
                     bbox=dict(boxstyle="round,pad=0.2", fc="#fff3f3", ec=col, lw=1.0))
    draw_features(ax, plan, floor, placer)
    draw_regions(ax, plan, floor, placer)
    label_compartments(placer, shown)
    return save(fig, outdir, name, dpi=100), elsewhere, placer.unplaced, shown
