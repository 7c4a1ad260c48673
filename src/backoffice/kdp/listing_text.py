"""The listing as KDP's forms ask for it, in their order (Paperback Details, Paperback
Content, Paperback Rights & Pricing), ready to copy field by field; and as JSON.

Written in the listing's own language (the French listing for amazon.fr reads in
French), like the pages of the book: these are documents, not interface text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backoffice.kdp import printing_cost, specs
from backoffice.kdp.listing import PREVIOUS_SYSTEM, AIAnswer, Listing, category_label

LANGUAGE_NAMES = {"fr": {"fr": "Français", "en": "Anglais"},
                  "en": {"fr": "French", "en": "English"}}

_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "heading": "Fiche KDP — {marketplace} (livre broché)",
        "hint": "Chaque champ dans l'ordre des formulaires KDP : copiez la valeur après « : ».",
        "details": "1. Détails du livre broché",
        "content": "2. Contenu du livre broché",
        "pricing": "3. Droits et tarification du livre broché",
        "language": "Langue", "title": "Titre", "subtitle": "Sous-titre",
        "series": "Série", "edition": "Numéro d'édition", "author": "Auteur",
        "none": "(aucun)", "description": "Description (HTML accepté par KDP, à coller "
        "tel quel)", "rights": "Droits de publication",
        "rights_value": "Je détiens les droits d'auteur et les droits de publication "
                        "nécessaires.",
        "explicit": "Contenu sexuellement explicite", "no": "Non", "yes": "Oui",
        "reading_age": "Âge de lecture", "ages": "{min} à {max} ans",
        "adults": "(non renseigné : livre pour adultes)",
        "marketplace": "Marketplace principale", "categories": "Catégories",
        "keywords": "Mots-clés", "low_content": "Livre à faible contenu",
        "isbn": "ISBN du livre broché", "free_isbn": "Obtenir un ISBN KDP gratuit",
        "ink": "Encre et papier", "trim": "Format", "bleed": "Fond perdu",
        "bleed_value": "Avec fond perdu (PDF uniquement)", "finish": "Finition de couverture",
        "finish_value": "Mate ou brillante, au choix", "manuscript": "Manuscrit",
        "cover": "Couverture", "cover_value": "{file} (PDF prêt à imprimer)",
        "ai": "Contenu généré par l'IA", "ai_texts": "Textes", "ai_images": "Images",
        "ai_translations": "Traductions", "ai_tools": "Outils d'IA utilisés",
        "previous_system": "l’ancien système",
        "ai_none": "Aucun", "ai_entire": "L'intégralité, avec peu ou pas de modifications",
        "ai_some": "Certaines parties ({count} images sur {total}), avec peu ou pas de "
                   "modifications",
        "territories": "Territoires", "territories_value": "Tous les territoires (droits "
                                                           "mondiaux)",
        "price": "Prix catalogue", "vat": "TVA incluse", "printing": "Coût d'impression",
        "royalty": "Redevances (60 %)", "minimum": "Prix minimum accepté par KDP",
        "pages": "{pages} pages", "expanded": "Distribution étendue",
        "expanded_value": "À votre choix (40 % de redevances sur ces ventes)",
    },
    "en": {
        "heading": "KDP listing — {marketplace} (paperback)",
        "hint": "Every field in the order of KDP's forms: copy the value after the colon.",
        "details": "1. Paperback Details",
        "content": "2. Paperback Content",
        "pricing": "3. Paperback Rights & Pricing",
        "language": "Language", "title": "Book Title", "subtitle": "Subtitle",
        "series": "Series", "edition": "Edition Number", "author": "Author",
        "none": "(none)", "description": "Description (HTML KDP accepts, paste as is)",
        "rights": "Publishing Rights",
        "rights_value": "I own the copyright and I hold the necessary publishing rights.",
        "explicit": "Sexually explicit images or title", "no": "No", "yes": "Yes",
        "reading_age": "Reading age", "ages": "{min} to {max} years",
        "adults": "(left empty: a book for adults)",
        "marketplace": "Primary marketplace", "categories": "Categories",
        "keywords": "Keywords", "low_content": "Low-content book",
        "isbn": "Print ISBN", "free_isbn": "Get a free KDP ISBN",
        "ink": "Ink and paper type", "trim": "Trim size", "bleed": "Bleed settings",
        "bleed_value": "Bleed (PDF only)", "finish": "Paperback cover finish",
        "finish_value": "Matte or glossy, your choice", "manuscript": "Manuscript",
        "cover": "Book Cover", "cover_value": "{file} (print-ready PDF)",
        "ai": "AI-generated content", "ai_texts": "Texts", "ai_images": "Images",
        "ai_translations": "Translations", "ai_tools": "AI tools used",
        "previous_system": "the previous system",
        "ai_none": "None", "ai_entire": "Entire work, with minimal or no editing",
        "ai_some": "Some sections ({count} of {total} images), with minimal or no editing",
        "territories": "Territories", "territories_value": "All territories (worldwide "
                                                           "rights)",
        "price": "List price", "vat": "VAT included", "printing": "Printing cost",
        "royalty": "Royalty (60%)", "minimum": "KDP's minimum list price",
        "pages": "{pages} pages", "expanded": "Expanded Distribution",
        "expanded_value": "Your choice (40% royalty on those sales)",
    },
}


@dataclass(frozen=True)
class PrintFacts:
    """The print side of the listing, for the Content page."""

    trim: str
    paper: str
    interior_pages: int
    isbn: str | None
    book_language: str
    interior_file: str
    cover_file: str


def _money(amount: object, currency: str, lang: str) -> str:
    from decimal import Decimal

    return printing_cost.format_money(Decimal(str(amount)), currency, lang)


def _ai_lines(labels: dict[str, str], sep: str, ai: AIAnswer) -> list[str]:
    if not ai.uses_ai:
        return [f"{labels['ai']}{sep}{labels['no']}"]
    # The file is in the listing's language, the adopted pages' tool name too.
    tools = [labels["previous_system"] if tool == PREVIOUS_SYSTEM else tool
             for tool in ai.tools]
    images = (labels["ai_entire"] if ai.images == "entire" else
              labels["ai_some"].format(count=ai.ai_pages, total=ai.total_pages))
    return [f"{labels['ai']}{sep}{labels['yes']}",
            f"  {labels['ai_texts']}{sep}{labels['ai_none']}",
            f"  {labels['ai_images']}{sep}{images}",
            f"  {labels['ai_translations']}{sep}{labels['ai_none']}",
            f"  {labels['ai_tools']}{sep}{', '.join(tools)}"]


def listing_text(listing: Listing, ai: AIAnswer, money: printing_cost.Pricing,
                 facts: PrintFacts) -> str:
    lang = listing.lang
    labels = _LABELS[lang]
    sep = " : " if lang == "fr" else ": "
    market = printing_cost.marketplace(money.marketplace)

    def entry(label: str, value: str) -> str:
        return f"{labels[label]}{sep}{value}"

    trim = specs.trim(facts.trim)
    paper = specs.paper(facts.paper)
    age = (labels["ages"].format(min=listing.reading_age[0], max=listing.reading_age[1])
           if listing.reading_age else labels["adults"])
    domain = "Amazon." + market.domain.split(".", 1)[1]
    lines = [labels["heading"].format(marketplace=domain), labels["hint"], "",
             labels["details"], "-" * len(labels["details"]),
             entry("language", LANGUAGE_NAMES[lang].get(facts.book_language,
                                                        facts.book_language)),
             entry("title", listing.title),
             entry("subtitle", listing.subtitle or labels["none"]),
             entry("series", labels["none"]), entry("edition", labels["none"]),
             entry("author", listing.author), f"{labels['description']}{sep.rstrip()}",
             listing.description, entry("rights", labels["rights_value"]),
             entry("explicit", labels["no"]), entry("reading_age", age),
             entry("marketplace", domain), f"{labels['categories']}{sep.rstrip()}"]
    lines += [f"  {n}. {code} — {category_label(code, lang)}"
              for n, code in enumerate(listing.categories, 1)]
    lines.append(f"{labels['keywords']}{sep.rstrip()}")
    lines += [f"  {n}. {keyword}" for n, keyword in enumerate(listing.keywords, 1)]
    lines += ["", labels["content"], "-" * len(labels["content"]),
              entry("low_content", labels["no"]),
              entry("isbn", facts.isbn or labels["free_isbn"]),
              entry("ink", paper.label_fr if lang == "fr" else paper.label_en),
              entry("trim", f"{trim.width:g} x {trim.height:g} in"
                    f" ({trim.width * 2.54:.2f} x {trim.height * 2.54:.2f} cm)"),
              entry("bleed", labels["bleed_value"]), entry("finish", labels["finish_value"]),
              entry("manuscript", f"{facts.interior_file} "
                    f"({labels['pages'].format(pages=facts.interior_pages)})"),
              entry("cover", labels["cover_value"].format(file=facts.cover_file)),
              *_ai_lines(labels, sep, ai),
              "", labels["pricing"], "-" * len(labels["pricing"]),
              entry("territories", labels["territories_value"]),
              entry("marketplace", domain)]
    price = _money(money.list_price, money.currency, lang)
    if market.vat:
        price += f" ({labels['vat']})"
    lines += [entry("price", price),
              entry("printing", _money(money.printing_cost, money.currency, lang)),
              entry("royalty", _money(money.royalty, money.currency, lang)),
              entry("minimum", _money(money.minimum_price, money.currency, lang)),
              entry("expanded", labels["expanded_value"]), ""]
    return "\n".join(lines)


def listing_json(listing: Listing, ai: AIAnswer, money: printing_cost.Pricing,
                 facts: PrintFacts) -> dict[str, Any]:
    trim = specs.trim(facts.trim)
    return {
        "marketplace": money.marketplace, "language": listing.lang,
        "book_language": facts.book_language, "title": listing.title,
        "subtitle": listing.subtitle, "author": listing.author,
        "description_html": listing.description, "keywords": list(listing.keywords),
        "categories": [{"bisac": code, "label": category_label(code, "en"),
                        "label_fr": category_label(code, "fr")}
                       for code in listing.categories],
        "reading_age": ({"min": listing.reading_age[0], "max": listing.reading_age[1]}
                        if listing.reading_age else None),
        "ai_generated": {"texts": "none", "images": ai.images, "translations": "none",
                         "tools": list(ai.tools), "ai_images": ai.ai_pages,
                         "images_total": ai.total_pages},
        "print": {"isbn": facts.isbn, "ink_and_paper": facts.paper,
                  "trim_in": [trim.width, trim.height], "bleed": True,
                  "interior_pages": facts.interior_pages,
                  "interior_file": facts.interior_file, "cover_file": facts.cover_file},
        "pricing": money.as_dict(),
    }
