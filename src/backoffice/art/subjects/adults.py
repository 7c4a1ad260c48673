"""Adults' pages, intricate: a subject's silhouette filled with zentangle patterns over a
patterned background, or a themed mandala whose rings carry the theme's subjects."""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np
import shapely
from shapely.geometry import Polygon
from skimage.measure import find_contours

from backoffice.art.subjects import patterns
from backoffice.art.subjects.canvas import Canvas, Placed
from backoffice.art.subjects.catalogue import Subject
from backoffice.art.subjects.lineart import composite
from backoffice.art.subjects.scenes import _frame
from backoffice.art.subjects.shapes import pen_thickness

LAYOUTS = ("pattern", "mandala")


def _strings(layer_ink: np.ndarray, solid: np.ndarray, rng: np.random.Generator,
             width: float, min_area: float) -> None:
    """Zentangle "strings": a large region is crossed by one to three smooth curves, so
    that its sections take different patterns (a body is more than one lattice)."""
    count, labels, stats, _c = cv2.connectedComponentsWithStats(
        (solid & ~layer_ink).astype(np.uint8), connectivity=4)
    for index in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[index])
        if area < min_area:
            continue
        window = (slice(y, y + h), slice(x, x + w))
        mask = labels[window] == index
        curves = []
        for _ in range(min(3, 1 + int(area // (min_area * 1.6)))):
            angle = rng.uniform(0, math.pi)
            ys, xs = np.nonzero(mask[::4, ::4])
            pick = rng.integers(len(xs))
            cx, cy = xs[pick] * 4, ys[pick] * 4
            length = math.hypot(w, h)
            t = np.linspace(-1, 1, 80)
            bend = rng.uniform(-0.12, 0.12) * length
            px = cx + t * length * math.cos(angle) - bend * np.sin(t * math.pi) * math.sin(angle)
            py = cy + t * length * math.sin(angle) + bend * np.sin(t * math.pi) * math.cos(angle)
            curves.append(np.column_stack([px, py]))
        drawn = _polylines(mask.shape, curves, width)
        grown = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        layer_ink[window] |= drawn & grown


def _decorated(canvas: Canvas, rng: np.random.Generator, subject: Subject,
               box: tuple[float, float, float, float], *, target_regions: int = 320,
               **kwargs: Any) -> Placed:
    """A subject whose regions are split by strings and filled with patterns, about
    `target_regions` regions in all."""
    placed = canvas.subject_layer(subject, box, keep_labels=True, **kwargs)
    layer = placed.layer
    assert layer.labels is not None
    pens = canvas.pens
    silhouette = int(layer.solid.sum())
    # A drawing already busy with areas of its own (a zebra's stripes) is its own
    # pattern: strings would only blur it.
    if layer.regions <= 18:
        _strings(layer.ink, layer.solid, rng, pens.line_px * 0.8,
                 max(pens.mm(45) ** 2, silhouette * 0.14))
    count, sections, stats, _c = cv2.connectedComponentsWithStats(
        (layer.solid & ~layer.ink).astype(np.uint8), connectivity=4)
    free = int(stats[1:, cv2.CC_STAT_AREA].sum())
    # A pattern makes about one region per spacing squared.
    spacing = max(pens.mm(3.4), math.sqrt(0.8 * free / max(40, target_regions)))
    patterns.fill_regions(layer.ink, sections, rng, spacing=spacing, width=pens.detail_px,
                          min_area=pens.mm(6.0) ** 2, boxes=stats)
    return placed


# Background fields are worked out at this fraction of the page's resolution and
# upsampled linearly: distances are smooth, so their iso-lines stay smooth.
FIELD_SCALE = 0.2


def _inside_frame(canvas: Canvas, frame: Polygon) -> np.ndarray:
    mask = np.zeros(canvas.ink.shape, np.uint8)
    pts = np.round(np.asarray(frame.exterior.coords) * 16).astype(np.int32).reshape(-1, 1, 2)
    cv2.fillPoly(mask, [pts], 1, cv2.LINE_8, 4)
    return mask > 0


def _close_frame(canvas: Canvas, frame: Polygon, inside: np.ndarray) -> None:
    """Nothing outside the frame; the frame's line on top."""
    canvas.ink &= inside
    canvas.ink |= _polylines(canvas.ink.shape, [np.asarray(frame.exterior.coords)],
                             canvas.pens.line_px, closed=True)


def _signed_field(mask: np.ndarray) -> np.ndarray:
    """Signed distance to the edge of `mask` (negative inside) in page pixels, worked out
    at FIELD_SCALE: a small field, read back at page resolution where needed."""
    h, w = mask.shape
    small = cv2.resize(mask.astype(np.uint8) * 255, (max(2, int(w * FIELD_SCALE)),
                                                      max(2, int(h * FIELD_SCALE))),
                       interpolation=cv2.INTER_AREA) >= 128
    inside = cv2.distanceTransform(small.astype(np.uint8), cv2.DIST_L2, 5)
    outside = cv2.distanceTransform((~small).astype(np.uint8), cv2.DIST_L2, 5)
    return (outside - inside) / FIELD_SCALE


def _iso_lines(field: np.ndarray, levels: list[float]) -> list[np.ndarray]:
    """Sub-pixel iso-lines of a small field, in page pixels (marching squares)."""
    lines: list[np.ndarray] = []
    for level in levels:
        for contour in find_contours(field, level):  # type: ignore[no-untyped-call]
            if len(contour) >= 2:
                lines.append((contour[:, ::-1] + 0.5) / FIELD_SCALE - 0.5)
    return lines


def _sample(field: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The small field read at page pixels (bilinear)."""
    h, w = field.shape
    fx = np.clip((xs + 0.5) * FIELD_SCALE - 0.5, 0, w - 1.001)
    fy = np.clip((ys + 0.5) * FIELD_SCALE - 0.5, 0, h - 1.001)
    x0, y0 = fx.astype(int), fy.astype(int)
    tx, ty = fx - x0, fy - y0
    top = field[y0, x0] * (1 - tx) + field[y0, x0 + 1] * tx
    bottom = field[y0 + 1, x0] * (1 - tx) + field[y0 + 1, x0 + 1] * tx
    values: np.ndarray = top * (1 - ty) + bottom * ty
    return values


def _cells(shape: tuple[int, int], rng: np.random.Generator, spacing: float
           ) -> list[np.ndarray]:
    """A stained-glass field: the Voronoi cells of jittered seeds, as polygons."""
    h, w = shape
    seeds = []
    for row, y in enumerate(np.arange(spacing / 2, h, spacing * 0.87)):
        for x in np.arange(spacing / 2, w, spacing) + (spacing / 2 if row % 2 else 0):
            jx, jy = rng.uniform(-0.35, 0.35, 2) * spacing
            seeds.append((x + jx, y + jy))
    frame = shapely.box(-10, -10, w + 10, h + 10)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=frame)
    outlines = []
    for cell in cells.geoms:
        cell = cell.intersection(frame)
        if isinstance(cell, Polygon) and not cell.is_empty:
            outlines.append(np.asarray(cell.exterior.coords))
    return outlines


def _background(canvas: Canvas, rng: np.random.Generator, area: np.ndarray,
                centre: tuple[float, float], away: np.ndarray, style: str,
                budget: int = 500) -> None:
    """Fine lines over `area` (inside the frame, outside the halo); `away` is the small
    field of the distance from the halo's edge."""
    pens = canvas.pens
    h, w = area.shape
    width = pens.detail_px
    if style == "rings":
        spacing = pens.mm(rng.uniform(8.0, 10.0))
        reach = float(away.max())
        rays = int(rng.choice([16, 20, 24]))
        # About rays / 2 bricks per band: wider bands when the budget is short.
        spacing = max(spacing, reach / max(2.0, budget / (rays / 2 + 1)))
        rings = _iso_lines(away, list(np.arange(spacing, reach, spacing)))
        result = _polylines((h, w), rings, width)
        length = math.hypot(w, h)
        cx, cy = centre
        # Spokes start on a small circle: where they meet they would fuse into a blot.
        hub = max(pens.mm(6), rays * width * 0.8)
        spokes = [np.array([[cx + hub * math.cos(a), cy + hub * math.sin(a)],
                            [cx + length * math.cos(a), cy + length * math.sin(a)]])
                  for a in 2 * math.pi * np.arange(rays) / rays]
        spoke_ink = _polylines((h, w), spokes, width)
        t = np.linspace(0, 2 * math.pi, 120, endpoint=False)
        result |= _polylines((h, w), [np.column_stack([cx + hub * np.cos(t),
                                                       cy + hub * np.sin(t)])], width,
                             closed=True)
        ys, xs = np.nonzero(spoke_ink)
        # Spokes cross every other band only: bricks, not a spider's web.
        band = np.floor(_sample(away, xs, ys) / spacing).astype(int)
        keep = band % 2 == 0
        result[ys[keep], xs[keep]] = True
    else:  # cells: a stained-glass field, some cells patterned
        outlines = _cells((h, w), rng, pens.mm(rng.uniform(13.0, 17.0)))
        result = _polylines((h, w), outlines, width, closed=True)
        # A patterned cell holds some ten regions: as many as the budget allows.
        share = float(np.clip((budget - len(outlines)) / (10.0 * len(outlines)), 0.0, 0.35))
        names = ("stripes", "dots", "echo", "scales")
        for outline in outlines:
            if rng.random() >= share:
                continue
            x0, y0 = np.floor(outline.min(axis=0)).astype(int)
            x1, y1 = np.ceil(outline.max(axis=0)).astype(int) + 1
            x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            window = (slice(y0, y1), slice(x0, x1))
            local = np.zeros((y1 - y0, x1 - x0), np.uint8)
            pts = np.round(outline - (x0, y0)).astype(np.int32).reshape(-1, 1, 2)
            cv2.fillPoly(local, [pts], 1)
            free = (local > 0) & ~result[window] & area[window]
            if int(free.sum()) >= pens.mm(6) ** 2:
                patterns.pattern_region(result, free, window, rng, str(rng.choice(names)),
                                        spacing=pens.mm(3.2), width=width, out=result)
    canvas.ink |= result & area


def pattern_page(canvas: Canvas, rng: np.random.Generator, main: Subject) -> str:
    _x0, _y0, _x1, _y1, frame = _frame(canvas)
    pens = canvas.pens
    w, h, m = canvas.width, canvas.height, canvas.margin
    box = (m + w * 0.07, m + h * 0.08, w - m - w * 0.07, h - m - h * 0.08)
    placed = _decorated(canvas, rng, main, box, mirror=bool(rng.integers(2)))
    layer = placed.layer
    silhouette = np.zeros(canvas.ink.shape, bool)
    x0, y0 = max(0, layer.x), max(0, layer.y)
    sub = layer.solid[y0 - layer.y:, x0 - layer.x:][:h - y0, :w - x0]
    silhouette[y0:y0 + sub.shape[0], x0:x0 + sub.shape[1]] = sub
    away = _signed_field(silhouette) - pens.mm(rng.uniform(3.5, 5.0))
    # The halo's own line (below) covers the small mask's steps.
    halo = cv2.resize((away <= 0).astype(np.uint8), (w, h),
                      interpolation=cv2.INTER_NEAREST) > 0
    inside = _inside_frame(canvas, frame)
    style = str(rng.choice(["rings", "cells"]))
    bx0, by0, bx1, by1 = placed.box
    budget = int(pens.max_regions * 0.85) - patterns.count_regions(layer.ink, layer.solid)
    _background(canvas, rng, inside & ~halo, ((bx0 + bx1) / 2, (by0 + by1) / 2), away, style,
                budget)
    canvas.ink |= _polylines(canvas.ink.shape, _iso_lines(away, [0.0]), pens.line_px) & inside
    composite(canvas.ink, layer)
    canvas.placed.append(placed)
    _close_frame(canvas, frame, inside)
    return f"{main.name} filled with patterns on a {style} background"


def _polylines(shape: tuple[int, ...], pts: list[np.ndarray], width: float,
               closed: bool = False) -> np.ndarray:
    out = np.zeros(shape[:2], np.uint8)
    fixed = [np.round(p * 16).astype(np.int32).reshape(-1, 1, 2) for p in pts]
    cv2.polylines(out, fixed, closed, 1, pen_thickness(width), cv2.LINE_8, 4)
    return out > 0
