"""evacsim import dxf: the layer map and the reading of one DXF floor into
shapes (lines, outlines, filled areas) and labels, by role, in metres."""

import json
import math

from .common import ReportError

# What a layer can stand for (docs/import.md, "Layers").
ROLES = ("wall", "door", "fire_door", "exit", "stair", "lift", "fire_lift",
         "shaft", "refuge", "room", "compartment", "ignore")

# The layer map used without --map: the layer names of docs/import.md.
DEFAULT_LAYERS = {"WALL": "wall", "DOOR": "door", "FIRE_DOOR": "fire_door",
                  "EXIT": "exit", "STAIR": "stair", "LIFT": "lift",
                  "FIRE_LIFT": "fire_lift", "SHAFT": "shaft", "REFUGE": "refuge",
                  "ROOM": "room", "COMPARTMENT": "compartment"}

# The keys of a map file, with their defaults (None: from the DXF).
MAP_DEFAULTS = {"evacsim_dxf_map": None, "layers": None, "unit_m": None,
                "stair_width_m": 1.2, "lift_capacity": 13, "lift_beds": 0,
                "lift_speed_m_s": 1.0, "shaft_kind": "cable", "room_kind": "room"}

# $INSUNITS codes (DXF reference) -> metres per drawing unit.
INSUNITS_M = {1: 0.0254, 2: 0.3048, 4: 0.001, 5: 0.01, 6: 1.0, 14: 0.1}

# Entity types read as geometry or labels; any other type on a mapped
# layer is reported as not mapped.
GEOMETRY = {"LINE", "LWPOLYLINE", "POLYLINE", "ARC", "CIRCLE", "ELLIPSE",
            "SPLINE", "HATCH", "SOLID", "TRACE"}
LABELS = {"TEXT", "MTEXT"}
SWING_TYPES = {"ARC", "CIRCLE", "ELLIPSE", "SPLINE"}  # swings on door layers
OPENING_ROLES = ("door", "fire_door", "exit")


class Shape:
    """One piece of geometry of a mapped layer, in metres."""

    def __init__(self, role, layer, points, closed, filled, swing=None):
        self.role = role        # a ROLES entry
        self.layer = layer      # the DXF layer name
        self.points = points    # [(x, y), ...] metres; closed: last != first
        self.closed = closed    # an outline (a closed polyline or a circle)
        self.filled = filled    # an area drawn solid (HATCH, SOLID)
        # a door swing (an arc): the two lines from its hinge to its ends,
        # one of which is the opening (along the wall); else None
        self.swing = swing

    def where(self):
        """'layer WALL at (x, y)': the first point, in drawing metres."""
        x, y = self.points[0]
        return "layer %s at (%.2f, %.2f)" % (self.layer, x, y)


class Label:
    """A TEXT or MTEXT of a mapped layer: its text and insertion point (m)."""

    def __init__(self, role, layer, text, x, y):
        self.role = role
        self.layer = layer
        self.text = text
        self.x = x
        self.y = y

    def where(self):
        """'layer ROOM at (x, y)'."""
        return "layer %s at (%.2f, %.2f)" % (self.layer, self.x, self.y)


class Floor:
    """What one DXF holds: shapes and labels by role, and what was left out."""

    def __init__(self, path):
        self.path = path
        self.shapes = []
        self.labels = []
        self.unmapped = {}  # layer -> entities on layers not in the map
        self.unsupported = {}  # (layer, dxftype) -> count on mapped layers


def load_map(path):
    """The layer map: MAP_DEFAULTS overlaid by the JSON file at path (None:
    the defaults). Raises ReportError (exit 2) naming the file and key."""
    m = dict(MAP_DEFAULTS)
    m["layers"] = dict(DEFAULT_LAYERS)
    if path is None:
        return m
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise ReportError("%s: cannot read: %s" % (path, e.strerror or e))
    except (ValueError, UnicodeDecodeError) as e:
        raise ReportError("%s: invalid JSON: %s" % (path, e))
    if not isinstance(data, dict) or data.get("evacsim_dxf_map") != 1:
        raise ReportError("%s: evacsim_dxf_map: expected 1 (a layer map file "
                          "starts with {\"evacsim_dxf_map\": 1, ...})" % path)
    for key, v in data.items():
        if key not in MAP_DEFAULTS:
            raise ReportError("%s: %s: unknown key; allowed: %s"
                              % (path, key, ", ".join(MAP_DEFAULTS)))
        m[key] = v
    layers = data.get("layers", DEFAULT_LAYERS)
    if not isinstance(layers, dict) or not layers:
        raise ReportError("%s: layers: expected an object of layer name -> role" % path)
    for name, role in layers.items():
        if role not in ROLES:
            raise ReportError("%s: layers.%s: \"%s\" is not a role; allowed: %s"
                              % (path, name, role, ", ".join(ROLES)))
    m["layers"] = {name.upper(): role for name, role in layers.items()}
    positive = ("unit_m", "stair_width_m", "lift_speed_m_s")
    for key in positive:
        v = m[key]
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))
                              or not math.isfinite(v) or v <= 0):
            raise ReportError("%s: %s: expected a number > 0, got %s"
                              % (path, key, json.dumps(v)))
    for key in ("lift_capacity", "lift_beds"):
        v = m[key]
        if isinstance(v, bool) or not isinstance(v, int) or v < (key == "lift_capacity"):
            raise ReportError("%s: %s: expected a whole number >= %d, got %s"
                              % (path, key, key == "lift_capacity", json.dumps(v)))
    for key in ("shaft_kind", "room_kind"):
        if not isinstance(m[key], str) or not m[key]:
            raise ReportError("%s: %s: expected a non-empty string" % (path, key))
    if m["shaft_kind"] not in ("cable", "pipe", "ventilation", "garbage", "other"):
        raise ReportError("%s: shaft_kind: \"%s\" is not allowed; allowed: cable, "
                          "pipe, ventilation, garbage, other" % (path, m["shaft_kind"]))
    return m


def unit_of(doc, mapping):
    """Metres per drawing unit: the map's unit_m, else $INSUNITS, else 1."""
    if mapping["unit_m"] is not None:
        return float(mapping["unit_m"])
    return INSUNITS_M.get(doc.header.get("$INSUNITS", 0), 1.0)


def read_floor(path, mapping, tolerance_m):
    """Reads the modelspace of the DXF at path into a Floor. Curves are
    flattened to within tolerance_m. Raises ReportError (exit 2) for a file
    that cannot be read or is not DXF."""
    import ezdxf

    try:
        doc = ezdxf.readfile(path)
    except IOError as e:
        if e.errno is None:  # ezdxf: not a DXF file
            raise ReportError("%s: not a DXF file" % path)
        raise ReportError("%s: cannot read: %s" % (path, e.strerror or e))
    except (ezdxf.DXFError, ValueError, UnicodeDecodeError) as e:
        raise ReportError("%s: not a readable DXF file: %s" % (path, e))
    unit = unit_of(doc, mapping)
    floor = Floor(path)
    for e in doc.modelspace():
        add_entity(floor, e, e.dxf.layer, mapping["layers"], unit,
                   tolerance_m / unit, 0)
    return floor


def add_entity(floor, e, layer, layers, unit, flat, depth, swing_only=False):
    """Adds entity e (layer: its effective layer) to floor; blocks (INSERT)
    are expanded, their layer-0 entities taking the INSERT's layer. A block
    with a door swing (an arc on a door layer) is read by its swing alone
    (swing_only): its other lines on door layers are the leaf."""
    kind = e.dxftype()
    if kind == "INSERT" and depth < 16:
        subs = [(sub, sub.dxf.layer if sub.dxf.layer != "0" else layer)
                for sub in e.virtual_entities()]
        swung = any(sub.dxftype() == "ARC" and
                    layers.get(sub_layer.upper()) in OPENING_ROLES
                    for sub, sub_layer in subs)
        for sub, sub_layer in subs:
            add_entity(floor, sub, sub_layer, layers, unit, flat, depth + 1,
                       swing_only or swung)
        return
    role = layers.get(layer.upper())
    if role is None:
        floor.unmapped[layer] = floor.unmapped.get(layer, 0) + 1
        return
    if role == "ignore":
        return
    if kind in LABELS:
        text = (e.plain_text() if kind == "MTEXT" else e.dxf.text).strip()
        text = " ".join(text.split())
        if text:
            p = e.dxf.insert
            floor.labels.append(Label(role, layer, text, p.x * unit, p.y * unit))
        return
    if kind not in GEOMETRY:
        key = (layer, kind)
        floor.unsupported[key] = floor.unsupported.get(key, 0) + 1
        return
    if role in OPENING_ROLES and kind == "ARC":
        hinge = e.ocs().to_wcs(e.dxf.center)
        ends = [[(hinge.x * unit, hinge.y * unit), (p.x * unit, p.y * unit)]
                for p in (e.start_point, e.end_point)]
        floor.shapes.append(Shape(role, layer, ends[0], False, False, swing=ends))
        return
    if role in OPENING_ROLES and (kind in SWING_TYPES or swing_only):
        return  # a swing that is not an arc, or the leaf of a swung door
    for pts, closed, filled in outlines(e, kind, flat):
        pts = [(p.x * unit, p.y * unit) for p in pts]
        if closed and len(pts) > 1 and pts[0] == pts[-1]:
            pts.pop()
        if pts:
            floor.shapes.append(Shape(role, layer, pts, closed, filled))


def outlines(e, kind, flat):
    """The entity as [(points, closed, filled)], points in drawing units."""
    import ezdxf.path

    if kind == "HATCH":
        return [(list(p.flattening(flat)), True, True) for p in ezdxf.path.from_hatch(e)]
    pts = list(ezdxf.path.make_path(e).flattening(flat))
    if kind in ("SOLID", "TRACE"):
        return [(pts, True, True)]
    if kind == "CIRCLE":
        closed = True
    elif kind in ("LWPOLYLINE", "POLYLINE"):
        closed = bool(e.closed if kind == "LWPOLYLINE" else e.is_closed)
        closed = closed or (len(pts) > 2 and pts[0].isclose(pts[-1]))
    else:
        closed = kind == "ELLIPSE" and math.isclose(
            abs(e.dxf.end_param - e.dxf.start_param), 2 * math.pi)
    return [(pts, closed, False)]
