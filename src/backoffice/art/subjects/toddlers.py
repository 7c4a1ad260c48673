"""Toddlers' pages: one big subject, extra-bold lines, a few large regions; its name in
bubble letters, a badge behind it or a small friend beside it, by layout."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import Point, Polygon

from backoffice.art.subjects.canvas import Canvas
from backoffice.art.subjects.catalogue import Subject
from backoffice.art.subjects.shapes import bubble_text, shape_layer

Box = tuple[float, float, float, float]
LAYOUTS = ("big", "named", "badge", "duo")
# Longest name printed under a subject: each letter is a region, and a toddler's page
# holds 15 at most.
MAX_LABEL = 7


def _star(cx: float, cy: float, r: float, points: int = 5, rotation: float = 0.0) -> Polygon:
    angles = rotation - math.pi / 2 + np.arange(2 * points) * math.pi / points
    radii = np.where(np.arange(2 * points) % 2 == 0, r, r * 0.5)
    star = Polygon(np.column_stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)]))
    # Round the points a little: toddlers colour better without needle tips.
    return star.buffer(r * 0.08, quad_segs=6)


def _heart(cx: float, cy: float, r: float) -> Polygon:
    t = np.linspace(0, 2 * math.pi, 120, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    return Polygon(np.column_stack([cx + x * r / 17, cy + y * r / 17]))


def _confetti(canvas: Canvas, rng: np.random.Generator, count: int) -> None:
    """Big simple shapes (stars, hearts, circles) in free corners and bands, when a
    subject alone has too few regions for the page; smaller ones where room is short."""
    w, h, m = canvas.width, canvas.height, canvas.margin
    placed = 0
    for share in (0.085, 0.055):
        r = min(w, h) * share
        spots = [(m + r, m + r), (w - m - r, m + r), (m + r, h - m - r),
                 (w - m - r, h - m - r), (w / 2, m + r), (w / 2, h - m - r),
                 (m + r, h / 2), (w - m - r, h / 2)]
        # Free of ink all round: shapes never touch the subject (thick lines that meet
        # at a glancing angle fuse into a black blob).
        clear = r * 1.1 + canvas.pens.mm(3)
        for index in rng.permutation(len(spots)):
            if placed >= count:
                return
            cx, cy = spots[index]
            y0, y1 = int(max(0, cy - clear)), int(min(h, cy + clear))
            x0, x1 = int(max(0, cx - clear)), int(min(w, cx + clear))
            if canvas.ink[y0:y1, x0:x1].any():
                continue
            kind = rng.integers(3)
            shape = (_star(cx, cy, r, rotation=rng.uniform(-0.3, 0.3)) if kind == 0 else
                     _heart(cx, cy, r * 0.95) if kind == 1 else Point(cx, cy).buffer(r * 0.8))
            canvas.paint(shape_layer([shape], canvas.pens.line_px, regions=1))
            placed += 1


def compose(canvas: Canvas, rng: np.random.Generator, main: Subject, layout: str, lang: str,
            friend: Subject | None = None) -> str:
    w, h, m = canvas.width, canvas.height, canvas.margin
    pens = canvas.pens
    mirror = bool(rng.integers(2))
    label = main.label(lang)
    if layout == "named" and len(label) > MAX_LABEL:
        layout = "badge"
    budget = pens.max_regions - 2
    boxes: list[tuple[float, float, float, float]] = []
    if layout == "named":
        text_h = min(h * 0.13, (w - 2 * m) / max(3, len(label)) * 1.25)
        name = bubble_text(label, w / 2, h - m - text_h * 1.2, w - 2 * m, text_h,
                           line_px=pens.line_px, min_area_px=pens.min_area_px)
        name_regions = name.regions if name is not None else 0
        box = (m, m + h * 0.03, w - m, h - m - text_h * 1.55)
        placed = canvas.place(canvas.subject_layer(
            main, box, mirror=mirror, max_regions=max(3, budget - name_regions)))
        canvas.paint(name)
        boxes += [placed.box, (m, h - m - text_h * 1.3, w - m, h - m)]
        described = f"{main.name}, named"
    elif layout == "badge":
        # The subject inside a big round or scalloped badge, clear of its edge.
        radius = min(w - 2 * m, h - 2 * m) / 2
        cx, cy = w / 2, h / 2
        if rng.integers(2):
            shape = Point(cx, cy).buffer(radius, quad_segs=32)
        else:
            bumps = int(rng.choice([10, 12, 14]))
            ring = [Point(cx + radius * 0.9 * math.cos(a), cy + radius * 0.9 * math.sin(a))
                    .buffer(radius * 0.14, quad_segs=12)
                    for a in 2 * math.pi * np.arange(bumps) / bumps]
            shape = shapely.union_all([Point(cx, cy).buffer(radius * 0.9, quad_segs=32),
                                       *ring])
        canvas.paint(shape_layer([shape], pens.line_px, regions=1))
        side = radius * 0.66
        box = (cx - side, cy - side, cx + side, cy + side)
        placed = canvas.place(canvas.subject_layer(main, box, mirror=mirror,
                                                   max_regions=budget - 2))
        boxes += [placed.box, shape.bounds]
        described = f"{main.name} on a badge"
    elif layout == "duo" and friend is not None:
        # Two subjects that never touch: the main one above, a little friend below.
        box = (m, m + h * 0.02, w - m, h * 0.64)
        placed = canvas.place(canvas.subject_layer(main, box, mirror=mirror,
                                                   max_regions=budget - 4))
        top = placed.box[3] + pens.mm(8)
        left = bool(rng.integers(2))
        spot: Box = (m, top, w * 0.6, h - m) if left else (w * 0.4, top, w - m, h - m)
        small = canvas.place(canvas.subject_layer(friend, spot, mirror=not mirror,
                                                  max_regions=5, align="bottom"))
        boxes += [placed.box, small.box]
        described = f"{main.name} with a little {friend.name}"
    else:
        box = (m, m + h * 0.08, w - m, h - m - h * 0.08)
        placed = canvas.place(canvas.subject_layer(main, box, mirror=mirror,
                                                   max_regions=budget))
        boxes.append(placed.box)
        described = f"{main.name}, big"
    # Regions under the audience's size will be opened into others when the page is
    # finished: only the others count.
    regions, too_small = canvas.count_regions()
    if regions - too_small < pens.min_regions + 1:
        _confetti(canvas, rng, pens.min_regions + 1 - (regions - too_small))
    return described
