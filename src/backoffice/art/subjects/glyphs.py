"""Vector outlines of the vendored subject drawings (Noto Emoji glyphs), read with fontTools.

A glyph is kept as closed contours in font units (y up), flattened once and cached. They
are filled at the page's own resolution with the nonzero winding rule, the rule of
TrueType outlines, so the drawings are never bitmaps scaled up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
_SHIFT = 4  # OpenCV fixed-point sub-pixel bits
# Curves are flattened into this many segments each: glyph curves are short, and at a
# full-page size (about 1,500 px per 2,048 units) 12 segments stray well under a pixel.
_CURVE_STEPS = 12
Point = tuple[float, float]
WEIGHT = 400
# Half the width of Noto Emoji's lines at weight 400, in font units (2,048 per em):
# measured as the median ridge of the distance transform over 14 glyphs, 39-41 each.
# A constant, not a per-glyph measure: a glyph that is all solid (an apple) would
# otherwise take its whole body for a line.
HALF_STROKE_UNITS = 40.0


@dataclass(frozen=True)
class Outline:
    """A glyph's closed contours in font units (y up) and its ink bounds."""

    contours: tuple[np.ndarray, ...]
    bounds: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax
    half_stroke: float = HALF_STROKE_UNITS

    def rotated(self, degrees: float) -> Outline:
        """The same drawing turned about its middle (clockwise on the page)."""
        x0, y0, x1, y1 = self.bounds
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        a = math.radians(-degrees)
        ca, sa = math.cos(a), math.sin(a)
        turned = tuple(np.column_stack([cx + (c[:, 0] - cx) * ca - (c[:, 1] - cy) * sa,
                                        cy + (c[:, 0] - cx) * sa + (c[:, 1] - cy) * ca])
                       for c in self.contours)
        pts = np.concatenate(turned)
        bounds = (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()),
                  float(pts[:, 1].max()))
        return Outline(turned, bounds, self.half_stroke)

    @property
    def aspect(self) -> float:
        x0, y0, x1, y1 = self.bounds
        return (x1 - x0) / max(1e-9, y1 - y0)


class _FlatteningPen(BasePen):
    def __init__(self, glyph_set: Any) -> None:
        super().__init__(glyph_set)
        self.contours: list[np.ndarray] = []
        self._current: list[tuple[float, float]] = []
        self._t = np.linspace(0.0, 1.0, _CURVE_STEPS + 1)[1:, None]

    def _moveTo(self, pt: Point) -> None:
        self._current = [pt]

    def _lineTo(self, pt: Point) -> None:
        self._current.append(pt)

    def _curveToOne(self, pt1: Point, pt2: Point, pt3: Point) -> None:
        p0, p1, p2, p3 = (np.asarray(p, float) for p in (self._current[-1], pt1, pt2, pt3))
        t = self._t
        pts = ((1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t ** 2 * p2
               + t ** 3 * p3)
        self._current.extend(map(tuple, pts))

    def _qCurveToOne(self, pt1: Point, pt2: Point) -> None:
        p0, p1, p2 = (np.asarray(p, float) for p in (self._current[-1], pt1, pt2))
        t = self._t
        pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2
        self._current.extend(map(tuple, pts))

    def _closePath(self) -> None:
        if len(self._current) >= 3:
            self.contours.append(np.asarray(self._current, float))
        self._current = []

    _endPath = _closePath


@lru_cache(maxsize=8)
def _fonts(directory: str, weight: int) -> tuple[dict[int, tuple[TTFont, str]], int]:
    """Code point -> (font, glyph name) over every vendored file of that weight."""
    mapping: dict[int, tuple[TTFont, str]] = {}
    units = 0
    for path in sorted(Path(directory).glob(f"*-{weight}.woff")):
        font = TTFont(path, lazy=True)
        units = units or font["head"].unitsPerEm
        for code, name in font.getBestCmap().items():
            mapping.setdefault(code, (font, name))
    return mapping, units


def code_points(weight: int = WEIGHT, directory: Path = VENDOR_DIR) -> frozenset[int]:
    return frozenset(_fonts(str(directory), weight)[0])


@lru_cache(maxsize=1024)
def outline(code: int, weight: int = WEIGHT, directory: str = str(VENDOR_DIR)) -> Outline:
    mapping, _units = _fonts(directory, weight)
    try:
        font, name = mapping[code]
    except KeyError:
        raise KeyError(f"U+{code:04X} is not in the vendored subject font "
                       f"(weight {weight})") from None
    pen = _FlatteningPen(font.getGlyphSet())
    font.getGlyphSet()[name].draw(pen)
    if not pen.contours:
        raise KeyError(f"U+{code:04X} has no outline")
    allpts = np.concatenate(pen.contours)
    bounds = (float(allpts[:, 0].min()), float(allpts[:, 1].min()),
              float(allpts[:, 0].max()), float(allpts[:, 1].max()))
    return Outline(tuple(pen.contours), bounds)


def _signed_area(c: np.ndarray) -> float:
    x, y = c[:, 0], c[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def fill(glyph: Outline, scale: float, origin: tuple[float, float], size: tuple[int, int],
         *, mirror: bool = False) -> np.ndarray:
    """The glyph's ink as a bool mask of `size` (w, h): font point (x, y) lands on pixel
    origin + scale * (x - xmin, ymax - y), mirrored left-right when asked.

    Nonzero winding: each contour adds its own winding (+1 or -1) where it covers, so
    overlapping strokes stay ink and counters stay white, whatever the contour order."""
    width, height = size
    x0, _y0, x1, y1 = glyph.bounds
    winding = np.zeros((height, width), np.int16)
    scratch = np.zeros((height, width), np.uint8)
    factor = 1 << _SHIFT
    for contour in glyph.contours:
        xs = (x1 - contour[:, 0]) if mirror else (contour[:, 0] - x0)
        pts = np.column_stack([origin[0] + scale * xs, origin[1] + scale * (y1 - contour[:, 1])])
        fixed = np.round(pts * factor).astype(np.int32).reshape(-1, 1, 2)
        lo = np.maximum(fixed.min(axis=0)[0] // factor - 1, 0)
        hi = np.minimum(fixed.max(axis=0)[0] // factor + 2, (width, height))
        if (hi <= lo).any():
            continue
        # Fill only the contour's bounding box: most contours are small.
        view = scratch[lo[1]:hi[1], lo[0]:hi[0]]
        view[:] = 0
        cv2.fillPoly(view, [fixed - lo * factor], 1, cv2.LINE_8, _SHIFT)
        sign = 1 if (_signed_area(contour) > 0) != mirror else -1
        winding[lo[1]:hi[1], lo[0]:hi[0]] += sign * view.astype(np.int16)
    mask: np.ndarray = winding != 0
    return mask
