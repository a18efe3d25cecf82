"""The report of a hazard ranking (`evacsim rank` file, docs/ranking.md):
the objective avoided by each hazard with its 95 % interval (a forest plot
with the zero and major lines), the rectification order, the rectification
list, the closure check and the responsibility list."""

import math
import os

import numpy as np

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
SHOWN = ["rank", "hazard_id", "type", "target", "floors", "avoided",
         "delta_incapacitated_mean", "delta_trapped_mean", "delta_not_out_mean",
         "delta_rset_p95_s", "delta_aset_margin_s", "major", "priority", "cost",
         "risk_reduction_per_cost", "owner"]
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


def list_rows(cols, inert_from):
    """The rectification list's rows with readable cells."""
    rows = []
    for i in range(len(cols["rank"])):
        row = []
        for c in SHOWN:
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
    page.p("%d hazards ranked by %s a fire; %d variants, %d simulations (%d replications "
           "a variant, seed %d) in %.1f s; %s. File %s, evacsim %s (%s)."
           % (n, objective, num(sa.get("variants"), 0), num(sa.get("simulations"), 0),
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
