"""Paint a cover panel from its layout: ground and pattern, coloured pages on paper cards
with soft shadows, the patterned border, then the plates that carry the text.

Text itself is not painted here: the PDF sets it in vector type and the previews draw it
with the same fonts (kdp.cover_text.draw_lines), both from the same layout.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageOps

from backoffice.art.cover.colorize import BAND_ROWS, colour_page, line_art
from backoffice.kdp import cover_palette as cp
from backoffice.kdp.cover_design import ArtSlot, CoverDesign, PanelLayout, Plate

SHADOW = 0.35


def _px(value: float, dpi: float) -> int:
    return int(round(value * dpi))


def _pattern(canvas: np.ndarray, layout: PanelLayout, dpi: float) -> None:
    height, width = canvas.shape[:2]
    soft = cp.rgb(cp.mix(layout.background, cp.WHITE, 0.13))
    if layout.pattern == "rays":
        centre = (width / 2, height * 0.62) if layout.side == "front" else (width / 2, height)
        reach = 2 * math.hypot(width, height)
        for index in range(0, 36, 2):
            a0, a1 = index * math.pi / 18, (index + 1) * math.pi / 18
            points = np.array([centre, (centre[0] + reach * math.cos(a0),
                                        centre[1] + reach * math.sin(a0)),
                               (centre[0] + reach * math.cos(a1),
                                centre[1] + reach * math.sin(a1))], np.int32)
            cv2.fillPoly(canvas, [points], soft, cv2.LINE_AA)
    elif layout.pattern == "dots":
        step, radius = _px(0.42, dpi), max(1, _px(0.07, dpi))
        for row, y in enumerate(range(0, height + step, step)):
            for x in range(-step, width + step, step):
                cv2.circle(canvas, (x + (step // 2 if row % 2 else 0), y), radius, soft, -1,
                           cv2.LINE_AA)
    elif layout.pattern == "lattice":
        step, thick = _px(0.38, dpi), max(1, _px(0.012, dpi))
        faint = cp.rgb(cp.mix(layout.background, cp.WHITE, 0.09))
        for x in range(-height, width + height, step):
            cv2.line(canvas, (x, 0), (x + height, height), faint, thick, cv2.LINE_AA)
            cv2.line(canvas, (x, height), (x + height, 0), faint, thick, cv2.LINE_AA)


def _frame(canvas: np.ndarray, layout: PanelLayout, design: CoverDesign, dpi: float) -> None:
    """A patterned border from the bleed edge to `frame_in` inside the trim: it runs off the
    edge, so the cut's variance never shows as an uneven strip."""
    roles = design.roles
    inner = layout.trim.inset(layout.frame_in)
    x0, y0, x1, y1 = (_px(v, dpi) for v in (inner.x0, inner.y0, inner.x1, inner.y1))
    mask = np.ones(canvas.shape[:2], bool)
    mask[y0:y1, x0:x1] = False
    canvas[mask] = cp.rgb(roles.accent)
    band = _px(layout.frame_in, dpi)
    radius = max(2, band // 5)
    step = radius * 3
    dot = cp.rgb(roles.highlight)
    middle = band // 2
    trim = [_px(v, dpi) for v in (layout.trim.x0, layout.trim.y0, layout.trim.x1,
                                  layout.trim.y1)]
    for x in range(trim[0], trim[2] + step, step):
        for y in (trim[1] + middle - band // 6, trim[3] - middle + band // 6):
            cv2.circle(canvas, (x, y), radius, dot, -1, cv2.LINE_AA)
    for y in range(trim[1], trim[3] + step, step):
        for x in (trim[0] + middle - band // 6, trim[2] - middle + band // 6):
            cv2.circle(canvas, (x, y), radius, dot, -1, cv2.LINE_AA)
    line = max(2, _px(0.03, dpi))
    cv2.rectangle(canvas, (x0, y0), (x1, y1), cp.rgb(roles.ink), line, cv2.LINE_AA)
    cv2.rectangle(canvas, (x0 - 2 * line, y0 - 2 * line), (x1 + 2 * line, y1 + 2 * line),
                  cp.rgb(roles.highlight), max(1, line // 2), cv2.LINE_AA)


def _card(slot: ArtSlot, page: Image.Image, design: CoverDesign, dpi: float,
          index: int, illustrated: bool = False) -> np.ndarray:
    """The slot's face: a coloured (or, for thumbs, plain) page on paper, unrotated."""
    roles = design.roles
    width, height = max(2, _px(slot.box.w, dpi)), max(2, _px(slot.box.h, dpi))
    card = np.empty((height, width, 3), np.uint8)
    card[:] = cp.rgb(roles.paper)
    margin = max(1, round(0.045 * min(width, height)))
    inner = (width - 2 * margin, height - 2 * margin)
    if illustrated:  # already in colour: framed as it is
        art = np.asarray(ImageOps.fit(page.convert("RGB"), inner, Image.Resampling.LANCZOS))
    elif slot.style == "thumb":
        art = line_art(page, inner, roles.ink, roles.paper)
    else:
        art = colour_page(page, inner, roles.fills, ink=roles.ink, ground=roles.paper,
                          seed=design.seed + index)
    top, left = (height - art.shape[0]) // 2, (width - art.shape[1]) // 2
    card[top:top + art.shape[0], left:left + art.shape[1]] = art
    edge = cp.rgb(cp.mix(roles.ink, roles.paper, 0.55))
    cv2.rectangle(card, (0, 0), (width - 1, height - 1), edge, max(1, round(dpi / 150)))
    return card


def _paste_rotated(canvas: np.ndarray, card: np.ndarray, slot: ArtSlot, dpi: float) -> None:
    bounds = slot.bounds()
    shadow_off = max(1, _px(0.05, dpi))
    x0, y0 = _px(bounds.x0, dpi) - 2 * shadow_off, _px(bounds.y0, dpi) - 2 * shadow_off
    x1, y1 = _px(bounds.x1, dpi) + 3 * shadow_off, _px(bounds.y1, dpi) + 3 * shadow_off
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x1, canvas.shape[1]), min(y1, canvas.shape[0])
    if cx1 <= cx0 or cy1 <= cy0:
        return
    h, w = card.shape[:2]
    centre = (slot.box.cx * dpi - x0, slot.box.cy * dpi - y0)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), slot.angle, 1.0)
    matrix[:, 2] += (centre[0] - w / 2, centre[1] - h / 2)
    size = (x1 - x0, y1 - y0)
    face = cv2.warpAffine(card, matrix, size, flags=cv2.INTER_AREA)
    alpha = cv2.warpAffine(np.full((h, w), 255, np.uint8), matrix, size, flags=cv2.INTER_LINEAR)
    shift = np.array([[1, 0, shadow_off], [0, 1, shadow_off * 1.4]], np.float32)
    shadow = cv2.warpAffine(alpha, shift, size)
    shadow = cv2.GaussianBlur(shadow, (0, 0), max(1.0, shadow_off * 0.8))
    # Blended in bands of rows: float copies of a whole hero card would cost ~80 MB each.
    for top in range(cy0, cy1, BAND_ROWS):
        bottom = min(top + BAND_ROWS, cy1)
        sub = (slice(top - y0, bottom - y0), slice(cx0 - x0, cx1 - x0))
        region = canvas[top:bottom, cx0:cx1].astype(np.float32)
        region *= 1 - SHADOW * shadow[sub].astype(np.float32)[..., None] / 255
        a = alpha[sub].astype(np.float32)[..., None] / 255
        blended = region * (1 - a) + face[sub].astype(np.float32) * a
        canvas[top:bottom, cx0:cx1] = np.clip(blended, 0, 255).astype(np.uint8)


def _plate(draw: ImageDraw.ImageDraw, plate: Plate, dpi: float) -> None:
    x0, y0, x1, y1 = (_px(v, dpi) for v in (plate.box.x0, plate.box.y0, plate.box.x1,
                                            plate.box.y1))
    outline = plate.outline or None
    width = max(1, _px(plate.outline_in, dpi)) if outline else 0
    if plate.shape in ("band", "rect"):
        draw.rectangle([x0, y0, x1, y1], fill=plate.fill, outline=outline, width=width)
    elif plate.shape == "round":
        radius = round(0.16 * min(x1 - x0, y1 - y0))
        draw.rounded_rectangle([x0, y0, x1, y1], radius, fill=plate.fill, outline=outline,
                               width=width)
        if outline:
            gap = 2 * width
            draw.rounded_rectangle([x0 + gap, y0 + gap, x1 - gap, y1 - gap],
                                   max(1, radius - gap), outline=outline,
                                   width=max(1, width // 3))
    elif plate.shape == "circle":
        draw.ellipse([x0, y0, x1, y1], fill=plate.fill, outline=outline, width=width)
        if outline:
            gap = round(0.07 * (x1 - x0))
            draw.ellipse([x0 + gap, y0 + gap, x1 - gap, y1 - gap], outline=outline,
                         width=max(1, width // 2))
    elif plate.shape == "ribbon":
        notch = round(0.35 * (y1 - y0))
        cy = (y0 + y1) // 2
        points = [(x0, y0), (x1, y0), (x1 - notch, cy), (x1, y1), (x0, y1), (x0 + notch, cy)]
        draw.polygon(points, fill=plate.fill, outline=outline, width=width)


def _tile(canvas: np.ndarray, slot: ArtSlot, layout: PanelLayout, design: CoverDesign,
          page: Image.Image, dpi: float, index: int, *, illustrated: bool) -> None:
    """A paper cell running off the edge, its page kept whole inside the safe lines, so the
    cut never crops a design."""
    roles = design.roles
    height, width = canvas.shape[:2]
    cell = (max(0, _px(slot.box.x0, dpi)), max(0, _px(slot.box.y0, dpi)),
            min(width, _px(slot.box.x1, dpi)), min(height, _px(slot.box.y1, dpi)))
    ground = cp.mix(roles.background, cp.WHITE, 0.82)
    canvas[cell[1]:cell[3], cell[0]:cell[2]] = cp.rgb(ground)
    pad = 0.08
    top, bottom = layout.safe.y0, layout.safe.y1
    # Plates (title, author band) take the cell's top or bottom: the page sits clear of them.
    for plate in layout.plates:
        if plate.shape == "circle" or not plate.box.intersects(slot.box):
            continue
        if plate.box.cy < slot.box.cy:
            top = max(top, plate.box.y1)
        else:
            bottom = min(bottom, plate.box.y0)
    inner = (max(cell[0], _px(layout.safe.x0 + pad, dpi)), max(cell[1], _px(top + pad, dpi)),
             min(cell[2], _px(layout.safe.x1 - pad, dpi)), min(cell[3], _px(bottom - pad, dpi)))
    size = (inner[2] - inner[0], inner[3] - inner[1])
    if size[0] < 4 or size[1] < 4:
        return
    if illustrated:
        art = np.asarray(ImageOps.fit(page.convert("RGB"), size, Image.Resampling.LANCZOS))
    else:
        art = colour_page(page, size, roles.fills, ink=roles.ink, ground=ground,
                          seed=design.seed + index)
    x = inner[0] + (size[0] - art.shape[1]) // 2
    y = inner[1] + (size[1] - art.shape[0]) // 2
    canvas[y:y + art.shape[0], x:x + art.shape[1]] = art


def render_panel(layout: PanelLayout, design: CoverDesign, pages: Sequence[Image.Image],
                 dpi: float, illustration: Image.Image | None = None) -> Image.Image:
    """The panel's art and plates as an RGB image of layout.width_in x height_in at dpi."""
    roles = design.roles
    size = (_px(layout.width_in, dpi), _px(layout.height_in, dpi))
    canvas = np.empty((size[1], size[0], 3), np.uint8)
    canvas[:] = cp.rgb(layout.background)
    _pattern(canvas, layout, dpi)

    def page_for(slot: ArtSlot) -> Image.Image | None:
        if slot.source < 0 or (slot.source == 0 and illustration is not None
                               and slot.style != "thumb"):
            return illustration
        return pages[slot.source % len(pages)] if pages else None

    for index, slot in enumerate(layout.slots):
        source = page_for(slot)
        if source is None:
            continue
        if slot.style == "tile":
            _tile(canvas, slot, layout, design, source, dpi, index,
                  illustrated=source is illustration)
        elif slot.style == "full":
            box = (max(0, _px(slot.box.x0, dpi)), max(0, _px(slot.box.y0, dpi)),
                   min(size[0], _px(slot.box.x1, dpi)), min(size[1], _px(slot.box.y1, dpi)))
            cell = (box[2] - box[0], box[3] - box[1])
            if source is illustration:
                art = np.asarray(ImageOps.fit(source.convert("RGB"), cell,
                                              Image.Resampling.LANCZOS))
            else:
                art = colour_page(source, cell, roles.fills, ink=roles.ink,
                                  ground=roles.background, seed=design.seed + index,
                                  mode="cover")
            canvas[box[1]:box[3], box[0]:box[2]] = art
        else:
            card = _card(slot, source, design, dpi, index, source is illustration)
            _paste_rotated(canvas, card, slot, dpi)
    if layout.frame_in:
        _frame(canvas, layout, design, dpi)

    image = Image.fromarray(canvas, "RGB")
    del canvas
    draw = ImageDraw.Draw(image)
    for plate in layout.plates:
        _plate(draw, plate, dpi)
    if layout.barcode is not None:
        b = layout.barcode
        pad = 0.04
        draw.rectangle([_px(b.x0 - pad, dpi), _px(b.y0 - pad, dpi), _px(b.x1 + pad, dpi),
                        _px(b.y1 + pad, dpi)], fill="#ffffff")
    return image
