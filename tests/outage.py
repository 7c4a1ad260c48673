"""Real faults for the fault tests: a database that refuses every connection, a disk that
is full. Nothing is mocked: PostgreSQL itself refuses, the kernel itself says ENOSPC."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def block_database(admin_url: str, name: str) -> None:
    """The database goes away: new connections are refused and open ones are cut, as
    when the server stops (psycopg raises OperationalError either way)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))


def unblock_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


@contextlib.contextmanager
def database_outage(admin_url: str, database_url: str) -> Iterator[None]:
    name = database_name(database_url)
    block_database(admin_url, name)
    try:
        yield
    finally:
        unblock_database(admin_url, name)


@contextlib.contextmanager
def small_disk(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `path` (root only; the test is skipped otherwise)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(path: Path, leave_bytes: int) -> Path:
    """Fill the filesystem of `path` but `leave_bytes`; returns the filler file."""
    filler = path / "filler.bin"
    free = shutil.disk_usage(path).free
    with filler.open("wb") as handle:
        remaining = max(0, free - leave_bytes)
        block = b"\0" * (1024 * 1024)
        while remaining > 0:
            written = handle.write(block[:min(len(block), remaining)])
            remaining -= written
    return filler
