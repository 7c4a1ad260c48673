"""Regenerate pages, restore versions, add, remove and reorder pages: HTML forms and API."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from backoffice.database import session_scope
from backoffice.deps import SessionDep, SettingsDep
from backoffice.errors import Conflict, InvalidInput, NotFound
from backoffice.features.book.schemas import EbookOut, JobOut
from backoffice.features.creation.routes import queue_generation
from backoffice.features.dashboard.routes import after_action
from backoffice.features.dashboard.service import get_ebook
from backoffice.features.lifecycle.service import actor_of
from backoffice.features.regeneration import service
from backoffice.features.regeneration.schemas import (
    AddPagesIn,
    MovePageIn,
    PageVersionsOut,
    RegenerateIn,
    VersionOut,
)
from backoffice.models import GenerationJob, Page
from backoffice.web.feedback import error_response
from backoffice.web.templating import gettext_for

router = APIRouter()
EDIT_ERRORS = (Conflict, InvalidInput, NotFound)
_RESPONSES = {404: {"description": "No such ebook, page or version"},
              409: {"description": "The book's status or a running generation forbids it"},
              422: {"description": "A field is invalid; `detail` names it"}}


def _int(form, name: str, *, required: bool = True) -> int | None:
    raw = str(form.get(name, "")).strip()
    if not raw:
        if required:
            raise InvalidInput({name: "is required"})
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput({name: "must be a whole number"}) from None


async def _html(request: Request, settings, ebook_id: int, action, message: str,
                open_page: int | None = None) -> Response:
    """Run `action(session, form)` in one transaction, then answer the page."""
    form = await request.form()

    def run() -> int | None:
        with session_scope(settings) as session:
            result = action(session, form)
            return result.id if isinstance(result, GenerationJob) else None

    try:
        job_id = await run_in_threadpool(run)
    except EDIT_ERRORS as exc:
        return error_response(request, exc)
    return await run_in_threadpool(after_action, request, settings, ebook_id, message,
                                   open_page=open_page, job_id=job_id)


@router.post("/ebooks/{ebook_id}/regenerate", name="regenerate_pages", include_in_schema=False)
async def regenerate_form(ebook_id: int, request: Request, settings: SettingsDep) -> Response:
    _ = gettext_for(request)
    form = await request.form()
    open_page = str(form.get("open", "")).strip()

    def action(session, form):
        ids = []
        for raw in form.getlist("page_ids"):
            try:
                ids.append(int(raw))
            except ValueError:
                raise InvalidInput({"page_ids": "must be page ids"}) from None
        if not ids:
            raise InvalidInput({"page_ids": "choose at least one page"})
        return service.regenerate(session, ebook_id, ids, actor=actor_of(request, "web"),
                                  prompt=str(form.get("prompt", "")),
                                  seed=_int(form, "seed", required=False))

    return await _html(request, settings, ebook_id, action,
                       _("Regeneration started: the pages are being redrawn."),
                       open_page=int(open_page) if open_page.isdigit() else None)


@router.post("/ebooks/{ebook_id}/pages/{page_id}/versions/{version_id}/restore",
             name="restore_version", include_in_schema=False)
async def restore_form(ebook_id: int, page_id: int, version_id: int, request: Request,
                       settings: SettingsDep) -> Response:
    _ = gettext_for(request)
    return await _html(
        request, settings, ebook_id,
        lambda session, form: service.restore(session, ebook_id, page_id, version_id,
                                              actor=actor_of(request, "web")),
        _("Version restored: the PDFs now use it."), open_page=page_id)


@router.post("/ebooks/{ebook_id}/pages/add", name="add_pages", include_in_schema=False)
async def add_form(ebook_id: int, request: Request, settings: SettingsDep) -> Response:
    _ = gettext_for(request)
    return await _html(
        request, settings, ebook_id,
        lambda session, form: service.add_pages(session, ebook_id, _int(form, "count") or 0,
                                                actor=actor_of(request, "web")),
        _("Pages added: they are being drawn."))


@router.post("/ebooks/{ebook_id}/pages/{page_id}/remove", name="remove_page",
             include_in_schema=False)
async def remove_form(ebook_id: int, page_id: int, request: Request,
                      settings: SettingsDep) -> Response:
    _ = gettext_for(request)
    return await _html(
        request, settings, ebook_id,
        lambda session, form: service.remove_page(session, ebook_id, page_id,
                                                  actor=actor_of(request, "web")),
        _("Page removed; the following pages moved up."))


@router.post("/ebooks/{ebook_id}/pages/{page_id}/move", name="move_page", include_in_schema=False)
async def move_form(ebook_id: int, page_id: int, request: Request,
                    settings: SettingsDep) -> Response:
    _ = gettext_for(request)
    return await _html(
        request, settings, ebook_id,
        lambda session, form: service.move_page(session, ebook_id, page_id,
                                                _int(form, "position") or 0,
                                                actor=actor_of(request, "web")),
        _("Page moved."), open_page=page_id)


# ---- JSON API -------------------------------------------------------------------------

def _api_error(exc: Exception) -> HTTPException:
    if isinstance(exc, InvalidInput):
        return HTTPException(422, [{"loc": ["body", field], "msg": message,
                                    "type": "value_error"}
                                   for field, message in exc.errors.items()])
    return HTTPException(404 if isinstance(exc, NotFound) else 409, str(exc))


def _job_api(settings, work) -> JobOut:
    try:
        with session_scope(settings) as session:
            job = work(session)
            out = JobOut.model_validate(job)
    except EDIT_ERRORS as exc:
        raise _api_error(exc) from None
    queue_generation(settings, out.id)
    return out


@router.post("/api/ebooks/{ebook_id}/regenerate", status_code=202, response_model=JobOut,
             tags=["regeneration"], responses=_RESPONSES)
def api_regenerate(ebook_id: int, data: RegenerateIn, request: Request,
                   settings: SettingsDep) -> JobOut:
    """Redraw pages as new versions (the previous ones stay restorable)."""
    return _job_api(settings, lambda session: service.regenerate(
        session, ebook_id, data.page_ids, actor=actor_of(request, "api"), prompt=data.prompt,
        seed=data.seed))


@router.post("/api/ebooks/{ebook_id}/pages", status_code=202, response_model=JobOut,
             tags=["regeneration"], responses=_RESPONSES)
def api_add_pages(ebook_id: int, data: AddPagesIn, request: Request,
                  settings: SettingsDep) -> JobOut:
    """Append coloring pages (within KDP's limits) and draw them."""
    return _job_api(settings, lambda session: service.add_pages(
        session, ebook_id, data.count, actor=actor_of(request, "api")))


@router.get("/api/ebooks/{ebook_id}/pages/{page_id}/versions", response_model=PageVersionsOut,
            tags=["regeneration"], responses={404: _RESPONSES[404]})
def api_versions(ebook_id: int, page_id: int, session: SessionDep) -> PageVersionsOut:
    try:
        versions = service.versions(session, ebook_id, page_id)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    page = session.get(Page, page_id)
    assert page is not None
    return PageVersionsOut(
        page_id=page.id, kind=page.kind, position=page.position,
        current_version_id=page.current_version_id,
        versions=[VersionOut.model_validate(v).model_copy(
            update={"current": v.id == page.current_version_id}) for v in versions])


@router.post("/api/ebooks/{ebook_id}/pages/{page_id}/versions/{version_id}/restore",
             response_model=PageVersionsOut, tags=["regeneration"], responses=_RESPONSES)
def api_restore(ebook_id: int, page_id: int, version_id: int, request: Request,
                session: SessionDep) -> PageVersionsOut:
    """Undo: make an earlier version current again."""
    try:
        service.restore(session, ebook_id, page_id, version_id, actor=actor_of(request, "api"))
    except EDIT_ERRORS as exc:
        raise _api_error(exc) from None
    return api_versions(ebook_id, page_id, session)


@router.delete("/api/ebooks/{ebook_id}/pages/{page_id}", response_model=EbookOut,
               tags=["regeneration"], responses=_RESPONSES)
def api_remove_page(ebook_id: int, page_id: int, request: Request,
                    session: SessionDep) -> EbookOut:
    try:
        service.remove_page(session, ebook_id, page_id, actor=actor_of(request, "api"))
        return EbookOut.model_validate(get_ebook(session, ebook_id))
    except EDIT_ERRORS as exc:
        raise _api_error(exc) from None


@router.post("/api/ebooks/{ebook_id}/pages/{page_id}/move", response_model=EbookOut,
             tags=["regeneration"], responses=_RESPONSES)
def api_move_page(ebook_id: int, page_id: int, data: MovePageIn, request: Request,
                  session: SessionDep) -> EbookOut:
    try:
        service.move_page(session, ebook_id, page_id, data.position,
                          actor=actor_of(request, "api"))
        return EbookOut.model_validate(get_ebook(session, ebook_id))
    except EDIT_ERRORS as exc:
        raise _api_error(exc) from None
