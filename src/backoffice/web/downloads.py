"""Safe download names: titles are untrusted and may hold quotes, slashes or any script.

A book's files carry the same name everywhere: the PDF downloads of the book page and
the members of its KDP bundle (kdp.bundle.safe_filename)."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from backoffice.kdp.bundle import safe_filename


def ascii_filename(title: str, suffix: str) -> str:
    """The plain-ASCII fallback of the same name, for clients without RFC 5987."""
    name = safe_filename(title) + suffix
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name if ascii_name.strip("-.") != suffix.strip("-.") else "book" + suffix


def content_disposition(title: str, suffix: str, *, inline: bool = False) -> str:
    """RFC 6266 with an RFC 5987 UTF-8 name, so accents and other scripts survive."""
    kind = "inline" if inline else "attachment"
    return (f'{kind}; filename="{ascii_filename(title, suffix)}"; '
            f"filename*=UTF-8''{quote(safe_filename(title) + suffix, safe='')}")
