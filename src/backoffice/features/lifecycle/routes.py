"""Approve, publish, reject, and the history of a book: HTML forms and JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from backoffice.deps import Actor, SessionDep, SettingsDep
from backoffice.features.book.page import after_action
from backoffice.features.book.schemas import EbookOut
from backoffice.features.book.service import get_ebook, history
from backoffice.features.lifecycle import service
from backoffice.web.templating import gettext_for

router = APIRouter()
_RESPONSES: dict[int | str, dict] = {
    404: {"description": "No such ebook"},
    409: {"description": "Illegal transition, or the KDP preflight failed"},
    422: {"description": "A field is invalid; `detail` names it"}}


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: str = Field(min_length=1, max_length=service.MAX_REASON,
                        description="Shown on the book and kept in its history.")


class RejectForm(BaseModel):
    # Checked by the service, so the form shows the same words as the API.
    reason: str = Field(default="", max_length=service.MAX_REASON)


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


def _answer(session: Session, ebook_id: int) -> LifecycleOut:
    return LifecycleOut(ebook=EbookOut.model_validate(get_ebook(session, ebook_id)),
                        history=[StatusChangeOut.model_validate(c)
                                 for c in history(session, ebook_id)])


@router.post("/ebooks/{ebook_id}/approve", name="approve_ebook", include_in_schema=False)
def approve_form(ebook_id: int, request: Request, session: SessionDep, settings: SettingsDep,
                 actor: Actor) -> Response:
    service.approve(session, ebook_id, actor=actor)
    _ = gettext_for(request)
    return after_action(request, session, settings, ebook_id, _("Ebook approved."))


@router.post("/ebooks/{ebook_id}/publish", name="publish_ebook", include_in_schema=False)
def publish_form(ebook_id: int, request: Request, session: SessionDep, settings: SettingsDep,
                 actor: Actor) -> Response:
    service.publish(session, settings, ebook_id, actor=actor)
    _ = gettext_for(request)
    return after_action(request, session, settings, ebook_id,
                        _("Ebook published: it passed the KDP preflight."))


@router.post("/ebooks/{ebook_id}/reject", name="reject_ebook", include_in_schema=False)
def reject_form(ebook_id: int, form: Annotated[RejectForm, Form()], request: Request,
                session: SessionDep, settings: SettingsDep, actor: Actor) -> Response:
    service.reject(session, ebook_id, actor=actor, reason=form.reason)
    _ = gettext_for(request)
    return after_action(request, session, settings, ebook_id, _("Ebook rejected."))


@router.post("/api/ebooks/{ebook_id}/approve", response_model=LifecycleOut, tags=["lifecycle"],
             responses=_RESPONSES)
def api_approve(ebook_id: int, session: SessionDep, actor: Actor) -> LifecycleOut:
    """DRAFT → APPROVED, once every page has an image and no generation runs."""
    service.approve(session, ebook_id, actor=actor)
    return _answer(session, ebook_id)


@router.post("/api/ebooks/{ebook_id}/publish", response_model=LifecycleOut, tags=["lifecycle"],
             responses=_RESPONSES)
def api_publish(ebook_id: int, session: SessionDep, settings: SettingsDep,
                actor: Actor) -> LifecycleOut:
    """APPROVED → PUBLISHED, only if both PDFs pass the KDP preflight (409 lists the rules)."""
    service.publish(session, settings, ebook_id, actor=actor)
    return _answer(session, ebook_id)


@router.post("/api/ebooks/{ebook_id}/reject", response_model=LifecycleOut, tags=["lifecycle"],
             responses=_RESPONSES)
def api_reject(ebook_id: int, data: RejectIn, session: SessionDep, actor: Actor) -> LifecycleOut:
    """DRAFT or APPROVED → REJECTED, with a reason shown on the book."""
    service.reject(session, ebook_id, actor=actor, reason=data.reason)
    return _answer(session, ebook_id)


@router.get("/api/ebooks/{ebook_id}/history", response_model=LifecycleOut, tags=["lifecycle"],
            responses={404: _RESPONSES[404]})
def api_history(ebook_id: int, session: SessionDep) -> LifecycleOut:
    return _answer(session, ebook_id)
