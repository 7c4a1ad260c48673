"""What every command shares: settings, exit-code-2 failures, migrations, a worker."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import Any, NoReturn

import typer

from backoffice.config import Settings, SettingsError, get_settings


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        fail(str(exc))


def database_url(settings: Settings) -> str:
    from backoffice.database import sqlalchemy_url

    return sqlalchemy_url(settings)


def migrate(settings: Settings) -> None:
    """Our chain, adopting a database of the previous system first (see adoption/)."""
    from backoffice.adoption import AdoptionRefused, migrate_database, summary_lines
    from backoffice.art.themes import ThemeConfigError
    from backoffice.storage import StorageConfigError, StorageError, get_storage

    progress = ImportProgress()
    try:
        with progress:
            outcome = migrate_database(database_url(settings),
                                       storage=get_storage(settings),
                                       themes_dir=settings.themes_dir, on_progress=progress)
    except (AdoptionRefused, ThemeConfigError, StorageConfigError) as exc:
        fail(str(exc))
    except (OSError, StorageError) as exc:
        # Storage for the imported images; one transaction, so the database is untouched.
        fail(f"{exc}; the migration was rolled back, nothing was changed", code=1)
    for line in summary_lines(outcome):
        typer.echo(line)


class ImportProgress:
    """A progress bar (on stderr) for the import of the previous system's books, shown
    from the first image on: a plain migration shows nothing."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> ImportProgress:
        return self

    def __call__(self, done: int, total: int, label: str) -> None:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(TextColumn("importing pages"), BarColumn(),
                                      MofNCompleteColumn(),
                                      TextColumn("book {task.fields[book]}"),
                                      console=Console(stderr=True))
            self._progress.start()
            self._task = self._progress.add_task("import", total=total, book="")
        self._progress.update(self._task, completed=done, total=total, book=label[:60])

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def check_config(settings: Settings) -> None:
    from backoffice.main import check_configuration

    try:
        check_configuration(settings)
    except ValueError as exc:
        fail(str(exc))


def worker_in_thread(settings: Settings) -> tuple[threading.Thread, asyncio.AbstractEventLoop]:
    """A worker inside the command (--wait), so it finishes even with no server running."""
    from backoffice.queue import run_worker

    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        task = loop.create_task(run_worker(settings, name="cli"))
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, loop


def stop_worker(thread: threading.Thread, loop: asyncio.AbstractEventLoop) -> None:
    def cancel_all() -> None:
        for task in asyncio.all_tasks(loop):
            task.cancel()

    loop.call_soon_threadsafe(cancel_all)
    thread.join(timeout=20)


def follow_job(settings: Settings, ebook_id: int, job_id: int, *, wait: bool,
               ended: str, needs_review: str) -> None:
    """After a command queued a book's job: with `wait`, follow it to its end with a
    worker of our own (progress even when no server runs); say how it ended on stderr
    (`ended` with {status}, or `needs_review` with {pages}), print the book id, and exit
    1 if it failed or was cancelled, 3 if pages still fail the line-art gate."""
    from backoffice.queue import close_deferrers

    status, review = "queued", list[int]()
    if wait:
        thread, loop = worker_in_thread(settings)
        try:
            status, review = wait_for_job(settings, ebook_id, job_id)
        finally:
            stop_worker(thread, loop)
    close_deferrers()
    if status == "needs_review":
        typer.echo(f"book {ebook_id}: " + needs_review.format(
            pages=", ".join(map(str, review))), err=True)
    else:
        typer.echo(f"book {ebook_id}: " + ended.format(status=status), err=True)
    typer.echo(str(ebook_id))
    if status in ("failed", "cancelled"):
        raise typer.Exit(1)
    if status == "needs_review":
        raise typer.Exit(3)


def wait_for_job(settings: Settings, ebook_id: int, job_id: int) -> tuple[str, list[int]]:
    """A progress bar until the generation job ends (the step shows the sampler's steps
    of the page being drawn, "page 12: 6/25"); returns its final status and the pages
    that still fail the line-art gate."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from backoffice.database import session_scope
    from backoffice.models import JOB_FINISHED, GenerationJob

    with Progress(TextColumn("[bold]book {task.fields[book]}"), BarColumn(),
                  MofNCompleteColumn(), TextColumn("{task.fields[step]}"),
                  transient=False, console=None) as progress:
        task = progress.add_task("generate", total=None, book=ebook_id, step="queued")
        while True:
            with session_scope(settings) as session:
                job = session.get(GenerationJob, job_id)
                assert job is not None
                status, done, total, step, error = (job.status, job.done, job.total, job.step,
                                                    job.error)
                review = list(job.review_pages or [])
            progress.update(task, completed=done, total=total or None, step=step)
            if status in JOB_FINISHED:
                if error:
                    typer.echo(f"error: {error}", err=True)
                return status, review
            time.sleep(0.5)
