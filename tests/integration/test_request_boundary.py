"""The request's one transaction commits before the response is sent: when the commit
itself fails, the client hears an error, never a success that did not happen.

The commit is made to fail for real: deferred constraint triggers raise a serialization
failure at COMMIT time (as a concurrent transaction can), after the route has run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from tests.helpers import BOOK, wait_for_job

TABLES = ("ebooks", "pages", "page_versions", "status_changes", "exports")


@contextmanager
def commits_fail(settings) -> Iterator[None]:
    url = settings.database_url
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("""
            CREATE OR REPLACE FUNCTION test_fail_at_commit() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'commit refused by the test' USING ERRCODE = '40001'; END $$
        """)
        for table in TABLES:
            conn.execute(f"CREATE CONSTRAINT TRIGGER test_fail_{table} AFTER INSERT OR UPDATE "
                         f"OR DELETE ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                         "EXECUTE FUNCTION test_fail_at_commit()")
    try:
        yield
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for table in TABLES:
                conn.execute(f"DROP TRIGGER test_fail_{table} ON {table}")


def _state(client, ebook_id: int) -> dict:
    body = client.get(f"/api/ebooks/{ebook_id}").json()
    return {"status": body["status"], "page_count": body["page_count"],
            "pages": [(p["id"], p["position"], p["version_id"]) for p in body["pages"]]}


@pytest.fixture
def book(client) -> dict:
    # 26 designs, so that one can be removed above KDP's minimum of 24.
    response = client.post("/api/ebooks", json={**BOOK, "page_count": 26})
    assert response.status_code == 202, response.text
    ebook_id = response.json()["ebook"]["id"]
    body = wait_for_job(client, ebook_id)
    assert body["job"]["status"] == "succeeded"
    content = [p for p in body["pages"] if p["kind"] == "content"]
    # A second version of page 1, so that there is something to restore.
    regen = client.post(f"/api/ebooks/{ebook_id}/regenerate",
                        json={"page_ids": [content[0]["id"]], "seed": 99})
    assert regen.status_code == 202, regen.text
    assert wait_for_job(client, ebook_id)["job"]["status"] == "succeeded"
    return {"id": ebook_id, "content": [p["id"] for p in content]}


def _refused(client, settings, ebook_id: int, method: str, url: str, **kwargs) -> None:
    before = _state(client, ebook_id)
    with commits_fail(settings):
        response = client.request(method, url, **kwargs)
    assert response.status_code >= 500, (url, response.status_code, response.text)
    assert _state(client, ebook_id) == before, url


def test_failing_commits_answer_errors_and_change_nothing(client, settings, book) -> None:
    ebook_id, first = book["id"], book["content"][0]
    versions = client.get(f"/api/ebooks/{ebook_id}/pages/{first}/versions").json()["versions"]
    older = versions[-1]["id"]
    api = f"/api/ebooks/{ebook_id}"

    _refused(client, settings, ebook_id, "POST", f"{api}/approve")
    _refused(client, settings, ebook_id, "POST", f"{api}/reject", json={"reason": "Trop simple"})
    _refused(client, settings, ebook_id, "POST",
             f"{api}/pages/{first}/versions/{older}/restore")
    _refused(client, settings, ebook_id, "DELETE", f"{api}/pages/{first}")
    _refused(client, settings, ebook_id, "POST", f"{api}/pages/{first}/move",
             json={"position": 3})

    assert client.post(f"{api}/approve").status_code == 200
    _refused(client, settings, ebook_id, "POST", f"{api}/publish")
    assert _state(client, ebook_id)["status"] == "APPROVED"

    # Without the fault, the same requests succeed and their effects are there.
    assert client.post(f"{api}/publish").status_code == 200
    assert _state(client, ebook_id)["status"] == "PUBLISHED"


def test_failing_commit_on_a_form_action_shows_an_error(client, settings, book) -> None:
    ebook_id = book["id"]
    before = _state(client, ebook_id)
    with commits_fail(settings):
        response = client.post(f"/ebooks/{ebook_id}/approve", headers={"HX-Request": "true"})
    assert response.status_code >= 500
    assert "toast-error" in response.text
    assert _state(client, ebook_id) == before
