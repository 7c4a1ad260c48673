"""The previous system's images and values → ours, without a database."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from backoffice.adoption import pages
from backoffice.adoption.import_books import map_status, map_theme
from backoffice.kdp import pixels, specs

THEMES = {"christmas", "dinosaurs", "flowers", "mandalas", "pirates", "unicorns"}


def _png(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def _entry(data: bytes) -> dict:
    return {"page_number": 3, "title": "Page 3", "image_format": "PNG",
            "image_data_base64": base64.b64encode(data).decode()}


def test_a_png_is_kept_byte_for_byte() -> None:
    png = _png(Image.new("RGB", (40, 40), "white"))
    data, info = pages.decode(_entry(png))
    assert data == png
    assert info == {"page_number": 3, "title": "Page 3", "format": "PNG", "mode": "RGB",
                    "size": [40, 40]}


def test_another_format_is_stored_as_png_and_says_so() -> None:
    data, info = pages.decode(_entry(_png(Image.new("RGB", (30, 20), "red"), "JPEG")))
    assert data.startswith(b"\x89PNG") and info["converted_from"] == "JPEG"


@pytest.mark.parametrize(("entry", "reason"), [
    ({"page_number": 1}, "no image_data_base64"),
    ({"image_data_base64": "not base64 at all!"}, "not valid base64"),
    (_entry(b"%PDF-1.7 not an image"), "not a readable image"),
    ("Page 1", "not an object"),
])
def test_unreadable_entries_say_why(entry: object, reason: str) -> None:
    with pytest.raises(pages.PageImageError, match=reason):
        pages.decode(entry)


def test_covers_lose_the_bleed_on_their_spine_side_only() -> None:
    # 2626 px = 8.75 in: the left and right 38 px are bleed; mark them to see which goes.
    source = Image.new("RGB", (2626, 2626), "white")
    source.paste((255, 0, 0), (0, 0, 38, 2626))  # left edge red
    source.paste((0, 0, 255), (2588, 0, 2626, 2626))  # right edge blue
    png = _png(source)
    width, height = pixels.panel_size_px(pages.LEGACY_TRIM)
    for kind, kept, gone in (("cover", (0, 0, 255), (255, 0, 0)),
                             ("back_cover", (255, 0, 0), (0, 0, 255))):
        fitted = pages.cover_panel(png, kind)
        assert fitted is not None and fitted.model == pages.FITTED_MODEL
        panel = Image.open(io.BytesIO(fitted.png)).convert("RGB")
        assert panel.size == (width, height)
        colours = {panel.getpixel((x, 1300)) for x in (2, width - 3)}
        assert kept in colours and gone not in colours, kind


def test_a_cover_already_the_size_of_the_panel_is_kept_as_is() -> None:
    size = pixels.panel_size_px(pages.LEGACY_TRIM)
    assert pages.cover_panel(_png(Image.new("RGB", size, "white")), "cover") is None


def test_statuses_and_themes_map_to_ours() -> None:
    assert [map_status(s) for s in ("DRAFT", "APPROVED", "REJECTED", "PENDING", "VALIDATED",
                                    None, "ODD")] == [
        "DRAFT", "APPROVED", "REJECTED", "DRAFT", "APPROVED", "DRAFT", "DRAFT"]
    assert map_theme("dinosaurs", "children", THEMES) == "dinosaurs"
    assert map_theme("christmas-creepy-cute", "children", THEMES) == "christmas"
    assert map_theme("neutral-default", "adults", THEMES) == "mandalas"
    assert map_theme("neutral-default", "children", THEMES) == "flowers"
    assert map_theme(None, "children", {"pirates"}) == "pirates"


def test_books_short_of_designs_say_how_many_to_add() -> None:
    assert [specs.designs_missing(n) for n in (0, 1, 8, 24, 30)] == [24, 23, 16, 0, 0]


def test_adoption_imports_no_web_code() -> None:
    import subprocess
    import sys

    code = ("import sys, backoffice.adoption, backoffice.adoption.import_books, "
            "backoffice.adoption.pages; print(sorted(m for m in sys.modules if m.startswith("
            "('fastapi', 'starlette', 'backoffice.features', 'backoffice.web'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
