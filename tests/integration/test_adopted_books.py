"""Books adopted from the previous system, in the web app: marked when short of pages,
refused for export and publishing until pages are added, their old PDF offered."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests import legacy_db
from tests.legacy_db import LegacyBook, libpq


@pytest.fixture
def settings(empty_db_url: str, tmp_path: Path):
    """Overrides conftest's: a database of the previous system, adopted."""
    from backoffice.adoption import migrate_database
    from backoffice.config import Settings
    from backoffice.storage import get_storage

    legacy_db.build(empty_db_url, [
        LegacyBook("Dinosaures rigolos", content_pages=8),
        LegacyBook("L’été des licornes 🦄", status="APPROVED", theme_id="unicorns",
                   content_pages=24),
    ], token_rows=3, image_rows=0)
    settings = Settings(DATABASE_URL=libpq(empty_db_url), BACKOFFICE_DATA_DIR=tmp_path / "data",
                        BACKOFFICE_WORKER_CONCURRENCY=1, BACKOFFICE_HEARTBEAT_SECONDS=1,
                        BACKOFFICE_STALLED_AFTER_SECONDS=4)
    outcome = migrate_database(empty_db_url, storage=get_storage(settings),
                               themes_dir=settings.themes_dir)
    assert outcome.imported is not None and outcome.imported.books == 2
    return settings


def _ids(settings) -> dict[str, int]:
    with psycopg.connect(settings.database_url) as conn:
        return {title: ebook_id for ebook_id, title in conn.execute(
            "SELECT id, title FROM ebooks")}


def test_a_short_book_says_how_many_pages_to_add_and_is_not_exported(client, settings
                                                                      ) -> None:
    short = _ids(settings)["Dinosaures rigolos"]
    page = client.get(f"/ebooks/{short}")
    assert page.status_code == 200
    assert "Ajouter 16 pages" in page.text
    assert "ajouter 16 pages avant de l" in page.text
    assert 'value="16"' in page.text  # the add-pages form proposes exactly that
    assert f"/ebooks/{short}/legacy.pdf" in page.text and "PDF de l" in page.text
    assert "ajouter 16 pages" in client.get("/").text

    api = client.get(f"/api/ebooks/{short}").json()
    assert (api["pages_to_add"], api["legacy_ebook_id"], api["page_count"]) == (16, 1, 8)

    for response in (client.post(f"/api/ebooks/{short}/export"),
                     client.get(f"/api/ebooks/{short}/interior.pdf"),
                     client.get(f"/api/ebooks/{short}/cover.pdf")):
        assert response.status_code == 409, response.text
        assert "add 16 pages" in response.text
    assert client.post(f"/api/ebooks/{short}/approve").status_code == 200
    published = client.post(f"/api/ebooks/{short}/publish")
    assert published.status_code == 409 and "add 16 pages" in published.text


def test_the_previous_systems_pdf_is_served_as_it_was(client, settings) -> None:
    short = _ids(settings)["Dinosaures rigolos"]
    with psycopg.connect(settings.database_url) as conn:
        kept = conn.execute("SELECT ebook_bytes FROM legacy.ebooks WHERE id = 1").fetchone()[0]
    response = client.get(f"/ebooks/{short}/legacy.pdf")
    assert response.status_code == 200 and response.content == kept
    assert response.headers["content-type"] == "application/pdf"
    assert "ancien" in response.headers["content-disposition"]

    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA legacy CASCADE")  # a team may drop it once satisfied
    assert client.get(f"/ebooks/{short}/legacy.pdf").status_code == 404
    assert "legacy.pdf" not in client.get(f"/ebooks/{short}").text


def test_a_whole_imported_book_exports_and_passes_the_preflight(client, settings) -> None:
    whole = _ids(settings)["L’été des licornes 🦄"]
    book = client.get(f"/api/ebooks/{whole}").json()
    assert book["pages_to_add"] == 0 and book["status"] == "APPROVED"
    # The cleaned 1-bit versions are current: the interior can be built.
    assert {p["model"] for p in book["pages"] if p["kind"] == "content"} == {
        "previous system, cleaned to 1-bit line art"}
    export = client.post(f"/api/ebooks/{whole}/export")
    assert export.status_code == 200, export.text
    report = export.json()
    failing = [rule for rule in report["rules"] if not rule["passed"]]
    assert report["passed"], failing
    assert report["interior_pages"] == 50


def test_book_list_and_export_in_the_cli(settings, tmp_path: Path) -> None:
    from tests.integration.test_cli import run

    listed = run(settings, "book", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Dinosaures rigolos — Generated  [ajouter 16 pages]" in listed.stdout
    assert "L’été des licornes 🦄 — Generated\n" in listed.stdout
    short = _ids(settings)["Dinosaures rigolos"]
    refused = run(settings, "book", "export", str(short), "--out", str(tmp_path / "out"))
    assert refused.returncode == 2 and "add 16 pages" in refused.stderr
