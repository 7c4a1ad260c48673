"""Short, translatable names of the preflight rules, by the rule's code suffix; the
report's own sentence (with the measured figures) is shown beside it, translated."""

from __future__ import annotations

from typing import Any

from backoffice.errors import N_, Message

PART = {"interior": N_("Interior"), "cover": N_("Cover")}

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
