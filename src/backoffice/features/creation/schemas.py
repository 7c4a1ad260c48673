"""What a new book needs, checked field by field."""

from __future__ import annotations

import secrets
import unicodedata

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backoffice.art.themes import Audience
from backoffice.features.book.schemas import MAX_SEED
from backoffice.kdp import specs


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
    page_count: int = Field(default=24, ge=specs.MIN_PAGES, le=828,
                            description="Number of coloring pages (designs); even.")
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    isbn: str | None = Field(default=None, max_length=20,
                             description="ISBN-13; printed as an EAN-13 barcode on the back")
    single_sided: bool = Field(default=True,
                               description="A blank back after each design (markers)")
    front_matter: bool = Field(default=True, description="Title page and copyright page")
    page_numbers: bool = False
    blurb: str = Field(default="", max_length=600, description="Back-cover text")

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

    @field_validator("page_count")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("must be even (KDP counts pages as an even total)")
        return value

    def seed_or_random(self) -> int:
        return self.seed if self.seed is not None else secrets.randbelow(MAX_SEED)
