"""The `backoffice` command: serve, worker, db, book, users, providers, storage."""

from __future__ import annotations

import sys

import typer

from backoffice.cli import imports
from backoffice.cli.books import book_app
from backoffice.cli.providers import providers_app
from backoffice.cli.storage import storage_app
from backoffice.cli.system import db_app, register_system_commands
from backoffice.cli.users import users_app
from backoffice.config import SettingsError
from backoffice.storage import StorageConfigError, StorageError

app = typer.Typer(help="Backoffice: create, review and export KDP coloring books.",
                  no_args_is_help=True, add_completion=False)
register_system_commands(app)
app.add_typer(db_app, name="db")
imports.register(book_app)
app.add_typer(book_app, name="book")
app.add_typer(users_app, name="users")
app.add_typer(providers_app, name="providers")
app.add_typer(storage_app, name="storage")


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except (SettingsError, StorageConfigError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except StorageError as exc:
        # Any command that reads or writes files (book import, export...) when the store
        # fails after its own retries: one line, not a traceback; nothing half-written
        # is recorded, since keys are stored before the database points at them.
        hint = "; try again" if exc.retryable else ""
        typer.echo(f"error: {exc}{hint}", err=True)
        sys.exit(1)
