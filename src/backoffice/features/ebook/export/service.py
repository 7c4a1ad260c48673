"""Build a book's PDFs from its current page versions, cached by content hash.

The cache key covers every input (book fields, current image keys, builder
version), so a regenerated page can never be served from a stale PDF."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.features.ebook.shared import geometry
from backoffice.features.shared.errors import Conflict
from backoffice.features.shared.storage import get_storage
from backoffice.models import Ebook, Page, PageVersion

# Bump when the PDF layout changes, so cached PDFs are rebuilt.
BUILDER_VERSION = "1"
AI_PROVIDERS_EXCLUDED = {"procedural"}


def _current_versions(session: Session, ebook: Ebook) -> list[tuple[Page, PageVersion]]:
    rows = session.execute(
        select(Page, PageVersion)
        .join(PageVersion, Page.current_version_id == PageVersion.id)
        .where(Page.ebook_id == ebook.id)
        .order_by(Page.kind, Page.position)
    ).all()
    return [(page, version) for page, version in rows]


def _require_pages(session: Session, ebook: Ebook) -> dict[str, list[tuple[Page, PageVersion]]]:
    pages = _current_versions(session, ebook)
    by_kind: dict[str, list[tuple[Page, PageVersion]]] = {"cover": [], "back_cover": [],
                                                           "content": []}
    for page, version in pages:
        by_kind[page.kind].append((page, version))
    if (len(by_kind["content"]) < ebook.page_count or not by_kind["cover"]
            or not by_kind["back_cover"]):
        raise Conflict("the book is not fully generated yet")
    by_kind["content"].sort(key=lambda pv: pv[0].position)
    return by_kind


def _cache_key(kind: str, ebook: Ebook, versions: list[PageVersion], extra: dict) -> str:
    payload = {
        "builder": BUILDER_VERSION, "kind": kind, "title": ebook.title,
        "subtitle": ebook.subtitle, "author": ebook.author, "trim": ebook.trim_size,
        "paper": ebook.paper, "year": ebook.created_at.year if ebook.created_at else None,
        "images": [v.image_key for v in versions], **extra,
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return digest + ".pdf"


def uses_ai(versions: list[PageVersion]) -> bool:
    return any(v.provider not in AI_PROVIDERS_EXCLUDED for v in versions)


def interior_pdf(session: Session, settings: Settings, ebook: Ebook) -> Path:
    from backoffice.features.ebook.export.interior_pdf import InteriorOptions, build_interior_pdf

    pages = _require_pages(session, ebook)
    versions = [v for _, v in pages["content"]]
    storage = get_storage(settings.storage_dir)
    options = InteriorOptions(
        trim=ebook.trim_size, paper=ebook.paper, title=ebook.title, author=ebook.author,
        year=(ebook.created_at or datetime.now(UTC)).year, ai_disclosure=uses_ai(versions),
        language=settings.language,
    )
    key = _cache_key("interior", ebook, versions, {"ai": options.ai_disclosure,
                                                   "lang": options.language})
    art_paths = [storage.path(v.image_key) for v in versions]
    storage.put_file(key, lambda tmp: build_interior_pdf(art_paths, tmp, options))
    return storage.path(key)


def cover_pdf(session: Session, settings: Settings, ebook: Ebook) -> Path:
    from backoffice.features.ebook.export.cover_pdf import build_cover_pdf
    from backoffice.features.shared.themes import themes_in

    pages = _require_pages(session, ebook)
    front, back = pages["cover"][0][1], pages["back_cover"][0][1]
    storage = get_storage(settings.storage_dir)
    theme = themes_in(str(settings.themes_dir)).get(ebook.theme)
    spine_color = theme.palette[0] if theme else "#ffffff"
    interior_pages = geometry.interior_pages(ebook.page_count)
    key = _cache_key("cover", ebook, [front, back], {"spine": spine_color,
                                                     "pages": interior_pages})
    storage.put_file(key, lambda tmp: build_cover_pdf(
        storage.path(front.image_key), storage.path(back.image_key), tmp,
        trim=ebook.trim_size, paper=ebook.paper, interior_pages=interior_pages,
        title=ebook.title, subtitle=ebook.subtitle, author=ebook.author,
        spine_color=spine_color))
    return storage.path(key)
