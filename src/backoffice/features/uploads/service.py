"""Pages from the user's files: added to a book at a position, replacing a page as a new
version, or making a new book. Each runs in the caller's transaction and starts a
generation job (queued after the commit) that makes the pages from the stored files;
nothing is written when the batch is refused."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backoffice.art.imports.page import PhotoMode
from backoffice.art.themes import themes_in
from backoffice.config import Settings
from backoffice.errors import N_, Conflict, InvalidInput, RejectedFiles
from backoffice.features.book import status
from backoffice.features.book.schemas import MAX_SEED
from backoffice.features.book.service import load_for_update, page_in_book
from backoffice.features.generation import service as generation
from backoffice.features.uploads.schemas import ImportCreate
from backoffice.features.uploads.staging import Batch
from backoffice.kdp import pixels, specs
from backoffice.models import Ebook, GenerationJob, Page, StatusChange


def check_batch(batch: Batch, *, strict: bool) -> None:
    """Strict: any bad file refuses the whole upload; otherwise only an upload with
    nothing usable is refused. Either way nothing has been written yet."""
    if batch.rejected and (strict or not batch.accepted):
        raise RejectedFiles([item.as_tuple() for item in batch.rejected])
    if not batch.accepted:
        raise InvalidInput({"files": N_("choose at least one file")})


def _rejected(batch: Batch) -> list[dict[str, Any]]:
    return [item.to_json() for item in batch.rejected]


def art_size_for(ebook: Ebook, extra_designs: int = 0) -> tuple[int, int]:
    return pixels.art_size_px(ebook.trim_size, pixels.interior_pages(
        ebook.page_count + extra_designs, single_sided=ebook.single_sided,
        front_matter=ebook.front_matter, furniture=ebook.furniture or ()))


def _check_total(ebook: Ebook, designs: int) -> None:
    """KDP's maximum for the trim and paper; short books are allowed (they must gain
    pages before export, like books adopted from the previous system)."""
    total = pixels.interior_pages(designs, single_sided=ebook.single_sided,
                                  front_matter=ebook.front_matter,
                                  furniture=ebook.furniture or ())
    _low, high = specs.page_limits(ebook.trim_size, ebook.paper)
    if total > high:
        raise InvalidInput.field(
            "files", N_("%(designs)s coloring pages make %(total)s interior pages, above "
                        "KDP's maximum of %(high)s for this format"),
            designs=designs, total=total, high=high)


def add_pages(session: Session, ebook_id: int, batch: Batch, *, position: int | None,
              photo: PhotoMode, strict: bool, actor: str) -> GenerationJob:
    """The files' pages inserted at `position` (1 = first; the end when None); the pages
    from there on move down."""
    check_batch(batch, strict=strict)
    ebook = load_for_update(session, ebook_id)
    status.open_for_edit(session, ebook, actor=actor, what=N_("Back to draft: pages uploaded"))
    count = batch.pages
    content = session.scalar(select(func.count()).select_from(Page).where(
        Page.ebook_id == ebook.id, Page.kind == "content")) or 0
    if position is None:
        position = content + 1
    if not 1 <= position <= content + 1:
        raise InvalidInput.field("position", N_("must be between 1 and %(max)s"),
                                 max=content + 1)
    _check_total(ebook, content + count)
    # Make room: park the pages that move on negative positions first, since the unique
    # (ebook, kind, position) constraint is checked row by row.
    moving = (Page.ebook_id == ebook.id) & (Page.kind == "content") & (Page.position >= position)
    session.execute(update(Page).where(moving).values(position=-(Page.position + count))
                    .execution_options(synchronize_session=False))
    session.execute(update(Page).where(Page.ebook_id == ebook.id, Page.kind == "content",
                                       Page.position < 0).values(position=-Page.position)
                    .execution_options(synchronize_session=False))
    session.expire_all()
    new_pages = [Page(ebook_id=ebook.id, kind="content", position=position + i)
                 for i in range(count)]
    session.add_all(new_pages)
    ebook.page_count = content + count
    session.flush()
    sources = batch.sources(photo)
    return generation.start(session, ebook, kind="upload", page_ids=[p.id for p in new_pages],
                            sources={str(p.id): s for p, s in zip(new_pages, sources,
                                                                  strict=True)},
                            rejected=_rejected(batch))


def replace_page(session: Session, ebook_id: int, page_id: int, batch: Batch, *,
                 photo: PhotoMode, strict: bool, actor: str) -> GenerationJob:
    """One file's page as a new version of a coloring page; the older versions stay
    restorable."""
    check_batch(batch, strict=strict)
    page = page_in_book(session, ebook_id, page_id)
    if page.kind != "content":
        raise Conflict(N_("Only coloring pages can be replaced by an uploaded image."))
    if batch.pages != 1:
        raise InvalidInput.field(
            "files", N_("a page is replaced by exactly one image; these files make "
                        "%(pages)s pages"), pages=batch.pages)
    ebook = load_for_update(session, ebook_id)
    status.open_for_edit(session, ebook, actor=actor,
                         what=N_("Back to draft: a page replaced by an upload"))
    return generation.start(session, ebook, kind="upload", page_ids=[page.id],
                            sources={str(page.id): batch.sources(photo)[0]},
                            rejected=_rejected(batch))


def import_book(session: Session, settings: Settings, data: ImportCreate, batch: Batch, *,
                photo: PhotoMode, strict: bool, actor: str) -> tuple[Ebook, GenerationJob]:
    """A DRAFT book whose coloring pages are the files, in name order; its cover and back
    cover are drawn by the usual pipeline."""
    check_batch(batch, strict=strict)
    themes = themes_in(str(settings.themes_dir))
    theme = data.theme or next(iter(themes))
    if theme not in themes:
        raise InvalidInput.field("theme", N_("unknown theme %(theme)s; choose one of "
                                             "%(themes)s"), theme=repr(theme),
                                 themes=", ".join(themes))
    ebook = Ebook(title=data.title, subtitle=data.subtitle, author=data.author, theme=theme,
                  audience=data.audience, trim_size=data.trim_size, paper=data.paper,
                  page_count=batch.pages, seed=secrets.randbelow(MAX_SEED), status="DRAFT")
    _check_total(ebook, batch.pages)
    content = [Page(kind="content", position=i) for i in range(1, batch.pages + 1)]
    ebook.pages = [Page(kind="cover", position=0), *content, Page(kind="back_cover",
                                                                  position=0)]
    session.add(ebook)
    session.flush()
    session.add(StatusChange(ebook_id=ebook.id, from_status=None, to_status="DRAFT",
                             actor=actor, reason=None))
    job = generation.start(session, ebook, kind="import", page_ids=[p.id for p in ebook.pages],
                           sources={str(p.id): s for p, s in zip(content, batch.sources(photo),
                                                                 strict=True)},
                           rejected=_rejected(batch))
    return ebook, job


def import_art_size(data: ImportCreate) -> tuple[int, int]:
    """The art box the files are checked against before the book exists (its gutter
    assumes the shortest book; the pages themselves are made at the book's own size)."""
    return pixels.art_size_px(data.trim_size, pixels.interior_pages(specs.MIN_PAGES))
