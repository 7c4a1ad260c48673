"""Google Gemini API (native): models/{model}:generateContent.

The key travels in the x-goog-api-key header, never in the URL (the previous system
put it in the query string, where proxies and logs keep it). The image may be in any
part of the candidate, so every part is looked at.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx

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
    check_status,
    decode_base64,
    generate_once,
    json_object,
    nearest_aspect_ratio,
)
from backoffice.providers.openrouter import text_with_negative

NAME = "gemini"

# finishReason values that mean "refused": asking again with the same prompt won't help.
REFUSALS = {"SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT",
            "BLOCKLIST", "SPII", "RECITATION", "IMAGE_RECITATION"}


class GeminiOptions(HttpOptions):
    # "1K" | "2K" | "4K"; Gemini 3 image models only.
    image_size: str | None = None
    send_seed: bool = True


class GeminiProvider:
    name = NAME

    def __init__(self, *, model: str, options: dict[str, Any] | None = None,
                 settings: Settings, **_: object) -> None:
        self.options = GeminiOptions.model_validate(options or {})
        self.model = model or "gemini-2.5-flash-image"
        self._key = settings.gemini_api_key or ""
        self._url = f"{settings.gemini_base_url.rstrip('/')}/models/{self.model}:generateContent"

    def _body(self, request: ImageRequest) -> dict[str, Any]:
        parts: list[dict[str, Any]] = [
            {"text": text_with_negative(request.prompt, request.negative_prompt)}]
        if request.source_image:
            parts.append({"inline_data": {
                "mime_type": "image/png",
                "data": base64.b64encode(request.source_image).decode("ascii"),
            }})
        image_config: dict[str, Any] = {"aspectRatio": nearest_aspect_ratio(request.width_px,
                                                                  request.height_px)}
        if self.options.image_size:
            image_config["imageSize"] = self.options.image_size
        generation: dict[str, Any] = {"responseModalities": ["TEXT", "IMAGE"],
                                      "imageConfig": image_config}
        if self.options.send_seed:
            # The API's seed is an int32.
            generation["seed"] = request.seed % (2**31)
        return {"contents": [{"role": "user", "parts": parts}], "generationConfig": generation}

    def _attempt(self, body: dict[str, Any]) -> bytes:
        headers = {"x-goog-api-key": self._key}
        with httpx.Client(timeout=self.options.timeout()) as client:
            response = client.post(self._url, json=body, headers=headers)
        check_status(response, NAME, (self._key,))
        reply = json_object(response, NAME)
        return self._image_of(reply)

    def _image_of(self, reply: dict[str, Any]) -> bytes:
        feedback = reply.get("promptFeedback") or {}
        if feedback.get("blockReason"):
            raise ProviderError(
                f"{NAME}: the prompt was blocked ({feedback['blockReason']})",
                retryable=False, provider=NAME,
            )
        candidates = reply.get("candidates") or []
        reasons: list[str] = []
        said = ""
        for candidate in candidates:
            if not isinstance(candidate, dict):
                continue
            reasons.append(str(candidate.get("finishReason") or ""))
            for part in (candidate.get("content") or {}).get("parts") or []:
                if not isinstance(part, dict):
                    continue
                inline = part.get("inlineData") or part.get("inline_data")
                if isinstance(inline, dict) and inline.get("data"):
                    return decode_base64(inline["data"], NAME)
                if part.get("text") and not said:
                    said = str(part["text"]).strip()[:200]
        refused = [r for r in reasons if r in REFUSALS]
        if refused:
            raise ProviderError(f"{NAME}: the image was blocked by the safety filter "
                                f"(finishReason {refused[0]})", retryable=False, provider=NAME)
        detail = f"finishReason {reasons[0]}" if reasons and reasons[0] else "no candidate"
        if said:
            detail += f"; it said: {said}"
        raise ProviderError(f"{NAME}: the model returned no image ({detail})",
                            retryable=True, provider=NAME)

    def generate(self, request: ImageRequest, *, on_progress: ProgressCallback | None = None,
                 should_cancel: CancelCheck | None = None) -> GeneratedImage:
        body = self._body(request) if request.prompt.strip() else {}
        return generate_once(
            provider=NAME, model=self.model, request=request,
            attempt=lambda: self._attempt(body), options=self.options,
            aspect_ratio=body["generationConfig"]["imageConfig"]["aspectRatio"] if body else "",
            on_progress=on_progress, should_cancel=should_cancel)
