"""Domain errors, raised by services and mapped once: to HTTP by web/error_handlers.py
(HTML and JSON alike) and to exit code 2 by the CLI.

Messages are English catalog msgids with their values kept apart, so the web shows them
in the reader's language while the API, the CLI and the logs read English.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message for the catalogs; whoever shows it translates it."""
    return message


class DomainError(Exception):
    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


class NotFound(DomainError, LookupError):
    """The book, page, version or job does not exist (or not in this book): 404."""


class Conflict(DomainError, ValueError):
    """The request is valid but the book's state forbids it (an illegal transition, a
    running generation, a failing preflight): 409."""


class InvalidInput(ValueError):
    """Field → message (English); 422 naming the field, or the form shows it beside it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors
