"""The account history in the reader's language. `user_events` keeps its stable English
codes ("created", "role=editor") for audits and scripts; people read sentences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from backoffice.errors import N_
from backoffice.models import UserEvent

ACTIONS = {
    "login": N_("Signed in"),
    "created": N_("Account created"),
    "activated": N_("Account reactivated"),
    "deactivated": N_("Account deactivated"),
    "password_reset": N_("Password reset"),
    "password_set": N_("Password chosen"),
    "password_changed": N_("Password changed"),
    "api_token_created": N_("API token created"),
    "api_token_revoked": N_("API token revoked"),
}
ROLES = {"admin": N_("Administrator"), "editor": N_("Editor")}
DETAILS = {"via invite link": N_("through the invitation link"),
           "via reset link": N_("through the reset link")}


@dataclass(frozen=True)
class EventRow:
    created_at: datetime
    actor: str
    action: str
    account: str
    detail: str


def role_label(gettext: Callable[[str], str], role: str) -> str:
    return gettext(ROLES[role]) if role in ROLES else role


def event_row(gettext: Callable[[str], str], event: UserEvent) -> EventRow:
    detail = event.detail or ""
    if detail.startswith("role="):
        detail = gettext(N_("Role: %(role)s")) % {
            "role": role_label(gettext, detail.removeprefix("role="))}
    elif detail.startswith("ip="):
        detail = gettext(N_("from %(ip)s")) % {"ip": detail.removeprefix("ip=")}
    elif detail in DETAILS:
        detail = gettext(DETAILS[detail])
    # Anything else is data (a token's name and prefix), shown as it was typed.
    action = gettext(ACTIONS[event.action]) if event.action in ACTIONS else event.action
    actor = gettext(N_("first-run setup")) if event.actor == "setup" else event.actor
    return EventRow(created_at=event.created_at, actor=actor, action=action,
                    account=event.user.email if event.user else "—", detail=detail)
