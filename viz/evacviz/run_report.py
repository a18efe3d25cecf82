"""The report of one run (`evacsim run` result file): the hazards in
force, the outcome (casualties split, RSET, ASET), the drill report and
timeline, evacuation curve, heat release, printable floor maps, smoke and
tenability maps at chosen times, flow and density at the measure lines."""

import json
import math

import numpy as np

from . import plan as planmod
from .common import (ReportError, field_map, fmt_time, num, save, text, texts,
                     visibility_cmap)

# State values of /trajectories/state/value (docs/output.md).
WAITING, MOVING, STAIR, SAFE, INCAPACITATED, STUCK = range(6)

# Maps drawn per floor: dataset, label, colour map, fixed range (None: data).
QUANTITIES = [
    ("visibility_m", "visibility (m)", None, (0.0, 30.0)),
    ("layer_height_m", "smoke layer height (m)", "viridis", None),
    ("fed_rate_per_min", "FED rate (1/min)", "YlOrRd", None),
]

# Lowest FED rate (1/min) of the log colour scale: at 0.001/min a dose of
# 0.3 (incapacitation of sensitive people, ISO 13571) takes 5 hours.
FED_RATE_MIN = 1e-3

# Half-width (m) of the band around a measure line in which density is
# counted.
DENSITY_BAND_M = 1.0


def summary_rows(s):
    """The /summary attributes as table rows."""
    rows = []
    for k, label in [("occupants", "occupants"), ("evacuated", "evacuated"),
                     ("incapacitated", "incapacitated"), ("remaining", "remaining")]:
        rows.append((label, int(num(s.get(k), 0))))
    # remaining = trapped + not out (files written before the split lack them)
    for k, label in [("trapped", "  of them trapped or sheltering"),
                     ("not_out", "  of them not out when the run ended"),
                     ("gridlocked", "  of them gridlocked")]:
        if k in s and (k != "gridlocked" or int(num(s.get(k), 0)) > 0):
            rows.append((label, int(num(s.get(k), 0))))
    if int(num(s.get("gridlocked"), 0)) > 0 and "gridlock_time_s" in s:
        rows.append(("gridlock began", fmt_time(s["gridlock_time_s"])))
    for k, label in [("evacuation_time_s", "evacuation time"),
                     ("rset_s", "RSET (last survivor)"),
                     ("rset_p95_s", "RSET p95 (survivors)"),
                     ("aset_s", "ASET"),
                     ("first_incapacitation_s", "first incapacitation"),
                     ("end_time_s", "simulated time"),
                     ("wall_clock_s", "wall clock (computer time)")]:
        if k in s:
            rows.append((label, fmt_time(s[k])))
    return rows


def mark_times(ax, s):
    """Vertical lines at RSET and ASET (a legend entry says when either is
    not reached)."""
    for key, label, colour in [("rset_s", "RSET", "tab:blue"),
                               ("aset_s", "ASET", "tab:red")]:
        v = num(s.get(key))
        if math.isnan(v):
            ax.plot([], [], ls=":", color=colour, label="%s: none" % label)
        else:
            ax.axvline(v, ls=":", color=colour, label="%s %.0f s" % (label, v))


def evacuation_curve(f, s, outdir):
    """evacuation.png/svg: evacuated, incapacitated, remaining and on
    stairs against time."""
    import matplotlib.pyplot as plt

    ts = f["timeseries"]
    t = ts["time_s"][:]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for k, colour in [("evacuated", "tab:green"), ("incapacitated", "tab:red"),
                      ("remaining", "tab:gray"), ("on_stairs", "tab:orange")]:
        if k in ts:
            ax.plot(t, ts[k][:], color=colour, label=k.replace("_", " "))
    mark_times(ax, s)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("people")
    ax.set_title("Evacuation curve (%d occupants)" % int(num(s.get("occupants"), 0)))
    ax.grid(alpha=0.3)
    ax.legend(loc="center right", fontsize=8)
    fig.tight_layout()
    return save(fig, outdir, "evacuation", svg=True)


def hrr_curve(f, s, outdir):
    """hrr.png/svg: the fire's heat release rate; None without a fire."""
    import matplotlib.pyplot as plt

    ts = f["timeseries"]
    if "hrr_kw" not in ts:
        return None
    q = ts["hrr_kw"][:]
    if not np.any(q > 0):
        return None
    t = ts["time_s"][:]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(t, q, color="tab:red", label="heat release rate")
    mark_times(ax, s)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("HRR (kW)")
    ax.set_title("Fire heat release rate (peak %.0f kW)" % q.max())
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save(fig, outdir, "hrr", svg=True)


def fires(scenario):
    """[(floor name, (x, y), label)] of the scenario's fire and fires."""
    out = []
    fire = scenario.get("fire")
    if isinstance(fire, dict) and "at" in fire:
        out.append((str(fire.get("floor")), fire["at"], "fire"))
    for i, fr in enumerate(scenario.get("fires", []) or []):
        if isinstance(fr, dict) and "at" in fr:
            out.append((str(fr.get("floor")), fr["at"], "ignition %d" % (i + 1)))
    return out


def floor_size(floor, width=10.0, extra=1.4):
    """Figure size for one floor drawn width inches wide."""
    ny, nx = floor.shape
    return (width, width * ny / max(nx, 1) + extra)


def pick_samples(times, wanted):
    """Indices of the field samples nearest to the wanted times (s),
    without repeats."""
    out = []
    for w in wanted:
        k = int(np.argmin(np.abs(times - w)))
        if k not in out:
            out.append(k)
    return sorted(out)


def default_times(times, s):
    """The default map times: 1/8, 1/4, 1/2 and all of the sampled
    period."""
    end = float(times[-1]) if len(times) else 0.0
    return [end / 8, end / 4, end / 2, end]


def smoke_maps(f, plan, floors, wanted, outdir):
    """smoke-FLOOR-QUANTITY.png for each floor and quantity, one panel per
    chosen time; returns [(floor, [(file, caption)])]."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm, Normalize

    fl = f["fields"]
    times = fl["time_s"][:]
    if len(times) == 0:
        return []
    ks = pick_samples(times, wanted)
    slugs = planmod.floor_files(plan)
    maps = {}
    for floor in floors:
        g = fl["floor_%02d" % floor.index]
        for q, _, _, _ in QUANTITIES:
            if q in g:
                maps[floor.index, q] = np.stack(
                    [field_map(f, floor.index, q, k) for k in ks])
    ranges = {}
    for q, _, _, fixed in QUANTITIES:
        vals = [m for (i, qq), m in maps.items() if qq == q]
        if fixed:
            ranges[q] = fixed
        elif q == "layer_height_m":
            ranges[q] = (0.0, max(fl_.height_m for fl_ in floors))
        else:
            top = max((float(np.nanmax(v)) for v in vals if np.isfinite(v).any()),
                      default=0.0)
            ranges[q] = (0.0, max(top, 1e-3))
    out = []
    for floor in floors:
        files = []
        for q, label, cmap, _ in QUANTITIES:
            if (floor.index, q) not in maps:
                continue
            m = maps[floor.index, q]
            w, h = floor_size(floor, 8.0, 0.0)
            height = (h + 0.5) * len(ks) + 0.6
            fig, axes = plt.subplots(len(ks), 1, figsize=(w + 1.6, height), squeeze=False)
            # fixed margins (constrained layout costs a second a figure)
            fig.subplots_adjust(left=0.08, right=0.84, top=1 - 0.55 / height,
                                bottom=0.35 / height, hspace=0.5 / (h + 0.5) * 1.2)
            lo, hi = ranges[q]
            cm = visibility_cmap() if q == "visibility_m" else cmap
            norm = Normalize(lo, hi)
            if q == "fed_rate_per_min":
                # doses span decades: a log scale from FED_RATE_MIN, lower
                # rates (clean air: 0) in the colour of the scale's bottom
                norm = LogNorm(FED_RATE_MIN, max(hi, 10 * FED_RATE_MIN))
                cm = plt.get_cmap(cm).with_extremes(under=plt.get_cmap(cm)(0.0))
            for ax, k, img in zip(axes[:, 0], ks, m):
                planmod.draw(ax, plan, floor, label=False)
                if q == "fed_rate_per_min":
                    img = np.where(np.isnan(img) | (img > 0), img, FED_RATE_MIN / 2)
                im = ax.imshow(np.ma.masked_invalid(img), cmap=cm, norm=norm,
                               extent=planmod.extent(plan, floor),
                               interpolation="nearest")
                ax.set_title("t = %.0f s" % times[k], fontsize=9)
                ax.set_xlabel("")
            top, bottom = 1 - 0.55 / height, 0.35 / height
            cax = fig.add_axes([0.87, bottom, 0.025, top - bottom])
            fig.colorbar(im, cax=cax, label=label,
                         extend="min" if q == "fed_rate_per_min" else "neither")
            fig.suptitle("Floor %s: %s" % (floor.name, label))
            name = "smoke-%s-%s" % (slugs[floor.index], q.split("_")[0])
            files.append((save(fig, outdir, name, dpi=80),
                          "Floor %s, %s at %s s" % (floor.name, label,
                                                    ", ".join("%.0f" % times[k] for k in ks))))
        out.append((floor, files))
    return out


def segment_distance(px, py, x0, y0, x1, y1):
    """Distance of points (px, py) to the segment (x0, y0)-(x1, y1)."""
    dx, dy = x1 - x0, y1 - y0
    l2 = dx * dx + dy * dy
    u = np.clip(((px - x0) * dx + (py - y0) * dy) / l2, 0, 1) if l2 > 0 else 0.0
    return np.hypot(px - (x0 + u * dx), py - (y0 + u * dy))


def measure_density(f, plan, lines):
    """For each measure line (floor index, segment in m): people per m2
    of walkable floor within DENSITY_BAND_M of it, at every trajectory
    sample (waiting, moving, incapacitated or stuck people; not the safe,
    whose position is where they reached safety, nor those on flights)."""
    tr = f["trajectories"]
    pos, flo, st = tr["position/value"], tr["floor/value"], tr["state/value"]
    t = tr["position/time"][:]
    dens = [np.zeros(len(t)) for _ in lines]
    areas = []
    c = plan.cell_m
    for fi, seg in lines:
        floor = plan.floors[fi]
        ys, xs = np.nonzero(~planmod.wall_mask(floor))
        near = segment_distance((xs + 0.5) * c, (ys + 0.5) * c, *seg) <= DENSITY_BAND_M
        areas.append(near.sum() * c * c)
    step = max(1, 2 ** 22 // max(1, pos.shape[1] * 2))
    for a in range(0, len(t), step):
        p = pos[a:a + step]
        fl = flo[a:a + step]
        s = st[a:a + step]
        inside = (s != SAFE) & (s != STAIR)
        for i, (fi, seg) in enumerate(lines):
            d = segment_distance(p[..., 0], p[..., 1], *seg)
            n = ((d <= DENSITY_BAND_M) & inside & (fl == fi)).sum(axis=1)
            dens[i][a:a + step] = n / areas[i] if areas[i] > 0 else 0.0
    return t, dens


def measures_figure(f, plan, outdir):
    """measures.png/svg: crossings, flow and density at each measure line;
    None without measure lines."""
    import matplotlib.pyplot as plt

    if "measures" not in f or len(f["measures"]) == 0:
        return None
    groups = list(f["measures"].values())
    c = plan.cell_m
    lines, names = [], []
    by_name = {str(m.get("name")): m for m in plan.measures}
    for g in groups:
        name = text(g.attrs.get("name", g.name.split("/")[-1]))
        m = by_name.get(name)
        fi = plan.floor_index(m.get("floor")) if m else -1
        names.append(name)
        if fi >= 0 and len(m.get("line", [])) == 4:
            x0, y0, x1, y1 = m["line"]
            lines.append((fi, ((x0 + 0.5) * c, (y0 + 0.5) * c, (x1 + 0.5) * c, (y1 + 0.5) * c)))
        else:
            lines.append(None)
    end = num(f["summary"].attrs.get("end_time_s"), 0.0)
    width = max(5.0, math.ceil(end / 60.0 / 5.0) * 5.0)
    last = max([end] + [float(np.max(g["crossing_time_s"][:], initial=0)) for g in groups])
    bins = np.arange(0.0, last + width, width)
    fig, axes = plt.subplots(3, 1, figsize=(8, 8.5), sharex=True)
    cmap = plt.get_cmap("tab10")
    for i, (g, name) in enumerate(zip(groups, names)):
        tc = g["crossing_time_s"][:]
        d = g["direction"][:]
        order = np.argsort(tc, kind="stable")
        tc, d = tc[order], d[order]
        col = cmap(i % 10)
        axes[0].step(np.r_[0.0, tc], np.arange(len(tc) + 1), where="post", color=col,
                     label="%s (%d crossings, net %+d)" % (name, len(tc), int(d.sum())))
        if len(tc):
            h, _ = np.histogram(tc, bins)
            axes[1].step(bins[:-1], h / width, where="post", color=col)
    valid = [(i, l) for i, l in enumerate(lines) if l]
    if valid and "trajectories" in f:
        t, dens = measure_density(f, plan, [l for _, l in valid])
        k = np.clip(np.searchsorted(bins, t, side="right") - 1, 0, len(bins) - 2)
        n = np.bincount(k, minlength=len(bins) - 1)
        for (i, _), dd in zip(valid, dens):
            mean = np.bincount(k, weights=dd, minlength=len(bins) - 1) / np.maximum(n, 1)
            axes[2].step(bins[:-1], mean, where="post", color=cmap(i % 10))
    axes[0].set_ylabel("crossings (cumulative)")
    axes[0].legend(fontsize=7)
    axes[1].set_ylabel("flow (persons/s,\n%.0f s bins)" % width)
    axes[2].set_ylabel("density within %.0f m\n(persons/m², bin mean)" % DENSITY_BAND_M)
    axes[2].set_xlabel("time (s)")
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[0].set_title("Measure lines")
    fig.tight_layout()
    return save(fig, outdir, "measures", svg=True)


def agent_columns(f):
    """The /agents columns the report uses, as numpy arrays."""
    a = f["agents"]
    return {
        "floor_index": a["floor_index"][:],
        "start_x": a["start_x"][:],
        "start_y": a["start_y"][:],
        "profile": np.array(texts(a["profile"]), dtype=object),
        "exit_time_s": a["exit_time_s"][:],
        "incapacitated": a["incapacitated"][:],
        "safe_place": np.array(texts(a["safe_place"]), dtype=object),
        "fed_max": a["fed_max"][:],
    }


def profile_rows(agents):
    """Per profile: people, evacuated, incapacitated, median and last exit
    time."""
    rows = []
    for p in sorted(set(agents["profile"])):
        sel = agents["profile"] == p
        t = agents["exit_time_s"][sel]
        ok = t[~np.isnan(t)]
        rows.append((p, int(sel.sum()), int(len(ok)),
                     int(agents["incapacitated"][sel].sum()),
                     "%.1f" % np.median(ok) if len(ok) else "none",
                     "%.1f" % ok.max() if len(ok) else "none",
                     "%.3f" % agents["fed_max"][sel].max()))
    return rows


def select_floors(plan, names, default):
    """The floors named in names (comma-separated), or default."""
    if not names:
        return default
    out = []
    for n in names.split(","):
        n = n.strip()
        if n not in plan.by_name:
            raise ReportError("--floors: no floor is called '%s' (floors: %s)"
                              % (n, ", ".join(fl.name for fl in plan.floors)))
        out.append(plan.by_name[n])
    return out


def check(f, path):
    """Raises ReportError unless f is a complete run result."""
    for g in ("summary", "parameters", "agents", "timeseries"):
        if g not in f:
            raise ReportError("%s: not an evacsim result file (no /%s)" % (path, g))
    if num(f["summary"].attrs.get("complete"), 0) != 1:
        raise ReportError("%s: incomplete result file (no /summary complete=1)" % path)


def hazard_rows(scenario, fixed):
    """The scenario's hazard list as table rows, each in force or
    rectified (--fix)."""
    rows = []
    for i, h in enumerate(scenario.get("hazards", []) or []):
        if not isinstance(h, dict):
            continue
        hid = str(h.get("id", ""))
        rows.append((i + 1, hid, str(h.get("type", "")), str(h.get("target", "")) or "-",
                     ", ".join(str(v) for v in h.get("floors", []) or []) or "all",
                     "rectified (--fix)" if hid in fixed else "in force",
                     str(h.get("note", ""))))
    return rows


def outcome_text(s):
    """One sentence of the outcome: casualties split, RSET, ASET and the
    margin."""
    occ = int(num(s.get("occupants"), 0))
    inc, tr, no = (int(num(s.get(k), 0)) for k in ("incapacitated", "trapped", "not_out"))
    rset, aset = num(s.get("rset_s")), num(s.get("aset_s"))
    out = ("%d of %d people reached safety; %d incapacitated, %d trapped or sheltering, "
           "%d not out when the run ended." % (int(num(s.get("evacuated"), 0)), occ, inc, tr,
                                               no))
    out += " RSET (last survivor safe) %s, ASET (first person in untenable conditions) %s" \
        % (fmt_time(rset), fmt_time(aset))
    if not math.isnan(rset) and not math.isnan(aset):
        out += ": margin ASET − RSET = %.1f s" % (aset - rset)
    return out + ". docs/reading.md tells how to read these numbers."


def build(f, path, outdir, opts, page, log):
    """Writes the run report's figures into outdir and its sections into
    page."""
    import os

    from . import animate, floor_map, run_drill, tenability

    check(f, path)
    s = dict(f["summary"].attrs)
    par = f["parameters"]
    plan = planmod.Plan(text(par["plan_json"][0]), path)
    try:
        scenario = json.loads(text(par["scenario_json"][0]))
    except (KeyError, ValueError):
        scenario = {}
    pa = par.attrs
    slugs = planmod.floor_files(plan)
    page.title = "evacsim run: %s" % (text(pa.get("plan_name", plan.name)) or plan.name)
    page.p("Result file %s; scenario %s; seed %s, replication %s; evacsim %s (%s)."
           % (os.path.basename(path), os.path.basename(text(pa.get("scenario_path", "?"))),
              text(pa.get("seed", "?")), text(pa.get("replication", "?")),
              text(pa.get("evacsim_version", "?")), text(pa.get("git_revision", "?"))))
    fixed = [v for v in text(pa.get("fixed_hazards", "")).split(",") if v]
    hz = hazard_rows(scenario, fixed)
    if hz:
        live = [r[1] for r in hz if r[5] == "in force"]
        page.p("Hazards in force: %s. Rectified with --fix: %s."
               % (", ".join(live) or "none", ", ".join(fixed) or "none"))
    else:
        page.p("The scenario lists no hazards.")
    page.h2("Outcome")
    page.p(outcome_text(s))
    page.table(("quantity", "value"), summary_rows(s))
    if hz:
        page.h3("Hazards (the inspection list)")
        page.table(("no.", "id", "type", "target", "floors", "in this run", "note"), hz)

    agents = agent_columns(f)
    if "drill" in f:
        page.h2("Drill")
        run_drill.drill_tables(f, scenario, page)
    page.h2("Timeline")
    log("timeline")
    page.figure(run_drill.timeline(f, plan, agents, scenario, s, outdir),
                "When each %s was cleared, with the scenario's timeline, ASET, the first "
                "incapacitation, RSET and, in a drill, compartments given up and refuges "
                "that filled." % ("ward" if "drill" in f else "start floor"),
                "timeline.svg")

    page.h2("Evacuation")
    log("evacuation curve")
    page.figure(evacuation_curve(f, s, outdir),
                "People evacuated, incapacitated, remaining and on stairs against "
                "time; dotted: RSET and ASET.", "evacuation.svg")
    page.table(("profile", "people", "evacuated", "incapacitated",
                "median exit time (s)", "last exit time (s)", "highest FED"),
               profile_rows(agents))
    places = {}
    for p in agents["safe_place"]:
        places[p or "(none)"] = places.get(p or "(none)", 0) + 1
    page.table(("safe place", "people"), sorted(places.items(), key=lambda kv: -kv[1]))
    if "events" in f and "type" in f["events"]:
        import h5py

        kinds = h5py.check_enum_dtype(f["events/type"].dtype) or {}
        by_value = {v: k for k, v in kinds.items()}
        vals, counts = np.unique(f["events/type"][:], return_counts=True)
        page.table(("event", "count"),
                   [(by_value.get(v, str(v)), int(n)) for v, n in zip(vals, counts)])

    log("heat release")
    hrr = hrr_curve(f, s, outdir)
    if hrr:
        page.h2("Fire")
        page.figure(hrr, "Heat release rate of the fire; dotted: RSET and ASET.",
                    "hrr.svg")

    occupied = set(int(i) for i in np.unique(agents["floor_index"]))
    fire_floors = {fn for fn, _, _ in fires(scenario)}
    measure_floors = {str(m.get("floor")) for m in plan.measures}
    hazard_floors = {str(v) for h in scenario.get("hazards", []) or [] if isinstance(h, dict)
                     for v in h.get("floors", []) or []}
    # by priority: the fire's floors, those with measure lines, those with
    # hazards, those with people; drawn in plan order
    ranked = ([fl for fl in plan.floors if fl.name in fire_floors]
              + [fl for fl in plan.floors if fl.name in measure_floors]
              + [fl for fl in plan.floors if fl.name in hazard_floors]
              + [fl for fl in plan.floors if fl.index in occupied])
    default = []
    for fl in ranked:
        if len(default) < opts.max_floors and fl not in default:
            default.append(fl)
    default.sort(key=lambda fl: fl.index)
    chosen = select_floors(plan, opts.floors, None)
    page.h2("Floor maps")
    page.p("One map per floor, to print: rooms and regions named, compartments "
           "outlined (the areas the model evaluates), exits, refuges, stairs, lifts, "
           "shafts and named fire doors labelled, each hazard of the inspection list "
           "marked with its id where it is (red: in force, grey: rectified), the fire "
           "(star; hollow: other ignition scenarios), the occupants' start cells by "
           "profile, and the measure lines (dashed magenta).", "note")
    marked = [dict(h, fixed=str(h.get("id", "")) in fixed)
              for h in scenario.get("hazards", []) or [] if isinstance(h, dict)]
    for fl in chosen or default:
        log("map of floor %s" % fl.name)
        name, _, unplaced, _ = floor_map.floor_map(plan, fl, agents, scenario, marked,
                                                   fires(scenario), outdir,
                                                   "plan-%s" % slugs[fl.index])
        page.figure(name, "Floor %s%s" % (fl.name, "" if not unplaced else
                                           " (%d labels found no free place)" % unplaced))

    smoky = []
    if "fields" in f:
        for fl in plan.floors:
            g = f["fields"].get("floor_%02d" % fl.index)
            if g is not None and num(g.attrs.get("first_sample"), -1) >= 0:
                smoky.append(fl)
    map_floors = chosen or smoky[:opts.max_floors]
    if "fields" in f and map_floors:
        times = f["fields/time_s"][:]
        wanted = opts.times if opts.times else default_times(times, s)
        page.h2("Tenability")
        page.p("Where the model's untenability rules hold, worked out from the stored "
               "smoke layer height, layer temperature and soot density: dark red where "
               "a standing person's head is in the smoke layer and visibility there is "
               "below 5 m or the gas hotter than 60 °C (the ASET and routing rule); "
               "orange where only the compartment rule holds (the layer below 1.8 m "
               "with visibility below 10 m or hotter than 60 °C, or a layer hotter than "
               "200 °C radiating down: a hot layer just above the head counts here, "
               "though visibility at the head is clear). The last panel shows when "
               "each cell first became untenable for a compartment (docs/reading.md).",
               "note")
        ks = pick_samples(times, wanted)
        for fl in map_floors:
            g = f["fields"].get("floor_%02d" % fl.index)
            if g is None or not tenability.has_fields(g) or len(times) == 0:
                continue
            log("tenability map of floor %s" % fl.name)
            name, counts = tenability.tenability_map(f, plan, fl, ks, outdir,
                                                     "tenability-%s" % slugs[fl.index],
                                                     floor_size)
            page.figure(name, "Floor %s: untenable cells at %s s, and when each first "
                        "became untenable" % (fl.name, ", ".join("%.0f" % c[0]
                                                                 for c in counts)))
        page.h2("Smoke")
        page.p("Visibility of reflecting signs, height of the smoke layer's lower "
               "boundary and the rate of fractional effective dose at head height "
               "(docs/output.md, /fields). Walls are dark, cells never reached by "
               "smoke hold clean-air values. Floors with smoke: %s%s."
               % (", ".join(fl.name for fl in smoky) or "none",
                  "" if len(smoky) <= len(map_floors) or chosen
                  else " (the first %d shown; --floors chooses)" % len(map_floors)),
               "note")
        for fl, files in smoke_maps(f, plan, map_floors, wanted, outdir):
            log("smoke maps of floor %s" % fl.name)
            for name, caption in files:
                page.figure(name, caption)
    elif "fields" not in f:
        page.p("No smoke or tenability maps: the run wrote no /fields (no fire, or no "
               "fields_every_s in the scenario's output).", "note")

    log("measure lines")
    m = measures_figure(f, plan, outdir)
    if m:
        page.h2("Measure lines")
        page.figure(m, "Net crossings, flow (crossings per second) and density of "
                    "people within %.0f m of each measure line." % DENSITY_BAND_M,
                    "measures.svg")

    if opts.animate:
        anim_floors = chosen or animate.default_floors(f, plan, agents)
        page.h2("Animation")
        for name, caption in animate.write(f, plan, anim_floors, opts.frames, outdir, log):
            page.figure(name, caption)
