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
from sqlalchemy.orm import Session

from backoffice.config import Settings
from backoffice.database import libpq_url, session_factory, sqlalchemy_url

logger = logging.getLogger(__name__)

JOB_MODULES = [
    "backoffice.features.generation.jobs",
]

# Tasks register on this app at import time; the worker swaps in a real connector.
queue_app = procrastinate.App(connector=procrastinate.PsycopgConnector(),
                              import_paths=JOB_MODULES)

_deferrers: dict[str, procrastinate.App] = {}
_deferrers_lock = threading.Lock()


def _deferrer(settings: Settings) -> procrastinate.App:
    url = libpq_url(sqlalchemy_url(settings))
    with _deferrers_lock:
        app = _deferrers.get(url)
        if app is None:
            # A separate sync app: sync routes, the CLI and worker threads can defer
            # without touching the worker's event loop.
            app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=url))
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
    on_failure: Callable[[Settings, Exception], None] | None


_PENDING = "backoffice.pending_jobs"


class QueueUnavailable(RuntimeError):
    """The transaction committed but its jobs could not be queued."""


def enqueue(session: Session, task_name: str, *, queueing_lock: str | None = None,
            on_failure: Callable[[Settings, Exception], None] | None = None,
            **kwargs: Any) -> None:
    """Queue a task once `session`'s transaction has committed (see `transaction`); a
    rollback drops it, so no job ever points at rows that were never written."""
    session.info.setdefault(_PENDING, []).append(
        _Pending(task_name, queueing_lock, kwargs, on_failure))


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
            logger.exception("could not queue %s %s", job.task_name, job.kwargs)
            if job.on_failure is not None:
                job.on_failure(settings, exc)
            failed = exc
    if failed is not None:
        raise QueueUnavailable(str(failed)) from failed


def close_deferrers() -> None:
    with _deferrers_lock:
        for app in _deferrers.values():
            app.close()
        _deferrers.clear()


async def _recover_stalled_jobs(app: procrastinate.App, settings: Settings) -> None:
    """Periodically hand jobs of workers that stopped heartbeating back to the queue."""
    while True:
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=settings.stalled_after_seconds
            )
            for job in stalled:
                logger.warning("retrying job %s (%s) of a dead worker", job.id, job.task_name)
                await app.job_manager.retry_job(job)
        except Exception:  # keep the sweeper alive through transient DB errors
            logger.exception("stalled-job sweep failed")
        await asyncio.sleep(max(settings.stalled_after_seconds / 3, 0.5))


@contextlib.asynccontextmanager
async def worker_running(settings: Settings, *, name: str | None = None
                         ) -> AsyncIterator[asyncio.Task]:
    """Open the queue's pool, run a worker task inside it, and on exit cancel only that
    task before closing the pool: cancelling a pool mid-open leaves its tasks behind."""
    import importlib

    for module in JOB_MODULES:
        importlib.import_module(module)
    url = libpq_url(sqlalchemy_url(settings))
    connector = procrastinate.PsycopgConnector(conninfo=url)
    with queue_app.replace_connector(connector) as app:
        async with app.open_async():
            task = asyncio.create_task(_work(app, settings, name))
            try:
                yield task
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, timeout=30)


async def _work(app: procrastinate.App, settings: Settings, name: str | None) -> None:
    sweeper = asyncio.create_task(_recover_stalled_jobs(app, settings))
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
    """Run a worker until cancelled (standalone `backoffice worker`, or the CLI's --wait)."""
    async with worker_running(settings, name=name) as task:
        await task
