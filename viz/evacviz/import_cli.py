"""evacsim import dxf: the command line. Reads one DXF per floor (bottom
up), rasterises them into one plan and writes it atomically (PLAN.partial,
renamed). Exit codes: 0 written (warnings may be printed), 2 bad input,
3 runtime failure, 4 output I/O failure."""

import argparse
import importlib.util
import json
import os
import signal
import sys
from pathlib import Path

from .common import EXIT_IO, EXIT_RUNTIME, ReportError

USAGE = """evacsim import dxf FLOOR.dxf... -o PLAN.json [--map MAP.json]
       [--cell-m M] [--names N,...] [--heights H,...] [--name NAME] [--quiet]"""

DESCRIPTION = """Writes a building plan from CAD floor plans: one DXF file per floor,
bottom floor first. Layers say what each line is (walls, doors, fire doors,
exits, stairs, lifts, shafts, refuges, rooms, compartments); the default
layer names, or those of a map file (--map), are in docs/import.md. The
drawing is rasterised at --cell-m. What cannot be mapped is listed with its
layer and coordinates. Exit codes: 0 ok, 2 bad input, 3 runtime failure,
4 output I/O failure."""


def number_list(kind):
    """An argparse type: comma-separated numbers > 0."""
    def parse(s):
        try:
            out = [float(v) for v in s.split(",")]
        except ValueError:
            out = []
        if not out or any(not (0 < v < 1e4) for v in out):
            raise argparse.ArgumentTypeError("'%s' is not a comma-separated list of %s "
                                             "(numbers > 0)" % (s, kind))
        return out
    return parse


def cell_size(s):
    """An argparse type: the cell size, 0.05 < M <= 5 (the plan's range)."""
    try:
        v = float(s)
    except ValueError:
        v = 0.0
    if not 0.05 < v <= 5:
        raise argparse.ArgumentTypeError("'%s' is not a cell size in metres, "
                                         "0.05 < M <= 5" % s)
    return v


def parser():
    """The argument parser (argparse exits with 2 on a bad argument)."""
    p = argparse.ArgumentParser(prog="evacsim import dxf", usage=USAGE,
                                description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", metavar="FLOOR.dxf", nargs="+",
                   help="one DXF per floor, bottom floor first")
    p.add_argument("-o", "--output", metavar="PLAN.json", required=True,
                   help="plan file to write")
    p.add_argument("--map", metavar="MAP.json",
                   help="layer map file (default: the layer names of docs/import.md)")
    p.add_argument("--cell-m", metavar="M", type=cell_size, default=0.4,
                   help="cell size in metres (default 0.4)")
    p.add_argument("--names", metavar="N,...",
                   help="floor names, bottom up (default 1, 2, ...)")
    p.add_argument("--heights", metavar="H,...", type=number_list("heights in metres"),
                   default=[3.6], help="floor-to-floor heights in metres, one for all "
                   "floors or one per floor (default 3.6)")
    p.add_argument("--name", metavar="NAME", help="plan name (default: the first "
                   "file's name without .dxf)")
    p.add_argument("--quiet", action="store_true",
                   help="print nothing but errors and warnings")
    return p


def floor_names(args):
    """The floor names, checked against the number of files."""
    n = len(args.files)
    if args.names is None:
        return [str(i + 1) for i in range(n)]
    names = [v.strip() for v in args.names.split(",")]
    if len(names) != n or not all(names) or len(set(names)) != n:
        raise ReportError("--names: give %d different non-empty names, one per file, "
                          "got '%s'" % (n, args.names))
    return names


def heights(args):
    """One height per floor."""
    n = len(args.files)
    h = args.heights
    if len(h) == 1:
        return h * n
    if len(h) != n:
        raise ReportError("--heights: give one height or %d (one per file), got %d"
                          % (n, len(h)))
    return h


def build(args, warnings):
    """Reads and rasterises the floors; returns the plan (a dict). What
    could not be mapped is appended to warnings."""
    from .dxf_raster import Frame, Plan, finish, rasterise_floor
    from .dxf_read import load_map, read_floor

    names = floor_names(args)
    hs = heights(args)
    mapping = load_map(args.map)
    for f in args.files:
        if not os.path.isfile(f):
            raise ReportError("%s: %s" % (f, "not a file" if os.path.exists(f)
                                          else "no such file"))
    floors = [read_floor(f, mapping, args.cell_m / 4) for f in args.files]
    for f in floors:
        if not f.shapes:
            raise ReportError("%s: nothing to import: no line, outline or hatch on the "
                              "layers of the map (%s); the file's layers: %s; name them "
                              "in a map file (--map)"
                              % (f.path, ", ".join(sorted(mapping["layers"])),
                                 ", ".join(sorted(f.unmapped)) or "none"))
    plan = Plan(Frame(floors, args.cell_m), mapping, warnings)
    elevation = 0.0
    for f, name, h in zip(floors, names, hs):
        rasterise_floor(plan, f, name, round(elevation, 6), h)
        elevation += h
    title = args.name or Path(args.files[0]).stem
    return finish(plan, title)


def write(plan, out):
    """Writes the plan JSON to out.partial and renames it to out."""
    partial = out + ".partial"
    try:
        with open(partial, "w", encoding="utf-8") as f:
            json.dump(plan, f, indent=1, ensure_ascii=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, out)
    except OSError as e:
        try:
            os.unlink(partial)
        except OSError:
            pass
        raise ReportError("%s: cannot write plan: %s" % (out, e.strerror or e), EXIT_IO)


def main(argv=None):
    """Entry point: `evacsim-import dxf ...`; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "dxf":
        print("evacsim import: the format must be 'dxf'\nusage: %s" % USAGE,
              file=sys.stderr)
        return 2
    args = parser().parse_args(argv[1:])
    if importlib.util.find_spec("ezdxf") is None:
        print("evacsim import: needs the Python module ezdxf: install the Debian "
              "package python3-ezdxf ('make deps' does)", file=sys.stderr)
        return EXIT_RUNTIME
    warnings = []
    try:
        plan = build(args, warnings)
        write(plan, args.output)
    except ReportError as e:
        for w in warnings:
            print("warning: %s" % w, file=sys.stderr)
        print("evacsim import: %s" % e, file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("evacsim import: interrupted; nothing written", file=sys.stderr)
        return 128 + signal.SIGINT
    except Exception as e:  # a bug or a DXF ezdxf cannot handle: one line, exit 3
        print("evacsim import: %s: failed: %s: %s" % (", ".join(args.files),
                                                     type(e).__name__, e), file=sys.stderr)
        return EXIT_RUNTIME
    for w in warnings:
        print("warning: %s" % w, file=sys.stderr)
    if not args.quiet:
        for fl in plan["floors"]:
            cells = "".join(fl["rows"])
            print("floor %s: %d x %d cells, %d floor, %d doors, %d fire doors, %d exit "
                  "cells" % (fl["name"], len(fl["rows"][0]), len(fl["rows"]),
                             cells.count("."), cells.count("D"), cells.count("F"),
                             cells.count("E")))
        print("plan written to %s: %d floors, %d stairs, %d lifts, %d shafts, %d regions, "
              "%d warnings" % (args.output, len(plan["floors"]), len(plan["stairs"]),
                               len(plan["lifts"]), len(plan["shafts"]),
                               len(plan["regions"]), len(warnings)))
    return 0
