"""Covers made elsewhere (Canva, an illustrator): checked against KDP's size for this book
and turned into panels the product can use. Pure: bytes in, images or an error out.

Two kinds: a full wrap (back + spine + front, as a PDF or an image) at the exact size for
the book's trim, paper and page count; or a front only (trim + bleed), which the product
wraps with a back and spine drawn from its colours.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from backoffice.kdp import pdf_inspect, specs

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# Checked from the header before any pixel is decoded: a few bytes cannot make the worker
# allocate gigabytes (a "decompression bomb"). 14,000 x 9,000 is a 17.5" wrap at 800 DPI.
MAX_UPLOAD_PIXELS = 130_000_000
# A wrap for another page count differs by its spine: 0.01" is about 4 pages on white paper.
WIDTH_TOLERANCE_IN = 0.01
ASPECT_TOLERANCE = 0.01
COLOUR_MODES = {"RGB": "RGB", "L": "grayscale", "CMYK": "CMYK", "P": "RGB (palette)"}
KINDS = ("wrap", "front")


class UploadError(ValueError):
    """The file cannot be used; the message names the file and says what to change."""


@dataclass
class CheckedCover:
    kind: str  # wrap, front
    format: str  # pdf, png, jpeg, tiff…
    # The panels at 300 DPI, bleed included (front: bleed right; back: bleed left).
    front: Image.Image
    back: Image.Image | None
    dpi: float


def expected_size(trim: str, paper: str, interior_pages: int, kind: str
                  ) -> tuple[float, float]:
    """(width, height) in inches that an upload of this kind must have."""
    if kind == "wrap":
        layout = specs.cover_layout(trim, interior_pages, paper)
        return layout.width, layout.height
    t = specs.trim(trim)
    return t.width + specs.BLEED_IN, t.height + 2 * specs.BLEED_IN


def _size_text(width_in: float, height_in: float) -> str:
    dpi = specs.MIN_IMAGE_DPI
    return (f'{width_in:.3f}" x {height_in:.3f}" ({round(width_in * dpi)} x '
            f"{round(height_in * dpi)} px at {dpi} DPI)")


def _open_image(data: bytes, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_UPLOAD_PIXELS:
                raise UploadError(f"{name}: {width} x {height} px is too large to open "
                                  f"(at most {MAX_UPLOAD_PIXELS // 1_000_000} million pixels)")
            image.load()
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(f"{name}: the image claims too many pixels to be opened safely")\
            from None
    except UnidentifiedImageError:
        raise UploadError(f"{name}: not a PDF or an image (PNG, JPEG or TIFF)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise UploadError(f"{name}: the image is damaged and cannot be read ({exc})") from None
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        alpha = image.convert("RGBA").getchannel("A")
        if int(alpha.getextrema()[0]) < 255:  # type: ignore[arg-type]
            raise UploadError(f"{name}: the image has transparent areas; KDP wants a "
                              "flattened cover (export it without transparency)")
        image = image.convert("RGB")
    if image.mode not in COLOUR_MODES and image.mode != "RGB":
        raise UploadError(f"{name}: colour mode {image.mode} is not accepted; save it as "
                          "RGB or CMYK, 8 bits per channel")
    return image


def _check_size(width_px: int, height_px: int, expected: tuple[float, float], name: str,
                what: str) -> float:
    """The file's resolution; refuses a wrong shape or under 300 DPI with the size it needs."""
    width_in, height_in = expected
    dpi = height_px / height_in
    if (abs(width_px / dpi - width_in) > max(WIDTH_TOLERANCE_IN, width_in * 0.0005)
            if what == "wrap" else
            abs(width_px / height_px - width_in / height_in) > ASPECT_TOLERANCE * width_in
            / height_in):
        raise UploadError(
            f"{name}: {width_px} x {height_px} px is not the size of a {what} for this book; "
            f"it must be {_size_text(width_in, height_in)} or the same shape at a higher "
            "resolution")
    if dpi < specs.MIN_IMAGE_DPI - 0.5:
        raise UploadError(
            f"{name}: {dpi:.0f} DPI at the printed size; KDP needs at least "
            f"{specs.MIN_IMAGE_DPI}: {_size_text(width_in, height_in)}")
    return dpi


def _panels_from_wrap(image: Image.Image, layout: specs.CoverLayout
                      ) -> tuple[Image.Image, Image.Image]:
    """Back and front panels (bleed included) cut from a wrap, at 300 DPI."""
    scale = image.height / layout.height
    panel = layout.trim_width + specs.BLEED_IN
    back = image.crop((0, 0, round(panel * scale), image.height))
    front = image.crop((round(layout.front.x * scale), 0, image.width, image.height))
    size = (round(panel * specs.MIN_IMAGE_DPI), round(layout.height * specs.MIN_IMAGE_DPI))
    return (back.resize(size, Image.Resampling.LANCZOS),
            front.resize(size, Image.Resampling.LANCZOS))


def _render_pdf(data: bytes, name: str, layout: specs.CoverLayout) -> tuple[Image.Image, float]:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as doc:
            if len(doc.pages) != 1:
                raise UploadError(f"{name}: {len(doc.pages)} pages; a KDP cover is one page "
                                  "(back, spine and front side by side)")
            box = pdf_inspect.box(doc.pages[0], "/MediaBox") or [0, 0, 0, 0]
            width_in, height_in = (box[2] - box[0]) / 72, (box[3] - box[1]) / 72
            images = [item for _, kind, item in pdf_inspect.page_items(doc)
                      if isinstance(item, pdf_inspect.PlacedImage)]
    except pikepdf.PasswordError:
        raise UploadError(f"{name}: the PDF is password protected; KDP refuses locked files")\
            from None
    except pikepdf.PdfError as exc:
        raise UploadError(f"{name}: the PDF is damaged and cannot be read ({exc})") from None
    if (abs(width_in - layout.width) > WIDTH_TOLERANCE_IN
            or abs(height_in - layout.height) > WIDTH_TOLERANCE_IN):
        raise UploadError(f'{name}: the page is {width_in:.3f}" x {height_in:.3f}"; a wrap '
                          f"for this book must be {_size_text(layout.width, layout.height)}")
    low = [img for img in images if img.ppi < specs.MIN_IMAGE_DPI * 0.99]
    if low:
        raise UploadError(f"{name}: an image in the PDF is {min(i.ppi for i in low):.0f} DPI "
                          f"at its printed size; KDP needs at least {specs.MIN_IMAGE_DPI}")
    odd = sorted({img.colorspace for img in images}
                 - {"/DeviceRGB", "/DeviceCMYK", "/DeviceGray", "/ICCBased", ""})
    if odd:
        raise UploadError(f"{name}: images in the colour space {', '.join(odd)}; use RGB or "
                          "CMYK")
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UploadError(f"{name}: the PDF is damaged and cannot be read ({exc})") from None
    try:
        rendered = doc[0].render(scale=specs.MIN_IMAGE_DPI / 72).to_pil().convert("RGB")
    finally:
        doc.close()
    return rendered, float(specs.MIN_IMAGE_DPI)


def check_cover_upload(data: bytes, name: str, *, kind: str, trim: str, paper: str,
                       interior_pages: int) -> CheckedCover:
    """Check an uploaded cover for this book; raises UploadError with what to change."""
    if kind not in KINDS:
        raise UploadError(f"{name}: unknown kind {kind!r}; choose wrap or front")
    if not data:
        raise UploadError(f"{name}: the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{name}: {len(data) / 1e6:.0f} MB is over the "
                          f"{MAX_UPLOAD_BYTES // 1_000_000} MB accepted")
    layout = specs.cover_layout(trim, interior_pages, paper)
    expected = expected_size(trim, paper, interior_pages, kind)
    if data[:5] == b"%PDF-":
        if kind != "wrap":
            raise UploadError(f"{name}: a front cover is uploaded as an image (PNG, JPEG or "
                              "TIFF); a PDF must be the full wrap")
        image, dpi = _render_pdf(data, name, layout)
        back, front = _panels_from_wrap(image, layout)
        return CheckedCover("wrap", "pdf", front, back, dpi)
    image = _open_image(data, name)
    fmt = (image.format or "image").lower()
    dpi = _check_size(image.width, image.height, expected, name, kind)
    rgb = image.convert("RGB")
    if kind == "wrap":
        back, front = _panels_from_wrap(rgb, layout)
        return CheckedCover("wrap", fmt, front, back, dpi)
    size = (round(expected[0] * specs.MIN_IMAGE_DPI), round(expected[1] * specs.MIN_IMAGE_DPI))
    return CheckedCover("front", fmt, rgb.resize(size, Image.Resampling.LANCZOS), None, dpi)
