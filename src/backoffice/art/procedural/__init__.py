"""Offline procedural line art: six seeded vector design families, rendered 1-bit or in colour."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image

from backoffice.art.procedural import (
    flower_of_life,
    flowers,
    islamic_star,
    mandala,
    stained_glass,
    truchet,
)
from backoffice.art.procedural.geometry import STYLES, Drawing, Style
from backoffice.art.procedural.render import to_page_image

Builder = Callable[[np.random.Generator, Style, float, float], tuple[Drawing, str]]

FAMILIES: dict[str, Builder] = {
    "mandala": mandala.build,
    "islamic_star": islamic_star.build,
    "truchet": truchet.build,
    "stained_glass": stained_glass.build,
    "flower_of_life": flower_of_life.build,
    "flowers": flowers.build,
}

__all__ = [
    "FAMILIES",
    "build_design",
    "pick_family",
    "render_back_cover_art",
    "render_coloring_page",
    "render_cover_art",
]


def _stable_int(*parts: object) -> int:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _usable_weights(weights: dict[str, float]) -> dict[str, float]:
    usable = {name: w for name, w in weights.items() if name in FAMILIES and w > 0}
    return usable or dict.fromkeys(FAMILIES, 1.0)


def pick_family(weights: dict[str, float], book_seed: int, page_index: int) -> str:
    """Weighted, seeded choice that never repeats the previous page's family when it can."""
    usable = _usable_weights(weights)
    names = sorted(usable)
    previous: str | None = None
    # Each page only depends on the one before it, so walk from the first page.
    for index in range(max(0, page_index) + 1):
        candidates = [n for n in names if n != previous] or names
        rng = random.Random(_stable_int("family", book_seed, index))
        previous = rng.choices(candidates, weights=[usable[n] for n in candidates])[0]
    assert previous is not None
    return previous


def page_seed(book_seed: int, page_index: int) -> int:
    return _stable_int("page", book_seed, page_index)


def build_design(family: str, audience: str, seed: int, width_pt: float,
                 height_pt: float) -> tuple[Drawing, str]:
    try:
        builder = FAMILIES[family]
    except KeyError:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}") from None
    try:
        style = STYLES[audience]
    except KeyError:
        raise ValueError(f"unknown audience {audience!r}; known: {', '.join(STYLES)}") from None
    rng = np.random.default_rng(_stable_int(family, audience, seed))
    return builder(rng, style, width_pt, height_pt)


def render_coloring_page(family: str, audience: str, seed: int, width_px: int, height_px: int,
                         dpi: int = 300) -> Image.Image:
    drawing, _description = build_design(family, audience, seed, width_px * 72.0 / dpi,
                                         height_px * 72.0 / dpi)
    return to_page_image(drawing, width_px, height_px)


def describe_page(family: str, audience: str, seed: int, width_px: int, height_px: int,
                  dpi: int = 300) -> tuple[Image.Image, str]:
    drawing, description = build_design(family, audience, seed, width_px * 72.0 / dpi,
                                        height_px * 72.0 / dpi)
    return to_page_image(drawing, width_px, height_px), description


def render_cover_art(palette: Sequence[str], families: dict[str, float], seed: int,
                     width_px: int, height_px: int, dpi: int = 300) -> Image.Image:
    """A text-free colour illustration: one of the theme's designs coloured in. Books'
    covers are composed from their own pages (backoffice.art.cover); this serves callers
    that ask the procedural provider for a cover image directly."""
    from backoffice.art.cover.colorize import colour_page
    from backoffice.kdp.cover_palette import roles

    family = pick_family(families, seed, 0)
    page = render_coloring_page(family, "children", seed, width_px, height_px, dpi)
    colours = roles(palette, "children")
    art = colour_page(page, (width_px, height_px), colours.fills, ink=colours.ink,
                      ground=colours.background, seed=seed, mode="cover")
    return Image.fromarray(art, "RGB")


def render_back_cover_art(palette: Sequence[str], families: dict[str, float], seed: int,
                          width_px: int, height_px: int, dpi: int = 300) -> Image.Image:
    return render_cover_art(palette, families, seed, width_px, height_px, dpi)
