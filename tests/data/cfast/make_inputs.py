#!/usr/bin/env python3
"""Writes the CFAST inputs of the two comparison cases (ward fire + corridor
with the fire door open / closed; cable shaft beside a fire floor, sealed /
unsealed, 10 storeys)."""
import sys

HEAD = """&HEAD VERSION = 7700, TITLE = '{title}' /
&TIME SIMULATION = {tend} PRINT = 60 SMOKEVIEW = 10 SPREADSHEET = 5 /
&INIT PRESSURE = 101325 RELATIVE_HUMIDITY = 0 INTERIOR_TEMPERATURE = 20 EXTERIOR_TEMPERATURE = 20 /
&MISC LOWER_OXYGEN_LIMIT = 0.0 /
&MATL ID = 'Concrete' MATERIAL = 'Normal weight concrete' CONDUCTIVITY = 1.75 DENSITY = 2200 SPECIFIC_HEAT = 1.0 THICKNESS = 0.15 EMISSIVITY = 0.94 /
"""

def comp(cid, w, d, h, x, y, z):
    return (f"&COMP ID = '{cid}' WIDTH = {w} DEPTH = {d} HEIGHT = {h} "
            f"CEILING_MATL_ID = 'Concrete' WALL_MATL_ID = 'Concrete' FLOOR_MATL_ID = 'Concrete' "
            f"ORIGIN = {x}, {y}, {z} GRID = 50, 50, 50 /\n")

def hvent(vid, a, b, bottom, top, width, face, offset):
    return (f"&VENT TYPE = 'WALL' ID = '{vid}' COMP_IDS = '{a}', '{b}' BOTTOM = {bottom} "
            f"TOP = {top} WIDTH = {width:.6g} FACE = '{face}' OFFSET = {offset} /\n")

def vvent(vid, top, bottom, area):
    return (f"&VENT TYPE = 'FLOOR' ID = '{vid}' COMP_IDS = '{top}', '{bottom}' "
            f"AREA = {area:.6g} SHAPE = 'SQUARE' /\n")

def fire(comp_id, x, y, tend):
    """t-squared fast fire (alpha 0.0469 kW/s2) to 1 MW at 146 s, then steady."""
    s = (f"&FIRE ID = 'Ward fire' COMP_ID = '{comp_id}' FIRE_ID = 'Foam' LOCATION = {x}, {y} /\n"
         "&CHEM ID = 'Foam' CARBON = 1 HYDROGEN = 1.75 OXYGEN = 0.25 NITROGEN = 0.065 CHLORINE = 0 "
         "HEAT_OF_COMBUSTION = 23200 RADIATIVE_FRACTION = 0.3 /\n"
         "&TABL ID = 'Foam' LABELS = 'TIME', 'HRR', 'HEIGHT', 'AREA', 'CO_YIELD', 'SOOT_YIELD' /\n")
    ts = list(range(0, 146, 10)) + [146, tend]
    for t in ts:
        q = min(0.0469 * t * t, 1000.0)
        s += f"&TABL ID = 'Foam' DATA = {t}, {q:.4g}, 0, 1, 0.031, 0.198 /\n"
    return s

# Relief at the floor, to the outside: lets the air the layers displace out
# (evacsim's layers displace ambient air without a pressure rise).
RELIEF_H = 0.05

def ward(door_closed, relief_w):
    tend = 900
    s = HEAD.format(title=f"Ward fire, corridor fire door {'closed' if door_closed else 'open'}", tend=tend)
    s += comp('Ward', 6.0, 4.0, 3.0, 0, 0, 0)
    s += comp('Corridor', 20.0, 2.0, 3.0, 6.0, 1.0, 0)
    # door 1.2 m wide, 2.1 m high, centred in the shared wall; closed: its
    # leakage, 1 % of its area through two gaps in series (evacsim's door
    # one cell thick), 0.01 * 1.2 * 2.1 / sqrt(2) = 0.0178 m2, over its height
    w = 0.01 * 1.2 / 2 ** 0.5 if door_closed else 1.2
    s += hvent('Fire door', 'Ward', 'Corridor', 0, 2.1, w, 'RIGHT', 1.4)
    s += hvent('Ward relief', 'Ward', 'OUTSIDE', 0, RELIEF_H, relief_w, 'LEFT', 0)
    # the corridor's far end: a doorway 2 m wide, 2.1 m high, to the outside
    # (an exit in evacsim)
    s += hvent('Corridor end', 'Corridor', 'OUTSIDE', 0, 2.1, 2.0, 'RIGHT', 0)
    s += fire('Ward', 3.0, 2.0, tend)
    s += "&TAIL /\n"
    return s

def shaft(unsealed, relief_w, floors=10):
    tend = 900
    s = HEAD.format(title=f"Cable shaft beside a fire floor, {'unsealed' if unsealed else 'sealed'}", tend=tend)
    for f in range(1, floors + 1):
        z = 3.0 * (f - 1)
        s += comp(f'Room {f}', 6.0, 4.0, 3.0, 0, 0, z)
        s += comp(f'Shaft {f}', 0.8, 0.8, 3.0, 6.0, 1.6, z)
    # shaft wall to each floor's room: 0.8 m wide, 3 m high, leaking 5 %
    # (unsealed cable exits) or 0.1 % (sealed) of its area
    share = 0.05 if unsealed else 0.001
    slab = 0.64 * (1.0 if unsealed else 1e-3)
    for f in range(1, floors + 1):
        s += hvent(f'Shaft wall {f}', f'Room {f}', f'Shaft {f}', 0, 3.0, 0.8 * share, 'RIGHT', 1.6)
        s += hvent(f'Room relief {f}', f'Room {f}', 'OUTSIDE', 0, RELIEF_H, relief_w, 'LEFT', 0)
    for f in range(2, floors + 1):
        s += vvent(f'Slab {f}', f'Shaft {f}', f'Shaft {f-1}', slab)
    s += fire('Room 1', 3.0, 2.0, tend)
    s += "&TAIL /\n"
    return s

if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else '.'
    rw = float(sys.argv[2]) if len(sys.argv) > 2 else 6.0
    for name, text in [('ward_door_open', ward(False, rw)), ('ward_door_closed', ward(True, rw)),
                       ('shaft_sealed', shaft(False, rw)), ('shaft_unsealed', shaft(True, rw))]:
        with open(f'{out}/{name}.in', 'w') as fh:
            fh.write(text)
