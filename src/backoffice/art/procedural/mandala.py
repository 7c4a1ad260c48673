"""Mandalas: N-fold rotational symmetry, concentric rings of petals, beads, scallops and spokes."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import shapely
from shapely.geometry import LineString

from backoffice.art.procedural.geometry import (
    Drawing,
    Style,
    arc,
    art_box,
    circle,
    ellipse,
    petal,
    rounded_rect,
    star,
)

# Each motif fills the band between radii a and b with n copies and returns
# (geometries, regions it adds). `fine` motifs are reserved for thin adult lines.
Motif = Callable[..., tuple[list, int]]


def _petals(cx, cy, a, b, n, phase, rng, style):
    mid = (a + b) / 2
    hw = min(0.42 * (b - a), 0.72 * math.pi * mid / n)
    nested = style.audience == "adults" and (b - a) > 3.2 * style.min_gap_pt and rng.random() < 0.6
    shapes, regions = [], 2 * n
    for i in range(n):
        ang = phase + 2 * math.pi * i / n
        shapes.append(petal(cx, cy, ang, a, b, hw, tip=1.0, base=0.8))
        if nested:
            inset = 0.3 * (b - a)
            shapes.append(petal(cx, cy, ang, a + inset, b - inset * 0.6, hw * 0.45, tip=1, base=1))
    return shapes, regions + (n if nested else 0)


def _round_petals(cx, cy, a, b, n, phase, rng, style):
    mid = (a + b) / 2
    gap = style.min_gap_pt
    ry = (b - a) / 2 - gap
    rx = min(ry * 0.75, math.pi * mid / n - gap)
    shapes = [ellipse(cx + mid * math.cos(t), cy + mid * math.sin(t), ry, rx, t)
              for t in phase + 2 * math.pi * np.arange(n) / n]
    return shapes, n + 1


def _beads(cx, cy, a, b, n, phase, rng, style):
    mid = (a + b) / 2
    r = min((b - a) / 2, math.pi * mid / n) - style.min_gap_pt
    double = style.audience == "adults" and r > 2.4 * style.min_gap_pt and rng.random() < 0.7
    shapes = []
    for t in phase + 2 * math.pi * np.arange(n) / n:
        x, y = cx + mid * math.cos(t), cy + mid * math.sin(t)
        shapes.append(circle(x, y, r))
        if double:
            shapes.append(circle(x, y, r * 0.45))
    return shapes, n * (2 if double else 1) + 1


def _spokes(cx, cy, a, b, n, phase, rng, style):
    shapes = []
    for t in phase + 2 * math.pi * np.arange(n) / n:
        c, s = math.cos(t), math.sin(t)
        shapes.append(LineString([(cx + a * c, cy + a * s), (cx + b * c, cy + b * s)]))
    mid, regions = (a + b) / 2, n
    r = min((b - a) / 2, math.pi * mid / n) - style.min_gap_pt
    if r > style.min_gap_pt:
        for t in phase + math.pi / n + 2 * math.pi * np.arange(n) / n:
            shapes.append(circle(cx + mid * math.cos(t), cy + mid * math.sin(t), r))
        regions += n
    return shapes, regions


def _scallops(cx, cy, a, b, n, phase, rng, style):
    # Scallops rest on the inner circle, which near the core is much shorter than the
    # band's middle: fewer, wider scallops there, or beads when even four would be crumbs.
    gap = style.min_gap_pt
    m = n
    while m > 4 and m % 2 == 0 and 2 * a * math.sin(math.pi / m) < 4 * gap:
        m //= 2
    if 2 * a * math.sin(math.pi / m) < 4 * gap:
        m = n
        while m > 4 and m % 2 == 0 and math.pi * (a + b) / 2 / m < 3 * gap:
            m //= 2
        return _beads(cx, cy, a, b, m, phase, rng, style)
    n = m
    half = math.pi / n
    chord_r = a * math.sin(half)
    bulge = min(chord_r, (b - a) - style.min_gap_pt)
    shapes = []
    for t in phase + 2 * math.pi * np.arange(n) / n:
        # Half-ellipse resting on circle a between angles t-half and t+half.
        p0 = np.array([cx + a * math.cos(t - half), cy + a * math.sin(t - half)])
        p1 = np.array([cx + a * math.cos(t + half), cy + a * math.sin(t + half)])
        centre, out = (p0 + p1) / 2, np.array([math.cos(t), math.sin(t)])
        u = np.linspace(0, math.pi, 48)
        along = (p1 - p0) / 2
        pts = centre - np.outer(np.cos(u), along) + np.outer(np.sin(u), out * bulge)
        shapes.append(LineString(pts))
    return shapes, n + 1


def _zigzag(cx, cy, a, b, n, phase, rng, style):
    angles = phase + math.pi * np.arange(2 * n + 1) / n
    radii = np.where(np.arange(2 * n + 1) % 2 == 0, a, b)
    pts = np.column_stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)])
    return [LineString(pts)], 2 * n


MOTIFS: dict[str, Motif] = {
    "petals": _petals,
    "round_petals": _round_petals,
    "beads": _beads,
    "spokes": _spokes,
    "scallops": _scallops,
    "zigzag": _zigzag,
}
_GENTLE = ("round_petals", "beads", "petals", "scallops")  # no sharp corners for thick lines

# (base fold choices, ring count range, band width range as share of radius, region target,
# narrowest band in points so small trims get fewer rings rather than cramped ones)
_PLANS = {
    "children": ((6, 8, 10, 12), (3, 4), (0.16, 0.24), (22, 70), 45.0),
    "adults": ((8, 10, 12, 16, 18, 20, 24), (6, 9), (0.075, 0.13), (140, 520), 22.0),
}


def _toddler_mandala(drawing: Drawing, cx, cy, radius, rng, style) -> str:
    n = int(rng.choice([5, 6, 7, 8]))
    core = circle(cx, cy, radius * 0.24)
    phase = rng.uniform(0, 2 * math.pi)
    beads = n <= 6 and rng.random() < 0.5
    reach = 0.66 if beads else 0.8
    hw = min(radius * 0.2, 0.6 * math.pi * radius * 0.5 / n)
    for i in range(n):
        ang = phase + 2 * math.pi * i / n
        drawing.add(petal(cx, cy, ang, radius * 0.18, radius * reach, hw, tip=0.45, base=0.6)
                    .difference(core), style.line_pt)
        if beads:
            t = ang + math.pi / n
            drawing.add(circle(cx + radius * 0.78 * math.cos(t), cy + radius * 0.78 * math.sin(t),
                               radius * 0.11), style.line_pt)
    drawing.add(core, style.line_pt)
    drawing.add(circle(cx, cy, radius), style.line_pt)
    return f"mandala, {n}-fold, 1 ring" + (" with beads" if beads else "")


def _ring_plan(rng, style, radius):
    folds, ring_range, band_range, _target, min_band = _PLANS[style.audience]
    base = int(rng.choice(folds))
    core = radius * rng.uniform(0.1, 0.16)
    fit = max(2, int((radius - core) / (min_band * 1.25)))
    rings = min(fit, int(rng.integers(ring_range[0], ring_range[1] + 1)))
    widths = rng.uniform(*band_range, size=rings)
    widths *= (radius - core) / widths.sum()
    edges = core + np.concatenate([[0.0], np.cumsum(widths)])
    motifs = list(MOTIFS) if style.audience == "adults" else list(_GENTLE)
    plan = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        mid = (a + b) / 2
        # Keep every motif about as wide along the ring as the ring is deep.
        mult = max(1, round(2 * math.pi * mid / (base * (b - a) * rng.uniform(0.8, 1.5))))
        mult = 2 ** int(math.log2(mult)) if mult > 2 else mult
        plan.append((a, b, base * mult, str(rng.choice(motifs))))
    return base, core, plan


def _draw_rings(drawing, cx, cy, rng, style, core, plan, base) -> int:
    regions = 1
    for a, b, n, motif in plan:
        phase = -math.pi / 2 + (math.pi / n if rng.random() < 0.5 else 0.0)
        shapes, count = MOTIFS[motif](cx, cy, a, b, n, phase, rng, style)
        regions += count
        for shape in shapes:
            drawing.add(shape, style.detail_pt)
        drawing.add(circle(cx, cy, b), style.line_pt)
    drawing.add(circle(cx, cy, core), style.line_pt)
    if style.audience == "adults" and core > 4 * style.min_gap_pt:
        drawing.add(star(cx, cy, core * 0.75, core * 0.4, base // 2 if base > 12 else base,
                         -math.pi / 2), style.detail_pt)
        drawing.add(circle(cx, cy, core * 0.2), style.detail_pt)
        regions += base + 2
    return regions


def corner_fans(drawing: Drawing, box, cx, cy, radius, style, rng) -> int:
    """Frame the page and fill the corners the circle leaves empty with concentric fans."""
    x0, y0, x1, y1 = box
    drawing.add(rounded_rect(x0, y0, x1, y1, style.min_gap_pt), style.line_pt)
    corner_gap = math.hypot(x1 - cx, y1 - cy) - radius
    if corner_gap < 3 * style.min_gap_pt:
        return 1
    bands = 2 if style.audience == "children" else int(rng.integers(2, 4))
    reach = corner_gap * 0.72
    spokes = 3 if style.audience == "children" else int(rng.choice([3, 4, 5]))
    clip = shapely.box(x0, y0, x1, y1)
    for kx, ky, start in ((x0, y0, 0.0), (x1, y0, 90.0), (x1, y1, 180.0), (x0, y1, 270.0)):
        for k in range(1, bands + 1):
            drawing.add(arc(kx, ky, reach * k / bands, math.radians(start),
                            math.radians(start + 90)).intersection(clip), style.detail_pt)
        for j in range(1, spokes):
            t = math.radians(start + 90.0 * j / spokes)
            drawing.add(LineString([(kx + reach / bands * math.cos(t),
                                     ky + reach / bands * math.sin(t)),
                                    (kx + reach * math.cos(t), ky + reach * math.sin(t))]),
                        style.detail_pt)
    return 1 + 4 * (1 + (bands - 1) * spokes)


def build(rng: np.random.Generator, style: Style, width: float, height: float):
    drawing = Drawing(width, height)
    box = art_box(width, height, style)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    if style.audience == "toddlers":
        radius = min(box[2] - box[0], box[3] - box[1]) / 2
        return drawing, _toddler_mandala(drawing, cx, cy, radius, rng, style)
    inset = style.min_gap_pt * 1.5
    radius = min(box[2] - box[0], box[3] - box[1]) / 2 - inset
    low, high = _PLANS[style.audience][3]
    if radius < 250:  # small trims hold fewer rings, so fewer regions
        low = int(low * 0.6)
    for _attempt in range(8):
        base, core, plan = _ring_plan(rng, style, radius)
        attempt = Drawing(width, height)
        regions = _draw_rings(attempt, cx, cy, rng, style, core, plan, base)
        regions += corner_fans(attempt, box, cx, cy, radius, style, rng)
        if low <= regions <= high:
            break
    drawing.strokes = attempt.strokes
    return drawing, f"mandala, {base}-fold, {len(plan)} rings"

