"""JSON shapes of the regeneration and page-editing API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from backoffice.features.book.schemas import MAX_SEED
from backoffice.features.regeneration.service import MAX_PROMPT


class RegenerateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    page_ids: list[int] = Field(min_length=1, max_length=1000,
                                description="Pages to redraw; the cover brings the back cover.")
    prompt: str | None = Field(default=None, max_length=MAX_PROMPT,
                               description="Replaces the theme prompt (not for the back cover).")
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED,
                             description="Left out, every page gets a new random seed.")


class AddPagesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(ge=1, le=800, description="Coloring pages to add at the end.")


class MovePageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    position: int = Field(ge=1, description="New position among the coloring pages, from 1.")


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    page_id: int
    generation_job_id: int | None
    provider: str
    model: str
    prompt: str
    seed: int
    quality: dict[str, Any]
    created_at: datetime
    current: bool = False


class PageVersionsOut(BaseModel):
    page_id: int
    kind: str
    position: int
    current_version_id: int | None
    versions: list[VersionOut]
