"""ASGI middleware: security headers, body size limit, and authentication + CSRF for every
route except an explicit public allow-list (default deny, so new routes are protected)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import HTTPException
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request

from backoffice.config import Settings
from backoffice.database import session_scope
from backoffice.errors import N_
from backoffice.features.accounts import security, service, sessions
from backoffice.web.feedback import message_response
from backoffice.web.templating import gettext_for

logger = logging.getLogger(__name__)
DATABASE_DOWN = (OperationalError, InterfaceError)
Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

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


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, english: str,
                  msgid: str | None = None) -> None:
    """A refusal from a middleware: JSON for the API and scripts, the designed error page
    (or an HTMX toast) in the reader's language for people."""
    accept = Headers(scope=scope).get("accept", "")
    if is_api(scope["path"]) or ("application/json" in accept and "text/html" not in accept):
        return await _respond(send, status, json.dumps({"detail": english}).encode(),
                              "application/json")
    request = Request(scope, receive)
    message = gettext_for(request)(msgid) if msgid else None
    response = message_response(request, message, status)
    await response(scope, receive, send)


async def _database_down(scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
    # A designed 503 in the reader's language rather than a bare server error.
    logger.error("database unavailable on %s %s: %s", scope["method"], scope["path"],
                 " ".join(str(exc).split())[:300])
    await _refuse(scope, receive, send, 503,
                  "the database is unavailable; nothing was saved, try again")


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


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, "request body too large")


class BodySizeLimitMiddleware:
    """413 on a declared Content-Length over the limit, and on a streamed (chunked) body
    as soon as it crosses the limit. Paths matching `large_paths` (file uploads) have
    their own, larger limit."""

    def __init__(self, app, max_bytes: int, large_paths: re.Pattern[str] | None = None,
                 large_bytes: int = 0) -> None:
        self.app, self.max_bytes = app, max_bytes
        self.large_paths, self.large_bytes = large_paths, large_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.max_bytes
        if self.large_paths is not None and self.large_paths.fullmatch(scope["path"]):
            limit = max(limit, self.large_bytes)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _refuse(scope, receive, send, 413, "request body too large")
        received = 0
        started = False

        async def counting_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(scope, receive, send, 413, "request body too large")


class AuthMiddleware:
    """Sets request.state.user (service.AuthUser or None), .auth and .csrf_token, refuses
    anonymous requests outside the allow-list, and checks CSRF on state-changing ones."""

    def __init__(self, app, settings: Settings) -> None:
        self.app, self.settings = app, settings

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
            except DATABASE_DOWN as exc:
                return await _database_down(scope, receive, send, exc)
            if user is None:
                return await self._unauthorized(send, "invalid or revoked API token")
            # No cookie is involved, so there is nothing for a forged request to ride on.
            state.update(user=user, auth="token")
            return await self.app(scope, receive, send)

        cookies = _cookies(scope)
        set_cookies: list[str] = []
        raw_session = cookies.get(session_cookie_name(scope))
        try:
            info = await run_in_threadpool(self._session, raw_session) if raw_session else None
        except DATABASE_DOWN as exc:
            return await _database_down(scope, receive, send, exc)
        if info is not None:
            state.update(user=info.user, auth="session", csrf_token=info.csrf_token)
        else:
            if raw_session:  # expired or revoked: drop the stale cookie
                set_cookies.append(cookie_header(scope, session_cookie_name(scope), "", 0))
            anon = cookies.get(ANON_CSRF_COOKIE, "")
            if not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", anon):
                anon = security.new_token()
                set_cookies.append(cookie_header(scope, ANON_CSRF_COOKIE, anon, None))
            state["csrf_token"] = anon

        if info is None and not is_public(path):
            return await self._deny(scope, send, set_cookies)

        if method not in SAFE_METHODS:
            problem = self._origin_problem(headers)
            if problem is None:
                submitted, receive = await self._submitted_token(scope, headers, receive)
                if not submitted or not security.same(submitted, state["csrf_token"]):
                    problem = "missing or invalid CSRF token"
            if problem is not None:
                return await _refuse(scope, receive, send, 403, problem, N_(
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

    @staticmethod
    async def _submitted_token(scope: Scope, headers: Headers,
                               receive: Receive) -> tuple[str, Receive]:
        """The X-CSRF-Token header, else the form's csrf_token field. Reading the form
        consumes the body, so it is buffered and replayed to the route."""
        header = headers.get("x-csrf-token")
        if header:
            return header, receive
        content_type = headers.get("content-type", "").lower()
        if not content_type.startswith(("application/x-www-form-urlencoded",
                                        "multipart/form-data")):
            return "", receive
        messages: list[dict] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        pending = list(messages)

        async def replay() -> dict:
            return pending.pop(0) if pending else await receive()

        if content_type.startswith("application/x-www-form-urlencoded"):
            body = b"".join(m.get("body", b"") for m in messages)
            values = parse_qs(body.decode("latin-1"), keep_blank_values=True)
            return (values.get("csrf_token") or [""])[0], replay
        parse_queue = list(messages)

        async def parse_receive() -> dict:
            return parse_queue.pop(0) if parse_queue else {"type": "http.disconnect"}

        try:
            form = await Request(scope, parse_receive).form()
            token = form.get("csrf_token")
            await form.close()
        except Exception:  # malformed multipart: no token, hence 403
            token = None
        return (token if isinstance(token, str) else ""), replay
