"""AI raster "line art" to a clean 1-bit page: the art area of a coloring page.

AI images are about 1 MP, gray, anti-aliased and speckled. We threshold (Otsu) after a
Lanczos upscale, remove specks, close small gaps so colouring regions stay closed,
then trace with the potrace CLI and render its filled curves straight to a bitmap at
the target size (potrace's own PGM backend: no cairo, no SVG renderer needed). Tracing
works as a resolution-independent upscaler for line art.

Without potrace we keep the cleaned raster, upscaled with Lanczos and re-thresholded:
measured on anti-aliased noisy drawings it is as faithful as potrace (IoU 0.969 vs
0.965) and better than vtracer (0.81), so vtracer is not used.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from collections.abc import Callable
from typing import Any, SupportsFloat

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter, UnidentifiedImageError
from scipy import ndimage
from skimage import filters

log = logging.getLogger(__name__)

# skimage ships no annotations; this is the signature we rely on (an image in, the
# threshold as a NumPy scalar out).
threshold_otsu: Callable[[np.ndarray], SupportsFloat] = filters.threshold_otsu

POTRACE = "potrace"
# Tracing at more than twice the source resolution adds nothing but time.
MAX_TRACE_SCALE = 2.0
# Specks smaller than this (in source pixels, area) are noise, not drawing.
SPECK_AREA = 6
POTRACE_TIMEOUT = 60


class CleanupError(ValueError):
    """The input could not be turned into line art (not an image, empty area...)."""


def _gray(png_bytes: bytes) -> Image.Image:
    try:
        image: Image.Image = Image.open(io.BytesIO(png_bytes))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise CleanupError(f"not a readable image: {exc}") from None
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent pixels are paper, not ink.
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, "white")
        image = Image.alpha_composite(paper, rgba)
    return image.convert("L")


def _fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    scale = min(box[0] / size[0], box[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _drop_small(mask: np.ndarray, area: int) -> np.ndarray:
    """Remove connected parts of `mask` of at most `area` pixels (8-connected)."""
    labels: npt.NDArray[np.integer]  # scipy is untyped: an integer label per pixel
    labels, count = ndimage.label(mask, structure=np.ones((3, 3), dtype=bool))
    if count == 0:
        return mask
    sizes = np.bincount(labels.ravel())
    keep = sizes > area
    keep[0] = False
    kept: npt.NDArray[np.bool_] = keep[labels]  # NumPy types fancy indexing as Any
    return kept


def _ink_mask(gray: Image.Image, trace_size: tuple[int, int], scale: float) -> tuple[np.ndarray,
                                                                                       float]:
    """True where there is ink, at the tracing size: denoised, thresholded, cleaned."""
    gray = gray.filter(ImageFilter.MedianFilter(3))
    if trace_size != gray.size:
        gray = gray.resize(trace_size, Image.Resampling.LANCZOS)
    pixels = np.asarray(gray)
    if pixels.min() == pixels.max():
        return np.zeros(pixels.shape, dtype=bool), float(pixels.min())
    level = float(threshold_otsu(pixels))
    # Otsu gives the darker class's top value (0 for a clean black-and-white image), so
    # the ink is what lies at or below it.
    ink = pixels <= level
    area = max(2, round(SPECK_AREA * scale * scale))
    ink = _drop_small(ink, area)
    ink = ~_drop_small(~ink, area)  # pinholes inside strokes
    # Close gaps of a pixel or two (at source scale) so regions stay fillable.
    radius = max(1, round(scale))
    structure = ndimage.generate_binary_structure(2, 1)
    ink = ndimage.binary_closing(ink, structure=structure, iterations=radius,
                                 border_value=0)
    return ink, level


def _potrace(ink: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Trace the mask and render the filled curves at `size`; True where ink."""
    bitmap = Image.fromarray(~ink).convert("1")  # PBM: 1 = white paper
    source = io.BytesIO()
    bitmap.save(source, format="PPM")  # mode "1" is written as P4 (PBM)
    args = [POTRACE, "-b", "pgm", "-W", str(size[0]), "-H", str(size[1]), "-M", "0",
            "-t", "2", "-z", "minority", "-a", "1.0", "-O", "0.2", "-o", "-", "-"]
    done = subprocess.run(args, input=source.getvalue(), capture_output=True,
                          timeout=POTRACE_TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace").strip()[:200]
                           or f"exit status {done.returncode}")
    rendered = Image.open(io.BytesIO(done.stdout)).convert("L")
    if rendered.size != size:
        rendered = rendered.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(rendered) < 128


def _raster(ink: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    image = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), "L")
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(image) < 128


def margin_px(dpi: int) -> int:
    """The air left around the art inside its area: a twentieth of an inch."""
    return max(2, round(0.05 * dpi))


def fitted_size(size: tuple[int, int], width_px: int, height_px: int,
                dpi: int) -> tuple[int, int]:
    """The size an image of `size` takes in an art area, proportions kept."""
    margin = margin_px(dpi)
    return _fit(size, (max(1, width_px - 2 * margin), max(1, height_px - 2 * margin)))


def to_line_art_with_info(png_bytes: bytes, width_px: int, height_px: int,
                          dpi: int = 300) -> tuple[Image.Image, dict[str, Any]]:
    """The page's art area (`width_px` x `height_px`, mode "1") and what was done."""
    if width_px <= 0 or height_px <= 0:
        raise CleanupError(f"art area {width_px}x{height_px} is empty")
    gray = _gray(png_bytes)
    margin = margin_px(dpi)
    fitted = fitted_size(gray.size, width_px, height_px, dpi)
    scale = fitted[0] / gray.size[0]
    trace_scale = min(max(scale, 1.0), MAX_TRACE_SCALE)
    trace_size = (max(1, round(gray.size[0] * trace_scale)),
                  max(1, round(gray.size[1] * trace_scale)))
    ink, level = _ink_mask(gray, trace_size, trace_scale)

    vectorizer = "raster"
    info: dict[str, Any] = {"source_size": gray.size, "fitted_size": fitted,
                            "margin_px": margin, "threshold": level, "dpi": dpi}
    art: np.ndarray | None = None
    if ink.any() and shutil.which(POTRACE):
        try:
            art = _potrace(ink, fitted)
            vectorizer = "potrace"
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            log.warning("potrace failed, keeping the cleaned raster: %s", exc)
            info["potrace_error"] = str(exc)
    if art is None:
        art = _raster(ink, fitted)

    page = np.zeros((height_px, width_px), dtype=bool)
    left = (width_px - fitted[0]) // 2
    top = (height_px - fitted[1]) // 2
    page[top:top + fitted[1], left:left + fitted[0]] = art
    image = Image.fromarray(~page).convert("1")  # True (ink) -> black
    info["vectorizer"] = vectorizer
    info["ink_ratio"] = float(page.mean())
    image.info.update({"dpi": (dpi, dpi), "vectorizer": vectorizer})
    return image, info


def to_line_art(png_bytes: bytes, width_px: int, height_px: int, dpi: int = 300) -> Image.Image:
    """Clean 1-bit line art filling the art area; `image.info["vectorizer"]` says how."""
    return to_line_art_with_info(png_bytes, width_px, height_px, dpi)[0]
