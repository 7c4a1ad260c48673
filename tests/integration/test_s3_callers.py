"""What main's features store go through the s3 store too, never this machine's files/
folder: uploaded originals (kept in their own format) and the pages made from them, and
the images of books adopted from the previous system. Another machine, with a data folder
of its own, reads every one of them from the bucket."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice.storage.cache import ReadThroughCache
from backoffice.storage.s3 import S3Storage
from tests import legacy_db
from tests import upload_files as uf
from tests.helpers import wait_for_job
from tests.legacy_db import LegacyBook, libpq


@pytest.fixture
def settings(settings, s3_server, monkeypatch):
    """Overrides conftest's: the s3 store, on a fresh bucket of the local S3 server."""
    from backoffice.config import Settings

    env = s3_server.env(s3_server.new_bucket())
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, env[name])
    return Settings(**{**settings.model_dump(by_alias=True),
                       **{k: v for k, v in env.items() if k.startswith("BACKOFFICE_")}})


def _other_machine(settings, tmp_path: Path) -> S3Storage:
    """The same bucket seen from a machine that never shared this one's disk."""
    return S3Storage(bucket=settings.s3_bucket, prefix=settings.s3_prefix,
                     endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
                     cache=ReadThroughCache(tmp_path / "elsewhere", 64 << 20))


def _bucket_keys(settings, tmp_path: Path) -> set[str]:
    return set(_other_machine(settings, tmp_path).keys())


def test_an_imported_zip_is_stored_in_the_bucket_and_read_elsewhere(client, settings,
                                                                    tmp_path) -> None:
    from backoffice.database import session_scope
    from backoffice.models import Page, PageVersion

    jpeg = uf.encode(uf.scan_of(uf.line_art(3)), "JPEG")
    archive = uf.zip_of({"dessins/1.png": uf.encode(uf.line_art(1)),
                         "dessins/2.jpg": jpeg, "dessins/3.svg": uf.SVG})
    response = client.post("/api/ebooks/import",
                           files=[("files", ("dessins.zip", archive, "application/zip"))],
                           data={"title": "Dans le seau", "author": "Léa",
                                 "trim_size": "6x9", "audience": "children"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert [f["file"] for f in body["accepted"]] == [
        "dessins.zip/dessins/1.png", "dessins.zip/dessins/2.jpg", "dessins.zip/dessins/3.svg"]
    ebook_id = body["ebook"]["id"]
    book = wait_for_job(client, ebook_id)
    # A scan may end in needs_review under the children's gate: a page is made either way.
    assert book["job"]["status"] in ("succeeded", "needs_review"), book["job"]

    keys = _bucket_keys(settings, tmp_path)
    # The originals, by hash and in their own format: the worker that made the pages read
    # them from the bucket.
    assert any(k.endswith(".jpg") for k in keys) and any(k.endswith(".svg") for k in keys)
    with session_scope(settings) as session:
        images = session.scalars(select(PageVersion.image_key).join(
            Page, Page.current_version_id == PageVersion.id).where(
            Page.ebook_id == ebook_id)).all()
    assert len(images) == 5  # three pages, the cover and its back
    assert set(images) <= keys
    assert not settings.storage_dir.exists(), "nothing is kept in this machine's files/"

    elsewhere = _other_machine(settings, tmp_path)
    for key in images:
        assert elsewhere.get(key).startswith(b"\x89PNG")
    content = [p for p in book["pages"] if p["kind"] == "content"]
    thumbnail = client.get(content[1]["image_url"])
    assert thumbnail.status_code == 200 and thumbnail.content.startswith(b"\x89PNG")


def test_adopted_images_are_copied_into_the_bucket(settings, empty_db_url: str,
                                                   tmp_path) -> None:
    from backoffice.adoption import migrate_database
    from backoffice.config import Settings
    from backoffice.database import session_scope
    from backoffice.models import PageVersion
    from backoffice.storage import get_storage

    legacy_db.build(empty_db_url, [LegacyBook("Dinosaures rigolos", content_pages=3)],
                    token_rows=1, image_rows=0)
    adopted = Settings(**{**settings.model_dump(by_alias=True),
                          "DATABASE_URL": libpq(empty_db_url)})
    outcome = migrate_database(empty_db_url, storage=get_storage(adopted),
                               themes_dir=adopted.themes_dir)
    assert outcome.imported is not None and outcome.imported.books == 1

    with session_scope(adopted) as session:
        images = set(session.scalars(select(PageVersion.image_key)).all())
    assert len(images) >= 3
    assert images <= _bucket_keys(adopted, tmp_path)
    assert not adopted.storage_dir.exists()
    elsewhere = _other_machine(adopted, tmp_path)
    assert all(elsewhere.get(key).startswith(b"\x89PNG") for key in images)
