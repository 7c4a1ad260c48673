"""Botanical pages: a wreath of leaves and flowers round a centre, and one big bloom whose
petals hold zentangle patterns (as hand-drawn adult books do), next to the meadows,
bouquets and single flowers of flowers.py. Together they are the flowers family."""

from __future__ import annotations

import math
from collections.abc import Callable

import shapely
import shapely.ops
from shapely.geometry import Polygon

from backoffice.art.procedural import bands, fills, flowers, motifs
from backoffice.art.procedural.design import Canvas, Layout
from backoffice.art.procedural.geometry import Geoms, Style, circle, polar
from backoffice.art.procedural.mandala import BACKGROUNDS, _fill_around
from backoffice.art.procedural.rosette import draw_mandala

PETAL_FILLS = ("fill:stripes", "fill:dots", "fill:scales", "fill:waves", "fill:grid",
               "fill:pebbles", "fill:echo", "ribs")
CENTRES = ("mandala", "spirals", "pebbles", "empty")


def wreath(c: Canvas) -> str:
    """A ring stem with leaves on both sides and flower heads in front, round a centre."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    cx, cy, outer = area.centred_disc(g)
    leaf_w = outer * (0.2 if st.audience == "adults" else 0.26)
    ring = outer - leaf_w - g
    stem_w = max(1.6 * g, outer * 0.025)
    kinds = [k for k in c.design.motifs if k in flowers.HEADS] or list(flowers.HEADS)
    # Flower heads on the ring; leaves only where they stay clear of every head, so no
    # line needs cutting behind another (and none comes near one).
    heads_n = {"adults": 6, "children": 3, "toddlers": 3}[st.audience]
    head_r = min(leaf_w * (1.25 if st.audience == "adults" else 1.1),
                 math.pi * ring / heads_n * 0.42)
    phase = rng.uniform(0, 2 * math.pi)
    discs = []
    for k in range(heads_n):
        a = phase + 2 * math.pi * k / heads_n
        r = head_r * (1.0 if k % 2 == 0 else 0.8)
        hx, hy = cx + ring * math.cos(a), cy + ring * math.sin(a)
        cover, _details, lines = flowers._head(hx, hy, r, kinds[k % len(kinds)], rng, st)
        for line in lines:
            c.drawing.add(line, st.detail_pt)
        discs.append(cover)
    heads = shapely.union_all(discs)
    keep_out = heads.buffer(1.5 * g)
    shapely.prepare(keep_out)
    length = 2 * math.pi * ring
    periods = max(heads_n * 2, round(length / (bands.aspect("leaves") * leaf_w)
                                    * min(1.5, c.complexity)))
    periods -= periods % heads_n
    leaves_drawn = 0
    for side in (1, -1):
        strip = bands.strip("leaves", length, leaf_w, periods, st, rng, variant=side > 0)
        shapes = [shapely.affinity.scale(s, 1, side, origin=(0, 0)) for s in strip.shapes]
        base = ring + side * stem_w / 2
        mapped = polar(shapes, cx, cy, base, length, phase)
        leaves = [m for m in mapped if isinstance(m, Polygon)]
        veins = [m for m in mapped if not isinstance(m, Polygon)]
        for leaf in leaves:
            if keep_out.intersects(leaf):
                continue
            c.drawing.add(leaf, st.detail_pt)
            c.drawing.add([v for v in veins if leaf.buffer(0.01).contains(v)], st.detail_pt)
            leaves_drawn += 1
    stem = [circle(cx, cy, ring + stem_w / 2).boundary, circle(cx, cy, ring - stem_w / 2).boundary]
    for line in stem:
        c.drawing.add(line.difference(heads), st.line_pt)
    inner = ring - leaf_w - 2.5 * g
    centre = c.motif(CENTRES, "empty")
    if inner > 8 * g and centre == "mandala":
        draw_mandala(c.drawing, cx, cy, inner, st, rng, c.motifs_in(
            ("petals", "beads", "scallops", "drops", "lace", "arches", "fill:scales")) or
                     ["petals", "beads"], complexity=c.complexity)
    elif inner > 8 * g and centre in ("spirals", "pebbles"):
        disc = circle(cx, cy, inner)
        c.drawing.add(disc, st.line_pt)
        for shape in fills.fill(disc, centre, 3.2 * g, st, rng).shapes:
            c.drawing.add(shape, st.detail_pt)
    pattern = c.motif(BACKGROUNDS, "")
    if pattern and st.audience == "adults":
        _fill_around(c, area, [circle(cx, cy, outer + g)], pattern)
    return f"wreath of {heads_n} flowers and {leaves_drawn} leaves"


def bloom(c: Canvas) -> str:
    """One big flower: two layers of petals holding patterns, leaves behind it."""
    st, rng = c.style, c.rng
    g = st.min_gap_pt
    area = c.area()
    x0, y0, x1, y1 = area.box
    w, h = x1 - x0, y1 - y0
    cx, cy = x0 + w * rng.uniform(0.45, 0.55), y0 + h * rng.uniform(0.42, 0.5)
    radius = min(w, h) * 0.42
    counts = {"five petals": 5, "six petals": 6, "seven petals": 7}
    n = {"adults": int(rng.choice([8, 9, 10])), "children": 6, "toddlers": 5}[st.audience]
    n = next((counts[m] for m in c.design.motifs if m in counts), n)
    layered = st.audience == "adults"
    profile = c.motif(tuple(motifs.PROFILES), "round")
    hub = radius * 0.22
    angle0 = rng.uniform(0, 2 * math.pi)
    front, back = [], []
    for k in range(n):
        a = angle0 + 2 * math.pi * k / n
        # A single layer's petals stay apart: touching at their widest, two neighbours and
        # the heart enclosed a wedge too small for a child to colour.
        front.append(_petal(profile, cx, cy, a, hub * 0.6, radius * (0.72 if layered else 1.0),
                            math.pi * radius * (0.5 if layered else 0.4) / n, st))
        if layered:
                back.append(_petal("almond" if profile != "almond" else "lotus", cx, cy,
                               a + math.pi / n, hub * 0.6, radius, math.pi * radius * 0.62 / n,
                               st))
    hub_disc = circle(cx, cy, hub)
    front_union = shapely.union_all([*front, hub_disc])
    patterns = c.motifs_in(PETAL_FILLS) or ["ribs"]
    shapes: Geoms = [hub_disc]
    for k, p in enumerate(front):
        visible = p.difference(hub_disc)
        if not layered and k:
            # Each petal tucks under the one before: where two overlap, the lens they
            # would both outline (too small to colour on a small trim) is one petal's.
            visible = visible.difference(shapely.union_all(front[:k]))
        shapes.append(visible)
        shapes += _petal_detail(c, visible, patterns[k % len(patterns)],
                                angle0 + 2 * math.pi * k / n)
    front_all = front_union
    for k, p in enumerate(back):
        visible = p.difference(front_all)
        shapes.append(p.boundary.difference(front_all))
        pattern = patterns[(k + 1) % len(patterns)]
        for part in shapely.get_parts(visible):
            if part.area > 6 * st.min_area_pt2:
                shapes += _petal_detail(c, part, pattern, angle0 + 2 * math.pi * (k + 0.5) / n)
    flower = shapely.union_all([front_union, *back])
    # The hub: seeds (dots) or a spiral.
    if hub > 5 * g and st.audience != "toddlers":
        seeds = fills.fill(hub_disc.buffer(-g), "dots" if st.audience == "adults" else "spirals",
                           2.2 * g, st, rng)
        shapes += seeds.shapes
    # Leaves behind the flower, clipped by it.
    leaves_n = {"adults": 4, "children": 3, "toddlers": 2}[st.audience]
    taken = flower
    for k in range(leaves_n):
        a = angle0 + math.pi / n + 2 * math.pi * (k + 0.5) / leaves_n + rng.uniform(-0.3, 0.3)
        leaf = motifs.leaf(radius * 0.95, radius * 0.26, st)
        veins = motifs.decorate(leaf, "ribs" if st.audience == "adults" else "vein", st, rng)
        placed = [shapely.affinity.translate(shapely.affinity.rotate(
            shapely.affinity.translate(p, 0, radius * 0.55), math.degrees(a) - 90,
            origin=(0, 0)), cx, cy) for p in [leaf, *veins]]
        if not shapely.box(x0, y0, x1, y1).contains(placed[0]):
            continue
        shapes.append(placed[0].boundary.difference(taken))
        shapes += [v.difference(taken) for v in placed[1:]]
        taken = taken.union(placed[0])
    for s in shapes:
        if s is not None and not s.is_empty:
            c.drawing.add(s, st.detail_pt)
    c.drawing.add(flower.boundary, st.line_pt)
    pattern = c.motif(BACKGROUNDS, "")
    if pattern and st.audience == "adults":
        _fill_around(c, area, [taken], pattern)
    return f"one big {profile} bloom of {2 * n} petals"


def _petal(kind: str, cx: float, cy: float, angle: float, r0: float, r1: float,
           half_width: float, st: Style) -> Polygon:
    shape = motifs.petal(kind, r1 - r0, half_width, st)
    shape = shapely.affinity.translate(shape, 0, r0)
    shape = shapely.affinity.rotate(shape, math.degrees(angle) - 90, origin=(0, 0))
    return shapely.affinity.translate(shape, cx, cy)


def _band_and_midrib(petal: Polygon, st: Style) -> Geoms:
    """A children's petal: an inner outline (two areas to colour per petal: one big
    flower alone had too few regions on a small trim), halved by a midrib when both
    halves stay big enough to colour."""
    g = st.min_gap_pt
    # A wide band where the petal allows it, a narrower one on slim petals.
    inner = None
    for gap, least in ((1.6 * g, 8), (1.1 * g, 6)):
        candidate = motifs.echo(petal, gap, least * st.min_area_pt2)
        # The band round it must stay one piece: pinched at a slim base, it would
        # leave pockets too small to colour.
        if candidate is not None and all(
                part.area > 4 * st.min_area_pt2
                for part in shapely.get_parts(petal.difference(candidate.buffer(g / 4)))):
            inner = candidate
            break
    if inner is None:
        return []
    # A midrib along the petal's axis, when both halves stay big enough to colour.
    centre = petal.centroid
    reach = math.hypot(petal.bounds[2] - petal.bounds[0], petal.bounds[3] - petal.bounds[1])
    # The petal's long axis: the longer side of its smallest enclosing rectangle.
    box = list(shapely.minimum_rotated_rectangle(petal).exterior.coords)
    sides = [(box[i + 1][0] - box[i][0], box[i + 1][1] - box[i][1]) for i in range(2)]
    ax, ay = max(sides, key=lambda v: math.hypot(*v))
    length = math.hypot(ax, ay) or 1.0
    dx, dy = ax / length * reach, ay / length * reach
    rib = shapely.LineString([(centre.x - dx, centre.y - dy),
                              (centre.x + dx, centre.y + dy)]).intersection(inner)
    halves = shapely.get_parts(shapely.ops.split(inner, rib)) if not rib.is_empty else []
    if len(halves) == 2 and min(h.area for h in halves) > 4 * st.min_area_pt2:
        return [inner, rib]
    return [inner]


def _petal_detail(c: Canvas, petal: Polygon, pattern: str, angle: float) -> Geoms:
    """A petal's inside: an inner outline holding a zentangle fill, or veins."""
    st = c.style
    g = st.min_gap_pt
    if st.audience == "children":
        return _band_and_midrib(petal, st)
    if st.audience != "adults":
        return []
    if pattern == "ribs":
        inner = motifs.echo(petal, 1.2 * g, 3 * st.min_area_pt2)
        return [inner] if inner is not None else []
    inner = motifs.echo(petal, 1.4 * g, 6 * st.min_area_pt2)
    if inner is None:
        return []
    result = fills.fill(inner, pattern[5:], 2.4 * g, st, c.rng, angle=angle)
    return [inner, *result.shapes]


def _classic(scene: str | None) -> Callable[[Canvas], str]:
    def build(c: Canvas) -> str:
        kinds = [k for k in c.design.motifs if k in flowers.HEADS]
        cover: Geoms = []
        drawing, description = flowers.build(c.rng, c.style, c.width, c.height, kinds, scene,
                                             cover)
        description = str(description)
        c.drawing.strokes.extend(drawing.strokes)
        pattern = c.motif(BACKGROUNDS, "")
        if pattern and cover and scene == "bouquet":
            # The bouquet's own frame: its art box with a gap-wide margin (see flowers).
            from backoffice.art.procedural.design import TARGETS, count_regions
            from backoffice.art.procedural.frames import FrameArea
            from backoffice.art.procedural.geometry import art_box, rounded_rect

            x0, y0, x1, y1 = art_box(c.width, c.height, c.style)
            inner = rounded_rect(x0, y0, x1, y1, c.style.min_gap_pt).buffer(-0.01)
            # The bouquet is drawn once (it does not scale): the background's cells are
            # sized to what the page's budget leaves (about two cells per spacing squared
            # for the finest patterns).
            room = TARGETS[c.style.audience][1] * 0.85 - count_regions(c.drawing,
                                                                        c.style.audience)
            free = inner.area - cover[0].area
            spacing = math.sqrt(2.0 * free / max(room, 50.0))
            c.complexity = min(c.complexity, (17.0 / spacing) ** 2)
            _fill_around(c, FrameArea(inner, (x0, y0, x1, y1)), [cover[0]], pattern)
            description += f" on {pattern[5:]}"
        return description

    return build


_HEADS = (flowers.HEADS, flowers.HEADS)
LAYOUTS = {
    "bouquet": Layout(_classic("bouquet"), {"adults": (*_HEADS, (*BACKGROUNDS, "", ""))},
                      own_frame=True, scalable=False),
    "meadow": Layout(_classic("meadow"), {"children": (*_HEADS, ("sun", "no sun"))},
                     own_frame=True, scalable=False),
    "single": Layout(_classic(None), {"toddlers": (("round", "daisy"),)}, own_frame=True,
                     scalable=False),
    "wreath": Layout(wreath, {"adults": (*_HEADS, CENTRES, (*BACKGROUNDS, "")),
                              "children": (*_HEADS, ("empty", "spirals"))}),
    "bloom": Layout(bloom, {"adults": (tuple(motifs.PROFILES), PETAL_FILLS, PETAL_FILLS,
                                       (*BACKGROUNDS, "")),
                            "children": (("round", "oval", "almond", "lotus"),
                                         ("five petals", "six petals", "seven petals"))}),
}
