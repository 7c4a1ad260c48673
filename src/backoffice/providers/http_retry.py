"""What the HTTP adapters share: timeouts, retries with backoff, cancellable waits,
error wording without secrets, and checking that a reply really is an image."""

from __future__ import annotations

import base64
import binascii
import email.utils
import io
import random
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import tenacity
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field

from backoffice.providers.base import (
    CancelCheck,
    GeneratedImage,
    GenerationCancelled,
    ImageRequest,
    ProgressCallback,
    ProviderError,
)

T = TypeVar("T")

# How often a wait (backoff, an in-flight request) looks at the cancel flag.
POLL_SECONDS = 0.05


class HttpOptions(BaseModel):
    """Fault handling options every HTTP adapter accepts in models.yml."""

    model_config = ConfigDict(extra="forbid")
    connect_timeout: float = Field(default=10.0, gt=0)
    # Image models commonly take 10-60 s to answer.
    read_timeout: float = Field(default=180.0, gt=0)
    max_attempts: int = Field(default=4, ge=1, le=20)
    backoff_base: float = Field(default=1.0, ge=0)
    backoff_cap: float = Field(default=30.0, ge=0)
    # A server asking us to wait longer than this is treated as "try later".
    retry_after_cap: float = Field(default=120.0, ge=0)

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)


class RetryLater(ProviderError):
    """A transient failure; `retry_after` is the server's own hint, if any."""

    def __init__(self, message: str, *, provider: str, retry_after: float | None = None):
        super().__init__(message, retryable=True, provider=provider)
        self.retry_after = retry_after


def redact(text: str, secrets: tuple[str | None, ...]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def cancellable_sleep(seconds: float, should_cancel: CancelCheck | None) -> None:
    deadline = time.monotonic() + max(0.0, seconds)
    while True:
        if should_cancel is not None and should_cancel():
            raise GenerationCancelled()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(POLL_SECONDS, left))


def run_cancellable(fn: Callable[[], T], should_cancel: CancelCheck | None) -> T:
    """Run a blocking call in a helper thread so a cancel stops our waiting at once;
    the abandoned call ends by itself within its own timeout."""
    if should_cancel is None:
        return fn()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="provider-call", daemon=True)
    thread.start()
    while thread.is_alive():
        if should_cancel():
            raise GenerationCancelled()
        thread.join(POLL_SECONDS)
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def error_text(response: httpx.Response) -> str:
    """The provider's own words: error.message in the JSON envelopes all three use."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:300] or response.reason_phrase
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:500]
        if isinstance(err, str) and err:
            return err[:500]
        if body.get("message"):
            return str(body["message"])[:500]
    return " ".join(response.text.split())[:300]


def json_object(response: httpx.Response, provider: str) -> dict[str, Any]:
    """The reply's JSON object; anything else is a malformed reply, worth one more try."""
    try:
        reply = response.json()
    except ValueError:
        raise ProviderError(f"{provider}: the reply is not JSON", retryable=True,
                            provider=provider) from None
    if not isinstance(reply, dict):
        raise ProviderError(f"{provider}: the reply is not a JSON object", retryable=True,
                            provider=provider)
    return reply


def check_status(response: httpx.Response, provider: str, secrets: tuple[str | None, ...]) -> None:
    status = response.status_code
    if status < 400:
        return
    message = redact(error_text(response), secrets)
    text = f"{provider}: HTTP {status}: {message}"
    if status == 429:
        raise RetryLater(
            text, provider=provider,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
    if status == 408 or status >= 500:
        raise RetryLater(text, provider=provider,
                         retry_after=parse_retry_after(response.headers.get("retry-after")))
    # 400 bad request, 401/403 credentials or moderation, 402 credits, 404 model:
    # asking again will not help.
    raise ProviderError(text, retryable=False, provider=provider)


def backoff_delay(attempt: int, options: HttpOptions, rng: random.Random) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
    ceiling = min(options.backoff_cap, options.backoff_base * (2**attempt))
    return rng.uniform(0, ceiling)


class _StopWhen(tenacity.stop.stop_base):
    def __init__(self, predicate: Callable[[tenacity.RetryCallState], bool]) -> None:
        self.predicate = predicate

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return self.predicate(retry_state)


def with_retries(
    attempt_fn: Callable[[], T],
    *,
    provider: str,
    options: HttpOptions,
    should_cancel: CancelCheck | None,
    rng: random.Random | None = None,
) -> T:
    """Call `attempt_fn` until it returns: transient failures (429/5xx, timeouts, dropped
    connections, malformed replies) are tried again, at most `options.max_attempts`
    times in all, with full-jitter exponential backoff or the server's Retry-After.

    This is the only retry of a provider call: the job queue does not retry them again,
    so `max_attempts` is the true number of requests."""
    rng = rng or random.Random()

    def attempt() -> T:
        if should_cancel is not None and should_cancel():
            raise GenerationCancelled()
        try:
            return run_cancellable(attempt_fn, should_cancel)
        except httpx.TimeoutException as exc:
            raise ProviderError(f"{provider}: timed out ({type(exc).__name__})",
                                retryable=True, provider=provider) from exc
        except httpx.TransportError as exc:
            raise ProviderError(f"{provider}: connection failed ({type(exc).__name__})",
                                retryable=True, provider=provider) from exc

    def hint(state: tenacity.RetryCallState) -> float | None:
        error = state.outcome.exception() if state.outcome else None
        return getattr(error, "retry_after", None)

    def wait(state: tenacity.RetryCallState) -> float:
        asked = hint(state)
        return asked if asked is not None else backoff_delay(state.attempt_number - 1,
                                                              options, rng)

    def asks_too_long(state: tenacity.RetryCallState) -> bool:
        asked = hint(state)
        return asked is not None and asked > options.retry_after_cap

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(
            lambda exc: isinstance(exc, ProviderError) and exc.retryable),
        # A server asking for a longer wait than we accept: give up now, still retryable.
        stop=tenacity.stop_after_attempt(options.max_attempts) | _StopWhen(asks_too_long),
        wait=wait,
        sleep=lambda seconds: cancellable_sleep(seconds, should_cancel),
        reraise=True,
    )
    try:
        return retrying(attempt)
    except ProviderError as exc:
        if not exc.retryable:
            raise
        made = retrying.statistics.get("attempt_number", 1)
        raise ProviderError(f"{exc} (gave up after {made} attempt{'s' if made > 1 else ''})",
                            retryable=True, provider=provider) from exc


def decode_base64(data: str, provider: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderError(f"{provider}: the image in the reply is not valid base64",
                            retryable=True, provider=provider) from None


def decode_data_url(url: str, provider: str) -> bytes:
    if not isinstance(url, str) or not url.startswith("data:") or "," not in url:
        raise ProviderError(f"{provider}: the reply's image is not a data: URL",
                            retryable=True, provider=provider)
    header, _, payload = url.partition(",")
    if not header.endswith(";base64"):
        raise ProviderError(f"{provider}: the reply's image data URL is not base64",
                            retryable=True, provider=provider)
    return decode_base64(payload, provider)


def as_png(data: bytes, provider: str) -> tuple[bytes, tuple[int, int]]:
    """Check the bytes are an image and return them as PNG with the size."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            size = opened.size
            if opened.format == "PNG":
                return data, size
            image: Image.Image = opened
            if image.mode not in ("RGB", "RGBA", "L", "LA", "1"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            out = io.BytesIO()
            image.save(out, format="PNG")
            return out.getvalue(), size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ProviderError(f"{provider}: the reply's image data is not a readable image",
                            retryable=True, provider=provider) from None


# Aspect ratios both OpenRouter's image_config and Gemini's imageConfig accept.
ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")


def nearest_aspect_ratio(width: int, height: int) -> str:
    target = width / max(1, height)

    def distance(ratio: str) -> float:
        w, h = ratio.split(":")
        return abs(int(w) / int(h) - target)

    return min(ASPECT_RATIOS, key=distance)


def generate_once(
    *, provider: str, model: str, request: ImageRequest, attempt: Callable[[], bytes],
    options: HttpOptions, aspect_ratio: str, on_progress: ProgressCallback | None,
    should_cancel: CancelCheck | None,
) -> GeneratedImage:
    """One image from a one-shot HTTP API (OpenRouter, Gemini): retried, checked, as PNG.

    The jitter is seeded by the request, so a retried book waits the same way."""
    if not request.prompt.strip():
        raise ProviderError(f"{provider}: empty prompt", retryable=False, provider=provider)
    # An unreadable image is a malformed reply like any other: checked inside the attempt.
    png, (width, height) = with_retries(lambda: as_png(attempt(), provider), provider=provider,
                                        options=options, should_cancel=should_cancel,
                                        rng=random.Random(request.seed))
    if on_progress is not None:
        on_progress(1, 1)
    return GeneratedImage(data=png, provider=provider, model=model, prompt=request.prompt,
                          seed=request.seed, meta={"width": width, "height": height,
                                                   "aspect_ratio": aspect_ratio})
