"""Truchet tiles: Smith quarter-circle tiles with double-size tiles on the same lattice;
the same meanders two-coloured with a zentangle fill in one colour; or doubled into
ribbons with cross-bars, like a track winding over the page."""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity

from backoffice.art.procedural import fills
from backoffice.art.procedural.design import Canvas, Layout
from backoffice.art.procedural.geometry import Drawing, Geoms, Style, circle, segments_for

# The tile grid: left, top, tile width and height, columns, rows.
Grid = tuple[float, float, float, float, int, int]
# Tile size in points per audience (toddlers: always two columns).
_TILE_PT = {"toddlers": 0.0, "children": 100.0, "adults": 36.0}


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float
         ) -> shapely.LineString:
    """Elliptical arc: tiles may be slightly taller than wide to fill the page."""
    n = max(4, int(segments_for(max(rx, ry)) * abs(a1 - a0) / (2 * math.pi)) + 1)
    t = np.linspace(a0, a1, n)
    return shapely.LineString(np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)]))


def _smith(x: float, y: float, ux: float, uy: float, flip: bool, r_share: float = 0.5) -> Geoms:
    """Quarter arcs round two opposite corners (radius r_share of the tile)."""
    hx, hy = ux * r_share, uy * r_share
    if flip:
        return [_arc(x + ux, y, hx, hy, math.pi / 2, math.pi), _arc(x, y + uy, hx, hy,
                                                                   -math.pi / 2, 0)]
    return [_arc(x, y, hx, hy, 0, math.pi / 2), _arc(x + ux, y + uy, hx, hy, math.pi,
                                                       1.5 * math.pi)]


def _big(x: float, y: float, ux: float, uy: float, kind: int, style: Style) -> Geoms:
    """A 2x2 tile whose eight edge points sit on the same half-unit lattice as small ones."""
    hx, hy = ux / 2, uy / 2
    cx, cy = x + ux, y + uy
    u = min(ux, uy)
    if kind == 0:  # four corner arcs round a central rosette
        shapes = [_arc(x, y, hx, hy, 0, math.pi / 2),
                  _arc(x + 2 * ux, y, hx, hy, math.pi / 2, math.pi),
                  _arc(x + 2 * ux, y + 2 * uy, hx, hy, math.pi, 1.5 * math.pi),
                  _arc(x, y + 2 * uy, hx, hy, 1.5 * math.pi, 2 * math.pi),
                  circle(cx, cy, 0.62 * u)]
        if 0.31 * u > style.min_gap_pt * 1.5:
            shapes.append(circle(cx, cy, 0.31 * u))
        return shapes
    shapes = [_arc(cx, y, hx, hy, 0, math.pi), _arc(x + 2 * ux, cy, hx, hy, math.pi / 2,
                                                    1.5 * math.pi),
              _arc(cx, y + 2 * uy, hx, hy, math.pi, 2 * math.pi),
              _arc(x, cy, hx, hy, -math.pi / 2, math.pi / 2)]
    r = u / 2 - style.min_gap_pt * 1.2
    if r > style.min_gap_pt:
        shapes.append(circle(cx, cy, r))
    return shapes


def _grid(c: Canvas, smallest: float = 6.0) -> Grid:
    """The tile grid inside the frame: (x0, top, ux, uy, cols, rows)."""
    st, rng = c.style, c.rng
    area = c.area()
    x0, y0, x1, y1 = area.straight or area.box
    size = {"small tiles": 0.85, "large tiles": 1.2}.get(c.motif(_SIZES, ""), 1.0)
    tile = max(_TILE_PT[st.audience] * size / math.sqrt(max(0.3, c.complexity)),
               smallest * st.min_gap_pt)
    cols = 2 if not tile else max(3, round((x1 - x0) / (tile * rng.uniform(0.9, 1.12))))
    ux = (x1 - x0) / cols
    rows = max(2, round((y1 - y0) / ux))
    uy = (y1 - y0) / rows
    return x0, y0, ux, uy, cols, rows


def _corners(c: Canvas, grid: Grid) -> tuple[np.ndarray, Geoms]:
    """The frame's corner ornaments, each in a block of tiles left empty in a corner of
    the grid: the block's outline closes its neighbours' arcs, the ornament sits inside
    it with a gap all round."""
    from backoffice.art.procedural.frames import corner_piece

    x0, top, ux, uy, cols, rows = grid
    skip = np.zeros((rows, cols), bool)
    corner = c.design.frame.split("/")[-1] if "/" in c.design.frame else "plain"
    if corner == "plain" or c.design.frame.startswith("band:") or cols < 5 or rows < 5:
        return skip, []
    g = c.style.min_gap_pt
    n = max(1, math.ceil(6 * g / min(ux, uy)))  # tiles per block side
    if 2 * n + 1 > min(cols, rows):
        return skip, []
    block_w, block_h = n * ux, n * uy
    x1, y1 = x0 + cols * ux, top + rows * uy
    lines: Geoms = []
    for k, (cx, cy) in enumerate(((x0, top), (x1, top), (x1, y1), (x0, y1))):
        r0 = 0 if k in (0, 1) else rows - n
        k0 = 0 if k in (0, 3) else cols - n
        skip[r0:r0 + n, k0:k0 + n] = True
        bx = x0 + k0 * ux
        by = top + r0 * uy
        lines.append(shapely.box(bx, by, bx + block_w, by + block_h).boundary)
        side = min(block_w, block_h)
        size = side - 1.2 * g if corner == "fan" else (side - 2.6 * g) / 0.84
        lines += corner_piece(corner, cx, cy, size, k, c.style)
    return skip, lines


def _tiles(c: Canvas, bigs_share: float, r_share: float = 0.5, smallest: float = 6.0
           ) -> tuple[Geoms, np.ndarray, np.ndarray, Grid]:
    """Arcs of small and double tiles; returns (lines, flips, taken, grid)."""
    st, rng = c.style, c.rng
    x0, top, ux, uy, cols, rows = _grid(c, smallest)
    taken, lines = _corners(c, (x0, top, ux, uy, cols, rows))
    for _ in range(int(rows * cols * bigs_share / 4)):
        r, k = int(rng.integers(0, rows - 1)), int(rng.integers(0, cols - 1))
        if not taken[r:r + 2, k:k + 2].any():
            taken[r:r + 2, k:k + 2] = True
            lines += _big(x0 + k * ux, top + r * uy, ux, uy, int(rng.integers(0, 2)), st)
    # A bias toward one orientation gives long meanders; 0.5 gives pure noise.
    bias = rng.uniform(0.3, 0.7) if "noise" not in c.design.motifs else 0.5
    if "meander" in c.design.motifs:
        bias = float(rng.choice([0.2, 0.8]))
    flips = rng.random((rows, cols)) < bias
    for r in range(rows):
        for k in range(cols):
            if not taken[r, k]:
                lines += _smith(x0 + k * ux, top + r * uy, ux, uy, bool(flips[r, k]), r_share)
    return lines, flips, taken, (x0, top, ux, uy, cols, rows)


def classic(c: Canvas) -> str:
    st, rng = c.style, c.rng
    bigs = "double" in c.design.motifs and st.audience != "toddlers"
    lines, flips, taken, (x0, top, ux, uy, cols, rows) = _tiles(c, 0.3 if bigs else 0.0, 0.5,
                                                                 4.0)
    u = min(ux, uy)
    dots = "dots" in c.design.motifs and st.audience != "toddlers"
    dot = 0.12 * u
    for r in range(rows):
        for k in range(cols):
            if dots and dot > st.min_gap_pt and not taken[r, k] and rng.random() < 0.7:
                lines.append(circle(x0 + k * ux + ux / 2, top + r * uy + uy / 2, dot))
    # Where four small tiles all curve round the same point they close a circle: an eye.
    # (Adults always get them: a page of bare meanders holds too few regions.)
    if ("eyes" in c.design.motifs or st.audience == "adults") and st.audience != "toddlers":
        for r in range(1, rows):
            for k in range(1, cols):
                if taken[r - 1:r + 1, k - 1:k + 1].any():
                    continue
                if flips[r - 1, k - 1] or not flips[r - 1, k] or not flips[r, k - 1] or flips[r, k]:
                    continue
                lines.append(circle(x0 + k * ux, top + r * uy, 0.22 * u))
    _draw(c.drawing, lines, st)
    c.drawing.add(shapely.box(x0, top, x0 + cols * ux, top + rows * uy), st.line_pt)
    return f"truchet, {cols}x{rows} tiles" + (", with double tiles" if bigs else "")


def _draw(drawing: Drawing, lines: Geoms, st: Style) -> None:
    width = st.detail_pt if st.audience == "adults" else st.line_pt
    for line in lines:
        drawing.add(line, width)


def filled(c: Canvas) -> str:
    """The meanders two-coloured: every region holding an even lattice point gets a fill."""
    st = c.style
    lines, _flips, _taken, (x0, top, ux, uy, cols, rows) = _tiles(c, 0.0)
    frame = shapely.box(x0, top, x0 + cols * ux, top + rows * uy)
    _draw(c.drawing, lines, st)
    c.drawing.add(frame, st.line_pt)
    # Snapped to a fine grid: arcs from neighbouring tiles end a rounding error apart.
    snapped = shapely.set_precision(np.array([*lines, frame.boundary], dtype=object), 1e-4)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(
        shapely.unary_union(snapped))))
    # Inner lattice points never lie on a line (arcs pass half a tile from them), so each
    # is inside exactly one face; faces holding an even one are the dark ones.
    i, j = np.meshgrid(np.arange(1, cols), np.arange(1, rows))
    even = (i + j) % 2 == 0
    pts = np.column_stack([x0 + i[even] * ux, top + j[even] * uy])
    dark = [f for f in faces if shapely.contains_xy(f, pts[:, 0], pts[:, 1]).any()]
    pattern = c.motif(tuple(f"fill:{p}" for p in fills.PATTERNS), "fill:stripes")[5:]
    spacing = fills.min_spacing(pattern, st) * (1.5 if st.audience == "adults" else 2.4)
    spacing /= math.sqrt(max(0.3, c.complexity))
    result = fills.fill(shapely.union_all(dark), pattern, spacing, st, c.rng,
                        angle=math.pi / 4 if pattern in ("stripes", "waves", "zigzag") else 0.0)
    for shape in result.shapes:
        c.drawing.add(shape, st.detail_pt)
    return f"truchet, {cols}x{rows} tiles, {pattern} in every other meander"


def ribbons(c: Canvas) -> str:
    """Each arc doubled into a ribbon, with cross-bars along it."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    x0, top, ux, uy, cols, rows = _grid(c, 11.0)
    skip, lines = _corners(c, (x0, top, ux, uy, cols, rows))
    flips = rng.random((rows, cols)) < rng.uniform(0.35, 0.65)
    width = min(ux, uy) * (0.2 if "narrow" in c.design.motifs else 0.27)
    bars = st.audience == "adults"
    if "dots" in c.design.motifs:
        # A bead in each tile's middle, where the ribbons leave room.
        for r in range(rows):
            for k in range(cols):
                rad = min(ux, uy) * (0.5 - 0.5 * 2 ** -0.5) - width / 2 - 1.2 * g
                if rad > 0.9 * g and not skip[r, k]:
                    c.drawing.add(circle(x0 + (k + 0.5) * ux, top + (r + 0.5) * uy, rad),
                                  st.detail_pt)
    for r in range(rows):
        for k in range(cols):
            if skip[r, k]:
                continue
            x, y = x0 + k * ux, top + r * uy
            for share in (0.5 - width / ux / 2, 0.5 + width / ux / 2):
                lines += _smith(x, y, ux, uy, bool(flips[r, k]), share)
            if bars:
                lines += _bars(x, y, ux, uy, bool(flips[r, k]), width, g)
    _draw(c.drawing, lines, st)
    frame = shapely.box(x0, top, x0 + cols * ux, top + rows * uy)
    c.drawing.add(frame, st.line_pt)
    return f"truchet ribbons, {cols}x{rows} tiles" + (" with bars" if bars else "")


def _bars(x: float, y: float, ux: float, uy: float, flip: bool, width: float, g: float) -> Geoms:
    """Radial bars across each ribbon quarter, splitting it into colourable blocks."""
    out = []
    inner, outer = 0.5 - width / ux / 2, 0.5 + width / ux / 2
    corners = [(x + ux, y, math.pi / 2), (x, y + uy, -math.pi / 2)] if flip else [
        (x, y, 0.0), (x + ux, y + uy, math.pi)]
    length = math.pi / 2 * ux / 2
    n = max(1, round(length / (2.6 * g))) if width > 2 * g else 0
    for cx, cy, start in corners:
        for j in range(1, n):
            a = start + math.pi / 2 * j / n
            out.append(shapely.LineString([(cx + ux * inner * math.cos(a), cy + uy * inner *
                                            math.sin(a)),
                                           (cx + ux * outer * math.cos(a), cy + uy * outer *
                                            math.sin(a))]))
    return out


_SIZES = ("small tiles", "large tiles")
_BIAS = ("meander", "noise", "")
_FILLS = tuple(f"fill:{p}" for p in ("stripes", "dots", "scales", "grid", "pebbles", "waves",
                                      "checker", "honeycomb"))
LAYOUTS = {
    # No long meanders for adults: a meander is one region crossing the whole page.
    "classic": Layout(classic, {"adults": (("double", ""), ("dots", ""), _SIZES,
                                           ("noise", "")),
                                "children": (("double", ""), ("dots", ""), ("eyes", ""),
                                             _BIAS),
                                "toddlers": (("meander", "noise"),)}, frameless=False,
                      own_corners=True),
    "filled": Layout(filled, {"adults": (_FILLS, _BIAS, _SIZES),
                              "children": (("fill:dots", "fill:stripes"), ("meander", "noise"))},
                     frameless=False, own_corners=True),
    "ribbons": Layout(ribbons, {"adults": (("dots", "plain"), ("narrow", "wide"), _BIAS,
                                           _SIZES),
                                "children": (("narrow", "wide"), ("meander", "noise", ""))},
                      frameless=False, own_corners=True),
}
