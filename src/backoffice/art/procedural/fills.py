"""Zentangle fills: cover any polygon with a pattern of closed, colourable cells.

`fill(poly, pattern, spacing, style, rng)` returns the shapes to outline inside `poly`:
lattice patterns (stripes, grid, checker, scales, waves, zigzag, bricks, honeycomb,
triangles) are cells cut from a congruent lattice, so every line ends on another one;
scattered patterns (pebbles, spirals, dots) are closed shapes kept the gap away from the
outline and from each other; echo repeats the outline inwards. Fragments that the clip
leaves too small or too thin to colour are merged into their neighbour, so what comes
back needs no further checking. `fill_strip` builds the same patterns periodic along a
strip, for rings (see `geometry.polar`) and frame borders.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, Polygon

from backoffice.art.procedural.geometry import Geoms, Style, circle, ellipse
from backoffice.art.procedural.lattice import clip_cells, lattice_cells, template, valid_area

LATTICES = ("stripes", "grid", "diamonds", "checker", "scales", "waves", "zigzag", "bricks",
            "honeycomb", "triangles", "circles")
SCATTERED = ("pebbles", "spirals", "dots")
PATTERNS = (*LATTICES, *SCATTERED, "echo")


@dataclass
class Fill:
    shapes: Geoms = field(default_factory=list)  # outline every one (polygons and lines)
    regions: int = 0  # how many regions they add inside the polygon


def _rotated(poly: Polygon, angle: float, origin: Any) -> Polygon:
    return affinity.rotate(poly, -angle, origin=origin, use_radians=True)


def fill(poly: Polygon, pattern: str, spacing: float, style: Style,
         rng: np.random.Generator, *, angle: float = 0.0,
         origin: tuple[float, float] | None = None) -> Fill:
    """Cover `poly` with `pattern` (see PATTERNS); `spacing` is the cell size in points,
    never taken under what the audience can colour. A lattice passes through `origin`
    when given (a medallion centred on it)."""
    if origin is not None:
        ox, oy = origin
        moved = fill(affinity.translate(poly, -ox, -oy), pattern, spacing, style, rng,
                     angle=angle)
        shifted = shapely.transform(np.array(moved.shapes, dtype=object),
                                    lambda p: p + (ox, oy))
        return Fill(list(shifted), moved.regions)
    gap = style.min_gap_pt
    if poly.is_empty or poly.area < 4 * style.min_area_pt2:
        return Fill()
    if pattern == "echo":
        return _echo(poly, max(spacing, 1.6 * gap), style)
    if pattern in SCATTERED:
        return _scatter(poly, pattern, spacing, style, rng)
    spacing = max(spacing, min_spacing(pattern, style))
    centre = poly.centroid
    if pattern == "diamonds":
        angle += math.pi / 4
    local = _rotated(poly, angle, centre) if angle else poly
    cells = clip_cells(lattice_cells(pattern, spacing, local.bounds), local, style, spacing)
    shapes: Geoms = list(cells)
    if pattern == "checker":
        shapes += _checker_marks(cells, spacing, style)
    if angle:
        # Turned back in one pass over every coordinate.
        c, s_ = math.cos(angle), math.sin(angle)
        ox, oy = centre.x, centre.y
        turn = np.array([[c, -s_], [s_, c]])
        turned = shapely.transform(np.array(shapes, dtype=object),
                                   lambda p: (p - (ox, oy)) @ turn.T + (ox, oy))
        # (A scale's pinch point can cross itself after the turn's rounding: cleaned.)
        broken = ~shapely.is_valid(turned)
        turned[broken] = [valid_area(g) for g in turned[broken]]
        shapes = list(turned)
    return Fill(shapes, len(shapes))


def min_spacing(pattern: str, style: Style) -> float:
    """The finest cell a pattern may have for the audience."""
    gap = style.min_gap_pt
    return {"checker": 4.4 * gap, "scales": 3.2 * gap, "triangles": 2.8 * gap,
            "honeycomb": 2.4 * gap, "circles": 5.0 * gap}.get(pattern, 1.6 * gap)


def _checker_marks(cells: list[Polygon], s: float, style: Style) -> list[Polygon]:
    """Every other whole cell gets a smaller square inside, so the lattice reads as a
    checkerboard without solid black."""
    out = []
    inset = max(style.min_gap_pt, 0.24 * s)
    for cell in cells:
        if abs(cell.area - s * s) > 1e-3 * s * s:
            continue
        x0, y0, _x1, _y1 = cell.bounds
        if (round(x0 / s) + round(y0 / s)) % 2 == 0:
            out.append(shapely.box(x0 + inset, y0 + inset, x0 + s - inset, y0 + s - inset))
    return out


def _echo(poly: Polygon, step: float, style: Style) -> Fill:
    """Concentric outlines inside the shape, each a band at least `step` wide."""
    shapes: Geoms = []
    inner = poly
    for _ in range(40):
        # An opening after each inset keeps necks from pinching to hairline gaps.
        inner = inner.buffer(-step * 1.25, quad_segs=6).buffer(step * 0.25, quad_segs=6)
        parts = [p for p in shapely.get_parts(inner) if p.area >= 2 * style.min_area_pt2]
        if not parts:
            break
        shapes += parts
        inner = shapely.union_all(parts)
    return Fill(shapes, len(shapes))


def spiral_shell(cx: float, cy: float, r: float, style: Style, turn: float = 1.0) -> Geoms:
    """A circle with a spiral running from its rim into a small eye: two closed regions."""
    gap = style.min_gap_pt
    eye = max(0.6 * gap, 0.2 * r)
    # Whole turns: the spiral ends at angle 0, on the eye's first vertex.
    turns = max(1, min(2, round((r - eye) / (1.7 * gap))))
    theta = np.linspace(0, turns * 2 * math.pi, int(64 * turns))
    radius = r - (r - eye) * theta / theta[-1]
    a = turn * theta
    # The spiral starts on the rim and ends on the eye's rim: no loose end.
    pts = np.column_stack([cx + radius * np.cos(a), cy + radius * np.sin(a)])
    return [circle(cx, cy, r), LineString(pts), circle(cx, cy, eye)]


def _scatter(poly: Polygon, pattern: str, spacing: float, style: Style,
             rng: np.random.Generator) -> Fill:
    """Closed shapes strewn without touching: each at least the gap from the outline and
    from its neighbours (dart throwing, sizes mixed, largest first)."""
    gap = style.min_gap_pt
    base = max(spacing, {"pebbles": 2.6, "spirals": 4.5, "dots": 1.6}[pattern] * gap) / 2
    sizes = [base] if pattern == "dots" else [base * 1.6, base * 1.2, base]
    centres: list[tuple[float, float, float]] = []
    shapes: Geoms = []
    x0, y0, x1, y1 = poly.bounds
    regions = 0
    for size in sizes:
        room = poly.buffer(-(size + gap))
        if room.is_empty:
            continue
        shapely.prepare(room)
        if pattern == "dots":
            step = 2 * size + 1.5 * gap
            xs, ys = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step * 0.866))
            xs = xs + (np.arange(xs.shape[0])[:, None] % 2) * step / 2
            pts = np.column_stack([xs.ravel(), ys.ravel()])
        else:
            tries = int(3 * poly.area / (size * size) + 20)
            pts = rng.uniform((x0, y0), (x1, y1), size=(min(tries, 4000), 2))
        pts = pts[shapely.contains_xy(room, pts[:, 0], pts[:, 1])]
        placed = np.array([(x, y) for x, y, _ in centres]).reshape(-1, 2)
        reach = np.array([r for _, _, r in centres])
        for x, y in pts:
            if len(placed):
                d = np.hypot(placed[:, 0] - x, placed[:, 1] - y)
                if (d < reach + size + gap).any():
                    continue
            centres.append((x, y, size))
            placed = np.vstack([placed, (x, y)])
            reach = np.append(reach, size)
            if pattern == "spirals":
                shapes += spiral_shell(x, y, size, style, 1.0 if rng.random() < 0.5 else -1.0)
                regions += 2
            elif pattern == "pebbles":
                aspect = rng.uniform(0.72, 1.0)
                shapes.append(ellipse(x, y, size, size * aspect, rng.uniform(0, math.pi)))
                regions += 1
                if size > 3.2 * gap and rng.random() < 0.5:
                    shapes.append(ellipse(x, y, size - 1.6 * gap, (size - 1.6 * gap) * aspect,
                                          0.0))
                    regions += 1
            else:
                shapes.append(circle(x, y, size))
                regions += 1
    return Fill(shapes, regions)


STRIP_PATTERNS = ("stripes", "waves", "zigzag", "grid", "checker", "scales", "bricks",
                  "honeycomb", "triangles")


def fill_strip(pattern: str, length: float, width: float, periods: int, style: Style,
               *, closed: bool = True, coarse: float = 1.0) -> Fill:
    """A lattice pattern across the strip [0, length) x [0, width) (see STRIP_PATTERNS),
    repeating a whole number of times in every one of `periods` along it, so that wrapped
    round a ring it closes on itself (`closed`), or ends on the strip's ends (a frame's
    side). The strip's own long edges are the caller's to draw."""
    gap = style.min_gap_pt
    unit = length / max(1, periods)
    if pattern in ("stripes", "waves", "zigzag"):
        return _strip_lines(pattern, length, width, unit, style)
    if pattern in ("grid", "checker"):
        rows = max(1, round(width / max(min_spacing(pattern, style), 2.4 * gap)))
        sy = width / rows
        sx = unit / max(1, round(unit / sy))
        cells = [shapely.box(i * sx, j * sy, (i + 1) * sx, (j + 1) * sy)
                 for i in range(round(length / sx)) for j in range(rows)]
        shapes: Geoms = list(cells)
        if pattern == "checker" and min(sx, sy) > 4.4 * gap:
            inset = max(gap, 0.24 * min(sx, sy))
            shapes += [shapely.box(i * sx + inset, j * sy + inset, (i + 1) * sx - inset,
                                   (j + 1) * sy - inset)
                       for i in range(round(length / sx)) for j in range(rows) if (i + j) % 2 == 0]
        return Fill(shapes, len(shapes))
    # Fit the lattice to the strip: a whole number of cells per period along it, a whole
    # number of rows across it, with the edges on lattice lines or through cell centres,
    # so no cell is clipped into a crumb or a near miss.
    _cells, (dx1, dy1), _shift = template(pattern, 1.0)
    wanted = max(min_spacing(pattern, style), 2.6 * gap) * coarse
    s = unit / max(1, round(unit / (wanted * dx1))) / dx1
    rows = max(1, round(width / (dy1 * s)))
    y_scale = width / (rows * dy1 * s)
    cells = lattice_cells(pattern, s, (0.0, 0.0, length, width),
                           anchor_x=(0.0, length) if closed else None, y_scale=y_scale)
    clip = shapely.box(-length, 0.0, 2 * length, width) if closed else shapely.box(
        0.0, 0.0, length, width)
    out = clip_cells(cells, clip, style, min(s, s * y_scale))
    return Fill(out, len(out))


def _strip_lines(pattern: str, length: float, width: float, unit: float,
                 style: Style) -> Fill:
    """Lines along the strip: straight, wavy or zig-zag, evenly spaced across it. Waves
    keep 0.7 of the spacing clear of the edges and of each other."""
    gap = style.min_gap_pt
    lo = 1.6 * gap if pattern == "stripes" else 2.3 * gap
    rows = max(2, round(width / lo))
    if width / rows < lo:
        rows -= 1
    if rows < 2:
        return Fill()
    s = width / rows
    wavelength = unit / max(1, round(unit / (2.8 * s)))
    xs = np.linspace(0.0, length, max(16, int(length / (0.12 * wavelength)) + 1))
    if pattern == "waves":
        wave = 0.28 * s * np.sin(2 * math.pi * xs / wavelength)
    elif pattern == "zigzag":
        xs = np.union1d(xs, np.arange(0.0, length + 1e-9, wavelength / 2))
        phase = (xs / wavelength) % 1.0
        wave = 0.28 * s * (4 * np.abs(phase - 0.5) - 1)
    else:
        xs = np.array([0.0, length])
        wave = np.zeros(2)
    wave[-1] = wave[0]  # wrapped round a ring, the line must end where it began
    lines = [LineString(np.column_stack([xs, k * s + wave])) for k in range(1, rows)]
    return Fill(lines, rows - 1)
