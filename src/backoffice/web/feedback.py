"""Outcome messages for the HTML side: toasts (HTMX out-of-band swaps), errors in words,
and the designed error page every HTML route answers with (403, 404, 422, 500, 503...).

Messages are catalog msgids; values are passed separately and autoescaped by the
template, so a hostile title or reason is always shown as text.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from backoffice.errors import N_, Conflict, DomainError, InvalidInput, Message, NotFound
from backoffice.web.templating import gettext_for, render

STATUS_MSGIDS = {"DRAFT": N_("Draft"), "APPROVED": N_("Approved"),
                 "PUBLISHED": N_("Published"), "REJECTED": N_("Rejected")}
# Field names as the forms label them.
FIELD_MSGIDS = {"reason": N_("Reason"), "seed": N_("Seed"), "prompt": N_("Prompt"),
                "count": N_("Pages to add"), "position": N_("Position"),
                "page_ids": N_("Pages"), "page_id": N_("Page"), "page": N_("Page"),
                "ebook_id": N_("Book"), "title": N_("Title"), "author": N_("Author"),
                "page_count": N_("Coloring pages"), "theme": N_("Theme"),
                "audience": N_("Audience"), "trim_size": N_("Trim size"), "paper": N_("Paper"),
                "subtitle": N_("Subtitle"), "isbn": N_("ISBN-13 (optional)"),
                "blurb": N_("Back-cover text (optional)"), "status": N_("Status"),
                "sort": N_("Sort"), "q": N_("Search"), "email": N_("Email"),
                "role": N_("Role"), "password": N_("Password"), "name": N_("Token name")}
# The heading of the error page, by HTTP status.
STATUS_TITLES = {400: N_("Bad request"), 401: N_("Sign-in needed"),
                 403: N_("Access refused"), 404: N_("Page not found"),
                 405: N_("Action not allowed"), 409: N_("Action refused"),
                 413: N_("Too large"), 422: N_("Invalid request"),
                 429: N_("Too many requests"), 500: N_("Something went wrong"),
                 502: N_("A service did not answer"), 503: N_("Service unavailable")}
# What to say when the exception carries nothing a person can read.
STATUS_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Sign in to see this page."),
    403: N_("This page is reserved for administrators."),
    404: N_("This page does not exist, or it was removed."),
    405: N_("This address does not accept this action."),
    409: N_("The book's state does not allow this action."),
    413: N_("What was sent is too large."),
    422: N_("The address or the form contains a value that is not valid."),
    429: N_("Too many requests: wait a moment, then try again."),
    500: N_("An unexpected error occurred. It has been logged; try again, and if it persists "
            "tell an administrator."),
    502: N_("The image provider did not answer. Try again in a moment."),
    503: N_("The database cannot be reached right now. Nothing was saved; try again in a "
            "moment."),
}


def is_htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


def field_label(gettext, field: str) -> str:
    return gettext(FIELD_MSGIDS[field]) if field in FIELD_MSGIDS else field


def error_text(request: Request, exc: Exception) -> str:
    _ = gettext_for(request)
    if isinstance(exc, DomainError):
        params = {k: Message(STATUS_MSGIDS[v]) if k == "status" and v in STATUS_MSGIDS else v
                  for k, v in exc.params.items()}
        return Message(exc.msgid, params).translate(_)
    if isinstance(exc, InvalidInput):
        return " · ".join(_("%(field)s: %(detail)s", field=field_label(_, field),
                            detail=text.translate(_)) for field, text in exc.messages.items())
    return _("Something went wrong. Try again.")


def status_for(exc: Exception) -> int:
    if isinstance(exc, InvalidInput):
        return 422
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    return 500


def toast(request: Request, message: str, kind: str = "ok") -> str:
    """The out-of-band fragment appending one toast to #toasts."""
    return bytes(render(request, "_toast.html", {"message": message, "kind": kind}).body).decode()


def error_response(request: Request, exc: Exception) -> Response:
    return message_response(request, error_text(request, exc), status_for(exc))


def message_response(request: Request, message: str | None, status_code: int,
                     headers: dict[str, str] | None = None) -> Response:
    """HTMX: the status code plus a toast that app.js shows; otherwise the error page."""
    if is_htmx(request):
        _ = gettext_for(request)
        text = message or _(STATUS_MESSAGES.get(status_code, STATUS_MESSAGES[500]))
        return HTMLResponse(toast(request, text, "error"), status_code=status_code,
                            headers=headers)
    return error_page(request, status_code, message, headers=headers)


def error_page(request: Request, status_code: int, message: str | None = None,
               headers: dict[str, str] | None = None) -> HTMLResponse:
    """The designed error page, in the reader's language; never reads the database, so
    it can also say that the database is down."""
    if "router" not in request.scope and "app" in request.scope:
        # Answered from a middleware, before routing: url_for needs the router.
        request.scope["router"] = request.scope["app"].router
    _ = gettext_for(request)
    referer = request.headers.get("referer", "")
    back = referer if referer.startswith(str(request.base_url)) and referer != str(
        request.url) else None
    # A fault, not a refusal: the same address may well work in a moment.
    retry = str(request.url) if request.method == "GET" and status_code >= 500 else None
    return render(request, "error.html", {
        "status": status_code, "retry": retry,
        "title": _(STATUS_TITLES.get(status_code, STATUS_TITLES[500])),
        "message": message or _(STATUS_MESSAGES.get(status_code, STATUS_MESSAGES[500])),
        "back": back}, status_code=status_code, headers=headers)


def with_toast(response: HTMLResponse, request: Request, message: str,
               kind: str = "ok") -> HTMLResponse:
    body = bytes(response.body).decode() + toast(request, message, kind)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return HTMLResponse(body, status_code=response.status_code, headers=headers)
