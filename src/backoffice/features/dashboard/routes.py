"""The dashboard (counts, filters, search, live rows) and `GET /api/ebooks`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.orm import Session

from backoffice.art.themes import themes_in
from backoffice.deps import SessionDep, SettingsDep
from backoffice.features.book.presenters import page_image_url
from backoffice.features.book.schemas import EbookList, EbookSummary, JobOut
from backoffice.features.book.service import latest_jobs
from backoffice.features.dashboard import service
from backoffice.models import EBOOK_STATUSES, Ebook
from backoffice.web.templating import render

router = APIRouter()
PAGE_SIZE = 15


def _status_filter(status: str | None, *, strict: bool = True) -> str | None:
    """The API refuses an unknown status (422 in FastAPI's usual shape); the dashboard
    simply shows every book, as for a hand-edited URL."""
    if status in (None, "", "all"):
        return None
    if status.upper() not in EBOOK_STATUSES:
        if not strict:
            return None
        raise RequestValidationError([{
            "loc": ("query", "status"), "type": "value_error", "input": status[:50],
            "msg": f"must be one of {', '.join(EBOOK_STATUSES)}"}])
    return status.upper()


@router.get("/api/ebooks", response_model=EbookList, tags=["ebooks"])
def api_list_ebooks(session: SessionDep, status: str | None = Query(None, max_length=20),
                    q: str | None = Query(None, max_length=200),
                    sort: str = Query("newest", pattern="^(newest|oldest|title|author)$"),
                    page: int = Query(1, ge=1, le=100_000),
                    size: int = Query(PAGE_SIZE, ge=1, le=100)) -> EbookList:
    result = service.list_ebooks(session, status=_status_filter(status), query=q, sort=sort,
                                 page=page, size=size)
    jobs = latest_jobs(session, [e.id for e in result.items])
    items = [EbookSummary.model_validate(e).model_copy(
        update={"job": JobOut.model_validate(jobs[e.id]) if e.id in jobs else None})
        for e in result.items]
    return EbookList(items=items, total=result.total, page=result.page, size=result.size,
                     pages=result.pages)


def _row_extras(request: Request, session: Session, ebook_ids: list[int]) -> dict[str, Any]:
    """What the rows show besides their book and its job: whether a page still has no
    image, and the cover's thumbnail."""
    extras = service.row_extras(session, ebook_ids)
    return {
        "incomplete": extras.incomplete,
        "covers": {ebook_id: page_image_url(request, ebook_id, page_id, 120, version_id)
                   for ebook_id, (page_id, version_id) in extras.covers.items()},
    }


@router.get("/", name="dashboard", include_in_schema=False)
def dashboard(request: Request, session: SessionDep, settings: SettingsDep,
              status: str | None = Query(None, max_length=20),
              q: str | None = Query(None, max_length=200),
              sort: str = Query("newest", max_length=20),
              page: int = Query(1, ge=1, le=100_000)) -> Response:
    status_filter = _status_filter(status, strict=False)
    sort = sort if sort in service.SORTS else "newest"
    stats = service.stats(session)
    result = service.list_ebooks(session, status=status_filter, query=q, sort=sort, page=page,
                                 size=PAGE_SIZE, counts=stats)
    ids = [e.id for e in result.items]
    context = {
        "result": result, "jobs": latest_jobs(session, ids), **_row_extras(request, session, ids),
        "stats": stats, "status": status_filter, "q": q or "", "sort": sort,
        "themes": themes_in(str(settings.themes_dir)),
    }
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "book-list":
        # Filters and pagination swap only the list, so typing in the search box is live.
        return render(request, "dashboard/_book_list.html", context)
    return render(request, "dashboard/dashboard.html", context)


@router.get("/ebooks/stats", name="dashboard_stats", include_in_schema=False)
def stats_partial(request: Request, session: SessionDep) -> Response:
    return render(request, "dashboard/_stats.html", {"stats": service.stats(session)})


@router.get("/ebooks/{ebook_id}/row", name="ebook_row", include_in_schema=False)
def row_partial(ebook_id: int, request: Request, session: SessionDep,
                settings: SettingsDep) -> Response:
    ebook = session.get(Ebook, ebook_id)
    if ebook is None:
        return Response(status_code=200)  # deleted meanwhile: the row disappears
    return render(request, "dashboard/_row.html", {
        "ebook": ebook, "job": latest_jobs(session, [ebook.id]).get(ebook.id),
        **_row_extras(request, session, [ebook.id]),
        "themes": themes_in(str(settings.themes_dir)),
    })
