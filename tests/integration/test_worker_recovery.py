"""A worker killed mid-book: another worker picks the book up and finishes it without
regenerating the pages that were already done."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import select

from backoffice.database import session_scope
from backoffice.features.creation import service
from backoffice.features.creation.schemas import EbookCreate
from backoffice.models import GenerationJob, PageVersion
from backoffice.queue import transaction
from tests.helpers import BOOK


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "backoffice", "worker"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _job(settings, job_id: int) -> tuple[str, int]:
    with session_scope(settings) as session:
        job = session.get(GenerationJob, job_id)
        return job.status, job.done


def _versions(settings, job_id: int) -> dict[int, list[int]]:
    with session_scope(settings) as session:
        rows = session.execute(select(PageVersion.page_id, PageVersion.id).where(
            PageVersion.generation_job_id == job_id)).all()
    result: dict[int, list[int]] = {}
    for page_id, version_id in rows:
        result.setdefault(page_id, []).append(version_id)
    return result


def test_killed_worker_is_recovered_and_done_pages_are_kept(settings) -> None:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "BACKOFFICE_DATA_DIR": str(settings.data_dir), "BACKOFFICE_WORKER_CONCURRENCY": "1",
           "BACKOFFICE_HEARTBEAT_SECONDS": "0.5", "BACKOFFICE_STALLED_AFTER_SECONDS": "3"}
    with transaction(settings) as session:  # queues the generation once committed
        _, job = service.create_ebook(session, settings, EbookCreate(**BOOK), actor="test")
        job_id = job.id

    first = _worker(env)
    try:
        deadline = time.monotonic() + 120
        while _job(settings, job_id)[1] < 5:
            assert time.monotonic() < deadline, "the first worker made no progress"
            assert first.poll() is None, "the first worker exited on its own"
            time.sleep(0.1)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()

    before = _versions(settings, job_id)
    status, done = _job(settings, job_id)
    assert status == "running" and 5 <= done < 27

    second = _worker(env)
    try:
        deadline = time.monotonic() + 180
        while _job(settings, job_id)[0] != "succeeded":
            assert time.monotonic() < deadline, f"not recovered: {_job(settings, job_id)}"
            assert second.poll() is None, "the second worker exited"
            time.sleep(0.3)
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()

    after = _versions(settings, job_id)
    assert len(after) == 26  # every page of the book has its version
    assert all(len(ids) == 1 for ids in after.values()), "a page was generated twice"
    for page_id, ids in before.items():
        assert after[page_id] == ids, "a page done before the kill was regenerated"
