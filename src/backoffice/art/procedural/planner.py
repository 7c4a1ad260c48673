"""A book planned as a whole: which family, layout, frame and motif set each design gets.

The plan is sequential and seeded by the book: design i depends only on designs before it,
so a book's first pages are the same whatever its length, and the whole plan costs O(n)
once per book (cached), not O(i) per page. Rules:
- families follow the theme's weights by smooth weighted round-robin (seeded start);
- each family deals its layouts from a shuffled deck, reshuffled when empty, never the
  same layout twice in a row;
- frames come from one shuffled deck per book: a design takes the first unused frame its
  layout accepts, so a book repeats a frame only once its layouts' frames are spent;
- a motif set is drawn from the layout's vocabulary until the layout and set differ from
  every earlier design's.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import OrderedDict
from dataclasses import dataclass

from backoffice.art.procedural.design import Design, Layout
from backoffice.art.procedural.frames import frame_names
from backoffice.art.procedural.geometry import STYLES


def stable_int(*parts: object) -> int:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(frozen=True)
class PagePlan:
    index: int
    design: Design
    seed: int


class BookPlan:
    def __init__(self, catalog: dict[str, dict[str, Layout]], weights: dict[str, float],
                 audience: str, book_seed: int) -> None:
        self.audience = audience
        self.book_seed = book_seed
        usable = {f: w for f, w in weights.items() if f in catalog and w > 0 and any(
            audience in lay.pools for lay in catalog[f].values())}
        if not usable:
            usable = {f: 1.0 for f in catalog if any(audience in lay.pools
                                                     for lay in catalog[f].values())}
        self.weights = dict(sorted(usable.items()))
        self.layouts = {f: {n: lay for n, lay in catalog[f].items() if audience in lay.pools}
                        for f in self.weights}
        rng = random.Random(stable_int("plan", book_seed))
        total = sum(self.weights.values())
        self._credit = {f: rng.uniform(0, total) for f in self.weights}
        self._decks: dict[str, list[str]] = {f: [] for f in self.weights}
        self._frames = list(frame_names(STYLES[audience])) + ["none"]
        rng.shuffle(self._frames)
        self._frame_uses: dict[str, int] = {}
        self._keys: set[str] = set()
        self._used_sets: dict[str, int] = {}
        self._last_layout: str | None = None
        self.pages: list[PagePlan] = []
        self._lock = threading.Lock()

    def page(self, index: int) -> PagePlan:
        with self._lock:
            while len(self.pages) <= index:
                self.pages.append(self._next(len(self.pages)))
            return self.pages[index]

    def _next(self, index: int) -> PagePlan:
        rng = random.Random(stable_int("design", self.book_seed, index))
        total = sum(self.weights.values())
        for family, weight in self.weights.items():
            self._credit[family] += weight
        family = max(self._credit, key=lambda f: (self._credit[f], f))
        self._credit[family] -= total
        layout_name = self._deal(family, rng)
        layout = self.layouts[family][layout_name]
        frame = self._frame(layout, rng)
        motifs = self._motifs(family, layout_name, layout, rng)
        design = Design(family, layout_name, frame, motifs)
        if _set_key(design) not in self._keys:
            self._used_sets[f"{family}/{layout_name}"] = self._used_sets.get(
                f"{family}/{layout_name}", 0) + 1
        self._keys.add(_set_key(design))
        self._last_layout = f"{family}/{layout_name}"
        return PagePlan(index, design, stable_int("seed", self.book_seed, index))

    def _deal(self, family: str, rng: random.Random) -> str:
        """The next layout from the family's deck: the first one (from the top) that is
        not the page before's and still has a frame and a motif set the book has not
        used; the deck is refilled, shuffled, when empty."""
        deck = self._decks[family]
        if not deck:
            deck.extend(sorted(self.layouts[family]))
            rng.shuffle(deck)
        if len(deck) == 1 and len(self.layouts[family]) > 1 and (
                f"{family}/{deck[0]}" == self._last_layout):
            refill = [n for n in sorted(self.layouts[family]) if n != deck[0]]
            rng.shuffle(refill)
            deck[:0] = refill

        def score(name: str) -> tuple[bool, bool, bool]:
            layout = self.layouts[family][name]
            return (f"{family}/{name}" != self._last_layout,
                    self._motif_sets_left(family, name, layout),
                    any(f not in self._frame_uses for f in self._allowed_frames(layout)))

        best = max(range(len(deck)), key=lambda i: (score(deck[i]), i))
        if not all(score(deck[best])):
            # Nothing left in the deck has a fresh frame and motif set: a layout dealt
            # already may have, and comes again before the rest of the deck.
            others = [n for n in sorted(self.layouts[family]) if all(score(n))]
            if others:
                return others[rng.randrange(len(others))]
        return deck.pop(best)

    def _motif_sets_left(self, family: str, name: str, layout: Layout) -> bool:
        possible = 1
        for slot in layout.pools[self.audience]:
            possible *= len(set(slot))
        return self._used_sets.get(f"{family}/{name}", 0) < possible

    def _allowed_frames(self, layout: Layout) -> set[str]:
        if layout.own_frame:
            return {"none"}
        allowed = set(frame_names(STYLES[self.audience], ornaments=layout.ornaments,
                                  straight=layout.straight))
        if layout.frameless:
            allowed.add("none")
        return allowed

    def _frame(self, layout: Layout, rng: random.Random) -> str:
        if layout.own_frame:
            return "none"
        allowed = self._allowed_frames(layout)
        fresh = [f for f in self._frames if f in allowed and f not in self._frame_uses]
        if fresh:
            frame = fresh[0]
        else:
            least = min(self._frame_uses.get(f, 0) for f in allowed)
            frame = next(f for f in self._frames if f in allowed
                         and self._frame_uses.get(f, 0) == least)
        self._frame_uses[frame] = self._frame_uses.get(frame, 0) + 1
        return frame

    def _motifs(self, family: str, name: str, layout: Layout,
                rng: random.Random) -> tuple[str, ...]:
        slots = layout.pools[self.audience]
        motifs: tuple[str, ...] = ()
        for _attempt in range(40):
            motifs = tuple(dict.fromkeys(m for m in (rng.choice(slot) for slot in slots) if m))
            if _set_key(Design(family, name, "", motifs)) not in self._keys:
                break
        return motifs


def _set_key(design: Design) -> str:
    return f"{design.family}/{design.layout}:{'+'.join(sorted(design.motifs))}"


_CACHE: OrderedDict[tuple[object, ...], BookPlan] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def book_plan(catalog: dict[str, dict[str, Layout]], weights: dict[str, float], audience: str,
              book_seed: int) -> BookPlan:
    """The (cached) plan of a book; pages are added to it as they are asked for."""
    key = (tuple(sorted(weights.items())), audience, book_seed)
    with _CACHE_LOCK:
        plan = _CACHE.get(key)
        if plan is None:
            plan = BookPlan(catalog, weights, audience, book_seed)
            _CACHE[key] = plan
            while len(_CACHE) > 64:
                _CACHE.popitem(last=False)
        else:
            _CACHE.move_to_end(key)
        return plan
