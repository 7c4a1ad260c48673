"""PDF downloads and inline previews, built on demand from the current pages."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse

from backoffice.deps import SessionDep, SettingsDep
from backoffice.features.ebook.export import service
from backoffice.features.ebook.listing.service import get_ebook
from backoffice.features.shared.downloads import content_disposition
from backoffice.features.shared.errors import Conflict, NotFound

router = APIRouter(tags=["export"])

_PDF_RESPONSES = {
    200: {"content": {"application/pdf": {}}, "description": "The PDF"},
    404: {"description": "No such ebook"},
    409: {"description": "The ebook is not fully generated yet"},
}


def _pdf(session, settings, ebook_id: int, which: str, inline: bool) -> FileResponse:
    try:
        ebook = get_ebook(session, ebook_id)
        path = (service.interior_pdf if which == "interior" else service.cover_pdf)(
            session, settings, ebook)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    suffix = "-interior.pdf" if which == "interior" else "-cover.pdf"
    return FileResponse(path, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(ebook.title, suffix, inline=inline),
        # The URL stays the same while the content changes with every regeneration.
        "Cache-Control": "no-store",
    })


@router.get("/api/ebooks/{ebook_id}/interior.pdf", name="interior_pdf", responses=_PDF_RESPONSES,
            response_class=FileResponse)
def interior_pdf(ebook_id: int, session: SessionDep, settings: SettingsDep,
                 inline: bool = Query(False)) -> FileResponse:
    return _pdf(session, settings, ebook_id, "interior", inline)


@router.get("/api/ebooks/{ebook_id}/cover.pdf", name="cover_pdf", responses=_PDF_RESPONSES,
            response_class=FileResponse)
def cover_pdf(ebook_id: int, session: SessionDep, settings: SettingsDep,
              inline: bool = Query(False)) -> FileResponse:
    return _pdf(session, settings, ebook_id, "cover", inline)
