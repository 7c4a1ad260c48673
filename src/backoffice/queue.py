"""Procrastinate on the app's own PostgreSQL: task registry, deferring, the worker.

The job rows in our own tables are the source of truth for status and progress;
Procrastinate only delivers work, retries it and recovers it from dead workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import procrastinate
from sqlalchemy import text
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.database import libpq_url, session_factory, sqlalchemy_url

logger = logging.getLogger(__name__)

JOB_MODULES = [
    "backoffice.features.generation.jobs",
    "backoffice.features.generation.sweeper",
]

# Tasks register on this app at import time; the worker swaps in a real connector.
queue_app = procrastinate.App(connector=procrastinate.PsycopgConnector(),
                              import_paths=JOB_MODULES)

POOL_WAIT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 5

# Periodic upkeep the workers run beside the jobs (registered by the job modules): one
# function of the settings, run in a thread, that must be safe to run from many workers.
SWEEPS: list[Callable[[Settings], None]] = []


def register_sweep(sweep: Callable[[Settings], None]) -> Callable[[Settings], None]:
    if sweep not in SWEEPS:
        SWEEPS.append(sweep)
    return sweep


_deferrers: dict[str, procrastinate.App] = {}
_deferrers_lock = threading.Lock()


def _deferrer(settings: Settings) -> procrastinate.App:
    url = libpq_url(sqlalchemy_url(settings))
    with _deferrers_lock:
        app = _deferrers.get(url)
        if app is None:
            # A separate sync app: sync routes, the CLI and worker threads can defer
            # without touching the worker's event loop. A short wait for a connection:
            # with the database away, a request answers 503 now rather than in 30 s.
            app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(
                conninfo=url, timeout=POOL_WAIT_SECONDS,
                kwargs={"connect_timeout": CONNECT_TIMEOUT_SECONDS}))
            app.open()
            _deferrers[url] = app
    return app


def defer(settings: Settings, task_name: str, *, queueing_lock: str | None = None,
          **kwargs: Any) -> int | None:
    """Queue a task by name after the caller's transaction has committed.

    With a queueing lock, a second identical request while one is queued is a no-op."""
    app = _deferrer(settings)
    try:
        return app.configure_task(task_name, queueing_lock=queueing_lock).defer(**kwargs)
    except procrastinate.exceptions.AlreadyEnqueued:
        return None


@dataclass(frozen=True)
class _Pending:
    task_name: str
    queueing_lock: str | None
    kwargs: dict[str, Any]
    sweeper_recovers: bool


_PENDING = "backoffice.pending_jobs"


class QueueUnavailable(RuntimeError):
    """The transaction committed but its jobs could not be queued."""


def enqueue(session: Session, task_name: str, *, queueing_lock: str | None = None,
            sweeper_recovers: bool = False, **kwargs: Any) -> None:
    """Queue a task once `session`'s transaction has committed (see `transaction`); a
    rollback drops it, so no job ever points at rows that were never written.

    If the queue cannot take it then, `transaction` raises QueueUnavailable, unless
    `sweeper_recovers`: the committed rows alone let a sweeper queue it again later
    (features/generation/sweeper.py), so the caller's success stands (answering an error
    would invite a client to do it twice)."""
    session.info.setdefault(_PENDING, []).append(
        _Pending(task_name, queueing_lock, kwargs, sweeper_recovers))


@contextlib.contextmanager
def transaction(settings: Settings) -> Iterator[Session]:
    """One transaction: committed when the block ends without error, rolled back
    otherwise; the jobs enqueued in it are deferred only after the commit."""
    with session_factory(settings).begin() as session:
        yield session
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    failed: Exception | None = None
    for job in pending:
        try:
            defer(settings, job.task_name, queueing_lock=job.queueing_lock, **job.kwargs)
        except Exception as exc:  # the rows are committed: say so, don't lose them
            if job.sweeper_recovers:
                logger.warning("could not queue %s %s (%s); the sweeper will", job.task_name,
                               job.kwargs, exc)
                continue
            logger.error("could not queue %s %s: %s", job.task_name, job.kwargs, exc)
            failed = exc
    if failed is not None:
        raise QueueUnavailable(str(failed)) from failed


def close_deferrers() -> None:
    with _deferrers_lock:
        for app in _deferrers.values():
            app.close()
        _deferrers.clear()


async def _maintain(app: procrastinate.App, settings: Settings) -> None:
    """Periodically hand jobs of workers that stopped heartbeating back to the queue,
    and run the registered sweeps."""
    while True:
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=settings.stalled_after_seconds
            )
            for job in stalled:
                logger.warning("retrying job %s (%s) of a dead worker", job.id, job.task_name)
                await app.job_manager.retry_job(job)
            for sweep in SWEEPS:
                await asyncio.to_thread(sweep, settings)
        except Exception as exc:  # keep the upkeep alive through transient DB errors
            logger.warning("queue upkeep failed: %s", " ".join(str(exc).split())[:300])
        await asyncio.sleep(max(settings.stalled_after_seconds / 3, 0.5))


@contextlib.asynccontextmanager
async def worker_running(settings: Settings, *, name: str | None = None
                         ) -> AsyncIterator[asyncio.Task]:
    """Open the queue's pool, run a worker task inside it, and on exit cancel only that
    task, then close the pool. The pool is closed whatever happens, opening included:
    a pool left half-open (cancelled, or the database away) keeps its connection tasks
    retrying for ever, and the event loop can no longer shut down."""
    import importlib

    for module in JOB_MODULES:
        importlib.import_module(module)
    url = libpq_url(sqlalchemy_url(settings))
    connector = procrastinate.PsycopgConnector(
        conninfo=url, timeout=POOL_WAIT_SECONDS,
        kwargs={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    with queue_app.replace_connector(connector) as app:
        try:
            await connector.open_async()
            task = asyncio.create_task(_work(app, settings, name))
            try:
                yield task
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, timeout=30)
        finally:
            # Shielded: a second cancellation must not leave the pool half-closed.
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.shield(connector.close_async())


async def _work(app: procrastinate.App, settings: Settings, name: str | None) -> None:
    sweeper = asyncio.create_task(_maintain(app, settings))
    try:
        await app.run_worker_async(
            name=name or "worker",
            concurrency=settings.worker_concurrency,
            install_signal_handlers=False,
            update_heartbeat_interval=settings.heartbeat_seconds,
            stalled_worker_timeout=settings.stalled_after_seconds,
            additional_context={"settings": settings},
            delete_jobs="successful",
            shutdown_graceful_timeout=10,
        )
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper


async def run_worker(settings: Settings, *, name: str | None = None) -> None:
    """Run a worker until cancelled (standalone `backoffice worker`, the CLI's --wait),
    through database outages: see supervisor.py."""
    from backoffice.supervisor import supervise

    await supervise(settings, name=name or "worker")


def stuck_jobs(session: Session, settings: Settings) -> str | None:
    """Why the queue is stuck, or None: work due for a while that nobody is doing, or
    jobs of dead workers that nobody hands back. (A busy queue is not stuck: jobs wait
    while others run.)"""
    row = session.execute(text(
        "WITH due AS ("
        " SELECT j.id, j.status, j.worker_id, GREATEST(j.scheduled_at, ("
        "   SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id AND e.type"
        "   IN ('deferred', 'deferred_for_retry', 'retried', 'started'))) AS since"
        " FROM procrastinate_jobs j WHERE j.status IN ('todo', 'doing'))"
        "SELECT count(*) FILTER (WHERE status = 'todo' AND since < now() - "
        "  make_interval(secs => :after)),"
        " count(*) FILTER (WHERE status = 'doing'),"
        " count(*) FILTER (WHERE status = 'doing' AND since < now() - "
        "  make_interval(secs => :after) AND (worker_id IS NULL OR worker_id IN "
        "  (SELECT id FROM procrastinate_workers WHERE last_heartbeat < now() - "
        "   make_interval(secs => :after))))"
        " FROM due"), {"after": settings.stuck_after_seconds}).one()
    waiting, doing, orphaned = (int(value or 0) for value in row)
    if orphaned:
        return f"{orphaned} job(s) of dead workers not handed back"
    if waiting and not doing:
        return (f"{waiting} job(s) waiting for more than {settings.stuck_after_seconds:g} s "
                "with none running")
    return None
