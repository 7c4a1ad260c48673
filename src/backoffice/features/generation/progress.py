"""The job's `step` while a page is drawn, written by the worker and read by the book
page: "page 12: 6/25" is sampler step 6 of 25 on page 12, "cover: 2/4" the cover, and
" #2" marks a redraw after the line-art gate. Stored language-neutral (the API and the
CLI show it as is); the book page words it in the reader's language."""

from __future__ import annotations

import re
from typing import Any

STEP = re.compile(r"^(?:page (?P<page>\d+)|(?P<kind>cover|back_cover)): "
                  r"(?P<done>\d+)/(?P<total>\d+)(?: #(?P<attempt>\d+))?$")


def step_text(kind: str, position: int, done: int, total: int, attempt: int) -> str:
    what = f"page {position}" if kind == "content" else kind
    return f"{what}: {done}/{total}" + (f" #{attempt}" if attempt > 1 else "")


def step_parts(step: str | None) -> dict[str, Any] | None:
    """{page|kind, done, total, attempt} of a page step; None for the other steps."""
    found = STEP.match(step or "")
    if found is None:
        return None
    return {"page": int(found["page"]) if found["page"] else None, "kind": found["kind"],
            "done": int(found["done"]), "total": int(found["total"]),
            "attempt": int(found["attempt"] or 1)}
