"""Every row of legacy.ebooks → one of our books, with its pages and their versions.

Runs inside the adoption's transaction on its connection, and only flushes: a crash
half-way leaves nothing half-imported. A book already imported (legacy_ebook_id) is
skipped, so running it again imports nothing twice.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backoffice.adoption import pages as legacy_pages
from backoffice.adoption.detect import LEGACY_SCHEMA
from backoffice.art.cleanup import CleanupError
from backoffice.kdp import specs
from backoffice.models import Ebook, Page, PageVersion, StatusChange
from backoffice.storage import Storage

ProgressCallback = Callable[[int, int, str], None]

ACTOR = "previous system"
# Their status -> ours. PENDING and VALIDATED are from before the chain renamed them.
STATUSES = {"DRAFT": "DRAFT", "APPROVED": "APPROVED", "REJECTED": "REJECTED",
            "PENDING": "DRAFT", "VALIDATED": "APPROVED"}
AUDIENCES = ("children", "adults")
# Their themes that ours name differently; anything else unknown falls back per audience.
THEME_ALIASES = {"christmas-creepy-cute": "christmas", "christmas-creepy": "christmas",
                 "christmas-cute": "christmas"}
FALLBACK_THEMES = {"adults": "mandalas", "children": "flowers"}
# The history line; one catalog entry per status the previous system could have.
HISTORY_REASON = "Imported from the previous system (status there: %s)"
_MAX_SEED = 2**53 - 1


@dataclass
class ImportReport:
    books: int = 0
    pages: int = 0
    cleaned: int = 0
    skipped: int = 0  # already imported
    themes: Counter[tuple[str, str]] = field(default_factory=Counter)
    short: list[tuple[int, int]] = field(default_factory=list)  # (our id, pages to add)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Context:
    session: Session
    storage: Storage
    themes: set[str]
    report: ImportReport
    cleaner: legacy_pages.ContentCleaner
    progress: Callable[[str], None]
    resize: Callable[[int], None]


def import_books(session: Session, columns: frozenset[str], *, storage: Storage,
                 themes: set[str], on_progress: ProgressCallback | None = None
                 ) -> ImportReport:
    report = ImportReport()
    if "id" not in columns:
        return report
    ids = list(session.execute(text(f"SELECT id FROM {LEGACY_SCHEMA}.ebooks ORDER BY id"))
               .scalars())
    imported = set(session.scalars(select(Ebook.legacy_ebook_id)
                                   .where(Ebook.legacy_ebook_id.is_not(None))))
    todo = [i for i in ids if i not in imported]
    report.skipped = len(ids) - len(todo)
    # Progress counts images; the old page_count (pages_meta's length) sizes the bar.
    total = _expected_images(session, columns, todo)
    done = 0

    def advance(label: str) -> None:
        nonlocal done
        done += 1
        if on_progress:
            on_progress(done, max(total, done), label)

    def resize(delta: int) -> None:
        # The old page_count can disagree with what pages_meta really holds.
        nonlocal total
        total += delta

    context = _Context(session, storage, themes, report, legacy_pages.ContentCleaner(),
                       advance, resize)
    select_list = _select_list(columns)
    for legacy_id in todo:
        row = session.execute(text(f"SELECT {select_list} FROM {LEGACY_SCHEMA}.ebooks "
                                    "WHERE id = :id"), {"id": legacy_id}).mappings().one()
        _import_book(context, dict(row))
        session.expunge_all()  # keep memory flat over thousands of books
    return report


def _expected_images(session: Session, columns: frozenset[str], ids: list[int]) -> int:
    if not ids or "page_count" not in columns:
        return 0
    return int(session.execute(text(
        f"SELECT coalesce(sum(greatest(page_count, 0)), 0) FROM {LEGACY_SCHEMA}.ebooks "
        "WHERE id = ANY(:ids)"), {"ids": ids}).scalar_one())


def _select_list(columns: frozenset[str]) -> str:
    wanted = {"title": "title", "author": "author", "status": "status::text",
              "created_at": "created_at", "theme_id": "theme_id", "audience": "audience",
              "structure_json": "structure_json", "page_count": "page_count"}
    parts = ["id"] + [f"{expr} AS {name}" if name in columns else f"NULL AS {name}"
                      for name, expr in wanted.items()]
    return ", ".join(parts)


def map_status(value: str | None) -> str:
    return STATUSES.get((value or "").strip().upper(), "DRAFT")


def map_theme(value: str | None, audience: str, themes: set[str]) -> str:
    theme = (value or "").strip()
    if theme in themes:
        return theme
    alias = THEME_ALIASES.get(theme)
    if alias is not None and alias in themes:
        return alias
    fallback = FALLBACK_THEMES.get(audience, "flowers")
    return fallback if fallback in themes else sorted(themes)[0]


def _seed(legacy_id: int) -> int:
    digest = hashlib.sha256(f"legacy-ebook:{legacy_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % _MAX_SEED


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    # The previous system wrote naive timestamps meaning UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _pages_meta(structure: Any) -> tuple[list[Any], str | None]:
    if structure is None:
        return [], "no pages (structure_json is NULL: its generation had failed)"
    if not isinstance(structure, dict) or not isinstance(structure.get("pages_meta"), list):
        return [], "no pages (structure_json has no pages_meta list)"
    return list(structure["pages_meta"]), None


def _import_book(ctx: _Context, row: dict[str, Any]) -> None:
    legacy_id, report = row["id"], ctx.report
    name = f"legacy book {legacy_id}"
    audience = row["audience"] if row["audience"] in AUDIENCES else "children"
    if row["audience"] not in AUDIENCES:
        report.problems.append(f"{name}: audience {row['audience']!r} is not one we know; "
                               f"imported for children")
    theme = map_theme(row["theme_id"], audience, ctx.themes)
    if theme != row["theme_id"]:
        report.themes[(str(row["theme_id"]), theme)] += 1
    status = map_status(row["status"])
    if (row["status"] or "").strip().upper() not in STATUSES:
        report.problems.append(f"{name}: status {row['status']!r} is unknown; imported as "
                               "a draft")
    entries, missing = _pages_meta(row["structure_json"])
    row["structure_json"] = None  # the base64 images: let them go early
    ctx.resize(len(entries) - max(row["page_count"] or 0, 0))
    cover = entries[0] if entries else None
    back = entries[-1] if len(entries) >= 2 else None
    content = entries[1:-1]
    if missing:
        report.problems.append(f"{name}: {missing}; imported without pages")
    elif back is None:
        report.problems.append(f"{name}: pages_meta holds only a cover; imported without "
                               "a back cover")
    if row["page_count"] is not None and entries and row["page_count"] != len(entries):
        report.problems.append(
            f"{name}: its page_count said {row['page_count']} but pages_meta holds "
            f"{len(entries)} images; the {len(entries)} were imported")

    ebook = Ebook(title=row["title"], subtitle="", author=row["author"], theme=theme,
                  audience=audience, trim_size=legacy_pages.LEGACY_TRIM, paper="white",
                  page_count=len(content), seed=_seed(legacy_id), status=status,
                  legacy_ebook_id=legacy_id, created_at=_utc(row["created_at"]))
    ebook.pages = ([Page(kind="cover", position=0)]
                   + [Page(kind="content", position=i) for i in range(1, len(content) + 1)]
                   + [Page(kind="back_cover", position=0)])
    ctx.session.add(ebook)
    ctx.session.flush()
    ctx.session.add(StatusChange(ebook_id=ebook.id, from_status=None, to_status=status,
                                 actor=ACTOR, reason=HISTORY_REASON % (row["status"] or "-",)))
    by_kind = {"cover": ebook.pages[0], "back_cover": ebook.pages[-1]}
    label = f"{legacy_id}: {row['title']}"
    if cover is not None:
        _import_cover(ctx, by_kind["cover"], cover, f"{name}: cover", label)
    size = legacy_pages.art_size(len(content))
    for page, entry in zip(ebook.pages[1:-1], content, strict=True):
        _import_content(ctx, page, entry, f"{name}: page {page.position}", label,
                        size=size, audience=audience)
    if back is not None:
        _import_cover(ctx, by_kind["back_cover"], back, f"{name}: back cover", label)
    ctx.session.flush()
    report.books += 1
    if specs.designs_missing(len(content)):
        report.short.append((ebook.id, specs.designs_missing(len(content))))


def _add_version(ctx: _Context, page: Page, prepared: legacy_pages.Prepared) -> PageVersion:
    version = PageVersion(page_id=page.id, image_key=ctx.storage.put(prepared.png, ".png"),
                          provider=legacy_pages.PROVIDER, model=prepared.model, prompt="",
                          seed=0, quality=prepared.quality)
    ctx.session.add(version)
    ctx.session.flush()
    page.current_version_id = version.id
    return version


def _decode(ctx: _Context, entry: Any, where: str) -> tuple[bytes, dict[str, Any]] | None:
    try:
        return legacy_pages.decode(entry)
    except legacy_pages.PageImageError as exc:
        ctx.report.problems.append(f"{where}: {exc}; left empty, to regenerate")
        return None


def _import_cover(ctx: _Context, page: Page, entry: Any, where: str, label: str) -> None:
    decoded = _decode(ctx, entry, where)
    if decoded is not None:
        png, info = decoded
        _add_version(ctx, page, legacy_pages.original(png, info, kind="colour"))
        fitted = legacy_pages.cover_panel(png, page.kind)
        if fitted is not None:
            _add_version(ctx, page, fitted)
        ctx.report.pages += 1
    ctx.progress(label)


def _import_content(ctx: _Context, page: Page, entry: Any, where: str, label: str, *,
                    size: tuple[int, int], audience: str) -> None:
    decoded = _decode(ctx, entry, where)
    if decoded is not None:
        png, info = decoded
        try:
            gate, cleaned = ctx.cleaner.current(png, info, size=size, audience=audience)
        except CleanupError as exc:
            gate, cleaned = {}, None
            ctx.report.problems.append(f"{where}: could not be cleaned to line art ({exc}); "
                                       "the original is kept, regenerate it before export")
        _add_version(ctx, page, legacy_pages.original(png, info, **gate))
        if cleaned is not None:
            _add_version(ctx, page, cleaned)
            ctx.report.cleaned += 1
        ctx.report.pages += 1
    ctx.progress(label)
