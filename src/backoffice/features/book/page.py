"""The book's page: everything it shows, and the answer to every action taken on it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from backoffice.art.themes import themes_in
from backoffice.config import Settings
from backoffice.features.book import service, status
from backoffice.kdp import pixels, specs
from backoffice.models import JOB_ACTIVE
from backoffice.providers.config import page_generator
from backoffice.web.feedback import is_htmx, with_toast
from backoffice.web.templating import redirect, render


def _cover_sizes(trim: str, paper: str, interior_pages: int) -> dict[str, str]:
    """The sizes an uploaded cover must have for this book, in inches and pixels."""
    from backoffice.kdp.cover_upload import expected_size

    sizes = {}
    for kind in ("front", "wrap"):
        width, height = expected_size(trim, paper, interior_pages, kind)
        sizes[kind] = (f'{width:.3f}" × {height:.3f}" ({round(width * 300)} × '
                       f"{round(height * 300)} px)")
    return sizes


def detail_context(request: Request, session: Session, settings: Settings, ebook_id: int,
                   open_page: int | None = None) -> dict[str, Any]:
    """Everything the book page shows; also re-rendered after every action on it."""
    ebook = service.get_ebook(session, ebook_id)
    job = service.latest_jobs(session, [ebook.id]).get(ebook.id)
    pages = service.ordered_pages(ebook)
    interior = pixels.book_interior_pages(ebook)
    viewer = None
    if open_page is not None:
        page = next((p for p in pages if p.id == open_page), None)
        if page is not None:
            index = pages.index(page)
            viewer = {"page": page, "versions": service.versions(session, page),
                      "prev": pages[index - 1] if index > 0 else None,
                      "next": pages[index + 1] if index + 1 < len(pages) else None,
                      "content_count": sum(p.kind == "content" for p in pages)}
    active = job is not None and job.status in JOB_ACTIVE
    complete = all(p.current_version_id for p in pages)
    # Only books adopted from the previous system can be short of pages.
    pages_to_add = specs.designs_missing(ebook.page_count)
    low, high = specs.page_limits(ebook.trim_size, ebook.paper)
    return {
        "ebook": ebook, "job": job, "pages": pages, "viewer": viewer,
        "theme": themes_in(str(settings.themes_dir)).get(ebook.theme),
        "interior_pages": interior,
        "spine_in": specs.spine_width(interior, ebook.paper),
        "trim": specs.trim(ebook.trim_size), "paper": specs.paper(ebook.paper),
        "active": active, "complete": complete,
        "downloadable": complete and not active and not pages_to_add,
        "pages_to_add": pages_to_add,
        "legacy_pdf_size": service.legacy_pdf_size(session, ebook),
        "editable": ebook.status in ("DRAFT", "APPROVED") and not active,
        "actions": status.allowed_actions(ebook.status),
        "history": service.history(session, ebook.id),
        "max_add": max(0, (high - interior) // (2 if ebook.single_sided else 1)),
        "export": service.latest_export(session, ebook.id), "ebook_id": ebook.id,
        # The newest page version shown: the progress poll sends only newer cards.
        "since": max([0, *(p.current_version_id or 0 for p in pages)]),
        "min_pages": specs.MIN_PAGES,
        "cover_sizes": _cover_sizes(ebook.trim_size, ebook.paper, interior),
        # Which generator drew the pages, and which draws the next ones.
        "drawn_by": sorted({p.current_version.provider for p in pages
                            if p.kind == "content" and p.current_version is not None}),
        "generator": page_generator(settings),
    }


def after_action(request: Request, session: Session, settings: Settings, ebook_id: int,
                 message: str, *, open_page: int | None = None) -> Response:
    """The answer to an action on a book's page, rendered in the action's own
    transaction (so it shows what will be committed): the re-rendered page body plus a
    toast for HTMX, a redirect (PRG) for a plain form."""
    url = str(request.url_for("ebook_detail", ebook_id=ebook_id))
    if open_page is not None:
        url += f"?page={open_page}"
    if not is_htmx(request):
        return redirect(request, url)
    session.flush()
    session.expire_all()
    context = detail_context(request, session, settings, ebook_id, open_page=open_page)
    # The address follows what is shown: no `?page=` of a page just removed or closed.
    response = render(request, "book/_detail_body.html", context,
                      headers={"HX-Replace-Url": url})
    return with_toast(response, request, message)
