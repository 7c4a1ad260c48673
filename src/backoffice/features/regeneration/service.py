"""Per-page edits: regenerate, restore a version, add, remove and reorder pages.

Each regeneration writes new `PageVersion` rows through the generation pipeline and moves
`Page.current_version_id`; older versions stay, so undo is setting the pointer back. The
PDFs are cached by a hash of the current image keys, so they follow these rows by
themselves. Services flush, never commit; the caller queues the returned job after commit.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Integer, column, func, select, update, values
from sqlalchemy.orm import Session

from backoffice.art.themes import themes_in
from backoffice.config import Settings
from backoffice.errors import N_, Conflict, InvalidInput
from backoffice.features.book import status
from backoffice.features.book.schemas import MAX_SEED
from backoffice.features.book.service import (
    content_pages,
    load_for_update,
    page_in_book,
    pages_of,
    version_of_page,
)
from backoffice.features.generation import service as generation
from backoffice.kdp import pixels, specs
from backoffice.models import Ebook, GenerationJob, Page

MAX_PROMPT = 2000
NOT_DRAWABLE = N_("The offline generator draws only the subjects of its library, and this "
                  "prompt names none of them (the list: /subjects). An AI provider draws "
                  "anything: set one for coloring_page in config/generation/models.yml.")


def _editable(session: Session, ebook_id: int, *, actor: str, what: str) -> Ebook:
    ebook = load_for_update(session, ebook_id)
    status.open_for_edit(session, ebook, actor=actor, what=what)
    return ebook


def _check_offline_prompt(settings: Settings, theme_id: str, prompt: str) -> None:
    """The offline generator draws the library subjects a prompt names: a prompt naming
    none is refused here, never accepted and then ignored."""
    from backoffice.art.subjects import NothingDrawable, subjects_or_refuse
    from backoffice.providers.config import page_generator

    if page_generator(settings).provider != "procedural":
        return
    theme = themes_in(str(settings.themes_dir)).get(theme_id)
    prefer = theme.subjects.main if theme is not None and theme.subjects is not None else []
    try:
        subjects_or_refuse(prompt, prefer)
    except NothingDrawable:
        raise InvalidInput({"prompt": NOT_DRAWABLE}) from None


def regenerate(session: Session, ebook_id: int, page_ids: list[int], *, actor: str,
               prompt: str | None = None, seed: int | None = None,
               settings: Settings | None = None) -> GenerationJob:
    """Redraw the given pages. Without a seed each page gets a fresh random one: the
    default seed is derived from the book's, and would redraw the same picture. With
    `settings`, a prompt for coloring pages drawn offline must name library subjects."""
    prompt = " ".join((prompt or "").split()) or None
    if not page_ids:
        raise InvalidInput({"page_ids": N_("choose at least one page")})
    if prompt and len(prompt) > MAX_PROMPT:
        raise InvalidInput.field("prompt", N_("at most %(max)s characters"), max=MAX_PROMPT)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InvalidInput.field("seed", N_("must be between %(low)s and %(high)s"), low=0,
                                 high=MAX_SEED)
    chosen = [page_in_book(session, ebook_id, pid) for pid in dict.fromkeys(page_ids)]
    if prompt and settings is not None and any(p.kind == "content" for p in chosen):
        _check_offline_prompt(settings, load_for_update(session, ebook_id).theme, prompt)
    ebook = _editable(session, ebook_id, actor=actor, what=N_("Back to draft: pages regenerated"))
    pages = pages_of(session, ebook_id)
    # The back cover is derived from the cover: a new cover means a new back cover.
    if any(p.kind == "cover" for p in chosen) and not any(p.kind == "back_cover"
                                                          for p in chosen):
        chosen += [p for p in pages if p.kind == "back_cover"]
    overrides: dict[str, dict] = {}
    for page in chosen:
        entry: dict = {"seed": seed if seed is not None else secrets.randbelow(MAX_SEED)}
        if prompt and page.kind != "back_cover":
            entry["prompt"] = prompt
        overrides[str(page.id)] = entry
    return generation.start(session, ebook, kind="regenerate",
                            page_ids=[p.id for p in chosen], overrides=overrides)


def restore(session: Session, ebook_id: int, page_id: int, version_id: int, *,
            actor: str) -> Page:
    page = page_in_book(session, ebook_id, page_id)
    version = version_of_page(session, page, version_id)
    if page.current_version_id == version.id:
        return page
    _editable(session, ebook_id, actor=actor, what=N_("Back to draft: a page version restored"))
    page.current_version_id = version.id
    session.flush()
    return page


def add_pages(session: Session, ebook_id: int, count: int, *, actor: str) -> GenerationJob:
    if count < 1:
        raise InvalidInput({"count": N_("add at least one page")})
    ebook = load_for_update(session, ebook_id)
    _check_count(ebook, ebook.page_count + count, field="count")
    ebook = _editable(session, ebook_id, actor=actor, what=N_("Back to draft: pages added"))
    last = len(content_pages(pages_of(session, ebook_id)))
    new_pages = [Page(ebook_id=ebook.id, kind="content", position=last + i)
                 for i in range(1, count + 1)]
    session.add_all(new_pages)
    ebook.page_count = last + count
    session.flush()
    # Seeds follow the book's, like the pages made at creation.
    return generation.start(session, ebook, kind="regenerate",
                            page_ids=[p.id for p in new_pages])


def _check_count(ebook: Ebook, designs: int, *, field: str) -> None:
    """The same rule and message as the creation form and the API (kdp.specs)."""
    try:
        pixels.check_designs(designs, ebook.trim_size, ebook.paper,
                             single_sided=ebook.single_sided, front_matter=ebook.front_matter,
                             furniture=ebook.furniture or ())
    except specs.KdpError as exc:
        raise InvalidInput({field: exc.message}) from None


def remove_page(session: Session, ebook_id: int, page_id: int, *, actor: str) -> Ebook:
    page = page_in_book(session, ebook_id, page_id)
    pages = pages_of(session, ebook_id)
    if page.kind != "content":
        raise Conflict(N_("The cover and the back cover cannot be removed."))
    ebook = load_for_update(session, ebook_id)
    _check_count(ebook, ebook.page_count - 1, field="page_id")
    _editable(session, ebook_id, actor=actor, what=N_("Back to draft: a page removed"))
    # Break the page ↔ version cycle first, then let the versions cascade with the page.
    page.current_version_id = None
    session.flush()
    session.delete(page)
    session.flush()
    _renumber(session, ebook, [p for p in content_pages(pages) if p.id != page_id])
    return ebook


def move_page(session: Session, ebook_id: int, page_id: int, position: int, *,
              actor: str) -> Page:
    page = page_in_book(session, ebook_id, page_id)
    content = content_pages(pages_of(session, ebook_id))
    if page.kind != "content":
        raise Conflict(N_("Only coloring pages can be moved."))
    if not 1 <= position <= len(content):
        raise InvalidInput.field("position", N_("must be between %(low)s and %(high)s"), low=1,
                                 high=len(content))
    if position == page.position:
        return page
    ebook = _editable(session, ebook_id, actor=actor, what=N_("Back to draft: pages reordered"))
    order = [p for p in content if p.id != page.id]
    order.insert(position - 1, page)
    _renumber(session, ebook, order)
    return page


def _renumber(session: Session, ebook: Ebook, order: list[Page]) -> None:
    """Positions 1..N in `order`, in two statements whatever the book's size; the unique
    (ebook, kind, position) constraint is checked per row, so every page is parked on a
    negative position first."""
    ids = [p.id for p in order]
    if ids:
        session.execute(update(Page).where(Page.id.in_(ids)).values(position=-Page.position - 1)
                        .execution_options(synchronize_session=False))
        new = values(column("id", Integer), column("position", Integer), name="new").data(
            [(page.id, index) for index, page in enumerate(order, start=1)])
        session.execute(update(Page).where(Page.id == new.c.id)
                        .values(position=new.c.position)
                        .execution_options(synchronize_session=False))
    session.expire_all()
    ebook.page_count = session.scalar(select(func.count()).select_from(Page).where(
        Page.ebook_id == ebook.id, Page.kind == "content")) or 0
    session.flush()
