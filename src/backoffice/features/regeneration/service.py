"""Per-page edits: regenerate, restore a version, add, remove and reorder pages.

Each regeneration writes new `PageVersion` rows through the generation pipeline and moves
`Page.current_version_id`; older versions stay, so undo is setting the pointer back. The
PDFs are cached by a hash of the current image keys, so they follow these rows by
themselves. Services flush, never commit; the caller queues the returned job after commit.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backoffice.errors import InvalidInput, NotFound
from backoffice.features.creation.schemas import MAX_SEED
from backoffice.features.lifecycle.service import (
    N_,
    EditorialConflict,
    active_job,
    load_for_update,
    reopen_for_edit,
)
from backoffice.kdp import pixels, specs
from backoffice.models import Ebook, GenerationJob, Page, PageVersion

MAX_PROMPT = 2000


def _editable(session: Session, ebook_id: int, *, actor: str, what: str) -> Ebook:
    ebook = load_for_update(session, ebook_id)
    if ebook.status not in ("DRAFT", "APPROVED"):
        raise EditorialConflict(N_("A %(status)s book cannot be edited."), status=ebook.status)
    if active_job(session, ebook.id) is not None:
        raise EditorialConflict(
            N_("A generation is still running for this book: wait for it or cancel it."))
    reopen_for_edit(session, ebook, actor=actor, what=what)
    return ebook


def _pages(session: Session, ebook_id: int) -> list[Page]:
    return list(session.scalars(select(Page).where(Page.ebook_id == ebook_id)))


def _content(pages: list[Page]) -> list[Page]:
    return sorted((p for p in pages if p.kind == "content"), key=lambda p: p.position)


def _page(pages: list[Page], page_id: int) -> Page:
    for page in pages:
        if page.id == page_id:
            return page
    raise NotFound(f"page {page_id} is not in this book")


def _job(session: Session, ebook: Ebook, page_ids: list[int], overrides: dict) -> GenerationJob:
    job = GenerationJob(ebook_id=ebook.id, kind="regenerate", status="queued", done=0,
                        total=len(page_ids) + 1, step="queued",
                        params={"page_ids": page_ids, "overrides": overrides})
    session.add(job)
    session.flush()
    return job


def regenerate(session: Session, ebook_id: int, page_ids: list[int], *, actor: str,
               prompt: str | None = None, seed: int | None = None) -> GenerationJob:
    """Redraw the given pages. Without a seed each page gets a fresh random one: the
    default seed is derived from the book's, and would redraw the same picture."""
    prompt = " ".join((prompt or "").split()) or None
    if not page_ids:
        raise InvalidInput({"page_ids": "choose at least one page"})
    if prompt and len(prompt) > MAX_PROMPT:
        raise InvalidInput({"prompt": f"at most {MAX_PROMPT} characters"})
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InvalidInput({"seed": f"must be between 0 and {MAX_SEED}"})
    pages = _pages(session, ebook_id)
    if not pages:
        load_for_update(session, ebook_id)  # raises NotFound for a missing book
    chosen = [_page(pages, pid) for pid in dict.fromkeys(page_ids)]
    # The back cover is derived from the cover: a new cover means a new back cover.
    if any(p.kind == "cover" for p in chosen) and not any(p.kind == "back_cover"
                                                          for p in chosen):
        chosen += [p for p in pages if p.kind == "back_cover"]
    ebook = _editable(session, ebook_id, actor=actor, what=N_("Back to draft: pages regenerated"))
    overrides: dict[str, dict] = {}
    for page in chosen:
        entry: dict = {"seed": seed if seed is not None else secrets.randbelow(MAX_SEED)}
        if prompt and page.kind != "back_cover":
            entry["prompt"] = prompt
        overrides[str(page.id)] = entry
    return _job(session, ebook, [p.id for p in chosen], overrides)


def versions(session: Session, ebook_id: int, page_id: int) -> list[PageVersion]:
    page = session.get(Page, page_id)
    if page is None or page.ebook_id != ebook_id:
        raise NotFound(f"page {page_id} is not in ebook {ebook_id}")
    return list(session.scalars(select(PageVersion).where(PageVersion.page_id == page_id)
                                .order_by(PageVersion.id.desc())))


def restore(session: Session, ebook_id: int, page_id: int, version_id: int, *,
            actor: str) -> Page:
    page = session.get(Page, page_id)
    version = session.get(PageVersion, version_id)
    if page is None or page.ebook_id != ebook_id:
        raise NotFound(f"page {page_id} is not in ebook {ebook_id}")
    if version is None or version.page_id != page.id:
        raise NotFound(f"version {version_id} is not a version of page {page_id}")
    if page.current_version_id == version.id:
        return page
    _editable(session, ebook_id, actor=actor, what=N_("Back to draft: a page version restored"))
    page.current_version_id = version.id
    session.flush()
    return page


def add_pages(session: Session, ebook_id: int, count: int, *, actor: str) -> GenerationJob:
    if count < 1:
        raise InvalidInput({"count": "add at least one page"})
    ebook = load_for_update(session, ebook_id)
    _check_count(ebook, ebook.page_count + count, field="count")
    ebook = _editable(session, ebook_id, actor=actor, what=N_("Back to draft: pages added"))
    last = len(_content(_pages(session, ebook_id)))
    new_pages = [Page(ebook_id=ebook.id, kind="content", position=last + i)
                 for i in range(1, count + 1)]
    session.add_all(new_pages)
    ebook.page_count = last + count
    session.flush()
    # Seeds follow the book's, like the pages made at creation.
    return _job(session, ebook, [p.id for p in new_pages], {})


def _check_count(ebook: Ebook, designs: int, *, field: str) -> None:
    if designs < specs.MIN_PAGES:
        raise InvalidInput({field: f"a book keeps at least {specs.MIN_PAGES} coloring pages"})
    try:
        specs.check_page_count(pixels.interior_pages(
            designs, single_sided=ebook.single_sided, front_matter=ebook.front_matter),
            ebook.trim_size, ebook.paper)
    except specs.KdpError as exc:
        raise InvalidInput({field: f"{designs} coloring pages: {exc}"}) from None


def remove_page(session: Session, ebook_id: int, page_id: int, *, actor: str) -> Ebook:
    pages = _pages(session, ebook_id)
    page = _page(pages, page_id)
    if page.kind != "content":
        raise EditorialConflict(N_("The cover and the back cover cannot be removed."))
    ebook = load_for_update(session, ebook_id)
    _check_count(ebook, ebook.page_count - 1, field="page_id")
    _editable(session, ebook_id, actor=actor, what=N_("Back to draft: a page removed"))
    # Break the page ↔ version cycle first, then let the versions cascade with the page.
    page.current_version_id = None
    session.flush()
    session.delete(page)
    session.flush()
    _renumber(session, ebook, [p for p in _content(pages) if p.id != page_id])
    return ebook


def move_page(session: Session, ebook_id: int, page_id: int, position: int, *,
              actor: str) -> Page:
    pages = _pages(session, ebook_id)
    page = _page(pages, page_id)
    content = _content(pages)
    if page.kind != "content":
        raise EditorialConflict(N_("Only coloring pages can be moved."))
    if not 1 <= position <= len(content):
        raise InvalidInput({"position": f"must be between 1 and {len(content)}"})
    if position == page.position:
        return page
    ebook = _editable(session, ebook_id, actor=actor, what=N_("Back to draft: pages reordered"))
    order = [p for p in content if p.id != page.id]
    order.insert(position - 1, page)
    _renumber(session, ebook, order)
    return page


def _renumber(session: Session, ebook: Ebook, order: list[Page]) -> None:
    """Positions 1..N in `order`; the unique (ebook, kind, position) constraint is checked
    per row, so park every page on a negative position first."""
    ids = [p.id for p in order]
    if ids:
        session.execute(update(Page).where(Page.id.in_(ids)).values(position=-Page.position - 1)
                        .execution_options(synchronize_session=False))
        for index, page in enumerate(order, start=1):
            session.execute(update(Page).where(Page.id == page.id).values(position=index)
                            .execution_options(synchronize_session=False))
    session.expire_all()
    ebook = session.get(Ebook, ebook.id)
    assert ebook is not None
    ebook.page_count = session.scalar(select(func.count()).select_from(Page).where(
        Page.ebook_id == ebook.id, Page.kind == "content")) or 0
    session.flush()
