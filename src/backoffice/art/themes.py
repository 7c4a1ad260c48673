"""Themes: config/themes/*.yml, validated at start-up.

The previous system's themes all failed validation silently and fell back to a
neutral theme; here an invalid file stops start-up with the file, field and reason.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from backoffice.art.subjects.catalogue import SubjectSpec, check_theme

AUDIENCES = ("toddlers", "children", "adults")
Audience = Literal["toddlers", "children", "adults"]
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_VAR = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


class Localized(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


class CoverPrompt(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject: str = Field(min_length=1)
    environment: str = Field(min_length=1)
    tone: str = Field(min_length=1)
    palette: str = Field(min_length=1)


class PagePrompt(BaseModel):
    model_config = ConfigDict(extra="forbid")
    template: str = Field(min_length=1)
    variables: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("variables")
    @classmethod
    def _non_empty_lists(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, values in value.items():
            if not values:
                raise ValueError(f"variable {name} has no values")
        return value


class Prompts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cover: CoverPrompt
    page: PagePrompt
    negative: str = ""
    audience: dict[Audience, str]

    def model_post_init(self, _context: object) -> None:
        used = set(_VAR.findall(self.page.template))
        missing = used - set(self.page.variables)
        if missing:
            raise ValueError(
                f"page.template uses {', '.join(sorted(missing))} with no value list"
            )
        for audience in ("children", "adults"):
            if audience not in self.audience:
                raise ValueError(f"audience wording for {audience!r} is missing")


class Procedural(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # family name -> relative weight
    families: dict[str, float] = Field(min_length=1)

    @field_validator("families")
    @classmethod
    def _positive_weights(cls, value: dict[str, float]) -> dict[str, float]:
        for name, weight in value.items():
            if weight <= 0:
                raise ValueError(f"family {name} must have a positive weight")
        return value


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    label: Localized
    description: Localized
    palette: list[str] = Field(min_length=3)
    procedural: Procedural
    prompts: Prompts | None = None
    # Subject themes name the library subjects their pages draw (art/subjects); themes
    # without them are pattern themes.
    subjects: SubjectSpec | None = None
    # The cover template a book of this theme gets unless the form picks another.
    cover_template: str | None = None

    @field_validator("cover_template")
    @classmethod
    def _known_template(cls, value: str | None) -> str | None:
        from backoffice.kdp.cover_design import TEMPLATES

        if value is not None and value not in TEMPLATES:
            raise ValueError(f"{value!r} is not one of {', '.join(TEMPLATES)}")
        return value

    def default_cover_template(self, audience: str) -> str:
        return self.cover_template or ("framed" if audience == "adults" else "fan")

    @field_validator("palette")
    @classmethod
    def _hex_colours(cls, value: list[str]) -> list[str]:
        for colour in value:
            if not _HEX.match(colour):
                raise ValueError(f"{colour!r} is not a #rrggbb colour")
        return value


class ThemeConfigError(ValueError):
    """One line naming the file, the field and the reason."""


def _format_error(path: Path, exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "(file)"
    return f"{path}: field {field}: {first['msg']}"


def load_theme_file(path: Path) -> Theme:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ThemeConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ThemeConfigError(f"{path}: expected a mapping at the top level")
    try:
        theme = Theme.model_validate(raw)
    except ValidationError as exc:
        raise ThemeConfigError(_format_error(path, exc)) from None
    if theme.id != path.stem:
        raise ThemeConfigError(f"{path}: field id: {theme.id!r} must match the file name")
    return theme


def load_themes(directory: Path) -> dict[str, Theme]:
    from backoffice.art.procedural import FAMILIES

    themes: dict[str, Theme] = {}
    for path in sorted(directory.glob("*.yml")):
        theme = load_theme_file(path)
        unknown = set(theme.procedural.families) - set(FAMILIES)
        if unknown:
            raise ThemeConfigError(
                f"{path}: field procedural.families: unknown family "
                f"{', '.join(sorted(unknown))}; known: {', '.join(sorted(FAMILIES))}"
            )
        if theme.subjects is not None and (problem := check_theme(path, theme.id,
                                                                  theme.subjects)):
            raise ThemeConfigError(problem)
        themes[theme.id] = theme
    if not themes:
        raise ThemeConfigError(f"{directory}: no theme file (*.yml) found")
    return themes


@lru_cache(maxsize=4)
def themes_in(directory: str) -> dict[str, Theme]:
    return load_themes(Path(directory))
