"""Page frames: an edge (plain, double, scalloped, wavy or stamp-cut) with ornaments in
its corners, or, for adults, an ornamental border: a band motif along the four sides
between corner squares that each hold an ornament.

A frame is named "edge/corner" (e.g. "scalloped/heart") or "band:<motif>/corner" (e.g.
"band:lace/rosette"); "none" draws nothing. `frame_names` lists all an audience can
have, so a book can give every design its own; `draw_frame` draws one and returns the
area left inside it (the clip for full-bleed designs) and a rectangle within it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from backoffice.art.procedural import bands, motifs
from backoffice.art.procedural.geometry import Drawing, Geoms, Style, circle, rounded_rect, star

EDGES = ("line", "double", "scalloped", "wavy", "stamp")
# Band motifs that read well along a straight border (adults only: a border costs
# children's pages most of their regions).
BORDERS = ("beads", "scallops", "lace", "arches", "triangles", "braid", "hearts", "drops",
           "diamonds", "shells", "vine", "leaves", "petals", "fill:scales", "fill:checker",
           "fill:waves", "fill:honeycomb", "fill:bricks", "fill:zigzag")
CORNERS = ("plain", "fan", "flower", "heart", "star", "rosette", "leaf")
BAND_CORNERS = ("square", "rosette", "flower", "diamond", "shell", "fan")
BAND_PT = (30.0, 40.0)


@dataclass(frozen=True)
class FrameArea:
    inner: Polygon  # everything inside the frame's innermost line
    box: tuple[float, float, float, float]  # a rectangle inside it, with a margin
    # The innermost line's rectangle when it is straight (designs may be cut on it).
    straight: tuple[float, float, float, float] | None = None
    # Room that corner ornaments take inside the frame: designs keep out of it.
    reserved: Polygon | None = None

    def centred_disc(self, gap: float) -> tuple[float, float, float]:
        """Centre and radius of the largest disc centred in the box that keeps `gap` away
        from the corner ornaments: where a round medallion, rosette or wreath goes."""
        x0, y0, x1, y1 = self.box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        radius = min(x1 - x0, y1 - y0) / 2
        if self.reserved is not None:
            radius = min(radius, self.reserved.distance(shapely.Point(cx, cy)) - gap)
        return cx, cy, radius


def frame_names(style: Style, *, ornaments: bool = True, straight: bool = False) -> list[str]:
    """Every frame an audience can get. Without `ornaments` (designs that fill the frame to
    its corners) corners stay plain; `straight` keeps frames whose inner line is a plain
    rectangle (designs cut on it). A band border keeps its ornaments outside the design,
    so adults' bands suit every design but those that need the frame's exact edge."""
    edges = ("line", "double") if straight else EDGES
    if style.audience == "toddlers":
        return [f"{e}/plain" for e in edges if e in ("line", "double", "scalloped", "wavy")]
    corners = CORNERS if ornaments else ("plain",)
    # A fan is centred on the frame's inner corner: only a square corner has one.
    names = [f"{e}/{c}" for e in edges for c in corners
             if c != "fan" or e in ("line", "double")]
    if style.audience == "adults":
        names += [f"band:{b}/{c}" for b in BORDERS for c in BAND_CORNERS]
    return names


def draw_frame(drawing: Drawing, box: tuple[float, float, float, float], frame: str, style: Style,
               rng: np.random.Generator, complexity: float = 1.0,
               corners: bool = True) -> FrameArea:
    x0, y0, x1, y1 = box
    g = style.min_gap_pt
    if frame == "none":
        return FrameArea(shapely.box(*box), box)
    edge, corner = frame.split("/")
    if edge.startswith("band:"):
        return _band_frame(drawing, box, edge[5:], corner, style, rng, complexity)
    outline, inset = edge_outline(edge, box, style)
    drawing.add(outline, style.bold_pt)
    inner = outline
    if edge == "double":
        step = 1.9 * g if style.audience == "adults" else 1.6 * g
        inner = shapely.box(x0 + step + inset, y0 + step + inset, x1 - step - inset,
                            y1 - step - inset)
        drawing.add(inner, style.line_pt)
        inset += step
    ibox = (x0 + inset, y0 + inset, x1 - inset, y1 - inset)
    size = _corner_size(ibox, style)
    reserved = []
    if corner != "plain" and size and corners:
        for k, (cx, cy) in enumerate(((ibox[0], ibox[1]), (ibox[2], ibox[1]),
                                      (ibox[2], ibox[3]), (ibox[0], ibox[3]))):
            pieces = corner_piece(corner, cx, cy, size, k, style)
            for shape in pieces:
                drawing.add(shape, style.detail_pt)
            if pieces:
                reach = size * 1.05 if corner == "fan" else size * 0.84 + 1.2 * g
                reserved.append(shapely.box(cx - reach, cy - reach, cx + reach, cy + reach)
                                .intersection(circle(cx, cy, reach * 1.42)))
    pad = 1.5 * g
    straight = ibox if edge in ("line", "double") else None
    return FrameArea(inner, (ibox[0] + pad, ibox[1] + pad, ibox[2] - pad, ibox[3] - pad),
                     straight, shapely.union_all(reserved).buffer(g) if reserved else None)


def _corner_size(ibox: tuple[float, float, float, float], style: Style) -> float:
    side = min(ibox[2] - ibox[0], ibox[3] - ibox[1])
    size = side * (0.13 if style.audience == "adults" else 0.16)
    return size if size > 6 * style.min_gap_pt else 0.0


def edge_outline(edge: str, box: tuple[float, float, float, float], style: Style
                 ) -> tuple[Polygon, float]:
    """The frame's outer line and how far inside the box its inner side lies."""
    x0, y0, x1, y1 = box
    g = style.min_gap_pt
    if edge in ("line", "double"):
        # Square corners: designs cut on this line (tiles, half mandalas) meet it exactly.
        return shapely.box(x0, y0, x1, y1), 0.0
    depth = 1.4 * g if style.audience == "adults" else 1.0 * g
    # The wavy edge runs inside the box: its crests touch the box, its troughs are depth in.
    rx0, ry0, rx1, ry1 = x0 + depth, y0 + depth, x1 - depth, y1 - depth
    corners = [(rx0, ry0), (rx1, ry0), (rx1, ry1), (rx0, ry1)]
    pts = []
    for k in range(4):
        (ax, ay), (bx, by) = corners[k], corners[(k + 1) % 4]
        side = math.hypot(bx - ax, by - ay)
        n = max(2, round(side / (5.5 * depth)))
        t = np.linspace(0, 1, 24 * n + 1)[:-1]
        phase = (t * n) % 1.0
        if edge == "scalloped":
            bump = np.sin(np.pi * phase)
        elif edge == "wavy":
            bump = 0.5 - 0.5 * np.cos(2 * np.pi * phase)
        else:  # stamp: a zig-zag
            bump = 1 - np.abs(2 * phase - 1)
        ux, uy = (bx - ax) / side, (by - ay) / side
        nx, ny = uy, -ux  # outward for a clockwise walk in y-down coordinates
        pts.append(np.column_stack([ax + ux * side * t + nx * depth * bump,
                                    ay + uy * side * t + ny * depth * bump]))
    return Polygon(np.concatenate(pts)), depth


def corner_piece(kind: str, cx: float, cy: float, size: float, k: int,
                 style: Style) -> Geoms:
    """An ornament in a frame's inner corner (cx, cy); k = 0..3 clockwise from top left.
    It either meets the frame's lines (fan) or keeps a gap from them."""
    g = style.min_gap_pt
    sx, sy = (1 if k in (0, 3) else -1), (1 if k in (0, 1) else -1)
    if kind == "fan":
        out = []
        radii = [size * f for f in ((0.55, 1.0) if style.audience != "adults" else
                                    (0.4, 0.7, 1.0))]
        box = shapely.box(min(cx, cx + sx * size * 2), min(cy, cy + sy * size * 2),
                          max(cx, cx + sx * size * 2), max(cy, cy + sy * size * 2))
        for r in radii:
            out.append(circle(cx, cy, r).boundary.intersection(box))
        if style.audience == "adults":
            for a in (30.0, 60.0):
                t = math.radians(a)
                out.append(LineString([(cx + sx * radii[0] * math.cos(t),
                                        cy + sy * radii[0] * math.sin(t)),
                                       (cx + sx * radii[-1] * math.cos(t),
                                        cy + sy * radii[-1] * math.sin(t))]))
        return out
    # Floating ornaments sit on the corner's diagonal, clear of both lines.
    r = size * 0.42
    ox, oy = cx + sx * (r + 1.2 * g), cy + sy * (r + 1.2 * g)
    tilt = math.degrees(math.atan2(sy, sx))
    if kind == "flower":
        return _flower(ox, oy, r, style)
    if kind == "heart":
        shape = motifs.heart(2 * r, r * 0.95)
        shape = shapely.affinity.translate(shape, 0, -r)
        shape = shapely.affinity.rotate(shape, tilt - 90, origin=(0, 0))
        inner = motifs.echo(shape, 1.3 * g, 2 * style.min_area_pt2)
        return [shapely.affinity.translate(s, ox, oy) for s in [shape, inner] if s is not None]
    if kind == "star":
        out = [star(ox, oy, r, r * 0.45, 5, math.radians(tilt))]
        if r * 0.45 > 3 * g and style.audience == "adults":
            out.append(circle(ox, oy, r * 0.45 - 1.4 * g))
        return out
    if kind == "rosette":
        out = [circle(ox, oy, r)]
        if r > 3.5 * g:
            out.append(circle(ox, oy, r * 0.4))
            for j in range(6 if style.audience == "adults" else 4):
                a = j * math.pi / (3 if style.audience == "adults" else 2)
                out.append(LineString([(ox + r * 0.4 * math.cos(a), oy + r * 0.4 * math.sin(a)),
                                       (ox + r * math.cos(a), oy + r * math.sin(a))]))
        return out
    if kind == "leaf":
        leaf = motifs.leaf(2 * r, r * 0.42, style)
        parts = [leaf, *motifs.decorate(leaf, "ribs" if style.audience == "adults" else "vein",
                                        style, np.random.default_rng(0))]
        parts = [shapely.affinity.rotate(shapely.affinity.translate(p, 0, -r), tilt - 90,
                                         origin=(0, 0)) for p in parts]
        return [shapely.affinity.translate(p, ox, oy) for p in parts]
    return []


def _flower(ox: float, oy: float, r: float, style: Style) -> Geoms:
    hub, petals = motifs.sector_flower(ox, oy, r, 6 if r > 5 * style.min_gap_pt else 5, 0.34)
    return [hub, *petals]


def _band_frame(drawing: Drawing, box: tuple[float, float, float, float], border: str,
                corner: str, style: Style, rng: np.random.Generator,
                complexity: float = 1.0) -> FrameArea:
    x0, y0, x1, y1 = box
    g = style.min_gap_pt
    scale = min(1.0, (x1 - x0) / 520)
    bw = max(bands.min_width(border, style), rng.uniform(*BAND_PT) * max(scale, 0.75))
    drawing.add(rounded_rect(x0, y0, x1, y1, 1.5 * g), style.bold_pt)
    ix0, iy0, ix1, iy1 = x0 + bw, y0 + bw, x1 - bw, y1 - bw
    inner = shapely.box(ix0, iy0, ix1, iy1)
    drawing.add(inner, style.line_pt)
    # The lines that close the four corner squares.
    for a, b in (((ix0, y0), (ix0, iy0)), ((x0, iy0), (ix0, iy0)), ((ix1, y0), (ix1, iy0)),
                 ((x1, iy0), (ix1, iy0)), ((ix0, y1), (ix0, iy1)), ((x0, iy1), (ix0, iy1)),
                 ((ix1, y1), (ix1, iy1)), ((x1, iy1), (ix1, iy1))):
        drawing.add(LineString([a, b]), style.line_pt)
    _sides(drawing, border, box, bw, style, rng, complexity)
    for cx, cy in ((x0 + bw / 2, y0 + bw / 2), (x1 - bw / 2, y0 + bw / 2),
                   (x1 - bw / 2, y1 - bw / 2), (x0 + bw / 2, y1 - bw / 2)):
        for shape in square_ornament(corner, cx, cy, bw, style, box):
            drawing.add(shape, style.detail_pt)
    pad = 1.5 * g
    return FrameArea(inner, (ix0 + pad, iy0 + pad, ix1 - pad, iy1 - pad), (ix0, iy0, ix1, iy1))


def _sides(drawing: Drawing, border: str, box: tuple[float, float, float, float], bw: float,
           style: Style, rng: np.random.Generator, complexity: float = 1.0) -> None:
    x0, y0, x1, y1 = box
    variant = bands.variant_for(border, rng, style)
    horizontal, vertical = (x1 - x0) - 2 * bw, (y1 - y0) - 2 * bw
    for length, transform in (
            (horizontal, lambda c: np.column_stack([x0 + bw + c[:, 0], y0 + c[:, 1]])),
            (vertical, lambda c: np.column_stack([x1 - c[:, 1], y0 + bw + c[:, 0]])),
            (horizontal, lambda c: np.column_stack([x1 - bw - c[:, 0], y1 - c[:, 1]])),
            (vertical, lambda c: np.column_stack([x0 + c[:, 1], y1 - bw - c[:, 0]]))):
        # Fewer, longer motifs when the page must hold fewer regions.
        periods = max(1, round(length / (bands.aspect(border) * bw) * min(1.0, complexity)))
        fill = bands.strip(border, length, bw, periods, style, rng, closed=False,
                           variant=variant)
        for shape in shapely.transform(np.array(fill.shapes, dtype=object), transform):
            drawing.add(shape, style.detail_pt)


def square_ornament(kind: str, cx: float, cy: float, size: float, style: Style,
                    page_box: tuple[float, float, float, float]) -> Geoms:
    """An ornament centred in a border's corner square of side `size`."""
    g = style.min_gap_pt
    r = size / 2 - g
    if r < 1.5 * g or kind == "square":
        return []
    # An ornament's smallest region must stay easy to colour, else it is left simpler.
    roomy = r > 4 * g and (r * r / 10) > 2 * style.min_area_pt2
    if kind == "flower" and not roomy:
        kind = "rosette"
    if kind == "rosette":
        out: Geoms = [circle(cx, cy, r)]
        if roomy:
            out.append(circle(cx, cy, r * 0.35))
            for k in range(8):
                a = k * math.pi / 4
                out.append(LineString([(cx + r * 0.35 * math.cos(a), cy + r * 0.35 * math.sin(a)),
                                       (cx + r * math.cos(a), cy + r * math.sin(a))]))
        return out
    if kind == "flower":
        return _flower(cx, cy, r, style)
    if kind == "diamond":
        out = [Polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)])]
        if r > 3.5 * g:
            q = r - 1.8 * g
            out.append(Polygon([(cx, cy - q), (cx + q, cy), (cx, cy + q), (cx - q, cy)]))
        return out
    if kind == "shell":
        from backoffice.art.procedural.fills import spiral_shell

        return spiral_shell(cx, cy, r, style)
    if kind == "fan":
        x0, y0, x1, y1 = page_box
        kx = x0 if cx < (x0 + x1) / 2 else x1
        ky = y0 if cy < (y0 + y1) / 2 else y1
        clip = shapely.box(min(kx, cx * 2 - kx), min(ky, cy * 2 - ky),
                           max(kx, cx * 2 - kx), max(ky, cy * 2 - ky))
        return [circle(kx, ky, size * f).boundary.intersection(clip) for f in (0.45, 0.8)
                if size * f > 1.5 * g]
    return []
