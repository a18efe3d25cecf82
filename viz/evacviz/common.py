"""Shared pieces of the report: errors with exit codes, reading helpers,
saving figures."""

import math

# Exit codes of the evacsim command line (README, "Exit codes").
EXIT_INPUT = 2
EXIT_RUNTIME = 3
EXIT_IO = 4


class ReportError(Exception):
    """An error reported to the user as one line, with an exit code."""

    def __init__(self, message, code=EXIT_INPUT):
        super().__init__(message)
        self.code = code


def text(v):
    """An HDF5 string value (bytes or str, scalar or 0-d array) as str."""
    import numpy as np

    if isinstance(v, np.ndarray):
        v = v[()] if v.shape == () else v.ravel()[0]
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8", "replace").rstrip("\0")
    return str(v)


def texts(dataset):
    """A 1-D string dataset as a list of str."""
    return [text(v) for v in dataset[:]]


def num(v, default=math.nan):
    """An attribute or scalar as float (default when missing or not numeric)."""
    import numpy as np

    try:
        if isinstance(v, np.ndarray):
            v = v.ravel()[0]
        return float(v)
    except (TypeError, ValueError, IndexError):
        return default


def field_map(f, floor, q, k):
    """The map [ny][nx] of quantity q (e.g. "visibility_m") on floor index
    floor at field sample k of the result file f (docs/output.md, /fields).
    Format 2 stores a floor's samples from its first_sample on, with its
    clean-air value (attribute ambient) and wall mask (solid) for the samples
    before; format 1 stored every sample."""
    import numpy as np

    g = f["fields/floor_%02d" % floor]
    d = g[q]
    if int(num(f.attrs.get("format_version"), 1)) < 2:
        return d[k]
    first = int(num(g.attrs.get("first_sample"), -1))
    if first >= 0 and k >= first:
        return d[k - first]
    amb = np.float32(num(d.attrs.get("ambient"), math.nan))
    return np.where(g["solid"][:] != 0, np.float32(np.nan), amb).astype(np.float32)


def fmt_time(v):
    """Seconds as '51.0 s', or 'none' for NaN (never reached)."""
    v = num(v)
    return "none" if math.isnan(v) else "%.1f s" % v


def save(fig, outdir, name, svg=False, dpi=100):
    """Saves fig as outdir/name.png (and name.svg when svg), closes it and
    returns the PNG's file name."""
    import matplotlib.pyplot as plt

    fig.savefig(outdir / (name + ".png"), dpi=dpi)
    if svg:
        fig.savefig(outdir / (name + ".svg"))
    plt.close(fig)
    return name + ".png"


def visibility_cmap():
    """The colour map of visibility: magma without its black end, so that
    dense smoke stays distinct from the dark walls."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import ListedColormap

    return ListedColormap(plt.get_cmap("magma")(np.linspace(0.18, 1.0, 256)))
