"""The review loop in a real browser: create, watch, open a page, regenerate and undo it,
approve, publish, download; reject another book; switch the language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.smoke.conftest import shot

pytestmark = pytest.mark.smoke

HOSTILE = "<script>alert(1)</script> \"L’été\" d'Élodie"


def _create(page, base: str, title: str, preview: bool = False) -> None:
    page.goto(base + "/ebooks/new")
    page.get_by_label("Thème").select_option("flowers")
    expect(page.locator("#theme-hint img")).to_have_attribute("src", re.compile("flowers"))
    page.get_by_label("Format").select_option("8.5x8.5")
    page.get_by_label("Titre", exact=True).fill(title)
    page.get_by_label("Auteur").fill("Élodie O'Brien")
    page.get_by_label("Graine", exact=True).fill("31")
    if preview:
        page.get_by_role("button", name="Aperçu rapide (3 pages)").click()
        expect(page.locator("#quick-preview img")).to_have_count(3)
        page.wait_for_load_state("networkidle")
        shot(page, "10-new-ebook-quick-preview")
    page.get_by_role("button", name="Créer l'ebook complet").click()


def test_review_loop(live_server, page, tmp_path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _create(page, live_server, HOSTILE, preview=True)

    expect(page.get_by_role("heading", name=HOSTILE)).to_be_visible()
    expect(page.get_by_role("button", name="Annuler")).to_be_visible()
    shot(page, "11-detail-progress")
    expect(page.get_by_role("link", name="PDF intérieur")).to_be_visible(timeout=180_000)
    expect(page.get_by_text("Brouillon").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    shot(page, "12-detail-ready")

    # Open page 3 in the viewer, regenerate it, then restore the first version.
    page.get_by_role("link", name="Ouvrir Page 3", exact=True).click()
    viewer = page.locator("#viewer")
    expect(viewer.get_by_role("heading", name="Page 3")).to_be_visible()
    page.wait_for_load_state("networkidle")
    shot(page, "13-viewer")
    viewer.get_by_label("Graine (facultative)").fill("4242")
    viewer.get_by_role("button", name="Régénérer", exact=True).click()
    expect(page.locator(".toast").first).to_contain_text("Régénération lancée")
    expect(page.get_by_role("link", name="PDF intérieur")).to_be_visible(timeout=60_000)
    page.get_by_role("link", name="Ouvrir Page 3", exact=True).click()
    expect(page.locator("#viewer .version")).to_have_count(2)
    page.wait_for_load_state("networkidle")
    shot(page, "14-viewer-two-versions")
    page.locator("#viewer").get_by_role("button", name="Restaurer").click()
    expect(page.locator(".toast").last).to_contain_text("Version restaurée")
    expect(page.locator("#viewer .version.is-current")).to_contain_text("Version 1")

    # Approve, then publish (which runs the KDP preflight).
    page.get_by_role("button", name="Approuver").click()
    expect(page.locator("#detail-body .byline")).to_contain_text("Approuvé")
    page.get_by_role("button", name="Publier").click()
    expect(page.locator("#detail-body .byline")).to_contain_text("Publié", timeout=60_000)
    expect(page.locator(".history")).to_contain_text("Approuvé → Publié")
    page.wait_for_load_state("networkidle")
    shot(page, "15-published")

    for name, suffix in (("PDF intérieur", "-interior.pdf"), ("PDF couverture", "-cover.pdf")):
        with page.expect_download() as info:
            page.get_by_role("link", name=name).click()
        filename = info.value.suggested_filename
        assert filename.endswith(suffix) and "<" not in filename and "/" not in filename
        saved = tmp_path / filename
        info.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")

    page.get_by_role("button", name="Aperçu de l'intérieur").click()
    expect(page.locator("#pdf-preview iframe")).to_have_attribute(
        "src", re.compile(r"interior\.pdf\?inline=true"))
    page.goto(live_server + "/")
    expect(page.get_by_role("link", name=HOSTILE)).to_be_visible()
    assert dialogs == [], "a title was executed as script"


def test_reject_with_reason_errors_and_language(live_server, page) -> None:
    _create(page, live_server, "Jardin à rejeter")
    expect(page.get_by_role("heading", name="Jardin à rejeter")).to_be_visible()
    page.get_by_text("Rejeter…").click()
    page.get_by_role("button", name="Rejeter", exact=True).click()
    # The browser's own `required` check stops an empty reason before the server.
    expect(page.locator("#reject-reason")).to_have_js_property("validity.valid", False)
    page.get_by_label("Motif").fill("Couverture <b>trop chargée</b>")
    page.get_by_role("button", name="Rejeter", exact=True).click()
    expect(page.locator(".rejection")).to_contain_text("Couverture <b>trop chargée</b>")
    expect(page.locator(".toast").first).to_contain_text("Ebook rejeté")
    page.wait_for_load_state("networkidle")
    shot(page, "16-rejected")

    page.goto(live_server + "/?status=REJECTED")
    expect(page.get_by_role("link", name="Jardin à rejeter")).to_be_visible()
    page.get_by_label("Recherche").fill("introuvable")
    expect(page.get_by_text("Aucun ebook ne correspond à ces filtres.")).to_be_visible()
    shot(page, "17-dashboard-empty-filter")

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.goto(live_server + "/")
    expect(page.get_by_role("link", name="New ebook").first).to_be_visible()
    expect(page.get_by_text("Rejected").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    shot(page, "18-dashboard-english")
    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
