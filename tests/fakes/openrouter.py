"""A local OpenRouter: POST /api/v1/chat/completions with modalities image + text.

Each request takes the next scripted behaviour (then "ok"):
  ok            200, the image in choices[0].message.images[0].image_url.url
  429           429 with Retry-After (seconds from `retry_after`) and the error envelope
  500 / 502     server error envelopes
  402 / 400 / 403   permanent errors (credits, bad request, moderation)
  slow          sleeps `slow_seconds` before answering ok (a read timeout)
  error_in_200  HTTP 200 whose body carries {"error": {"code": 502, ...}}
  refused_in_200  HTTP 200 with error code 403 (moderation after start)
  no_image      200, text only
  bad_base64    200, a data: URL whose payload is not base64
  not_image     200, valid base64 of bytes that are no image
  bomb          200, a decompression bomb: a 20000 x 20000 PNG in a few hundred kB
A wrong Authorization header always gets 401.
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

from tests.fakes.drawing import decompression_bomb, speckled_line_drawing
from tests.fakes.scripted import ScriptedFake


@lru_cache(maxsize=8)
def _png(seed: int) -> bytes:
    return speckled_line_drawing(seed)


def _error(code: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "metadata": {}}},
                        status_code=code, headers=headers)


class FakeOpenRouter(ScriptedFake):
    def __init__(self, api_key: str = "sk-or-v1-test-key", *, retry_after: float = 0.01,
                 slow_seconds: float = 2.0) -> None:
        super().__init__()
        self.api_key = api_key
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.requests: list[dict] = []
        self.app = Starlette(routes=[
            Route("/api/v1/chat/completions", self.completions, methods=["POST"]),
        ])

    def _completion(self, message: dict) -> dict:
        return {"id": "gen-1", "object": "chat.completion", "created": int(time.time()),
                "model": "google/gemini-2.5-flash-image",
                "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
                "usage": {"prompt_tokens": 17, "completion_tokens": 1300,
                          "total_tokens": 1317}}

    def _with_image(self, url: str) -> dict:
        return self._completion({"role": "assistant", "content": "Here is your page.",
                                 "images": [{"type": "image_url", "image_url": {"url": url}}]})

    async def completions(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append({"headers": dict(request.headers), "json": body,
                              "url": str(request.url), "at": time.monotonic()})
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "No auth credentials found")
        behaviour = self.next_behaviour()
        if behaviour == "429":
            return _error(429, "Rate limit exceeded: free-models-per-min",
                          **{"Retry-After": str(self.retry_after)})
        if behaviour in ("500", "502"):
            return _error(int(behaviour), "Upstream provider error")
        if behaviour == "402":
            return _error(402, "Insufficient credits. Add more using https://openrouter.ai/credits")
        if behaviour == "400":
            return _error(400, "modalities: image output is not supported by this model")
        if behaviour == "403":
            return _error(403, "Your input was flagged by moderation")
        if behaviour == "slow":
            await asyncio.sleep(self.slow_seconds)
        if behaviour == "error_in_200":
            return JSONResponse({"error": {"code": 502, "message": "Provider returned error"}})
        if behaviour == "refused_in_200":
            return JSONResponse(self._completion({"role": "assistant", "content": ""})
                                | {"error": {"code": 403, "message": "Output flagged"}})
        if behaviour == "no_image":
            return JSONResponse(self._completion(
                {"role": "assistant", "content": "I cannot draw that, here is a poem."}))
        if behaviour == "bad_base64":
            return JSONResponse(self._with_image("data:image/png;base64,iVBOR%%w0!!not-b64"))
        if behaviour == "bomb":
            encoded = base64.b64encode(decompression_bomb()).decode()
            return JSONResponse(self._with_image(f"data:image/png;base64,{encoded}"))
        if behaviour == "not_image":
            junk = base64.b64encode(b"this is definitely not a PNG file" * 4).decode()
            return JSONResponse(self._with_image(f"data:image/png;base64,{junk}"))
        seed = int(body.get("seed") or 0)
        encoded = base64.b64encode(_png(seed % 1000)).decode()
        return JSONResponse(self._with_image(f"data:image/png;base64,{encoded}"))
