"""Where every page of an interior goes: the book furniture buyers expect (a "this book
belongs to" page, how to use the book, a colour-test page, a thank-you at the end), the
title and copyright pages, the designs and their blank backs.

One plan serves the page count (hence the gutter, the spine and KDP's page limits,
through pixels.interior_pages and specs.check_designs) and the interior PDF itself, so
they cannot disagree. Furniture pages are rectos with a blank back, as in single-sided
coloring books: the colour test is meant for markers, which bleed through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

FurnitureKey = Literal["belongs_to", "how_to_use", "color_test", "thank_you"]
FURNITURE: tuple[FurnitureKey, ...] = ("belongs_to", "how_to_use", "color_test", "thank_you")
# Before the designs, in this order; the thank-you page closes the book.
_BEFORE_TITLE = ("belongs_to",)
_AFTER_TITLE = ("how_to_use", "color_test")
TITLE_PAGES = 2  # title page, copyright page on its back

SlotKind = Literal["belongs_to", "how_to_use", "color_test", "thank_you", "title",
                   "copyright", "design", "blank"]


@dataclass(frozen=True)
class Slot:
    kind: SlotKind
    # The design's index (0-based) for "design" slots.
    design: int = -1


def normalise(furniture: Iterable[str]) -> tuple[str, ...]:
    """The chosen furniture in book order; unknown keys raise ValueError."""
    wanted = set(furniture)
    unknown = wanted - set(FURNITURE)
    if unknown:
        raise ValueError(f"unknown furniture {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(FURNITURE)}")
    return tuple(key for key in FURNITURE if key in wanted)


def plan(designs: int, *, single_sided: bool = True, front_matter: bool = True,
         furniture: Iterable[str] = ()) -> list[Slot]:
    chosen = normalise(furniture)
    slots: list[Slot] = []
    for key in _BEFORE_TITLE:
        if key in chosen:
            slots += [Slot(key), Slot("blank")]  # type: ignore[arg-type]
    if front_matter:
        slots += [Slot("title"), Slot("copyright")]
    for key in _AFTER_TITLE:
        if key in chosen:
            slots += [Slot(key), Slot("blank")]  # type: ignore[arg-type]
    for index in range(designs):
        slots.append(Slot("design", index))
        if single_sided:
            slots.append(Slot("blank"))
    if "thank_you" in chosen:
        slots.append(Slot("thank_you"))
        if single_sided:
            slots.append(Slot("blank"))
    if len(slots) % 2:
        slots.append(Slot("blank"))  # KDP prints an even number of pages
    return slots


def extra_pages(*, single_sided: bool = True, front_matter: bool = True,
                furniture: Iterable[str] = ()) -> int:
    """Pages that are not designs or their backs: what specs.interior_page_count adds
    to the designs (before rounding up to an even count)."""
    chosen = normalise(furniture)
    count = TITLE_PAGES if front_matter else 0
    count += 2 * sum(key in chosen for key in (*_BEFORE_TITLE, *_AFTER_TITLE))
    if "thank_you" in chosen:
        count += 2 if single_sided else 1
    return count
