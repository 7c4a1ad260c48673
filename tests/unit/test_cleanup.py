import io
import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from backoffice.art.cleanup import CleanupError, to_line_art, to_line_art_with_info
from tests.fakes.drawing import speckled_line_drawing

try:
    from backoffice.art.quality import evaluate_page
except ImportError:  # the quality gate is optional for this test
    evaluate_page = None

ART = (2400, 3150)  # a letter page's art area at 300 dpi


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def ink_of(image: Image.Image) -> np.ndarray:
    return ~np.asarray(image.convert("1"), dtype=bool)


@pytest.fixture(scope="module")
def cleaned():
    return to_line_art_with_info(speckled_line_drawing(3), *ART, dpi=300)


def test_gray_speckled_drawing_becomes_pure_one_bit_art_of_the_exact_size(cleaned):
    image, info = cleaned
    assert image.mode == "1" and image.size == ART
    assert set(np.unique(np.asarray(image.convert("L")))) <= {0, 255}
    if shutil.which("potrace"):
        assert info["vectorizer"] == "potrace" == image.info["vectorizer"]
    assert image.info["dpi"] == (300, 300)


def test_no_ink_in_the_margin_and_no_gray(cleaned):
    image, info = cleaned
    margin = info["margin_px"]
    ink = ink_of(image)
    assert ink.any()
    assert not ink[:margin].any() and not ink[-margin:].any()
    assert not ink[:, :margin].any() and not ink[:, -margin:].any()
    if evaluate_page is not None:
        report = evaluate_page(image, dpi=300, audience="children",
                               safe_area_px=(margin, margin, ART[0] - margin, ART[1] - margin))
        assert report.metrics["binarity"] == 0
        assert report.metrics["ink_outside_safe_area"] == 0
        assert report.metrics["stroke_pt"]["p5"] > 0.5


def test_speckles_are_gone(cleaned):
    image, _ = cleaned
    labels, count = ndimage.label(ink_of(image), structure=np.ones((3, 3)))
    sizes = np.bincount(labels.ravel())[1:]
    # The source has ~1,500 specks; a naive threshold keeps them all.
    assert count < 40 and sizes.min() > 100


def test_the_lines_are_kept(cleaned):
    image, info = cleaned
    width, height = info["fitted_size"]
    reference = Image.open(io.BytesIO(speckled_line_drawing(3, noisy=False))).convert("L")
    reference = reference.resize((width, height), Image.Resampling.LANCZOS)
    expected = np.asarray(reference) < 128
    margin_x, margin_y = (ART[0] - width) // 2, (ART[1] - height) // 2
    got = ink_of(image)[margin_y:margin_y + height, margin_x:margin_x + width]
    iou = (got & expected).sum() / (got | expected).sum()
    assert iou > 0.75


def test_small_gaps_are_closed_so_regions_stay_fillable():
    drawing = Image.new("L", (400, 400), 240)
    draw = ImageDraw.Draw(drawing)
    draw.arc((80, 80, 320, 320), start=1, end=360, fill=40, width=6)  # a ~2 px gap
    image = to_line_art(png(drawing), 1200, 1200)
    paper = ~ink_of(image)
    labels, _ = ndimage.label(paper)
    assert labels[600, 600] != labels[5, 5]  # the inside does not leak to the outside


def test_aspect_is_kept_and_the_art_centred():
    drawing = Image.new("L", (1024, 512), 255)
    ImageDraw.Draw(drawing).rectangle((10, 10, 1013, 501), outline=0, width=8)
    image, info = to_line_art_with_info(png(drawing), 1200, 1800)
    rows, cols = np.nonzero(ink_of(image))
    width, height = cols.max() - cols.min() + 1, rows.max() - rows.min() + 1
    assert abs(width / height - 1004 / 492) < 0.02
    assert abs((rows.min() + rows.max()) / 2 - 900) < 3


def test_transparent_background_is_paper():
    drawing = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(drawing).ellipse((50, 50, 250, 250), outline=(0, 0, 0, 255), width=8)
    ink = ink_of(to_line_art(png(drawing), 900, 900))
    assert 0.005 < ink.mean() < 0.1


def test_without_potrace_the_cleaned_raster_is_used(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    image, info = to_line_art_with_info(speckled_line_drawing(5), 1200, 1575)
    assert info["vectorizer"] == "raster" and image.mode == "1"
    assert set(np.unique(np.asarray(image.convert("L")))) <= {0, 255}


def test_blank_and_broken_inputs():
    blank = to_line_art(png(Image.new("RGB", (200, 300), "white")), 600, 900)
    assert not ink_of(blank).any()
    with pytest.raises(CleanupError, match="not a readable image"):
        to_line_art(b"not an image", 600, 900)


@pytest.mark.parametrize("mode", ["L", "1"])
def test_clean_black_and_white_art_larger_than_the_page_keeps_its_lines(mode: str) -> None:
    """A pure black-and-white image needs no resize when it is as large as the art box,
    and Otsu's threshold on it is 0: such pages used to come out blank."""
    drawing = Image.new("L", (3000, 4000), 255)
    draw = ImageDraw.Draw(drawing)
    for radius in range(200, 1400, 150):
        draw.ellipse((1500 - radius, 2000 - radius, 1500 + radius, 2000 + radius),
                     outline=0, width=12)
    image, info = to_line_art_with_info(png(drawing.convert(mode)), *ART, dpi=300)
    ink = ink_of(image)
    assert 0.02 < ink.mean() < 0.05, info
    # Eight rings, each a closed outline: eight enclosed regions and the paper around.
    assert ndimage.label(~ink)[1] == 9
