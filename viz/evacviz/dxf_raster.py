"""evacsim import dxf: rasterises the floors read from DXF (dxf_read) at
cell_m into a plan: the cell rows, the stairs, lifts, shafts and refuges
shared between floors, the rooms as regions, the exits as measure lines,
and a warning for each thing that could not be mapped."""

import math

import numpy as np

from .common import ReportError

# Legend characters for stairs, lifts, shafts and named refuges: none of
# the plan's built-in characters (# . space E D F R).
LEGEND_CHARS = ("ABCGHIJKLMNOPQSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                "$%&*+<=>?@^~")

UNSET = "?"  # a cell not yet known to be floor or void

# Cells of all floors together at most: the plan loader's limit.
MAX_CELLS = 50000000

# Feature roles: the legend kind, the automatic name, whether walls under
# the outline become the feature (lifts and shafts take their enclosure).
FEATURES = {"stair": ("stair", "Stair", False), "lift": ("lift", "Lift", True),
            "fire_lift": ("lift", "Fire lift", True),
            "shaft": ("shaft", "Shaft", True), "refuge": ("refuge", "Refuge", False)}

OPENINGS = {"door": "D", "fire_door": "F", "exit": "E"}


class Frame:
    """The grid shared by every floor (the bounding box of all of them):
    cell (col, row) covers x in [x0 + col*cell, x0 + (col+1)*cell) and y in
    (top - (row+1)*cell, top - row*cell]."""

    def __init__(self, floors, cell):
        xs, ys = [], []
        for f in floors:
            for s in f.shapes:
                xs += [p[0] for p in s.points]
                ys += [p[1] for p in s.points]
            xs += [lb.x for lb in f.labels]
            ys += [lb.y for lb in f.labels]
        # a line at the drawing's edge, or any whole number of cells from
        # it, runs through cell centres; one empty cell is left around
        self.cell = cell
        self.span = (max(xs) - min(xs), max(ys) - min(ys))  # metres
        self.x0 = min(xs) - 1.5 * cell
        self.top = max(ys) + 1.5 * cell
        self.nx = int(math.floor((max(xs) - self.x0) / cell)) + 2
        self.ny = int(math.floor((self.top - min(ys)) / cell)) + 2
        if self.nx * self.ny * len(floors) > MAX_CELLS:
            raise ReportError(
                "%s: the drawings span %.0f x %.0f m: %d x %d cells a floor at %g m, "
                "more than %d cells in all; is something drawn far from the building "
                "(x %.1f .. %.1f, y %.1f .. %.1f), or are the units wrong (map key "
                "unit_m)?" % (", ".join(f.path for f in floors), max(xs) - min(xs),
                              max(ys) - min(ys), self.nx, self.ny, cell, MAX_CELLS,
                              min(xs), max(xs), min(ys), max(ys)))

    def cell_of(self, x, y):
        """(col, row) of the point, clamped to the grid; a point on a cell
        edge (to rounding) is in the cell right of it or below it."""
        c = int(math.floor((x - self.x0) / self.cell + 1e-6))
        r = int(math.floor((self.top - y) / self.cell + 1e-6))
        return min(max(c, 0), self.nx - 1), min(max(r, 0), self.ny - 1)

    def line_cells(self, pts, closed):
        """The cells a polyline crosses, 4-connected (no diagonal step that
        people or smoke could slip through)."""
        cells = []
        segs = list(zip(pts, pts[1:] + pts[:1] if closed else pts[1:]))
        if not segs:
            segs = [(pts[0], pts[0])]
        for (ax, ay), (bx, by) in segs:
            n = max(1, int(math.ceil(math.hypot(bx - ax, by - ay) / (self.cell / 4))))
            prev = None
            for i in range(n + 1):
                c = self.cell_of(ax + (bx - ax) * i / n, ay + (by - ay) * i / n)
                if prev and c[0] != prev[0] and c[1] != prev[1]:
                    cells.append((c[0], prev[1]))
                cells.append(c)
                prev = c
        return cells

    def opening_cells(self, pts):
        """The cells of an opening drawn as a line: those whose centre
        projects onto the line (rounding its width to whole cells; at
        least one cell)."""
        cells = []
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            length2 = (bx - ax) ** 2 + (by - ay) ** 2
            seg = self.line_cells([(ax, ay), (bx, by)], False)
            keep = []
            for c, r in seg:
                px = self.x0 + (c + 0.5) * self.cell
                py = self.top - (r + 0.5) * self.cell
                t = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length2 if length2 else 0
                if -1e-9 <= t <= 1 + 1e-9:
                    keep.append((c, r))
            cells += keep or seg[len(seg) // 2:len(seg) // 2 + 1]
        return cells or self.line_cells(pts, False)

    def area_cells(self, pts):
        """The cells whose centre lies inside the polygon (even-odd rule)."""
        xs = np.array([p[0] for p in pts])
        ys = np.array([p[1] for p in pts])
        c0, r1 = self.cell_of(xs.min(), ys.min())
        c1, r0 = self.cell_of(xs.max(), ys.max())
        cols, rows = np.meshgrid(np.arange(c0, c1 + 1), np.arange(r0, r1 + 1))
        px = self.x0 + (cols + 0.5) * self.cell
        py = self.top - (rows + 0.5) * self.cell
        inside = np.zeros(px.shape, dtype=bool)
        for i in range(len(xs)):
            ax, ay, bx, by = xs[i], ys[i], xs[i - 1], ys[i - 1]
            if ay == by:
                continue
            crosses = (ay > py) != (by > py)
            xcross = ax + (py - ay) * (bx - ax) / (by - ay)
            inside ^= crosses & (px < xcross)
        return list(zip(cols[inside].tolist(), rows[inside].tolist()))


class Plan:
    """The plan being built, floor by floor, and the warnings."""

    def __init__(self, frame, mapping, warnings):
        self.frame = frame
        self.mapping = mapping
        self.floors = []        # {"name", "elevation_m", "height_m", "rows"}
        self.features = {}      # name -> {"role", "char", "floors", "where", "box", ...}
        self.regions = []       # plan regions
        self.measures = []      # plan measures
        self.warnings = warnings  # "FILE: message" lines, appended to
        self.open_wall_ends = 0  # wall ends touching nothing (warned)

    def warn(self, path, msg):
        self.warnings.append("%s: %s" % (path, msg))


def paint_walls(frame, grid, floor):
    """Walls: lines and outlines one cell thick, HATCH and SOLID filled."""
    walls = [s for s in floor.shapes if s.role == "wall"]
    for s in walls:
        cells = frame.line_cells(s.points, s.closed)
        if s.filled:
            cells += frame.area_cells(s.points)
        for c, r in cells:
            grid[r, c] = "#"
    return walls


def paint_openings(frame, grid, floor, plan):
    """Doors, fire doors and exits: their cells replace the wall they cross
    (a closed outline is filled, so a rectangle can span a thick wall; of a
    swing's two radii, the one along more wall cells is the opening); one
    that touches no wall is reported and left out."""
    for s in floor.shapes:
        ch = OPENINGS.get(s.role)
        if not ch:
            continue
        if s.swing:  # along the wall: more wall (or door) cells, else jambs
            cells = max((frame.opening_cells(radius) for radius in s.swing),
                        key=lambda cs: (sum(grid[r, c] in "#DFE" for c, r in cs),
                                        sum(ends_at_wall(grid, c, r) for c, r in cs)))
        elif s.closed or s.filled:
            cells = frame.line_cells(s.points, True) + frame.area_cells(s.points)
        else:
            cells = frame.opening_cells(s.points)
        if not any(grid[r, c] == "#" or ends_at_wall(grid, c, r) for c, r in cells):
            plan.warn(floor.path, "%s: %s that is not in a wall: left out"
                      % (s.where(), {"door": "a door", "fire_door": "a fire door",
                                     "exit": "an exit"}[s.role]))
            continue
        for c, r in cells:
            if grid[r, c] in ("#", UNSET):
                grid[r, c] = ch


def ends_at_wall(grid, c, r):
    """Whether a cell beside (c, r) is a wall (an opening drawn in a gap)."""
    ny, nx = grid.shape
    return any(0 <= c + dc < nx and 0 <= r + dr < ny and grid[r + dr, c + dc] == "#"
               for dc, dr in ((1, 0), (-1, 0), (0, 1), (0, -1)))


def flood(grid, start, passable):
    """The cells 4-connected to start through cells whose kind is in
    passable (start included if passable); a list of (col, row)."""
    ny, nx = grid.shape
    c0, r0 = start
    if grid[r0, c0] not in passable:
        return []
    seen = np.zeros(grid.shape, dtype=bool)
    seen[r0, c0] = True
    todo, out = [start], []
    while todo:
        c, r = todo.pop()
        out.append((c, r))
        for cc, rr in ((c + 1, r), (c - 1, r), (c, r + 1), (c, r - 1)):
            if 0 <= cc < nx and 0 <= rr < ny and not seen[rr, cc] and grid[rr, cc] in passable:
                seen[rr, cc] = True
                todo.append((cc, rr))
    return out


def fill_void(grid):
    """Cells reached from the grid's edge without crossing a wall, door or
    exit are void (outside); the rest are floor."""
    ny, nx = grid.shape
    for c, r in flood(grid, (0, 0), {UNSET}):  # the frame has an empty border
        grid[r, c] = " "
    grid[grid == UNSET] = "."


def dangling_wall_ends(frame, floor, walls, plan):
    """Reports each end of an open wall line that touches no other wall,
    door or exit: where walls may not be closed."""
    segs, owner = [], []
    for i, s in enumerate(floor.shapes):
        if s.role not in ("wall", "door", "fire_door", "exit"):
            continue
        pts = s.points + s.points[:1] if s.closed else s.points
        for j in range(max(len(pts) - 1, 0)):
            segs.append((pts[j][0], pts[j][1], pts[j + 1][0], pts[j + 1][1]))
            owner.append((i, j))
    if not segs:
        return
    seg = np.array(segs)
    owners = np.array(owner)
    tol = max(frame.cell / 2, 0.01)
    index = {id(s): i for i, s in enumerate(floor.shapes)}
    found = []
    for s in walls:
        if s.closed or s.filled or len(s.points) < 2:
            continue
        i = index[id(s)]
        for (x, y), own in ((s.points[0], 0), (s.points[-1], len(s.points) - 2)):
            keep = ~((owners[:, 0] == i) & (owners[:, 1] == own))
            if point_seg_distance(x, y, seg[keep]).min(initial=np.inf) > tol:
                found.append("layer %s at (%.2f, %.2f)" % (s.layer, x, y))
    plan.open_wall_ends += len(found)
    for where in found[:20]:
        plan.warn(floor.path, "%s: a wall end that touches no other wall, door or "
                  "exit: the walls may not be closed" % where)
    if len(found) > 20:
        plan.warn(floor.path, "... and %d more open wall ends" % (len(found) - 20))


def point_seg_distance(x, y, seg):
    """Distances from (x, y) to each segment [x0, y0, x1, y1] of seg."""
    ax, ay, bx, by = seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = np.where(length2 > 0, ((x - ax) * dx + (y - ay) * dy) / np.where(length2 > 0, length2, 1), 0)
    t = np.clip(t, 0, 1)
    return np.hypot(ax + t * dx - x, ay + t * dy - y)


def label_inside(labels, role, pts):
    """The first label of role whose point lies inside the polygon pts."""
    for lb in labels:
        if lb.role == role and point_in_polygon(lb.x, lb.y, pts):
            return lb
    return None


def point_in_polygon(x, y, pts):
    """Even-odd test of (x, y) against the polygon pts."""
    inside = False
    for i in range(len(pts)):
        (ax, ay), (bx, by) = pts[i], pts[i - 1]
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def bbox(pts):
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def overlaps(a, b):
    """Whether two boxes (x0, y0, x1, y1) share some area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def paint_features(frame, grid, floor, fname, plan):
    """Stairs, lifts, shafts and refuges: each closed outline takes the floor
    cells inside it or under it (lifts and shafts also the walls), named by a label of
    its layer inside it, else by the feature whose outline it overlaps on a
    floor below, else automatically (Stair 1, ...)."""
    for s in floor.shapes:
        if s.role not in FEATURES:
            continue
        kind, auto, takes_walls = FEATURES[s.role]
        if not (s.closed or s.filled):
            plan.warn(floor.path, "%s: a %s that is not a closed outline: left out"
                      % (s.where(), s.role.replace("_", " ")))
            continue
        box = bbox(s.points)
        lb = label_inside(floor.labels, s.role, s.points)
        name = lb.text if lb else None
        if name is None:
            for n, f in plan.features.items():
                if f["role"] == s.role and fname not in f["floors"] and overlaps(f["box"], box):
                    name = n
                    break
        if name is None and kind == "refuge":
            ch = "R"  # an unnamed refuge: numbered by the plan loader
        else:
            if name is None:
                k = 1
                while "%s %d" % (auto, k) in plan.features:
                    k += 1
                name = "%s %d" % (auto, k)
            f = plan.features.get(name)
            if f is None:
                if len(plan.features) >= len(LEGEND_CHARS):
                    raise ReportError("%s: %s: more than %d stairs, lifts, shafts and "
                                      "named refuges" % (floor.path, s.where(),
                                                         len(LEGEND_CHARS)))
                f = plan.features[name] = {"role": s.role, "char": LEGEND_CHARS[len(plan.features)],
                                           "floors": [], "where": s.where(),
                                           "path": floor.path, "box": box,
                                           "area": polygon_area(s.points)}
            elif f["role"] != s.role:
                plan.warn(floor.path, "%s: \"%s\" is already the name of a %s: left out"
                          % (s.where(), name, f["role"].replace("_", " ")))
                continue
            if fname in f["floors"]:
                plan.warn(floor.path, "%s: a second outline of %s \"%s\" on this floor: "
                          "left out" % (s.where(), s.role.replace("_", " "), name))
                continue
            ch = f["char"]
        allowed = (".", "#") if takes_walls else (".",)
        area = frame.area_cells(s.points) + frame.line_cells(s.points, True)
        cells = [(c, r) for c, r in area if grid[r, c] in allowed]
        if not cells:
            plan.warn(floor.path, "%s: %s%s covers no floor cell (outside the walls or "
                      "smaller than a cell): left out" % (s.where(), s.role.replace("_", " "),
                                                          " \"%s\"" % name if name else ""))
            continue
        for c, r in cells:
            grid[r, c] = ch
        if ch != "R":
            f["floors"].append(fname)


def polygon_area(pts):
    """Area of a polygon (shoelace), m²."""
    return abs(sum(pts[i - 1][0] * pts[i][1] - pts[i][0] * pts[i - 1][1]
                   for i in range(len(pts)))) / 2


def add_rooms(frame, grid, floor, fname, plan):
    """Rooms: a closed outline on a room layer is a region (the bounding box
    of the cells inside it but walls,
    doors and exits) named by the room label inside it; a room label outside
    every outline names the walled area around it (bounded by walls,
    doors, fire doors and exits)."""
    walkable = set(".R") | {f["char"] for f in plan.features.values()
                            if f["role"] in ("stair", "refuge")}
    used = set()
    outlines = [s for s in floor.shapes if s.role == "room" and (s.closed or s.filled)]
    for s in floor.shapes:
        if s.role == "room" and s not in outlines:
            plan.warn(floor.path, "%s: a room line that is not a closed outline: "
                      "left out" % s.where())
    for k, s in enumerate(outlines):
        lb = label_inside(floor.labels, "room", s.points)
        if lb:
            used.add(id(lb))
        cells = [(c, r) for c, r in frame.area_cells(s.points) if grid[r, c] not in "# DFE"]
        if not cells:
            plan.warn(floor.path, "%s: a room with no floor cell inside (outside the "
                      "walls or smaller than a cell): left out" % s.where())
            continue
        add_region(plan, floor, fname, lb.text if lb else "%s room %d" % (fname, k + 1),
                   cells, s.points, s.where())
    areas = {}
    for lb in floor.labels:
        if lb.role != "room" or id(lb) in used:
            continue
        c, r = frame.cell_of(lb.x, lb.y)
        cells = flood(grid, (c, r), walkable)
        if not cells:
            what = {" ": "outside the walls (are the walls closed?)",
                    "#": "on a wall"}.get(grid[r, c], "on a door, exit, lift or shaft")
            plan.warn(floor.path, "%s: room label \"%s\" is %s: left out"
                      % (lb.where(), lb.text, what))
            continue
        key = min(cells)
        if key in areas:
            plan.warn(floor.path, "%s: room labels \"%s\" and \"%s\" are in one walled "
                      "area (a wall or door missing?): both get it" % (lb.where(), areas[key], lb.text))
        areas[key] = lb.text
        add_region(plan, floor, fname, lb.text, cells, [(lb.x, lb.y)], lb.where())


def add_region(plan, floor, fname, name, cells, pts, where):
    """Appends a region of the cells' bounding box; a name already used
    gets the floor name (and a number) added."""
    names = {g["name"] for g in plan.regions}
    unique, k = name, 1
    while unique in names:
        unique = "%s (%s)" % (name, fname) if k == 1 else "%s (%s, %d)" % (name, fname, k)
        k += 1
    cols = [c for c, _ in cells]
    rows = [r for _, r in cells]
    region = {"name": unique, "floor": fname,
              "rect": [min(cols), min(rows), max(cols), max(rows)],
              "kind": plan.mapping["room_kind"]}
    cx = sum(p[0] for p in pts) / len(pts)
    cy = sum(p[1] for p in pts) / len(pts)
    for s in floor.shapes:
        if s.role == "compartment" and (s.closed or s.filled) and point_in_polygon(cx, cy, s.points):
            lb = label_inside(floor.labels, "compartment", s.points)
            if lb:
                region["compartment"] = lb.text
            else:
                plan.warn(floor.path, "%s: a compartment with no name label inside: "
                          "left out" % s.where())
            break
    plan.regions.append(region)


def add_exit_measures(grid, fname, plan):
    """A measure line across each exit (4-connected E cells), named as the
    plan loader names the exit (exit-1, ... in reading order over floors)."""
    seen = set()
    ny, nx = grid.shape
    for r in range(ny):
        for c in range(nx):
            if grid[r, c] != "E" or (c, r) in seen:
                continue
            cells = sorted(flood(grid, (c, r), {"E"}), key=lambda p: (p[1], p[0]))
            seen.update(cells)
            n = sum(1 for m in plan.measures if m["name"].startswith("exit-")) + 1
            (x0, y0), (x1, y1) = cells[0], cells[-1]
            plan.measures.append({"name": "exit-%d" % n, "floor": fname,
                                  "line": [x0, y0, x1, y1]})


def rasterise_floor(plan, floor, fname, elevation, height):
    """Adds one floor to the plan. Raises ReportError when the DXF has no
    wall or no floor inside its walls."""
    frame = plan.frame
    grid = np.full((frame.ny, frame.nx), UNSET, dtype="<U1")
    walls = paint_walls(frame, grid, floor)
    if not walls:
        layers = sorted(k for k, v in plan.mapping["layers"].items() if v == "wall")
        raise ReportError("%s: no wall: nothing on the wall layers (%s); name your "
                          "layers in a map file (--map)" % (floor.path, ", ".join(layers)))
    paint_openings(frame, grid, floor, plan)
    fill_void(grid)
    dangling_wall_ends(frame, floor, walls, plan)
    if not (grid == ".").any():
        w, h = frame.span
        raise ReportError("%s: no floor inside the walls: are the walls closed? (%sthe "
                          "drawings span %.3g x %.3g m%s)"
                          % (floor.path, "see the open wall ends above; "
                             if plan.open_wall_ends else "", w, h,
                             ": wrong units? see unit_m in docs/import.md"
                             if min(w, h) < 2 else ""))
    paint_features(frame, grid, floor, fname, plan)
    add_rooms(frame, grid, floor, fname, plan)
    add_exit_measures(grid, fname, plan)
    for (layer, kind), n in sorted(floor.unsupported.items()):
        plan.warn(floor.path, "layer %s: %d %s entit%s not mapped (not a line, outline, "
                  "hatch or text)" % (layer, n, kind, "y" if n == 1 else "ies"))
    for layer, n in sorted(floor.unmapped.items()):
        plan.warn(floor.path, "layer %s: %d entit%s on a layer the map does not name: "
                  "ignored" % (layer, n, "y" if n == 1 else "ies"))
    plan.floors.append({"name": fname, "elevation_m": elevation, "height_m": height,
                        "rows": ["".join(row) for row in grid]})
    return grid


def finish(plan, name):
    """The plan as a JSON-ready dict; warns of a stair, lift or shaft on
    one floor only."""
    m = plan.mapping
    out = {"evacsim_plan": 1, "name": name, "cell_m": plan.frame.cell,
           "floors": plan.floors, "legend": {}, "stairs": [], "shafts": [], "lifts": []}
    for fname, f in plan.features.items():
        if not f["floors"]:
            continue
        kind = FEATURES[f["role"]][0]
        out["legend"][f["char"]] = {kind: fname}
        if kind == "stair":
            out["stairs"].append({"name": fname, "width_m": m["stair_width_m"]})
        elif kind == "shaft":
            out["shafts"].append({"name": fname, "kind": m["shaft_kind"],
                                  "area_m2": round(max(f["area"], 0.01), 3)})
        elif kind == "lift":
            out["lifts"].append({"name": fname, "fire_lift": f["role"] == "fire_lift",
                                 "capacity": m["lift_capacity"], "beds": m["lift_beds"],
                                 "speed_m_s": m["lift_speed_m_s"]})
        if len(f["floors"]) == 1 and (kind == "stair" or (kind == "lift" and
                                                          len(plan.floors) > 1)):
            plan.warn(f["path"], "%s: %s \"%s\" is on floor %s only: nothing joins it to "
                      "another floor" % (f["where"], kind, fname, f["floors"][0]))
    out["regions"] = plan.regions
    out["measures"] = plan.measures
    return out
