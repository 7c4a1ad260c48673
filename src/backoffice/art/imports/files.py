"""One user file: what it is (by its bytes, never its name), whether it can be trusted
and used, and its pages decoded for the clean-up.

`inspect` is the check a request can afford: headers, structure and a cheap full read
(PNG chunk checksums, JPEG decoded at an eighth of its size, PDF page table, SVG safety),
so a damaged, hostile or useless file is refused before anything is written. `load`
decodes one page at full size for the job that makes the page.
"""

from __future__ import annotations

import io
import math
import re
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps

from backoffice.art.imports import svg
from backoffice.art.imports.errors import (
    CORRUPT,
    EMPTY,
    PDF_EMPTY,
    PDF_UNREADABLE,
    TOO_MANY_PAGES,
    TOO_MANY_PIXELS,
    TOO_SMALL,
    UNKNOWN_FORMAT,
    BadFile,
)

RASTER_FORMATS = {"PNG": "png", "JPEG": "jpeg", "MPO": "jpeg", "WEBP": "webp", "TIFF": "tiff"}
FORMATS = ("png", "jpeg", "webp", "tiff", "pdf", "svg")
PRINT_DPI = 300
# Art keeps a twentieth of an inch of air inside its box (art/cleanup.py).
MARGIN_IN = 0.05
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError,
                  TypeError, KeyError, ZeroDivisionError, Image.DecompressionBombError)

# A truncated image is an error, never silently half-grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True)
class Limits:
    max_pixels: int = 90_000_000
    max_pages: int = 400
    # Below this a picture is too small for the page even after tracing.
    min_dpi: float = 75.0


@dataclass(frozen=True)
class Inspected:
    """A file that can become pages."""

    format: str
    pages: int
    size_px: tuple[int, int] | None  # raster images only
    dpi: int | None  # print resolution once fitted to the art (raster only)

    @property
    def upscaled(self) -> bool:
        """Scaled up past 300 DPI to fill the art: fine for line art (traced), coarser
        for photographs."""
        return self.dpi is not None and self.dpi < PRINT_DPI


def sniff(data: bytes) -> str | None:
    """The format from the first bytes: png, jpeg, webp, tiff, pdf, svg, zip or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in head:
        return "svg"
    return None


def fit_dpi(size_px: tuple[int, int], art_px: tuple[int, int]) -> int:
    """The print resolution of an image fitted (proportions kept) into the art."""
    margin = round(MARGIN_IN * PRINT_DPI)
    box_w, box_h = max(1, art_px[0] - 2 * margin), max(1, art_px[1] - 2 * margin)
    scale = min(box_w / size_px[0], box_h / size_px[1])
    return max(1, math.floor(PRINT_DPI / scale))


def inspect(data: bytes, art_px: tuple[int, int], limits: Limits) -> Inspected:
    """What the file is and how many pages it makes; BadFile when it cannot be used."""
    if not data:
        raise BadFile(EMPTY)
    kind = sniff(data)
    if kind == "pdf":
        return Inspected("pdf", _pdf_pages(data, limits), None, None)
    if kind == "svg":
        document = svg.check_svg(data, max_pixels=limits.max_pixels)
        svg.render_svg(document, (64, 64))  # renders at all (cheap at this size)
        return Inspected("svg", 1, None, None)
    if kind not in ("png", "jpeg", "webp", "tiff"):
        raise BadFile(UNKNOWN_FORMAT)
    size, frames = _check_raster(data, limits)
    dpi = fit_dpi(size, art_px)
    if dpi < limits.min_dpi:
        raise BadFile(TOO_SMALL, width=size[0], height=size[1], dpi=dpi,
                      min_dpi=round(limits.min_dpi))
    return Inspected(kind, frames, size, dpi)


def _open(data: bytes, limits: Limits) -> Image.Image:
    with warnings.catch_warnings():
        # Our own limit decides; Pillow's warning (at its lower default) is no error.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            found = re.search(r"\((\d+) pixels\)", str(exc))
            pixels = int(found.group(1)) if found else 2 * (Image.MAX_IMAGE_PIXELS or 0)
            raise BadFile(TOO_MANY_PIXELS, megapixels=round(pixels / 1e6),
                          limit=limits.max_pixels // 1_000_000) from None
        except _DECODE_ERRORS as exc:
            raise BadFile(CORRUPT, detail=_detail(exc)) from None
    if image.format not in RASTER_FORMATS:
        raise BadFile(UNKNOWN_FORMAT)
    width, height = image.size
    if width < 1 or height < 1:
        raise BadFile(CORRUPT, detail="no pixels")
    if width * height > limits.max_pixels:
        raise BadFile(TOO_MANY_PIXELS, megapixels=round(width * height / 1e6),
                      limit=limits.max_pixels // 1_000_000)
    return image


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:80]


def _check_raster(data: bytes, limits: Limits) -> tuple[tuple[int, int], int]:
    """Size and frame count, after reading every byte the cheapest way that still
    notices a damaged or truncated file."""
    image = _open(data, limits)
    size = image.size
    if _exif_orientation(image) in (5, 6, 7, 8):
        size = (size[1], size[0])  # shown turned a quarter, as the camera meant
    # Only TIFF frames are pages: a phone's JPEG (MPO) also holds a preview image.
    frames = int(getattr(image, "n_frames", 1) or 1) if image.format == "TIFF" else 1
    if frames > limits.max_pages:
        raise BadFile(TOO_MANY_PAGES, count=frames, limit=limits.max_pages)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            if image.format == "PNG":
                # Every chunk's checksum, no inflating; verify() needs a fresh file (the
                # EXIF read above has moved this one on).
                with Image.open(io.BytesIO(data)) as fresh:
                    fresh.verify()
            else:
                for frame in range(frames):
                    image.seek(frame)
                    if image.size[0] * image.size[1] > limits.max_pixels:
                        raise BadFile(TOO_MANY_PIXELS,
                                      megapixels=round(image.size[0] * image.size[1] / 1e6),
                                      limit=limits.max_pixels // 1_000_000)
                    if image.format == "JPEG":
                        image.draft("L", (max(1, size[0] // 8), max(1, size[1] // 8)))
                    image.load()
    except _DECODE_ERRORS as exc:
        raise BadFile(CORRUPT, detail=_detail(exc)) from None
    return size, frames


def _exif_orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except _DECODE_ERRORS:
        return 1


def _pdf_pages(data: bytes, limits: Limits) -> int:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except (pdfium.PdfiumError, OSError, ValueError):
        raise BadFile(PDF_UNREADABLE) from None
    try:
        count = len(document)
        if count == 0:
            raise BadFile(PDF_EMPTY)
        if count > limits.max_pages:
            raise BadFile(TOO_MANY_PAGES, count=count, limit=limits.max_pages)
        for index in range(count):
            width, height = document[index].get_size()
            if not (1 <= width <= 14400 and 1 <= height <= 14400):
                raise BadFile(PDF_UNREADABLE)
    except pdfium.PdfiumError:
        raise BadFile(PDF_UNREADABLE) from None
    finally:
        document.close()
    return count


def load(data: bytes, fmt: str, frame: int, box: tuple[int, int], limits: Limits
         ) -> Image.Image:
    """Page `frame` of the file, mode RGB or L on white; vector pages rendered to fit
    `box` (the art at 300 DPI), raster ones at their own size."""
    if fmt == "pdf":
        return _render_pdf(data, frame, box)
    if fmt == "svg":
        return svg.render_svg(svg.check_svg(data, max_pixels=limits.max_pixels), box)
    image = _open(data, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            if frame:
                image.seek(frame)
            image.load()
    except _DECODE_ERRORS as exc:
        raise BadFile(CORRUPT, detail=_detail(exc)) from None
    if _exif_orientation(image) != 1:
        image = ImageOps.exif_transpose(image)
    return on_white(image)


def on_white(image: Image.Image) -> Image.Image:
    """Transparent pixels are paper; colour is kept (photos are judged by it)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, "white")
        image = Image.alpha_composite(paper, rgba)
    if image.mode in ("1", "L", "I", "I;16", "F"):
        return image.convert("L")
    return image.convert("RGB")


def _render_pdf(data: bytes, frame: int, box: tuple[int, int]) -> Image.Image:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except (pdfium.PdfiumError, OSError, ValueError):
        raise BadFile(PDF_UNREADABLE) from None
    try:
        page = document[frame]
        width_pt, height_pt = page.get_size()
        scale = min(box[0] / width_pt, box[1] / height_pt)
        # No form environment is set up, so no PDF JavaScript can run.
        bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255),
                             may_draw_forms=False)
        image: Image.Image = bitmap.to_pil()
        image.load()
    except pdfium.PdfiumError:
        raise BadFile(PDF_UNREADABLE) from None
    finally:
        document.close()
    return on_white(image)
