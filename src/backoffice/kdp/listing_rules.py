"""The listing's metadata checks, like the print preflight's rules: one code each, a
sentence as a msgid with its values, and the field it concerns.

Some failures are refused when the listing is saved (bad input: a keyword over 50
characters, a forbidden word, a description KDP would reject...); the others can only
come from elsewhere (an empty box, a title changed on the book, more pages raising the
minimum price) and are reported by the preflight. Both read the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from backoffice.errors import N_, Message
from backoffice.kdp import printing_cost
from backoffice.kdp.listing import (
    ALLOWED_TAGS,
    KEYWORD_SLOTS,
    MAX_CATEGORIES,
    MAX_DESCRIPTION,
    MAX_KEYWORD,
    MAX_READING_AGE,
    MAX_TITLE_AND_SUBTITLE,
    BookFacts,
    Listing,
    categories,
    fold,
    forbidden_terms,
    html_problems,
    plain_text,
    repeated_words,
)
from backoffice.kdp.preflight import Rule

FIELD_NAMES = {"title": N_("title"), "subtitle": N_("subtitle")}


@dataclass(frozen=True)
class Check:
    code: str
    field: str
    passed: bool
    msgid: str
    params: dict[str, object] = dataclass_field(default_factory=dict)
    # A failure refused when the listing is saved, rather than reported afterwards.
    refused: bool = True


def _quoted(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _title_checks(listing: Listing, facts: BookFacts) -> list[Check]:
    title, subtitle = listing.title.strip(), listing.subtitle.strip()
    length = len(title) + len(subtitle)
    checks = [
        Check("title_present", "title", bool(title),
              N_("The title is filled in.") if title else N_("The title is missing."),
              refused=False),
        Check("title_length", "subtitle" if subtitle else "title",
              length <= MAX_TITLE_AND_SUBTITLE,
              N_("Title and subtitle: %(length)s characters, within KDP's %(max)s.")
              if length <= MAX_TITLE_AND_SUBTITLE else
              N_("Title and subtitle together are %(length)s characters; KDP allows "
                 "%(max)s."), {"length": length, "max": MAX_TITLE_AND_SUBTITLE}),
    ]
    bad = [(name, forbidden_terms(text)) for name, text in (("title", title),
                                                            ("subtitle", subtitle))]
    bad = [(name, terms) for name, terms in bad if terms]
    if bad:
        name, terms = bad[0]
        checks.append(Check("title_terms", name, False, N_(
            "The %(field)s contains %(terms)s, which KDP refuses in a title (promotions, "
            "Amazon programs, brands, other authors)."),
            {"field": Message(FIELD_NAMES[name]), "terms": ", ".join(terms)}))
    else:
        checks.append(Check("title_terms", "title", True, N_(
            "No promotional words, brands or other authors in the title or subtitle.")))
    matches = fold(title) == fold(facts.cover_title)
    checks.append(Check(
        "title_matches_cover", "title", matches,
        N_("The title is the one printed on the cover.") if matches else
        N_("The title “%(title)s” differs from the cover's “%(cover)s”: KDP rejects a "
           "book whose title does not match its cover."),
        {"title": _quoted(title), "cover": _quoted(facts.cover_title)}, refused=False))
    return checks


def _description_checks(listing: Listing) -> list[Check]:
    html = listing.description
    present = bool(plain_text(html))
    refused_tags, with_attributes = html_problems(html)
    shown = [f"<{tag}>" for tag in refused_tags] + [f"<{tag} …>" for tag in with_attributes]
    return [
        Check("description_present", "description", present,
              N_("The description is filled in.") if present else
              N_("The description is missing: KDP requires one."), refused=False),
        Check("description_length", "description", len(html) <= MAX_DESCRIPTION,
              N_("Description: %(length)s characters, within KDP's %(max)s.")
              if len(html) <= MAX_DESCRIPTION else
              N_("The description is %(length)s characters (tags included); KDP allows "
                 "%(max)s."), {"length": len(html), "max": MAX_DESCRIPTION}),
        Check("description_html", "description", not shown,
              N_("The description uses only HTML that KDP accepts.") if not shown else
              N_("The description uses HTML that KDP rejects: %(tags)s. Allowed, without "
                 "attributes: %(allowed)s."),
              {"tags": ", ".join(shown),
               "allowed": " ".join(f"<{t}>" for t in sorted(ALLOWED_TAGS))}),
    ]


def _first_keyword(listing: Listing, test) -> tuple[int, str, object] | None:  # type: ignore[no-untyped-def]
    for number, keyword in enumerate(listing.keywords, 1):
        found = test(keyword)
        if found:
            return number, keyword, found
    return None


def _keyword_checks(listing: Listing) -> list[Check]:
    keywords = listing.keywords
    count = len(keywords)
    if count > KEYWORD_SLOTS:
        counted = Check("keywords_count", "keywords", False, N_(
            "%(count)s keywords: KDP has %(slots)s keyword boxes."),
            {"count": count, "slots": KEYWORD_SLOTS})
    else:
        counted = Check("keywords_count", "keywords", count == KEYWORD_SLOTS,
                        N_("All %(slots)s keyword boxes are filled.") if count == KEYWORD_SLOTS
                        else N_("%(count)s of the %(slots)s keyword boxes are filled: fill "
                                "every box so buyers can find the book."),
                        {"count": count, "slots": KEYWORD_SLOTS}, refused=False)
    checks = [counted]
    long = _first_keyword(listing, lambda k: len(k) > MAX_KEYWORD)
    checks.append(Check("keyword_length", "keywords", long is None,
                        N_("Every keyword is %(max)s characters or fewer.") if long is None else
                        N_("Keyword %(number)s (“%(keyword)s”) is %(length)s characters; KDP "
                           "allows %(max)s."),
                        {"max": MAX_KEYWORD} if long is None else
                        {"number": long[0], "keyword": _quoted(long[1]), "length": len(long[1]),
                         "max": MAX_KEYWORD}))
    bad = _first_keyword(listing, forbidden_terms)
    checks.append(Check("keyword_terms", "keywords", bad is None,
                        N_("No promotional words, brands or other authors in the keywords.")
                        if bad is None else
                        N_("Keyword %(number)s (“%(keyword)s”) contains %(terms)s, which KDP "
                           "forbids in keywords (promotions, Amazon programs, brands, other "
                           "authors)."),
                        {} if bad is None else {"number": bad[0], "keyword": _quoted(bad[1]),
                                                "terms": ", ".join(bad[2])}))  # type: ignore[arg-type]
    repeat = _first_keyword(listing, lambda k: repeated_words(k, listing.title))
    checks.append(Check("keyword_title_words", "keywords", repeat is None,
                        N_("No keyword repeats a word of the title.") if repeat is None else
                        N_("Keyword %(number)s (“%(keyword)s”) repeats %(words)s from the "
                           "title: Amazon already searches the title's words, use others."),
                        {} if repeat is None else {"number": repeat[0],
                                                   "keyword": _quoted(repeat[1]),
                                                   "words": ", ".join(repeat[2])}))  # type: ignore[arg-type]
    seen: dict[str, int] = {}
    twice = None
    for number, keyword in enumerate(keywords, 1):
        key = fold(keyword)
        if key in seen:
            twice = (number, seen[key])
            break
        seen[key] = number
    checks.append(Check("keyword_duplicates", "keywords", twice is None,
                        N_("No keyword is entered twice.") if twice is None else
                        N_("Keyword %(number)s repeats keyword %(first)s."),
                        {} if twice is None else {"number": twice[0], "first": twice[1]}))
    return checks


def _category_checks(listing: Listing, facts: BookFacts) -> Check:
    codes = listing.categories
    known = categories()
    unknown = [code for code in codes if code not in known]
    if unknown:
        return Check("categories", "categories", False,
                     N_("Unknown category %(code)s: choose from the list."),
                     {"code": unknown[0]})
    if len(codes) > MAX_CATEGORIES:
        return Check("categories", "categories", False,
                     N_("%(count)s categories: KDP allows %(max)s."),
                     {"count": len(codes), "max": MAX_CATEGORIES})
    if len(set(codes)) < len(codes):
        return Check("categories", "categories", False, N_("A category is chosen twice."))
    if not codes:
        return Check("categories", "categories", False,
                     N_("No category is chosen: choose one to three."), refused=False)
    return Check("categories", "categories", True,
                 N_("%(count)s categories from the list."), {"count": len(codes)})


def _reading_age_check(listing: Listing, facts: BookFacts) -> Check:
    age = listing.reading_age
    children = facts.audience != "adults"
    if age is None:
        return Check("reading_age", "reading_age_min", not children,
                     N_("A children's book needs a reading age.") if children else
                     N_("No reading age: this book is for adults."), refused=False)
    low, high = age
    if not (0 <= low <= MAX_READING_AGE and 0 <= high <= MAX_READING_AGE):
        return Check("reading_age", "reading_age_min", False,
                     N_("Reading ages go from 0 to %(max)s years."), {"max": MAX_READING_AGE})
    if low > high:
        return Check("reading_age", "reading_age_max", False,
                     N_("The reading age's maximum (%(max)s) is below its minimum (%(min)s)."),
                     {"min": low, "max": high})
    if not children:
        return Check("reading_age", "reading_age_min", False,
                     N_("A reading age is for children's books; leave it empty for a book "
                        "for adults."))
    return Check("reading_age", "reading_age_min", True,
                 N_("Reading age: %(min)s to %(max)s years."), {"min": low, "max": high})


def _price_check(listing: Listing, facts: BookFacts) -> Check:
    money = printing_cost.pricing(listing.lang, facts.trim, facts.paper, facts.interior_pages,
                                  listing.list_price)
    fmt = printing_cost.format_money
    params: dict[str, object] = {
        "price": fmt(money.list_price, money.currency, listing.lang),
        "royalty": fmt(money.royalty, money.currency, listing.lang),
        "cost": fmt(money.printing_cost, money.currency, listing.lang),
        "minimum": fmt(money.minimum_price, money.currency, listing.lang),
        "pages": money.interior_pages, "marketplace": money.marketplace}
    ok = money.list_price >= money.minimum_price
    return Check("list_price", "list_price", ok,
                 N_("List price %(price)s on %(marketplace)s: %(royalty)s royalty a copy "
                    "(printing %(cost)s).") if ok else
                 N_("List price %(price)s is below KDP's minimum of %(minimum)s on "
                    "%(marketplace)s for %(pages)s pages."), params)


def _ai_check(facts: BookFacts) -> Check:
    ai = facts.ai
    if not ai.uses_ai:
        return Check("ai_content", "ai", True, N_(
            "AI-generated content: no. Every image was drawn without generative AI."))
    extent = (Message(N_("the entire work")) if ai.images == "entire" else
              Message(N_("some sections (%(count)s of %(total)s images)"),
                      {"count": ai.ai_pages, "total": ai.total_pages}))
    return Check("ai_content", "ai", True, N_(
        "AI-generated content: yes, images, %(extent)s, with %(tools)s; texts and "
        "translations: none."), {"extent": extent, "tools": ", ".join(ai.tools)})


def checks(listing: Listing, facts: BookFacts) -> list[Check]:
    return [*_title_checks(listing, facts), *_description_checks(listing),
            *_keyword_checks(listing), _category_checks(listing, facts),
            _reading_age_check(listing, facts), _price_check(listing, facts),
            _ai_check(facts)]


def input_errors(listing: Listing, facts: BookFacts) -> dict[str, Message]:
    """What saving this listing must refuse, field by field (the first problem of each)."""
    errors: dict[str, Message] = {}
    for check in checks(listing, facts):
        if not check.passed and check.refused:
            errors.setdefault(check.field, Message(check.msgid, check.params))
    return errors


def rules(listing: Listing, facts: BookFacts) -> list[Rule]:
    """The checks as preflight rules, coded `listing_<lang>.<check>`."""
    return [Rule(f"listing_{listing.lang}.{check.code}", check.passed,
                 str(Message(check.msgid, check.params)), check.msgid, dict(check.params))
            for check in checks(listing, facts)]
