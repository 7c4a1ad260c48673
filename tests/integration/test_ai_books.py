"""A whole book through each AI provider, against local servers that speak its protocol:
the book reaches DRAFT with every page, AI line art cleaned to 1-bit and gated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from fastapi.testclient import TestClient

from backoffice.config import DEFAULT_CONFIG_DIR, Settings
from backoffice.main import create_app
from tests.conftest import EDITOR_EMAIL, login, make_user
from tests.fakes.comfyui import FakeComfyUI
from tests.fakes.gemini import FakeGemini
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.server import serve
from tests.helpers import wait_for_job

FAST = "{connect_timeout: 2, read_timeout: 10, backoff_base: 0.01, backoff_cap: 0.05}"


def _config(tmp_path: Path, provider: str, model: str, options: str) -> Path:
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    blocks = [f"{kind}:\n  provider: {provider}\n  model: {model}\n  options: {options}\n"
              for kind in ("cover", "coloring_page", "back_cover")]
    (config / "generation" / "models.yml").write_text("\n".join(blocks), encoding="utf-8")
    return config


def _fake(provider: str):
    if provider == "openrouter":
        fake = FakeOpenRouter()
        return fake, lambda url: {"OPENROUTER_API_KEY": fake.api_key,
                                  "OPENROUTER_BASE_URL": url + "/api/v1"}
    if provider == "gemini":
        fake = FakeGemini()
        return fake, lambda url: {"GEMINI_API_KEY": fake.api_key,
                                  "GEMINI_BASE_URL": url + "/v1beta"}
    fake = FakeComfyUI(steps=3, slow_step=0.01)
    return fake, lambda url: {"COMFYUI_URL": url}


@pytest.mark.parametrize(("provider", "model", "options"), [
    ("openrouter", "google/gemini-2.5-flash-image", FAST),
    ("gemini", "gemini-2.5-flash-image", FAST),
    ("comfyui", "sdxl", "{workflow: txt2img.json, poll_seconds: 0.05, connect_timeout: 2, "
                        "read_timeout: 10, backoff_base: 0.01, backoff_cap: 0.05}"),
])
def test_a_book_through_each_provider_reaches_draft(provider, model, options, settings,
                                                     tmp_path) -> None:
    fake, env = _fake(provider)
    with serve(fake.app) as url:
        ai_settings = Settings(**{
            "DATABASE_URL": settings.database_url, "BACKOFFICE_DATA_DIR": settings.data_dir,
            "BACKOFFICE_CONFIG_DIR": _config(tmp_path, provider, model, options),
            **env(url)})
        make_user(ai_settings, EDITOR_EMAIL, "editor")
        with TestClient(create_app(ai_settings)) as client:
            login(client, EDITOR_EMAIL)
            created = client.post("/api/ebooks", json={
                "title": "Dinos", "author": "Léa", "theme": "dinosaurs",
                "audience": "children", "trim_size": "8.5x11", "paper": "white",
                "page_count": 24, "seed": 3})
            assert created.status_code == 202, created.text
            book = wait_for_job(client, created.json()["ebook"]["id"], timeout=300)
            assert book["job"]["status"] == "succeeded", book["job"]
            assert book["status"] == "DRAFT"
            assert len(book["pages"]) == 26
            assert {page["provider"] for page in book["pages"]} == {provider}
            for page in book["pages"][2:]:
                assert page["quality"]["cleaned"] is True
                assert page["quality"]["metrics"]["binarity"] == 0
            # The AI draws the front's illustration; the back is composed from the front.
            covers = {p["kind"]: p for p in book["pages"][:2]}
            assert covers["cover"]["quality"]["illustrated"] is True
            assert covers["back_cover"]["quality"]["design"] == \
                covers["cover"]["quality"]["design"]
            prompts = {page["prompt"] for page in book["pages"][2:]}
            assert len(prompts) > 1  # pages vary, drawn from the theme's variables
            interior = client.get(f"/api/ebooks/{book['id']}/interior.pdf")
            assert interior.status_code == 200
            assert len(pikepdf.open(__import__("io").BytesIO(interior.content)).pages) == 50
    # 24 pages and the cover's illustration (the back cover is not drawn by the AI).
    assert len(fake.requests if hasattr(fake, "requests") else fake.prompts) >= 25
