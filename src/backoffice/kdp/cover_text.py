"""Cover text as placed lines, shared by the cover PDF and the PIL previews.

A layout is computed once, in inches, from the embedded fonts' own metrics, so the PDF
and a thumbnail put every line at the same spot in the same face. Pure: no I/O besides
reading the fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageColor, ImageDraw

from backoffice.kdp import fonts
from backoffice.kdp.fonts import FONT_BOLD, FONT_REGULAR, text_width_in, wrap
from backoffice.kdp.specs import BLEED_IN

__all__ = ["FONT_BOLD", "FONT_REGULAR", "TEXT_SAFE_IN", "TextLine", "bottom_of",
           "draw_cover_text", "draw_lines", "fit_block", "layout_front_text", "place",
           "text_width_in", "wrap"]

# Text keeps further from the trim than KDP's 0.25" minimum: the cut varies by up to 0.125".
TEXT_SAFE_IN = 0.375
LINE_SPACING = 1.15
# Outline around the letters of the plain (undesigned) layout keeps them legible on art.
OUTLINE_RATIO = 0.07


@dataclass(frozen=True)
class TextLine:
    text: str
    font: str  # a key of fonts.FONT_FILES
    size_pt: float
    x_in: float  # left of the line, from the panel's left edge
    baseline_in: float  # from the panel's top edge
    width_in: float
    fill: str = "#000000"
    outline: str = ""  # colour of a stroke around the glyphs, "" for none
    outline_pt: float = 0.0
    # Offset, in inches, of a copy in the outline colour drawn first (a drop shadow).
    shadow_in: float = 0.0

    @property
    def bold(self) -> bool:
        return self.font != "dejavu"

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in inches that the glyphs, stroke and shadow cover."""
        above, below = fonts.ink_extent_in(self.text, self.font, self.size_pt)
        grow = self.outline_pt / 72.0 if self.outline else 0.0
        return (self.x_in - grow, self.baseline_in - above - grow,
                self.x_in + self.width_in + grow + self.shadow_in,
                self.baseline_in + below + grow + self.shadow_in)


def bottom_of(lines: list[TextLine], default: float) -> float:
    return max((line.box()[3] for line in lines), default=default)


def leading_in(size_pt: float, spacing: float = LINE_SPACING) -> float:
    return size_pt * spacing / 72.0


def fit_block(
    text: str, *, font: str, max_width_in: float, max_height_in: float, max_lines: int,
    max_size: float, min_size: float, spacing: float = LINE_SPACING,
) -> tuple[float, list[str]]:
    """Largest size (1 pt steps) whose wrapped lines fit; at min_size every line is kept
    (the caller makes room: text is never cut)."""
    size = max_size
    while True:
        lines = wrap(text, font, size, max_width_in)
        height = len(lines) * leading_in(size, spacing)
        if (len(lines) <= max_lines and height <= max_height_in) or size <= min_size:
            return size, lines
        size -= 1


def place(lines: list[str], font: str, size: float, top_in: float, left_in: float,
          width_in: float, *, spacing: float = LINE_SPACING, align: str = "center",
          **style: Any) -> list[TextLine]:
    """Lines stacked so that the first one's ink (stroke included) starts at `top_in`, each
    centred (or left-aligned) in the given width."""
    if not lines:
        return []
    leading = leading_in(size, spacing)
    grow = style.get("outline_pt", 0.0) / 72.0 if style.get("outline") else 0.0
    first = max(fonts.ink_extent_in(line, font, size)[0] for line in lines[:1])
    placed = []
    for index, line in enumerate(lines):
        line_width = text_width_in(line, font, size)
        x = left_in if align == "left" else left_in + (width_in - line_width) / 2
        placed.append(TextLine(text=line, font=font, size_pt=size, x_in=x,
                               baseline_in=top_in + grow + first + index * leading,
                               width_in=line_width, **style))
    return placed


def block_height(lines: list[str], size: float, spacing: float = LINE_SPACING) -> float:
    return len(lines) * leading_in(size, spacing)


def layout_front_text(
    *, trim_width: float, trim_height: float, title: str, subtitle: str, author: str,
) -> list[TextLine]:
    """The plain layout, for covers made before designed templates (no plates in their art):
    black letters with a white outline, title at the top and author at the bottom."""
    left = TEXT_SAFE_IN
    top = BLEED_IN + TEXT_SAFE_IN
    width = trim_width - 2 * TEXT_SAFE_IN
    height = trim_height - 2 * TEXT_SAFE_IN
    scale = min(trim_width, trim_height) / 8.5
    style: dict[str, Any] = {"fill": "#000000", "outline": "#ffffff"}
    lines: list[TextLine] = []

    def block(text: str, preferred: str, top_in: float, **limits: Any
              ) -> tuple[float, list[str]]:
        face = fonts.face_for(text, preferred)
        size, rows = fit_block(text, font=face, max_width_in=width * 0.94, **limits)
        lines.extend(place(rows, face, size, top_in, left, width,
                           outline_pt=size * OUTLINE_RATIO, **style))
        return size, rows

    title_size, title_rows = block(title.strip(), "dejavu-bold", top, max_height_in=height * 0.34,
                                   max_lines=3, max_size=round(64 * scale), min_size=14)
    cursor = top + block_height(title_rows, title_size)
    if subtitle.strip():
        block(subtitle.strip(), "dejavu", cursor + 0.12, max_height_in=height * 0.14,
              max_lines=2, max_size=max(12, min(30 * scale, title_size * 0.5)), min_size=9)
    if author.strip():
        face = fonts.face_for(author.strip(), "dejavu")
        size, rows = fit_block(author.strip(), font=face, max_width_in=width * 0.94,
                               max_height_in=height * 0.12, max_lines=2,
                               max_size=round(26 * scale), min_size=10)
        lines += place(rows, face, size, top + height - block_height(rows, size), left, width,
                       outline_pt=size * OUTLINE_RATIO, **style)
    return lines


def draw_lines(img: Image.Image, lines: list[TextLine], *, dpi: float,
               offset_in: tuple[float, float] = (0.0, 0.0)) -> None:
    """Draw lines on a PIL image whose pixels are 1/dpi inch, with the PDF's fonts."""
    draw = ImageDraw.Draw(img)
    px = dpi / 72.0
    for line in lines:
        font = fonts.pil_font(line.font, round(line.size_pt * px))
        x = (line.x_in + offset_in[0]) * dpi
        y = (line.baseline_in + offset_in[1]) * dpi
        stroke = round(line.outline_pt * px) if line.outline else 0
        outline = ImageColor.getrgb(line.outline) if line.outline else None
        if line.shadow_in and outline:
            shift = line.shadow_in * dpi
            draw.text((x + shift, y + shift), line.text, font=font, anchor="ls", fill=outline,
                      stroke_width=stroke, stroke_fill=outline)
        draw.text((x, y), line.text, font=font, anchor="ls", fill=ImageColor.getrgb(line.fill),
                  stroke_width=stroke, stroke_fill=outline)


def draw_cover_text(
    img: Image.Image, *, title: str, subtitle: str, author: str, dpi: int = 300,
) -> Image.Image:
    """A copy of a plain front-panel image (bleed on the right) with the plain layout drawn."""
    trim_width = img.width / dpi - BLEED_IN
    trim_height = img.height / dpi - 2 * BLEED_IN
    out = img.convert("RGB")
    draw_lines(out, layout_front_text(trim_width=trim_width, trim_height=trim_height,
                                      title=title, subtitle=subtitle, author=author), dpi=dpi)
    return out
