"""A bounded local cache of objects kept elsewhere (S3): the PDF builders, the preflight,
PIL and the bundle read local files, and a machine reads the same pages many times while
it assembles a book.

Stored objects never change (a key always means the same bytes), so a cached copy never
goes stale and needs no invalidation. Files are written whole (temp file, then rename),
so processes sharing a data folder share the cache safely.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from backoffice.storage.filesystem import atomic_write
from backoffice.storage.protocol import parse_key

# A file used this recently is never evicted, even past the bound: a builder may hold the
# paths of a whole book's pages while it lays them out.
IN_USE_SECONDS = 600.0


class ReadThroughCache:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self._bytes: int | None = None  # counted on first use, then kept up to date
        self._lock = threading.Lock()

    def _file(self, key: str) -> Path:
        stem, _ = parse_key(key)
        return self.root / stem[:2] / key

    def lookup(self, key: str) -> Path | None:
        """The cached file, marked as just used; None when not cached."""
        cached = self._file(key)
        try:
            os.utime(cached)
        except FileNotFoundError:
            return None
        return cached

    def store(self, key: str, writer: Callable[[Path], object],
              before_keeping: Callable[[Path], object] | None = None) -> Path:
        """Write the object into the cache. `before_keeping(tmp)` runs on the complete
        temp file before it is kept (the upload, for new objects): if it fails, nothing
        is cached."""
        target = self._file(key)

        def write(tmp: Path) -> None:
            writer(tmp)
            if before_keeping is not None:
                before_keeping(tmp)

        atomic_write(target, write)
        self._added(target.stat().st_size)
        return target

    def _added(self, size: int) -> None:
        with self._lock:
            if self._bytes is None:
                self._bytes = self._count()
            else:
                self._bytes += size
            if self._bytes > self.max_bytes:
                self._bytes = self._evict()

    def _entries(self) -> list[tuple[float, int, Path]]:
        entries = []
        if self.root.is_dir():
            for folder in self.root.iterdir():
                if not folder.is_dir():
                    continue
                for entry in os.scandir(folder):
                    try:
                        info = entry.stat()
                    except FileNotFoundError:  # removed by another process meanwhile
                        continue
                    entries.append((info.st_mtime, info.st_size, Path(entry.path)))
        return entries

    def _count(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def _evict(self) -> int:
        """Remove the least recently used files until the cache fits; returns its size."""
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        recent = time.time() - IN_USE_SECONDS
        for used, size, path in entries:
            if total <= self.max_bytes or used > recent:
                break
            path.unlink(missing_ok=True)
            total -= size
        return total
