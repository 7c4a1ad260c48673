"""What a new book needs, checked field by field."""

from __future__ import annotations

import secrets
import unicodedata

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backoffice.art.themes import Audience
from backoffice.features.book.schemas import MAX_SEED
from backoffice.kdp import fonts, specs
from backoffice.kdp.cover_design import TEMPLATES
from backoffice.kdp.furniture import FurnitureKey


def _clean_text(value: str) -> str:
    # Control characters have no place in a title and break PDF metadata and headers.
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(value.split())


class EbookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(default="", max_length=200,
                       description="Left empty, a title is suggested from the theme.")
    subtitle: str = Field(default="", max_length=200)
    author: str = Field(min_length=1, max_length=120)
    theme: str = Field(min_length=1, max_length=64)
    audience: Audience = "children"
    trim_size: str = Field(default="8.5x11", description="One of " + ", ".join(specs.TRIMS))
    paper: str = Field(default="white", description="One of " + ", ".join(specs.PAPERS))
    # Bounded by kdp.specs.check_designs (in the service), which knows the trim, paper and
    # print options, so the form, the API, the CLI and page edits give one message.
    page_count: int = Field(default=24, json_schema_extra={"minimum": specs.MIN_PAGES},
                            description="Number of coloring pages (designs): at least "
                            f"{specs.MIN_PAGES}, and an interior within KDP's page limits.")
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    isbn: str | None = Field(default=None, max_length=20,
                             description="ISBN-13; printed as an EAN-13 barcode on the back")
    single_sided: bool = Field(default=True,
                               description="A blank back after each design (markers)")
    front_matter: bool = Field(default=True, description="Title page and copyright page")
    furniture: list[FurnitureKey] = Field(
        default_factory=list, max_length=4,
        description="Book furniture pages, each a recto with a blank back, counted in the "
        "page count: belongs_to (\"This book belongs to\"), how_to_use, color_test, "
        "thank_you (closing page with a review request). None unless given (the form "
        "ticks all four)")
    page_numbers: bool = False
    blurb: str = Field(default="", max_length=600, description="Back-cover text")
    cover_template: str | None = Field(
        default=None, description="One of " + ", ".join(TEMPLATES) + "; the theme's if empty")

    @field_validator("isbn", mode="before")
    @classmethod
    def _valid_isbn(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise ValueError("must be a string of 13 digits")
        from backoffice.kdp.barcode import validate_isbn13

        return validate_isbn13(value)

    @field_validator("title", "subtitle", "author", "blurb", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        return _clean_text(value) if isinstance(value, str) else value

    @field_validator("title", "subtitle", "author", "blurb")
    @classmethod
    def _printable(cls, value: str) -> str:
        # Refused here, with the characters named, rather than printed as tofu boxes or
        # silently dropped from the cover and the title page.
        missing = fonts.unsupported_characters(value)
        if missing:
            raise ValueError(fonts.UNPRINTABLE_PREFIX + fonts.describe_characters(missing))
        return fonts.normalise(value)

    @field_validator("cover_template", mode="before")
    @classmethod
    def _known_template(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if value not in TEMPLATES:
            raise ValueError(f"must be one of {', '.join(TEMPLATES)}")
        return value

    @field_validator("author")
    @classmethod
    def _author_not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("trim_size")
    @classmethod
    def _known_trim(cls, value: str) -> str:
        if value not in specs.TRIMS:
            raise ValueError(f"must be one of {', '.join(specs.TRIMS)}")
        return value

    @field_validator("paper")
    @classmethod
    def _known_paper(cls, value: str) -> str:
        if value not in specs.PAPERS:
            raise ValueError(f"must be one of {', '.join(specs.PAPERS)}")
        return value

    def seed_or_random(self) -> int:
        return self.seed if self.seed is not None else secrets.randbelow(MAX_SEED)
