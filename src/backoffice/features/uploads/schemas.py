"""What an upload or an import takes and answers."""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backoffice.art.imports.page import PhotoMode
from backoffice.art.themes import Audience
from backoffice.features.book.schemas import EbookOut, JobOut
from backoffice.kdp import specs


def _clean_text(value: str) -> str:
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(value.split())


class ImportCreate(BaseModel):
    """A new book whose coloring pages are the user's files, in name order."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    subtitle: str = Field(default="", max_length=200)
    author: str = Field(min_length=1, max_length=120)
    theme: str = Field(default="", max_length=64,
                       description="Colours and style of the generated cover; the first "
                                   "theme when empty.")
    audience: Audience = "children"
    trim_size: str = Field(default="8.5x11", description="One of " + ", ".join(specs.TRIMS))
    paper: str = Field(default="white", description="One of " + ", ".join(specs.PAPERS))

    @field_validator("title", "subtitle", "author", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        return _clean_text(value) if isinstance(value, str) else value

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


class UploadOptions(BaseModel):
    photo: PhotoMode = "auto"
    strict: bool = False


class FileOut(BaseModel):
    file: str
    format: str
    pages: int
    size_px: list[int] | None = None
    dpi: int | None = Field(default=None,
                            description="Print resolution once fitted to the page (images)")
    upscaled: bool = Field(default=False,
                           description="Scaled up past 300 DPI to fill the page")


class RejectedOut(BaseModel):
    file: str
    problem: str


class UploadOut(BaseModel):
    job: JobOut
    accepted: list[FileOut]
    rejected: list[RejectedOut] = Field(description="Files left out (only without strict)")


class ImportOut(UploadOut):
    ebook: EbookOut
