"""Photograph → coloring-page lines, by edge extraction (pure; no model, no network).

Extended difference of Gaussians (XDoG, Winnemöller et al. 2012) on a photo whose local
contrast is evened out (CLAHE) and whose texture is smoothed away by repeated bilateral
filtering, which keeps edges: fur, grass and skin grain vanish, outlines stay. Two scales
are combined: a coarse one for silhouettes and large shapes, a fine one for features
(eyes, mouths, windows). The threshold is a share of the page rather than a fixed value,
so dim and bright photos come out alike. Short fragments are dropped (they read as dirt,
not drawing), lines are thickened to the audience's stroke, and the result goes through
the same clean-up and gate as any page.

Also here: `looks_like_photo`, which tells a photograph from a drawing or a scan, for
uploads left on "automatic".
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

# Photos are analysed at this size (long side): enough for faces, fast on two cores.
WORK_LONG_SIDE = 1000
BILATERAL_PASSES = 5
COARSE_SIGMA, FINE_SIGMA = 2.2, 1.0
COARSE_INK, FINE_INK = 0.05, 0.04
# A fragment shorter than this share of the long side is texture, not a line.
COARSE_MIN_EXTENT, FINE_MIN_EXTENT = 0.05, 0.02
XDOG_K, XDOG_TAU = 1.6, 0.98


def _working(image: Image.Image) -> np.ndarray:
    rgb = np.asarray(image.convert("RGB"))
    height, width = rgb.shape[:2]
    scale = WORK_LONG_SIDE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=interpolation))


def _even_contrast(rgb: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    lab[..., 0] = clahe.apply(np.ascontiguousarray(lab[..., 0]))
    smooth: np.ndarray = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
    for _ in range(BILATERAL_PASSES):
        smooth = cv2.bilateralFilter(smooth, 7, 25, 5)
    return smooth


def xdog_lines(gray: np.ndarray, sigma: float, ink_share: float) -> np.ndarray:
    """True on lines: where the difference of Gaussians dips below a threshold chosen
    so that about `ink_share` of the picture is line (never below a small floor, so a
    flat picture does not grow lines out of noise)."""
    values = gray.astype(np.float32) / 255.0
    narrow = cv2.GaussianBlur(values, (0, 0), sigma)
    wide = cv2.GaussianBlur(values, (0, 0), sigma * XDOG_K)
    difference = narrow - XDOG_TAU * wide
    threshold = min(float(np.percentile(difference, ink_share * 100)), -0.005)
    lines: np.ndarray = difference < threshold
    return lines


def _drop_short(mask: np.ndarray, min_extent: float) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                               connectivity=8)
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    keep = extent >= min_extent
    keep[0] = False
    kept: np.ndarray = keep[labels]
    return kept


def _disk(radius: int) -> np.ndarray:
    kernel: np.ndarray = cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                   (2 * radius + 1, 2 * radius + 1))
    return kernel


def photo_to_lines(image: Image.Image, *, final_long_side: int,
                   min_stroke_px: float) -> Image.Image:
    """Black lines on white (mode L, at the working size) drawn from a photograph.

    `final_long_side` is the long side the art will have on the page and
    `min_stroke_px` the thinnest line the audience needs there, both at 300 DPI; lines
    are thickened here so they still reach it once scaled up."""
    rgb = _working(image)
    gray = cv2.cvtColor(_even_contrast(rgb), cv2.COLOR_RGB2GRAY)
    long_side = max(gray.shape)
    lines = _drop_short(xdog_lines(gray, COARSE_SIGMA, COARSE_INK),
                        COARSE_MIN_EXTENT * long_side)
    lines |= _drop_short(xdog_lines(gray, FINE_SIGMA, FINE_INK), FINE_MIN_EXTENT * long_side)
    # XDoG lines are about 2 px wide here; widen them to the audience's stroke (the
    # thinnest parts count: the gate reads the 5th percentile).
    stroke_here = min_stroke_px * long_side / max(1, final_long_side)
    grow = max(1, math.ceil((stroke_here * 1.5 - 1.0) / 2))
    ink = cv2.dilate(lines.astype(np.uint8), _disk(grow))
    # Dense texture (wood grain, hatching) merges into solid patches once thickened;
    # keep their outline only: a closed shape to colour instead of a black blob.
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, _disk(3 * grow + 2))
    ink[cv2.erode(solid, _disk(2 * grow + 1)) > 0] = 0
    lines = ink > 0
    return Image.fromarray(np.where(lines, 0, 255).astype(np.uint8), "L")


def looks_like_photo(image: Image.Image) -> bool:
    """A photograph rather than a drawing or a scan of one: drawings are mostly paper,
    once uneven lighting is divided out, with few mid-tones; photos are not."""
    small = image.convert("RGB")
    small.thumbnail((256, 256))
    rgb = np.asarray(small).astype(np.float32)
    gray = rgb.mean(axis=2)
    # The paper's brightness, allowing for light that fades across a scan: the maximum
    # over a third of the picture, smoothed (a photo's surfaces stay darker than it).
    side = max(3, max(gray.shape) // 3) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    paper = cv2.GaussianBlur(cv2.dilate(gray, kernel), (0, 0), side / 4)
    level = gray / np.maximum(paper, 1.0)
    paper_share = float((level > 0.85).mean())
    midtones = float(((level > 0.35) & (level <= 0.85)).mean())
    saturation = float((rgb.max(axis=2) - rgb.min(axis=2)).mean() / 255.0)
    return paper_share < 0.5 or midtones > 0.3 or (saturation > 0.2 and midtones > 0.15)
