"""The art core of bringing one's own art: files judged by their bytes, SVG refusals,
zips opened without trust, photo detection and photo lines (pure, no database)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from backoffice.art.imports import archive, files, svg
from backoffice.art.imports.errors import BadFile
from backoffice.art.imports.page import SourceRef, even_lighting, make_page
from backoffice.art.photo import looks_like_photo, photo_to_lines
from backoffice.kdp import pixels
from tests import upload_files as uf

ART = pixels.art_size_px("8.5x11", 52)


def test_formats_are_known_by_their_bytes_not_their_names() -> None:
    assert files.sniff(uf.encode(uf.line_art(1))) == "png"
    assert files.sniff(uf.encode(uf.photo(), "JPEG")) == "jpeg"
    assert files.sniff(uf.encode(uf.line_art(1), "WEBP")) == "webp"
    assert files.sniff(uf.encode(uf.line_art(1), "TIFF")) == "tiff"
    assert files.sniff(uf.pdf_of(uf.line_art(1))) == "pdf"
    assert files.sniff(uf.SVG) == "svg"
    assert files.sniff(uf.zip_of({"a.png": b"x"})) == "zip"
    assert files.sniff(b"GIF89a....") is None


def test_inspection_says_pages_and_print_resolution() -> None:
    drawing = files.inspect(uf.encode(uf.line_art(1)), ART, files.Limits())
    assert drawing.pages == 1 and drawing.dpi is not None and drawing.upscaled
    big = files.inspect(uf.encode(uf.line_art(1).resize((2400, 3100))), ART, files.Limits())
    assert big.dpi is not None and big.dpi >= 300 and not big.upscaled
    pdf = files.inspect(uf.pdf_of(uf.line_art(1), uf.line_art(2), uf.line_art(3)), ART,
                        files.Limits())
    assert pdf.format == "pdf" and pdf.pages == 3
    frames = io.BytesIO()
    uf.line_art(1).save(frames, "TIFF", save_all=True, append_images=[uf.line_art(2)])
    assert files.inspect(frames.getvalue(), ART, files.Limits()).pages == 2


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"hello", "not a PNG"),
    (uf.truncated_png(), "damaged"),
    (uf.encode(uf.photo(), "JPEG")[:5000], "damaged"),
    (uf.bomb_png(), "1600 megapixels"),
    (uf.bomb_png(12_000, 9_000), "108 megapixels"),
    (uf.encode(uf.line_art(1).resize((90, 120))), "far too small"),
    (b"%PDF-1.4 nonsense", "PDF cannot be read"),
])
def test_bad_files_are_refused_with_the_reason(data: bytes, words: str) -> None:
    with pytest.raises(BadFile) as caught:
        files.inspect(data, ART, files.Limits())
    assert words in str(caught.value)


@pytest.mark.parametrize(("document", "words"), [
    (uf.SVG_EXTERNAL, "outside itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><use href="http://x/y.svg#a"/></svg>',
     "outside itself"),
    (uf.SVG_SCRIPT, "script"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "foreignobject"),
    (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
     "entities"),
    (b'<?xml-stylesheet href="http://x/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
     "outside itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>',
     "outside itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(file:///x)"/></svg>',
     "outside itself"),
    (b"<svg", "cannot be read"),
])
def test_unsafe_svgs_are_refused_before_any_rendering(document: bytes, words: str) -> None:
    with pytest.raises(BadFile) as caught:
        svg.check_svg(document, max_pixels=10**8)
    assert words in str(caught.value)


def test_a_safe_svg_renders_fitted_on_white() -> None:
    image = svg.render_svg(svg.check_svg(uf.SVG, max_pixels=10**8), (1000, 1000))
    assert image.size[1] == 1000 and abs(image.size[0] - 769) <= 1 and image.mode == "RGB"
    assert image.getpixel((0, 0)) == (255, 255, 255)


def _zip(entries: dict[str, bytes], **info: object) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            target.writestr(name, data)
    buffer.seek(0)
    return buffer


def test_zip_entries_in_natural_order_without_junk() -> None:
    found = list(archive.entries(_zip({"p/10.png": b"c", "p/2.png": b"b", "p/1.png": b"a",
                                       "__MACOSX/._1.png": b"x", "p/.hidden": b"x",
                                       "p/sub/": b""}), archive.ZipLimits()))
    assert [name for name, _ in found] == ["p/1.png", "p/2.png", "p/10.png"]


@pytest.mark.parametrize(("entries", "limits", "words"), [
    ({"../x.png": b"a"}, archive.ZipLimits(), "outside it"),
    ({"/etc/x.png": b"a"}, archive.ZipLimits(), "outside it"),
    ({"a\\..\\..\\x.png": b"a"}, archive.ZipLimits(), "outside it"),
    ({f"{i}.png": b"a" for i in range(4)}, archive.ZipLimits(max_files=3), "more than 3"),
    ({"zeros.png": b"\0" * (3 << 20)}, archive.ZipLimits(max_total_bytes=2 << 20),
     "more than 2 MB"),
    ({}, archive.ZipLimits(), "no file"),
])
def test_hostile_zips_are_refused_whole(entries: dict[str, bytes], limits: archive.ZipLimits,
                                       words: str) -> None:
    with pytest.raises(BadFile) as caught:
        list(archive.entries(_zip(entries), limits))
    assert words in str(caught.value)


def test_photos_are_told_from_drawings_and_scans() -> None:
    assert looks_like_photo(uf.photo())
    assert not looks_like_photo(uf.line_art(3))
    assert not looks_like_photo(uf.scan_of(uf.line_art(3)))


def test_photo_lines_are_outlines_on_white() -> None:
    lines = np.asarray(photo_to_lines(uf.photo(), art_px=ART, audience="children"))
    ink = (lines < 128).mean()
    assert 0.01 < ink < 0.25  # outlines, neither blank nor a black photo
    assert set(np.unique(lines)) <= {0, 255}


@pytest.mark.parametrize("audience", ["toddlers", "children"])
def test_a_photo_becomes_a_page_that_passes_the_gate(audience: str) -> None:
    """Closed outlines of the photo's shapes (house, roof, windows, trees, clouds, fence,
    path), as many as the audience colours, at its stroke: the gate's verdict is a pass."""
    made = make_page(uf.encode(uf.photo(), "JPEG", quality=90),
                     SourceRef("maison.jpg", "jpeg", photo="yes"), art_px=ART,
                     audience=audience)
    assert made.quality["passed"], made.quality["failures"]
    regions = made.quality["metrics"]["regions"]["count"]
    assert {"toddlers": 5, "children": 15}[audience] <= regions <= 40


def test_a_photo_with_almost_nothing_in_it_is_told_so() -> None:
    made = make_page(uf.encode(uf.sparse_photo(), "JPEG"), SourceRef("ciel.jpg", "jpeg",
                                                                    photo="yes"),
                     art_px=ART, audience="children")
    assert [f["code"] for f in made.quality["failures"]] == ["too_few_regions"]


def test_uneven_scan_lighting_is_divided_out() -> None:
    evened = np.asarray(even_lighting(uf.scan_of(uf.line_art(4)).convert("L")))
    paper = evened[evened > 128]
    assert paper.mean() > 235  # grey, fading paper becomes white
    clean = uf.line_art(4)
    assert even_lighting(clean) is clean


def test_a_made_page_is_1_bit_art_box_with_its_source() -> None:
    made = make_page(uf.encode(uf.scan_of(uf.line_art(6)), "JPEG"),
                     SourceRef("scan.jpg", "jpeg"), art_px=ART, audience="children")
    image = Image.open(io.BytesIO(made.png))
    assert image.mode == "1" and image.size == ART
    source = made.quality["source"]
    assert source["file"] == "scan.jpg" and source["photo"] is False and source["upscaled"]
    assert made.quality["metrics"]["binarity"] == 0


def test_phone_photos_turn_as_shot_and_stay_one_page() -> None:
    picture = uf.photo()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    turned = uf.encode(picture, "JPEG", exif=exif)
    assert files.inspect(turned, ART, files.Limits()).size_px == (900, 1200)
    assert files.load(turned, "jpeg", 0, ART, files.Limits()).size == (900, 1200)
    # A phone's JPEG with its preview (MPO) is one page, not two.
    mpo = uf.encode(picture, "MPO", save_all=True, append_images=[picture.resize((160, 120))])
    assert files.inspect(mpo, ART, files.Limits()).pages == 1
