"""The database goes away and comes back (issue 18): the web app answers a 503 that says
so, HTML or JSON, from the sign-in lookup onwards, and recovers by itself; a book being
drawn through the outage finishes, by the in-process worker or a standalone one, which
never exits on its own. The outage is real: PostgreSQL refuses every connection to the
database and cuts the open ones (tests/outage.py)."""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import select

from backoffice.database import session_scope
from backoffice.features.creation import service as creation
from backoffice.features.creation.schemas import EbookCreate
from backoffice.models import GenerationJob, PageVersion
from backoffice.queue import transaction
from tests.helpers import BOOK, wait_for_job
from tests.outage import database_outage

# Longer than every timeout on the way (pool waits, heartbeats, stalled-worker delays).
STANDALONE_OUTAGE_SECONDS = float(os.environ.get("BO_TEST_OUTAGE_SECONDS", "45"))


def test_the_web_app_answers_503_while_the_database_is_away_and_recovers(
        client, pg_admin_url, settings) -> None:
    token_page = client.post("/account/tokens", data={"name": "script"}).text
    token = token_page.split('<code id="new-token">')[1].split("<")[0]
    with database_outage(pg_admin_url, settings.database_url):
        api = client.get("/api/ebooks")
        assert api.status_code == 503 and api.headers["retry-after"]
        assert api.json() == {"detail": "the database is unavailable; try again in a moment"}
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
        assert "La base de données est injoignable pour le moment" in html.unescape(page.text)
        scripted = client.get("/api/me", headers={"Authorization": f"Bearer {token}"},
                              cookies={})
        assert scripted.status_code == 503
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"].startswith("error")
    # Back by itself: no restart, the pools find the database again.
    deadline = time.monotonic() + 30
    while client.get("/api/ebooks").status_code != 200:
        assert time.monotonic() < deadline, "the app did not recover"
        time.sleep(0.5)
    assert client.get("/").status_code == 200


def _progress(settings, job_id: int) -> tuple[str, int]:
    with session_scope(settings) as session:
        job = session.get(GenerationJob, job_id)
        return job.status, job.done


def _wait_for_progress(settings, job_id: int, done: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while _progress(settings, job_id)[1] < done:
        assert time.monotonic() < deadline, f"no progress: {_progress(settings, job_id)}"
        time.sleep(0.2)


def _one_version_per_page(settings, job_id: int) -> None:
    with session_scope(settings) as session:
        pages = list(session.scalars(select(PageVersion.page_id).where(
            PageVersion.generation_job_id == job_id)))
    assert len(pages) == 26 and len(set(pages)) == 26, "a page was drawn twice or not at all"


def test_a_book_drawn_through_an_outage_by_the_in_process_worker_finishes(
        client, pg_admin_url, settings) -> None:
    """Used to stay "running" for ever at 24/27 after a 35-second outage."""
    ebook_id = client.post("/api/ebooks", json=BOOK).json()["ebook"]["id"]
    job_id = client.get(f"/api/ebooks/{ebook_id}").json()["job"]["id"]
    _wait_for_progress(settings, job_id, 4)
    with database_outage(pg_admin_url, settings.database_url):
        time.sleep(20)
    book = wait_for_job(client, ebook_id, timeout=300)
    assert book["job"]["status"] == "succeeded", book["job"]
    _one_version_per_page(settings, job_id)


def test_the_standalone_worker_rides_out_an_outage_and_finishes_the_book(
        settings, pg_admin_url, tmp_path) -> None:
    """`backoffice worker` used to exit about 92 s into an outage, for good."""
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "BACKOFFICE_DATA_DIR": str(settings.data_dir),
           "BACKOFFICE_HEARTBEAT_SECONDS": "1", "BACKOFFICE_STALLED_AFTER_SECONDS": "4",
           "BACKOFFICE_SWEEP_AFTER_SECONDS": "10"}
    log = tmp_path / "worker.log"
    with transaction(settings) as session:
        _, job = creation.create_ebook(session, settings, EbookCreate(**BOOK))
        job_id = job.id
    with log.open("wb") as sink:
        worker = subprocess.Popen([sys.executable, "-m", "backoffice", "worker"], env=env,
                                  stdout=sink, stderr=subprocess.STDOUT)
    try:
        _wait_for_progress(settings, job_id, 4)
        with database_outage(pg_admin_url, settings.database_url):
            deadline = time.monotonic() + STANDALONE_OUTAGE_SECONDS
            while time.monotonic() < deadline:
                assert worker.poll() is None, "the worker exited during the outage:\n" + \
                    log.read_text(errors="replace")[-3000:]
                time.sleep(1)
        deadline = time.monotonic() + 300
        while _progress(settings, job_id)[0] != "succeeded":
            status = _progress(settings, job_id)
            assert status[0] in ("queued", "running"), status
            assert time.monotonic() < deadline, f"not finished after the outage: {status}"
            assert worker.poll() is None, "the worker exited after the outage"
            time.sleep(0.5)
        _one_version_per_page(settings, job_id)
        output = log.read_text(errors="replace")
        assert "starting it again" in output  # it noticed, and came back by itself
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            raise
    assert code == 0, log.read_text(errors="replace")[-2000:]
