"""Every job failure ends in a state a user can see and act on (issue 18): a full disk
(a real tmpfs), a decompression bomb from the image service, a book saved but never
queued (its process killed in between), a generation that keeps dying, a stuck queue."""

from __future__ import annotations

import html
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update

from backoffice.config import DEFAULT_CONFIG_DIR, Settings
from backoffice.database import session_scope
from backoffice.features.creation import service as creation
from backoffice.features.creation.schemas import EbookCreate
from backoffice.features.generation.sweeper import sweep
from backoffice.main import create_app
from backoffice.models import GenerationJob, PageVersion
from backoffice.queue import defer
from tests.conftest import EDITOR_EMAIL, login, make_user
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.server import serve
from tests.helpers import BOOK, wait_for_job
from tests.outage import fill, small_disk


def _versions(settings, job_id: int) -> dict[int, list[int]]:
    with session_scope(settings) as session:
        rows = session.execute(select(PageVersion.page_id, PageVersion.id).where(
            PageVersion.generation_job_id == job_id)).all()
    found: dict[int, list[int]] = {}
    for page_id, version_id in rows:
        found.setdefault(page_id, []).append(version_id)
    return found


def _signed_in(settings: Settings) -> TestClient:
    make_user(settings, EDITOR_EMAIL, "editor")
    client = TestClient(create_app(settings))
    client.__enter__()  # the lifespan: the in-process worker runs
    login(client, EDITOR_EMAIL)
    return client


def test_a_full_disk_fails_visibly_and_a_retry_resumes(settings, tmp_path) -> None:
    with small_disk(tmp_path / "disk", "12m") as disk:
        filler = fill(disk, leave_bytes=600_000)
        full = settings.model_copy(update={"data_dir": disk / "data", "job_retries": 1})
        client = _signed_in(full)
        try:
            ebook_id = client.post("/api/ebooks", json=BOOK).json()["ebook"]["id"]
            book = wait_for_job(client, ebook_id, timeout=180)
            job = book["job"]
            assert job["status"] == "failed", job
            assert job["fault"] == "disk_full" and "the disk is full" in job["error"]
            assert job["failed_page_id"] in {p["id"] for p in book["pages"]}

            page = html.unescape(client.get(f"/ebooks/{ebook_id}").text)
            assert "Le disque est plein. Libérez de l'espace, puis relancez." in page
            assert f"/ebooks/{ebook_id}/jobs/{job['id']}/retry" in page
            assert "La génération a échoué ici" in page  # on the card of the page
            before = _versions(full, job["id"])

            filler.unlink()  # space is freed: the retry resumes where it stopped
            retried = client.post(f"/api/ebooks/{ebook_id}/jobs/{job['id']}/retry")
            assert retried.status_code == 202 and retried.json()["status"] == "queued"
            again = client.post(f"/api/ebooks/{ebook_id}/jobs/{job['id']}/retry")
            assert again.status_code == 409
            book = wait_for_job(client, ebook_id, timeout=300)
            assert book["job"]["status"] == "succeeded", book["job"]
            assert book["job"]["fault"] is None and book["job"]["error"] is None
            after = _versions(full, job["id"])
            assert len(after) == 26 and all(len(ids) == 1 for ids in after.values())
            assert all(after[page_id] == ids for page_id, ids in before.items())
        finally:
            client.__exit__(None, None, None)


def _openrouter_config(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    options = "{connect_timeout: 2, read_timeout: 20, backoff_base: 0.01, backoff_cap: 0.05}"
    (config / "generation" / "models.yml").write_text("\n".join(
        f"{kind}:\n  provider: openrouter\n  model: google/gemini-2.5-flash-image\n"
        f"  options: {options}\n" for kind in ("cover", "coloring_page", "back_cover")))
    return config


def test_a_decompression_bomb_from_the_provider_fails_the_book_visibly(settings,
                                                                       tmp_path) -> None:
    fake = FakeOpenRouter().then(*["bomb"] * 40)
    with serve(fake.app) as url:
        ai = settings.model_copy(update={
            "config_dir": _openrouter_config(tmp_path), "openrouter_api_key": fake.api_key,
            "openrouter_base_url": url + "/api/v1"})
        client = _signed_in(ai)
        try:
            ebook_id = client.post("/api/ebooks", json=BOOK).json()["ebook"]["id"]
            job = wait_for_job(client, ebook_id, timeout=120)["job"]
            assert job["status"] == "failed" and job["fault"] == "provider", job
            assert "too large to open safely" in job["error"]
            page = html.unescape(client.get(f"/ebooks/{ebook_id}").text)
            assert "Le service d'images a refusé ou échoué" in page
            # Not retried over and over: one request per page in flight, then it stopped.
            assert len(fake.requests) <= ai.worker_concurrency + 2
        finally:
            client.__exit__(None, None, None)


def test_a_book_saved_but_never_queued_is_queued_again(settings) -> None:
    """The process killed between saving the book and queueing its job: the rows are
    committed, the queue has nothing. Replayed by committing without deferring."""
    quick = settings.model_copy(update={"sweep_after_seconds": 1.0})
    with session_scope(quick) as session:  # commits, but never defers what it enqueued
        ebook, job = creation.create_ebook(session, quick, EbookCreate(**BOOK))
        ebook_id, job_id = ebook.id, job.id
    with session_scope(quick) as session:
        assert session.execute(text("SELECT count(*) FROM procrastinate_jobs")).scalar() == 0
    client = _signed_in(quick)
    try:
        book = wait_for_job(client, ebook_id, timeout=300)
        assert book["job"]["status"] == "succeeded", book["job"]
        with session_scope(quick) as session:
            assert session.get(GenerationJob, job_id).requeues == 1
        assert len(_versions(quick, job_id)) == 26
    finally:
        client.__exit__(None, None, None)


def test_a_book_the_queue_refused_is_created_and_starts_once_the_queue_is_back(
        settings) -> None:
    """The commit succeeds, then the queue refuses the job (its defer function gone):
    the creation still answers 202 (a 503 would invite a second identical book), the
    job waits "queued", and the sweeper queues it once the queue works again."""
    quick = settings.model_copy(update={"sweep_after_seconds": 1.0})
    defer_jobs = "procrastinate_defer_jobs_v1(procrastinate_job_to_defer_v1[])"
    client = _signed_in(quick)
    try:
        with session_scope(quick) as session:
            session.execute(text(f"ALTER FUNCTION {defer_jobs} RENAME TO broken_defer"))
        try:
            created = client.post("/api/ebooks", json=BOOK)
            assert created.status_code == 202, created.text
            assert created.json()["job"]["status"] == "queued"
            ebook_id, job_id = created.json()["ebook"]["id"], created.json()["job"]["id"]
        finally:
            with session_scope(quick) as session:
                session.execute(text("ALTER FUNCTION broken_defer("
                                     "procrastinate_job_to_defer_v1[]) RENAME TO "
                                     "procrastinate_defer_jobs_v1"))
        deadline = time.monotonic() + 120
        while client.get(f"/api/ebooks/{ebook_id}").json()["job"]["done"] < 1:
            assert time.monotonic() < deadline, "the refused job never started"
            time.sleep(0.5)
        cancelled = client.post(f"/api/ebooks/{ebook_id}/jobs/{job_id}/cancel")
        assert cancelled.status_code == 200  # enough: it runs; stop drawing the rest
    finally:
        client.__exit__(None, None, None)


def test_a_generation_that_keeps_dying_ends_failed_not_running(settings) -> None:
    with session_scope(settings) as session:
        ebook, job = creation.create_ebook(session, settings, EbookCreate(**BOOK))
        job.requeues = settings.max_requeues
        job_id = job.id
    with session_scope(settings) as session:  # quiet for longer than the sweeper waits
        session.execute(update(GenerationJob).values(
            updated_at=func.now() - timedelta(seconds=settings.sweep_after_seconds + 1)))
    sweep(settings)
    with session_scope(settings) as session:
        job = session.get(GenerationJob, job_id)
        assert (job.status, job.fault) == ("failed", "stalled")
        assert "stopped 4 times without finishing" in job.error


def test_readyz_reports_a_stuck_queue(settings) -> None:
    external = settings.model_copy(update={"worker": "external", "stuck_after_seconds": 1.0,
                                           "sweep_after_seconds": 1.0})
    probe = TestClient(create_app(external))
    assert probe.get("/readyz").json()["queue"] == "ok"
    defer(external, "ebook.generate", generation_job_id=999_999)
    time.sleep(1.5)
    ready = probe.get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["worker"] == "external: none alive"
    assert re.fullmatch(r"stuck: 1 job\(s\) waiting for more than 1 s with none running",
                        body["queue"]), body

    with session_scope(external) as session:  # a generation with nothing queued for it
        session.execute(text("DELETE FROM procrastinate_jobs"))
        creation.create_ebook(session, external, EbookCreate(**BOOK))
        session.execute(update(GenerationJob).values(
            updated_at=func.now() - timedelta(seconds=60)))
    assert "generation(s) with nothing queued" in probe.get("/readyz").json()["queue"]


def test_a_file_that_breaks_in_the_job_fails_it_naming_the_file(settings) -> None:
    """A stored upload that cannot be read when its page is made (it passed the upload's
    check, then broke) fails the job at once, not retried, naming the file. Replayed by
    holding the job back (the queue refuses it), damaging the stored file, then letting
    the sweeper queue it."""
    from backoffice.storage import get_storage
    from tests import upload_files as uf

    quick = settings.model_copy(update={"sweep_after_seconds": 1.0})
    defer_jobs = "procrastinate_defer_jobs_v1(procrastinate_job_to_defer_v1[])"
    client = _signed_in(quick)
    try:
        with session_scope(quick) as session:
            session.execute(text(f"ALTER FUNCTION {defer_jobs} RENAME TO broken_defer"))
        try:
            created = client.post(
                "/api/ebooks/import", data={"title": "Mes dessins", "author": "Léa"},
                files=[("files", ("chat.png", uf.encode(uf.line_art(4)),
                                  "application/octet-stream"))])
            assert created.status_code == 202, created.text
            ebook_id, job_id = created.json()["ebook"]["id"], created.json()["job"]["id"]
            with session_scope(quick) as session:
                job = session.get(GenerationJob, job_id)
                keys = [source["key"] for source in job.params["sources"].values()]
            storage = get_storage(quick)
            for key in keys:
                storage.path(key).write_bytes(b"\x89PNG\r\n\x1a\n damaged")
        finally:
            with session_scope(quick) as session:
                session.execute(text("ALTER FUNCTION broken_defer("
                                     "procrastinate_job_to_defer_v1[]) RENAME TO "
                                     "procrastinate_defer_jobs_v1"))
        book = wait_for_job(client, ebook_id, timeout=180)
        job = book["job"]
        assert job["status"] == "failed" and job["fault"] == "file", job
        assert "chat.png" in job["error"] and job["failed_page_id"] is not None
        page = html.unescape(client.get(f"/ebooks/{ebook_id}").text)
        assert "Un de vos fichiers est inutilisable." in page
    finally:
        client.__exit__(None, None, None)
