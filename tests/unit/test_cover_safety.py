"""The preflight's cover.safe_zone rule: text and art inside the safe lines pass; text, a
card or a plate cut by a safe line fail, naming the edge; a border motif in the margin
that runs off the edge passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from backoffice.kdp import specs
from backoffice.kdp.cover_pdf import CoverText, build_cover_pdf
from backoffice.kdp.cover_safety import art_across_safe, text_outside_safe
from backoffice.kdp.cover_text import TextLine
from backoffice.kdp.preflight import PreflightReport, _check_safe_zone

TRIM, PAGES = "6x9", 100
DPI = 300


def _panel(draw_on=None) -> Image.Image:
    t = specs.trim(TRIM)
    image = Image.new("RGB", (round((t.width + 0.125) * DPI), round(9.25 * DPI)), (40, 90, 150))
    if draw_on:
        draw_on(ImageDraw.Draw(image))
    return image


def _cover(tmp: Path, *, front=None, back=None, lines=None) -> Path:
    (tmp / "front.png").parent.mkdir(parents=True, exist_ok=True)
    _panel(front).save(tmp / "front.png")
    _panel(back).save(tmp / "back.png")
    out = tmp / "cover.pdf"
    build_cover_pdf(tmp / "front.png", tmp / "back.png", out, trim=TRIM, paper="white",
                    interior_pages=PAGES, title="Zen", subtitle="", author="A",
                    spine_color="#284f96", text=CoverText(front=lines or [], back=[]))
    return out


def _inch(v: float) -> int:
    return round(v * DPI)


def _report(path: Path) -> PreflightReport:
    report = PreflightReport(trim=TRIM, paper="white", interior_pages=PAGES)
    _check_safe_zone(report, path, specs.cover_layout(TRIM, PAGES, "white"))
    return report


def test_text_and_art_inside_the_safe_lines_pass(tmp_path):
    def card(draw):
        draw.rectangle([_inch(1), _inch(2), _inch(5), _inch(7)], fill=(250, 240, 200))

    line = TextLine("Zen", "lilita", 40, 2.0, 1.5, 1.0, fill="#ffffff")
    path = _cover(tmp_path, front=card, lines=[line])
    report = _report(path)
    assert report.rule("cover.safe_zone").passed, report.rule("cover.safe_zone").message


def test_a_border_motif_that_runs_off_the_edge_passes(tmp_path):
    def border(draw):
        w, h = _inch(6.125), _inch(9.25)
        draw.rectangle([0, 0, w, _inch(0.7)], fill=(120, 40, 110))
        for x in range(0, w, _inch(0.36)):
            draw.ellipse([x, _inch(0.3), x + _inch(0.2), _inch(0.5)], fill=(250, 220, 90))
        _ = h

    assert _report(_cover(tmp_path, front=border)).rule("cover.safe_zone").passed


@pytest.mark.parametrize(("where", "edge"), [
    # A card reaching 0.2" from the top trim (0.125" of bleed above it).
    ((_inch(1.5), _inch(0.125 + 0.2), _inch(4.5), _inch(4)), "front top"),
    # A plate reaching 0.15" from the outside trim of the front.
    ((_inch(3), _inch(3), _inch(6 - 0.15), _inch(6)), "front outside"),
])
def test_art_cut_by_a_safe_line_fails_naming_the_edge(tmp_path, where, edge):
    def card(draw):
        draw.rectangle(where, fill=(250, 240, 200))

    path = _cover(tmp_path, front=card)
    assert edge in art_across_safe(path, specs.cover_layout(TRIM, PAGES, "white"))
    rule = _report(path).rule("cover.safe_zone")
    assert not rule.passed and edge in rule.message and '0.375"' in rule.message


def test_text_past_the_safe_line_fails(tmp_path):
    line = TextLine("Oops", "poppins", 30, 0.15, 2.0, 1.2, fill="#ffffff")
    path = _cover(tmp_path, lines=[line])
    found = text_outside_safe(path, specs.cover_layout(TRIM, PAGES, "white"))
    assert found[:1] == ['front: "O"']
    rule = _report(path).rule("cover.safe_zone")
    assert not rule.passed and "text past the safe line" in rule.message


@pytest.mark.parametrize(("template", "audience"), [("hero", "adults"), ("framed", "children")])
def test_designed_covers_pass_the_rule(tmp_path, template, audience):
    from backoffice.art.cover import compose_back, compose_front
    from backoffice.art.procedural import render_coloring_page
    from backoffice.kdp import pixels
    from backoffice.kdp.cover_design import CoverDesign

    width, height = pixels.art_size_px(TRIM, PAGES, 150)
    pages = [render_coloring_page(family, audience, 1, width, height, 150)
             for family in ("mandala", "flowers", "truchet", "mandala", "flowers")]
    design = CoverDesign(template=template, audience=audience, language="fr",
                         palette=("#5b2a86", "#f4a259", "#8cb369", "#f4e285", "#bc4b51"),
                         title="Magic Mandalas for Everyone", author="Jane Doe", designs=60,
                         blurb="Soixante dessins. " * 8, seed=2)
    front, front_layout = compose_front(design, TRIM, pages)
    back, back_layout = compose_back(design, TRIM, pages[1:])
    front.save(tmp_path / "front.png")
    back.save(tmp_path / "back.png")
    out = tmp_path / "cover.pdf"
    build_cover_pdf(tmp_path / "front.png", tmp_path / "back.png", out, trim=TRIM,
                    paper="white", interior_pages=PAGES, title=design.title, subtitle="",
                    author=design.author, spine_color=back_layout.background,
                    text=CoverText(front=front_layout.lines, back=back_layout.lines))
    rule = _report(out).rule("cover.safe_zone")
    assert rule.passed, rule.message
