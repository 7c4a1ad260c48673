"""Pixel sizes of a book's images, derived from its KDP geometry and print options."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from backoffice.kdp import furniture as book_furniture
from backoffice.kdp import specs

DPI = 300
# Title page and copyright page.
FRONT_MATTER_PAGES = 2


class PrintOptions(Protocol):
    page_count: int
    single_sided: bool
    front_matter: bool


def _extra(single_sided: bool, front_matter: bool, furniture: Iterable[str]) -> int:
    """Title, copyright and furniture pages (kdp/furniture.py plans where they go)."""
    return book_furniture.extra_pages(single_sided=single_sided, front_matter=front_matter,
                                      furniture=furniture)


def interior_pages(designs: int, *, single_sided: bool = True, front_matter: bool = True,
                   furniture: Iterable[str] = ()) -> int:
    return specs.interior_page_count(designs, single_sided=single_sided,
                                     front_matter=_extra(single_sided, front_matter, furniture))


def check_designs(designs: int, trim_key: str, paper_key: str, *, single_sided: bool = True,
                  front_matter: bool = True, furniture: Iterable[str] = ()) -> int:
    """specs.check_designs with the book's print options; the interior page count."""
    return specs.check_designs(designs, trim_key, paper_key, single_sided=single_sided,
                               front_matter=_extra(single_sided, front_matter, furniture))


def book_interior_pages(book: PrintOptions) -> int:
    """The interior PDF's page count, which sets the gutter and the spine."""
    return interior_pages(book.page_count, single_sided=book.single_sided,
                          front_matter=book.front_matter,
                          furniture=getattr(book, "furniture", None) or ())


def art_size_px(trim_key: str, total_interior_pages: int, dpi: int = DPI) -> tuple[int, int]:
    """A coloring page's art is exactly the safe area of its page (same size on both sides)."""
    area = specs.safe_area(trim_key, total_interior_pages, "right")
    return int(area.width * dpi), int(area.height * dpi)


def panel_size_px(trim_key: str, dpi: int = DPI) -> tuple[int, int]:
    """Front or back cover panel with its outside, top and bottom bleed."""
    t = specs.trim(trim_key)
    return round((t.width + specs.BLEED_IN) * dpi), round((t.height + 2 * specs.BLEED_IN) * dpi)
