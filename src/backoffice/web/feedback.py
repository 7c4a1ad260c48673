"""Outcome messages for the HTML side: toasts (HTMX out-of-band swaps), errors in words.

Messages are catalog msgids; values are passed separately and autoescaped by the
template, so a hostile title or reason is always shown as text.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from backoffice.errors import Conflict, InvalidInput, NotFound
from backoffice.web.templating import gettext_for, render

STATUS_MSGIDS = {"DRAFT": "Draft", "APPROVED": "Approved", "PUBLISHED": "Published",
                 "REJECTED": "Rejected"}
# Field names as the forms label them (msgids already in the catalogs).
FIELD_MSGIDS = {"reason": "Reason", "seed": "Seed", "prompt": "Prompt", "count": "Pages to add",
                "position": "Position", "page_ids": "Pages", "page_id": "Page",
                "title": "Title", "author": "Author", "page_count": "Coloring pages",
                "theme": "Theme", "audience": "Audience", "trim_size": "Trim size",
                "paper": "Paper", "subtitle": "Subtitle"}


def is_htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


def error_text(request: Request, exc: Exception) -> str:
    _ = gettext_for(request)
    msgid = getattr(exc, "msgid", None)
    if msgid:
        params = {k: _(STATUS_MSGIDS[v]) if k == "status" and v in STATUS_MSGIDS else v
                  for k, v in exc.params.items()}  # type: ignore[attr-defined]
        return _(msgid, **params)
    if isinstance(exc, InvalidInput):
        return " · ".join(_("%(field)s: %(detail)s", field=_(FIELD_MSGIDS.get(field, field)),
                            detail=message) for field, message in exc.errors.items())
    if isinstance(exc, NotFound):
        return _("This page or version no longer exists. Reload the page.")
    if isinstance(exc, Conflict):
        return _("Refused: %(reason)s", reason=str(exc))
    return _("Something went wrong. Try again.")


def status_for(exc: Exception) -> int:
    if isinstance(exc, InvalidInput):
        return 422
    if isinstance(exc, NotFound):
        return 404
    return 409


def toast(request: Request, message: str, kind: str = "ok") -> str:
    """The out-of-band fragment appending one toast to #toasts."""
    return bytes(render(request, "_toast.html", {"message": message, "kind": kind}).body).decode()


def error_response(request: Request, exc: Exception) -> Response:
    return message_response(request, error_text(request, exc), status_for(exc))


def message_response(request: Request, message: str, status_code: int) -> Response:
    """HTMX: the status code plus a toast that app.js shows; plain forms: a short page."""
    if is_htmx(request):
        return HTMLResponse(toast(request, message, "error"), status_code=status_code)
    referer = request.headers.get("referer", "")
    back = referer if referer.startswith(str(request.base_url)) else None
    return render(request, "error.html", {"message": message, "back": back},
                  status_code=status_code)


def with_toast(response: HTMLResponse, request: Request, message: str,
               kind: str = "ok") -> HTMLResponse:
    body = bytes(response.body).decode() + toast(request, message, kind)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return HTMLResponse(body, status_code=response.status_code, headers=headers)
