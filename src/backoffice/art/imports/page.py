"""A user's file page → the book's page: photo lines when asked (or when it looks like a
photo), uneven scan lighting evened out, then the same clean-up to 1-bit line art fitted
to the art box (art/cleanup.py) and the same gate (art/quality.py) as generated pages."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np
from PIL import Image

from backoffice.art import photo as photo_lines
from backoffice.art.cleanup import to_line_art_with_info
from backoffice.art.imports.files import PRINT_DPI, Limits, fit_dpi, load
from backoffice.art.quality import evaluate_page

PhotoMode = Literal["auto", "yes", "no"]
PHOTO_MODES: tuple[PhotoMode, ...] = ("auto", "yes", "no")


@dataclass(frozen=True)
class SourceRef:
    """Where a page comes from: a stored file, its format and the page inside it."""

    name: str
    format: str
    frame: int = 0
    photo: PhotoMode = "auto"


@dataclass(frozen=True)
class MadePage:
    png: bytes  # 1-bit, exactly the art box
    quality: dict[str, Any]


def even_lighting(gray: Image.Image) -> Image.Image:
    """Divide out the paper's brightness (a wide maximum, smoothed), so a scan or a
    photo of a drawing with fading light thresholds like a clean page. Clean digital
    art has white paper everywhere and comes out unchanged."""
    pixels = np.asarray(gray, dtype=np.float32)
    small_side = 512
    scale = small_side / max(pixels.shape)
    small = cv2.resize(pixels, None, fx=min(1.0, scale), fy=min(1.0, scale),
                       interpolation=cv2.INTER_AREA)
    side = max(3, max(small.shape) // 8) | 1
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    paper = cv2.GaussianBlur(paper, (0, 0), side / 3)
    if float(paper.min()) >= 250:
        return gray
    paper = cv2.resize(paper, (pixels.shape[1], pixels.shape[0]),
                       interpolation=cv2.INTER_LINEAR)
    evened = np.clip(pixels / np.maximum(paper, 1.0) * 255.0, 0, 255).astype(np.uint8)
    return Image.fromarray(evened, "L")


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def make_page(data: bytes, source: SourceRef, *, art_px: tuple[int, int], audience: str,
              limits: Limits | None = None) -> MadePage:
    """The 1-bit page and its quality record (the gate's verdict plus where it came
    from, at what resolution, and whether it was treated as a photo)."""
    limits = limits or Limits()
    image = load(data, source.format, source.frame, art_px, limits)
    vector = source.format in ("pdf", "svg")
    is_photo = source.photo == "yes" or (source.photo == "auto"
                                         and photo_lines.looks_like_photo(image))
    original = image.size
    if is_photo:
        drawing = photo_lines.photo_to_lines(image, art_px=art_px, audience=audience,
                                             dpi=PRINT_DPI)
    else:
        drawing = even_lighting(image.convert("L"))
    del image
    art, info = to_line_art_with_info(_png(drawing), art_px[0], art_px[1], PRINT_DPI)
    report = evaluate_page(art, dpi=PRINT_DPI, audience=audience)
    dpi = None if vector else fit_dpi(original, art_px)
    quality = report.to_dict() | {
        "cleaned": True,
        "source": {"file": source.name, "format": source.format, "page": source.frame + 1,
                   "size_px": list(original), "dpi": dpi,
                   "upscaled": dpi is not None and dpi < PRINT_DPI,
                   "photo": is_photo, "photo_mode": source.photo,
                   "vectorizer": info.get("vectorizer")},
    }
    buffer = io.BytesIO()
    art.save(buffer, format="PNG")
    return MadePage(buffer.getvalue(), quality)
