"""`backoffice users ...`: no login (local operator), password from stdin when piped."""

from __future__ import annotations

from tests.integration.test_cli import run


def _run(settings, *args, stdin=""):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "BACKOFFICE_DATA_DIR": str(settings.data_dir)}
    return subprocess.run([sys.executable, "-m", "backoffice", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_create_reads_the_password_from_stdin_and_the_account_can_sign_in(settings, app):
    from fastapi.testclient import TestClient

    from tests.conftest import login

    created = _run(settings, "users", "create", "--email", "Chief@Example.com", "--role",
                   "admin", stdin="a long enough password\n")
    assert created.returncode == 0, created.stderr
    assert "created admin chief@example.com" in created.stdout
    listed = run(settings, "users", "list")
    assert "chief@example.com" in listed.stdout and "admin" in listed.stdout
    browser = TestClient(app)
    login(browser, "chief@example.com", "a long enough password")
    assert browser.get("/api/me").json()["role"] == "admin"


def test_bad_input_exits_2_naming_the_option(settings):
    cases = [
        (["--email", "not-an-email", "--role", "editor"], "pw long enough!!", "--email"),
        (["--email", "a@example.com", "--role", "boss"], "pw long enough!!", "--role"),
        (["--email", "a@example.com", "--role", "editor"], "short", "password"),
    ]
    for args, password, option in cases:
        result = _run(settings, "users", "create", *args, stdin=password + "\n")
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith(f"error: {option}"), result.stderr
    _run(settings, "users", "create", "--email", "a@example.com", "--role", "editor",
         stdin="pw long enough!!\n")
    again = _run(settings, "users", "create", "--email", "A@example.com", "--role", "editor",
                 stdin="pw long enough!!\n")
    assert again.returncode == 2 and "--email: an account with this email already exists" \
        in again.stderr
