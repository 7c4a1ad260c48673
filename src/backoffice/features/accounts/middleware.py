"""ASGI middleware: security headers, and authentication + CSRF for every
route except an explicit public allow-list (default deny, so new routes are protected)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import Receive, Scope, Send

from backoffice.config import Settings
from backoffice.database import DATABASE_AWAY, session_scope
from backoffice.errors import N_
from backoffice.features.accounts import security, service, sessions
from backoffice.web import body_guard, problem

logger = logging.getLogger(__name__)


# Everything else needs a session or an API token. The table-driven test in
# tests/integration/test_security_routes.py holds the same list: widening it is deliberate.
# /language only sets the UI language cookie, which the login page needs too.
PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/login", "/setup", "/language"})
PUBLIC_PREFIXES = ("/static/", "/welcome/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "bo_session"
ANON_CSRF_COOKIE = "bo_csrf"

# The one inline <style> allowed is htmx's indicator rule (htmx 2.0.11), by its hash.
HTMX_STYLE = ".htmx-indicator{opacity:0;visibility: hidden} .htmx-request .htmx-indicator, " \
    ".htmx-request.htmx-indicator{opacity:1;visibility: visible;transition: opacity 200ms " \
    "ease-in}"
_HTMX_STYLE_HASH = base64.b64encode(hashlib.sha256(HTMX_STYLE.encode()).digest()).decode()
CSP = ("default-src 'self'; script-src 'self'; "
       f"style-src 'self' 'sha256-{_HTMX_STYLE_HASH}'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'self'; frame-src 'self'; "
       "frame-ancestors 'self'; base-uri 'self'; form-action 'self'")
# /docs runs the vendored Swagger UI with one inline bootstrap script; that script is
# allowed by its hash only, computed from the page actually served.
DOCS_PATHS = frozenset({"/docs"})
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def is_api(path: str) -> bool:
    """Answered with 401 rather than a redirect to the login page."""
    return path == "/api" or path.startswith("/api/") or path == "/openapi.json"


def is_https(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("scheme") == "https"


def session_cookie_name(scope: MutableMapping[str, Any]) -> str:
    # The __Host- prefix pins the cookie to this host and path "/"; browsers accept it
    # only with Secure, hence plain HTTP (local use) keeps the bare name.
    return "__Host-" + SESSION_COOKIE if is_https(scope) else SESSION_COOKIE


def cookie_header(scope: MutableMapping[str, Any], name: str, value: str,
                  max_age: int | None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if is_https(scope):
        parts.append("Secure")
    return "; ".join(parts)


def _cookies(scope: Scope) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(Headers(scope=scope).get("cookie", ""))
    except Exception:  # a malformed Cookie header is treated as no cookies
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


async def _respond(send: Send, status: int, body: bytes, content_type: str,
                   headers: dict[str, str] | None = None) -> None:
    raw = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"] in DOCS_PATHS:
            return await self._docs(scope, receive, send)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                self._add(MutableHeaders(scope=message), CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _add(headers: MutableHeaders, csp: str) -> None:
        headers["Content-Security-Policy"] = csp
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "SAMEORIGIN"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: dict = {}
        chunks: list[bytes] = []

        async def buffer(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, buffer)
        body = b"".join(chunks)
        hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s).digest()).decode()
                          + "'" for s in _INLINE_SCRIPT.findall(body))
        csp = (f"default-src 'self'; script-src 'self' {hashes}; "
               "style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src blob:; "
               "object-src 'none'; frame-ancestors 'self'; base-uri 'self'; "
               "form-action 'self'")
        self._add(MutableHeaders(scope=start), csp)
        await send(start)
        await send({"type": "http.response.body", "body": body})


class AuthMiddleware:
    """Sets request.state.user (service.AuthUser or None), .auth and .csrf_token, refuses
    anonymous requests outside the allow-list, and checks CSRF on state-changing ones."""

    def __init__(self, app, settings: Settings, limits: body_guard.BodyLimits) -> None:
        self.app, self.settings, self.limits = app, settings, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        state = scope.setdefault("state", {})
        state.update(user=None, auth=None, csrf_token="")
        path, method = scope["path"], scope["method"]

        authorization = headers.get("authorization", "")
        if authorization[:7].lower() == "bearer ":
            try:
                user = await run_in_threadpool(self._token_user, authorization[7:].strip())
            except DATABASE_AWAY:
                return await self._database_away(scope, receive, send)
            if user is None:
                return await self._unauthorized(send, "invalid or revoked API token")
            # No cookie is involved, so there is nothing for a forged request to ride on.
            state.update(user=user, auth="token")
            return await self.app(scope, receive, send)

        cookies = _cookies(scope)
        set_cookies: list[str] = []
        raw_session = cookies.get(session_cookie_name(scope))
        unknown = False
        try:
            info = await run_in_threadpool(self._session, raw_session) if raw_session else None
        except DATABASE_AWAY:
            if not is_public(path):
                return await self._database_away(scope, receive, send)
            # /healthz and the like must not depend on the database: go on as anonymous,
            # keeping the cookie (the session may well be valid).
            info, unknown = None, True
        if info is not None:
            state.update(user=info.user, auth="session", csrf_token=info.csrf_token)
        else:
            if raw_session and not unknown:  # expired or revoked: drop the stale cookie
                set_cookies.append(cookie_header(scope, session_cookie_name(scope), "", 0))
            anon = cookies.get(ANON_CSRF_COOKIE, "")
            if not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", anon):
                anon = security.new_token()
                set_cookies.append(cookie_header(scope, ANON_CSRF_COOKIE, anon, None))
            state["csrf_token"] = anon

        if info is None and not is_public(path):
            return await self._deny(scope, send, set_cookies)

        if method not in SAFE_METHODS:
            refused = self._origin_problem(headers)
            if refused is None:
                try:
                    submitted, receive = await self._submitted_token(scope, headers, receive)
                except body_guard.BodyRefused as refusal:
                    return await body_guard.refuse(scope, receive, send, refusal)
                if not submitted or not security.same(submitted, state["csrf_token"]):
                    refused = "missing or invalid CSRF token"
            if refused is not None:
                return await problem.answer(scope, receive, send, 403, detail=refused, message=N_(
                    "This form has expired or came from another site. Reload the page and "
                    "try again."))

        async def send_with_cookies(message: dict) -> None:
            if message["type"] == "http.response.start" and set_cookies:
                response_headers = MutableHeaders(scope=message)
                for value in set_cookies:
                    response_headers.append("set-cookie", value)
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    def _token_user(self, raw: str) -> service.AuthUser | None:
        with session_scope(self.settings) as session:
            return service.user_for_api_token(session, raw)

    def _session(self, raw: str) -> sessions.SessionInfo | None:
        with session_scope(self.settings) as session:
            return sessions.load_session(session, self.settings, raw)

    @staticmethod
    async def _database_away(scope: Scope, receive: Receive, send: Send) -> None:
        """Who is asking cannot be checked: a 503 that says so (never a bare 500), and
        the next request tries again, so the app recovers with the database."""
        logger.warning("sign-in lookup failed: the database is unavailable")
        await problem.answer(scope, receive, send, 503,
                             detail="the database is unavailable; try again in a moment",
                             message=problem.DATABASE_AWAY_MSGID,
                             headers=problem.database_unavailable_headers())

    @staticmethod
    async def _unauthorized(send: Send, detail: str) -> None:
        await _respond(send, 401, json.dumps({"detail": detail}).encode(), "application/json",
                       {"WWW-Authenticate": "Bearer"})

    async def _deny(self, scope: Scope, send: Send, set_cookies: list[str]) -> None:
        path = scope["path"]
        if is_api(path):
            return await self._unauthorized(send, "not authenticated")
        query = scope.get("query_string", b"").decode("latin-1")
        target = "/login?next=" + quote(path + (f"?{query}" if query else ""), safe="")
        headers = {"Location": target, "Cache-Control": "no-store"}
        status = 303
        if Headers(scope=scope).get("hx-request"):
            # htmx would swap a followed redirect into the page; ask it to navigate instead.
            status, headers = 401, {"HX-Redirect": target}
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw += [(b"set-cookie", c.encode()) for c in set_cookies]
        raw.append((b"content-length", b"0"))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    def _origin_problem(headers: Headers) -> str | None:
        host = headers.get("host", "").lower()
        origin = headers.get("origin")
        if origin is not None:
            if origin == "null" or urlsplit(origin).netloc.lower() != host:
                return "cross-origin request refused"
            return None
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return "cross-site request refused"
        return None

    async def _submitted_token(self, scope: Scope, headers: Headers,
                               receive: Receive) -> tuple[str, Receive]:
        """The X-CSRF-Token header, else the form's csrf_token field, found without
        parsing the form (see web/body_guard.py); the body is replayed to the route."""
        header = headers.get("x-csrf-token")
        if header:
            return header, receive
        return await body_guard.form_token(scope, receive, self.limits)
