#!/usr/bin/python3
"""Builds the DXF floor plans of tests/e2e/test_import.c with ezdxf:
  dxf_fixtures.py DIR        writes DIR/ward.dxf, DIR/block-1.dxf,
                             DIR/block-2.dxf, DIR/flawed.dxf, DIR/open.dxf,
                             DIR/nowall.dxf, DIR/notdxf.dxf, DIR/badmap.json,
                             DIR/cad.dxf and DIR/cad-map.json
  dxf_fixtures.py --ward F   writes the sample ward only (scenarios/ward.dxf)
Coordinates are metres; walls are centre lines on whole or half metres."""

import json
import sys

import ezdxf


def new_doc():
    doc = ezdxf.new("R2013")
    doc.header["$INSUNITS"] = 6  # metres
    for name in ("WALL", "DOOR", "FIRE_DOOR", "EXIT", "STAIR", "LIFT", "SHAFT",
                 "REFUGE", "ROOM", "COMPARTMENT"):
        doc.layers.add(name)
    return doc, doc.modelspace()


def line(msp, layer, a, b):
    msp.add_line(a, b, dxfattribs={"layer": layer})


def rect(msp, layer, x0, y0, x1, y1):
    msp.add_lwpolyline([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], close=True,
                       dxfattribs={"layer": layer})


def text(msp, layer, s, x, y):
    msp.add_text(s, dxfattribs={"layer": layer, "height": 0.3, "insert": (x, y)})


def ward(path):
    """One ward floor, 24 x 10 m: a corridor (y 4..6) split by a fire door
    at x = 12 into two compartments; 3 rooms south, 3 rooms and a bed lift
    north, a cable shaft in the north-east store; the exit at the corridor's
    west end. Doors are 1 m lines on the corridor walls."""
    doc, msp = new_doc()
    rect(msp, "WALL", 0, 0, 24, 10)
    line(msp, "WALL", (0, 4), (24, 4))
    line(msp, "WALL", (0, 6), (24, 6))
    for x in (6, 12, 18):
        line(msp, "WALL", (x, 0), (x, 4))
        line(msp, "WALL", (x, 6), (x, 10))
    line(msp, "WALL", (21, 6), (21, 10))
    line(msp, "FIRE_DOOR", (12, 4), (12, 6))
    line(msp, "EXIT", (0, 4.5), (0, 5.5))
    for x in (2.5, 8.5, 14.5, 20.5):  # south doors
        line(msp, "DOOR", (x, 4), (x + 1, 4))
    for x in (2.5, 8.5, 14.5, 22):  # north doors
        line(msp, "DOOR", (x, 6), (x + 1, 6))
    msp.add_arc((2.5, 6), 1, 0, 90, dxfattribs={"layer": "DOOR"})  # a swing
    rect(msp, "LIFT", 18, 6, 21, 10)
    text(msp, "LIFT", "Bed lift", 19, 8)
    rect(msp, "SHAFT", 23, 9, 24, 10)
    for name, x, y in (("Ward 1", 3, 2), ("Ward 2", 9, 2), ("Nurse station", 15, 2),
                       ("Day room", 21, 2), ("Ward 3", 3, 8), ("Ward 4", 9, 8),
                       ("Ward 5", 15, 8), ("Store", 22, 7), ("Corridor west", 6, 5),
                       ("Corridor east", 18, 5)):
        text(msp, "ROOM", name, x, y)
    rect(msp, "COMPARTMENT", 0, 0, 12, 10)
    text(msp, "COMPARTMENT", "West", 1, 9)
    rect(msp, "COMPARTMENT", 12, 0, 24, 10)
    text(msp, "COMPARTMENT", "East", 13, 9)
    doc.saveas(path)


def block_floor(path, ground):
    """A floor of the two-storey block, 20 x 8 m: a corridor (y 3..5), stair
    A in the north-west (named on the ground floor only: matched upstairs
    by its outline), stair B in the south-east (named on both), rooms as
    closed outlines; the ground floor has an exit at the corridor's east
    end, the upper one a refuge lobby."""
    doc, msp = new_doc()
    rect(msp, "WALL", 0, 0, 20, 8)
    line(msp, "WALL", (0, 3), (20, 3))
    line(msp, "WALL", (0, 5), (20, 5))
    line(msp, "WALL", (4, 5), (4, 8))
    line(msp, "WALL", (8, 5), (8, 8))
    line(msp, "WALL", (16, 0), (16, 3))
    line(msp, "WALL", (8, 0), (8, 3))
    line(msp, "DOOR", (1.5, 5), (2.5, 5))
    line(msp, "DOOR", (17.5, 3), (18.5, 3))
    line(msp, "DOOR", (5.5, 5), (6.5, 5))
    line(msp, "DOOR", (3.5, 3), (4.5, 3))
    line(msp, "DOOR", (11.5, 3), (12.5, 3))
    line(msp, "DOOR", (11.5, 5), (12.5, 5))
    rect(msp, "STAIR", 0, 5, 4, 8)
    rect(msp, "STAIR", 16, 0, 20, 3)
    text(msp, "STAIR", "Stair B", 17, 1)
    rect(msp, "ROOM", 0, 0, 8, 3)
    text(msp, "ROOM", "Ward %s1" % ("G" if ground else "U"), 2, 1)
    rect(msp, "ROOM", 8, 0, 16, 3)
    text(msp, "ROOM", "Ward %s2" % ("G" if ground else "U"), 10, 1)
    text(msp, "ROOM", "Office" if ground else "Lobby", 6, 6.5)
    text(msp, "ROOM", "Day room", 14, 6.5)
    if ground:
        text(msp, "STAIR", "Stair A", 1, 6)
        line(msp, "EXIT", (20, 3.5), (20, 4.5))
    else:
        rect(msp, "REFUGE", 4, 5, 8, 8)
        text(msp, "REFUGE", "Refuge U", 5, 6)
    doc.saveas(path)


def flawed(path):
    """A ward whose flaws are reported but do not stop the import: a door
    in the middle of a room, a wall stub ending in a room, a stair on one
    floor, a room label on a wall and furniture on an unmapped layer."""
    doc, msp = new_doc()
    rect(msp, "WALL", 0, 0, 12, 6)
    line(msp, "WALL", (6, 0), (6, 6))
    line(msp, "WALL", (3, 0), (3, 2))
    line(msp, "DOOR", (5.5, 3), (6.5, 3))
    line(msp, "DOOR", (2, 4), (2, 5))
    line(msp, "EXIT", (0, 2.5), (0, 3.5))
    rect(msp, "STAIR", 9, 4, 12, 6)
    text(msp, "STAIR", "Stair X", 10, 5)
    text(msp, "ROOM", "On the wall", 6, 1)
    doc.layers.add("FURNITURE")
    msp.add_circle((2, 2), 0.4, dxfattribs={"layer": "FURNITURE"})
    msp.add_circle((4, 2), 0.4, dxfattribs={"layer": "FURNITURE"})
    doc.saveas(path)


def open_walls(path):
    """Walls with a 2 m gap in the outer wall: nothing is inside."""
    doc, msp = new_doc()
    msp.add_lwpolyline([(2, 0), (10, 0), (10, 6), (0, 6), (0, 0)],
                       dxfattribs={"layer": "WALL"})
    doc.saveas(path)


def no_walls(path):
    """Lines on layers the default map does not know."""
    doc, msp = new_doc()
    doc.layers.add("A-WALL")
    rect(msp, "A-WALL", 0, 0, 10, 6)
    text(msp, "ROOM", "Ward", 5, 3)
    doc.saveas(path)


def cad(path, map_path):
    """A drawing in millimetres with its own layer names (A-WALL, A-DOOR,
    A-EXIT) and a map file for them; the walls are a block (INSERT), the
    door in the partition at x = 4000 a door block (leaf and swing) turned
    by 90 degrees, hinged at y = 1500, opening 1000 mm."""
    doc = ezdxf.new("R2013")
    doc.header["$INSUNITS"] = 4  # millimetres
    msp = doc.modelspace()
    for name in ("A-WALL", "A-DOOR", "A-EXIT", "A-TEXT"):
        doc.layers.add(name)
    blk = doc.blocks.new("SHELL")
    blk.add_lwpolyline([(0, 0), (8000, 0), (8000, 4000), (0, 4000)], close=True)
    blk.add_line((4000, 0), (4000, 4000))
    msp.add_blockref("SHELL", (0, 0), dxfattribs={"layer": "A-WALL"})
    door = doc.blocks.new("DOOR1000")
    door.add_line((0, 0), (0, 1000))  # the leaf, open
    door.add_arc((0, 0), 1000, 0, 90)  # the swing
    msp.add_blockref("DOOR1000", (4000, 1500), dxfattribs={"layer": "A-DOOR",
                                                         "rotation": 90})
    msp.add_line((8000, 1500), (8000, 2500), dxfattribs={"layer": "A-EXIT"})
    msp.add_text("Ward", dxfattribs={"layer": "A-TEXT", "insert": (2000, 2000)})
    doc.saveas(path)
    with open(map_path, "w") as f:
        json.dump({"evacsim_dxf_map": 1, "layers": {"A-WALL": "wall", "a-door": "door",
                                                    "A-EXIT": "exit", "A-TEXT": "room"},
                   "room_kind": "ward"}, f)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--ward":
        ward(sys.argv[2])
        return 0
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = sys.argv[1]
    ward(d + "/ward.dxf")
    block_floor(d + "/block-1.dxf", True)
    block_floor(d + "/block-2.dxf", False)
    flawed(d + "/flawed.dxf")
    open_walls(d + "/open.dxf")
    no_walls(d + "/nowall.dxf")
    cad(d + "/cad.dxf", d + "/cad-map.json")
    with open(d + "/notdxf.dxf", "w") as f:
        f.write("this is not a drawing\n")
    with open(d + "/badmap.json", "w") as f:
        json.dump({"evacsim_dxf_map": 1, "layers": {"WALL": "walls"}}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
