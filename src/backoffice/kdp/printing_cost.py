"""KDP paperback printing cost, minimum list price, royalty and our suggested price.

KDP's formula (help topic G201834340, "Paperback Printing Cost"):

    printing cost = fixed cost + page count × per-page cost
    royalty       = 60 % × list price − printing cost              (G201834330)

The figures, their dates and where each one comes from are recorded below and in
docs/kdp-listing.md; this machine has no web access, so they were read from stored copies
of KDP's help pages and from the publishers' notes that quote the June 2023 change. Black
ink only: this product prints line art, never colour interiors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from backoffice.kdp import specs

ROYALTY_RATE = Decimal("0.60")
# "Large trim: more than 6.12 inches (155.5 mm) in width or more than 9 inches (228.6 mm)
# in height" (G201834340). 8.5x11, 8.5x8.5, 8x10 and 8.25x8.25 are all large.
LARGE_TRIM_WIDTH_IN = 6.12
LARGE_TRIM_HEIGHT_IN = 9.0
# "Black-ink paperbacks with 24 - 108 pages only incur the fixed cost" (G201834340).
FIXED_ONLY_MAX_PAGES = 108
CENT = Decimal("0.01")
FIGURES_AS_OF = "2026-11-30"


@dataclass(frozen=True)
class Marketplace:
    key: str
    domain: str
    currency: str
    symbol: str
    # Printing cost for black ink: (fixed, per page) for 110-828 pages, and the flat cost
    # for 24-108 pages, for regular and large trims.
    regular: tuple[Decimal, Decimal]
    large: tuple[Decimal, Decimal]
    flat_regular: Decimal
    flat_large: Decimal
    # List prices on EU marketplaces include VAT; KDP computes the royalty on the price
    # without it (help topics G201645410 and GPQL5W3J6WNRCZTV).
    vat: Decimal
    # Our pricing policy, not KDP's: the lowest price a coloring book of this size sells
    # at, and the royalty we aim for at least.
    floor: Decimal
    target_royalty: Decimal
    sources: tuple[str, ...]


MARKETPLACES: dict[str, Marketplace] = {
    "amazon.com": Marketplace(
        key="amazon.com", domain="amazon.com", currency="USD", symbol="$",
        # $0.85 + $0.012/page before June 20, 2023 (G201834340's own example); KDP raised
        # the fixed cost by 15 cents and large trims by about half a cent a page. Checked
        # against KDP's table: 1.00 + 108 × 0.012 = 2.30 and 1.00 + 108 × 0.017 = 2.84,
        # its flat costs; and G201834330's example: 333 pages → $5.00.
        regular=(Decimal("1.00"), Decimal("0.012")), large=(Decimal("1.00"), Decimal("0.017")),
        flat_regular=Decimal("2.30"), flat_large=Decimal("2.84"),
        vat=Decimal("0"), floor=Decimal("6.99"), target_royalty=Decimal("2.00"),
        sources=("https://kdp.amazon.com/en_US/help/topic/G201834340",
                 "https://kdp.amazon.com/en_US/help/topic/G201834330",
                 "https://masterbookbuilders.com/whats-your-cut-understanding-the-amazon-kdp-"
                 "print-cost-changes",
                 "https://thestoryreadingapeblog.com/2023/05/18/printing-prices-are-"
                 "increasing-at-kdp-reducing-paperback-royalties/")),
    "amazon.fr": Marketplace(
        key="amazon.fr", domain="amazon.fr", currency="EUR", symbol="€",
        # Amazon.de/es/fr/it/nl share one table: €0.75 + €0.012/page, €0.016 for large
        # trims (selfpublisherbibel.de on the June 2023 change); KDP's flat costs agree:
        # 0.75 + 108 × 0.012 = 2.05 and 0.75 + 108 × 0.016 = 2.48.
        regular=(Decimal("0.75"), Decimal("0.012")), large=(Decimal("0.75"), Decimal("0.016")),
        flat_regular=Decimal("2.05"), flat_large=Decimal("2.48"),
        # France's reduced VAT rate on printed books.
        vat=Decimal("0.055"), floor=Decimal("6.99"), target_royalty=Decimal("2.00"),
        sources=("https://kdp.amazon.com/en_US/help/topic/G201834340",
                 "https://www.selfpublisherbibel.de/neue-druckpreise-bei-amazon-ab-20-juni-"
                 "was-ist-zu-tun/",
                 "https://kdp.amazon.com/help?topicId=GPQL5W3J6WNRCZTV")),
}
# The listing's language picks its marketplace.
MARKETPLACE_BY_LANGUAGE = {"fr": "amazon.fr", "en": "amazon.com"}


def marketplace(key: str) -> Marketplace:
    return MARKETPLACES[key]


def for_language(lang: str) -> Marketplace:
    return MARKETPLACES[MARKETPLACE_BY_LANGUAGE.get(lang, "amazon.com")]


def is_large_trim(trim_key: str) -> bool:
    trim = specs.trim(trim_key)
    return trim.width > LARGE_TRIM_WIDTH_IN or trim.height > LARGE_TRIM_HEIGHT_IN


def printing_cost(market: Marketplace, trim_key: str, paper_key: str,
                  interior_pages: int) -> Decimal:
    """What KDP deducts for one copy. Paper colour does not change it (G201834180); colour
    papers are not priced here (this product prints black ink)."""
    paper = specs.paper(paper_key)
    if paper.key not in ("white", "cream"):
        raise ValueError(f"printing cost of {paper.key} paper is not recorded (black ink only)")
    large = is_large_trim(trim_key)
    pages = interior_pages
    if pages <= FIXED_ONLY_MAX_PAGES:
        return market.flat_large if large else market.flat_regular
    fixed, per_page = market.large if large else market.regular
    return (fixed + per_page * pages).quantize(CENT, ROUND_HALF_UP)


def price_without_vat(market: Marketplace, list_price: Decimal) -> Decimal:
    return list_price / (1 + market.vat)


def royalty(market: Marketplace, list_price: Decimal, cost: Decimal) -> Decimal:
    """60 % of the list price (without VAT in the EU), less the printing cost."""
    return (ROYALTY_RATE * price_without_vat(market, list_price) - cost).quantize(
        CENT, ROUND_HALF_UP)


def minimum_list_price(market: Marketplace, cost: Decimal) -> Decimal:
    """KDP refuses a list price whose royalty would not cover printing: cost / 60 %
    (VAT added back on EU marketplaces), rounded up to the cent."""
    return (cost / ROYALTY_RATE * (1 + market.vat)).quantize(CENT, ROUND_CEILING)


def suggested_price(market: Marketplace, cost: Decimal) -> Decimal:
    """The lowest price ending in .99 that is at least the market floor and earns at least
    the target royalty: what coloring books of this size sell at, not a race to the
    bottom."""
    price = market.floor
    while royalty(market, price, cost) < market.target_royalty:
        price += 1
    return price


@dataclass(frozen=True)
class Pricing:
    marketplace: str
    currency: str
    interior_pages: int
    printing_cost: Decimal
    minimum_price: Decimal
    suggested_price: Decimal
    list_price: Decimal
    royalty: Decimal

    def as_dict(self) -> dict[str, object]:
        return {"marketplace": self.marketplace, "currency": self.currency,
                "interior_pages": self.interior_pages,
                "printing_cost": str(self.printing_cost),
                "minimum_price": str(self.minimum_price),
                "suggested_price": str(self.suggested_price),
                "list_price": str(self.list_price), "royalty": str(self.royalty)}


def pricing(lang: str, trim_key: str, paper_key: str, interior_pages: int,
            list_price: Decimal | None = None) -> Pricing:
    """Everything the listing shows about money, for the listing's marketplace; the
    suggested price when the listing has none of its own."""
    market = for_language(lang)
    cost = printing_cost(market, trim_key, paper_key, interior_pages)
    suggested = suggested_price(market, cost)
    price = suggested if list_price is None else list_price
    return Pricing(marketplace=market.key, currency=market.currency,
                   interior_pages=specs.even_page_count(interior_pages), printing_cost=cost,
                   minimum_price=minimum_list_price(market, cost), suggested_price=suggested,
                   list_price=price, royalty=royalty(market, price, cost))


def format_money(amount: Decimal, currency: str, lang: str) -> str:
    """$7.99 / 7,99 € — the way each marketplace writes it."""
    if currency == "EUR":
        return f"{amount:.2f}".replace(".", ",") + "\u00a0€"
    text = f"${amount:.2f}"
    return text if lang == "en" else f"{amount:.2f}".replace(".", ",") + "\u00a0$"
