"""KDP export of a generated book: preflight stored and shown, bundle, publish gate, CLI."""

from __future__ import annotations

import io
import json
import zipfile

from PIL import Image
from sqlalchemy import select

from backoffice.database import session_scope
from backoffice.errors import Conflict
from backoffice.features.export import service as export_service
from backoffice.models import Ebook, Page, PageVersion
from backoffice.storage import get_storage
from tests.helpers import BOOK, wait_for_job
from tests.integration.test_cli import run


def _generated(client, **changes) -> int:
    ebook_id = client.post("/api/ebooks", json={**BOOK, **changes}).json()["ebook"]["id"]
    assert wait_for_job(client, ebook_id)["job"]["status"] == "succeeded"
    return ebook_id


def test_generated_book_has_a_passing_preflight_and_a_bundle(client) -> None:
    ebook_id = _generated(client, title="L’été “à” Paris/Lyon", isbn="978-2-07-036002-4",
                          blurb="Vingt-quatre mandalas pour se poser.")
    latest = client.get(f"/api/ebooks/{ebook_id}/export")
    assert latest.status_code == 200  # recorded by the generation job
    report = client.post(f"/api/ebooks/{ebook_id}/export").json()
    assert report["passed"], [r for r in report["rules"] if not r["passed"]]
    assert report["id"] == latest.json()["id"]  # nothing changed: same export reused
    codes = {rule["code"] for rule in report["rules"]}
    assert {"interior.page_size", "cover.spine_width", "cover.barcode_area"} <= codes

    bundle = client.get(f"/api/ebooks/{ebook_id}/bundle.zip")
    assert bundle.status_code == 200
    disposition = bundle.headers["content-disposition"]
    assert "filename*=UTF-8''L-%C3%A9t%C3%A9-%C3%A0-Paris-Lyon-kdp.zip" in disposition
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    # The members are named like the PDFs downloaded from the book page.
    interior = client.get(f"/api/ebooks/{ebook_id}/interior.pdf")
    assert "filename*=UTF-8''L-%C3%A9t%C3%A9-%C3%A0-Paris-Lyon-interior.pdf" in (
        interior.headers["content-disposition"])
    assert sorted(names) == ["L-été-à-Paris-Lyon-cover.pdf", "L-été-à-Paris-Lyon-interior.pdf",
                             "L-été-à-Paris-Lyon-listing-amazon-com.json",
                             "L-été-à-Paris-Lyon-listing-amazon-com.txt",
                             "L-été-à-Paris-Lyon-listing-amazon-fr.json",
                             "L-été-à-Paris-Lyon-listing-amazon-fr.txt",
                             "L-été-à-Paris-Lyon-preflight.json", "README.txt"]
    readme = zipfile.ZipFile(io.BytesIO(bundle.content)).read("README.txt").decode()
    # The README is in the reader's language (French by default).
    assert "8.5 x 8.5 po" in readme and "(lu dans le PDF intérieur)" in readme
    english = client.get(f"/api/ebooks/{ebook_id}/bundle.zip", headers={"Accept-Language": "en"})
    readme = zipfile.ZipFile(io.BytesIO(english.content)).read("README.txt").decode()
    assert "8.5 x 8.5 in" in readme and "Page count         : 50" in readme

    page = client.get(f"/ebooks/{ebook_id}").text
    assert "Intérieur : Noir et blanc purs (1 bit)" in page
    assert "Couverture : Largeur du dos pour ce nombre de pages et ce papier" in page

    preview = client.get(f"/ebooks/{ebook_id}/cover-preview.png")
    assert preview.status_code == 200 and preview.content.startswith(b"\x89PNG")


def test_invalid_isbn_is_refused_naming_the_field(client) -> None:
    response = client.post("/api/ebooks", json={**BOOK, "isbn": "978-2-07-036002-5"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "isbn"


def _replace_page(settings, ebook_id: int, position: int, image: Image.Image) -> None:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    key = get_storage(settings).put(buffer.getvalue(), ".png")
    with session_scope(settings) as session:
        page = session.scalar(select(Page).where(Page.ebook_id == ebook_id,
                                                 Page.kind == "content",
                                                 Page.position == position))
        version = PageVersion(page_id=page.id, image_key=key, provider="test", model="t",
                              prompt="", seed=0, quality={})
        session.add(version)
        session.flush()
        page.current_version_id = version.id


def test_a_failing_preflight_blocks_the_bundle_and_publishing(client, settings) -> None:
    ebook_id = _generated(client)
    # Two empty designs in a row: with their blank backs, four blank pages in a row.
    for position in (3, 4):
        _replace_page(settings, ebook_id, position, Image.new("1", (600, 600), 1))

    report = client.post(f"/api/ebooks/{ebook_id}/export").json()
    assert not report["passed"]
    assert [r["code"] for r in report["rules"] if not r["passed"]] == ["interior.blank_pages"]
    refused = client.get(f"/api/ebooks/{ebook_id}/bundle.zip")
    assert refused.status_code == 409 and "preflight failed" in refused.json()["detail"]

    with session_scope(settings) as session:
        ebook = session.get(Ebook, ebook_id)
        try:
            export_service.ensure_publishable(session, settings, ebook, actor="editor@x")
        except Conflict as exc:
            assert "blank" in str(exc)
        else:
            raise AssertionError("a failing export was publishable")

    # The book page says why, in French, and offers an admin the override with its reason.
    page = client.get(f"/ebooks/{ebook_id}").text
    assert "pages blanches d&#39;affilée : KDP signale plus de 2." in page
    assert "Outrepasser le contrôle…" in page
    too_short = client.post(f"/ebooks/{ebook_id}/export/override", data={"reason": "ok"})
    assert too_short.status_code == 422 and "au moins 5 caractères" in too_short.text
    done = client.post(f"/ebooks/{ebook_id}/export/override",
                       data={"reason": "proof copy checked"}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(f"/ebooks/{ebook_id}").text
    assert "Échec, outrepassé par admin@example.com" in page and "proof copy checked" in page
    assert client.get(f"/api/ebooks/{ebook_id}/bundle.zip").status_code == 200
    # The override also lets the book be published (by anyone who may publish).
    assert client.post(f"/api/ebooks/{ebook_id}/approve").status_code == 200
    published = client.post(f"/api/ebooks/{ebook_id}/publish")
    assert published.status_code == 200, published.text


def test_only_admins_see_and_use_the_override(client, editor_client, settings) -> None:
    ebook_id = _generated(client)
    for position in (3, 4):
        _replace_page(settings, ebook_id, position, Image.new("1", (600, 600), 1))
    client.post(f"/api/ebooks/{ebook_id}/export")
    page = editor_client.get(f"/ebooks/{ebook_id}").text
    assert "Outrepasser le contrôle…" not in page
    assert "Un administrateur peut passer outre" in page
    refused = editor_client.post(f"/ebooks/{ebook_id}/export/override",
                                 data={"reason": "I say so, really"})
    assert refused.status_code == 403 and "réservée aux administrateurs" in refused.text


def test_a_page_that_is_not_line_art_is_a_409_not_a_crash(client, settings) -> None:
    ebook_id = _generated(client)
    gray = Image.new("L", (600, 600), 255)
    gray.paste(128, (100, 100, 500, 500))
    _replace_page(settings, ebook_id, 2, gray)
    response = client.post(f"/api/ebooks/{ebook_id}/export")
    assert response.status_code == 409
    assert "1-bit" in response.json()["detail"]
    assert client.get(f"/api/ebooks/{ebook_id}/interior.pdf").status_code == 409


def test_cli_export_writes_preflight_json(client, settings, tmp_path) -> None:
    ebook_id = _generated(client)
    result = run(settings, "book", "export", str(ebook_id), "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "o" / "preflight.json").read_text())
    assert report["passed"] and report["interior_pages"] == 50
