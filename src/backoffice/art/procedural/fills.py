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

LATTICES = ("stripes", "grid", "diamonds", "checker", "scales", "waves", "zigzag", "bricks",
            "honeycomb", "triangles", "circles")
SCATTERED = ("pebbles", "spirals", "dots")
PATTERNS = (*LATTICES, *SCATTERED, "echo")


@dataclass
class Fill:
    shapes: Geoms = field(default_factory=list)  # outline every one (polygons and lines)
    regions: int = 0  # how many regions they add inside the polygon


def _scale_cell(r: float) -> Polygon:
    """One fish scale: the U of its own arc below, the two arcs of the row above on top."""
    top = shapely.box(-r, -r, r, 0.0)
    lower = circle(0.0, 0.0, r).intersection(shapely.box(-r, 0.0, r, r))
    return shapely.union(top, lower).difference(circle(-r, -r, r)).difference(
        circle(r, -r, r))


def _template(pattern: str, s: float) -> tuple[list[Polygon], tuple[float, float], float]:
    """Cells of one lattice period, the period (dx, dy) and the row shift (share of dx)."""
    if pattern in ("grid", "checker", "diamonds"):
        return [shapely.box(0, 0, s, s)], (s, s), 0.0
    if pattern == "bricks":
        return [shapely.box(0, 0, 2 * s, s)], (2 * s, s), 0.5
    if pattern == "scales":
        r = s / 2
        return [_scale_cell(r)], (2 * r, r), 0.5
    if pattern == "honeycomb":
        r = s / math.sqrt(3)
        hexagon = Polygon([(r * math.cos(a), r * math.sin(a))
                           for a in np.arange(6) * math.pi / 3 + math.pi / 6])
        return [hexagon], (s, 1.5 * r), 0.5
    if pattern == "triangles":
        h = s * math.sqrt(3) / 2
        up = Polygon([(0, h), (s / 2, 0), (s, h)])
        down = Polygon([(s / 2, 0), (1.5 * s, 0), (s, h)])
        return [up, down], (s, h), 0.5
    if pattern == "circles":
        return ([affinity.scale(f, s, s, origin=(0, 0)) for f in _flower_of_life_faces()],
                (s, s * math.sqrt(3) / 2), 0.5)
    raise ValueError(f"unknown lattice {pattern!r}")


_FOL_FACES: list[Polygon] = []


def _flower_of_life_faces() -> list[Polygon]:
    """The faces of one period of the flower-of-life lattice (circles of radius 1 on a
    hexagonal lattice of spacing 1): three lens petals and two curved triangles. Built
    once per process (the list is swapped in whole, so threads never see half of it)."""
    global _FOL_FACES
    if not _FOL_FACES:
        h = math.sqrt(3) / 2
        rings = [circle(i + (j % 2) * 0.5, j * h, 1.0).exterior for i in range(-3, 4)
                 for j in range(-3, 4)]
        faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(
            shapely.unary_union(rings))))
        period = []
        for face in faces:
            # Centres of lenses lie on the cell's edges: nudge them off consistently.
            c = face.centroid
            if 0 <= c.x + 1e-7 < 1 and 0 <= c.y + 1.3e-7 < h:
                period.append(face)
        _FOL_FACES = period
    return _FOL_FACES


def _lattice_cells(pattern: str, s: float, bounds: tuple[float, float, float, float], *,
                   anchor_x: tuple[float, float] | None = None,
                   y_scale: float = 1.0) -> list[Polygon]:
    """Lattice cells covering `bounds`; `anchor_x` keeps only cells anchored in that range
    (a strip that wraps round); `y_scale` stretches rows to fit a strip's width."""
    x0, y0, x1, y1 = bounds
    if pattern in ("stripes", "waves", "zigzag"):
        return _bands(pattern, s, bounds)
    cells, (dx, dy), row_shift = _template(pattern, s)
    dy *= y_scale
    rows = np.arange(math.floor(y0 / dy) - 1, math.ceil(y1 / dy) + 1)
    out = []
    for cell in cells:
        coords = np.asarray(cell.exterior.coords) * (1.0, y_scale)
        for row in rows:
            off = (row % 2) * row_shift * dx
            if anchor_x is None:
                cols = np.arange(math.floor((x0 - off) / dx) - 1, math.ceil((x1 - off) / dx) + 1)
            else:
                cols = np.arange(math.ceil((anchor_x[0] - off) / dx - 1e-9),
                                 math.ceil((anchor_x[1] - off) / dx - 1e-9))
            xs = off + cols * dx
            stacked = coords[None, :, :] + np.stack([xs, np.full_like(xs, row * dy)], axis=1)[
                :, None, :]
            out += list(shapely.polygons(stacked))
    return out


def _bands(pattern: str, s: float, bounds: tuple[float, float, float, float]
           ) -> list[Polygon]:
    """Horizontal bands between parallel lines: straight, wavy or zig-zag."""
    x0, y0, x1, y1 = bounds
    xs = np.linspace(x0 - s, x1 + s, max(8, int((x1 - x0) / (0.25 * s)) + 3))
    if pattern == "waves":
        wave = 0.28 * s * np.sin(2 * math.pi * (xs - x0) / (2.6 * s))
    elif pattern == "zigzag":
        period = 1.6 * s
        phase = ((xs - x0) / period) % 1.0
        wave = 0.3 * s * (4 * np.abs(phase - 0.5) - 1)
        # The zig-zag's corners must be vertices: sample them exactly.
        corners = x0 + period * np.arange(-1, int((x1 - x0) / period) + 3) / 2
        xs = np.union1d(xs, corners)
        phase = ((xs - x0) / period) % 1.0
        wave = 0.3 * s * (4 * np.abs(phase - 0.5) - 1)
    else:
        xs = np.array([x0 - s, x1 + s])
        wave = np.zeros(2)
    out = []
    for k in range(math.floor(y0 / s) - 1, math.ceil(y1 / s) + 1):
        top = np.column_stack([xs, k * s + wave])
        bottom = np.column_stack([xs[::-1], (k + 1) * s + wave[::-1]])
        out.append(Polygon(np.concatenate([top, bottom])))
    return out


def _merge_small(cells: Geoms, min_area: float, min_width: float, whole: int = 0) -> Geoms:
    """Fold small cells into neighbours until none is left that can join one (a group of
    crumbs may only find a larger neighbour once united)."""
    for _ in range(3):
        before = len(cells)
        cells = _merge_pass(cells, min_area, min_width, whole)
        if len(cells) == before:
            break
        whole = 0
    return cells


def _merge_pass(cells: Geoms, min_area: float, min_width: float, whole: int = 0) -> Geoms:
    """Fold cells too small (or too thin) to colour into the neighbour they share the
    longest edge with; a cell with no such neighbour stays as it is. The first `whole`
    cells are uncut lattice cells: neighbours only, never too small themselves.

    The edge two cells share may be traced twice a rounding error apart (an arc cut from
    a disc, the same arc cut from a box), so it is measured by probes: points along the
    small cell's outline that lie within a hair of each neighbour, all found in one query.
    A cell only ever joins a larger one, so chains end; each group is united once, with a
    closing by a hair that keeps the seam between the two tracings from surviving."""
    cells = [c for c in cells if c.area > 1e-6]
    if not cells:
        return cells
    arr = np.array(cells, dtype=object)
    areas = shapely.area(arr)
    bad = (areas < min_area) | (areas < 0.25 * min_width * shapely.length(arr))
    bad[:whole] = False
    small = np.flatnonzero(bad)
    if not len(small):
        return cells
    per = 24
    rings = np.repeat(shapely.get_exterior_ring(arr[small]), per)
    probes = shapely.line_interpolate_point(rings, np.tile(np.arange(per) / per, len(small)),
                                            normalized=True)
    owner = np.repeat(small, per)
    hit, near = shapely.STRtree(arr).query(probes, predicate="dwithin", distance=0.05)
    src = owner[hit]
    # A cell joins a larger one (ties by index), so no chain comes back on itself.
    larger = (areas[near] > areas[src]) | ((areas[near] == areas[src]) & (near > src))
    pairs, counts = np.unique(np.column_stack([src[larger], near[larger]]), axis=0,
                              return_counts=True)
    parent = np.arange(len(arr))
    best: dict[int, int] = {}
    for (k, j), n in zip(pairs.tolist(), counts.tolist(), strict=True):
        if n > best.get(k, 0):
            best[k], parent[k] = n, j
    for k in small[np.argsort(-areas[small])]:  # largest first: parents are settled
        parent[k] = parent[parent[k]]
    groups: dict[int, list[int]] = {}
    for k in range(len(arr)):
        groups.setdefault(int(parent[k]), []).append(k)
    out = []
    for root, members in groups.items():
        if len(members) == 1:
            out.append(arr[root])
            continue
        union = shapely.union_all(arr[members]).buffer(0.05, quad_segs=2).buffer(
            -0.05, quad_segs=2)
        if union.geom_type == "Polygon":
            out.append(union)
        else:
            out.extend(arr[members])
    return out


def _clip(cells: list[Polygon], poly: Any, style: Style, spacing: float) -> list[Polygon]:
    if not cells:
        return []
    arr = np.array(cells, dtype=object)
    # A fish scale pinches to a point where three arcs meet: moved across the page, the
    # rounding can make that a crossing. Such cells are cleaned (their area is unchanged).
    broken = ~shapely.is_valid(arr)
    if broken.any():
        arr[broken] = shapely.buffer(arr[broken], 0)
    shapely.prepare(poly)
    touching = shapely.intersects(poly, arr)
    arr = arr[touching]
    inside = shapely.contains(poly, arr)
    cut = shapely.intersection(arr[~inside], poly)
    parts = [p for p in shapely.get_parts(cut) if p.geom_type == "Polygon" and p.area > 1e-3]
    whole = list(arr[inside])
    # Small means small for the pattern: under half its smallest whole cell (a flower of
    # life's lens is a sixth of its spacing squared), and never under what can be coloured.
    typical = min(shapely.area(arr[inside])) if inside.any() else 0.6 * spacing * spacing
    min_area = max(style.min_area_pt2 * 1.3, 0.45 * typical)
    return _merge_small(whole + parts, min_area, 0.9 * style.min_gap_pt, len(whole))


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
    origin = poly.centroid
    if pattern == "diamonds":
        angle += math.pi / 4
    local = _rotated(poly, angle, origin) if angle else poly
    cells = _clip(_lattice_cells(pattern, spacing, local.bounds), local, style, spacing)
    shapes: Geoms = list(cells)
    if pattern == "checker":
        shapes += _checker_marks(cells, spacing, style)
    if angle:
        # Turned back in one pass over every coordinate.
        c, s_ = math.cos(angle), math.sin(angle)
        ox, oy = origin.x, origin.y
        turn = np.array([[c, -s_], [s_, c]])
        shapes = list(shapely.transform(np.array(shapes, dtype=object),
                                        lambda p: (p - (ox, oy)) @ turn.T + (ox, oy)))
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
    _cells, (dx1, dy1), _shift = _template(pattern, 1.0)
    wanted = max(min_spacing(pattern, style), 2.6 * gap) * coarse
    s = unit / max(1, round(unit / (wanted * dx1))) / dx1
    rows = max(1, round(width / (dy1 * s)))
    y_scale = width / (rows * dy1 * s)
    cells = _lattice_cells(pattern, s, (0.0, 0.0, length, width),
                           anchor_x=(0.0, length) if closed else None, y_scale=y_scale)
    clip = shapely.box(-length, 0.0, 2 * length, width) if closed else shapely.box(
        0.0, 0.0, length, width)
    out = _clip(cells, clip, style, min(s, s * y_scale))
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
