"""Islamic star patterns: Hankin's polygons-in-contact over square, hexagonal and 4.8.8 tilings."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import LineString

from backoffice.art.procedural.geometry import (
    Drawing,
    Style,
    art_box,
    circle,
    regular_polygon,
)

# Tile edge length in points, per audience.
_EDGE_PT = {"children": (160.0, 210.0), "adults": (55.0, 75.0)}


def _tiling(kind: str, edge: float, x0: float, y0: float, x1: float, y1: float):
    """Regular polygons (as vertex arrays) covering the box, for one Archimedean tiling."""
    polys = []
    if kind == "square":
        for i in range(int((x1 - x0) / edge) + 3):
            for j in range(int((y1 - y0) / edge) + 3):
                x, y = x0 - edge + i * edge, y0 - edge + j * edge
                polys.append(np.array([(x, y), (x + edge, y), (x + edge, y + edge), (x, y + edge)]))
    elif kind == "hexagon":
        r = edge
        dx, dy = 1.5 * r, math.sqrt(3) * r
        for i in range(int((x1 - x0) / dx) + 3):
            for j in range(int((y1 - y0) / dy) + 3):
                cx = x0 - r + i * dx
                cy = y0 - r + j * dy + (dy / 2 if i % 2 else 0)
                polys.append(np.asarray(regular_polygon(cx, cy, r, 6).exterior.coords)[:-1])
    else:  # 4.8.8: octagons on a square grid, small squares in the gaps
        step = edge * (1 + math.sqrt(2))
        ro = edge / (2 * math.sin(math.pi / 8))
        for i in range(int((x1 - x0) / step) + 3):
            for j in range(int((y1 - y0) / step) + 3):
                cx, cy = x0 - step + i * step, y0 - step + j * step
                polys.append(np.asarray(
                    regular_polygon(cx, cy, ro, 8, math.pi / 8).exterior.coords)[:-1])
                sx, sy = cx + step / 2, cy + step / 2
                square = regular_polygon(sx, sy, edge / math.sqrt(2), 4, math.pi / 4)
                polys.append(np.asarray(square.exterior.coords)[:-1])
    return polys


def _hankin(poly: np.ndarray, angle: float) -> list[LineString]:
    """From each edge midpoint, two rays at `angle` to the edge meet the neighbouring edges' rays
    on the corner bisectors; the resulting zig-zag is the star pattern."""
    centre = poly.mean(axis=0)
    n = len(poly)
    segments = []
    for i in range(n):
        a, b, c = poly[i], poly[(i + 1) % n], poly[(i + 2) % n]
        m1, m2 = (a + b) / 2, (b + c) / 2
        d = (b - a) / np.linalg.norm(b - a)
        inward = centre - m1
        # Rotate the edge direction toward the interior by `angle`.
        sign = 1.0 if d[0] * inward[1] - d[1] * inward[0] > 0 else -1.0
        ca, sa = math.cos(angle), math.sin(sign * angle)
        ray = np.array([d[0] * ca - d[1] * sa, d[0] * sa + d[1] * ca])
        bis = centre - b
        # m1 + t*ray = b + s*bis
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


def _toddler_star(drawing: Drawing, box, rng, style) -> str:
    """One big eight-pointed star of two squares (Rub el Hizb) with a round heart."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    r = min(box[2] - box[0], box[3] - box[1]) / 2 * 0.9
    points = int(rng.choice([6, 8]))
    # Two overlapping polygons make the star: squares for 8 points, triangles for 6.
    sides = points // 2
    rot = -math.pi / 2 + (math.pi / points if rng.random() < 0.5 else 0.0)
    drawing.add(regular_polygon(cx, cy, r, sides, rot), style.line_pt)
    drawing.add(regular_polygon(cx, cy, r, sides, rot + 2 * math.pi / points), style.line_pt)
    heart = r * (0.42 if points == 8 else 0.3)
    drawing.add(circle(cx, cy, heart), style.line_pt)
    return f"islamic star, {points}-pointed star"


def build(rng: np.random.Generator, style: Style, width: float, height: float):
    drawing = Drawing(width, height)
    box = art_box(width, height, style)
    if style.audience == "toddlers":
        return drawing, _toddler_star(drawing, box, rng, style)
    x0, y0, x1, y1 = box
    kind = str(rng.choice(["square", "hexagon", "octagon"]))
    edge = rng.uniform(*_EDGE_PT[style.audience]) * min(1.0, (x1 - x0) / 520)
    if kind == "octagon":
        edge /= 1.7
    angle = math.radians(float(rng.uniform(52, 72)))
    frame = shapely.box(x0, y0, x1, y1)
    lines = [s for poly in _tiling(kind, edge, x0, y0, x1, y1) for s in _hankin(poly, angle)]
    # Clip exactly at the frame so every line ends on it: cut short, the lines would not
    # meet the frame when faces are found below, and the faces along the edge would merge
    # into one big ring whose inset crosses the pattern.
    network = shapely.unary_union(lines).intersection(frame)
    width = style.detail_pt if style.audience == "adults" else style.line_pt
    drawing.add_line_network(network, width)
    drawing.add(frame, style.line_pt)
    # An inset outline inside each region gives the layered, strapwork look; small or thin
    # regions are skipped so no sliver is left to colour.
    inset = style.min_gap_pt * (1.6 if style.audience == "adults" else 1.4)
    min_area = (inset * 4.5) ** 2
    insets = 0
    border = frame.exterior
    for face in shapely.polygonize(list(shapely.get_parts(
            shapely.unary_union([network, border])))).geoms:
        if face.area < min_area:
            continue
        # A face can be several regions joined at the points where lines cross (the ink
        # there parts them on paper): the inset splits it into one outline per region.
        for inner in shapely.get_parts(face.buffer(-inset, join_style="mitre",
                                                   mitre_limit=3.0)):
            region = inner.buffer(inset, join_style="mitre", mitre_limit=3.0)
            # Regions cut by the frame are partial, often thin wedges whose inset would pinch.
            if (inner.distance(border) < 1.5 * inset or region.area < min_area
                    or inner.area < region.area * 0.2):
                continue
            drawing.add(inner, style.detail_pt)
            insets += 1
    return drawing, (f"islamic star, {kind} tiling, contact angle {math.degrees(angle):.0f}°, "
                     f"{insets} inlays")
