"""From the form (or the API) to a generated book and both PDFs, through the real worker."""

from __future__ import annotations

import io

import pikepdf

from backoffice.kdp import pixels, specs
from tests.helpers import BOOK, wait_for_job


def test_api_book_is_generated_with_every_page_and_both_pdfs(client) -> None:
    response = client.post("/api/ebooks", json=BOOK)
    assert response.status_code == 202, response.text
    ebook_id = response.json()["ebook"]["id"]
    assert response.json()["ebook"]["status"] == "DRAFT"

    book = wait_for_job(client, ebook_id)
    assert book["job"]["status"] == "succeeded", book["job"]
    assert book["job"]["done"] == book["job"]["total"] == 24 + 2 + 1
    assert book["status"] == "DRAFT"
    kinds = [p["kind"] for p in book["pages"]]
    assert kinds == ["cover", "back_cover"] + ["content"] * 24
    for page in book["pages"]:
        assert page["version_id"] and page["provider"] == "procedural"
        image = client.get(page["image_url"])
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    for page in book["pages"][2:]:
        assert page["quality"]["metrics"]["binarity"] == 0

    interior = client.get(f"/api/ebooks/{ebook_id}/interior.pdf")
    assert interior.status_code == 200
    assert interior.headers["content-type"] == "application/pdf"
    pdf = pikepdf.open(io.BytesIO(interior.content))
    total = pixels.interior_pages(24)
    assert len(pdf.pages) == total == 50
    width, height = specs.interior_page_size("8.5x8.5")
    box = [float(v) for v in pdf.pages[0].MediaBox]
    assert abs(box[2] - width * 72) < 0.01 and abs(box[3] - height * 72) < 0.01

    cover = client.get(f"/api/ebooks/{ebook_id}/cover.pdf")
    assert cover.status_code == 200
    cover_pdf = pikepdf.open(io.BytesIO(cover.content))
    layout = specs.cover_layout("8.5x8.5", total, "white")
    box = [float(v) for v in cover_pdf.pages[0].MediaBox]
    assert abs(box[2] - layout.width * 72) < 0.01 and abs(box[3] - layout.height * 72) < 0.01


def test_form_creates_a_book_and_its_page_shows_progress(client) -> None:
    form = {**BOOK, "title": "", "seed": "99", "page_count": "24"}
    response = client.post("/ebooks", data=form, follow_redirects=False)
    assert response.status_code == 303
    detail_url = response.headers["location"]
    page = client.get(detail_url)
    assert page.status_code == 200
    assert "livre de coloriage" in page.text  # the suggested French title
    assert 'role="status"' in page.text  # the live progress box
    ebook_id = int(detail_url.rstrip("/").split("/")[-1])
    book = wait_for_job(client, ebook_id)
    assert book["job"]["status"] == "succeeded"
    dashboard = client.get("/")
    assert "Affichage de 1 à 1 sur 1 ebooks" in dashboard.text
    assert book["title"] in dashboard.text
    cover = book["pages"][0]
    assert f"/pages/{cover['id']}/image.png?w=120&amp;v={cover['version_id']}" in dashboard.text


def test_same_seed_gives_the_same_pages(client) -> None:
    first = client.post("/api/ebooks", json={**BOOK, "seed": 42}).json()["ebook"]["id"]
    second = client.post("/api/ebooks", json={**BOOK, "seed": 42}).json()["ebook"]["id"]
    pages_a = wait_for_job(client, first)["pages"]
    pages_b = wait_for_job(client, second)["pages"]
    images_a = [client.get(p["image_url"]).content for p in pages_a]
    images_b = [client.get(p["image_url"]).content for p in pages_b]
    assert images_a == images_b


def test_pdf_of_an_unfinished_or_missing_book(client) -> None:
    assert client.get("/api/ebooks/999/interior.pdf").status_code == 404
    assert client.get("/api/ebooks/999").status_code == 404
    assert client.get("/ebooks/999").status_code == 404


def test_health_and_readiness(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["database"] == "ok" and ready.json()["worker"] == "ok"
    assert client.get("/openapi.json").status_code == 200


def test_api_docs_work_offline(client) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js" in docs.text
    assert "cdn." not in docs.text and "cdn." not in docs.headers["content-security-policy"]
    assert client.get("/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js").status_code == 200
