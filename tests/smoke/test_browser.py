"""The editor's path in a real browser: create a book, watch it generate, download it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.smoke.conftest import shot

pytestmark = pytest.mark.smoke

HOSTILE = "<script>alert(1)</script> \"L’été\" d'Élodie"


def test_create_watch_and_download(live_server, page, tmp_path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    expect(page.get_by_text("Aucun ebook pour l'instant.")).to_be_visible()
    shot(page, "01-dashboard-empty")

    page.get_by_role("link", name="Nouvel ebook").first.click()
    expect(page.get_by_role("heading", name="Nouvel ebook")).to_be_visible()
    page.get_by_label("Thème").select_option("mandalas")
    page.get_by_label("Format").select_option("8.5x8.5")
    page.get_by_label("Titre", exact=True).fill(HOSTILE)
    page.get_by_label("Auteur").fill("Élodie O'Brien")
    page.get_by_label("Graine").fill("2024")
    shot(page, "02-new-ebook-form")
    page.get_by_role("button", name="Créer l'ebook complet").click()

    expect(page.get_by_role("heading", name=HOSTILE)).to_be_visible()
    expect(page.get_by_role("status")).to_be_visible()
    shot(page, "03-detail-generating")
    expect(page.get_by_role("link", name="PDF intérieur")).to_be_visible(timeout=180_000)
    expect(page.get_by_text("Qualité OK").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    shot(page, "04-detail-generated")
    assert dialogs == [], "a title was executed as script"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF intérieur").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-interior.pdf")
    assert "<" not in download.suggested_filename and "/" not in download.suggested_filename
    saved = tmp_path / "interior.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF couverture").click()
    assert download_info.value.suggested_filename.endswith("-cover.pdf")

    page.goto(live_server + "/")
    expect(page.get_by_text(re.compile(r"Affichage de 1 à 1 sur 1 ebooks"))).to_be_visible()
    expect(page.get_by_role("link", name=HOSTILE)).to_be_visible()
    shot(page, "05-dashboard-one-book")
    assert dialogs == []


def test_form_errors_are_shown_next_to_the_field(live_server, page) -> None:
    page.goto(live_server + "/ebooks/new")
    page.get_by_label("Pages à colorier").fill("25")
    page.get_by_label("Auteur").fill("Anne")
    page.get_by_role("button", name="Créer l'ebook complet").click()
    expect(page.locator("#page_count-error")).to_contain_text("pair")
    expect(page.get_by_label("Auteur")).to_have_value("Anne")
    shot(page, "06-form-error")


def test_api_docs_render_offline(live_server, page) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Backoffice")
    expect(page.get_by_text("/api/ebooks").first).to_be_visible()
    shot(page, "07-api-docs")
    assert not [e for e in errors if "Content Security Policy" in e], errors
