"""Stopping the server (issue 18): SIGTERM (systemd, docker) and SIGINT (Ctrl+C) both stop
the embedded PostgreSQL, and a stale list of its users (a process killed outright) never
keeps it running. A real `backoffice serve` with its own embedded PostgreSQL 16."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from tests.live_server import live_server


@pytest.fixture
def data_dir():
    # Short: the embedded server's Unix socket may live under it.
    path = Path(tempfile.mkdtemp(prefix="bo-stop-"))
    yield path
    for proc in psutil.process_iter(["name", "cmdline"]):  # never leave one behind
        if proc.info["name"] == "postgres" and str(path) in " ".join(
                proc.info["cmdline"] or []):
            proc.kill()
    shutil.rmtree(path, ignore_errors=True)


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "BACKOFFICE_DATA_DIR": str(data_dir), "BACKOFFICE_LANGUAGE": "en"}
    env.pop("DATABASE_URL", None)
    return env


def _postmaster(data_dir: Path) -> int:
    return int((data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])


def _handles(data_dir: Path) -> list[int]:
    listed = data_dir / "pgdata" / ".handle_pids.json"
    return json.loads(listed.read_text() or "[]") if listed.exists() else []


def _gone(pid: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _serve_then(data_dir: Path, tmp_path: Path, signum: int) -> int:
    """Start `backoffice serve` on the embedded database, stop it with `signum`; returns
    the postmaster's pid (which must be gone)."""
    with live_server(_env(data_dir), tmp_path / f"serve-{signum}.log", startup=240) as server:
        postmaster = _postmaster(data_dir)
        assert psutil.pid_exists(postmaster)
        assert server.process.pid in _handles(data_dir)
        server.process.send_signal(signum)
        code = server.process.wait(timeout=90)
        assert code == 0, server.output()[-2000:]
        assert "Backoffice stopped." in server.output()
    return postmaster


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_embedded_postgres(data_dir, tmp_path, signum) -> None:
    postmaster = _serve_then(data_dir, tmp_path, signum)
    assert _gone(postmaster), "PostgreSQL is still running after the server stopped"
    assert _handles(data_dir) == []


def test_a_stale_list_of_users_does_not_keep_postgres_running(data_dir, tmp_path) -> None:
    # A server killed outright (SIGKILL, OOM) leaves PostgreSQL running and its pid listed.
    with live_server(_env(data_dir), tmp_path / "killed.log", startup=240) as server:
        orphan = _postmaster(data_dir)
        server.process.kill()
        server.process.wait()
    assert psutil.pid_exists(orphan) and _handles(data_dir) == [server.process.pid]
    # Also a pid of some other process that has since ended.
    ended = subprocess.Popen(["true"])
    ended.wait()
    listed = data_dir / "pgdata" / ".handle_pids.json"
    listed.write_text(json.dumps([server.process.pid, ended.pid]))

    postmaster = _serve_then(data_dir, tmp_path, signal.SIGINT)  # joins the orphan server
    assert postmaster == orphan
    assert _gone(postmaster), "the stale list kept PostgreSQL running"
    assert _handles(data_dir) == []
