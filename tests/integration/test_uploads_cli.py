"""`backoffice book import` on the issue's folder (line art, grey scans, a photo, a PDF,
an SVG and one damaged file) and `backoffice book upload`, against a real database."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from tests import upload_files as uf
from tests.integration.test_cli import run


def test_import_a_mixed_folder_strictly_then_leniently_and_export(settings, tmp_path: Path
                                                                   ) -> None:
    folder = tmp_path / "mes images"
    kinds = uf.mixed_folder(folder, drawings=19)
    base = ["book", "import", str(folder), "--title", "Mes vacances", "--author", "Zoé",
            "--trim", "8.5x8.5", "--paper", "white"]

    strict = run(settings, *base, "--strict")
    assert strict.returncode == 2, strict.stderr
    assert "zz-broken.png" in strict.stderr and "Traceback" not in strict.stderr
    assert "endommagée" in strict.stderr  # in the team's language (fr by default)
    assert "0 book(s)" in run(settings, "book", "list").stdout

    lenient = run(settings, *base, timeout=900)
    # The good files make the book; the damaged one is named and left out.
    assert lenient.returncode == 0, lenient.stderr
    assert "left out: zz-broken.png" in lenient.stderr
    ebook_id = int(lenient.stdout.strip().splitlines()[-1])
    listed = run(settings, "book", "list")
    assert "Mes vacances" in listed.stdout and "DRAFT" in listed.stdout
    # Drawings, scans, the holiday photo (turned into outlines), PDF and SVG all pass the
    # line-art gate: the book needs no review.
    assert "needs_review" not in listed.stdout

    out = tmp_path / "out"
    exported = run(settings, "book", "export", str(ebook_id), "--out", str(out))
    assert exported.returncode == 0, exported.stderr + exported.stdout
    interior = pikepdf.open(out / "interior.pdf")
    # 19 drawings + 2 scans + the photo + 2 PDF pages + the SVG = 25 designs, each with
    # a blank back, after the title and copyright pages (and one to make it even).
    assert len(interior.pages) == 2 + 25 * 2
    for page in interior.pages:
        for image in page.get_images().values():
            assert int(image.get("/BitsPerComponent", 1)) == 1
    assert len(kinds) == 25


def test_upload_into_a_book_and_bad_options(settings, tmp_path: Path) -> None:
    created = run(settings, "book", "create", "--author", "A", "--pages", "24", "--trim",
                  "6x9", "--seed", "3", "--wait")
    assert created.returncode == 0, created.stderr
    ebook_id = created.stdout.strip().splitlines()[-1]
    drawing = tmp_path / "dessin.png"
    drawing.write_bytes(uf.encode(uf.line_art(8)))
    broken = tmp_path / "casse.png"
    broken.write_bytes(uf.truncated_png())

    refused = run(settings, "book", "upload", ebook_id, str(drawing), str(broken), "--strict")
    assert refused.returncode == 2 and "casse.png" in refused.stderr
    added = run(settings, "book", "upload", ebook_id, str(drawing), "--position", "1")
    assert added.returncode == 0, added.stderr
    assert "scaled up past 300" in added.stderr  # 900 px on a 6x9 page

    # A photo with too little in it for a children's page: saved, named, exit 3.
    sky = tmp_path / "ciel.jpg"
    sky.write_bytes(uf.encode(uf.sparse_photo(), "JPEG"))
    sparse = run(settings, "book", "upload", ebook_id, str(sky), "--photo", "yes",
                 "--position", "2")
    assert sparse.returncode == 3, sparse.stderr
    assert "page(s) 2 made from your files fail the line-art gate" in sparse.stderr

    for args, words in [(["--photo", "maybe"], "--photo"), (["--position", "0"], "--position")]:
        bad = run(settings, "book", "upload", ebook_id, str(drawing), *args)
        assert bad.returncode == 2 and words in bad.stderr, bad.stderr
    missing = run(settings, "book", "upload", "4242", str(drawing))
    assert missing.returncode == 2 and "4242" in missing.stderr
    bad_trim = run(settings, "book", "import", str(tmp_path), "--title", "T", "--author", "A",
                   "--trim", "9x12")
    assert bad_trim.returncode == 2 and "--trim" in bad_trim.stderr
