"""The listing in the API, and the edit form as typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from backoffice.errors import N_, InvalidInput, Message
from backoffice.features.listing.service import ListingView
from backoffice.kdp.listing import KEYWORD_SLOTS, MAX_CATEGORIES, category_label

# Generous bounds: past KDP's own limits the listing rules answer, naming the limit; these
# only keep absurd bodies out.
LongText = Annotated[str, Field(max_length=20000)]
Phrase = Annotated[str, Field(max_length=500)]


class ListingIn(BaseModel):
    """The fields to change; those left out keep their value. `list_price: null` goes
    back to the suggested price."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=1000)
    subtitle: str | None = Field(default=None, max_length=1000)
    description: LongText | None = Field(
        default=None, description="KDP's HTML subset: b, strong, i, em, u, br, p, ul, ol, "
        "li, h4, h5, h6, without attributes; 4,000 characters, tags included")
    keywords: list[Phrase] | None = Field(default=None, max_length=20,
                                          description="Seven phrases of 50 characters")
    categories: list[Annotated[str, Field(max_length=20)]] | None = Field(
        default=None, max_length=10, description="BISAC codes from GET /api/listing/categories")
    reading_age_min: int | None = Field(default=None, ge=0, le=99)
    reading_age_max: int | None = Field(default=None, ge=0, le=99)
    list_price: Decimal | None = Field(default=None, description="In the marketplace's "
                                       "currency (EUR on amazon.fr, USD on amazon.com)")

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class ListingPut(ListingIn):
    """The whole listing, as PUT replaces it: the fields left out are emptied (the
    subtitle, the reading age) or go back to the suggested price."""

    title: str = Field(max_length=1000)
    description: LongText = Field(description=ListingIn.model_fields["description"].description)
    keywords: list[Phrase] = Field(max_length=20, description="Seven phrases of 50 characters")
    categories: list[Annotated[str, Field(max_length=20)]] = Field(
        max_length=10, description="BISAC codes from GET /api/listing/categories")

    def changes(self) -> dict[str, Any]:
        values = self.model_dump()
        values["subtitle"] = values["subtitle"] or ""
        return values


class CategoryOut(BaseModel):
    code: str
    label: str


class CheckOut(BaseModel):
    code: str
    passed: bool
    message: str


class PricingOut(BaseModel):
    marketplace: str
    currency: str
    interior_pages: int
    printing_cost: Decimal
    minimum_price: Decimal
    suggested_price: Decimal
    list_price: Decimal
    royalty: Decimal


class AIContentOut(BaseModel):
    texts: str = "none"
    images: str
    translations: str = "none"
    tools: list[str]


class ListingOut(BaseModel):
    ebook_id: int
    language: str
    marketplace: str
    # True while nobody edited it: it follows the book (page count, title...).
    generated: bool
    title: str
    subtitle: str
    author: str
    description: str
    keywords: list[str]
    categories: list[CategoryOut]
    reading_age_min: int | None
    reading_age_max: int | None
    # The listing's own price; null: the suggested one (in `pricing`).
    list_price: Decimal | None
    pricing: PricingOut
    ai_generated_content: AIContentOut
    passed: bool
    checks: list[CheckOut]
    text_url: str

    @classmethod
    def of(cls, ebook_id: int, shown: ListingView, text_url: str) -> ListingOut:
        listing, money = shown.listing, shown.pricing
        age = listing.reading_age
        return cls(
            ebook_id=ebook_id, language=listing.lang, marketplace=money.marketplace,
            generated=listing.generated, title=listing.title, subtitle=listing.subtitle,
            author=listing.author, description=listing.description,
            keywords=list(listing.keywords),
            categories=[CategoryOut(code=c, label=category_label(c, listing.lang))
                        for c in listing.categories],
            reading_age_min=age[0] if age else None, reading_age_max=age[1] if age else None,
            list_price=listing.list_price,
            pricing=PricingOut(marketplace=money.marketplace, currency=money.currency,
                               interior_pages=money.interior_pages,
                               printing_cost=money.printing_cost,
                               minimum_price=money.minimum_price,
                               suggested_price=money.suggested_price,
                               list_price=money.list_price, royalty=money.royalty),
            ai_generated_content=AIContentOut(images=shown.ai.images,
                                              tools=list(shown.ai.tools)),
            passed=shown.passed,
            checks=[CheckOut(code=f"listing_{listing.lang}.{c.code}", passed=c.passed,
                             message=str(Message(c.msgid, c.params))) for c in shown.checks],
            text_url=text_url)


class ListingForm(BaseModel):
    """The edit form as typed: every field text, so it can be shown again as it was."""

    title: str = ""
    subtitle: str = ""
    description: str = ""
    keyword_1: str = ""
    keyword_2: str = ""
    keyword_3: str = ""
    keyword_4: str = ""
    keyword_5: str = ""
    keyword_6: str = ""
    keyword_7: str = ""
    category_1: str = ""
    category_2: str = ""
    category_3: str = ""
    reading_age_min: str = ""
    reading_age_max: str = ""
    list_price: str = ""

    def keywords(self) -> list[str]:
        return [getattr(self, f"keyword_{n}") for n in range(1, KEYWORD_SLOTS + 1)]

    def categories(self) -> list[str]:
        return [getattr(self, f"category_{n}") for n in range(1, MAX_CATEGORIES + 1)]

    def changes(self) -> dict[str, Any]:
        """Every field of the form, typed; an age that is not a number is refused."""
        errors: dict[str, str | Message] = {}
        ages: dict[str, int | None] = {}
        for name in ("reading_age_min", "reading_age_max"):
            text = getattr(self, name).strip()
            try:
                ages[name] = int(text) if text else None
            except ValueError:
                errors[name] = N_("Enter a whole number.")
        if errors:
            raise InvalidInput(errors)
        return {"title": self.title, "subtitle": self.subtitle,
                "description": self.description.replace("\r\n", "\n"),
                "keywords": self.keywords(), "categories": self.categories(), **ages,
                "list_price": self.list_price.strip() or None}

    @classmethod
    def of(cls, shown: ListingView) -> ListingForm:
        listing = shown.listing
        values: dict[str, str] = {"title": listing.title, "subtitle": listing.subtitle,
                                  "description": listing.description,
                                  "list_price": "" if listing.list_price is None
                                  else str(listing.list_price)}
        for n, keyword in enumerate(listing.keywords[:KEYWORD_SLOTS], 1):
            values[f"keyword_{n}"] = keyword
        for n, code in enumerate(listing.categories[:MAX_CATEGORIES], 1):
            values[f"category_{n}"] = code
        if listing.reading_age:
            values["reading_age_min"] = str(listing.reading_age[0])
            values["reading_age_max"] = str(listing.reading_age[1])
        return cls(**values)
