"""Truchet tiles: Smith quarter-circle tiles and double-size tiles on one half-unit lattice."""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity

from backoffice.art.procedural.geometry import (
    Drawing,
    Style,
    arc,
    art_box,
    circle,
)

# Tile size in points for each audience (toddlers: always two columns); tiles stretch a
# little to fill the height.
_TILE_PT = {"toddlers": (0.0, 0.0), "children": (85.0, 115.0), "adults": (38.0, 48.0)}
_BIG_SHARE = {"toddlers": 0.0, "children": 0.3, "adults": 0.3}
_DOT_SHARE = {"toddlers": 0.0, "children": 0.5, "adults": 0.85}
# A margin above each audience's gate minimum (15 and 80 regions).
_MIN_REGIONS = {"toddlers": 0, "children": 19, "adults": 90}


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float):
    """Elliptical arc: tiles may be slightly taller than wide to fill the page."""
    big = max(rx, ry)
    e = arc(0.0, 0.0, big, a0, a1)
    return shapely.affinity.affine_transform(e, [rx / big, 0, 0, ry / big, cx, cy])


def _smith(x: float, y: float, ux: float, uy: float, flip: bool) -> list:
    """Two quarter arcs around opposite corners, joining the edge midpoints."""
    hx, hy = ux / 2, uy / 2
    if flip:
        return [_arc(x + ux, y, hx, hy, math.pi / 2, math.pi),
                _arc(x, y + uy, hx, hy, -math.pi / 2, 0)]
    return [_arc(x, y, hx, hy, 0, math.pi / 2),
            _arc(x + ux, y + uy, hx, hy, math.pi, 1.5 * math.pi)]


def _big(x: float, y: float, ux: float, uy: float, kind: int, style: Style) -> list:
    """A 2x2 tile whose eight edge points sit on the same half-unit lattice as small tiles."""
    hx, hy = ux / 2, uy / 2
    cx, cy = x + ux, y + uy
    u = min(ux, uy)
    if kind == 0:  # four corner arcs around a central rosette
        shapes = [_arc(x, y, hx, hy, 0, math.pi / 2),
                  _arc(x + 2 * ux, y, hx, hy, math.pi / 2, math.pi),
                  _arc(x + 2 * ux, y + 2 * uy, hx, hy, math.pi, 1.5 * math.pi),
                  _arc(x, y + 2 * uy, hx, hy, 1.5 * math.pi, 2 * math.pi),
                  circle(cx, cy, 0.62 * u)]
        if 0.31 * u > style.min_gap_pt * 1.5:
            shapes.append(circle(cx, cy, 0.31 * u))
        return shapes
    # a semicircular bump on each edge around a central ring
    shapes = [_arc(cx, y, hx, hy, 0, math.pi),
              _arc(x + 2 * ux, cy, hx, hy, math.pi / 2, 1.5 * math.pi),
              _arc(cx, y + 2 * uy, hx, hy, math.pi, 2 * math.pi),
              _arc(x, cy, hx, hy, -math.pi / 2, math.pi / 2)]
    r = u / 2 - style.min_gap_pt * 1.2
    if r > style.min_gap_pt:
        shapes.append(circle(cx, cy, r))
    return shapes


def _faces(lines: list, frame) -> int:
    edges = [g.boundary if g.geom_type == "Polygon" else g for g in lines]
    return len(shapely.get_parts(shapely.polygonize(
        shapely.get_parts(shapely.unary_union([*edges, frame.boundary]).intersection(frame)))))


def build(rng: np.random.Generator, style: Style, width: float, height: float):
    drawing = Drawing(width, height)
    x0, y0, x1, y1 = art_box(width, height, style)
    low, high = _TILE_PT[style.audience]
    cols = 2 if not high else max(3, round((x1 - x0) / rng.uniform(low, high)))
    ux = (x1 - x0) / cols
    rows = max(2, round((y1 - y0) / ux))
    uy = min(ux * 1.25, (y1 - y0) / rows)
    top = y0 + ((y1 - y0) - rows * uy) / 2
    taken = np.zeros((rows, cols), bool)
    lines: list = []
    bigs = 0
    for _ in range(int(rows * cols * _BIG_SHARE[style.audience] / 4)):
        r, c = int(rng.integers(0, rows - 1)), int(rng.integers(0, cols - 1))
        if not taken[r:r + 2, c:c + 2].any():
            taken[r:r + 2, c:c + 2] = True
            lines += _big(x0 + c * ux, top + r * uy, ux, uy, int(rng.integers(0, 2)), style)
            bigs += 1
    # A bias toward one orientation gives long meanders; 0.5 gives pure noise.
    flips = rng.random((rows, cols)) < rng.uniform(0.3, 0.7)
    u = min(ux, uy)
    dot_r = 0.085 * u
    dots = rng.random((rows, cols)) < _DOT_SHARE[style.audience]
    for r in range(rows):
        for c in range(cols):
            if taken[r, c]:
                continue
            x, y = x0 + c * ux, top + r * uy
            lines += _smith(x, y, ux, uy, bool(flips[r, c]))
            if dots[r, c]:
                lines.append(circle(x + ux / 2, y + uy / 2, dot_r))
    # Where four small tiles all curve round the same lattice point they close a circle:
    # give it an eye.
    for r in range(1, rows):
        for c in range(1, cols):
            if taken[r - 1:r + 1, c - 1:c + 1].any() or style.audience == "toddlers":
                continue
            if flips[r - 1, c - 1] or not flips[r - 1, c] or not flips[r, c - 1] or flips[r, c]:
                continue
            lines.append(circle(x0 + c * ux, top + r * uy, 0.22 * u))
    frame = shapely.box(x0, top, x1, top + rows * uy)
    # Long meanders on a small trim can leave too few regions: dot more tiles until the
    # page holds a comfortable number (each dot is one more region).
    wanted = _MIN_REGIONS[style.audience]
    spare = [(r, c) for r in range(rows) for c in range(cols) if not taken[r, c] and not
             dots[r, c]]
    order = rng.permutation(len(spare)) if spare else []
    if wanted and _faces(lines, frame) < wanted:
        missing = wanted - _faces(lines, frame)
        for k in order[:missing]:
            r, c = spare[k]
            lines.append(circle(x0 + c * ux + ux / 2, top + r * uy + uy / 2, dot_r))
    for line in lines:
        drawing.add(line, style.detail_pt if style.audience == "adults" else style.line_pt)
    drawing.add(frame, style.line_pt)
    mix = f", {bigs} double tiles" if bigs else ""
    return drawing, f"truchet, {cols}x{rows} tiles{mix}"
