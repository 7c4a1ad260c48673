"""People get designed pages in their language (403, 404, 422, 500, 503, refused forms);
the JSON API keeps its JSON. Never raw JSON or a bare "Internal Server Error" in a browser."""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.conftest import EDITOR_EMAIL, login, make_user

ENGLISH = {"Accept-Language": "en"}


def _designed(response, status: int, *texts: str) -> str:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert 'class="error-page"' in html and '{"detail"' not in html
    for text in texts:
        assert text in html, (text, html[:3000])
    return html


def test_an_editor_opening_users_gets_a_designed_403(editor_client) -> None:
    html = _designed(editor_client.get("/users"), 403, "Accès refusé",
                     "Cette page est réservée aux administrateurs.")
    assert "Tableau de bord" in html  # the app around it, signed in
    _designed(editor_client.get("/users", headers=ENGLISH), 403, "Access refused")


@pytest.mark.parametrize("path", ["/?page=-3", "/ebooks/abc", "/ebooks/1?page=abc",
                                  "/ebooks/1/progress?since=x"])
def test_bad_addresses_get_a_designed_422(editor_client, path) -> None:
    html = _designed(editor_client.get(path), 422, "Requête non valide")
    assert "Saisissez un nombre entier." in html or "Doit être au moins" in html


def test_unknown_pages_get_a_designed_404(editor_client) -> None:
    _designed(editor_client.get("/nope"), 404, "Page introuvable",
              "Cette page n&#39;existe pas")
    _designed(editor_client.get("/ebooks/999999"), 404, "Le livre 999999 n&#39;existe pas.")
    _designed(editor_client.get("/nope", headers=ENGLISH), 404, "Page not found")


def test_json_routes_keep_json(editor_client) -> None:
    assert editor_client.get("/api/nope").json() == {"detail": "Not Found"}
    refused = editor_client.get("/api/ebooks/abc")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "ebook_id"
    missing = editor_client.get("/api/ebooks/999999")
    assert missing.status_code == 404 and missing.json() == {
        "detail": "Book 999999 does not exist."}


def test_a_refused_form_says_so_in_words(editor_client) -> None:
    # A form without its CSRF token (for instance opened before a restart).
    response = editor_client.post("/ebooks/1/approve", headers={"X-CSRF-Token": ""})
    _designed(response, 403, "Ce formulaire a expiré")
    api = editor_client.post("/api/ebooks/1/approve", headers={"X-CSRF-Token": ""})
    assert api.status_code == 403 and api.json()["detail"] == "missing or invalid CSRF token"


def test_signed_out_pages_show_no_app_navigation(anon_client) -> None:
    html = anon_client.get("/login").text
    assert "Nouvel ebook" not in html and "Tableau de bord" not in html
    assert 'rel="icon"' in html  # and the favicon, so no 404 in the console


def test_an_unexpected_error_is_a_designed_500(app, settings) -> None:
    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)  # a route with a bug, for this test only
    make_user(settings, EDITOR_EMAIL, "editor")
    browser = TestClient(app, raise_server_exceptions=False)
    login(browser, EDITOR_EMAIL)
    _designed(browser.get("/boom"), 500, "Une erreur s&#39;est produite")
    assert browser.get("/boom", headers={"Accept": "application/json"}).json() == {
        "detail": "internal server error"}


@contextmanager
def _database_down(pg_admin_url: str, settings):
    """A real outage: the database refuses new connections and loses its open ones."""
    from backoffice.database import dispose_engines

    name = urlsplit(settings.database_url).path.lstrip("/")
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s", (name,))
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            dispose_engines()


def test_a_database_outage_is_a_designed_503(editor_client, pg_admin_url, settings) -> None:
    with _database_down(pg_admin_url, settings):
        html = _designed(editor_client.get("/"), 503, "Service indisponible",
                         "La base de données est injoignable pour le moment.")
        assert "Internal Server Error" not in html
        _designed(editor_client.get("/ebooks/1", headers=ENGLISH), 503,
                  "Service unavailable")
        api = editor_client.get("/api/ebooks")
        assert api.status_code == 503 and "database is unavailable" in api.json()["detail"]
    assert editor_client.get("/").status_code == 200  # and back once it is
