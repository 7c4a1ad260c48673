"""A book's KDP listing (the "Paperback Details" KDP asks for) and the text rules it
obeys: limits, KDP's HTML subset, forbidden terms, words of the title. Pure: the rules
themselves, as preflight rules with msgids, are in kdp/listing_rules.py.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from backoffice.errors import N_

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("fr", "en")

# KDP's limits (Paperback Details): title and subtitle together, the description (tags
# included), seven keyword boxes of 50 characters, up to three categories.
MAX_TITLE_AND_SUBTITLE = 200
MAX_DESCRIPTION = 4000
KEYWORD_SLOTS = 7
MAX_KEYWORD = 50
MAX_CATEGORIES = 3
MAX_READING_AGE = 18
# The HTML KDP renders in a description; anything else is refused, not stripped.
ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "br", "p", "ul", "ol", "li",
                          "h4", "h5", "h6"})
# Reading ages by audience (KDP's Primary Audience, for children's books only).
READING_AGES: dict[str, tuple[int, int] | None] = {
    "toddlers": (2, 4), "children": (4, 8), "adults": None}

FURNITURE_KEYS = ("belongs_to", "how_to_use", "color_test", "thank_you")

# Words that say nothing of a book: never counted as repeating the title.
_STOPWORDS = frozenset({
    "a", "an", "and", "for", "of", "the", "to", "with", "in", "on", "at", "by", "or", "from",
    "your", "my", "our", "is", "are", "it", "its", "this", "that", "au", "aux", "de", "des",
    "du", "d", "l", "la", "le", "les", "un", "une", "et", "en", "pour", "par", "sur", "dans",
    "avec", "ou", "ton", "ta", "tes", "mon", "ma", "mes", "son", "sa", "ses", "votre", "vos",
    "notre", "nos", "ce", "cet", "cette", "ces", "qui", "que", "y",
})


@dataclass(frozen=True)
class AIAnswer:
    """What KDP's "AI-generated content" question gets for this book. Texts and
    translations are never AI-made here (the listing is written from templates and the
    furniture pages are ours); images depend on the providers that drew the pages."""

    images: Literal["none", "some", "entire"]
    tools: tuple[str, ...] = ()
    ai_pages: int = 0
    total_pages: int = 0

    @property
    def uses_ai(self) -> bool:
        return self.images != "none"


# Providers that draw without generative AI: the procedural engine, and images the team
# uploaded (their own work; KDP's question is theirs to answer for those).
NON_AI_PROVIDERS = frozenset({"procedural", "upload"})
PREVIOUS_SYSTEM = N_("the previous system")


def ai_answer(drawn_by: Iterable[tuple[str, str]]) -> AIAnswer:
    """From (provider, model) of every page's current image, cover included."""
    pages = list(drawn_by)
    ai = [(provider, model) for provider, model in pages if provider not in NON_AI_PROVIDERS]
    if not ai:
        return AIAnswer("none", total_pages=len(pages))
    # Pages adopted from the previous system were drawn by its AI; its model labels
    # ("previous system, cleaned to 1-bit line art") say how we kept them, not a tool.
    tools = tuple(sorted({PREVIOUS_SYSTEM if provider == "imported" else
                          f"{provider} ({model})" if model else provider
                          for provider, model in ai}))
    return AIAnswer("entire" if len(ai) == len(pages) else "some", tools, len(ai), len(pages))


@dataclass(frozen=True)
class Listing:
    lang: str
    title: str
    subtitle: str
    author: str
    description: str
    keywords: tuple[str, ...]
    categories: tuple[str, ...]
    reading_age: tuple[int, int] | None
    # None: the suggested price (printing_cost.suggested_price), following the page count.
    list_price: Decimal | None = None
    generated: bool = True

    def with_changes(self, **changes: object) -> Listing:
        return replace(self, generated=False, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class BookFacts:
    """What the listing is checked against: the book as printed."""

    cover_title: str
    audience: str
    trim: str
    paper: str
    interior_pages: int
    ai: AIAnswer = field(default_factory=lambda: AIAnswer("none"))
    language: str = "fr"


# ---- words ------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Lower case, accents set aside, punctuation as spaces: how words are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[^\w#°-]+|_", " ", plain).replace("-", " ").split())


def _stem(word: str) -> str:
    """A word and its plural compare equal (dinosaure/dinosaures, page/pages)."""
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


def significant_words(text: str) -> set[str]:
    return {_stem(word) for word in fold(text).split()
            if word not in _STOPWORDS and not word.isdigit() and len(word) > 1}


def repeated_words(keyword: str, title: str) -> list[str]:
    """The words of `keyword` that the title already has (KDP indexes the title)."""
    title_words = significant_words(title)
    return sorted({word for word in fold(keyword).split()
                   if _stem(word) in title_words and word not in _STOPWORDS
                   and not word.isdigit()})


@lru_cache(maxsize=1)
def _forbidden() -> tuple[tuple[tuple[str, str], ...], tuple[re.Pattern[str], ...]]:
    data = json.loads((DATA_DIR / "forbidden_terms.json").read_text(encoding="utf-8"))
    terms = tuple((group, fold(term)) for group, words in data["groups"].items()
                  for term in words)
    return terms, tuple(re.compile(p, re.IGNORECASE) for p in data["patterns"])


def forbidden_terms(text: str) -> list[str]:
    """The forbidden terms `text` contains, as whole words ("newt" is not "new")."""
    folded = f" {fold(text)} "
    terms, patterns = _forbidden()
    found = [term for _group, term in terms if f" {term} " in folded]
    found += [match.group(0).strip() for pattern in patterns
              for match in [pattern.search(text)] if match]
    # "kindle unlimited" also contains "kindle": name the longer term only.
    return sorted({t for t in found if not any(t != o and f" {t} " in f" {o} " for o in found)})


# ---- description HTML -------------------------------------------------------------------

class _TagScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refused: list[str] = []
        self.with_attributes: list[str] = []
        self.parts: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.refused.append(tag)
            return
        if attrs:
            self.with_attributes.append(tag)
        self.parts.append(f"<{tag}>")
        if tag in ("br", "p", "li"):
            self.text.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.refused.append(tag)
        elif tag != "br":
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(escape(data, quote=False))
        self.text.append(data)

    def unknown_decl(self, data: str) -> None:
        self.refused.append("!" + data.split()[0] if data.split() else "!")

    def handle_comment(self, data: str) -> None:
        self.refused.append("!--")

    def handle_pi(self, data: str) -> None:
        self.refused.append("?")


def _scan(html: str) -> _TagScan:
    scan = _TagScan()
    scan.feed(html)
    scan.close()
    return scan


def html_problems(html: str) -> tuple[list[str], list[str]]:
    """(tags KDP does not accept, accepted tags written with attributes), each once."""
    scan = _scan(html)
    return (list(dict.fromkeys(scan.refused)), list(dict.fromkeys(scan.with_attributes)))


def safe_html(html: str) -> str:
    """The description as the book page shows it: KDP's tags without attributes, every
    other thing as text. Safe to insert unescaped."""
    return "".join(_scan(html).parts)


def plain_text(html: str) -> str:
    return " ".join("".join(_scan(html).text).split())


def normalise_keywords(keywords: Iterable[str]) -> tuple[str, ...]:
    """Spaces tidied and empty boxes dropped; never shortened."""
    return tuple(k for k in (" ".join(str(k).split()) for k in keywords) if k)


@lru_cache(maxsize=1)
def categories() -> dict[str, dict[str, object]]:
    data = json.loads((DATA_DIR / "categories.json").read_text(encoding="utf-8"))
    return {entry["code"]: entry for entry in data["categories"]}


def category_label(code: str, lang: str) -> str:
    entry = categories().get(code)
    if entry is None:
        return code
    return str(entry["fr"] if lang == "fr" else entry["label"])
