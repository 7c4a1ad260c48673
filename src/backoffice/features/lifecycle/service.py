"""The editorial flow: DRAFT → APPROVED → PUBLISHED, and DRAFT/APPROVED → REJECTED.

Every change is a `StatusChange` row (who, when, from, to, reason). Services flush and
never commit; the route commits once at the boundary.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.errors import Conflict, InvalidInput
from backoffice.models import JOB_ACTIVE, Ebook, GenerationJob, Page, StatusChange

# action -> (statuses it may start from, the message when it may not)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {}
MAX_REASON = 2000


def N_(message: str) -> str:
    """Marks a message for the catalogs; routes translate it when they show it."""
    return message


class EditorialConflict(Conflict):
    """A Conflict whose message is a catalog msgid plus values, so the web can show it in
    the reader's language while the API and logs get the English text."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


def actor_of(request, default: str) -> str:
    user = getattr(request.state, "user", None)
    email = getattr(user, "email", None)
    return str(email) if email else default


def active_job(session: Session, ebook_id: int) -> GenerationJob | None:
    return session.scalar(select(GenerationJob).where(
        GenerationJob.ebook_id == ebook_id, GenerationJob.status.in_(JOB_ACTIVE))
        .order_by(GenerationJob.id.desc()).limit(1))


def load_for_update(session: Session, ebook_id: int) -> Ebook:
    from backoffice.errors import NotFound

    # Row lock: two editors clicking at once must not both pass the "from" check.
    ebook = session.get(Ebook, ebook_id, with_for_update=True)
    if ebook is None:
        raise NotFound(f"ebook {ebook_id} does not exist")
    return ebook


def require_complete(session: Session, ebook: Ebook) -> None:
    if active_job(session, ebook.id) is not None:
        raise EditorialConflict(N_("A generation is still running for this book."))
    missing = session.scalar(select(Page.id).where(Page.ebook_id == ebook.id,
                                                   Page.current_version_id.is_(None)).limit(1))
    if missing is not None:
        raise EditorialConflict(N_("Some pages have no image yet: regenerate them first."))


def record(session: Session, ebook: Ebook, to_status: str, *, actor: str,
           reason: str | None = None) -> StatusChange:
    change = StatusChange(ebook_id=ebook.id, from_status=ebook.status, to_status=to_status,
                          actor=actor[:200], reason=reason)
    ebook.status = to_status
    session.add(change)
    session.flush()
    return change


TRANSITIONS.update({
    "approve": (("DRAFT",), N_("Only a draft can be approved; this book is %(status)s.")),
    "publish": (("APPROVED",),
                N_("Only an approved book can be published; this book is %(status)s.")),
    "reject": (("DRAFT", "APPROVED"),
               N_("Only a draft or an approved book can be rejected; this book is %(status)s.")),
})


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def _check(ebook: Ebook, action: str) -> None:
    sources, message = TRANSITIONS[action]
    if ebook.status not in sources:
        raise EditorialConflict(message, status=ebook.status)


def approve(session: Session, ebook_id: int, *, actor: str) -> Ebook:
    ebook = load_for_update(session, ebook_id)
    _check(ebook, "approve")
    require_complete(session, ebook)
    record(session, ebook, "APPROVED", actor=actor)
    return ebook


def publish(session: Session, settings: Settings, ebook_id: int, *, actor: str) -> Ebook:
    from backoffice.features.export import service as export_service

    ebook = load_for_update(session, ebook_id)
    _check(ebook, "publish")
    require_complete(session, ebook)
    # The lead's KDP preflight: raises Conflict listing the failing rules.
    export_service.ensure_publishable(session, settings, ebook, actor=actor,
                                      override_reason=None)
    record(session, ebook, "PUBLISHED", actor=actor)
    return ebook


def reject(session: Session, ebook_id: int, *, actor: str, reason: str) -> Ebook:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput({"reason": "a rejection needs a reason"})
    if len(reason) > MAX_REASON:
        raise InvalidInput({"reason": f"at most {MAX_REASON} characters"})
    ebook = load_for_update(session, ebook_id)
    _check(ebook, "reject")
    running = active_job(session, ebook.id)
    if running is not None:
        from backoffice.features.creation.service import cancel_generation

        # A rejected book will not be used: stop spending time drawing it.
        cancel_generation(session, ebook.id, running.id)
    ebook.rejection_reason = reason
    record(session, ebook, "REJECTED", actor=actor, reason=reason)
    return ebook


def reopen_for_edit(session: Session, ebook: Ebook, *, actor: str, what: str) -> None:
    """Edits are allowed on drafts; an APPROVED book goes back to DRAFT (its approval was
    of other pages), with a history entry; PUBLISHED and REJECTED books are frozen."""
    if ebook.status == "DRAFT":
        return
    if ebook.status == "APPROVED":
        record(session, ebook, "DRAFT", actor=actor, reason=what)
        return
    raise EditorialConflict(N_("A %(status)s book cannot be edited."), status=ebook.status)


def history(session: Session, ebook_id: int) -> list[StatusChange]:
    return list(session.scalars(select(StatusChange).where(StatusChange.ebook_id == ebook_id)
                                .order_by(StatusChange.created_at.desc(),
                                          StatusChange.id.desc())))
