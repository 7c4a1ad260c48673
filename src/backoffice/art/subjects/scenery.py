"""Procedural settings for scenes, in page pixels: hills, ground, waves, sun, clouds...

Each returns shapely polygons (filled white then outlined when painted, so they hide
what lies behind them) and sometimes extra lines drawn inside them."""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import LineString, Point, Polygon, box

from backoffice.art.subjects.toddlers import _star


def _smooth_curve(rng: np.random.Generator, x0: float, x1: float, y: float, amplitude: float,
                  waves: float, samples: int = 160) -> np.ndarray:
    """A gentle random curve across [x0, x1]: two sines with random phases."""
    xs = np.linspace(x0, x1, samples)
    t = (xs - x0) / max(1.0, x1 - x0)
    p1, p2 = rng.uniform(0, 2 * math.pi, 2)
    ys = (y + amplitude * np.sin(2 * math.pi * waves * t + p1)
          + 0.35 * amplitude * np.sin(2 * math.pi * waves * 2.3 * t + p2))
    return np.column_stack([xs, ys])


def band_below(curve: np.ndarray, bottom: float) -> Polygon:
    """The area under a curve down to `bottom` (off the frame: the frame cuts it)."""
    pts = np.vstack([curve, [[curve[-1, 0], bottom], [curve[0, 0], bottom]]])
    return Polygon(pts).buffer(0)


def hills(rng: np.random.Generator, x0: float, x1: float, y: float, height: float,
          bottom: float) -> list[Polygon]:
    """One or two rolling hills rising `height` above `y`."""
    shapes = []
    count = int(rng.integers(1, 3))
    for i in range(count):
        cx = rng.uniform(x0, x1)
        half = rng.uniform(0.35, 0.6) * (x1 - x0)
        top = y - height * (1.0 - 0.35 * i)
        xs = np.linspace(cx - half, cx + half, 120)
        ys = y + (top - y) * np.clip(np.cos((xs - cx) / half * math.pi / 2), 0, 1) ** 1.6
        shapes.append(band_below(np.column_stack([xs, ys]), bottom))
    return shapes


def mountains(rng: np.random.Generator, x0: float, x1: float, y: float, height: float,
              bottom: float) -> tuple[list[Polygon], list[LineString]]:
    peaks, caps = [], []
    for _ in range(int(rng.integers(2, 4))):
        cx = rng.uniform(x0 + 0.1 * (x1 - x0), x1 - 0.1 * (x1 - x0))
        h = height * rng.uniform(0.7, 1.0)
        half = h * rng.uniform(0.8, 1.1)
        peak = Polygon([(cx - half, bottom), (cx - half * 0.15, y - h), (cx + half * 0.12, y - h),
                        (cx + half, bottom)]).buffer(h * 0.04, quad_segs=4)
        peaks.append(peak)
        # A snow cap: a zigzag across the upper part.
        level = y - h * 0.62
        xs = np.linspace(cx - half * 0.5, cx + half * 0.5, 7)
        ys = level + np.where(np.arange(7) % 2 == 0, 0, h * 0.08)
        caps.append(LineString(np.column_stack([xs, ys])).intersection(peak))
    return peaks, caps


def ground(rng: np.random.Generator, x0: float, x1: float, y: float, bottom: float,
           amplitude: float) -> Polygon:
    return band_below(_smooth_curve(rng, x0, x1, y, amplitude, rng.uniform(0.6, 1.3)), bottom)


def sun(cx: float, cy: float, r: float, rays: int = 10) -> list[Polygon]:
    shapes = [Point(cx, cy).buffer(r, quad_segs=32)]
    for i in range(rays):
        a = 2 * math.pi * i / rays
        base, tip, half = r * 1.25, r * 1.75, math.pi / rays * 0.55
        pts = [(cx + base * math.cos(a - half), cy + base * math.sin(a - half)),
               (cx + tip * math.cos(a), cy + tip * math.sin(a)),
               (cx + base * math.cos(a + half), cy + base * math.sin(a + half))]
        shapes.append(Polygon(pts).buffer(r * 0.05, quad_segs=4))
    return shapes


def moon(cx: float, cy: float, r: float, facing: int = 1) -> Polygon:
    disk = Point(cx, cy).buffer(r, quad_segs=32)
    bite = Point(cx + facing * r * 0.55, cy - r * 0.25).buffer(r * 0.85, quad_segs=32)
    return disk.difference(bite).buffer(r * 0.02)


def cloud(rng: np.random.Generator, cx: float, cy: float, width: float) -> Polygon:
    """Puffs along a flat base: a children's-book cloud."""
    height = width * 0.42
    # A flat-bottomed ellipse for the base, puffs along its top.
    base = shapely.affinity.scale(Point(cx, cy + height * 0.2).buffer(width / 2, quad_segs=24),
                                  1.0, height * 0.28 / (width / 2))
    puffs = [base]
    count = int(rng.integers(3, 5))
    for i in range(count):
        t = (i + 0.5) / count
        r = height * rng.uniform(0.38, 0.55) * (1.15 if 0.25 < t < 0.75 else 0.9)
        puffs.append(Point(cx - width * 0.42 + t * width * 0.84,
                           cy + height * 0.3 - r * 0.55).buffer(r, quad_segs=16))
    shape = shapely.unary_union(puffs).buffer(height * 0.06).buffer(-height * 0.06)
    return shape if isinstance(shape, Polygon) else max(shape.geoms, key=lambda g: g.area)


def star_shape(cx: float, cy: float, r: float, rotation: float = 0.0) -> Polygon:
    return _star(cx, cy, r, rotation=rotation)


def tuft(rng: np.random.Generator, x: float, y: float, height: float) -> Polygon:
    """A grass tuft standing on (x, y): three to five blades."""
    blades = []
    count = int(rng.integers(3, 6))
    for i in range(count):
        lean = (i - (count - 1) / 2) * 0.35 + rng.uniform(-0.1, 0.1)
        h = height * rng.uniform(0.6, 1.0)
        base = height * 0.14
        tip = (x + math.sin(lean) * h, y - math.cos(lean) * h)
        bx = x + (i - (count - 1) / 2) * base * 0.8
        blades.append(Polygon([(bx - base, y + 1), tip, (bx + base, y + 1)]))
    return shapely.unary_union(blades).buffer(height * 0.02)


def waves(rng: np.random.Generator, x0: float, x1: float, y: float, amplitude: float,
          bottom: float, crests: int) -> Polygon:
    """A sea surface with rounded crests: the water body below it."""
    xs = np.linspace(x0, x1, 400)
    t = (xs - x0) / (x1 - x0) * crests
    phase = rng.uniform(0, 1)
    frac = (t + phase) % 1.0
    # Scallops: each crest a half circle-like bump.
    ys = y - amplitude * np.sqrt(np.clip(1 - (2 * frac - 1) ** 2, 0, 1))
    return band_below(np.column_stack([xs, ys]), bottom)


def seabed(rng: np.random.Generator, x0: float, x1: float, y: float, amplitude: float,
           bottom: float) -> tuple[Polygon, list[Polygon]]:
    sand = ground(rng, x0, x1, y, bottom, amplitude)
    pebbles = []
    for _ in range(int(rng.integers(3, 6))):
        px = rng.uniform(x0 + 0.05 * (x1 - x0), x1 - 0.05 * (x1 - x0))
        size = amplitude * rng.uniform(0.5, 0.9)
        pebbles.append(shapely.affinity.scale(Point(px, y + amplitude * 2.2).buffer(size),
                                              1.0, 0.6))
    return sand, pebbles


def seaweed(rng: np.random.Generator, x: float, y: float, height: float) -> Polygon:
    ts = np.linspace(0, 1, 40)
    sway = height * 0.08 * np.sin(ts * 3 * math.pi + rng.uniform(0, math.pi))
    width = height * 0.07 * (1 - 0.7 * ts)
    left = np.column_stack([x + sway - width, y - ts * height])
    right = np.column_stack([x + sway + width, y - ts * height])[::-1]
    return Polygon(np.vstack([left, right])).buffer(height * 0.02)


def bubble(x: float, y: float, r: float) -> Polygon:
    return Point(x, y).buffer(r, quad_segs=16)


def road(x0: float, x1: float, y: float, depth: float, bottom: float
         ) -> tuple[Polygon, list[Polygon]]:
    """A road band from y to y + depth, with dashes in its middle."""
    band = box(x0 - 50, y, x1 + 50, y + depth)
    dash_w, dash_h = depth * 0.55, depth * 0.1
    dashes = []
    x = x0 + dash_w * 0.3
    while x + dash_w < x1:
        dashes.append(box(x, y + depth / 2 - dash_h / 2, x + dash_w, y + depth / 2 + dash_h / 2))
        x += dash_w * 1.9
    return band, dashes


def snowflake(cx: float, cy: float, r: float) -> Polygon:
    return _star(cx, cy, r, points=6)
