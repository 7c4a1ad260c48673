"""A book's covers: the front composed from its own rendered pages in a template (around
an AI illustration when the cover provider is an AI), the back drawn from the stored
front's design, so the two always match.

Each image's quality record keeps its design, from which the PDF sets the same text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from PIL import Image

from backoffice.art.themes import Theme
from backoffice.kdp import pixels
from backoffice.kdp.cover_design import CoverDesign, design_from_meta
from backoffice.kdp.cover_palette import extract_palette

if TYPE_CHECKING:
    from backoffice.providers.drawing import PageImage, PageSpec

from backoffice.providers.base import (
    CancelCheck,
    ImageProvider,
    ImageRequest,
    ProgressCallback,
    ProviderError,
)


def _images(pngs: Sequence[bytes]) -> list[Image.Image]:
    return [Image.open(io.BytesIO(png)) for png in pngs]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _record(design: CoverDesign, pages: list[Image.Image], **extra: Any) -> dict[str, Any]:
    aspect = pages[0].width / pages[0].height if pages else None
    return {"kind": "colour", "design": design.meta(), "page_aspect": aspect,
            "pages": len(pages), **extra}


def make_front_cover(theme: Theme, spec: PageSpec, provider: ImageProvider,
                     request: ImageRequest, *, on_progress: ProgressCallback | None = None,
                     should_cancel: CancelCheck | None = None) -> PageImage:
    from backoffice.art.cover import compose_front
    from backoffice.providers.drawing import PageImage

    template = spec.template or theme.default_cover_template(spec.audience)
    design = CoverDesign(template=template, audience=spec.audience, language=spec.language,
                         palette=tuple(theme.palette), title=spec.title,
                         subtitle=spec.subtitle, author=spec.author, designs=spec.designs,
                         blurb=spec.blurb, seed=spec.seed % 2**31)
    illustration = None
    name, model = provider.name, provider.model
    prompt = f"{template} cover from {len(spec.page_pngs)} of the book's pages"
    if provider.name != "procedural":
        generated = provider.generate(request, on_progress=on_progress,
                                      should_cancel=should_cancel)
        illustration = Image.open(io.BytesIO(generated.data)).convert("RGB")
        name, model, prompt = generated.provider, generated.model, generated.prompt or prompt
    pages = _images(spec.page_pngs)
    if not pages and illustration is None:
        raise ProviderError("the cover is made from the book's pages and none is drawn yet",
                            retryable=True, provider=name)
    try:
        front, _layout = compose_front(design, spec.trim, pages, dpi=pixels.DPI,
                                       illustration=illustration)
    except (ValueError, OSError, cv2.error) as exc:
        # A page image that cannot be read or coloured: the job says so, in words.
        raise ProviderError(f"the cover could not be composed: {exc}", retryable=False,
                            provider=name) from exc
    if on_progress is not None:
        on_progress(1, 1)
    return PageImage(_png(front), name, model, prompt, spec.seed,
                     _record(design, pages, illustrated=illustration is not None))


def make_back_cover(theme: Theme, spec: PageSpec) -> PageImage:
    """The back of the stored front: its template, palette, language and seed."""
    from backoffice.art.cover import compose_back
    from backoffice.providers.drawing import PageImage

    meta = (spec.cover_meta or {}).get("design")
    if meta is None:
        # A front with no stored design (made before templates): its own main colours.
        palette = list(theme.palette)
        if spec.cover_png:
            with Image.open(io.BytesIO(spec.cover_png)) as front:
                palette = extract_palette(np.asarray(front.convert("RGB")))
        meta = {"template": "hero", "audience": spec.audience, "language": spec.language,
                "palette": palette, "seed": spec.seed % 2**31}
    design = design_from_meta(meta, title=spec.title, subtitle=spec.subtitle,
                              author=spec.author, designs=spec.designs, blurb=spec.blurb)
    pages = _images(spec.page_pngs)
    try:
        back, _layout = compose_back(design, spec.trim, pages, dpi=pixels.DPI)
    except (ValueError, OSError, cv2.error) as exc:
        raise ProviderError(f"the back cover could not be composed: {exc}", retryable=False,
                            provider=spec.cover_provider[0]) from exc
    name, model = spec.cover_provider
    return PageImage(_png(back), name, model, f"back of the {design.template} cover",
                     spec.seed, _record(design, pages, derived_from="cover"))
