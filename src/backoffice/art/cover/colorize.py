"""Colour in a rendered 1-bit coloring page, as a cover shows a sample coloured by hand.

Works on whatever page image a provider drew (procedural or AI line art cleaned to 1-bit):
white regions are labelled and filled from the palette, with soft shading towards each
region's outline. Everything is uint8 or float32 on bands of rows, at the size the page
is shown, so a full-panel page stays far below the worker's memory budget.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

from backoffice.kdp.cover_palette import rgb

INK_LEVEL = 215  # gray below this after downscaling is line: keeps thin lines closed
BAND_ROWS = 512


def _gray(page: Image.Image, size: tuple[int, int], mode: str) -> np.ndarray:
    """The page as uint8 gray at `size` (w, h): fitted inside, or covering and centre-cropped."""
    gray = page.convert("L")
    width, height = size
    scale = (min if mode == "fit" else max)(width / gray.width, height / gray.height)
    target = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    array = np.asarray(gray)
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(array, target, interpolation=method)
    if mode == "fit":
        return resized
    x0, y0 = (target[0] - width) // 2, (target[1] - height) // 2
    return np.ascontiguousarray(resized[y0:y0 + height, x0:x0 + width])


def line_art(page: Image.Image, size: tuple[int, int], ink: str, paper: str) -> np.ndarray:
    """The page uncoloured, fitted to `size`, lines in `ink` on `paper` (RGB uint8)."""
    # Squared: lines thinned by the downscale stay dark enough to read on a thumbnail.
    gray = (_gray(page, size, "fit").astype(np.float32)[..., None] / 255) ** 2
    out = np.asarray(rgb(paper), np.float32) * gray + np.asarray(rgb(ink), np.float32) * (1 - gray)
    return out.astype(np.uint8)


def colour_page(page: Image.Image, size: tuple[int, int], fills: Sequence[str], *, ink: str,
                ground: str, seed: int, mode: str = "fit") -> np.ndarray:
    """RGB uint8 of the page coloured in: `fit` keeps the whole page (its own size may be
    smaller than `size`), `cover` fills `size` exactly, cropping the page's edges."""
    # Regions are found at up to twice the shown size (never above the page's own): fine
    # adult line work would merge into solid ink if labelled after a strong downscale.
    scale = (min if mode == "fit" else max)(size[0] / page.width, size[1] / page.height)
    work = min(2.0, 1 / scale) if scale < 1 else 1.0
    if work > 1.01:
        big = (round(size[0] * work), round(size[1] * work))
        coloured = _colour(_gray(page, big, mode), fills, ink, ground, seed)
        shown = size if mode == "cover" else (max(1, round(coloured.shape[1] / work)),
                                              max(1, round(coloured.shape[0] / work)))
        return cv2.resize(coloured, shown, interpolation=cv2.INTER_AREA)
    return _colour(_gray(page, size, mode), fills, ink, ground, seed)


def _colour(gray: np.ndarray, fills: Sequence[str], ink: str, ground: str,
            seed: int) -> np.ndarray:
    height, width = gray.shape
    white = (gray >= INK_LEVEL).astype(np.uint8)
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(
        white, connectivity=4, ltype=cv2.CV_32S)

    palette = np.array([rgb(c) for c in fills] or [rgb("#cccccc")], np.float32)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(palette))
    # Regions alike in size and in distance from the centre share a colour, so symmetric
    # designs (mandalas, rosettes) are coloured symmetrically, as a person would.
    centre = np.array([width / 2, height / 2])
    radius_key = np.round(np.hypot(*(centroids - centre).T) / (0.02 * max(width, height)))
    area_key = np.round(np.log2(stats[:, cv2.CC_STAT_AREA] + 1) * 1.5)
    keys = (radius_key * 131 + area_key * 7 + rng.integers(0, 3)).astype(np.int64)
    lut = palette[order[keys % len(palette)]]
    right = stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH]
    bottom = stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT]
    outside = ((stats[:, cv2.CC_STAT_LEFT] == 0) | (stats[:, cv2.CC_STAT_TOP] == 0)
               | (right >= width) | (bottom >= height))
    lut[outside] = rgb(ground)
    ink_rgb = np.asarray(rgb(ink), np.float32)
    lut[0] = ink_rgb

    # Shading: darker near each region's outline, lighter inside, like pencil work.
    reach = max(2.0, 0.018 * min(width, height))
    distance = cv2.distanceTransform(white, cv2.DIST_L2, 3)
    shade = (np.minimum(distance, reach) * (255 / reach)).astype(np.uint8)
    del distance
    flat = np.zeros(count, bool)
    flat[outside] = True

    out = np.empty((height, width, 3), np.uint8)
    for top in range(0, height, BAND_ROWS):
        rows = slice(top, min(top + BAND_ROWS, height))
        band_labels = labels[rows]
        colour = lut[band_labels]
        factor = 0.74 + 0.26 * shade[rows].astype(np.float32) / 255
        # A light from the top left across the whole page.
        y = np.arange(rows.start, rows.stop, dtype=np.float32)[:, None] / max(height, 1)
        x = np.arange(width, dtype=np.float32)[None, :] / max(width, 1)
        factor = factor * (1.06 - 0.08 * (x + y))
        factor[flat[band_labels]] = 1.0
        colour *= factor[..., None]
        alpha = gray[rows].astype(np.float32)[..., None] / 255
        colour = colour * alpha + ink_rgb * (1 - alpha)
        out[rows] = np.clip(colour, 0, 255).astype(np.uint8)
    return out
