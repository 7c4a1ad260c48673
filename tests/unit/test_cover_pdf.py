from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from backoffice.kdp import specs
from backoffice.kdp.cover_pdf import (
    build_cover_pdf,
    contrast_color,
    render_cover_preview,
)
from backoffice.kdp.cover_text import draw_cover_text

TITLE = "Mandalas magiques"


def panels(tmp: Path, trim: str) -> tuple[Path, Path]:
    t = specs.trim(trim)
    size = (round((t.width + 0.125) * 300), round((t.height + 0.25) * 300))
    paths = []
    for name, color in (("front", (70, 130, 200)), ("back", (200, 90, 120))):
        img = Image.new("RGB", size, color)
        ImageDraw.Draw(img).ellipse([size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2],
                                    fill=(250, 200, 40))
        path = tmp / f"{name}.png"
        img.save(path)
        paths.append(path)
    return paths[0], paths[1]


def build(tmp: Path, *, trim="6x9", pages=100, paper="white", **kw):
    front, back = panels(tmp, trim)
    out = tmp / "cover.pdf"
    args = dict(trim=trim, paper=paper, interior_pages=pages, title=TITLE,
                subtitle="50 motifs apaisants", author="Jeanne Dupont", spine_color="#1d3557")
    info = build_cover_pdf(front, back, out, **{**args, **kw})
    return out, info


def char_boxes(pdf: Path) -> tuple[str, list[tuple[float, float, float, float]]]:
    page = pdfium.PdfDocument(str(pdf))[0]
    text = page.get_textpage()
    count = text.count_chars()
    return text.get_text_range(), [text.get_charbox(i) for i in range(count)]


def test_square_24_white_cover_size(tmp_path):
    out, info = build(tmp_path, trim="8.5x8.5", pages=24)
    assert round(info.width_in, 3) == 17.304 and round(info.height_in, 3) == 8.75
    assert round(info.spine_in, 3) == 0.054
    with pikepdf.open(out) as doc:
        page = doc.pages[0]
        assert [round(float(v), 2) for v in page.MediaBox] == [0, 0, 1245.89, 630]
        assert [round(float(v), 2) for v in page.TrimBox] == [9, 9, 1236.89, 621]
        assert "/BleedBox" in page.obj
        for font in page.Resources.Font.values():
            assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor
    assert not info.spine_text and "79" in info.spine_text_note


def test_spine_text_top_to_bottom_only_from_79_pages(tmp_path):
    out, info = build(tmp_path, pages=200)
    assert info.spine_text
    text, boxes = char_boxes(out)
    assert len(text) == len(boxes)
    start = text.rindex(TITLE)
    assert "Jeanne Dupont" in text[start:]
    layout = specs.cover_layout("6x9", 200, "white")
    area = layout.spine_text_area
    spine_boxes = boxes[start:start + len(TITLE)]
    for left, _bottom, right, _top in spine_boxes:
        assert area.x * 72 - 0.5 <= left and right <= area.right * 72 + 0.5
    # Reading top to bottom: the first letter sits higher than the last.
    assert spine_boxes[0][3] > spine_boxes[-1][3]

    out, info = build(tmp_path, pages=78)
    assert not info.spine_text
    text, _ = char_boxes(out)
    assert "·" not in text


def test_narrow_spine_skips_text_even_above_79_pages(tmp_path):
    _, info = build(tmp_path, pages=80)  # 0.18" spine: 7 pt text would not fit
    assert not info.spine_text and "narrow" in info.spine_text_note


@pytest.mark.parametrize(("color", "ink"), [
    ("#ffffff", (0, 0, 0)), ("#f1c40f", (0, 0, 0)), ("#000000", (255, 255, 255)),
    ("#1d3557", (255, 255, 255)), ("#e63946", (0, 0, 0)),
])
def test_spine_ink_contrasts(color, ink):
    assert contrast_color(color) == ink


def test_front_text_inside_safe_zone(tmp_path):
    long_title = "Le très grand livre des mandalas apaisants pour petits et grands " * 2
    out, _ = build(tmp_path, pages=100, title=long_title)
    layout = specs.cover_layout("6x9", 100, "white")
    safe = layout.panel_safe(layout.front, 0.25)
    text, boxes = char_boxes(out)
    front = [b for b in boxes if b[0] > layout.front.x * 72 and b[2] > b[0]]
    assert front
    for left, bottom, right, top in front:
        assert left >= safe.x * 72 and right <= safe.right * 72
        assert bottom >= safe.y * 72 and top <= safe.top * 72


def test_barcode_area_white_without_isbn(tmp_path):
    out, info = build(tmp_path)
    assert not info.barcode
    layout = specs.cover_layout("6x9", 100, "white")
    bc = layout.barcode
    bitmap = pdfium.PdfDocument(str(out))[0].render(
        scale=1, crop=(bc.x * 72, bc.y * 72, (layout.width - bc.right) * 72,
                       (layout.height - bc.top) * 72))
    pixels = np.asarray(bitmap.to_pil().convert("RGB"))
    assert pixels.min() >= 250


def test_isbn_barcode_and_blurb(tmp_path):
    out, info = build(tmp_path, isbn="978-2-1234-5680-3", blurb="Un livre calme et joyeux.")
    assert info.barcode
    text, _ = char_boxes(out)
    assert "ISBN 978-2-1234-5680-3" in text and "Un livre calme et joyeux." in text


def test_invalid_isbn_and_wrong_panel_are_refused(tmp_path):
    with pytest.raises(ValueError, match="check digit"):
        build(tmp_path, isbn="978-2-1234-5680-4")
    small = tmp_path / "small.png"
    Image.new("RGB", (600, 900), "white").save(small)
    _, back = panels(tmp_path, "6x9")
    with pytest.raises(ValueError, match="front panel is 600x900"):
        build_cover_pdf(small, back, tmp_path / "x.pdf", trim="6x9", paper="white",
                        interior_pages=100, title="T", subtitle="", author="A",
                        spine_color="#ffffff")


def test_preview_png(tmp_path):
    out, _ = build(tmp_path, pages=200)
    png = tmp_path / "preview.png"
    render_cover_preview(out, png, trim="6x9", paper="white", interior_pages=200, dpi=40)
    layout = specs.cover_layout("6x9", 200, "white")
    with Image.open(png) as img:
        assert abs(img.width - layout.width * 40) <= 1
        assert abs(img.height - layout.height * 40) <= 1
        # The magenta barcode guide is drawn.
        x, y = round((layout.barcode.x + 1) * 40), round((layout.height - layout.barcode.top) * 40)
        assert img.getpixel((x, y)) == (255, 0, 255)


@pytest.mark.parametrize("title", ["Court", "Un titre extraordinairement long pour un petit "
                                   "livre de coloriage anticonstitutionnellement " * 3])
def test_draw_cover_text_stays_in_safe_zone(title):
    dpi = 100
    img = Image.new("RGB", (round(6.125 * dpi), round(9.25 * dpi)), "white")
    out = draw_cover_text(img, title=title, subtitle="Sous-titre", author="A. Auteur", dpi=dpi)
    assert out.size == img.size and out is not img
    rows, cols = np.nonzero(np.asarray(out.convert("L")) < 200)
    assert cols.min() >= 0.25 * dpi and cols.max() <= 5.75 * dpi  # bleed is on the right
    assert rows.min() >= 0.375 * dpi and rows.max() <= (9.25 - 0.375) * dpi
