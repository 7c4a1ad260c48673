"""`backoffice book import DIR` and `backoffice book upload BOOK FILE...`: one's own images
into a new book or an existing one, with the web's checks and jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from backoffice.cli.support import (
    check_config,
    fail,
    follow_job,
    migrate,
    settings_or_exit,
)

OPTION_NAMES = {"title": "--title", "author": "--author", "subtitle": "--subtitle",
                "theme": "--theme", "audience": "--audience", "trim_size": "--trim",
                "paper": "--paper", "position": "--position", "files": "FILES"}
PHOTO_HELP = "yes: photos turned into line art; no: drawings or scans; auto: per image"


def _read(paths: list[Path]) -> list[tuple[str, Any]]:
    """(name, a function reading the file): files are read one at a time while checked."""
    found: list[tuple[str, Any]] = []
    for path in paths:
        if path.is_dir():
            found += [(child.name, child.read_bytes) for child in sorted(path.iterdir())
                      if child.is_file() and not child.name.startswith(".")]
        elif path.is_file():
            found.append((path.name, path.read_bytes))
        else:
            fail(f"{path}: no such file or folder")
    if not found:
        fail("FILES: no file to import")
    return found


def _stage(settings: Any, uploads: list[tuple[str, bytes]], art_px: tuple[int, int]) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from backoffice.features.uploads.staging import stage

    with Progress(TextColumn("checking files"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[name]}"), console=Console(stderr=True),
                  transient=True) as progress:
        task = progress.add_task("check", total=len(uploads), name="")
        return stage(settings, uploads, art_px,
                     on_progress=lambda done, name: progress.update(
                         task, completed=min(done, len(uploads)), name=name[-50:]))


def _problems(settings: Any, rejected: list[Any]) -> list[str]:
    """Each bad file and its problem, in the configured language."""
    from backoffice.web.i18n import translations

    gettext = translations(settings.language).gettext
    return [gettext("%(file)s: %(problem)s") % {
        "file": item.name,
        "problem": gettext(item.msgid) % item.params if item.params else gettext(item.msgid)}
        for item in rejected]


def _run(settings: Any, make: Any, *, wait: bool) -> None:
    """Create in one transaction (exit 2 on refused files or fields), then follow the job."""
    from backoffice.errors import Conflict, InvalidInput, NotFound, RejectedFiles
    from backoffice.queue import transaction

    try:
        with transaction(settings) as session:
            ebook_id, job_id = make(session)
    except RejectedFiles as exc:
        from backoffice.features.uploads.staging import Rejected

        for line in _problems(settings, [Rejected(*item) for item in exc.rejected]):
            typer.echo(f"error: {line}", err=True)
        fail("nothing was imported")
    except InvalidInput as exc:
        field, message = next(iter(exc.errors.items()))
        fail(f"{OPTION_NAMES.get(field, field)}: {message}")
    except (NotFound, Conflict) as exc:
        fail(str(exc))
    # As `book create --wait`: the book is saved; pages to fix are named, exit 3.
    follow_job(settings, ebook_id, job_id, wait=wait, ended="{status}",
               needs_review="needs review: page(s) {pages} made from your files fail the "
               "line-art gate; replace them or restore earlier versions, or an admin "
               "overrides the export with a reason")


def _warn(settings: Any, batch: Any, strict: bool) -> None:
    if batch.rejected and not strict:
        for line in _problems(settings, batch.rejected):
            typer.echo(f"left out: {line}", err=True)
    for item in batch.accepted:
        if item.upscaled:
            typer.echo(f"note: {item.name}: {item.dpi} DPI on the page, scaled up past 300",
                       err=True)


def register(book_app: typer.Typer) -> None:
    book_app.command("import")(book_import)
    book_app.command("upload")(book_upload)


def book_import(
    folder: Annotated[Path, typer.Argument(help="Folder of images (or zips, PDFs, SVGs)")],
    title: Annotated[str, typer.Option()] = "",
    author: Annotated[str, typer.Option()] = "",
    trim: Annotated[str, typer.Option(help="8.5x11, 8.5x8.5, 8x10, 8.25x8.25 or 6x9")] = "8.5x11",
    paper: Annotated[str, typer.Option(help="white, cream, standard_color, premium_color")
                     ] = "white",
    audience: Annotated[str, typer.Option(help="toddlers, children or adults")] = "children",
    theme: Annotated[str, typer.Option(help="Style of the generated cover")] = "",
    subtitle: Annotated[str, typer.Option()] = "",
    photo: Annotated[str, typer.Option(help=PHOTO_HELP)] = "auto",
    strict: Annotated[bool, typer.Option("--strict", help="Import nothing if a file is bad "
                                                         "(exit 2 naming it)")] = False,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Return once the pages are "
                                                                "made")] = True,
) -> None:
    """A new DRAFT book whose coloring pages are the folder's files in name order; prints
    the book's id on the last line."""
    from pydantic import ValidationError

    from backoffice.features.uploads import service
    from backoffice.features.uploads.schemas import ImportCreate

    settings = settings_or_exit()
    if photo not in ("auto", "yes", "no"):
        fail("--photo: must be auto, yes or no")
    if not folder.is_dir():
        fail(f"{folder}: not a folder")
    try:
        data = ImportCreate(title=title, subtitle=subtitle, author=author, theme=theme,
                            audience=audience, trim_size=trim, paper=paper)
    except ValidationError as exc:
        first = exc.errors()[0]
        option = OPTION_NAMES.get(str(first["loc"][0]), str(first["loc"][0]))
        fail(f"{option}: {first['msg'].removeprefix('Value error, ')}")
    check_config(settings)
    migrate(settings)
    batch = _stage(settings, _read([folder]), service.import_art_size(data))
    _warn(settings, batch, strict)

    def make(session: Any) -> tuple[int, int]:
        ebook, job = service.import_book(session, settings, data, batch, photo=photo,  # type: ignore[arg-type]
                                         strict=strict, actor="cli")
        return ebook.id, job.id

    _run(settings, make, wait=wait)


def book_upload(
    ebook_id: Annotated[int, typer.Argument(help="Book id")],
    files: Annotated[list[Path], typer.Argument(help="Images, PDFs, SVGs, zips or folders")],
    position: Annotated[int | None, typer.Option(help="Insert at this position (1 = first); "
                                                      "the end by default")] = None,
    replace: Annotated[int | None, typer.Option(help="Replace this page id with the one image, "
                                                     "as a new version")] = None,
    photo: Annotated[str, typer.Option(help=PHOTO_HELP)] = "auto",
    strict: Annotated[bool, typer.Option("--strict", help="Import nothing if a file is bad "
                                                         "(exit 2 naming it)")] = False,
    wait: Annotated[bool, typer.Option("--wait/--no-wait")] = True,
) -> None:
    """Add pages made from FILES to a book (or replace one page)."""
    from backoffice.database import session_scope
    from backoffice.errors import NotFound
    from backoffice.features.book.service import get_ebook
    from backoffice.features.uploads import service

    settings = settings_or_exit()
    if photo not in ("auto", "yes", "no"):
        fail("--photo: must be auto, yes or no")
    if position is not None and position < 1:
        fail("--position: must be at least 1")
    uploads = _read(files)
    migrate(settings)
    try:
        with session_scope(settings) as session:
            art_px = service.art_size_for(get_ebook(session, ebook_id))
    except NotFound as exc:
        fail(str(exc))
    batch = _stage(settings, uploads, art_px)
    _warn(settings, batch, strict)

    def make(session: Any) -> tuple[int, int]:
        if replace is not None:
            job = service.replace_page(session, ebook_id, replace, batch, photo=photo,  # type: ignore[arg-type]
                                       strict=strict, actor="cli")
        else:
            job = service.add_pages(session, ebook_id, batch, position=position,
                                    photo=photo, strict=strict, actor="cli")  # type: ignore[arg-type]
        return ebook_id, job.id

    _run(settings, make, wait=wait)
