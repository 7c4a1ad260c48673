"""`backoffice book ...`: create, list and export books from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from backoffice.cli.listing import book_listing
from backoffice.cli.support import (
    check_config,
    fail,
    follow_job,
    migrate,
    settings_or_exit,
    stop_worker,
    wait_for_job,
    worker_in_thread,
)

book_app = typer.Typer(help="Create, import, list and export books.", no_args_is_help=True)
book_app.command("listing")(book_listing)

CLI_OPTION_NAMES = {"page_count": "--pages", "trim_size": "--trim", "theme": "--theme",
                    "audience": "--audience", "paper": "--paper", "title": "--title",
                    "author": "--author", "subtitle": "--subtitle", "seed": "--seed",
                    "cover_template": "--cover-template", "furniture": "--furniture"}


@book_app.command("create")
def book_create(
    title: Annotated[str, typer.Option(help="Suggested from the theme when empty")] = "",
    author: Annotated[str, typer.Option()] = "",
    theme: Annotated[str, typer.Option()] = "mandalas",
    audience: Annotated[str, typer.Option(help="toddlers, children or adults")] = "children",
    trim: Annotated[str, typer.Option(help="8.5x11, 8.5x8.5, 8x10, 8.25x8.25 or 6x9")] = "8.5x11",
    paper: Annotated[str, typer.Option(help="white, cream, standard_color, premium_color")
                     ] = "white",
    pages: Annotated[int, typer.Option(
        help="Coloring pages (designs): >= 24, within KDP's page limits")] = 24,
    subtitle: Annotated[str, typer.Option()] = "",
    seed: Annotated[int | None, typer.Option(help="Same seed, same book")] = None,
    cover_template: Annotated[str, typer.Option(
        help="hero, fan, grid or framed; the theme's when empty")] = "",
    furniture: Annotated[str, typer.Option(
        help="Book furniture pages, comma-separated: belongs_to, how_to_use, color_test, "
             "thank_you; 'all' or 'none'")] = "none",
    wait: Annotated[bool, typer.Option("--wait", help="Return when generated")] = False,
) -> None:
    """Create a book and queue its generation; prints the book's id on the last line.

    With --wait, the exit status says how it ended: 0 drawn and every page passed the
    line-art gate, 1 failed or cancelled, 3 drawn but pages need review (named)."""
    from backoffice.errors import InvalidInput
    from backoffice.features.creation import service
    from backoffice.features.creation.schemas import EbookCreate
    from backoffice.kdp.furniture import FURNITURE
    from backoffice.queue import transaction

    settings = settings_or_exit()
    chosen = {"all": list(FURNITURE), "none": []}.get(
        furniture.strip(), [key.strip() for key in furniture.split(",") if key.strip()])
    try:
        data = EbookCreate(title=title, subtitle=subtitle, author=author, theme=theme,
                           audience=audience, trim_size=trim, paper=paper, page_count=pages,
                           seed=seed, cover_template=cover_template or None,
                           furniture=chosen)
    except ValidationError as exc:
        first = exc.errors()[0]
        option = CLI_OPTION_NAMES.get(str(first["loc"][0]), str(first["loc"][0]))
        fail(f"{option}: {first['msg'].removeprefix('Value error, ')}")
    check_config(settings)
    migrate(settings)
    try:
        with transaction(settings) as session:
            ebook, job = service.create_ebook(session, settings, data, actor="cli")
            ebook_id, job_id = ebook.id, job.id
    except InvalidInput as exc:
        field, message = next(iter(exc.errors.items()))
        fail(f"{CLI_OPTION_NAMES.get(field, field)}: {message}")
    follow_job(settings, ebook_id, job_id, wait=wait, ended="generation {status}",
               needs_review="generation needs review: page(s) {pages} still fail the "
               "line-art gate; regenerate them or restore earlier versions, or an admin "
               "overrides the export with a reason")


@book_app.command("list")
def book_list(status: Annotated[str | None, typer.Option(help="DRAFT, APPROVED, ...")] = None,
              limit: Annotated[int, typer.Option(min=1, max=1000)] = 50) -> None:
    """List books, newest first."""
    from backoffice.database import session_scope
    from backoffice.features.book.service import latest_jobs
    from backoffice.features.dashboard import service
    from backoffice.kdp import specs
    from backoffice.models import EBOOK_STATUSES
    from backoffice.web.i18n import translations

    settings = settings_or_exit()
    if status and status.upper() not in EBOOK_STATUSES:
        fail(f"--status: must be one of {', '.join(EBOOK_STATUSES)}")
    migrate(settings)
    gettext = translations(settings.language).gettext
    with session_scope(settings) as session:
        result = service.list_ebooks(session, status=status.upper() if status else None,
                                     size=limit)
        jobs = latest_jobs(session, [e.id for e in result.items])
        typer.echo(f"{'ID':>5}  {'STATUS':<9} {'GENERATION':<18} {'PAGES':>5}  TITLE — AUTHOR")
        for ebook in result.items:
            job = jobs.get(ebook.id)
            generation = f"{job.status} {job.done}/{job.total}" if job else "-"
            # Books adopted from the previous system may be short of pages: say how many.
            missing = specs.designs_missing(ebook.page_count)
            note = f"  [{gettext('add %(count)s pages') % {'count': missing}}]" if missing else ""
            typer.echo(f"{ebook.id:>5}  {ebook.status:<9} {generation:<18} "
                       f"{ebook.page_count:>5}  {ebook.title} — {ebook.author}{note}")
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
    from backoffice.features.book.service import get_ebook
    from backoffice.features.export import service as export_service
    from backoffice.storage import get_storage

    settings = settings_or_exit()
    if out.exists() and not out.is_dir():
        fail(f"--out: {out} exists and is not a folder")
    migrate(settings)
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
    storage = get_storage(settings)
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


@book_app.command("cover")
def book_cover(ebook_id: Annotated[int, typer.Argument(help="Book id")],
               file: Annotated[Path, typer.Argument(help="PDF or image of the cover")],
               kind: Annotated[str, typer.Option(
                   help="wrap: back, spine and front at KDP's exact size; front: the front "
                        "with its bleed, wrapped with a back drawn from it")] = "front",
               wait: Annotated[bool, typer.Option("--wait", help="Return when the back is "
                                                  "drawn")] = False) -> None:
    """Use a cover made elsewhere; a file KDP would refuse is refused, with the size it
    must have, and the book is left as it was."""
    from backoffice.errors import Conflict, InvalidInput, NotFound
    from backoffice.features.regeneration import upload
    from backoffice.queue import close_deferrers, transaction

    settings = settings_or_exit()
    if kind not in ("front", "wrap"):
        fail("--kind: must be front or wrap")
    if not file.is_file():
        fail(f"FILE: {file} is not a file")
    if file.stat().st_size > upload.MAX_UPLOAD_BYTES:
        fail(f"FILE: {file.name} is over the {upload.MAX_UPLOAD_BYTES // 1_000_000} MB "
             "accepted")
    migrate(settings)
    try:
        with transaction(settings) as session:
            job = upload.upload_cover(session, settings, ebook_id, file.read_bytes(), file.name,
                                      kind, actor="cli")
            job_id = job.id if job else None
    except InvalidInput as exc:
        fail(next(iter(exc.errors.values())))
    except (NotFound, Conflict) as exc:
        fail(f"book {ebook_id}: {exc}")
    status = "done" if job_id is None else "queued"
    if job_id is not None and wait:
        thread, loop = worker_in_thread(settings)
        try:
            status, _review = wait_for_job(settings, ebook_id, job_id)
        finally:
            stop_worker(thread, loop)
    close_deferrers()
    typer.echo(f"book {ebook_id}: {kind} cover uploaded; back cover {status}")
    if status in ("failed", "cancelled"):
        raise typer.Exit(1)
