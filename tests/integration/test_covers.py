"""Covers through the API: made from the book's pages, the back drawn from the front
(also after a regeneration), and covers uploaded from elsewhere, good and bad."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image

from backoffice.kdp.cover_upload import expected_size
from tests.helpers import BOOK, wait_for_job


def _covers(book: dict) -> dict[str, dict]:
    return {p["kind"]: p for p in book["pages"] if p["kind"] != "content"}


def _png(size: tuple[int, int], colour=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_covers_come_from_the_pages_and_the_back_follows_the_front(client) -> None:
    created = client.post("/api/ebooks", json={**BOOK, "cover_template": "fan"})
    assert created.status_code == 202, created.text
    assert created.json()["ebook"]["cover_template"] == "fan"
    book = wait_for_job(client, created.json()["ebook"]["id"])
    assert book["job"]["status"] == "succeeded", book["job"]
    covers = _covers(book)
    front = covers["cover"]["quality"]
    assert front["design"]["template"] == "fan" and front["pages"] == 5
    assert covers["back_cover"]["quality"]["design"] == front["design"]
    assert covers["back_cover"]["quality"]["derived_from"] == "cover"

    job = client.post(f"/api/ebooks/{book['id']}/regenerate",
                      json={"page_ids": [covers["cover"]["id"]]})
    assert job.status_code == 202, job.text
    again = _covers(wait_for_job(client, book["id"]))
    assert again["cover"]["version_id"] != covers["cover"]["version_id"]
    assert again["back_cover"]["version_id"] != covers["back_cover"]["version_id"]
    assert again["back_cover"]["quality"]["design"] == again["cover"]["quality"]["design"]
    assert again["cover"]["quality"]["design"]["seed"] != front["design"]["seed"]

    # The book page's thumbnail carries the cover's text, drawn as the PDF sets it.
    url = again["cover"]["image_url"]
    thumb = client.get(url + ("&" if "?" in url else "?") + "w=320")
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.content)).width == 320
    export = client.post(f"/api/ebooks/{book['id']}/export")
    assert export.status_code in (200, 201), export.text
    rules = {r["code"]: r for r in export.json()["rules"]}
    assert rules["cover.safe_zone"]["passed"], rules["cover.safe_zone"]


def test_uploaded_covers_good_and_bad(client) -> None:
    ebook_id = client.post("/api/ebooks", json=BOOK).json()["ebook"]["id"]
    book = wait_for_job(client, ebook_id)
    interior = book["interior_pages"]
    before = {p["id"]: p["version_id"] for p in book["pages"]}

    # A bad file changes nothing and says what size it must be.
    refused = client.post(f"/api/ebooks/{ebook_id}/cover", data={"kind": "wrap"},
                          files={"file": ("mine.png", _png((600, 300)), "image/png")})
    assert refused.status_code == 422, refused.text
    width, height = expected_size(BOOK["trim_size"], BOOK["paper"], interior, "wrap")
    message = str(refused.json()["detail"])
    assert "mine.png" in message and f'{width:.3f}" x {height:.3f}"' in message
    assert f"{round(width * 300)} x {round(height * 300)} px" in message
    for data, name in ((b"not an image", "a.png"), (_png((10, 10))[:40], "b.png")):
        bad = client.post(f"/api/ebooks/{ebook_id}/cover", data={"kind": "front"},
                          files={"file": (name, data, "image/png")})
        assert bad.status_code == 422 and name in str(bad.json()["detail"])
    after = client.get(f"/api/ebooks/{ebook_id}").json()
    assert {p["id"]: p["version_id"] for p in after["pages"]} == before

    # A front only: the back and spine are drawn from its colours.
    front_size = expected_size(BOOK["trim_size"], BOOK["paper"], interior, "front")
    good = client.post(f"/api/ebooks/{ebook_id}/cover", data={"kind": "front"},
                       files={"file": ("front.png", _png(tuple(round(v * 300)
                                                               for v in front_size)),
                                       "image/png")})
    assert good.status_code == 200, good.text
    assert good.json()["job"] is not None
    covers = _covers(wait_for_job(client, ebook_id))
    assert covers["cover"]["provider"] == "upload"
    assert covers["back_cover"]["quality"]["design"]["template"] == "uploaded"
    assert covers["back_cover"]["quality"]["design"]["palette"][0] == "#1e5aa0"
    cover_pdf = client.get(f"/api/ebooks/{ebook_id}/cover.pdf")
    assert cover_pdf.status_code == 200

    # A full wrap replaces both covers as it is.
    wrap = client.post(f"/api/ebooks/{ebook_id}/cover", data={"kind": "wrap"},
                       files={"file": ("wrap.png", _png((round(width * 300),
                                                         round(height * 300))), "image/png")})
    assert wrap.status_code == 200, wrap.text
    assert wrap.json()["job"] is None
    pdf = client.get(f"/api/ebooks/{ebook_id}/cover.pdf")
    with pikepdf.open(io.BytesIO(pdf.content)) as doc:
        assert abs(float(doc.pages[0].MediaBox[2]) / 72 - width) < 0.001
