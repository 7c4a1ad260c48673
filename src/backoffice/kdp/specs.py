"""KDP paperback geometry, in inches. Pure: no I/O, no framework.

Numbers come from shared/reference/kdp-specs.md. Margins are measured from the trim
edge (never from the bleed edge), which is at least what KDP asks for either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from backoffice.errors import N_, Message

BLEED_IN = 0.125
POINTS_PER_INCH = 72.0
MIN_PAGES = 24
OUTSIDE_MARGIN_IN = 0.375
SPINE_TEXT_MIN_PAGES = 79
SPINE_TEXT_CLEARANCE_IN = 0.0625
BARCODE_W_IN = 2.0
BARCODE_H_IN = 1.2
BARCODE_CLEARANCE_IN = 0.25
MAX_FILE_BYTES = 650 * 1024 * 1024
MIN_IMAGE_DPI = 300

Side = Literal["right", "left"]


@dataclass(frozen=True)
class Trim:
    key: str
    width: float
    height: float
    # Column of the page-limit table that applies to this trim.
    limits: str

    @property
    def label(self) -> str:
        return f'{self.width:g}" × {self.height:g}"'


@dataclass(frozen=True)
class Paper:
    key: str
    spine_per_page: float
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    def scaled(self, factor: float) -> Rect:
        return Rect(self.x * factor, self.y * factor, self.width * factor, self.height * factor)

    def contains(self, other: Rect, tolerance: float = 1e-9) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.top <= self.top + tolerance
        )


TRIMS: dict[str, Trim] = {
    t.key: t
    for t in (
        Trim("8.5x11", 8.5, 11.0, "large"),
        Trim("8.5x8.5", 8.5, 8.5, "large"),
        Trim("8x10", 8.0, 10.0, "common"),
        Trim("8.25x8.25", 8.25, 8.25, "square_825"),
        Trim("6x9", 6.0, 9.0, "common"),
    )
}

PAPERS: dict[str, Paper] = {
    p.key: p
    for p in (
        Paper("white", 0.002252, "Noir et blanc, papier blanc", "Black & white, white paper"),
        Paper("cream", 0.0025, "Noir et blanc, papier crème", "Black & white, cream paper"),
        Paper("standard_color", 0.002252, "Couleur standard", "Standard color"),
        Paper("premium_color", 0.002347, "Couleur premium", "Premium color"),
    )
}

# (min, max) interior pages by trim column and paper: KDP Print Options table.
_PAGE_LIMITS: dict[str, dict[str, tuple[int, int]]] = {
    "common": {
        "white": (24, 828),
        "cream": (24, 776),
        "standard_color": (72, 600),
        "premium_color": (24, 828),
    },
    "square_825": {
        "white": (24, 800),
        "cream": (24, 750),
        "standard_color": (72, 600),
        "premium_color": (24, 800),
    },
    "large": {
        "white": (24, 590),
        "cream": (24, 550),
        "standard_color": (72, 600),
        "premium_color": (24, 590),
    },
}

# (last page count of the tier, gutter in inches)
_GUTTERS: tuple[tuple[int, float], ...] = (
    (150, 0.375),
    (300, 0.5),
    (500, 0.625),
    (700, 0.75),
    (828, 0.875),
)


class KdpError(ValueError):
    """A request KDP would refuse: English by `str()`, its `message` translatable."""

    def __init__(self, msgid: str, **params: object) -> None:
        self.message = Message(msgid, params)
        super().__init__(str(self.message))


def trim(key: str) -> Trim:
    try:
        return TRIMS[key]
    except KeyError:
        raise KdpError(N_("unknown trim size %(key)s; choose one of %(known)s"),
                       key=repr(key), known=", ".join(TRIMS)) from None


def paper(key: str) -> Paper:
    try:
        return PAPERS[key]
    except KeyError:
        raise KdpError(N_("unknown paper %(key)s; choose one of %(known)s"),
                       key=repr(key), known=", ".join(PAPERS)) from None


def page_limits(trim_key: str, paper_key: str) -> tuple[int, int]:
    return _PAGE_LIMITS[trim(trim_key).limits][paper(paper_key).key]


def even_page_count(pages: int) -> int:
    """KDP counts an interior as an even number of pages."""
    return pages + (pages % 2)


def interior_page_count(designs: int, *, single_sided: bool = True, front_matter: int = 0) -> int:
    """Pages of the interior PDF: front matter, designs (each with a blank back when
    single-sided), padded to an even total. Covers are never counted."""
    return even_page_count(front_matter + designs * (2 if single_sided else 1))


def designs_missing(designs: int) -> int:
    """Coloring pages to add before a book may be exported: books adopted from the
    previous system can hold fewer designs than a book here must (it made 8 by default)."""
    return max(0, MIN_PAGES - designs)


def check_page_count(interior_pages: int, trim_key: str, paper_key: str) -> None:
    low, high = page_limits(trim_key, paper_key)
    if interior_pages < low:
        raise KdpError(N_("%(pages)s interior pages is below KDP's minimum of %(low)s"),
                       pages=interior_pages, low=low)
    if interior_pages > high:
        raise KdpError(N_("%(pages)s interior pages is above KDP's maximum of %(high)s for "
                          "this trim size and paper"), pages=interior_pages, high=high)


def design_limits(trim_key: str, paper_key: str, *, single_sided: bool = True,
                  front_matter: int = 0) -> tuple[int, int]:
    """The fewest and most coloring pages (designs) a book may have with these options:
    at least MIN_PAGES, and an interior within KDP's page limits. KDP pads an odd
    interior to an even one, and so do we, so any count in between is fine."""
    low, high = page_limits(trim_key, paper_key)
    per_design = 2 if single_sided else 1
    most = (high - front_matter) // per_design
    fewest = MIN_PAGES
    while interior_page_count(fewest, single_sided=single_sided,
                              front_matter=front_matter) < low:
        fewest += 1
    return fewest, most


def check_designs(designs: int, trim_key: str, paper_key: str, *, single_sided: bool = True,
                  front_matter: int = 0) -> int:
    """The one rule for a book's number of coloring pages, wherever it is set (form, API,
    CLI, adding or removing pages), with one message. Returns the interior page count."""
    fewest, most = design_limits(trim_key, paper_key, single_sided=single_sided,
                                 front_matter=front_matter)
    total = interior_page_count(max(designs, 0), single_sided=single_sided,
                                front_matter=front_matter)
    if not fewest <= designs <= most:
        pages_low, pages_high = page_limits(trim_key, paper_key)
        raise KdpError(
            N_("%(designs)s coloring pages make a %(total)s-page interior; choose between "
               "%(low)s and %(high)s (KDP accepts %(pages_low)s to %(pages_high)s pages for "
               "this trim size and paper)."),
            designs=designs, total=total, low=fewest, high=most, pages_low=pages_low,
            pages_high=pages_high)
    return total


def gutter_in(interior_pages: int) -> float:
    for last_page, gutter in _GUTTERS:
        if interior_pages <= last_page:
            return gutter
    return _GUTTERS[-1][1]


def interior_page_size(trim_key: str) -> tuple[float, float]:
    """(width, height) of one interior page with bleed: trim + 0.125" wide, + 0.25" tall."""
    t = trim(trim_key)
    return t.width + BLEED_IN, t.height + 2 * BLEED_IN


def page_side(page_number: int) -> Side:
    """Page 1 is a right-hand (recto) page; even pages are left-hand."""
    return "right" if page_number % 2 == 1 else "left"


def trim_box(trim_key: str, side: Side) -> Rect:
    """Trim area inside the bleed page; bleed sits on the outside edge only."""
    t = trim(trim_key)
    x = 0.0 if side == "right" else BLEED_IN
    return Rect(x, BLEED_IN, t.width, t.height)


def safe_area(trim_key: str, interior_pages: int, side: Side) -> Rect:
    """Where art may go: trim minus the gutter (inside) and 0.375" elsewhere.

    y grows upwards from the bottom edge of the bleed page, like PDF user space."""
    box = trim_box(trim_key, side)
    gutter = gutter_in(interior_pages)
    inside_left = side == "right"
    left = gutter if inside_left else OUTSIDE_MARGIN_IN
    right = OUTSIDE_MARGIN_IN if inside_left else gutter
    return Rect(
        box.x + left,
        box.y + OUTSIDE_MARGIN_IN,
        box.width - left - right,
        box.height - 2 * OUTSIDE_MARGIN_IN,
    )


def spine_width(interior_pages: int, paper_key: str) -> float:
    return interior_pages * paper(paper_key).spine_per_page


def spine_text_allowed(interior_pages: int) -> bool:
    return interior_pages >= SPINE_TEXT_MIN_PAGES


@dataclass(frozen=True)
class CoverLayout:
    """Full-wrap cover geometry in inches, origin at the bottom-left bleed corner."""

    trim_width: float
    trim_height: float
    spine: float
    interior_pages: int

    @property
    def width(self) -> float:
        return 2 * self.trim_width + self.spine + 2 * BLEED_IN

    @property
    def height(self) -> float:
        return self.trim_height + 2 * BLEED_IN

    @property
    def back(self) -> Rect:
        return Rect(BLEED_IN, BLEED_IN, self.trim_width, self.trim_height)

    @property
    def spine_rect(self) -> Rect:
        return Rect(BLEED_IN + self.trim_width, BLEED_IN, self.spine, self.trim_height)

    @property
    def front(self) -> Rect:
        return Rect(BLEED_IN + self.trim_width + self.spine, BLEED_IN, self.trim_width,
                    self.trim_height)

    @property
    def spine_text_allowed(self) -> bool:
        return spine_text_allowed(self.interior_pages)

    @property
    def spine_text_area(self) -> Rect:
        s = self.spine_rect
        c = SPINE_TEXT_CLEARANCE_IN
        return Rect(s.x + c, s.y + c, max(s.width - 2 * c, 0.0), s.height - 2 * c)

    @property
    def barcode(self) -> Rect:
        """Lower right of the back cover, 0.25" from the trim and from the spine."""
        back = self.back
        return Rect(
            back.right - BARCODE_CLEARANCE_IN - BARCODE_W_IN,
            back.y + BARCODE_CLEARANCE_IN,
            BARCODE_W_IN,
            BARCODE_H_IN,
        )

    def panel_safe(self, panel: Rect, margin: float = 0.25) -> Rect:
        return Rect(panel.x + margin, panel.y + margin, panel.width - 2 * margin,
                    panel.height - 2 * margin)


def cover_layout(trim_key: str, interior_pages: int, paper_key: str) -> CoverLayout:
    t = trim(trim_key)
    return CoverLayout(t.width, t.height, spine_width(interior_pages, paper_key), interior_pages)


def inches_to_points(value: float) -> float:
    return value * POINTS_PER_INCH
