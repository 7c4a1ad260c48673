"""One book: its page, its PDF previews, its page images, and `GET /api/ebooks/{id}`."""

from __future__ import annotations

import hashlib
import io

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from PIL import Image

from backoffice.deps import SessionDep, SettingsDep
from backoffice.errors import N_, NotFound
from backoffice.features.book import service
from backoffice.features.book.page import detail_context
from backoffice.features.book.presenters import ebook_detail
from backoffice.features.book.schemas import EbookDetail
from backoffice.kdp import pixels, specs
from backoffice.models import Page, PageVersion
from backoffice.storage import Storage, get_storage
from backoffice.web.downloads import content_disposition
from backoffice.web.templating import register_global, render

router = APIRouter()
# Lists mark books short of pages (adopted from the previous system) wherever they show.
register_global("designs_missing", specs.designs_missing)


@router.get("/api/ebooks/{ebook_id}", response_model=EbookDetail, tags=["ebooks"],
            responses={404: {"description": "No such ebook"}})
def api_get_ebook(ebook_id: int, request: Request, session: SessionDep) -> EbookDetail:
    ebook = service.get_ebook(session, ebook_id)
    job = service.latest_jobs(session, [ebook.id]).get(ebook.id)
    return ebook_detail(request, ebook, job)


@router.get("/ebooks/{ebook_id}", name="ebook_detail", include_in_schema=False)
def detail_page(ebook_id: int, request: Request, session: SessionDep, settings: SettingsDep,
                page: int | None = Query(None)) -> Response:
    # An unknown book is a NotFound: the designed 404 page (web/error_handlers.py).
    context = detail_context(request, session, settings, ebook_id, open_page=page)
    return render(request, "book/detail.html", context)


@router.get("/ebooks/{ebook_id}/legacy.pdf", name="legacy_pdf", include_in_schema=False)
def legacy_pdf(ebook_id: int, session: SessionDep) -> Response:
    """The PDF the previous system made of an imported book, as it was."""
    ebook = service.get_ebook(session, ebook_id)
    data = service.legacy_pdf(session, ebook)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(f"{ebook.title} (ancien système)",
                                                   ".pdf"),
        "Cache-Control": "private, no-cache"})


@router.get("/ebooks/{ebook_id}/pdf-preview", name="pdf_preview", include_in_schema=False)
def pdf_preview(ebook_id: int, request: Request,
                which: str = Query("interior", pattern="^(interior|cover)$")) -> Response:
    return render(request, "book/_pdf_preview.html", {"ebook_id": ebook_id, "which": which})


@router.get("/ebooks/{ebook_id}/pages/{page_id}/image.png", name="page_image",
            include_in_schema=False)
def page_image(ebook_id: int, page_id: int, session: SessionDep, settings: SettingsDep,
               w: int | None = Query(None, ge=16, le=2400),
               v: int | None = Query(None, ge=1, le=2**31 - 1)) -> Response:
    page = service.page_in_book(session, ebook_id, page_id)
    version = (service.version_of_page(session, page, v) if v is not None
               else page.current_version)
    if version is None:
        raise NotFound(N_("This page has no image yet."))
    data = _rendered(get_storage(settings), page, version, w)
    return Response(data, media_type="image/png",
                    headers={"Cache-Control": "private, max-age=31536000, immutable"
                             if v else "no-cache"})


def _rendered(storage: Storage, page: Page, version: PageVersion, width: int | None) -> bytes:
    """The stored image, with a cover's text drawn as the PDF sets it, scaled to `width`."""
    ebook = page.ebook
    fields = {"title": ebook.title, "subtitle": ebook.subtitle, "author": ebook.author,
              "designs": ebook.page_count, "blurb": ebook.blurb or ""}
    text = tuple(fields.values()) if page.kind != "content" else ()
    key = hashlib.sha256(repr((version.image_key, width, text, 2)).encode()).hexdigest() + ".png"
    if storage.exists(key):
        return storage.get(key)
    image: Image.Image = Image.open(storage.path(version.image_key))
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
