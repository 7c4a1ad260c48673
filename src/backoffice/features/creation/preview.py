"""Small images for the "Nouvel ebook" form: a sample page per theme and a quick preview
(cover + two pages) drawn at low resolution by the configured providers.

Nothing goes to the database: images land in the content-addressed storage under a key
derived from their inputs, so asking twice costs nothing and the files are plain caches.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from backoffice.art import prompts as prompt_builder
from backoffice.art.themes import Theme
from backoffice.config import Settings
from backoffice.features.creation.schemas import EbookCreate
from backoffice.kdp import pixels
from backoffice.providers import ImageRequest, create_provider
from backoffice.providers.drawing import page_seed
from backoffice.storage import get_storage

SAMPLE_DPI = 80
# Shown 150 px wide: drawn at SAMPLE_DPI, then reduced to twice that for sharp screens.
SAMPLE_WIDTH = 300
PREVIEW_DPI = 60
_VERSION = "3"  # 3: subject pages and pages planned per book


@dataclass(frozen=True)
class PreviewImage:
    kind: str  # cover, content
    position: int
    key: str


def _key(*parts: object) -> str:
    return hashlib.sha256(repr((_VERSION, *parts)).encode()).hexdigest() + ".png"


def _write(data: bytes, path: Path) -> None:
    path.write_bytes(data)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _subject_fields(theme: Theme, settings: Settings, book_seed: int,
                    designs: int) -> dict[str, Any]:
    """What the offline generator needs to draw a subject theme's page of a book."""
    return {"subjects": theme.subjects.model_dump() if theme.subjects is not None else {},
            "book_seed": book_seed, "designs": designs, "language": settings.language}


def theme_sample(settings: Settings, theme: Theme, audience: str = "children") -> str:
    """Storage key of a real page of the theme for that audience, drawn offline: the
    first page of a 24-design book (a subject page for subject themes)."""
    storage = get_storage(settings)
    key = _key("sample", theme.id, audience, sorted(theme.procedural.families.items()),
               theme.subjects.model_dump() if theme.subjects is not None else None)
    if not storage.exists(key):
        width, height = pixels.art_size_px("8.5x11", pixels.interior_pages(24), SAMPLE_DPI)
        generated = create_provider("procedural").generate(ImageRequest(
            kind="coloring_page", theme_id=theme.id, audience=audience, seed=7,
            width_px=width, height_px=height, dpi=SAMPLE_DPI,
            families=dict(theme.procedural.families), palette=tuple(theme.palette),
            **_subject_fields(theme, settings, 7, 24)))
        image = Image.open(io.BytesIO(generated.data)).convert("L")
        image = image.resize((SAMPLE_WIDTH, round(SAMPLE_WIDTH * height / width)),
                             Image.Resampling.LANCZOS)
        storage.put_file(key, lambda tmp: tmp.write_bytes(_png(image)))
    return key


def _providers(settings: Settings) -> dict:
    from backoffice.providers.config import build_providers

    return build_providers(settings)


def quick_preview(settings: Settings, data: EbookCreate, theme: Theme,
                  title: str) -> list[PreviewImage]:
    """The cover and the first two pages, as the full book would draw them (same seeds,
    same providers, same cover template and fonts), at low resolution. The cover is made
    from the first pages, where the book's spreads its choice over all of them."""
    from backoffice.art.cover import compose_front, pages_needed, pick_pages, with_text
    from backoffice.kdp.cover_design import CoverDesign

    storage = get_storage(settings)
    seed = data.seed_or_random()
    template = data.cover_template or theme.default_cover_template(data.audience)
    interior = pixels.book_interior_pages(data)
    providers: dict = {}

    def provider(kind: str):
        if not providers:
            providers.update(_providers(settings))
        return providers[kind]

    def page(position: int) -> str:
        key = _key("preview", "content", position, data.theme, data.audience, data.trim_size,
                   interior, data.page_count, seed, settings.language,
                   theme.subjects.model_dump() if theme.subjects is not None else None)
        if not storage.exists(key):
            width, height = pixels.art_size_px(data.trim_size, interior, PREVIEW_DPI)
            prompts = prompt_builder.page_prompts(theme, data.audience, seed, data.page_count)
            generated = provider("coloring_page").generate(ImageRequest(
                kind="coloring_page", theme_id=theme.id, audience=data.audience,
                seed=page_seed(seed, "content", position), width_px=width, height_px=height,
                dpi=PREVIEW_DPI, prompt=prompts[(position - 1) % len(prompts)],
                negative_prompt=prompt_builder.negative_prompt(theme, data.audience),
                page_index=position - 1, families=dict(theme.procedural.families),
                palette=tuple(theme.palette),
                **_subject_fields(theme, settings, seed, data.page_count)))
            png = _png(Image.open(io.BytesIO(generated.data)).convert("L").resize(
                (width, height)))
            storage.put_file(key, functools.partial(_write, png))
        return key

    needed = pages_needed(template)
    keys = [page(position) for position in range(1, max(2, needed) + 1)]
    cover_key = _key("preview", "cover", template, settings.language, keys, title,
                     data.subtitle, data.author, data.page_count, data.blurb)
    if not storage.exists(cover_key):
        design = CoverDesign(template=template, audience=data.audience,
                             language=settings.language, palette=tuple(theme.palette),
                             title=title, subtitle=data.subtitle, author=data.author,
                             designs=data.page_count, blurb=data.blurb,
                             seed=page_seed(seed, "cover", 0) % 2**31)
        illustration = None
        if provider("cover").name != "procedural":
            width, height = pixels.panel_size_px(data.trim_size, PREVIEW_DPI)
            generated = provider("cover").generate(ImageRequest(
                kind="cover", theme_id=theme.id, audience=data.audience,
                seed=page_seed(seed, "cover", 0), width_px=width, height_px=height,
                dpi=PREVIEW_DPI, prompt=prompt_builder.cover_prompt(theme, data.audience, title),
                negative_prompt=prompt_builder.negative_prompt(theme, data.audience),
                title=title, subtitle=data.subtitle, author=data.author,
                families=dict(theme.procedural.families), palette=tuple(theme.palette)))
            illustration = Image.open(io.BytesIO(generated.data)).convert("RGB")
        pages = [Image.open(storage.path(keys[i])) for i in pick_pages(len(keys), needed)]
        front, layout = compose_front(design, data.trim_size, pages, dpi=PREVIEW_DPI,
                                      illustration=illustration)
        png = _png(with_text(front, layout, PREVIEW_DPI))
        storage.put_file(cover_key, functools.partial(_write, png))
    return [PreviewImage("cover", 0, cover_key), PreviewImage("content", 1, keys[0]),
            PreviewImage("content", 2, keys[1])]
