"""The storage protocol, its errors and its keys. Files are keyed by content hash, so
identical bytes are stored once and a key never points at different content.

Two real stores share one protocol: `filesystem` (the default, under <data dir>/files) and
`s3` (any S3-compatible service, so workers on other machines share the pages). Callers
never assume a store is local: `path(key)` hands them a local file to READ (on S3, a copy
in a bounded read-through cache), `put_file` lets a builder write a temp file that is then
stored, and `open` streams a download without a local copy.

Keys are `<sha256 hex><suffix>`. Images and uploads are keyed by the hash of their bytes
(`put`); derived files (PDFs, bundles, thumbnails, previews) by a hash of their inputs
(`put_file`), so a changed input can never be served a stale file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# Uploaded originals keep their kind (features/uploads: .jpg .webp .tif .svg); covers
# uploaded as they were made (CMYK JPEG, TIFF) are kept untouched too.
ALLOWED_SUFFIXES = frozenset({".png", ".pdf", ".zip", ".json", ".jpg", ".webp", ".tif",
                              ".svg"})
MEDIA_TYPES = {".png": "image/png", ".pdf": "application/pdf", ".zip": "application/zip",
               ".json": "application/json", ".jpg": "image/jpeg", ".webp": "image/webp",
               ".tif": "image/tiff", ".svg": "image/svg+xml"}
CHUNK_BYTES = 1024 * 1024


class StorageError(Exception):
    """The store could not be read or written. `retryable`: the same call may succeed
    later (a network fault, a busy service), as opposed to a refusal or a bad setting."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class ObjectMissing(StorageError, FileNotFoundError):
    """No object under this key (a FileNotFoundError too, as a local file would be)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored object {key}", retryable=False)
        self.key = key


class StorageConfigError(ValueError):
    """A setting that keeps the store from working; the message names the setting."""


@dataclass(frozen=True)
class ObjectStream:
    """A stored object read in chunks, for downloads served by the app."""

    size: int
    chunks: Iterator[bytes]


class Storage(Protocol):
    """What every store does. Objects are never changed once written (same key, same
    meaning), so any copy of one (a cache, another machine's) is as good as the original."""

    kind: str

    def put(self, data: bytes, suffix: str) -> str:
        """Store bytes under the sha256 of their content; returns the key."""
        ...

    def put_file(self, key: str, writer: Callable[[Path], object], *,
                 replace: bool = False) -> str:
        """Store what `writer` writes at a local temp path under `key` (derived files,
        keyed by their inputs); skipped when the key exists, unless `replace`."""
        ...

    def write_verified(self, key: str, source: Path, sha256: str) -> None:
        """Store a local file under `key`, replacing any object there, then read the
        stored bytes back: StorageError unless they hash to `sha256` (storage copy)."""
        ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def path(self, key: str) -> Path:
        """A local file holding the object, for reading only (never write to it)."""
        ...

    def open(self, key: str) -> ObjectStream:
        """The object in chunks, without keeping a local copy."""
        ...

    def download_url(self, key: str, *, media_type: str, disposition: str) -> str | None:
        """A URL the browser may fetch the object from directly (a presigned S3 URL), or
        None when the app serves it."""
        ...

    def sha256(self, key: str) -> str | None:
        """The sha256 of the stored bytes (recorded at upload, or computed), or None when
        the object is missing."""
        ...

    def keys(self) -> Iterator[str]:
        """Every stored key (for `backoffice storage copy`)."""
        ...

    def check(self) -> None:
        """At start-up: raise StorageConfigError, naming the setting, when the store cannot
        be used."""
        ...


def parse_key(key: str) -> tuple[str, str]:
    """(hex stem, suffix) of a valid key; ValueError for anything else (a key is part of
    paths and object names, so nothing else may get through)."""
    stem, dot, suffix = key.partition(".")
    if (not dot or not stem.isalnum() or not stem.isascii() or "." + suffix
            not in ALLOWED_SUFFIXES):
        raise ValueError(f"invalid storage key {key!r}")
    return stem, "." + suffix


def is_key(name: str) -> bool:
    try:
        parse_key(name)
    except ValueError:
        return False
    return True


def media_type(key: str) -> str:
    return MEDIA_TYPES[parse_key(key)[1]]
