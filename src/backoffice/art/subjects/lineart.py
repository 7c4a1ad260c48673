"""A glyph's filled outline turned into coloring-book line art at a fixed line width.

Emoji outlines draw their lines as filled shapes whose width grows with the drawing, and
some parts as solid black. Scaled to a page, those lines would be millimetres thick. So
the glyph's ink is split between the white areas it separates (a discrete Voronoi
partition: every ink pixel goes to its nearest white area), and the new lines are drawn
along the borders of that partition with the audience's pen: down the middle of every
original stroke. Ink far from any white (solid fills: a mane, a belly) seeds an area of
its own, so solid fills become outlined regions to colour. Strokes that end inside one
area (a smile, scales) separate nothing; their middle line is kept as an open line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from backoffice.art.subjects.glyphs import Outline, fill

# Ink farther than this many half-strokes from white is a solid fill, not a line.
FILL_DEPTH = 1.4
# Two borders closer than a line plus this gap become one line (see _open).
OPEN_GAP_MM = 0.6
# Long side, in pixels, at which a glyph's areas are worked out, at most; and the two
# bounds that keep it fine enough (see line_art).
WORK_PX = 720
MIN_HALF_PX = 5.0
MIN_SCALE = 0.25
PEN_STEPS = 3.4


@dataclass
class Layer:
    """Line art of one placed subject in page pixels, cropped at (x, y)."""

    x: int
    y: int
    ink: np.ndarray  # bool: the lines to draw
    solid: np.ndarray  # bool: the subject's silhouette, painted white before its lines
    regions: int  # areas to colour inside the silhouette
    # Optional, for patterns: each pixel's area (0 outside the silhouette and on dots).
    labels: np.ndarray | None = None

    @property
    def box(self) -> tuple[int, int, int, int]:
        h, w = self.ink.shape
        return self.x, self.y, self.x + w, self.y + h


def disk(diameter: float) -> np.ndarray:
    size = max(1, int(round(diameter)))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def thicken(mask: np.ndarray, width_px: float) -> np.ndarray:
    """A round pen of `width_px` along `mask`: a distance threshold, far faster than a
    dilation by a large disk."""
    if not mask.any():
        return np.zeros(mask.shape, bool)
    dist = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 5)
    return dist <= width_px / 2


def _ridge(dist: np.ndarray, ink: np.ndarray) -> np.ndarray:
    return ink & (dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8)) - 0.35)


def _partition(ink: np.ndarray, dist: np.ndarray, half: float
               ) -> tuple[np.ndarray, int, int, int]:
    """Labels over the crop: every pixel belongs to one white area or one solid fill.
    Areas 1..whites are white, whites+1..count solid fills.

    A solid fill is ink that a disk wider than a line fits in (a morphological opening,
    from distance thresholds), so the black between a mushroom's spots stays one cap.
    Its seed lies one half-stroke inside its edge, where a line along it would run."""
    white = (~ink).astype(np.uint8)
    count, seeds = cv2.connectedComponents(white, connectivity=4)
    whites = count - 1
    eroded = dist > FILL_DEPTH * half
    if eroded.any():
        opened = cv2.distanceTransform((~eroded).astype(np.uint8), cv2.DIST_L2, 5)
        thick = (opened <= FILL_DEPTH * half) & (dist > half)
        extra, core_labels = cv2.connectedComponents(thick.astype(np.uint8), connectivity=8)
        if extra > 1:
            seeds = np.where(core_labels > 0, core_labels + whites, seeds)
            count += extra - 1
    labels = _nearest_seed(seeds)
    outside = int(labels[0, 0])
    return labels, count - 1, whites, outside


def _nearest_seed(seeds: np.ndarray) -> np.ndarray:
    """Every pixel takes the label of its nearest seed pixel (seeds > 0): a discrete
    Voronoi diagram. OpenCV numbers seed pixels in raster order, so a lookup of the
    seeds' own labels in that order maps each nearest seed back to its area."""
    unassigned = (seeds == 0).astype(np.uint8)
    _d, nearest = cv2.distanceTransformWithLabels(unassigned, cv2.DIST_L2, 5,
                                                  labelType=cv2.DIST_LABEL_PIXEL)
    lookup = seeds[seeds > 0]
    labels: np.ndarray = lookup[nearest - 1].astype(np.int32)
    return labels


def _open(labels: np.ndarray, radius: float) -> np.ndarray:
    """A morphological opening of every area at once: only what lies `radius` or more
    from any border keeps its area, the rest goes to the nearest area that kept some.
    Necks and slivers narrower than a line plus a gap go, so two borders never run so
    close that their lines fuse into a black blob or pinch a sliver of white."""
    edges = _borders(labels)
    far = cv2.distanceTransform((~edges).astype(np.uint8), cv2.DIST_L2, 5) >= radius
    seeds = np.where(far, labels, 0)
    if not seeds.any():
        return labels
    return _nearest_seed(seeds)


def _neighbour_pairs(labels: np.ndarray) -> np.ndarray:
    """(a, b, border length) for each pair of touching areas, a < b."""
    pairs = []
    for a, b in ((labels[:, :-1], labels[:, 1:]), (labels[:-1, :], labels[1:, :])):
        diff = a != b
        lo, hi = np.minimum(a[diff], b[diff]), np.maximum(a[diff], b[diff])
        pairs.append(lo.astype(np.int64) * (1 << 20) + hi)
    keys = np.concatenate(pairs)
    if not keys.size:
        return np.zeros((0, 3), np.int64)
    unique, counts = np.unique(keys, return_counts=True)
    return np.column_stack([unique >> 20, unique & ((1 << 20) - 1), counts])


class _Areas:
    """Union-find over the partition's areas, with sizes and border lengths."""

    def __init__(self, labels: np.ndarray, count: int) -> None:
        self.parent = list(range(count + 1))
        self.area = np.bincount(labels.ravel(), minlength=count + 1).astype(np.float64)
        self.pairs = _neighbour_pairs(labels)
        self.border = np.zeros(count + 1)
        np.add.at(self.border, self.pairs[:, 0], self.pairs[:, 2])
        np.add.at(self.border, self.pairs[:, 1], self.pairs[:, 2])

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def shared(self, a: int, b: int) -> int:
        total = 0
        for x, y, n in self.pairs:
            if {self.find(int(x)), self.find(int(y))} == {a, b}:
                total += int(n)
        return total

    def longest_neighbour(self, victim: int) -> tuple[int | None, int]:
        lengths: dict[int, int] = {}
        for x, y, n in self.pairs:
            rx, ry = self.find(int(x)), self.find(int(y))
            if rx != ry and victim in (rx, ry):
                other = ry if rx == victim else rx
                lengths[other] = lengths.get(other, 0) + int(n)
        if not lengths:
            return None, 0
        best = max(lengths, key=lambda k: lengths[k])
        return best, lengths[best]

    def union(self, victim: int, into: int, shared: int) -> None:
        self.parent[victim] = into
        self.area[into] += self.area[victim]
        self.border[into] += self.border[victim] - 2 * shared
        self.area[victim] = 0


def _simplify(labels: np.ndarray, count: int, whites: int, outside: int, min_area_px: float,
              line_px: float, max_regions: int | None, dots: list[int] | None = None,
              deepest: np.ndarray | None = None) -> tuple[np.ndarray, int, list[int]]:
    """Join the pieces of one solid fill; fold areas too small to colour (once the lines
    take their share) into the neighbour they share the longest border with, or keep
    them as solid dots (pupils) when thin enough; then fold the smallest areas until at
    most `max_regions` are left. Returns the new labels, the region count and the dots."""
    areas = _Areas(labels, count)
    # One solid fill cut into several cores where it narrows is still one fill.
    for a, b, n in areas.pairs:
        ra, rb = areas.find(int(a)), areas.find(int(b))
        if a > whites and b > whites and ra != rb:
            areas.union(rb, ra, int(n))
    dots = list(dots or [])
    while True:
        live = [i for i in range(1, count + 1)
                if areas.find(i) == i and i != outside and i not in dots and areas.area[i] > 0]
        usable = {i: areas.area[i] - areas.border[i] * line_px * 0.6 for i in live}
        small = [i for i in live if usable[i] < min_area_px]
        if not small and (max_regions is None or len(live) <= max_regions):
            break
        victim = min(small or live, key=lambda i: usable[i])
        # A small round fill is a pupil or a button: painted as a dot. A long thin one
        # (a horn's tip, a stripe) would print as a ragged fragment: it is dropped.
        if (victim > whites and small and deepest is not None
                and areas.area[victim] <= 3.2 * deepest[victim] ** 2):
            dots.append(victim)
            continue
        best, shared = areas.longest_neighbour(victim)
        areas.union(victim, outside if best is None else best, shared)
    mapping = np.array([areas.find(i) for i in range(count + 1)])
    regions = len({int(v) for v in mapping[1:]} - {outside} - set(dots))
    return mapping[labels], regions, dots


def _shrunk(mask_labels: np.ndarray, ids: list[int], dist: np.ndarray,
            radius: float) -> np.ndarray:
    """Pixels of the labelled shapes `ids` that lie deepest inside them, `radius` deep
    at most: a fill shrunk around its middle line to the dot limit."""
    top = int(mask_labels.max()) + 1
    lookup = np.zeros(top, bool)
    lookup[ids] = True
    chosen = lookup[mask_labels]
    deepest = np.zeros(top, np.float32)
    np.maximum.at(deepest, mask_labels[chosen], dist[chosen])
    floor = np.maximum(deepest - radius, 0)
    shrunk: np.ndarray = chosen & (dist >= floor[mask_labels])
    return shrunk


def _speck_dots(ink: np.ndarray, dist: np.ndarray, half: float, radius: float
                ) -> np.ndarray | None:
    """Small ink specks standing alone (eyes, buttons) are too thin to seed an area of
    their own: they are painted as solid dots."""
    count, labels, stats, _c = cv2.connectedComponentsWithStats(ink.astype(np.uint8),
                                                                connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA].astype(float)
    span = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    # Round ones only: a long speck is a stroke, drawn as one (_open_strokes).
    found = np.flatnonzero((area < 40 * half * half) & (span < 8 * half)
                           & (area > 0.45 * span.astype(float) ** 2))
    keep = [int(i) for i in found if i > 0]
    return _shrunk(labels, keep, dist, radius) if keep else None


def _borders(labels: np.ndarray) -> np.ndarray:
    edge = np.zeros(labels.shape, bool)
    edge[:, :-1] |= labels[:, :-1] != labels[:, 1:]
    edge[:-1, :] |= labels[:-1, :] != labels[1:, :]
    return edge


def _open_strokes(ridge: np.ndarray, dist: np.ndarray, edge_dist: np.ndarray,
                  half_stroke: float, keep_px: float, clear_px: float) -> np.ndarray:
    """Middle lines of strokes that no border follows (they end inside one area), kept
    `clear_px` away from the borders: closer, the two lines would fuse into a blob."""
    ridge = ridge & (dist > 0.45 * half_stroke) & (dist < 2.0 * half_stroke)
    ridge &= edge_dist > max(half_stroke + 1.5, clear_px)
    # Close the one-pixel breaks a discrete ridge has, then drop crumbs.
    ridge = cv2.dilate(ridge.astype(np.uint8), np.ones((3, 3), np.uint8))
    count, labels, stats, _c = cv2.connectedComponentsWithStats(ridge, connectivity=8)
    keep = np.zeros(count, bool)
    spans = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    keep[1:] = spans[1:] >= keep_px
    strokes: np.ndarray = keep[labels]
    return strokes


def line_art(glyph: Outline, x: float, y: float, height_px: float, *, line_px: float,
             min_area_px: float, max_regions: int | None = None, mirror: bool = False,
             open_strokes: bool = True, dot_mm: float = 2.6, dpi: int = 300,
             keep_labels: bool = False) -> Layer:
    """Place `glyph` with its ink box's top-left at (x, y), `height_px` tall.

    The partition is worked out at most WORK_PX on the long side (a glyph's detail is
    coarse); the lines are then drawn at the page's resolution from the distance to the
    borders, upsampled linearly, which keeps their edges smooth."""
    gx0, gy0, gx1, gy1 = glyph.bounds
    scale = height_px / (gy1 - gy0)
    pad = int(line_px) + 4
    w = int(np.ceil((gx1 - gx0) * scale)) + 2 * pad
    h = int(np.ceil(height_px)) + 2 * pad
    ox, oy = int(np.floor(x)) - pad, int(np.floor(y)) - pad
    # As coarse as the drawing allows: its lines at least MIN_HALF_PX half-wide, the
    # page's pen at least 1 / PEN_STEPS wide per work pixel, and never past WORK_PX.
    k = min(1.0, WORK_PX / max(w, h),
            max(MIN_HALF_PX / (glyph.half_stroke * scale), PEN_STEPS / line_px, MIN_SCALE))
    ww, wh = max(2, round(w * k)), max(2, round(h * k))
    kx, ky = ww / w, wh / h
    origin = ((x - ox + 0.5) * kx - 0.5, (y - oy + 0.5) * ky - 0.5)
    ink = fill(glyph, scale * k, origin, (ww, wh), mirror=mirror)
    dist = cv2.distanceTransform(ink.astype(np.uint8), cv2.DIST_L2, 5)
    ridge = _ridge(dist, ink)
    half = glyph.half_stroke * scale * k
    labels, count, whites, outside = _partition(ink, dist, half)
    line_w = line_px * k
    dot_radius = dot_mm * dpi / 25.4 / 2 * k
    before = labels
    deepest = np.zeros(count + 1, np.float32)
    deep = dist > half
    np.maximum.at(deepest, labels[deep], dist[deep])
    labels, regions, dots = _simplify(labels, count, whites, outside, min_area_px * k * k,
                                      line_w, max_regions, deepest=deepest)
    gap = OPEN_GAP_MM * dpi / 25.4 * k
    labels = _open(labels, (line_w + gap) / 2)
    # What the opening split or shrank is checked again; no new fills or dots now.
    labels, regions, dots = _simplify(labels, count, count, outside, min_area_px * k * k,
                                      line_w, max_regions, dots)
    edges = _borders(labels)
    dot_mask = np.zeros(ink.shape, bool)
    if dots:
        # A small fill is painted as a solid dot (a pupil, a button), shrunk around its
        # middle to the dot limit so that it never reads as a black blob; its outline
        # is not drawn.
        dot_mask = _shrunk(before, dots, dist, dot_radius)
        in_dot = np.isin(before, dots)
        edges &= ~cv2.dilate(in_dot.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    specks = _speck_dots(ink, dist, half, dot_radius)
    if specks is not None:
        dot_mask |= specks
    if dot_mask.any():
        # A dot thinner than the pen reads as dust, not as an eye or a spot.
        count_dots, dot_labels, stats, _c = cv2.connectedComponentsWithStats(
            dot_mask.astype(np.uint8))
        tiny = np.zeros(count_dots, bool)
        tiny[1:] = stats[1:, cv2.CC_STAT_AREA] < (0.55 * line_w) ** 2 * math.pi
        dot_mask &= ~tiny[dot_labels]
    field = cv2.distanceTransform((~edges).astype(np.uint8), cv2.DIST_L2, 5)
    if open_strokes:
        strokes = _open_strokes(ridge, dist, field, half, keep_px=3 * line_w,
                                clear_px=line_w + gap)
        if strokes.any():
            # The ridge was widened by one pixel to bridge its breaks.
            field = np.minimum(field, cv2.distanceTransform(
                (~strokes).astype(np.uint8), cv2.DIST_L2, 5) + 1.0)
    if dot_mask.any():
        # A dot near a line would fuse with it into a black blob: such dots are left out.
        count_dots, dot_labels = cv2.connectedComponents(dot_mask.astype(np.uint8))
        near = np.zeros(count_dots, bool)
        close = dot_mask & (field < line_w / 2 + gap + 1)
        near[np.unique(dot_labels[close])] = True
        near[0] = True
        dot_mask &= ~near[dot_labels]
    if dot_mask.any():
        # Inside a dot the field is negative: the dot's own signed distance.
        inside = cv2.distanceTransform(dot_mask.astype(np.uint8), cv2.DIST_L2, 5)
        field = np.where(dot_mask, line_w / 2 - inside, field)
    # A light blur rounds off the pixel steps of the borders before upsampling.
    # The blur rounds the field's floor along the borders (about sqrt(x^2 + lift^2) across
    # a border): the threshold follows, so the lines keep their width at any working
    # resolution.
    field = cv2.GaussianBlur(field, (5, 5), 1.0)
    lift = float(np.median(field[edges])) if edges.any() else 0.0
    size = (w, h)
    threshold = math.hypot(line_w / 2, lift)
    lines = cv2.resize(field, size, interpolation=cv2.INTER_LINEAR) <= threshold
    inner = cv2.resize((labels != outside).astype(np.uint8), size,
                       interpolation=cv2.INTER_NEAREST).astype(bool)
    full_labels = None
    if keep_labels:
        areas = np.where((labels == outside) | dot_mask, 0, labels).astype(np.int32)
        full_labels = cv2.resize(areas, size, interpolation=cv2.INTER_NEAREST)
    return Layer(ox, oy, lines, inner | lines, regions, full_labels)


def composite(canvas: np.ndarray, layer: Layer) -> None:
    """Paint `layer` over `canvas` (bool, True = ink): its silhouette hides what is behind."""
    H, W = canvas.shape
    x0, y0, x1, y1 = layer.box
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
    if cx1 <= cx0 or cy1 <= cy0:
        return
    sub = (slice(cy0 - y0, cy1 - y0), slice(cx0 - x0, cx1 - x0))
    view = canvas[cy0:cy1, cx0:cx1]
    view[layer.solid[sub]] = False
    view |= layer.ink[sub]
