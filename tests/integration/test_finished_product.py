"""The small things a person notices: live page cards, one page-count rule with one
message, the address after a removal, the dashboard after a cancelled regeneration, the
quick preview's seed, account messages and history in the reader's language."""

from __future__ import annotations

import re

from backoffice.features.accounts import security
from tests.helpers import BOOK, wait_for_job

HTMX = {"HX-Request": "true"}
ENGLISH = {"Accept-Language": "en"}


def _content(book: dict) -> list[dict]:
    return sorted((p for p in book["pages"] if p["kind"] == "content"),
                  key=lambda p: p["position"])


def test_live_cards_page_rule_address_and_dashboard(client) -> None:
    ebook_id = client.post("/api/ebooks", json=BOOK).json()["ebook"]["id"]
    book = wait_for_job(client, ebook_id)
    assert book["job"]["status"] == "succeeded"

    # Each page's card comes with the progress poll once it has an image, once.
    progress = client.get(f"/ebooks/{ebook_id}/progress?since=0", headers=HTMX)
    cards = re.findall(r'<li class="page-card[^"]*" id="page-(\d+)" hx-swap-oob="outerHTML">',
                       progress.text)
    assert len(cards) == len(book["pages"]) == 26
    assert progress.headers["HX-Refresh"] == "true"  # finished: the page reloads once
    newest = max(p["version_id"] for p in book["pages"])
    later = client.get(f"/ebooks/{ebook_id}/progress?since={newest}", headers=HTMX)
    assert "hx-swap-oob" not in later.text

    # One rule, one message: creating with 23 designs and removing one of 24 say the same.
    created = client.post("/api/ebooks", json={**BOOK, "page_count": 23})
    first = _content(book)[0]
    removed = client.delete(f"/api/ebooks/{ebook_id}/pages/{first['id']}")
    assert created.status_code == removed.status_code == 422
    message = created.json()["detail"][0]["msg"]
    assert message == removed.json()["detail"][0]["msg"]
    assert message.startswith("23 coloring pages make a 48-page interior; choose between 24")
    form = client.post(f"/ebooks/{ebook_id}/pages/{first['id']}/remove", headers=HTMX)
    assert form.status_code == 422
    assert "23 pages à colorier donnent un intérieur de 48 pages" in form.text
    # An odd count is fine (KDP pads the interior to an even page count).
    assert client.post(f"/api/ebooks/{ebook_id}/pages", json={"count": 1}).status_code == 202
    book = wait_for_job(client, ebook_id)
    assert book["page_count"] == 25 and book["interior_pages"] == 52

    # After removing the open page, the address no longer names it.
    last = _content(book)[-1]
    gone = client.post(f"/ebooks/{ebook_id}/pages/{last['id']}/remove", headers={
        **HTMX, "HX-Current-URL": f"http://testserver/ebooks/{ebook_id}?page={last['id']}"})
    assert gone.status_code == 200
    assert gone.headers["HX-Replace-Url"].endswith(f"/ebooks/{ebook_id}")

    # A cancelled regeneration of a complete book: the book is still ready.
    job = client.post(f"/api/ebooks/{ebook_id}/regenerate",
                      json={"page_ids": [first["id"]]}).json()
    cancel = client.post(f"/ebooks/{ebook_id}/jobs/{job['id']}/cancel", headers=HTMX)
    if cancel.status_code == 200:  # not already finished on a very fast machine
        assert "Génération annulée. Les pages déjà dessinées sont conservées." in cancel.text
        wait_for_job(client, ebook_id)
        row = client.get(f"/ebooks/{ebook_id}/row").text
        assert "Prêt" in row and "régénération annulée" in row and "Annulé" not in row


def test_quick_preview_draws_its_seed_and_names_fields(client) -> None:
    form = {k: str(v) for k, v in BOOK.items() if k != "seed"}
    preview = client.post("/ebooks/preview", data={**form, "seed": ""}, headers=HTMX)
    assert preview.status_code == 200 and preview.text.count("<img") == 3
    seed = re.search(r'<input id="seed" name="seed"[^>]*value="(\d+)"[^>]*hx-swap-oob="true"',
                     preview.text)
    assert seed, preview.text
    again = client.post("/ebooks/preview", data={**form, "seed": seed.group(1)}, headers=HTMX)
    assert re.findall(r'src="([^"]+)"', again.text) == re.findall(r'src="([^"]+)"',
                                                                   preview.text)
    bad = client.post("/ebooks/preview", data={**form, "author": "", "page_count": "3"},
                      headers=HTMX)
    assert "Auteur : Ce champ est obligatoire." in bad.text
    assert "Pages à colorier : 3 pages à colorier" in bad.text
    assert "author :" not in bad.text and "page_count" not in bad.text
    empty = client.post("/ebooks", data={**form, "page_count": ""})
    assert empty.status_code == 422 and 'id="page_count-error"' in empty.text


def test_setup_form_marks_every_bad_field(app, anon_client) -> None:
    app.state.setup_token_digest = security.digest("first-run-token")
    anon_client.get("/login")
    page = anon_client.post("/setup", data={
        "token": "first-run-token", "email": "not an email", "password": "short",
        "password_confirm": "other", "csrf_token": anon_client.cookies.get("bo_csrf")})
    assert page.status_code == 422
    for field in ("email", "password", "password_confirm"):
        assert f'id="{field}-error"' in page.text
    assert "au moins 12 caractères" in page.text and "les deux mots de passe diffèrent" in (
        page.text)


def test_users_page_speaks_the_readers_language(client) -> None:
    invited = client.post("/users", data={"email": "new@example.com", "role": "editor"})
    assert invited.status_code == 201
    assert 'data-copy="#account-link"' in invited.text  # a copy button beside the link
    page = client.get("/users").text
    assert "Compte créé" in page and "Rôle : Éditeur" in page and "role=editor" not in page
    assert "Jamais" not in page.split("admin@example.com")[1].split("</tr>")[0]
    english = client.get("/users", headers=ENGLISH).text
    assert "Account created" in english and "Role: Editor" in english
    me = client.get("/api/me").json()["id"]
    refused = client.post(f"/users/{me}/deactivate")
    assert refused.status_code == 409
    assert "Vous ne pouvez pas désactiver votre propre compte." in refused.text
    bad = client.post("/users", data={"email": "nope", "role": "boss"})
    assert "doit être l&#39;une de ces valeurs : admin, editor" in bad.text
