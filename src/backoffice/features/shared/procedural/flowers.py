"""Figurative family: flowers with stems and veined leaves, layered front to back like a drawing."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from backoffice.features.shared.procedural.geometry import (
    Drawing,
    Style,
    art_box,
    circle,
    petal,
    rounded_rect,
)

Item = tuple[Polygon, list]  # outline, inner lines


def compose(items: list[Item]) -> tuple[Polygon, list]:
    """Painter's algorithm, front first: each outline and its details are cut where a shape
    in front already covers them, so every visible line ends on another line."""
    covered: Polygon | None = None
    lines: list = []
    for shape, details in items:
        parts = [shape.boundary, *[d.boundary if isinstance(d, Polygon) else d for d in details]]
        if covered is not None:
            parts = [p.difference(covered) for p in parts]
        lines += parts
        covered = shape if covered is None else shapely.union(covered, shape)
    return covered if covered is not None else Polygon(), lines


def _flower(cx: float, cy: float, radius: float, kind: str, rng, style: Style) -> Item:
    n = int(rng.integers(5, 7)) if kind == "round" else int(rng.integers(8, 12))
    phase = rng.uniform(0, 2 * math.pi)
    centre_r = radius * (0.3 if kind != "daisy" else 0.26)
    items: list[Item] = []
    centre_details = []
    if style.audience == "adults" and centre_r > style.min_gap_pt * 3:
        centre_details.append(circle(cx, cy, centre_r * 0.45))
    if style.audience == "adults" and centre_r * 0.2 > style.min_gap_pt:
        # A ring of seeds between the inner disc and the rim, none touching.
        for i in range(8):
            t = phase + i * math.pi / 4
            centre_details.append(circle(cx + centre_r * 0.72 * math.cos(t),
                                         cy + centre_r * 0.72 * math.sin(t), centre_r * 0.12))
    items.append((circle(cx, cy, centre_r), centre_details))
    if kind == "round":
        for i in range(n):
            t = phase + 2 * math.pi * i / n
            px, py = cx + radius * 0.52 * math.cos(t), cy + radius * 0.52 * math.sin(t)
            shape = circle(px, py, radius * 0.46)
            inner = [circle(px, py, radius * 0.22)] if style.audience == "adults" else []
            items.append((shape, inner))
    else:
        layers = 2 if kind == "layered" else 1
        for layer in range(layers):
            reach = radius * (0.72 if layer == 0 and layers == 2 else 1.0)
            off = phase + (math.pi / n if layer else 0.0)
            hw = min(radius * 0.22, math.pi * radius * 0.55 / n * (1.3 if layers == 2 else 0.95))
            for i in range(n):
                t = off + 2 * math.pi * i / n
                shape = petal(cx, cy, t, radius * 0.15, reach, hw,
                              tip=0.55 if kind == "daisy" else 0.9, base=0.8)
                inner = []
                if style.audience == "adults" and reach - centre_r > style.min_gap_pt * 6:
                    inner.append(petal(cx, cy, t, centre_r + style.min_gap_pt, reach -
                                       style.min_gap_pt * 1.8, hw * 0.35, tip=0.8, base=0.8))
                items.append((shape, inner))
    return compose(items)


def _leaf(x: float, y: float, angle: float, length: float, width: float, style: Style) -> Item:
    shape = petal(x, y, angle, 0.0, length, width / 2, tip=1.0, base=0.7)
    if style.audience == "toddlers":
        return shape, []
    c, s = math.cos(angle), math.sin(angle)
    reach = 0.999 if style.audience == "adults" else 0.8
    veins = [LineString([(x, y), (x + c * length * reach, y + s * length * reach)])]
    if style.audience == "adults":
        for k in (0.3, 0.5, 0.7):
            bx, by = x + c * length * k, y + s * length * k
            for side in (-1, 1):
                a = angle + side * math.radians(40)
                far = (bx + math.cos(a) * width * 2, by + math.sin(a) * width * 2)
                veins.append(LineString([(bx, by), far]).intersection(shape))
    return shape, veins


def _stem(x0: float, y0: float, x1: float, y1: float, width: float, bend: float) -> LineString:
    t = np.linspace(0, 1, 40)[:, None]
    mid = np.array([(x0 + x1) / 2 + bend, (y0 + y1) / 2])
    pts = (1 - t) ** 2 * np.array([x0, y0]) + 2 * (1 - t) * t * mid + t**2 * np.array([x1, y1])
    return LineString(pts)


def _plant(x: float, ground: float, head: tuple[float, float, float], kind: str, rng,
           style: Style, leaves: int) -> list[Item]:
    hx, hy, r = head
    bend = rng.uniform(-0.25, 0.25) * (ground - hy)
    spine = _stem(x, ground + 30, hx, hy, r, bend)
    stem_w = max(style.min_gap_pt * 1.2, r * 0.12)
    items = [_flower(hx, hy, r, kind, rng, style),
             (spine.buffer(stem_w / 2, cap_style="flat"), [])]
    for k in range(leaves):
        f = 0.35 + 0.4 * k / max(1, leaves - 1) + rng.uniform(-0.05, 0.05)
        px, py = spine.interpolate(1 - f, normalized=True).coords[0]
        side = -1 if k % 2 else 1
        angle = -math.pi / 2 + side * rng.uniform(0.7, 1.1)
        items.append(_leaf(px, py, angle, r * rng.uniform(1.0, 1.4), r * 0.5, style))
    return items


def _ground(x0, x1, y, amplitude, bottom, rng) -> Polygon:
    xs = np.linspace(x0 - 5, x1 + 5, 60)
    ys = y + amplitude * np.sin(xs / (x1 - x0) * rng.uniform(4, 8) + rng.uniform(0, 6))
    return Polygon([*zip(xs, ys, strict=True), (x1 + 5, bottom + 5), (x0 - 5, bottom + 5)])


def build(rng: np.random.Generator, style: Style, width: float, height: float):
    drawing = Drawing(width, height)
    x0, y0, x1, y1 = art_box(width, height, style)
    w = x1 - x0
    kinds = ["round", "daisy", "layered"]
    if style.audience == "toddlers":
        r = w * 0.3
        hx, hy = (x0 + x1) / 2, y0 + r * 1.05
        kind = str(rng.choice(["round", "daisy"]))
        items = _plant((x0 + x1) / 2, y1 - 40, (hx, hy, r), kind, rng, style, 2)
        items[0] = _flower(hx, hy, r, kind, np.random.default_rng(int(rng.integers(1 << 30))),
                           style) if kind == "round" else _toddler_daisy(hx, hy, r, rng, style)
        clip = shapely.box(x0, y0, x1, y1)
        _, lines = compose(items)
        for line in lines:
            drawing.add(line.intersection(clip), style.line_pt)
        return drawing, f"flowers, one {kind} flower"
    frame = rounded_rect(x0, y0, x1, y1, style.min_gap_pt)
    ground_y = y1 - (y1 - y0) * rng.uniform(0.12, 0.18)
    items: list[Item] = [(_ground(x0, x1, ground_y, 8, y1, rng), [])]
    if style.audience == "children":
        count = int(rng.integers(3, 5))
        xs = np.linspace(x0 + w * 0.18, x1 - w * 0.18, count) + rng.uniform(-w * 0.04, w * 0.04,
                                                                             count)
        for i, x in enumerate(xs):
            r = w * rng.uniform(0.14, 0.18)
            hy = y0 + r * 1.1 + (ground_y - y0) * rng.uniform(0.0, 0.3) + (r if i % 2 else 0)
            # Heads stay clear of the frame: a near miss would leave a leaking gap.
            hx = min(max(x + rng.uniform(-r, r) * 0.4, x0 + r * 1.1 + style.min_gap_pt),
                     x1 - r * 1.1 - style.min_gap_pt)
            items += _plant(x, ground_y, (hx, hy, r), str(rng.choice(kinds)), rng, style, 2)
        if rng.random() < 0.7:
            items.insert(1, _sun(x0 + w * 0.12, y0 + w * 0.12, w * 0.07, style))
        description = f"flowers, {count} flowers in a meadow"
    else:
        items, description = _bouquet(rng, style, (x0, y0, x1, y1), frame)
    _, lines = compose(items)
    clip = frame.buffer(-style.line_pt * 0.1)
    for line in lines:
        drawing.add(line.intersection(clip), style.detail_pt)
    drawing.add(frame, style.line_pt)
    return drawing, description


def _toddler_daisy(cx, cy, radius, rng, style) -> Item:
    n = int(rng.integers(6, 9))
    items: list[Item] = [(circle(cx, cy, radius * 0.32), [])]
    hw = min(radius * 0.24, 0.8 * math.pi * radius * 0.6 / n)
    phase = rng.uniform(0, 2 * math.pi)
    items += [(petal(cx, cy, phase + 2 * math.pi * i / n, radius * 0.2, radius, hw, tip=0.45,
                     base=0.7), []) for i in range(n)]
    return compose(items)


def _sun(cx: float, cy: float, r: float, style: Style) -> Item:
    rays = [petal(cx, cy, 2 * math.pi * i / 8, r * 1.35, r * 2.0, r * 0.22, tip=1.0, base=0.6)
            for i in range(8)]
    return shapely.union_all([circle(cx, cy, r), *rays]), [circle(cx, cy, r), *rays]


def _bouquet(rng, style: Style, box, frame: Polygon) -> tuple[list[Item], str]:
    """Flowers that never touch each other, leaves tucked behind them, blossoms in the gaps.
    Shapes only overlap where intended, so no sliver or near-miss gap is left to colour."""
    x0, y0, x1, y1 = box
    w = x1 - x0
    gap = style.min_gap_pt * 1.5
    inner = frame.buffer(-gap)
    placed: list[tuple[float, float, float]] = []
    for _ in range(400):
        r = w * rng.uniform(0.11, 0.17) * (1.0 if len(placed) < 5 else 0.7)
        x, y = rng.uniform(x0 + r, x1 - r), rng.uniform(y0 + r, y1 - r)
        if all(math.hypot(x - px, y - py) > r + pr + 2 * gap for px, py, pr in placed):
            placed.append((x, y, r))
        if len(placed) >= 12:
            break
    kinds = ["round", "daisy", "layered"]
    heads = [_flower(x, y, r, str(rng.choice(kinds)), rng, style) for x, y, r in placed]
    taken = shapely.union_all([circle(x, y, r + gap) for x, y, r in placed])
    leaves: list[Item] = []
    for x, y, r in placed:
        own = circle(x, y, r + gap)
        for _ in range(int(rng.integers(2, 5))):
            a = rng.uniform(0, 2 * math.pi)
            leaf = _leaf(x + math.cos(a) * r * 0.5, y + math.sin(a) * r * 0.5, a,
                         r * rng.uniform(1.2, 1.7), r * 0.7, style)
            grown = leaf[0].buffer(gap)
            if inner.contains(leaf[0]) and not grown.difference(own).intersects(taken.difference(
                    own)):
                leaves.append(leaf)
                taken = shapely.union(taken, grown)
    blossoms: list[Item] = []
    for _ in range(300):
        r = w * rng.uniform(0.035, 0.06)
        x, y = rng.uniform(x0 + r, x1 - r), rng.uniform(y0 + r, y1 - r)
        disk = circle(x, y, r + gap)
        if inner.contains(circle(x, y, r)) and not disk.intersects(taken):
            blossoms.append(_flower(x, y, r, "round", rng, style))
            taken = shapely.union(taken, disk)
    return heads + leaves + blossoms, (f"flowers, bouquet of {len(placed)} flowers, "
                                       f"{len(leaves)} leaves, {len(blossoms)} blossoms")
