"""The building plan stored in a result file (/parameters/plan_json):
cell kinds per floor, feature names, and drawing a floor on matplotlib axes."""

import json

import numpy as np

from .common import ReportError

# Cell kinds, in colour-map order, with their colours and legend labels.
KINDS = ["void", "wall", "floor", "door", "fire_door", "exit", "refuge",
         "stair", "shaft", "lift"]
COLOURS = ["#ffffff", "#3c3c3c", "#f2f2f2", "#d9b38c", "#e69138", "#38a838",
           "#9fdf9f", "#5b8fd6", "#a070c0", "#6cc6c6"]
BUILTIN = {" ": "void", "#": "wall", ".": "floor", "D": "door",
           "F": "fire_door", "E": "exit", "R": "refuge"}


class Floor:
    """One floor: its name, index, height and grid of cell kinds."""

    def __init__(self, index, name, height_m, kinds, labels):
        self.index = index          # plan order, 0-based
        self.name = name            # name in the plan
        self.height_m = height_m    # storey (ceiling) height, m
        self.kinds = kinds          # [ny][nx] int8, index into KINDS
        self.labels = labels        # [ny][nx] feature name or "" per cell

    @property
    def shape(self):
        """(ny, nx)."""
        return self.kinds.shape


class Plan:
    """A parsed plan: floors, cell size, measure lines."""

    def __init__(self, text, source):
        try:
            p = json.loads(text)
        except ValueError as e:
            raise ReportError("%s: /parameters/plan_json is not JSON: %s" % (source, e))
        self.name = str(p.get("name", ""))
        self.cell_m = float(p.get("cell_m", 1.0))
        legend = p.get("legend", {}) or {}
        self.floors = []
        for i, f in enumerate(p.get("floors", [])):
            rows = f.get("rows", [])
            nx = max((len(r) for r in rows), default=0)
            kinds = np.zeros((len(rows), nx), dtype=np.int8)
            labels = np.full((len(rows), nx), "", dtype=object)
            for y, row in enumerate(rows):
                for x, c in enumerate(row):
                    if c in BUILTIN:
                        kinds[y, x] = KINDS.index(BUILTIN[c])
                    elif c in legend and legend[c]:
                        kind, name = next(iter(legend[c].items()))
                        kinds[y, x] = KINDS.index(kind) if kind in KINDS else 2
                        labels[y, x] = str(name)
            self.floors.append(Floor(i, str(f.get("name", i)),
                                     float(f.get("height_m", 3.0)), kinds, labels))
        self.measures = p.get("measures", []) or []
        self.regions = [r for r in (p.get("regions", []) or [])
                        if isinstance(r, dict) and len(r.get("rect", [])) == 4]
        self.by_name = {f.name: f for f in self.floors}

    def floor_index(self, name):
        """Index of the floor called name, or -1."""
        f = self.by_name.get(str(name))
        return f.index if f else -1


def features(floor):
    """{name: (x, y) centroid in cells} of the named features of a floor,
    and of its unnamed exits (as 'exit')."""
    out = {}
    names = {n for n in np.unique(floor.labels) if n}
    for n in sorted(names):
        ys, xs = np.nonzero(floor.labels == n)
        out[n] = (xs.mean(), ys.mean())
    ys, xs = np.nonzero((floor.kinds == KINDS.index("exit")) & (floor.labels == ""))
    if len(xs):
        out.setdefault("exit", (xs.mean(), ys.mean()))
    return out


def extent(plan, floor):
    """imshow extent of a floor in metres (y down, as in the plan)."""
    ny, nx = floor.shape
    return (0, nx * plan.cell_m, ny * plan.cell_m, 0)


def draw(ax, plan, floor, alpha=1.0, label=True):
    """Draws the floor's cells (and, with label, its named features) on ax,
    in metres."""
    from matplotlib.colors import ListedColormap

    ax.imshow(floor.kinds, cmap=ListedColormap(COLOURS), vmin=-0.5,
              vmax=len(KINDS) - 0.5, extent=extent(plan, floor),
              interpolation="nearest", alpha=alpha)
    if label:
        for n, (x, y) in features(floor).items():
            k = floor.kinds[int(round(y)), int(round(x))]
            if KINDS[k] in ("exit", "stair", "lift", "refuge"):
                ax.annotate(n, ((x + 0.5) * plan.cell_m, (y + 0.5) * plan.cell_m),
                            fontsize=7, ha="center", va="bottom",
                            xytext=(0, 4), textcoords="offset points",
                            bbox=dict(boxstyle="round,pad=0.15", fc="white",
                                      ec="none", alpha=0.8))
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.set_aspect("equal")


def slug(name):
    """A floor or feature name as a file-name part: letters, digits, '.',
    '_' and '-' kept, anything else '_'."""
    import re

    return re.sub(r"[^A-Za-z0-9._-]", "_", str(name)).lstrip(".") or "_"


def floor_files(plan):
    """{floor index: file-name part} from the floor names, unique (a
    clash of slugs gets the plan index appended)."""
    out, seen = {}, {}
    for fl in plan.floors:
        seen.setdefault(slug(fl.name), []).append(fl.index)
    for s, idx in seen.items():
        for i in idx:
            out[i] = s if len(idx) == 1 else "%s_%d" % (s, i)
    return out


# Cells that belong to a compartment: walkable but fire doors and exits
# (models/behaviour/tenability.c).
COMPARTMENT_KINDS = ("floor", "door", "refuge", "stair")


def compartments(plan, floor):
    """The compartments of a floor as the engine forms them: the regions
    sharing a `compartment` name, then the areas bounded by walls, fire
    doors, exits and the named compartments (4-neighbour flood fill).
    Returns ([ny][nx] int32 id or -1, [name]); unnamed areas are
    'area-N'."""
    ny, nx = floor.shape
    inside = np.isin(floor.kinds, [KINDS.index(k) for k in COMPARTMENT_KINDS])
    comp = np.full((ny, nx), -1, dtype=np.int32)
    names = []
    for r in plan.regions:
        if str(r.get("floor")) != floor.name or not r.get("compartment"):
            continue
        name = str(r["compartment"])
        if name not in names:
            names.append(name)
        x0, y0, x1, y1 = (int(v) for v in r["rect"])
        sub = comp[y0:y1 + 1, x0:x1 + 1]
        sub[(sub < 0) & inside[y0:y1 + 1, x0:x1 + 1]] = names.index(name)
    area = 0
    for y0 in range(ny):
        for x0 in range(nx):
            if comp[y0, x0] >= 0 or not inside[y0, x0]:
                continue
            area += 1
            names.append("area-%d" % area)
            k = len(names) - 1
            comp[y0, x0] = k
            stack = [(x0, y0)]
            while stack:
                x, y = stack.pop()
                for u, v in ((x + 1, y), (x, y + 1), (x - 1, y), (x, y - 1)):
                    if 0 <= u < nx and 0 <= v < ny and comp[v, u] < 0 and inside[v, u]:
                        comp[v, u] = k
                        stack.append((u, v))
    return comp, names


def legend_handles():
    """Legend patches for the cell kinds (but void)."""
    from matplotlib.patches import Patch

    return [Patch(facecolor=c, edgecolor="#999", label=k.replace("_", " "))
            for k, c in zip(KINDS[1:], COLOURS[1:])]


def wall_mask(floor):
    """[ny][nx] bool: wall and void cells."""
    return floor.kinds <= KINDS.index("wall")
