"""Mandala pages: one medallion with quarter rosettes in the corners, a mandala over a
zentangle background, a cluster of mandalas, a half mandala rising from the frame, a
tile of quarter mandalas round a central one, and a quilt of small rosettes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from backoffice.art.procedural import fills, motifs
from backoffice.art.procedural.design import Canvas, Layout
from backoffice.art.procedural.frames import FrameArea
from backoffice.art.procedural.geometry import Geoms
from backoffice.art.procedural.rosette import (
    CHILD_FEATURES,
    CHILD_SEPARATORS,
    CUT_FOLDS,
    FEATURES,
    SEPARATORS,
    add_shapes,
    draw_mandala,
    toddler_flower,
)

BACKGROUNDS = tuple("fill:" + p for p in (
    "scales", "pebbles", "waves", "honeycomb", "spirals", "checker", "bricks", "diamonds", "dots",
    "zigzag"))
_ADULT = (FEATURES, FEATURES, SEPARATORS, tuple(motifs.PROFILES), ("open", ""))
_CHILD = (CHILD_FEATURES, CHILD_FEATURES, CHILD_SEPARATORS, ("round", "lotus", "almond", "oval"),
          ("open", ""))
_TODDLER = (("round", "oval"), ("beads", ""), ("five", "six", "seven", "eight"))


def _kinds(c: Canvas) -> tuple[str, ...]:
    return c.design.motifs or ("petals", "beads")


def _open(c: Canvas) -> bool:
    return "open" in c.design.motifs


def medallion(c: Canvas) -> str:
    st, rng = c.style, c.rng
    area = c.area()
    cx, cy, radius = area.centred_disc(st.min_gap_pt)  # clear of the corner ornaments
    if st.audience == "toddlers":
        shapes, what = toddler_flower(cx, cy, radius, st, rng, c.design.motifs, c.complexity)
        add_shapes(c.drawing, shapes)
        return f"mandala, {what}"
    silhouette = draw_mandala(c.drawing, cx, cy, radius, st, rng, _kinds(c), open_edge=_open(c),
                              complexity=c.complexity)
    corners = 0
    if area.straight is not None and area.reserved is None:
        corners = _corner_rosettes(c, area.straight, silhouette)
    return "mandala, medallion" + (f" with {corners} corner rosettes" if corners else "")


def _corner_rosettes(c: Canvas, rect: tuple[float, float, float, float],
                     silhouette: Any) -> int:
    """Quarter mandalas centred on the frame's inner corners, where the circle leaves room."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    x0, y0, x1, y1 = rect
    drawn = 0
    if st.audience != "adults" and c.complexity < 0.8:
        return 0  # children's pages have no regions to spare for them
    room = min(silhouette.exterior.distance(shapely.Point(x, y)) for x, y in
               ((x0, y0), (x1, y0))) - 2.5 * g
    radius = min(room, 0.42 * min(x1 - x0, y1 - y0))
    if radius < (9 if st.audience == "adults" else 12) * g:
        return 0
    fold = int(rng.choice(CUT_FOLDS[st.audience]))
    kinds = _kinds(c)[::-1]
    seed = int(rng.integers(1 << 30))
    for k, (x, y) in enumerate(((x0, y0), (x1, y0), (x1, y1), (x0, y1))):
        quadrant = shapely.box(min(x, x + (1 if k in (0, 3) else -1) * 2 * radius),
                               min(y, y + (1 if k in (0, 1) else -1) * 2 * radius),
                               max(x, x + (1 if k in (0, 3) else -1) * 2 * radius),
                               max(y, y + (1 if k in (0, 1) else -1) * 2 * radius))
        # The four corners are one design: the same seed for each.
        draw_mandala(c.drawing, x, y, radius, st, np.random.default_rng(seed), kinds,
                     fold=fold, angle=0.0, clip=quadrant.intersection(shapely.box(*rect)),
                     complexity=c.complexity, max_rings=99 if st.audience == "adults" else 1)
        drawn += 1
    return drawn


def _background_fill(c: Canvas, region: Any, pattern: str) -> int:
    st = c.style
    g = st.min_gap_pt
    base = {"adults": 17.0, "children": 52.0, "toddlers": 120.0}[st.audience]
    spacing = max(base / math.sqrt(max(0.2, c.complexity)), 1.6 * g)
    angle = float(c.rng.choice([0.0, math.pi / 4, math.pi / 6])) if pattern != "scales" else 0.0
    result = fills.fill(region, pattern.removeprefix("fill:"), spacing, st, c.rng, angle=angle)
    c.drawing.add(result.shapes, st.detail_pt)
    return result.regions


def background(c: Canvas) -> str:
    st, rng = c.style, c.rng
    area = c.area()
    x0, y0, x1, y1 = area.box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    radius = min(x1 - x0, y1 - y0) / 2 * rng.uniform(0.72, 0.84)
    silhouette = draw_mandala(c.drawing, cx, cy, radius, st, rng, _kinds(c), open_edge=_open(c),
                              complexity=c.complexity)
    pattern = c.motif(BACKGROUNDS, "fill:pebbles")
    _fill_around(c, area, [silhouette], pattern)
    return f"mandala over a {pattern[5:]} background"


def _closed(c: Canvas, part: Any) -> Any:
    """The background's own outline: where it does not follow a drawn line, draw it."""
    c.drawing.add(part, c.style.line_pt)
    return part


def _pack(c: Canvas, room: Any, shares: list[float],
          gap: float) -> list[tuple[float, float, float]]:
    """Circles of the given sizes (shares of the room's short side), largest first, each
    placed at the best of many random spots: the one farthest from those placed."""
    x0, y0, x1, y1 = room.bounds
    side = min(x1 - x0, y1 - y0)
    placed: list[tuple[float, float, float]] = []
    for share in shares:
        r = side * share * c.rng.uniform(0.9, 1.08)
        inner = room.buffer(-r)
        if inner.is_empty:
            continue
        pts = c.rng.uniform((x0, y0), (x1, y1), size=(120, 2))
        pts = pts[shapely.contains_xy(inner, pts[:, 0], pts[:, 1])]
        best, best_d = None, -1.0
        for px, py in pts:
            d = min((math.hypot(px - qx, py - qy) - qr - r for qx, qy, qr in placed),
                    default=side)
            if d > gap and d > best_d:
                best, best_d = (px, py), d
        if best is not None:
            placed.append((best[0], best[1], r))
    return placed


def _fill_around(c: Canvas, area: FrameArea, silhouettes: Geoms, pattern: str) -> None:
    """A halo round each shape, and the zentangle pattern everywhere else in the frame."""
    st = c.style
    g = st.min_gap_pt
    halo = shapely.union_all([s.buffer(1.8 * g, quad_segs=16) for s in silhouettes])
    for part in shapely.get_parts(halo):
        c.drawing.add(part, st.line_pt)
    region = area.inner.difference(halo)
    if area.reserved is not None:
        region = region.difference(area.reserved)
    for part in shapely.get_parts(region):
        if part.area > 4 * st.min_area_pt2:
            _background_fill(c, _closed(c, part), pattern)


def cluster(c: Canvas) -> str:
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    room = shapely.box(*area.box)
    if area.reserved is not None:
        room = room.difference(area.reserved)
    shares = {"adults": [0.42, 0.3, 0.24, 0.2, 0.17, 0.15, 0.13, 0.12, 0.11],
              "children": [0.42, 0.3, 0.24], "toddlers": [0.4, 0.3]}[st.audience]
    placed = _pack(c, room, shares, 4.5 * g)
    kinds = list(_kinds(c))
    silhouettes = []
    for k, (px, py, r) in enumerate(placed):
        mine = tuple(kinds[k % len(kinds):] + kinds[:k % len(kinds)])
        if st.audience == "toddlers":
            shapes, _ = toddler_flower(px, py, r, st, rng, c.design.motifs, c.complexity)
            add_shapes(c.drawing, shapes)
            continue
        silhouettes.append(draw_mandala(c.drawing, px, py, r, st, rng, mine,
                                        open_edge=_open(c) and k % 2 == 0,
                                        complexity=c.complexity))
    pattern = c.motif(BACKGROUNDS, "")
    if pattern and silhouettes:
        _fill_around(c, area, silhouettes, pattern)
    return f"cluster of {len(placed)} mandalas" + (f" on {pattern[5:]}" if pattern else "")


def rising(c: Canvas) -> str:
    """Half a mandala rising from the frame's bottom line, rosettes in the sky above."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    assert area.straight is not None
    x0, y0, x1, y1 = area.straight
    cx = (x0 + x1) / 2
    radius = (x1 - x0) / 2 - 3 * g
    fold = int(rng.choice(CUT_FOLDS[st.audience]))
    sil = draw_mandala(c.drawing, cx, y1, radius, st, rng, _kinds(c), fold=fold, angle=0.0,
                       open_edge=_open(c), clip=shapely.box(x0, y0, x1, y1),
                       complexity=c.complexity)
    # Above it a smaller full mandala, on a zentangle sky.
    top = sil.bounds[1] - 4 * g
    r2 = min((top - y0) / 2 - 2 * g, (x1 - x0) / 2 * 0.7)
    silhouettes = [sil]
    if r2 > 6 * g:
        silhouettes.append(draw_mandala(c.drawing, cx, y0 + (top - y0) / 2, r2, st, rng,
                                        _kinds(c)[::-1], complexity=c.complexity))
    pattern = c.motif(BACKGROUNDS, "")
    if pattern:
        _fill_around(c, area, silhouettes, pattern)
    return f"half mandala rising, {len(silhouettes)} mandalas" + (
        f" on {pattern[5:]}" if pattern else "")


def tile(c: Canvas) -> str:
    """Quarter mandalas in the four corners round a full one: a tile that repeats."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    assert area.straight is not None
    x0, y0, x1, y1 = area.straight
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    d = math.hypot(cx - x0, cy - y0)
    radius = min((x1 - x0) / 2 - 2 * g, d * 0.55)
    corner = d - radius - 3 * g
    fold = int(rng.choice(CUT_FOLDS[st.audience]))
    kinds = _kinds(c)
    draw_mandala(c.drawing, cx, cy, radius, st, rng, kinds, fold=fold,
                 open_edge=_open(c), complexity=c.complexity)
    seed = int(rng.integers(1 << 30))
    for _k, (x, y) in enumerate(((x0, y0), (x1, y0), (x1, y1), (x0, y1))):
        quadrant = shapely.box(min(x, cx), min(y, cy), max(x, cx), max(y, cy))
        draw_mandala(c.drawing, x, y, corner, st, np.random.default_rng(seed), kinds[::-1],
                     fold=fold, angle=0.0, clip=quadrant, complexity=c.complexity,
                     max_rings=99 if st.audience == "adults" else 1)
    return "tile: a mandala with quarter mandalas in the corners"


def quilt(c: Canvas) -> str:
    """A grid of square blocks, each holding a rosette; two designs alternate."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    assert area.straight is not None
    x0, y0, x1, y1 = area.straight
    cols = {"adults": 3, "children": 2, "toddlers": 1}[st.audience]
    size = (x1 - x0) / cols
    rows = max(1, round((y1 - y0) / size))
    size_y = (y1 - y0) / rows
    for i in range(1, cols):
        c.drawing.add(shapely.LineString([(x0 + i * size, y0), (x0 + i * size, y1)]), st.line_pt)
    for j in range(1, rows):
        c.drawing.add(shapely.LineString([(x0, y0 + j * size_y), (x1, y0 + j * size_y)]),
                      st.line_pt)
    seeds = (int(rng.integers(1 << 30)), int(rng.integers(1 << 30)))
    kinds = list(_kinds(c))
    r = min(size, size_y) / 2 - 2.2 * g
    fold = int(rng.choice(CUT_FOLDS[st.audience]))
    for i in range(cols):
        for j in range(rows):
            which = (i + j) % 2
            px, py = x0 + (i + 0.5) * size, y0 + (j + 0.5) * size_y
            mine = kinds[which:] + kinds[:which]
            draw_mandala(c.drawing, px, py, r, st, np.random.default_rng(seeds[which]), mine,
                         fold=fold, complexity=c.complexity)
    # Where four blocks meet, a small diamond joins their corners.
    for i in range(1, cols):
        for j in range(1, rows):
            px, py = x0 + i * size, y0 + j * size_y
            k = min(size, size_y) * 0.16
            if k > 2.5 * g:
                c.drawing.add(shapely.Polygon([(px, py - k), (px + k, py), (px, py + k),
                                               (px - k, py)]), st.line_pt)
    return f"quilt of {cols * rows} rosettes"


LAYOUTS = {
    "medallion": Layout(medallion, {"adults": _ADULT, "children": _CHILD,
                                    "toddlers": _TODDLER}),
    "background": Layout(background, {"adults": (*_ADULT, BACKGROUNDS),
                                      "children": (*_CHILD, BACKGROUNDS)}, frameless=False),
    "cluster": Layout(cluster, {"adults": (*_ADULT, BACKGROUNDS),
                                "children": (*_CHILD, ("fill:pebbles", "fill:dots",
                                                       "fill:waves")),
                                "toddlers": _TODDLER}),
    "rising": Layout(rising, {"adults": (*_ADULT, BACKGROUNDS), "children": _CHILD},
                     ornaments=False,
                     frameless=False, straight=True),
    "tile": Layout(tile, {"adults": _ADULT, "children": _CHILD}, ornaments=False,
                   frameless=False, straight=True),
    "quilt": Layout(quilt, {"adults": _ADULT}, ornaments=False,
                    frameless=False, straight=True),
}
