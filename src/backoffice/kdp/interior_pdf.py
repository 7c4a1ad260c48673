"""Interior PDF: 1-bit designs placed in each page's safe area, CCITT G4, with bleed boxes.

Each design is encoded once to a single-strip G4 TIFF that fpdf2 copies into the PDF as is;
only compressed streams are kept, so a book never holds its decoded bitmaps together.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from PIL import Image

from backoffice.kdp import furniture, specs
from backoffice.kdp.fonts import register_pdf_fonts, wrap
from backoffice.kdp.pdf_common import (
    FONT_FAMILY,
    PT,
    finalize,
    new_pdf,
    rect_points,
)

ART_DPI = 300
FRONT_MATTER_PAGES = furniture.TITLE_PAGES
PAGE_NUMBER_PT = 10
# Band at the foot of the safe area kept free of art for the page number.
PAGE_NUMBER_BAND_IN = 0.3

_TEXTS = {
    "fr": {
        "rights": "© {year} {author}. Tous droits réservés.",
        "copy": "Aucune partie de ce livre ne peut être reproduite sans l'autorisation écrite "
                "de l'auteur.",
        "isbn": "ISBN : {isbn}",
        "ai": "Les illustrations de ce livre ont été générées par intelligence artificielle.",
        "by": "par {author}",
    },
    "en": {
        "rights": "© {year} {author}. All rights reserved.",
        "copy": "No part of this book may be reproduced without the author's written "
                "permission.",
        "isbn": "ISBN: {isbn}",
        "ai": "The illustrations in this book were generated with artificial intelligence.",
        "by": "by {author}",
    },
}


@dataclass
class InteriorOptions:
    trim: str
    paper: str
    title: str
    author: str
    year: int
    isbn: str | None = None
    ai_disclosure: bool = False
    front_matter: bool = True
    single_sided: bool = True
    page_numbers: bool = False
    language: str = "fr"
    # Furniture pages (kdp/furniture.py) and the audience their design is for.
    furniture: tuple[str, ...] = ()
    audience: str = "children"
    # Credits the art's licences ask for (e.g. the subject library's), on the copyright page.
    credits: list[str] = field(default_factory=list)


@dataclass
class InteriorInfo:
    page_count: int
    design_pages: list[int]
    trim: str
    paper: str
    width_in: float
    height_in: float
    blank_pages: list[int] = field(default_factory=list)
    # Page number of each furniture page.
    furniture_pages: dict[str, int] = field(default_factory=dict)


def interior_page_total(designs: int, options: InteriorOptions) -> int:
    return specs.interior_page_count(
        designs,
        single_sided=options.single_sided,
        front_matter=furniture.extra_pages(single_sided=options.single_sided,
                                           front_matter=options.front_matter,
                                           furniture=options.furniture),
    )


def page_plan(designs: int, options: InteriorOptions) -> list[furniture.Slot]:
    return furniture.plan(designs, single_sided=options.single_sided,
                          front_matter=options.front_matter, furniture=options.furniture)


def art_box(trim: str, total_pages: int, side: specs.Side, page_numbers: bool) -> specs.Rect:
    """Where a design may go on a page of that side; the page number band is taken off."""
    safe = specs.safe_area(trim, total_pages, side)
    if not page_numbers:
        return safe
    return specs.Rect(safe.x, safe.y + PAGE_NUMBER_BAND_IN, safe.width,
                    safe.height - PAGE_NUMBER_BAND_IN)


def fit_art(pixel_size: tuple[int, int], box: specs.Rect) -> specs.Rect:
    """Keep aspect, never enlarge past ART_DPI, centre in the box."""
    native_w, native_h = pixel_size[0] / ART_DPI, pixel_size[1] / ART_DPI
    scale = min(box.width / native_w, box.height / native_h, 1.0)
    w, h = native_w * scale, native_h * scale
    return specs.Rect(box.x + (box.width - w) / 2, box.y + (box.height - h) / 2, w, h)


def g4_tiff(path: Path) -> tuple[io.BytesIO, tuple[int, int]]:
    """The design as a one-strip CCITT G4 TIFF (PDF takes one strip), and its pixel size.

    fpdf2 would do the same from the PNG but with two extra full-bitmap copies."""
    with Image.open(path) as img:
        if img.mode != "1":
            raise ValueError(f"{Path(path).name}: interior art must be 1-bit, got {img.mode}")
        buf = io.BytesIO()
        img.save(buf, format="TIFF", compression="group4",
                 strip_size=(img.width + 7) // 8 * img.height + 1)
        size = img.size
    buf.seek(0)
    return buf, size


def _top(page_h: float, y_in: float) -> float:
    """fpdf2 measures y from the top, kdp from the bottom."""
    return (page_h - y_in) * PT


def _text_block(pdf: FPDF, lines: list[tuple[str, bool, float]], area: specs.Rect, page_h: float,
                anchor: str) -> None:
    """Centre wrapped paragraphs horizontally in `area`, from its top or bottom edge."""
    rows: list[tuple[str, bool, float]] = []
    for text, bold, size in lines:
        face = "dejavu-bold" if bold else "dejavu"
        rows += [(row, bold, size) for row in wrap(text, face, size, area.width)]
        rows.append(("", False, size * 0.6))
    rows = rows[:-1]
    block = sum(size * 1.3 for _, _, size in rows) / PT
    y = area.top if anchor == "top" else area.y + block
    for text, bold, size in rows:
        y -= size * 1.3 / PT
        if not text:
            continue
        pdf.set_font(FONT_FAMILY, "B" if bold else "", size)
        width = pdf.get_string_width(text) / PT
        pdf.text((area.x + (area.width - width) / 2) * PT, _top(page_h, y + size * 0.3 / PT),
                 text)


def _title_page(pdf: FPDF, options: InteriorOptions, area: specs.Rect, page_h: float) -> None:
    texts = _TEXTS.get(options.language, _TEXTS["en"])
    title_area = specs.Rect(area.x, area.y, area.width, area.height * 0.7)
    _text_block(pdf, [(options.title, True, 28),
                      (texts["by"].format(author=options.author), False, 16)],
                title_area, page_h, "top")


def _copyright_page(pdf: FPDF, options: InteriorOptions, area: specs.Rect,
                    page_h: float) -> None:
    texts = _TEXTS.get(options.language, _TEXTS["en"])
    paragraphs = [texts["rights"].format(year=options.year, author=options.author),
                  texts["copy"]]
    if options.isbn:
        paragraphs.append(texts["isbn"].format(isbn=options.isbn))
    if options.ai_disclosure:
        paragraphs.append(texts["ai"])
    paragraphs.extend(options.credits)
    _text_block(pdf, [(p, False, 9) for p in paragraphs], area, page_h, "bottom")


def _furniture_page(pdf: FPDF, kind: str, options: InteriorOptions, area: specs.Rect,
                    page_h: float) -> None:
    from backoffice.kdp import furniture_pages as pages

    page = pages.Page(pdf, page_h, area)
    lang, audience = options.language, options.audience
    if kind == "belongs_to":
        pages.belongs_to(page, lang, audience)
    elif kind == "how_to_use":
        pages.how_to_use(page, lang, audience, single_sided=options.single_sided,
                         color_test="color_test" in options.furniture)
    elif kind == "color_test":
        pages.color_test(page, lang, audience)
    elif kind == "thank_you":
        pages.thank_you(page, lang, audience, options.author)


def _page_number(pdf: FPDF, number: int, box: specs.Rect, page_h: float) -> None:
    pdf.set_font(FONT_FAMILY, "", PAGE_NUMBER_PT)
    text = str(number)
    width = pdf.get_string_width(text) / PT
    baseline = box.y - PAGE_NUMBER_BAND_IN + 0.08
    pdf.text((box.x + (box.width - width) / 2) * PT, _top(page_h, baseline), text)


def _page_boxes(trim: str, page_number: int) -> tuple[list[float], list[float]]:
    width, height = specs.interior_page_size(trim)
    t = specs.trim_box(trim, specs.page_side(page_number))
    return rect_points(t.x, t.y, t.width, t.height), rect_points(0, 0, width, height)


def build_interior_pdf(
    art_paths: Sequence[Path], out_path: Path, options: InteriorOptions,
) -> InteriorInfo:
    """Page limits are not enforced here: preflight reports them, so a short preview builds."""
    specs.trim(options.trim), specs.paper(options.paper)  # fail early on unknown keys
    if not art_paths:
        raise ValueError("an interior needs at least one design")
    slots = page_plan(len(art_paths), options)
    total = len(slots)
    page_w, page_h = specs.interior_page_size(options.trim)
    pdf = new_pdf(page_w, page_h)
    if options.furniture:
        register_pdf_fonts(pdf)

    design_pages: list[int] = []
    blank_pages: list[int] = []
    furniture_pages: dict[str, int] = {}
    for number, slot in enumerate(slots, 1):
        pdf.add_page()
        safe = specs.safe_area(options.trim, total, specs.page_side(number))
        if slot.kind == "blank":
            blank_pages.append(number)
        elif slot.kind == "title":
            _title_page(pdf, options, safe, page_h)
        elif slot.kind == "copyright":
            _copyright_page(pdf, options, safe, page_h)
        elif slot.kind == "design":
            art = Path(art_paths[slot.design])
            box = art_box(options.trim, total, specs.page_side(number), options.page_numbers)
            # fpdf2 keeps the G4 bytes (and stores a design used twice once); ours go at once.
            data, size = g4_tiff(art)
            place = fit_art(size, box)
            pdf.image(data, x=place.x * PT, y=_top(page_h, place.top), w=place.width * PT,
                      h=place.height * PT)
            del data
            if options.page_numbers:
                _page_number(pdf, number, box, page_h)
            design_pages.append(number)
        else:
            _furniture_page(pdf, slot.kind, options, safe, page_h)
            furniture_pages[slot.kind] = number

    finalize(pdf, out_path, [_page_boxes(options.trim, n) for n in range(1, total + 1)])
    return InteriorInfo(page_count=total, design_pages=design_pages, trim=options.trim,
                        paper=options.paper, width_in=page_w, height_in=page_h,
                        blank_pages=blank_pages, furniture_pages=furniture_pages)
