"""The report of a county batch (`evacsim batch` DIR/county.h5): casualties
per building, casualties avoidable per hazard type, and the county-wide
rectification list."""

import math

import numpy as np

from .common import ReportError, save, texts
from .rank_report import tornado

# Lower bound of casualties avoided that makes a hazard major (docs/ranking.md).
MAJOR_CI_LOW = 0.5

BUILDING_COLUMNS = ["name", "file", "occupants", "casualties_mean", "hazards", "error"]
RANKING_COLUMNS = ["rank", "building", "hazard_id", "type", "delta_casualties_mean",
                   "delta_casualties_ci_low", "delta_casualties_ci_high", "cost",
                   "risk_reduction_per_cost", "owner"]
STRINGS = {"name", "file", "building", "hazard_id", "type", "owner", "error"}

# Rows shown in charts and tables at most (the largest first).
TOP = 40


def columns(g, names, path, where):
    """The named 1-D datasets of group g as lists (str or float)."""
    out = {}
    for c in names:
        if c not in g:
            raise ReportError("%s: not an evacsim county file (no %s/%s)" % (path, where, c))
        out[c] = texts(g[c]) if c in STRINGS else [float(v) for v in g[c][:]]
    n = {len(v) for v in out.values()}
    if len(n) > 1:
        raise ReportError("%s: %s: columns of different lengths" % (path, where))
    return out


def buildings_figure(b, outdir):
    """buildings.png/svg: mean casualties a fire per building, worst
    first."""
    import matplotlib.pyplot as plt

    order = np.argsort(-np.array(b["casualties_mean"]), kind="stable")[:TOP]
    n = len(order)
    fig, ax = plt.subplots(figsize=(8.5, 1.2 + 0.3 * n))
    y = np.arange(n)[::-1]
    ax.barh(y, [b["casualties_mean"][i] for i in order], color="tab:red", height=0.6)
    ax.set_yticks(y)
    ax.set_yticklabels(["%s (%d people)" % (b["name"][i], b["occupants"][i]) for i in order],
                       fontsize=8)
    ax.set_xlabel("casualties per fire (mean, as inspected)")
    ax.set_title("Buildings by casualties" + (" (worst %d)" % TOP if len(b["name"]) > TOP else ""))
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return save(fig, outdir, "buildings", svg=True)


def types_figure(r, outdir):
    """hazard_types.png/svg: per hazard type, the casualties avoided summed
    over the county and the number of hazards."""
    import matplotlib.pyplot as plt

    sums, counts = {}, {}
    for t, d in zip(r["type"], r["delta_casualties_mean"]):
        sums[t] = sums.get(t, 0.0) + (0.0 if math.isnan(d) else d)
        counts[t] = counts.get(t, 0) + 1
    types = sorted(sums, key=lambda t: (-sums[t], t))
    y = np.arange(len(types))[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(10, 1.2 + 0.35 * len(types)), sharey=True)
    axes[0].barh(y, [sums[t] for t in types], color="tab:blue", height=0.6)
    axes[0].set_xlabel("casualties avoided per fire, summed")
    axes[1].barh(y, [counts[t] for t in types], color="tab:gray", height=0.6)
    axes[1].set_xlabel("hazards found")
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(types, fontsize=8)
    for ax in axes:
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Hazards by type")
    fig.tight_layout()
    return save(fig, outdir, "hazard_types", svg=True)


def fmt(c, v):
    """A table cell of column c."""
    if isinstance(v, str):
        return v
    if math.isnan(v):
        return ""
    if c in ("rank", "occupants", "hazards"):
        return int(v)
    if c == "cost":
        return "%.0f" % v
    if c == "risk_reduction_per_cost":
        return "%.3g" % v
    return "%.2f" % v


def build(f, path, outdir, opts, page, log):
    """Writes the county report's figures into outdir and its sections into
    page."""
    c = f["county"]
    if "buildings" not in c or "ranking" not in c:
        raise ReportError("%s: not an evacsim county file (no /county/buildings or "
                          "/county/ranking)" % path)
    b = columns(c["buildings"], BUILDING_COLUMNS, path, "/county/buildings")
    r = columns(c["ranking"], RANKING_COLUMNS, path, "/county/ranking")
    page.title = "evacsim batch: %d buildings" % len(b["name"])
    failed = [i for i in range(len(b["name"])) if b["error"][i]]
    done = {k: [v[i] for i in range(len(v)) if not b["error"][i]] for k, v in b.items()}
    page.p("County file %s: %d buildings%s, %d people, %.2f casualties a fire in all "
           "(mean, as inspected), %d hazards."
           % (path, len(b["name"]), " (%d failed)" % len(failed) if failed else "",
              sum(done["occupants"]), sum(done["casualties_mean"]), len(r["rank"])))
    page.h2("Buildings")
    if failed:
        page.p("Failed, not in the charts or the county list (fix the input and run the "
               "batch again: finished tasks are kept):", "note")
        page.table(["name", "error"], [[b["name"][i], b["error"][i]] for i in failed])
    if done["name"]:
        log("buildings chart")
        page.figure(buildings_figure(done, outdir), "Mean casualties a fire per building, "
                    "as inspected.", "buildings.svg")
    columns_shown = BUILDING_COLUMNS[:-1]
    page.table(columns_shown, [[fmt(k, done[k][i]) for k in columns_shown]
                               for i in range(len(done["name"]))])
    page.h2("Hazards by type")
    if r["rank"]:
        log("hazard types chart")
        page.figure(types_figure(r, outdir), "Casualties avoided per fire by fixing "
                    "the hazards of each type (summed over the county), and how many "
                    "were found.", "hazard_types.svg")
    page.h2("County rectification list")
    order = sorted(range(len(r["rank"])), key=lambda i: r["rank"][i])
    if len(order) > TOP:
        page.p("The first %d of %d lines." % (TOP, len(order)), "note")
    if order:
        top = order[:TOP]
        log("county tornado chart")
        page.figure(tornado(["%d. %s %s %s" % (r["rank"][i], r["building"][i],
                                                r["hazard_id"][i], r["type"][i]) for i in top],
                            [r["delta_casualties_mean"][i] for i in top],
                            [r["delta_casualties_ci_low"][i] for i in top],
                            [r["delta_casualties_ci_high"][i] for i in top],
                            [r["delta_casualties_ci_low"][i] >= MAJOR_CI_LOW for i in top],
                            outdir, "county_tornado"),
                    "Casualties avoided per fire by each line of the county list, with "
                    "its 95 %% confidence interval; red: major (lower bound at least %.1f)."
                    % MAJOR_CI_LOW, "county_tornado.svg")
    page.table(RANKING_COLUMNS, [[fmt(k, r[k][i]) for k in RANKING_COLUMNS]
                                 for i in order[:TOP]])
