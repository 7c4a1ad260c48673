"""Photograph → coloring-page lines, by region segmentation (pure; no model, no network).

Edge extraction (difference of Gaussians and the like) draws a photo nicely but leaves
outlines open where contrast fades: a page where colour leaks everywhere, which the gate
refuses. So this draws the borders of regions instead, which are closed by construction:

1. the photo, at a working size, has its local contrast evened out (CLAHE) and its
   texture smoothed away by repeated bilateral filtering, which keeps edges;
2. a graph segmentation (Felzenszwalb) over-segments it, and the regions are merged,
   weakest border first (little edge strength, alike colours; large regions resist), to
   about as many as the audience colours: a handful for toddlers, a few dozen for
   children, a few hundred for adults; grain, fur and a blur's transition strips melt;
3. borders are rounded, parts too thin to colour once outlined go to their neighbours,
   and the outlines (plus a frame, which closes the regions at the photo's edge) are drawn
   at the audience's stroke, at the scale the picture will have on the page.

The result goes through the same clean-up and gate as any page (art/imports/page.py).
Also here: `looks_like_photo`, which tells a photograph from a drawing or a scan, for
uploads left on "automatic".
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image
from skimage.segmentation import felzenszwalb

from backoffice.art import photo_regions as regions
from backoffice.art.cleanup import fitted_size
from backoffice.art.procedural.render import fill_crumbs
from backoffice.art.quality import (
    BANDS,
    BLOB_THICKNESS_MM,
    LEAK_GAP_MM,
    MM_PER_INCH,
    POINTS_PER_INCH,
)

# Photos are analysed at this size (long side): enough for faces, a second or two.
WORK_LONG_SIDE = 800
BILATERAL_PASSES = 4
# Regions to aim for, inside each audience's band of the gate (quality.BANDS).
TARGET_REGIONS = {"toddlers": 9, "children": 38, "adults": 260}
# How much borders are rounded (Gaussian sigma, working pixels) and how wide a region
# must stay once outlined (mm on the page): bigger shapes for smaller hands.
SMOOTHING = {"toddlers": 3.0, "children": 2.0, "adults": 1.2}
MIN_WIDTH_MM = {"toddlers": 3.0, "children": 2.0, "adults": 1.0}
# Outline width over the audience's minimum stroke: the gate reads the thinnest 5 %.
# Gaps up to this many leak gaps (quality.LEAK_GAP_MM) are joined: wider for the thin
# adult lines, which the clean-up's tracing can part again, narrower for toddlers' thick
# ones, where joining two outlines makes a black blob.
CLOSING = {"toddlers": 1.0, "children": 1.5, "adults": 2.0}
STROKE_MARGIN = {"toddlers": 1.1, "children": 1.25, "adults": 1.8}


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
        smooth = cv2.bilateralFilter(smooth, 7, 30, 5)
    return smooth


def _edge_strength(lab: np.ndarray) -> np.ndarray:
    """How sharply the picture changes at each pixel: the strongest gradient of its
    lightness and (weighted up, as the eye sees them) its two colour axes."""
    strength = np.zeros(lab.shape[:2], np.float32)
    for channel, weight in ((0, 1.0), (1, 1.5), (2, 1.5)):
        blurred = cv2.GaussianBlur(lab[..., channel], (0, 0), 1.5)
        gradient = np.hypot(cv2.Sobel(blurred, cv2.CV_32F, 1, 0),
                            cv2.Sobel(blurred, cv2.CV_32F, 0, 1))
        strength = np.maximum(strength, weight * gradient)
    return strength


def photo_to_lines(image: Image.Image, *, art_px: tuple[int, int], audience: str,
                   dpi: int = 300) -> Image.Image:
    """Black outlines on white (mode L) of a photograph's main shapes, every region
    closed, drawn for a page whose art area is `art_px` at `dpi`."""
    band = BANDS[audience]
    rgb = _even_contrast(_working(image))
    height, width = rgb.shape[:2]
    # Working pixels → page pixels, as the clean-up will fit the picture.
    fitted = fitted_size((width, height), *art_px, dpi)
    page_scale = fitted[0] / width
    px_per_mm = dpi / MM_PER_INCH / page_scale
    stroke = band.min_stroke_pt / POINTS_PER_INCH * dpi / page_scale
    # A region must be big enough to colour even after its outline takes its share.
    min_area = max(3 * band.min_region_mm2 * px_per_mm ** 2, (4 * stroke) ** 2)
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    edge = _edge_strength(lab)

    def merged(labels: regions.Labels) -> regions.Labels:
        return regions.merge_regions(labels, lab, edge, target=TARGET_REGIONS[audience],
                                     min_area=min_area, min_width=3 * stroke)

    segments = felzenszwalb(rgb, scale=60, sigma=0.6, min_size=int(max(20, min_area / 4)))
    labels = regions.smooth_borders(merged(segments.astype(np.int64)), SMOOTHING[audience])

    # Outlines are drawn at the page's own resolution, so their width is exact on paper
    # whatever the trim and the photo's size.
    page_px_per_mm = dpi / MM_PER_INCH
    half_width = max(1, math.ceil((stroke * page_scale * STROKE_MARGIN[audience] - 1) / 2))
    drawn_mm = (2 * half_width + 1) / page_px_per_mm
    # Two outlines closer than a leak gap around a region print as one band of ink.
    min_width_mm = max(MIN_WIDTH_MM[audience], drawn_mm + 3 * LEAK_GAP_MM)
    labels = regions.drop_thin(labels, max(1, round(min_width_mm / 2 * px_per_mm)))
    labels = merged(regions.split_disconnected(labels))

    labels = cv2.resize(labels.astype(np.int32), fitted,
                        interpolation=cv2.INTER_NEAREST).astype(np.int64)
    # Two outlines nearly touching are joined, so no gap lets colour leak between them.
    closing = regions.disk(max(1, round(LEAK_GAP_MM * CLOSING[audience] * page_px_per_mm
                                        / 2)))

    def drawn(labels: regions.Labels) -> np.ndarray:
        ink = regions.outlines(labels, half_width).astype(np.float32)
        # The borders follow the working grid's steps (page_scale page pixels each): a
        # blur of about one step and a threshold at half take the wobble out, without
        # rounding the corners where outlines meet into blobs.
        soft = cv2.GaussianBlur(ink, (0, 0), min(0.8 * half_width, page_scale))
        closed: np.ndarray = cv2.morphologyEx((soft > 0.5).astype(np.uint8),
                                              cv2.MORPH_CLOSE, closing)
        return closed

    ink = drawn(labels)
    labels, changed = regions.absorb_pockets(labels, ink, band.min_region_mm2
                                             * page_px_per_mm ** 2, 2 * half_width + 2)
    if changed:
        ink = drawn(labels)
    ink = np.where(ink > 0, 255, 0).astype(np.uint8)
    # Specks of paper where outlines meet are inked, unless that would make a blob.
    fill_crumbs(ink, int(band.min_region_mm2 * page_px_per_mm ** 2),
                0.9 * BLOB_THICKNESS_MM * page_px_per_mm)
    return Image.fromarray(255 - ink, "L")


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
