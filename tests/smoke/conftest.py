"""A real server on 127.0.0.1 (embedded PostgreSQL, procedural provider) and Debian's
chromium driven by Playwright.

Every page a test opens fails the test on any console error or uncaught script error
(`allow_console` names the few a test provokes on purpose, such as the status of an error
page), and every screenshot (`shot`) first checks that the screen shows no text left in
the other language: an English msgid on a French screen, or a French translation on an
English one."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
LOCALES = {"fr": "fr-FR", "en": "en-US"}
PLACEHOLDER = re.compile(r"%\(\w+\)s")


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


# ---- console errors ---------------------------------------------------------------------

class Console:
    """Console errors and uncaught exceptions of one page; `allowed` patterns excuse the
    ones a test provokes on purpose."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.allowed: list[re.Pattern[str]] = []
        page.on("console", lambda msg: self._error(f"console: {msg.text} ({msg.location})")
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self._error(f"uncaught: {exc}"))

    def _error(self, text: str) -> None:
        if not any(pattern.search(text) for pattern in self.allowed):
            self.errors.append(text)

    def check(self) -> None:
        errors, self.errors = self.errors, []
        assert not errors, "errors in the browser console:\n" + "\n".join(errors)


def console_of(page) -> Console:
    return page.context._backoffice_console[page]


@contextlib.contextmanager
def allow_console(page, *patterns: str):
    """While the block runs, console errors matching a pattern are expected (for instance
    the 404 status of the 404 page)."""
    console = console_of(page)
    compiled = [re.compile(p) for p in patterns]
    console.allowed += compiled
    try:
        yield
        page.wait_for_load_state("networkidle")
    finally:
        for pattern in compiled:
            console.allowed.remove(pattern)


def new_page(browser, lang: str = "fr"):
    """A fresh browser profile in `lang`, its console watched."""
    context = browser.new_context(locale=LOCALES[lang], accept_downloads=True,
                                  viewport={"width": 1366, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context._backoffice_console = {}
    page = context.new_page()
    context._backoffice_console[page] = Console(page)
    page.lang = lang
    return context, page


def close(context) -> None:
    """Close a profile, failing on any console error left unchecked."""
    consoles = list(context._backoffice_console.values())
    context.close()
    for console in consoles:
        console.check()


# ---- untranslated text ------------------------------------------------------------------

@lru_cache(maxsize=2)
def _foreign_fragments(lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Pieces of text that would betray the other language on a `lang` screen: (phrases of
    several words, found anywhere; single words, found as whole words)."""
    from backoffice.web.i18n import translations

    french = translations("fr")
    catalog = french._catalog  # type: ignore[attr-defined]
    phrases: set[str] = set()
    words: set[str] = set()
    for msgid, translated in catalog.items():
        if not isinstance(msgid, str) or not msgid or not translated or msgid == translated:
            continue
        foreign, own = (msgid, translated) if lang == "fr" else (translated, msgid)
        pieces = PLACEHOLDER.split(foreign)
        for piece in pieces:
            piece = piece.strip(" .,:;()…·-\"'")
            if not piece or piece.lower() in own.lower():
                continue
            if " " in piece and len(piece) >= 10:
                phrases.add(piece)
            elif (lang == "fr" and len(pieces) == 1 and len(piece) >= 5
                  and piece.isalpha()):  # a whole message of one word: "Dashboard"
                words.add(piece)
    return tuple(sorted(phrases)), tuple(sorted(words))


_SCREEN_TEXT = """() => {
  const parts = [document.body.innerText];
  document.querySelectorAll('[placeholder], [title], [aria-label], img[alt], option')
    .forEach((el) => {
      for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
        if (el.getAttribute(name)) { parts.push(el.getAttribute(name)); }
      }
      if (el.tagName === 'OPTION') { parts.push(el.textContent); }
    });
  document.querySelectorAll('code').forEach((el) => parts.push('\\u0000' + el.textContent));
  return parts.join('\\n');
}"""


def untranslated(page, lang: str) -> list[str]:
    text = page.evaluate(_SCREEN_TEXT)
    # One-time links and tokens (in <code>) are data, not words.
    text = "\n".join(line for line in text.split("\n") if not line.startswith("\u0000"))
    phrases, words = _foreign_fragments(lang)
    found = [phrase for phrase in phrases if phrase in text]
    found += [word for word in words if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])",
                                                  text)]
    return found


def shot(page, name: str, *, check_language: bool = True) -> None:
    """Check the screen (console, language), then save it as test-output/screenshots/
    <name>.png."""
    page.wait_for_load_state("networkidle")
    console_of(page).check()
    lang = getattr(page, "lang", "fr")
    if check_language:
        found = untranslated(page, lang)
        assert not found, f"{name}: text not in {lang}: {found}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# ---- words of the interface, in the page's language -------------------------------------

def words(lang: str):
    """`t("Sign in")`: the interface's own words in `lang`, from the catalogs."""
    from backoffice.web.i18n import translations

    catalog = translations(lang)

    def t(msgid: str, **values: object) -> str:
        text = catalog.gettext(msgid)
        return text % values if values else text

    return t


def sign_in(page, base: str, email: str, password: str) -> None:
    """Through the real login page, as a person would."""
    t = words(getattr(page, "lang", "fr"))
    page.goto(base + "/login")
    page.get_by_label(t("Email")).fill(email)
    page.get_by_label(t("Password")).fill(password)
    page.get_by_role("button", name=t("Sign in")).click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def page(browser, live_server, settings):
    """Signed in as an editor, in French."""
    from tests.conftest import EDITOR_EMAIL, PASSWORD, make_user

    make_user(settings, EDITOR_EMAIL, "editor")
    context, page = new_page(browser)
    sign_in(page, live_server, EDITOR_EMAIL, PASSWORD)
    yield page
    close(context)


@pytest.fixture
def anon_page(browser):
    context, page = new_page(browser)
    yield page
    close(context)
