"""Build a book's PDFs from its current page versions, run the KDP preflight on them,
and decide whether the book may be published.

PDFs are cached under a hash of every input (book fields, current image keys, builder
version), so a regenerated page can never be served from a stale PDF."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.errors import N_, Conflict
from backoffice.features.book.service import latest_export
from backoffice.models import Ebook, Export, Page, PageVersion
from backoffice.storage import Storage, get_storage

# Bump when the PDF layout changes, so cached PDFs are rebuilt.
BUILDER_VERSION = "2"
OFFLINE_PROVIDERS = {"procedural"}


@dataclass(frozen=True)
class BookFiles:
    interior_key: str
    cover_key: str
    interior_pages: int


def _current_versions(session: Session, ebook: Ebook) -> dict[str, list[PageVersion]]:
    rows = session.execute(
        select(Page, PageVersion)
        .join(PageVersion, Page.current_version_id == PageVersion.id)
        .where(Page.ebook_id == ebook.id)
        .order_by(Page.kind, Page.position)
    ).all()
    by_kind: dict[str, list[PageVersion]] = {"cover": [], "back_cover": [], "content": []}
    for page, version in sorted(rows, key=lambda row: row[0].position):
        by_kind[page.kind].append(version)
    if (len(by_kind["content"]) < ebook.page_count or not by_kind["cover"]
            or not by_kind["back_cover"]):
        raise Conflict(N_("The book is not fully generated yet."))
    return by_kind


def uses_ai(versions: list[PageVersion]) -> bool:
    return any(v.provider not in OFFLINE_PROVIDERS for v in versions)


def _cache_key(kind: str, ebook: Ebook, versions: list[PageVersion], extra: dict) -> str:
    payload = {
        "builder": BUILDER_VERSION, "kind": kind, "title": ebook.title,
        "subtitle": ebook.subtitle, "author": ebook.author, "trim": ebook.trim_size,
        "paper": ebook.paper, "isbn": ebook.isbn, "year": _year(ebook),
        "images": [v.image_key for v in versions], **extra,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest() + ".pdf"


def _year(ebook: Ebook) -> int:
    return (ebook.created_at or datetime.now(UTC)).year


def build_files(session: Session, settings: Settings, ebook: Ebook, *, interior: bool = True,
                cover: bool = True) -> BookFiles:
    """Both files' cache keys; builds (if not cached) only the files asked for."""
    from backoffice.art.themes import themes_in
    from backoffice.kdp.cover_pdf import build_cover_pdf
    from backoffice.kdp.interior_pdf import (
        InteriorOptions,
        build_interior_pdf,
        interior_page_total,
    )

    versions = _current_versions(session, ebook)
    storage = get_storage(settings.storage_dir)
    content = versions["content"]
    options = InteriorOptions(
        trim=ebook.trim_size, paper=ebook.paper, title=ebook.title, author=ebook.author,
        year=_year(ebook), isbn=ebook.isbn, ai_disclosure=uses_ai(content),
        front_matter=ebook.front_matter, single_sided=ebook.single_sided,
        page_numbers=ebook.page_numbers, language=settings.language,
    )
    total = interior_page_total(len(content), options)
    interior_key = _cache_key("interior", ebook, content, {
        "ai": options.ai_disclosure, "lang": options.language, "single": ebook.single_sided,
        "front": ebook.front_matter, "numbers": ebook.page_numbers})
    art_paths = [storage.path(v.image_key) for v in content]
    try:
        if interior:
            storage.put_file(interior_key,
                             lambda tmp: build_interior_pdf(art_paths, tmp, options))
    except ValueError as exc:
        # A page that is not print-ready line art (e.g. gray) must be regenerated first.
        raise Conflict(N_("The interior cannot be built: %(reason)s"), reason=str(exc)) from None

    theme = themes_in(str(settings.themes_dir)).get(ebook.theme)
    spine_color = theme.palette[0] if theme else "#ffffff"
    front, back = versions["cover"][0], versions["back_cover"][0]
    cover_key = _cache_key("cover", ebook, [front, back], {
        "spine": spine_color, "pages": total, "blurb": ebook.blurb})
    if cover:
        storage.put_file(cover_key, lambda tmp: build_cover_pdf(
            storage.path(front.image_key), storage.path(back.image_key), tmp,
            trim=ebook.trim_size, paper=ebook.paper, interior_pages=total, title=ebook.title,
            subtitle=ebook.subtitle, author=ebook.author, spine_color=spine_color,
            isbn=ebook.isbn, blurb=ebook.blurb))
    return BookFiles(interior_key, cover_key, total)


def interior_pdf(session: Session, settings: Settings, ebook: Ebook) -> Path:
    files = build_files(session, settings, ebook, cover=False)
    return get_storage(settings.storage_dir).path(files.interior_key)


def cover_pdf(session: Session, settings: Settings, ebook: Ebook) -> Path:
    files = build_files(session, settings, ebook, interior=False)
    return get_storage(settings.storage_dir).path(files.cover_key)


def run_export(session: Session, settings: Settings, ebook: Ebook, *, actor: str) -> Export:
    """Export the current pages and preflight them, reusing the last run when nothing
    changed since (same files, so the same verdict)."""
    from backoffice.kdp.preflight import run_preflight

    files = build_files(session, settings, ebook)
    previous = latest_export(session, ebook.id)
    if (previous is not None and previous.interior_key == files.interior_key
            and previous.cover_key == files.cover_key):
        return previous
    storage = get_storage(settings.storage_dir)
    report = run_preflight(storage.path(files.interior_key), storage.path(files.cover_key),
                           trim=ebook.trim_size, paper=ebook.paper, isbn=ebook.isbn)
    export = Export(ebook_id=ebook.id, interior_key=files.interior_key,
                    cover_key=files.cover_key, interior_pages=files.interior_pages,
                    passed=report.passed, report=report.to_dict(), actor=actor)
    session.add(export)
    session.flush()
    return export


def failing_rules(export: Export) -> list[str]:
    return [rule["message"] for rule in export.report.get("rules", []) if not rule["passed"]]


def ensure_publishable(session: Session, settings: Settings, ebook: Ebook, *, actor: str,
                       override_reason: str | None = None) -> Export:
    """The current files must pass the preflight, unless someone allowed to overrides it
    with a reason, which is recorded on the export."""
    export = run_export(session, settings, ebook, actor=actor)
    if export.passed:
        return export
    if not override_reason:
        raise Conflict(N_("KDP preflight failed: %(rules)s"),
                       rules="; ".join(failing_rules(export)))
    export.override_by, export.override_reason = actor, override_reason
    return export


def override(session: Session, settings: Settings, ebook: Ebook, *, actor: str,
             reason: str) -> Export:
    """An admin allows a failing export to be downloaded and published anyway."""
    export = run_export(session, settings, ebook, actor=actor)
    if export.passed:
        raise Conflict(N_("The preflight passes: there is nothing to override."))
    return ensure_publishable(session, settings, ebook, actor=actor, override_reason=reason)


def require_downloadable(export: Export) -> None:
    """The bundle is for files KDP accepts, or that an admin let through."""
    if not export.passed and not export.override_by:
        raise Conflict(N_("KDP preflight failed: %(rules)s"),
                       rules="; ".join(failing_rules(export)))


def bundle_path(settings: Settings, ebook: Ebook, export: Export) -> Path:
    """The zip of interior, cover, preflight.json and README.txt for this export."""
    from backoffice.kdp.bundle import write_bundle
    from backoffice.kdp.preflight import PreflightReport, Rule

    storage: Storage = get_storage(settings.storage_dir)
    payload = json.dumps([export.interior_key, export.cover_key, export.report, ebook.title],
                         sort_keys=True)
    key = hashlib.sha256(payload.encode()).hexdigest() + ".zip"
    report = PreflightReport(trim=export.report["trim"], paper=export.report["paper"],
                             interior_pages=export.report["interior_pages"],
                             rules=[Rule(**rule) for rule in export.report["rules"]])
    storage.put_file(key, lambda tmp: write_bundle(
        tmp, interior_pdf=storage.path(export.interior_key),
        cover_pdf=storage.path(export.cover_key), report=report, trim=ebook.trim_size,
        paper=ebook.paper, interior_pages=export.interior_pages, title=ebook.title))
    return storage.path(key)


def cover_preview_png(settings: Settings, export: Export, ebook: Ebook) -> bytes:
    from backoffice.kdp.cover_pdf import render_cover_preview

    storage = get_storage(settings.storage_dir)
    key = hashlib.sha256(f"preview:{export.cover_key}:1".encode()).hexdigest() + ".png"
    storage.put_file(key, lambda tmp: render_cover_preview(
        storage.path(export.cover_key), tmp, trim=ebook.trim_size, paper=ebook.paper,
        interior_pages=export.interior_pages))
    return storage.get(key)

