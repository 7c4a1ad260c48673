"""Pixel sizes of a book's images, derived from its KDP geometry."""

from __future__ import annotations

from backoffice.features.ebook.shared import kdp

DPI = 300
# Title page and copyright page.
FRONT_MATTER_PAGES = 2
SINGLE_SIDED = True


def interior_pages(designs: int) -> int:
    return kdp.interior_page_count(designs, single_sided=SINGLE_SIDED,
                                   front_matter=FRONT_MATTER_PAGES)


def art_size_px(trim_key: str, designs: int, dpi: int = DPI) -> tuple[int, int]:
    """A coloring page's art is exactly the safe area of its page."""
    area = kdp.safe_area(trim_key, interior_pages(designs), "right")
    return int(area.width * dpi), int(area.height * dpi)


def panel_size_px(trim_key: str, dpi: int = DPI) -> tuple[int, int]:
    """Front or back cover panel with its outside, top and bottom bleed."""
    t = kdp.trim(trim_key)
    return round((t.width + kdp.BLEED_IN) * dpi), round((t.height + 2 * kdp.BLEED_IN) * dpi)
