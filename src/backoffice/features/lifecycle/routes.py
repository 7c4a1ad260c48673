"""Approve, publish, reject, and the history of a book: HTML forms and JSON API."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from backoffice.database import session_scope
from backoffice.deps import SessionDep, SettingsDep
from backoffice.errors import Conflict, InvalidInput, NotFound
from backoffice.features.book.schemas import EbookOut
from backoffice.features.dashboard.routes import after_action
from backoffice.features.dashboard.service import get_ebook
from backoffice.features.lifecycle import service
from backoffice.web.feedback import error_response
from backoffice.web.templating import gettext_for

router = APIRouter()
ERRORS = (Conflict, InvalidInput, NotFound)
_RESPONSES = {404: {"description": "No such ebook"},
              409: {"description": "Illegal transition, or the KDP preflight failed"},
              422: {"description": "A field is invalid; `detail` names it"}}


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: str = Field(min_length=1, max_length=service.MAX_REASON,
                        description="Shown on the book and kept in its history.")


class StatusChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    from_status: str | None
    to_status: str
    actor: str
    reason: str | None
    created_at: datetime


class LifecycleOut(BaseModel):
    ebook: EbookOut
    history: list[StatusChangeOut]


def _run(settings, action, ebook_id: int) -> None:
    with session_scope(settings) as session:
        action(session)


async def _html(request: Request, settings, ebook_id: int, action, message: str) -> Response:
    try:
        await run_in_threadpool(_run, settings, action, ebook_id)
    except ERRORS as exc:
        return error_response(request, exc)
    return await run_in_threadpool(after_action, request, settings, ebook_id, message)


@router.post("/ebooks/{ebook_id}/approve", name="approve_ebook", include_in_schema=False)
async def approve_form(ebook_id: int, request: Request, settings: SettingsDep) -> Response:
    _ = gettext_for(request)
    actor = service.actor_of(request, "web")
    return await _html(request, settings, ebook_id,
                       lambda session: service.approve(session, ebook_id, actor=actor),
                       _("Ebook approved."))


@router.post("/ebooks/{ebook_id}/publish", name="publish_ebook", include_in_schema=False)
async def publish_form(ebook_id: int, request: Request, settings: SettingsDep) -> Response:
    _ = gettext_for(request)
    actor = service.actor_of(request, "web")
    return await _html(request, settings, ebook_id,
                       lambda session: service.publish(session, settings, ebook_id, actor=actor),
                       _("Ebook published: it passed the KDP preflight."))


@router.post("/ebooks/{ebook_id}/reject", name="reject_ebook", include_in_schema=False)
async def reject_form(ebook_id: int, request: Request, settings: SettingsDep) -> Response:
    _ = gettext_for(request)
    actor = service.actor_of(request, "web")
    reason = str((await request.form()).get("reason", ""))
    return await _html(request, settings, ebook_id,
                       lambda session: service.reject(session, ebook_id, actor=actor,
                                                      reason=reason),
                       _("Ebook rejected."))


def _answer(session, ebook_id: int) -> LifecycleOut:
    return LifecycleOut(ebook=EbookOut.model_validate(get_ebook(session, ebook_id)),
                        history=[StatusChangeOut.model_validate(c)
                                 for c in service.history(session, ebook_id)])


def _api(session, ebook_id: int, action) -> LifecycleOut:
    try:
        action()
        return _answer(session, ebook_id)
    except InvalidInput as exc:
        raise HTTPException(422, [{"loc": ["body", field], "msg": msg, "type": "value_error"}
                                  for field, msg in exc.errors.items()]) from None
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from None


@router.post("/api/ebooks/{ebook_id}/approve", response_model=LifecycleOut, tags=["lifecycle"],
             responses=_RESPONSES)
def api_approve(ebook_id: int, request: Request, session: SessionDep) -> LifecycleOut:
    """DRAFT → APPROVED, once every page has an image and no generation runs."""
    actor = service.actor_of(request, "api")
    return _api(session, ebook_id, lambda: service.approve(session, ebook_id, actor=actor))


@router.post("/api/ebooks/{ebook_id}/publish", response_model=LifecycleOut, tags=["lifecycle"],
             responses=_RESPONSES)
def api_publish(ebook_id: int, request: Request, session: SessionDep,
                settings: SettingsDep) -> LifecycleOut:
    """APPROVED → PUBLISHED, only if both PDFs pass the KDP preflight (409 lists the rules)."""
    actor = service.actor_of(request, "api")
    return _api(session, ebook_id,
                lambda: service.publish(session, settings, ebook_id, actor=actor))


@router.post("/api/ebooks/{ebook_id}/reject", response_model=LifecycleOut, tags=["lifecycle"],
             responses=_RESPONSES)
def api_reject(ebook_id: int, data: RejectIn, request: Request,
               session: SessionDep) -> LifecycleOut:
    """DRAFT or APPROVED → REJECTED, with a reason shown on the book."""
    actor = service.actor_of(request, "api")
    return _api(session, ebook_id,
                lambda: service.reject(session, ebook_id, actor=actor, reason=data.reason))


@router.get("/api/ebooks/{ebook_id}/history", response_model=LifecycleOut, tags=["lifecycle"],
            responses={404: _RESPONSES[404]})
def api_history(ebook_id: int, session: SessionDep) -> LifecycleOut:
    return _api(session, ebook_id, lambda: None)
