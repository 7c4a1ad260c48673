"""Border motifs along a strip: the rings of a mandala and the sides of a frame.

A strip is [0, length) x [0, width) in points, y = 0 its base (a ring's inner circle, a
frame's outer edge). `strip(kind, ...)` repeats one motif `periods` times along it and
returns what to outline inside; the two long edges are the caller's. Each motif either
meets the edges and its neighbours cleanly or keeps the audience's gap from them, so the
regions are closed and colourable. Motifs of one period are built once and copied; the
organic ones (petals, paisleys, leaves, vine, hearts, drops, scrolls) are in
bands_organic.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from backoffice.art.procedural import bands_organic as organic
from backoffice.art.procedural import motifs
from backoffice.art.procedural.fills import STRIP_PATTERNS, Fill, fill_strip
from backoffice.art.procedural.geometry import Geoms, Style, circle

# One period: (period, width, style, rng, variant) -> (shapes centred on x = period / 2,
# regions per period); [] when the strip is too small for the motif.
Unit = Callable[..., tuple[Geoms, int]]


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
    "petals": (organic.petals, 0.62, 4.0),
    "layered": (organic.layered, 0.75, 7.0),
    "paisleys": (organic.paisleys, 1.1, 7.0),
    "leaves": (organic.leaves, 0.95, 5.0),
    "vine": (organic.vine, 1.9, 8.0),
    "beads": (_beads, 1.0, 2.4),
    "scallops": (_scallops, 1.4, 3.0),
    "lace": (_lace, 1.3, 6.0),
    "arches": (_arches, 0.8, 4.0),
    "triangles": (_triangles, 0.9, 3.0),
    "braid": (_braid, 2.6, 4.0),
    "hearts": (organic.hearts, 1.0, 5.0),
    "drops": (organic.drops, 1.2, 5.0),
    "diamonds": (_diamonds, 0.75, 3.0),
    "shells": (_shells, 1.4, 6.0),
    "scrolls": (organic.scrolls, 1.8, 7.0),
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
