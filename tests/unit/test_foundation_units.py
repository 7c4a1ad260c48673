"""Small pure pieces of the foundation: download names, storage keys, language choice,
settings errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from backoffice.config import Settings, SettingsError, get_settings
from backoffice.storage import FileSystemStorage
from backoffice.web.downloads import ascii_filename, content_disposition
from backoffice.web.i18n import negotiate, translations


def test_download_names_survive_hostile_titles() -> None:
    header = content_disposition('L’été "à" Paris/<script>', ".pdf")
    assert header.startswith('attachment; filename="')
    ascii_part = header.split('filename="')[1].split('"')[0]
    assert ascii_part.isascii() and "/" not in ascii_part and '"' not in ascii_part
    assert "filename*=UTF-8''L-%C3%A9t%C3%A9-%C3%A0-Paris-script.pdf" in header
    assert "\n" not in header and "\r" not in content_disposition("a\r\nb", ".pdf")
    assert ascii_filename("", ".pdf") == "book.pdf"
    assert ascii_filename("日本語", ".zip") == "book.zip"


def test_storage_is_content_addressed_and_refuses_bad_keys(tmp_path: Path) -> None:
    storage = FileSystemStorage(tmp_path)
    key = storage.put(b"hello", ".png")
    assert storage.put(b"hello", ".png") == key and storage.get(key) == b"hello"
    assert storage.path(key).parent.name == key[:2]
    for bad in ("../etc/passwd", "abc.exe", "a/b.png", "..png"):
        with pytest.raises(ValueError):
            storage.path(bad)
    assert not list(tmp_path.rglob("*.tmp.*"))


def test_language_negotiation() -> None:
    assert negotiate(None, "fr") == "fr"
    assert negotiate("en-GB,en;q=0.9", "fr") == "en"
    assert negotiate("de-DE,de;q=0.9,fr;q=0.5", "en") == "fr"
    assert negotiate("de", "fr") == "fr"
    assert translations("fr").gettext("New ebook") == "Nouvel ebook"
    assert translations("en").gettext("New ebook") == "New ebook"


def test_invalid_setting_names_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("BACKOFFICE_WORKER_CONCURRENCY", "zero")
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match="BACKOFFICE_WORKER_CONCURRENCY"):
            get_settings()
    finally:
        get_settings.cache_clear()
    monkeypatch.delenv("BACKOFFICE_WORKER_CONCURRENCY")
    assert Settings(DATABASE_URL="postgres://u@h/db").database_url == "postgresql://u@h/db"
