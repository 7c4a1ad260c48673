"""A book planned as a whole: which subject leads each page, in which layout, with whom.

Reproducible from the book's seed alone, so that a page redrawn alone (a regeneration,
a gate retry) keeps its place in the plan. No subject leads more than twice while the
theme has subjects enough, and no two pages share their subject and their layout."""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass

from backoffice.art.subjects.catalogue import SubjectSpec

LAYOUTS = {
    "toddlers": ("big", "named", "badge"),
    "children": ("left", "center", "right"),
    "adults": ("pattern", "mandala"),
}
# A main subject that is not one of the theme's heroes gets a little hero beside it.
TODDLER_FRIEND_LAYOUT = "duo"


@dataclass(frozen=True)
class PagePlan:
    main: str
    layout: str
    companions: tuple[str, ...] = ()
    decor: tuple[str, ...] = ()


def stable_seed(*parts: object) -> int:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _mains(spec: SubjectSpec, designs: int, rng: random.Random) -> list[str]:
    """Each subject once (shuffled), then heroes first for the second round, and so on;
    never the same subject on two pages in a row."""
    heroes = [n for n in spec.heroes if n in spec.main]
    order: list[str] = []
    while len(order) < designs:
        first = list(spec.main)
        rng.shuffle(first)
        if order:
            again_heroes = [n for n in first if n in heroes]
            others = [n for n in first if n not in heroes]
            first = again_heroes + others
        order.extend(first)
    order = order[:designs]
    for i in range(1, len(order)):
        if order[i] == order[i - 1]:
            for j in range(i + 1, len(order)):
                if order[j] != order[i] and (j + 1 >= len(order) or order[j + 1] != order[i]):
                    order[i], order[j] = order[j], order[i]
                    break
    return order


def plan_book(spec: SubjectSpec, audience: str, book_seed: int, designs: int) -> list[PagePlan]:
    rng = random.Random(stable_seed("plan", audience, book_seed))
    layouts = LAYOUTS[audience]
    heroes = [n for n in spec.heroes if n in spec.main] or []
    mains = _mains(spec, max(1, designs), rng)
    used: dict[str, list[str]] = {}
    plans: list[PagePlan] = []
    rotation = rng.randrange(len(layouts))
    for index, main in enumerate(mains):
        taken = used.setdefault(main, [])
        options = list(layouts)
        if audience == "toddlers" and heroes and main not in heroes:
            options = [TODDLER_FRIEND_LAYOUT, *options]
        # Spread the layouts over the book, and never repeat one for the same subject.
        preferred = options[(index + rotation) % len(options):] + \
            options[:(index + rotation) % len(options)]
        if audience == "toddlers" and TODDLER_FRIEND_LAYOUT in options:
            # Pages led by another subject often show a little hero beside it: the more
            # so as heroes are few among the theme's subjects (two dinosaurs among
            # fourteen subjects: most pages; nine farm animals among 25: fewer).
            preferred = [o for o in preferred if o != TODDLER_FRIEND_LAYOUT]
            share = min(0.8, max(0.3, 1 - len(heroes) / max(1, len(spec.main))))
            if not taken and rng.random() < share:
                preferred.insert(0, TODDLER_FRIEND_LAYOUT)
        fresh = [o for o in preferred if o not in taken] or preferred
        layout = fresh[0]
        taken.append(layout)
        plans.append(PagePlan(main, layout, *_cast(spec, audience, main, layout, rng)))
    return plans


def _cast(spec: SubjectSpec, audience: str, main: str, layout: str, rng: random.Random
          ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    heroes = [n for n in spec.heroes if n != main]
    others = [n for n in spec.main if n != main]
    if audience == "toddlers":
        if layout == TODDLER_FRIEND_LAYOUT and heroes:
            return (rng.choice(heroes),), ()
        return (), ()
    if audience == "adults":
        pool = heroes or others
        count = min(len(pool), 2)
        return tuple(rng.sample(pool, count)) if count else (main,), ()
    count = rng.randint(2, 4)
    chosen: list[str] = []
    if main not in spec.heroes and heroes:
        chosen.append(rng.choice(heroes))
    rest = [n for n in others if n not in chosen]
    chosen += rng.sample(rest, min(len(rest), count - len(chosen)))
    decor = [n for n in spec.decor if n != main and n not in chosen]
    picked = tuple(rng.sample(decor, min(len(decor), rng.randint(1, 2))))
    return tuple(chosen), picked


def distinct_mains(plans: list[PagePlan]) -> int:
    return len({p.main for p in plans})


def repeats_allowed(spec: SubjectSpec, designs: int) -> int:
    """How often a subject may lead in a book of `designs` pages of this theme."""
    return max(2, math.ceil(designs / max(1, len(spec.main))))
