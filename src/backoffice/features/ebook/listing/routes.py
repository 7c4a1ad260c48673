"""Dashboard, book detail, live progress and page images; the read side of the API."""

from __future__ import annotations

import hashlib
import io

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from PIL import Image

from backoffice.deps import SessionDep, SettingsDep
from backoffice.features.ebook.listing import service
from backoffice.features.ebook.shared import geometry, kdp
from backoffice.features.ebook.shared.presenters import ebook_detail, page_image_url
from backoffice.features.ebook.shared.schemas import EbookDetail, EbookList, EbookSummary, JobOut
from backoffice.features.shared.errors import NotFound
from backoffice.features.shared.storage import get_storage
from backoffice.features.shared.themes import themes_in
from backoffice.features.shared.web import render
from backoffice.models import EBOOK_STATUSES, Page

router = APIRouter()
PAGE_SIZE = 15


def _status_filter(status: str | None) -> str | None:
    if status in (None, "", "all"):
        return None
    if status.upper() not in EBOOK_STATUSES:
        raise HTTPException(422, f"status must be one of {', '.join(EBOOK_STATUSES)}")
    return status.upper()


@router.get("/api/ebooks", response_model=EbookList, tags=["ebooks"])
def api_list_ebooks(session: SessionDep, status: str | None = Query(None),
                    q: str | None = Query(None, max_length=200),
                    sort: str = Query("newest", pattern="^(newest|oldest|title|author)$"),
                    page: int = Query(1, ge=1, le=100_000),
                    size: int = Query(PAGE_SIZE, ge=1, le=100)) -> EbookList:
    result = service.list_ebooks(session, status=_status_filter(status), query=q, sort=sort,
                                 page=page, size=size)
    jobs = service.latest_jobs(session, [e.id for e in result.items])
    items = [EbookSummary.model_validate(e).model_copy(
        update={"job": JobOut.model_validate(jobs[e.id]) if e.id in jobs else None})
        for e in result.items]
    return EbookList(items=items, total=result.total, page=result.page, size=result.size,
                     pages=result.pages)


@router.get("/api/ebooks/{ebook_id}", response_model=EbookDetail, tags=["ebooks"],
            responses={404: {"description": "No such ebook"}})
def api_get_ebook(ebook_id: int, request: Request, session: SessionDep) -> EbookDetail:
    try:
        ebook = service.get_ebook(session, ebook_id)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    job = service.latest_jobs(session, [ebook.id]).get(ebook.id)
    return ebook_detail(request, ebook, job)


@router.get("/", name="dashboard", include_in_schema=False)
def dashboard(request: Request, session: SessionDep, settings: SettingsDep,
              status: str | None = Query(None), q: str | None = Query(None, max_length=200),
              sort: str = Query("newest"), page: int = Query(1, ge=1, le=100_000)) -> Response:
    status_filter = _status_filter(status)
    result = service.list_ebooks(session, status=status_filter, query=q, sort=sort, page=page,
                                 size=PAGE_SIZE)
    jobs = service.latest_jobs(session, [e.id for e in result.items])
    covers = {}
    for ebook in result.items:
        cover = next((p for p in ebook.pages if p.kind == "cover"), None)
        if cover is not None and cover.current_version_id:
            covers[ebook.id] = page_image_url(request, ebook.id, cover.id, 120,
                                              cover.current_version_id)
    return render(request, "listing/dashboard.html", {
        "result": result, "jobs": jobs, "covers": covers, "stats": service.stats(session),
        "status": status_filter, "q": q or "", "sort": sort,
        "themes": themes_in(str(settings.themes_dir)),
    })


@router.get("/ebooks/{ebook_id}", name="ebook_detail", include_in_schema=False)
def detail_page(ebook_id: int, request: Request, session: SessionDep,
                settings: SettingsDep) -> Response:
    try:
        ebook = service.get_ebook(session, ebook_id)
    except NotFound:
        return render(request, "listing/not_found.html", {}, status_code=404)
    job = service.latest_jobs(session, [ebook.id]).get(ebook.id)
    interior = geometry.interior_pages(ebook.page_count)
    return render(request, "listing/detail.html", {
        "ebook": ebook, "job": job, "pages": service.ordered_pages(ebook),
        "theme": themes_in(str(settings.themes_dir)).get(ebook.theme),
        "interior_pages": interior,
        "spine_in": kdp.spine_width(interior, ebook.paper),
        "trim": kdp.trim(ebook.trim_size), "paper": kdp.paper(ebook.paper),
    })


@router.get("/ebooks/{ebook_id}/progress", name="ebook_progress", include_in_schema=False)
def progress_partial(ebook_id: int, request: Request, session: SessionDep) -> Response:
    job = service.latest_jobs(session, [ebook_id]).get(ebook_id)
    if job is None:
        raise HTTPException(404, "no generation job")
    headers = {}
    if job.status == "succeeded":
        # Reload once so the thumbnails and downloads appear.
        headers["HX-Refresh"] = "true"
    return render(request, "listing/_progress.html", {"job": job, "ebook_id": ebook_id},
                  headers=headers)


@router.get("/ebooks/{ebook_id}/pages/{page_id}/image.png", name="page_image",
            include_in_schema=False)
def page_image(ebook_id: int, page_id: int, session: SessionDep, settings: SettingsDep,
               w: int | None = Query(None, ge=16, le=2400),
               v: int | None = Query(None)) -> Response:
    page = session.get(Page, page_id)
    if page is None or page.ebook_id != ebook_id or page.current_version is None:
        raise HTTPException(404, "no image for this page")
    version = page.current_version
    if v is not None and v != version.id:
        from backoffice.models import PageVersion

        other = session.get(PageVersion, v)
        if other is None or other.page_id != page.id:
            raise HTTPException(404, "no such version of this page")
        version = other
    storage = get_storage(settings.storage_dir)
    data = _rendered(storage, page, version, w)
    return Response(data, media_type="image/png",
                    headers={"Cache-Control": "private, max-age=31536000, immutable"
                             if v else "no-cache"})


def _rendered(storage, page: Page, version, width: int | None) -> bytes:
    """The stored image, with the cover's title drawn like the PDF, scaled to `width`."""
    ebook = page.ebook
    text = (ebook.title, ebook.subtitle, ebook.author) if page.kind == "cover" else ()
    key = hashlib.sha256(repr((version.image_key, width, text, 1)).encode()).hexdigest() + ".png"
    if storage.exists(key):
        return storage.get(key)
    image = Image.open(storage.path(version.image_key))
    if page.kind == "cover":
        from backoffice.features.ebook.shared.cover_text import draw_cover_text

        image = draw_cover_text(image.convert("RGB"), title=ebook.title,
                                subtitle=ebook.subtitle, author=ebook.author,
                                dpi=geometry.DPI)
    if width and width < image.width:
        image = image.convert("L" if image.mode == "1" else "RGB")
        image = image.resize((width, round(image.height * width / image.width)),
                             Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=width is not None)
    storage.put_file(key, lambda tmp: tmp.write_bytes(buffer.getvalue()))
    return buffer.getvalue()
