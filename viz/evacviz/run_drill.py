"""The run report's drill section and timeline: the drill report that
`evacsim run` prints (/drill: wards, patients, staff, lifts, stairs,
escalations, full refuges) as tables, and a timeline figure of the run's
moments and of when each ward (or, without a drill, each floor) was
cleared."""

import math

import numpy as np

from .common import num, save, texts

# Rows of the timeline's clearance bars at most (the slowest are kept).
MAX_BARS = 40


def fmt(v, unit=" s"):
    """A time for a table: '-' for NaN, as `run` prints it."""
    v = num(v)
    return "-" if math.isnan(v) else "%.1f%s" % (v, unit)


def column(g, name, default=None):
    """A /drill dataset as an array (default when missing)."""
    if name not in g:
        return default
    ds = g[name]
    return np.array(texts(ds), dtype=object) if ds.dtype.kind in "SOU" else ds[:]


def drill_tables(f, scenario, page):
    """Writes the drill tables into page; returns False when the run has no
    /drill."""
    if "drill" not in f:
        return False
    d = f["drill"]
    p, st = d["patients"], d["staff"]
    safe = column(p, "safe_s", np.zeros(0))
    team = column(p, "team_s", np.zeros(0))
    trips = column(st, "trips", np.zeros(0, dtype=int))
    busy = column(st, "busy_s", np.zeros(0))

    def mean(v):
        v = v[~np.isnan(v)] if len(v) else v
        return float(v.mean()) if len(v) else math.nan

    page.p("The drill report that evacsim run prints (%s shift, %s allocation, strategy "
           "%s; docs/hospital.md)."
           % (scenario.get("shift", "day"), scenario.get("allocation", "nearest"),
              scenario.get("strategy", "nearest")), "note")
    page.table(("drill", "value"), [
        ("patients (need staff)", len(safe)),
        ("staff on duty", len(trips)),
        ("patients safe", int(np.sum(~np.isnan(safe)))),
        ("last patient safe", fmt(np.nanmax(safe) if np.any(~np.isnan(safe)) else math.nan)),
        ("mean team complete", fmt(mean(team))),
        ("mean time to safety", fmt(mean(safe))),
        ("staff trips", int(trips.sum())),
        ("mean staff busy", fmt(busy.mean() if len(busy) else math.nan)),
    ])
    wards = d["wards"]
    names = column(wards, "name", [])
    people = column(wards, "people", np.zeros(0, dtype=int))
    clear = column(wards, "clearance_s", np.zeros(0))
    rows = [(n, int(k), fmt(c)) for n, k, c in zip(names, people, clear) if k > 0]
    if rows:
        page.h3("Ward clearance")
        page.table(("ward", "people", "cleared (last safe)"), rows)
    if len(trips):
        agents = column(st, "agent", np.zeros(0, dtype=int))
        floors = f["agents/floor"]
        order = np.argsort(-busy, kind="stable")
        end = num(f["summary"].attrs.get("end_time_s"))
        page.h3("Staff trips and workload")
        page.p("Busy: from each assignment to the hand-over at a safe place, summed "
               "over the trips; share: of the simulated time (%s)." % fmt(end), "note")
        page.table(("staff (agent)", "start floor", "trips", "busy", "share of the run"),
                   [(int(agents[i]), texts(floors[int(agents[i]):int(agents[i]) + 1])[0],
                     int(trips[i]), fmt(busy[i]),
                     "%.0f %%" % (100 * busy[i] / end) if end > 0 else "-")
                    for i in order])
    lifts = d.get("lifts")
    if lifts is not None and len(column(lifts, "name", [])):
        page.h3("Lifts")
        page.table(("lift", "bed trips", "longest wait of a bed", "most beds queued"),
                   [(n, int(t), fmt(w), int(q)) for n, t, w, q in zip(
                       column(lifts, "name"), column(lifts, "trips"),
                       column(lifts, "wait_max_s"), column(lifts, "queue_max"))])
    stairs = d.get("stairs")
    if stairs is not None and len(column(stairs, "name", [])):
        page.h3("Stairs")
        page.table(("stair", "most on a landing", "longest wait on a landing"),
                   [(n, int(q), fmt(w)) for n, q, w in zip(
                       column(stairs, "name"), column(stairs, "queue_max"),
                       column(stairs, "wait_max_s"))])
    esc = d.get("escalations")
    if esc is not None and len(column(esc, "compartment", [])):
        page.h3("Compartments given up")
        page.table(("compartment", "untenable at", "moved on", "to another compartment",
                    "to an exit"),
                   [(n, fmt(t), int(h + v), int(h), int(v)) for n, t, h, v in zip(
                       column(esc, "compartment"), column(esc, "time_s"),
                       column(esc, "horizontal"), column(esc, "vertical"))])
    full = d.get("refuges_full")
    if full is not None and len(column(full, "refuge", [])):
        page.h3("Refuges that filled up")
        page.table(("refuge", "full at", "area taken (m²)", "area (m²)"),
                   [(n, fmt(t), "%.1f" % u, "%.1f" % a) for n, t, u, a in zip(
                       column(full, "refuge"), column(full, "time_s"),
                       column(full, "used_m2"), column(full, "area_m2"))])
    return True


def moments(f, scenario, s):
    """[(time, label, colour)] of the run's moments: the scenario's timeline,
    ASET, first incapacitation, RSET, gridlock, compartments given up and
    refuges full."""
    out = []
    for e in scenario.get("timeline", []) or []:
        if isinstance(e, dict) and "t_s" in e:
            what = str(e.get("do", "?"))
            if e.get("target"):
                what += " " + str(e["target"])
            if e.get("floors"):
                what += " (floor %s)" % ", ".join(str(v) for v in e["floors"])
            out.append((float(e["t_s"]), what, "tab:purple"))
    for key, label, colour in [("aset_s", "ASET", "tab:red"),
                               ("first_incapacitation_s", "first incapacitation", "darkred"),
                               ("rset_p95_s", "RSET p95", "tab:cyan"),
                               ("rset_s", "RSET", "tab:blue"),
                               ("gridlock_time_s", "gridlock", "black")]:
        v = num(s.get(key))
        if not math.isnan(v):
            out.append((v, label, colour))
    if "drill" in f:
        d = f["drill"]
        if "escalations" in d:
            for n, t in zip(column(d["escalations"], "compartment", []),
                            column(d["escalations"], "time_s", [])):
                out.append((float(t), "%s untenable" % n, "tab:orange"))
        if "refuges_full" in d:
            for n, t in zip(column(d["refuges_full"], "refuge", []),
                            column(d["refuges_full"], "time_s", [])):
                out.append((float(t), "%s full" % n, "tab:brown"))
    return sorted(out, key=lambda m: m[0])


def clearance_rows(f, plan, agents):
    """[(label, people, 0, cleared or NaN, not safe)] per ward with people
    (drill) or per start floor: cleared when the last of its people was
    safe."""
    rows = []
    if "drill" in f:
        w = f["drill/wards"]
        for n, k, c in zip(column(w, "name", []), column(w, "people", []),
                           column(w, "clearance_s", [])):
            if k > 0:
                rows.append((str(n), int(k), 0.0, float(c), None))
        return rows
    for fl in reversed(plan.floors):  # the top floor on top
        sel = agents["floor_index"] == fl.index
        if not sel.any():
            continue
        t = agents["exit_time_s"][sel]
        lost = int(np.sum(np.isnan(t)))
        rows.append(("floor %s" % fl.name, int(sel.sum()), 0.0,
                     float(np.nanmax(t)) if lost == 0 else math.nan, lost))
    return rows


def timeline(f, plan, agents, scenario, s, outdir):
    """timeline.png/svg: clearance bars and the run's moments."""
    import matplotlib.pyplot as plt

    rows = clearance_rows(f, plan, agents)
    end = num(s.get("end_time_s"), 0.0)
    total = len(rows)
    if len(rows) > MAX_BARS:  # the slowest, in their order
        keep = sorted(range(len(rows)), key=lambda i: -(rows[i][3] if not
                                                         math.isnan(rows[i][3]) else 1e18))
        keep = sorted(keep[:MAX_BARS])
        rows = [rows[i] for i in keep]
    ms = moments(f, scenario, s)
    n = max(len(rows), 1)
    fig, ax = plt.subplots(figsize=(10, 1.8 + 0.22 * n + 0.16 * len(ms)))
    for i, (label, k, t0, t1, lost) in enumerate(rows):
        y = n - 1 - i
        if math.isnan(t1):
            ax.barh(y, end - t0, left=t0, color="#f4c2c2", edgecolor="tab:red",
                    hatch="//", height=0.6)
            ax.text(end, y, " %s not safe" % (lost if lost is not None else "some"),
                    va="center", fontsize=7, color="tab:red")
        else:
            ax.barh(y, t1 - t0, left=t0, color="#9ecae1", edgecolor="#3182bd", height=0.6)
    ax.set_yticks(range(n))
    ax.set_yticklabels(["%s (%d)" % (r[0], r[1]) for r in reversed(rows)] or [""],
                       fontsize=7)
    top = n - 0.4
    for j, (t, label, colour) in enumerate(ms):
        ax.axvline(t, color=colour, lw=1, ls="--")
        ax.annotate("%s %.0f s" % (label, t), (t, top + 0.3 + 0.55 * j),
                    fontsize=7, color=colour, ha="left", va="center",
                    xytext=(3, 0), textcoords="offset points", annotation_clip=False)
    ax.set_ylim(-0.7, top + 0.5 + 0.55 * len(ms))
    ax.set_xlim(0, max(end, 1.0) * 1.08)
    ax.set_xlabel("time (s)")
    what = "ward" if "drill" in f else "start floor"
    ax.set_title("Timeline: when each %s was cleared (bar: until the last of its "
                 "people was safe; hatched: someone never was)%s, and the run's moments"
                 % (what, "" if total == len(rows) else
                    ";\nthe %d slowest of %d shown, in plan order" % (len(rows), total)),
                 fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return save(fig, outdir, "timeline", svg=True)
