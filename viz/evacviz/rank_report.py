"""The report of a hazard ranking (`evacsim rank` file, docs/ranking.md):
the objective avoided by each hazard with its 95 % interval (a forest plot
with the zero and major lines), the rectification order, the rectification
list, where and why each line acts, a map of each floor with the hazards
numbered as in the list, the closure check and the responsibility list."""

import json
import math
import os
import re

import numpy as np

from . import limits
from . import plan as planmod
from .common import ReportError, num, save, text, texts

COLUMNS = ["rank", "hazard_id", "type", "target", "floors",
           "delta_casualties_mean", "delta_casualties_ci_low",
           "delta_casualties_ci_high", "delta_rset_p95_s", "delta_aset_margin_s",
           "major", "cost", "risk_reduction_per_cost", "owner"]
STRINGS = {"hazard_id", "type", "target", "floors", "owner", "priority"}
# optional columns (older files lack them)
EXTRA = ["priority", "resolved", "delta_incapacitated_mean", "delta_trapped_mean",
         "delta_not_out_mean", "applicable"]
# readable names of the columns shown
NAMES = {"rank": "Order", "hazard_id": "Hazard", "type": "Type", "target": "Target",
         "floors": "Floors", "avoided": "Avoided a fire (95 % CI)",
         "delta_incapacitated_mean": "Incapacitated avoided",
         "delta_trapped_mean": "Trapped avoided", "delta_not_out_mean": "Not out avoided",
         "delta_rset_p95_s": "p95 evacuation time saved (s)",
         "delta_aset_margin_s": "Safety margin gained (s)", "major": "Major",
         "priority": "Priority", "cost": "Cost",
         "risk_reduction_per_cost": "Avoided per unit cost", "owner": "Owner"}
# the rectification list in two tables, so that neither is wider than the page
SHOWN = ["rank", "hazard_id", "type", "target", "floors", "avoided", "major", "priority",
         "cost", "risk_reduction_per_cost", "owner"]
SHOWN_COUNTS = ["rank", "hazard_id", "avoided", "delta_incapacitated_mean",
                "delta_trapped_mean", "delta_not_out_mean", "delta_rset_p95_s",
                "delta_aset_margin_s"]
COLOURS = {"high": "tab:red", "medium": "tab:orange", "low": "tab:gray", "n/a": "lightgray"}
MAJOR = 0.5


def read(f, path):
    """The /ranking columns as {name: list}, rows in rank order."""
    if "ranking" not in f:
        raise ReportError("%s: not an evacsim ranking file (no /ranking)" % path)
    if "summary" not in f or num(f["summary"].attrs.get("complete"), 0) != 1:
        raise ReportError("%s: incomplete ranking file (no /summary complete=1)" % path)
    r = f["ranking"]
    cols = {}
    for c in COLUMNS:
        if c not in r:
            raise ReportError("%s: not an evacsim ranking file (no /ranking/%s)" % (path, c))
        cols[c] = texts(r[c]) if c in STRINGS else [float(v) for v in r[c][:]]
    for c in EXTRA:
        if c in r:
            cols[c] = texts(r[c]) if c in STRINGS else [float(v) for v in r[c][:]]
    order = sorted(range(len(cols["rank"])), key=lambda i: cols["rank"][i])
    return {c: [v[i] for i in order] for c, v in cols.items()}


def label(cols, i):
    """'H-01 sprinkler_inoperative (target)' for row i."""
    tgt = cols["target"][i]
    return "%s %s%s" % (cols["hazard_id"][i], cols["type"][i], " (%s)" % tgt if tgt else "")


def tornado(labels, mean, lo, hi, major, outdir, name="tornado"):
    """name.png/svg: casualties avoided per fire by each line (first on
    top), 95 % CI whiskers, major lines in red (the county report)."""
    import matplotlib.pyplot as plt

    mean, lo, hi = np.array(mean), np.array(lo), np.array(hi)
    n = len(mean)
    y = np.arange(n)[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 1.2 + 0.45 * n))
    ax.barh(y, mean, color=["tab:red" if m else "tab:gray" for m in major], height=0.6)
    ax.errorbar(mean, y, xerr=[np.maximum(mean - lo, 0), np.maximum(hi - mean, 0)],
                fmt="none", ecolor="black", capsize=4, lw=1)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("casualties avoided per fire (mean, 95 % CI)")
    ax.set_title("Casualties avoided by fixing each hazard (red: major)")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return save(fig, outdir, name, svg=True)


def forest(labels, mean, lo, hi, priority, outdir, name="forest", major=MAJOR):
    """name.png/svg: the objective avoided a fire by each line (first on
    top) with its 95 % interval, the zero line and the major line, points
    coloured by priority."""
    import matplotlib.pyplot as plt

    mean, lo, hi = np.array(mean), np.array(lo), np.array(hi)
    n = len(mean)
    y = np.arange(n)[::-1]
    fig, ax = plt.subplots(figsize=(9, 1.4 + 0.42 * n))
    for i in range(n):
        c = COLOURS.get(priority[i], "tab:gray")
        ax.plot([lo[i], hi[i]], [y[i], y[i]], color=c, lw=2)
        ax.plot([mean[i]], [y[i]], "o", color=c, ms=7)
    ax.axvline(0, color="black", lw=1)
    ax.axvline(major, color="tab:red", lw=1, ls="--")
    ax.text(major, n - 0.4, " major (%.1f)" % major, color="tab:red", fontsize=8,
            va="bottom")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_ylim(-0.7, n - 0.1)
    ax.set_xlabel("avoided a fire (mean and 95 % interval)")
    ax.set_title("What fixing each hazard avoids, once the lines above it are fixed")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return save(fig, outdir, name, svg=True)


def fixed_sets(f):
    """{frozenset of fixed ids: casualties mean} from /variants."""
    if "variants" not in f or "fixed" not in f["variants"]:
        return {}
    v = f["variants"]
    return {frozenset(s.split()): float(c)
            for s, c in zip(texts(v["fixed"]), v["casualties_mean"][:])}


def order_figure(f, cols, outdir):
    """order.png/svg: expected casualties per fire after fixing the first k
    hazards of the order (and against the cumulative cost when costs are
    given); None without variants."""
    import matplotlib.pyplot as plt

    sets = fixed_sets(f)
    ids = cols["hazard_id"]
    cas = [sets.get(frozenset(ids[:k])) for k in range(len(ids) + 1)]
    if cas[0] is None or any(c is None for c in cas):
        return None
    costs = np.array([0.0 if math.isnan(c) else c for c in cols["cost"]])
    has_cost = np.any(costs > 0)
    fig, axes = plt.subplots(1, 2 if has_cost else 1, figsize=(11 if has_cost else 7, 4),
                             squeeze=False)
    ax = axes[0, 0]
    k = np.arange(len(cas))
    ax.step(k, cas, where="post", color="tab:blue", marker="o")
    ax.set_xticks(k)
    ax.set_xticklabels(["as\ninspected"] + ["+%s" % h for h in ids], fontsize=8)
    ax.set_ylabel("casualties per fire (mean)")
    ax.set_title("Rectification order")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    if has_cost:
        ax = axes[0, 1]
        cum = np.r_[0.0, np.cumsum(costs)]
        ax.step(cum, cas, where="post", color="tab:green", marker="o")
        for c, v, h in zip(cum[1:], cas[1:], ids):
            ax.annotate(h, (c, v), fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.set_xlabel("cumulative cost")
        ax.set_ylabel("casualties per fire (mean)")
        ax.set_title("Casualties against money spent")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return save(fig, outdir, "order", svg=True)


def cell(c, v):
    """A table cell of column c."""
    if isinstance(v, str):
        return v
    if math.isnan(v):
        return ""
    if c in ("rank",):
        return int(v)
    if c == "major":
        return "yes" if v >= 0.5 else "no"
    if c == "cost":
        return "%.0f" % v
    if c == "risk_reduction_per_cost":
        return "%.3g" % v
    return "%.2f" % v


def marks(cols, i, inert_from):
    """'~' (not told from the next best), '=' (not re-ranked) or ''."""
    if i >= inert_from:
        return "="
    if "resolved" in cols and cols["resolved"][i] < 0.5:
        return "~"
    return ""


def applicable(cols, i):
    """False where the line cannot act in this building."""
    return "applicable" not in cols or cols["applicable"][i] >= 0.5


def list_rows(cols, inert_from, shown=SHOWN):
    """The rectification list's rows with readable cells of the columns
    shown."""
    rows = []
    for i in range(len(cols["rank"])):
        row = []
        for c in shown:
            if c == "avoided":
                row.append("%.2f [%.2f, %.2f]%s" % (
                    cols["delta_casualties_mean"][i], cols["delta_casualties_ci_low"][i],
                    cols["delta_casualties_ci_high"][i], marks(cols, i, inert_from))
                    if applicable(cols, i) else "not applicable")
            elif c not in cols:
                row.append("")
            else:
                row.append(cell(c, cols[c][i]))
        rows.append(row)
    return rows


def why_rows(f, cols):
    """Each line's avoided, its largest parts by start floor and its
    sentence (/ranking/why, /ranking/by_floor), or None in older files."""
    r = f["ranking"]
    if "why" not in r or "by_floor" not in r:
        return None
    g = r["by_floor"]
    names = texts(g["floor_names"]) if "floor_names" in g else []
    order = sorted(range(len(r["rank"])), key=lambda i: float(r["rank"][i]))
    why = texts(r["why"])
    per = [[float(v) for v in g["delta_casualties_floor_%d" % (k + 1)][:]]
           for k in range(len(names))]
    rows = []
    for j, i in enumerate(order):
        parts = sorted(((per[k][i], names[k]) for k in range(len(names))
                        if abs(per[k][i]) >= 0.005), key=lambda p: -abs(p[0]))
        floors = "; ".join("%s %+.2f" % (n, v) for v, n in parts[:4])
        if len(parts) > 4:
            floors += "; %d more" % (len(parts) - 4)
        avoided = ("%.2f" % cols["delta_casualties_mean"][j] if applicable(cols, j)
                   else "not applicable")
        rows.append([int(cols["rank"][j]), cols["hazard_id"][j], avoided, floors, why[i]])
    return rows


def hazard_places(plan, plan_text, cols):
    """Where each line's hazard is on the plan: {floor index: [(line, kind,
    where)]} with kind 'region' (where: x0, y0, x1, y1 in cells), 'feature'
    (where: x, y centroid) or 'floor' (the hazard covers the floor); and the
    lines that act on the whole building."""
    regions = {}
    try:
        for g in json.loads(plan_text).get("regions", []) or []:
            regions.setdefault(str(g.get("name")), []).append(g)
    except ValueError:
        pass
    places, building = {}, []
    for i in range(len(cols["rank"])):
        listed = [] if cols["floors"][i] in ("", "all") else cols["floors"][i].split(" ")
        fidx = [plan.floor_index(n) for n in listed]
        tgt = cols["target"][i]
        found = False
        for g in regions.get(tgt, []):
            fi = plan.floor_index(g.get("floor"))
            rect = g.get("rect") or []
            if fi >= 0 and len(rect) == 4 and (not listed or fi in fidx):
                places.setdefault(fi, []).append((i, "region", rect))
                found = True
        for fl in plan.floors if tgt and not found else []:
            if listed and fl.index not in fidx:
                continue
            ys, xs = np.nonzero(fl.labels == tgt)
            if len(xs):
                places.setdefault(fl.index, []).append((i, "feature", (xs.mean(), ys.mean())))
                found = True
        if not found and listed:
            for fi in fidx:
                if fi >= 0:
                    places.setdefault(fi, []).append((i, "floor", None))
        elif not found:
            building.append(i)
    return places, building


def fire_places(f, plan):
    """{floor index: [(x, y)]} of the ranking's ignition scenarios."""
    out = {}
    if "fires" not in f or "place" not in f["fires"]:
        return out
    for p in texts(f["fires"]["place"]):
        m = re.match(r"^floor (.*) \((-?\d+), (-?\d+)\)$", p)
        if m and plan.floor_index(m.group(1)) >= 0:
            out.setdefault(plan.floor_index(m.group(1)), []).append(
                (int(m.group(2)), int(m.group(3))))
    return out


def floor_map(plan, floor, items, fires, cols, prio, outdir):
    """floor-N.png: the floor with its hazards numbered as in the list and
    coloured by priority (regions outlined, features marked, floor-wide
    ones listed in the corner) and its fires; returns the file name."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    c = plan.cell_m
    ny, nx = floor.shape
    fig, ax = plt.subplots(figsize=(min(12, 2.5 + 0.09 * nx), 1.6 + 0.09 * ny))
    planmod.draw(ax, plan, floor, alpha=0.55)
    wide = []
    for i, kind, where in items:
        col = COLOURS.get(prio[i], "tab:gray")
        num_ = int(cols["rank"][i])
        if kind == "region":
            x0, y0, x1, y1 = where
            ax.add_patch(Rectangle((x0 * c, y0 * c), (x1 - x0 + 1) * c, (y1 - y0 + 1) * c,
                                   fill=False, ec=col, lw=2.2))
            x, y = (x0 + x1 + 1) / 2 * c, (y0 + y1 + 1) / 2 * c
        elif kind == "feature":
            x, y = (where[0] + 0.5) * c, (where[1] + 0.5) * c
        else:
            wide.append((num_, col))
            continue
        ax.annotate(str(num_), (x, y), ha="center", va="center", fontsize=9,
                    fontweight="bold", color="white",
                    bbox=dict(boxstyle="circle,pad=0.25", fc=col, ec="black", lw=0.6))
    for x, y in fires:
        ax.plot([(x + 0.5) * c], [(y + 0.5) * c], marker="^", ms=10, color="black",
                mfc="yellow", ls="none")
    if wide:
        ax.text(0.01, 0.98, "whole floor:", transform=ax.transAxes, fontsize=8, va="top",
                bbox=dict(fc="white", ec="#999", alpha=0.9))
        for j, (num_, col) in enumerate(wide):
            ax.annotate(str(num_), (0.12 + 0.035 * j, 0.955), xycoords="axes fraction",
                        ha="center", va="center", fontsize=9, fontweight="bold",
                        color="white", bbox=dict(boxstyle="circle,pad=0.25", fc=col,
                                                 ec="black", lw=0.6))
    handles = [Line2D([], [], marker="o", ls="none", mfc=COLOURS[k], mec="black",
                      label=k) for k in ("high", "medium", "low", "n/a")]
    if fires:
        handles.append(Line2D([], [], marker="^", ls="none", mfc="yellow", mec="black",
                              label="ignition scenario"))
    ax.legend(handles=handles, fontsize=7, ncol=len(handles), loc="upper center",
              bbox_to_anchor=(0.5, -0.16), frameon=False)
    ax.set_title("Floor %s" % floor.name)
    fig.tight_layout()
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", floor.name)
    return save(fig, outdir, "floor-%02d-%s" % (floor.index + 1, safe))


def floor_maps(f, cols, prio, outdir, page, log):
    """The section of floor maps: each floor that holds a hazard or a fire
    of the ranking (none without /parameters/plan_json)."""
    if "parameters" not in f or "plan_json" not in f["parameters"]:
        return
    plan_text = text(f["parameters"]["plan_json"][0])
    plan = planmod.Plan(plan_text, "/parameters/plan_json")
    places, building = hazard_places(plan, plan_text, cols)
    fires = fire_places(f, plan)
    shown = sorted(set(places) | set(fires))
    if not shown:
        return
    page.h2("Where the hazards are")
    if building:
        page.p("Acting on the whole building (not drawn): %s." % ", ".join(
            "%d. %s" % (int(cols["rank"][i]), label(cols, i)) for i in building))
    for fi in shown:
        fl = plan.floors[fi]
        log("floor map %s" % fl.name)
        items = places.get(fi, [])
        listed = ", ".join("%d. %s" % (int(cols["rank"][i]), cols["hazard_id"][i])
                           for i in sorted({it[0] for it in items}))
        page.figure(floor_map(plan, fl, items, fires.get(fi, []), cols, prio, outdir),
                    "Floor %s: %s%s. Numbers are the lines of the rectification list, "
                    "coloured by priority; outlines mark a hazard's room or corridor; "
                    "triangles the ignition scenarios." % (
                        fl.name, listed or "no hazard", "; ignition scenario(s) here"
                        if fi in fires else ""))


def group_table(f, name, header, fmt):
    """Rows of /ranking/name formatted by fmt(columns, i), or None."""
    if "ranking" not in f or name not in f["ranking"]:
        return None
    g = f["ranking"][name]
    cols = {k: texts(g[k]) if g[k].dtype.kind in "SOU" else [float(v) for v in g[k][:]]
            for k in g}
    n = len(next(iter(cols.values()))) if cols else 0
    return header, [fmt(cols, i) for i in range(n)]


def closure_row(c, i):
    """One line of the closure check."""
    verdict = {"fewer": "fewer harmed", "more": "more harmed",
               "no_change": "no change told apart from chance",
               "not_applicable": "not applicable"}
    shows = c["closure_shows"][i] if "closure_shows" in c else ""
    return [c["hazard_id"][i],
            "%.2f [%.2f, %.2f]" % (c["solo_casualties_mean"][i], c["solo_casualties_ci_low"][i],
                                   c["solo_casualties_ci_high"][i]),
            "%.1f" % c["solo_rset_p95_s"][i], "%.1f" % c["solo_aset_margin_s"][i],
            verdict.get(shows, shows)]


def owner_row(c, i):
    """One line of the responsibility list."""
    return [c["owner"][i] or "(none)", int(c["hazards"][i]), int(c["major"][i]),
            "%.2f" % c["delta_casualties_sum"][i], "%.0f" % c["cost_sum"][i],
            c["hazard_ids"][i]]


def build(f, path, outdir, opts, page, log):
    """Writes the ranking report's figures into outdir and its sections into
    page."""
    cols = read(f, path)
    pa = f["parameters"].attrs if "parameters" in f else {}
    sa = f["summary"].attrs
    building = text(pa.get("building", "")) or os.path.basename(
        text(pa.get("scenario_path", path)))
    objective = text(pa.get("objective", "casualties"))
    n = len(cols["rank"])
    inert_from = int(num(sa.get("inert_from"), n))
    page.title = "Hazard ranking: %s" % building
    sims, reused = num(sa.get("simulations"), 0), num(sa.get("reused"), 0)
    page.p("%d hazards ranked by %s a fire; %d variants, %d simulations (%d run, %d "
           "reused from identical inputs; %d replications a variant, seed %d) in %.1f s; "
           "%s. File %s, evacsim %s (%s)."
           % (n, objective, num(sa.get("variants"), 0), sims, sims - reused, reused,
              num(pa.get("reps"), 0), num(pa.get("seed"), 0),
              num(sa.get("wall_clock_s"), 0),
              text(sa.get("stopped", "")) or ("resolved" if num(sa.get("resolved"), 0)
                                               else "not resolved"),
              os.path.basename(path), text(pa.get("evacsim_version", "?")),
              text(pa.get("git_revision", "?"))))
    warning = text(sa.get("warning", ""))
    if warning:
        page.p("Warning: %s." % warning)
    sets = fixed_sets(f)
    if frozenset() in sets and frozenset(cols["hazard_id"]) in sets:
        page.p("%s a fire with every hazard: %.2f; with none: %.2f."
               % (objective, sets[frozenset()], sets[frozenset(cols["hazard_id"])]))
    page.h2("What fixing each hazard avoids")
    log("forest plot")
    if n:
        labels = ["%d. %s%s" % (int(cols["rank"][i]), label(cols, i), marks(cols, i, inert_from))
                  for i in range(n)]
        prio = cols.get("priority") or ["high" if m >= 0.5 else "low" for m in cols["major"]]
        page.figure(forest(labels, cols["delta_casualties_mean"],
                           cols["delta_casualties_ci_low"], cols["delta_casualties_ci_high"],
                           prio, outdir, major=num(pa.get("major_threshold"), MAJOR)),
                    "%s avoided a fire by fixing each hazard once the lines above it are "
                    "fixed, with the 95 %% interval (stratified by fire). Solid line: no "
                    "effect; dashed: the major threshold. Colours: red high (major), orange "
                    "medium (above zero), grey low, light grey not applicable. ~: not told "
                    "apart from the next best; =: measured at the last greedy step."
                    % objective.capitalize(), "forest.svg")
    log("rectification order")
    o = order_figure(f, cols, outdir)
    if o:
        page.h2("Rectification order")
        page.figure(o, "Mean %s a fire after fixing the hazards in the "
                    "ranked order (left) and against the money spent (right, when "
                    "costs are given)." % objective, "order.svg")
    page.h2("Rectification list")
    page.table([NAMES[c] for c in SHOWN], list_rows(cols, inert_from))
    page.p("Each line's effect assumes the lines above it are fixed. What it changes, "
           "count by count (avoided = incapacitated + trapped under the default "
           "objective; not out: still on the way when the run ended):", cls="note")
    page.table([NAMES[c] for c in SHOWN_COUNTS], list_rows(cols, inert_from, SHOWN_COUNTS))
    rows = why_rows(f, cols) if n else None
    if rows:
        page.h2("Where and why each line acts")
        page.table(["Order", "Hazard", "Avoided a fire", "By start floor (largest first)",
                    "Why (largest parts by how people ended)"], rows)
        page.p("The parts by floor add up to the line. The sentence names the largest "
               "changes by start floor and by how people ended (overcome by smoke, "
               "trapped, waiting for staff, still on the way), and the fire where most "
               "of the line happens.", cls="note")
    lim = limits.rows(cols["type"]) if n else []
    if lim:
        page.h2("Model limits that affect these lines")
        page.table(["Type", "How far to trust its effect", "What the model leaves out"],
                   [[limits.plain(c) for c in r] for r in lim])
    if n:
        floor_maps(f, cols, prio, outdir, page, log)
    t = group_table(f, "closure", ["Hazard", "Avoided alone (95 % CI)",
                                   "p95 evacuation time saved (s)",
                                   "Safety margin gained (s)", "Re-run shows"], closure_row)
    if t:
        page.h2("Closure check (the building as inspected, this hazard alone fixed)")
        page.table(*t)
    t = group_table(f, "responsibility", ["Owner", "Hazards", "Major", "Avoided",
                                          "Cost", "Hazards in order"], owner_row)
    if t:
        page.h2("Responsibility list")
        page.table(*t)
