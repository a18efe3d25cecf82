#!/usr/bin/python3
"""Checks an evacsim report folder: the HTML references only files that
exist in the folder (nothing outside it, nothing on the network), every
file of the folder is referenced, every image opens and has a sensible
size, and (with --browser) headless Chromium loads index.html with every
image and no console message. Prints what it checked; exit 0 if all is
well, 1 with one line per problem otherwise.

With --promised DOC it also checks that every figure the documentation
promises for a run report is in the folder: the file names in backquotes
in the first column of the table under DOC's "## Run report" heading
(`evacuation.png/.svg` is two files; FLOOR stands for a floor's name).
With --screenshot PNG, Chromium also saves a picture of the page.

usage: check_report.py DIR [--browser] [--expect FILE]... [--max-frames N]
                       [--promised DOC] [--screenshot PNG]
"""

import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

# Sensible image sizes, pixels (figures are 5 to 12 inches at 72 to 100
# dpi) and bytes.
MIN_PX, MAX_PX = (200, 100), (4000, 8000)
MAX_BYTES = 8 * 1024 * 1024

# Run in the page: logs one summary line of the images and any error.
PROBE = """<script>
window.addEventListener("error", function (e) {
  console.log("evacsim-check error: " + (e.message || (e.target && e.target.src)));
}, true);
window.addEventListener("load", function () {
  var bad = [];
  for (var i = 0; i < document.images.length; i++) {
    var im = document.images[i];
    if (!im.complete || im.naturalWidth === 0) bad.push(im.getAttribute("src"));
  }
  console.log("evacsim-check: " + document.images.length + " images, " +
              bad.length + " failed" + (bad.length ? ": " + bad.join(" ") : ""));
});
</script>"""


class Refs(HTMLParser):
    """Collects the src and href attributes of a page, and its img srcs."""

    def __init__(self):
        super().__init__()
        self.refs, self.imgs = [], []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href") and v is not None:
                self.refs.append(v)
                if tag == "img" and k == "src":
                    self.imgs.append(v)


def check_image(path, max_frames, problems):
    """Opens an image file and checks its size; returns a description."""
    size = path.stat().st_size
    if size == 0 or size > MAX_BYTES:
        problems.append("%s: %d bytes" % (path.name, size))
    if path.suffix == ".svg":
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            problems.append("%s: not valid SVG: %s" % (path.name, e))
            return "bad"
        dims = [float(re.sub(r"[a-z]+$", "", root.get(a, "0")) or 0) for a in ("width", "height")]
        if not root.tag.endswith("svg") or min(dims) < 50 or max(dims) > 5000:
            problems.append("%s: SVG of size %s" % (path.name, dims))
        return "SVG %.0f x %.0f pt" % tuple(dims)
    from PIL import Image

    try:
        with Image.open(path) as im:
            w, h = im.size
            fmt, frames = im.format, getattr(im, "n_frames", 1)
            im.verify()
    except Exception as e:
        problems.append("%s: not a valid image: %s" % (path.name, e))
        return "bad"
    if {".png": "PNG", ".gif": "GIF"}.get(path.suffix) != fmt:
        problems.append("%s: holds a %s image" % (path.name, fmt))
    if not (MIN_PX[0] <= w <= MAX_PX[0] and MIN_PX[1] <= h <= MAX_PX[1]):
        problems.append("%s: %d x %d pixels, outside %s..%s" % (path.name, w, h, MIN_PX, MAX_PX))
    if fmt == "GIF" and not 2 <= frames <= max_frames:
        problems.append("%s: %d frames, not in 2..%d" % (path.name, frames, max_frames))
    return "%s %d x %d%s" % (fmt, w, h, ", %d frames" % frames if frames > 1 else "")


def check_static(d, expect, max_frames, problems, out):
    """The checks that need no browser."""
    index = d / "index.html"
    if not index.is_file():
        problems.append("%s: no index.html" % d)
        return []
    p = Refs()
    p.feed(index.read_text(encoding="utf-8"))
    files = {f.name for f in d.iterdir()}
    referenced = set()
    for r in p.refs:
        if re.match(r"^[a-z]+:|^//", r, re.I) or "/" in r or r.startswith("."):
            problems.append("index.html: reference '%s' is not a file of the folder" % r)
        elif r not in files:
            problems.append("index.html: references '%s', which does not exist" % r)
        else:
            referenced.add(r)
    for name in sorted(files - {"index.html"}):
        if name not in referenced:
            problems.append("%s: in the folder but not referenced by index.html" % name)
    for name in expect:
        if name not in files:
            problems.append("%s: expected, missing" % name)
    for name in sorted(files):
        f = d / name
        if f.suffix in (".png", ".gif", ".svg"):
            out.append("  %-28s %s" % (name, check_image(f, max_frames, problems)))
        elif name != "index.html":
            problems.append("%s: unexpected file" % name)
    return p.imgs


def promised(doc):
    """The file-name patterns of the run report's figures in doc (FLOOR
    becomes *)."""
    text = Path(doc).read_text(encoding="utf-8")
    m = re.search(r"^## Run report\s*$(.*?)(?=^## )", text, re.M | re.S)
    if not m:
        return None
    out = []
    for line in m.group(1).splitlines():
        cell = line.split("|")[1] if line.startswith("|") else ""
        for name in re.findall(r"`([^`]+)`", cell):
            base, _, rest = name.partition("/")
            if not re.search(r"\.(png|svg|gif)$", base):
                continue
            out.append(base.replace("FLOOR", "*"))
            stem = base.rsplit(".", 1)[0]
            out.extend(stem.replace("FLOOR", "*") + ext for ext in re.findall(r"\.\w+", rest))
    return out


def check_promised(d, doc, problems, out):
    """Every promised figure pattern matches a file of the folder."""
    pats = promised(doc)
    if not pats:
        problems.append("%s: no figures found under '## Run report'" % doc)
        return
    files = [f.name for f in d.iterdir()]
    for p in pats:
        if not fnmatch.filter(files, p):
            problems.append("%s promises %s, which is not in the report" % (doc, p))
    out.append("  promised by %s: %d figures (%s)" % (os.path.basename(doc), len(pats),
                                                      ", ".join(pats)))


def screenshot(d, png, problems):
    """Saves a picture of the page (1280 pixels wide) taken by headless
    Chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        problems.append("chromium not found (Debian package chromium)")
        return
    with tempfile.TemporaryDirectory(prefix="evacsim-shot-") as tmp:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--hide-scrollbars", "--user-data-dir=%s/profile" % tmp,
               "--window-size=1280,6000", "--screenshot=%s" % os.path.abspath(png),
               (d / "index.html").resolve().as_uri()]
        try:
            subprocess.run(cmd, capture_output=True, timeout=90, env=dict(os.environ, HOME=tmp))
        except subprocess.TimeoutExpired:
            problems.append("chromium: no screenshot in 90 s")
    if not os.path.isfile(png):
        problems.append("chromium: no screenshot written to %s" % png)


def check_browser(d, imgs, problems, out):
    """Loads a copy of the page, with the probe script, in headless
    Chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        problems.append("chromium not found (Debian package chromium)")
        return
    with tempfile.TemporaryDirectory(prefix="evacsim-check-") as tmp:
        copy = Path(tmp) / "report"
        shutil.copytree(d, copy)
        page = copy / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                        encoding="utf-8")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--no-first-run", "--user-data-dir=%s/profile" % tmp,
               "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
               "--dump-dom", page.as_uri()]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=90,
                               env=dict(os.environ, HOME=tmp))
        except subprocess.TimeoutExpired:
            problems.append("chromium: no answer in 90 s")
            return
    console = re.findall(r":CONSOLE[^\]]*\] \"(.*)\", source:", r.stderr)
    want = "evacsim-check: %d images, 0 failed" % len(imgs)
    if r.returncode != 0:
        problems.append("chromium: exit code %d" % r.returncode)
    if "<h1>" not in r.stdout:
        problems.append("chromium: the page's DOM has no <h1>")
    for msg in console:
        if msg != want:
            problems.append("chromium console: %s" % msg)
    if want not in console:
        problems.append("chromium: no '%s' (console: %s)" % (want, console))
    out.append("  chromium: %s" % "; ".join(console))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--browser", action="store_true", help="also load it in headless Chromium")
    ap.add_argument("--expect", action="append", default=[], metavar="FILE",
                    help="a file that must be in the folder (repeatable)")
    ap.add_argument("--max-frames", type=int, default=1000, help="GIF frames at most")
    ap.add_argument("--promised", metavar="DOC",
                    help="the run report figures DOC promises must be present")
    ap.add_argument("--screenshot", metavar="PNG", help="save a picture of the page")
    a = ap.parse_args()
    d = Path(a.dir)
    problems, out = [], []
    imgs = check_static(d, a.expect, a.max_frames, problems, out)
    if a.browser and (d / "index.html").is_file():
        check_browser(d, imgs, problems, out)
    if a.promised:
        check_promised(d, a.promised, problems, out)
    if a.screenshot and (d / "index.html").is_file():
        screenshot(d, a.screenshot, problems)
    print("%s: %d images referenced" % (d, len(imgs)))
    print("\n".join(out))
    for p in problems:
        print("PROBLEM: %s" % p)
    print("ok" if not problems else "%d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
