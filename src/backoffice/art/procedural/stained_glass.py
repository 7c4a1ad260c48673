"""Stained glass: windows of several shapes (round arch, gothic two-light window, rose
window, three lancets, leaded lozenge panes, a Tiffany flower panel), each leaded into
relaxed Voronoi pieces round a centrepiece (a rose of radial pieces, a flower, a star,
a sun) whose own outlines the pieces meet."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, Polygon

from backoffice.art.procedural import motifs
from backoffice.art.procedural.design import Canvas, Layout
from backoffice.art.procedural.geometry import Geoms, circle, star
from backoffice.art.procedural.lattice import merge_small

CENTRES = ("rose", "flower", "star", "sun", "plain")
GRAIN = ("fine", "coarse")
# Typical piece area in pt2 per audience (fine grain; coarse is 1.6 times).
_PIECE = {"adults": 780.0, "children": 7200.0, "toddlers": 30000.0}


def _pieces(c: Canvas, region: Any, share: float = 1.0) -> list[Polygon]:
    """Relaxed Voronoi pieces filling a region, none too small to colour."""
    st, rng = c.style, c.rng
    region = shapely.make_valid(shapely.set_precision(region.buffer(0), 1e-4))
    if region.is_empty or region.area < 4 * st.min_area_pt2:
        return []
    piece = _PIECE[st.audience] * (1.6 if "coarse" in c.design.motifs else 1.0)
    n = max(3, int(region.area / piece * c.complexity * share))
    x0, y0, x1, y1 = region.bounds
    pts = rng.uniform((x0, y0), (x1, y1), size=(n * 4, 2))
    pts = pts[shapely.contains_xy(region, pts[:, 0], pts[:, 1])][:n]
    if len(pts) < 3:
        return [region] if region.geom_type == "Polygon" else list(shapely.get_parts(region))
    cells: Geoms = []
    for step in range(3):
        vor = shapely.voronoi_polygons(MultiPoint(pts), extend_to=region.envelope)
        cut = _clip_cells(list(vor.geoms), region)
        cells = [p for p in shapely.get_parts(cut) if p.geom_type == "Polygon" and p.area > 1e-3]
        if step < 2:
            pts = np.array([p.centroid.coords[0] for p in cells])
    min_area = max(2.5 * st.min_area_pt2, piece * 0.22)
    return merge_small(cells, min_area, 1.2 * st.min_gap_pt)


def _clip_cells(cells: Geoms, region: Any) -> Any:
    """Voronoi cells cut to the region. GEOS can fail on a rare overlay (a cell edge
    almost on the region's): those cells are cut one by one, cleaned, or left out."""
    try:
        return shapely.intersection(np.array(cells, dtype=object), region)
    except shapely.errors.GEOSException:
        out = []
        for cell in cells:
            for a, b in ((cell, region), (cell.buffer(0), region.buffer(0))):
                try:
                    out.append(a.intersection(b))
                    break
                except shapely.errors.GEOSException:
                    continue
        return np.array(out, dtype=object)


def _lead(c: Canvas, pieces: Geoms, outline: Any = None) -> int:
    for p in pieces:
        c.drawing.add(p, c.style.detail_pt)
    if outline is not None:
        c.drawing.add(outline, c.style.bold_pt)
    return len(pieces)


def _rose(c: Canvas, cx: float, cy: float, radius: float) -> list[Polygon]:
    """Radial pieces: seeds on concentric rings, so the rose reads as one designed piece."""
    st, rng = c.style, c.rng
    fold = int(rng.choice([6, 8, 10, 12] if st.audience == "adults" else [6, 8]))
    rings = {"adults": 3, "children": 2, "toddlers": 1}[st.audience]
    pts = [(cx, cy)]
    for k in range(1, rings + 1):
        n = fold * (1 if k == 1 or st.audience != "adults" else min(k, 3))
        offset = (k % 2) * math.pi / n
        r = radius * k / (rings + 0.6)
        pts += [(cx + r * math.cos(offset + 2 * math.pi * i / n),
                 cy + r * math.sin(offset + 2 * math.pi * i / n)) for i in range(n)]
    disc = circle(cx, cy, radius)
    vor = shapely.voronoi_polygons(MultiPoint(pts), extend_to=disc.envelope)
    return [p for p in shapely.intersection(list(vor.geoms), disc) if p.geom_type == "Polygon"]


def _centrepiece(c: Canvas, cx: float, cy: float, radius: float) -> tuple[Geoms, Polygon]:
    """The window's centrepiece (pieces and lines) and the room it takes."""
    st = c.style
    g = st.min_gap_pt
    kind = c.motif(CENTRES, "rose")
    disc = circle(cx, cy, radius)
    if kind == "rose":
        return _rose(c, cx, cy, radius), disc
    if kind == "star":
        points = 8 if st.audience == "adults" else 6
        outer = star(cx, cy, radius, radius * 0.5, points, -math.pi / 2)
        hub = circle(cx, cy, radius * 0.22)
        spokes = [LineString([(cx + radius * 0.22 * math.cos(a), cy + radius * 0.22 * math.sin(a)),
                              (cx + radius * math.cos(a), cy + radius * math.sin(a))])
                  for a in -math.pi / 2 + np.arange(points) * 2 * math.pi / points]
        return [outer, hub, *spokes], outer
    if kind == "sun":
        hub = circle(cx, cy, radius * 0.45)
        n = 12 if st.audience == "adults" else 8
        rays = [Polygon([(cx + radius * 0.45 * math.cos(a - math.pi / n),
                          cy + radius * 0.45 * math.sin(a - math.pi / n)),
                         (cx + radius * math.cos(a), cy + radius * math.sin(a)),
                         (cx + radius * 0.45 * math.cos(a + math.pi / n),
                          cy + radius * 0.45 * math.sin(a + math.pi / n))])
                for a in np.arange(n) * 2 * math.pi / n]
        inner = [circle(cx, cy, radius * 0.25)] if radius * 0.2 > 2 * g else []
        return [hub, *rays, *inner], shapely.union_all([hub, *rays])
    if kind == "flower":
        return _glass_flower(c, cx, cy, radius)
    return [], Polygon()


def _glass_flower(c: Canvas, cx: float, cy: float, radius: float) -> tuple[Geoms, Polygon]:
    """A flower in glass: petals are sectors between radial leads, each with a round
    tip, so petals meet each other and the hub with no crumb of glass between them."""
    st = c.style
    g = st.min_gap_pt
    n = 8 if st.audience == "adults" else 6
    hub_disc, petals = motifs.sector_flower(cx, cy, radius, n)
    hub = radius * 0.28
    shapes: Geoms = [hub_disc, *petals]
    if st.audience == "adults":
        for k, petal in enumerate(petals):
            mid = 2 * math.pi * (k + 0.5) / n
            vein = LineString([(cx + hub * math.cos(mid), cy + hub * math.sin(mid)),
                               (cx + radius * math.cos(mid), cy + radius * math.sin(mid))])
            shapes.append(vein.intersection(petal))
    if hub > 4 * g:
        shapes.append(circle(cx, cy, hub * 0.5))
    return shapes, shapely.union_all([hub_disc, *petals]).buffer(0.01)


def _border(c: Canvas, window: Polygon) -> Polygon:
    """With "border" in the design: a leaded border of small panes just inside the
    window's outline; returns what is left inside it for the glass."""
    st = c.style
    g = st.min_gap_pt
    if "border" not in c.design.motifs:
        return window
    width = 2.6 * g
    inner = window.buffer(-width, join_style="mitre", mitre_limit=2.0)
    if inner.is_empty or inner.geom_type != "Polygon":
        return window
    c.drawing.add(inner, st.line_pt)
    ring = inner.exterior
    # Longer panes when the page must hold fewer regions (children's pages above all).
    step = (3.2 if st.audience == "adults" else 5.0) * g / min(1.0, c.complexity) ** 0.7
    n = max(8, int(ring.length / step))
    for k in range(n):
        p = ring.interpolate(k / n, normalized=True)
        q = window.exterior.interpolate(window.exterior.project(p))
        dx, dy = q.x - p.x, q.y - p.y
        norm = math.hypot(dx, dy) or 1.0
        cut = LineString([(p.x, p.y), (p.x + dx / norm * width * 1.6,
                                       p.y + dy / norm * width * 1.6)]).intersection(window)
        if cut.geom_type == "LineString" and cut.length < width * 1.5:
            c.drawing.add(cut, st.detail_pt)
    return inner


def _with_centre(c: Canvas, window: Any, cx: float, cy: float, radius: float) -> int:
    shapes, room = _centrepiece(c, cx, cy, radius)
    for s in shapes:
        c.drawing.add(s, c.style.detail_pt)
    if not room.is_empty:
        c.drawing.add(room, c.style.line_pt)
    return len(shapes) + _lead(c, _pieces(c, window.difference(room)))


def _window_box(c: Canvas) -> tuple[float, float, float, float]:
    """Where the window goes: the frame's room, narrowed when the frame's corners hold
    ornaments, so the glass keeps clear of them."""
    area = c.area()
    x0, y0, x1, y1 = area.box
    if area.reserved is None:
        return area.box
    inset = max(p.bounds[2] - x0 for p in shapely.get_parts(area.reserved)
                if p.bounds[0] < (x0 + x1) / 2) + 1.5 * c.style.min_gap_pt
    return (x0 + inset, y0, x1 - inset, y1)


def _arch(x0: float, y0: float, x1: float, y1: float, pointed: bool) -> Polygon:
    """A window: straight sides up to the springing line, then a round head or a pointed
    two-centred one (each side an arc centred on the opposite springing point's side)."""
    w = x1 - x0
    if pointed:
        radius = 0.9 * w
        apex = math.acos((w / 2 - radius) / radius)
        spring = y0 + radius * math.sin(apex)
        t = np.linspace(math.pi, apex, 40)
        left = np.column_stack([x0 + radius + radius * np.cos(t), spring - radius * np.sin(t)])
        right = np.column_stack([x0 + x1 - left[::-1, 0], left[::-1, 1]])
        return Polygon([(x0, y1), *left, *right[1:], (x1, y1)])
    r = w / 2
    t = np.linspace(math.pi, 2 * math.pi, 64)
    head = np.column_stack([x0 + r + r * np.cos(t), y0 + r + r * np.sin(t)])
    return Polygon([(x0, y1), *head, (x1, y1)])


def arch(c: Canvas) -> str:
    x0, y0, x1, y1 = _window_box(c)
    pointed = "pointed" in c.design.motifs
    window = _arch(x0, y0, x1, y1, pointed)
    w = x1 - x0
    c.drawing.add(window, c.style.bold_pt)
    cy = y0 + w * (0.62 if pointed else 0.5)
    n = _with_centre(c, _border(c, window), (x0 + x1) / 2, cy, w * 0.3)
    return f"stained glass, {'pointed' if pointed else 'round'} arch, {n} pieces"


def gothic(c: Canvas) -> str:
    """A pointed window of two lights under a round rose, divided by mullions."""
    st = c.style
    g = st.min_gap_pt
    x0, y0, x1, y1 = _window_box(c)
    outline = _arch(x0, y0, x1, y1, True)
    c.drawing.add(outline, st.bold_pt)
    window = _border(c, outline)
    w = x1 - x0
    mull = 2.2 * g
    split = y0 + w * 0.78
    lights = [_arch(x0 + 1.5 * mull, split, (x0 + x1) / 2 - mull / 2, y1 - 1.5 * mull, True),
              _arch((x0 + x1) / 2 + mull / 2, split, x1 - 1.5 * mull, y1 - 1.5 * mull, True)]
    rose_r = min(w * 0.3, (split - y0) * 0.42)
    rcx, rcy = (x0 + x1) / 2, split - rose_r - 1.5 * mull
    rose = circle(rcx, rcy, rose_r)
    n = 0
    for light in lights:
        c.drawing.add(light, st.line_pt)
        n += _lead(c, _pieces(c, light))
    c.drawing.add(rose, st.line_pt)
    shapes, room = _centrepiece(c, rcx, rcy, rose_r * 0.55)
    if room.is_empty:
        n += _lead(c, _rose(c, rcx, rcy, rose_r))
    else:
        for s_ in shapes:
            c.drawing.add(s_, st.detail_pt)
        c.drawing.add(room, st.line_pt)
        n += len(shapes) + _lead(c, _pieces(c, rose.difference(room), 0.8))
    spandrel = window.difference(shapely.union_all([*lights, rose]).buffer(1.5 * mull))
    for part in shapely.get_parts(spandrel):
        if part.area > 4 * st.min_area_pt2:
            c.drawing.add(part, st.line_pt)
            n += _lead(c, _pieces(c, part, 0.7))
    return f"stained glass, gothic window of two lights and a rose, {n} pieces"


def rose_window(c: Canvas) -> str:
    """A round window: radial mullions, each sector leaded, a rosette at the heart."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    x0, y0, x1, y1 = c.area().box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = min(x1 - x0, y1 - y0) / 2
    c.drawing.add(circle(cx, cy, r), st.bold_pt)
    window = _border(c, circle(cx, cy, r))
    r = window.exterior.distance(shapely.Point(cx, cy)) if window.area < math.pi * r * r else r
    sectors = int(rng.choice([8, 10, 12] if st.audience == "adults" else [6, 8]))
    hub_r = r * 0.3
    n = _with_centre(c, circle(cx, cy, hub_r), cx, cy, hub_r * 0.8)
    c.drawing.add(circle(cx, cy, hub_r), st.line_pt)
    ring = window.difference(circle(cx, cy, hub_r))
    for k in range(sectors):
        a0, a1 = 2 * math.pi * k / sectors, 2 * math.pi * (k + 1) / sectors
        wedge = Polygon([(cx, cy), *[(cx + 2 * r * math.cos(a), cy + 2 * r * math.sin(a))
                                     for a in np.linspace(a0, a1, 8)]])
        sector = ring.intersection(wedge).buffer(-g * 0.9)
        if sector.is_empty:
            continue
        for part in shapely.get_parts(sector):
            c.drawing.add(part, st.line_pt)
            n += _lead(c, _pieces(c, part))
    return f"stained glass, rose window of {sectors} lights, {n} pieces"


def triptych(c: Canvas) -> str:
    """Three lancets side by side, the middle one taller."""
    st = c.style
    g = st.min_gap_pt
    x0, y0, x1, y1 = _window_box(c)
    gap = 3 * g
    w = (x1 - x0 - 2 * gap) / 3
    n = 0
    for k in range(3):
        lx = x0 + k * (w + gap)
        top = y0 if k == 1 else y0 + (y1 - y0) * 0.12
        lancet = _arch(lx, top, lx + w, y1, True)
        c.drawing.add(lancet, st.bold_pt)
        lancet = _border(c, lancet)
        if k == 1 and st.audience != "toddlers":
            n += _with_centre(c, lancet, lx + w / 2, top + w * 1.1, w * 0.36)
        else:
            n += _lead(c, _pieces(c, lancet))
    return f"stained glass, three lancets, {n} pieces"


def panes(c: Canvas) -> str:
    """Leaded lozenges over the whole panel, a medallion in the middle."""
    st = c.style
    area = c.area()
    x0, y0, x1, y1 = _window_box(c)
    panel = area.inner if area.reserved is None else shapely.box(x0, y0, x1, y1)
    c.drawing.add(panel, st.line_pt)
    panel = _border(c, panel)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = min(x1 - x0, y1 - y0) * 0.3
    shapes, room = _centrepiece(c, cx, cy, r)
    halo = circle(cx, cy, r * 1.08)
    for s in shapes:
        c.drawing.add(s, st.detail_pt)
    c.drawing.add(halo, st.line_pt)
    size = {"adults": 46.0, "children": 95.0, "toddlers": 300.0}[st.audience]
    size /= math.sqrt(max(0.25, c.complexity))
    from backoffice.art.procedural.fills import fill

    lozenges = fill(panel.difference(halo), "diamonds", size, st, c.rng)
    for s in lozenges.shapes:
        c.drawing.add(s, st.detail_pt)
    ring = halo.difference(room) if not room.is_empty else halo  # plain: glass all through
    n = len(shapes) + lozenges.regions + _lead(c, _pieces(c, ring, 1.2))
    c.drawing.add(panel, st.line_pt)
    return f"stained glass, leaded lozenges round a medallion, {n} pieces"


def tiffany(c: Canvas) -> str:
    """A Tiffany panel: a big flower on a stem with veined leaves, the glass leaded round."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    x0, y0, x1, y1 = _window_box(c)
    panel = area.inner if area.reserved is None else shapely.box(x0, y0, x1, y1)
    c.drawing.add(panel, st.line_pt)
    panel = _border(c, panel)
    w = x1 - x0
    cx, cy = x0 + w * rng.uniform(0.44, 0.56), y0 + (y1 - y0) * rng.uniform(0.3, 0.36)
    r = w * 0.32
    shapes, room = _centrepiece(c, cx, cy, r)
    lean = {"stem left": -0.12, "stem right": 0.12}.get(c.motif(_SIDES, ""), 0.0)
    foot = (cx + w * (lean + rng.uniform(-0.03, 0.03)), y1 + 2 * g)
    stem = LineString([(cx, cy + r * 0.5), foot]).buffer(2.2 * g, cap_style="flat")
    stem = stem.intersection(panel)
    parts = [stem.difference(room)]
    details = []
    taken = room.union(stem)
    spots: tuple[tuple[float, int], ...] = ((0.35, -1), (0.62, 1), (0.85, -1))
    if "two leaves" in c.design.motifs:
        spots = ((0.45, -1), (0.72, 1))
    for f, side in spots:
        px = cx + (foot[0] - cx) * f
        py = cy + r * 0.5 + (foot[1] - cy - r * 0.5) * f
        leaf = motifs.leaf(r * 1.2, r * 0.36, st)
        veins = motifs.decorate(leaf, "ribs" if st.audience == "adults" else "vein", st, rng)
        angle = -90 + side * 50
        placed = [shapely.affinity.translate(shapely.affinity.rotate(p, angle, origin=(0, 0)),
                                             px, py) for p in [leaf, *veins]]
        outline = placed[0].difference(taken)
        if outline.is_empty or not panel.buffer(-g).contains(placed[0].difference(stem)):
            continue
        parts.append(outline)
        details += [v.difference(taken) for v in placed[1:]]
        taken = taken.union(placed[0])
    for s_ in shapes:
        c.drawing.add(s_, st.detail_pt)
    for part in parts:
        c.drawing.add(part, st.line_pt)
    for d in details:
        if not d.is_empty:
            c.drawing.add(d, st.detail_pt)
    n = len(shapes) + len(parts) + _lead(c, _pieces(c, panel.difference(taken)))
    c.drawing.add(panel, st.line_pt)
    return f"stained glass, Tiffany panel with a flower and {len(parts) - 1} leaves, {n} pieces"


_SHAPE = (CENTRES, GRAIN, ("border", ""))
# Children's windows: no sun (its thin rays leave crumbs of glass between them).
_CHILD_SHAPE = (("rose", "flower", "star", "plain"), GRAIN, ("border", ""))
_LEAVES = ("two leaves", "three leaves")
_SIDES = ("stem left", "stem right", "stem straight")
LAYOUTS = {
    "arch": Layout(arch, {"adults": (*_SHAPE, ("pointed", "round")),
                          "children": (*_CHILD_SHAPE, ("pointed", "round")),
                          "toddlers": (("pointed", "round"), ("coarse",))}),
    "gothic": Layout(gothic, {"adults": (GRAIN, CENTRES, ("border", ""))}),
    "rose": Layout(rose_window, {"adults": _SHAPE, "children": _CHILD_SHAPE}, ornaments=True),
    "triptych": Layout(triptych, {"adults": _SHAPE, "children": (("rose", "flower", "plain"),
                                                                GRAIN)}),
    "panes": Layout(panes, {"adults": _SHAPE, "children": _CHILD_SHAPE},
                    frameless=False),
    "tiffany": Layout(tiffany, {"adults": (("flower", "sun"), GRAIN, ("border", ""), _LEAVES,
                                           _SIDES),
                                "children": (("flower",), GRAIN, _LEAVES, _SIDES)},
                      frameless=False),
}
