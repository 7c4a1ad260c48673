"""The KDP listing on the book page, in a real browser: written from the book and ready
for KDP, edited in place, a forbidden keyword refused beside its field with nothing
saved, then a correct edit saved and the marketplace switched."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import upload_files as uf
from tests.smoke.conftest import allow_console, shot

pytestmark = pytest.mark.smoke


def test_listing_is_written_edited_and_refused_in_words(live_server, page, tmp_path) -> None:
    archive = tmp_path / "dessins.zip"
    archive.write_bytes(uf.zip_of({f"{i}.png": uf.encode(uf.line_art(i)) for i in (1, 2)}))
    page.goto(live_server + "/ebooks/new")
    page.get_by_role("link", name="Ou partir de mes images").click()
    page.locator("#import-files").set_input_files(str(archive))
    page.get_by_label("Titre", exact=True).fill("Mes animaux")
    page.get_by_label("Auteur").fill("Léa")
    page.get_by_role("button", name="Créer l'ebook à partir de mes images").click()
    expect(page.locator(".progress-box")).to_contain_text("Terminé", timeout=180_000)
    page.wait_for_load_state("networkidle")  # the finished job refreshes the book's body

    listing = page.locator("#listing")
    expect(listing.get_by_role("heading", name="Fiche KDP")).to_be_visible()
    expect(listing).to_contain_text("Rédigée à partir du livre")
    expect(listing.locator(".listing-keywords li")).to_have_count(7)
    expect(listing.locator(".listing-title")).to_have_text("Mes animaux")
    shot(page, "50-listing-written")

    listing.get_by_role("link", name="Modifier la fiche").click()
    keyword = page.get_by_label("Mot-clé 1", exact=True)
    keyword.fill("coloriage gratuit pour enfants")
    # The browser logs the refusal's status (422) in its console: expected here.
    with allow_console(page, r"status of 422"):
        page.get_by_role("button", name="Enregistrer la fiche").click()
        expect(page.locator("#listing .form-error")).to_contain_text("Rien n'a été enregistré")
        expect(page.locator("#listing-keywords-error")).to_contain_text("gratuit")
        shot(page, "51-listing-refused")

    page.get_by_label("Mot-clé 1", exact=True).fill("coloriage ferme pour enfants")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.locator("#listing .listing-keywords li").first).to_have_text(
        "coloriage ferme pour enfants")
    expect(page.locator("#listing")).not_to_contain_text("Rédigée à partir du livre")
    page.locator("#listing").get_by_role("link", name="amazon.com").click()
    expect(page.locator("#listing")).to_have_attribute("data-lang", "en")
    page.reload()
    expect(page.locator("#listing .listing-keywords li").first).to_have_text(
        "coloriage ferme pour enfants")
