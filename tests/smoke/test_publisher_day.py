"""A publisher's whole day in a real browser, in French and in English: first run through
the setup link, the Users page and an invitation, the editor's book from the form and its
quick preview to live progress, review, page edits, a failed preflight that an admin
overrides, approval, publication, downloads; a rejected book, the dashboard, the error
pages (403, 404, 422, and 503 during a real database outage).

Every screen is checked for console errors and for text left in the other language, and
saved in test-output/screenshots/<lang>-NN-<screen>.png."""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.smoke.conftest import allow_console, close, new_page, shot, words
from tests.smoke.day import (
    GENERATION_S,
    blank_pages,
    database_down,
    pattern,
    setup_link,
    wait_until,
    watch_dialogs,
)

pytestmark = pytest.mark.smoke

ADMIN = "admin@example.com"
EDITOR = "editor@example.com"
ADMIN_PASSWORD = "the admin's long password"
EDITOR_PASSWORD = "the editor's long password"
HOSTILE = "<script>alert(1)</script> \"L’été\" d'Élodie"
TITLES = {"fr": ("Jardin à rejeter", "Élodie O'Brien", "Couverture <b>trop chargée</b>"),
          "en": ("Garden to reject", "Ellie O'Brien", "<b>Cover</b> too busy")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_publishers_day(lang, live_server, settings, browser, pg_admin_url, tmp_path):
    t = words(lang)
    base = live_server
    admin_context, admin = new_page(browser, lang)
    editor_context, editor = new_page(browser, lang)
    alerts = [watch_dialogs(admin), watch_dialogs(editor)]
    try:
        _first_run(admin, t, base, settings, lang)
        link = _invite(admin, t, lang)
        _welcome(editor, t, link, lang)
        ebook_id = _create_book(editor, t, base, lang)
        _review(editor, t, lang)
        _edit_pages(editor, t, lang)
        _override(admin, editor, t, base, settings, ebook_id, lang)
        _publish_and_download(editor, t, tmp_path, lang)
        _reject_another(editor, t, base, lang)
        _dashboard(editor, t, base, lang)
        _error_pages(editor, t, base, lang)
        _users_history(admin, t, base, lang)
        _switch_language(editor, t, base, lang)
        editor.get_by_role("button", name=t("Sign out")).click()
        expect(editor.get_by_role("heading", name=t("Sign in"))).to_be_visible()
        _outage(admin, t, base, settings, pg_admin_url, lang)
        assert alerts == [[], []], "a title was executed as script"
    finally:
        close(editor_context)
        close(admin_context)


def _first_run(page, t, base, settings, lang) -> None:
    page.goto(base + "/")
    expect(page.get_by_role("heading", name=t("Sign in"))).to_be_visible()
    expect(page.get_by_role("link", name=t("New ebook"))).to_have_count(0)
    shot(page, f"{lang}-01-sign-in")

    page.goto(setup_link(settings))
    page.get_by_label(t("Email")).fill("not an email")
    page.get_by_label(t("Password"), exact=True).fill("short")
    page.get_by_label(t("Confirm the password")).fill("other")
    with allow_console(page, "status of 422"):  # a form shown again with its errors
        page.get_by_role("button", name=t("Create the administrator")).click()
        for field in ("email", "password", "password_confirm"):
            expect(page.locator(f"#{field}-error")).to_be_visible()
    shot(page, f"{lang}-02-setup-every-error")
    page.get_by_label(t("Email")).fill(ADMIN)
    page.get_by_label(t("Password"), exact=True).fill(ADMIN_PASSWORD)
    page.get_by_label(t("Confirm the password")).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name=t("Create the administrator")).click()
    expect(page.get_by_role("heading", name=t("Dashboard"))).to_be_visible()
    expect(page.get_by_text(t("No ebook yet."))).to_be_visible()
    shot(page, f"{lang}-03-dashboard-empty")


def _invite(page, t, lang) -> str:
    page.get_by_role("link", name=t("Users")).click()
    expect(page.get_by_role("heading", name=t("Users"), exact=True)).to_be_visible()
    row = page.locator("section", has_text=t("Team")).locator("tr", has_text=ADMIN)
    expect(row).not_to_contain_text(t("Never"))  # signed in through the setup link
    shot(page, f"{lang}-04-users")
    page.get_by_label(t("Email")).fill(EDITOR)
    page.get_by_label(t("Role")).select_option("editor")
    page.get_by_role("button", name=t("Invite")).click()
    link = page.locator("#account-link").inner_text()
    page.get_by_role("button", name=t("Copy the link")).click()
    expect(page.get_by_role("button", name=t("Copied"))).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    shot(page, f"{lang}-05-users-invited")

    page.get_by_role("link", name=ADMIN).click()  # the account page
    page.get_by_label(t("Token name")).fill("script")
    page.get_by_role("button", name=t("Create a token")).click()
    expect(page.locator("#new-token")).to_be_visible()
    shot(page, f"{lang}-06-account-token")
    return link


def _welcome(page, t, link, lang) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name=t("Choose your password"))).to_be_visible()
    shot(page, f"{lang}-07-welcome")
    page.get_by_label(t("Password"), exact=True).fill(EDITOR_PASSWORD)
    page.get_by_label(t("Confirm the password")).fill(EDITOR_PASSWORD)
    page.get_by_role("button", name=t("Save and sign in")).click()
    expect(page.get_by_role("heading", name=t("Dashboard"))).to_be_visible()
    expect(page.get_by_role("link", name=t("Users"))).to_have_count(0)


def _create_book(page, t, base, lang) -> int:
    page.get_by_role("link", name=t("New ebook")).first.click()
    expect(page.get_by_role("heading", name=t("New ebook"))).to_be_visible()
    # Theme then audience at once: the suggestion must follow the last choice.
    page.get_by_label(t("Theme")).select_option("flowers")
    page.get_by_label(t("Audience")).select_option("adults")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#theme-hint img")).to_have_attribute("src", re.compile("flowers"))
    expect(page.locator("#title-suggestion")).not_to_contain_text(
        "pour enfants" if lang == "fr" else "for Kids")
    page.get_by_label(t("Trim size")).select_option("8.5x8.5")
    page.get_by_label(t("Title"), exact=True).fill(HOSTILE)
    page.get_by_label(t("Coloring pages")).fill("23")
    with allow_console(page, "status of 422"):  # the form shown again with its errors
        page.get_by_role("button", name=t("Create the full ebook")).click()
        expect(page.locator("#page_count-error")).to_contain_text("23")
        expect(page.locator("#author-error")).to_be_visible()
    expect(page.get_by_label(t("Title"), exact=True)).to_have_value(HOSTILE)
    shot(page, f"{lang}-08-form-errors")

    page.get_by_label(t("Coloring pages")).fill("24")
    page.get_by_label(t("Author")).fill(TITLES[lang][1])
    expect(page.get_by_label(t("Seed"), exact=True)).to_have_value("")
    page.get_by_role("button", name=t("Quick preview (3 pages)")).click()
    expect(page.locator("#quick-preview img")).to_have_count(3)
    seed = page.get_by_label(t("Seed"), exact=True).input_value()
    assert seed.isdigit(), "the preview's seed is put in the form"
    expect(page.locator(".preview-seed")).to_contain_text(seed)
    shot(page, f"{lang}-09-quick-preview")

    page.get_by_role("button", name=t("Create the full ebook")).click()
    expect(page.get_by_role("heading", name=HOSTILE)).to_be_visible()
    ebook_id = int(re.search(r"/ebooks/(\d+)", page.url).group(1))
    # Live: thumbnails appear one by one while the job still runs, with its step.
    wait_until(page, "() => document.querySelectorAll('#detail-body .page-card img').length"
                " >= 3 && document.querySelector('.progress-box[hx-get]') !== null")
    # "Drawing page N of M", or a page's redraw after the line-art check, as it happens.
    drawing = pattern(t("Drawing page %(n)s of %(total)s")).pattern
    redraw = pattern(t("redraw %(n)s after the line-art check")).pattern
    expect(page.locator(".progress-text")).to_have_text(re.compile(f"{drawing}|.*{redraw}"))
    shot(page, f"{lang}-10-live-progress")
    expect(page.get_by_role("link", name=t("Interior PDF"))).to_be_visible(
        timeout=GENERATION_S)
    expect(page.get_by_text(t("Quality OK")).first).to_be_visible()
    book_info = page.locator("dl.info:not(.listing-fields)")
    expect(book_info).to_contain_text(seed)  # the preview's seed, kept
    shot(page, f"{lang}-11-book-ready")
    return ebook_id


def _open_page(page, t, n: int) -> None:
    label = t("Page %(n)s", n=n)
    page.get_by_role("link", name=t("Open %(label)s", label=label), exact=True).click()
    expect(page.locator("#viewer").get_by_role("heading", name=label)).to_be_visible()


def _review(page, t, lang) -> None:
    _open_page(page, t, 3)
    shot(page, f"{lang}-12-viewer")
    viewer = page.locator("#viewer")
    viewer.get_by_label(t("Seed (optional)")).fill("9007199254740991")
    viewer.get_by_role("button", name=t("Regenerate"), exact=True).click()
    expect(page.locator(".toast").last).to_contain_text(
        t("Regeneration started: the pages are being redrawn."))
    expect(page.get_by_role("link", name=t("Interior PDF"))).to_be_visible(timeout=GENERATION_S)
    _open_page(page, t, 3)
    expect(page.locator("#viewer .version")).to_have_count(2)
    # A 16-digit seed stays inside its card.
    assert page.evaluate("[...document.querySelectorAll('.viewer-side, .sidebar section')]"
                         ".every(el => el.scrollWidth <= el.clientWidth + 1)")
    shot(page, f"{lang}-13-viewer-two-versions")
    page.locator("#viewer").get_by_role("button", name=t("Restore")).click()
    expect(page.locator(".toast").last).to_contain_text(
        t("Version restored: the PDFs now use it."))
    expect(page.locator("#viewer .version.is-current")).to_contain_text(
        t("Version %(n)s", n=1))


def _edit_pages(page, t, lang) -> None:
    page.get_by_label(t("Pages to add")).fill("1")
    page.get_by_role("button", name=t("Add"), exact=True).click()
    expect(page.locator(".toast").last).to_contain_text(t("Pages added: they are being drawn."))
    expect(page.get_by_role("link", name=t("Interior PDF"))).to_be_visible(timeout=GENERATION_S)
    book_info = page.locator("dl.info:not(.listing-fields)")
    expect(book_info).to_contain_text("25")  # an odd count is fine
    _open_page(page, t, 25)
    assert "page=" in page.url
    page.locator("#viewer").get_by_role("button", name=t("Remove this page")).click()
    expect(page.locator(".toast").last).to_contain_text(
        t("Page removed; the following pages moved up."))
    expect(page.locator("#viewer")).to_have_count(0)
    assert "page=" not in page.url, page.url
    shot(page, f"{lang}-14-page-removed")


def _override(admin, editor, t, base, settings, ebook_id, lang) -> None:
    blank_pages(settings, ebook_id, (3, 4))
    editor.reload()
    editor.get_by_role("button", name=t("Run the KDP preflight")).click()
    expect(editor.locator("#preflight")).to_contain_text(
        t("Failed: the book cannot be published or downloaded as KDP-ready"))
    expect(editor.locator("#preflight")).to_contain_text(
        t("An administrator can override a failed preflight, with a reason."))
    expect(editor.get_by_text(t("Override the preflight…"))).to_have_count(0)
    editor.locator("#preflight").scroll_into_view_if_needed()
    shot(editor, f"{lang}-15-preflight-failed")

    admin.goto(f"{base}/ebooks/{ebook_id}#preflight")
    admin.get_by_text(t("Override the preflight…")).click()
    admin.get_by_label(t("Why publish it anyway?")).fill("Proof copy checked by hand")
    admin.get_by_role("button", name=t("Override and allow publishing")).click()
    expect(admin.locator("#preflight")).to_contain_text(
        t("Failed, overridden by %(who)s", who=ADMIN))
    expect(admin.get_by_role("link", name=t("Download the KDP bundle (zip)"))).to_be_visible()
    admin.locator("#preflight").scroll_into_view_if_needed()
    shot(admin, f"{lang}-16-preflight-overridden")


def _publish_and_download(page, t, tmp_path, lang) -> None:
    page.reload()
    page.get_by_role("button", name=t("Approve")).click()
    expect(page.locator("#detail-body .byline")).to_contain_text(t("Approved"))
    page.get_by_role("button", name=t("Publish")).click()
    expect(page.locator("#detail-body .byline")).to_contain_text(t("Published"))
    expect(page.locator(".history")).to_contain_text(f"{t('Approved')} → {t('Published')}")
    shot(page, f"{lang}-17-published")

    names = {}
    for label in ("Interior PDF", "Cover PDF", "Download the KDP bundle (zip)"):
        with page.expect_download() as info:
            page.get_by_role("link", name=t(label)).click()
        names[label] = info.value.suggested_filename
        saved = tmp_path / names[label]
        info.value.save_as(saved)
    stem = names["Interior PDF"].removesuffix("-interior.pdf")
    assert names["Cover PDF"] == stem + "-cover.pdf" and "<" not in stem and "/" not in stem
    with zipfile.ZipFile(tmp_path / names["Download the KDP bundle (zip)"]) as bundle:
        # The bundle's files carry the names the book page gives its downloads.
        # ... and the KDP listing for each marketplace, as text and as JSON.
        listings = [f"{stem}-listing-{market}.{ext}" for market in ("amazon-fr", "amazon-com")
                    for ext in ("txt", "json")]
        assert sorted(bundle.namelist()) == sorted([
            names["Interior PDF"], names["Cover PDF"], stem + "-preflight.json", "README.txt",
            *listings])
        assert {i.external_attr >> 16 & 0o777 for i in bundle.infolist()} == {0o644}
        readme = bundle.read("README.txt").decode()
    assert t("Settings to choose on KDP (Paperback > Print options):") in readme

    page.get_by_role("button", name=t("Preview the interior")).click()
    expect(page.locator("#pdf-preview iframe")).to_have_attribute(
        "src", re.compile(r"interior\.pdf\?inline=true"))


def _reject_another(page, t, base, lang) -> None:
    title, author, reason = TITLES[lang]
    page.goto(base + "/ebooks/new")
    page.get_by_label(t("Title"), exact=True).fill(title)
    page.get_by_label(t("Author")).fill(author)
    page.get_by_role("button", name=t("Create the full ebook")).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.get_by_text(t("Reject…")).click()
    page.get_by_role("button", name=t("Reject"), exact=True).click()
    # The browser's own `required` check stops an empty reason before the server.
    expect(page.locator("#reject-reason")).to_have_js_property("validity.valid", False)
    page.get_by_label(t("Reason")).fill(reason)
    page.get_by_role("button", name=t("Reject"), exact=True).click()
    expect(page.locator(".rejection")).to_contain_text(reason)
    expect(page.locator(".toast").first).to_contain_text(t("Ebook rejected."))
    shot(page, f"{lang}-18-rejected")


def _dashboard(page, t, base, lang) -> None:
    page.goto(base + "/")
    expect(page.get_by_role("link", name=HOSTILE)).to_be_visible()
    expect(page.get_by_text(pattern(t("Showing %(first)s to %(last)s of %(total)s ebooks"))
                            )).to_be_visible()
    shot(page, f"{lang}-19-dashboard")
    page.get_by_label(t("Search")).fill("nothing like this")
    expect(page.get_by_text(t("No ebook matches these filters."))).to_be_visible()
    shot(page, f"{lang}-20-dashboard-no-match")


def _error_pages(page, t, base, lang) -> None:
    for path, status, title, name in (
            ("/users", 403, "Access refused", "21-error-403"),
            ("/nope", 404, "Page not found", "22-error-404"),
            ("/?page=-3", 422, "Invalid request", "23-error-422"),
            ("/ebooks/abc", 422, "Invalid request", None),
            ("/ebooks/1?page=abc", 422, "Invalid request", None)):
        with allow_console(page, rf"status of {status}"):
            response = page.goto(base + path)
        assert response.status == status
        expect(page.get_by_role("heading", name=t(title))).to_be_visible()
        assert "{" not in page.locator("main").inner_text()  # no JSON for people
        if name:
            shot(page, f"{lang}-{name}")
    page.get_by_role("link", name=t("Back to the dashboard")).click()
    expect(page.get_by_role("heading", name=t("Dashboard"))).to_be_visible()


def _users_history(page, t, base, lang) -> None:
    page.goto(base + "/users")
    history = page.locator("section", has_text=t("Account history"))
    expect(history).to_contain_text(t("Account created"))
    expect(history).to_contain_text(t("Role: %(role)s", role=t("Editor")))
    expect(page.locator("section", has_text=t("Team")).locator("tr", has_text=EDITOR)
           ).not_to_contain_text(t("Never"))
    shot(page, f"{lang}-24-users-history")


def _switch_language(page, t, base, lang) -> None:
    other = "en" if lang == "fr" else "fr"
    page.goto(base + "/")
    page.get_by_role("button", name=other.upper()).click()
    expect(page.get_by_role("heading", name=words(other)("Dashboard"))).to_be_visible()
    page.get_by_role("button", name=lang.upper()).click()
    expect(page.get_by_role("heading", name=t("Dashboard"))).to_be_visible()


def _outage(page, t, base, settings, pg_admin_url, lang) -> None:
    restore = database_down(pg_admin_url, settings)
    try:
        with allow_console(page, r"status of 503"):
            response = page.goto(base + "/")
        assert response.status == 503
        expect(page.get_by_role("heading", name=t("Service unavailable"))).to_be_visible()
        assert "Internal Server Error" not in page.content()
        shot(page, f"{lang}-25-error-503-database-down")
    finally:
        restore()
    page.goto(base + "/")
    expect(page.get_by_role("heading", name=t("Dashboard"))).to_be_visible()
