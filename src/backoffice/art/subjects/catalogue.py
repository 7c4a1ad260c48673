"""The named subject library (catalogue.yml) and the subject part of a theme.

A theme lists its subjects and its setting by name; an unknown name stops start-up with
the file, the theme and the name (see check_theme)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.yml"
Place = Literal["ground", "sky", "water", "float"]
SIZES = {"s": 0.55, "m": 0.8, "l": 1.0}
# Scenery drawn procedurally behind and around the subjects (art/subjects/scenery.py).
SCENERY = ("ground", "hills", "mountains", "clouds", "sun", "moon", "stars", "grass",
           "waves", "seabed", "bubbles", "snow", "road")


class CatalogueError(ValueError):
    """One line naming the file, the entry and the reason."""


class _Label(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fr: str = Field(min_length=1, max_length=10)
    en: str = Field(min_length=1, max_length=10)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    glyph: str = Field(pattern=r"^U\+[0-9A-Fa-f]{4,6}$")
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)
    place: Place = "ground"
    size: Literal["s", "m", "l"] = "m"
    label: _Label | None = None
    also: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Subject:
    name: str
    code: int
    fr: str
    en: str
    place: str
    size: str
    label_fr: str
    label_en: str
    also: tuple[str, ...]

    def title(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr

    def label(self, lang: str) -> str:
        """The short capitalised name printed under a toddler's subject."""
        return self.label_en if lang == "en" else self.label_fr

    @property
    def scale(self) -> float:
        return SIZES[self.size]


def fold(text: str) -> str:
    """Lower case without accents or ligatures: 'Œuf' -> 'oeuf', 'Fée' -> 'fee'."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load_catalogue(path: Path = CATALOGUE_FILE, *, check_glyphs: bool = True
                   ) -> dict[str, Subject]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: cannot read the subject catalogue: {exc}") from None
    entries = raw.get("subjects") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise CatalogueError(f"{path}: expected a 'subjects:' mapping of names")
    from backoffice.art.subjects.glyphs import code_points

    available = code_points() if check_glyphs else None
    subjects: dict[str, Subject] = {}
    for name, body in entries.items():
        if not isinstance(name, str) or not name.replace("_", "").isalnum() or name != fold(name):
            raise CatalogueError(f"{path}: subject {name!r}: names are lower-case words "
                                 "joined by underscores")
        try:
            entry = _Entry.model_validate(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(entry)"
            raise CatalogueError(f"{path}: subject {name}: field {field}: {first['msg']}") from None
        code = int(entry.glyph[2:], 16)
        if available is not None and code not in available:
            raise CatalogueError(
                f"{path}: subject {name}: glyph {entry.glyph} is not in the vendored font; "
                "re-run scripts/vendor_noto_emoji.py")
        label = entry.label
        subjects[name] = Subject(
            name=name, code=code, fr=entry.fr, en=entry.en, place=entry.place,
            size=entry.size,
            label_fr=(label.fr if label else entry.fr).upper(),
            label_en=(label.en if label else entry.en).upper(),
            also=tuple(entry.also))
    return subjects


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Subject]:
    return load_catalogue()


class SubjectSpec(BaseModel):
    """`subjects:` in a theme file."""

    model_config = ConfigDict(extra="forbid")
    # Every subject a page of the book may show; the main subject of each page is
    # drawn from these.
    main: list[str] = Field(min_length=1)
    # At least one of these appears on every scene (a dinosaur book shows a dinosaur
    # even on the page whose main subject is a volcano).
    heroes: list[str] = Field(default_factory=list)
    # Small library subjects dressing the setting (ferns, rocks, palm trees).
    decor: list[str] = Field(default_factory=list)
    # Procedural scenery, from SCENERY.
    setting: list[str] = Field(default_factory=lambda: ["ground", "hills", "clouds", "sun"])

    @field_validator("main", "heroes", "decor", "setting")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for name in value:
            if name in seen:
                raise ValueError(f"{name!r} is listed twice")
            seen.add(name)
        return value

    def unknown(self, known: dict[str, Subject]) -> tuple[str, str] | None:
        """The first (field, name) that names nothing, or None."""
        for field in ("main", "heroes", "decor"):
            for name in getattr(self, field):
                if name not in known:
                    return field, name
        for name in self.setting:
            if name not in SCENERY:
                return "setting", name
        return None


def check_theme(path: Path, theme_id: str, spec: SubjectSpec) -> str | None:
    """The error line for a theme naming an unknown subject or scenery, or None."""
    problem = spec.unknown(catalogue())
    if problem is None:
        return None
    field, name = problem
    if field == "setting":
        known = ", ".join(SCENERY)
        return (f"{path}: theme {theme_id}: field subjects.setting: unknown scenery "
                f"{name!r}; known: {known}")
    return (f"{path}: theme {theme_id}: field subjects.{field}: unknown subject {name!r}; "
            f"the subjects are listed in {CATALOGUE_FILE.name} (art/subjects)")
