"""Server-side sessions with idle and absolute expiry, and rate-limited logins.
Functions take the caller's session and flush; they never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from backoffice.config import Settings
from backoffice.features.accounts import security
from backoffice.features.accounts.service import AuthUser, now, record
from backoffice.models import LoginAttempt, User, UserSession

# Sessions are touched at most this often, so browsing is not one UPDATE per request.
TOUCH_EVERY = timedelta(seconds=60)


class LoginRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid" or "rate_limited", never which part was wrong


@dataclass(frozen=True)
class SessionInfo:
    user: AuthUser
    csrf_token: str


def create_session(session: Session, settings: Settings, *, user: AuthUser, ip: str,
                   user_agent: str) -> tuple[str, UserSession]:
    raw, moment = security.new_token(), now()
    row = UserSession(id=security.digest(raw), user_id=user.id,
                      csrf_token=security.new_token(), created_at=moment,
                      last_seen_at=moment,
                      expires_at=moment + timedelta(hours=settings.session_max_hours),
                      ip=ip[:64], user_agent=user_agent[:300])
    session.add(row)
    # Every way in counts as a sign-in: the password form, the setup and invitation links.
    session.execute(update(User).where(User.id == user.id).values(last_login_at=moment))
    session.flush()
    return raw, row


def load_session(session: Session, settings: Settings, raw: str) -> SessionInfo | None:
    # The user in the same query: this runs before every signed-in request.
    row = session.get(UserSession, security.digest(raw), options=[joinedload(UserSession.user)])
    if row is None or row.revoked_at is not None:
        return None
    moment = now()
    idle_limit = row.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if moment >= row.expires_at or moment >= idle_limit or not row.user.is_active:
        row.revoked_at = row.revoked_at or moment
        return None
    if moment - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = moment
    return SessionInfo(user=AuthUser.of(row.user), csrf_token=row.csrf_token)


def revoke_session(session: Session, raw: str) -> None:
    session.execute(update(UserSession).where(UserSession.id == security.digest(raw),
                                              UserSession.revoked_at.is_(None))
                    .values(revoked_at=now()))


def _failures(session: Session, since, **where: str) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.created_at >= since)
    for column, value in where.items():
        query = query.where(getattr(LoginAttempt, column) == value)
    return session.scalar(query) or 0


def login(session: Session, settings: Settings, *, email: str, password: str,
          ip: str) -> AuthUser:
    """The user, or LoginRefused. Failures are kept per typed email and per IP; the same
    refusal is given whether or not the account exists."""
    typed = (email or "").strip().lower()[:254]
    ip = ip[:64]
    moment = now()
    since = moment - timedelta(minutes=settings.login_window_minutes)
    session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < moment
                                               - timedelta(days=1)))
    if (_failures(session, since, email=typed) >= settings.login_max_failures_account
            or _failures(session, since, ip=ip) >= settings.login_max_failures_ip):
        raise LoginRefused("rate_limited")
    user = session.scalar(select(User).where(User.email == typed)) if typed else None
    ok = security.verify_password(password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        session.add(LoginAttempt(email=typed, ip=ip))
        session.flush()
        raise LoginRefused("invalid")
    # A success clears the account's count, not the IP's: a shared office IP stays bounded.
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == typed))
    user.last_login_at = moment
    record(session, actor=user.email, action="login", user_id=user.id, detail=f"ip={ip}")
    return AuthUser.of(user)
