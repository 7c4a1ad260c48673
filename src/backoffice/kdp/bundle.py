"""Export bundle: interior, cover, preflight report and the KDP settings in one zip, with a
README in the reader's language."""

from __future__ import annotations

import json
import re
import shutil
import time
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from backoffice.errors import N_
from backoffice.kdp import specs
from backoffice.kdp.preflight import PreflightReport

MAX_NAME = 80
# Files in the zip are plain documents: readable by everyone who unzips them (rw-r--r--),
# whatever the permissions of the stored copies they were read from.
MEMBER_MODE = 0o644
_SEPARATORS = re.compile(r"[^\w]+|_+")


def safe_filename(title: str) -> str:
    """The stem of every file named after a book (the PDF downloads and the bundle's
    members alike): letters and digits of any script, words joined by '-'; never a
    slash, quote or dot, never empty (titles such as "’’" give "book")."""
    text = unicodedata.normalize("NFC", title or "")
    name = _SEPARATORS.sub("-", text).strip("-")[:MAX_NAME].strip("-")
    return name or "book"


def _identity(message: str) -> str:
    return message


def readme_text(*, title: str, trim: str, paper: str, interior_pages: int,
                report: PreflightReport, gettext: Callable[[str], str] = _identity,
                lang: str = "en", listings: list[str] | None = None,
                credits: Sequence[str] = ()) -> str:
    _ = gettext
    t = specs.trim(trim)
    layout = specs.cover_layout(trim, interior_pages, paper)
    paper_spec = specs.paper(paper)
    stem = safe_filename(title)
    lines = [
        title,
        "=" * min(len(title), 60),
        "",
        _(N_("Settings to choose on KDP (Paperback > Print options):")),
        "  " + _(N_("Ink and paper type : %(value)s")) % {
            "value": paper_spec.label_fr if lang == "fr" else paper_spec.label_en},
        "  " + _(N_("Trim size          : %(width)s x %(height)s in")) % {
            "width": f"{t.width:g}", "height": f"{t.height:g}"},
        "  " + _(N_("Bleed settings     : Bleed (PDF only)")),
        "  " + _(N_("Paperback cover    : Matte or glossy, your choice")),
        "  " + _(N_("Page count         : %(pages)s (read from the interior PDF)")) % {
            "pages": interior_pages},
        "",
        _(N_("Cover: %(width)s x %(height)s in, spine %(spine)s in; upload the cover PDF as a "
             "print-ready PDF.")) % {"width": f"{layout.width:.3f}",
                                     "height": f"{layout.height:.3f}",
                                     "spine": f"{layout.spine:.4f}"},
    ]
    if report.passed:
        lines.append(_(N_("Preflight: all rules pass.")))
    else:
        lines.append(_(N_("Preflight: FAILED (details in %(file)s):")) % {
            "file": f"{stem}-preflight.json"})
        lines += ["  - " + rule.text().translate(gettext)
                  for rule in report.rules if not rule.passed]
    lines += ["", _(N_("Files: %(interior)s (interior), %(cover)s (cover).")) % {
        "interior": f"{stem}-interior.pdf", "cover": f"{stem}-cover.pdf"}]
    if listings:
        lines.append(_(N_("KDP listings: %(files)s, every field in the order of KDP's forms, "
                          "ready to copy; the same as JSON beside them.")) % {
            "files": ", ".join(listings)})
    lines.append("")
    if credits:
        lines += [_(N_("Credits (printed on the copyright page too):")),
                  *(f"  {line}" for line in credits), ""]
    return "\n".join(lines)


# The listing of each language is for one marketplace.
LISTING_MARKETS = {"fr": "amazon-fr", "en": "amazon-com"}


def listing_members(title: str, listings: Mapping[str, tuple[str, dict[str, Any]]]
                    ) -> dict[str, str]:
    """Bundle members for the listings: {lang: (text, json)} → {file name: content}."""
    stem = safe_filename(title)
    members: dict[str, str] = {}
    for lang, (text, data) in listings.items():
        name = f"{stem}-listing-{LISTING_MARKETS.get(lang, lang)}"
        members[f"{name}.txt"] = text
        members[f"{name}.json"] = json.dumps(data, indent=2, ensure_ascii=False)
    return members


def _member(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = (0o100000 | MEMBER_MODE) << 16  # a regular file, rw-r--r--
    info.compress_type = compress
    return info


def write_bundle(zip_path: Path, *, interior_pdf: Path, cover_pdf: Path,
                 report: PreflightReport, trim: str, paper: str, interior_pages: int,
                 title: str, gettext: Callable[[str], str] = _identity,
                 lang: str = "en", extra: Mapping[str, str] | None = None,
                 credits: Sequence[str] = ()) -> None:
    """`extra`: more text members (the listings), by file name."""
    stem = safe_filename(title)
    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    readme = readme_text(title=title, trim=trim, paper=paper, interior_pages=interior_pages,
                         report=report, gettext=gettext, lang=lang, credits=credits,
                         listings=[n for n in (extra or {}) if n.endswith(".txt")])
    with zipfile.ZipFile(zip_path, "w") as bundle:
        # PDFs are already compressed; storing them saves time without costing size.
        for source, name in ((interior_pdf, f"{stem}-interior.pdf"),
                             (cover_pdf, f"{stem}-cover.pdf")):
            with open(source, "rb") as src, bundle.open(
                    _member(name, zipfile.ZIP_STORED), "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
        bundle.writestr(_member(f"{stem}-preflight.json", zipfile.ZIP_DEFLATED),
                        json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        bundle.writestr(_member("README.txt", zipfile.ZIP_DEFLATED), readme)
        for name, text in (extra or {}).items():
            bundle.writestr(_member(name, zipfile.ZIP_DEFLATED), text)
