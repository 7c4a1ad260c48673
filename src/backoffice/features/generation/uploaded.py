"""A page made from the user's own file (features/uploads) rather than by a provider:
the stored original through art/imports (photo lines, clean-up, fitting, the gate)."""

from __future__ import annotations

from typing import Any

from backoffice.art.imports.files import Limits
from backoffice.art.imports.page import SourceRef, make_page
from backoffice.config import Settings
from backoffice.kdp import pixels
from backoffice.providers.drawing import PageImage, PageSpec
from backoffice.storage import get_storage

PROVIDER = "upload"


def uploaded_page_image(settings: Settings, spec: PageSpec, source: dict[str, Any]) -> PageImage:
    data = get_storage(settings).get(source["key"])
    art_px = pixels.art_size_px(spec.trim, spec.interior_pages)
    made = make_page(data, SourceRef(name=source["name"], format=source["format"],
                                     frame=int(source.get("frame", 0)),
                                     photo=source.get("photo", "auto")),
                     art_px=art_px, audience=spec.audience,
                     limits=Limits(max_pixels=settings.upload_max_megapixels * 1_000_000))
    # The file's name stands where a prompt would: it is what the page was made from.
    return PageImage(made.png, PROVIDER, source["format"], source["name"], 0, made.quality)
