"""The `backoffice` command: serve, worker, db, book, users."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError

from backoffice.config import Settings, SettingsError, get_settings

app = typer.Typer(help="Backoffice: create, review and export KDP coloring books.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
book_app = typer.Typer(help="Create, list and export books.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(book_app, name="book")
# Imported here, not lazily: Typer must know the sub-commands to list them.
from backoffice.features.accounts.cli import users_app  # noqa: E402

app.add_typer(users_app, name="users")

CLI_OPTION_NAMES = {"page_count": "--pages", "trim_size": "--trim", "theme": "--theme",
                    "audience": "--audience", "paper": "--paper", "title": "--title",
                    "author": "--author", "subtitle": "--subtitle", "seed": "--seed",
                    "cover_template": "--cover-template"}


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        fail(str(exc))


def _url(settings: Settings) -> str:
    from backoffice.database import sqlalchemy_url

    return sqlalchemy_url(settings)


def _migrate(settings: Settings) -> None:
    from backoffice import migrate

    migrate.upgrade(_url(settings))


def _check_config(settings: Settings) -> None:
    from backoffice.main import check_configuration

    try:
        check_configuration(settings)
    except ValueError as exc:
        fail(str(exc))


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="Default: HOST or 127.0.0.1")] = None,
          port: Annotated[int | None, typer.Option(help="Default: PORT or 8001")] = None) -> None:
    """Migrate the database, then serve the web app (with the in-process worker)."""
    import uvicorn

    from backoffice.main import create_app

    settings = settings_or_exit()
    _check_config(settings)
    _migrate(settings)
    host, port = host or settings.host, port or settings.port
    typer.echo(f"Backoffice on http://{host}:{port}  (worker: {settings.worker})")
    web_app = create_app(settings)
    web_app.state.public_url = f"http://{host}:{port}"  # for the first-run setup link
    uvicorn.run(web_app, host=host, port=port, log_level="info")


@app.command()
def worker(name: Annotated[str | None, typer.Option(help="Worker name in the queue")] = None,
           ) -> None:
    """Run a standalone worker (on this or any machine sharing the database)."""
    from backoffice.queue import run_worker

    settings = settings_or_exit()
    _check_config(settings)
    _migrate(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    typer.echo(f"worker started (concurrency {settings.worker_concurrency})")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_worker(settings, name=name))


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply every pending migration."""
    settings = settings_or_exit()
    _migrate(settings)
    from backoffice import migrate

    current, head = migrate.status(_url(settings))
    typer.echo(f"database at revision {current} (head {head})")


@db_app.command("status")
def db_status() -> None:
    """Show the database's revision and the code's head revision."""
    from backoffice import migrate

    settings = settings_or_exit()
    current, head = migrate.status(_url(settings))
    state = "up to date" if current == head else "migrations pending: run `backoffice db migrate`"
    typer.echo(f"current: {current or '(empty database)'}\nhead:    {head}\n{state}")


def _worker_in_thread(settings: Settings) -> tuple[threading.Thread, asyncio.AbstractEventLoop]:
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


def _stop_worker(thread: threading.Thread, loop: asyncio.AbstractEventLoop) -> None:
    def cancel_all() -> None:
        for task in asyncio.all_tasks(loop):
            task.cancel()

    loop.call_soon_threadsafe(cancel_all)
    thread.join(timeout=20)


def _wait_for_job(settings: Settings, ebook_id: int, job_id: int) -> str:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from backoffice.database import session_scope
    from backoffice.models import GenerationJob

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
            progress.update(task, completed=done, total=total or None, step=step)
            if status in ("succeeded", "failed", "cancelled"):
                if error:
                    typer.echo(f"error: {error}", err=True)
                return status
            time.sleep(0.5)


@book_app.command("create")
def book_create(
    title: Annotated[str, typer.Option(help="Suggested from the theme when empty")] = "",
    author: Annotated[str, typer.Option()] = "",
    theme: Annotated[str, typer.Option()] = "mandalas",
    audience: Annotated[str, typer.Option(help="toddlers, children or adults")] = "children",
    trim: Annotated[str, typer.Option(help="8.5x11, 8.5x8.5, 8x10, 8.25x8.25 or 6x9")] = "8.5x11",
    paper: Annotated[str, typer.Option(help="white, cream, standard_color, premium_color")
                     ] = "white",
    pages: Annotated[int, typer.Option(help="Coloring pages (designs): >= 24, even")] = 24,
    subtitle: Annotated[str, typer.Option()] = "",
    seed: Annotated[int | None, typer.Option(help="Same seed, same book")] = None,
    cover_template: Annotated[str, typer.Option(
        help="hero, fan, grid or framed; the theme's when empty")] = "",
    wait: Annotated[bool, typer.Option("--wait", help="Return when generated")] = False,
) -> None:
    """Create a book and queue its generation; prints the book's id on the last line."""
    from backoffice.database import session_scope
    from backoffice.errors import InvalidInput
    from backoffice.features.creation import service
    from backoffice.features.creation.schemas import EbookCreate
    from backoffice.queue import close_deferrers, defer

    settings = settings_or_exit()
    try:
        data = EbookCreate(title=title, subtitle=subtitle, author=author, theme=theme,
                           audience=audience, trim_size=trim, paper=paper, page_count=pages,
                           seed=seed, cover_template=cover_template or None)
    except ValidationError as exc:
        first = exc.errors()[0]
        option = CLI_OPTION_NAMES.get(str(first["loc"][0]), str(first["loc"][0]))
        fail(f"{option}: {first['msg'].removeprefix('Value error, ')}")
    _check_config(settings)
    _migrate(settings)
    try:
        with session_scope(settings) as session:
            ebook, job = service.create_ebook(session, settings, data, actor="cli")
            ebook_id, job_id = ebook.id, job.id
    except InvalidInput as exc:
        field, message = next(iter(exc.errors.items()))
        fail(f"{CLI_OPTION_NAMES.get(field, field)}: {message}")
    defer(settings, "ebook.generate", generation_job_id=job_id)
    status = "queued"
    if wait:
        # Our own worker guarantees progress even when no server is running.
        thread, loop = _worker_in_thread(settings)
        try:
            status = _wait_for_job(settings, ebook_id, job_id)
        finally:
            _stop_worker(thread, loop)
    close_deferrers()
    typer.echo(f"book {ebook_id}: generation {status}", err=True)
    typer.echo(str(ebook_id))
    if status in ("failed", "cancelled"):
        raise typer.Exit(1)


@book_app.command("list")
def book_list(status: Annotated[str | None, typer.Option(help="DRAFT, APPROVED, ...")] = None,
              limit: Annotated[int, typer.Option(min=1, max=1000)] = 50) -> None:
    """List books, newest first."""
    from backoffice.database import session_scope
    from backoffice.features.dashboard import service
    from backoffice.models import EBOOK_STATUSES

    settings = settings_or_exit()
    if status and status.upper() not in EBOOK_STATUSES:
        fail(f"--status: must be one of {', '.join(EBOOK_STATUSES)}")
    _migrate(settings)
    with session_scope(settings) as session:
        result = service.list_ebooks(session, status=status.upper() if status else None,
                                     size=limit)
        jobs = service.latest_jobs(session, [e.id for e in result.items])
        typer.echo(f"{'ID':>5}  {'STATUS':<9} {'GENERATION':<12} {'PAGES':>5}  TITLE — AUTHOR")
        for ebook in result.items:
            job = jobs.get(ebook.id)
            generation = f"{job.status} {job.done}/{job.total}" if job else "-"
            typer.echo(f"{ebook.id:>5}  {ebook.status:<9} {generation:<12} "
                       f"{ebook.page_count:>5}  {ebook.title} — {ebook.author}")
        typer.echo(f"{result.total} book(s)")


@book_app.command("export")
def book_export(ebook_id: Annotated[int, typer.Argument(help="Book id")],
                out: Annotated[Path, typer.Option(help="Folder to write the files into")]
                ) -> None:
    """Write OUT/interior.pdf, OUT/cover.pdf and OUT/preflight.json; exit 1 when the KDP
    preflight fails."""
    import json
    import shutil

    from backoffice.database import session_scope
    from backoffice.errors import Conflict, NotFound
    from backoffice.features.dashboard.service import get_ebook
    from backoffice.features.export import service as export_service
    from backoffice.storage import get_storage

    settings = settings_or_exit()
    if out.exists() and not out.is_dir():
        fail(f"--out: {out} exists and is not a folder")
    _migrate(settings)
    try:
        with session_scope(settings) as session:
            ebook = get_ebook(session, ebook_id)
            export = export_service.run_export(session, settings, ebook, actor="cli")
            interior_key, cover_key, report = export.interior_key, export.cover_key, export.report
            passed = export.passed or bool(export.override_by)
    except NotFound as exc:
        fail(str(exc))
    except Conflict as exc:
        fail(f"book {ebook_id}: {exc}")
    storage = get_storage(settings.storage_dir)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(storage.path(interior_key), out / "interior.pdf")
    shutil.copyfile(storage.path(cover_key), out / "cover.pdf")
    (out / "preflight.json").write_text(json.dumps(report, indent=2, ensure_ascii=False),
                                        encoding="utf-8")
    for rule in report["rules"]:
        if not rule["passed"]:
            typer.echo(f"preflight: FAIL {rule['code']}: {rule['message']}", err=True)
    typer.echo(f"wrote {out / 'interior.pdf'}, {out / 'cover.pdf'} and "
               f"{out / 'preflight.json'} (preflight {'passed' if passed else 'FAILED'})")
    if not passed:
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
