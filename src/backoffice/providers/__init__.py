"""Image providers, chosen per image kind by config/generation/models.yml.

The registry is a plain dict from the config's `provider` value to a factory; each
factory imports its module lazily so an unused provider costs nothing at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from backoffice.providers.base import (
    IMAGE_KINDS,
    GeneratedImage,
    GenerationCancelled,
    ImageKind,
    ImageProvider,
    ImageRequest,
    ProviderError,
)

__all__ = [
    "IMAGE_KINDS",
    "GeneratedImage",
    "GenerationCancelled",
    "ImageKind",
    "ImageProvider",
    "ImageRequest",
    "ProviderError",
    "PROVIDERS",
    "create_provider",
]


def _lazy(module: str, factory: str) -> Callable[..., ImageProvider]:
    def build(**kwargs: Any) -> ImageProvider:
        provider: ImageProvider = getattr(importlib.import_module(module), factory)(**kwargs)
        return provider

    return build


# config value -> factory(model=..., options=..., settings=...)
PROVIDERS: dict[str, Callable[..., ImageProvider]] = {
    "procedural": _lazy("backoffice.providers.procedural", "ProceduralProvider"),
    "openrouter": _lazy("backoffice.providers.openrouter", "OpenRouterProvider"),
    "gemini": _lazy("backoffice.providers.gemini", "GeminiProvider"),
    "comfyui": _lazy("backoffice.providers.comfyui", "ComfyUIProvider"),
    # Local AI in the worker; needs the local-ai extra (checked at start-up).
    "diffusers": _lazy("backoffice.providers.diffusers", "DiffusersProvider"),
}


def create_provider(name: str, **kwargs: Any) -> ImageProvider:
    try:
        factory = PROVIDERS[name]
    except KeyError:
        raise ValueError(
            f"unknown image provider {name!r}; known: {', '.join(sorted(PROVIDERS))}"
        ) from None
    return factory(**kwargs)
