"""Field messages in the reader's language. The API keeps pydantic's English messages;
forms show these, next to the field."""

from __future__ import annotations

from collections.abc import Callable

from backoffice.errors import N_, InvalidInput
from backoffice.kdp.fonts import UNPRINTABLE_PREFIX

_BY_TYPE = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("At most %(max_length)s characters."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "greater_than_equal": N_("Must be at least %(ge)s."),
    "less_than_equal": N_("Must be at most %(le)s."),
    "literal_error": N_("Choose one of the listed values."),
    "bool_parsing": N_("Choose yes or no."),
}

# Our own validators' English messages, by how they start.
_BY_PREFIX = (
    ("must not be empty", N_("This field is required.")),
    ("must be one of", N_("Choose one of the listed values.")),
    ("ISBN", N_("Not a valid ISBN-13: 13 digits starting with 978 or 979, with a correct "
                "check digit.")),
)


def field_messages(gettext: Callable[[str], str], exc: InvalidInput) -> dict[str, str]:
    """A service's InvalidInput, field by field, in the reader's language."""
    return {name: text.translate(gettext) for name, text in exc.messages.items()}


def localize(gettext: Callable[[str], str], error: dict) -> str:
    """One pydantic error (from `ValidationError.errors()`) as a sentence for a person."""
    kind = error.get("type", "")
    if kind == "value_error":
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        if message.startswith(UNPRINTABLE_PREFIX):
            return gettext(N_("The cover fonts cannot print these characters: %(chars)s. "
                              "Remove or replace them.")) % {
                "chars": message.removeprefix(UNPRINTABLE_PREFIX)}
        for prefix, msgid in _BY_PREFIX:
            if message.startswith(prefix):
                return gettext(msgid)
        return message
    known = _BY_TYPE.get(kind)
    if known is None:
        return str(error.get("msg", ""))
    return gettext(known) % {k: v for k, v in (error.get("ctx") or {}).items()}
