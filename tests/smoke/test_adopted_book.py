"""A book adopted from the previous system, in a real browser: `serve` adopts the team's
database on start, the editor opens an 8-page book, sees what it lacks, downloads the old
PDF, adds the pages and exports it for KDP."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
import pytest
from playwright.sync_api import expect

from tests import legacy_db
from tests.legacy_db import LegacyBook, libpq
from tests.smoke.conftest import shot

pytestmark = pytest.mark.smoke
TITLE = "Dinosaures d’autrefois 🦕"


@pytest.fixture
def settings(empty_db_url: str, tmp_path: Path):
    """Overrides conftest's: the previous system's database, not yet adopted (the live
    server's `serve` migrates, so it adopts it)."""
    from backoffice.config import Settings

    legacy_db.build(empty_db_url, [LegacyBook(TITLE, author="Zoé L’Héritier",
                                              theme_id="dinosaurs", content_pages=8)],
                    token_rows=4, image_rows=1)
    return Settings(DATABASE_URL=libpq(empty_db_url), BACKOFFICE_DATA_DIR=tmp_path / "data")


def test_an_imported_book_gets_its_pages_and_is_exported(live_server, page,
                                                         tmp_path: Path) -> None:
    page.goto(live_server + "/")
    row = page.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("ajouter 16 pages")
    page.wait_for_load_state("networkidle")
    shot(page, "30-dashboard-imported")

    row.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    banner = page.locator("#needs-pages")
    expect(banner).to_contain_text("Ajouter 16 pages")
    expect(banner).to_contain_text("importé de l'ancien système")
    expect(page.locator(".history")).to_contain_text("Importé de l'ancien système")
    expect(page.get_by_role("link", name="PDF intérieur")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    shot(page, "31-imported-book-needs-pages")

    # The old PDF, as the previous system made it.
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF de l'ancien système").click()
    old_pdf = tmp_path / "old.pdf"
    info.value.save_as(old_pdf)
    assert old_pdf.read_bytes().startswith(b"%PDF")

    # A content page shows both versions: the original and the cleaned line art.
    page.get_by_role("link", name="Ouvrir Page 1", exact=True).click()
    expect(page.locator("#viewer .version")).to_have_count(2)
    expect(page.locator("#viewer")).to_contain_text("importée de l'ancien système")
    for image in page.locator("#viewer img").all():
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=image.element_handle(), timeout=30_000)
    page.wait_for_load_state("networkidle")
    shot(page, "32-imported-page-versions")

    # Add exactly what it lacks (the form proposes it), wait for the drawing.
    expect(page.get_by_label("Pages à ajouter")).to_have_value("16")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("link", name="PDF intérieur")).to_be_visible(timeout=300_000)
    expect(page.locator("#needs-pages")).to_have_count(0)

    page.get_by_role("button", name="Lancer le contrôle KDP").click()
    expect(page.locator("#preflight")).to_contain_text("règles", timeout=120_000)
    page.wait_for_load_state("networkidle")
    shot(page, "33-imported-book-exported")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le paquet KDP (zip)").click()
    bundle = tmp_path / "bundle.zip"
    info.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        interior = next(n for n in names if n.endswith("interior.pdf"))
        archive.extract(interior, tmp_path)
    # Title and copyright pages, then 24 designs each with a blank back.
    assert len(pikepdf.open(tmp_path / interior).pages) == 50
