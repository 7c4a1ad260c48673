"""Domain errors, raised by services and mapped once: to HTTP by web/error_handlers.py
(HTML and JSON alike) and to exit code 2 by the CLI.

Messages are English catalog msgids with their values kept apart (`Message`), so the web
shows them in the reader's language while the API, the CLI and the logs read English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Marks a message for the catalogs; whoever shows it translates it."""
    return message


@dataclass(frozen=True)
class Message:
    """A catalog msgid and its values: English by `str()`, any language by `translate`.
    A value may itself be a Message, or a list of them (joined with "; ")."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.translate(lambda text: text)

    def translate(self, gettext: Callable[[str], str]) -> str:
        text = gettext(self.msgid)
        if not self.params:
            return text
        return text % {key: _value(value, gettext) for key, value in self.params.items()}


def _value(value: object, gettext: Callable[[str], str]) -> object:
    if isinstance(value, Message):
        return value.translate(gettext)
    if isinstance(value, Mapping) and "msgid" in value:
        # A Message stored as JSON (a preflight report's rule) and read back.
        return Message(str(value["msgid"]), value.get("params") or {}).translate(gettext)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(_value(item, gettext)) for item in value)
    return value


def message(msgid: str, **params: object) -> Message:
    return Message(msgid, params)


class DomainError(Exception):
    def __init__(self, msgid: str, **params: object) -> None:
        self.message = Message(msgid, params)
        super().__init__(str(self.message))
        self.msgid = msgid
        self.params = params


class NotFound(DomainError, LookupError):
    """The book, page, version or job does not exist (or not in this book): 404."""


class Conflict(DomainError, ValueError):
    """The request is valid but the book's state forbids it (an illegal transition, a
    running generation, a failing preflight): 409."""


class RejectedFiles(ValueError):
    """Uploaded files that cannot be used, each named with what is wrong with it (a
    catalog msgid and its values): 422 listing them, and nothing was changed."""

    def __init__(self, rejected: list[tuple[str, str, dict[str, object]]]) -> None:
        super().__init__("; ".join(f"{name}: {msgid % params if params else msgid}"
                                   for name, msgid, params in rejected))
        self.rejected = rejected


class InvalidInput(ValueError):
    """Field → message: 422 naming the field, or the form shows it beside it.

    A message is a msgid (marked with N_) or a `Message` with values; `errors` holds the
    English text (API, CLI, logs), `messages` what to translate for a person."""

    def __init__(self, errors: Mapping[str, str | Message]) -> None:
        self.messages = {name: text if isinstance(text, Message) else Message(text)
                         for name, text in errors.items()}
        self.errors = {name: str(text) for name, text in self.messages.items()}
        super().__init__("; ".join(f"{name}: {text}" for name, text in self.errors.items()))

    @classmethod
    def field(cls, name: str, msgid: str, **params: object) -> InvalidInput:
        return cls({name: Message(msgid, params)})
