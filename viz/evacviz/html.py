"""A small HTML page builder: one self-contained page (inline CSS, no
scripts, no external resources) that shows figures stored beside it."""

import html
import re

# A cell that reads as a number (right-aligned).
NUMBER = re.compile(r"^[-+]?[0-9][0-9,]*(\.[0-9]+)?([eE][-+]?[0-9]+)?$")

CSS = """
body { font-family: sans-serif; margin: 2em auto; max-width: 70em; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
div.wide { overflow-x: auto; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #555; }
.note { color: #555; font-size: 0.9em; }
"""


def esc(s):
    """Escapes text for HTML."""
    return html.escape(str(s), quote=True)


class Page:
    """An HTML page built section by section."""

    def __init__(self, title):
        self.title = title
        self.parts = []

    def h2(self, title):
        """Starts a section."""
        self.parts.append("<h2>%s</h2>" % esc(title))

    def h3(self, title):
        """Starts a subsection."""
        self.parts.append("<h3>%s</h3>" % esc(title))

    def p(self, text, cls=None):
        """A paragraph of plain text."""
        c = ' class="%s"' % cls if cls else ""
        self.parts.append("<p%s>%s</p>" % (c, esc(text)))

    def table(self, header, rows):
        """A table; cells that are numbers are right-aligned."""
        out = ['<div class="wide"><table>', "<tr>%s</tr>" % "".join("<th>%s</th>" % esc(h) for h in header)]
        for r in rows:
            cells = []
            for v in r:
                n = (isinstance(v, (int, float)) and not isinstance(v, bool)
                     or isinstance(v, str) and NUMBER.match(v) is not None)
                cells.append('<td%s>%s</td>' % (' class="n"' if n else "", esc(v)))
            out.append("<tr>%s</tr>" % "".join(cells))
        out.append("</table></div>")
        self.parts.append("\n".join(out))

    def figure(self, src, caption, svg=None):
        """An image stored beside the page, with a caption (and a link to
        its vector version)."""
        link = ' (<a href="%s">SVG</a>)' % esc(svg) if svg else ""
        self.parts.append(
            '<figure><img src="%s" alt="%s"><figcaption>%s%s</figcaption></figure>'
            % (esc(src), esc(caption), esc(caption), link))

    def render(self, generator):
        """The whole page as text; generator names the program in a meta
        tag (used to recognise a report folder)."""
        return "\n".join([
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="generator" content="%s">' % esc(generator),
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>%s</title>" % esc(self.title),
            "<style>%s</style>" % CSS,
            "</head><body>",
            "<h1>%s</h1>" % esc(self.title),
        ] + self.parts + ["</body></html>", ""])
