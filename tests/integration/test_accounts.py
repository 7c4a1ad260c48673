"""Accounts: first-run setup, login and throttling, session expiry and revocation,
roles, invitations and resets, API tokens."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from backoffice.database import session_scope
from backoffice.models import User, UserEvent, UserSession
from tests.conftest import ADMIN_EMAIL, EDITOR_EMAIL, PASSWORD, login, make_user


def _post_login(test_client, email, password, **extra):
    test_client.get("/login")
    return test_client.post("/login", data={"email": email, "password": password,
                                            "csrf_token": test_client.cookies.get("bo_csrf"),
                                            **extra}, follow_redirects=False)


def _csrf_field(test_client) -> dict:
    return {"csrf_token": test_client.cookies.get("bo_csrf")}


def test_first_run_prints_a_setup_link_that_works_once(app, settings, capsys):
    with TestClient(app) as browser:
        printed = capsys.readouterr().out
        match = re.search(r"http://[^/\s]+(/setup\?token=([\w-]+))", printed)
        assert match, printed
        path, token = match.group(1), match.group(2)
        assert browser.get("/setup?token=wrong").status_code == 404
        assert browser.get(path).status_code == 200
        form = {"token": token, "email": "Boss@Example.com", "password": PASSWORD,
                "password_confirm": PASSWORD}
        short = browser.post("/setup", data={**form, "password": "short",
                                             "password_confirm": "short",
                                             **_csrf_field(browser)})
        assert short.status_code == 422 and "12" in short.text
        created = browser.post("/setup", data={**form, **_csrf_field(browser)},
                               follow_redirects=False)
        assert created.status_code == 303
        assert browser.get("/api/me").json() == {"id": 1, "email": "boss@example.com",
                                                 "role": "admin"}
    with TestClient(app) as other:
        assert "setup?token" not in capsys.readouterr().out  # an account exists now
        assert other.get(path).status_code == 404
        other.get("/login")
        again = other.post("/setup", data={**form, "email": "two@example.com",
                                           **_csrf_field(other)})
        assert again.status_code == 404
    with session_scope(settings) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_wrong_password_and_unknown_account_look_the_same(anon_client, settings):
    make_user(settings, ADMIN_EMAIL, "admin")
    wrong = _post_login(anon_client, ADMIN_EMAIL, "not the password")
    unknown = _post_login(anon_client, "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect" in wrong.text
    strip = lambda text: re.sub(r'value="[^"]*"', "", text)  # noqa: E731
    assert strip(wrong.text) == strip(unknown.text)


def test_login_is_throttled_per_account_and_address_and_per_address(settings):
    """Full story in test_fault_accounts.py: a few free tries, then backoff; a budget per
    address across accounts. Unknown accounts are throttled the same way."""
    from backoffice.main import create_app
    from backoffice.models import LoginThrottle

    limited = settings.model_copy(update={"login_max_failures_account": 3,
                                          "login_max_failures_ip": 5})
    make_user(limited, ADMIN_EMAIL, "admin")
    browser = TestClient(create_app(limited))
    for _ in range(3):
        assert _post_login(browser, ADMIN_EMAIL, "wrong password!").status_code == 401
    refused = _post_login(browser, ADMIN_EMAIL, PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "Trop de tentatives" in refused.text
    for _ in range(2):
        assert _post_login(browser, "ghost@example.com", "wrong password!").status_code == 401
    # Five failures from this address in the window: every account is refused from it.
    make_user(limited, EDITOR_EMAIL, "editor")
    assert _post_login(browser, EDITOR_EMAIL, PASSWORD).status_code == 429
    with session_scope(limited) as session:
        session.execute(update(LoginThrottle).values(blocked_until=func.now()))
    assert _post_login(browser, ADMIN_EMAIL, PASSWORD).status_code == 303


def test_sessions_expire_when_idle_and_absolutely(client, settings):
    assert client.get("/api/me").status_code == 200
    with session_scope(settings) as session:
        session.execute(update(UserSession).values(
            last_seen_at=func.now() - timedelta(minutes=settings.session_idle_minutes + 1)))
    assert client.get("/api/me").status_code == 401
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")

    login(client, ADMIN_EMAIL)
    assert client.get("/api/me").status_code == 200
    with session_scope(settings) as session:
        session.execute(update(UserSession).values(expires_at=func.now()))
    assert client.get("/api/me").status_code == 401


def test_logout_revokes_the_session(client):
    cookie = client.cookies.get("bo_session")
    assert client.post("/logout", follow_redirects=False).status_code == 303
    client.cookies.set("bo_session", cookie)
    assert client.get("/api/me").status_code == 401


def test_login_rotates_the_session_id(client):
    before = client.cookies.get("bo_session")
    login(client, ADMIN_EMAIL)
    assert client.cookies.get("bo_session") != before
    client.cookies.set("bo_session", before)
    assert client.get("/api/me").status_code == 401


def test_editors_cannot_manage_users(editor_client):
    assert editor_client.get("/api/me").json()["role"] == "editor"
    assert editor_client.get("/users").status_code == 403
    assert editor_client.post("/users", data={"email": "x@example.com",
                                              "role": "admin"}).status_code == 403
    assert editor_client.post("/users/1/deactivate").status_code == 403
    assert "Utilisateurs" not in editor_client.get("/account").text


def test_require_admin_helper():
    import pytest
    from fastapi import HTTPException
    from starlette.requests import Request

    from backoffice.deps import require_admin
    from backoffice.features.accounts.service import AuthUser

    request = Request({"type": "http", "state": {"user": AuthUser(1, "e@x.io", "editor")}})
    with pytest.raises(HTTPException) as refused:
        require_admin(request)
    assert refused.value.status_code == 403
    request.state.user = AuthUser(2, "a@x.io", "admin")
    assert require_admin(request).email == "a@x.io"


def test_invite_set_password_deactivate_and_reset(client, app, settings):
    page = client.post("/users", data={"email": "New.Editor@example.com", "role": "editor"})
    assert page.status_code == 201
    link = re.search(r'<code id="account-link">([^<]+)</code>', page.text).group(1)
    invited = TestClient(app)
    assert invited.get(link).status_code == 200
    chosen = invited.post(link, data={"password": PASSWORD, "password_confirm": PASSWORD,
                                      **_csrf_field(invited)}, follow_redirects=False)
    assert chosen.status_code == 303
    assert invited.get("/api/me").json()["email"] == "new.editor@example.com"
    assert TestClient(app).get(link).status_code == 404  # used up
    editor_id = invited.get("/api/me").json()["id"]

    assert client.post(f"/users/{editor_id}/deactivate",
                       follow_redirects=False).status_code == 303
    assert invited.get("/api/me").status_code == 401
    assert _post_login(TestClient(app), "new.editor@example.com", PASSWORD).status_code == 401
    client.post(f"/users/{editor_id}/activate")

    page = client.post(f"/users/{editor_id}/reset")
    reset_link = re.search(r'<code id="account-link">([^<]+)</code>', page.text).group(1)
    assert _post_login(TestClient(app), "new.editor@example.com", PASSWORD).status_code == 401
    fresh = TestClient(app)
    fresh.get(reset_link)
    fresh.post(reset_link, data={"password": "another long password",
                                 "password_confirm": "another long password",
                                 **_csrf_field(fresh)})
    assert fresh.get("/api/me").status_code == 200

    with session_scope(settings) as session:
        actions = [(e.actor, e.action) for e in session.scalars(
            select(UserEvent).where(UserEvent.user_id == editor_id).order_by(UserEvent.id))]
    assert (ADMIN_EMAIL, "created") in actions and (ADMIN_EMAIL, "deactivated") in actions
    assert (ADMIN_EMAIL, "password_reset") in actions
    assert ("new.editor@example.com", "password_set") in actions


def test_admins_cannot_lock_themselves_out(client):
    me = client.get("/api/me").json()["id"]
    refused = client.post(f"/users/{me}/deactivate")
    assert refused.status_code == 409
    assert client.get("/api/me").status_code == 200


def test_api_tokens_are_shown_once_and_work_without_cookies_or_csrf(client, app):
    page = client.post("/account/tokens", data={"name": "script"})
    token = re.search(r'<code id="new-token">([^<]+)</code>', page.text).group(1)
    assert token not in client.get("/account").text
    script = TestClient(app)
    auth = {"Authorization": f"Bearer {token}"}
    assert script.get("/api/me", headers=auth).json()["email"] == ADMIN_EMAIL
    created = script.post("/api/ebooks", headers=auth, json={
        "title": "T", "author": "A", "theme": "mandalas", "audience": "adults",
        "trim_size": "8.5x11", "paper": "white", "page_count": 23})
    assert created.status_code == 422  # reached the route: no CSRF needed with a token
    bad = script.get("/api/me", headers={"Authorization": "Bearer bo_nope"})
    assert bad.status_code == 401

    token_id = re.search(r'/account/tokens/(\d+)/revoke', client.get("/account").text).group(1)
    assert client.post(f"/account/tokens/{token_id}/revoke",
                       follow_redirects=False).status_code == 303
    assert script.get("/api/me", headers=auth).status_code == 401


def test_change_own_password(client, app):
    page = client.post("/account/password", data={
        "current_password": "wrong", "password": "a brand new password",
        "password_confirm": "a brand new password"})
    assert page.status_code == 422
    page = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a brand new password",
        "password_confirm": "a brand new password"})
    assert page.status_code == 200
    assert _post_login(TestClient(app), ADMIN_EMAIL, "a brand new password").status_code == 303


def test_header_shows_the_user_and_a_logout_form(client):
    page = client.get("/account").text
    assert ADMIN_EMAIL in page and 'action="http://testserver/logout"' in page
    assert "Utilisateurs" in page
    assert re.search(r'action="http://testserver/logout">\s*<input type="hidden" '
                     r'name="csrf_token"', page)
