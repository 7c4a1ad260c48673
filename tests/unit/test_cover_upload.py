"""Uploaded covers: a good wrap or front is accepted; every bad file is refused with a
message naming the file and, for a wrong size, the size it must have."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from backoffice.kdp import specs
from backoffice.kdp.cover_pdf import build_uploaded_cover_pdf
from backoffice.kdp.cover_upload import UploadError, check_cover_upload, expected_size

TRIM, PAPER, PAGES = "6x9", "white", 30


def _image(size: tuple[int, int], fmt: str = "PNG", mode: str = "RGB", dpi: int = 300,
           colour=(200, 80, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, fmt, dpi=(dpi, dpi))
    return buffer.getvalue()


def _px(kind: str, dpi: int = 300) -> tuple[int, int]:
    width, height = expected_size(TRIM, PAPER, PAGES, kind)
    return round(width * dpi), round(height * dpi)


def check(data: bytes, kind: str = "wrap", name: str = "cover.png"):
    return check_cover_upload(data, name, kind=kind, trim=TRIM, paper=PAPER,
                              interior_pages=PAGES)


def test_a_wrap_image_at_the_exact_size_gives_both_panels():
    checked = check(_image(_px("wrap")))
    assert checked.kind == "wrap" and checked.format == "png"
    panel = (round((6 + 0.125) * 300), round(9.25 * 300))
    assert checked.front.size == checked.back.size == panel
    # 600 DPI is the same shape and is accepted too.
    assert check(_image(_px("wrap", 600)), name="big.jpg").dpi == pytest.approx(600, abs=1)


def test_a_front_image_is_wrapped_and_cmyk_jpeg_is_accepted():
    checked = check(_image(_px("front"), "JPEG", "CMYK", colour=(0, 80, 90, 0)), "front",
                    "front.jpg")
    assert checked.kind == "front" and checked.back is None and checked.format == "jpeg"
    assert checked.front.mode == "RGB"


@pytest.mark.parametrize(("data", "kind", "expected"), [
    (b"", "wrap", "empty"),
    (b"hello, not an image", "wrap", "not a PDF or an image"),
    (_image((1200, 900)), "wrap", '12.318" x 9.250" (3695 x 2775 px at 300 DPI)'),
    # The wrap of a 200-page book: the spine is 0.38" wider than 30 pages need.
    (_image((round((12.25 + 200 * 0.002252) * 300), 2775)), "wrap", "not the size of a wrap"),
    (_image(_px("front", 150)), "front", "150 DPI at the printed size"),
    (_image(_px("wrap"), mode="RGBA", colour=(1, 2, 3, 0)), "wrap", "transparent"),
    (_image(_px("front"), "TIFF", mode="I;16", colour=300), "front", "colour mode"),
])
def test_bad_files_are_refused_with_a_message(data, kind, expected):
    with pytest.raises(UploadError) as caught:
        check(data, kind, "mine.png")
    assert expected in str(caught.value) and str(caught.value).startswith("mine.png: ")


def test_a_damaged_image_is_refused():
    data = _image(_px("front"))
    with pytest.raises(UploadError, match="damaged"):
        check(data[: len(data) // 2], "front")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def test_a_decompression_bomb_is_refused_before_decoding():
    # A 60,000 x 60,000 header with almost no data: 10 GB once decoded.
    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    bomb = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _chunk(b"IEND", b""))
    with pytest.raises(UploadError, match="too large|too many pixels"):
        check(bomb)


def _pdf(tmp_path: Path, width_in: float, height_in: float, pages: int = 1,
         encrypt: bool = False) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(width_in * 72, height_in * 72))
    image = io.BytesIO(_image((round(width_in * 300), round(height_in * 300)), "JPEG"))
    for _ in range(pages):
        pdf.add_page()
        pdf.image(image, x=0, y=0, w=width_in * 72, h=height_in * 72)
    path = tmp_path / "raw.pdf"
    pdf.output(str(path))
    if encrypt:
        with pikepdf.open(path) as doc:
            doc.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
        return (tmp_path / "locked.pdf").read_bytes()
    return path.read_bytes()


def test_a_pdf_wrap_is_checked_and_becomes_the_cover_pdf(tmp_path):
    width, height = expected_size(TRIM, PAPER, PAGES, "wrap")
    data = _pdf(tmp_path, width, height)
    checked = check(data, name="wrap.pdf")
    assert checked.format == "pdf" and checked.back is not None
    original = tmp_path / "upload.pdf"
    original.write_bytes(data)
    info = build_uploaded_cover_pdf(original, tmp_path / "cover.pdf", trim=TRIM, paper=PAPER,
                                    interior_pages=PAGES)
    assert info.width_in == pytest.approx(width)
    with pikepdf.open(tmp_path / "cover.pdf") as doc:
        assert [round(float(v), 2) for v in doc.pages[0].TrimBox] == [
            9, 9, round((width - 0.125) * 72, 2), round((height - 0.125) * 72, 2)]
        assert not doc.docinfo.keys()

    with pytest.raises(UploadError, match="2 pages"):
        check(_pdf(tmp_path, width, height, pages=2), name="two.pdf")
    with pytest.raises(UploadError, match=r'a wrap for this book must be 12\.318" x 9\.250"'):
        check(_pdf(tmp_path, 12.0, 9.25), name="small.pdf")
    with pytest.raises(UploadError, match="password"):
        check(_pdf(tmp_path, width, height, encrypt=True), name="locked.pdf")
    with pytest.raises(UploadError, match="damaged"):
        check(data[:300], name="cut.pdf")
    with pytest.raises(UploadError, match="front cover is uploaded as an image"):
        check(data, "front", "front.pdf")


def test_expected_sizes_follow_trim_paper_and_pages():
    layout = specs.cover_layout(TRIM, PAGES, PAPER)
    assert expected_size(TRIM, PAPER, PAGES, "wrap") == (layout.width, layout.height)
    assert expected_size(TRIM, PAPER, PAGES, "front") == (6.125, 9.25)
