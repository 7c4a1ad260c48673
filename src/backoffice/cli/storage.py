"""`backoffice storage`: check the configured store; copy every object between stores."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import typer

from backoffice.cli.support import fail, settings_or_exit

storage_app = typer.Typer(help="Where pages and files are kept (filesystem or S3).",
                          no_args_is_help=True)
Kind = Literal["filesystem", "s3"]


@storage_app.command("check")
def storage_check() -> None:
    """Check that the configured store can be read and written."""
    from backoffice.storage import StorageConfigError, get_storage

    settings = settings_or_exit()
    try:
        get_storage(settings).check()
    except StorageConfigError as exc:
        fail(str(exc))
    where = (f"bucket {settings.s3_bucket} at {settings.s3_endpoint_url or 'AWS S3'}"
             if settings.storage == "s3" else str(settings.storage_dir))
    typer.echo(f"storage {settings.storage}: {where}: ok")


@storage_app.command("copy")
def storage_copy(
    to: Annotated[str, typer.Option("--to", help="The store to copy into: s3 or filesystem "
                                    "(the other one is read)")],
) -> None:
    """Copy every stored object into the other store (verified by sha256, resumable).

    Run it again to resume or retry. The source is left as it was: once it is done, set
    BACKOFFICE_STORAGE to the target on every machine."""
    from backoffice.storage import StorageConfigError, get_storage
    from backoffice.storage.copy import copy_objects

    if to not in ("s3", "filesystem"):
        fail("--to: must be s3 or filesystem")
    source_kind: Kind = "filesystem" if to == "s3" else "s3"
    settings = settings_or_exit()
    try:
        source, target = get_storage(settings, source_kind), get_storage(settings, to)
        source.check()
        target.check()
    except StorageConfigError as exc:
        fail(str(exc))
    progress = CopyProgress()
    with progress:
        report = copy_objects(source, target, workdir=settings.data_dir / "tmp" / "copy",
                              on_progress=progress)
    for line in report.lines():
        typer.echo(line, err=line.startswith("FAILED"))
    if report.failed:
        typer.echo(f"error: {len(report.failed)} objects were not copied; run the same "
                   "command again to retry them", err=True)
        raise typer.Exit(1)
    typer.echo(f"done: set BACKOFFICE_STORAGE={to} on every machine to use the copy")


class CopyProgress:
    """A progress bar on stderr: objects done of all, megabytes copied, the current key."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> CopyProgress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(TextColumn("copying"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[mb]:.1f} MB {task.fields[key]}"),
                                  console=Console(stderr=True))
        self._progress.start()
        self._task = self._progress.add_task("copy", total=None, mb=0.0, key="")
        return self

    def __call__(self, done: int, total: int, copied_bytes: int, key: str) -> None:
        self._progress.update(self._task, completed=done, total=total,
                              mb=copied_bytes / 1e6, key=key[:16])

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()
