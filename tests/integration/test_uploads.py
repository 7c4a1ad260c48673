"""Bringing one's own art through the API: pages uploaded into a book (at a position, as
a replacement), a book made from a zip, and every kind of bad file refused by name with
nothing changed. The files are made by the tests (tests/upload_files.py)."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from tests import upload_files as uf
from tests.helpers import BOOK, wait_for_job


def _files(*items: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, "application/octet-stream")) for name, data in items]


def _ready_book(client) -> dict:
    ebook_id = client.post("/api/ebooks", json=BOOK).json()["ebook"]["id"]
    book = wait_for_job(client, ebook_id)
    assert book["job"]["status"] == "succeeded", book["job"]
    return book


def _content(book: dict) -> list[dict]:
    return [p for p in book["pages"] if p["kind"] == "content"]


def test_upload_pages_at_a_position_then_replace_one_and_restore(client) -> None:
    book = _ready_book(client)
    ebook_id, before = book["id"], _content(book)
    response = client.post(
        f"/api/ebooks/{ebook_id}/pages/upload", data={"position": "2"},
        files=_files(("b-scan.jpg", uf.encode(uf.scan_of(uf.line_art(3)), "JPEG")),
                     ("a-drawing.png", uf.encode(uf.line_art(4))),
                     ("c-two.pdf", uf.pdf_of(uf.line_art(5), uf.line_art(6))),
                     ("d.svg", uf.SVG)))
    assert response.status_code == 202, response.text
    body = response.json()
    assert [f["file"] for f in body["accepted"]] == ["a-drawing.png", "b-scan.jpg",
                                                     "c-two.pdf", "d.svg"]
    assert body["accepted"][0]["upscaled"] and body["accepted"][0]["dpi"] < 300
    assert body["rejected"] == [] and body["job"]["kind"] == "upload"
    after = wait_for_job(client, ebook_id)
    assert after["job"]["status"] == "succeeded", after["job"]
    content = _content(after)
    assert len(content) == 29 and after["page_count"] == 29
    assert [p["position"] for p in content] == list(range(1, 30))
    # Page 1 stays, the five new pages follow in name order, the old page 2 is now 7.
    assert content[0]["id"] == before[0]["id"] and content[6]["id"] == before[1]["id"]
    made = content[1:6]
    assert [p["prompt"] for p in made] == ["a-drawing.png", "b-scan.jpg", "c-two.pdf",
                                           "c-two.pdf", "d.svg"]
    assert all(p["provider"] == "upload" for p in made)
    for page in made:
        quality = page["quality"]
        assert quality["metrics"]["binarity"] == 0 and "passed" in quality
        assert quality["source"]["file"] == page["prompt"]
        image = Image.open(io.BytesIO(client.get(page["image_url"]).content))
        assert image.mode == "1"
    assert made[2]["quality"]["source"]["page"] == 1 and made[3]["quality"]["source"]["page"] == 2
    interior = pikepdf.open(io.BytesIO(client.get(f"/api/ebooks/{ebook_id}/interior.pdf").content))
    assert len(interior.pages) == 2 + 2 * 29 + 0
    for page in interior.pages:
        for image in page.get_images().values():
            assert int(image.get("/BitsPerComponent", 1)) == 1
    export = client.post(f"/api/ebooks/{ebook_id}/export").json()
    assert export["passed"], [r for r in export["rules"] if not r["passed"]]

    # Replace page 3 with a photo, as a new version; the old one stays restorable.
    target = content[2]
    replaced = client.post(f"/api/ebooks/{ebook_id}/pages/upload",
                           data={"replace_page_id": str(target["id"]), "photo": "yes"},
                           files=_files(("maison.jpg", uf.encode(uf.photo(), "JPEG"))))
    assert replaced.status_code == 202, replaced.text
    final = wait_for_job(client, ebook_id)
    assert final["job"]["status"] == "succeeded", final["job"]
    page = next(p for p in final["pages"] if p["id"] == target["id"])
    assert page["prompt"] == "maison.jpg" and page["quality"]["source"]["photo"] is True
    assert page["quality"]["passed"] is True, page["quality"]["failures"]
    assert page["quality"]["metrics"]["regions"]["count"] >= 15

    # A photo with almost nothing in it makes too few shapes for a children's page: the
    # new version is kept with the gate's verdict, and the job asks for a human decision.
    replaced = client.post(f"/api/ebooks/{ebook_id}/pages/upload",
                           data={"replace_page_id": str(target["id"]), "photo": "yes"},
                           files=_files(("ciel.jpg", uf.encode(uf.sparse_photo(), "JPEG"))))
    assert replaced.status_code == 202, replaced.text
    final = wait_for_job(client, ebook_id)
    assert final["job"]["status"] == "needs_review"
    page = next(p for p in final["pages"] if p["id"] == target["id"])
    assert page["prompt"] == "ciel.jpg" and page["quality"]["passed"] is False
    assert "too_few_regions" in [f["code"] for f in page["quality"]["failures"]]
    versions = client.get(f"/api/ebooks/{ebook_id}/pages/{target['id']}/versions").json()
    assert len(versions["versions"]) == 3
    restored = client.post(f"/api/ebooks/{ebook_id}/pages/{target['id']}/versions/"
                           f"{target['version_id']}/restore")
    assert restored.json()["current_version_id"] == target["version_id"]


def test_a_book_from_a_zip_lands_as_a_draft_with_a_generated_cover(client) -> None:
    archive = uf.zip_of({f"mes dessins/{i}.png": uf.encode(uf.line_art(i)) for i in
                         (1, 2, 10)} | {"mes dessins/.DS_Store": b"junk",
                                        "__MACOSX/._1.png": b"junk",
                                        "mes dessins/broken.jpg": b"\xff\xd8\xff\xe0 nope"})
    response = client.post("/api/ebooks/import", files=_files(("dessins.zip", archive)),
                           data={"title": "Mes coloriages", "author": "Léa", "trim_size": "6x9",
                                 "audience": "children"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert [f["file"] for f in body["accepted"]] == [
        "dessins.zip/mes dessins/1.png", "dessins.zip/mes dessins/2.png",
        "dessins.zip/mes dessins/10.png"]
    assert [r["file"] for r in body["rejected"]] == ["dessins.zip/mes dessins/broken.jpg"]
    assert "damaged" in body["rejected"][0]["problem"]
    ebook_id = body["ebook"]["id"]
    assert body["ebook"]["status"] == "DRAFT" and body["ebook"]["pages_to_add"] == 21
    book = wait_for_job(client, ebook_id)
    assert book["job"]["status"] == "succeeded", book["job"]
    kinds = {p["kind"]: p for p in book["pages"]}
    assert kinds["cover"]["provider"] == "procedural" and kinds["back_cover"]["version_id"]
    assert [p["prompt"] for p in _content(book)] == ["dessins.zip/mes dessins/1.png",
                                                      "dessins.zip/mes dessins/2.png",
                                                      "dessins.zip/mes dessins/10.png"]
    # The book page lists the file left out, in French.
    page = client.get(f"/ebooks/{ebook_id}")
    assert "broken.jpg" in page.text and "endommagée" in page.text


BAD_FILES = [
    ("broken.png", uf.truncated_png(), "damaged"),
    ("notes.txt", b"not an image at all", "not a PNG"),
    ("tiny.png", uf.encode(uf.line_art(1).resize((60, 80))), "far too small"),
    ("bomb.png", uf.bomb_png(), "too large to open safely"),
    ("outside.svg", uf.SVG_EXTERNAL, "outside itself"),
    ("script.svg", uf.SVG_SCRIPT, "script"),
    ("empty.png", b"", "empty"),
    ("evil.zip", uf.zip_of({"../../evil.png": uf.encode(uf.line_art(1))}), "outside it"),
    ("nested.zip", uf.zip_of({"inner.zip": uf.zip_of({"a.png": b"x"})}), "zip inside"),
    ("fake.pdf", b"%PDF-1.7\n garbage", "PDF cannot be read"),
]


@pytest.mark.parametrize("strict", [True, False])
def test_bad_files_are_named_and_change_nothing(client, strict: bool) -> None:
    book = _ready_book(client) if strict else None
    for name, data, words in BAD_FILES:
        files = _files((name, data), ("good.png", uf.encode(uf.line_art(2))))
        if strict:
            response = client.post(f"/api/ebooks/{book['id']}/pages/upload",
                                   data={"strict": "true"}, files=files)
            assert response.status_code == 422, (name, response.text)
            detail = response.json()["detail"]
            assert detail[0]["file"].startswith(name) and words in detail[0]["msg"], detail
        else:
            alone = client.post("/api/ebooks/import", files=_files((name, data)),
                                data={"title": "T", "author": "A"})
            assert alone.status_code == 422, (name, alone.text)
            assert alone.json()["detail"][0]["file"].startswith(name)
            assert words in alone.json()["detail"][0]["msg"]
    if strict:
        unchanged = client.get(f"/api/ebooks/{book['id']}").json()
        assert unchanged["page_count"] == 24 and unchanged["job"]["id"] == book["job"]["id"]
        assert unchanged["status"] == "DRAFT"
    else:
        assert client.get("/api/ebooks").json()["total"] == 0


def test_limits_files_fields_and_states(client, settings, app) -> None:
    book = _ready_book(client)
    ebook_id = book["id"]
    url = f"/api/ebooks/{ebook_id}/pages/upload"
    good = uf.encode(uf.line_art(1))
    assert client.post(url, data={"position": "99"},
                       files=_files(("a.png", good))).status_code == 422
    cover = book["pages"][0]["id"]
    assert client.post(url, data={"replace_page_id": str(cover)},
                       files=_files(("a.png", good))).status_code == 409
    two = client.post(url, data={"replace_page_id": str(_content(book)[0]["id"])},
                      files=_files(("a.png", good), ("b.png", good)))
    assert two.status_code == 422 and "exactly one" in two.text
    assert client.post(url, data={"photo": "maybe"},
                       files=_files(("a.png", good))).status_code == 422
    assert client.post("/api/ebooks/424242/pages/upload",
                       files=_files(("a.png", good))).status_code == 404
    bad_field = client.post("/api/ebooks/import", files=_files(("a.png", good)),
                            data={"title": "T", "author": "A", "trim_size": "9x12"})
    assert bad_field.status_code == 422 and "trim_size" in bad_field.text
    # A body larger than the app's own limit reaches the upload routes (and is judged) ...
    big = b"x" * (settings.max_body_bytes + 1024)
    judged = client.post(url, files=_files(("notes.txt", big)))
    assert judged.status_code == 422 and "notes.txt" in judged.text
    # ... while the upload limit itself answers 413 before anything is read.
    huge = b"x" * (settings.max_upload_bytes + 1)
    response = client.post(url, files=_files(("huge.png", huge)))
    assert response.status_code == 413
    assert client.get(f"/api/ebooks/{ebook_id}").json()["page_count"] == 24
    # Rejected books are frozen.
    client.post(f"/api/ebooks/{ebook_id}/reject", json={"reason": "non"})
    frozen = client.post(url, files=_files(("a.png", good)))
    assert frozen.status_code == 409


def test_zip_bomb_and_too_many_files(client, settings, app) -> None:
    settings.upload_max_files = 3
    settings.upload_max_unzipped_mb = 5
    zeros = uf.zip_of({"zeros.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * (8 << 20)})
    assert len(zeros) < 100_000
    response = client.post("/api/ebooks/import", files=_files(("bomb.zip", zeros)),
                           data={"title": "T", "author": "A"})
    assert response.status_code == 422 and "expands to more than 5 MB" in response.text
    many = uf.zip_of({f"{i}.png": uf.encode(uf.line_art(i)) for i in range(5)})
    response = client.post("/api/ebooks/import", files=_files(("many.zip", many)),
                           data={"title": "T", "author": "A"})
    assert response.status_code == 422 and "more than 3 files" in response.text
    assert client.get("/api/ebooks").json()["total"] == 0
