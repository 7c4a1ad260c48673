"""Offline procedural line art: seeded vector designs, rendered 1-bit or in colour.

Six families (mandala, islamic_star, truchet, stained_glass, flower_of_life, flowers), each
a set of page layouts (see design.Layout). A book is planned as a whole by planner.BookPlan:
every design gets a family, a layout, a frame and a motif set, so that none repeats.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from backoffice.art.procedural import (
    botanical,
    flower_of_life,
    islamic_star,
    mandala,
    stained_glass,
    truchet,
)
from backoffice.art.procedural.design import Design, Layout, build_within_budget
from backoffice.art.procedural.geometry import STYLES, Drawing
from backoffice.art.procedural.planner import PagePlan, book_plan, stable_int
from backoffice.art.procedural.render import to_page_image
from backoffice.art.quality import LEAK_GAP_MM

FAMILIES: dict[str, dict[str, Layout]] = {
    "mandala": mandala.LAYOUTS,
    "islamic_star": islamic_star.LAYOUTS,
    "truchet": truchet.LAYOUTS,
    "stained_glass": stained_glass.LAYOUTS,
    "flower_of_life": flower_of_life.LAYOUTS,
    "flowers": botanical.LAYOUTS,
}

__all__ = [
    "FAMILIES",
    "Design",
    "PagePlan",
    "build_design",
    "default_design",
    "pick_family",
    "plan_book",
    "plan_page",
    "render_back_cover_art",
    "render_coloring_page",
    "render_cover_art",
]


def plan_page(weights: dict[str, float], audience: str, book_seed: int,
              page_index: int) -> PagePlan:
    """The design of one page of a book (the book's plan is built once and cached)."""
    return book_plan(FAMILIES, weights, audience, book_seed).page(max(0, page_index))


def plan_book(weights: dict[str, float], audience: str, book_seed: int,
              designs: int) -> list[PagePlan]:
    plan = book_plan(FAMILIES, weights, audience, book_seed)
    return [plan.page(i) for i in range(designs)]


def pick_family(weights: dict[str, float], book_seed: int, page_index: int) -> str:
    """The family of a book's page (kept for covers, which show the first design's)."""
    return plan_page(weights, "children", book_seed, page_index).design.family


def page_seed(book_seed: int, page_index: int) -> int:
    return stable_int("page", book_seed, page_index)


def default_design(family: str, audience: str, seed: int) -> Design:
    """A design for a page drawn on its own: the first of a one-family book."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
    return book_plan(FAMILIES, {family: 1.0}, audience, seed).page(0).design


def build_design(family: str, audience: str, seed: int, width_pt: float, height_pt: float,
                 design: Design | None = None) -> tuple[Drawing, str]:
    try:
        layouts = FAMILIES[family]
    except KeyError:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}") from None
    try:
        style = STYLES[audience]
    except KeyError:
        raise ValueError(f"unknown audience {audience!r}; known: {', '.join(STYLES)}") from None
    design = design or default_design(family, audience, seed)
    layout = layouts.get(design.layout)
    if design.family != family or layout is None or audience not in layout.pools:
        raise ValueError(f"layout {design.layout!r} is not a {family} layout for {audience}")
    rng = np.random.default_rng(stable_int(family, audience, seed))
    return build_within_budget(layout, design, style, rng, width_pt, height_pt)


def render_coloring_page(family: str, audience: str, seed: int, width_px: int, height_px: int,
                         dpi: int = 300, design: Design | None = None) -> Image.Image:
    return describe_page(family, audience, seed, width_px, height_px, dpi, design)[0]


def describe_page(family: str, audience: str, seed: int, width_px: int, height_px: int,
                  dpi: int = 300, design: Design | None = None) -> tuple[Image.Image, str]:
    drawing, description = build_design(family, audience, seed, width_px * 72.0 / dpi,
                                        height_px * 72.0 / dpi, design)
    # Near misses narrower than the gate's leak gap are joined (see render.to_page_image).
    return to_page_image(drawing, width_px, height_px, join_mm=LEAK_GAP_MM, dpi=dpi), description


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
