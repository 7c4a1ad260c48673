"""Generation jobs: start one (queued after the caller's commit), cancel one.

A `GenerationJob` row is the user-visible truth (status, progress, step, error); the
Procrastinate jobs in jobs.py only deliver the work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.database import session_scope
from backoffice.errors import N_, Conflict
from backoffice.features.book.service import job_of_book
from backoffice.models import JOB_ACTIVE, JOB_FINISHED, Ebook, GenerationJob
from backoffice.queue import enqueue

FINISHED = JOB_FINISHED


def start(session: Session, ebook: Ebook, *, kind: str, page_ids: list[int],
          overrides: dict[str, dict[str, Any]] | None = None,
          sources: dict[str, dict[str, Any]] | None = None,
          rejected: list[dict[str, Any]] | None = None) -> GenerationJob:
    """A job drawing `page_ids` (then the PDFs), queued once the transaction commits.

    `sources` (page id → an uploaded file's page) makes those pages from the user's file
    instead of the provider (features/uploads); `rejected` lists the files of that upload
    that were left out, for the progress box."""
    params: dict[str, Any] = {"page_ids": page_ids}
    if overrides:
        params["overrides"] = overrides
    if sources:
        params["sources"] = sources
    if rejected:
        params["rejected"] = rejected
    job = GenerationJob(ebook_id=ebook.id, kind=kind, status="queued", done=0,
                        total=len(page_ids) + 1, step="queued", params=params)
    session.add(job)
    session.flush()
    enqueue(session, "ebook.generate", on_failure=_queue_failed(job.id),
            generation_job_id=job.id)
    return job


def _queue_failed(job_id: int) -> Callable[[Settings, Exception], None]:
    def mark(settings: Settings, exc: Exception) -> None:
        with session_scope(settings) as session:
            job = session.get(GenerationJob, job_id)
            if job is not None and job.status == "queued":
                job.status, job.error = "failed", f"could not queue the generation: {exc}"

    return mark


def cancel(session: Session, ebook_id: int, job_id: int) -> GenerationJob:
    """Stop a job: page jobs skip a cancelled job and providers poll for it; the queued
    Procrastinate jobs are cancelled (and running ones asked to abort) in the same
    transaction, so nothing is left to pick up."""
    job = job_of_book(session, ebook_id, job_id, for_update=True)
    if job.status not in JOB_ACTIVE:
        raise Conflict(N_("This generation has already finished."))
    job.status, job.step = "cancelled", "cancelled"
    job.finished_at = datetime.now(UTC)
    session.execute(text(
        "SELECT procrastinate_cancel_job_v1(id, true, false) FROM procrastinate_jobs "
        "WHERE status IN ('todo', 'doing') AND args->>'generation_job_id' = :job"),
        {"job": str(job_id)})
    session.flush()
    return job
