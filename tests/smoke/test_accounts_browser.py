"""First run in a real browser: the printed setup link makes the admin, who invites an
editor; the editor chooses a password, signs in and reaches the studio; sign-out works."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.smoke.conftest import shot, sign_in

pytestmark = pytest.mark.smoke
ADMIN_PASSWORD = "the admin's long password"
EDITOR_PASSWORD = "the editor's long password"


def _setup_link(settings) -> str:
    log = settings.data_dir.parent / "server.log"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        match = re.search(r"http://\S+/setup\?token=[\w-]+", log.read_text())
        if match:
            return match.group(0)
        time.sleep(0.2)
    raise AssertionError(log.read_text())


def test_setup_link_admin_invites_an_editor_who_signs_in(live_server, settings, anon_page,
                                                         browser):
    page = anon_page
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()

    page.goto(_setup_link(settings))
    page.get_by_label("E-mail").fill("admin@example.com")
    page.get_by_label("Mot de passe", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(ADMIN_PASSWORD)
    shot(page, "20-setup")
    page.get_by_role("button", name="Créer l'administrateur").click()
    expect(page.get_by_text("admin@example.com")).to_be_visible()

    page.get_by_role("link", name="Utilisateurs").click()
    page.get_by_label("E-mail").fill("editor@example.com")
    page.get_by_label("Rôle").select_option("editor")
    page.get_by_role("button", name="Inviter").click()
    link = page.locator("#account-link").inner_text()
    shot(page, "21-users-invited")

    editor_context = browser.new_context(locale="fr-FR")
    editor = editor_context.new_page()
    try:
        editor.goto(link)
        editor.get_by_label("Mot de passe", exact=True).fill(EDITOR_PASSWORD)
        editor.get_by_label("Confirmez le mot de passe").fill(EDITOR_PASSWORD)
        editor.get_by_role("button", name="Enregistrer et se connecter").click()
        expect(editor.get_by_role("heading", name="Tableau de bord")).to_be_visible()
        expect(editor.get_by_role("link", name="Utilisateurs")).to_have_count(0)
        editor.get_by_role("button", name="Se déconnecter").click()
        expect(editor.get_by_role("heading", name="Se connecter")).to_be_visible()
        sign_in(editor, live_server, "editor@example.com", EDITOR_PASSWORD)
        expect(editor.get_by_role("heading", name="Tableau de bord")).to_be_visible()
        shot(editor, "22-editor-dashboard")
    finally:
        editor_context.close()
