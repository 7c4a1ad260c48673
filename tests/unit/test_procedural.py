"""Every family, layout and audience passes its own gate; output is seeded and reproducible;
covers and the provider work with the book planner."""

from __future__ import annotations

import io
import itertools
import os

import numpy as np
import pytest

from backoffice.art.procedural import (
    FAMILIES,
    Design,
    default_design,
    pick_family,
    plan_page,
    render_back_cover_art,
    render_coloring_page,
    render_cover_art,
)
from backoffice.art.procedural.design import TARGETS
from backoffice.art.procedural.planner import book_plan
from backoffice.art.quality import evaluate_page
from backoffice.providers import ImageRequest, create_provider

AUDIENCES = ("toddlers", "children", "adults")
# Safe areas (trim minus margins) of three trims, at print resolution.
TRIMS = {"8.5x11": (7.375, 10.25), "8.5x8.5": (7.375, 7.75), "6x9": (4.875, 8.25)}
DPI = 300
SEEDS = range(int(os.environ.get("PROCEDURAL_SEEDS", "2")))


def _design(family: str, layout: str, audience: str, seed: int) -> Design:
    """A planned design with this layout: the first such page of a one-family book."""
    plan = book_plan(FAMILIES, {family: 1.0}, audience, 7000 + seed)
    return next(plan.page(i).design for i in range(60) if plan.page(i).design.layout == layout)


LAYOUT_CASES = [(family, layout, audience) for family, layouts in FAMILIES.items()
                for layout, spec in layouts.items() for audience in spec.audiences]


@pytest.mark.parametrize(("family", "layout", "audience"), LAYOUT_CASES)
def test_every_layout_passes_its_gate_within_its_region_target(family, layout, audience):
    w, h = TRIMS["8.5x11"]
    low, high = TARGETS[audience]
    for seed in SEEDS:
        design = _design(family, layout, audience, seed)
        image = render_coloring_page(family, audience, seed, int(w * DPI), int(h * DPI), DPI,
                                     design)
        assert image.mode == "1" and image.size == (int(w * DPI), int(h * DPI))
        report = evaluate_page(image, dpi=DPI, audience=audience)
        assert report.passed, (design, seed, report.failures)
        regions = report.metrics["regions"]["count"]
        if audience == "adults":
            # Intricate: the 300+ regions of hand-drawn adult books (a page of plain
            # Truchet meanders is the sparsest, at about 200), none a crumb.
            assert regions >= (180 if (family, layout) == ("truchet", "classic") else 280), (
                design, seed, regions)
            assert report.metrics["regions"]["small"] <= 0.03 * regions, (design, seed)


@pytest.mark.parametrize(("family", "audience", "trim"),
                         list(itertools.product(FAMILIES, AUDIENCES, ("8.5x8.5", "6x9"))))
def test_every_family_passes_its_gate_on_other_trims(family, audience, trim):
    w_in, h_in = TRIMS[trim]
    image = render_coloring_page(family, audience, 3, int(w_in * DPI), int(h_in * DPI), DPI)
    report = evaluate_page(image, dpi=DPI, audience=audience)
    assert report.passed, (family, audience, trim, default_design(family, audience, 3),
                           report.failures)


def test_families_are_the_contracted_six():
    assert set(FAMILIES) == {"mandala", "islamic_star", "truchet", "stained_glass",
                             "flower_of_life", "flowers"}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_same_seed_same_bytes_other_seed_other_page(family):
    a = render_coloring_page(family, "children", 11, 600, 800, 100).tobytes()
    b = render_coloring_page(family, "children", 11, 600, 800, 100).tobytes()
    c = render_coloring_page(family, "children", 12, 600, 800, 100).tobytes()
    assert a == b
    assert a != c


def test_nothing_touches_the_art_edge():
    for family in FAMILIES:
        image = render_coloring_page(family, "adults", 3, 700, 900, 100)
        ink = ~np.asarray(image, dtype=bool)
        assert not ink[:3].any() and not ink[-3:].any()
        assert not ink[:, :3].any() and not ink[:, -3:].any()


def test_a_design_from_another_family_or_audience_is_refused():
    design = default_design("mandala", "adults", 1)
    with pytest.raises(ValueError, match="not a truchet layout"):
        render_coloring_page("truchet", "adults", 1, 300, 400, 100, design)
    quilt = Design("mandala", "quilt", "line/plain", ("petals",))
    with pytest.raises(ValueError, match="for toddlers"):
        render_coloring_page("mandala", "toddlers", 1, 300, 400, 100, quilt)
    with pytest.raises(ValueError, match="unknown family"):
        render_coloring_page("cubism", "adults", 1, 300, 400, 100)


def test_pick_family_follows_the_plan_and_its_weights():
    weights = {"mandala": 5.0, "truchet": 1.0, "flowers": 1.0}
    picks = [pick_family(weights, 42, i) for i in range(70)]
    assert picks == [pick_family(weights, 42, i) for i in range(70)]
    assert set(picks) == set(weights)
    # Smooth weighted round-robin: each family's share is its weight's, within one page.
    assert abs(picks.count("mandala") - 50) <= 1 and abs(picks.count("truchet") - 10) <= 1
    assert {pick_family({"mandala": 1.0}, 1, i) for i in range(5)} == {"mandala"}
    # Unknown or empty weights fall back to every family rather than failing.
    assert pick_family({}, 1, 0) in FAMILIES
    assert pick_family({"cubism": 2.0}, 1, 0) in FAMILIES


def test_procedural_cover_art_is_a_coloured_design():
    import numpy as np

    palette = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"]
    width, height, dpi = int(8.625 * 100), int(11.25 * 100), 100
    front = render_cover_art(palette, {"mandala": 1.0}, 5, width, height, dpi)
    back = render_back_cover_art(palette, {"mandala": 1.0}, 5, width, height, dpi)
    assert front.mode == back.mode == "RGB"
    assert front.size == back.size == (width, height)
    assert len(np.unique(np.asarray(front).reshape(-1, 3), axis=0)) > 4


def test_provider_draws_the_planned_design_and_redraws_keep_it():
    from PIL import Image

    provider = create_provider("procedural", model="engine-v1", options={})
    families = {"truchet": 1.0, "mandala": 1.0}
    request = ImageRequest(kind="coloring_page", theme_id="t", audience="children", seed=9,
                           width_px=740, height_px=1025, dpi=100, page_index=2,
                           families=families, book_seed=77)
    result = provider.generate(request)
    planned = plan_page(families, "children", 77, 2).design
    assert (result.meta["family"], result.meta["layout"], result.meta["frame"]) == (
        planned.family, planned.layout, planned.frame)
    assert result.meta["motifs"] == list(planned.motifs)
    image = Image.open(io.BytesIO(result.data))
    assert image.mode == "1" and image.size == (740, 1025)
    assert provider.generate(request).data == result.data
    # A redraw (the gate's next seed) keeps the book's plan for the page, drawn anew.
    adults = ImageRequest(**{**request.__dict__, "audience": "adults"})
    first = provider.generate(adults)
    again = provider.generate(ImageRequest(**{**adults.__dict__, "seed": 10}))
    assert again.meta == first.meta and again.data != first.data
    for kind in ("cover", "back_cover"):
        cover = provider.generate(ImageRequest(kind=kind, theme_id="t", audience="adults",
                                               seed=9, width_px=400, height_px=520, dpi=100,
                                               palette=("#112233", "#88aacc", "#ffeedd")))
        assert Image.open(io.BytesIO(cover.data)).mode == "RGB"
