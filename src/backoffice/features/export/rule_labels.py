"""Short, translatable names of the preflight rules, by the rule's code suffix; the
report's own sentence (with the measured figures) is shown beside it, translated."""

from __future__ import annotations

from typing import Any

from backoffice.errors import N_, Message

PART = {"interior": N_("Interior"), "cover": N_("Cover"),
        "listing_fr": N_("Listing amazon.fr"), "listing_en": N_("Listing amazon.com")}

RULE = {
    "readable": N_("Readable PDF"),
    "no_encryption": N_("Not encrypted"),
    "file_size": N_("File under 650 MB"),
    "no_annotations": N_("No annotations or comments"),
    "fonts_embedded": N_("Fonts embedded"),
    "image_resolution": N_("Images at 300 DPI or more"),
    "page_count": N_("Page count within KDP's limits"),
    "page_parity": N_("Even number of pages"),
    "page_size": N_("Page size: trim plus bleed"),
    "trim_box": N_("TrimBox set"),
    "bleed_box": N_("BleedBox set"),
    "no_gray": N_("Pure black and white (1-bit)"),
    "ink_in_safe_area": N_("Art inside the safe area"),
    "blank_pages": N_("No more than 2 blank pages in a row"),
    "line_art_gate": N_("Every page passes the line-art gate"),
    "spine_width": N_("Spine width for this page count and paper"),
    "spine_text": N_("Spine text rule"),
    "barcode_area": N_("Barcode area"),
    "safe_zone": N_("Cover text and art inside the safe lines"),
    # The listing's metadata rules (kdp/listing_rules.py).
    "title_present": N_("Title filled in"),
    "title_length": N_("Title and subtitle within 200 characters"),
    "title_terms": N_("No forbidden words in the title"),
    "title_matches_cover": N_("Title as on the cover"),
    "description_present": N_("Description filled in"),
    "description_length": N_("Description within 4,000 characters"),
    "description_html": N_("Description in KDP's HTML"),
    "keywords_count": N_("Seven keywords"),
    "keyword_length": N_("Keywords within 50 characters"),
    "keyword_terms": N_("No forbidden words in the keywords"),
    "keyword_title_words": N_("Keywords without the title's words"),
    "keyword_duplicates": N_("No keyword twice"),
    "categories": N_("Categories"),
    "reading_age": N_("Reading age"),
    "list_price": N_("List price and royalty"),
    "ai_content": N_("AI-generated content declared"),
}


def label(code: str) -> tuple[str, str]:
    """(part msgid, rule msgid) for a code like "interior.no_gray"; unknown codes read
    as themselves."""
    part, _, rule = code.partition(".")
    return PART.get(part, part), RULE.get(rule, rule)


def sentence(rule: dict[str, Any]) -> Message:
    """A stored rule's sentence as a translatable message. Reports stored before rules
    carried their msgid show their English sentence (translated when it has no figures)."""
    if rule.get("msgid"):
        return Message(rule["msgid"], rule.get("params") or {})
    return Message(rule.get("message", ""))
