"""Prompts mean something offline: the library subjects they name, in French or
English; a prompt naming none is refused with what the generator can draw."""

from __future__ import annotations

import pytest

from backoffice.art.subjects import NothingDrawable, read_prompt, subjects_or_refuse
from backoffice.art.subjects.prompts import perched

DINOSAURS = ["tyrannosaurus", "sauropod", "fern", "egg", "volcano"]


@pytest.mark.parametrize(("prompt", "prefer", "expected"), [
    ("un stégosaure qui mange des feuilles", DINOSAURS, ("sauropod", "fern")),
    ("a cute stegosaurus eating leaves", DINOSAURS, ("sauropod", "fern")),
    ("a parrot on a treasure chest", [], ("parrot", "treasure_chest")),
    ("Un perroquet sur un coffre au trésor", [], ("parrot", "treasure_chest")),
    ("Un sapin de Noël et des cadeaux sous la neige", ["christmas_tree", "gift"],
     ("christmas_tree", "gift", "snowflake")),
    ("deux CHATS et un chien", [], ("cat", "dog")),
    ("a T-Rex near a VOLCANO", [], ("tyrannosaurus", "volcano")),
    ("des œufs de dinosaure", DINOSAURS, ("egg", "tyrannosaurus")),
])
def test_prompts_name_library_subjects(prompt, prefer, expected):
    assert read_prompt(prompt, prefer) == expected


def test_longest_name_wins_and_theme_breaks_ties():
    # "coffre au trésor" is one subject, not a chest and a treasure.
    assert read_prompt("un coffre au trésor") == ("treasure_chest",)
    # "sapin" names both the Christmas tree and the fir tree: the theme decides.
    assert read_prompt("un sapin", ["christmas_tree"]) == ("christmas_tree",)
    assert read_prompt("un sapin", ["evergreen"]) == ("evergreen",)


def test_nothing_drawable_is_refused_with_examples():
    with pytest.raises(NothingDrawable) as caught:
        subjects_or_refuse("a beautiful abstract composition in the style of Kandinsky")
    assert "AI provider" in str(caught.value)
    assert "tyrannosaurus" in str(caught.value)
    assert caught.value.examples


def test_perched_subjects():
    assert perched("a parrot on a treasure chest", ("parrot", "treasure_chest"))
    assert perched("un chat sur un tracteur", ("cat", "tractor"))
    assert not perched("a parrot and a treasure chest", ("parrot", "treasure_chest"))
