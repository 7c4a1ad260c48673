"""Secrets: password hashing (Argon2id), random tokens and their stored digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from functools import lru_cache

from pwdlib import PasswordHash

from backoffice.errors import N_, Message

PASSWORD_MIN = 12
# Argon2id takes 64 MiB per hash: however many logins arrive at once, only this many
# hash at a time, so memory stays bounded (40 parallel tries once took 390 MB).
HASHING_AT_ONCE = 2
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)
# Bounded so a megabyte "password" cannot make every login attempt expensive.
PASSWORD_MAX = 256
API_TOKEN_PREFIX = "bo_"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Always spends one Argon2 verification, so the response time does not tell whether
    the account exists or has a password."""
    with _hashing:  # the dummy hash too: 40 first calls at once must not make 40 of them
        if password_hash is None or len(password) > PASSWORD_MAX:
            _hasher().verify(password[:PASSWORD_MAX], _dummy_hash())
            return False
        try:
            return _hasher().verify(password, password_hash)
        except Exception:  # a malformed stored hash must read as "wrong password", not 500
            return False


def password_problem(password: str) -> Message | None:
    if len(password) < PASSWORD_MIN:
        return Message(N_("must be at least %(min)s characters"), {"min": PASSWORD_MIN})
    if len(password) > PASSWORD_MAX:
        return Message(N_("must be at most %(max)s characters"), {"max": PASSWORD_MAX})
    return None


def new_token() -> str:
    """256 bits from the OS's CSPRNG, URL-safe."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """Tokens are stored as SHA-256: they are random, so no slow hash is needed."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"),
                               b.encode("utf-8", "surrogatepass"))
