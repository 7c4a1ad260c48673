"""Uploading pages to a book and making a book from one's images: the JSON API
(multipart) and the HTML forms. The files are read and checked here, in the request;
the pages are made by the job queued after the commit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError

from backoffice.art.imports.page import PhotoMode
from backoffice.art.themes import AUDIENCES, themes_in
from backoffice.config import Settings
from backoffice.deps import Actor, SessionDep, SettingsDep
from backoffice.errors import RejectedFiles
from backoffice.features.book.page import after_action
from backoffice.features.book.schemas import EbookOut, JobOut
from backoffice.features.book.service import get_ebook
from backoffice.features.uploads import service
from backoffice.features.uploads.schemas import (
    FileOut,
    ImportCreate,
    ImportOut,
    RejectedOut,
    UploadOut,
)
from backoffice.features.uploads.staging import Batch, stage
from backoffice.kdp import specs
from backoffice.web import form_errors
from backoffice.web.templating import gettext_for, redirect, render

router = APIRouter()
FILES_HELP = ("PNG, JPEG, WebP, TIFF, PDF (every page) or SVG files, or zips of them; "
              "taken in natural name order.")
_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such ebook or page"},
    409: {"description": "The book's status or a running generation forbids it"},
    413: {"description": "The upload is larger than BACKOFFICE_MAX_UPLOAD_MB"},
    422: {"description": "A bad file (named, with its problem) or a bad field"}}


def _read(uploads: list[UploadFile]) -> list[tuple[str, bytes]]:
    return [(upload.filename or "?", upload.file.read()) for upload in uploads
            if upload.filename or upload.size]


def _out(batch: Batch) -> dict[str, Any]:
    return {"accepted": [FileOut(file=a.name, format=a.format, pages=a.pages,
                                 size_px=list(a.size_px) if a.size_px else None, dpi=a.dpi,
                                 upscaled=a.upscaled) for a in batch.accepted],
            "rejected": [RejectedOut(file=r.name, problem=r.english) for r in batch.rejected]}


def _upload(session: Any, settings: Settings, ebook_id: int, files: list[UploadFile], *,
            position: int | None, replace_page_id: int | None, photo: PhotoMode, strict: bool,
            actor: str) -> tuple[Any, Batch]:
    ebook = get_ebook(session, ebook_id)
    batch = stage(settings, _read(files), service.art_size_for(ebook))
    if replace_page_id is not None:
        job = service.replace_page(session, ebook_id, replace_page_id, batch, photo=photo,
                                   strict=strict, actor=actor)
    else:
        job = service.add_pages(session, ebook_id, batch, position=position, photo=photo,
                                strict=strict, actor=actor)
    return job, batch


@router.post("/api/ebooks/{ebook_id}/pages/upload", status_code=202, response_model=UploadOut,
             tags=["uploads"], responses=_RESPONSES)
def api_upload(ebook_id: int, files: Annotated[list[UploadFile], File(description=FILES_HELP)],
               session: SessionDep, settings: SettingsDep, actor: Actor,
               position: Annotated[int | None, Form(ge=1, le=100_000, description=(
                   "Where the new pages go among the coloring pages (1 = first); the end "
                   "when left out"))] = None,
               replace_page_id: Annotated[int | None, Form(ge=1, le=2**31 - 1, description=(
                   "Replace this coloring page with the one image, as a new version"))] = None,
               photo: Annotated[PhotoMode, Form(description=(
                   "yes: photographs, turned into line art; no: drawings or scans; auto: "
                   "decided per image"))] = "auto",
               strict: Annotated[bool, Form(description=(
                   "Refuse everything when one file is bad (otherwise the good ones are "
                   "taken and the bad ones listed)"))] = False) -> UploadOut:
    """Add pages made from your files (or replace one page); they are cleaned up to 1-bit
    line art, fitted to the page and judged by the quality gate in a job."""
    job, batch = _upload(session, settings, ebook_id, files, position=position,
                         replace_page_id=replace_page_id, photo=photo, strict=strict,
                         actor=actor)
    return UploadOut(job=JobOut.model_validate(job), **_out(batch))


@router.post("/api/ebooks/import", status_code=202, response_model=ImportOut, tags=["uploads"],
             responses={413: _RESPONSES[413], 422: _RESPONSES[422]})
def api_import(files: Annotated[list[UploadFile], File(description=FILES_HELP)],
               title: Annotated[str, Form(max_length=200)],
               author: Annotated[str, Form(max_length=120)],
               session: SessionDep, settings: SettingsDep, actor: Actor,
               subtitle: Annotated[str, Form(max_length=200)] = "",
               theme: Annotated[str, Form(max_length=64, description=(
                   "Style of the generated cover; the first theme when empty"))] = "",
               audience: Annotated[str, Form(max_length=16)] = "children",
               trim_size: Annotated[str, Form(max_length=16)] = "8.5x11",
               paper: Annotated[str, Form(max_length=32)] = "white",
               photo: Annotated[PhotoMode, Form()] = "auto",
               strict: Annotated[bool, Form()] = False) -> ImportOut:
    """A new DRAFT book whose coloring pages are your files in name order; the cover and
    back cover are generated as for any book."""
    try:
        data = ImportCreate(title=title, subtitle=subtitle, author=author, theme=theme,
                            audience=audience, trim_size=trim_size, paper=paper)
    except ValidationError as exc:
        from backoffice.errors import InvalidInput

        raise InvalidInput({str(e["loc"][0]): e["msg"].removeprefix("Value error, ")
                            for e in exc.errors()}) from None
    batch = stage(settings, _read(files), service.import_art_size(data))
    ebook, job = service.import_book(session, settings, data, batch, photo=photo,
                                     strict=strict, actor=actor)
    return ImportOut(ebook=EbookOut.model_validate(ebook), job=JobOut.model_validate(job),
                     **_out(batch))


def _left_out(request: Request, batch: Batch) -> str:
    if not batch.rejected:
        return ""
    _ = gettext_for(request)
    lines = [_("%(file)s: %(problem)s", file=r.name, problem=_(r.msgid, **r.params))
             for r in batch.rejected]
    return " " + _("Left out:") + " " + " · ".join(lines)


@router.post("/ebooks/{ebook_id}/pages/upload", name="upload_pages", include_in_schema=False)
def upload_form(ebook_id: int, request: Request, session: SessionDep, settings: SettingsDep,
                actor: Actor, files: Annotated[list[UploadFile], File()],
                position: Annotated[int | None, Form(ge=1, le=100_000)] = None,
                replace_page_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
                photo: Annotated[PhotoMode, Form()] = "auto",
                strict: Annotated[bool, Form()] = False,
                open: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None) -> Response:
    _job, batch = _upload(session, settings, ebook_id, files, position=position,
                          replace_page_id=replace_page_id, photo=photo, strict=strict,
                          actor=actor)
    _ = gettext_for(request)
    message = (_("The page is being replaced by your image.") if replace_page_id
               else _("%(count)s pages are being made from your files.", count=batch.pages))
    return after_action(request, session, settings, ebook_id,
                        message + _left_out(request, batch), open_page=open)


def _import_context(request: Request, settings: Settings, values: dict[str, Any],
                    errors: dict[str, str], rejected: list[str] | None = None) -> dict[str, Any]:
    return {"themes": themes_in(str(settings.themes_dir)), "audiences": AUDIENCES,
            "trims": specs.TRIMS, "papers": specs.PAPERS, "values": values, "errors": errors,
            "rejected": rejected or [], "max_upload_mb": round(settings.max_upload_mb)}


@router.get("/ebooks/new/images", name="new_import", include_in_schema=False)
def import_page(request: Request, settings: SettingsDep) -> Response:
    defaults = {"audience": "children", "trim_size": "8.5x11", "paper": "white",
                "photo": "auto"}
    return render(request, "uploads/import.html",
                  _import_context(request, settings, defaults, {}))


@router.post("/ebooks/import", name="import_book", include_in_schema=False)
def import_form(request: Request, session: SessionDep, settings: SettingsDep, actor: Actor,
                files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
                title: Annotated[str, Form(max_length=1000)] = "",
                subtitle: Annotated[str, Form(max_length=1000)] = "",
                author: Annotated[str, Form(max_length=1000)] = "",
                theme: Annotated[str, Form(max_length=200)] = "",
                audience: Annotated[str, Form(max_length=100)] = "children",
                trim_size: Annotated[str, Form(max_length=100)] = "8.5x11",
                paper: Annotated[str, Form(max_length=100)] = "white",
                photo: Annotated[str, Form(max_length=10)] = "auto",
                strict: Annotated[str | None, Form(max_length=10)] = None) -> Response:
    values = {"title": title, "subtitle": subtitle, "author": author, "theme": theme,
              "audience": audience, "trim_size": trim_size, "paper": paper, "photo": photo,
              "strict": strict is not None}
    _ = gettext_for(request)
    errors: dict[str, str] = {}
    data = None
    try:
        data = ImportCreate(title=title, subtitle=subtitle, author=author, theme=theme,
                            audience=audience, trim_size=trim_size, paper=paper)
    except ValidationError as exc:
        for error in exc.errors():
            errors.setdefault(str(error["loc"][0]), form_errors.localize(_, dict(error)))
    mode: PhotoMode = photo if photo in ("auto", "yes", "no") else "auto"  # type: ignore[assignment]
    uploads = _read(files)
    if not uploads:
        errors["files"] = _("Choose your images, or a zip of them.")
    if data is not None and not errors:
        batch = stage(settings, uploads, service.import_art_size(data))
        try:
            ebook, _job = service.import_book(session, settings, data, batch, photo=mode,
                                              strict=strict is not None, actor=actor)
        except RejectedFiles as exc:
            lines = [_("%(file)s: %(problem)s", file=name, problem=_(msgid, **params))
                     for name, msgid, params in exc.rejected]
            return render(request, "uploads/import.html",
                          _import_context(request, settings, values, errors, lines),
                          status_code=422)
        return redirect(request, str(request.url_for("ebook_detail", ebook_id=ebook.id)))
    return render(request, "uploads/import.html",
                  _import_context(request, settings, values, errors), status_code=422)
