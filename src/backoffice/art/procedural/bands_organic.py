"""Organic band motifs (one period each, see bands.py): petals alone or layered,
paisleys, leaves, a vine, hearts, teardrops and filigree scrolls. Each returns the
shapes of one period centred on x = period / 2, and the regions it adds."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from backoffice.art.procedural import motifs
from backoffice.art.procedural.geometry import Geoms, Style, circle, shift


def _fit(shape: Polygon, x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """Scale a shape uniformly to fill the box (centred in it)."""
    bx0, by0, bx1, by1 = shape.bounds
    k = min((x1 - x0) / max(bx1 - bx0, 1e-9), (y1 - y0) / max(by1 - by0, 1e-9))
    cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
    return shapely.transform(shape, lambda c: (c - (cx, cy)) * k + ((x0 + x1) / 2,
                                                                  (y0 + y1) / 2))


def petals(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    g = style.min_gap_pt
    profile, detail = variant
    hw = min((p - g) / 2, 0.34 * w)
    if hw < 1.2 * g:
        return [], 0
    # A heart's two lobes would both touch the far edge and shut a crumb in the notch
    # between them: it stops short of the edge instead.
    shape = motifs.petal(profile, w - 1.3 * g if profile == "notched" else w, hw, style)
    parts = [shape, *motifs.decorate(shape, detail, style, rng)]
    parts = [shift(s, p / 2, 0.0) for s in parts]
    return parts, 1 + _detail_regions(parts[1:]) + 1


def _detail_regions(details: Geoms) -> int:
    return sum(1 for _ in details)


def layered(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """Short front petals with taller ones peeping out between them."""
    g = style.min_gap_pt
    profile, detail = variant
    front_hw = min((p - g) / 2, 0.5 * w)
    if front_hw < 1.5 * g or w < 5 * g:
        return [], 0
    front = motifs.petal(profile, 0.62 * w, front_hw, style)
    back = shift(motifs.petal("almond" if profile != "almond" else "lotus", 0.85 * w,
                              min(0.5 * p, 0.45 * w), style), 0.0, 0.15 * w)
    fronts = [shift(front, x, 0.0) for x in (p / 2, -p / 2, 1.5 * p)]
    back_line = shapely.difference(back.boundary, shapely.union_all(fronts))
    parts = [fronts[0], *(shift(s, p / 2, 0.0) for s in motifs.decorate(front, detail, style,
                                                                      rng)), back_line]
    back_detail = motifs.decorate(back, "vein", style, rng)
    hidden = shapely.union_all(fronts)
    for d in back_detail:
        # The back petal's vein shows only where it runs clear of the front petals; it
        # may end in open space, but never near another line.
        visible = [v for v in shapely.get_parts(shapely.difference(d, hidden.buffer(g)))
                   if v.length > 2 * g]
        parts += visible
    return parts, 4 + len(back_detail)


def paisleys(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    g = style.min_gap_pt
    if w < 6 * g or p < 4 * g:
        return [], 0
    curl = 1.6 + 0.6 * rng.random()
    shape = shapely.affinity.rotate(motifs.paisley(1.6, 0.5, curl), variant * 25.0,
                                    origin=(0, 0))
    shape = _fit(shape, g * 0.5, g, p - g * 0.5, w - g)
    parts = [shape]
    inner = motifs.echo(shape, g, 4 * style.min_area_pt2)
    if inner is not None:
        parts.append(inner)
        bx0, by0, bx1, by1 = inner.bounds
        r = min(bx1 - bx0, by1 - by0) * 0.18
        # A bead in the bulb, when it fits with a gap all round.
        bulb = inner.buffer(-(r + g))
        if r > 0.6 * g and not bulb.is_empty:
            c = bulb.representative_point() if bulb.geom_type != "Polygon" else \
                _farthest_inside(inner, bulb)
            parts.append(circle(c[0], c[1], r))
    return parts, 1 + len(parts)


def _farthest_inside(shape: Polygon, room: Any) -> tuple[float, float]:
    """The point of `room` deepest inside `shape` (a pole of inaccessibility, roughly)."""
    from shapely.ops import polylabel

    poly = room if room.geom_type == "Polygon" else max(shapely.get_parts(room),
                                                        key=lambda q: q.area)
    pt = polylabel(poly, tolerance=max(0.5, poly.length / 400))
    return pt.x, pt.y


def leaves(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """Leaves standing on the base, leaning one way like the sprigs of a wreath."""
    g = style.min_gap_pt
    lean = math.radians(32 if variant else -32)
    length = (w - g) / math.cos(lean)
    hw = min(0.28 * length, (p * math.cos(lean) - g) / 2)
    if hw < 1.5 * g:
        return [], 0
    leaf = motifs.leaf(length, hw, style)
    parts = [leaf, *motifs.decorate(leaf, "ribs" if hw > 3.5 * g else "vein", style, rng)]
    parts = [shift(shapely.affinity.rotate(s, math.degrees(lean), origin=(0, 0)), p / 2, 0)
             for s in parts]
    return parts, 2 + len(parts)


def vine(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """A wavy stem with a leaf in every bay."""
    g = style.min_gap_pt
    if w < 7 * g:
        return [], 0
    amp = 0.22 * w
    xs = np.linspace(0.0, p, 49)
    ys = w / 2 + amp * np.sin(2 * math.pi * xs / p)
    ys[[0, -1]] = w / 2  # the next period's stem starts exactly where this one ends
    stem = LineString(np.column_stack([xs, ys]))
    parts: Geoms = [stem]
    for x, up in ((0.75 * p, True), (0.25 * p, False)):
        base_y = w / 2 + amp * math.sin(2 * math.pi * x / p)
        room = (w - g - base_y) if up else (base_y - g)
        hw = min(0.3 * room, p / 4.5)
        if room < 3 * g or hw < 1.2 * g:
            continue
        leaf = motifs.leaf(room * 0.95, hw, style)
        details = motifs.decorate(leaf, "vein", style, rng)
        angle = 8.0 if variant else -8.0
        for s in [leaf, *details]:
            s = shapely.affinity.rotate(s, angle if up else 180 + angle, origin=(0, 0))
            parts.append(shift(s, x, base_y))
    return parts, len(parts) + 2


def hearts(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    g = style.min_gap_pt
    if w < 4 * g or p < 4 * g:
        return [], 0
    shape = _fit(motifs.heart(1.0, 0.55), g * 0.6, g, p - g * 0.6, w - g)
    if variant:
        shape = shapely.affinity.scale(shape, 1, -1, origin=(p / 2, w / 2))
    parts = [shape]
    inner = motifs.echo(shape, 1.2 * g, 3 * style.min_area_pt2)
    if inner is not None:
        parts.append(inner)
    return parts, len(parts) + 1


def drops(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """Teardrops head to tail: one rising from the base, the next hanging from the top."""
    g = style.min_gap_pt
    hw = min(p / 4 - g / 2, 0.3 * w)
    if hw < 1.2 * g or w < 4 * g:
        return [], 0
    up = motifs.petal("round", w - g, hw, style)
    parts: Geoms = [shift(up, p / 4, 0.0),
                   shapely.affinity.scale(shift(up, 3 * p / 4, 0.0), 1, -1,
                                          origin=(0, w / 2))]
    for s in list(parts):
        inner = motifs.echo(s, 1.2 * g, 3 * style.min_area_pt2)
        if inner is not None:
            parts.append(inner)
    return parts, len(parts) + 2


def scrolls(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """Pairs of filigree C-scrolls curling away from a central bead."""
    g = style.min_gap_pt
    if w < 6 * g or p < 8 * g:
        return [], 0
    one = motifs.scroll(1.0, 0.09, 4.0)
    left = _fit(one, g * 0.5, g, p / 2 - g * 0.6, w - g)
    right = shapely.affinity.scale(left, -1, 1, origin=(p / 2, 0))
    parts: Geoms = [left, right]
    return parts, 3
