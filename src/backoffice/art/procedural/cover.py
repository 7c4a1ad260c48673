"""Coloured, text-free cover art: a design's regions filled from the theme palette."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

from backoffice.art.procedural.geometry import Drawing

BARCODE_W_IN, BARCODE_H_IN = 2.0, 1.2
BARCODE_CLEARANCE_IN, BLEED_IN = 0.25, 0.125
# Share of the front panel's height kept calm at the top for the title.
TITLE_BAND = 0.24
BLEND_ROWS = 256
FALLBACK_PALETTE = ("#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946")


def _rgb(palette: Sequence[str]) -> np.ndarray:
    colours = [c for c in palette if isinstance(c, str) and len(c) == 7 and c.startswith("#")]
    colours = colours or list(FALLBACK_PALETTE)
    return np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in colours], np.float64)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114])


def _design(family: str, seed: int, width_px: int, height_px: int, dpi: int,
            top_px: int) -> tuple[Drawing, tuple[float, float]]:
    from backoffice.art.procedural import build_design

    pt = 72.0 / dpi
    drawing, _ = build_design(family, "children", seed, width_px * pt, (height_px - top_px) * pt)
    return drawing, (0.0, top_px * pt)


def _paint(drawing: Drawing, offset, width_px: int, height_px: int, palette: np.ndarray,
           seed: int, lighten: float) -> np.ndarray:
    """Fill every white region; regions alike in size and distance from the centre share a
    colour so symmetric designs stay symmetric.

    Colours are worked out per region in a small lookup table (lightening included) and
    only then spread to the pixels as uint8: a full-size float64 RGB array would cost
    about 200 MB per copy at 300 DPI."""
    from backoffice.art.procedural.render import draw_ink

    ink = draw_ink(drawing, width_px, height_px, offset=offset)
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(
        (ink == 0).astype(np.uint8), connectivity=4, ltype=cv2.CV_32S)
    order = np.argsort(_luminance(palette))
    background = palette[order[-1]]
    fills = palette[order[:-1]] if len(palette) > 2 else palette
    rng = np.random.default_rng(seed)
    shuffle = rng.permutation(len(fills))
    centre = np.array([width_px / 2, offset[1] * width_px / drawing.width + height_px / 2])
    radius_key = np.round(np.hypot(*(centroids - centre).T) / (0.015 * width_px))
    area_key = np.round(np.log2(stats[:, cv2.CC_STAT_AREA] + 1) * 2)
    keys = (radius_key * 131 + area_key * 7).astype(np.int64)
    lut = fills[shuffle[keys % len(fills)]]
    lut[0] = 0
    touching = (stats[:, cv2.CC_STAT_LEFT] == 0) | (stats[:, cv2.CC_STAT_TOP] == 0)
    lut[touching] = background
    dark = palette[order[0]] * 0.35
    if lighten:
        lut = lut * (1 - lighten) + 255 * lighten
        dark = dark * (1 - lighten) + 255 * lighten
    canvas: np.ndarray = np.clip(lut, 0, 255).astype(np.uint8)[labels]
    del labels
    canvas[ink > 0] = np.clip(dark, 0, 255).astype(np.uint8)
    # Redraw the lines anti-aliased on top: covers are colour art, not 1-bit.
    draw_ink(drawing, width_px, height_px, ink=canvas, colour=tuple(int(c) for c in dark),
             line_type=cv2.LINE_AA, offset=offset)
    return canvas


def front_cover(palette: Sequence[str], family: str, seed: int, width_px: int, height_px: int,
                dpi: int) -> Image.Image:
    colours = _rgb(palette)
    top = int(height_px * TITLE_BAND)
    drawing, offset = _design(family, seed, width_px, height_px, dpi, top)
    return Image.fromarray(_paint(drawing, offset, width_px, height_px, colours, seed, 0.0), "RGB")


def barcode_box_px(width_px: int, height_px: int, dpi: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the barcode area on the back panel (spine on its right edge)."""
    x1 = width_px - round(BARCODE_CLEARANCE_IN * dpi)
    y1 = height_px - round((BARCODE_CLEARANCE_IN + BLEED_IN) * dpi)
    return x1 - round(BARCODE_W_IN * dpi), y1 - round(BARCODE_H_IN * dpi), x1, y1


def back_cover(palette: Sequence[str], family: str, seed: int, width_px: int, height_px: int,
               dpi: int) -> Image.Image:
    colours = _rgb(palette)
    top = int(height_px * TITLE_BAND)
    drawing, offset = _design(family, seed, width_px, height_px, dpi, top)
    canvas = _paint(drawing, offset, width_px, height_px, colours, seed, 0.6)
    # A calm, near-white panel in the upper middle for the blurb.
    panel = np.zeros((height_px, width_px), np.uint8)
    margin = int(0.6 * dpi)
    cv2.rectangle(panel, (margin, int(0.08 * height_px)), (width_px - margin,
                  int(0.42 * height_px)), 255, -1)
    blurred = cv2.GaussianBlur(panel, (0, 0), dpi * 0.08)
    # Blended in bands of rows: the float32 RGB working copy stays a few MB.
    for top in range(0, height_px, BLEND_ROWS):
        rows = slice(top, top + BLEND_ROWS)
        soft = blurred[rows].astype(np.float32)[..., None] / 255
        canvas[rows] = (canvas[rows] * (1 - 0.85 * soft) + 255 * 0.85 * soft).astype(np.uint8)
    x0, y0, x1, y1 = barcode_box_px(width_px, height_px, dpi)
    pad = round(0.04 * dpi)
    canvas[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = 255
    return Image.fromarray(canvas, "RGB")
