"""Voronoi stained glass: relaxed cells in an arched, round or square window, with a rose motif."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Polygon

from backoffice.art.procedural.geometry import (
    Drawing,
    Style,
    art_box,
    circle,
    rounded_rect,
)
from backoffice.art.procedural.mandala import corner_fans

_CELLS = {"toddlers": (7, 11), "children": (24, 48), "adults": (170, 360)}


def _window(kind: str, box) -> Polygon:
    x0, y0, x1, y1 = box
    if kind == "arch":
        r = (x1 - x0) / 2
        body = shapely.box(x0, y0 + r, x1, y1)
        return shapely.union(body, circle((x0 + x1) / 2, y0 + r, r)).simplify(0.05)
    if kind == "rose":
        return circle((x0 + x1) / 2, (y0 + y1) / 2, min(x1 - x0, y1 - y0) / 2)
    return rounded_rect(x0, y0, x1, y1, (x1 - x0) * 0.06)


def _random_points(shape: Polygon, n: int, rng) -> np.ndarray:
    x0, y0, x1, y1 = shape.bounds
    pts = rng.uniform((x0, y0), (x1, y1), size=(n * 4, 2))
    inside = shapely.contains_xy(shape, pts[:, 0], pts[:, 1])
    return pts[inside][:n]


def _cells(points: np.ndarray, shape: Polygon, relax: int) -> list[Polygon]:
    """Voronoi cells clipped to the shape; Lloyd steps even out their size and angles."""
    cells: list[Polygon] = []
    for step in range(relax + 1):
        regions = shapely.voronoi_polygons(MultiPoint(points), extend_to=shape.envelope)
        cells = [c for c in shapely.intersection(list(regions.geoms), shape)
                 if c.geom_type == "Polygon" and not c.is_empty]
        if step < relax:
            points = np.array([c.centroid.coords[0] for c in cells])
    return cells


def _merge_small(cells: list[Polygon], min_area: float) -> list[Polygon]:
    """Fold each too-small cell into the neighbour it shares the longest edge with."""
    cells = sorted(cells, key=lambda c: c.area)
    while cells and cells[0].area < min_area:
        small = cells.pop(0)
        shared = [c.boundary.intersection(small.boundary).length for c in cells]
        if not shared or max(shared) <= 0:
            continue
        j = int(np.argmax(shared))
        merged = shapely.union(cells[j], small).buffer(0)
        cells[j] = merged if merged.geom_type == "Polygon" else cells[j]
        cells.sort(key=lambda c: c.area)
    return cells


def _rose(cx: float, cy: float, radius: float, rng, style: Style) -> tuple[list[Polygon], str]:
    """Symmetric cells: seeds on concentric rings, so the rose reads as one designed piece."""
    fold = int(rng.choice([6, 8, 10, 12]))
    rings = 2 if style.audience == "children" else int(rng.integers(3, 5))
    pts = [(cx, cy)]
    for k in range(1, rings + 1):
        n = fold * (1 if k == 1 or style.audience == "children" else min(k, 3))
        offset = (k % 2) * math.pi / n
        r = radius * k / (rings + 0.6)
        pts += [(cx + r * math.cos(offset + 2 * math.pi * i / n),
                 cy + r * math.sin(offset + 2 * math.pi * i / n)) for i in range(n)]
    return _cells(np.array(pts), circle(cx, cy, radius), 0), f"{fold}-fold rose"


def build(rng: np.random.Generator, style: Style, width: float, height: float):
    drawing = Drawing(width, height)
    box = art_box(width, height, style)
    kind = str(rng.choice(["arch", "rose", "pane"] if style.audience != "toddlers"
                          else ["arch", "pane"]))
    if kind == "rose":
        inner = (box[0] + style.min_gap_pt * 1.5, box[1] + style.min_gap_pt * 1.5,
                 box[2] - style.min_gap_pt * 1.5, box[3] - style.min_gap_pt * 1.5)
        window = _window(kind, inner)
    else:
        window = _window(kind, box)
    low, high = _CELLS[style.audience]
    n = int(rng.integers(low, high + 1))
    min_area = window.area / n * 0.25
    extra = ""
    glass = window
    cells: list[Polygon] = []
    if style.audience != "toddlers" and rng.random() < 0.7:
        c = window.centroid
        cx, cy = c.x, c.y if kind != "arch" else box[1] + (box[2] - box[0]) / 2
        radius = min(box[2] - box[0], box[3] - box[1]) * rng.uniform(0.26, 0.34)
        rose_cells, extra = _rose(cx, cy, radius, rng, style)
        cells += rose_cells
        glass = window.difference(circle(cx, cy, radius))
        n = max(4, round(n * glass.area / window.area))
    cells += _merge_small(_cells(_random_points(glass, n, rng), glass, 3), min_area)
    for cell in cells:
        drawing.add(cell, style.detail_pt)
    drawing.add(window, style.line_pt)
    if kind == "rose":
        bounds = window.bounds
        corner_fans(drawing, box, (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2,
                    (bounds[2] - bounds[0]) / 2, style, rng)
    name = {"arch": "arched window", "rose": "round window", "pane": "pane"}[kind]
    return drawing, f"stained glass, {name}, {len(cells)} pieces" + (f", {extra}" if extra else "")
