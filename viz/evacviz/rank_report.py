"""The report of a hazard ranking (`evacsim rank` file, docs/ranking.md):
casualties avoided by each hazard with its 95 % interval (a tornado
chart), the rectification order, and the ranking table."""

import math

import numpy as np

from .common import ReportError, num, save, text, texts

COLUMNS = ["rank", "hazard_id", "type", "target", "floors",
           "delta_casualties_mean", "delta_casualties_ci_low",
           "delta_casualties_ci_high", "delta_rset_p95_s", "delta_aset_margin_s",
           "major", "cost", "risk_reduction_per_cost", "owner"]
STRINGS = {"hazard_id", "type", "target", "floors", "owner"}


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
    order = sorted(range(len(cols["rank"])), key=lambda i: cols["rank"][i])
    return {c: [v[i] for i in order] for c, v in cols.items()}


def label(cols, i):
    """'H-01 sprinkler_inoperative (target)' for row i."""
    tgt = cols["target"][i]
    return "%s %s%s" % (cols["hazard_id"][i], cols["type"][i], " (%s)" % tgt if tgt else "")


def tornado(labels, mean, lo, hi, major, outdir, name="tornado"):
    """name.png/svg: casualties avoided per fire by each line (first on
    top), 95 % CI whiskers, major lines in red."""
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


def build(f, path, outdir, opts, page, log):
    """Writes the ranking report's figures into outdir and its sections into
    page."""
    cols = read(f, path)
    pa = f["parameters"].attrs if "parameters" in f else {}
    sa = f["summary"].attrs
    page.title = "evacsim rank: %s" % text(pa.get("scenario_path", path))
    page.p("Ranking file %s; %d hazards, %d variants, %d simulations (%d replications "
           "a variant, seed %d) in %.1f s; evacsim %s (%s)."
           % (path, len(cols["rank"]), num(sa.get("variants"), 0),
              num(sa.get("simulations"), 0), num(pa.get("reps"), 0),
              num(pa.get("seed"), 0), num(sa.get("wall_clock_s"), 0),
              text(pa.get("evacsim_version", "?")), text(pa.get("git_revision", "?"))))
    sets = fixed_sets(f)
    if frozenset() in sets and frozenset(cols["hazard_id"]) in sets:
        page.p("Casualties a fire with every hazard: %.2f; with none: %.2f."
               % (sets[frozenset()], sets[frozenset(cols["hazard_id"])]))
    page.h2("Casualties avoided")
    log("tornado chart")
    if cols["rank"]:
        labels = ["%d. %s" % (int(cols["rank"][i]), label(cols, i))
                  for i in range(len(cols["rank"]))]
        page.figure(tornado(labels, cols["delta_casualties_mean"],
                            cols["delta_casualties_ci_low"], cols["delta_casualties_ci_high"],
                            [m >= 0.5 for m in cols["major"]], outdir),
                    "Casualties avoided per fire by fixing each hazard once the lines "
                    "above it are fixed, with the paired 95 % confidence interval; red: "
                    "major (lower bound at least 0.5).", "tornado.svg")
    log("rectification order")
    o = order_figure(f, cols, outdir)
    if o:
        page.h2("Rectification order")
        page.figure(o, "Mean casualties per fire after fixing the hazards in the "
                    "ranked order (left) and against the money spent (right, when "
                    "costs are given).", "order.svg")
    page.h2("Rectification list")
    page.table(COLUMNS, [[cell(c, cols[c][i]) for c in COLUMNS]
                         for i in range(len(cols["rank"]))])
