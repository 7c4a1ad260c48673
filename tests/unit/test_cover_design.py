"""Designed covers: every template fits every trim with no text on art, the back is drawn
from the front, Unicode is printed or refused by name."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image, ImageDraw
from pydantic import ValidationError

from backoffice.art.cover import compose_back, compose_front, pick_pages, with_text
from backoffice.kdp import fonts, specs
from backoffice.kdp.cover_design import (
    TEMPLATES,
    CoverDesign,
    back_layout,
    front_layout,
    layout_from_record,
)
from backoffice.kdp.cover_geometry import ArtSlot, Box, layout_problems
from backoffice.kdp.cover_palette import luminance, rgb, roles
from backoffice.kdp.cover_text import TextLine

PALETTE = ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51")
LONG_TITLE = ("Le très grand livre de coloriage des dinosaures, des volcans fumants et des "
              "fougères géantes de la préhistoire, pour les petits et les grands explorateurs "
              "du monde d’avant, avec des œufs")[:200]


def design(template: str, audience: str = "children", **fields) -> CoverDesign:
    values = {"title": "Mandalas magiques", "subtitle": "", "author": "Jeanne Dupont",
              "designs": 50, "blurb": "Cinquante dessins à colorier. " * 6, **fields}
    return CoverDesign(template=template, audience=audience, language="fr", palette=PALETTE,
                       seed=3, **values)


@pytest.mark.parametrize(("template", "trim"), list(itertools.product(TEMPLATES, specs.TRIMS)))
def test_every_template_fits_every_trim_without_text_on_art(template, trim):
    for audience, title in itertools.product(("toddlers", "children", "adults"),
                                             ("Zen", "Licornes et arcs-en-ciel", LONG_TITLE)):
        d = design(template, audience, title=title,
                   subtitle="Cinquante motifs apaisants pour se détendre le soir",
                   author="Jeanne-Marie Dupont de la Fontaine")
        for layout in (front_layout(d, trim), back_layout(d, trim)):
            assert layout_problems(layout) == [], (template, trim, audience, title,
                                                   layout.side)
            texts = " ".join(line.text for line in layout.lines)
            # Nothing is cut: every word of the title is printed.
            assert all(word in texts for word in title.split()), (template, trim, audience)


def test_front_has_title_tagline_badge_and_author_in_hierarchy():
    layout = front_layout(design("hero"), "8.5x11")
    by_text = {line.text: line for line in layout.lines}
    title = next(line for line in layout.lines if line.text.startswith("Mandalas"))
    tagline = by_text["LIVRE DE COLORIAGE POUR ENFANTS"]
    assert by_text["50"] and by_text["DESSINS"] and by_text["Jeanne Dupont"]
    assert title.size_pt > 2 * tagline.size_pt > 2 * by_text["Jeanne Dupont"].size_pt / 1.3
    # Legible at Amazon's 160-px thumbnail: the title's capitals are at least 6 px tall.
    px_per_in = 160 / layout.width_in
    assert fonts.cap_height_in(title.font, title.size_pt) * px_per_in >= 6
    assert {p.shape for p in layout.plates} >= {"ribbon", "circle"}
    english = front_layout(design("hero", "adults") and CoverDesign(
        template="fan", audience="adults", language="en", palette=PALETTE, title="Zen",
        designs=1), "8x10")
    assert {"COLORING BOOK FOR ADULTS", "DESIGN"} <= {line.text for line in english.lines}


def test_layout_problems_sees_text_on_art_and_outside_the_safe_area():
    layout = front_layout(design("hero"), "8.5x11")
    card = next(s for s in layout.slots if s.style == "card")
    over = TextLine("Oops", "poppins", 20, card.box.cx, card.box.cy, 1.0)
    outside = TextLine("Edge", "poppins", 20, 0.05, 1.0, 0.6)
    layout.lines += [over, outside]
    problems = " ".join(layout_problems(layout))
    assert "'Oops' overlaps page" in problems and "'Edge' crosses the safe line" in problems
    layout.slots.append(ArtSlot(Box(0.1, 3, 3, 6), 0.0, 0, "card"))
    assert "page 0 crosses the safe line" in " ".join(layout_problems(layout))


@pytest.mark.parametrize("template", TEMPLATES)
def test_back_is_drawn_from_the_front(template):
    d = design(template, "adults")
    front, back = front_layout(d, "8.5x11"), back_layout(d, "8.5x11")
    assert back.background == front.background
    assert back.frame_in == front.frame_in
    assert back.pattern == (front.pattern if template != "grid" else "dots")
    thumbs = [s for s in back.slots if s.style == "thumb"]
    assert 3 <= len(thumbs) <= 4
    barcode = back.barcode
    assert barcode is not None
    assert all(not s.bounds().intersects(barcode) for s in back.slots)
    # No blurb, no panel: the samples take the room.
    bare = back_layout(CoverDesign(**{**d.__dict__, "blurb": ""}), "8.5x11")
    assert [p for p in bare.plates if p.shape == "round"] == []
    assert max(s.box.h for s in bare.slots) > max(s.box.h for s in thumbs)


def _pages(count: int) -> list[Image.Image]:
    pages = []
    for index in range(count):
        page = Image.new("1", (300, 400), 1)
        draw = ImageDraw.Draw(page)
        draw.rectangle([20, 20, 280, 380], outline=0, width=4)
        draw.ellipse([60 + index * 5, 80, 240, 260], outline=0, width=4)
        draw.line([20, 300, 280, 300], fill=0, width=4)
        pages.append(page)
    return pages


@pytest.mark.parametrize("template", TEMPLATES)
def test_composed_panels_match_and_keep_the_barcode_white(template):
    d = design(template)
    dpi = 40
    front, front_layout_ = compose_front(d, "8.5x11", _pages(5), dpi=dpi)
    back, back_layout_ = compose_back(d, "8.5x11", _pages(4), dpi=dpi)
    assert front.size == back.size == (round(8.625 * dpi), round(11.25 * dpi))
    pixels = np.asarray(back)
    b = back_layout_.barcode
    assert (pixels[round(b.y0 * dpi) + 1:round(b.y1 * dpi) - 1,
                   round(b.x0 * dpi) + 1:round(b.x1 * dpi) - 1] == 255).all()
    # Same ground (or frame) on both sides: the colours that cover the most of the back
    # also cover much of the front.
    def commonest(image: Image.Image, count: int) -> set[tuple[int, ...]]:
        colours, counts = np.unique(np.asarray(image).reshape(-1, 3), axis=0,
                                    return_counts=True)
        return {tuple(int(v) for v in c) for c in colours[np.argsort(-counts)[:count]]}

    assert rgb(back_layout_.background) in commonest(back, 2)
    assert commonest(back, 2) & commonest(front, 6)
    assert np.asarray(front).reshape(-1, 3).std(axis=0).sum() > 20  # coloured art
    assert with_text(front, front_layout_, dpi).tobytes() != front.tobytes()


def test_pages_are_coloured_from_the_palette_with_shading():
    from backoffice.art.cover.colorize import colour_page

    colours = roles(PALETTE, "children")
    art = colour_page(_pages(1)[0], (300, 400), colours.fills, ink=colours.ink,
                      ground="#ffffff", seed=1)
    inside = art[170, 150].astype(int)  # the middle of the ellipse
    assert not (inside == 255).all()
    nearest = min(colours.fills, key=lambda c: np.abs(np.array(rgb(c)) - inside).sum())
    assert np.abs(np.array(rgb(nearest)) - inside).max() < 60
    line = art[20, 150]  # on the frame's outline
    assert luminance("#" + "".join(f"{int(v):02x}" for v in line)) < 0.1
    assert len({tuple(p) for p in art[100:240:10, 80:220:10].reshape(-1, 3)}) > 3


def test_stored_record_gives_back_the_same_layout():
    d = design("fan")
    layout = front_layout(d, "8x10", 0.75)
    record = {"design": d.meta(), "page_aspect": 0.75, "pages": 5}
    again = layout_from_record("front", record, "8x10", title=d.title, subtitle=d.subtitle,
                               author=d.author, designs=d.designs, blurb=d.blurb)
    assert again is not None and again.lines == layout.lines
    assert layout_from_record("front", {"kind": "colour"}, "8x10", title="x") is None


def test_pick_pages_spreads_through_the_book():
    assert pick_pages(50, 5) == [0, 12, 24, 37, 49]
    assert pick_pages(2, 5) == [0, 1]
    assert pick_pages(10, 1) == [0]
    assert pick_pages(0, 3) == []


def test_unicode_is_printed_or_refused_by_name():
    assert fonts.unsupported_characters("Ça c’est l’été — «Noël» œuf ★ ♥ Ελλάδα Кошка") == []
    refused = fonts.unsupported_characters("Licornes 🦄 et 猫 שלום مرحبا 🦄")
    assert refused[:3] == ["🦄", "猫", "ש"] and "م" in refused and refused.count("🦄") == 1
    message = fonts.describe_characters(["🦄"])
    assert message == "🦄 (U+1F984 UNICORN FACE)"
    # e + combining acute is é once normalised; a presentation selector is not a character.
    assert fonts.normalise("e\u0301\u2764\ufe0f") == "é\u2764"
    assert fonts.face_for("Mandalas", "lilita") == "lilita"
    assert fonts.face_for("Żółw", "lilita") == "dejavu-bold"
    assert fonts.face_for("Кошка", "poppins") == "dejavu"


def test_the_form_model_refuses_unprintable_titles_naming_them():
    from backoffice.features.creation.schemas import EbookCreate

    with pytest.raises(ValidationError) as caught:
        EbookCreate(title="Licornes 🦄", author="Léa 猫", theme="unicorns")
    errors = {e["loc"][0]: e["msg"] for e in caught.value.errors()}
    assert "U+1F984 UNICORN FACE" in errors["title"] and "猫" in errors["author"]
    ok = EbookCreate(title="Noe\u0308l ★", author="Ελένη", theme="christmas",
                     cover_template="framed")
    assert ok.title == "Noël ★" and ok.cover_template == "framed"
    with pytest.raises(ValidationError):
        EbookCreate(title="x", author="y", theme="z", cover_template="collage")
