"""A book is planned as a whole: varied layouts, no repeated frame, no design twice,
reproducible from its seed, and built once per book."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from backoffice.art.procedural import FAMILIES, plan_book, plan_page
from backoffice.art.procedural.planner import BookPlan, book_plan
from backoffice.art.themes import load_themes

THEMES = load_themes(Path(__file__).resolve().parents[2] / "config" / "themes")
PATTERN_THEMES = ("mandalas", "geometric", "stained-glass", "patterns", "flowers")


def _key(design) -> tuple:
    return design.family, design.layout, frozenset(design.motifs)


@pytest.mark.parametrize(("theme", "audience"),
                         list(itertools.product(PATTERN_THEMES, ("adults", "children"))))
def test_a_24_design_book_is_varied_and_never_repeats_a_frame(theme, audience):
    weights = THEMES[theme].procedural.families
    designs = [p.design for p in plan_book(weights, audience, 2026, 24)]
    layouts = {(d.family, d.layout) for d in designs}
    assert len(layouts) >= 8, sorted(layouts)
    frames = [d.frame for d in designs if d.frame != "none"]
    assert len(frames) == len(set(frames)), Counter(frames).most_common(3)
    assert len({_key(d) for d in designs}) == 24
    assert all((a.family, a.layout) != (b.family, b.layout)
               for a, b in itertools.pairwise(designs))


@pytest.mark.parametrize("theme", PATTERN_THEMES)
def test_a_100_design_book_stays_varied(theme):
    weights = THEMES[theme].procedural.families
    designs = [p.design for p in plan_book(weights, "adults", 99, 100)]
    assert len({_key(d) for d in designs}) == 100
    layouts = Counter((d.family, d.layout) for d in designs)
    available = {(f, n) for f in weights for n, lay in FAMILIES[f].items()
                 if "adults" in lay.audiences}
    assert set(layouts) == available
    # Every family deals its layouts evenly: none twice as often as another of its own.
    for family in weights:
        mine = [n for (f, _), n in layouts.items() if f == family]
        assert max(mine) <= 2 * min(mine) + 1, (family, layouts)
    assert all((a.family, a.layout) != (b.family, b.layout)
               for a, b in itertools.pairwise(designs))
    # Frames come round again only once the book has used those its layouts accept.
    frames = Counter(d.frame for d in designs if d.frame != "none")
    assert frames.most_common(1)[0][1] <= 3


def test_plans_are_reproducible_prefix_stable_and_seeded():
    weights = THEMES["mandalas"].procedural.families
    first = [p.design for p in plan_book(weights, "adults", 5, 24)]
    # A fresh planner (not the cache) gives the same book.
    fresh = BookPlan(FAMILIES, weights, "adults", 5)
    assert [fresh.page(i).design for i in range(24)] == first
    # A longer book starts with the same pages; pages asked out of order agree.
    longer = BookPlan(FAMILIES, weights, "adults", 5)
    assert longer.page(99).index == 99
    assert [longer.page(i).design for i in range(24)] == first
    assert [p.seed for p in plan_book(weights, "adults", 5, 3)] == [
        fresh.page(i).seed for i in range(3)]
    other = [p.design for p in plan_book(weights, "adults", 6, 24)]
    assert other != first


def test_a_book_is_planned_once_not_once_per_page():
    weights = {"mandala": 3.0, "truchet": 1.0}
    plan = book_plan(FAMILIES, weights, "children", 31337)
    for index in range(80):
        plan_page(weights, "children", 31337, index)
    assert book_plan(FAMILIES, weights, "children", 31337) is plan
    assert len(plan.pages) == 80  # each page planned exactly once, in order


def test_weights_and_audiences_shape_the_plan():
    designs = [p.design for p in plan_book({"mandala": 1.0, "truchet": 1.0}, "toddlers", 3, 12)]
    assert {d.family for d in designs} == {"mandala", "truchet"}
    assert all("toddlers" in FAMILIES[d.family][d.layout].audiences for d in designs)
    # A family that has no layout for the audience is left out, not drawn wrongly.
    catalog = {"mandala": FAMILIES["mandala"], "quilts": {"quilt": FAMILIES["mandala"]["quilt"]}}
    plan = BookPlan(catalog, {"quilts": 5.0, "mandala": 1.0}, "toddlers", 1)
    assert {plan.page(i).design.family for i in range(6)} == {"mandala"}
