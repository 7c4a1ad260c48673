"""The default store: files under <data dir>/files/<first two hex chars>/<key>, on one
machine (or a disk every machine mounts)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from backoffice.storage.protocol import (
    CHUNK_BYTES,
    ObjectMissing,
    ObjectStream,
    StorageConfigError,
    StorageError,
    is_key,
    parse_key,
)


class FileSystemStorage:
    kind = "filesystem"

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def key_for(data: bytes, suffix: str) -> str:
        return hashlib.sha256(data).hexdigest() + suffix

    def _file(self, key: str) -> Path:
        stem, _ = parse_key(key)
        return self.root / stem[:2] / key

    def path(self, key: str) -> Path:
        target = self._file(key)
        if not target.is_file():
            raise ObjectMissing(key)
        return target

    def exists(self, key: str) -> bool:
        return self._file(key).is_file()

    def put(self, data: bytes, suffix: str) -> str:
        key = self.key_for(data, suffix)
        target = self._file(key)
        if not target.is_file():
            atomic_write(target, lambda tmp: tmp.write_bytes(data))
        return key

    def put_file(self, key: str, writer: Callable[[Path], object], *,
                 replace: bool = False) -> str:
        target = self._file(key)
        if replace or not target.is_file():
            atomic_write(target, writer)
        return key

    def write_verified(self, key: str, source: Path, sha256: str) -> None:
        target = self._file(key)
        atomic_write(target, lambda tmp: shutil.copyfile(source, tmp))
        if file_sha256(target) != sha256:
            raise StorageError(f"{key}: the copy written under {self.root} does not match "
                               "the original's sha256", retryable=True)

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def open(self, key: str) -> ObjectStream:
        source = self.path(key)
        return ObjectStream(source.stat().st_size, read_chunks(source))

    def download_url(self, key: str, *, media_type: str, disposition: str) -> str | None:
        return None  # served by the app

    def sha256(self, key: str) -> str | None:
        target = self._file(key)
        return file_sha256(target) if target.is_file() else None

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir():
                # Temp files of writes in progress (or killed) are not keys.
                yield from (entry.name for entry in sorted(folder.iterdir())
                            if is_key(entry.name) and entry.is_file())

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".check-"):
                pass
        except OSError as exc:
            raise StorageConfigError(
                f"BACKOFFICE_DATA_DIR: cannot write files under {self.root} "
                f"({exc.strerror or exc})") from None


def atomic_write(target: Path, writer: Callable[[Path], object]) -> None:
    """Write then rename, so a reader (or a killed worker) never sees half a file."""
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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        yield from iter(lambda: source.read(CHUNK_BYTES), b"")
