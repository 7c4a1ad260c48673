"""CSRF, security headers, body limits, escaping and download names."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.helpers import BOOK

FORM = {**BOOK, "page_count": "24", "seed": "1"}


def test_a_form_post_without_the_csrf_token_is_refused(client):
    del client.headers["X-CSRF-Token"]
    response = client.post("/ebooks", data=FORM, follow_redirects=False)
    # People read why, in their language; scripts asking for JSON get JSON.
    assert response.status_code == 403 and "Ce formulaire a expiré" in response.text
    scripted = client.post("/ebooks", data=FORM, headers={"Accept": "application/json"})
    assert scripted.status_code == 403 and "CSRF" in scripted.json()["detail"]
    wrong = client.post("/ebooks", data={**FORM, "csrf_token": "x" * 43},
                        follow_redirects=False)
    assert wrong.status_code == 403


def test_the_form_field_token_is_accepted(client, settings):
    token = client.headers.pop("X-CSRF-Token")
    response = client.post("/account/tokens", data={"name": "form field", "csrf_token": token})
    assert response.status_code == 201
    multipart = client.post("/account/tokens", data={"name": "multi", "csrf_token": token},
                            files={"ignored": ("a.txt", b"x", "text/plain")})
    assert multipart.status_code == 201


def test_json_api_with_a_session_needs_the_header_token(client):
    token = client.headers.pop("X-CSRF-Token")
    assert client.post("/api/ebooks", json=BOOK).status_code == 403
    client.headers["X-CSRF-Token"] = token
    assert client.post("/api/ebooks", json={**BOOK, "page_count": 23}).status_code == 422


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": None, "Sec-Fetch-Site": "cross-site"},
    {"Origin": None, "Sec-Fetch-Site": "same-site"},
])
def test_cross_origin_posts_are_refused_even_with_the_token(client, headers):
    for name, value in headers.items():
        if value is None:
            client.headers.pop(name, None)
        else:
            client.headers[name] = value
    response = client.post("/account/tokens", data={"name": "x"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert "refused" in response.json()["detail"]
    page = client.post("/account/tokens", data={"name": "x"})
    assert page.status_code == 403 and "vient d&#39;un autre site" in page.text


def test_login_itself_is_csrf_protected(anon_client):
    anon_client.get("/login")
    response = anon_client.post("/login", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 403


def test_security_headers_on_pages_refusals_and_files(client, anon_client):
    for response in (client.get("/"), anon_client.get("/", follow_redirects=False),
                     anon_client.get("/api/ebooks"), anon_client.get("/static/css/app.css")):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'self'" in csp and "frame-src 'self'" in csp
        assert "object-src 'self'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_session_cookie_flags(anon_client, settings):
    from tests.conftest import ADMIN_EMAIL, PASSWORD, make_user

    make_user(settings, ADMIN_EMAIL, "admin")
    anon_client.get("/login")
    response = anon_client.post("/login", data={
        "email": ADMIN_EMAIL, "password": PASSWORD,
        "csrf_token": anon_client.cookies.get("bo_csrf")}, follow_redirects=False)
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("bo_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the HTTPS case below


def test_over_https_the_cookie_is_secure_and_host_prefixed(settings):
    from fastapi.testclient import TestClient

    from backoffice.main import create_app
    from tests.conftest import ADMIN_EMAIL, PASSWORD, make_user

    make_user(settings, ADMIN_EMAIL, "admin")
    secure = TestClient(create_app(settings), base_url="https://testserver")
    secure.get("/login")
    response = secure.post("/login", data={
        "email": ADMIN_EMAIL, "password": PASSWORD,
        "csrf_token": secure.cookies.get("bo_csrf")}, follow_redirects=False)
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("__Host-bo_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert secure.get("/api/me").json()["email"] == ADMIN_EMAIL


def test_oversized_bodies_get_413(settings):
    from fastapi.testclient import TestClient

    from backoffice.main import create_app
    from tests.conftest import ADMIN_EMAIL, login, make_user

    small = settings.model_copy(update={"max_body_mb": 0.01})  # about 10 kB
    make_user(small, ADMIN_EMAIL, "admin")
    test_client = TestClient(create_app(small))
    login(test_client, ADMIN_EMAIL)
    big = b"x" * 20_000
    declared = test_client.post("/api/ebooks", content=big,
                                headers={"content-type": "application/json"})
    assert declared.status_code == 413

    def stream():
        for _ in range(20):
            yield b"x" * 1000

    streamed = test_client.post("/api/ebooks", content=stream(),
                                headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    form = test_client.post("/ebooks", content=stream(),
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 413
    anonymous = TestClient(create_app(small)).post("/login", content=big)
    assert anonymous.status_code == 413


def test_user_text_is_escaped(client):
    hostile = '<script>alert("x")</script>'
    page = client.post("/account/tokens", data={"name": hostile})
    assert page.status_code == 201
    assert hostile not in page.text and "&lt;script&gt;" in page.text


def test_templates_never_mark_text_safe():
    root = Path(__file__).resolve().parents[2] / "src" / "backoffice"
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", ""), template
        assert "autoescape false" not in text, template


def test_download_names_are_rfc_6266_and_5987_encoded():
    from starlette.responses import Response

    from backoffice.web.downloads import content_disposition

    title = 'L’été "des" mandalas / vol\\2'
    header = content_disposition(title, "-interior.pdf")
    header.encode("latin-1")  # what Starlette needs; the previous system 500'd here
    Response(b"", headers={"Content-Disposition": header})
    plain, star = header.split("; filename*=")
    assert plain.startswith('attachment; filename="') and plain.count('"') == 2
    assert "/" not in plain and "\\" not in plain
    assert star.startswith("UTF-8''")
    name = unquote(star.removeprefix("UTF-8''"))
    assert name == "L-été-des-mandalas-vol-2-interior.pdf"
    assert "/" not in name and '"' not in name
