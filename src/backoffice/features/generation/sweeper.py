"""Nothing stays "queued" or "running" for ever.

A generation whose process died at the wrong moment can be left with nothing in the
queue to move it: killed between saving the book and queueing its job, the queue
unreachable right after the commit, a step that failed while the database was away and
could not record it. The workers run `sweep` periodically (queue.register_sweep): such a
generation, quiet for BACKOFFICE_SWEEP_AFTER_SECONDS with no queued or running job of
its own, is queued again (`ebook.generate` resumes from what is done) up to
BACKOFFICE_MAX_REQUEUES times, then marked failed in words, with a retry on its page.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.features.generation.faults import Fault, mark_failed
from backoffice.models import JOB_ACTIVE, GenerationJob
from backoffice.queue import enqueue, register_sweep, transaction

logger = logging.getLogger(__name__)

# One sweeper at a time across workers (pg_try_advisory_xact_lock): the others skip.
_SWEEP_LOCK_KEY = 7_000_518

_LIVE_QUEUE_JOBS = text(
    "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
    "AND args->>'generation_job_id' = :job_id")


def _has_queue_jobs(session: Session, job_id: int) -> bool:
    return bool(session.execute(_LIVE_QUEUE_JOBS, {"job_id": str(job_id)}).scalar())


def _quiet_generations(session: Session, quiet_for: float, *, lock: bool
                       ) -> list[GenerationJob]:
    cutoff = datetime.now(UTC) - timedelta(seconds=quiet_for)
    query = (select(GenerationJob).where(GenerationJob.status.in_(JOB_ACTIVE),
                                         GenerationJob.updated_at < cutoff)
             .order_by(GenerationJob.id).limit(100))
    if lock:
        query = query.with_for_update(skip_locked=True)
    return [job for job in session.scalars(query) if not _has_queue_jobs(session, job.id)]


@register_sweep
def sweep(settings: Settings) -> None:
    stalled: list[tuple[int, int]] = []
    with transaction(settings) as session:
        locked = session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                 {"key": _SWEEP_LOCK_KEY}).scalar()
        if not locked:
            return
        for job in _quiet_generations(session, settings.sweep_after_seconds, lock=True):
            if job.requeues >= settings.max_requeues:
                stalled.append((job.id, job.requeues))
                continue
            job.requeues += 1
            logger.warning("generation %s was left %s with nothing queued: queued again "
                           "(%s of %s)", job.id, job.status, job.requeues,
                           settings.max_requeues)
            enqueue(session, "ebook.generate", generation_job_id=job.id)
    for job_id, requeues in stalled:
        mark_failed(settings, job_id, Fault(
            "stalled", f"it stopped {requeues + 1} times without finishing", False))


def stuck_generations(session: Session, settings: Settings) -> str | None:
    """For /readyz: generations the sweeper should have moved and did not."""
    quiet_for = settings.sweep_after_seconds * 2 + settings.stalled_after_seconds
    stuck = _quiet_generations(session, quiet_for, lock=False)
    if not stuck:
        return None
    return f"{len(stuck)} generation(s) with nothing queued for more than {quiet_for:g} s"
