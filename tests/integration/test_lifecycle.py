"""DRAFT → APPROVED → PUBLISHED / REJECTED through the API and the book page's forms."""

from __future__ import annotations

import pytest

from tests.helpers import BOOK, wait_for_job


def _book(client, **fields) -> int:
    response = client.post("/api/ebooks", json={**BOOK, **fields})
    assert response.status_code == 202, response.text
    return response.json()["ebook"]["id"]


@pytest.fixture
def ready_book(client) -> int:
    ebook_id = _book(client)
    assert wait_for_job(client, ebook_id)["job"]["status"] == "succeeded"
    return ebook_id


def test_approve_then_publish_records_history(client, ready_book) -> None:
    approved = client.post(f"/api/ebooks/{ready_book}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["ebook"]["status"] == "APPROVED"

    published = client.post(f"/api/ebooks/{ready_book}/publish")
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["ebook"]["status"] == "PUBLISHED"
    steps = [(c["from_status"], c["to_status"]) for c in reversed(body["history"])]
    assert steps == [(None, "DRAFT"), ("DRAFT", "APPROVED"), ("APPROVED", "PUBLISHED")]
    assert all(c["actor"] for c in body["history"])

    history = client.get(f"/api/ebooks/{ready_book}/history").json()["history"]
    assert history[0]["to_status"] == "PUBLISHED"


def test_illegal_transitions_are_409_with_a_message(client, ready_book) -> None:
    publish_draft = client.post(f"/api/ebooks/{ready_book}/publish")
    assert publish_draft.status_code == 409
    assert "approved" in publish_draft.json()["detail"]

    client.post(f"/api/ebooks/{ready_book}/reject", json={"reason": "Trop chargé"})
    for action in ("approve", "publish"):
        response = client.post(f"/api/ebooks/{ready_book}/{action}")
        assert response.status_code == 409, response.text
    again = client.post(f"/api/ebooks/{ready_book}/reject", json={"reason": "encore"})
    assert again.status_code == 409


def test_reject_needs_a_reason_and_shows_it(client, ready_book) -> None:
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 2001},
                 {"reason": "ok", "extra": 1}):
        response = client.post(f"/api/ebooks/{ready_book}/reject", json=body)
        assert response.status_code == 422, body
        assert "reason" in str(response.json()["detail"]) or "extra" in str(response.json())
    rejected = client.post(f"/api/ebooks/{ready_book}/reject",
                           json={"reason": "<b>Couverture</b> illisible"})
    assert rejected.status_code == 200
    assert rejected.json()["ebook"]["rejection_reason"] == "<b>Couverture</b> illisible"
    assert rejected.json()["history"][0]["reason"] == "<b>Couverture</b> illisible"
    page = client.get(f"/ebooks/{ready_book}")
    assert "&lt;b&gt;Couverture&lt;/b&gt; illisible" in page.text
    assert "<b>Couverture</b>" not in page.text


def test_unknown_book_is_404(client) -> None:
    assert client.post("/api/ebooks/9999/approve").status_code == 404
    assert client.post("/api/ebooks/9999/reject", json={"reason": "x"}).status_code == 404
    assert client.get("/api/ebooks/9999/history").status_code == 404


def test_cannot_approve_while_generating(client) -> None:
    ebook_id = _book(client)
    response = client.post(f"/api/ebooks/{ebook_id}/approve")
    # Either still generating (409) or, on a very fast machine, already done (200).
    assert response.status_code in (200, 409)
    if response.status_code == 409:
        assert "generation" in response.json()["detail"] or "image" in response.json()["detail"]
    wait_for_job(client, ebook_id)


def test_html_forms_answer_htmx_with_body_and_toast(client, ready_book) -> None:
    htmx = {"HX-Request": "true"}
    approved = client.post(f"/ebooks/{ready_book}/approve", headers=htmx)
    assert approved.status_code == 200
    assert 'id="detail-body"' in approved.text
    assert 'hx-swap-oob="beforeend"' in approved.text and "Ebook approuvé" in approved.text

    refused = client.post(f"/ebooks/{ready_book}/approve", headers=htmx)
    assert refused.status_code == 409
    assert "toast-error" in refused.text and "brouillon" in refused.text

    empty_reason = client.post(f"/ebooks/{ready_book}/reject", data={"reason": " "},
                               headers=htmx)
    assert empty_reason.status_code == 422 and "Motif" in empty_reason.text

    plain = client.post(f"/ebooks/{ready_book}/reject", data={"reason": "Non"},
                        follow_redirects=False)
    assert plain.status_code == 303
    assert client.get(f"/api/ebooks/{ready_book}").json()["status"] == "REJECTED"


def test_publish_runs_the_preflight(client, ready_book) -> None:
    from backoffice.features.export import service as export_service

    if not hasattr(export_service, "ensure_publishable"):
        pytest.skip("export.service.ensure_publishable (the lead's preflight gate) is missing")
    client.post(f"/api/ebooks/{ready_book}/approve")
    published = client.post(f"/api/ebooks/{ready_book}/publish")
    assert published.status_code == 200, published.text
    export = client.get(f"/api/ebooks/{ready_book}/export")
    assert export.status_code == 200 and export.json()["passed"] is True
