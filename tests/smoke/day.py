"""What the publisher's day needs besides the browser: the printed setup link, waits that
work under the CSP, and the faults it provokes (blank pages, a database outage)."""

from __future__ import annotations

import io
import re
import time
from urllib.parse import urlsplit

import psycopg

GENERATION_S = 240_000


def setup_link(settings) -> str:
    log = settings.data_dir.parent / "server.log"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        match = re.search(r"http://\S+/setup\?token=[\w-]+", log.read_text())
        if match:
            return match.group(0)
        time.sleep(0.2)
    raise AssertionError(log.read_text())


def wait_until(page, predicate: str, timeout_s: float = GENERATION_S / 1000) -> None:
    """Polls from here: page.wait_for_function would need eval, which the CSP refuses."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"never true: {predicate}"
        time.sleep(0.25)


def pattern(text: str) -> re.Pattern[str]:
    """A translated message with its values left open."""
    return re.compile(r"\d+".join(re.escape(p) for p in re.split(r"%\(\w+\)s", text)))


def watch_dialogs(page) -> list[str]:
    """Confirmations are accepted (removing a page asks first); any alert is a script
    that ran where text was expected."""
    alerts: list[str] = []

    def answer(dialog) -> None:
        if dialog.type == "confirm":
            dialog.accept()
        else:
            alerts.append(dialog.message)
            dialog.dismiss()

    page.on("dialog", answer)
    return alerts


def blank_pages(settings, ebook_id: int, positions: tuple[int, ...]) -> None:
    """Make pages blank (a new current version), as a faulty provider could: the KDP
    preflight then fails on too many blank pages in a row."""
    from PIL import Image
    from sqlalchemy import select

    from backoffice.database import session_scope
    from backoffice.models import Page, PageVersion
    from backoffice.storage import get_storage

    buffer = io.BytesIO()
    Image.new("1", (600, 600), 1).save(buffer, format="PNG")
    key = get_storage(settings).put(buffer.getvalue(), ".png")
    with session_scope(settings) as session:
        for position in positions:
            page = session.scalar(select(Page).where(
                Page.ebook_id == ebook_id, Page.kind == "content", Page.position == position))
            version = PageVersion(page_id=page.id, image_key=key, provider="test", model="t",
                                  prompt="", seed=0, quality={})
            session.add(version)
            session.flush()
            page.current_version_id = version.id


def database_down(pg_admin_url: str, settings):
    name = urlsplit(settings.database_url).path.lstrip("/")
    admin = psycopg.connect(pg_admin_url, autocommit=True)
    admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                  (name,))

    def restore() -> None:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()

    return restore
