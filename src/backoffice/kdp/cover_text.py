"""Front-cover text layout (title, subtitle, author), shared by the cover PDF and PIL previews.

The layout is computed once, in inches, from the shipped font's own metrics, so the PDF
and the thumbnail place every line at the same spot. Pure: no I/O besides reading the font.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from backoffice.kdp.specs import BLEED_IN

FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
FONT_REGULAR = FONTS_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"

# Text keeps further from the trim than KDP's 0.25" minimum: the cut varies by up to 0.125".
TEXT_SAFE_IN = 0.375
LINE_SPACING = 1.15
# White outline around black letters keeps them legible on any artwork.
OUTLINE_RATIO = 0.07
_MEASURE_SIZE = 1000


@dataclass(frozen=True)
class TextLine:
    text: str
    bold: bool
    size_pt: float
    x_in: float  # left of the line, from the panel's left edge
    baseline_in: float  # from the panel's top edge
    width_in: float

    @property
    def outline_pt(self) -> float:
        return self.size_pt * OUTLINE_RATIO


@lru_cache(maxsize=4)
def _measure_font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), _MEASURE_SIZE)


def text_width_in(text: str, size_pt: float, bold: bool) -> float:
    return _measure_font(bold).getlength(text) / _MEASURE_SIZE * size_pt / 72.0


def _ascent_descent_in(size_pt: float, bold: bool) -> tuple[float, float]:
    ascent, descent = _measure_font(bold).getmetrics()
    scale = size_pt / 72.0 / _MEASURE_SIZE
    return ascent * scale, descent * scale


def wrap(text: str, size_pt: float, bold: bool, max_width_in: float) -> list[str]:
    """Greedy word wrap; a word wider than the line is cut by characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if text_width_in(candidate, size_pt, bold) <= max_width_in:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if current and text_width_in(current + char, size_pt, bold) > max_width_in:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


def fit_block(
    text: str, *, bold: bool, max_width_in: float, max_height_in: float, max_lines: int,
    max_size: float, min_size: float,
) -> tuple[float, list[str]]:
    """Largest size (1 pt steps) whose wrapped lines fit; at min_size it keeps what fits."""
    size = max_size
    while True:
        lines = wrap(text, size, bold, max_width_in)
        height = len(lines) * size * LINE_SPACING / 72.0
        if (len(lines) <= max_lines and height <= max_height_in) or size <= min_size:
            break
        size -= 1
    while lines and len(lines) * size * LINE_SPACING / 72.0 > max_height_in:
        lines = lines[:-1]
    return size, lines[:max_lines]


def _place(lines: list[str], size: float, bold: bool, top_in: float, left_in: float,
           width_in: float) -> list[TextLine]:
    ascent, _ = _ascent_descent_in(size, bold)
    leading = size * LINE_SPACING / 72.0
    # Centre the glyph box inside its leading so the first line's top is the block's top.
    pad = (leading - sum(_ascent_descent_in(size, bold))) / 2
    placed = []
    for index, line in enumerate(lines):
        line_width = text_width_in(line, size, bold)
        placed.append(TextLine(
            text=line, bold=bold, size_pt=size,
            x_in=left_in + (width_in - line_width) / 2,
            baseline_in=top_in + index * leading + pad + ascent,
            width_in=line_width,
        ))
    return placed


def layout_front_text(
    *, trim_width: float, trim_height: float, title: str, subtitle: str, author: str,
) -> list[TextLine]:
    """Lines for a front panel whose left edge is the spine fold and that carries 0.125"
    of bleed on top, bottom and right."""
    left = TEXT_SAFE_IN
    top = BLEED_IN + TEXT_SAFE_IN
    width = trim_width - 2 * TEXT_SAFE_IN
    height = trim_height - 2 * TEXT_SAFE_IN
    scale = min(trim_width, trim_height) / 8.5
    # The 0.94 leaves room for the white outline, which grows outside the glyphs.
    lines: list[TextLine] = []

    title_size, title_lines = fit_block(
        title.strip(), bold=True, max_width_in=width * 0.94, max_height_in=height * 0.34,
        max_lines=3, max_size=round(64 * scale), min_size=14,
    )
    lines += _place(title_lines, title_size, True, top, left, width)
    cursor = top + len(title_lines) * title_size * LINE_SPACING / 72.0

    if subtitle.strip():
        sub_size, sub_lines = fit_block(
            subtitle.strip(), bold=False, max_width_in=width * 0.94, max_height_in=height * 0.14,
            max_lines=2, max_size=max(12, min(30 * scale, title_size * 0.5)), min_size=9,
        )
        cursor += 0.12
        lines += _place(sub_lines, sub_size, False, cursor, left, width)

    if author.strip():
        author_size, author_lines = fit_block(
            author.strip(), bold=False, max_width_in=width * 0.94, max_height_in=height * 0.12,
            max_lines=2, max_size=round(26 * scale), min_size=10,
        )
        block = len(author_lines) * author_size * LINE_SPACING / 72.0
        lines += _place(author_lines, author_size, False, top + height - block, left, width)
    return lines


def draw_lines(img: Image.Image, lines: list[TextLine], *, dpi: int, offset_in: tuple[float, float]
               = (0.0, 0.0)) -> None:
    draw = ImageDraw.Draw(img)
    px = dpi / 72.0
    for line in lines:
        font = ImageFont.truetype(str(FONT_BOLD if line.bold else FONT_REGULAR),
                                  max(1, round(line.size_pt * px)))
        draw.text(
            ((line.x_in + offset_in[0]) * dpi, (line.baseline_in + offset_in[1]) * dpi),
            line.text, font=font, anchor="ls", fill="black",
            stroke_width=max(1, round(line.outline_pt * px)), stroke_fill="white",
        )


def draw_cover_text(
    img: Image.Image, *, title: str, subtitle: str, author: str, dpi: int = 300,
) -> Image.Image:
    """A copy of a front-panel image (bleed on the right) with the cover text drawn on it."""
    trim_width = img.width / dpi - BLEED_IN
    trim_height = img.height / dpi - 2 * BLEED_IN
    out = img.convert("RGB")
    lines = layout_front_text(trim_width=trim_width, trim_height=trim_height,
                              title=title, subtitle=subtitle, author=author)
    draw_lines(out, lines, dpi=dpi)
    return out
