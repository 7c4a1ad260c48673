"""Use a cover made elsewhere: a full wrap replaces both covers as it is; a front only
becomes the front, and the back (with the spine's colour) is redrawn from its colours.

The file is checked completely before anything changes: a refused upload leaves the book
as it was. Like every edit, the new versions stay restorable and the book goes back to
DRAFT.
"""

from __future__ import annotations

import io
import re

import numpy as np
from PIL import Image
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.errors import N_, InvalidInput
from backoffice.features.book import status
from backoffice.features.book.service import load_for_update, pages_of
from backoffice.features.generation import service as generation
from backoffice.kdp import pixels
from backoffice.kdp.cover_palette import extract_palette
from backoffice.kdp.cover_upload import MAX_UPLOAD_BYTES, UploadError, check_cover_upload
from backoffice.models import GenerationJob, Page, PageVersion
from backoffice.storage import get_storage

__all__ = ["MAX_UPLOAD_BYTES", "upload_cover"]


def safe_filename(name: str | None) -> str:
    """What the messages and the version's note call the file: no path, no control
    characters, at most 80 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:80] or "cover"


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def upload_cover(session: Session, settings: Settings, ebook_id: int, data: bytes,
                 filename: str | None, kind: str, *, actor: str) -> GenerationJob | None:
    """Store an uploaded cover as new versions of the cover (and, for a wrap, the back
    cover); returns the job redrawing the back of a front-only upload."""
    name = safe_filename(filename)
    ebook = load_for_update(session, ebook_id)
    try:
        checked = check_cover_upload(data, name, kind=kind, trim=ebook.trim_size,
                                     paper=ebook.paper,
                                     interior_pages=pixels.book_interior_pages(ebook))
    except UploadError as exc:
        raise InvalidInput({"file": str(exc)}) from None
    status.open_for_edit(session, ebook, actor=actor, what=N_("Back to draft: cover uploaded"))
    storage = get_storage(settings)
    pages = {p.kind: p for p in pages_of(session, ebook_id) if p.kind != "content"}
    small = checked.front.copy()
    small.thumbnail((256, 256))
    design = {"template": "uploaded", "audience": ebook.audience,
              "language": settings.language, "seed": 0,
              "palette": extract_palette(np.asarray(small.convert("RGB")))}
    upload = {"kind": checked.kind, "format": checked.format, "filename": name,
              "dpi": round(checked.dpi)}
    if checked.kind == "wrap":
        suffix = {"pdf": ".pdf", "jpeg": ".jpg", "tiff": ".tif"}.get(checked.format, ".png")
        if suffix == ".png" and checked.format != "png":
            # Other formats (BMP, WebP…) are kept as the lossless PNG of what was checked.
            data = _png(Image.open(io.BytesIO(data)))
        upload["file_key"] = storage.put(data, suffix)
    quality = {"kind": "colour", "design": design, "upload": upload}

    def record(page: Page, image: Image.Image) -> None:
        version = PageVersion(page_id=page.id, generation_job_id=None,
                              image_key=storage.put(_png(image), ".png"), provider="upload",
                              model=checked.kind, prompt=f"uploaded {checked.kind}: {name}",
                              seed=0, quality=quality)
        session.add(version)
        session.flush()
        page.current_version_id = version.id

    record(pages["cover"], checked.front)
    if checked.back is not None:
        record(pages["back_cover"], checked.back)
        session.flush()
        return None
    session.flush()
    return generation.start(session, ebook, kind="regenerate",
                            page_ids=[pages["back_cover"].id], overrides={})
