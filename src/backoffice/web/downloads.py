"""Safe download names: titles are untrusted and may hold quotes, slashes or any script."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_filename(title: str, suffix: str, fallback: str = "ebook") -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("_", ascii_title).strip("._-")[:80] or fallback
    return stem + suffix


def content_disposition(title: str, suffix: str, *, inline: bool = False) -> str:
    """RFC 6266 with an RFC 5987 UTF-8 name, so `’`, quotes and accents survive."""
    kind = "inline" if inline else "attachment"
    utf8_name = "".join(ch for ch in title if ch not in '/\\"' and unicodedata.category(ch)[0]
                        != "C").strip() or "ebook"
    return (f'{kind}; filename="{ascii_filename(title, suffix)}"; '
            f"filename*=UTF-8''{quote(utf8_name[:120] + suffix, safe='')}")
