"""The fonts the product embeds, which characters they can draw, and text measurement.

One registry serves the cover PDF, the interior PDF and every PIL preview, so a title
looks the same in the quick preview, on the book page and in print. A text element is
drawn in its preferred face when that face has every glyph, otherwise in DejaVu Sans,
which covers every character the product accepts; anything DejaVu lacks is refused
before a book is created (never tofu boxes, never a silent drop).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from PIL import ImageFont

FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"

# key -> file. The keys double as fpdf2 family names.
FONT_FILES: dict[str, str] = {
    "dejavu": "DejaVuSans.ttf",
    "dejavu-bold": "DejaVuSans-Bold.ttf",
    "lilita": "LilitaOne-Regular.ttf",
    "dmserif": "DMSerifDisplay-Regular.ttf",
    "poppins": "Poppins-Regular.ttf",
    "poppins-semibold": "Poppins-SemiBold.ttf",
}
# Where a face lacks a glyph, the whole element falls back to one with the same weight.
FALLBACK = {"lilita": "dejavu-bold", "dmserif": "dejavu-bold", "poppins-semibold": "dejavu-bold",
            "poppins": "dejavu", "dejavu": "dejavu", "dejavu-bold": "dejavu-bold"}
FONT_REGULAR = FONTS_DIR / FONT_FILES["dejavu"]
FONT_BOLD = FONTS_DIR / FONT_FILES["dejavu-bold"]

# Presentation selectors ask for the emoji or the text form of the character before them:
# they carry no character of their own, so they are dropped, not refused.
_PRESENTATION_SELECTORS = {"\ufe0e", "\ufe0f"}
# Right-to-left text needs bidi reordering and Arabic needs joining forms: the PDF writer
# and PIL here do neither, so such text would print backwards or unjoined.
_RTL_CLASSES = {"R", "AL", "AN"}
_MEASURE_SIZE = 1000
# How the refusal of unprintable characters starts, in the API's English messages.
UNPRINTABLE_PREFIX = "cannot print these characters: "


def font_path(key: str) -> Path:
    return FONTS_DIR / FONT_FILES[key]


@lru_cache(maxsize=8)
def _codepoints(key: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(font_path(key)), lazy=True) as font:
        return frozenset(font.getBestCmap())


def normalise(text: str) -> str:
    """NFC (so é typed as e + accent is the single glyph é) without presentation selectors."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch not in _PRESENTATION_SELECTORS)


def _drawable(ch: str) -> bool:
    if ch.isspace():
        return True
    if unicodedata.bidirectional(ch) in _RTL_CLASSES:
        return False
    if unicodedata.category(ch) in ("Mn", "Mc", "Me"):
        return False  # a combining mark with no precomposed form needs shaping
    code = ord(ch)
    return code in _codepoints("dejavu") and code in _codepoints("dejavu-bold")


def unsupported_characters(text: str) -> list[str]:
    """Distinct characters of `text` that no embedded font can print, in order of first use."""
    seen: dict[str, None] = {}
    for ch in normalise(text):
        if ch not in seen and not _drawable(ch):
            seen[ch] = None
    return list(seen)


def describe_characters(chars: list[str]) -> str:
    """'🦄 (U+1F984 UNICORN FACE), 猫 (U+732B …)' for a message a person can act on."""
    parts = []
    for ch in chars:
        name = unicodedata.name(ch, "")
        parts.append(f"{ch} (U+{ord(ch):04X}{' ' + name if name else ''})")
    return ", ".join(parts)


def face_for(text: str, preferred: str) -> str:
    """The preferred face when it has every glyph of `text`, else its DejaVu fallback."""
    codes = _codepoints(preferred)
    if all(ch.isspace() or ord(ch) in codes for ch in text):
        return preferred
    return FALLBACK[preferred]


@lru_cache(maxsize=8)
def _measure_font(key: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(key)), _MEASURE_SIZE)


@lru_cache(maxsize=64)
def pil_font(key: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(key)), max(1, size_px))


def text_width_in(text: str, key: str, size_pt: float) -> float:
    return _measure_font(key).getlength(text) / _MEASURE_SIZE * size_pt / 72.0


def ascent_descent_in(key: str, size_pt: float) -> tuple[float, float]:
    ascent, descent = _measure_font(key).getmetrics()
    scale = size_pt / 72.0 / _MEASURE_SIZE
    return ascent * scale, descent * scale


def ink_extent_in(text: str, key: str, size_pt: float) -> tuple[float, float]:
    """(above, below) the baseline that the glyphs of `text` actually cover, in inches."""
    box = _measure_font(key).getbbox(text or " ", anchor="ls")
    scale = size_pt / 72.0 / _MEASURE_SIZE
    return max(0, -box[1]) * scale, max(0, box[3]) * scale


def cap_height_in(key: str, size_pt: float) -> float:
    """Height of a capital H: what a reader sees of a line's size."""
    box = _measure_font(key).getbbox("H", anchor="ls")
    return -box[1] / _MEASURE_SIZE * size_pt / 72.0


def wrap(text: str, key: str, size_pt: float, max_width_in: float) -> list[str]:
    """Greedy word wrap; a word wider than the line is cut between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if text_width_in(candidate, key, size_pt) <= max_width_in:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if current and text_width_in(current + char, key, size_pt) > max_width_in:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


def register_pdf_fonts(pdf: FPDF) -> None:
    """Embed every face in an fpdf2 document under its key as the family name."""
    for key in FONT_FILES:
        if key not in pdf.fonts:  # fpdf2 keys fonts by lower-cased family + style
            pdf.add_font(key, "", str(font_path(key)))
