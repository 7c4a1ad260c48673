"""The mandala engine: concentric rings of band motifs round a flowered core.

`draw_mandala` plans rings from the core out to a radius (wide feature rings of petals,
paisleys, lace... between narrow separators of beads or zentangle fills), wraps each band
motif round its ring, and can leave the edge open (petal tips as the silhouette). Every
ring centres a motif on the `angle` ray, so a mandala cut along that ray and its
perpendiculars (`clip`, for half and quarter mandalas against a frame) is cut through
the middle of motifs, never beside them: no crumbs, no near misses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon

from backoffice.art.procedural import bands, motifs
from backoffice.art.procedural.geometry import Drawing, Geoms, Style, circle, polar

# Kinds that fit a narrow band between two wider ones.
SEPARATORS = ("beads", "triangles", "diamonds", "braid", "spokes", "scallops", "fill:grid",
              "fill:scales", "fill:stripes", "fill:bricks", "fill:checker")
FEATURES = ("petals", "layered", "paisleys", "leaves", "vine", "lace", "arches", "hearts",
            "drops", "shells", "scrolls", "fill:scales", "fill:honeycomb", "fill:waves",
            "fill:checker", "fill:triangles", "fill:zigzag")
CHILD_FEATURES = ("petals", "hearts", "drops", "arches", "scallops", "diamonds", "layered")
CHILD_SEPARATORS = ("beads", "triangles", "diamonds", "braid", "scallops")
# Band widths in gaps per audience: features, separators.
_FEATURE_W = {"adults": (7.0, 11.0), "children": (6.5, 9.0), "toddlers": (3.0, 4.0)}
_SEPARATOR_W = {"adults": (2.6, 4.0), "children": (2.8, 3.4), "toddlers": (0.0, 0.0)}
FOLDS = {"adults": (8, 10, 12, 16), "children": (6, 8, 10, 12), "toddlers": (5, 6, 7, 8)}
CUT_FOLDS = {"adults": (8, 12, 16), "children": (8, 12), "toddlers": (8,)}

Shapes = list[tuple[object, float]]


@dataclass
class Ring:
    a: float
    b: float
    kind: str
    n: int


def _count_for(kind: str, r_mid: float, width: float, fold: int,
               complexity: float = 1.0) -> int:
    """Copies round the ring: a multiple of the fold near the motif's best period (fewer,
    wider ones when the page must hold fewer regions)."""
    want = 2 * math.pi * r_mid / (bands.aspect(kind) * width) * min(1.0, complexity) ** 0.5
    return int(fold * max(1, round(want / fold)))


def plan_rings(radius: float, style: Style, rng: np.random.Generator, kinds: Sequence[str],
               fold: int, *, core: float | None = None, complexity: float = 1.0,
               max_rings: int = 99) -> tuple[float, list[Ring]]:
    g = style.min_gap_pt
    adults = style.audience == "adults"
    core = core if core is not None else max(4.5 * g, radius * rng.uniform(
        0.1, 0.15) if adults else radius * rng.uniform(0.18, 0.24))
    pool_f = FEATURES if adults else CHILD_FEATURES
    pool_s = SEPARATORS if adults else CHILD_SEPARATORS
    features = [k for k in kinds if k in pool_f] or ["petals"]
    separators = [k for k in kinds if k in pool_s] or ["beads"]
    # Small mandalas (quilts, clusters) get narrower rings, so they hold several too.
    shrink = 1 / math.sqrt(max(0.2, complexity))
    if adults:
        shrink *= min(1.0, max(0.6, radius / 230))
    fw = tuple(w * shrink for w in _FEATURE_W[style.audience])
    sw = tuple(w * shrink for w in _SEPARATOR_W[style.audience])
    plan: list[tuple[str, float]] = []
    room = radius - core
    used = 0.0
    k = 0
    while used < room * 0.92 and len(plan) < max_rings:
        feature = k % 2 == 0 or not sw[1]
        kind = features[(k // 2) % len(features)] if feature else separators[
            (k // 2) % len(separators)]
        lo_w, hi_w = fw if feature else sw
        w = max(rng.uniform(lo_w, hi_w) * g, bands.min_width(kind, style))
        plan.append((kind, w))
        used += w
        k += 1
    if len(plan) > 1 and used - plan[-1][1] > room * 0.8:
        used -= plan.pop()[1]
    scale = room / used
    out, a = [], core
    for kind, w in plan:
        w *= scale
        if w < bands.min_width(kind, style):
            kind = "beads" if w >= bands.min_width("beads", style) else "spokes"
        n = _count_for(kind, a + w / 2, w, fold, complexity)
        out.append(Ring(a, a + w, kind, n))
        a += w
    return core, out


def ring_style(style: Style, a: float, b: float) -> Style:
    """Wrapping a strip round a ring squeezes it toward the centre (by a / middle radius at
    the inner circle): motifs keep a proportionally wider gap so none closes up there."""
    squeeze = a / ((a + b) / 2)
    return replace(style, min_gap_pt=style.min_gap_pt / squeeze) if squeeze < 0.97 else style


def core_shapes(cx: float, cy: float, core: float, style: Style, fold: int,
                angle: float) -> Shapes:
    """A small flower in the core circle: petals round a hub, one on the `angle` ray."""
    g = style.min_gap_pt
    out: Shapes = [(circle(cx, cy, core), style.line_pt)]
    hub = max(1.1 * g, core * 0.28)
    if core - hub < 2.5 * g:
        return out
    out.append((circle(cx, cy, hub), style.detail_pt))
    n = fold if fold <= 12 else fold // 2
    if style.audience != "adults":
        n = max(5, n // 2)
    mid = (hub + core) / 2
    hw = min(0.45 * (core - hub), math.pi * mid / n - g / 2)
    if hw < 1.0 * g:
        return out
    # Pointed at the hub: petals whose bases were round would nearly touch there and
    # shut crumbs of white between them and the hub.
    petal = motifs.petal("almond", core - hub, hw, style)
    petal = shapely.affinity.translate(petal, 0, hub)
    for k in range(n):
        turned = shapely.affinity.rotate(petal, math.degrees(angle) + k * 360 / n - 90,
                                         origin=(0, 0))
        out.append((shapely.affinity.translate(turned, cx, cy), style.detail_pt))
    return out


def mandala_shapes(cx: float, cy: float, radius: float, style: Style,
                   rng: np.random.Generator, kinds: Sequence[str], *, fold: int | None = None,
                   open_edge: bool = False, angle: float = -math.pi / 2,
                   complexity: float = 1.0, core: float | None = None,
                   max_rings: int = 99) -> tuple[Shapes, Polygon]:
    """Every line of a mandala with its width, and its silhouette."""
    fold = fold or int(rng.choice(FOLDS[style.audience]))
    edge_room = radius * (0.16 if style.audience == "adults" else 0.22) if open_edge else 0.0
    core_r, plan = plan_rings(radius - edge_room, style, rng, kinds, fold, core=core,
                              complexity=complexity, max_rings=max_rings)
    shapes = core_shapes(cx, cy, core_r, style, fold, angle)
    for ring in plan:
        shapes += _ring_shapes(cx, cy, ring, style, rng, angle)
        shapes.append((circle(cx, cy, ring.b), style.line_pt))
    last = plan[-1].b if plan else core_r
    if open_edge:
        shapes += _open_edge(cx, cy, last, edge_room, style, rng, fold, angle, kinds)
        silhouette = circle(cx, cy, last + edge_room)
    else:
        # The outermost circle is the silhouette: drawn bold.
        shapes.append((circle(cx, cy, last), style.bold_pt))
        silhouette = circle(cx, cy, last)
    return shapes, silhouette


def draw_mandala(drawing: Drawing, cx: float, cy: float, radius: float, style: Style,
                 rng: np.random.Generator, kinds: Sequence[str], *, clip: Polygon | None = None,
                 **options: Any) -> Polygon:
    """Draw a mandala (see mandala_shapes), cut to `clip` when given; returns the
    silhouette (cut too)."""
    shapes, silhouette = mandala_shapes(cx, cy, radius, style, rng, kinds, **options)
    add_shapes(drawing, shapes, clip)
    return silhouette if clip is None else silhouette.intersection(clip)


def add_shapes(drawing: Drawing, shapes: Shapes, clip: Polygon | None = None) -> None:
    if clip is None:
        by_width: dict[float, Geoms] = {}
        for geom, width in shapes:
            by_width.setdefault(width, []).append(geom)
        for width, geoms in by_width.items():
            drawing.add(geoms, width)
        return
    cut = np.array([g for g, _ in shapes], dtype=object)
    widths = [w for _, w in shapes]
    shapely.prepare(clip)
    inside = shapely.contains(clip, cut)
    for geom, width, whole in zip(cut, widths, inside, strict=True):
        if whole:
            drawing.add(geom, width)
        elif clip.intersects(geom):
            # A closed shape keeps the cut as part of its outline (the frame draws it too).
            drawing.add(geom.intersection(clip) if geom.geom_type != "Polygon" else
                        geom.boundary.intersection(clip), width)


def _ring_shapes(cx: float, cy: float, ring: Ring, style: Style, rng: np.random.Generator,
                 angle: float) -> Shapes:
    length = 2 * math.pi * (ring.a + ring.b) / 2
    wide = ring_style(style, ring.a, ring.b)
    fill = bands.strip(ring.kind, length, ring.b - ring.a, ring.n, wide, rng)
    for fallback in ("beads", "spokes"):  # spokes always fit: a ring is never left bare
        if not fill.shapes:
            fill = bands.strip(fallback, length, ring.b - ring.a, ring.n, wide, rng)
    # Half a period back, so that a motif is centred on the `angle` ray.
    phase = angle - math.pi / ring.n
    return [(s, style.detail_pt) for s in polar(fill.shapes, cx, cy, ring.a, length, phase)]


def _open_edge(cx: float, cy: float, r0: float, room: float, style: Style,
               rng: np.random.Generator, fold: int, angle: float,
               kinds: Sequence[str]) -> Shapes:
    """Big petals round the last circle with nothing outside them: an organic silhouette."""
    g = style.min_gap_pt
    n = _count_for("petals", r0 + room / 2, room, fold)
    while n > fold and 2 * math.pi * r0 / n < 2.4 * g:
        n -= fold
    profile = next((k for k in ("lotus", "round", "spade", "almond") if k in kinds),
                   str(rng.choice(["lotus", "round", "almond"])))
    detail = "echo+vein" if style.audience == "adults" else "vein"
    length = 2 * math.pi * (r0 + room / 2)
    fill = bands.strip("petals", length, room, n, ring_style(style, r0, r0 + room), rng,
                       variant=(profile, detail))
    phase = angle - math.pi / n
    return [(s, style.detail_pt) for s in polar(fill.shapes, cx, cy, r0, length, phase)]


# Round tips only: thick lines meeting at a sharp tip merge into a black wedge.
TODDLER_MOTIFS = ("round", "oval", "beads", "five", "six", "seven", "eight")


def toddler_flower(cx: float, cy: float, radius: float, style: Style,
                   rng: np.random.Generator, kinds: Sequence[str] = (),
                   complexity: float = 1.0) -> tuple[Shapes, str]:
    """The toddlers' mandala: one ring of big petals round a core, maybe with beads."""
    counts = {"five": 5, "six": 6, "seven": 7, "eight": 8}
    n = next((counts[k] for k in kinds if k in counts), int(rng.choice([5, 6, 7, 8])))
    if complexity < 1.0:
        n = min(n, 5)  # fewer regions wanted: fewer petals, no beads
    core = circle(cx, cy, radius * 0.24)
    phase = rng.uniform(0, 2 * math.pi)
    beads = n <= 6 and complexity >= 1.0 and (
        "beads" in kinds or not kinds and rng.random() < 0.5)
    profile = next((k for k in kinds if k in ("round", "oval")), "round")
    reach = 0.66 if beads else 0.8
    hw = min(radius * 0.2, 0.6 * math.pi * radius * 0.5 / n)
    shapes: Shapes = []
    for i in range(n):
        ang = phase + 2 * math.pi * i / n
        petal = motifs.profile_shape(motifs.PROFILES[profile], radius * (reach - 0.18), hw)
        petal = shapely.affinity.rotate(shapely.affinity.translate(petal, 0, radius * 0.18),
                                        math.degrees(ang) - 90, origin=(0, 0))
        shapes.append((shapely.affinity.translate(petal, cx, cy).difference(core),
                       style.line_pt))
        if beads:
            t = ang + math.pi / n
            shapes.append((circle(cx + radius * 0.78 * math.cos(t),
                                  cy + radius * 0.78 * math.sin(t), radius * 0.11),
                           style.line_pt))
    shapes += [(core, style.line_pt), (circle(cx, cy, radius), style.bold_pt)]
    return shapes, f"{n} {profile} petals" + (" with beads" if beads else "")
