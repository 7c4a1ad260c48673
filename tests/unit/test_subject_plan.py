"""A book is planned as a whole: distinct main subjects, no page alike, reproducible."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from backoffice.art.subjects import SubjectSpec, plan_book
from backoffice.art.themes import load_themes

THEMES = {k: t for k, t in load_themes(Path(__file__).resolve().parents[2] / "config" /
                                       "themes").items() if t.subjects is not None}
AUDIENCES = ("toddlers", "children", "adults")


@pytest.mark.parametrize("theme_id", sorted(THEMES))
@pytest.mark.parametrize("audience", AUDIENCES)
def test_24_designs_no_subject_leads_more_than_twice_and_no_page_alike(theme_id, audience):
    spec = THEMES[theme_id].subjects
    plans = plan_book(spec, audience, 2026, 24)
    assert len(plans) == 24
    counts = Counter(p.main for p in plans)
    assert max(counts.values()) <= 2, counts
    assert len(counts) >= 12
    assert len({(p.main, p.layout) for p in plans}) == 24
    assert all(a.main != b.main for a, b in zip(plans, plans[1:], strict=False))
    assert set(counts) <= set(spec.main)


@pytest.mark.parametrize("theme_id", sorted(THEMES))
def test_every_scene_shows_a_hero(theme_id):
    spec = THEMES[theme_id].subjects
    for audience in ("children", "adults"):
        for plan in plan_book(spec, audience, 7, 24):
            shown = {plan.main, *plan.companions}
            assert shown & set(spec.heroes), (audience, plan)


def test_plans_are_reproducible_and_vary_with_the_seed():
    spec = THEMES["dinosaurs"].subjects
    assert plan_book(spec, "children", 11, 24) == plan_book(spec, "children", 11, 24)
    assert plan_book(spec, "children", 11, 24) != plan_book(spec, "children", 12, 24)
    # A page keeps its plan whatever the book's length beyond it.
    assert plan_book(spec, "children", 11, 24)[:5] != [] and \
        plan_book(spec, "toddlers", 11, 24)[0].main in spec.main


def test_small_theme_repeats_only_when_it_must():
    spec = SubjectSpec(main=["cat", "dog", "cow"])
    plans = plan_book(spec, "children", 1, 9)
    assert Counter(p.main for p in plans) == {"cat": 3, "dog": 3, "cow": 3}
    # Three subjects, three layouts: still no two pages alike.
    assert len({(p.main, p.layout) for p in plans}) == 9
