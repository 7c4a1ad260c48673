"""Label maps → closed, colourable regions: the geometry behind photo → coloring page.

A label map gives every pixel the number of its region. These functions merge the
regions a segmentation over-produces (texture, grain, a blur's transition strips) into a
few that a buyer colours, round their borders, take away parts too thin to colour once
outlined, and draw the outlines. Pure NumPy/OpenCV/SciPy: no web, no database.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable

import cv2
import numpy as np
import numpy.typing as npt
from scipy import ndimage
from skimage import measure

Labels = npt.NDArray[np.int64]
# skimage ships no annotations: a label map in, its connected pieces numbered out.
connected_pieces: Callable[..., np.ndarray] = measure.label

# A weak region (too small, or thinner than a stroke allows) merges this much sooner.
WEAK_DISCOUNT = 0.001


def disk(radius: int) -> np.ndarray:
    kernel: np.ndarray = cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                   (2 * radius + 1, 2 * radius + 1))
    return kernel


def _neighbour_pairs(labels: Labels, edge: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each pair of touching regions (a < b): the length of their shared border in pixel
    sides, and the sum of the edge strength along it."""
    a = np.concatenate([labels[:, :-1].ravel(), labels[:-1, :].ravel()])
    b = np.concatenate([labels[:, 1:].ravel(), labels[1:, :].ravel()])
    strength = np.concatenate([np.maximum(edge[:, :-1], edge[:, 1:]).ravel(),
                               np.maximum(edge[:-1, :], edge[1:, :]).ravel()])
    border = a != b
    low, high = np.minimum(a[border], b[border]), np.maximum(a[border], b[border])
    count = int(labels.max()) + 1
    keys, inverse, lengths = np.unique(low * count + high, return_inverse=True,
                                       return_counts=True)
    sums = np.bincount(inverse.ravel(), weights=strength[border], minlength=keys.size)
    return keys // count, keys % count, lengths, sums


def merge_regions(labels: Labels, lab: np.ndarray, edge: np.ndarray, *, target: int,
                  min_area: float, min_width: float) -> Labels:
    """Merge touching regions, the weakest border first, until at most `target` remain
    and none is small (< `min_area` px) or thin (area / half-perimeter < `min_width`).

    A border is weak when the picture barely changes across it (low mean edge strength)
    and the regions' colours are alike; large regions resist, so the silhouettes and
    features a photo is about survive while grain and texture melt away."""
    count = int(labels.max()) + 1
    flat = labels.ravel()
    area = np.bincount(flat, minlength=count).astype(np.float64)
    sums = np.stack([np.bincount(flat, weights=lab[..., c].ravel(), minlength=count)
                     for c in range(3)], axis=1)
    mean = sums / np.maximum(area, 1.0)[:, None]
    first, second, lengths, strengths = _neighbour_pairs(labels, edge)
    border: list[dict[int, float]] = [{} for _ in range(count)]
    contrast: list[dict[int, float]] = [{} for _ in range(count)]
    perimeter = np.zeros(count)
    for x, y, length, strength in zip(first.tolist(), second.tolist(), lengths.tolist(),
                                      strengths.tolist(), strict=True):
        border[x][y] = border[y][x] = length
        contrast[x][y] = contrast[y][x] = strength
        perimeter[x] += length
        perimeter[y] += length

    def weak(region: int) -> bool:
        return bool(area[region] < min_area
                    or 2 * area[region] / max(perimeter[region], 1.0) < min_width)

    def cost(x: int, y: int) -> float:
        colour = float(((mean[x] - mean[y]) ** 2).sum())
        edge_mean = contrast[x][y] / border[x][y]
        value = edge_mean ** 2 * math.sqrt(min(area[x], area[y])) * (1 + colour / 400)
        return value * WEAK_DISCOUNT if weak(x) or weak(y) else value

    parent = list(range(count))
    version = [0] * count
    heap = [(cost(x, y), x, y, 0, 0) for x in range(count) for y in border[x] if x < y]
    heapq.heapify(heap)
    alive = count
    while heap:
        _, x, y, seen_x, seen_y = heapq.heappop(heap)
        if parent[x] != x or parent[y] != y or version[x] != seen_x or version[y] != seen_y:
            continue  # an outdated entry: one side has merged since
        if alive <= target and not (weak(x) or weak(y)):
            continue
        parent[y] = x
        alive -= 1
        mean[x] = (mean[x] * area[x] + mean[y] * area[y]) / (area[x] + area[y])
        area[x] += area[y]
        perimeter[x] += perimeter[y] - 2 * border[x][y]
        for z, length in border[y].items():
            if z == x:
                continue
            strength = contrast[y][z]
            del border[z][y], contrast[z][y]
            border[x][z] = border[z][x] = border[x].get(z, 0.0) + length
            contrast[x][z] = contrast[z][x] = contrast[x].get(z, 0.0) + strength
        del border[x][y], contrast[x][y]
        border[y], contrast[y] = {}, {}
        version[x] += 1
        for z in border[x]:
            low, high = min(x, z), max(x, z)
            heapq.heappush(heap, (cost(x, z), low, high, version[low], version[high]))

    roots = np.arange(count)
    for region in range(count):
        root = region
        while parent[root] != root:
            root = parent[root]
        roots[region] = root
    _, compact = np.unique(roots, return_inverse=True)
    merged: Labels = compact.astype(np.int64)[labels]
    return merged


def split_disconnected(labels: Labels) -> Labels:
    """Each connected piece of a region becomes a region of its own."""
    pieces: Labels = connected_pieces(labels + 1, connectivity=1,
                                      background=0).astype(np.int64) - 1
    return pieces


def _crops(labels: Labels, pad: int) -> list[tuple[int, slice, slice]]:
    height, width = labels.shape
    crops = []
    for region, box in enumerate(ndimage.find_objects(labels + 1)):
        if box is None:
            continue
        rows = slice(max(0, box[0].start - pad), min(height, box[0].stop + pad))
        cols = slice(max(0, box[1].start - pad), min(width, box[1].stop + pad))
        crops.append((region, rows, cols))
    return crops


def smooth_borders(labels: Labels, sigma: float) -> Labels:
    """Each pixel goes to the region most present around it (Gaussian-weighted): borders
    traced along fur or grain become the smooth curves an illustrator would draw."""
    smoothed = labels.copy()
    best = np.zeros(labels.shape, np.float32)
    for region, rows, cols in _crops(labels, int(3 * sigma) + 1):
        weight = cv2.GaussianBlur((labels[rows, cols] == region).astype(np.float32),
                                  (0, 0), sigma)
        leading = best[rows, cols]
        wins = weight > leading
        leading[wins] = weight[wins]
        smoothed[rows, cols][wins] = region
    return smoothed


def drop_thin(labels: Labels, radius: int) -> Labels:
    """Parts of regions narrower than 2 x `radius` (slivers, thin peninsulas) go to the
    nearest region that stays: once outlined they would be too thin to colour, and two
    outlines that close print as one black band."""
    kernel = disk(radius)
    orphan = np.zeros(labels.shape, bool)
    for region, rows, cols in _crops(labels, radius + 1):
        mask = (labels[rows, cols] == region).astype(np.uint8)
        # Outside the picture counts as another region: the frame is drawn there.
        kept = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel,
                                borderType=cv2.BORDER_CONSTANT, borderValue=0)
        orphan[rows, cols] |= (mask > 0) & (kept == 0)
    if not orphan.any() or orphan.all():
        return labels
    nearest = ndimage.distance_transform_edt(orphan, return_distances=False,
                                             return_indices=True)
    kept_labels: Labels = labels[nearest[0], nearest[1]]
    return kept_labels


def absorb_pockets(labels: Labels, ink: np.ndarray, min_area: float,
                   reach: int) -> tuple[Labels, bool]:
    """Where outlines close around a pocket of paper too small to colour (two borders
    meeting at a narrow angle), give the pocket's region there to the neighbour it lies
    against, so the next drawing has no outline around it. Returns the labels and
    whether anything changed."""
    count, pieces, stats, _ = cv2.connectedComponentsWithStats((ink == 0).astype(np.uint8),
                                                               connectivity=4)
    height, width = labels.shape
    changed = False
    for piece in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[piece])
        if area >= min_area or x == 0 or y == 0 or x + w == width or y + h == height:
            continue
        rows = slice(max(0, y - reach), min(height, y + h + reach))
        cols = slice(max(0, x - reach), min(width, x + w + reach))
        pocket = pieces[rows, cols] == piece
        crop = labels[rows, cols]
        owner = int(np.bincount(crop[pocket]).argmax())
        around = cv2.dilate(pocket.astype(np.uint8), disk(reach)) > 0
        others = crop[around & (crop != owner)]
        if others.size == 0:
            continue
        crop[around & (crop == owner)] = int(np.bincount(others).argmax())
        changed = True
    return labels, changed


def outlines(labels: Labels, half_width: int) -> np.ndarray:
    """uint8 mask (1 = ink): every border between regions, and a frame around the whole
    picture (the photo's edge closes the regions that reach it), `2 * half_width + 1`
    pixels wide."""
    height, width = labels.shape
    inset = half_width
    if min(height, width) <= 2 * inset + 1:
        # A sliver of a picture (a panorama fitted to the page) is all frame: the gate
        # then says so, rather than this failing.
        return np.ones((height, width), np.uint8)
    lines = np.zeros((height, width), np.uint8)
    lines[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    lines[1:, :] |= labels[1:, :] != labels[:-1, :]
    lines[:inset] = 0
    lines[height - inset:] = 0
    lines[:, :inset] = 0
    lines[:, width - inset:] = 0
    lines[[inset, height - 1 - inset], inset:width - inset] = 1
    lines[inset:height - inset, [inset, width - 1 - inset]] = 1
    drawn: np.ndarray = cv2.dilate(lines, disk(half_width))
    # The frame runs to the picture's edge, its corners square.
    drawn[:inset] = 1
    drawn[height - inset:] = 1
    drawn[:, :inset] = 1
    drawn[:, width - inset:] = 1
    return drawn
