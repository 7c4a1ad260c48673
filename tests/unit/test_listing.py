"""The pure listing core: printing cost and royalty, KDP's text rules, the offline copy,
the text file in KDP's form order, and where the furniture pages go."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.config import DEFAULT_CONFIG_DIR
from backoffice.kdp import furniture, listing_rules, printing_cost
from backoffice.kdp.listing import (
    AIAnswer,
    BookFacts,
    ai_answer,
    forbidden_terms,
    html_problems,
    repeated_words,
    safe_html,
)
from backoffice.kdp.listing_copy import BookBrief, generate
from backoffice.kdp.listing_text import PrintFacts, listing_json, listing_text

COPY_DIR = DEFAULT_CONFIG_DIR / "listing"


def _brief(**changes: object) -> BookBrief:
    values: dict[str, object] = dict(
        theme="dinosaurs", theme_label={"fr": "Dinosaures", "en": "Dinosaurs"},
        theme_description={}, audience="children", trim="8.5x11", paper="white", designs=24,
        single_sided=True, furniture=("belongs_to", "color_test"),
        title="Dinosaures rigolos", subtitle="", author="Camille Dupont")
    values.update(changes)
    return BookBrief(**values)  # type: ignore[arg-type]


def _facts(**changes: object) -> BookFacts:
    values: dict[str, object] = dict(cover_title="Dinosaures rigolos", audience="children",
                                     trim="8.5x11", paper="white", interior_pages=54)
    values.update(changes)
    return BookFacts(**values)  # type: ignore[arg-type]


def _failing(listing, facts=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {c.code: c.msgid for c in listing_rules.checks(listing, facts or _facts())
            if not c.passed}


# ---- printing cost and royalty (KDP G201834340, G201834330) ----------------------------

def test_printing_cost_follows_kdp_figures() -> None:
    us, fr = printing_cost.marketplace("amazon.com"), printing_cost.marketplace("amazon.fr")
    # Up to 108 pages: the flat cost; large trims cost more.
    assert printing_cost.printing_cost(us, "8.5x11", "white", 54) == Decimal("2.84")
    assert printing_cost.printing_cost(us, "6x9", "cream", 108) == Decimal("2.30")
    assert printing_cost.printing_cost(fr, "8.5x11", "white", 100) == Decimal("2.48")
    # Past 108: fixed + pages x per page; KDP's own example, 333 pages on 6x9 -> $5.00.
    assert printing_cost.printing_cost(us, "6x9", "white", 333) == Decimal("5.00")
    assert printing_cost.printing_cost(us, "8.5x11", "white", 200) == Decimal("4.40")


def test_royalty_minimum_and_suggested_price() -> None:
    us, fr = printing_cost.marketplace("amazon.com"), printing_cost.marketplace("amazon.fr")
    cost = Decimal("2.84")
    assert printing_cost.royalty(us, Decimal("9.99"), cost) == Decimal("3.15")
    # The minimum is where 60 % of the price covers printing, VAT added back in France.
    assert printing_cost.minimum_list_price(us, cost) == Decimal("4.74")
    assert printing_cost.minimum_list_price(fr, Decimal("2.48")) == Decimal("4.37")
    # VAT comes off before the 60 %: 7.99 € -> 7.57 € -> 4.54 € - 2.48 €.
    assert printing_cost.royalty(fr, Decimal("7.99"), Decimal("2.48")) == Decimal("2.06")
    money = printing_cost.pricing("en", "8.5x11", "white", 54)
    assert str(money.suggested_price).endswith(".99") and money.royalty >= Decimal("2.00")
    assert money.list_price == money.suggested_price >= money.minimum_price
    assert printing_cost.format_money(Decimal("7.99"), "EUR", "fr") == "7,99\u00a0€"
    assert printing_cost.format_money(Decimal("7.99"), "USD", "en") == "$7.99"


# ---- text rules ---------------------------------------------------------------------------

def test_forbidden_terms_are_whole_words() -> None:
    assert forbidden_terms("Free coloring book") == ["free"]
    assert forbidden_terms("Best-seller mandalas") == ["best seller"]
    assert forbidden_terms("bestseller mandalas") == ["bestseller"]
    assert forbidden_terms("Newt and friends") == []
    assert forbidden_terms("gratuit pour enfants") == ["gratuit"]
    assert forbidden_terms("Disney princesses") == ["disney"]


def test_keywords_repeating_the_title_are_named() -> None:
    assert repeated_words("dinosaure pour garçons", "Dinosaures rigolos") == ["dinosaure"]
    assert repeated_words("cadeau anniversaire", "Dinosaures rigolos") == []


def test_description_html_is_kdp_subset_and_shown_safely() -> None:
    assert html_problems("<b>Hi</b><br><ul><li>x</li></ul>") == ([], [])
    refused, attributes = html_problems('<div>x</div><p style="a">y</p><script>z</script>')
    assert refused == ["div", "script"] and attributes == ["p"]
    shown = safe_html('<b onclick="x">Beau</b><script>alert(1)</script>&lt;i&gt;')
    assert shown == "<b>Beau</b>alert(1)&lt;i&gt;"


def test_ai_answer_comes_from_the_providers() -> None:
    assert not ai_answer([("procedural", ""), ("upload", "")]).uses_ai
    some = ai_answer([("procedural", ""), ("gemini", "gemini-2.5-flash-image")])
    assert some.images == "some" and some.tools == ("gemini (gemini-2.5-flash-image)",)
    assert ai_answer([("openrouter", "m")]).images == "entire"


# ---- the generated listing passes its own rules --------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("theme,audience", [("dinosaurs", "children"),
                                            ("mandalas", "adults"), ("unicorns", "toddlers")])
def test_generated_listing_passes_the_rules(lang: str, theme: str, audience: str) -> None:
    brief = _brief(theme=theme, audience=audience, title="Mon beau livre")
    listing = generate(brief, lang, COPY_DIR)
    facts = _facts(cover_title="Mon beau livre", audience=audience)
    assert _failing(listing, facts) == {}
    assert len(listing.keywords) == 7 and all(len(k) <= 50 for k in listing.keywords)
    assert len(listing.title) + len(listing.subtitle) <= 200
    assert (listing.reading_age is None) == (audience == "adults")
    assert 1 <= len(listing.categories) <= 3


def test_bad_input_is_refused_with_the_field_named() -> None:
    listing = generate(_brief(), "en", COPY_DIR)
    cases = {
        "keywords": listing.with_changes(keywords=("k" * 51,)),
        "description": listing.with_changes(description="<b>x</b>" + "x" * 4000),
        "subtitle": listing.with_changes(subtitle="s" * 190),
        "title": listing.with_changes(title="Free dinosaur book"),
        "categories": listing.with_changes(categories=("XYZ000000",)),
        "reading_age_max": listing.with_changes(reading_age=(8, 4)),
        "list_price": listing.with_changes(list_price=Decimal("1.00")),
    }
    for field, changed in cases.items():
        errors = listing_rules.input_errors(changed, _facts(cover_title=changed.title))
        assert field in errors, (field, errors)
    html = listing.with_changes(description="<div>x</div>")
    assert "<div>" in str(listing_rules.input_errors(html, _facts())["description"])
    # An empty keyword box is not refused (a listing can be saved half-done), only reported.
    few = listing.with_changes(keywords=("calm",))
    assert listing_rules.input_errors(few, _facts()) == {}
    assert "keywords_count" in _failing(few)


def test_a_title_that_differs_from_the_cover_fails_the_preflight_rule() -> None:
    listing = generate(_brief(), "fr", COPY_DIR).with_changes(title="Autre titre")
    rules = {r.code: r for r in listing_rules.rules(listing, _facts())}
    assert not rules["listing_fr.title_matches_cover"].passed
    assert rules["listing_fr.keyword_length"].passed


# ---- the text file in KDP's order, and JSON --------------------------------------------------

def test_listing_text_follows_kdp_form_order() -> None:
    listing = generate(_brief(), "en", COPY_DIR)
    money = printing_cost.pricing("en", "8.5x11", "white", 54)
    facts = PrintFacts(trim="8.5x11", paper="white", interior_pages=54, isbn=None,
                       book_language="fr", interior_file="x-interior.pdf",
                       cover_file="x-cover.pdf")
    text = listing_text(listing, AIAnswer("none"), money, facts)
    order = ["Paperback Details", "Book Title: Dinosaures rigolos", "Description",
             "Reading age: 4 to 8 years", "Categories", "Keywords", "Paperback Content",
             "Trim size: 8.5 x 11 in", "AI-generated content: No", "Rights & Pricing",
             "List price: $", "Printing cost: $2.84"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    data = listing_json(listing, AIAnswer("none"), money, facts)
    assert data["marketplace"] == "amazon.com" and len(data["keywords"]) == 7
    assert data["pricing"]["printing_cost"] == "2.84"


# ---- furniture: where single-sided books put it ----------------------------------------------

def test_furniture_pages_are_placed_as_books_do() -> None:
    slots = [s.kind for s in furniture.plan(2, furniture=furniture.FURNITURE)]
    assert slots == ["belongs_to", "blank", "title", "copyright", "how_to_use", "blank",
                     "color_test", "blank", "design", "blank", "design", "blank",
                     "thank_you", "blank"]
    assert len(furniture.plan(3, single_sided=False, furniture=["thank_you"])) % 2 == 0
    with pytest.raises(ValueError):
        furniture.normalise(["cover_art"])


def test_the_text_file_names_adopted_pages_tool_in_its_own_language() -> None:
    ai = ai_answer([("imported", "previous system, cleaned"), ("openrouter", "flux")] * 12)
    money = printing_cost.pricing("fr", "8.5x11", "white", 54)
    facts = PrintFacts(trim="8.5x11", paper="white", interior_pages=54, isbn=None,
                       book_language="fr", interior_file="x-interior.pdf",
                       cover_file="x-cover.pdf")
    french = listing_text(generate(_brief(), "fr", COPY_DIR), ai, money, facts)
    assert "Outils d'IA utilisés : openrouter (flux), l’ancien système" in french
    assert "previous system" not in french
    english = listing_text(generate(_brief(), "en", COPY_DIR), ai,
                           printing_cost.pricing("en", "8.5x11", "white", 54), facts)
    assert "AI tools used: openrouter (flux), the previous system" in english
