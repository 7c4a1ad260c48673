"""Turn rows into API shapes and image URLs (the book page and the API)."""

from __future__ import annotations

from fastapi import Request

from backoffice.features.book.schemas import EbookDetail, JobOut, PageOut
from backoffice.features.book.service import ordered_pages
from backoffice.kdp import pixels
from backoffice.models import Ebook, GenerationJob
from backoffice.web.urls import url_for


def page_image_url(request: Request, ebook_id: int, page_id: int, width: int | None = None,
                   version_id: int | None = None) -> str:
    url = str(url_for(request, "page_image", ebook_id=ebook_id, page_id=page_id))
    params = []
    if width:
        params.append(f"w={width}")
    if version_id:
        # The version in the URL lets browsers cache images without ever showing a stale one.
        params.append(f"v={version_id}")
    return url + ("?" + "&".join(params) if params else "")


def ebook_detail(request: Request, ebook: Ebook, job: GenerationJob | None) -> EbookDetail:
    pages = []
    for page in ordered_pages(ebook):
        version = page.current_version
        pages.append(PageOut(
            id=page.id, kind=page.kind, position=page.position,
            version_id=version.id if version else None,
            provider=version.provider if version else None,
            model=version.model if version else None,
            prompt=version.prompt if version else None,
            seed=version.seed if version else None,
            quality=version.quality if version else None,
            image_url=page_image_url(request, ebook.id, page.id, version_id=version.id)
            if version else None,
        ))
    return EbookDetail.model_validate({
        **{c: getattr(ebook, c) for c in EbookDetail.model_fields if hasattr(ebook, c)
           and c not in ("job", "pages")},
        "job": JobOut.model_validate(job) if job else None,
        "interior_pages": pixels.book_interior_pages(ebook),
        "pages": pages,
        "interior_pdf_url": str(url_for(request, "interior_pdf", ebook_id=ebook.id)),
        "cover_pdf_url": str(url_for(request, "cover_pdf", ebook_id=ebook.id)),
    })
