"""Designed covers made from the book's own pages: the front in one of the templates, the
back drawn from the same design, and previews with the text the PDF will print.

Takes rendered page images (whatever the provider drew), never engine internals.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from backoffice.art.cover.compose import render_panel
from backoffice.kdp.cover_design import (
    BACK_PAGES,
    PAGES_NEEDED,
    CoverDesign,
    PanelLayout,
    back_layout,
    front_layout,
)
from backoffice.kdp.cover_text import draw_lines

__all__ = ["compose_back", "compose_front", "pick_pages", "with_text"]


def pick_pages(available: int, wanted: int) -> list[int]:
    """Indexes of `wanted` pages spread evenly through the book (the first one included)."""
    if available <= 0:
        return []
    wanted = min(wanted, available)
    return sorted({round(i * (available - 1) / max(wanted - 1, 1)) if wanted > 1 else 0
                   for i in range(wanted)})


def _aspect(pages: Sequence[Image.Image]) -> float | None:
    return pages[0].width / pages[0].height if pages else None


def compose_front(design: CoverDesign, trim: str, pages: Sequence[Image.Image], *,
                  dpi: float = 300, illustration: Image.Image | None = None
                  ) -> tuple[Image.Image, PanelLayout]:
    """The front panel (bleed on top, bottom and right), without its text."""
    layout = front_layout(design, trim, _aspect(pages))
    return render_panel(layout, design, pages, dpi, illustration), layout


def compose_back(design: CoverDesign, trim: str, pages: Sequence[Image.Image], *,
                 dpi: float = 300) -> tuple[Image.Image, PanelLayout]:
    """The back panel (bleed on top, bottom and left) of the same design, without text."""
    layout = back_layout(design, trim, _aspect(pages), pages=len(pages) or BACK_PAGES)
    return render_panel(layout, design, pages, dpi), layout


def with_text(image: Image.Image, layout: PanelLayout, dpi: float) -> Image.Image:
    """A copy with the layout's text drawn as the PDF sets it (same fonts and places)."""
    out = image.convert("RGB")
    draw_lines(out, layout.lines, dpi=dpi)
    return out


def pages_needed(template: str) -> int:
    return PAGES_NEEDED.get(template, 1)
