"""Dashboard, book detail, live progress and page images; the read side of the API."""

from __future__ import annotations

import hashlib
import io

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from PIL import Image

from backoffice.art.themes import themes_in
from backoffice.deps import SessionDep, SettingsDep
from backoffice.errors import NotFound
from backoffice.features.book.presenters import ebook_detail, page_image_url
from backoffice.features.book.schemas import EbookDetail, EbookList, EbookSummary, JobOut
from backoffice.features.dashboard import service
from backoffice.kdp import pixels, specs
from backoffice.models import EBOOK_STATUSES, Page
from backoffice.storage import get_storage
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
        raise HTTPException(422, [{"loc": ["query", "status"], "type": "value_error",
                                   "msg": f"must be one of {', '.join(EBOOK_STATUSES)}"}])
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


def _cover_urls(request: Request, session, ebooks) -> dict[int, str]:
    return {
        ebook_id: page_image_url(request, ebook_id, cover.id, 120, cover.current_version_id)
        for ebook_id, cover in service.cover_pages(session, [e.id for e in ebooks]).items()
        if cover.current_version_id
    }


@router.get("/", name="dashboard", include_in_schema=False)
def dashboard(request: Request, session: SessionDep, settings: SettingsDep,
              status: str | None = Query(None), q: str | None = Query(None, max_length=200),
              sort: str = Query("newest"), page: int = Query(1, ge=1, le=100_000)) -> Response:
    status_filter = _status_filter(status, strict=False)
    sort = sort if sort in service.SORTS else "newest"
    result = service.list_ebooks(session, status=status_filter, query=q, sort=sort, page=page,
                                 size=PAGE_SIZE)
    context = {
        "result": result, "jobs": service.latest_jobs(session, [e.id for e in result.items]),
        "covers": _cover_urls(request, session, result.items), "stats": service.stats(session),
        "status": status_filter, "q": q or "", "sort": sort,
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
    try:
        ebook = service.get_ebook(session, ebook_id)
    except NotFound:
        return Response(status_code=200)  # deleted meanwhile: the row disappears
    return render(request, "dashboard/_row.html", {
        "ebook": ebook, "job": service.latest_jobs(session, [ebook.id]).get(ebook.id),
        "covers": _cover_urls(request, session, [ebook]),
        "themes": themes_in(str(settings.themes_dir)),
    })


def detail_context(request: Request, session, settings, ebook_id: int,
                   open_page: int | None = None) -> dict:
    """Everything the book page shows; also re-rendered after every action on it."""
    from backoffice.features.export import service as export_service
    from backoffice.features.lifecycle import service as lifecycle
    from backoffice.features.regeneration import service as regeneration

    ebook = service.get_ebook(session, ebook_id)
    job = service.latest_jobs(session, [ebook.id]).get(ebook.id)
    pages = service.ordered_pages(ebook)
    interior = pixels.book_interior_pages(ebook)
    viewer = None
    if open_page is not None:
        page = next((p for p in pages if p.id == open_page), None)
        if page is not None:
            index = pages.index(page)
            viewer = {"page": page, "versions": regeneration.versions(session, ebook.id, page.id),
                      "prev": pages[index - 1] if index > 0 else None,
                      "next": pages[index + 1] if index + 1 < len(pages) else None,
                      "content_count": sum(p.kind == "content" for p in pages)}
    active = job is not None and job.status in ("queued", "running")
    complete = all(p.current_version_id for p in pages)
    low, high = specs.page_limits(ebook.trim_size, ebook.paper)
    return {
        "ebook": ebook, "job": job, "pages": pages, "viewer": viewer,
        "theme": themes_in(str(settings.themes_dir)).get(ebook.theme),
        "interior_pages": interior,
        "spine_in": specs.spine_width(interior, ebook.paper),
        "trim": specs.trim(ebook.trim_size), "paper": specs.paper(ebook.paper),
        "active": active, "complete": complete,
        "downloadable": complete and not active,
        "editable": ebook.status in ("DRAFT", "APPROVED") and not active,
        "actions": lifecycle.allowed_actions(ebook.status),
        "history": lifecycle.history(session, ebook.id),
        "max_add": max(0, (high - interior) // (2 if ebook.single_sided else 1)),
        "export": export_service.latest_export(session, ebook.id), "ebook_id": ebook.id,
        "min_pages": specs.MIN_PAGES,
    }


@router.get("/ebooks/{ebook_id}", name="ebook_detail", include_in_schema=False)
def detail_page(ebook_id: int, request: Request, session: SessionDep, settings: SettingsDep,
                page: int | None = Query(None)) -> Response:
    try:
        context = detail_context(request, session, settings, ebook_id, open_page=page)
    except NotFound:
        return render(request, "dashboard/not_found.html", {}, status_code=404)
    return render(request, "dashboard/detail.html", context)


@router.get("/ebooks/{ebook_id}/pdf-preview", name="pdf_preview", include_in_schema=False)
def pdf_preview(ebook_id: int, request: Request,
                which: str = Query("interior", pattern="^(interior|cover)$")) -> Response:
    return render(request, "dashboard/_pdf_preview.html", {"ebook_id": ebook_id, "which": which})


@router.get("/ebooks/{ebook_id}/progress", name="ebook_progress", include_in_schema=False)
def progress_partial(ebook_id: int, request: Request, session: SessionDep) -> Response:
    job = service.latest_jobs(session, [ebook_id]).get(ebook_id)
    if job is None:
        raise HTTPException(404, "no generation job")
    headers = {}
    if job.status in ("succeeded", "cancelled", "failed"):
        # Reload the book once so thumbnails, downloads and actions match the new state.
        headers["HX-Refresh"] = "true"
    return render(request, "dashboard/_progress.html", {"job": job, "ebook_id": ebook_id},
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
    """The stored image, with the cover's text drawn as the PDF sets it, scaled to `width`."""
    ebook = page.ebook
    fields = {"title": ebook.title, "subtitle": ebook.subtitle, "author": ebook.author,
              "designs": ebook.page_count, "blurb": ebook.blurb or ""}
    text = tuple(fields.values()) if page.kind != "content" else ()
    key = hashlib.sha256(repr((version.image_key, width, text, 2)).encode()).hexdigest() + ".png"
    if storage.exists(key):
        return storage.get(key)
    image = Image.open(storage.path(version.image_key))
    if page.kind != "content":
        from backoffice.kdp.cover_design import layout_from_record
        from backoffice.kdp.cover_text import draw_cover_text, draw_lines

        side = "front" if page.kind == "cover" else "back"
        layout = layout_from_record(side, version.quality, ebook.trim_size, **fields)
        image = image.convert("RGB")
        if layout is not None:
            draw_lines(image, layout.lines, dpi=pixels.DPI)
        elif page.kind == "cover":
            image = draw_cover_text(image, title=ebook.title, subtitle=ebook.subtitle,
                                    author=ebook.author, dpi=pixels.DPI)
    if width and width < image.width:
        image = image.convert("L" if image.mode == "1" else "RGB")
        image = image.resize((width, round(image.height * width / image.width)),
                             Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=width is not None)
    storage.put_file(key, lambda tmp: tmp.write_bytes(buffer.getvalue()))
    return buffer.getvalue()


def after_action(request: Request, settings, ebook_id: int, message: str, *,
                 open_page: int | None = None, job_id: int | None = None) -> Response:
    """The answer to an action on a book's page, once its transaction has committed:
    queue its job, then the re-rendered page body plus a toast (HTMX), or PRG."""
    from backoffice.database import session_scope
    from backoffice.features.creation.routes import queue_generation
    from backoffice.web.feedback import is_htmx, with_toast
    from backoffice.web.templating import redirect

    if job_id is not None:
        queue_generation(settings, job_id)
    url = str(request.url_for("ebook_detail", ebook_id=ebook_id))
    if open_page is not None:
        url += f"?page={open_page}"
    if not is_htmx(request):
        return redirect(request, url)
    with session_scope(settings) as session:
        try:
            context = detail_context(request, session, settings, ebook_id, open_page=open_page)
        except NotFound:
            return redirect(request, str(request.url_for("dashboard")))
        response = render(request, "dashboard/_detail_body.html", context)
    return with_toast(response, request, message)


@router.post("/language", name="set_language", include_in_schema=False)
async def set_language(request: Request) -> Response:
    from fastapi.responses import RedirectResponse

    from backoffice.web import i18n
    from backoffice.web.templating import LANG_COOKIE

    form = await request.form()
    lang = str(form.get("lang", ""))
    target = str(form.get("next", "/"))
    # Only paths of this site: an absolute or protocol-relative URL would be an open redirect.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = RedirectResponse(target, status_code=303)
    if lang in i18n.LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax",
                            httponly=True)
    return response
