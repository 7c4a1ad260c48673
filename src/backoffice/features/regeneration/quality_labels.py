"""The quality gate's verdicts in the reader's language. art/quality.py stores each
failure with a stable code and its figures (`value`, `limit`), plus an English sentence
for the API; the book page says it again from the code and the figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from backoffice.art.quality import BLOB_THICKNESS_MM, LEAK_GAP_MM
from backoffice.errors import N_

SENTENCES = {
    "not_binary": N_("%(share)s of pixels are neither black nor white; the page must be pure "
                     "1-bit."),
    "too_much_ink": N_("Ink covers %(value)s of the page, above the %(limit)s limit."),
    "too_little_ink": N_("Ink covers only %(value)s of the page, below %(limit)s."),
    "stroke_too_thin": N_("The thinnest lines (5th percentile) are %(value)s pt, below the "
                          "%(limit)s pt minimum."),
    "too_few_regions": N_("%(value)s closed regions to colour, fewer than %(limit)s."),
    "too_many_regions": N_("%(value)s closed regions to colour, more than %(limit)s."),
    "regions_too_small": N_("%(value)s regions are smaller than %(limit)s mm²."),
    "leaks": N_("%(value)s gap(s) narrower than %(gap)s mm let colour leak between regions."),
    "black_blobs": N_("%(value)s solid black area(s) thicker than %(thickness)s mm."),
    "ink_outside_safe_area": N_("%(value)s ink pixels lie outside the safe area."),
}
_PERCENT = {"not_binary", "too_much_ink", "too_little_ink"}


def _number(value: Any, percent: bool) -> str:
    if not isinstance(value, (int, float)):
        return str(value)
    if percent:
        return f"{value * 100:.1f} %"
    return f"{round(value, 2):g}" if isinstance(value, float) else str(value)


def failure_text(gettext: Callable[[str], str], failure: dict[str, Any]) -> str:
    code = failure.get("code", "")
    if code not in SENTENCES:
        return str(failure.get("message", ""))
    percent = code in _PERCENT
    values = {"share": _number(failure.get("share"), True),
              "value": _number(failure.get("value"), percent),
              "limit": _number(failure.get("limit"), percent),
              "gap": f"{LEAK_GAP_MM:g}", "thickness": f"{BLOB_THICKNESS_MM:g}"}
    return gettext(SENTENCES[code]) % values
