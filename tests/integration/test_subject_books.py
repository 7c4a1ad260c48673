"""Subject themes end to end: a dinosaur book draws dinosaurs, a prompt must name
something the offline generator can draw, the UI says what draws, and the credits of
the subject library reach the copyright page and the bundle."""

from __future__ import annotations

import io
import zipfile

import pypdfium2 as pdfium
from PIL import Image

from tests.helpers import BOOK, wait_for_job

HTMX = {"HX-Request": "true"}


def _dinosaur_book(client) -> dict:
    created = client.post("/api/ebooks", json={**BOOK, "theme": "dinosaurs",
                                               "title": "Mes dinosaures"})
    assert created.status_code == 202, created.text
    book = wait_for_job(client, created.json()["ebook"]["id"])
    assert book["job"]["status"] == "succeeded", book["job"]
    return book


def test_dinosaur_book_prompts_credits(client) -> None:
    book = _dinosaur_book(client)
    ebook_id = book["id"]
    content = [p for p in book["pages"] if p["kind"] == "content"]
    # Every page is a subject page: its prompt is what it shows, and it records the
    # library drawings it used.
    mains = {p["quality"]["main"] for p in content}
    assert len(mains) >= 12
    assert all(p["quality"]["passed"] for p in content)
    assert all({"tyrannosaurus", "sauropod"} & set(p["quality"]["subjects"]) for p in content)

    # A prompt naming a library subject draws it, in French.
    page = content[0]
    job = client.post(f"/api/ebooks/{ebook_id}/regenerate",
                      json={"page_ids": [page["id"]],
                            "prompt": "un stégosaure qui mange des feuilles"})
    assert job.status_code == 202, job.text
    after = wait_for_job(client, ebook_id)
    redrawn = next(p for p in after["pages"] if p["id"] == page["id"])
    assert redrawn["quality"]["main"] == "sauropod"
    assert "fern" in redrawn["quality"]["subjects"]

    # A prompt naming nothing drawable is refused on its field, in the API and the form.
    refused = client.post(f"/api/ebooks/{ebook_id}/regenerate",
                          json={"page_ids": [page["id"]], "prompt": "abstract swirls"})
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert detail[0]["loc"] == ["body", "prompt"] and "/subjects" in detail[0]["msg"]
    form = client.post(f"/ebooks/{ebook_id}/regenerate", headers=HTMX,
                       data={"page_ids": [str(page["id"])], "prompt": "abstract swirls"})
    assert form.status_code == 422
    assert "ne dessine que les sujets de sa bibliothèque" in form.text
    unchanged = client.get(f"/api/ebooks/{ebook_id}").json()
    assert unchanged["job"]["id"] == after["job"]["id"]  # nothing was queued

    # The copyright page and the bundle credit the library.
    pdf = client.get(f"/api/ebooks/{ebook_id}/interior.pdf")
    assert pdf.status_code == 200
    document = pdfium.PdfDocument(pdf.content)
    copyright_text = document[1].get_textpage().get_text_range()
    assert "Noto Emoji" in copyright_text and "Open Font License" in copyright_text
    export = client.post(f"/api/ebooks/{ebook_id}/export")
    assert export.status_code == 200, export.text
    bundle = client.get(f"/api/ebooks/{ebook_id}/bundle.zip")
    assert bundle.status_code == 200, bundle.text
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert "Noto Emoji" in archive.read("README.txt").decode()


def test_form_sample_is_a_real_page_per_theme_and_audience(client) -> None:
    samples = {}
    for theme in ("dinosaurs", "pirates", "mandalas"):
        for audience in ("toddlers", "adults"):
            response = client.get(f"/themes/{theme}/sample.png?audience={audience}")
            assert response.status_code == 200
            assert Image.open(io.BytesIO(response.content)).width == 300
            samples[theme, audience] = response.content
    assert len(set(samples.values())) == len(samples)
    hint = client.get("/ebooks/new/theme?theme=dinosaurs&audience=toddlers")
    assert "audience=toddlers" in hint.text
    assert "générateur intégré" in hint.text and "/subjects" in hint.text
    library = client.get("/subjects")
    assert library.status_code == 200
    assert "tyrannosaure" in library.text and "Dinosaures" in library.text
