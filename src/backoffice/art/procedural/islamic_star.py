"""Islamic star patterns: Hankin's polygons-in-contact over square, hexagonal and 4.8.8
tilings, as a page-wide pattern with inlays, as strapwork woven over and under, or as a
round medallion ringed with bands; for toddlers, one big star."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString

from backoffice.art.procedural import fills
from backoffice.art.procedural.design import Canvas, Layout
from backoffice.art.procedural.geometry import circle, regular_polygon
from backoffice.art.procedural.mandala import _corner_rosettes
from backoffice.art.procedural.rosette import add_shapes, mandala_shapes

TILINGS = ("square", "hexagon", "octagon")
ANGLES = ("narrow", "wide")  # contact angle: sharp stars or broad ones
INLAYS = ("inset", "fill:stripes", "fill:grid", "fill:dots", "plain")
# Tile edge length in points, per audience.
_EDGE_PT = {"children": 170.0, "adults": 62.0}


def _tiling(kind: str, edge: float, x0: float, y0: float, x1: float, y1: float,
            centre: tuple[float, float] | None = None) -> list[np.ndarray]:
    """Regular polygons (as vertex arrays) covering the box, for one Archimedean tiling;
    `centre` puts a tile's centre there (a medallion's axis of symmetry)."""
    cx, cy = centre if centre is not None else (x0, y0)
    polys = []
    if kind == "square":
        ox, oy = cx - edge / 2, cy - edge / 2
        for i in range(math.floor((x0 - ox) / edge) - 1, math.ceil((x1 - ox) / edge) + 1):
            for j in range(math.floor((y0 - oy) / edge) - 1, math.ceil((y1 - oy) / edge) + 1):
                x, y = ox + i * edge, oy + j * edge
                polys.append(np.array([(x, y), (x + edge, y), (x + edge, y + edge),
                                       (x, y + edge)]))
    elif kind == "hexagon":
        r = edge
        dx, dy = 1.5 * r, math.sqrt(3) * r
        for i in range(math.floor((x0 - cx) / dx) - 2, math.ceil((x1 - cx) / dx) + 2):
            for j in range(math.floor((y0 - cy) / dy) - 2, math.ceil((y1 - cy) / dy) + 2):
                hx, hy = cx + i * dx, cy + j * dy + (dy / 2 if i % 2 else 0)
                polys.append(np.asarray(regular_polygon(hx, hy, r, 6).exterior.coords)[:-1])
    else:  # 4.8.8: octagons on a square grid, small squares in the gaps
        step = edge * (1 + math.sqrt(2))
        ro = edge / (2 * math.sin(math.pi / 8))
        for i in range(math.floor((x0 - cx) / step) - 1, math.ceil((x1 - cx) / step) + 2):
            for j in range(math.floor((y0 - cy) / step) - 1, math.ceil((y1 - cy) / step) + 2):
                ox, oy = cx + i * step, cy + j * step
                polys.append(np.asarray(
                    regular_polygon(ox, oy, ro, 8, math.pi / 8).exterior.coords)[:-1])
                square = regular_polygon(ox + step / 2, oy + step / 2, edge / math.sqrt(2), 4,
                                         math.pi / 4)
                polys.append(np.asarray(square.exterior.coords)[:-1])
    return polys


def _hankin(poly: np.ndarray, angle: float) -> list[LineString]:
    """From each edge midpoint, two rays at `angle` to the edge meet the neighbouring edges'
    rays on the corner bisectors; the resulting zig-zag is the star pattern."""
    centre = poly.mean(axis=0)
    n = len(poly)
    segments = []
    for i in range(n):
        a, b, c = poly[i], poly[(i + 1) % n], poly[(i + 2) % n]
        m1, m2 = (a + b) / 2, (b + c) / 2
        d = (b - a) / np.linalg.norm(b - a)
        inward = centre - m1
        sign = 1.0 if d[0] * inward[1] - d[1] * inward[0] > 0 else -1.0
        ca, sa = math.cos(angle), math.sin(sign * angle)
        ray = np.array([d[0] * ca - d[1] * sa, d[0] * sa + d[1] * ca])
        bis = centre - b
        mat = np.array([[ray[0], -bis[0]], [ray[1], -bis[1]]])
        try:
            t, _s = np.linalg.solve(mat, b - m1)
        except np.linalg.LinAlgError:
            continue
        if t <= 0:
            continue
        p = m1 + t * ray
        segments.append(LineString([m1, p, m2]))
    return segments


def hankin_all(polys: list[np.ndarray], angle: float) -> list[LineString]:
    """`_hankin` for many tiles at once: tiles with the same number of sides are solved
    together in arrays (the 2x2 systems by Cramer's rule)."""
    out: list[LineString] = []
    by_size: dict[int, list[np.ndarray]] = {}
    for poly in polys:
        by_size.setdefault(len(poly), []).append(poly)
    for group in by_size.values():
        tiles = np.array(group)  # (tiles, sides, 2)
        centre = tiles.mean(axis=1, keepdims=True)
        a, b, c = tiles, np.roll(tiles, -1, axis=1), np.roll(tiles, -2, axis=1)
        m1, m2 = (a + b) / 2, (b + c) / 2
        d = (b - a) / np.linalg.norm(b - a, axis=2, keepdims=True)
        inward = centre - m1
        sign = np.where(d[..., 0] * inward[..., 1] - d[..., 1] * inward[..., 0] > 0, 1.0, -1.0)
        ca, sa = math.cos(angle), np.sin(sign * angle)
        ray = np.stack([d[..., 0] * ca - d[..., 1] * sa, d[..., 0] * sa + d[..., 1] * ca], -1)
        bis = centre - b
        rhs = b - m1
        # Solve m1 + t ray = b + s bis for t.
        det = -ray[..., 0] * bis[..., 1] + bis[..., 0] * ray[..., 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (-rhs[..., 0] * bis[..., 1] + bis[..., 0] * rhs[..., 1]) / det
        ok = (np.abs(det) > 1e-12) & (t > 0)
        p = m1 + t[..., None] * ray
        coords = np.stack([m1, p, m2], axis=2)[ok]  # (k, 3, 2)
        out += list(shapely.linestrings(coords))
    return out


def _network(c: Canvas, region: Any, edge: float, centre: tuple[float, float] | None = None
             ) -> tuple[Any, str, float]:
    """The star pattern's lines, cut exactly at the region's outline."""
    tiling = c.motif(TILINGS, "hexagon")
    wide = "wide" in c.design.motifs
    angle = math.radians(float(c.rng.uniform(64, 72) if wide else c.rng.uniform(52, 60)))
    if tiling == "octagon":
        edge /= 1.7
    x0, y0, x1, y1 = region.bounds
    lines = hankin_all(_tiling(tiling, edge, x0, y0, x1, y1, centre), angle)
    c.stars = shapely.MultiLineString(lines)  # whole, for the weave's parity
    return shapely.unary_union(lines).intersection(region), tiling, math.degrees(angle)


def _inlays(c: Canvas, region: Any, network: Any) -> int:
    """Inside each face: an inset outline (strapwork look) or a zentangle fill; small or
    cut faces stay plain so no sliver is left to colour."""
    st = c.style
    g = st.min_gap_pt
    inlay = c.motif(INLAYS, "inset")
    if inlay == "plain":
        return 0
    inset = g * (1.6 if st.audience == "adults" else 1.4)
    min_area = (inset * 4.5) ** 2
    border = region.exterior
    count = 0
    faces = shapely.get_parts(shapely.polygonize(list(shapely.get_parts(
        shapely.unary_union([network, border])))))
    areas = shapely.area(faces)
    big = np.quantile(areas, 0.8) if len(areas) else 0
    for face, area in zip(faces, areas, strict=True):
        if area < min_area:
            continue
        # A face can be several regions joined where lines cross: one inset per region.
        for inner in shapely.get_parts(face.buffer(-inset, join_style="mitre", mitre_limit=3.0)):
            outline = inner.buffer(inset, join_style="mitre", mitre_limit=3.0)
            if (inner.distance(border) < 1.5 * inset or outline.area < min_area
                    or inner.area < outline.area * 0.2):
                continue
            c.drawing.add(inner, st.detail_pt)
            count += 1
            if inlay.startswith("fill:") and area >= big and st.audience == "adults":
                result = fills.fill(inner, inlay[5:], 2.2 * g, st, c.rng)
                for shape in result.shapes:
                    c.drawing.add(shape, st.detail_pt)
                count += result.regions
    return count


def tiling(c: Canvas) -> str:
    st = c.style
    area = c.area()
    if st.audience == "toddlers":
        return _toddler_star(c)
    region = area.inner if area.reserved is None else area.inner.difference(area.reserved)
    if region.geom_type != "Polygon":
        region = max(shapely.get_parts(region), key=lambda p: p.area)
    edge = _EDGE_PT[st.audience] * min(1.0, (region.bounds[2] - region.bounds[0]) / 520)
    edge /= math.sqrt(max(0.3, c.complexity))
    network, kind, angle = _network(c, region, edge)
    width = st.detail_pt if st.audience == "adults" else st.line_pt
    c.drawing.add_line_network(network, width)
    c.drawing.add(region, st.line_pt)
    inlays = _inlays(c, region, network)
    return f"islamic star, {kind} tiling, contact angle {angle:.0f}°, {inlays} inlays"


def _toddler_star(c: Canvas) -> str:
    """One big star of two squares (or two triangles) with a round heart."""
    st, rng = c.style, c.rng
    x0, y0, x1, y1 = c.area().box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = min(x1 - x0, y1 - y0) / 2 * 0.95
    points = 8 if "eight" in c.design.motifs else 6
    sides = points // 2
    rot = -math.pi / 2 + (math.pi / points if rng.random() < 0.5 else 0.0)
    c.drawing.add(regular_polygon(cx, cy, r, sides, rot), st.line_pt)
    c.drawing.add(regular_polygon(cx, cy, r, sides, rot + 2 * math.pi / points), st.line_pt)
    c.drawing.add(circle(cx, cy, r * (0.42 if points == 8 else 0.3)), st.line_pt)
    return f"islamic star, {points}-pointed star"


def rosette(c: Canvas) -> str:
    """The star pattern in a round medallion, ringed with bands, quarter rosettes round it."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    cx, cy, outer = area.centred_disc(g)
    core = outer * (0.66 if st.audience == "adults" else 0.7)
    disc = circle(cx, cy, core)
    edge = _EDGE_PT[st.audience] * 0.8 / math.sqrt(max(0.3, c.complexity))
    network, kind, angle = _network(c, disc, edge, centre=(cx, cy))
    c.drawing.add_line_network(network, st.detail_pt if st.audience == "adults" else st.line_pt)
    _inlays(c, disc, network)
    kinds = [m for m in c.design.motifs if m not in (*TILINGS, *ANGLES, *INLAYS)] or [
        "triangles", "beads"]
    shapes, silhouette = mandala_shapes(cx, cy, outer, st, rng, kinds, core=core,
                                        fold=12 if kind == "hexagon" else 8,
                                        complexity=c.complexity)
    add_shapes(c.drawing, [(s, w) for s, w in shapes if not _within(s, cx, cy, core)])
    c.drawing.add(disc, st.line_pt)
    corners = 0
    if area.straight is not None and area.reserved is None:
        corners = _corner_rosettes(c, area.straight, silhouette)
    return f"islamic star medallion, {kind} tiling" + (f", {corners} corner rosettes"
                                                      if corners else "")


def _within(shape: Any, cx: float, cy: float, radius: float) -> bool:
    x0, y0, x1, y1 = shape.bounds
    return bool(max(abs(x0 - cx), abs(x1 - cx), abs(y0 - cy), abs(y1 - cy)) < radius * 1.0001)


def interlace(c: Canvas) -> str:
    """Strapwork: every line of the star pattern becomes a band, woven over and under."""
    from backoffice.art.procedural.weave import weave

    st = c.style
    area = c.area()
    region = area.inner if area.reserved is None else area.inner.difference(area.reserved)
    if region.geom_type != "Polygon":
        region = max(shapely.get_parts(region), key=lambda p: p.area)
    edge = _EDGE_PT[st.audience] * 1.25 * min(1.0, (region.bounds[2] - region.bounds[0]) / 520)
    edge /= math.sqrt(max(0.3, c.complexity))
    network, kind, angle = _network(c, region, edge)
    strap = (2.4 if st.audience == "adults" else 1.6) * st.min_gap_pt
    strap *= 1.3 if "broad straps" in c.design.motifs else 1.0
    crossings = weave(c.drawing, network, region, strap, st, loops=c.stars)
    c.drawing.add(region, st.line_pt)
    if "inset" in c.design.motifs:
        # An inner outline in each star between the straps.
        g = st.min_gap_pt
        band = network.buffer(strap / 2, cap_style="flat", join_style="mitre", mitre_limit=2.0)
        for face in shapely.get_parts(region.difference(band)):
            inner = face.buffer(-1.4 * g, join_style="mitre", mitre_limit=3.0)
            if (inner.geom_type == "Polygon" and not inner.is_empty
                    and inner.area > 3 * st.min_area_pt2
                    and inner.distance(region.exterior) > 2 * g):
                c.drawing.add(inner, st.detail_pt)
    return f"islamic strapwork, {kind} tiling, {crossings} crossings woven"


_STRAPS = ("broad straps", "fine straps")
_ADULT = (TILINGS, ANGLES, INLAYS)
_CHILD = (TILINGS, ANGLES, ("inset", "plain"))
LAYOUTS = {
    "tiling": Layout(tiling, {"adults": _ADULT, "children": _CHILD,
                              "toddlers": (("six", "eight"),)}, frameless=False),
    "interlace": Layout(interlace, {"adults": (TILINGS, ANGLES, _STRAPS, ("inset", "plain")),
                                    "children": (TILINGS, ANGLES, _STRAPS)},
                        frameless=False),
    "rosette": Layout(rosette, {
        "adults": (*_ADULT, ("triangles", "diamonds", "braid", "arches", "fill:checker",
                             "fill:honeycomb", "beads", "lace"),
                   ("beads", "spokes", "triangles", "fill:grid")),
        "children": (TILINGS, ANGLES, ("triangles", "diamonds", "beads", "arches"))}),
}
