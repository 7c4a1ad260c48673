"""Bringing one's own art in a real browser: a book made from a zip (one bad file left
out and listed), then a page dropped onto the book page and a page replaced by a photo."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from tests import upload_files as uf
from tests.smoke.conftest import shot

pytestmark = pytest.mark.smoke

DROP = """(data) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], 'glissee.png', {type: 'image/png'}));
  return transfer;
}"""


def _wait_done(page, outcome: str = "Terminé") -> None:
    expect(page.locator(".progress-box")).to_contain_text(outcome, timeout=180_000)
    page.wait_for_load_state("networkidle")


def test_book_from_a_zip_then_drop_and_replace_pages(live_server, page, tmp_path) -> None:
    archive = tmp_path / "mes-dessins.zip"
    archive.write_bytes(uf.zip_of({"1.png": uf.encode(uf.line_art(1)),
                                   "2.jpg": uf.encode(uf.scan_of(uf.line_art(2)), "JPEG"),
                                   "3-casse.png": uf.truncated_png(),
                                   "10.svg": uf.SVG}))
    page.goto(live_server + "/ebooks/new")
    page.get_by_role("link", name="Ou partir de mes images").click()
    expect(page.get_by_role("heading", name="Nouvel ebook à partir de mes images")).to_be_visible()
    page.locator("#import-files").set_input_files(str(archive))
    expect(page.locator(".dropzone-files").first).to_contain_text("mes-dessins.zip")
    page.get_by_label("Titre", exact=True).fill("Mes dessins <b>à moi</b>")
    page.get_by_label("Auteur").fill("Léa")
    page.get_by_label("Format").select_option("8.5x8.5")
    shot(page, "40-import-form")
    page.get_by_role("button", name="Créer l'ebook à partir de mes images").click()

    expect(page.get_by_role("heading", name="Mes dessins <b>à moi</b>")).to_be_visible()
    _wait_done(page)
    expect(page.locator(".left-out summary")).to_contain_text("1 fichier(s) écarté(s)")
    page.locator(".left-out summary").click()
    expect(page.locator(".left-out")).to_contain_text("3-casse.png : L'image est endommagée")
    expect(page.locator(".page-card")).to_have_count(5)  # cover, back cover, 3 pages
    expect(page.get_by_text("Ajouter 21 pages").first).to_be_visible()
    shot(page, "41-imported-book")

    # Drop an image on the book page's drop zone, at position 1.
    data = base64.b64encode(uf.encode(uf.line_art(9))).decode()
    transfer = page.evaluate_handle(DROP, data)
    page.locator("#upload-form [data-dropzone]").dispatch_event("drop",
                                                                 {"dataTransfer": transfer})
    expect(page.locator("#upload-form .dropzone-files")).to_contain_text("glissee.png")
    page.get_by_label("Insérer à la position").fill("1")
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.locator(".toast").first).to_contain_text("1 pages sont en cours de création")
    _wait_done(page)
    expect(page.locator(".page-card")).to_have_count(6)
    page.get_by_role("link", name="Ouvrir Page 1", exact=True).click()
    viewer = page.locator("#viewer")
    expect(viewer).to_contain_text("votre fichier glissee.png")
    shot(page, "42-dropped-page")

    # Replace it with a photo, as a new version.
    photo = tmp_path / "maison.jpg"
    photo.write_bytes(uf.encode(uf.photo(), "JPEG"))
    viewer.locator("#replace-file").set_input_files(str(photo))
    viewer.get_by_label("C'est une photo : la transformer en dessin au trait").check()
    viewer.get_by_role("button", name="Remplacer", exact=True).click()
    expect(page.locator(".toast").last).to_contain_text("remplacement")
    # The photo becomes outlines of its shapes, closed, which pass the children's gate.
    _wait_done(page)
    page.get_by_role("link", name="Ouvrir Page 1", exact=True).click()
    expect(page.locator("#viewer .version")).to_have_count(2)
    expect(page.locator("#viewer")).to_contain_text("votre fichier maison.jpg")
    page.wait_for_load_state("networkidle")
    shot(page, "43-replaced-by-photo")
