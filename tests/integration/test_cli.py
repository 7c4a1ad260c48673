"""The `backoffice` command against a real database, with and without a server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pikepdf


def run(settings, *args: str, extra_env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "BACKOFFICE_DATA_DIR": str(settings.data_dir), **(extra_env or {})}
    return subprocess.run([sys.executable, "-m", "backoffice", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_create_with_wait_then_export(settings, tmp_path: Path) -> None:
    created = run(settings, "book", "create", "--title", "L’été des mandalas", "--author",
                  "Zoé", "--theme", "mandalas", "--audience", "adults", "--trim", "8.5x11",
                  "--paper", "cream", "--pages", "24", "--seed", "5", "--wait")
    assert created.returncode == 0, created.stderr
    ebook_id = int(created.stdout.strip().splitlines()[-1])

    listed = run(settings, "book", "list")
    assert listed.returncode == 0 and "L’été des mandalas" in listed.stdout
    assert "succeeded" in listed.stdout

    out = tmp_path / "out"
    exported = run(settings, "book", "export", str(ebook_id), "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    interior = pikepdf.open(out / "interior.pdf")
    assert len(interior.pages) == 50
    cover = pikepdf.open(out / "cover.pdf")
    width_in = float(cover.pages[0].MediaBox[2]) / 72
    assert abs(width_in - (2 * 8.5 + 50 * 0.0025 + 0.25)) < 0.001


def test_create_without_wait_queues_the_book(settings) -> None:
    created = run(settings, "book", "create", "--author", "A", "--pages", "24")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().splitlines()[-1].isdigit()
    assert "queued" in created.stderr


def test_bad_input_exits_2_naming_the_option(settings) -> None:
    cases = [
        (["--author", "A", "--pages", "23"], "--pages"),
        (["--author", "A", "--pages", "10"], "--pages"),
        (["--author", "A", "--pages", "600", "--trim", "8.5x11"], "--pages"),
        (["--author", "A", "--trim", "9x12"], "--trim"),
        (["--author", "A", "--paper", "glossy"], "--paper"),
        (["--author", "A", "--theme", "nope"], "--theme"),
        (["--author", "", "--pages", "24"], "--author"),
        (["--author", "A", "--title", "x" * 201], "--title"),
        (["--author", "A", "--seed", "-1"], "--seed"),
        (["--author", "A", "--title", "Licornes 🦄"], "U+1F984 UNICORN FACE"),
        (["--author", "A", "--cover-template", "collage"], "--cover-template"),
    ]
    for args, option in cases:
        result = run(settings, "book", "create", *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert option in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert "0 book(s)" in run(settings, "book", "list").stdout


def test_export_of_a_missing_book_and_bad_settings(settings, tmp_path: Path) -> None:
    missing = run(settings, "book", "export", "4242", "--out", str(tmp_path))
    assert missing.returncode == 2 and "4242" in missing.stderr
    bad = run(settings, "book", "list", extra_env={"BACKOFFICE_WORKER": "sometimes"})
    assert bad.returncode == 2
    assert "BACKOFFICE_WORKER" in bad.stderr and "Traceback" not in bad.stderr
    bad_url = run(settings, "db", "status", extra_env={"DATABASE_URL": "mysql://x"})
    assert bad_url.returncode == 2 and "DATABASE_URL" in bad_url.stderr
