"""File storage keyed by content hash, so identical bytes are stored once and a
key never points at different content."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

# Uploaded originals keep their kind (features/uploads: .jpg .webp .tif .svg); covers
# uploaded as they were made (CMYK JPEG, TIFF) are kept untouched too.
_ALLOWED_SUFFIXES = {".png", ".pdf", ".zip", ".json", ".jpg", ".webp", ".tif", ".svg"}


class Storage(Protocol):
    def put(self, data: bytes, suffix: str) -> str: ...
    def get(self, key: str) -> bytes: ...
    def path(self, key: str) -> Path: ...
    def exists(self, key: str) -> bool: ...
    def put_file(self, key: str, writer: Callable[[Path], object]) -> str: ...


class FileSystemStorage:
    """Files under <data dir>/files/<first two hex chars>/<key>."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def key_for(data: bytes, suffix: str) -> str:
        return hashlib.sha256(data).hexdigest() + suffix

    def path(self, key: str) -> Path:
        stem, dot, suffix = key.partition(".")
        if not stem.isalnum() or ("." + suffix) not in _ALLOWED_SUFFIXES or "/" in key:
            raise ValueError(f"invalid storage key {key!r}")
        return self.root / stem[:2] / key

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, data: bytes, suffix: str) -> str:
        key = self.key_for(data, suffix)
        target = self.path(key)
        if not target.is_file():
            self._atomic_write(target, lambda tmp: tmp.write_bytes(data))
        return key

    def put_file(self, key: str, writer: Callable[[Path], object]) -> str:
        """Store what `writer` writes at a temp path under `key` (for derived files such
        as PDFs, whose key is the hash of their inputs rather than of their bytes)."""
        target = self.path(key)
        if not target.is_file():
            self._atomic_write(target, writer)
        return key

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    @staticmethod
    def _atomic_write(target: Path, writer: Callable[[Path], object]) -> None:
        # Write then rename, so a reader (or a killed worker) never sees half a file.
        target.parent.mkdir(parents=True, exist_ok=True)
        # Keep the real suffix last: writers such as PIL pick the format from it.
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".tmp" + target.suffix)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            writer(tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


STORAGES: dict[str, Callable[[Path], Storage]] = {"filesystem": FileSystemStorage}


def get_storage(root: Path, kind: str = "filesystem") -> Storage:
    return STORAGES[kind](root)
