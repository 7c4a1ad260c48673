"""File storage keyed by content hash (see protocol.py), in a registry of real stores:
`filesystem` (the default, under <data dir>/files) and `s3` (any S3-compatible service,
so that workers on other machines share the pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from backoffice.storage.filesystem import FileSystemStorage
from backoffice.storage.protocol import (
    ALLOWED_SUFFIXES,
    ObjectMissing,
    ObjectStream,
    Storage,
    StorageConfigError,
    StorageError,
    is_key,
    media_type,
    parse_key,
)

if TYPE_CHECKING:
    from backoffice.config import Settings

__all__ = ["ALLOWED_SUFFIXES", "STORAGES", "FileSystemStorage", "ObjectMissing", "ObjectStream",
           "Storage", "StorageConfigError", "StorageError", "get_storage", "is_key",
           "media_type", "parse_key"]


def _filesystem(settings: Settings) -> Storage:
    return FileSystemStorage(settings.storage_dir)


def _s3(settings: Settings) -> Storage:
    from backoffice.storage.s3 import S3Storage

    return S3Storage.from_settings(settings)


# Keyed by BACKOFFICE_STORAGE.
STORAGES: dict[str, Callable[[Settings], Storage]] = {"filesystem": _filesystem, "s3": _s3}
_OPEN: dict[tuple[object, ...], Storage] = {}


def get_storage(settings: Settings, kind: str | None = None) -> Storage:
    """The store the settings choose (or `kind`), one instance per configuration: an S3
    client is costly to make and safe to share between threads."""
    kind = kind or settings.storage
    identity = (kind, settings.data_dir.resolve(), *settings.s3_identity())
    store = _OPEN.get(identity)
    if store is None:
        store = _OPEN[identity] = STORAGES[kind](settings)
    return store

