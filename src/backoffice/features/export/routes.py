"""PDF downloads, the KDP export with its preflight, the bundle and the cover preview."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from backoffice.deps import Actor, AdminUser, SessionDep, SettingsDep
from backoffice.errors import N_, NotFound
from backoffice.features.book.service import get_ebook, latest_export
from backoffice.features.export import rule_labels, service
from backoffice.models import Export
from backoffice.storage import get_storage
from backoffice.web.downloads import content_disposition, stored_file
from backoffice.web.templating import redirect, register_global, request_language

router = APIRouter(tags=["export"])
register_global("rule_label", rule_labels.label)
register_global("rule_sentence", rule_labels.sentence)

_PDF_RESPONSES: dict[int | str, dict] = {
    200: {"content": {"application/pdf": {}}, "description": "The PDF"},
    404: {"description": "No such ebook"},
    409: {"description": "The ebook is not fully generated yet"},
}


class RuleOut(BaseModel):
    code: str
    passed: bool
    message: str


class PageGateOut(BaseModel):
    """The line-art gate's verdict on one coloring page, as the preflight saw it."""

    position: int
    passed: bool
    failures: list[str]


class ExportOut(BaseModel):
    id: int
    passed: bool
    interior_pages: int
    rules: list[RuleOut]
    gate: list[PageGateOut] = []
    actor: str
    override_by: str | None
    override_reason: str | None
    created_at: datetime
    bundle_url: str

    @classmethod
    def of(cls, request: Request, export: Export) -> ExportOut:
        return cls(id=export.id, passed=export.passed, interior_pages=export.interior_pages,
                   rules=[RuleOut(**r) for r in export.report.get("rules", [])],
                   gate=[PageGateOut(**g) for g in export.report.get("gate", [])],
                   actor=export.actor, override_by=export.override_by,
                   override_reason=export.override_reason, created_at=export.created_at,
                   bundle_url=str(request.url_for("export_bundle", ebook_id=export.ebook_id)))


class OverrideIn(BaseModel):
    reason: str = Field(min_length=5, max_length=500)


def _pdf(session: SessionDep, settings: SettingsDep, ebook_id: int, which: str,
         inline: bool) -> Response:
    ebook = get_ebook(session, ebook_id)
    build = service.interior_pdf if which == "interior" else service.cover_pdf
    key = build(session, settings, ebook)
    suffix = "-interior.pdf" if which == "interior" else "-cover.pdf"
    return stored_file(get_storage(settings), key,
                       disposition=content_disposition(ebook.title, suffix, inline=inline))


@router.get("/api/ebooks/{ebook_id}/interior.pdf", name="interior_pdf", responses=_PDF_RESPONSES,
            response_class=StreamingResponse)
def interior_pdf(ebook_id: int, session: SessionDep, settings: SettingsDep,
                 inline: bool = Query(False)) -> Response:
    return _pdf(session, settings, ebook_id, "interior", inline)


@router.get("/api/ebooks/{ebook_id}/cover.pdf", name="cover_pdf", responses=_PDF_RESPONSES,
            response_class=StreamingResponse)
def cover_pdf(ebook_id: int, session: SessionDep, settings: SettingsDep,
              inline: bool = Query(False)) -> Response:
    return _pdf(session, settings, ebook_id, "cover", inline)


@router.post("/api/ebooks/{ebook_id}/export", name="api_run_export", response_model=ExportOut,
             responses={404: {"description": "No such ebook"},
                        409: {"description": "Not fully generated yet"}})
def api_run_export(ebook_id: int, request: Request, session: SessionDep, settings: SettingsDep,
                   actor: Actor) -> ExportOut:
    """Build the KDP files from the current pages and run the preflight on them."""
    ebook = get_ebook(session, ebook_id)
    return ExportOut.of(request, service.run_export(session, settings, ebook, actor=actor))


@router.get("/api/ebooks/{ebook_id}/export", name="api_latest_export", response_model=ExportOut,
            responses={404: {"description": "No export yet"}})
def api_latest_export(ebook_id: int, request: Request, session: SessionDep) -> ExportOut:
    get_ebook(session, ebook_id)
    export = latest_export(session, ebook_id)
    if export is None:
        raise NotFound(N_("This book has not been exported yet."))
    return ExportOut.of(request, export)


@router.post("/api/ebooks/{ebook_id}/export/override", name="api_override_export",
             response_model=ExportOut,
             responses={403: {"description": "Admins only"}, 404: {"description": "No export"},
                        409: {"description": "Nothing to override"}})
def api_override_export(ebook_id: int, body: OverrideIn, request: Request, session: SessionDep,
                        settings: SettingsDep, admin: AdminUser) -> ExportOut:
    """Allow a failing export to be downloaded and published anyway; recorded."""
    ebook = get_ebook(session, ebook_id)
    export = service.override(session, settings, ebook, actor=admin.email, reason=body.reason)
    return ExportOut.of(request, export)


@router.get("/api/ebooks/{ebook_id}/bundle.zip", name="export_bundle",
            response_class=StreamingResponse,
            responses={200: {"content": {"application/zip": {}}},
                       404: {"description": "No such ebook"},
                       409: {"description": "Preflight failed and was not overridden"}})
def export_bundle(ebook_id: int, request: Request, session: SessionDep, settings: SettingsDep,
                  actor: Actor) -> Response:
    """The KDP-ready zip: interior, cover, preflight.json and README.txt (in the reader's
    language: the session's choice or Accept-Language)."""
    ebook = get_ebook(session, ebook_id)
    export = service.run_export(session, settings, ebook, actor=actor)
    service.require_downloadable(export)
    key = service.bundle_key(session, settings, ebook, export, request_language(request))
    return stored_file(get_storage(settings), key,
                       disposition=content_disposition(ebook.title, "-kdp.zip"))


@router.post("/ebooks/{ebook_id}/export", name="run_export", include_in_schema=False)
def run_export_form(ebook_id: int, request: Request, session: SessionDep,
                    settings: SettingsDep, actor: Actor) -> Response:
    service.run_export(session, settings, get_ebook(session, ebook_id), actor=actor)
    return redirect(request, str(request.url_for("ebook_detail", ebook_id=ebook_id))
                    + "#preflight")


class OverrideForm(BaseModel):
    reason: str = Field(default="", max_length=500)


@router.post("/ebooks/{ebook_id}/export/override", name="override_export",
             include_in_schema=False)
def override_export_form(ebook_id: int, form: Annotated[OverrideForm, Form()],
                         request: Request, session: SessionDep, settings: SettingsDep,
                         admin: AdminUser) -> Response:
    service.override(session, settings, get_ebook(session, ebook_id), actor=admin.email,
                     reason=form.reason)
    return redirect(request, str(request.url_for("ebook_detail", ebook_id=ebook_id))
                    + "#preflight")


@router.get("/ebooks/{ebook_id}/cover-preview.png", name="cover_preview",
            include_in_schema=False)
def cover_preview(ebook_id: int, session: SessionDep, settings: SettingsDep,
                  actor: Actor) -> Response:
    """The full-wrap cover with trim, fold, safe-zone and barcode guides drawn over it."""
    ebook = get_ebook(session, ebook_id)
    export = service.run_export(session, settings, ebook, actor=actor)
    png = service.cover_preview_png(settings, export, ebook)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
