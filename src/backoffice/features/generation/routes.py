"""A generation's live progress on the book page, and stopping it."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from backoffice.deps import SessionDep, SettingsDep
from backoffice.errors import N_, NotFound
from backoffice.features.book.page import after_action
from backoffice.features.book.schemas import JobOut
from backoffice.features.book.service import get_ebook, latest_jobs, ordered_pages
from backoffice.features.generation import service
from backoffice.features.generation.progress import step_parts
from backoffice.web.templating import gettext_for, register_global, render

router = APIRouter()
register_global("step_parts", step_parts)


@router.post("/api/ebooks/{ebook_id}/jobs/{job_id}/cancel", response_model=JobOut,
             tags=["ebooks"], responses={404: {"description": "No such job for this ebook"},
                                         409: {"description": "The job has already finished"}})
def api_cancel_job(ebook_id: int, job_id: int, session: SessionDep) -> JobOut:
    """Stop a queued or running generation; pages already drawn are kept."""
    return JobOut.model_validate(service.cancel(session, ebook_id, job_id))


@router.post("/ebooks/{ebook_id}/jobs/{job_id}/cancel", name="cancel_job", include_in_schema=False)
def cancel_job_form(ebook_id: int, job_id: int, request: Request, session: SessionDep,
                    settings: SettingsDep) -> Response:
    service.cancel(session, ebook_id, job_id)
    _ = gettext_for(request)
    return after_action(request, session, settings, ebook_id,
                        _("Generation cancelled. Pages already drawn are kept."))


@router.get("/ebooks/{ebook_id}/progress", name="ebook_progress", include_in_schema=False)
def progress_partial(ebook_id: int, request: Request, session: SessionDep,
                     since: int = Query(0, ge=0, le=2**31 - 1)) -> Response:
    """The progress box, plus (out of band) the card of every page whose current version
    is newer than `since`, the newest version the browser already shows."""
    job = latest_jobs(session, [ebook_id]).get(ebook_id)
    if job is None:
        raise NotFound(N_("This book has no generation."))
    headers = {}
    if job.status in service.FINISHED:
        # Reload the book once so downloads, preflight and actions match the new state.
        headers["HX-Refresh"] = "true"
    ebook = get_ebook(session, ebook_id)
    fresh = [page for page in ordered_pages(ebook) if (page.current_version_id or 0) > since]
    newest = max([since, *(page.current_version_id or 0 for page in ebook.pages)])
    return render(request, "generation/_progress_update.html", {
        "job": job, "ebook_id": ebook_id, "ebook": ebook, "since": newest,
        "fresh_pages": fresh, "editable": False, "viewer": None}, headers=headers)
