"""Vector building blocks in points (y grows downwards): shapes, a stroke list, audience styles."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LinearRing, LineString, Polygon
from shapely.geometry.base import BaseGeometry

MM_PER_PT = 25.4 / 72.0
# Lists of shapely geometries (polygons and lines mixed) and of strokes with their width.
Geoms = list[Any]


@dataclass(frozen=True)
class Style:
    audience: str
    line_pt: float  # main outlines
    detail_pt: float  # inner details; never below the audience's minimum
    min_gap_pt: float  # narrowest white gap a design may leave between lines
    # Silhouettes and frames: illustrators draw the outer lines bolder than the details.
    outline_pt: float = 0.0

    @property
    def bold_pt(self) -> float:
        return max(self.outline_pt, self.line_pt)

    @property
    def min_area_pt2(self) -> float:
        """Smallest region a design means to leave: comfortably above the gate's limit."""
        return (1.1 * self.min_gap_pt) ** 2


# Drawn a little above each audience's gate minimum so rasterising never dips below it.
STYLES: dict[str, Style] = {
    "toddlers": Style("toddlers", line_pt=4.8, detail_pt=4.8, min_gap_pt=28.0, outline_pt=6.0),
    "children": Style("children", line_pt=2.7, detail_pt=2.5, min_gap_pt=10.0, outline_pt=3.4),
    "adults": Style("adults", line_pt=1.4, detail_pt=1.0, min_gap_pt=4.5, outline_pt=2.0),
}


@dataclass
class Drawing:
    """Polylines in points, each with its stroke width; the page is width x height."""

    width: float
    height: float
    strokes: list[tuple[np.ndarray, bool, float]] = field(default_factory=list)

    def add(self, geom: BaseGeometry | Geoms | None, width_pt: float) -> None:
        """Outline a geometry: polygons by their rings, lines as they are. A list of
        geometries goes through shapely's vectorised calls in one pass."""
        if geom is None:
            return
        if isinstance(geom, list):
            self._add_many(geom, width_pt)
        elif isinstance(geom, Polygon):
            if not geom.is_empty:
                self.strokes.append((shapely.get_coordinates(geom.exterior)[:-1], True,
                                     width_pt))
                for ring in geom.interiors:
                    self.strokes.append((shapely.get_coordinates(ring)[:-1], True, width_pt))
        elif isinstance(geom, LinearRing):
            self.strokes.append((shapely.get_coordinates(geom)[:-1], True, width_pt))
        elif isinstance(geom, LineString):
            if not geom.is_empty:
                self.strokes.append((shapely.get_coordinates(geom), False, width_pt))
        elif hasattr(geom, "geoms"):
            for part in geom.geoms:
                self.add(part, width_pt)

    def _add_many(self, geoms: Geoms, width_pt: float) -> None:
        parts = shapely.get_parts(np.asarray(geoms, dtype=object))
        # Collections may nest (a GeometryCollection of MultiLineStrings): flatten them.
        while len(parts) and (shapely.get_type_id(parts) >= 4).any():
            parts = shapely.get_parts(parts)
        if not len(parts):
            return
        parts = parts[~shapely.is_empty(parts)]
        kinds = shapely.get_type_id(parts)
        closed = np.concatenate([shapely.get_rings(parts[kinds == 3]), parts[kinds == 2]])
        for group, is_closed in ((closed, True), (parts[kinds == 1], False)):
            if not len(group):
                continue
            coords, index = shapely.get_coordinates(group, return_index=True)
            for pts in np.split(coords, np.flatnonzero(np.diff(index)) + 1):
                pts = pts[:-1] if is_closed else pts
                if len(pts) >= 2:
                    self.strokes.append((pts, is_closed, width_pt))

    def add_line_network(self, lines: BaseGeometry, width_pt: float) -> None:
        """Merge touching segments first so joins are drawn as joins, not as caps."""
        self.add(shapely.line_merge(shapely.unary_union(lines)), width_pt)

    def bounds(self) -> tuple[float, float, float, float]:
        pts = np.concatenate([s[0] for s in self.strokes])
        pad = max(s[2] for s in self.strokes) / 2
        return (pts[:, 0].min() - pad, pts[:, 1].min() - pad,
                pts[:, 0].max() + pad, pts[:, 1].max() + pad)


def segments_for(radius: float) -> int:
    """Enough segments that a chord strays under ~0.1 pt from the true arc."""
    return int(min(720, max(24, math.pi / math.acos(max(-1.0, 1 - 0.1 / max(radius, 0.2))))))


def circle(cx: float, cy: float, r: float) -> Polygon:
    # The same vertices as Point.buffer(r, quad_segs), built directly: many times faster.
    n = 4 * max(6, segments_for(r) // 4)
    t = -2 * math.pi * np.arange(n) / n
    return Polygon(np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)]))


def arc(cx: float, cy: float, r: float, a0: float, a1: float) -> LineString:
    n = max(4, int(segments_for(r) * abs(a1 - a0) / (2 * math.pi)) + 1)
    t = np.linspace(a0, a1, n)
    return LineString(np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)]))


def ellipse(cx: float, cy: float, rx: float, ry: float, angle: float = 0.0) -> Polygon:
    n = segments_for(max(rx, ry))
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    x, y = rx * np.cos(t), ry * np.sin(t)
    ca, sa = math.cos(angle), math.sin(angle)
    return Polygon(np.column_stack([cx + x * ca - y * sa, cy + x * sa + y * ca]))


def petal(cx: float, cy: float, angle: float, r_in: float, r_out: float, half_width: float,
          *, tip: float = 1.0, base: float = 1.0) -> Polygon:
    """A petal along a ray from r_in to r_out. `tip`/`base` below 1 blunt the ends (0.5 ~ round)."""
    n = max(24, segments_for(r_out - r_in) // 2)
    t = np.linspace(0.0, 1.0, n)
    # sin^p profile: p=1 gives pointed ends, smaller p rounder ones; blend per end.
    profile = np.where(t < 0.5, np.sin(np.pi * t) ** base, np.sin(np.pi * t) ** tip)
    along = r_in + (r_out - r_in) * t
    side = half_width * profile
    ca, sa = math.cos(angle), math.sin(angle)
    left = np.column_stack([along * ca - side * sa, along * sa + side * ca])
    right = np.column_stack([along * ca + side * sa, along * sa - side * ca])[::-1]
    pts = np.concatenate([left, right[1:-1]]) + (cx, cy)
    # The two sides mirror each other about the ray (side >= 0), so the outline is simple.
    return Polygon(pts)


def regular_polygon(cx: float, cy: float, r: float, n: int, rotation: float = 0.0) -> Polygon:
    a = rotation + np.arange(n) * 2 * math.pi / n
    return Polygon(np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)]))


def star(cx: float, cy: float, r_out: float, r_in: float, n: int, rotation: float = 0.0) -> Polygon:
    a = rotation + np.arange(2 * n) * math.pi / n
    r = np.where(np.arange(2 * n) % 2 == 0, r_out, r_in)
    return Polygon(np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)]))


def rotated_copies(geom: BaseGeometry, n: int, cx: float, cy: float,
                   offset: float = 0.0) -> list[BaseGeometry]:
    from shapely import affinity

    return [affinity.rotate(geom, offset + i * 360.0 / n, origin=(cx, cy)) for i in range(n)]


def rounded_rect(x0: float, y0: float, x1: float, y1: float, radius: float) -> Polygon:
    r = min(radius, (x1 - x0) / 2 - 0.01, (y1 - y0) / 2 - 0.01)
    inner = shapely.box(x0 + r, y0 + r, x1 - r, y1 - r)
    return inner.buffer(r, quad_segs=max(4, segments_for(r) // 4)) if r > 0 else shapely.box(
        x0, y0, x1, y1)


def art_box(width: float, height: float, style: Style) -> tuple[float, float, float, float]:
    """Where strokes may go: a small inner margin so nothing touches the art edge."""
    margin = max(6.0, 0.02 * min(width, height)) + style.line_pt
    return margin, margin, width - margin, height - margin


def polar(geoms: Any, cx: float, cy: float, r0: float, length: float,
          phase: float = 0.0) -> Any:
    """Wrap strip geometry around (cx, cy): x in [0, length) becomes the angle (one turn,
    from `phase`), y the distance from the radius r0. Strips are periodic in x, so shapes
    that run past `length` close the ring seamlessly."""
    arr = np.asarray(geoms, dtype=object) if isinstance(geoms, list) else geoms
    dense = shapely.segmentize(arr, max_segment_length=max(0.5, 0.01 * max(r0, 40.0)))
    turn = 2 * math.pi / length

    def wrap(c: np.ndarray) -> np.ndarray:
        # Modulo the turn: a line ending at x = length ends exactly where it began.
        theta = phase + np.mod(c[:, 0], length) * turn
        r = r0 + c[:, 1]
        return np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)])

    out = shapely.transform(dense, wrap)
    return list(out) if isinstance(geoms, list) else out


def place(geoms: Any, x: float, y: float, angle: float = 0.0, scale: float = 1.0) -> Any:
    """Move local motif geometry (base at the origin, pointing up +y) to (x, y), turned
    so that +y points along `angle` (radians)."""
    c, s = math.cos(angle - math.pi / 2), math.sin(angle - math.pi / 2)
    m = np.array([[c, -s], [s, c]]) * scale
    return shapely.transform(geoms, lambda p: p @ m.T + (x, y))


def shift(geoms: Any, dx: float, dy: float = 0.0) -> Any:
    return shapely.transform(geoms, lambda p: p + (dx, dy))
