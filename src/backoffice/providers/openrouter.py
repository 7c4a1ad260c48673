"""OpenRouter: image generation through chat completions (modalities image + text).

The image comes back beside the text as choices[0].message.images[].image_url.url, a
data: URL. Errors that happen after generation started arrive with HTTP 200 and an
`error` object in the body, so a 200 is not yet a success.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
from pydantic import Field

from backoffice.config import Settings
from backoffice.providers.base import (
    CancelCheck,
    GeneratedImage,
    ImageRequest,
    ProgressCallback,
    ProviderError,
)
from backoffice.providers.http_retry import (
    HttpOptions,
    RetryLater,
    check_status,
    decode_data_url,
    generate_once,
    json_object,
    nearest_aspect_ratio,
    redact,
)

NAME = "openrouter"


class OpenRouterOptions(HttpOptions):
    # "1K" | "2K" | "4K"; only Gemini 3 image models honour it.
    image_size: str | None = None
    referer: str | None = None
    title: str = Field(default="Backoffice")


def text_with_negative(prompt: str, negative: str) -> str:
    # Chat image models have no negative-prompt field; say it in words.
    return f"{prompt}\n\nAvoid: {negative}" if negative.strip() else prompt


class OpenRouterProvider:
    name = NAME

    def __init__(self, *, model: str, options: dict[str, Any] | None = None,
                 settings: Settings, **_: object) -> None:
        self.options = OpenRouterOptions.model_validate(options or {})
        self.model = model or "google/gemini-2.5-flash-image"
        self._key = settings.openrouter_api_key or ""
        self._url = settings.openrouter_base_url.rstrip("/") + "/chat/completions"

    def _body(self, request: ImageRequest) -> dict[str, Any]:
        text = text_with_negative(request.prompt, request.negative_prompt)
        content: str | list[dict[str, Any]] = text
        if request.source_image:
            encoded = base64.b64encode(request.source_image).decode("ascii")
            content = [
                {"type": "text", "text": text},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{encoded}"}},
            ]
        image_config: dict[str, Any] = {
            "aspect_ratio": nearest_aspect_ratio(request.width_px, request.height_px)
        }
        if self.options.image_size:
            image_config["image_size"] = self.options.image_size
        return {
            "model": self.model,
            "messages": [{"role": "user", "content": content}],
            "modalities": ["image", "text"],
            "image_config": image_config,
            "seed": request.seed,
            "stream": False,
        }

    def _headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._key}", "X-Title": self.options.title}
        if self.options.referer:
            headers["HTTP-Referer"] = self.options.referer
        return headers

    def _attempt(self, body: dict[str, Any]) -> bytes:
        with httpx.Client(timeout=self.options.timeout()) as client:
            response = client.post(self._url, json=body, headers=self._headers())
        check_status(response, NAME, (self._key,))
        reply = json_object(response, NAME)
        self._raise_body_error(reply)
        return self._image_of(reply)

    def _raise_body_error(self, reply: dict[str, Any]) -> None:
        error = reply.get("error")
        choices = reply.get("choices") or []
        if not error and choices and isinstance(choices[0], dict):
            error = choices[0].get("error")
        if not error:
            return
        if isinstance(error, dict):
            code, message = error.get("code"), str(error.get("message") or "unknown error")
        else:
            code, message = None, str(error)
        message = redact(message, (self._key,))
        text = f"{NAME}: error in the reply (code {code}): {message}"
        if isinstance(code, int) and (code in (408, 429) or code >= 500):
            raise RetryLater(text, provider=NAME)
        raise ProviderError(text, retryable=False, provider=NAME)

    def _image_of(self, reply: dict[str, Any]) -> bytes:
        try:
            message = reply["choices"][0]["message"]
        except (KeyError, IndexError, TypeError):
            raise ProviderError(f"{NAME}: the reply has no choices[0].message",
                                retryable=True, provider=NAME) from None
        images = message.get("images") if isinstance(message, dict) else None
        for image in images or []:
            url = (image.get("image_url") or {}).get("url") if isinstance(image, dict) else None
            if url:
                return decode_data_url(url, NAME)
        said = str(message.get("content") or "").strip()[:200] if isinstance(message, dict) else ""
        raise ProviderError(
            f"{NAME}: the model returned no image" + (f" (it said: {said})" if said else ""),
            retryable=True, provider=NAME,
        )

    def generate(self, request: ImageRequest, *, on_progress: ProgressCallback | None = None,
                 should_cancel: CancelCheck | None = None) -> GeneratedImage:
        body = self._body(request) if request.prompt.strip() else {}
        return generate_once(
            provider=NAME, model=self.model, request=request,
            attempt=lambda: self._attempt(body), options=self.options,
            aspect_ratio=body["image_config"]["aspect_ratio"] if body else "",
            on_progress=on_progress, should_cancel=should_cancel)
