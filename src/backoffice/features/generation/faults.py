"""Every job failure ends in a state a user can see and act on.

A generation step that raises is classified once, here:
- transient (the database away, a full or failing disk, the queue unreachable): the
  queue runs the job again with exponential backoff, up to BACKOFFICE_JOB_RETRIES times;
  every step checks what is already done, so it resumes;
- anything else, or a transient fault that outlived its retries: the generation job is
  marked failed with the page it stopped at, the kind of fault and the reason in words,
  and the book page offers to retry it.

Provider faults are not retried here: the adapters already retried them (providers/
http_retry.py), so their verdict is final for this run.
"""

from __future__ import annotations

import contextlib
import errno
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import procrastinate
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from backoffice.config import Settings
from backoffice.database import DATABASE_AWAY, session_scope
from backoffice.features.generation.service import FINISHED
from backoffice.models import GenerationJob, Page
from backoffice.providers import ProviderError
from backoffice.queue import QueueUnavailable
from backoffice.storage import StorageError

logger = logging.getLogger(__name__)

# The queue's waits before running a step again: 4, 8, 16, 32, 60, 60... s. How many
# times is a setting (BACKOFFICE_JOB_RETRIES, 6 by default: about three minutes).
BACKOFF_BASE_SECONDS = 2
BACKOFF_CAP_SECONDS = 60
# Past this, even a step failing only to record its failure is given up (the sweeper
# settles its generation).
MAX_QUEUE_ATTEMPTS = 50

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
DISK_ERRNOS = DISK_FULL_ERRNOS | {errno.EIO, errno.EROFS, errno.EMFILE, errno.ENFILE}


@dataclass(frozen=True)
class Fault:
    kind: str  # provider, file, disk_full, disk, storage, database, internal, stalled
    reason: str  # English, for the API, the CLI and the logs
    transient: bool


def classify(exc: BaseException) -> Fault:
    if isinstance(exc, ProviderError):
        return Fault("provider", str(exc), False)
    if isinstance(exc, (*DATABASE_AWAY, QueueUnavailable,
                        procrastinate.exceptions.ConnectorException)):
        return Fault("database", "the database was unavailable", True)
    if isinstance(exc, StorageError):
        # Already retried by the store; transient if the store says a retry may succeed.
        return Fault("storage", f"the file store failed: {exc}", exc.retryable)
    if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
        return Fault("disk_full", f"the disk is full ({exc.strerror})", True)
    if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
        return Fault("disk", f"the disk could not be written ({exc.strerror})", True)
    return Fault("internal", f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}",
                 False)


class TransientFaults(BaseRetryStrategy):
    """The queue's retry policy: transient faults only, with exponential backoff. (How
    many times is counted by `failing_visibly`, which has the settings.)"""

    def get_retry_decision(self, *, exception: BaseException,
                           job: procrastinate.jobs.Job) -> RetryDecision | None:
        if not classify(exception).transient or job.attempts >= MAX_QUEUE_ATTEMPTS:
            return None
        wait = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (job.attempts + 1))
        return RetryDecision(retry_in={"seconds": wait})


RETRY = TransientFaults()


def page_label(page: Page | None, step: str = "the generation") -> str:
    if page is None:
        return step
    return {"cover": "the cover", "back_cover": "the back cover"}.get(
        page.kind, f"page {page.position}")


def mark_failed(settings: Settings, job_id: int, fault: Fault, *,
                page_id: int | None = None, step: str = "the generation") -> None:
    with session_scope(settings) as session:
        job = session.get(GenerationJob, job_id, with_for_update=True)
        if job is None or job.status in FINISHED:
            return
        page = session.get(Page, page_id) if page_id is not None else None
        job.status, job.finished_at = "failed", datetime.now(UTC)
        job.fault, job.failed_page_id = fault.kind, page.id if page is not None else None
        job.error = f"{page_label(page, step)}: {fault.reason}"


@contextlib.contextmanager
def failing_visibly(context: procrastinate.JobContext, job_id: int, *,
                    page_id: int | None = None, step: str = "the generation"
                    ) -> Iterator[None]:
    """Run one step of generation job `job_id`: a transient fault with retries left is
    raised for the queue to retry (see RETRY); any other ends the job, visibly."""
    settings: Settings = context.additional_context["settings"]
    try:
        yield
    except Exception as exc:
        fault = classify(exc)
        attempts = context.job.attempts if context.job is not None else settings.job_retries
        if fault.transient and attempts < settings.job_retries:
            logger.warning("generation %s, page %s: %s; the queue will retry (attempt %s)",
                           job_id, page_id, fault.reason, attempts + 1)
            raise
        logger.error("generation %s failed at page %s: %s", job_id, page_id, fault.reason,
                     exc_info=fault.kind == "internal")
        # If even this cannot be written (the database still away), the exception goes
        # to the queue and the sweeper (sweeper.py) settles the job later.
        mark_failed(settings, job_id, fault, page_id=page_id, step=step)
