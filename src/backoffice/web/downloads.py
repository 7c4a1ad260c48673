"""Downloads: safe names (titles are untrusted and may hold quotes, slashes or any script)
and stored files served as downloads.

A book's files carry the same name everywhere: the PDF downloads of the book page and
the members of its KDP bundle (kdp.bundle.safe_filename)."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response, StreamingResponse

from backoffice.kdp.bundle import safe_filename
from backoffice.storage import Storage, media_type


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


def stored_file(storage: Storage, key: str, *, disposition: str) -> Response:
    """A stored file as a download: a redirect to the store's presigned URL where it has
    one (the bytes then never pass through the app), else streamed in chunks. Never
    cached: a book's download URLs stay the same while their files change."""
    media = media_type(key)
    url = storage.download_url(key, media_type=media, disposition=disposition)
    if url is not None:
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    stream = storage.open(key)
    return StreamingResponse(stream.chunks, media_type=media, headers={
        "Content-Length": str(stream.size), "Content-Disposition": disposition,
        "Cache-Control": "no-store"})
