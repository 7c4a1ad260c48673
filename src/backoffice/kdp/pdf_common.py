"""Helpers shared by the interior and cover builders: embedded font, KDP clean-up pass."""

from __future__ import annotations

import os
from pathlib import Path

import pikepdf
from fpdf import FPDF

from backoffice.kdp.cover_text import FONT_BOLD, FONT_REGULAR

FONT_FAMILY = "DejaVu"
PT = 72.0


def new_pdf(width_in: float, height_in: float) -> FPDF:
    pdf = FPDF(unit="pt", format=(width_in * PT, height_in * PT))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("")
    # Embedded TrueType only: a core Helvetica reference would be an unembedded font.
    pdf.add_font(FONT_FAMILY, "", str(FONT_REGULAR))
    pdf.add_font(FONT_FAMILY, "B", str(FONT_BOLD))
    pdf.set_font(FONT_FAMILY, "", 10)
    return pdf


def finalize(
    pdf: FPDF, out_path: Path, boxes: list[tuple[list[float], list[float]]],
) -> None:
    """Write `pdf` to out_path as a fresh file, with (TrimBox, BleedBox) per page in points,
    and without metadata, annotations or encryption (KDP refuses them)."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.raw")
    try:
        pdf.output(str(tmp))
        with pikepdf.open(tmp) as doc:
            save_for_kdp(doc, out_path, boxes)
    finally:
        tmp.unlink(missing_ok=True)


def save_for_kdp(doc: pikepdf.Pdf, out_path: Path,
                 boxes: list[tuple[list[float], list[float]]]) -> None:
    """Save `doc` as KDP wants it: (TrimBox, BleedBox) per page, no annotations, metadata
    or document info, as a new file."""
    if len(doc.pages) != len(boxes):
        raise RuntimeError(f"{len(doc.pages)} pages written, {len(boxes)} expected")
    for page, (trim, bleed) in zip(doc.pages, boxes, strict=True):
        page.obj["/TrimBox"] = pikepdf.Array(trim)
        page.obj["/BleedBox"] = pikepdf.Array(bleed)
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    if "/Metadata" in doc.Root:
        del doc.Root["/Metadata"]
    for key in list(doc.docinfo.keys()):
        del doc.docinfo[key]
    # KDP asks for a new file every time: never save over an older export.
    out_path = Path(out_path)
    if out_path.exists():
        out_path.unlink()
    doc.save(out_path, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)


def rect_points(x: float, y: float, w: float, h: float) -> list[float]:
    """A PDF box [llx lly urx ury] in points from inches (bottom-left origin)."""
    return [round(x * PT, 4), round(y * PT, 4), round((x + w) * PT, 4), round((y + h) * PT, 4)]
