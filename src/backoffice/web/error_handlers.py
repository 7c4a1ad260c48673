"""Domain errors and bad input mapped to HTTP once, for the JSON API and the HTML pages.

Routes raise NotFound / Conflict / InvalidInput (backoffice/errors.py) and never build
error responses themselves: the API answers JSON in FastAPI's shapes, the pages answer
a toast (HTMX) or a short page, in the reader's language.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from backoffice.database import DATABASE_AWAY
from backoffice.errors import Conflict, InvalidInput, NotFound, RejectedFiles
from backoffice.queue import QueueUnavailable
from backoffice.storage import StorageError
from backoffice.web import form_errors
from backoffice.web.feedback import error_response, field_label, message_response
from backoffice.web.problem import (
    DATABASE_AWAY_MSGID,
    database_unavailable_headers,
    wants_json,
)
from backoffice.web.templating import gettext_for

logger = logging.getLogger(__name__)
# A 422 quotes at most this much of what was sent: a 9 MB title is not sent back.
INPUT_EXCERPT = 80


def _excerpt(value: Any) -> Any:
    if isinstance(value, str):
        # Lone surrogates cannot be encoded in the JSON answer: shown replaced.
        value = value.encode("utf-8", "replace").decode("utf-8")
        return value[:INPUT_EXCERPT] + "…" if len(value) > INPUT_EXCERPT else value
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return None  # objects and lists: the field and message say enough


def _json_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    shown = []
    for error in errors:
        item: dict[str, Any] = {"loc": list(error.get("loc", ())),
                                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "value_error"))}
        if "input" in error:
            item["input"] = _excerpt(error["input"])
        if error.get("ctx"):
            item["ctx"] = {k: _excerpt(v) for k, v in error["ctx"].items()}
        shown.append(item)
    return shown


async def _invalid_input(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InvalidInput)
    if wants_json(request):
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": ["body", field], "msg": message, "type": "value_error"}
            for field, message in exc.errors.items()]})
    return error_response(request, exc)


async def _rejected_files(request: Request, exc: Exception) -> Response:
    """Each bad file named with its problem; the API in English, pages in the reader's
    language."""
    assert isinstance(exc, RejectedFiles)
    if wants_json(request):
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": ["body", "files"], "file": name,
             "msg": msgid % params if params else msgid, "type": "bad_file"}
            for name, msgid, params in exc.rejected]})
    _ = gettext_for(request)
    lines = [_("%(file)s: %(problem)s", file=name, problem=_(msgid, **params))
             for name, msgid, params in exc.rejected]
    return message_response(request, _("Nothing was imported.") + " " + " · ".join(lines), 422)


async def _not_found(request: Request, exc: Exception) -> Response:
    if wants_json(request):
        return JSONResponse(status_code=404, content={"detail": str(exc)})
    return error_response(request, exc)


async def _conflict(request: Request, exc: Exception) -> Response:
    if wants_json(request):
        return JSONResponse(status_code=409, content={"detail": str(exc)})
    return error_response(request, exc)


async def _request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if wants_json(request):
        return JSONResponse(status_code=422, content={"detail": _json_errors(exc.errors())})
    _ = gettext_for(request)
    messages = []
    for error in exc.errors():
        field = str(error["loc"][-1]) if error.get("loc") else ""
        label = field_label(_, field)
        text = form_errors.localize(_, dict(error))
        messages.append(_("%(field)s: %(detail)s", field=label, detail=text) if label else text)
    return message_response(request, " · ".join(dict.fromkeys(messages)), 422)


async def _out_of_range(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold (an id past 2^31, a NUL byte in text) is bad input,
    not a server fault: 422, whatever route let it through."""
    if wants_json(request):
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": ["request"], "msg": "a value is out of range or not storable",
             "type": "value_error"}]})
    _ = gettext_for(request)
    return message_response(request, _("A value is out of range or not storable."), 422)


async def _database_error(request: Request, exc: Exception) -> Response:
    """The database refused or lost the transaction (often at COMMIT): the request had no
    effect, and the client must hear so rather than a success."""
    logger.error("database error on %s %s: %s", request.method, request.url.path,
                 " ".join(str(exc).split())[:500])
    if isinstance(exc, IntegrityError):
        status, english = 409, "a concurrent change conflicts with this one; nothing was saved"
    elif isinstance(exc, DATABASE_AWAY):
        return _database_away(request)
    else:
        status, english = 500, "the database refused the change; nothing was saved"
    if wants_json(request):
        return JSONResponse(status_code=status, content={"detail": english})
    _ = gettext_for(request)
    return message_response(request, _("The change could not be saved. Try again."), status)


def _database_away(request: Request) -> Response:
    """Down, restarting or out of connections: 503 with Retry-After; the next request
    tries again, so the app comes back with the database by itself."""
    headers = database_unavailable_headers()
    if wants_json(request):
        return JSONResponse(status_code=503, headers=headers, content={
            "detail": "the database is unavailable; nothing was saved, try again"})
    _ = gettext_for(request)
    response = message_response(request, _(DATABASE_AWAY_MSGID), 503)
    response.headers.update(headers)
    return response


async def _unreachable(request: Request, exc: Exception) -> Response:
    logger.error("database unreachable on %s %s: %s", request.method, request.url.path,
                 " ".join(str(exc).split())[:300])
    return _database_away(request)


async def _queue_unavailable(request: Request, exc: Exception) -> Response:
    if wants_json(request):
        return JSONResponse(status_code=503, content={
            "detail": "the change is saved, but the job queue is unavailable"})
    _ = gettext_for(request)
    return message_response(
        request, _("The change is saved, but the job queue is unavailable right now."), 503)


async def _storage_unavailable(request: Request, exc: Exception) -> Response:
    """The file store (an S3 bucket, the data folder) failed after its own retries: the
    request had no effect; 503 when trying again may help."""
    assert isinstance(exc, StorageError)
    logger.error("storage error on %s %s: %s", request.method, request.url.path, exc)
    status = 503 if exc.retryable else 500
    if wants_json(request):
        detail = ("the file storage is unavailable; nothing was saved, try again"
                  if exc.retryable else "a stored file could not be read or written")
        return JSONResponse(status_code=status, content={"detail": detail})
    _ = gettext_for(request)
    if exc.retryable:
        return message_response(
            request, _("The file storage cannot be reached right now. Try again."), 503)
    return message_response(request, _("A stored file could not be read or written."), 500)


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405, and HTTPExceptions such as the admins-only 403: JSON
    for the API, the designed page (or a toast) for people."""
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if wants_json(request):
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=headers)
        return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail},
                            headers=headers)
    return message_response(request, None, exc.status_code, headers=headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Anything not handled elsewhere (Starlette still logs the traceback): a designed
    500 page, or the designed 503 when the database is unreachable, even from a middleware."""
    try:
        if isinstance(exc, DATABASE_AWAY):
            return _database_away(request)
        if wants_json(request):
            return JSONResponse(status_code=500, content={"detail": "internal server error"})
        return message_response(request, None, 500)
    except Exception:  # the page itself failed: say it plainly rather than not at all
        logger.exception("the error page could not be rendered")
        return Response("Internal Server Error", status_code=500, media_type="text/plain")


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(RejectedFiles, _rejected_files)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(QueueUnavailable, _queue_unavailable)
    # Raised outside SQLAlchemy's DBAPIError family (pool timeouts, raw psycopg).
    for kind in DATABASE_AWAY:
        if not issubclass(kind, DBAPIError):
            app.add_exception_handler(kind, _unreachable)
    app.add_exception_handler(StorageError, _storage_unavailable)
