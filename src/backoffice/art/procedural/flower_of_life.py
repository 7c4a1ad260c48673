"""Sacred geometry: three-circle, seed-of-life and flower-of-life grids inside framed rings."""

from __future__ import annotations

import math

import numpy as np

from backoffice.art.procedural.geometry import Drawing, Style, art_box, circle
from backoffice.art.procedural.mandala import MOTIFS, corner_fans


def _hex_centres(cx: float, cy: float, r: float, rings: int, rotation: float) -> np.ndarray:
    """Centres of a hexagonal circle packing of spacing r, `rings` hexagons deep."""
    pts = []
    a1 = np.array([math.cos(rotation), math.sin(rotation)]) * r
    a2 = np.array([math.cos(rotation + math.pi / 3), math.sin(rotation + math.pi / 3)]) * r
    for i in range(-rings, rings + 1):
        for j in range(-rings, rings + 1):
            if abs(i + j) <= rings:
                pts.append((cx, cy) + i * a1 + j * a2)
    return np.array(pts)


def _venn(drawing: Drawing, cx, cy, radius, rng, style) -> str:
    """Three overlapping circles: the gentlest sacred-geometry figure, for toddlers."""
    rot = rng.uniform(0, 2 * math.pi)
    r = radius * 0.5
    d = r * rng.uniform(0.62, 0.72)
    for k in range(3):
        t = rot + 2 * math.pi * k / 3
        drawing.add(circle(cx + d * math.cos(t), cy + d * math.sin(t), r), style.line_pt)
    drawing.add(circle(cx, cy, radius), style.line_pt)
    return "sacred geometry, three circles"


def build(rng: np.random.Generator, style: Style, width: float, height: float):
    drawing = Drawing(width, height)
    box = art_box(width, height, style)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    outer = min(box[2] - box[0], box[3] - box[1]) / 2 - style.min_gap_pt * 1.5
    if style.audience == "toddlers":
        return drawing, _venn(drawing, cx, cy, outer + style.min_gap_pt * 1.5, rng, style)
    rotation = float(rng.choice([0.0, math.pi / 6]))
    if style.audience == "children":
        rings, band_share, n_fold = 1, rng.uniform(0.25, 0.35), int(rng.choice([12, 18, 24]))
    else:
        band_share, n_fold = rng.uniform(0.18, 0.3), int(rng.choice([24, 36, 48]))
        # A third ring of circles leaves hundreds of uncolourable slivers: two it is.
        rings = 2
    # The grid sits in an enclosing circle one spacing past its outermost centres.
    grid_radius = outer * (1 - band_share)
    r = (grid_radius - style.min_gap_pt) / (rings + 1)
    enclosure = circle(cx, cy, grid_radius)
    centres = _hex_centres(cx, cy, r, rings, rotation)
    shapes = [circle(x, y, r) for x, y in centres]
    extra = "flower of life" if rings > 1 else "seed of life"
    if style.audience == "adults" and rings >= 2:
        # The partial circles of the next ring, clipped by the enclosure, complete the flower.
        shapes += [circle(x, y, r).boundary.intersection(enclosure)
                   for x, y in _hex_centres(cx, cy, r, rings + 1, rotation)
                   if math.hypot(x - cx, y - cy) > rings * r * 1.01
                   and math.hypot(x - cx, y - cy) < grid_radius + r * 0.9]
    for shape in shapes:
        drawing.add(shape, style.detail_pt)
    drawing.add(enclosure, style.line_pt)
    # Rings of mandala motifs between the grid and the outer circle.
    bands = 1 if style.audience == "children" else int(rng.integers(2, 4))
    edges = np.linspace(grid_radius, outer, bands + 1)
    motifs = ["petals", "beads", "scallops", "round_petals"] + (
        ["spokes", "zigzag"] if style.audience == "adults" else [])
    for k, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        n = n_fold * (2 if k and style.audience == "adults" and rng.random() < 0.4 else 1)
        shapes, _ = MOTIFS[str(rng.choice(motifs))](cx, cy, a, b, n, -math.pi / 2, rng, style)
        for shape in shapes:
            drawing.add(shape, style.detail_pt)
        drawing.add(circle(cx, cy, b), style.line_pt)
    corner_fans(drawing, box, cx, cy, outer, style, rng)
    return drawing, f"sacred geometry, {extra}, {bands} outer rings"
