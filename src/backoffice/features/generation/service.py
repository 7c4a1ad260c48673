"""Generation jobs: start one (queued after the caller's commit), cancel one, retry one.

A `GenerationJob` row is the user-visible truth (status, progress, step, error); the
Procrastinate jobs in jobs.py only deliver the work.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from backoffice.errors import N_, Conflict
from backoffice.features.book.service import job_of_book, latest_jobs
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
    # If the queue cannot take it after the commit (or the process dies in between),
    # the job stays "queued" and the sweeper (sweeper.py) queues it again.
    enqueue(session, "ebook.generate", sweeper_recovers=True, generation_job_id=job.id)
    return job


def retry(session: Session, ebook_id: int, job_id: int) -> GenerationJob:
    """Run a failed generation again where it stopped: the pages it already drew are
    kept, the others are drawn, then the PDFs."""
    job = job_of_book(session, ebook_id, job_id, for_update=True)
    if job.status != "failed":
        raise Conflict(N_("Only a failed generation can be retried."))
    newest = latest_jobs(session, [ebook_id]).get(ebook_id)
    if newest is not None and newest.id != job.id:
        raise Conflict(N_("A newer generation of this book exists: retry that one."))
    job.status, job.step, job.finished_at = "queued", "queued", None
    job.error = job.fault = job.failed_page_id = None
    job.requeues = 0
    session.flush()
    enqueue(session, "ebook.generate", sweeper_recovers=True, generation_job_id=job.id)
    return job


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
