"""Build a book's PDFs from its current page versions, run the KDP preflight on them,
and decide whether the book may be published.

PDFs are cached under a hash of every input (book fields, current image keys, builder
version), so a regenerated page can never be served from a stale PDF."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.errors import N_, Conflict, InvalidInput, Message
from backoffice.features.book.service import latest_export
from backoffice.features.export.rule_labels import sentence
from backoffice.features.listing import service as listing_service
from backoffice.kdp import specs
from backoffice.kdp.listing import NON_AI_PROVIDERS
from backoffice.models import Ebook, Export, Page, PageVersion
from backoffice.storage import Storage, get_storage

if TYPE_CHECKING:
    from backoffice.kdp.preflight import PageGate

# Bump when the PDF layout changes, so cached PDFs are rebuilt.
BUILDER_VERSION = "4"
# Uploaded pages are the publisher's own art: whether it was made with AI is theirs to
# declare to KDP, so it does not print the AI notice on its own. The listing's answer to
# KDP's AI question reads the same set.
OFFLINE_PROVIDERS = NON_AI_PROVIDERS
MIN_OVERRIDE_REASON = 5


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


# Shown on the book page too, with the same values.
TOO_FEW_PAGES = N_("This book has %(designs)s coloring pages, fewer than the %(min)s a book "
                   "needs: add %(count)s pages before exporting or publishing it.")


def require_enough_pages(ebook: Ebook) -> None:
    """Books adopted from the previous system may hold fewer designs than KDP's minimum
    allows here; they are never padded with blanks, so nothing is built until pages are
    added."""
    missing = specs.designs_missing(ebook.page_count)
    if missing:
        raise Conflict(TOO_FEW_PAGES, designs=ebook.page_count, min=specs.MIN_PAGES,
                       count=missing)


def gate_verdicts(session: Session, ebook: Ebook) -> list[PageGate]:
    """The line-art gate's verdict on each coloring page's current version (pages made
    before the gate existed, or brought in without a verdict, count as passed)."""
    from backoffice.kdp.preflight import PageGate

    rows = session.execute(
        select(Page.position, PageVersion.quality)
        .join(PageVersion, Page.current_version_id == PageVersion.id)
        .where(Page.ebook_id == ebook.id, Page.kind == "content")
        .order_by(Page.position)).all()
    return [PageGate(position, (quality or {}).get("passed", True) is not False,
                     tuple(str(f.get("code", "")) for f in (quality or {}).get("failures") or ()
                           if isinstance(f, dict)))
            for position, quality in rows]


def pages_failing_gate(session: Session, ebook: Ebook) -> list[int]:
    return [page.position for page in gate_verdicts(session, ebook) if not page.passed]


def uses_ai(versions: list[PageVersion]) -> bool:
    return any(v.provider not in OFFLINE_PROVIDERS for v in versions)


def art_credits(versions: list[PageVersion], language: str) -> list[str]:
    """The credits the art's licences ask for: the subject library's, when a page used
    its drawings (the offline generator records them per page)."""
    from backoffice.art.subjects import CREDIT

    if any((v.quality or {}).get("glyphs") for v in versions):
        return [CREDIT.get(language, CREDIT["en"])]
    return []


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
    from backoffice.kdp.cover_pdf import build_cover_pdf, build_uploaded_cover_pdf
    from backoffice.kdp.interior_pdf import (
        InteriorOptions,
        build_interior_pdf,
        interior_page_total,
    )

    require_enough_pages(ebook)
    versions = _current_versions(session, ebook)
    storage = get_storage(settings)
    content = versions["content"]
    options = InteriorOptions(
        trim=ebook.trim_size, paper=ebook.paper, title=ebook.title, author=ebook.author,
        year=_year(ebook), isbn=ebook.isbn, ai_disclosure=uses_ai(content),
        front_matter=ebook.front_matter, single_sided=ebook.single_sided,
        page_numbers=ebook.page_numbers, language=settings.language,
        furniture=tuple(ebook.furniture or ()), audience=ebook.audience,
        credits=art_credits(content, settings.language),
    )
    total = interior_page_total(len(content), options)
    interior_key = _cache_key("interior", ebook, content, {
        "ai": options.ai_disclosure, "lang": options.language, "single": ebook.single_sided,
        "front": ebook.front_matter, "numbers": ebook.page_numbers,
        "furniture": list(options.furniture), "audience": ebook.audience,
        "credits": options.credits})
    try:
        if interior:
            # Local files of the pages, fetched only when the PDF is not stored yet.
            storage.put_file(interior_key, lambda tmp: build_interior_pdf(
                [storage.path(v.image_key) for v in content], tmp, options))
    except ValueError as exc:
        # A page that is not print-ready line art (e.g. gray) must be regenerated first.
        raise Conflict(N_("The interior cannot be built: %(reason)s"), reason=str(exc)) from None

    front, back = versions["cover"][0], versions["back_cover"][0]
    text, spine_color = cover_text(ebook, front, back, settings)
    cover_key = _cache_key("cover", ebook, [front, back], {
        "spine": spine_color, "pages": total, "blurb": ebook.blurb,
        "designs": [front.quality.get("design"), back.quality.get("design"), ebook.page_count]})
    wrap = (front.quality.get("upload") or {})
    if wrap.get("kind") == "wrap":
        # A full wrap made elsewhere is the cover PDF itself, boxed and cleaned.
        cover_key = _cache_key("cover", ebook, [front], {"pages": total, "upload": wrap})
        if cover:
            storage.put_file(cover_key, lambda tmp: build_uploaded_cover_pdf(
                storage.path(wrap["file_key"]), tmp, trim=ebook.trim_size, paper=ebook.paper,
                interior_pages=total))
    elif cover:
        storage.put_file(cover_key, lambda tmp: build_cover_pdf(
            storage.path(front.image_key), storage.path(back.image_key), tmp,
            trim=ebook.trim_size, paper=ebook.paper, interior_pages=total, title=ebook.title,
            subtitle=ebook.subtitle, author=ebook.author, spine_color=spine_color,
            isbn=ebook.isbn, blurb=ebook.blurb, text=text))
    return BookFiles(interior_key, cover_key, total)


def cover_text(ebook: Ebook, front: PageVersion, back: PageVersion, settings: Settings):
    """The text each cover panel gets, from the design its stored image was drawn with, and
    the spine's colour. Covers made before designs keep the plain layout."""
    from backoffice.art.themes import themes_in
    from backoffice.kdp.cover_design import layout_from_record
    from backoffice.kdp.cover_pdf import CoverText

    fields = {"title": ebook.title, "subtitle": ebook.subtitle, "author": ebook.author,
              "designs": ebook.page_count, "blurb": ebook.blurb or ""}
    front_layout = layout_from_record("front", front.quality, ebook.trim_size, **fields)
    back_layout = layout_from_record("back", back.quality, ebook.trim_size, **fields)
    theme = themes_in(str(settings.themes_dir)).get(ebook.theme)
    spine = theme.palette[0] if theme else "#ffffff"
    if back_layout is not None:
        spine = back_layout.background
    elif front_layout is not None:
        spine = front_layout.background
    uploaded = front.quality.get("design", {}).get("template") == "uploaded"
    return CoverText(front=front_layout.lines if front_layout else None,
                     back=back_layout.lines if back_layout else None,
                     front_text=not uploaded), spine


def interior_pdf(session: Session, settings: Settings, ebook: Ebook) -> str:
    """The storage key of the book's interior PDF, built when not yet stored."""
    return build_files(session, settings, ebook, cover=False).interior_key


def cover_pdf(session: Session, settings: Settings, ebook: Ebook) -> str:
    """The storage key of the book's cover PDF, built when not yet stored."""
    return build_files(session, settings, ebook, interior=False).cover_key


def run_export(session: Session, settings: Settings, ebook: Ebook, *, actor: str) -> Export:
    """Export the current pages and preflight them, reusing the last run when nothing
    changed since (same files, so the same verdict)."""
    from backoffice.kdp.preflight import run_preflight

    files = build_files(session, settings, ebook)
    gate = gate_verdicts(session, ebook)
    # The listing's metadata rules join the print rules: an edited listing is a new
    # verdict on the same files.
    listing = listing_service.fingerprint(session, settings, ebook)
    previous = latest_export(session, ebook.id)
    if (previous is not None and previous.interior_key == files.interior_key
            and previous.cover_key == files.cover_key
            and previous.report.get("gate") == _gate_dicts(gate)
            and previous.report.get("listing") == listing):
        return previous
    storage = get_storage(settings)
    report = run_preflight(storage.path(files.interior_key), storage.path(files.cover_key),
                           trim=ebook.trim_size, paper=ebook.paper, isbn=ebook.isbn,
                           gate=gate)
    report.rules += listing_service.rules(session, settings, ebook)
    stored = {**report.to_dict(), "listing": listing}
    export = Export(ebook_id=ebook.id, interior_key=files.interior_key,
                    cover_key=files.cover_key, interior_pages=files.interior_pages,
                    passed=report.passed, report=stored, actor=actor)
    session.add(export)
    session.flush()
    return export


def _gate_dicts(gate: list[PageGate]) -> list[dict[str, Any]]:
    return [{"position": page.position, "passed": page.passed,
             "failures": list(page.failures)} for page in gate]


def failing_rules(export: Export) -> list[Message]:
    return [sentence(rule) for rule in export.report.get("rules", []) if not rule["passed"]]


def ensure_publishable(session: Session, settings: Settings, ebook: Ebook, *, actor: str,
                       override_reason: str | None = None) -> Export:
    """The current files must pass the preflight (the line-art gate of every page
    included), unless someone allowed to overrides it with a reason, which is recorded
    on the export; a later change of pages makes a new export that needs a new decision."""
    export = run_export(session, settings, ebook, actor=actor)
    # An admin's override holds for these very files (a new export, after any change,
    # has none).
    if export.passed or (export.override_by and not override_reason):
        return export
    if not override_reason:
        raise Conflict(N_("KDP preflight failed: %(rules)s"),
                       rules=failing_rules(export))
    export.override_by, export.override_reason = actor, override_reason
    return export


def override(session: Session, settings: Settings, ebook: Ebook, *, actor: str,
             reason: str) -> Export:
    """An admin allows a failing export to be downloaded and published anyway."""
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_OVERRIDE_REASON:
        raise InvalidInput.field("reason", N_("at least %(min)s characters"),
                                 min=MIN_OVERRIDE_REASON)
    export = run_export(session, settings, ebook, actor=actor)
    if export.passed:
        raise Conflict(N_("The preflight passes: there is nothing to override."))
    return ensure_publishable(session, settings, ebook, actor=actor, override_reason=reason)


def require_downloadable(export: Export) -> None:
    """The bundle is for files KDP accepts, or that an admin let through."""
    if not export.passed and not export.override_by:
        raise Conflict(N_("KDP preflight failed: %(rules)s"),
                       rules=failing_rules(export))


def bundle_key(session: Session, settings: Settings, ebook: Ebook, export: Export,
               lang: str = "en") -> str:
    """The storage key of the zip of interior, cover, preflight.json, README.txt (in
    `lang`) and both KDP listings (text in KDP's form order, and JSON) for this export,
    built when not yet stored."""
    from backoffice.kdp.bundle import listing_members, write_bundle
    from backoffice.kdp.preflight import PreflightReport
    from backoffice.web.i18n import translations

    storage: Storage = get_storage(settings)
    content = [p.current_version for p in ebook.pages
               if p.kind == "content" and p.current_version is not None]
    credits = art_credits(content, lang)
    listings = {market: listing_service.documents(session, settings, ebook, market)
                for market in ("fr", "en")}
    members = listing_members(ebook.title, listings)
    payload = json.dumps([export.interior_key, export.cover_key, export.report, ebook.title,
                          lang, credits, members, 3], sort_keys=True)
    key = hashlib.sha256(payload.encode()).hexdigest() + ".zip"
    report = PreflightReport.from_dict(export.report)
    storage.put_file(key, lambda tmp: write_bundle(
        tmp, interior_pdf=storage.path(export.interior_key),
        cover_pdf=storage.path(export.cover_key), report=report, trim=ebook.trim_size,
        paper=ebook.paper, interior_pages=export.interior_pages, title=ebook.title,
        gettext=translations(lang).gettext, lang=lang, extra=members, credits=credits))
    return key


def cover_preview_png(settings: Settings, export: Export, ebook: Ebook) -> bytes:
    from backoffice.kdp.cover_pdf import render_cover_preview

    storage = get_storage(settings)
    key = hashlib.sha256(f"preview:{export.cover_key}:1".encode()).hexdigest() + ".png"
    storage.put_file(key, lambda tmp: render_cover_preview(
        storage.path(export.cover_key), tmp, trim=ebook.trim_size, paper=ebook.paper,
        interior_pages=export.interior_pages))
    return storage.get(key)

