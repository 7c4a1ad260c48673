"""Regenerate pages, restore versions, add, remove and reorder pages: HTML forms and API.

Each route runs in the request's one transaction (deps.SessionDep), which commits before
the response is sent; the regeneration job is queued after that commit.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from backoffice.deps import Actor, SessionDep, SettingsDep
from backoffice.features.book.page import after_action
from backoffice.features.book.schemas import MAX_SEED, EbookOut, JobOut
from backoffice.features.book.service import get_ebook, page_in_book, versions
from backoffice.features.regeneration import quality_labels, service, upload
from backoffice.features.regeneration.schemas import (
    AddPagesIn,
    MovePageIn,
    PageVersionsOut,
    RegenerateIn,
    VersionOut,
)
from backoffice.web.templating import gettext_for, register_global

router = APIRouter()
register_global("quality_failure", quality_labels.failure_text)
_RESPONSES: dict[int | str, dict] = {
    404: {"description": "No such ebook, page or version"},
    409: {"description": "The book's status or a running generation forbids it"},
    422: {"description": "A field is invalid; `detail` names it"}}


class RegenerateForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    page_ids: list[int] = Field(min_length=1)
    prompt: str = Field(default="", max_length=service.MAX_PROMPT)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    # The page whose viewer is open, to keep it open after the action.
    open: int | None = None


class CountForm(BaseModel):
    count: int = Field(ge=1, le=800)


class PositionForm(BaseModel):
    position: int = Field(ge=1)


@router.post("/ebooks/{ebook_id}/regenerate", name="regenerate_pages", include_in_schema=False)
def regenerate_form(ebook_id: int, form: Annotated[RegenerateForm, Form()], request: Request,
                    session: SessionDep, settings: SettingsDep, actor: Actor) -> Response:
    service.regenerate(session, ebook_id, form.page_ids, actor=actor, prompt=form.prompt,
                       seed=form.seed, settings=settings)
    _ = gettext_for(request)
    return after_action(request, session, settings, ebook_id,
                        _("Regeneration started: the pages are being redrawn."),
                        open_page=form.open)


@router.post("/ebooks/{ebook_id}/pages/{page_id}/versions/{version_id}/restore",
             name="restore_version", include_in_schema=False)
def restore_form(ebook_id: int, page_id: int, version_id: int, request: Request,
                 session: SessionDep, settings: SettingsDep, actor: Actor) -> Response:
    service.restore(session, ebook_id, page_id, version_id, actor=actor)
    _ = gettext_for(request)
    return after_action(request, session, settings, ebook_id,
                        _("Version restored: the PDFs now use it."), open_page=page_id)


@router.post("/ebooks/{ebook_id}/pages/add", name="add_pages", include_in_schema=False)
def add_form(ebook_id: int, form: Annotated[CountForm, Form()], request: Request,
             session: SessionDep, settings: SettingsDep, actor: Actor) -> Response:
    service.add_pages(session, ebook_id, form.count, actor=actor)
    _ = gettext_for(request)
    return after_action(request, session, settings, ebook_id,
                        _("Pages added: they are being drawn."))


@router.post("/ebooks/{ebook_id}/pages/{page_id}/remove", name="remove_page",
             include_in_schema=False)
def remove_form(ebook_id: int, page_id: int, request: Request, session: SessionDep,
                settings: SettingsDep, actor: Actor) -> Response:
    service.remove_page(session, ebook_id, page_id, actor=actor)
    _ = gettext_for(request)
    return after_action(request, session, settings, ebook_id,
                        _("Page removed; the following pages moved up."))


@router.post("/ebooks/{ebook_id}/pages/{page_id}/move", name="move_page", include_in_schema=False)
def move_form(ebook_id: int, page_id: int, form: Annotated[PositionForm, Form()],
              request: Request, session: SessionDep, settings: SettingsDep,
              actor: Actor) -> Response:
    service.move_page(session, ebook_id, page_id, form.position, actor=actor)
    _ = gettext_for(request)
    return after_action(request, session, settings, ebook_id, _("Page moved."),
                        open_page=page_id)


def _read_upload(file: UploadFile) -> bytes:
    # One byte past the limit is enough to refuse the file without reading all of it.
    return file.file.read(upload.MAX_UPLOAD_BYTES + 1)


@router.post("/ebooks/{ebook_id}/cover", name="upload_cover", include_in_schema=False)
def upload_form(ebook_id: int, request: Request, session: SessionDep, settings: SettingsDep,
                actor: Actor, file: Annotated[UploadFile, File()],
                kind: Annotated[str, Form(pattern="^(front|wrap)$")] = "front") -> Response:
    job = upload.upload_cover(session, settings, ebook_id, _read_upload(file), file.filename,
                              kind, actor=actor)
    _ = gettext_for(request)
    message = (_("Cover uploaded: the back cover is being drawn from it.") if job else
               _("Cover uploaded: it is now the book's cover PDF."))
    return after_action(request, session, settings, ebook_id, message)


# ---- JSON API -------------------------------------------------------------------------


class CoverUploadOut(BaseModel):
    kind: str
    ebook: EbookOut
    job: JobOut | None = None


@router.post("/api/ebooks/{ebook_id}/cover", response_model=CoverUploadOut,
             tags=["regeneration"], responses=_RESPONSES)
def api_upload_cover(ebook_id: int, session: SessionDep, settings: SettingsDep, actor: Actor,
                     file: Annotated[UploadFile, File(description=(
                         "PDF or image of the full wrap, or an image of the front with its "
                         "bleed, at 300 DPI or more"))],
                     kind: Annotated[str, Form(pattern="^(front|wrap)$")] = "front"
                     ) -> CoverUploadOut:
    """Use a cover made elsewhere. A wrap (back, spine and front) must have the exact size
    for this book's trim, paper and page count; a front (trim plus bleed) is wrapped with a
    back and spine drawn from its colours (the returned job). A refused file changes
    nothing and the 422 says what size it must be."""
    job = upload.upload_cover(session, settings, ebook_id, _read_upload(file), file.filename,
                              kind, actor=actor)
    return CoverUploadOut(kind=kind, ebook=EbookOut.model_validate(get_ebook(session, ebook_id)),
                          job=JobOut.model_validate(job) if job else None)


@router.post("/api/ebooks/{ebook_id}/regenerate", status_code=202, response_model=JobOut,
             tags=["regeneration"], responses=_RESPONSES)
def api_regenerate(ebook_id: int, data: RegenerateIn, session: SessionDep,
                   settings: SettingsDep, actor: Actor) -> JobOut:
    """Redraw pages as new versions (the previous ones stay restorable). Offline, a
    prompt must name subjects of the library (GET /subjects), else 422 on `prompt`."""
    job = service.regenerate(session, ebook_id, data.page_ids, actor=actor, prompt=data.prompt,
                             seed=data.seed, settings=settings)
    return JobOut.model_validate(job)


@router.post("/api/ebooks/{ebook_id}/pages", status_code=202, response_model=JobOut,
             tags=["regeneration"], responses=_RESPONSES)
def api_add_pages(ebook_id: int, data: AddPagesIn, session: SessionDep, actor: Actor) -> JobOut:
    """Append coloring pages (within KDP's limits) and draw them."""
    return JobOut.model_validate(service.add_pages(session, ebook_id, data.count, actor=actor))


@router.get("/api/ebooks/{ebook_id}/pages/{page_id}/versions", response_model=PageVersionsOut,
            tags=["regeneration"], responses={404: _RESPONSES[404]})
def api_versions(ebook_id: int, page_id: int, session: SessionDep) -> PageVersionsOut:
    page = page_in_book(session, ebook_id, page_id)
    return PageVersionsOut(
        page_id=page.id, kind=page.kind, position=page.position,
        current_version_id=page.current_version_id,
        versions=[VersionOut.model_validate(v).model_copy(
            update={"current": v.id == page.current_version_id})
            for v in versions(session, page)])


@router.post("/api/ebooks/{ebook_id}/pages/{page_id}/versions/{version_id}/restore",
             response_model=PageVersionsOut, tags=["regeneration"], responses=_RESPONSES)
def api_restore(ebook_id: int, page_id: int, version_id: int, session: SessionDep,
                actor: Actor) -> PageVersionsOut:
    """Undo: make an earlier version current again."""
    service.restore(session, ebook_id, page_id, version_id, actor=actor)
    return api_versions(ebook_id, page_id, session)


@router.delete("/api/ebooks/{ebook_id}/pages/{page_id}", response_model=EbookOut,
               tags=["regeneration"], responses=_RESPONSES)
def api_remove_page(ebook_id: int, page_id: int, session: SessionDep, actor: Actor) -> EbookOut:
    service.remove_page(session, ebook_id, page_id, actor=actor)
    return EbookOut.model_validate(get_ebook(session, ebook_id))


@router.post("/api/ebooks/{ebook_id}/pages/{page_id}/move", response_model=EbookOut,
             tags=["regeneration"], responses=_RESPONSES)
def api_move_page(ebook_id: int, page_id: int, data: MovePageIn, session: SessionDep,
                  actor: Actor) -> EbookOut:
    service.move_page(session, ebook_id, page_id, data.position, actor=actor)
    return EbookOut.model_validate(get_ebook(session, ebook_id))
