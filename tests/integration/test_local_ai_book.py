"""A whole book drawn by the local model in the worker (diffusers, on a tiny pipeline
with random weights built by the tests), end to end: 24 designs, 26 images, DRAFT.

The tiny model draws noise, which no clean-up turns into a coloring page: every page is
redrawn with a new seed as the gate asks, and the book ends "needs review" with its
pages named, which export and publishing then refuse until an admin overrides.

Slow-ish (about a minute on one core): 50 sampler runs, 48 clean-ups and gate checks."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backoffice.config import DEFAULT_CONFIG_DIR, Settings
from backoffice.main import create_app
from tests.conftest import ADMIN_EMAIL, EDITOR_EMAIL, login, make_user

pytestmark = pytest.mark.slow

MODELS = "provider: diffusers\n  model: tiny-sd\n  options: {steps: 2, max_side: 64}\n"


def local_ai_settings(settings: Settings, tiny_models: Path, tmp_path: Path) -> Settings:
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    (config / "generation" / "models.yml").write_text(
        "".join(f"{kind}:\n  {MODELS}" for kind in ("cover", "coloring_page", "back_cover")),
        encoding="utf-8")
    return Settings(**{
        "DATABASE_URL": settings.database_url, "BACKOFFICE_DATA_DIR": settings.data_dir,
        "BACKOFFICE_CONFIG_DIR": config, "BACKOFFICE_MODELS_DIR": tiny_models,
        "BACKOFFICE_QUALITY_RETRIES": 1, "BACKOFFICE_WORKER_CONCURRENCY": 2})


def _follow(client: TestClient, ebook_id: int, timeout: float = 600) -> tuple[dict, set[str]]:
    """The finished book, and every `step` the job showed on the way."""
    steps: set[str] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        book = client.get(f"/api/ebooks/{ebook_id}").json()
        steps.add(book["job"]["step"])
        if book["job"]["status"] not in ("queued", "running"):
            return book, steps
        time.sleep(0.1)
    raise AssertionError(f"the book did not finish in {timeout} s")


def test_a_whole_book_through_the_local_model(settings, tiny_models, tmp_path) -> None:
    local = local_ai_settings(settings, tiny_models, tmp_path)
    make_user(local, EDITOR_EMAIL, "editor")
    make_user(local, ADMIN_EMAIL, "admin")
    with TestClient(create_app(local)) as client:
        login(client, EDITOR_EMAIL)
        created = client.post("/api/ebooks", json={
            "title": "Dinos", "author": "Léa", "theme": "dinosaurs", "audience": "children",
            "trim_size": "6x9", "paper": "white", "page_count": 24, "seed": 3})
        assert created.status_code == 202, created.text
        ebook_id = created.json()["ebook"]["id"]
        book, steps = _follow(client, ebook_id)

        # Drawn, a DRAFT with all 26 images, but not "succeeded": the pages failed the gate.
        job = book["job"]
        assert book["status"] == "DRAFT" and len(book["pages"]) == 26
        assert job["status"] == "needs_review", job
        assert job["step"] == "review" and job["error"] is None
        assert job["review_pages"] == list(range(1, 25))
        assert {page["provider"] for page in book["pages"]} == {"diffusers"}
        assert {page["model"] for page in book["pages"]} == {"tiny-sd"}
        for page in book["pages"][2:]:
            quality = page["quality"]
            assert quality["cleaned"] is True and quality["passed"] is False
            assert quality["attempts"] == 2 and quality["failures"]
        # The sampler's steps reached the job while pages were drawn.
        assert any(re.fullmatch(r"page \d+: [12]/2( #2)?", step) for step in steps), steps

        # The preflight carries the gate's verdict per page and names the failing pages.
        export = client.get(f"/api/ebooks/{ebook_id}/export").json()
        assert not export["passed"]
        assert [g["position"] for g in export["gate"]] == list(range(1, 25))
        assert not any(g["passed"] for g in export["gate"])
        gate_rule = next(r for r in export["rules"] if r["code"] == "interior.line_art_gate")
        assert not gate_rule["passed"] and "1, 2, 3" in gate_rule["message"]

        # The dashboard, the book page: "à revoir", with what to do.
        assert "À revoir" in client.get("/").text
        page = client.get(f"/ebooks/{ebook_id}").text
        assert "À revoir" in page and "contrôle du trait" in page

        # Neither the KDP bundle nor publishing without an explicit decision.
        assert client.get(f"/api/ebooks/{ebook_id}/bundle.zip").status_code == 409
        assert client.post(f"/api/ebooks/{ebook_id}/approve").status_code == 200
        refused = client.post(f"/api/ebooks/{ebook_id}/publish")
        assert refused.status_code == 409 and "line-art gate" in refused.text
        assert "1, 2, 3" in refused.text

        # An admin's override, with a reason, is recorded and lets it through.
        login(client, ADMIN_EMAIL)
        override = client.post(f"/api/ebooks/{ebook_id}/export/override",
                               json={"reason": "test book: noise pages accepted"})
        assert override.status_code == 200, override.text
        assert override.json()["override_by"] == ADMIN_EMAIL
        assert client.post(f"/api/ebooks/{ebook_id}/publish").status_code == 200


def test_the_cli_says_which_pages_need_review(settings, tiny_models, tmp_path) -> None:
    """`book create --wait` exits 3 naming the pages; `book export` names them too."""
    import os
    import subprocess
    import sys

    local = local_ai_settings(settings, tiny_models, tmp_path)
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "BACKOFFICE_DATA_DIR": str(settings.data_dir),
           "BACKOFFICE_CONFIG_DIR": str(local.config_dir),
           "BACKOFFICE_MODELS_DIR": str(tiny_models), "BACKOFFICE_QUALITY_RETRIES": "0",
           "OMP_NUM_THREADS": "1"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "backoffice", *args], env=env,
                              capture_output=True, text=True, timeout=600)

    created = cli("book", "create", "--author", "Léa", "--theme", "dinosaurs",
                  "--trim", "6x9", "--pages", "24", "--seed", "4", "--wait")
    assert created.returncode == 3, created.stderr[-2000:]
    assert re.search(r"needs review: page\(s\) 1, 2, 3, .*, 24 still fail the line-art gate",
                     created.stderr), created.stderr[-2000:]
    ebook_id = created.stdout.strip().splitlines()[-1]
    assert "needs_review" in cli("book", "list").stdout
    exported = cli("book", "export", ebook_id, "--out", str(tmp_path / "out"))
    assert exported.returncode == 1
    assert "FAIL interior.line_art_gate: Page(s) 1, 2, 3" in exported.stderr
