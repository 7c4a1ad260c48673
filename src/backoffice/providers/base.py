"""The image-provider seam: one request type, one result type, one typed error.

Two or more real implementations live behind it (procedural, openrouter, gemini,
comfyui, diffusers), so this is the one place in the code base with an interface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

ImageKind = Literal["cover", "coloring_page", "back_cover"]
IMAGE_KINDS: tuple[ImageKind, ...] = ("cover", "coloring_page", "back_cover")


@dataclass(frozen=True)
class ImageRequest:
    kind: ImageKind
    theme_id: str
    audience: str
    seed: int
    # Target art size in pixels at `dpi`. For coloring pages this is the page's safe
    # area; for covers the front (or back) panel with its bleed.
    width_px: int
    height_px: int
    dpi: int = 300
    prompt: str = ""
    negative_prompt: str = ""
    # Which design of the book this is (0-based): procedural engines use it to vary
    # families between consecutive pages.
    page_index: int = 0
    title: str = ""
    subtitle: str = ""
    author: str = ""
    # PNG of the cover, for back covers derived from it (image edit where supported).
    source_image: bytes | None = None
    # From the theme: procedural family weights and the cover palette (#rrggbb).
    families: dict[str, float] = field(default_factory=dict)
    palette: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    # Subject themes (art/subjects): the theme's `subjects:` as a plain dict, and what
    # the offline generator needs to plan the whole book and write names on pages.
    subjects: dict[str, Any] = field(default_factory=dict)
    # The book's own seed, when the request is one page of a book: procedural engines
    # plan the whole book from it (no two designs alike). None: `seed` stands for it.
    book_seed: int | None = None
    designs: int = 0
    language: str = "fr"
    # The editor's own prompt for this page, if any (`prompt` may be built from the theme).
    user_prompt: str = ""


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes  # PNG
    provider: str
    model: str
    prompt: str
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)


# Called as the provider works: step `done` of `total` (sampler steps for local models
# and ComfyUI; 1 of 1 when a one-shot API answers).
ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class ProviderError(Exception):
    """A provider could not give an image. `retryable` says whether trying again
    later can help (rate limit, 5xx, timeout) or not (bad key, refused prompt)."""

    def __init__(self, message: str, *, retryable: bool, provider: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        self.provider = provider


class GenerationCancelled(Exception):
    """The job was cancelled while a provider was working."""


def sampler_size(width: int, height: int, max_side: int, multiple: int = 64) -> tuple[int, int]:
    """The target's proportions with its longest side at `max_side`, in multiples of
    `multiple` (latent sizes must divide by 8; SD and SDXL work best on 64)."""
    scale = max_side / max(width, height)
    return (max(multiple, round(width * scale / multiple) * multiple),
            max(multiple, round(height * scale / multiple) * multiple))


class ImageProvider(Protocol):
    name: str
    model: str

    def generate(
        self,
        request: ImageRequest,
        *,
        on_progress: ProgressCallback | None = None,
        should_cancel: CancelCheck | None = None,
    ) -> GeneratedImage: ...
