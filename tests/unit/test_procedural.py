"""Every family x audience x trim passes its own gate; output is seeded and reproducible."""

from __future__ import annotations

import io
import itertools
import os

import pytest

from backoffice.art.procedural import (
    FAMILIES,
    pick_family,
    render_back_cover_art,
    render_coloring_page,
    render_cover_art,
)
from backoffice.art.quality import evaluate_page
from backoffice.providers import ImageRequest, create_provider

AUDIENCES = ("toddlers", "children", "adults")
# Safe areas (trim minus margins) of three trims, at print resolution.
TRIMS = {"8.5x11": (7.375, 10.25), "8.5x8.5": (7.375, 7.75), "6x9": (4.875, 8.25)}
DPI = 300
SEEDS = range(int(os.environ.get("PROCEDURAL_SEEDS", "3")))


@pytest.mark.parametrize(("family", "audience", "trim"),
                         list(itertools.product(FAMILIES, AUDIENCES, TRIMS)))
def test_every_family_passes_its_gate(family, audience, trim):
    w_in, h_in = TRIMS[trim]
    for seed in SEEDS:
        image = render_coloring_page(family, audience, seed, int(w_in * DPI), int(h_in * DPI),
                                     DPI)
        assert image.mode == "1"
        assert image.size == (int(w_in * DPI), int(h_in * DPI))
        report = evaluate_page(image, dpi=DPI, audience=audience)
        assert report.passed, (family, audience, trim, seed, report.failures)


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
        ink = ~__import__("numpy").asarray(image, dtype=bool)
        assert not ink[:3].any() and not ink[-3:].any()
        assert not ink[:, :3].any() and not ink[:, -3:].any()


def test_pick_family_is_seeded_weighted_and_never_repeats():
    weights = {"mandala": 5.0, "truchet": 1.0, "flowers": 1.0}
    picks = [pick_family(weights, 42, i) for i in range(60)]
    assert picks == [pick_family(weights, 42, i) for i in range(60)]
    assert all(a != b for a, b in itertools.pairwise(picks))
    assert set(picks) <= set(weights)
    assert picks.count("mandala") > picks.count("truchet")
    assert {pick_family({"mandala": 1.0}, 1, i) for i in range(5)} == {"mandala"}
    # Unknown or empty weights fall back to every family rather than failing.
    assert pick_family({}, 1, 0) in FAMILIES


def test_procedural_cover_art_is_a_coloured_design():
    import numpy as np

    palette = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"]
    width, height, dpi = int(8.625 * 100), int(11.25 * 100), 100
    front = render_cover_art(palette, {"mandala": 1.0}, 5, width, height, dpi)
    back = render_back_cover_art(palette, {"mandala": 1.0}, 5, width, height, dpi)
    assert front.mode == back.mode == "RGB"
    assert front.size == back.size == (width, height)
    assert len(np.unique(np.asarray(front).reshape(-1, 3), axis=0)) > 4


def test_provider_returns_png_with_family_and_description():
    from PIL import Image

    provider = create_provider("procedural", model="engine-v1", options={})
    request = ImageRequest(kind="coloring_page", theme_id="t", audience="children", seed=9,
                           width_px=500, height_px=650, dpi=100, page_index=2,
                           families={"truchet": 1.0, "mandala": 1.0})
    result = provider.generate(request)
    assert result.meta["family"] == pick_family(request.families, 9, 2)
    assert result.prompt.startswith(result.meta["family"].split("_")[0][:4])
    image = Image.open(io.BytesIO(result.data))
    assert image.mode == "1" and image.size == (500, 650)
    assert provider.generate(request).data == result.data
    for kind in ("cover", "back_cover"):
        cover = provider.generate(ImageRequest(kind=kind, theme_id="t", audience="adults",
                                               seed=9, width_px=400, height_px=520, dpi=100,
                                               palette=("#112233", "#88aacc", "#ffeedd")))
        assert Image.open(io.BytesIO(cover.data)).mode == "RGB"
