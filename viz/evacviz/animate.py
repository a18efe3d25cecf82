"""Animated GIFs of the evacuation: the smoke (visibility) over a floor or
a stack of floors, the occupants coloured by state, and the time."""

import numpy as np

from . import plan as planmod
from .common import field_map, num, visibility_cmap

# Colours of the states of /trajectories/state/value (docs/output.md);
# the safe are not drawn (their position is where they reached safety).
STATE_COLOURS = ["#9e9e9e", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#e377c2"]
STATE_NAMES = ["waiting", "moving", "stair", "safe", "incapacitated", "stuck"]
SAFE = 3

# Milliseconds a frame is shown.
FRAME_MS = 100

# Visibility range of the colour scale, m (at and beyond 30 m: clear).
VIS_RANGE = (0.0, 30.0)

# Resolution of the frames: 72 dpi and 24 pixels a metre of floor (a 60 m
# floor is 1440 pixels wide), at least 8 inches wide; smaller when the
# frame would exceed MAX_FRAME_PX.
DPI = 72
PX_PER_M = 24.0
MAX_FRAME_PX = (3800, 7600)


def frame_scale(plan, floors):
    """Inches per metre of floor for the stack of floors."""
    width_m = max(fl.shape[1] for fl in floors) * plan.cell_m
    height_m = sum(fl.shape[0] for fl in floors) * plan.cell_m
    scale = max(PX_PER_M / DPI, 8.0 / max(width_m, 1e-9))
    return min(scale, (MAX_FRAME_PX[0] - 150) / DPI / max(width_m, 1e-9),
               (MAX_FRAME_PX[1] - 150) / DPI / max(height_m, 1e-9))


def default_floors(f, plan, agents):
    """The floor where the smoke starts (lowest first_sample), else the one
    with the most occupants at the start."""
    best = None
    if "fields" in f:
        for fl in plan.floors:
            g = f["fields"].get("floor_%02d" % fl.index)
            k = num(g.attrs.get("first_sample"), -1) if g is not None else -1
            if k >= 0 and (best is None or k < best[0]):
                best = (k, fl)
    if best:
        return [best[1]]
    idx, counts = np.unique(agents["floor_index"], return_counts=True)
    if len(idx) == 0:
        return plan.floors[:1]
    return [plan.floors[int(idx[np.argmax(counts)])]]


def frame_samples(n, frames):
    """At most frames trajectory sample indices spread over 0..n-1."""
    if n == 0:
        return np.zeros(0, dtype=int)
    return np.unique(np.linspace(0, n - 1, min(n, frames)).round().astype(int))


def render(f, plan, floors, samples, path, log):
    """Renders the frames of floors (top floor on top) to the GIF at
    path."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from PIL import Image

    tr = f["trajectories"]
    pos, flo, st = tr["position/value"], tr["floor/value"], tr["state/value"]
    t = tr["position/time"][:]
    fields = f["fields"] if "fields" in f else None
    ft = fields["time_s"][:] if fields is not None else np.zeros(0)
    ts = f["timeseries"]
    ts_t = ts["time_s"][:]
    evac, incap = ts["evacuated"][:], ts["incapacitated"][:]
    stack = list(reversed(floors))
    scale = frame_scale(plan, floors)
    w = max(fl.shape[1] for fl in stack) * plan.cell_m * scale
    h = sum(fl.shape[0] * plan.cell_m * scale for fl in stack)
    # axes placed in inches, so the floor gets the width it was given
    left, gap, bar, right, top, bottom, between = 0.6, 0.15, 0.2, 0.8, 0.45, 0.75, 0.3
    fw = left + w + gap + bar + right
    fh = top + h + between * (len(stack) - 1) + bottom
    fig = plt.figure(figsize=(fw, fh), dpi=DPI)
    axes, y = [], fh - top
    for fl in stack:
        hi = fl.shape[0] * plan.cell_m * scale
        wi = fl.shape[1] * plan.cell_m * scale
        y -= hi
        axes.append(fig.add_axes([left / fw, y / fh, wi / fw, hi / fh]))
        y -= between
    axes = np.array(axes).reshape(-1, 1)
    # a dot about 0.45 m across (a person's shoulder width), at least 4 px
    dot = max(4.0, 0.45 * scale * DPI) ** 2
    smoke, dots = [], []
    for ax, fl in zip(axes[:, 0], stack):
        planmod.draw(ax, plan, fl, label=False)
        g = fields.get("floor_%02d" % fl.index) if fields is not None else None
        img = None
        if g is not None and "visibility_m" in g and len(ft):
            img = ax.imshow(np.full(fl.shape, np.nan), cmap=visibility_cmap(), vmin=VIS_RANGE[0],
                            vmax=VIS_RANGE[1], extent=planmod.extent(plan, fl),
                            interpolation="nearest")
        smoke.append((g, img))
        dots.append(ax.scatter([], [], s=dot, zorder=3, linewidths=0.3, edgecolors="k"))
        ax.set_ylabel("floor %s, y (m)" % fl.name, fontsize=8)
        ax.set_xlabel("")
        ax.tick_params(labelsize=7)
    if any(img is not None for _, img in smoke):
        imgs = [img for _, img in smoke if img is not None]
        cax = fig.add_axes([(left + w + gap) / fw, bottom / fh, bar / fw,
                            (fh - top - bottom) / fh])
        fig.colorbar(imgs[0], cax=cax, label="visibility (m)")
    handles = [Line2D([], [], ls="", marker="o", color=c, label=n)
               for c, n in zip(STATE_COLOURS, STATE_NAMES) if n != "safe"]
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=8, frameon=False)
    title = fig.suptitle("", animated=True)
    for (_, img), d in zip(smoke, dots):
        d.set_animated(True)
        if img is not None:
            img.set_animated(True)
    colours = np.array([list(int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)) + [1.0]
                        for c in STATE_COLOURS])
    # The static parts are drawn once; each frame redraws the smoke, the
    # people and the time over a copy of them (blitting).
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    images, palette = [], None
    for j in samples:
        p, fj, sj = pos[j], flo[j], st[j]
        k = int(np.searchsorted(ft, t[j], side="right")) - 1
        fig.canvas.restore_region(background)
        for (g, img), fl, d in zip(smoke, stack, dots):
            if img is not None and k >= 0:
                img.set_data(np.ma.masked_invalid(
                    field_map(f, fl.index, "visibility_m", k)))
                img.axes.draw_artist(img)
            on = (fj == fl.index) & (sj != SAFE)
            d.set_offsets(p[on] if on.any() else np.zeros((0, 2)))
            d.set_facecolors(colours[np.clip(sj[on], 0, 5)])
            d.axes.draw_artist(d)
        i = max(0, min(len(ts_t) - 1, int(np.searchsorted(ts_t, t[j], side="right")) - 1))
        title.set_text("t = %5.0f s    evacuated %d, incapacitated %d"
                       % (t[j], evac[i], incap[i]) if len(ts_t) else "t = %5.0f s" % t[j])
        fig.draw_artist(title)
        rgb = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3])
        # one palette for all frames (from the first, which holds the colour
        # bar's whole range), so unchanged pixels stay identical
        if palette is None:
            palette = rgb.quantize(colors=255, method=Image.Quantize.FASTOCTREE)
        images.append(rgb.quantize(palette=palette, dither=Image.Dither.NONE))
    plt.close(fig)
    images[0].save(path, save_all=True, append_images=images[1:], duration=FRAME_MS,
                   loop=0, optimize=False)


def write(f, plan, floors, frames, outdir, log):
    """Writes floor-FLOOR.gif for each floor (and stack.gif of them all when
    there are several); returns [(file, caption)]."""
    if "trajectories" not in f:
        return []
    n = f["trajectories/position/time"].shape[0]
    samples = frame_samples(n, frames)
    if len(samples) == 0:
        return []
    out = []
    t = f["trajectories/position/time"][:]
    gap = float(np.max(np.diff(t[samples]))) if len(samples) > 1 else 0.0
    span = "%d frames (every %.0f s at most), %d ms each" % (len(samples), gap, FRAME_MS)
    for fl in floors:
        log("animation of floor %s" % fl.name)
        name = "floor-%s.gif" % planmod.floor_files(plan)[fl.index]
        render(f, plan, [fl], samples, outdir / name, log)
        out.append((name, "Floor %s: visibility and occupants by state; %s." % (fl.name, span)))
    if len(floors) > 1:
        log("animation of the stack of floors")
        render(f, plan, floors, samples, outdir / "stack.gif", log)
        out.append(("stack.gif", "Floors %s: visibility and occupants by state; %s."
                    % (", ".join(fl.name for fl in floors), span)))
    return out
