"""Credentials that must not survive a change, throttling that cannot lock anyone out and
holds under parallel tries, and proxy headers believed only from configured proxies
(issue 18)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from backoffice.database import session_scope
from backoffice.models import LoginThrottle, UserEvent
from tests.conftest import ADMIN_EMAIL, EDITOR_EMAIL, PASSWORD, login, make_user
from tests.live_server import live_server, server_env

NEW_PASSWORD = "a brand new password"


def _token(test_client) -> str:
    page = test_client.post("/account/tokens", data={"name": "script"})
    return re.search(r'<code id="new-token">([^<]+)</code>', page.text).group(1)


def _bearer(app, token: str) -> int:
    return TestClient(app).get("/api/me", headers={"Authorization": f"Bearer {token}"}
                               ).status_code


def _post_login(test_client, email, password, headers=None):
    test_client.get("/login", headers=headers)
    return test_client.post("/login", data={"email": email, "password": password,
                                            "csrf_token": test_client.cookies.get("bo_csrf")},
                            headers=headers, follow_redirects=False)


def test_a_password_change_signs_out_other_sessions_and_revokes_tokens(client, app):
    other_browser = TestClient(app)
    login(other_browser, ADMIN_EMAIL)
    token = _token(client)
    assert _bearer(app, token) == 200 and other_browser.get("/api/me").status_code == 200

    page = client.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD})
    assert page.status_code == 200 and "API" in page.text
    assert client.get("/api/me").status_code == 200  # the session that changed it stays
    assert other_browser.get("/api/me").status_code == 401
    assert _bearer(app, token) == 401


def test_an_admin_reset_revokes_sessions_and_tokens(client, app, settings):
    make_user(settings, EDITOR_EMAIL, "editor")
    editor = TestClient(app)
    login(editor, EDITOR_EMAIL)
    token = _token(editor)
    editor_id = editor.get("/api/me").json()["id"]
    assert client.post(f"/users/{editor_id}/reset").status_code == 200
    assert editor.get("/api/me").status_code == 401
    assert _bearer(app, token) == 401


def test_reactivation_restores_nothing_old(client, app, settings):
    make_user(settings, EDITOR_EMAIL, "editor")
    editor = TestClient(app)
    login(editor, EDITOR_EMAIL)
    token = _token(editor)
    editor_id = editor.get("/api/me").json()["id"]
    reset_page = client.post(f"/users/{editor_id}/reset")  # a pending link, then deactivate
    link = re.search(r'<code id="account-link">([^<]+)</code>', reset_page.text).group(1)
    client.post(f"/users/{editor_id}/deactivate")
    client.post(f"/users/{editor_id}/activate")
    assert _bearer(app, token) == 401
    assert editor.get("/api/me").status_code == 401
    assert TestClient(app).get(link).status_code == 404  # the old link stays dead


def _client_from(app, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))


def test_guessing_from_one_address_does_not_lock_the_owner_out(settings):
    from backoffice.main import create_app

    make_user(settings, ADMIN_EMAIL, "admin")
    app = create_app(settings)
    attacker = _client_from(app, "203.0.113.9")
    free = settings.login_max_failures_account
    statuses = [_post_login(attacker, ADMIN_EMAIL, f"guess number {n}").status_code
                for n in range(free + 1)]
    assert statuses == [401] * free + [429]  # the next try waits (5 s, then 10, 20...)
    # Even the right password waits, from the attacker's address...
    assert _post_login(attacker, ADMIN_EMAIL, PASSWORD).status_code == 429
    # ...but the owner, from their own address, signs in at once.
    owner = _client_from(app, "198.51.100.7")
    assert _post_login(owner, ADMIN_EMAIL, PASSWORD).status_code == 303
    # The attacker's wait doubles with each further try it is allowed.
    with session_scope(settings) as session:
        row = session.get(LoginThrottle, f"account:203.0.113.9|{ADMIN_EMAIL}")
        first_wait = (row.blocked_until - row.updated_at).total_seconds()
        session.execute(update(LoginThrottle).values(blocked_until=func.now()))
    assert _post_login(attacker, ADMIN_EMAIL, "one more guess").status_code == 401
    with session_scope(settings) as session:
        row = session.get(LoginThrottle, f"account:203.0.113.9|{ADMIN_EMAIL}")
        assert (row.blocked_until - row.updated_at).total_seconds() == 2 * first_wait


def test_one_address_has_a_budget_across_accounts(settings):
    from backoffice.main import create_app

    budget = settings.model_copy(update={"login_max_failures_ip": 8})
    make_user(budget, ADMIN_EMAIL, "admin")
    app = create_app(budget)
    sprayer = _client_from(app, "203.0.113.50")
    for n in range(8):
        assert _post_login(sprayer, f"user{n}@example.com", "wrong password!"
                           ).status_code == 401
    assert _post_login(sprayer, ADMIN_EMAIL, PASSWORD).status_code == 429
    assert _post_login(_client_from(app, "203.0.113.51"), ADMIN_EMAIL,
                       PASSWORD).status_code == 303


def _rss_mb(pid: int, field: str) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) / 1024


def test_forty_parallel_tries_evaluate_at_most_the_free_tries(settings, tmp_path):
    """Over real HTTP: 40 wrong passwords at once for one account, from one address."""
    make_user(settings, ADMIN_EMAIL, "admin")
    # A long backoff, so that no try queued behind the others outlives it on a slow machine.
    env = server_env(settings.database_url, settings.data_dir, BACKOFFICE_WORKER="external",
                     BACKOFFICE_LOGIN_BACKOFF_SECONDS="600")
    with live_server(env, tmp_path / "server.log") as server:
        import httpx

        with httpx.Client(base_url=server.base_url) as browser:
            browser.get("/login")
            csrf = browser.cookies.get("bo_csrf")
        before = _rss_mb(server.process.pid, "VmHWM")
        statuses: list[int] = []
        barrier = threading.Barrier(40)

        def attempt(n: int) -> None:
            with httpx.Client(base_url=server.base_url, timeout=120,
                              cookies={"bo_csrf": csrf}) as http:
                barrier.wait()
                statuses.append(http.post("/login", data={
                    "email": ADMIN_EMAIL, "password": f"wrong guess {n}",
                    "csrf_token": csrf}).status_code)

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        peak = _rss_mb(server.process.pid, "VmHWM")
    evaluated = statuses.count(401)
    print(f"\n40 parallel tries: {evaluated} evaluated, {statuses.count(429)} refused; "
          f"server peak RSS {before:.0f} MB before, {peak:.0f} MB after")
    assert sorted(set(statuses)) == [401, 429]
    assert evaluated <= settings.login_max_failures_account
    assert peak - before < 250  # was +389 MB with 40 Argon2 hashes at once


def test_forwarded_headers_are_ignored_unless_the_proxy_is_trusted(settings):
    from backoffice.main import create_app

    make_user(settings, ADMIN_EMAIL, "admin")
    trusting = settings.model_copy(update={"trusted_proxies": "127.0.0.1, 10.0.0.0/8"})
    for app_settings, address, believed in ((settings, "127.0.0.1", False),
                                            (trusting, "192.168.1.5", False),
                                            (trusting, "10.1.2.3", True)):
        browser = _client_from(create_app(app_settings), address)
        page = browser.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert ("Secure" in page.headers["set-cookie"]) is believed
        response = _post_login(browser, ADMIN_EMAIL, PASSWORD,
                               headers={"X-Forwarded-For": "192.0.2.77"})
        assert response.status_code == 303
    with session_scope(settings) as session:
        details = list(session.scalars(select(UserEvent.detail).where(
            UserEvent.action == "login").order_by(UserEvent.id)))
    assert details == ["ip=127.0.0.1", "ip=192.168.1.5", "ip=192.0.2.77"]


def test_an_invalid_trusted_proxy_setting_is_refused() -> None:
    import pytest
    from pydantic import ValidationError

    from backoffice.config import Settings

    with pytest.raises(ValidationError, match="not an IP address"):
        Settings(BACKOFFICE_TRUSTED_PROXIES="localhost")
