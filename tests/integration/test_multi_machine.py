"""Three machines with no shared disk: two `backoffice worker` processes and a web server,
each with its own data folder, sharing only the database URL and an S3 endpoint (a local
server speaking the S3 protocol). The workers draw one book together; the web server,
which never saw their disks, shows it and exports it."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pikepdf
from sqlalchemy import select

from backoffice.database import session_scope
from backoffice.models import Page, PageVersion
from tests.conftest import ADMIN_EMAIL, login, make_user
from tests.helpers import BOOK, wait_for_job

MACHINES = ("worker-a", "worker-b", "web")


def _env(settings, s3_env: dict[str, str], data_dir: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("AWS_", "BACKOFFICE_", "DATABASE_URL"))}
    return {**base, **s3_env, "DATABASE_URL": settings.database_url,
            "BACKOFFICE_DATA_DIR": str(data_dir), "BACKOFFICE_WORKER": "external",
            "BACKOFFICE_WORKER_CONCURRENCY": "1", "BACKOFFICE_HEARTBEAT_SECONDS": "1",
            "BACKOFFICE_STALLED_AFTER_SECONDS": "20", **extra}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert process.poll() is None, f"the web server exited: {log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.3)


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _cached(data_dir: Path, key: str) -> Path:
    return data_dir / "cache" / "s3" / key[:2] / key


def test_two_workers_and_a_web_server_make_one_book_through_s3(settings, s3_server,
                                                              tmp_path: Path) -> None:
    bucket = s3_server.new_bucket()
    s3_env = s3_server.env(bucket)
    folders = {name: tmp_path / name for name in MACHINES}
    make_user(settings, ADMIN_EMAIL, "admin")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    logs = {name: tmp_path / f"{name}.log" for name in MACHINES}
    processes: list[subprocess.Popen] = []
    try:
        for name in ("worker-a", "worker-b"):
            with logs[name].open("w") as log:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "backoffice", "worker", "--name", name],
                    env=_env(settings, s3_env, folders[name]), stdout=log,
                    stderr=subprocess.STDOUT))
        # The web server exports in English where the workers' default is French: its
        # interior differs from the one they assembled, so it builds it itself, from
        # the pages in the bucket.
        with logs["web"].open("w") as log:
            web = subprocess.Popen(
                [sys.executable, "-m", "backoffice", "serve", "--host", "127.0.0.1",
                 "--port", str(port)],
                env=_env(settings, s3_env, folders["web"], BACKOFFICE_LANGUAGE="en"),
                stdout=log, stderr=subprocess.STDOUT)
        processes.append(web)
        _wait_until_serving(url, web, logs["web"])

        with httpx.Client(base_url=url, timeout=120) as client:
            login(client, ADMIN_EMAIL)
            created = client.post("/api/ebooks", json={**BOOK, "title": "Trois machines"})
            assert created.status_code == 202, created.text
            ebook_id = created.json()["ebook"]["id"]
            book = wait_for_job(client, ebook_id, timeout=600)
            assert book["job"]["status"] == "succeeded", book["job"]
            for process, name in zip(processes, MACHINES, strict=True):
                assert process.poll() is None, f"{name} exited: {logs[name].read_text()}"

            drawn = {name: {int(page): key for page, key in re.findall(
                r"page (\d+) drawn, stored as (\S+)", logs[name].read_text())}
                for name in ("worker-a", "worker-b")}
            with session_scope(settings) as session:
                current = dict(session.execute(
                    select(Page.id, PageVersion.image_key).join(
                        PageVersion, Page.current_version_id == PageVersion.id)
                    .where(Page.ebook_id == ebook_id)).all())
            assert drawn["worker-a"] and drawn["worker-b"], "both workers drew pages"
            assert {**drawn["worker-a"], **drawn["worker-b"]} == current
            a_page, a_key = next(iter(drawn["worker-a"].items()))
            assert _cached(folders["worker-a"], a_key).is_file()
            assert not _cached(folders["web"], a_key).exists()

            # The web server shows the book and a page drawn on worker A.
            shown = client.get(f"/ebooks/{ebook_id}")
            assert shown.status_code == 200 and "Trois machines" in shown.text
            image = client.get(f"/ebooks/{ebook_id}/pages/{a_page}/image.png?w=300")
            assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"

            exported = client.post(f"/api/ebooks/{ebook_id}/export")
            assert exported.status_code == 200 and exported.json()["passed"], exported.text
            bundle = client.get(f"/api/ebooks/{ebook_id}/bundle.zip")
            assert bundle.status_code == 200, bundle.text
            interior = client.get(f"/api/ebooks/{ebook_id}/interior.pdf")
            assert interior.status_code == 200 and interior.content.startswith(b"%PDF")
    finally:
        _stop(processes)

    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        names = archive.namelist()
        inside = next(n for n in names if n.endswith("-interior.pdf"))
        assert archive.read(inside) == interior.content
        assert any(n.endswith("-cover.pdf") for n in names)
    with pikepdf.open(io.BytesIO(interior.content)) as pdf:
        assert len(pdf.pages) == exported.json()["interior_pages"]
    # The web server built that interior from every content page, each fetched from the
    # bucket into its own cache: pages drawn by both workers, on disks it never saw.
    with session_scope(settings) as session:
        content_keys = session.scalars(select(PageVersion.image_key).join(
            Page, Page.current_version_id == PageVersion.id).where(
            Page.ebook_id == ebook_id, Page.kind == "content")).all()
    assert len(content_keys) == BOOK["page_count"]
    for key in content_keys:
        assert _cached(folders["web"], key).is_file()
    assert _cached(folders["web"], a_key).read_bytes() == \
        _cached(folders["worker-a"], a_key).read_bytes()
    # No machine kept anything in a files/ folder of its own.
    assert not any((folders[name] / "files").exists() for name in MACHINES)
