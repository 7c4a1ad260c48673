"""Themed mandalas for adults: the main subject, patterned, at the centre; a ring of the
theme's subjects around it; then bands of petals, beads and a rim, all varied by seed."""

from __future__ import annotations

import math

import cv2
import numpy as np
from shapely.geometry import Point, Polygon

from backoffice.art.subjects.adults import (
    FIELD_SCALE,
    _background,
    _close_frame,
    _decorated,
    _inside_frame,
    _polylines,
)
from backoffice.art.subjects.canvas import Canvas
from backoffice.art.subjects.catalogue import Subject
from backoffice.art.subjects.scenes import _frame
from backoffice.art.subjects.shapes import pen_thickness, shape_layer


def _circle(cx: float, cy: float, r: float) -> np.ndarray:
    t = np.linspace(0, 2 * math.pi, max(90, int(r / 3)), endpoint=False)
    return np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)])


def _petal(cx: float, cy: float, a: float, r0: float, r1: float, half_angle: float,
           roundness: float) -> Polygon:
    t = np.linspace(0, 1, 40)
    r = r0 + (r1 - r0) * t
    half = half_angle * np.sin(np.pi * t) ** roundness
    left = np.column_stack([cx + r * np.cos(a - half), cy + r * np.sin(a - half)])
    right = np.column_stack([cx + r * np.cos(a + half), cy + r * np.sin(a + half)])[::-1]
    return Polygon(np.vstack([left, right])).buffer(0)


def _rim(cx: float, cy: float, r_in: float, r_out: float, count: int, offset: float,
         style: str) -> list[Polygon]:
    if style == "points":
        return [_petal(cx, cy, offset + 2 * math.pi * i / count, r_in * 0.97, r_out,
                       math.pi / count * 0.98, 1.0) for i in range(count)]
    return [Point(cx + r_in * math.cos(a), cy + r_in * math.sin(a)).buffer(
        (r_out - r_in) * 1.05, quad_segs=12)
        for a in offset + 2 * math.pi * np.arange(count) / count]


def mandala_page(canvas: Canvas, rng: np.random.Generator, main: Subject,
                 ring: list[Subject]) -> str:
    _fx0, _fy0, _fx1, _fy1, frame = _frame(canvas)
    pens = canvas.pens
    w, h = canvas.width, canvas.height
    inside = _inside_frame(canvas, frame)
    cx, cy = w / 2, h / 2 + rng.uniform(-0.03, 0.03) * h
    big = min(w, h) / 2 - canvas.margin - pens.mm(6)
    core_f = rng.uniform(0.3, 0.38)
    ring_f = core_f + rng.uniform(0.24, 0.3)
    r_core, r_ring = big * core_f, big * ring_f
    r_band = r_ring + big * rng.uniform(0.06, 0.09)
    r_petal = big * rng.uniform(0.86, 0.9)
    r_rim = big
    count = int(rng.choice([8, 10, 12]))
    offset = rng.uniform(0, math.pi)
    rim_style = str(rng.choice(["scallops", "points"]))
    roundness = float(rng.choice([0.55, 0.8, 1.1]))
    band_style = str(rng.choice(["beads", "zigzag", "rings"]))
    ground = str(rng.choice(["rings", "cells"]))

    # Behind the mandala, out to the frame.
    sh, sw = int(h * FIELD_SCALE), int(w * FIELD_SCALE)
    yy, xx = np.ogrid[:sh, :sw]
    away = (np.hypot((xx + 0.5) / FIELD_SCALE - cx, (yy + 0.5) / FIELD_SCALE - cy)
            - (r_rim + pens.mm(4))).astype(np.float32)
    disk = np.zeros(canvas.ink.shape, np.uint8)
    cv2.circle(disk, (int(cx), int(cy)), int(r_rim + pens.mm(4)), 1, -1)
    _background(canvas, rng, inside & (disk == 0), (cx, cy), away, ground, budget=320)

    # The rim, then the petals inside it, each petal echoing its outline.
    bumps = count * int(rng.choice([2, 3]))
    canvas.paint(shape_layer(_rim(cx, cy, r_petal, r_rim, bumps, offset, rim_style),
                             pens.line_px, regions=bumps))
    layers = rng.choice([1, 2])
    for layer_index in range(int(layers)):
        shift = math.pi / count * layer_index
        reach = r_petal + (r_rim - r_petal) * 0.4 - layer_index * (r_petal - r_band) * 0.35
        petals = [_petal(cx, cy, offset + shift + 2 * math.pi * i / count, r_band, reach,
                         (math.pi / count) * 0.95, roundness) for i in range(count)]
        # Each petal echoes its outline inwards: offset polygons, drawn as vectors.
        step = pens.mm(rng.uniform(3.0, 3.8))
        echoes = []
        for petal in petals:
            inner = petal.buffer(-step)
            while not inner.is_empty and inner.area > step * step:
                echoes.append(inner)
                inner = inner.buffer(-step)
        layer = shape_layer(petals, pens.line_px, lines=[e.exterior for p in echoes
                                                         for e in getattr(p, "geoms", [p])],
                            detail_px=pens.detail_px, regions=count)
        canvas.paint(layer)

    # The band around the ring of subjects.
    canvas.paint(shape_layer([Point(cx, cy).buffer(r_band, quad_segs=64)], pens.line_px,
                             regions=1))
    mid, depth = (r_band + r_ring) / 2, r_band - r_ring
    if band_style == "beads":
        beads = np.zeros(canvas.ink.shape, np.uint8)
        for a in offset + 2 * math.pi * (np.arange(count * 4) + 0.5) / (count * 4):
            cv2.circle(beads, (int(cx + mid * math.cos(a)), int(cy + mid * math.sin(a))),
                       int(depth * 0.28), 1, pen_thickness(pens.detail_px))
        canvas.ink |= beads > 0
    elif band_style == "zigzag":
        n = count * 6
        angles = offset + 2 * math.pi * np.arange(n + 1) / n
        radii = np.where(np.arange(n + 1) % 2 == 0, r_ring, r_band)
        zig = np.column_stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)])
        canvas.ink |= _polylines(canvas.ink.shape, [zig], pens.detail_px)
    else:
        canvas.ink |= _polylines(canvas.ink.shape, [_circle(cx, cy, mid)], pens.detail_px,
                                 closed=True)
    canvas.ink |= _polylines(canvas.ink.shape, [_circle(cx, cy, r_ring),
                                                _circle(cx, cy, r_core)], pens.line_px,
                             closed=True)
    # The ring of subjects, in cells; upright subjects point outwards.
    dividers = [np.array([[cx + r_core * math.cos(a), cy + r_core * math.sin(a)],
                          [cx + r_ring * math.cos(a), cy + r_ring * math.sin(a)]])
                for a in offset + 2 * math.pi * np.arange(count) / count]
    canvas.ink |= _polylines(canvas.ink.shape, dividers, pens.line_px)
    cell = (r_ring - r_core) * 0.72
    rr = (r_core + r_ring) / 2
    for i in range(count):
        a = offset + 2 * math.pi * (i + 0.5) / count
        px, py = cx + rr * math.cos(a), cy + rr * math.sin(a)
        friend = ring[i % len(ring)]
        placed = canvas.subject_layer(friend, (px - cell / 2, py - cell / 2, px + cell / 2,
                                               py + cell / 2),
                                      rotation=math.degrees(a) + 90, mirror=i % 2 == 1)
        canvas.place(placed)
    # The centre: the main subject, patterned.
    core = r_core * 0.8
    canvas.place(_decorated(canvas, rng, main, (cx - core, cy - core, cx + core, cy + core),
                            target_regions=90))
    _close_frame(canvas, frame, inside)
    names = ", ".join(dict.fromkeys(s.name for s in ring))
    return f"mandala of {main.name} ringed by {names} ({rim_style} rim, {band_style} band)"
