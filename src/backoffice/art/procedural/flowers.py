"""Figurative family: flowers with stems and veined leaves, layered front to back like a drawing."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from backoffice.art.procedural.geometry import (
    Drawing,
    Geoms,
    Style,
    art_box,
    circle,
    petal,
    rounded_rect,
)

Item = tuple[Polygon, Geoms]  # outline, inner lines
# A flower head composed on its own (see `_head`): outline, no inner lines, its lines.
Head = tuple[Polygon, Geoms, Geoms]
HEADS = ("round", "daisy", "layered")


def compose(items: Geoms, gap: float, occluder: Polygon | None = None,
            cover: Geoms | None = None, bridge: bool = True) -> Geoms:
    """Painter's algorithm, front first: each outline and its details are cut where a shape
    in front already covers them, so every visible line ends on another line.

    A shape that passes within `gap` of what is already in front, without meeting it
    cleanly, would leave a hairline of white between the two outlines: a near miss that
    leaks colour or makes a sliver too small to colour. Such gaps (up to 2 x gap wide) are
    bridged by a morphological closing, so the shape behind joins the one in front with a
    small fillet, as a hand-drawn outline would. Details that come that close are dropped.
    `occluder` (e.g. everything outside the frame) is in front of everything, never drawn.
    An item may carry a third element: lines composed already (a whole flower head, see
    `_head`), which are only cut where something in front covers them. `cover`, if given,
    receives the union of everything drawn (bridges included). `bridge=False` leaves the
    shapes as they are (see `_head` for the cheaper way one flower's petals are bridged)."""
    # What is in front, kept as a few separate unions (clusters of overlapping shapes) so
    # no operation ever touches the whole page: each shape looks only at the clusters
    # around it, clipped to a window, and joins (merges) those it overlaps.
    clusters: list[Polygon] = []
    boxes: list[tuple[float, float, float, float]] = []
    lines: Geoms = []
    reach = 2 * gap
    for shape, details, *composed in items:
        sx0, sy0, sx1, sy1 = shape.bounds
        margin = 3 * reach + 1.0
        wx0, wy0, wx1, wy1 = sx0 - margin, sy0 - margin, sx1 + margin, sy1 + margin
        window = shapely.box(wx0, wy0, wx1, wy1)
        near = [k for k, (bx0, by0, bx1, by1) in enumerate(boxes)
                if bx0 < wx1 and bx1 > wx0 and by0 < wy1 and by1 > wy0]
        pieces = [clusters[k] for k in near]
        if occluder is not None:
            pieces.append(occluder)
        if len(pieces) == 1 and not bridge:
            local = pieces[0]  # no closing to keep small: use it whole
        else:
            local = shapely.union_all([shapely.intersection(piece, window) for piece in pieces])
        if local.is_empty:
            local = None
        elif bridge and gap > 0 and shape.distance(local) < gap:
            shape = _drop_pinches(shape, local, gap)
            merged = shapely.union(local, shape)
            closed = merged.buffer(gap, quad_segs=4).buffer(-gap, quad_segs=4)
            # Every sliver the closing fills near this shape, including narrow wedges left
            # between shapes in front that this one would otherwise cut into tiny regions.
            # (Fills far from it are artefacts of the clip rectangle's corners.)
            bridges = shapely.get_parts(closed.difference(merged))
            keep = bridges[(shapely.area(bridges) > 1e-3 * gap * gap)
                           & (shapely.distance(bridges, shape) < reach)]
            if len(keep):
                shape = _polygonal(shapely.union_all([shape, *keep]))
        parts = list(composed[0]) if composed else [shape.boundary]
        first_line = next((d for d in details if not isinstance(d, Polygon)), None)
        outline = None
        for d in details:
            if isinstance(d, Polygon):
                if local is not None and d.distance(local) < reach and not local.contains(d):
                    continue  # a near miss or a half-hidden detail: leave it out
                parts.append(d.boundary)
            elif local is None:
                parts.append(d)
            else:
                # Keep the pieces that end on what is in front or stay well clear of it.
                # Only the first line (a leaf's midrib, which runs straight out from under
                # the flower that hides its base) may be cut; other lines that would be cut
                # meet outlines at shallow angles and pinch the colour, so they go.
                if d is not first_line and d.intersects(local):
                    continue
                # A free end must also stay clear of the shape's own (possibly cut) outline.
                if outline is None:
                    outline = shapely.union(local.boundary, shape.boundary)
                for piece in shapely.get_parts(d.difference(local)):
                    ends = shapely.distance(shapely.get_parts(piece.boundary), outline)
                    if not ((ends > 1e-6) & (ends < reach)).any() and (
                            piece.distance(local) < 1e-6 or piece.distance(local) >= reach):
                        parts.append(piece)
        if local is not None:
            parts = [part.difference(local) for part in parts]
        lines += parts
        joined = [k for k in near if boxes[k][0] < sx1 and boxes[k][2] > sx0
                  and boxes[k][1] < sy1 and boxes[k][3] > sy0]
        if not shape.is_empty:
            cluster = shapely.union_all([shape, *(clusters[k] for k in joined)])
            for k in reversed(joined):
                del clusters[k], boxes[k]
            clusters.append(cluster)
            boxes.append(cluster.bounds)
    if cover is not None:
        cover.append(shapely.union_all(clusters))
    return lines


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Overlays can return a collection with stray points or lines; keep the area."""
    if geom.geom_type != "GeometryCollection":
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else Polygon()


def _drop_pinches(shape: Polygon, local: BaseGeometry, gap: float) -> Polygon:
    """What still shows of a shape behind others may pinch to a neck or a strip too narrow
    to colour (a stem almost hidden behind another, a leaf tip squeezed between petals).
    Then give up those thin bits: the shape is cut back to its morphological opening."""
    visible = shape.difference(local)
    radius = 0.75 * gap
    opened = visible.buffer(-radius, quad_segs=4).buffer(radius, quad_segs=4)
    thin = visible.difference(opened)
    # Corners where the shape comes out from behind another shave off small crumbs; only
    # a split or a long strip is worth cutting back for.
    bits = shapely.get_parts(thin)
    if len(shapely.get_parts(opened)) == len(shapely.get_parts(visible)) and not (
            shapely.area(bits) > 4 * radius * radius).any():
        return shape
    trimmed = shape.difference(thin)
    parts = shapely.get_parts(trimmed)
    parts = parts[shapely.area(parts) > 1e-3 * gap * gap]
    return shapely.union_all(parts) if len(parts) else Polygon()


def _head(cx: float, cy: float, radius: float, kind: str, rng: np.random.Generator,
          style: Style) -> Head:
    """A flower composed on its own, as one item: its petals are only compared with each
    other, which is much cheaper than against the whole page."""
    gap = style.min_gap_pt * 0.6
    items = _flower(cx, cy, radius, kind, rng, style)
    # One closing for the whole flower instead of one per petal: each sliver it fills
    # (the narrow tip of a wedge between petals) joins the hindmost petal it touches, so
    # the wedge ends in a small arc instead of a hairline.
    shapes = [shape for shape, _ in items]
    union = shapely.union_all(shapes)
    fills = shapely.get_parts(union.buffer(gap, quad_segs=4).buffer(-gap, quad_segs=4)
                              .difference(union))
    fills = fills[shapely.area(fills) > 1e-3 * gap * gap]
    if len(fills):
        touching = shapely.STRtree(shapes).query(shapely.buffer(fills, gap * 0.01),
                                                 predicate="intersects")
        owner: dict[int, int] = {}
        for fill, k in zip(*touching.tolist(), strict=True):
            owner[fill] = max(owner.get(fill, -1), k)
        for k in sorted(set(owner.values())):
            pieces = [fills[f] for f, owned_by in owner.items() if owned_by == k]
            shapes[k] = _polygonal(shapely.union_all([shapes[k], *pieces]))
            items[k] = (shapes[k], items[k][1])
    cover: Geoms = []
    lines = compose(items, gap, cover=cover, bridge=False)
    return cover[0], [], lines


def _flower(cx: float, cy: float, radius: float, kind: str, rng: np.random.Generator,
            style: Style) -> list[Item]:
    n = int(rng.integers(5, 7)) if kind == "round" else int(rng.integers(8, 12))
    if style.audience == "children":  # 8-11 petals (two rings when layered) on four
        n = int(rng.integers(6, 8)) if kind == "layered" else min(n, 9)  # flowers: > 80
    phase = rng.uniform(0, 2 * math.pi)
    if style.audience == "toddlers":
        phase = math.pi / 2  # a petal points down: the stem ends in it, see _plant
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
            # Thick toddler lines: smaller petals, so a petal and its second neighbour stay
            # clearly apart instead of grazing each other in a black wedge.
            shape = circle(px, py, radius * (0.36 if style.audience == "toddlers" else 0.46))
            inner = ([circle(px, py, radius * 0.22)] if style.audience == "adults"
                     and radius * 0.22 > style.min_gap_pt else [])
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
    return items


def _leaf(x: float, y: float, angle: float, length: float, width: float, style: Style) -> Item:
    shape = petal(x, y, angle, 0.0, length, width / 2, tip=1.0, base=0.7)
    if style.audience == "toddlers":
        return shape, []
    c, s = math.cos(angle), math.sin(angle)
    reach = 1.0 if style.audience == "adults" else 0.8  # adults: the vein ends on the tip
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


def _plant(x: float, ground: float, head: tuple[float, float, float], kind: str,
           rng: np.random.Generator, style: Style, leaves: int,
           blossom: list[Item] | None = None) -> list[Item]:
    hx, hy, r = head
    bend = rng.uniform(-0.25, 0.25) * (ground - hy)
    if style.audience == "toddlers":
        # The thick stem ends inside the bottom petal, near its round tip, so its edges
        # cross that outline almost square instead of sliding along a petal's side.
        bend *= 0.5
    end_y = hy + r * 0.72 if style.audience == "toddlers" else hy
    spine = _stem(x, ground + 30, hx, end_y, r, bend)
    stem_w = max(style.min_gap_pt * 1.2, r * 0.12)
    items = [*(blossom or _flower(hx, hy, r, kind, rng, style)),
             (spine.buffer(stem_w / 2, cap_style="flat"), [])]
    for k in range(leaves):
        # Toddler leaves sit lower so the upper one never wedges a crumb against the head.
        top = 0.55 if style.audience == "toddlers" else 0.35
        f = top + (0.75 - top) * k / max(1, leaves - 1) + rng.uniform(-0.05, 0.05)
        px, py = spine.interpolate(1 - f, normalized=True).coords[0]
        side = -1 if k % 2 else 1
        # Toddler leaves stand out wider, so their thick outlines meet the stem at an open
        # angle rather than running into it at a shallow one.
        spread = (1.1, 1.35) if style.audience == "toddlers" else (0.7, 1.1)
        angle = -math.pi / 2 + side * rng.uniform(*spread)
        items.append(_leaf(px, py, angle, r * rng.uniform(1.0, 1.4), r * 0.5, style))
    return items


def _ground(x0: float, x1: float, y: float, amplitude: float, bottom: float,
            rng: np.random.Generator) -> Polygon:
    xs = np.linspace(x0 - 5, x1 + 5, 60)
    ys = y + amplitude * np.sin(xs / (x1 - x0) * rng.uniform(4, 8) + rng.uniform(0, 6))
    return Polygon([*zip(xs, ys, strict=True), (x1 + 5, bottom + 5), (x0 - 5, bottom + 5)])


def build(rng: np.random.Generator, style: Style, width: float, height: float,
          kinds: list[str] | None = None, scene: str | None = None,
          cover: Geoms | None = None) -> tuple[Drawing, str]:
    """A meadow (children), a bouquet (adults) or one flower (toddlers); `kinds` limits
    the flower heads, `scene` picks the meadow or the bouquet for any older audience."""
    drawing = Drawing(width, height)
    x0, y0, x1, y1 = art_box(width, height, style)
    w = x1 - x0
    kinds = [k for k in (kinds or []) if k in HEADS] or list(HEADS)
    if style.audience == "toddlers":
        r = w * 0.3
        hx, hy = (x0 + x1) / 2, y0 + r * 1.05
        kind = str(rng.choice([k for k in kinds if k != "layered"] or ["round", "daisy"]))
        head = _flower(hx, hy, r, kind, np.random.default_rng(int(rng.integers(1 << 30))),
                       style) if kind == "round" else _toddler_daisy(hx, hy, r, rng, style)
        plant = _plant((x0 + x1) / 2, y1 - 40, (hx, hy, r), kind, rng, style, 2, head)
        clip = shapely.box(x0, y0, x1, y1)
        # No bridging for 4.8 pt lines: a fillet meets its outlines tangentially, and two
        # thick lines merging at a tangent make a solid black wedge.
        for line in compose(plant, 0.0):
            drawing.add(line.intersection(clip), style.line_pt)
        return drawing, f"flowers, one {kind} flower"
    frame = rounded_rect(x0, y0, x1, y1, style.min_gap_pt)
    ground_y = y1 - (y1 - y0) * rng.uniform(0.12, 0.18)
    items: list[Item | Head] = [(_ground(x0, x1, ground_y, 8, y1, rng), [])]
    if scene == "meadow" or scene is None and style.audience == "children":
        # A narrow trim (6x9) holds fewer plants; four crammed in overlap into crumbs.
        count = int(rng.integers(3, 5)) if w > 420 else int(rng.integers(2, 4))
        xs = np.linspace(x0 + w * 0.18, x1 - w * 0.18, count) + rng.uniform(-w * 0.04, w * 0.04,
                                                                             count)
        heads: list[tuple[float, float, float]] = []
        for i, x in enumerate(xs):
            r = w * rng.uniform(0.14, 0.18)
            hy = (y0 + r * 1.1 + style.min_gap_pt + (ground_y - y0) * rng.uniform(0.0, 0.3)
                  + (r if i % 2 else 0))
            # Heads stay clear of the frame: a near miss would leave a leaking gap.
            hx = min(max(x + rng.uniform(-r, r) * 0.4, x0 + r * 1.1 + style.min_gap_pt),
                     x1 - r * 1.1 - style.min_gap_pt)
            items += _plant(x, ground_y, (hx, hy, r), str(rng.choice(kinds)), rng, style, 2)
            heads.append((hx, hy, r))
        sr = max(w * 0.06, 2.6 * style.min_gap_pt)  # rays big enough to colour on 6x9
        sx = sy = 2 * sr + 1.5 * style.min_gap_pt  # the rays stay clear of the frame
        sx, sy = x0 + sx, y0 + sy
        # The sun only shines where no flower head is in the way (its rays reach 2 x sr).
        if rng.random() < 0.7 and all(math.hypot(hx - sx, hy - sy) > r + 2 * sr + 2 *
                                      style.min_gap_pt for hx, hy, r in heads):
            items[1:1] = _sun(sx, sy, sr, style)
        description = f"flowers, {count} flowers in a meadow"
    else:
        items, description = _bouquet(rng, style, (x0, y0, x1, y1), frame, kinds)
    outside = shapely.box(x0 - 50, y0 - 50, x1 + 50, y1 + 50).difference(frame)
    for line in compose(items, style.min_gap_pt * 0.6, occluder=outside, cover=cover):
        drawing.add(line, style.detail_pt)
    drawing.add(frame, style.line_pt)
    return drawing, description


def _toddler_daisy(cx: float, cy: float, radius: float, rng: np.random.Generator,
                   style: Style) -> list[Item]:
    n = int(rng.integers(5, 7))
    items: list[Item] = [(circle(cx, cy, radius * 0.32), [])]
    hw = min(radius * 0.24, 0.8 * math.pi * radius * 0.6 / n)
    rng.uniform(0, 2 * math.pi)
    phase = math.pi / 2  # one petal points down and hides the top of the stem
    # Pointed bases: where the petals leave the heart they stay well apart, instead of
    # nearly touching and merging their thick outlines into black wedges.
    items += [(petal(cx, cy, phase + 2 * math.pi * i / n, radius * 0.2, radius, hw, tip=0.45,
                     base=1.0), []) for i in range(n)]
    return items


def _sun(cx: float, cy: float, r: float, style: Style) -> list[Item]:
    rays = [petal(cx, cy, 2 * math.pi * i / 8, r * 1.35, r * 2.0, r * 0.22, tip=1.0, base=0.6)
            for i in range(8)]
    return [(circle(cx, cy, r), []), *((ray, []) for ray in rays)]


def _bouquet(rng: np.random.Generator, style: Style, box: tuple[float, float, float, float],
             frame: Polygon, kinds: list[str] | None = None) -> tuple[list[Item | Head], str]:
    """Flowers that never touch each other, leaves tucked behind them, blossoms in the gaps.
    Shapes only overlap where intended, so no sliver or near-miss gap is left to colour."""
    x0, y0, x1, y1 = box
    w = x1 - x0
    gap = style.min_gap_pt * 1.5
    inner = frame.buffer(-gap)
    placed: list[tuple[float, float, float]] = []
    for _ in range(400):
        r = w * rng.uniform(0.11, 0.17) * (1.0 if len(placed) < 5 else 0.7)
        # Heads keep a gap from the frame too: a petal grazing it leaves a hairline.
        x = rng.uniform(x0 + r + gap, x1 - r - gap)
        y = rng.uniform(y0 + r + gap, y1 - r - gap)
        if all(math.hypot(x - px, y - py) > r + pr + 2 * gap for px, py, pr in placed):
            placed.append((x, y, r))
        if len(placed) >= 12:
            break
    kinds = kinds or list(HEADS)
    heads = [_head(x, y, r, str(rng.choice(kinds)), rng, style) for x, y, r in placed]
    taken = shapely.union_all([circle(x, y, r + gap) for x, y, r in placed])
    shapely.prepare(taken)
    leaves: list[Item] = []
    for x, y, r in placed:
        # A leaf may only meet its own flower: what it adds outside that flower's disc
        # must stay clear of everything taken so far.
        own = circle(x, y, r + gap * 1.01)
        for _ in range(int(rng.integers(2, 5))):
            a = rng.uniform(0, 2 * math.pi)
            leaf = _leaf(x + math.cos(a) * r * 0.5, y + math.sin(a) * r * 0.5, a,
                         r * rng.uniform(1.2, 1.7), r * 0.7, style)
            if not inner.contains(leaf[0]):
                continue
            grown = leaf[0].buffer(gap, quad_segs=4)
            if not taken.intersects(grown.difference(own)):
                leaves.append(leaf)
                taken = shapely.union(taken, grown)
                shapely.prepare(taken)
    blossoms: list[Head] = []
    shapely.prepare(taken)
    for _ in range(300):
        # Never so small (6x9 trims) that the petals' rings crowd into hairline gaps.
        r = max(w * rng.uniform(0.035, 0.06), 5 * style.min_gap_pt)
        x, y = rng.uniform(x0 + r, x1 - r), rng.uniform(y0 + r, y1 - r)
        # Point tests instead of building two discs for each of the 300 tries.
        centre = shapely.Point(x, y)
        if (inner.contains(centre) and inner.exterior.distance(centre) >= r
                and taken.distance(centre) > r + gap):
            blossoms.append(_head(x, y, r, "round", rng, style))
            taken = shapely.union(taken, circle(x, y, r + gap))
            shapely.prepare(taken)
    return heads + leaves + blossoms, (f"flowers, bouquet of {len(placed)} flowers, "
                                       f"{len(leaves)} leaves, {len(blossoms)} blossoms")
