"""Lattice cells for the fills: congruent cells of a period (grid, bricks, scales,
honeycomb, triangles, the flower of life's lens and triangle faces) laid over a region,
cut to a polygon, with the cut cells too small or too thin to colour merged into a
neighbour. fills.py builds the patterns on top of these."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Polygon

from backoffice.art.procedural.geometry import Geoms, Style, circle


def _scale_cell(r: float) -> Polygon:
    """One fish scale: the U of its own arc below, the two arcs of the row above on top."""
    top = shapely.box(-r, -r, r, 0.0)
    lower = circle(0.0, 0.0, r).intersection(shapely.box(-r, 0.0, r, r))
    return shapely.union(top, lower).difference(circle(-r, -r, r)).difference(
        circle(r, -r, r))


def template(pattern: str, s: float) -> tuple[list[Polygon], tuple[float, float], float]:
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
        return ([affinity.scale(f, s, s, origin=(0, 0)) for f in flower_of_life_faces()],
                (s, s * math.sqrt(3) / 2), 0.5)
    raise ValueError(f"unknown lattice {pattern!r}")


_FOL_FACES: list[Polygon] = []


def flower_of_life_faces() -> list[Polygon]:
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


def lattice_cells(pattern: str, s: float, bounds: tuple[float, float, float, float], *,
                   anchor_x: tuple[float, float] | None = None,
                   y_scale: float = 1.0) -> list[Polygon]:
    """Lattice cells covering `bounds`; `anchor_x` keeps only cells anchored in that range
    (a strip that wraps round); `y_scale` stretches rows to fit a strip's width."""
    x0, y0, x1, y1 = bounds
    if pattern in ("stripes", "waves", "zigzag"):
        return _bands(pattern, s, bounds)
    cells, (dx, dy), row_shift = template(pattern, s)
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


def merge_small(cells: Geoms, min_area: float, min_width: float, whole: int = 0) -> Geoms:
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


def valid_area(geom: Any) -> Any:
    """A valid version of a polygon that crosses itself at a pinch point, keeping all its
    area (make_valid may add the pinch as a stray line: dropped)."""
    fixed = shapely.make_valid(geom)
    if fixed.geom_type == "GeometryCollection":
        fixed = shapely.union_all([g for g in shapely.get_parts(fixed)
                                   if g.geom_type in ("Polygon", "MultiPolygon")])
    return fixed


def clip_cells(cells: list[Polygon], poly: Any, style: Style, spacing: float) -> list[Polygon]:
    if not cells:
        return []
    arr = np.array(cells, dtype=object)
    # A fish scale pinches to a point where three arcs meet: moved across the page, the
    # rounding can make that a crossing. Such cells are cleaned (their area is unchanged).
    broken = ~shapely.is_valid(arr)
    if broken.any():
        arr[broken] = [valid_area(g) for g in arr[broken]]
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
    return merge_small(whole + parts, min_area, 0.9 * style.min_gap_pt, len(whole))
