"""One image of the previous system → the page versions we keep of it.

The original PNG is always kept, byte for byte, as the first version. What print needs
comes as a second, current version: content pages that are not 1-bit (the previous
system stored AI line art as RGB with grey anti-aliasing) are cleaned to line art by
the raster pipeline and judged by the quality gate; covers (8.75 in squares, bleed on
every side) lose the bleed on their spine side to become a KDP panel. Pure: no database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from backoffice.kdp import pixels, specs

PROVIDER = "imported"
ORIGINAL_MODEL = "previous system"
CLEANED_MODEL = "previous system, cleaned to 1-bit line art"
FITTED_MODEL = "previous system, fitted to the KDP cover panel"
# The previous system's only trim: 8.5 in square, drawn with 0.125 in of bleed all round.
LEGACY_TRIM = "8.5x8.5"
LEGACY_IMAGE_IN = 8.5 + 2 * specs.BLEED_IN
# Decoded images larger than this are refused rather than risk exhausting memory.
MAX_PIXELS = 80_000_000


class PageImageError(ValueError):
    """The stored image cannot be read; the message says why, for the summary."""


@dataclass
class Prepared:
    png: bytes
    model: str
    quality: dict[str, Any] = field(default_factory=dict)


def decode(entry: object) -> tuple[bytes, dict[str, Any]]:
    """PNG bytes of one pages_meta entry, and what we know of the original."""
    if not isinstance(entry, dict):
        raise PageImageError("the pages_meta entry is not an object")
    data = entry.get("image_data_base64")
    if not isinstance(data, str) or not data:
        raise PageImageError("no image_data_base64")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise PageImageError("image_data_base64 is not valid base64") from None
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise PageImageError(f"image of {image.width}x{image.height} px is too large")
            image.load()
            fmt, mode, size = image.format, image.mode, list(image.size)
            png = raw if fmt == "PNG" else _png(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PageImageError(f"not a readable image ({exc.__class__.__name__})") from None
    info: dict[str, Any] = {"page_number": entry.get("page_number"),
                            "title": entry.get("title"), "format": fmt, "mode": mode,
                            "size": size}
    if fmt != "PNG":
        # Storage keeps PNGs; the bytes as they were stay in legacy.ebooks.
        info["converted_from"] = fmt
    return png, info


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def original(png: bytes, info: dict[str, Any], **extra: Any) -> Prepared:
    return Prepared(png, ORIGINAL_MODEL, {"imported": info, "original": True, **extra})


def cover_panel(png: bytes, kind: str, trim: str = LEGACY_TRIM) -> Prepared | None:
    """The cover or back cover as a KDP panel, or None when it already is one.

    A square image is taken to span the trim plus bleed on every side, as the previous
    system drew it; the panel keeps the bleed outside, top and bottom but not at the
    spine (left of the front cover, right of the back cover). Anything else is cropped
    to the panel's proportions around its centre."""
    width, height = pixels.panel_size_px(trim)
    with Image.open(io.BytesIO(png)) as image:
        source = list(image.size)
        if tuple(source) == (width, height):
            return None
        rgb = image.convert("RGB")
    quality: dict[str, Any] = {"kind": "colour", "resized_from": source}
    if source[0] == source[1]:
        spine_px = round(specs.BLEED_IN / LEGACY_IMAGE_IN * source[0])
        box = ((spine_px, 0, source[0], source[1]) if kind == "cover"
               else (0, 0, source[0] - spine_px, source[1]))
        panel = rgb.crop(box).resize((width, height), Image.Resampling.LANCZOS)
        quality["cropped_spine_bleed_px"] = spine_px
    else:
        panel = ImageOps.fit(rgb, (width, height), Image.Resampling.LANCZOS)
    return Prepared(_png(panel), FITTED_MODEL, quality)


def art_size(designs: int) -> tuple[int, int]:
    """A content page's art area for an imported book (default print options)."""
    return pixels.art_size_px(LEGACY_TRIM, pixels.interior_pages(max(designs, 1)))


class ContentCleaner:
    """Content pages → current versions, with a cache: the same drawing at the same size
    and audience is cleaned and judged once per import."""

    def __init__(self) -> None:
        self._done: dict[tuple[str, int, int, str], Prepared | None] = {}

    def current(self, png: bytes, info: dict[str, Any], *, size: tuple[int, int],
                audience: str) -> tuple[dict[str, Any], Prepared | None]:
        """(the original's quality, the cleaned version or None when the original is
        already 1-bit and stays current)."""
        digest = hashlib.sha256(png).hexdigest()
        key = (digest, size[0], size[1], audience)
        if info["mode"] == "1":
            if key not in self._done:
                self._done[key] = Prepared(png, ORIGINAL_MODEL, _gate_original(png, audience))
            cached = self._done[key]
            assert cached is not None
            return cached.quality, None
        if key not in self._done:
            self._done[key] = _clean(png, size, audience)
        return {}, self._done[key]


def _gate_original(png: bytes, audience: str) -> dict[str, Any]:
    from backoffice.art.quality import evaluate_page

    with Image.open(io.BytesIO(png)) as image:
        report = evaluate_page(image, dpi=pixels.DPI, audience=audience)
    return report.to_dict() | {"cleaned": False}


def _clean(png: bytes, size: tuple[int, int], audience: str) -> Prepared:
    from backoffice.art.cleanup import to_line_art_with_info
    from backoffice.art.quality import evaluate_page

    art, info = to_line_art_with_info(png, size[0], size[1], pixels.DPI)
    report = evaluate_page(art, dpi=pixels.DPI, audience=audience)
    buffer = io.BytesIO()
    art.save(buffer, format="PNG")
    return Prepared(buffer.getvalue(), CLEANED_MODEL, report.to_dict() | {
        "cleaned": True, "vectorizer": info["vectorizer"],
        "threshold": round(float(info["threshold"]), 1)})
