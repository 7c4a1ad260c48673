"""JSON shapes of the API's answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field

from backoffice.kdp import specs

MAX_SEED = 2**53 - 1  # exact in JSON numbers and JavaScript


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    status: str
    done: int
    total: int
    step: str
    error: str | None
    # With status "needs_review": the content pages still failing the line-art gate.
    review_pages: list[int] = []
    created_at: datetime
    finished_at: datetime | None


class PageOut(BaseModel):
    id: int
    kind: str
    position: int
    version_id: int | None
    provider: str | None
    model: str | None
    prompt: str | None
    seed: int | None
    quality: dict[str, Any] | None
    image_url: str | None


class EbookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    subtitle: str
    author: str
    theme: str
    audience: str
    trim_size: str
    paper: str
    page_count: int
    seed: int
    status: str
    rejection_reason: str | None
    isbn: str | None = None
    single_sided: bool = True
    front_matter: bool = True
    # Book furniture pages (kdp/furniture.py), counted in the interior's pages.
    furniture: list[str] = []
    page_numbers: bool = False
    blurb: str | None = None
    cover_template: str | None = None
    created_at: datetime
    updated_at: datetime
    # The row of legacy.ebooks a book adopted from the previous system came from.
    legacy_ebook_id: int | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pages_to_add(self) -> int:
        """Coloring pages to add before export and publishing (0 but for some books
        adopted from the previous system)."""
        return specs.designs_missing(self.page_count)


class EbookSummary(EbookOut):
    job: JobOut | None = None


class EbookDetail(EbookOut):
    job: JobOut | None = None
    interior_pages: int
    pages: list[PageOut]
    interior_pdf_url: str
    cover_pdf_url: str


class EbookList(BaseModel):
    items: list[EbookSummary]
    total: int
    page: int
    size: int
    pages: int


class CreatedEbook(BaseModel):
    ebook: EbookOut
    job: JobOut
