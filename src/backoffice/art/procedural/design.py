"""What one page is (a Design: family, layout, frame, motif set) and how a layout draws
it on a Canvas, within the region budget of its audience.

A layout is a function of a Canvas returning a description. It reads the motif set and
the frame from the design and scales its element counts by `canvas.complexity`; the
builder counts the regions it drew on a quick low-resolution render and redraws once or
twice with a corrected complexity when the count falls outside the audience's target.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from backoffice.art.procedural.frames import FrameArea, draw_frame
from backoffice.art.procedural.geometry import Drawing, Style, art_box

AUDIENCES = ("toddlers", "children", "adults")
# Regions per page a design aims at: inside the gate's bands (toddlers 5-15, children
# 15-80, adults 80-1500) with a margin, and for adults the 300+ that intricate books have.
TARGETS = {"toddlers": (6, 14), "children": (20, 76), "adults": (300, 1400)}
# Where each layout's redraw loop starts: measured (median over seeds) so that most pages
# land in their band at the first try, sparing a redraw. Missing entries start at 1.
_START = {
    ("flower_of_life", "lattice", "children"): 0.6, ("flower_of_life", "seeds", "children"): 0.35,
    ("flower_of_life", "medallion", "children"): 0.75, ("flowers", "bloom", "children"): 1.6,
    ("flowers", "wreath", "children"): 0.25, ("flowers", "wreath", "adults"): 1.2,
    ("islamic_star", "interlace", "adults"): 2.5, ("islamic_star", "interlace", "children"): 0.7,
    ("islamic_star", "rosette", "children"): 0.45, ("islamic_star", "tiling", "children"): 0.5,
    ("mandala", "background", "adults"): 2.5, ("mandala", "background", "children"): 0.25,
    ("mandala", "cluster", "adults"): 0.45, ("mandala", "cluster", "children"): 0.25,
    ("mandala", "medallion", "adults"): 0.75, ("mandala", "medallion", "children"): 0.25,
    ("mandala", "quilt", "adults"): 0.6, ("mandala", "rising", "adults"): 0.8,
    ("mandala", "rising", "children"): 0.27, ("mandala", "tile", "adults"): 0.45,
    ("mandala", "tile", "children"): 0.2, ("stained_glass", "arch", "adults"): 2.2,
    ("stained_glass", "arch", "children"): 0.4, ("stained_glass", "arch", "toddlers"): 0.5,
    ("stained_glass", "gothic", "adults"): 1.8, ("stained_glass", "panes", "adults"): 1.7,
    ("stained_glass", "panes", "children"): 0.5, ("stained_glass", "triptych", "adults"): 2.5,
    ("stained_glass", "triptych", "children"): 0.7, ("truchet", "classic", "adults"): 3.0,
    ("truchet", "classic", "children"): 1.5, ("truchet", "filled", "adults"): 0.75,
    ("truchet", "ribbons", "children"): 0.6,
}
# The quick count renders at this resolution (dots per point).
_COUNT_SCALE = {"toddlers": 0.9, "children": 1.2, "adults": 1.2}


@dataclass(frozen=True)
class Design:
    family: str
    layout: str
    frame: str = "none"
    motifs: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What a book must not repeat: the layout with its motif set."""
        return f"{self.family}/{self.layout}:{'+'.join(self.motifs)}"


@dataclass
class Canvas:
    drawing: Drawing
    style: Style
    rng: np.random.Generator
    design: Design
    complexity: float = 1.0
    _area: FrameArea | None = field(default=None, repr=False)
    # Scratch a layout may keep between its steps (e.g. whole star loops for a weave).
    stars: object = field(default=None, repr=False)
    # The layout draws the frame's corner ornaments itself (see Layout.own_corners).
    own_corners: bool = False

    @property
    def width(self) -> float:
        return self.drawing.width

    @property
    def height(self) -> float:
        return self.drawing.height

    def area(self) -> FrameArea:
        """Draw the design's frame (once) and return the room inside it."""
        if self._area is None:
            box = art_box(self.width, self.height, self.style)
            self._area = draw_frame(self.drawing, box, self.design.frame, self.style,
                                    self.rng, self.complexity, corners=not self.own_corners)
        return self._area

    def motif(self, pool: tuple[str, ...], default: str) -> str:
        """The first of the design's motifs that is in `pool`, else `default`."""
        return next((m for m in self.design.motifs if m in pool), default)

    def motifs_in(self, pool: tuple[str, ...]) -> list[str]:
        return [m for m in self.design.motifs if m in pool]


@dataclass(frozen=True)
class Layout:
    build: Callable[[Canvas], str]
    # Per audience, the slots of a motif set: a design draws one motif from each slot
    # ("" = nothing), e.g. two feature bands, a separator, a petal shape, a background.
    pools: dict[str, tuple[tuple[str, ...], ...]]
    # May the frame carry corner ornaments or a band (designs that stop short of the
    # frame's corners), and may there be no frame at all (designs that close themselves).
    ornaments: bool = True
    frameless: bool = True
    # Needs a frame whose inner line is a plain rectangle (designs cut on it).
    straight: bool = False
    # Draws its own outline (a window, a page-size tiling): the book gives it no frame.
    own_frame: bool = False
    # Places the frame's corner ornaments itself (in cells of its own grid).
    own_corners: bool = False
    # Scales with Canvas.complexity, so a redraw can bring its regions into the budget.
    scalable: bool = True

    @property
    def audiences(self) -> tuple[str, ...]:
        return tuple(a for a in AUDIENCES if a in self.pools)


def count_regions(drawing: Drawing, audience: str) -> int:
    """About how many closed regions the gate will find: a render at lower resolution."""
    from backoffice.art.procedural.render import draw_ink

    scale = _COUNT_SCALE[audience]
    w, h = max(8, int(drawing.width * scale)), max(8, int(drawing.height * scale))
    ink = draw_ink(drawing, w, h)
    count, labels = cv2.connectedComponents((ink == 0).astype(np.uint8), connectivity=4,
                                            ltype=cv2.CV_32S)
    areas = np.bincount(labels.ravel(), minlength=count)
    edge = np.zeros(count, bool)
    for border in (labels[0], labels[-1], labels[:, 0], labels[:, -1]):
        edge[border] = True
    edge[0] = True  # the ink
    # Specks the gate ignores: 0.15 mm2.
    speck = 0.15 / (25.4 / 72 / scale) ** 2
    return int(((areas >= speck) & ~edge).sum())


def build_within_budget(layout: Layout, design: Design, style: Style,
                        rng: np.random.Generator, width: float, height: float
                        ) -> tuple[Drawing, str]:
    low, high = TARGETS[style.audience]
    # Children's pages are cheap to redraw and their band is narrow: one more try.
    complexity = _START.get((design.family, design.layout, style.audience), 1.0)
    attempts = 3 if style.audience == "adults" else 4
    best: tuple[float, Drawing, str] | None = None
    for _ in range(attempts):
        canvas = Canvas(Drawing(width, height), style, rng, design, complexity,
                        own_corners=layout.own_corners)
        description = layout.build(canvas)
        regions = count_regions(canvas.drawing, style.audience)
        miss = 0.0 if low <= regions <= high else math.log(max(regions, 1) / (
            low if regions < low else high))
        if best is None or abs(miss) < abs(best[0]):
            best = (miss, canvas.drawing, description)
        if miss == 0.0 or not layout.scalable:
            break
        # Regions grow about linearly with complexity: step most of the way to just
        # inside the band (a full step overshoots when a layout sheds whole rings).
        target = high * 0.85 if regions > high else low * 1.3
        complexity *= min(2.5, max(0.35, target / max(regions, 1)))
    assert best is not None
    return best[1], best[2]
