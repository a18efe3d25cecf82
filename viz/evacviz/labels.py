"""Label placement without collisions on a matplotlib axes: each label
tries its anchor first, then positions around it at growing distances
(with a leader line back to the anchor), and takes the first whose box
overlaps no label placed before and stays inside the axes."""

import math

# Offsets tried around an anchor, points: the anchor itself, then eight
# directions at each of these distances.
RADII_PT = (0, 9, 16, 26, 40, 58, 80)
DIRECTIONS = [(0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1)]

# Free space kept around every label box, pixels.
PAD_PX = 1.5


class Placer:
    """Places text labels on ax without overlaps; blocked areas (already
    placed labels, obstacles) are kept in display coordinates."""

    def __init__(self, ax):
        self.ax = ax
        self.fig = ax.figure
        self.renderer = self.fig.canvas.get_renderer()
        self.boxes = []
        self.frame = ax.get_window_extent(self.renderer)
        self.unplaced = 0  # labels that overlap something (no free place)

    def free(self, box):
        """1 if box (a Bbox) overlaps no placed box and lies inside the
        axes."""
        f = self.frame
        if box.x0 < f.x0 or box.x1 > f.x1 or box.y0 < f.y0 or box.y1 > f.y1:
            return False
        return not any(box.overlaps(b) for b in self.boxes)

    def block(self, xy, size_pt):
        """Keeps a square of size_pt points around the data point xy (a
        marker) free of labels."""
        from matplotlib.transforms import Bbox

        x, y = self.ax.transData.transform(xy)
        h = size_pt * self.fig.dpi / 72.0 / 2.0
        self.boxes.append(Bbox([[x - h, y - h], [x + h, y + h]]))

    def place(self, text, xy, radii=RADII_PT, leader="#555", **style):
        """Places text for the data point xy; returns the Text (or None
        when text is empty). style goes to ax.annotate (fontsize, colour,
        bbox, rotation, ...)."""
        if not text:
            return None
        best = None
        for r in radii:
            for dx, dy in (DIRECTIONS if r else [(0, 0)]):
                n = math.hypot(dx, dy)
                off = (r * dx / n, r * dy / n) if r else (0.0, 0.0)
                ann = self.ax.annotate(
                    text, xy, xytext=off, textcoords="offset points",
                    ha="center" if dx == 0 else ("left" if dx > 0 else "right"),
                    va="center" if dy == 0 else ("bottom" if dy > 0 else "top"),
                    annotation_clip=False, **style)
                box = ann.get_window_extent(self.renderer).padded(PAD_PX)
                if self.free(box):
                    if r:
                        ann.remove()
                        ann = self.ax.annotate(
                            text, xy, xytext=off, textcoords="offset points",
                            ha=ann.get_ha(), va=ann.get_va(), annotation_clip=False,
                            arrowprops=dict(arrowstyle="-", color=leader, lw=0.6,
                                            shrinkA=0, shrinkB=2), **style)
                    self.boxes.append(box)
                    if best is not None:
                        best[0].remove()
                    return ann
                if best is None:
                    best = (ann, box)
                else:
                    ann.remove()
        # nowhere free: the anchor itself, counted
        self.unplaced += 1
        self.boxes.append(best[1])
        return best[0]
