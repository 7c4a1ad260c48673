"""A real server on 127.0.0.1 (embedded PostgreSQL, procedural provider) and Debian's
chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(settings):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "BACKOFFICE_DATA_DIR": str(settings.data_dir), "BACKOFFICE_LANGUAGE": "fr"}
    log = open(settings.data_dir.parent / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "backoffice", "serve", "--host",
                                "127.0.0.1", "--port", str(port)], env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.close()
            raise RuntimeError((settings.data_dir.parent / "server.log").read_text())
        time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-smoke`, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield browser
        browser.close()


def new_page(browser):
    context = browser.new_context(locale="fr-FR", accept_downloads=True,
                                  viewport={"width": 1366, "height": 900})
    return context, context.new_page()


def sign_in(page, base: str, email: str, password: str) -> None:
    """Through the real login page, as a person would."""
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def page(browser, live_server, settings):
    """Signed in as an editor: the everyday role, whose whole workflow the tests walk."""
    from tests.conftest import EDITOR_EMAIL, PASSWORD, make_user

    make_user(settings, EDITOR_EMAIL, "editor")
    context, page = new_page(browser)
    sign_in(page, live_server, EDITOR_EMAIL, PASSWORD)
    yield page
    context.close()


@pytest.fixture
def anon_page(browser):
    context, page = new_page(browser)
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
