"""Every field of the API and the form is checked: 422 naming the field, never a 500,
and never a half-created book."""

from __future__ import annotations

import pytest

from tests.helpers import BOOK

API_CASES = [
    ({"page_count": 23}, "page_count"),
    ({"page_count": 22}, "page_count"),
    ({"page_count": 600, "trim_size": "8.5x11", "paper": "white"}, "page_count"),
    ({"page_count": 300, "trim_size": "8.5x11", "paper": "cream"}, "page_count"),
    ({"page_count": "many"}, "page_count"),
    ({"trim_size": "9x12"}, "trim_size"),
    ({"paper": "glossy"}, "paper"),
    ({"theme": "../etc/passwd"}, "theme"),
    ({"audience": "seniors"}, "audience"),
    ({"title": "x" * 201}, "title"),
    ({"author": ""}, "author"),
    ({"author": "   "}, "author"),
    ({"author": "y" * 121}, "author"),
    ({"seed": -5}, "seed"),
    ({"seed": 2**60}, "seed"),
    ({"unexpected": 1}, "unexpected"),
    ({"title": "Licornes 🦄"}, "title"),
    ({"subtitle": "猫の本"}, "subtitle"),
    ({"blurb": "שלום"}, "blurb"),
    ({"cover_template": "collage"}, "cover_template"),
]


@pytest.mark.parametrize(("change", "field"), API_CASES)
def test_api_refuses_each_bad_field(client, change, field) -> None:
    response = client.post("/api/ebooks", json={**BOOK, **change})
    assert response.status_code == 422, response.text
    fields = [error["loc"][-1] for error in response.json()["detail"]]
    assert field in fields, response.json()
    assert client.get("/api/ebooks").json()["total"] == 0


def test_api_refuses_a_body_that_is_not_json(client) -> None:
    response = client.post("/api/ebooks", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_form_shows_the_message_next_to_the_field_and_keeps_the_others(client) -> None:
    form = {**BOOK, "page_count": "23", "title": "Mon <b>titre</b>", "author": ""}
    response = client.post("/ebooks", data={k: str(v) for k, v in form.items()})
    assert response.status_code == 422
    html = response.text
    assert 'id="page_count-error"' in html and "choisissez entre 24 et 294" in html
    assert 'id="author-error"' in html
    assert 'value="Mon &lt;b&gt;titre&lt;/b&gt;"' in html  # kept, and escaped
    assert 'value="1234"' in html  # the seed is kept
    assert client.get("/api/ebooks").json()["total"] == 0


def test_list_filters_are_checked(client) -> None:
    assert client.get("/api/ebooks?status=LOST").status_code == 422
    assert client.get("/api/ebooks?page=0").status_code == 422
    assert client.get("/api/ebooks?size=1000").status_code == 422
    assert client.get("/api/ebooks?sort=random").status_code == 422
    refused = client.get("/api/ebooks?status=LOST")
    assert refused.json()["detail"][0]["loc"] == ["query", "status"]
    assert client.get("/?status=LOST").status_code == 200  # the dashboard shows all


def test_form_print_options_are_stored_and_a_bad_isbn_is_shown(client) -> None:
    form = {**{k: str(v) for k, v in BOOK.items()}, "print_options": "1",
            "front_matter": "on", "page_numbers": "on", "isbn": "978-2-07-036002-5"}
    refused = client.post("/ebooks", data=form)
    assert refused.status_code == 422 and 'id="isbn-error"' in refused.text
    form["isbn"] = "9782070360024"
    created = client.post("/ebooks", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    ebook_id = int(created.headers["location"].rstrip("/").split("/")[-1])
    book = client.get(f"/api/ebooks/{ebook_id}").json()
    assert (book["single_sided"], book["front_matter"], book["page_numbers"]) == (
        False, True, True)
    assert book["isbn"] == "9782070360024" and book["interior_pages"] == 26


def test_form_messages_follow_the_language(client) -> None:
    too_long = {**{k: str(v) for k, v in BOOK.items()}, "page_count": "600",
                "trim_size": "8.5x11"}
    not_a_number = {**{k: str(v) for k, v in BOOK.items()}, "seed": "abc"}
    english = {"Accept-Language": "en"}
    assert "KDP accepte de 24 à 590 pages" in client.post("/ebooks", data=too_long).text
    assert "KDP accepts 24 to 590 pages" in client.post("/ebooks", data=too_long,
                                                        headers=english).text
    assert "Saisissez un nombre entier." in client.post("/ebooks", data=not_a_number).text
    assert "Enter a whole number." in client.post("/ebooks", data=not_a_number,
                                                  headers=english).text


def test_unprintable_characters_are_named_in_the_api_and_the_form(client) -> None:
    response = client.post("/api/ebooks", json={**BOOK, "title": "Licornes 🦄 et 猫"})
    message = str(response.json()["detail"])
    assert response.status_code == 422 and "U+1F984 UNICORN FACE" in message
    assert "U+732B" in message
    form = {**{k: str(v) for k, v in BOOK.items()}, "title": "Licornes 🦄"}
    html = client.post("/ebooks", data=form).text
    assert "Les polices de la couverture ne peuvent pas imprimer ces caractères" in html
    assert "U+1F984" in html and 'id="title-error"' in html
    assert client.get("/api/ebooks").json()["total"] == 0
