"""Cover layout geometry in inches: boxes, rotated art slots, plates, a panel's layout,
and the check that a layout keeps text off the art and everything inside the safe lines.
Panel coordinates: origin at the panel image's top-left (bleed included), y downwards."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from backoffice.kdp.cover_text import TextLine


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def inset(self, dx: float, dy: float | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x0 + dx, self.y0 + dy, self.x1 - dx, self.y1 - dy)

    def contains(self, other: Box, tolerance: float = 1e-6) -> bool:
        return (other.x0 >= self.x0 - tolerance and other.y0 >= self.y0 - tolerance
                and other.x1 <= self.x1 + tolerance and other.y1 <= self.y1 + tolerance)

    def intersects(self, other: Box) -> bool:
        return (self.x0 < other.x1 and other.x0 < self.x1
                and self.y0 < other.y1 and other.y0 < self.y1)


@dataclass(frozen=True)
class ArtSlot:
    box: Box  # before rotation
    angle: float  # degrees, counter-clockwise
    source: int  # index into the pages handed to the composer
    style: str  # card (coloured page on paper), tile, full (cover the panel), thumb (line art)

    def corners(self) -> list[tuple[float, float]]:
        a = math.radians(self.angle)
        cos, sin = math.cos(a), math.sin(a)
        half_w, half_h = self.box.w / 2, self.box.h / 2
        return [(self.box.cx + dx * cos + dy * sin, self.box.cy - dx * sin + dy * cos)
                for dx, dy in ((-half_w, -half_h), (half_w, -half_h), (half_w, half_h),
                               (-half_w, half_h))]

    def bounds(self) -> Box:
        xs, ys = zip(*self.corners(), strict=True)
        return Box(min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Plate:
    shape: str  # round, ribbon, circle, band, rect
    box: Box
    fill: str
    outline: str = ""
    outline_in: float = 0.0


@dataclass
class PanelLayout:
    side: str  # front, back
    width_in: float
    height_in: float
    trim: Box
    safe: Box
    background: str
    pattern: str  # rays, dots, lattice, none
    frame_in: float = 0.0  # depth of a patterned border inside the trim
    slots: list[ArtSlot] = field(default_factory=list)
    plates: list[Plate] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    barcode: Box | None = None


def fit_rotated(box: Box, aspect: float, angle: float, area: Box) -> Box:
    """The largest box of `aspect` (w/h), centred in area, whose rotation stays inside."""
    a = math.radians(abs(angle))
    cos, sin = math.cos(a), math.sin(a)
    h = min(area.w / (aspect * cos + sin), area.h / (aspect * sin + cos))
    w = h * aspect
    return Box(box.cx - w / 2, box.cy - h / 2, box.cx + w / 2, box.cy + h / 2)


def thumb_slots(area: Box, aspect: float, count: int, gap: float) -> tuple[list[ArtSlot], float]:
    """Sample pages in one row or two, whichever shows them larger, top-aligned in area;
    returns the slots and the height of their rows."""
    best: tuple[float, int, int] | None = None
    for rows in (1, 2):
        cols = math.ceil(count / rows)
        h = min((area.h - gap * (rows - 1)) / rows, (area.w - gap * (cols + 1)) / cols / aspect)
        if best is None or h > best[0] * 1.05:
            best = (h, rows, cols)
    assert best is not None
    h, rows, cols = best
    h *= 0.93  # room for the tilt
    if h < 0.4:
        return [], 0.0
    w = h * aspect
    slots = []
    for index in range(count):
        row, col = divmod(index, cols)
        in_row = min(cols, count - row * cols)
        total = in_row * w + (in_row - 1) * gap * 1.5
        cx = area.cx - total / 2 + w / 2 + col * (w + gap * 1.5)
        cy = area.y0 + h / 2 + 0.04 + row * (h + gap)
        angle = (2.5 if index % 2 else -2.5) if count > 1 else 0.0
        slot = ArtSlot(Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), angle, index,
                       "thumb")
        slots.append(replace(slot, box=fit_rotated(slot.box, aspect, angle, slot.box)))
    return slots, rows * h + (rows - 1) * gap + 0.08


def layout_problems(layout: PanelLayout) -> list[str]:
    """Every way a layout breaks the rules: text on art without a plate behind it, text or
    a card outside the safe area, anything in the barcode area. Empty when it is sound."""
    from shapely.geometry import Polygon, box

    problems = []
    covered = [s for s in layout.slots if s.style not in ("full", "tile")]
    for line in layout.lines:
        left, top, right, bottom = line.box()
        text = Box(left, top, right, bottom)
        if not layout.safe.contains(text, 0.01):
            problems.append(f"text {line.text!r} crosses the safe line")
        on_plate = any(p.box.contains(text, 0.01) for p in layout.plates)
        backdrop = any(s.style in ("full", "tile") for s in layout.slots)
        if backdrop and not on_plate:
            problems.append(f"text {line.text!r} sits on full-bleed art without a plate")
        for slot in covered:
            if not on_plate and Polygon(slot.corners()).intersects(box(left, top, right, bottom)):
                problems.append(f"text {line.text!r} overlaps page {slot.source}")
        if layout.barcode and text.intersects(layout.barcode):
            problems.append(f"text {line.text!r} is in the barcode area")
    for slot in covered:
        if not layout.safe.contains(slot.bounds(), 0.01):
            problems.append(f"page {slot.source} crosses the safe line")
        if layout.barcode and slot.bounds().intersects(layout.barcode):
            problems.append(f"page {slot.source} is in the barcode area")
    for plate in layout.plates:
        if plate.shape != "band" and not layout.safe.contains(plate.box, 0.01):
            problems.append(f"{plate.shape} plate crosses the safe line")
    return problems
