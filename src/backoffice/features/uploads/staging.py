"""One upload's files, judged before anything is written: each file (or each file of a
zip) is checked by art/imports and, when usable, stored by content hash for the job.

Storing the good files early is harmless: a key nothing points at is never read, and
the same bytes uploaded again get the same key. The database is only touched by the
service afterwards, in the request's one transaction.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from backoffice.art.imports import archive, files
from backoffice.art.imports.errors import (
    FILE_TOO_LARGE,
    TOO_MANY_FILES,
    ZIP_NESTED,
    BadFile,
)
from backoffice.art.imports.page import PhotoMode
from backoffice.config import Settings
from backoffice.storage import get_storage

SUFFIXES = {"png": ".png", "jpeg": ".jpg", "webp": ".webp", "tiff": ".tif", "pdf": ".pdf",
            "svg": ".svg"}
MAX_NAME = 120


@dataclass(frozen=True)
class Accepted:
    name: str
    key: str
    format: str
    pages: int
    size_px: tuple[int, int] | None
    dpi: int | None

    @property
    def upscaled(self) -> bool:
        return self.dpi is not None and self.dpi < files.PRINT_DPI


@dataclass(frozen=True)
class Rejected:
    name: str
    msgid: str
    params: dict[str, Any]

    def as_tuple(self) -> tuple[str, str, dict[str, object]]:
        return self.name, self.msgid, dict(self.params)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.name, "msgid": self.msgid, "params": self.params}

    @property
    def english(self) -> str:
        return self.msgid % self.params if self.params else self.msgid


@dataclass
class Batch:
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(item.pages for item in self.accepted)

    def sources(self, photo: PhotoMode) -> list[dict[str, Any]]:
        """One entry per page to make, in book order (the files' pages in turn)."""
        return [{"key": item.key, "name": item.name, "format": item.format, "frame": frame,
                 "photo": photo}
                for item in self.accepted for frame in range(item.pages)]


def display_name(raw: str) -> str:
    """A file's name as shown and stored: its path inside a zip kept, control characters
    dropped, shortened from the left (the end says the most)."""
    name = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.replace("\\", "/").split()).strip("/") or "?"
    return name if len(name) <= MAX_NAME else "…" + name[-(MAX_NAME - 1):]


def limits(settings: Settings) -> tuple[files.Limits, archive.ZipLimits]:
    return (files.Limits(max_pixels=settings.upload_max_megapixels * 1_000_000),
            archive.ZipLimits(max_files=settings.upload_max_files,
                              max_total_bytes=int(settings.upload_max_unzipped_mb * 2**20),
                              max_file_bytes=settings.max_upload_bytes))


def stage(settings: Settings, uploads: Iterable[tuple[str, bytes | Callable[[], bytes]]],
          art_px: tuple[int, int],
          on_progress: Callable[[int, str], None] | None = None) -> Batch:
    """Judge every file, in natural name order, zips opened in place (a zip refused as a
    whole counts as one bad file, and none of its files are taken). A file may be given
    as a function reading it, so a large folder is never in memory all at once."""
    image_limits, zip_limits = limits(settings)
    storage = get_storage(settings)
    batch = Batch()
    ordered = sorted(((display_name(name), data) for name, data in uploads),
                     key=lambda item: archive.natural_key(item[0]))
    seen = 0

    def judge(into: Batch, name: str, data: bytes | BadFile) -> None:
        nonlocal seen
        seen += 1
        if on_progress is not None:
            on_progress(seen, name)
        if seen > settings.upload_max_files:
            raise _TooMany(BadFile(TOO_MANY_FILES, limit=settings.upload_max_files))
        try:
            if isinstance(data, BadFile):
                raise data
            if len(data) > settings.max_upload_bytes:
                raise BadFile(FILE_TOO_LARGE, limit=round(settings.max_upload_mb))
            found = files.inspect(data, art_px, image_limits)
        except BadFile as exc:
            into.rejected.append(Rejected(name, exc.msgid, dict(exc.params)))
            return
        key = storage.put(data, SUFFIXES[found.format])
        into.accepted.append(Accepted(name, key, found.format, found.pages, found.size_px,
                                      found.dpi))

    try:
        for name, given in ordered:
            data = given() if callable(given) else given
            if files.sniff(data) != "zip":
                judge(batch, name, data)
                continue
            inside = Batch()
            try:
                for entry, content in archive.entries(io.BytesIO(data), zip_limits):
                    if not isinstance(content, BadFile) and files.sniff(content) == "zip":
                        content = BadFile(ZIP_NESTED)
                    judge(inside, display_name(f"{name}/{entry}"), content)
            except BadFile as exc:
                inside = Batch(rejected=[Rejected(name, exc.msgid, dict(exc.params))])
            batch.accepted += inside.accepted
            batch.rejected += inside.rejected
    except _TooMany as too_many:
        bad = too_many.args[0]
        return Batch(rejected=[Rejected("—", bad.msgid, dict(bad.params))])
    return batch


class _TooMany(Exception):
    """Stops the whole upload, past any zip's own handling."""
