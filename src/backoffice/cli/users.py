"""`backoffice users ...`: account administration for whoever runs commands on the server.

The CLI needs no login: it acts with the database credentials of the machine it runs on,
which already give full access, so a password prompt would protect nothing."""

from __future__ import annotations

import sys
from getpass import getpass
from typing import Annotated

import typer

from backoffice.cli.support import migrate, settings_or_exit

users_app = typer.Typer(help="Accounts: create and list users.", no_args_is_help=True)
OPTION_NAMES = {"email": "--email", "role": "--role", "password": "password"}


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass("Password: ")
        if first != getpass("Password (again): "):
            _fail("password: the two entries differ")
        return first
    # Scripts pipe it: `printf '%s\n' "$PW" | backoffice users create ...`
    return sys.stdin.readline().rstrip("\r\n")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Sign-in email")],
    role: Annotated[str, typer.Option(help="admin or editor")],
) -> None:
    """Create an account; the password is asked on the terminal (or read from stdin)."""
    from backoffice.database import session_scope
    from backoffice.errors import InvalidInput
    from backoffice.features.accounts import service
    from backoffice.models import USER_ROLES

    if role not in USER_ROLES:
        _fail(f"--role: must be one of {', '.join(USER_ROLES)}")
    try:
        service.normalize_email(email)
    except InvalidInput as exc:
        _fail(f"--email: {exc.errors['email']}")
    password = _read_password()
    settings = settings_or_exit()
    migrate(settings)
    try:
        with session_scope(settings) as session:
            user = service.create_user(session, email=email, role=role, password=password,
                                       actor="cli")
            user_id, user_email = user.id, user.email
    except InvalidInput as exc:
        field, message = next(iter(exc.errors.items()))
        _fail(f"{OPTION_NAMES.get(field, field)}: {message}")
    typer.echo(f"created {role} {user_email} (id {user_id})")


@users_app.command("list")
def users_list() -> None:
    """List accounts."""
    from backoffice.database import session_scope
    from backoffice.features.accounts import service

    settings = settings_or_exit()
    migrate(settings)
    with session_scope(settings) as session:
        for user in service.list_users(session):
            state = "active" if user.is_active else "deactivated"
            typer.echo(f"{user.id:>4}  {user.role:<7} {state:<12} {user.email}")
