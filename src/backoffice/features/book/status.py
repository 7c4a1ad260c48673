"""The editorial state machine: DRAFT → APPROVED → PUBLISHED, and DRAFT/APPROVED →
REJECTED, plus the rule that edits send an APPROVED book back to DRAFT.

Every change is a `StatusChange` row (who, when, from, to, reason). Services flush and
never commit; the request or job commits once at its boundary.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.errors import N_, Conflict
from backoffice.features.book.service import active_job
from backoffice.models import Ebook, Page, StatusChange

# action -> (statuses it may start from, the message when it may not)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": (("DRAFT",), N_("Only a draft can be approved; this book is %(status)s.")),
    "publish": (("APPROVED",),
                N_("Only an approved book can be published; this book is %(status)s.")),
    "reject": (("DRAFT", "APPROVED"),
               N_("Only a draft or an approved book can be rejected; this book is %(status)s.")),
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def check_transition(ebook: Ebook, action: str) -> None:
    sources, message = TRANSITIONS[action]
    if ebook.status not in sources:
        raise Conflict(message, status=ebook.status)


def record(session: Session, ebook: Ebook, to_status: str, *, actor: str,
           reason: str | None = None) -> StatusChange:
    change = StatusChange(ebook_id=ebook.id, from_status=ebook.status, to_status=to_status,
                          actor=actor[:200], reason=reason)
    ebook.status = to_status
    session.add(change)
    session.flush()
    return change


def require_complete(session: Session, ebook: Ebook) -> None:
    if active_job(session, ebook.id) is not None:
        raise Conflict(N_("A generation is still running for this book."))
    missing = session.scalar(select(Page.id).where(Page.ebook_id == ebook.id,
                                                   Page.current_version_id.is_(None)).limit(1))
    if missing is not None:
        raise Conflict(N_("Some pages have no image yet: regenerate them first."))


def open_for_edit(session: Session, ebook: Ebook, *, actor: str, what: str) -> None:
    """Edits are allowed on drafts while no generation runs; an APPROVED book goes back
    to DRAFT (its approval was of other pages), with a history entry; PUBLISHED and
    REJECTED books are frozen. `ebook` must be locked (book.service.load_for_update)."""
    if ebook.status not in ("DRAFT", "APPROVED"):
        raise Conflict(N_("A %(status)s book cannot be edited."), status=ebook.status)
    if active_job(session, ebook.id) is not None:
        raise Conflict(
            N_("A generation is still running for this book: wait for it or cancel it."))
    if ebook.status == "APPROVED":
        record(session, ebook, "DRAFT", actor=actor, reason=what)
