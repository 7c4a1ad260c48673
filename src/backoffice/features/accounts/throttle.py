"""Login throttling that nobody can use to lock someone else out, and that holds under
parallel tries.

- Per account *and* address: a few free tries, then exponential backoff (5 s, 10 s,
  20 s... up to the window). Someone guessing from one address slows only themselves: the
  owner, from their own address, signs in at once. No CAPTCHA.
- Per address: a budget of failed tries over the window, whatever the account, so one
  address cannot spray guesses across every account.
- Atomic: each try is *claimed* before its password is checked, under a row lock in a
  transaction of its own (committed at once): 40 parallel tries claim one after the
  other, and at most the free tries are evaluated. A try that succeeds gives its claim
  back.
- Bounded: rows are keyed (not one per attempt) and pruned after a day; password checks
  (Argon2, 64 MiB each) run a few at a time (security.py), whatever arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.database import session_scope
from backoffice.features.accounts.service import now
from backoffice.models import LoginThrottle

KEEP_ROWS = timedelta(days=1)


def account_key(ip: str, email: str) -> str:
    return f"account:{ip[:64]}|{email[:254]}"


def address_key(ip: str) -> str:
    return f"ip:{ip[:64]}"


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a try: allowed, or how long to wait."""

    allowed: bool
    retry_after: float = 0.0


def _backoff(settings: Settings, failures: int) -> timedelta:
    extra = failures - settings.login_max_failures_account
    if extra < 0:
        return timedelta(0)
    window = settings.login_window_minutes * 60
    return timedelta(seconds=min(window, settings.login_backoff_seconds * 2 ** min(extra, 30)))


def claim(settings: Settings, *, email: str, ip: str) -> Claim:
    """Claim one try for (email, ip) and for ip, in a transaction of its own."""
    keys = sorted((account_key(ip, email), address_key(ip)))  # one lock order: no deadlock
    moment = now()
    window = timedelta(minutes=settings.login_window_minutes)
    with session_scope(settings) as session:
        session.execute(delete(LoginThrottle).where(
            LoginThrottle.updated_at < moment - KEEP_ROWS, LoginThrottle.blocked_until < moment))
        session.execute(insert(LoginThrottle).values(
            [{"key": key, "failures": 0, "blocked_until": moment, "updated_at": moment}
             for key in keys]).on_conflict_do_nothing(index_elements=["key"]))
        rows = {row.key: row for row in session.scalars(
            select(LoginThrottle).where(LoginThrottle.key.in_(keys))
            .order_by(LoginThrottle.key).with_for_update())}
        for row in rows.values():
            if row.blocked_until <= moment and row.updated_at < moment - window:
                row.failures = 0  # a quiet window forgives
        waits = [(row.blocked_until - moment).total_seconds() for row in rows.values()
                 if row.blocked_until > moment]
        if waits:
            return Claim(False, max(waits))
        account, address = rows[account_key(ip, email)], rows[address_key(ip)]
        # Counted as failed until the password proves otherwise (see `succeeded`).
        account.failures += 1
        address.failures += 1
        account.updated_at = address.updated_at = moment
        account.blocked_until = _until(moment, _backoff(settings, account.failures))
        if address.failures >= settings.login_max_failures_ip:
            address.blocked_until = moment + window
    return Claim(True)


def _until(moment: datetime, wait: timedelta) -> datetime:
    return moment + wait if wait else moment


def succeeded(session: Session, *, email: str, ip: str) -> None:
    """The claimed try was right: the account's count starts again, and the address gets
    its try back (an office behind one address stays within its budget)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(ip, email)))
    session.execute(update(LoginThrottle).where(LoginThrottle.key == address_key(ip))
                    .values(failures=LoginThrottle.failures - 1)
                    .where(LoginThrottle.failures > 0))
