from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from backoffice.kdp import specs
from backoffice.kdp.interior_pdf import (
    InteriorOptions,
    art_box,
    build_interior_pdf,
    fit_art,
    interior_page_total,
)


def make_art(tmp: Path, trim: str, total: int, count: int, *, frame: bool = True) -> list[Path]:
    """1-bit designs sized to the safe area at 300 DPI, each with a black frame on its edge
    so a misplaced design shows up as ink in the margin."""
    safe = specs.safe_area(trim, total, "right")
    size = (round(safe.width * 300), round(safe.height * 300))
    paths = []
    for i in range(count):
        img = Image.new("1", size, 1)
        draw = ImageDraw.Draw(img)
        if frame:
            draw.rectangle([0, 0, size[0] - 1, size[1] - 1], outline=0, width=12)
        draw.ellipse([60 + 10 * i, 60, size[0] - 60, size[1] - 60], outline=0, width=9)
        path = tmp / f"art{i}.png"
        img.save(path)
        paths.append(path)
    return paths


def options(**overrides) -> InteriorOptions:
    base = dict(trim="8.5x11", paper="white", title="Mandalas", author="Jeanne Dupont",
                year=2025)
    return InteriorOptions(**{**base, **overrides})


def ink_bbox(pdf_path: Path, page: int, dpi: int = 72) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the ink in inches from the page's top-left corner."""
    doc = pdfium.PdfDocument(str(pdf_path))
    bitmap = doc[page - 1].render(scale=dpi / 72, grayscale=True)
    gray = bitmap.to_numpy().reshape(bitmap.height, bitmap.width, -1)[..., 0]
    doc.close()
    rows, cols = np.nonzero(gray < 128)
    return cols.min() / dpi, rows.min() / dpi, (cols.max() + 1) / dpi, (rows.max() + 1) / dpi


def test_page_total_uses_blank_backs_and_front_matter():
    assert interior_page_total(11, options()) == 24
    assert interior_page_total(12, options(front_matter=False)) == 24
    assert interior_page_total(20, options(single_sided=False)) == 22


def test_fit_art_never_upscales_and_centres():
    box = specs.Rect(1, 1, 6, 9)
    small = fit_art((600, 900), box)  # 2 x 3 in at 300 DPI: kept at native size
    assert (small.width, small.height) == (2, 3)
    assert small.x == pytest.approx(3) and small.y == pytest.approx(4)
    big = fit_art((3600, 3600), box)  # 12 in square: shrunk to the box width
    assert big.width == pytest.approx(6) and big.height == pytest.approx(6)


def test_single_sided_with_front_matter(tmp_path):
    opts = options(isbn="978-2-1234-5680-3", ai_disclosure=True)
    total = interior_page_total(11, opts)
    out = tmp_path / "interior.pdf"
    info = build_interior_pdf(make_art(tmp_path, "8.5x11", total, 11), out, opts)
    assert info.page_count == 24
    assert info.design_pages == list(range(3, 24, 2))  # always on a recto
    assert info.blank_pages == list(range(4, 25, 2))
    with pikepdf.open(out) as doc:
        assert len(doc.pages) == 24
        for n, page in enumerate(doc.pages, 1):
            assert [float(v) for v in page.MediaBox] == [0, 0, 621, 810]
            trim_x = 0 if n % 2 else 9
            assert [float(v) for v in page.TrimBox] == [trim_x, 9, trim_x + 612, 801]
            assert "/BleedBox" in page.obj and "/Annots" not in page.obj
        assert not doc.is_encrypted and "/Metadata" not in doc.Root
        images = [doc.pages[n - 1].get_images() for n in info.design_pages]
        for page_images in images:
            (image,) = page_images.values()
            assert image.Filter == "/CCITTFaxDecode" and image.BitsPerComponent == 1
        assert not doc.pages[3].get_images()  # the blank back
    text = pdfium.PdfDocument(str(out))[1].get_textpage().get_text_range()
    assert "© 2025 Jeanne Dupont" in text and "978-2-1234-5680-3" in text
    assert "intelligence artificielle" in text


def test_ai_sentence_only_when_asked_and_in_english(tmp_path):
    opts = options(language="en", single_sided=False)
    out = tmp_path / "interior.pdf"
    build_interior_pdf(make_art(tmp_path, "8.5x11", 24, 22), out, opts)
    text = pdfium.PdfDocument(str(out))[1].get_textpage().get_text_range()
    assert "All rights reserved" in text and "artificial intelligence" not in text


@pytest.mark.parametrize("page_numbers", [False, True])
def test_designs_stay_in_the_safe_area_of_their_side(tmp_path, page_numbers):
    opts = options(trim="8x10", front_matter=False, single_sided=False,
                   page_numbers=page_numbers)
    out = tmp_path / "interior.pdf"
    info = build_interior_pdf(make_art(tmp_path, "8x10", 2, 2), out, opts)
    assert info.page_count == 2  # no padding: preflight reports the page limits
    _, page_h = specs.interior_page_size("8x10")
    for n in (1, 2):
        safe = specs.safe_area("8x10", info.page_count, specs.page_side(n))
        left, top, right, bottom = ink_bbox(out, n)
        assert left >= safe.x - 0.02 and right <= safe.right + 0.02
        assert top >= page_h - safe.top - 0.02 and bottom <= page_h - safe.y + 0.02
    if not page_numbers:  # full-size art: it fills the safe area exactly
        recto_left = ink_bbox(out, 1)[0]
        verso_left = ink_bbox(out, 2)[0]
        assert recto_left == pytest.approx(0.375, abs=0.03)  # gutter inside (left) on a recto
        assert verso_left == pytest.approx(0.125 + 0.375, abs=0.03)  # bleed + outside margin
    if page_numbers:
        text = pdfium.PdfDocument(str(out))[1].get_textpage().get_text_range()
        assert text.strip() == "2"
        box = art_box("8x10", 2, "left", True)
        assert box.y == pytest.approx(specs.safe_area("8x10", 2, "left").y + 0.3)


def test_rejects_grayscale_art(tmp_path):
    path = tmp_path / "gray.png"
    Image.new("L", (300, 300), 128).save(path)
    with pytest.raises(ValueError, match="1-bit"):
        build_interior_pdf([path], tmp_path / "x.pdf", options())


def test_fonts_are_embedded_truetype(tmp_path):
    out = tmp_path / "interior.pdf"
    build_interior_pdf(make_art(tmp_path, "6x9", 24, 11), out, options(trim="6x9"))
    with pikepdf.open(out) as doc:
        fonts = list(doc.pages[0].Resources.Font.values())
        assert fonts
        for font in fonts:
            assert font.Subtype == "/Type0"
            assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor
