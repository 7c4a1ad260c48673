"""Approve, publish (through the KDP preflight) and reject a book.

The state machine itself is in book/status.py; services flush and never commit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.errors import N_, InvalidInput
from backoffice.features.book import status
from backoffice.features.book.service import active_job, load_for_update
from backoffice.features.export import service as export_service
from backoffice.features.generation import service as generation
from backoffice.models import Ebook

MAX_REASON = 2000


def approve(session: Session, ebook_id: int, *, actor: str) -> Ebook:
    ebook = load_for_update(session, ebook_id)
    status.check_transition(ebook, "approve")
    status.require_complete(session, ebook)
    status.record(session, ebook, "APPROVED", actor=actor)
    return ebook


def publish(session: Session, settings: Settings, ebook_id: int, *, actor: str) -> Ebook:
    ebook = load_for_update(session, ebook_id)
    status.check_transition(ebook, "publish")
    status.require_complete(session, ebook)
    # Raises Conflict listing the failing rules, unless an admin overrode them.
    export_service.ensure_publishable(session, settings, ebook, actor=actor)
    status.record(session, ebook, "PUBLISHED", actor=actor)
    return ebook


def reject(session: Session, ebook_id: int, *, actor: str, reason: str) -> Ebook:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput({"reason": N_("a rejection needs a reason")})
    if len(reason) > MAX_REASON:
        raise InvalidInput.field("reason", N_("at most %(max)s characters"), max=MAX_REASON)
    ebook = load_for_update(session, ebook_id)
    status.check_transition(ebook, "reject")
    running = active_job(session, ebook.id)
    if running is not None:
        # A rejected book will not be used: stop spending time drawing it.
        generation.cancel(session, ebook.id, running.id)
    ebook.rejection_reason = reason
    status.record(session, ebook, "REJECTED", actor=actor, reason=reason)
    return ebook
