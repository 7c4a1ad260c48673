"""New books: the JSON API and the "Nouvel ebook" form."""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from backoffice.database import session_scope
from backoffice.deps import SettingsDep
from backoffice.features.ebook.creation import service
from backoffice.features.ebook.creation.schemas import EbookCreate
from backoffice.features.ebook.shared import kdp
from backoffice.features.ebook.shared.schemas import CreatedEbook, EbookOut, JobOut
from backoffice.features.shared.errors import InvalidInput
from backoffice.features.shared.themes import AUDIENCES, themes_in
from backoffice.features.shared.web import redirect, render
from backoffice.models import GenerationJob
from backoffice.queue import defer

logger = logging.getLogger(__name__)
router = APIRouter()

FORM_FIELDS = ("title", "subtitle", "author", "theme", "audience", "trim_size", "paper",
               "page_count", "seed")


def create_and_queue(settings, data: EbookCreate, actor: str) -> CreatedEbook:
    """Create the book in one transaction, then queue its generation after the commit."""
    with session_scope(settings) as session:
        ebook, job = service.create_ebook(session, settings, data, actor=actor)
        created = CreatedEbook(ebook=EbookOut.model_validate(ebook), job=JobOut.model_validate(job))
    try:
        defer(settings, "ebook.generate", generation_job_id=created.job.id)
    except Exception as exc:
        logger.exception("could not queue generation job %s", created.job.id)
        with session_scope(settings) as session:
            job = session.get(GenerationJob, created.job.id)
            if job is not None:
                job.status, job.error = "failed", f"could not queue the generation: {exc}"
        raise HTTPException(
            503, "the job queue is unavailable; the book was saved as failed") from None
    return created


@router.post("/api/ebooks", status_code=202, response_model=CreatedEbook, tags=["ebooks"],
             responses={422: {"description": "A field is invalid; `detail` names it"}})
def api_create_ebook(data: EbookCreate, settings: SettingsDep) -> CreatedEbook | JSONResponse:
    try:
        return create_and_queue(settings, data, actor="api")
    except InvalidInput as exc:
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": ["body", field], "msg": message, "type": "value_error"}
            for field, message in exc.errors.items()]})


def _form_context(settings, values: dict, errors: dict) -> dict:
    return {
        "themes": themes_in(str(settings.themes_dir)),
        "audiences": AUDIENCES,
        "trims": kdp.TRIMS,
        "papers": kdp.PAPERS,
        "values": values,
        "errors": errors,
    }


@router.get("/ebooks/new", name="new_ebook", include_in_schema=False)
def new_ebook_form(request: Request, settings: SettingsDep) -> Response:
    defaults = {"audience": "children", "trim_size": "8.5x11", "paper": "white",
                "page_count": 24, "theme": next(iter(themes_in(str(settings.themes_dir))))}
    return render(request, "creation/new.html", _form_context(settings, defaults, {}))


@router.post("/ebooks", name="create_ebook", include_in_schema=False)
async def create_ebook_form(request: Request, settings: SettingsDep) -> Response:
    form = await request.form()
    values = {field: str(form.get(field, "")).strip() for field in FORM_FIELDS}
    raw = {k: v for k, v in values.items() if v != "" or k in ("title", "subtitle", "author")}
    errors: dict[str, str] = {}
    data = None
    try:
        data = EbookCreate.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(field, error["msg"].removeprefix("Value error, "))
    if data is not None:
        try:
            from starlette.concurrency import run_in_threadpool

            created = await run_in_threadpool(create_and_queue, settings, data, "web")
        except InvalidInput as exc:
            errors.update(exc.errors)
        else:
            return redirect(request, str(request.url_for("ebook_detail",
                                                         ebook_id=created.ebook.id)))
    return render(request, "creation/new.html", _form_context(settings, values, errors),
                  status_code=422)
