"""Sacred geometry: the flower of life as a medallion ringed with mandala bands, as a
lattice over the whole page, or as a cluster of seed-of-life rosettes; for toddlers,
three overlapping circles. Its lens petals get a midline and its curved triangles an
inner outline or a bead, so the figure reads as drawn rather than computed."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon

from backoffice.art.procedural import fills, motifs
from backoffice.art.procedural.design import Canvas, Layout
from backoffice.art.procedural.geometry import Geoms, circle
from backoffice.art.procedural.lattice import flower_of_life_faces
from backoffice.art.procedural.mandala import BACKGROUNDS, _corner_rosettes, _fill_around, _pack
from backoffice.art.procedural.rosette import (
    CHILD_SEPARATORS,
    SEPARATORS,
    add_shapes,
    mandala_shapes,
)

# Face decorations: lenses get a seed or nothing, triangles an echo, a bead or nothing.
# (A midline would make twelve lines meet where six lenses do: a black knot.)
LENS = ("seed", "plain")
TRIANGLE = ("echo", "bead", "plain")
_RING_KINDS = ("petals", "scallops", "beads", "arches", "lace", "braid", "triangles",
               "fill:scales", "fill:checker", "drops", "layered", "hearts")


def _decorate(face: Polygon, full_area: float, spacing: float, c: Canvas) -> Geoms:
    """Details inside one whole face of the lattice (partial faces stay plain)."""
    st = c.style
    g = st.min_gap_pt
    if abs(face.area - full_area) > 0.04 * full_area:
        return []
    lens = full_area < 0.174 * spacing * spacing
    if lens:
        if "seed" not in c.design.motifs:
            return []
        centre = face.centroid
        r = face.exterior.distance(centre) - 1.1 * g
        return [circle(centre.x, centre.y, r)] if r > 0.7 * g else []
    if "echo" in c.design.motifs:
        inner = motifs.echo(face, 1.3 * g, 2 * st.min_area_pt2)
        return [inner] if inner is not None else []
    if "bead" in c.design.motifs:
        centre = face.centroid
        r = min(0.09 * spacing, face.exterior.distance(centre) - 1.3 * g)
        return [circle(centre.x, centre.y, r)] if r > 0.9 * g else []
    return []


def _flower(c: Canvas, region: Polygon, spacing: float,
            origin: tuple[float, float] | None = None) -> int:
    """The lattice clipped to a region, faces decorated; returns the regions drawn.
    Where six circles cross, twelve lines would meet in a black knot: a bead sits on
    every such point instead, and the lines stop at it."""
    st = c.style
    g = st.min_gap_pt
    origin = origin or (region.centroid.x, region.centroid.y)
    result = fills.fill(region, "circles", spacing, st, c.rng, origin=origin)
    full = flower_of_life_faces()
    lens_area = min(f.area for f in full) * spacing * spacing
    tri_area = max(f.area for f in full) * spacing * spacing
    bead = max(1.2 * g, 0.09 * spacing)
    x0, y0, x1, y1 = region.bounds
    h = spacing * math.sqrt(3) / 2
    beads = []
    inside = region.buffer(-(bead + g))
    for j in range(math.floor((y0 - origin[1]) / h) - 1, math.ceil((y1 - origin[1]) / h) + 2):
        shift = (j % 2) * spacing / 2
        for i in range(math.floor((x0 - origin[0]) / spacing) - 1,
                       math.ceil((x1 - origin[0]) / spacing) + 2):
            px, py = origin[0] + i * spacing + shift, origin[1] + j * h
            if inside.contains(shapely.Point(px, py)):
                beads.append(circle(px, py, bead))
    knots = shapely.union_all(beads) if beads else None
    count = len(beads)
    for shape in result.shapes:
        outline = shape.boundary if knots is None else shape.boundary.difference(knots)
        c.drawing.add(outline, st.detail_pt)
        count += 1
        for area in (lens_area, tri_area):
            for detail in _decorate(shape, area, spacing, c):
                c.drawing.add(detail, st.detail_pt)
                count += 1
    for b in beads:
        c.drawing.add(b, st.detail_pt)
    return count


def _spacing(c: Canvas, base: dict[str, float]) -> float:
    return base[c.style.audience] / math.sqrt(max(0.25, c.complexity))


def medallion(c: Canvas) -> str:
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    cx, cy, outer = area.centred_disc(g)
    if st.audience == "toddlers":
        return _venn(c, cx, cy, outer)
    # The flower: a whole number of spacings, so its rim passes through lattice points.
    share = rng.uniform(0.5, 0.62) if st.audience == "adults" else rng.uniform(0.6, 0.7)
    k = (3 if c.complexity > 0.6 else 2) if st.audience == "adults" else (
        2 if c.complexity > 1.3 else 1)
    spacing = outer * share / k
    core = k * spacing
    _flower(c, circle(cx, cy, core), spacing, (cx, cy))
    # Mandala bands round it, drawn as a mandala whose core is the flower.
    kinds = [m for m in c.design.motifs if m in _RING_KINDS] or ["petals", "beads"]
    shapes, silhouette = mandala_shapes(cx, cy, outer, st, rng, kinds, core=core,
                                        fold=int(rng.choice([12, 18, 24] if st.audience ==
                                                            "adults" else [12])),
                                        angle=-math.pi / 2, complexity=c.complexity,
                                        open_edge="open" in c.design.motifs)
    # Its own core drawing (a flower in the core circle) is replaced by the lattice.
    add_shapes(c.drawing, [(s, w) for s, w in shapes if not _inside(s, cx, cy, core)])
    c.drawing.add(circle(cx, cy, core), st.line_pt)
    corners = 0
    if area.straight is not None and area.reserved is None:
        corners = _corner_rosettes(c, area.straight, silhouette)
    return f"flower of life in {k} rings of circles" + (
        f", {corners} corner rosettes" if corners else "")


def _inside(shape: Any, cx: float, cy: float, radius: float) -> bool:
    x0, y0, x1, y1 = shape.bounds
    return bool(max(abs(x0 - cx), abs(x1 - cx), abs(y0 - cy), abs(y1 - cy)) < radius * 1.0001)


def _venn(c: Canvas, cx: float, cy: float, radius: float) -> str:
    """Three overlapping circles: the gentlest sacred-geometry figure, for toddlers."""
    st, rng = c.style, c.rng
    rot = rng.uniform(0, 2 * math.pi)
    n = 4 if "four" in c.design.motifs else 3
    if "tilted" in c.design.motifs:
        rot += math.pi / n
    r = radius * (0.5 if n == 3 else 0.44)
    d = r * (rng.uniform(0.62, 0.72) if n == 3 else 0.78)
    for k in range(n):
        t = rot + 2 * math.pi * k / n
        c.drawing.add(circle(cx + d * math.cos(t), cy + d * math.sin(t), r), st.line_pt)
    c.drawing.add(circle(cx, cy, radius), st.bold_pt)
    return f"sacred geometry, {n} circles"


def lattice(c: Canvas) -> str:
    """The flower of life over the whole frame."""
    st = c.style
    area = c.area()
    region = area.inner if area.reserved is None else area.inner.difference(area.reserved)
    spacing = _spacing(c, {"adults": 62.0, "children": 150.0, "toddlers": 300.0})
    spacing *= {"fine": 0.88, "coarse": 1.15}.get(c.motif(("fine", "coarse"), ""), 1.0)
    if area.reserved is not None:
        for part in shapely.get_parts(area.reserved.intersection(area.inner)):
            c.drawing.add(part.boundary.intersection(area.inner), st.line_pt)
    turned = "turned" in c.design.motifs
    if turned:
        # The lattice turned a quarter: its rows run down the page.
        centre = region.centroid
        turned_region = shapely.affinity.rotate(region, -90, origin=centre)
        mark = len(c.drawing.strokes)
        count = _flower(c, turned_region, spacing)
        for k in range(mark, len(c.drawing.strokes)):
            pts, closed, width = c.drawing.strokes[k]
            rel = pts - (centre.x, centre.y)
            c.drawing.strokes[k] = (np.column_stack([-rel[:, 1], rel[:, 0]]) + (centre.x, centre.y),
                                    closed, width)
    else:
        count = _flower(c, region, spacing)
    return f"flower-of-life lattice{' (turned)' if turned else ''}, {count} shapes"


def seeds(c: Canvas) -> str:
    """Several small flowers of life, ringed with one band each, on a pattern."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    room = shapely.box(*area.box)
    if area.reserved is not None:
        room = room.difference(area.reserved)
    shares = {"adults": [0.3, 0.24, 0.2, 0.17, 0.15, 0.13], "children": [0.34, 0.26, 0.22]}
    mine = shares[st.audience]
    # Fewer seeds when the page must hold fewer regions.
    mine = mine[: max(1, round(len(mine) * min(1.0, c.complexity) ** 0.5))]
    placed = _pack(c, room, mine, 4.5 * g)
    kinds = [m for m in c.design.motifs if m in _RING_KINDS] or ["petals"]
    silhouettes = []
    for k, (px, py, r) in enumerate(placed):
        core = r * 0.68
        spacing = core / (2 if st.audience == "adults" and core > 60 else 1)
        _flower(c, circle(px, py, core), spacing, (px, py))
        c.drawing.add(circle(px, py, core), st.line_pt)
        kind = kinds[k % len(kinds)]
        shapes, sil = mandala_shapes(px, py, r, st, rng, [kind], core=core, fold=12,
                                     complexity=c.complexity)
        add_shapes(c.drawing, [(s, w) for s, w in shapes if not _inside(s, px, py, core)])
        silhouettes.append(sil)
    pattern = c.motif(BACKGROUNDS, "")
    if pattern and silhouettes:
        _fill_around(c, area, silhouettes, pattern)
    return f"{len(placed)} seeds of life" + (f" on {pattern[5:]}" if pattern else "")


_DECOR = (LENS, TRIANGLE)
LAYOUTS = {
    "medallion": Layout(medallion, {
        "adults": (*_DECOR, _RING_KINDS, _RING_KINDS, SEPARATORS, ("open", "")),
        "children": (TRIANGLE, ("petals", "scallops", "drops", "hearts"), CHILD_SEPARATORS),
        "toddlers": (("upright", "tilted"),)}),
    "lattice": Layout(lattice, {"adults": (*_DECOR, ("fine", "coarse"), ("turned", "upright")),
                                "children": (("plain", "bead"), ("fine", "coarse"),
                                             ("turned", "upright"))},
                      ornaments=True, frameless=False),
    "seeds": Layout(seeds, {
        "adults": (*_DECOR, _RING_KINDS, _RING_KINDS, (*BACKGROUNDS, "")),
        "children": (("plain", "bead"), ("petals", "scallops", "beads", "hearts"),
                     ("", "fill:pebbles", "fill:dots"))}),
}
