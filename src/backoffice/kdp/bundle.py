"""Export bundle: interior, cover, preflight report and the KDP settings in one zip."""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

from backoffice.kdp import specs
from backoffice.kdp.preflight import PreflightReport

MAX_NAME = 80


def safe_filename(title: str) -> str:
    """ASCII letters, digits, '-' and '_' only; never empty (titles such as "’’" or "日本")."""
    ascii_text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-_")[:MAX_NAME].strip("-_")
    return name or "book"


def readme_text(*, title: str, trim: str, paper: str, interior_pages: int,
                report: PreflightReport, credits: Sequence[str] = ()) -> str:
    t = specs.trim(trim)
    layout = specs.cover_layout(trim, interior_pages, paper)
    status = "all rules pass" if report.passed else (
        "FAILED: " + ", ".join(report.failed()) + " (see preflight.json)")
    return "\n".join([
        title,
        "=" * min(len(title), 60),
        "",
        "Settings to choose on KDP (Paperback > Print options):",
        f"  Ink and paper type : {specs.paper(paper).label_en}",
        f"  Trim size          : {t.width:g} x {t.height:g} in",
        "  Bleed settings     : Bleed (PDF only)",
        "  Paperback cover    : Matte or glossy, your choice",
        f"  Page count         : {interior_pages} (read from interior.pdf)",
        "",
        f"Cover: {layout.width:.3f} x {layout.height:.3f} in, "
        f"spine {layout.spine:.4f} in; upload the cover PDF as a print-ready PDF.",
        f"Preflight: {status}.",
        "",
        *((["Credits (printed on the copyright page too):"]
           + [f"  {line}" for line in credits] + [""]) if credits else []),
    ])


def write_bundle(zip_path: Path, *, interior_pdf: Path, cover_pdf: Path,
                 report: PreflightReport, trim: str, paper: str, interior_pages: int,
                 title: str, credits: Sequence[str] = ()) -> None:
    stem = safe_filename(title)
    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    readme = readme_text(title=title, trim=trim, paper=paper, interior_pages=interior_pages,
                         report=report, credits=credits)
    # PDFs are already compressed; storing them saves time without costing size.
    with zipfile.ZipFile(zip_path, "w") as bundle:
        bundle.write(interior_pdf, f"{stem}-interior.pdf", compress_type=zipfile.ZIP_STORED)
        bundle.write(cover_pdf, f"{stem}-cover.pdf", compress_type=zipfile.ZIP_STORED)
        bundle.writestr(f"{stem}-preflight.json",
                        json.dumps(report.to_dict(), indent=2, ensure_ascii=False),
                        compress_type=zipfile.ZIP_DEFLATED)
        bundle.writestr("README.txt", readme, compress_type=zipfile.ZIP_DEFLATED)
