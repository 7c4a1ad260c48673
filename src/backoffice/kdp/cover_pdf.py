"""Full-wrap paperback cover PDF (back | spine | front) and its guide-overlay preview."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TextMode
from PIL import Image, ImageColor, ImageDraw

from backoffice.kdp import barcode, fonts, specs
from backoffice.kdp.cover_text import (
    TEXT_SAFE_IN,
    TextLine,
    fit_block,
    layout_front_text,
)
from backoffice.kdp.pdf_common import (
    FONT_FAMILY,
    PT,
    finalize,
    new_pdf,
    rect_points,
    save_for_kdp,
)

PANEL_DPI = 300
MIN_TEXT_PT = 7  # KDP's minimum legible font size
SPINE_MAX_PT = 24
SPINE_END_MARGIN_IN = 0.375
# The spine face's ascent + descent, in em: the glyph box that must fit across the spine.
SPINE_FONT = "poppins-semibold"
_GLYPH_BOX_EM = 1.164
_EAN_MODULE_IN = 0.013  # 0.33 mm, the nominal EAN-13 module


@dataclass
class CoverInfo:
    width_in: float
    height_in: float
    spine_in: float
    interior_pages: int
    spine_text: bool
    barcode: bool
    spine_text_note: str = ""


def contrast_color(hex_color: str) -> tuple[int, int, int]:
    """Full black or full white, whichever reads better on the colour (WCAG luminance)."""
    rgb = ImageColor.getrgb(hex_color)[:3]
    lin = [(c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return (0, 0, 0) if luminance > 0.179 else (255, 255, 255)


def _panel_jpeg(path: Path, width_in: float, height_in: float, name: str) -> io.BytesIO:
    """Panel as JPEG (KDP's 40 MB advice); refuses wrong sizes instead of stretching."""
    with Image.open(path) as img:
        w, h = img.size
        if abs(w / h - width_in / height_in) > 0.01 or w < width_in * PANEL_DPI - 2:
            raise ValueError(
                f"{name} panel is {w}x{h} px; expected {round(width_in * PANEL_DPI)}x"
                f"{round(height_in * PANEL_DPI)} ({width_in:.3f}x{height_in:.3f} in at "
                f"{PANEL_DPI} DPI)"
            )
        if img.format == "JPEG" and img.mode == "RGB":
            return io.BytesIO(Path(path).read_bytes())  # already final: no second loss
        buf = io.BytesIO()
        # convert() copies even an RGB panel: 35 MB more for nothing at 300 DPI.
        rgb = img if img.mode == "RGB" else img.convert("RGB")
        rgb.save(buf, "JPEG", quality=92, subsampling=0, dpi=(PANEL_DPI,) * 2)
    buf.seek(0)
    return buf


@dataclass(frozen=True)
class CoverText:
    """What the PDF sets in type: each panel's lines from its design layout (None: the
    plain layout of covers made before designs), and whether the front gets any."""

    front: list[TextLine] | None = None
    back: list[TextLine] | None = None
    front_text: bool = True


def spine_text_plan(layout: specs.CoverLayout, title: str, author: str
                    ) -> tuple[str, float, str, str]:
    """(text, size in pt, font, note): size 0 means no spine text, and the note says why."""
    if not layout.spine_text_allowed:
        return "", 0.0, "", f"no spine text under {specs.SPINE_TEXT_MIN_PAGES} pages"
    across = layout.spine_text_area.width * PT
    size = min(SPINE_MAX_PT, across / _GLYPH_BOX_EM)
    if size < MIN_TEXT_PT:
        return "", 0.0, "", f"spine too narrow for {MIN_TEXT_PT} pt text"
    length = layout.trim_height - 2 * SPINE_END_MARGIN_IN
    for text in (f"{title}  ·  {author}" if author.strip() else title, title):
        face = fonts.face_for(text, SPINE_FONT)
        glyph_box = sum(fonts.ascent_descent_in(face, 72.0))
        fitted = min(size * _GLYPH_BOX_EM / glyph_box,
                     length / max(fonts.text_width_in(text, face, 1), 1e-9))
        if fitted >= MIN_TEXT_PT:
            return text, fitted, face, ""
    return "", 0.0, "", "title too long for the spine"


def _set_lines(pdf: FPDF, lines: list[TextLine], x_offset: float) -> None:
    for line in lines:
        pdf.set_font(line.font, "", line.size_pt)
        x, y = (x_offset + line.x_in) * PT, line.baseline_in * PT
        outline = ImageColor.getrgb(line.outline)[:3] if line.outline else None
        if outline and line.shadow_in:
            shift = line.shadow_in * PT
            with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=2 * line.outline_pt,
                                   draw_color=outline, text_color=outline,
                                   stroke_join_style="ROUND"):
                pdf.text(x + shift, y + shift, line.text)
        if outline:
            with pdf.local_context(text_mode=TextMode.STROKE, line_width=2 * line.outline_pt,
                                   draw_color=outline, stroke_join_style="ROUND"):
                pdf.text(x, y, line.text)
        with pdf.local_context(text_color=ImageColor.getrgb(line.fill)[:3]):
            pdf.text(x, y, line.text)


def _draw_barcode(pdf: FPDF, box: specs.Rect, digits: str, page_h: float, shown: str) -> None:
    modules = barcode.ean13_modules(digits)
    bars_w = barcode.MODULES * _EAN_MODULE_IN
    x0 = box.x + (box.width - bars_w) / 2
    guards = {0, 2, 46, 48, 92, 94}
    pdf.set_fill_color(0, 0, 0)
    for start, width in barcode.bar_runs(modules):
        low = box.y + (0.15 if start in guards else 0.22)
        top = box.y + 0.95
        pdf.rect(
            (x0 + start * _EAN_MODULE_IN) * PT, (page_h - top) * PT,
            width * _EAN_MODULE_IN * PT, (top - low) * PT, style="F",
        )
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT_FAMILY, "", 9)
    base = (page_h - box.y - 0.09) * PT
    pdf.text((x0 - 0.09) * PT, base, digits[0])
    for half, first_module in ((digits[1:7], 4), (digits[7:], 51)):
        text_w = pdf.get_string_width(half)
        centre = (x0 + (first_module + 21) * _EAN_MODULE_IN) * PT
        pdf.text(centre - text_w / 2, base, half)
    pdf.set_font(FONT_FAMILY, "", 8)
    label = f"ISBN {shown}"
    pdf.text((box.x + (box.width - pdf.get_string_width(label) / PT) / 2) * PT,
             (page_h - box.y - 1.05) * PT, label)


def _draw_blurb(pdf: FPDF, layout: specs.CoverLayout, blurb: str, page_h: float) -> None:
    back = layout.back
    pad = 0.15
    left, width = back.x + TEXT_SAFE_IN, back.width - 2 * TEXT_SAFE_IN
    bottom = layout.barcode.top + 0.25
    max_h = min(back.top - TEXT_SAFE_IN - bottom, back.height * 0.45) - 2 * pad
    size, lines = fit_block(blurb.strip(), font="dejavu", max_width_in=width - 2 * pad,
                            max_height_in=max_h, max_lines=40, max_size=13, min_size=8)
    leading = size * 1.3 / PT
    plate_h = len(lines) * leading + 2 * pad
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(left * PT, (page_h - bottom - plate_h) * PT, width * PT, plate_h * PT, style="F")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT_FAMILY, "", size)
    y = bottom + plate_h - pad
    for line in lines:
        y -= leading
        pdf.text((left + pad) * PT, (page_h - y - size * 0.3 / PT) * PT, line)


def build_cover_pdf(
    front_png: Path, back_png: Path, out_path: Path, *, trim: str, paper: str,
    interior_pages: int, title: str, subtitle: str, author: str, spine_color: str,
    isbn: str | None = None, blurb: str | None = None, text: CoverText | None = None,
) -> CoverInfo:
    digits = barcode.validate_isbn13(isbn) if isbn else None
    text = text or CoverText()
    layout = specs.cover_layout(trim, interior_pages, paper)
    page_w, page_h = layout.width, layout.height
    panel_w = layout.trim_width + specs.BLEED_IN
    pdf = new_pdf(page_w, page_h)
    fonts.register_pdf_fonts(pdf)
    pdf.add_page()

    # The spine is painted across its full height and a hair wider, so panel edges
    # meet it without a white seam whatever the rounding.
    spine = layout.spine_rect
    pdf.set_fill_color(*ImageColor.getrgb(spine_color)[:3])
    pdf.rect((spine.x - 0.01) * PT, 0, (spine.width + 0.02) * PT, page_h * PT, style="F")
    pdf.image(_panel_jpeg(back_png, panel_w, page_h, "back"), x=0, y=0, w=panel_w * PT,
              h=page_h * PT)
    front_x = layout.front.x
    pdf.image(_panel_jpeg(front_png, panel_w, page_h, "front"), x=front_x * PT, y=0,
              w=panel_w * PT, h=page_h * PT)

    if text.front_text:
        front_lines = text.front if text.front is not None else layout_front_text(
            trim_width=layout.trim_width, trim_height=layout.trim_height, title=title,
            subtitle=subtitle, author=author)
        _set_lines(pdf, front_lines, front_x)

    spine_text, size, face, note = spine_text_plan(layout, title, author)
    if spine_text:
        centre_x, centre_y = (spine.x + spine.width / 2) * PT, page_h / 2 * PT
        pdf.set_font(face, "", size)
        pdf.set_text_color(*contrast_color(spine_color))
        width = pdf.get_string_width(spine_text)
        ascent, descent = fonts.ascent_descent_in(face, size)
        # -90 degrees: the text reads top to bottom with the book standing upright; the
        # glyph box (ascent over descent) is centred across the spine.
        with pdf.rotation(-90, centre_x, centre_y):
            pdf.text(centre_x - width / 2, centre_y + (ascent - descent) / 2 * PT, spine_text)

    if text.back is not None:
        _set_lines(pdf, text.back, 0.0)
    elif blurb and blurb.strip():
        _draw_blurb(pdf, layout, blurb, page_h)

    box = layout.barcode
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(box.x * PT, (page_h - box.top) * PT, box.width * PT, box.height * PT, style="F")
    if digits:
        _draw_barcode(pdf, box, digits, page_h, isbn.strip() if isbn else digits)

    trim_box = rect_points(specs.BLEED_IN, specs.BLEED_IN, page_w - 2 * specs.BLEED_IN,
                           layout.trim_height)
    finalize(pdf, out_path, [(trim_box, rect_points(0, 0, page_w, page_h))])
    return CoverInfo(width_in=page_w, height_in=page_h, spine_in=layout.spine,
                     interior_pages=interior_pages, spine_text=bool(spine_text),
                     barcode=digits is not None, spine_text_note=note)


def render_cover_preview(
    cover_pdf: Path, out_png: Path, *, trim: str, paper: str, interior_pages: int,
    dpi: int = 60,
) -> None:
    """PNG of the cover with trim (red), folds (blue), safe zones (green) and barcode box
    (magenta) drawn over it; the page edge is the bleed edge."""
    import pypdfium2 as pdfium

    layout = specs.cover_layout(trim, interior_pages, paper)
    doc = pdfium.PdfDocument(str(cover_pdf))
    try:
        img = doc[0].render(scale=dpi / PT).to_pil().convert("RGB")
    finally:
        doc.close()
    draw = ImageDraw.Draw(img)
    h = layout.height

    def box(rect: specs.Rect, color: str, width: int = 2) -> None:
        draw.rectangle(
            [rect.x * dpi, (h - rect.top) * dpi, rect.right * dpi, (h - rect.y) * dpi],
            outline=color, width=width,
        )

    box(specs.Rect(0, 0, layout.width, h), "orange", 3)
    box(specs.Rect(specs.BLEED_IN, specs.BLEED_IN, layout.width - 2 * specs.BLEED_IN,
                 layout.trim_height), "red")
    for x in (layout.spine_rect.x, layout.spine_rect.right):
        draw.line([x * dpi, 0, x * dpi, h * dpi], fill="blue", width=2)
    for panel in (layout.back, layout.front):
        box(layout.panel_safe(panel, TEXT_SAFE_IN), "green", 1)
    if layout.spine_text_allowed:
        box(layout.spine_text_area, "green", 1)
    box(layout.barcode, "magenta", 2)
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    img.save(out_png)


def build_uploaded_cover_pdf(original: Path, out_path: Path, *, trim: str, paper: str,
                             interior_pages: int) -> CoverInfo:
    """The KDP cover from a full wrap made elsewhere (checked by kdp.cover_upload): a PDF
    keeps its content, an image fills the page; both get the trim and bleed boxes and lose
    metadata and annotations, like the covers the product draws."""
    import pikepdf

    layout = specs.cover_layout(trim, interior_pages, paper)
    page_w, page_h = layout.width, layout.height
    trim_box = rect_points(specs.BLEED_IN, specs.BLEED_IN, page_w - 2 * specs.BLEED_IN,
                           layout.trim_height)
    bleed_box = rect_points(0, 0, page_w, page_h)
    data = Path(original).read_bytes()
    if data[:5] == b"%PDF-":
        out_path = Path(out_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with pikepdf.open(io.BytesIO(data)) as doc:
            save_for_kdp(doc, out_path, [(trim_box, bleed_box)])
    else:
        pdf = new_pdf(page_w, page_h)
        pdf.add_page()
        with Image.open(io.BytesIO(data)) as img:
            buf = io.BytesIO()
            img.convert("RGB").save(buf, "JPEG", quality=95, subsampling=0)
        buf.seek(0)
        pdf.image(buf, x=0, y=0, w=page_w * PT, h=page_h * PT)
        finalize(pdf, out_path, [(trim_box, bleed_box)])
    return CoverInfo(width_in=page_w, height_in=page_h, spine_in=layout.spine,
                     interior_pages=interior_pages, spine_text=False, barcode=False,
                     spine_text_note="cover uploaded")
