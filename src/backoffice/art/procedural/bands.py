"""Border motifs along a strip: the rings of a mandala and the sides of a frame.

A strip is [0, length) x [0, width) in points, y = 0 its base (a ring's inner circle, a
frame's outer edge). `strip(kind, ...)` repeats one motif `periods` times along it and
returns what to outline inside; the two long edges are the caller's. Each motif either
meets the edges and its neighbours cleanly or keeps the audience's gap from them, so the
regions are closed and colourable. Motifs of one period are built once and copied.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from backoffice.art.procedural import motifs
from backoffice.art.procedural.fills import STRIP_PATTERNS, Fill, fill_strip
from backoffice.art.procedural.geometry import Geoms, Style, circle, shift

# One period: (period, width, style, rng, variant) -> (shapes centred on x = period / 2,
# regions per period); [] when the strip is too small for the motif.
Unit = Callable[..., tuple[Geoms, int]]


def _fit(shape: Polygon, x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """Scale a shape uniformly to fill the box (centred in it)."""
    bx0, by0, bx1, by1 = shape.bounds
    k = min((x1 - x0) / max(bx1 - bx0, 1e-9), (y1 - y0) / max(by1 - by0, 1e-9))
    cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
    return shapely.transform(shape, lambda c: (c - (cx, cy)) * k + ((x0 + x1) / 2,
                                                                  (y0 + y1) / 2))


def _petals(p: float, w: float, style: Style, rng: np.random.Generator,
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


def _layered(p: float, w: float, style: Style, rng: np.random.Generator,
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


def _paisleys(p: float, w: float, style: Style, rng: np.random.Generator,
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


def _leaves(p: float, w: float, style: Style, rng: np.random.Generator,
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


def _vine(p: float, w: float, style: Style, rng: np.random.Generator,
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


def _beads(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    g = style.min_gap_pt
    r = min(w / 2 - g, (p - g) / 2)
    if r < 0.8 * g:
        return [], 0
    parts = [circle(p / 2, w / 2, r)]
    if variant and r - 1.6 * g > 0.7 * g:
        parts.append(circle(p / 2, w / 2, r - 1.6 * g))
    # A small diamond between beads, when the space allows one.
    d = min(w / 2 - g, (p - 2 * r) / 2 - g)
    if d > 1.4 * g:
        parts.append(Polygon([(0, w / 2 - d), (d * 0.7, w / 2), (0, w / 2 + d),
                              (-d * 0.7, w / 2)]))
    return parts, len(parts) + 1


def _scallops(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """Arcs standing on the base, with an inner arc and a dot: a shell-edged border."""
    g = style.min_gap_pt
    h = min(w, 0.75 * p) if variant else min(w - g, 0.6 * p)
    if h < 2 * g:
        return [], 0
    u = np.linspace(0, math.pi, 48)
    arc = LineString(np.column_stack([p / 2 - p / 2 * np.cos(u), h * np.sin(u)]))
    parts: Geoms = [arc]
    ih, iw = h - 1.6 * g, p / 2 - 1.6 * g
    if ih > 1.6 * g and iw > 1.6 * g:
        parts.append(LineString(np.column_stack([p / 2 - iw * np.cos(u), ih * np.sin(u)])))
        r = min(ih - 1.4 * g, iw - 1.4 * g) * 0.5
        if r > 0.7 * g:
            parts.append(circle(p / 2, r + 0.4 * g, r))
    return parts, len(parts) + 1


def _lace(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """Scallops hanging from the top edge with eyelets, and a bead over each join."""
    g = style.min_gap_pt
    h = min(0.62 * w, 0.6 * p)
    if h < 3 * g:
        return [], 0
    u = np.linspace(0, math.pi, 48)
    parts: Geoms = [LineString(np.column_stack([p / 2 - p / 2 * np.cos(u), w - h * np.sin(u)]))]
    ih, iw = h - 1.5 * g, p / 2 - 1.5 * g
    if ih > 1.5 * g and iw > 1.5 * g:
        parts.append(LineString(np.column_stack([p / 2 - iw * np.cos(u), w - ih * np.sin(u)])))
        # An eyelet under the top edge, the gap from it and from the inner arc.
        r = min(0.3 * ih, 0.25 * p, (ih - 2 * g) / 2)
        if r > 0.7 * g:
            parts.append(circle(p / 2, w - g - r, r))
    rb = min((w - h) / 2 - 0.6 * g, p / 4)
    if rb > 0.8 * g:
        parts.append(circle(0.0, (w - h) / 2, rb))
    return parts, len(parts) + 1


def _arches(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """Pointed (gothic) arches on the base, one inside the other."""
    g = style.min_gap_pt
    h = w if variant else w - 1.2 * g
    if h < 3 * g or p < 3 * g:
        return [], 0
    parts: Geoms = []
    for k in range(3):
        inset = k * 1.6 * g
        half = p / 2 - inset
        hh = h - inset * 1.3
        if half < 1.2 * g or hh < 1.8 * g:
            break
        phi = np.linspace(0, math.pi / 3, 24)
        xs = half * 2 - half * 2 * np.cos(phi)
        ys = 2 * half * np.sin(phi)
        ys = ys / ys[-1] * hh
        left = np.column_stack([p / 2 - half + xs * 0.5, ys])
        right = np.column_stack([p - left[::-1, 0], left[::-1, 1]])
        parts.append(LineString(np.concatenate([left, right[1:]])))
    return parts, len(parts) + 1


def _triangles(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    g = style.min_gap_pt
    if p < 3 * g:
        return [], 0
    parts: Geoms = [LineString([(0, 0), (p / 2, w), (p, 0)])]
    # An inner triangle in the upward one, the gap inside its sides.
    k = 1 - 2.2 * g / min(w, p / 2) * 1.2
    if k > 0.35:
        cx, cy = p / 2, w / 3
        tri = Polygon([(0, 0), (p / 2, w), (p, 0)])
        parts.append(shapely.affinity.scale(tri, k, k, origin=(cx, cy)))
    return parts, len(parts) + 1


def _braid(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """Two waves crossing twice a period: a chain of lenses."""
    g = style.min_gap_pt
    amp = w / 2 - 1.2 * g
    if amp < 1.2 * g:
        return [], 0
    xs = np.linspace(0, p, 65)
    s = amp * np.sin(2 * math.pi * xs / p)
    parts: Geoms = [LineString(np.column_stack([xs, w / 2 + s])),
                   LineString(np.column_stack([xs, w / 2 - s]))]
    regions = 4
    if amp > 2.6 * g:
        for half in (slice(0, 33), slice(32, 65)):
            x, y = xs[half], s[half]
            lens = Polygon(np.concatenate([np.column_stack([x, w / 2 + y]),
                                           np.column_stack([x[::-1], w / 2 - y[::-1]])]))
            inner = motifs.echo(lens.buffer(0), 1.3 * g, 2 * style.min_area_pt2)
            if inner is not None:
                parts.append(inner)
                regions += 1
    return parts, regions


def _hearts(p: float, w: float, style: Style, rng: np.random.Generator,
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


def _drops(p: float, w: float, style: Style, rng: np.random.Generator,
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


def _diamonds(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    g = style.min_gap_pt
    if p < 2.5 * g:
        return [], 0
    diamond = Polygon([(p / 2, 0), (p, w / 2), (p / 2, w), (0, w / 2)])
    parts: Geoms = [diamond]
    inner = motifs.echo(diamond, 1.3 * g, 2 * style.min_area_pt2)
    if inner is not None:
        parts.append(inner)
    return parts, len(parts) + 2


def _shells(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    """A fan on the base: a scallop with rays from a small hub."""
    g = style.min_gap_pt
    h = min(w - g, 0.7 * p)
    hub = max(1.2 * g, 0.18 * p)
    if h < hub + 3 * g:
        return [], 0
    u = np.linspace(0, math.pi, 48)
    parts: Geoms = [LineString(np.column_stack([p / 2 - p / 2 * np.cos(u), h * np.sin(u)])),
                   LineString(np.column_stack([p / 2 - hub * np.cos(u), hub * np.sin(u)]))]
    rays = max(2, min(5, int(math.pi * hub / (1.6 * g))))
    # Rays start at the hub's own outline (cut from the same polygon), so they meet it.
    hub_shape = Polygon(np.column_stack([p / 2 - hub * np.cos(u), hub * np.sin(u)]))
    clip = Polygon(np.column_stack([p / 2 - p / 2 * np.cos(u), h * np.sin(u)])).difference(
        hub_shape)
    for k in range(1, rays + 1):
        a = math.pi * k / (rays + 1)
        far = LineString([(p / 2, 0.0), (p / 2 + 2 * p * math.cos(a), 2 * p * math.sin(a))])
        parts.append(far.intersection(clip))
    return parts, rays + 3


def _scrolls(p: float, w: float, style: Style, rng: np.random.Generator,
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


def _spokes(p: float, w: float, style: Style, rng: np.random.Generator,
        variant: Any) -> tuple[Geoms, int]:
    g = style.min_gap_pt
    parts: Geoms = [LineString([(0, 0), (0, w)])]
    r = min(w / 2, p / 2) - g
    if r > 0.8 * g:
        parts.append(circle(p / 2, w / 2, r))
    return parts, len(parts) + 1


UNITS: dict[str, tuple[Unit, float, float]] = {
    # name: (builder, period / width it looks best at, narrowest width in gaps)
    "petals": (_petals, 0.62, 4.0),
    "layered": (_layered, 0.75, 7.0),
    "paisleys": (_paisleys, 1.1, 7.0),
    "leaves": (_leaves, 0.95, 5.0),
    "vine": (_vine, 1.9, 8.0),
    "beads": (_beads, 1.0, 2.4),
    "scallops": (_scallops, 1.4, 3.0),
    "lace": (_lace, 1.3, 6.0),
    "arches": (_arches, 0.8, 4.0),
    "triangles": (_triangles, 0.9, 3.0),
    "braid": (_braid, 2.6, 4.0),
    "hearts": (_hearts, 1.0, 5.0),
    "drops": (_drops, 1.2, 5.0),
    "diamonds": (_diamonds, 0.75, 3.0),
    "shells": (_shells, 1.4, 6.0),
    "scrolls": (_scrolls, 1.8, 7.0),
    "spokes": (_spokes, 0.8, 3.0),
}
# Motifs that meet neither the strip's ends nor their neighbours.
FLOATING = ("petals", "layered", "paisleys", "leaves", "hearts", "drops", "scrolls")
FILL_UNITS = tuple(f"fill:{p}" for p in STRIP_PATTERNS)
KINDS = (*UNITS, *FILL_UNITS)


def bands_per_width(length: float, width: float, periods: int) -> float:
    """How much longer than wide a period is, relative to the square a fill expects."""
    return (length / max(1, periods)) / width


def aspect(kind: str) -> float:
    """Period over width at which the motif looks best."""
    return UNITS[kind][1] if kind in UNITS else 1.0


def min_width(kind: str, style: Style) -> float:
    return (UNITS[kind][2] if kind in UNITS else 3.0) * style.min_gap_pt


def variant_for(kind: str, rng: np.random.Generator, style: Style) -> Any:
    if kind in ("petals", "layered"):
        profiles = list(motifs.PETALS) if kind == "petals" else ["almond", "round", "lotus",
                                                                "spade"]
        details = list(motifs.DETAILS) if style.audience == "adults" else ["vein", "echo",
                                                                           "none"]
        return str(rng.choice(profiles)), str(rng.choice(details))
    return bool(rng.random() < 0.5)


def strip(kind: str, length: float, width: float, periods: int, style: Style,
          rng: np.random.Generator, *, closed: bool = True, variant: Any = None) -> Fill:
    """`periods` copies of a motif along the strip (see KINDS)."""
    if kind.startswith("fill:"):
        # A border band's cells grow as its motif count falls (a page with fewer regions).
        coarse = 1.0 if closed else max(1.0, bands_per_width(length, width, periods))
        return fill_strip(kind[5:], length, width, periods, style, closed=closed,
                          coarse=coarse)
    builder = UNITS[kind][0]
    start = 0.0
    if not closed and kind in FLOATING:
        # Floating motifs keep half a gap to each neighbour: at a frame side's ends, where
        # there is no neighbour, the strip is shortened so they keep a whole one.
        start = style.min_gap_pt / 2
    p = (length - 2 * start) / periods
    if variant is None:
        variant = variant_for(kind, rng, style)
    unit, regions = builder(p, width, style, rng, variant)
    if not unit:
        return Fill()
    arr = np.array([u for u in unit if u is not None and not u.is_empty], dtype=object)
    shapes: Geoms = []
    for k in range(periods):
        shapes += list(shapely.transform(arr, lambda c, k=k: c + (start + k * p, 0.0)))
    if not closed:
        # A frame's side: nothing may stick out past its ends.
        box = shapely.box(0.0, -1.0, length, width + 1.0)
        shapes = [s if box.contains(s) else s.intersection(box) for s in shapes]
        shapes = [s for s in shapes if not s.is_empty]
    return Fill(shapes, regions * periods)
