"""Users, invitation and reset links, API tokens and the audit of account changes.
Functions take the caller's session and flush; they never commit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from backoffice.errors import N_, Conflict, InvalidInput, Message, NotFound
from backoffice.features.accounts import security
from backoffice.models import USER_ROLES, AccountLink, ApiToken, User, UserEvent, UserSession

LINK_LIFETIME = timedelta(days=3)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Serialises first-admin creation: two setup forms submitted at once create one admin.
_SETUP_LOCK_KEY = 7_000_501


@dataclass(frozen=True)
class AuthUser:
    """Who is making the request (`request.state.user`): plain data, safe after commit."""

    id: int
    email: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def of(cls, user: User) -> AuthUser:
        return cls(id=user.id, email=user.email, role=user.role)


def now() -> datetime:
    return datetime.now(UTC)


def normalize_email(email: str) -> str:
    value = (email or "").strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise InvalidInput({"email": N_("must be an email address such as name@example.com")})
    return value


def _check_role(role: str) -> str:
    if role not in USER_ROLES:
        raise InvalidInput.field("role", N_("must be one of %(known)s"),
                                 known=", ".join(USER_ROLES))
    return role


def _check_password(password: str) -> str:
    problem: Message | None = security.password_problem(password)
    if problem:
        raise InvalidInput({"password": problem})
    return password


def record(session: Session, *, actor: str, action: str, user_id: int | None,
           detail: str = "") -> None:
    session.add(UserEvent(actor=actor, action=action, user_id=user_id, detail=detail))


def any_user(session: Session) -> bool:
    return session.execute(select(User.id).limit(1)).first() is not None


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("User %(user_id)s does not exist."), user_id=user_id)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def create_user(session: Session, *, email: str, role: str, password: str | None,
                actor: str) -> User:
    errors: dict[str, Message] = {}
    # Every field is checked, so a form marks each faulty one at once.
    for check, value in ((normalize_email, email), (_check_role, role),
                         (_check_password, password)):
        try:
            if value is not None:
                check(value)
        except InvalidInput as exc:
            errors.update(exc.messages)
    if errors:
        raise InvalidInput(errors)
    email = normalize_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidInput({"email": N_("an account with this email already exists")})
    user = User(email=email, role=role, is_active=True,
                password_hash=security.hash_password(password) if password else None)
    session.add(user)
    session.flush()
    record(session, actor=actor, action="created", user_id=user.id, detail=f"role={role}")
    return user


def create_first_admin(session: Session, *, email: str, password: str) -> User:
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SETUP_LOCK_KEY})
    if any_user(session):
        raise Conflict(N_("An account already exists: the setup link is used up."))
    return create_user(session, email=email, role="admin", password=password, actor="setup")


def _new_link(session: Session, user: User, purpose: str) -> str:
    # Any older link of the user stops working: only the latest one sent is valid.
    session.execute(update(AccountLink).where(AccountLink.user_id == user.id,
                                              AccountLink.used_at.is_(None))
                    .values(used_at=now()))
    raw = security.new_token()
    session.add(AccountLink(user_id=user.id, purpose=purpose, token_hash=security.digest(raw),
                            expires_at=now() + LINK_LIFETIME))
    session.flush()
    return raw


def invite(session: Session, *, email: str, role: str, actor: str) -> tuple[User, str]:
    """A user without a password, and the one-time link with which they choose one."""
    user = create_user(session, email=email, role=role, password=None, actor=actor)
    return user, _new_link(session, user, "invite")


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.is_active.is_(True))) or 0


def set_active(session: Session, *, user_id: int, active: bool, actor: AuthUser) -> User:
    user = get_user(session, user_id)
    if not active:
        if user.id == actor.id:
            raise Conflict(N_("You cannot deactivate your own account."))
        if user.role == "admin" and user.is_active and _active_admins(session) <= 1:
            raise Conflict(N_("The last active administrator cannot be deactivated."))
        # Revoked, not just suspended: reactivating the account brings none of them back.
        revoke_credentials(session, user.id)
    user.is_active = active
    record(session, actor=actor.email, action="activated" if active else "deactivated",
           user_id=user.id)
    session.flush()
    return user


def reset_password(session: Session, *, user_id: int, actor: AuthUser) -> tuple[User, str]:
    """Clears the password, signs the user out everywhere and revokes their API tokens;
    returns the one-time link."""
    user = get_user(session, user_id)
    if user.id == actor.id:
        raise Conflict(N_("Use your account page to change your own password."))
    user.password_hash = None
    revoke_credentials(session, user.id)
    record(session, actor=actor.email, action="password_reset", user_id=user.id)
    return user, _new_link(session, user, "reset")


def valid_link(session: Session, raw: str) -> AccountLink | None:
    link = session.scalar(select(AccountLink).where(
        AccountLink.token_hash == security.digest(raw)))
    if (link is None or link.used_at is not None or link.expires_at <= now()
            or not link.user.is_active):
        return None
    return link


def use_link(session: Session, *, raw: str, password: str) -> User:
    link = valid_link(session, raw)
    if link is None:
        raise Conflict(N_("This link has expired or was already used."))
    _check_password(password)
    link.used_at = now()
    user = link.user
    user.password_hash = security.hash_password(password)
    revoke_credentials(session, user.id)
    record(session, actor=user.email, action="password_set", user_id=user.id,
           detail=f"via {link.purpose} link")
    session.flush()
    return user


def change_password(session: Session, *, user_id: int, current: str, new: str,
                    keep_session: str | None = None) -> None:
    """A new password signs out every other session and revokes every API token: who
    had the old one keeps nothing. The session making the change (`keep_session`, the
    raw cookie) stays signed in."""
    user = get_user(session, user_id)
    if not security.verify_password(current, user.password_hash):
        raise InvalidInput({"current_password": N_("is not your current password")})
    _check_password(new)
    user.password_hash = security.hash_password(new)
    revoke_credentials(session, user.id, keep_session=keep_session)
    record(session, actor=user.email, action="password_changed", user_id=user.id)
    session.flush()


def revoke_user_sessions(session: Session, user_id: int, *,
                         keep_session: str | None = None) -> None:
    query = update(UserSession).where(UserSession.user_id == user_id,
                                      UserSession.revoked_at.is_(None))
    if keep_session:
        query = query.where(UserSession.id != security.digest(keep_session))
    session.execute(query.values(revoked_at=now()))


def revoke_credentials(session: Session, user_id: int, *,
                       keep_session: str | None = None) -> None:
    """Sessions (but `keep_session`), API tokens and unused account links of a user."""
    revoke_user_sessions(session, user_id, keep_session=keep_session)
    moment = now()
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id,
                                           ApiToken.revoked_at.is_(None))
                    .values(revoked_at=moment))
    session.execute(update(AccountLink).where(AccountLink.user_id == user_id,
                                              AccountLink.used_at.is_(None))
                    .values(used_at=moment))


def create_api_token(session: Session, *, user: AuthUser, name: str) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise InvalidInput({"name": N_("must be 1 to 100 characters")})
    raw = security.new_api_token()
    token = ApiToken(user_id=user.id, name=name, token_hash=security.digest(raw),
                     prefix=raw[:10])
    session.add(token)
    session.flush()
    record(session, actor=user.email, action="api_token_created", user_id=user.id,
           detail=f"{name} ({token.prefix}…)")
    return token, raw


def list_api_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)))


def revoke_api_token(session: Session, *, user: AuthUser, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(N_("API token %(token_id)s does not exist."), token_id=token_id)
    token.revoked_at = now()
    record(session, actor=user.email, action="api_token_revoked", user_id=user.id,
           detail=f"{token.name} ({token.prefix}…)")


def user_for_api_token(session: Session, raw: str) -> AuthUser | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == security.digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    moment = now()
    # Writes at most once a minute per token, not on every scripted call.
    if token.last_used_at is None or moment - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = moment
    return AuthUser.of(token.user)


def recent_events(session: Session, limit: int = 50) -> list[UserEvent]:
    return list(session.scalars(select(UserEvent).order_by(UserEvent.id.desc()).limit(limit)))
