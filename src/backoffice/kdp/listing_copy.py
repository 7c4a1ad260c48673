"""Write a book's listing offline, from its theme, audience, format and page count, in
French (amazon.fr) or English (amazon.com). The words are in config/listing/themes.yml;
a theme missing there is described from its label and description.

A generated listing passes its own checks (kdp/listing_rules.py): this module never
picks a keyword that repeats the title or names a forbidden term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from backoffice.kdp import specs
from backoffice.kdp.listing import (
    KEYWORD_SLOTS,
    MAX_KEYWORD,
    MAX_TITLE_AND_SUBTITLE,
    READING_AGES,
    Listing,
    categories,
    fold,
    forbidden_terms,
    repeated_words,
    significant_words,
)

COPY_FILE = "themes.yml"
CM_PER_INCH = 2.54


@dataclass(frozen=True)
class BookBrief:
    """What the listing is written from."""

    theme: str
    theme_label: Mapping[str, str]
    theme_description: Mapping[str, str]
    audience: str
    trim: str
    paper: str
    designs: int
    single_sided: bool
    furniture: tuple[str, ...]
    title: str
    subtitle: str
    author: str


@lru_cache(maxsize=4)
def load_copy(directory: str) -> dict[str, Any]:
    path = Path(directory) / COPY_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "_common" not in data:
        raise ValueError(f"{path}: expected a mapping with a _common section")
    return data


def _by_audience(value: Any, audience: str) -> str:
    if isinstance(value, dict):
        return str(value.get(audience) or value.get("children") or next(iter(value.values())))
    return str(value)


def _theme_copy(copy: dict[str, Any], brief: BookBrief, lang: str) -> dict[str, Any]:
    known = (copy.get(brief.theme) or {}).get(lang)
    if known:
        return dict(known)
    # A theme the copy file does not know yet: its own label and description.
    label = brief.theme_label.get(lang) or brief.theme
    description = brief.theme_description.get(lang) or ""
    if lang == "fr":
        return {"pages": f"coloriages « {label} »", "pages_adults": f"dessins « {label} »",
                "hook": f"Des heures de coloriage sur le thème « {label} » !",
                "scene": description, "keywords": [f"dessins à colorier {label}"]}
    return {"pages": f"{label} coloring pages", "Pages": f"{label} Coloring Pages",
            "Pages_adults": f"{label} Designs", "hook": f"Hours of {label} coloring fun!",
            "scene": description, "keywords": [f"{label} drawings to color"]}


def french_spacing(text: str) -> str:
    """French typography: a no-break space before : and inside « », a narrow one before
    ! ? ; (never a line starting with a lone "!")."""
    text = re.sub(r" ([!?;])", "\u202f\\1", text)
    text = re.sub(r" :", "\u00a0:", text)
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


def _number(value: float, lang: str) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def _format_line(common: dict[str, Any], brief: BookBrief, lang: str) -> str:
    trim = specs.trim(brief.trim)
    size = ("square" if trim.width == trim.height else
            "small" if trim.width < 8 else "large")
    cm = (f"{_number(trim.width * CM_PER_INCH, lang)} × "
          f"{_number(trim.height * CM_PER_INCH, lang)} cm")
    inches = f"{_number(trim.width, lang)} × {_number(trim.height, lang)}"
    paper = common["paper"].get(brief.paper, common["paper"]["white"])
    return str(common["format"][size]).format(cm=cm, inches=inches, paper=paper)


def _join(items: list[str], lang: str) -> str:
    if len(items) < 2:
        return "".join(items)
    last = " et " if lang == "fr" else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def description(copy: dict[str, Any], brief: BookBrief, lang: str) -> str:
    common = copy["_common"][lang]
    theme = _theme_copy(copy, brief, lang)
    adults = brief.audience == "adults"
    scene = theme.get("scene_adults") if adults and theme.get("scene_adults") else theme["scene"]
    bullets = [
        str(common["designs"]).format(designs=brief.designs),
        _by_audience(common["style"], brief.audience),
        common["single_sided" if brief.single_sided else "double_sided"],
        _format_line(common, brief, lang),
    ]
    extras = [common["furniture"][key] for key in brief.furniture if key in common["furniture"]]
    if extras:
        line = str(common["furniture_lead"]).format(items=_join(extras, lang))
        bullets.append(line[0].upper() + line[1:])
    html = (f"<b>{_by_audience(theme['hook'], brief.audience)}</b><br><br>"
            f"{scene} {_by_audience(common['audience'], brief.audience)}<br><br>"
            f"<b>{common['inside']}</b><ul>"
            + "".join(f"<li>{item}</li>" for item in bullets)
            + f"</ul>{_by_audience(common['gift'], brief.audience)}")
    return french_spacing(html) if lang == "fr" else html


def subtitle(copy: dict[str, Any], brief: BookBrief, lang: str) -> str:
    """The book's own subtitle (printed on the cover) when it has one; otherwise one that
    says what is inside and for whom, if it fits KDP's 200 characters with the title."""
    if brief.subtitle:
        return brief.subtitle
    theme = _theme_copy(copy, brief, lang)
    template = _by_audience(copy["_common"][lang]["subtitle"], brief.audience)
    values = {"designs": brief.designs, "pages": theme["pages"],
              "pages_adults": theme.get("pages_adults", theme["pages"]),
              "Pages": theme.get("Pages", theme["pages"]),
              "Pages_adults": theme.get("Pages_adults", theme.get("Pages", theme["pages"]))}
    text = template.format(**values)
    if lang == "fr":
        text = french_spacing(text)
    return text if len(brief.title) + len(text) <= MAX_TITLE_AND_SUBTITLE else ""


def _usable(phrase: str, title: str, chosen: list[str]) -> bool:
    return (bool(phrase) and len(phrase) <= MAX_KEYWORD and not forbidden_terms(phrase)
            and not repeated_words(phrase, title)
            and fold(phrase) not in {fold(c) for c in chosen})


def keywords(copy: dict[str, Any], brief: BookBrief, lang: str, title: str) -> tuple[str, ...]:
    """Seven phrases buyers type, none repeating a word of the title: the theme's first,
    then phrases for the audience. Phrases that would repeat the title lose those words
    when what remains still says something."""
    theme = _theme_copy(copy, brief, lang)
    own = theme.get("keywords", [])
    pool: list[str] = [*(own.get("all", []) if isinstance(own, dict) else own),
                       *(_by_audience_list(own, brief.audience) if isinstance(own, dict)
                         else []),
                       *_by_audience_list(copy["_common"][lang]["keywords"], brief.audience)]
    chosen: list[str] = []
    for phrase in pool:
        if len(chosen) < KEYWORD_SLOTS and _usable(phrase, title, chosen):
            chosen.append(phrase)
    title_words = significant_words(title)
    for phrase in pool:
        if len(chosen) >= KEYWORD_SLOTS:
            break
        kept = " ".join(w for w in phrase.split()
                        if not significant_words(w) & title_words)
        if len(significant_words(kept)) >= 2 and _usable(kept, title, chosen):
            chosen.append(kept)
    return tuple(chosen)


def _by_audience_list(value: Any, audience: str) -> list[str]:
    if isinstance(value, dict):
        return list(value.get(audience) or value.get("children") or [])
    return list(value)


def suggested_categories(theme: str, audience: str) -> tuple[str, ...]:
    """The general coloring-book subject for the audience, then the theme's own."""
    kids = audience != "adults"
    general = "JNF001010" if kids else "GAM019000"
    fallback = "JNF001000" if kids else "GAM020000"
    listed = categories()
    fitting = [code for code, entry in listed.items()
               if code != general and audience in entry["audiences"]  # type: ignore[operator]
               and theme in entry["themes"]]  # type: ignore[operator]
    return (general, fitting[0] if fitting else fallback)


def generate(brief: BookBrief, lang: str, copy_dir: str | Path) -> Listing:
    copy = load_copy(str(copy_dir))
    title = brief.title
    return Listing(
        lang=lang, title=title, subtitle=subtitle(copy, brief, lang), author=brief.author,
        description=description(copy, brief, lang),
        keywords=keywords(copy, brief, lang, title),
        categories=suggested_categories(brief.theme, brief.audience),
        reading_age=READING_AGES.get(brief.audience), list_price=None, generated=True)


def furniture_of(keys: Iterable[str]) -> tuple[str, ...]:
    from backoffice.kdp.listing import FURNITURE_KEYS

    wanted = set(keys)
    return tuple(key for key in FURNITURE_KEYS if key in wanted)
