"""Request bodies, bounded before anything parses them, and never parsed on the event loop.

One anonymous request must not stall the others: a 10 MB urlencoded body of `a=b&...`
used to freeze every request for seconds while it was parsed on the event loop. So:
- sizes are checked first, from Content-Length (no byte read) and while streaming;
  forms and JSON get a small limit, only multipart (files) the large one;
- form fields are counted with one `bytes.count` before any parser sees them;
- what we scan ourselves (the CSRF token, JSON sanity) runs in a worker thread behind
  its own small limiter, so it cannot starve the thread pool the routes use either.

JSON that Python accepts but a client cannot have meant (NaN, Infinity, 1e400, lone
surrogates, NUL characters) is refused with a 422 naming the field, before a route
sees it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import anyio
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope, Send

from backoffice.web import problem
from backoffice.web.feedback import field_label
from backoffice.web.form_errors import N_

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Every path and query parameter is bounded by these, whatever its route declares.
MAX_PATH = 2048
MAX_QUERY = 8192
# Scanning runs at most this many at a time, beside (not inside) the routes' pool.
_SCANNERS = anyio.CapacityLimiter(2)
# Small bodies are scanned in place: a thread hop costs more than the scan.
_INLINE_BYTES = 64 * 1024


@dataclass(frozen=True)
class BodyLimits:
    form_bytes: int  # urlencoded, JSON and anything else that is not multipart
    multipart_bytes: int
    fields: int
    # Routes that take files (features/uploads) have their own, larger multipart limit.
    upload_paths: re.Pattern[str] | None = None
    upload_bytes: int = 0

    def for_request(self, path: str, content_type: str) -> int:
        if not is_type(content_type, MULTIPART):
            return self.form_bytes
        if self.upload_paths is not None and self.upload_paths.fullmatch(path):
            return max(self.multipart_bytes, self.upload_bytes)
        return self.multipart_bytes


class BodyRefused(HTTPException):
    """An HTTPException, so that raised inside a route's own body parsing it still
    answers its status (FastAPI turns other parsing errors into a 400)."""

    def __init__(self, status: int, detail: str, msgid: str) -> None:
        super().__init__(status, detail)
        self.status, self.msgid = status, msgid


def too_large() -> BodyRefused:
    return BodyRefused(413, "request body too large",
                       N_("The request is too large. Send less at once."))


def too_many_fields() -> BodyRefused:
    return BodyRefused(413, "too many form fields", N_("The form has too many fields."))


def content_type_of(scope: Scope) -> str:
    """As sent: a multipart boundary is case-sensitive. Compare with `is_type`."""
    return Headers(scope=scope).get("content-type", "")


def is_type(content_type: str, *media: str) -> bool:
    return content_type.lower().startswith(media)


async def refuse(scope: Scope, receive: Receive, send: Send, refusal: BodyRefused) -> None:
    await problem.answer(scope, receive, send, refusal.status, detail=refusal.detail,
                         message=refusal.msgid, headers={"Connection": "close"})


class BodyLimitMiddleware:
    """414 on an overlong URL; 413 on a declared Content-Length over the limit for its
    type (nothing read), and on a streamed body as soon as it crosses it."""

    def __init__(self, app, limits: BodyLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if (len(scope.get("raw_path") or scope["path"]) > MAX_PATH
                or len(scope.get("query_string", b"")) > MAX_QUERY):
            return await refuse(scope, receive, send, BodyRefused(
                414, "URL too long", N_("The address is too long.")))
        limit = self.limits.for_request(scope["path"], content_type_of(scope))
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await refuse(scope, receive, send, too_large())
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyRefused as exc:
            if started:
                raise
            await refuse(scope, receive, send, exc)


async def read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body (already bounded by BodyLimitMiddleware), and a receive that
    replays it to whoever reads it next."""
    chunks: list[bytes] = []
    tail: Message | None = None
    while True:
        message = await receive()
        if message["type"] != "http.request":
            tail = message  # a disconnect: replayed as is
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    if tail is not None:
        pending.append(tail)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return body, replay


async def off_loop(fn: Callable[..., Any], *args: Any, size: int) -> Any:
    if size <= _INLINE_BYTES:
        return fn(*args)
    return await anyio.to_thread.run_sync(fn, *args, limiter=_SCANNERS)


def _boundary(content_type: str) -> bytes | None:
    match = re.search(r'boundary="?([^";,\s]{1,200})', content_type)
    return match.group(1).encode("latin-1") if match else None


def field_count(body: bytes, content_type: str) -> int:
    """Fields in a form body, counted without parsing it (C-speed `count`)."""
    if is_type(content_type, FORM):
        return body.count(b"&") + 1 if body else 0
    if is_type(content_type, MULTIPART):
        boundary = _boundary(content_type)
        return body.count(b"--" + boundary) if boundary else 0
    return 0


_FORM_TOKEN = re.compile(rb"(?:^|&)csrf_token=([A-Za-z0-9_-]{1,128})(?:&|$)")
_PART_NAME = b'name="csrf_token"'
_PART_TOKEN = re.compile(
    rb'content-disposition:[ \t]*form-data;[ \t]*name="csrf_token"[^\r\n]{0,200}\r\n'
    rb"(?:[^\r\n]{1,300}\r\n){0,4}\r\n([A-Za-z0-9_-]{1,128})\r\n", re.IGNORECASE)


def csrf_token_in(body: bytes, content_type: str) -> str:
    """The form's csrf_token, found by a linear scan rather than a parse: the token is
    URL-safe base64, so neither percent-decoding nor a multipart parser is needed. In
    multipart, `find` locates the field (memchr speed) and the regex only reads the
    few hundred bytes around it."""
    if is_type(content_type, FORM):
        match = _FORM_TOKEN.search(body)
        return match.group(1).decode("ascii") if match else ""
    at = body.find(_PART_NAME)
    while at != -1:
        match = _PART_TOKEN.search(body[max(0, at - 100):at + 2000])
        if match:
            return match.group(1).decode("ascii")
        at = body.find(_PART_NAME, at + 1)
    return ""


async def form_token(scope: Scope, receive: Receive, limits: BodyLimits
                     ) -> tuple[str, Receive]:
    """The csrf_token of a form body, after checking its field count; BodyRefused if
    the form has too many fields. Other bodies: no token, nothing read."""
    content_type = content_type_of(scope)
    if not is_type(content_type, FORM, MULTIPART):
        return "", receive
    body, replay = await read_body(receive)

    def scan() -> str | None:
        if field_count(body, content_type) > limits.fields:
            return None
        return csrf_token_in(body, content_type)

    token = await off_loop(scan, size=len(body))
    if token is None:
        raise too_many_fields()
    return token, replay


# ---- JSON --------------------------------------------------------------------------------

def is_json(content_type: str) -> bool:
    # FastAPI reads a body without a content type as JSON too.
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "" or media == "application/json" or (
        media.startswith("application/") and media.endswith("+json"))


@dataclass(frozen=True)
class JsonProblem:
    loc: list[str | int]
    detail: str
    msgid: str


_NON_FINITE = (N_("must be a finite number (NaN, Infinity and numbers beyond 1.8e308 are "
                  "refused)"))
_BAD_TEXT = N_("contains characters that cannot be stored (invalid Unicode or NUL)")


def _bad_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        return True
    return False


def json_problem(body: bytes) -> JsonProblem | None:
    """The first thing in a JSON body that no route should see, with where it is."""
    try:
        document = json.loads(body)
    except json.JSONDecodeError as exc:
        return JsonProblem(["body", exc.pos], f"invalid JSON: {exc.msg}",
                           N_("The request is not valid JSON."))
    except (ValueError, RecursionError) as exc:  # bad UTF-8, a 5000-digit int, nesting
        return JsonProblem(["body"], f"invalid JSON: {str(exc)[:80]}",
                           N_("The request is not valid JSON."))
    stack: list[tuple[list[str | int], Any]] = [(["body"], document)]
    while stack:  # iterative: the nesting json.loads accepted must not recurse here
        loc, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return JsonProblem(loc, _NON_FINITE, _NON_FINITE)
        if isinstance(value, str) and _bad_text(value):
            return JsonProblem(loc, _BAD_TEXT, _BAD_TEXT)
        if isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if _bad_text(key):
                    return JsonProblem([*loc, key.encode("utf-8", "replace").decode()],
                                       _BAD_TEXT, _BAD_TEXT)
                stack.append(([*loc, key], item))
        elif isinstance(value, list):
            stack.extend(([*loc, index], item) for index, item in reversed(
                list(enumerate(value))))
    return None


def form_problem(body: bytes) -> JsonProblem | None:
    """A NUL character in an urlencoded form (PostgreSQL cannot store it), with the
    field it is in: found with `find`, nothing parsed."""
    at = body.find(b"%00")
    if at == -1:
        return None
    start = body.rfind(b"&", 0, at) + 1
    equals = body.find(b"=", start, at)
    name = unquote_plus(body[start:equals if equals != -1 else at].decode("latin-1"))
    return JsonProblem(["body", name[:64] or "?"], _BAD_TEXT, _BAD_TEXT)


class InputGuardMiddleware:
    """422 naming the field for input no route can use: JSON (see json_problem) and NUL
    characters in urlencoded forms."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            return await self.app(scope, receive, send)
        content_type = content_type_of(scope)
        if is_json(content_type):
            check: Callable[[bytes], JsonProblem | None] = json_problem
        elif is_type(content_type, FORM):
            check = form_problem
        else:
            return await self.app(scope, receive, send)
        body, replay = await read_body(receive)
        found = await off_loop(check, body, size=len(body)) if body.strip() else None
        if found is None:
            return await self.app(scope, replay, send)
        field = ".".join(str(part) for part in found.loc[1:]) or "body"
        detail = [{"loc": found.loc, "msg": found.detail, "type": "value_error"}]
        await problem.answer(scope, replay, send, 422, detail=detail, message=lambda _: _(
            "%(field)s: %(detail)s", field=field_label(_, field),
            detail=_(found.msgid)))
