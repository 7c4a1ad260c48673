"""A book's KDP listings (amazon.fr in French, amazon.com in English): written from the
book until someone edits them, checked by the metadata rules, priced from KDP's printing
cost, and laid out as KDP's forms ask for them.

Export builds on this slice (the bundle holds the listing, the preflight reports its
rules); this slice reads books through `book` only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.art.themes import themes_in
from backoffice.config import DEFAULT_CONFIG_DIR, Settings
from backoffice.errors import N_, InvalidInput, Message, NotFound
from backoffice.kdp import listing_rules, pixels, printing_cost
from backoffice.kdp.bundle import safe_filename
from backoffice.kdp.listing import (
    LANGUAGES,
    AIAnswer,
    BookFacts,
    Listing,
    ai_answer,
    normalise_keywords,
)
from backoffice.kdp.listing_copy import COPY_FILE, BookBrief, generate
from backoffice.kdp.listing_rules import Check
from backoffice.kdp.listing_text import PrintFacts, listing_json, listing_text
from backoffice.kdp.preflight import Rule
from backoffice.models import Ebook, Page, PageVersion
from backoffice.models import Listing as ListingRow

# What the edit form and the API may change; the author is the book's (KDP wants the
# name on the cover).
EDITABLE = ("title", "subtitle", "description", "keywords", "categories", "reading_age_min",
            "reading_age_max", "list_price")


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise NotFound(N_("There is no %(lang)s listing: choose fr (amazon.fr) or en "
                          "(amazon.com)."), lang=lang)
    return lang


def copy_dir(settings: Settings) -> Path:
    """The configured listing copy, or the one shipped when a config folder predates it."""
    if (settings.listing_dir / COPY_FILE).is_file():
        return settings.listing_dir
    return DEFAULT_CONFIG_DIR / "listing"


def drawn_by(session: Session, ebook: Ebook) -> list[tuple[str, str]]:
    """(provider, model) of every page's current image, covers included."""
    rows = session.execute(select(PageVersion.provider, PageVersion.model)
                           .join(Page, Page.current_version_id == PageVersion.id)
                           .where(Page.ebook_id == ebook.id)).all()
    return [(provider, model) for provider, model in rows]


def book_facts(session: Session, settings: Settings, ebook: Ebook) -> BookFacts:
    return BookFacts(cover_title=ebook.title, audience=ebook.audience, trim=ebook.trim_size,
                     paper=ebook.paper, interior_pages=pixels.book_interior_pages(ebook),
                     ai=ai_answer(drawn_by(session, ebook)), language=settings.language)


def brief(settings: Settings, ebook: Ebook) -> BookBrief:
    theme = themes_in(str(settings.themes_dir)).get(ebook.theme)
    label = theme.label.model_dump() if theme else {"fr": ebook.theme, "en": ebook.theme}
    description = theme.description.model_dump() if theme else {}
    return BookBrief(theme=ebook.theme, theme_label=label, theme_description=description,
                     audience=ebook.audience, trim=ebook.trim_size, paper=ebook.paper,
                     designs=ebook.page_count, single_sided=ebook.single_sided,
                     furniture=tuple(ebook.furniture or ()), title=ebook.title,
                     subtitle=ebook.subtitle, author=ebook.author)


def _row(session: Session, ebook_id: int, lang: str) -> ListingRow | None:
    return session.scalar(select(ListingRow).where(ListingRow.ebook_id == ebook_id,
                                                   ListingRow.language == lang))


def current(session: Session, settings: Settings, ebook: Ebook, lang: str) -> Listing:
    """The edited listing, or the one written from the book."""
    row = _row(session, ebook.id, check_language(lang))
    if row is None:
        return generate(brief(settings, ebook), lang, copy_dir(settings))
    age = ((row.reading_age_min, row.reading_age_max)
           if row.reading_age_min is not None and row.reading_age_max is not None else None)
    return Listing(lang=lang, title=row.title, subtitle=row.subtitle, author=ebook.author,
                   description=row.description, keywords=tuple(row.keywords),
                   categories=tuple(row.categories), reading_age=age,
                   list_price=row.list_price, generated=False)


def _price(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        price = Decimal(str(value).strip().replace(",", ".").replace("€", "")
                        .replace("$", "").strip())
    except ArithmeticError:
        raise InvalidInput.field("list_price", N_("Enter a price such as 7.99, or leave it "
                                                  "empty for the suggested price.")) from None
    if not price.is_finite() or price <= 0 or price >= 1000:
        raise InvalidInput.field("list_price", N_("Enter a price such as 7.99, or leave it "
                                                  "empty for the suggested price."))
    return price.quantize(Decimal("0.01"))


def apply_changes(listing: Listing, changes: dict[str, Any]) -> Listing:
    """The listing with the given fields changed (the others kept), tidied but never cut."""
    values: dict[str, Any] = {}
    for name in ("title", "subtitle", "description"):
        if name in changes:
            values[name] = str(changes[name] or "").strip()
    if "keywords" in changes:
        values["keywords"] = normalise_keywords(changes["keywords"] or ())
    if "categories" in changes:
        values["categories"] = tuple(c.strip().upper() for c in changes["categories"] or ()
                                     if c and c.strip())
    if "reading_age_min" in changes or "reading_age_max" in changes:
        old = listing.reading_age or (None, None)
        low = changes.get("reading_age_min", old[0])
        high = changes.get("reading_age_max", old[1])
        if (low is None) != (high is None):
            missing = "reading_age_max" if high is None else "reading_age_min"
            raise InvalidInput.field(missing, N_("Give both the youngest and the oldest "
                                                 "reading age, or neither."))
        values["reading_age"] = (None if low is None or high is None
                                 else (int(low), int(high)))
    if "list_price" in changes:
        values["list_price"] = _price(changes["list_price"])
    return listing.with_changes(**values)


def update(session: Session, settings: Settings, ebook: Ebook, lang: str,
           changes: dict[str, Any], *, actor: str) -> Listing:
    """Save an edit; what KDP would refuse is refused here, field by field, and nothing is
    saved."""
    listing = apply_changes(current(session, settings, ebook, lang), changes)
    errors = listing_rules.input_errors(listing, book_facts(session, settings, ebook))
    if errors:
        raise InvalidInput(errors)
    row = _row(session, ebook.id, lang) or ListingRow(ebook_id=ebook.id, language=lang)
    row.title, row.subtitle, row.description = (listing.title, listing.subtitle,
                                                listing.description)
    row.keywords, row.categories = list(listing.keywords), list(listing.categories)
    row.reading_age_min, row.reading_age_max = listing.reading_age or (None, None)
    row.list_price, row.updated_by = listing.list_price, actor
    session.add(row)
    session.flush()
    return listing


def reset(session: Session, ebook: Ebook, lang: str) -> None:
    """Back to the listing written from the book."""
    row = _row(session, ebook.id, check_language(lang))
    if row is not None:
        session.delete(row)
        session.flush()


@dataclass(frozen=True)
class ListingView:
    listing: Listing
    pricing: printing_cost.Pricing
    ai: AIAnswer
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def failures(self) -> list[Message]:
        return [Message(c.msgid, c.params) for c in self.checks if not c.passed]


def view(session: Session, settings: Settings, ebook: Ebook, lang: str,
         listing: Listing | None = None) -> ListingView:
    facts = book_facts(session, settings, ebook)
    listing = listing or current(session, settings, ebook, lang)
    money = printing_cost.pricing(lang, ebook.trim_size, ebook.paper, facts.interior_pages,
                                  listing.list_price)
    return ListingView(listing, money, facts.ai, listing_rules.checks(listing, facts))


def rules(session: Session, settings: Settings, ebook: Ebook) -> list[Rule]:
    """The metadata rules of both listings, for the preflight report."""
    facts = book_facts(session, settings, ebook)
    return [rule for lang in LANGUAGES
            for rule in listing_rules.rules(current(session, settings, ebook, lang), facts)]


def fingerprint(session: Session, settings: Settings, ebook: Ebook) -> str:
    """Changes whenever a listing, or what it is checked against, changes."""
    facts = book_facts(session, settings, ebook)
    payload = [asdict(facts)] + [asdict(current(session, settings, ebook, lang))
                                 for lang in LANGUAGES]
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


def print_facts(settings: Settings, ebook: Ebook, interior_pages: int) -> PrintFacts:
    stem = safe_filename(ebook.title)
    return PrintFacts(trim=ebook.trim_size, paper=ebook.paper, interior_pages=interior_pages,
                      isbn=ebook.isbn, book_language=settings.language,
                      interior_file=f"{stem}-interior.pdf", cover_file=f"{stem}-cover.pdf")


def documents(session: Session, settings: Settings, ebook: Ebook,
              lang: str) -> tuple[str, dict[str, Any]]:
    """The listing as the copy-paste text file and as JSON."""
    shown = view(session, settings, ebook, lang)
    facts = print_facts(settings, ebook, shown.pricing.interior_pages)
    return (listing_text(shown.listing, shown.ai, shown.pricing, facts),
            listing_json(shown.listing, shown.ai, shown.pricing, facts))
