"""New books: the JSON API and the "Nouvel ebook" form."""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from backoffice.art.themes import AUDIENCES, themes_in
from backoffice.database import session_scope
from backoffice.deps import SettingsDep
from backoffice.errors import InvalidInput
from backoffice.features.book.schemas import CreatedEbook, EbookOut, JobOut
from backoffice.features.creation import service
from backoffice.features.creation.schemas import EbookCreate
from backoffice.kdp import pixels, specs
from backoffice.models import GenerationJob
from backoffice.queue import defer
from backoffice.web import form_errors
from backoffice.web.templating import gettext_for, redirect, render

logger = logging.getLogger(__name__)
router = APIRouter()

FORM_FIELDS = ("title", "subtitle", "author", "theme", "audience", "trim_size", "paper",
               "page_count", "seed", "isbn", "blurb", "cover_template")
# Unticked checkboxes are not sent at all, so their absence means False.
CHECKBOXES = ("single_sided", "front_matter", "page_numbers")


def queue_generation(settings, job_id: int) -> None:
    """Defer a committed generation job; if the queue is down, say so on the job row."""
    try:
        defer(settings, "ebook.generate", generation_job_id=job_id)
    except Exception as exc:
        logger.exception("could not queue generation job %s", job_id)
        with session_scope(settings) as session:
            job = session.get(GenerationJob, job_id)
            if job is not None:
                job.status, job.error = "failed", f"could not queue the generation: {exc}"
        raise HTTPException(
            503, "the job queue is unavailable; the job was saved as failed") from None


def create_and_queue(settings, data: EbookCreate, actor: str) -> CreatedEbook:
    """Create the book in one transaction, then queue its generation after the commit."""
    with session_scope(settings) as session:
        ebook, job = service.create_ebook(session, settings, data, actor=actor)
        created = CreatedEbook(ebook=EbookOut.model_validate(ebook), job=JobOut.model_validate(job))
    queue_generation(settings, created.job.id)
    return created


@router.post("/api/ebooks", status_code=202, response_model=CreatedEbook, tags=["ebooks"],
             responses={422: {"description": "A field is invalid; `detail` names it"}})
def api_create_ebook(data: EbookCreate, request: Request,
                     settings: SettingsDep) -> CreatedEbook | JSONResponse:
    try:
        from backoffice.features.lifecycle.service import actor_of

        return create_and_queue(settings, data, actor=actor_of(request, "api"))
    except InvalidInput as exc:
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": ["body", field], "msg": message, "type": "value_error"}
            for field, message in exc.errors.items()]})


COVER_TEMPLATE_LABELS = {
    "hero": form_errors.N_("One large coloured page"),
    "fan": form_errors.N_("A fan of coloured pages"),
    "grid": form_errors.N_("A grid of four coloured pages"),
    "framed": form_errors.N_("A coloured page in a patterned frame"),
}


def cover_template_choices(gettext) -> list[tuple[str, str]]:
    return [(key, gettext(label)) for key, label in COVER_TEMPLATE_LABELS.items()]


def _form_context(request: Request, settings, values: dict, errors: dict) -> dict:
    themes = themes_in(str(settings.themes_dir))
    theme = themes.get(values.get("theme", "")) or next(iter(themes.values()))
    return {
        **_hint_context(request, theme, str(values.get("audience", "children"))),
        "themes": themes,
        "cover_templates": cover_template_choices(gettext_for(request)),
        "audiences": AUDIENCES,
        "trims": specs.TRIMS,
        "papers": specs.PAPERS,
        "values": values,
        "errors": errors,
    }


@router.get("/ebooks/new", name="new_ebook", include_in_schema=False)
def new_ebook_form(request: Request, settings: SettingsDep) -> Response:
    defaults = {"audience": "children", "trim_size": "8.5x11", "paper": "white",
                "page_count": 24, "theme": next(iter(themes_in(str(settings.themes_dir)))),
                "single_sided": True, "front_matter": True, "page_numbers": False}
    return render(request, "creation/new.html", _form_context(request, settings, defaults, {}))


async def _read_form(request: Request) -> tuple[dict, EbookCreate | None, dict[str, str]]:
    form = await request.form()
    values: dict = {field: str(form.get(field, "")).strip() for field in FORM_FIELDS}
    raw = {k: v for k, v in values.items() if v != "" or k in ("title", "subtitle", "author")}
    if "print_options" in form:
        for box in CHECKBOXES:
            values[box] = raw[box] = form.get(box) in ("on", "true", "1")
    errors: dict[str, str] = {}
    data = None
    try:
        data = EbookCreate.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(field, form_errors.localize(gettext_for(request), error))
    return values, data, errors


def _service_errors(request: Request, exc: InvalidInput, data: EbookCreate) -> dict[str, str]:
    """The service's English messages, said again in the reader's language."""
    gettext = gettext_for(request)
    errors = dict(exc.errors)
    if "theme" in errors:
        errors["theme"] = gettext(form_errors.N_("Choose one of the listed themes."))
    if "page_count" in errors:
        low, high = specs.page_limits(data.trim_size, data.paper)
        errors["page_count"] = form_errors.page_limit_message(
            gettext, designs=data.page_count, total=pixels.book_interior_pages(data),
            low=low, high=high)
    return errors


@router.post("/ebooks", name="create_ebook", include_in_schema=False)
async def create_ebook_form(request: Request, settings: SettingsDep) -> Response:
    from backoffice.features.lifecycle.service import actor_of

    values, data, errors = await _read_form(request)
    if data is not None and not data.title:
        from backoffice.web.templating import request_language

        # The title suggested on the form is the one in the reader's language.
        theme = themes_in(str(settings.themes_dir)).get(data.theme)
        if theme is not None:
            data = data.model_copy(update={"title": service.suggest_title(
                theme, data.audience, request_language(request))})
    if data is not None:
        try:
            from starlette.concurrency import run_in_threadpool

            created = await run_in_threadpool(create_and_queue, settings, data,
                                              actor_of(request, "web"))
        except InvalidInput as exc:
            errors.update(_service_errors(request, exc, data))
        else:
            return redirect(request, str(request.url_for("ebook_detail",
                                                         ebook_id=created.ebook.id)))
    return render(request, "creation/new.html", _form_context(request, settings, values, errors),
                  status_code=422)


def _cancel(settings, ebook_id: int, job_id: int) -> JobOut:
    with session_scope(settings) as session:
        return JobOut.model_validate(service.cancel_generation(session, ebook_id, job_id))


@router.post("/api/ebooks/{ebook_id}/jobs/{job_id}/cancel", response_model=JobOut,
             tags=["ebooks"], responses={404: {"description": "No such job for this ebook"},
                                         409: {"description": "The job has already finished"}})
def api_cancel_job(ebook_id: int, job_id: int, settings: SettingsDep) -> JobOut:
    """Stop a queued or running generation; pages already drawn are kept."""
    from backoffice.errors import Conflict, NotFound

    try:
        return _cancel(settings, ebook_id, job_id)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from None


@router.post("/ebooks/{ebook_id}/jobs/{job_id}/cancel", name="cancel_job", include_in_schema=False)
def cancel_job_form(ebook_id: int, job_id: int, request: Request,
                    settings: SettingsDep) -> Response:
    from backoffice.errors import Conflict, NotFound
    from backoffice.features.dashboard.routes import after_action
    from backoffice.web.feedback import error_response
    from backoffice.web.templating import gettext_for

    try:
        _cancel(settings, ebook_id, job_id)
    except (NotFound, Conflict) as exc:
        return error_response(request, exc)
    return after_action(request, settings, ebook_id,
                        gettext_for(request)("Generation cancelled. Pages already drawn are kept."))


@router.get("/themes/{theme_id}/sample.png", name="theme_sample", include_in_schema=False)
def theme_sample(theme_id: str, settings: SettingsDep) -> Response:
    from backoffice.features.creation import preview
    from backoffice.storage import get_storage

    theme = themes_in(str(settings.themes_dir)).get(theme_id)
    if theme is None:
        raise HTTPException(404, "no such theme")
    key = preview.theme_sample(settings, theme)
    return Response(get_storage(settings.storage_dir).get(key), media_type="image/png",
                    headers={"Cache-Control": "private, max-age=86400"})


@router.get("/ebooks/new/theme", name="theme_hint", include_in_schema=False)
def theme_hint(request: Request, settings: SettingsDep, theme: str = "",
               audience: str = "children") -> Response:
    """The sample image and the suggested title, refreshed when theme or audience change."""
    themes = themes_in(str(settings.themes_dir))
    chosen = themes.get(theme) or next(iter(themes.values()))
    return render(request, "creation/_theme_hint.html", _hint_context(request, chosen, audience))


def _hint_context(request: Request, theme, audience: str) -> dict:
    from backoffice.web.templating import request_language

    audience = audience if audience in AUDIENCES else "children"
    return {"sample_theme": theme,
            "suggested_title": service.suggest_title(theme, audience, request_language(request))}


@router.post("/ebooks/preview", name="quick_preview", include_in_schema=False)
async def quick_preview(request: Request, settings: SettingsDep) -> Response:
    """Cover + two pages at low resolution; nothing is saved in the database."""
    from starlette.concurrency import run_in_threadpool

    from backoffice.features.creation import preview
    from backoffice.web.templating import request_language

    values, data, errors = await _read_form(request)
    theme = None
    if data is not None:
        try:
            theme = service.validate_for_settings(data, settings)
        except InvalidInput as exc:
            errors.update(_service_errors(request, exc, data))
    if errors or data is None or theme is None:
        # 200: the fragment itself is the message, shown inline under the buttons.
        return render(request, "creation/_preview.html", {"errors": errors})
    title = data.title or service.suggest_title(theme, data.audience, request_language(request))
    try:
        images = await run_in_threadpool(preview.quick_preview, settings, data, theme, title)
    except Exception:  # a provider's failure must read as words, not a blank box
        logger.exception("quick preview failed")
        return render(request, "creation/_preview.html", {"failed": True}, status_code=502)
    return render(request, "creation/_preview.html", {"images": images, "title": title})


@router.get("/ebooks/preview/{key}", name="preview_image", include_in_schema=False)
def preview_image(key: str, settings: SettingsDep) -> Response:
    from backoffice.storage import get_storage

    storage = get_storage(settings.storage_dir)
    try:
        if not key.endswith(".png") or not storage.exists(key):
            raise ValueError(key)
    except ValueError:
        raise HTTPException(404, "no such preview") from None
    return Response(storage.get(key), media_type="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})
