"""Zips of pages, opened without trusting them.

The central directory is checked before a byte is extracted: no path may leave the
archive (absolute, `..`, drive letters, backslashes), no entry may be encrypted or a
link, the number of files and their declared total size are capped. Extraction then
counts real bytes, so a lying header cannot expand past the cap either (zip bombs).
Folders, hidden files and macOS metadata are skipped; files come in natural name order
("2.png" before "10.png"), which is the order of the book.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from backoffice.art.imports.errors import (
    FILE_TOO_LARGE,
    ZIP_DAMAGED,
    ZIP_ENCRYPTED,
    ZIP_NO_IMAGES,
    ZIP_OUTSIDE,
    ZIP_TOO_LARGE,
    ZIP_TOO_MANY,
    BadFile,
)

CHUNK = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    max_files: int = 500
    max_total_bytes: int = 1024 << 20
    max_file_bytes: int = 200 << 20


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """"page 2" before "page 10"; case-insensitive otherwise."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower())
                 for part in re.split(r"(\d+)", name) if part)


def _skipped(path: PurePosixPath) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in path.parts) \
        or path.name.lower() in ("thumbs.db", "desktop.ini")


def _safe_path(name: str) -> PurePosixPath:
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        raise BadFile(ZIP_OUTSIDE, path=name[:80])
    path = PurePosixPath(name)
    if any(part == ".." for part in path.parts):
        raise BadFile(ZIP_OUTSIDE, path=name[:80])
    return path


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def members(archive: zipfile.ZipFile, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The files to import, checked and in book order; refuses the whole archive on the
    first sign of trouble."""
    infos = archive.infolist()
    chosen: list[zipfile.ZipInfo] = []
    declared = 0
    for info in infos:
        path = _safe_path(info.filename)
        if info.is_dir() or _skipped(path):
            continue
        if info.flag_bits & 0x1:
            raise BadFile(ZIP_ENCRYPTED)
        if _is_link(info):
            raise BadFile(ZIP_OUTSIDE, path=info.filename[:80])
        chosen.append(info)
        if len(chosen) > limits.max_files:
            raise BadFile(ZIP_TOO_MANY, limit=limits.max_files)
        declared += info.file_size
        if declared > limits.max_total_bytes:
            raise BadFile(ZIP_TOO_LARGE, limit=limits.max_total_bytes >> 20)
    if not chosen:
        raise BadFile(ZIP_NO_IMAGES)
    return sorted(chosen, key=lambda i: natural_key(i.filename))


def entries(source: IO[bytes], limits: ZipLimits
            ) -> Iterator[tuple[str, bytes | BadFile]]:
    """(name inside the archive, its bytes) one at a time, or a BadFile for an entry
    that is too large alone. Archive-wide problems raise BadFile before anything is
    yielded, except a total that only real extraction reveals (raised mid-way)."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BadFile(ZIP_DAMAGED) from None
    with archive:
        try:
            chosen = members(archive, limits)
        except BadFile:
            raise
        except (zipfile.BadZipFile, ValueError, EOFError):
            raise BadFile(ZIP_DAMAGED) from None
        total = 0
        for info in chosen:
            if info.file_size > limits.max_file_bytes:
                yield info.filename, BadFile(FILE_TOO_LARGE, limit=limits.max_file_bytes >> 20)
                continue
            parts: list[bytes] = []
            size = 0
            try:
                with archive.open(info) as handle:
                    while chunk := handle.read(CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > info.file_size or total > limits.max_total_bytes:
                            # More bytes than the header said: a crafted archive.
                            raise BadFile(ZIP_TOO_LARGE, limit=limits.max_total_bytes >> 20)
                        parts.append(chunk)
            except BadFile:
                raise
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                raise BadFile(ZIP_DAMAGED) from None
            yield info.filename, b"".join(parts)
