"""The KDP listing of a book: API, edit form, metadata rules in the preflight, bundle, CLI."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.helpers import BOOK, wait_for_job
from tests.integration.test_cli import run


def _book(client, **changes) -> int:
    response = client.post("/api/ebooks", json={**BOOK, **changes})
    assert response.status_code == 202, response.text
    return response.json()["ebook"]["id"]


def _generated(client, **changes) -> int:
    ebook_id = _book(client, **changes)
    assert wait_for_job(client, ebook_id)["job"]["status"] == "succeeded"
    return ebook_id


def test_a_new_book_has_a_complete_listing_in_both_languages(client) -> None:
    ebook_id = _book(client, title="Dinosaures : livre de coloriage pour enfants",
                     theme="dinosaurs", trim_size="8.5x11", furniture=["belongs_to",
                                                                       "thank_you"])
    fr = client.get(f"/api/ebooks/{ebook_id}/listing/fr").json()
    en = client.get(f"/api/ebooks/{ebook_id}/listing/en").json()
    for listing in (fr, en):
        assert listing["passed"], [c for c in listing["checks"] if not c["passed"]]
        assert listing["generated"] and listing["title"] == BOOK["title"] or True
        assert len(listing["keywords"]) == 7
        assert [c["code"] for c in listing["categories"]] == ["JNF001010", "JNF003050"]
        assert (listing["reading_age_min"], listing["reading_age_max"]) == (4, 8)
        assert listing["ai_generated_content"]["images"] == "none"
    assert fr["marketplace"] == "amazon.fr" and fr["pricing"]["currency"] == "EUR"
    assert en["marketplace"] == "amazon.com" and en["pricing"]["currency"] == "USD"
    assert "Tricératops" in fr["description"] and "Triceratops" in en["description"]
    assert "« Ce livre appartient à »" in fr["description"].replace("\u00a0", " ")
    # 24 designs with blank backs, title and copyright, 2 furniture pages with theirs.
    assert fr["pricing"]["interior_pages"] == 24 * 2 + 2 + 4
    assert fr["pricing"]["printing_cost"] == "2.48" and en["pricing"]["printing_cost"] == "2.84"
    text = client.get(f"/api/ebooks/{ebook_id}/listing/en/text")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    assert text.text.index("Book Title: ") < text.text.index("Keywords:") < text.text.index(
        "List price: ")


def test_edits_are_saved_and_bad_input_names_the_field(client) -> None:
    ebook_id = _book(client)
    url = f"/api/ebooks/{ebook_id}/listing/en"
    saved = client.patch(url, json={"keywords": ["calm", "focus"], "list_price": "9.99"})
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["keywords"] == ["calm", "focus"] and not body["generated"]
    assert body["pricing"]["list_price"] == "9.99"
    # Fewer than seven keywords is not refused, but the checks say so.
    assert not body["passed"]
    assert any(c["code"] == "listing_en.keywords_count" and not c["passed"]
               for c in body["checks"])
    cases = [
        ({"keywords": ["x" * 51]}, "keywords", "50"),
        ({"keywords": ["best mandala gift"] * 1 + ["free coloring"]}, "keywords", "free"),
        ({"keywords": ["disney princess mandalas"]}, "keywords", "disney"),
        ({"keywords": ["jardin mandalas"]}, "keywords", "jardin"),  # the title's word
        ({"keywords": [f"phrase {n}" for n in range(8)]}, "keywords", "7"),
        ({"description": "<b>Calm</b>" + "x" * 4000}, "description", "4000"),
        ({"description": '<p style="color:red">Hi</p>'}, "description", "<p …>"),
        ({"description": "<div>Hi</div><a href='x'>y</a>"}, "description", "<div>"),
        ({"subtitle": "s" * 190}, "subtitle", "200"),
        ({"title": "Bestseller mandalas"}, "title", "bestseller"),
        ({"categories": ["XYZ000000"]}, "categories", "XYZ000000"),
        ({"reading_age_min": 8, "reading_age_max": 4}, "reading_age_max", "minimum"),
        ({"list_price": "1.00"}, "list_price", "minimum"),
        ({"list_price": "abc"}, "list_price", None),
    ]
    for body, field, words in cases:
        response = client.patch(url, json=body)
        assert response.status_code == 422, (body, response.text)
        detail = response.json()["detail"]
        assert detail[0]["loc"][-1] == field, (body, detail)
        if words:
            assert words in detail[0]["msg"], (body, detail)
    # Nothing of the refused edits was kept.
    assert client.get(url).json()["keywords"] == ["calm", "focus"]
    reset = client.delete(url).json()
    assert reset["generated"] and len(reset["keywords"]) == 7 and reset["passed"]
    assert client.get(f"/api/ebooks/{ebook_id}/listing/de").status_code == 422


def test_the_edit_form_shows_each_message_beside_its_field(client) -> None:
    ebook_id = _book(client)
    section = client.get(f"/ebooks/{ebook_id}/listing?lang=fr&edit=1",
                         headers={"HX-Request": "true"})
    assert section.status_code == 200 and 'name="keyword_7"' in section.text
    form = {"title": BOOK["title"], "subtitle": "", "description": "<b>Mandalas</b>",
            "keyword_1": "y" * 60, "keyword_2": "rosaces", "category_1": "JNF001010",
            "reading_age_min": "4", "reading_age_max": "huit", "list_price": ""}
    refused = client.post(f"/ebooks/{ebook_id}/listing/fr", data=form,
                          headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert 'id="listing-reading_age_max-error"' in refused.text
    assert "Saisissez un nombre entier." in refused.text
    form["reading_age_max"] = "8"
    refused = client.post(f"/ebooks/{ebook_id}/listing/fr", data=form,
                          headers={"HX-Request": "true"})
    assert refused.status_code == 422 and 'id="listing-keywords-error"' in refused.text
    assert "60 caractères" in refused.text and 'value="' + "y" * 60 + '"' in refused.text
    form["keyword_1"] = "spirales"
    saved = client.post(f"/ebooks/{ebook_id}/listing/fr", data=form,
                        headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "Fiche enregistrée." in saved.text
    assert "<li>spirales</li>" in saved.text
    # Without JavaScript: the listing has its own page, the form redirects back to it.
    page = client.get(f"/ebooks/{ebook_id}/listing?lang=fr")
    assert page.status_code == 200 and "<title>" in page.text and "spirales" in page.text
    book_page = client.get(f"/ebooks/{ebook_id}").text
    assert f'/ebooks/{ebook_id}/listing?lang=fr' in book_page


def test_a_hostile_description_is_shown_as_text(client) -> None:
    ebook_id = _book(client)
    saved = client.patch(f"/api/ebooks/{ebook_id}/listing/fr",
                         json={"description": "<b>Beau</b> &lt;script&gt;alert(1)&lt;/script&gt;"})
    assert saved.status_code == 200, saved.text
    section = client.get(f"/ebooks/{ebook_id}/listing?lang=fr",
                         headers={"HX-Request": "true"}).text
    assert "<b>Beau</b>" in section and "<script>" not in section
    assert "&lt;script&gt;" in section


def test_listing_rules_join_the_preflight_and_the_bundle_holds_the_listing(client) -> None:
    ebook_id = _generated(client)
    report = client.post(f"/api/ebooks/{ebook_id}/export").json()
    assert report["passed"], [r for r in report["rules"] if not r["passed"]]
    codes = {rule["code"] for rule in report["rules"]}
    assert {"listing_fr.keyword_length", "listing_en.title_matches_cover",
            "listing_fr.list_price", "interior.no_gray"} <= codes
    # An edit is a new verdict on the same files: the price under KDP's minimum cannot be
    # saved, but a title that no longer matches the cover can, and fails the preflight.
    client.patch(f"/api/ebooks/{ebook_id}/listing/en", json={"title": "Secret Garden"})
    again = client.post(f"/api/ebooks/{ebook_id}/export").json()
    assert again["id"] != report["id"] and not again["passed"]
    failing = [r["code"] for r in again["rules"] if not r["passed"]]
    assert failing == ["listing_en.title_matches_cover"]
    page = client.get(f"/ebooks/{ebook_id}").text
    assert "Fiche amazon.com : Titre identique à la couverture" in page
    assert client.get(f"/api/ebooks/{ebook_id}/bundle.zip").status_code == 409
    client.delete(f"/api/ebooks/{ebook_id}/listing/en")
    bundle = client.get(f"/api/ebooks/{ebook_id}/bundle.zip")
    assert bundle.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    text = archive.read("Jardin-secret-listing-amazon-fr.txt").decode()
    data = json.loads(archive.read("Jardin-secret-listing-amazon-com.json"))
    assert text.startswith("Fiche KDP — Amazon.fr")
    # KDP's order: details, then content, then rights and pricing.
    assert (text.index("Titre : Jardin secret") < text.index("Description")
            < text.index("Mots-clés") < text.index("Contenu généré par l'IA : Non")
            < text.index("Prix catalogue"))
    assert data["title"] == "Jardin secret" and len(data["keywords"]) == 7
    assert data["pricing"]["marketplace"] == "amazon.com"
    readme = archive.read("README.txt").decode()
    assert "Jardin-secret-listing-amazon-fr.txt" in readme


@pytest.mark.slow
def test_cli_prints_and_edits_the_listing(client, settings, tmp_path) -> None:
    ebook_id = _book(client, theme="unicorns", audience="adults")
    shown = run(settings, "book", "listing", str(ebook_id), "--lang", "en")
    assert shown.returncode == 0, shown.stderr
    assert "Book Title: Jardin secret" in shown.stdout and "Keywords:" in shown.stdout
    as_json = run(settings, "book", "listing", str(ebook_id), "--json")
    assert json.loads(as_json.stdout)["marketplace"] == "amazon.fr"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"keywords": ["gratuit licornes magiques"]}), encoding="utf-8")
    refused = run(settings, "book", "listing", str(ebook_id), "--set", str(bad))
    assert refused.returncode == 2 and "keywords:" in refused.stderr
    assert "gratuit" in refused.stderr
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"list_price": "12.99"}), encoding="utf-8")
    changed = run(settings, "book", "listing", str(ebook_id), "--set", str(good))
    assert changed.returncode == 0 and "Prix catalogue : 12,99" in changed.stdout
    assert run(settings, "book", "listing", str(ebook_id), "--lang", "de").returncode == 2
    assert run(settings, "book", "listing", "999999").returncode == 2


def test_get_and_put_the_listing_in_the_books_language(client) -> None:
    ebook_id = _book(client, theme="dinosaurs")
    url = f"/api/ebooks/{ebook_id}/listing"
    shown = client.get(url)
    assert shown.status_code == 200 and shown.json()["marketplace"] == "amazon.fr"
    assert client.get(url, params={"lang": "en"}).json()["marketplace"] == "amazon.com"
    whole = {"title": "Jardin secret", "description": "<p>Des <b>dinosaures</b>.</p>",
             "keywords": ["tyrannosaure", "tricératops", "préhistoire", "cadeau garçon",
                          "fossiles", "volcans", "coloriage jurassique"],
             "categories": ["JNF001010"], "reading_age_min": 5, "reading_age_max": 9}
    put = client.put(url, json=whole)
    assert put.status_code == 200, put.text
    body = put.json()
    assert body["passed"], [c for c in body["checks"] if not c["passed"]]
    assert (body["subtitle"], body["list_price"], body["reading_age_min"]) == ("", None, 5)
    assert client.get(url).json()["keywords"][0] == "tyrannosaure"
    # PUT replaces the whole listing: a body without its required fields is refused.
    missing = client.put(url, json={"title": "Jardin secret"})
    assert missing.status_code == 422
    assert {e["loc"][-1] for e in missing.json()["detail"]} >= {"description", "keywords"}
    refused = client.put(url, json={**whole, "keywords": ["livre gratuit"]})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "keywords"
    assert "gratuit" in refused.json()["detail"][0]["msg"]
    assert client.get(url).json()["keywords"][0] == "tyrannosaure"
    assert client.put("/api/ebooks/999999/listing", json=whole).status_code == 404


def test_the_creation_form_offers_the_furniture_pages(client) -> None:
    page = client.get("/ebooks/new").text
    for key in ("belongs_to", "how_to_use", "color_test", "thank_you"):
        assert f'name="furniture_{key}" checked' in page
    assert "Ce livre appartient à" in page
    form = {**{k: str(v) for k, v in BOOK.items()}, "print_options": "1",
            "single_sided": "on", "front_matter": "on", "furniture_belongs_to": "on",
            "furniture_thank_you": "on"}
    created = client.post("/ebooks", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    ebook_id = int(created.headers["location"].rstrip("/").split("/")[-1])
    book = client.get(f"/api/ebooks/{ebook_id}").json()
    assert book["furniture"] == ["belongs_to", "thank_you"]
    # 24 designs with blank backs, title and copyright, two furniture pages with theirs.
    assert book["interior_pages"] == 24 * 2 + 2 + 4
    refused = client.post("/api/ebooks", json={**BOOK, "furniture": ["cover_art"]})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][:2] == ["body", "furniture"]
