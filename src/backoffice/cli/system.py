"""Running the product: `serve`, `worker`, `db migrate`, `db status`."""

from __future__ import annotations

import logging
import signal
from typing import Annotated

import typer

from backoffice.cli.support import check_config, database_url, fail, migrate, settings_or_exit

db_app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)


def _stop_on_signals() -> None:
    """SIGTERM (systemd, docker) and SIGINT (Ctrl+C) both end the process through
    Python, so the `finally` below stops the embedded PostgreSQL. (uvicorn handles them
    first for a graceful shutdown, then raises the signal again: by default SIGTERM then
    killed the process outright and left PostgreSQL running.)"""

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, leave)


def serve(host: Annotated[str | None, typer.Option(help="Default: HOST or 127.0.0.1")] = None,
          port: Annotated[int | None, typer.Option(help="Default: PORT or 8001")] = None) -> None:
    """Migrate the database, then serve the web app (with the in-process worker)."""
    import uvicorn

    from backoffice.database import stop_embedded_servers
    from backoffice.main import create_app

    _stop_on_signals()
    settings = settings_or_exit()
    try:
        check_config(settings)
        migrate(settings)
        host, port = host or settings.host, port or settings.port
        typer.echo(f"Backoffice on http://{host}:{port}  (worker: {settings.worker})")
        web_app = create_app(settings)
        web_app.state.public_url = f"http://{host}:{port}"  # for the first-run setup link
        # X-Forwarded-* are read by the app itself, from BACKOFFICE_TRUSTED_PROXIES
        # only: uvicorn's own reading (which trusts 127.0.0.1 by default) is off.
        uvicorn.run(web_app, host=host, port=port, log_level="info", proxy_headers=False,
                    forwarded_allow_ips="")
    finally:
        stop_embedded_servers()
        typer.echo("Backoffice stopped.")


def worker(name: Annotated[str | None, typer.Option(help="Worker name in the queue")] = None,
           ) -> None:
    """Run a standalone worker (on this or any machine sharing the database). It rides
    out database outages (reconnecting with backoff) and stops on SIGTERM or Ctrl+C,
    letting running jobs finish for up to 10 s."""
    from backoffice.database import stop_embedded_servers
    from backoffice.supervisor import run_until_signalled

    _stop_on_signals()
    settings = settings_or_exit()
    try:
        check_config(settings)
        migrate(settings)
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s %(message)s")
        typer.echo(f"worker started (concurrency {settings.worker_concurrency})")
        run_until_signalled(settings, name=name or "worker")
    finally:
        stop_embedded_servers()
        typer.echo("worker stopped.")


def register_system_commands(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply every pending migration."""
    from backoffice import migrate as migrations

    settings = settings_or_exit()
    migrate(settings)
    current, head = migrations.status(database_url(settings))
    typer.echo(f"database at revision {current} (head {head})")


@db_app.command("status")
def db_status() -> None:
    """Show the database's revision and the code's head revision."""
    from backoffice import migrate as migrations
    from backoffice.adoption import AdoptionRefused, describe, survey_url

    settings = settings_or_exit()
    url = database_url(settings)
    try:
        found = survey_url(url)
    except AdoptionRefused as exc:
        fail(str(exc))
    current, head = migrations.status(url)
    if found.kind == "legacy":
        typer.echo(f"{describe(found)}\nhead:    {head}")
        return
    state = "up to date" if current == head else "migrations pending: run `backoffice db migrate`"
    typer.echo(f"current: {current or '(empty database)'}\nhead:    {head}\n{state}")
    if describe(found):
        typer.echo(describe(found))
