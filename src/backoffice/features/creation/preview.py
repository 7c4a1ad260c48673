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

from PIL import Image

from backoffice.art import prompts as prompt_builder
from backoffice.art.themes import Theme
from backoffice.config import Settings
from backoffice.features.creation.schemas import EbookCreate
from backoffice.kdp import pixels
from backoffice.providers import ImageRequest, create_provider
from backoffice.providers.drawing import page_seed
from backoffice.storage import get_storage

SAMPLE_DPI = 40
PREVIEW_DPI = 60
_VERSION = "2"  # 2: pages planned per book (issue 14)


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


def theme_sample(settings: Settings, theme: Theme) -> str:
    """Storage key of a small procedural coloring page typical of the theme."""
    storage = get_storage(settings.storage_dir)
    key = _key("sample", theme.id, sorted(theme.procedural.families.items()))
    if not storage.exists(key):
        width, height = pixels.art_size_px("8.5x11", pixels.interior_pages(24), SAMPLE_DPI)
        generated = create_provider("procedural").generate(ImageRequest(
            kind="coloring_page", theme_id=theme.id, audience="children", seed=7,
            width_px=width, height_px=height, dpi=SAMPLE_DPI,
            families=dict(theme.procedural.families), palette=tuple(theme.palette)))
        image = Image.open(io.BytesIO(generated.data)).convert("L")
        storage.put_file(key, lambda tmp: tmp.write_bytes(_png(image)))
    return key


def _providers(settings: Settings) -> dict:
    from backoffice.providers.config import build_providers

    return build_providers(settings)


def quick_preview(settings: Settings, data: EbookCreate, theme: Theme,
                  title: str) -> list[PreviewImage]:
    """The cover and the first two pages, as the full book would draw them (same seeds,
    same providers), at low resolution."""
    from backoffice.kdp.cover_text import draw_cover_text

    storage = get_storage(settings.storage_dir)
    seed = data.seed_or_random()
    providers = None
    images = []
    for kind, position in (("cover", 0), ("content", 1), ("content", 2)):
        key = _key("preview", kind, position, data.theme, data.audience, data.trim_size,
                   pixels.book_interior_pages(data), data.page_count, seed, title,
                   data.subtitle, data.author)
        if not storage.exists(key):
            providers = providers or _providers(settings)
            provider = providers["cover" if kind == "cover" else "coloring_page"]
            if kind == "cover":
                width, height = pixels.panel_size_px(data.trim_size, PREVIEW_DPI)
                prompt = prompt_builder.cover_prompt(theme, data.audience, title)
            else:
                width, height = pixels.art_size_px(
                    data.trim_size, pixels.book_interior_pages(data), PREVIEW_DPI)
                prompts = prompt_builder.page_prompts(theme, data.audience, seed,
                                                      data.page_count)
                prompt = prompts[(position - 1) % len(prompts)]
            generated = provider.generate(ImageRequest(
                kind="cover" if kind == "cover" else "coloring_page", theme_id=theme.id,
                audience=data.audience, seed=page_seed(seed, kind, position),
                width_px=width, height_px=height, dpi=PREVIEW_DPI, prompt=prompt,
                negative_prompt=prompt_builder.negative_prompt(theme, data.audience),
                page_index=max(position - 1, 0), title=title, subtitle=data.subtitle,
                author=data.author, families=dict(theme.procedural.families),
                palette=tuple(theme.palette), book_seed=seed))
            image: Image.Image = Image.open(io.BytesIO(generated.data))
            if kind == "cover":
                image = draw_cover_text(image.convert("RGB"), title=title,
                                        subtitle=data.subtitle, author=data.author,
                                        dpi=PREVIEW_DPI)
            else:
                image = image.convert("L").resize((width, height))
            png = _png(image)
            storage.put_file(key, functools.partial(_write, png))
        images.append(PreviewImage(kind, position, key))
    return images
