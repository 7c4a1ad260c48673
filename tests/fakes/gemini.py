"""A local Gemini API: POST /v1beta/models/{model}:generateContent.

The key must come in x-goog-api-key; a wrong or missing key gets Google's 400
API_KEY_INVALID. Scripted behaviours (then "ok"):
  ok          image in the second part (a text part first), camelCase inlineData
  429         RESOURCE_EXHAUSTED with Retry-After
  500 / 503   INTERNAL / UNAVAILABLE
  403         PERMISSION_DENIED
  slow        sleeps `slow_seconds` then ok
  blocked     promptFeedback.blockReason = SAFETY, no candidates
  safety      a candidate with finishReason IMAGE_SAFETY and no image part
  no_image    a candidate with text only, finishReason STOP
  bad_base64  inlineData.data is not base64
  not_image   inlineData.data is base64 of non-image bytes
"""

from __future__ import annotations

import asyncio
import base64
import time
from functools import lru_cache

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.drawing import speckled_line_drawing
from tests.fakes.scripted import ScriptedFake

STATUS = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 429: "RESOURCE_EXHAUSTED",
          500: "INTERNAL", 503: "UNAVAILABLE"}


@lru_cache(maxsize=8)
def _png(seed: int) -> bytes:
    return speckled_line_drawing(seed)


def _error(code: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "status": STATUS[code]}},
                        status_code=code, headers=headers)


class FakeGemini(ScriptedFake):
    def __init__(self, api_key: str = "gm-test-key-123", *, retry_after: float = 0.01,
                 slow_seconds: float = 2.0) -> None:
        super().__init__()
        self.api_key = api_key
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.requests: list[dict] = []
        self.app = Starlette(routes=[
            Route("/v1beta/models/{target}", self.generate, methods=["POST"]),
        ])

    @staticmethod
    def _reply(parts: list[dict], finish: str = "STOP") -> JSONResponse:
        candidate: dict = {"content": {"role": "model", "parts": parts}, "finishReason": finish}
        if not parts:
            del candidate["content"]
        return JSONResponse({"candidates": [candidate],
                             "usageMetadata": {"promptTokenCount": 17,
                                               "candidatesTokenCount": 1306,
                                               "totalTokenCount": 1323},
                             "modelVersion": "gemini-2.5-flash-image", "responseId": "r1"})

    async def generate(self, request: Request) -> JSONResponse:
        model, _, method = request.path_params["target"].partition(":")
        body = await request.json()
        self.requests.append({"headers": dict(request.headers), "json": body, "model": model,
                              "query": request.url.query, "at": time.monotonic()})
        if method != "generateContent":
            return _error(400, f"unknown method {method}")
        if request.headers.get("x-goog-api-key") != self.api_key:
            return _error(400, "API key not valid. Please pass a valid API key.")
        behaviour = self.next_behaviour()
        if behaviour == "429":
            return _error(429, "Resource has been exhausted (e.g. check quota).",
                          **{"Retry-After": str(self.retry_after)})
        if behaviour in ("500", "503"):
            return _error(int(behaviour), "The model is overloaded. Please try again later.")
        if behaviour == "403":
            return _error(403, "Method doesn't allow unregistered callers.")
        if behaviour == "slow":
            await asyncio.sleep(self.slow_seconds)
        if behaviour == "blocked":
            return JSONResponse({"promptFeedback": {"blockReason": "SAFETY"}})
        if behaviour == "safety":
            return self._reply([], finish="IMAGE_SAFETY")
        if behaviour == "no_image":
            return self._reply([{"text": "Here is a description instead of an image."}])
        if behaviour == "bad_base64":
            return self._reply([{"inlineData": {"mimeType": "image/png", "data": "@@no$$"}}])
        if behaviour == "not_image":
            junk = base64.b64encode(b"plain text, not pixels" * 8).decode()
            return self._reply([{"inlineData": {"mimeType": "image/png", "data": junk}}])
        seed = int(body.get("generationConfig", {}).get("seed") or 0)
        data = base64.b64encode(_png(seed % 1000)).decode()
        return self._reply([{"text": "Here is your coloring page."},
                            {"inlineData": {"mimeType": "image/png", "data": data}}])
