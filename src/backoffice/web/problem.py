"""Errors answered before routing (ASGI middleware: body limits, the sign-in lookup while
the database is away): JSON for API clients, the short error page for browsers, in the
reader's language, through the same `message_response` as the routes' errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from backoffice.web.feedback import message_response
from backoffice.web.form_errors import N_
from backoffice.web.templating import gettext_for

# The same words as the designed 503 page (web/feedback.py), wherever the outage is met.
DATABASE_AWAY_MSGID = N_("The database cannot be reached right now. Nothing was saved; try "
                         "again in a moment.")
# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER = "5"


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path == "/api" or path.startswith("/api/") or path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


Gettext = Callable[..., str]


async def answer(scope: Scope, receive: Receive, send: Send, status: int, *,
                 detail: Any, message: str | Callable[[Gettext], str],
                 headers: dict[str, str] | None = None) -> None:
    """`detail` (English, or FastAPI's list of errors) for JSON; `message` (a msgid, or a
    function of gettext) in the reader's language for a page or an HTMX toast."""
    request = Request(scope, receive)
    extra = dict(headers or {})
    if wants_json(request):
        body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
        raw = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
        raw += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})
        return
    _ = gettext_for(request)
    text = _(message) if isinstance(message, str) else message(_)
    response = message_response(request, text, status)
    for key, value in extra.items():
        response.headers[key] = value
    await response(scope, receive, send)


def database_unavailable_headers() -> dict[str, str]:
    return {"Retry-After": RETRY_AFTER, "Cache-Control": "no-store"}
