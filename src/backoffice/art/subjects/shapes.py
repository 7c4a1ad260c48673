"""Procedural shapes (shapely, in page pixels) and lettering as layers to paint.

A shape is filled white then outlined, like a subject, so whatever is painted later
hides it, and it hides what was painted before."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from fontTools.ttLib import TTFont
from shapely.geometry import LinearRing, LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from backoffice.art.subjects.glyphs import Outline, _FlatteningPen, fill
from backoffice.art.subjects.lineart import Layer

_SHIFT = 4
LETTER_FONT = Path(__file__).resolve().parent.parent.parent / "assets" / "fonts" / \
    "DejaVuSans-Bold.ttf"


def _rings(geom: BaseGeometry) -> Iterable[tuple[np.ndarray, bool]]:
    if geom is None or geom.is_empty:
        return
    if isinstance(geom, Polygon):
        yield np.asarray(geom.exterior.coords), True
        for ring in geom.interiors:
            yield np.asarray(ring.coords), True
    elif isinstance(geom, LinearRing):
        yield np.asarray(geom.coords), True
    elif isinstance(geom, LineString):
        yield np.asarray(geom.coords), False
    elif hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from _rings(part)


def _fixed(pts: np.ndarray, origin: tuple[int, int]) -> np.ndarray:
    return np.round((pts - origin) * (1 << _SHIFT)).astype(np.int32).reshape(-1, 1, 2)


def pen_thickness(line_px: float) -> int:
    """OpenCV draws about one pixel wider than the thickness it is given."""
    return max(1, round(line_px - 1))


def shape_layer(solids: Iterable[BaseGeometry], line_px: float, *,
                lines: Iterable[BaseGeometry] = (), regions: int = 0,
                detail_px: float | None = None) -> Layer | None:
    """Polygons filled white and outlined; `lines` are extra strokes drawn inside them
    (a cloud's curl, a road's edge) at `detail_px`."""
    solids = [g for g in solids if g is not None and not g.is_empty]
    lines = [g for g in lines if g is not None and not g.is_empty]
    if not solids and not lines:
        return None
    bounds = np.array([g.bounds for g in solids + lines])
    pad = int(line_px) + 3
    x0, y0 = int(np.floor(bounds[:, 0].min())) - pad, int(np.floor(bounds[:, 1].min())) - pad
    x1, y1 = int(np.ceil(bounds[:, 2].max())) + pad, int(np.ceil(bounds[:, 3].max())) + pad
    solid = np.zeros((y1 - y0, x1 - x0), np.uint8)
    ink = np.zeros_like(solid)
    origin = (x0, y0)
    for geom in solids:
        polys = [geom] if isinstance(geom, Polygon) else list(getattr(geom, "geoms", []))
        for poly in polys:
            if isinstance(poly, Polygon) and not poly.is_empty:
                cv2.fillPoly(solid, [_fixed(np.asarray(poly.exterior.coords), origin)], 1,
                             cv2.LINE_8, _SHIFT)
    for group, width in ((solids, line_px), (lines, detail_px or line_px)):
        closed = [_fixed(p, origin) for g in group for p, c in _rings(g) if c]
        opened = [_fixed(p, origin) for g in group for p, c in _rings(g) if not c]
        if closed:
            cv2.polylines(ink, closed, True, 1, pen_thickness(width), cv2.LINE_8, _SHIFT)
        if opened:
            cv2.polylines(ink, opened, False, 1, pen_thickness(width), cv2.LINE_8, _SHIFT)
    inkb = ink.astype(bool)
    return Layer(x0, y0, inkb, solid.astype(bool) | inkb, regions)


def union_parts(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon)]


@lru_cache(maxsize=2)
def _letter_font(path: str) -> TTFont:
    return TTFont(path)


def text_outline(text: str, path: Path = LETTER_FONT, tracking: float = 0.0
                 ) -> Outline | None:
    """The outlines of `text` set on one line, in font units, letters `tracking` ems
    further apart than the font sets them."""
    font = _letter_font(str(path))
    cmap = font.getBestCmap()
    glyph_set = font.getGlyphSet()
    contours: list[np.ndarray] = []
    x = 0.0
    for char in text:
        name = cmap.get(ord(char))
        if name is None:
            continue
        pen = _FlatteningPen(glyph_set)
        glyph_set[name].draw(pen)
        contours.extend(c + (x, 0.0) for c in pen.contours)
        x += font["hmtx"][name][0] + tracking * font["head"].unitsPerEm
    if not contours:
        return None
    pts = np.concatenate(contours)
    bounds = (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()),
              float(pts[:, 1].max()))
    return Outline(tuple(contours), bounds)


def bubble_text(text: str, cx: float, top: float, max_w: float, max_h: float, *,
                line_px: float, min_area_px: float) -> Layer | None:
    """`text` in bold outline letters, puffed up so that small counters close: each
    letter is one region to colour (a common format for toddlers' books)."""
    outline = text_outline(text, tracking=0.12)
    if outline is None:
        return None
    x0, y0, x1, y1 = outline.bounds
    scale = min(max_w / (x1 - x0), max_h / (y1 - y0))
    w_px, h_px = (x1 - x0) * scale, (y1 - y0) * scale
    puff = max(line_px * 0.9, h_px * 0.06)
    pad = int(puff + line_px) + 4
    size = (int(w_px) + 2 * pad, int(h_px) + 2 * pad)
    letters = fill(outline, scale, (pad, pad), size)
    outside = cv2.distanceTransform((~letters).astype(np.uint8), cv2.DIST_L2, 5)
    # Puffed up, then closed: notches narrower than a line and a gap (the V of an N)
    # would fill with ink into a black blob.
    close = line_px * 0.65
    grown = outside <= puff + close
    blob = cv2.distanceTransform(grown.astype(np.uint8), cv2.DIST_L2, 5) > close
    # Counters too small to colour are filled in.
    count, labels, stats, _c = cv2.connectedComponentsWithStats((~blob).astype(np.uint8),
                                                                connectivity=4)
    background = labels[0, 0]
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < min_area_px * 1.6)
    for label in small:
        if label != background:
            blob |= labels == label
    inside = cv2.distanceTransform(blob.astype(np.uint8), cv2.DIST_L2, 5)
    away = cv2.distanceTransform((~blob).astype(np.uint8), cv2.DIST_L2, 5)
    ink = np.where(blob, inside, away) <= line_px / 2
    # Letters and the counters left open; the first label past the ink is the outside.
    regions = cv2.connectedComponents((~ink).astype(np.uint8), connectivity=4)[0] - 2
    ox = int(round(cx - size[0] / 2))
    return Layer(ox, int(round(top)) - pad, ink, blob | ink, regions)
