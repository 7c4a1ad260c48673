"""Input errors that name the field, turned into 422 / form messages / CLI exit 2."""

from __future__ import annotations


class InvalidInput(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class NotFound(LookupError):
    pass


class Conflict(ValueError):
    """The request is valid but the book's state forbids it (e.g. an illegal transition)."""
