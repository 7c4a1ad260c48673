"""What a written prompt asks the offline generator to draw: the library subjects it
names, in French or English ("un stégosaure qui mange des feuilles", "a parrot on a
treasure chest"). A prompt that names none is refused, never silently ignored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from backoffice.art.subjects.catalogue import Subject, catalogue, fold

_WORD = re.compile(r"[a-z0-9]+")
# Most prompts name two or three subjects; a scene holds a handful.
MAX_SUBJECTS = 5


class NothingDrawable(ValueError):
    """The prompt names no subject of the offline library. `examples` are a few subjects
    it can draw (the feature layer words the message in the reader's language)."""

    def __init__(self, prompt: str, examples: list[Subject]) -> None:
        self.prompt = prompt
        self.examples = examples
        super().__init__(
            "The offline generator draws only the subjects of its library, and this "
            "prompt names none of them (for example: "
            + ", ".join(s.en for s in examples) + "). An AI provider draws anything.")


def _singular(word: str) -> str:
    """Crude French and English plural folding, applied to prompts and names alike."""
    if len(word) > 3 and word.endswith(("s", "x")) and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    return tuple(_singular(w) for w in _WORD.findall(fold(text)))


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Every way of naming a subject (its name, fr, en, also) -> the subjects so named,
    in catalogue order."""
    index: dict[tuple[str, ...], list[str]] = {}
    for name, subject in catalogue().items():
        for phrase in (name.replace("_", " "), subject.fr, subject.en, *subject.also):
            key = words(phrase)
            if key and name not in index.setdefault(key, []):
                index[key].append(name)
    return {key: tuple(names) for key, names in index.items()}


def read_prompt(prompt: str, prefer: Iterable[str] = ()) -> tuple[str, ...]:
    """The subjects `prompt` names, in the order it names them, longest phrases first
    ("coffre au trésor" before "trésor"). Where a word names several subjects, those of
    `prefer` (the book's theme) win."""
    index = _index()
    preferred = list(prefer)
    longest = max(len(k) for k in index)
    tokens = words(prompt)
    found: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            names = index.get(tokens[i:i + size])
            if names:
                ranked = sorted(names, key=lambda n: (n not in preferred,
                                                      preferred.index(n) if n in preferred
                                                      else 0))
                if ranked[0] not in found:
                    found.append(ranked[0])
                i += size
                break
        else:
            i += 1
    return tuple(found[:MAX_SUBJECTS])


_ON = {"on", "sur", "upon", "atop", "onto", "dessus"}


def perched(prompt: str, named: tuple[str, ...]) -> bool:
    """Whether the prompt puts its first subject on its second ("a parrot on a treasure
    chest", "un chat sur un tracteur")."""
    if len(named) < 2:
        return False
    tokens = words(prompt)
    first = words(catalogue()[named[0]].en) + words(catalogue()[named[0]].fr)
    hits = [i for i, t in enumerate(tokens) if t in _ON]
    starts = [i for i, t in enumerate(tokens) if t in first]
    return bool(hits and starts and min(starts) < max(hits))


def subjects_or_refuse(prompt: str, prefer: Iterable[str] = ()) -> tuple[str, ...]:
    found = read_prompt(prompt, prefer)
    if not found:
        known = catalogue()
        picks = [known[n] for n in ("tyrannosaurus", "unicorn", "parrot", "rocket", "cow",
                                    "whale", "fire_engine", "christmas_tree") if n in known]
        raise NothingDrawable(prompt, picks)
    return found
