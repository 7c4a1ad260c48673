"""Rasterise a Drawing: 1-bit line art for pages, label maps and anti-aliased lines for covers."""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

from backoffice.art.procedural.geometry import Drawing

_SHIFT = 4  # OpenCV fixed-point sub-pixel bits: keeps curves smooth at any scale


def _polylines(drawing: Drawing, scale: float, offset: tuple[float, float], px_per_pt: float
               ) -> dict[int, tuple[list[np.ndarray], list[np.ndarray]]]:
    """Group strokes by pixel thickness so each width is one OpenCV call. The fixed-point
    conversion runs once over all coordinates."""
    groups: dict[int, tuple[list[np.ndarray], list[np.ndarray]]] = {}
    if not drawing.strokes:
        return groups
    factor = scale * (1 << _SHIFT)
    sizes = np.array([len(pts) for pts, _c, _w in drawing.strokes])
    fixed = np.round((np.concatenate([pts for pts, _c, _w in drawing.strokes]) + offset)
                     * factor).astype(np.int32).reshape(-1, 1, 2)
    pieces = np.split(fixed, np.cumsum(sizes)[:-1])
    widths: dict[float, int] = {}
    for piece, (_pts, closed, width_pt) in zip(pieces, drawing.strokes, strict=True):
        thickness = widths.get(width_pt)
        if thickness is None:
            # OpenCV paints about 1.5 px wider than the thickness it is given.
            thickness = widths[width_pt] = max(1, math.ceil(width_pt * px_per_pt - 1.5))
        groups.setdefault(thickness, ([], []))[0 if closed else 1].append(piece)
    return groups


def draw_ink(drawing: Drawing, width_px: int, height_px: int, *, ink: np.ndarray | None = None,
             colour: int | tuple[int, ...] = 255, line_type: int = cv2.LINE_8,
             offset: tuple[float, float] = (0.0, 0.0), width_scale: float = 1.0) -> np.ndarray:
    """Draw strokes into a uint8 (or BGR) canvas; by default an ink mask (255 = ink)."""
    canvas = np.zeros((height_px, width_px), np.uint8) if ink is None else ink
    scale = width_px / drawing.width
    for thickness, (closed, opened) in _polylines(drawing, scale, offset,
                                                  scale * width_scale).items():
        if closed:
            cv2.polylines(canvas, closed, True, colour, thickness, line_type, _SHIFT)
        if opened:
            cv2.polylines(canvas, opened, False, colour, thickness, line_type, _SHIFT)
    return canvas


def to_page_image(drawing: Drawing, width_px: int, height_px: int, *,
                  join_mm: float = 0.0, dpi: int = 300) -> Image.Image:
    """1-bit page. `join_mm` > 0 joins lines that pass closer than that without meeting
    (a morphological closing), as an inker closes a near miss: a pattern line grazing an
    outline would otherwise leave a hairline gap through which colour runs."""
    ink = draw_ink(drawing, width_px, height_px)
    if join_mm > 0:
        radius = max(1, round(join_mm * dpi / 25.4 / 2))
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel)
    return Image.fromarray(ink == 0)  # bool array -> mode "1", white = True
