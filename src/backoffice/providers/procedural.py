"""The offline provider: seeded procedural line art and palette-coloured covers, no network."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from backoffice.providers.base import (
    CancelCheck,
    GeneratedImage,
    GenerationCancelled,
    ImageRequest,
    ProgressCallback,
    ProviderError,
)


class ProceduralProvider:
    name = "procedural"

    def __init__(self, model: str = "engine-v1", options: dict[str, Any] | None = None,
                 **_ignored: object) -> None:
        self.model = model
        self.options = dict(options or {})

    def generate(self, request: ImageRequest, *, on_progress: ProgressCallback | None = None,
                 should_cancel: CancelCheck | None = None) -> GeneratedImage:
        from backoffice.art import procedural

        if should_cancel is not None and should_cancel():
            raise GenerationCancelled()
        if request.width_px <= 0 or request.height_px <= 0:
            raise ProviderError(f"image size {request.width_px}x{request.height_px} is empty",
                                retryable=False, provider=self.name)
        book_seed = request.seed if request.book_seed is None else request.book_seed
        meta: dict[str, Any] = {}
        try:
            if request.kind == "coloring_page" and (request.subjects or
                                                    request.user_prompt.strip()):
                return self._subject_page(request, book_seed, on_progress)
            if request.kind == "coloring_page":
                plan = procedural.plan_page(request.families, request.audience, book_seed,
                                            request.page_index)
                design = plan.design
                family = design.family
                # The plan fixes what the page is; the request's seed (which steps on
                # each redraw) only varies how it is drawn.
                seed = procedural.page_seed(plan.seed, request.seed)
                image, description = procedural.describe_page(
                    family, request.audience, seed, request.width_px, request.height_px,
                    request.dpi, design)
                meta = {"layout": design.layout, "frame": design.frame,
                        "motifs": list(design.motifs)}
            elif request.kind == "cover":
                family = procedural.pick_family(request.families, request.seed, 0)
                image = procedural.render_cover_art(request.palette, request.families,
                                                    request.seed, request.width_px,
                                                    request.height_px, request.dpi)
                description = f"{family} cover"
            elif request.kind == "back_cover":
                family = procedural.pick_family(request.families, request.seed, 0)
                image = procedural.render_back_cover_art(request.palette, request.families,
                                                         request.seed, request.width_px,
                                                         request.height_px, request.dpi)
                description = f"{family} back cover"
            else:
                raise ProviderError(f"unknown image kind {request.kind!r}", retryable=False,
                                    provider=self.name)
        except ValueError as exc:
            raise ProviderError(str(exc), retryable=False, provider=self.name) from exc
        if on_progress is not None:
            on_progress(1, 1)
        return GeneratedImage(data=_png(image), provider=self.name, model=self.model,
                              prompt=description, seed=request.seed,
                              meta={"family": family, "kind": request.kind, "dpi": request.dpi,
                                    **meta})

    def _subject_page(self, request: ImageRequest, book_seed: int,
                      on_progress: ProgressCallback | None) -> GeneratedImage:
        """A page of library subjects: the theme's, or those the editor's prompt names
        (on any theme; a prompt naming none is refused, never ignored)."""
        from backoffice.art.subjects import NothingDrawable, SubjectSpec, draw_page, read_prompt

        if request.subjects:
            spec = SubjectSpec.model_validate(request.subjects)
        else:
            named = read_prompt(request.user_prompt)
            spec = SubjectSpec(main=list(named) or ["star"], setting=["ground", "hills",
                                                                     "clouds", "sun"])
        try:
            page = draw_page(spec, request.audience, book_seed=book_seed,
                             page_index=request.page_index,
                             designs=max(request.designs, request.page_index + 1),
                             seed=request.seed, width_px=request.width_px,
                             height_px=request.height_px, dpi=request.dpi,
                             lang=request.language, prompt=request.user_prompt)
        except NothingDrawable as exc:
            raise ProviderError(str(exc), retryable=False, provider=self.name) from exc
        if on_progress is not None:
            on_progress(1, 1)
        return GeneratedImage(
            data=_png(page.image), provider=self.name, model=self.model,
            prompt=page.description, seed=request.seed,
            meta={"family": "subjects", "kind": request.kind, "dpi": request.dpi,
                  "main": page.plan.main, "layout": page.plan.layout,
                  "subjects": page.subjects, "glyphs": page.glyphs})


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
