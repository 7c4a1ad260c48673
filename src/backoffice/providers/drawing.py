"""Make one page image: ask the configured provider, clean AI line art, run the gate,
and draw again with the next seed while the gate fails (every provider alike).

Runs outside any database transaction; callers pass plain values in and store the
result themselves.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from backoffice.art import prompts as prompt_builder
from backoffice.art.themes import Theme, themes_in
from backoffice.config import Settings
from backoffice.kdp import pixels
from backoffice.providers import ImageKind, ImageProvider, ImageRequest
from backoffice.providers.base import CancelCheck, ProgressCallback
from backoffice.providers.config import build_providers

PROVIDER_KIND: dict[str, ImageKind] = {"cover": "cover", "back_cover": "back_cover",
                                       "content": "coloring_page"}


@dataclass(frozen=True)
class PageSpec:
    """Everything needed to make one page, read from the database beforehand."""

    kind: str  # cover, back_cover, content
    position: int
    theme_id: str
    audience: str
    trim: str
    designs: int
    interior_pages: int
    book_seed: int
    seed: int
    title: str
    subtitle: str
    author: str
    prompt_override: str | None = None
    cover_png: bytes | None = None
    # Covers: the template asked for ("" = the theme's), the language printed on them,
    # the blurb, the book's rendered pages they are made from, and for the back the
    # stored front's design (its version's quality["design"]) and who drew it.
    template: str = ""
    language: str = "fr"
    blurb: str = ""
    page_pngs: tuple[bytes, ...] = ()
    cover_meta: dict[str, Any] | None = None
    cover_provider: tuple[str, str] = ("procedural", "engine-v1")


@dataclass
class PageImage:
    png: bytes
    provider: str
    model: str
    prompt: str
    seed: int
    quality: dict[str, Any] = field(default_factory=dict)


def page_seed(book_seed: int, kind: str, position: int) -> int:
    """Stable per-page seed; the gate's retries step from it one by one."""
    salt = {"cover": 1_000_003, "back_cover": 2_000_003, "content": 0}[kind]
    return (book_seed * 7919 + salt + position * 104_729) % (2**62)


_providers_cache: dict[int, tuple[Settings, dict[ImageKind, ImageProvider]]] = {}


def _providers(settings: Settings) -> dict[ImageKind, ImageProvider]:
    """Providers are built once per settings object (one per process in practice)."""
    cached = _providers_cache.get(id(settings))
    if cached is None or cached[0] is not settings:
        cached = (settings, build_providers(settings))
        _providers_cache[id(settings)] = cached
    return cached[1]


def _theme(settings: Settings, theme_id: str) -> Theme:
    return themes_in(str(settings.themes_dir))[theme_id]


def _prompt(theme: Theme, spec: PageSpec) -> str:
    if spec.prompt_override:
        return spec.prompt_override
    if spec.kind == "cover":
        return prompt_builder.cover_prompt(theme, spec.audience, spec.title)
    if spec.kind == "back_cover":
        return prompt_builder.back_cover_prompt(theme)
    prompts = prompt_builder.page_prompts(theme, spec.audience, spec.book_seed, spec.designs)
    return prompts[(spec.position - 1) % len(prompts)]


# Sampler step `done` of `total` in gate attempt `attempt` (1 for the first drawing).
PageProgress = Callable[[int, int, int], None]


def _attempt_progress(report: PageProgress, attempt: int) -> ProgressCallback:
    def step(done: int, total: int) -> None:
        report(done, total, attempt)

    return step


def _failures(page: PageImage) -> int:
    return len(page.quality.get("failures") or ())


def make_page_image(
    settings: Settings,
    spec: PageSpec,
    *,
    on_progress: PageProgress | None = None,
    should_cancel: CancelCheck | None = None,
) -> PageImage:
    """The page's image. Line art from any provider (AI art cleaned first) goes through
    the quality gate; a failing page is drawn again with the next seed, up to
    BACKOFFICE_QUALITY_RETRIES times, and if none passes the closest one is kept with
    its verdict (quality.passed false), for the book to be flagged for review."""
    from backoffice.art.quality import evaluate_page

    theme = _theme(settings, spec.theme_id)
    kind = PROVIDER_KIND[spec.kind]
    provider = _providers(settings)[kind]
    if spec.kind == "back_cover":
        from backoffice.providers.covers import make_back_cover

        return make_back_cover(theme, spec)
    if spec.kind == "content":
        width, height = pixels.art_size_px(spec.trim, spec.interior_pages)
    else:
        width, height = pixels.panel_size_px(spec.trim)
    prompt = _prompt(theme, spec)
    negative = prompt_builder.negative_prompt(theme, spec.audience)

    attempts = 1 + settings.quality_retries
    best: PageImage | None = None
    for attempt in range(attempts):
        seed = spec.seed + attempt
        request = ImageRequest(
            kind=kind, theme_id=theme.id, audience=spec.audience, seed=seed,
            width_px=width, height_px=height, dpi=pixels.DPI, prompt=prompt,
            negative_prompt=negative, page_index=max(spec.position - 1, 0),
            title=spec.title, subtitle=spec.subtitle, author=spec.author,
            source_image=spec.cover_png, families=dict(theme.procedural.families),
            palette=tuple(theme.palette),
            subjects=theme.subjects.model_dump() if theme.subjects is not None else {},
            book_seed=spec.book_seed, designs=spec.designs, language=settings.language,
            user_prompt=spec.prompt_override or "",
        )
        step = _attempt_progress(on_progress, attempt + 1) if on_progress else None
        if spec.kind == "cover":
            from backoffice.providers.covers import make_front_cover

            return make_front_cover(theme, spec, provider, request, on_progress=step,
                                    should_cancel=should_cancel)
        generated = provider.generate(request, on_progress=step, should_cancel=should_cancel)
        art: Image.Image = Image.open(io.BytesIO(generated.data))
        cleaned = False
        if provider.name != "procedural":
            from backoffice.art.cleanup import to_line_art

            art = to_line_art(generated.data, width, height, pixels.DPI)
            cleaned = True
        art = art.convert("1") if art.mode != "1" else art
        report = evaluate_page(art, dpi=pixels.DPI, audience=spec.audience)
        quality = report.to_dict() | {"attempt": attempt + 1, "attempts": attempts,
                                      "cleaned": cleaned}
        # What the page is (family, layout, frame) and which library drawings it uses,
        # for the credits and for the record.
        for key in ("family", "layout", "frame", "subjects", "glyphs", "main"):
            if generated.meta.get(key):
                quality[key] = generated.meta[key]
        buffer = io.BytesIO()
        art.save(buffer, format="PNG")
        page = PageImage(buffer.getvalue(), generated.provider, generated.model,
                         generated.prompt or prompt, seed, quality)
        if report.passed:
            return page
        if best is None or _failures(page) < _failures(best):
            best = page
    assert best is not None
    return best
