import json
import zipfile
from pathlib import Path

import pikepdf
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw

from backoffice.kdp import cover_pdf, specs
from backoffice.kdp.bundle import safe_filename, write_bundle
from backoffice.kdp.cover_pdf import build_cover_pdf
from backoffice.kdp.interior_pdf import (
    InteriorOptions,
    build_interior_pdf,
    interior_page_total,
)
from backoffice.kdp.preflight import run_preflight

ISBN = "978-2-1234-5680-3"


def art(tmp: Path, trim: str, total: int, name: str = "art.png") -> Path:
    safe = specs.safe_area(trim, total, "right")
    size = (round(safe.width * 300), round(safe.height * 300))
    img = Image.new("1", size, 1)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, size[0] - 1, size[1] - 1], outline=0, width=10)
    draw.ellipse([40, 40, size[0] - 40, size[1] - 40], outline=0, width=8)
    path = tmp / name
    img.save(path)
    return path


def interior(tmp: Path, trim: str, paper: str, pages: int, numbers: bool = True) -> Path:
    """A real interior of exactly `pages` pages, front matter included."""
    opts = InteriorOptions(trim=trim, paper=paper, title="Mandalas", author="J. Dupont",
                           year=2025, page_numbers=numbers)
    designs = (pages - 2) // 2
    assert interior_page_total(designs, opts) == pages
    out = tmp / f"interior-{trim}-{paper}-{pages}.pdf"
    # One design file repeated: fpdf2 stores it once, which keeps 300-page books fast.
    build_interior_pdf([art(tmp, trim, pages)] * designs, out, opts)
    return out


def cover(tmp: Path, trim: str, paper: str, pages: int, panels: str = "png", **kw) -> Path:
    t = specs.trim(trim)
    size = (round((t.width + 0.125) * 300), round((t.height + 0.25) * 300))
    front, back = tmp / f"front-{trim}.{panels}", tmp / f"back-{trim}.{panels}"
    if not front.exists():
        Image.new("RGB", size, (70, 130, 200)).save(front)
        Image.new("RGB", size, (200, 90, 120)).save(back)
    out = tmp / f"cover-{trim}-{paper}-{pages}.pdf"
    args = dict(trim=trim, paper=paper, interior_pages=pages, title="Mandalas magiques",
                subtitle="", author="J. Dupont", spine_color="#ffd166")
    build_cover_pdf(front, back, out, **{**args, **kw})
    return out


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("good")
    return tmp, interior(tmp, "8.5x11", "white", 100), cover(tmp, "8.5x11", "white", 100,
                                                              isbn=ISBN)


def test_good_book_passes_and_serialises(good):
    _, inside, outside = good
    report = run_preflight(inside, outside, trim="8.5x11", paper="white", isbn=ISBN)
    assert report.passed, report.failed()
    data = json.loads(json.dumps(report.to_dict()))
    assert data["passed"] and data["interior_pages"] == 100
    codes = {rule["code"] for rule in data["rules"]}
    assert {"interior.no_gray", "interior.ink_in_safe_area", "cover.spine_text",
            "cover.barcode_area", "cover.spine_width"} <= codes
    assert all(rule["message"].endswith(".") for rule in data["rules"])


def craft_interior(tmp: Path, *, pages=24, mode="1", size=None, full_bleed_art=False) -> Path:
    """A hand-made interior with fpdf2 + pikepdf, so each defect can be injected alone."""
    width, height = size or specs.interior_page_size("8.5x11")
    pdf = FPDF(unit="pt", format=(width * 72, height * 72))
    image = tmp / f"craft-{mode}.png"
    img = Image.new(mode, (600, 600), 255 if mode != "1" else 1)
    ImageDraw.Draw(img).ellipse([50, 50, 550, 550], outline=128 if mode == "L" else 0, width=8)
    img.save(image)
    for _ in range(pages):
        pdf.add_page()
        if full_bleed_art:  # 2 in art pushed into the top-left corner, over the margin
            pdf.image(str(image), x=0, y=0, w=144, h=144)
        else:
            pdf.image(str(image), x=200, y=200, w=144, h=144)  # 2 in: 300 DPI
    out = tmp / f"craft-{mode}-{pages}-{full_bleed_art}.pdf"
    pdf.output(str(out))
    with pikepdf.open(out, allow_overwriting_input=True) as doc:
        for n, page in enumerate(doc.pages, 1):
            t = specs.trim_box("8.5x11", specs.page_side(n))
            page.obj.TrimBox = [t.x * 72, t.y * 72, t.right * 72, t.top * 72]
            page.obj.BleedBox = page.obj.MediaBox
        doc.save(out)
    return out


def failed(tmp_cover: Path, inside: Path, **kw) -> list[str]:
    return run_preflight(inside, tmp_cover, trim="8.5x11", paper="white", **kw).failed()


def test_crafted_interior_passes_before_defects(good, tmp_path):
    _, _, _ = good
    inside = craft_interior(tmp_path)
    outside = cover(tmp_path, "8.5x11", "white", 24)
    assert failed(outside, inside) == []


def test_gray_image_fails_no_gray(tmp_path):
    inside = craft_interior(tmp_path, mode="L")
    outside = cover(tmp_path, "8.5x11", "white", 24)
    assert failed(outside, inside) == ["interior.no_gray"]


def test_wrong_page_size_fails(tmp_path):
    inside = craft_interior(tmp_path, size=(8.5, 11))  # no bleed
    outside = cover(tmp_path, "8.5x11", "white", 24)
    assert "interior.page_size" in failed(outside, inside)


def test_missing_trim_box_fails(good, tmp_path):
    tmp, inside, outside = good
    broken = tmp_path / "no-trim.pdf"
    with pikepdf.open(inside) as doc:
        del doc.pages[4].obj["/TrimBox"]
        doc.save(broken)
    report = run_preflight(broken, outside, trim="8.5x11", paper="white", isbn=ISBN)
    assert report.failed() == ["interior.trim_box"]
    assert "page(s) 5" in report.rule("interior.trim_box").message


def test_ink_in_margin_fails(tmp_path):
    inside = craft_interior(tmp_path, full_bleed_art=True)
    outside = cover(tmp_path, "8.5x11", "white", 24)
    assert failed(outside, inside) == ["interior.ink_in_safe_area"]


def test_odd_page_count_fails_parity_and_spine(good, tmp_path):
    _, inside, outside = good
    odd = tmp_path / "odd.pdf"
    with pikepdf.open(inside) as doc:
        del doc.pages[-1]
        doc.save(odd)
    report = run_preflight(odd, outside, trim="8.5x11", paper="white", isbn=ISBN)
    # The cover was sized for 100 pages, so its spine no longer matches 99 either.
    assert report.failed() == ["interior.page_parity", "cover.spine_width"]


def test_too_few_pages_and_too_many_blank_pages(tmp_path):
    inside = craft_interior(tmp_path, pages=18)
    with pikepdf.open(inside, allow_overwriting_input=True) as doc:
        for _ in range(3):
            doc.pages.append(pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page)))
        doc.pages.append(doc.pages[0])  # 22 pages: even, but under 24
        for n, page in enumerate(doc.pages, 1):
            t = specs.trim_box("8.5x11", specs.page_side(n))
            page.obj.MediaBox = doc.pages[0].obj.MediaBox
            page.obj.BleedBox = doc.pages[0].obj.MediaBox
            page.obj.TrimBox = [t.x * 72, t.y * 72, t.right * 72, t.top * 72]
        doc.save(inside)
    outside = cover(tmp_path, "8.5x11", "white", 22)
    assert failed(outside, inside) == ["interior.page_count", "interior.blank_pages"]


def test_spine_text_under_79_pages_fails(tmp_path, monkeypatch):
    inside = interior(tmp_path, "8.5x11", "white", 70)
    monkeypatch.setattr(cover_pdf, "spine_text_plan",
                        lambda *a: ("Mandalas", 5.0, "poppins-semibold", ""))
    outside = cover(tmp_path, "8.5x11", "white", 70)
    report = run_preflight(inside, outside, trim="8.5x11", paper="white")
    assert report.failed() == ["cover.spine_text"]
    assert "79" in report.rule("cover.spine_text").message


def test_wrong_spine_width_fails(tmp_path):
    inside = interior(tmp_path, "8.5x11", "white", 24)
    outside = cover(tmp_path, "8.5x11", "white", 100)
    report = run_preflight(inside, outside, trim="8.5x11", paper="white")
    assert report.failed() == ["cover.spine_width"]
    assert 'need 0.0540"' in report.rule("cover.spine_width").message


def test_barcode_area_rules(good, tmp_path):
    tmp, inside, outside = good
    # A barcode for another ISBN, or one where an empty box was expected, is reported.
    report = run_preflight(inside, outside, trim="8.5x11", paper="white",
                           isbn="978-0-306-40615-7")
    assert report.failed() == ["cover.barcode_area"]
    assert run_preflight(inside, outside, trim="8.5x11", paper="white").passed
    bad = run_preflight(inside, outside, trim="8.5x11", paper="white", isbn="123")
    assert "13" in bad.rule("cover.barcode_area").message

    art_in_box = tmp_path / "art-in-box.pdf"
    layout = specs.cover_layout("8.5x11", 100, "white")
    with pikepdf.open(outside) as doc:
        bc = layout.barcode
        doc.pages[0].contents_add(
            f"q 1 0 0 rg {bc.x * 72 + 20} {bc.y * 72 + 20} 40 40 re f Q".encode(), prepend=False)
        doc.save(art_in_box)
    report = run_preflight(inside, art_in_box, trim="8.5x11", paper="white")
    assert report.failed() == ["cover.barcode_area"]


def test_encryption_annotations_and_unembedded_fonts_fail(good, tmp_path):
    _, inside, outside = good
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(inside) as doc:
        doc.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    report = run_preflight(locked, outside, trim="8.5x11", paper="white", isbn=ISBN)
    assert "interior.no_encryption" in report.failed()

    annotated = tmp_path / "annotated.pdf"
    with pikepdf.open(inside) as doc:
        doc.pages[2].obj.Annots = doc.make_indirect(pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[0, 0, 10, 10])]))
        doc.save(annotated)
    report = run_preflight(annotated, outside, trim="8.5x11", paper="white", isbn=ISBN)
    # pdfium draws the note icon, at the page corner: it is ink in the margin too.
    assert "interior.no_annotations" in report.failed()

    pdf = FPDF(unit="pt", format=(621, 810))
    for _ in range(24):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)  # a core font: never embedded
        pdf.text(200, 300, "Hello")
    core = tmp_path / "core.pdf"
    pdf.output(str(core))
    with pikepdf.open(core, allow_overwriting_input=True) as doc:
        for n, page in enumerate(doc.pages, 1):
            t = specs.trim_box("8.5x11", specs.page_side(n))
            page.obj.TrimBox = [t.x * 72, t.y * 72, t.right * 72, t.top * 72]
            page.obj.BleedBox = page.obj.MediaBox
        doc.save(core)
    cover24 = cover(tmp_path, "8.5x11", "white", 24)
    report = run_preflight(core, cover24, trim="8.5x11", paper="white")
    assert report.failed() == ["interior.fonts_embedded"]
    assert "Helvetica" in report.rule("interior.fonts_embedded").message


MATRIX = [
    (t, p, n) for t in specs.TRIMS for p in specs.PAPERS for n in (24, 80, 300)
    if specs.page_limits(t, p)[0] <= n <= specs.page_limits(t, p)[1]
]


@pytest.fixture(scope="module")
def matrix_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix")


@pytest.mark.parametrize(("trim", "paper", "pages"), MATRIX)
def test_every_trim_paper_and_size_builds_and_passes(matrix_dir, trim, paper, pages):
    # Unnumbered pages from one design render once in preflight; JPEG panels skip the
    # PNG decode. Both keep 55 books within the test budget.
    inside = interior(matrix_dir, trim, paper, pages, numbers=False)
    outside = cover(matrix_dir, trim, paper, pages, panels="jpg")
    report = run_preflight(inside, outside, trim=trim, paper=paper)
    assert report.passed, report.failed()
    assert report.interior_pages == pages


@pytest.mark.parametrize(("title", "name"), [
    ("Mandalas magiques : l'été", "Mandalas-magiques-l-été"),
    ('../../etc/"passwd"', "etc-passwd"),
    ("日本の塗り絵", "日本の塗り絵"),
    ("", "book"),
    ("   ", "book"),
    ("’’", "book"),
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("Cœur & Âme — 50 dessins", "Cœur-Âme-50-dessins"),
])
def test_safe_filename(title, name):
    assert safe_filename(title) == name


def test_safe_filename_is_bounded_and_plain():
    name = safe_filename("Très long titre ! " * 30)
    assert 0 < len(name) <= 80
    assert not set(name) & set("/\\\"' .:<>|?*")


def test_bundle_holds_pdfs_report_and_kdp_settings(good, tmp_path):
    _, inside, outside = good
    report = run_preflight(inside, outside, trim="8.5x11", paper="white", isbn=ISBN)
    zip_path = tmp_path / "out" / "bundle.zip"
    write_bundle(zip_path, interior_pdf=inside, cover_pdf=outside, report=report,
                 trim="8.5x11", paper="white", interior_pages=100, title="Mandalas d'été")
    with zipfile.ZipFile(zip_path) as bundle:
        names = sorted(bundle.namelist())
        assert names == ["Mandalas-d-été-cover.pdf", "Mandalas-d-été-interior.pdf",
                         "Mandalas-d-été-preflight.json", "README.txt"]
        assert bundle.read("Mandalas-d-été-interior.pdf") == inside.read_bytes()
        # Plain readable files (rw-r--r--), not the store's private mode.
        assert {info.external_attr >> 16 & 0o777 for info in bundle.infolist()} == {0o644}
        data = json.loads(bundle.read("Mandalas-d-été-preflight.json"))
        assert data["passed"] is True
        readme = bundle.read("README.txt").decode()
    assert "8.5 x 11 in" in readme and "Black & white, white paper" in readme
    assert "Bleed (PDF only)" in readme and "Page count         : 100" in readme
    assert "all rules pass" in readme
