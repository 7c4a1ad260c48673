"""Per-page regeneration, versions and undo, page add/remove/reorder, cancel: API and forms."""

from __future__ import annotations

from tests.helpers import BOOK, wait_for_job

HTMX = {"HX-Request": "true"}


def _ready_book(client, **fields) -> dict:
    ebook_id = client.post("/api/ebooks", json={**BOOK, **fields}).json()["ebook"]["id"]
    book = wait_for_job(client, ebook_id)
    assert book["job"]["status"] == "succeeded", book["job"]
    return book


def _content(book: dict) -> list[dict]:
    return [p for p in book["pages"] if p["kind"] == "content"]


def test_regenerate_a_page_then_undo_and_the_pdf_follows(client) -> None:
    book = _ready_book(client)
    ebook_id, page = book["id"], _content(book)[2]
    interior_before = client.get(f"/api/ebooks/{ebook_id}/interior.pdf").content

    response = client.post(f"/api/ebooks/{ebook_id}/regenerate",
                           json={"page_ids": [page["id"]], "seed": 777})
    assert response.status_code == 202, response.text
    assert response.json()["kind"] == "regenerate"
    after = wait_for_job(client, ebook_id)
    assert after["job"]["status"] == "succeeded" and after["job"]["total"] == 2
    new_page = next(p for p in after["pages"] if p["id"] == page["id"])
    assert new_page["version_id"] != page["version_id"] and new_page["seed"] == 777
    others = {p["id"]: p["version_id"] for p in book["pages"] if p["id"] != page["id"]}
    assert all(p["version_id"] == others[p["id"]] for p in after["pages"] if p["id"] in others)
    assert client.get(f"/api/ebooks/{ebook_id}/interior.pdf").content != interior_before

    versions = client.get(f"/api/ebooks/{ebook_id}/pages/{page['id']}/versions").json()
    assert [v["current"] for v in versions["versions"]] == [True, False]
    restored = client.post(f"/api/ebooks/{ebook_id}/pages/{page['id']}/versions/"
                           f"{page['version_id']}/restore")
    assert restored.status_code == 200, restored.text
    assert restored.json()["current_version_id"] == page["version_id"]
    assert client.get(f"/api/ebooks/{ebook_id}/interior.pdf").content == interior_before

    # The cover brings the back cover along.
    cover = next(p for p in book["pages"] if p["kind"] == "cover")
    job = client.post(f"/api/ebooks/{ebook_id}/regenerate",
                      json={"page_ids": [cover["id"]], "prompt": "a red dragon"}).json()
    assert job["total"] == 3
    final = wait_for_job(client, ebook_id)
    by_kind = {p["kind"]: p for p in final["pages"] if p["kind"] != "content"}
    assert by_kind["cover"]["version_id"] != cover["version_id"]
    assert by_kind["back_cover"]["version_id"] != next(
        p for p in book["pages"] if p["kind"] == "back_cover")["version_id"]


def test_bad_input_and_forbidden_edits(client) -> None:
    book = _ready_book(client)
    ebook_id, page = book["id"], _content(book)[0]
    bad = [({"page_ids": []}, "page_ids"), ({"page_ids": [page["id"]], "seed": -1}, "seed"),
           ({"page_ids": ["x"]}, "page_ids"), ({}, "page_ids"),
           ({"page_ids": [page["id"]], "prompt": "p" * 2001}, "prompt")]
    for body, field in bad:
        response = client.post(f"/api/ebooks/{ebook_id}/regenerate", json=body)
        assert response.status_code == 422, body
        assert field in str(response.json()["detail"])
    assert client.post(f"/api/ebooks/{ebook_id}/regenerate",
                       json={"page_ids": [999999]}).status_code == 404
    assert client.post("/api/ebooks/999999/regenerate",
                       json={"page_ids": [page["id"]]}).status_code == 404
    assert client.post(f"/api/ebooks/{ebook_id}/pages/{page['id']}/versions/999999/restore"
                       ).status_code == 404
    assert client.post(f"/api/ebooks/{ebook_id}/pages", json={"count": 0}).status_code == 422
    assert client.post(f"/api/ebooks/{ebook_id}/pages", json={"count": 500}).status_code == 422
    removal = client.delete(f"/api/ebooks/{ebook_id}/pages/{page['id']}")
    assert removal.status_code == 422 and "24" in removal.text  # the minimum
    cover = book["pages"][0]
    assert client.delete(f"/api/ebooks/{ebook_id}/pages/{cover['id']}").status_code == 409
    assert client.post(f"/api/ebooks/{ebook_id}/pages/{page['id']}/move",
                       json={"position": 99}).status_code == 422

    # A running generation blocks edits; an APPROVED book returns to DRAFT when edited.
    client.post(f"/api/ebooks/{ebook_id}/regenerate", json={"page_ids": [page["id"]]})
    busy = client.post(f"/api/ebooks/{ebook_id}/regenerate", json={"page_ids": [page["id"]]})
    assert busy.status_code == 409 and "running" in busy.json()["detail"]
    wait_for_job(client, ebook_id)
    assert client.post(f"/api/ebooks/{ebook_id}/approve").status_code == 200
    moved = client.post(f"/api/ebooks/{ebook_id}/pages/{page['id']}/move", json={"position": 3})
    assert moved.status_code == 200 and moved.json()["status"] == "DRAFT"
    history = client.get(f"/api/ebooks/{ebook_id}/history").json()["history"]
    assert history[0]["from_status"] == "APPROVED" and history[0]["to_status"] == "DRAFT"
    assert history[0]["reason"]

    client.post(f"/api/ebooks/{ebook_id}/reject", json={"reason": "non"})
    frozen = client.post(f"/api/ebooks/{ebook_id}/regenerate", json={"page_ids": [page["id"]]})
    assert frozen.status_code == 409


def test_add_remove_and_reorder_keep_positions_contiguous(client) -> None:
    book = _ready_book(client, page_count=24)
    ebook_id = book["id"]
    added = client.post(f"/api/ebooks/{ebook_id}/pages", json={"count": 2})
    assert added.status_code == 202, added.text
    book = wait_for_job(client, ebook_id)
    assert book["page_count"] == 26 and book["job"]["status"] == "succeeded"
    content = _content(book)
    assert [p["position"] for p in content] == list(range(1, 27))
    assert all(p["version_id"] for p in content)

    third = content[2]
    response = client.delete(f"/api/ebooks/{ebook_id}/pages/{third['id']}")
    assert response.status_code == 200 and response.json()["page_count"] == 25
    last = content[-1]
    assert client.post(f"/api/ebooks/{ebook_id}/pages/{last['id']}/move",
                       json={"position": 1}).status_code == 200
    book = client.get(f"/api/ebooks/{ebook_id}").json()
    content = _content(book)
    assert [p["position"] for p in content] == list(range(1, 26))
    assert content[0]["id"] == last["id"] and third["id"] not in [p["id"] for p in content]
    interior = client.get(f"/api/ebooks/{ebook_id}/interior.pdf")
    assert interior.status_code == 200

    # The same through the page's forms (HTMX): body + toast, then PRG without HTMX.
    form = client.post(f"/ebooks/{ebook_id}/pages/{content[1]['id']}/move",
                       data={"position": "2"}, headers=HTMX)
    assert form.status_code == 200 and 'id="detail-body"' in form.text
    bad = client.post(f"/ebooks/{ebook_id}/pages/{content[1]['id']}/move",
                      data={"position": "abc"}, headers=HTMX)
    assert bad.status_code == 422 and "toast-error" in bad.text and "Position" in bad.text
    regen = client.post(f"/ebooks/{ebook_id}/regenerate",
                        data={"page_ids": [str(content[0]["id"])], "seed": ""},
                        follow_redirects=False)
    assert regen.status_code == 303
    wait_for_job(client, ebook_id)
    viewer = client.get(f"/ebooks/{ebook_id}?page={content[0]['id']}")
    assert 'id="viewer"' in viewer.text and "Restaurer" in viewer.text


def test_cancel_a_running_generation(client) -> None:
    ebook_id = client.post("/api/ebooks", json={**BOOK, "page_count": 40}).json()["ebook"]["id"]
    job = client.get(f"/api/ebooks/{ebook_id}").json()["job"]
    response = client.post(f"/api/ebooks/{ebook_id}/jobs/{job['id']}/cancel")
    if response.status_code == 409:  # finished first on a very fast machine
        return
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    book = wait_for_job(client, ebook_id)
    assert book["job"]["status"] == "cancelled"
    assert client.post(f"/api/ebooks/{ebook_id}/jobs/{job['id']}/cancel").status_code == 409
    assert client.post(f"/api/ebooks/{ebook_id}/jobs/999999/cancel").status_code == 404
    page = client.get(f"/ebooks/{ebook_id}")
    assert "Annulé" in page.text
    # Pages still missing can be drawn again by regenerating them.
    missing = [p["id"] for p in book["pages"] if not p["version_id"]]
    assert missing
    assert client.post(f"/api/ebooks/{ebook_id}/regenerate",
                       json={"page_ids": missing}).status_code == 202
    assert wait_for_job(client, ebook_id)["job"]["status"] == "succeeded"
