#!/usr/bin/env python3
"""From CFAST's <case>_compartments.csv, writes <case>.csv: for each
compartment named on the command line, time (s), layer height (m), upper
layer temperature (C), upper layer optical density (1/m), pressure (Pa),
every `every` s."""
import csv, sys

case, every, comps = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
rows = list(csv.reader(open(f'{case}_compartments.csv')))
names, where = rows[0], rows[2]
def col(q, c):
    for i, (n, w) in enumerate(zip(names, where)):
        if n.startswith(q + '_') and w == c:
            return i
    raise SystemExit(f'{case}: no {q} for {c}')
cols = [(c, [col(q, c) for q in ('HGT', 'ULT', 'ULOD', 'PRS')]) for c in comps]
out = open(f'{case}.csv', 'w')
hdr = ['time_s']
for c, _ in cols:
    k = c.lower().replace(' ', '_')
    hdr += [f'{k}_layer_height_m', f'{k}_upper_temp_c', f'{k}_upper_od_per_m', f'{k}_pressure_pa']
out.write(','.join(hdr) + '\n')
for r in rows[4:]:
    t = float(r[0])
    if abs(t / every - round(t / every)) > 1e-6:
        continue
    vals = [f'{t:g}']
    for _, ix in cols:
        vals += [f'{float(r[i]):.4g}' for i in ix]
    out.write(','.join(vals) + '\n')
