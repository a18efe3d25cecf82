"""evacsim report: the command line. Reads a result, ranking or county
file and writes DIR/index.html with its figures, atomically (everything
goes to DIR.partial/, renamed to DIR at the end)."""

import argparse
import importlib.util
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from .common import EXIT_IO, EXIT_RUNTIME, ReportError, text

GENERATOR = "evacsim report"

# Python modules the report needs, with their Debian packages.
REQUIRES = [("numpy", "python3-numpy"), ("h5py", "python3-h5py"),
            ("matplotlib", "python3-matplotlib"), ("PIL", "python3-pil")]

USAGE = """evacsim report RESULT.h5 -o DIR [--animate] [--floors NAMES]
       [--times T,...] [--frames N] [--max-floors N] [--quiet]"""

DESCRIPTION = """Writes DIR/index.html and its figures (PNG, SVG; GIF with --animate) for
a run result (evacsim run), a hazard ranking (evacsim rank) or a county
batch (evacsim batch, county.h5). The page opens in a browser from the
disk, with no server. DIR is written as DIR.partial and renamed when
complete; an existing report at DIR is replaced, any other existing DIR is
refused. Exit codes: 0 ok, 2 bad input, 3 runtime failure, 4 output I/O
failure. docs/report.md tells more."""


def parse_times(s):
    """'60,120' -> [60.0, 120.0]."""
    try:
        out = [float(v) for v in s.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("'%s' is not a comma-separated list of "
                                         "times in seconds" % s)
    if not out or any(not (v >= 0) for v in out):
        raise argparse.ArgumentTypeError("'%s': give times >= 0 s, e.g. 60,120,300" % s)
    return out


def bounded(lo, hi):
    """An argparse type: a whole number in lo..hi."""
    def parse(s):
        try:
            v = int(s)
        except ValueError:
            v = None
        if v is None or not lo <= v <= hi:
            raise argparse.ArgumentTypeError("'%s' is not a whole number in %d..%d"
                                             % (s, lo, hi))
        return v
    return parse


def parser():
    """The argument parser (argparse exits with 2 on a bad argument)."""
    p = argparse.ArgumentParser(prog="evacsim report", usage=USAGE,
                                description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="RESULT.h5",
                   help="result, ranking or county file")
    p.add_argument("-o", "--output", metavar="DIR", required=True,
                   help="report folder (DIR/index.html)")
    p.add_argument("--animate", action="store_true",
                   help="also write floor-FLOOR.gif (smoke and occupants; stack.gif "
                        "when several floors are chosen)")
    p.add_argument("--floors", metavar="NAMES",
                   help="comma-separated floor names for plans, smoke maps and "
                        "animation (default: see docs/report.md)")
    p.add_argument("--times", metavar="T,...", type=parse_times,
                   help="times (s) of the smoke maps (default: 1/8, 1/4, 1/2 and "
                        "all of the sampled period)")
    p.add_argument("--frames", metavar="N", type=bounded(2, 1000), default=120,
                   help="animation frames at most, 2..1000 (default 120)")
    p.add_argument("--max-floors", metavar="N", type=bounded(1, 500), default=12,
                   help="floors drawn by default at most (default 12)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return p


def kind_of(f, path):
    """'run', 'rank' or 'county', from the file's layout."""
    if text(f.attrs.get("format", "")) == "evacsim result":
        return "run"
    if "ranking" in f:
        return "rank"
    if "county" in f:
        return "county"
    raise ReportError("%s: not an evacsim result, ranking or county file (no "
                      "'format' attribute, /ranking or /county)" % path)


def prepare(out):
    """Checks DIR can be (re)placed and returns the empty DIR.partial."""
    cwd = Path(os.getcwd())
    if out == cwd or out in cwd.parents:
        raise ReportError("%s: is the current folder or holds it; choose another "
                          "folder" % out)
    if out.exists() and not out.is_dir():
        raise ReportError("%s: exists and is not a folder" % out)
    if out.is_dir() and any(out.iterdir()):
        idx = out / "index.html"
        if not idx.is_file() or GENERATOR not in idx.read_text(errors="replace")[:2000]:
            raise ReportError("%s: exists and is not an evacsim report (no index.html "
                              "written by evacsim report); choose another folder or "
                              "remove it" % out)
    partial = out.with_name(out.name + ".partial")
    try:
        if partial.exists():
            shutil.rmtree(partial)
        partial.mkdir(parents=False)
    except OSError as e:
        raise ReportError("%s: cannot write report: %s" % (out, e.strerror or e), EXIT_IO)
    return partial


def publish(partial, out):
    """Renames DIR.partial to DIR, replacing an older report at DIR (moved
    aside to a fresh DIR.old-XXXX, then deleted)."""
    try:
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=out.name + ".old-", dir=out.parent))
            os.rename(out, old)  # onto the empty folder just made
        os.rename(partial, out)
        if old:
            shutil.rmtree(old)
    except OSError as e:
        raise ReportError("%s: cannot write report: %s" % (out, e.strerror or e), EXIT_IO)


def on_term(signum, frame):
    """SIGTERM and SIGHUP end the report like Ctrl-C (the partial folder is
    removed)."""
    raise KeyboardInterrupt


def generate(args, log):
    """Writes the report; raises ReportError."""
    path = args.file
    if not os.path.exists(path):
        raise ReportError("%s: no such file" % path)
    if not os.path.isfile(path):
        raise ReportError("%s: not a file" % path)
    for module, package in REQUIRES:  # found here, not mid-report
        if importlib.util.find_spec(module) is None:
            raise ReportError("evacsim report needs the Python module %s: install the "
                              "Debian package %s ('make deps' does)" % (module, package),
                              EXIT_RUNTIME)
    import h5py

    if not h5py.is_hdf5(path):
        raise ReportError("%s: not an evacsim file (not an HDF5 file)" % path)
    out = Path(os.path.abspath(args.output))
    try:
        h5 = h5py.File(path, "r")
    except OSError as e:  # a truncated or corrupt file is bad input
        raise ReportError("%s: not a readable evacsim file (truncated or corrupt?): %s"
                          % (path, e))
    with h5 as f:
        kind = kind_of(f, path)
        if kind == "run":
            from .run_report import check

            check(f, path)
        partial = prepare(out)
        import matplotlib

        matplotlib.use("Agg")
        from . import county_report, rank_report, run_report
        from .html import Page

        try:
            page = Page("evacsim report")
            build = {"run": run_report, "rank": rank_report, "county": county_report}[kind]
            build.build(f, path, partial, args, page, log)
            page.p("Written by %s from %s on %s." % (GENERATOR, os.path.basename(path),
                                                     time.strftime("%Y-%m-%d %H:%M:%S")),
                   "note")
            (partial / "index.html").write_text(page.render(GENERATOR), encoding="utf-8")
        except OSError as e:
            shutil.rmtree(partial, ignore_errors=True)
            raise ReportError("%s: cannot write report: %s" % (out, e.strerror or e), EXIT_IO)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    publish(partial, out)
    return os.path.join(args.output, "index.html")


def main(argv=None):
    """Entry point: returns the exit code."""
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)
    t0 = time.monotonic()
    log = (lambda m: None) if args.quiet or not sys.stderr.isatty() else \
        (lambda m: print("evacsim report: %s" % m, file=sys.stderr))
    try:
        index = generate(args, log)
    except ReportError as e:
        print("evacsim report: %s" % e if not str(e).startswith(args.file) else e,
              file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("evacsim report: interrupted; nothing written", file=sys.stderr)
        return 130
    except Exception as e:  # a bug or an unreadable file: one line, exit 3
        print("evacsim report: %s: failed: %s: %s" % (args.file, type(e).__name__, e),
              file=sys.stderr)
        return EXIT_RUNTIME
    if not args.quiet:
        print("report written to %s (%.1f s)" % (index, time.monotonic() - t0))
    return 0
