"""KDP preflight: reads the produced PDFs back and checks them rule by rule.

Every rule has a stable `code`, an English sentence (`message`, for the API, the CLI and
the logs) and the same sentence as a catalog msgid with its values (`msgid`, `params`), which
the web translates when it shows it. Checks never trust how the files were built; they
look at what is in the PDF, rendering where needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf

from backoffice.errors import N_, Message
from backoffice.kdp import barcode, pdf_inspect, specs

PT = 72.0
BOX_TOLERANCE_PT = 0.5
# One page of white paper is 0.16 pt of spine: a cover for the wrong page count must fail.
SPINE_TOLERANCE_PT = 0.05
INK_DPI = 50
REGION_DPI = 300
BARCODE_DPI = 400
MAX_BLANK_RUN = 2


@dataclass
class Rule:
    code: str
    passed: bool
    message: str
    # Absent from reports stored before rules carried them: their `message` is shown.
    msgid: str = ""
    params: dict[str, object] = field(default_factory=dict)

    def text(self) -> Message:
        return Message(self.msgid, self.params) if self.msgid else Message(self.message)


@dataclass(frozen=True)
class PageGate:
    """The line-art gate's verdict on one coloring page (passed in by the caller: the
    preflight reads PDFs, the gate judged the page images when they were drawn)."""

    position: int
    passed: bool
    failures: tuple[str, ...] = ()


@dataclass
class PreflightReport:
    trim: str
    paper: str
    interior_pages: int
    rules: list[Rule] = field(default_factory=list)
    gate: list[PageGate] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(rule.passed for rule in self.rules)

    def failed(self) -> list[str]:
        return [rule.code for rule in self.rules if not rule.passed]

    def rule(self, code: str) -> Rule:
        return next(rule for rule in self.rules if rule.code == code)

    def add(self, code: str, passed: bool, ok: str, bad: str, **params: object) -> None:
        """`ok` and `bad` are msgids (N_) sharing `params`."""
        msgid = ok if passed else bad
        self.rules.append(Rule(code, bool(passed), str(Message(msgid, params)), msgid,
                               dict(params)))

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "trim": self.trim, "paper": self.paper,
                "interior_pages": self.interior_pages,
                "rules": [asdict(rule) for rule in self.rules],
                "gate": [{"position": page.position, "passed": page.passed,
                          "failures": list(page.failures)} for page in self.gate]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PreflightReport:
        return cls(trim=data["trim"], paper=data["paper"],
                   interior_pages=data["interior_pages"],
                   rules=[Rule(**rule) for rule in data["rules"]],
                   gate=[PageGate(page["position"], page["passed"], tuple(page["failures"]))
                         for page in data.get("gate", [])])


def _pages(numbers: list[int], limit: int = 5) -> str:
    """"3, 5, 8" or "1, 2, 3, 4, 5 (+12)": the same in every language."""
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" (+{len(numbers) - limit})" if len(numbers) > limit else "")


def _common(report: PreflightReport, doc: pikepdf.Pdf, path: Path, prefix: str) -> None:
    size = path.stat().st_size
    report.add(f"{prefix}.file_size", size < specs.MAX_FILE_BYTES,
               N_("File size %(size)s MB is under KDP's 650 MB limit."),
               N_("File size %(size)s MB exceeds KDP's 650 MB limit."),
               size=f"{size / 1e6:.1f}")
    annotated = [n for n, p in enumerate(doc.pages, 1) if "/Annots" in p.obj]
    report.add(f"{prefix}.no_annotations", not annotated, N_("No annotations or comments."),
               N_("Annotations on page(s) %(pages)s: KDP rejects them."),
               pages=_pages(annotated))
    missing = pdf_inspect.unembedded_fonts(doc)
    report.add(f"{prefix}.fonts_embedded", not missing, N_("All fonts are embedded."),
               N_("Fonts not embedded: %(fonts)s."), fonts=", ".join(missing))
    low = sorted({img.page for _, _, img in pdf_inspect.page_items(doc)
                  if isinstance(img, pdf_inspect.PlacedImage)
                  and img.ppi < specs.MIN_IMAGE_DPI * 0.99})
    report.add(f"{prefix}.image_resolution", not low,
               N_("Every image is at least 300 DPI at its printed size."),
               N_("Images under 300 DPI on page(s) %(pages)s."), pages=_pages(low))


def _open(report: PreflightReport, path: Path, prefix: str) -> pikepdf.Pdf | None:
    try:
        doc = pikepdf.open(path)
    except pikepdf.PasswordError:
        report.add(f"{prefix}.no_encryption", False, "", N_("The PDF is password protected."))
        return None
    except (pikepdf.PdfError, FileNotFoundError) as exc:
        report.add(f"{prefix}.readable", False, "", N_("The PDF cannot be read: %(error)s."),
                   error=str(exc))
        return None
    report.add(f"{prefix}.no_encryption", not doc.is_encrypted,
               N_("The PDF is not encrypted."),
               N_("The PDF is encrypted: KDP refuses locked files."))
    return doc


def _is_gray(item: pdf_inspect.PlacedImage | pdf_inspect.Color) -> bool:
    if isinstance(item, pdf_inspect.PlacedImage):
        return not item.one_bit
    operator, values = item
    if any(v not in (0.0, 1.0) for v in values):
        return True
    return operator in ("rg", "RG") and len(set(values)) > 1


def _check_interior(report: PreflightReport, path: Path, trim: str, paper: str) -> int:
    doc = _open(report, path, "interior")
    if doc is None:
        return 0
    with doc:
        count = len(doc.pages)
        low, high = specs.page_limits(trim, paper)
        report.add("interior.page_count", low <= count <= high,
                   N_("%(count)s pages, within KDP's %(low)s to %(high)s for this trim size "
                      "and paper."),
                   N_("%(count)s pages is outside KDP's %(low)s to %(high)s for this trim size "
                      "and paper."), count=count, low=low, high=high)
        report.add("interior.page_parity", count % 2 == 0,
                   N_("%(count)s is an even page count."),
                   N_("%(count)s pages is odd: KDP prints an even number of pages."),
                   count=count)

        width, height = specs.interior_page_size(trim)
        media = [0.0, 0.0, width * PT, height * PT]
        wrong_size, wrong_trim, no_bleed = [], [], []
        for n, page in enumerate(doc.pages, 1):
            if not pdf_inspect.boxes_equal(pdf_inspect.box(page, "/MediaBox"), media,
                                           BOX_TOLERANCE_PT):
                wrong_size.append(n)
            t = specs.trim_box(trim, specs.page_side(n))
            expected = [t.x * PT, t.y * PT, t.right * PT, t.top * PT]
            if not pdf_inspect.boxes_equal(pdf_inspect.box(page, "/TrimBox"), expected,
                                           BOX_TOLERANCE_PT):
                wrong_trim.append(n)
            if pdf_inspect.box(page, "/BleedBox") is None:
                no_bleed.append(n)
        report.add("interior.page_size", not wrong_size,
                   N_('Every page is %(width)s" x %(height)s" (trim %(trim)s plus bleed).'),
                   N_('Page(s) %(pages)s are not %(width)s" x %(height)s".'),
                   width=f"{width:g}", height=f"{height:g}", trim=trim,
                   pages=_pages(wrong_size))
        report.add("interior.trim_box", not wrong_trim,
                   N_("Every page has a TrimBox on the trim, bleed on the outside edge."),
                   N_("Missing or wrong TrimBox on page(s) %(pages)s."),
                   pages=_pages(wrong_trim))
        report.add("interior.bleed_box", not no_bleed, N_("Every page has a BleedBox."),
                   N_("No BleedBox on page(s) %(pages)s."), pages=_pages(no_bleed))

        gray_pages: set[int] = set()
        for n, _, item in pdf_inspect.page_items(doc):
            if _is_gray(item):
                gray_pages.add(n)
        report.add("interior.no_gray", not gray_pages,
                   N_("Only pure black on white: every image is 1-bit."),
                   N_("Gray or colour content on page(s) %(pages)s: interiors must be 1-bit "
                      "black and white."), pages=_pages(sorted(gray_pages)))
        _common(report, doc, path, "interior")
        # Pages alike (same content, same side) get the same verdict: render one of each.
        alike = [(pdf_inspect.page_fingerprint(p), specs.page_side(n))
                 for n, p in enumerate(doc.pages, 1)]

    first_of = {key: n for n, key in reversed(list(enumerate(alike, 1)))}
    verdicts = {alike[n - 1]: _ink_verdict(mask, trim, count, height, specs.page_side(n))
                for n, mask in pdf_inspect.ink_masks(str(path), INK_DPI,
                                                     sorted(first_of.values()))}
    outside = [n for n, key in enumerate(alike, 1) if verdicts[key] == "outside"]
    blank = [n for n, key in enumerate(alike, 1) if verdicts[key] == "blank"]
    report.add("interior.ink_in_safe_area", not outside,
               N_("All ink sits inside the safe area (gutter on the inside edge)."),
               N_("Ink in the margins on page(s) %(pages)s."), pages=_pages(outside))
    longest = run = 0
    for previous, current in zip([None, *blank], blank, strict=False):
        run = run + 1 if previous is not None and current == previous + 1 else 1
        longest = max(longest, run)
    report.add("interior.blank_pages", longest <= MAX_BLANK_RUN,
               N_("No more than %(max)s blank pages in a row."),
               N_("%(run)s blank pages in a row: KDP flags more than %(max)s."),
               max=MAX_BLANK_RUN, run=longest)
    return count


def _ink_verdict(mask: np.ndarray, trim: str, count: int, height: float,
                 side: specs.Side) -> str:
    """"blank", "outside" (ink in the margins) or "ok" for one rendered page."""
    if not mask.any():
        return "blank"
    safe = specs.safe_area(trim, count, side)
    rows, cols = mask.shape
    top = max(int((height - safe.top) * INK_DPI) - 1, 0)
    bottom = min(int(np.ceil((height - safe.y) * INK_DPI)) + 1, rows)
    left = max(int(safe.x * INK_DPI) - 1, 0)
    right = min(int(np.ceil(safe.right * INK_DPI)) + 1, cols)
    return "outside" if mask.sum() > mask[top:bottom, left:right].sum() else "ok"


def _region(layout: specs.CoverLayout, rect: specs.Rect, inset: float = 0.0
            ) -> tuple[float, float, float, float]:
    """pdfium crop amounts (left, bottom, right, top) in pt that leave `rect` minus inset."""
    return ((rect.x + inset) * PT, (rect.y + inset) * PT,
            (layout.width - rect.right + inset) * PT, (layout.height - rect.top + inset) * PT)


def _check_spine(report: PreflightReport, path: Path, layout: specs.CoverLayout) -> None:
    spine = layout.spine_rect
    seam = 0.01  # panel edges may blend into the fold by a pixel or two
    pixels = pdf_inspect.render_region(str(path), 1, REGION_DPI, _region(layout, spine, seam))
    background = np.median(pixels.reshape(-1, 3), axis=0).astype(np.float32)
    # float32 is exact for these values (a median of bytes ends in .0 or .5) and a quarter
    # of int64's memory on a spine of a 590-page book (3,375 x 400 pixels).
    marks = np.abs(pixels.astype(np.float32) - background).max(axis=2) > 48
    pages = layout.interior_pages
    if not layout.spine_text_allowed:
        report.add("cover.spine_text", marks.mean() < 0.001,
                   N_("No spine text, as KDP requires under %(min)s pages."),
                   N_("The spine carries text or marks with only %(pages)s pages; KDP rejects "
                      "spine text under %(min)s pages."),
                   min=specs.SPINE_TEXT_MIN_PAGES, pages=pages)
        return
    area = layout.spine_text_area
    margin = int((specs.SPINE_TEXT_CLEARANCE_IN - seam) * REGION_DPI) - 1
    keep = np.zeros_like(marks)
    if area.width > 0:
        keep[margin:marks.shape[0] - margin, margin:marks.shape[1] - margin] = True
    stray = int((marks & ~keep).sum())
    report.add("cover.spine_text", stray <= marks.size * 0.0005,
               N_('Spine text keeps %(clearance)s" from the folds and trim.'),
               N_('Spine marks come within %(clearance)s" of a fold or the trim.'),
               clearance=specs.SPINE_TEXT_CLEARANCE_IN)


def _check_barcode(report: PreflightReport, path: Path, layout: specs.CoverLayout,
                   isbn: str | None) -> None:
    pixels = pdf_inspect.render_region(str(path), 1, BARCODE_DPI, _region(layout, layout.barcode))
    white = (pixels.min(axis=2) >= 245).mean() >= 0.999
    # A barcode is black on white: any colour in the box is artwork leaking into it.
    neutral = (pixels.max(axis=2).astype(int) - pixels.min(axis=2) < 40).all()
    gray = pixels.mean(axis=2) < 128
    found = None
    for fraction in np.linspace(0.3, 0.75, 10):
        found = barcode.decode_ean13(list(gray[int(fraction * (gray.shape[0] - 1))]))
        if found:
            break
    if isbn:
        try:
            wanted = barcode.validate_isbn13(isbn)
        except ValueError:
            report.add("cover.barcode_area", False, "",
                       N_("The ISBN %(isbn)s is not a valid ISBN-13."), isbn=isbn)
            return
        if found == wanted:
            bad = N_("The barcode scans as %(isbn)s, but coloured artwork reaches into its "
                     "area.")
        elif found:
            bad = N_("The barcode area does not scan as ISBN %(isbn)s (read %(found)s).")
        else:
            bad = N_("The barcode area does not scan as ISBN %(isbn)s.")
        report.add("cover.barcode_area", found == wanted and neutral,
                   N_("The barcode area holds an EAN-13 that scans as %(isbn)s."), bad,
                   isbn=wanted, found=found or "")
        return
    report.add("cover.barcode_area", white or (found is not None and neutral),
               N_("The 2\" x 1.2\" barcode area is empty (white) for KDP's barcode.")
               if white else N_("The barcode area holds a readable EAN-13 (%(found)s)."),
               N_("The barcode area in the lower right of the back cover is not empty."),
               found=found or "")


def _check_safe_zone(report: PreflightReport, path: Path, layout: specs.CoverLayout) -> None:
    from backoffice.kdp.cover_safety import art_across_safe, text_outside_safe
    from backoffice.kdp.cover_text import TEXT_SAFE_IN

    text = text_outside_safe(path, layout)
    art = art_across_safe(path, layout)
    named = ", ".join(text[:6]) + (f" (+{len(text) - 6})" if len(text) > 6 else "")
    if text and art:
        bad = N_('Cover text past the safe line (%(text)s) and art past it at the %(edges)s '
                 'edge(s): keep them %(inches)s" inside the trim (the green lines of the cover '
                 'preview).')
    elif text:
        bad = N_('Cover text past the safe line (%(text)s): keep it %(inches)s" inside the trim '
                 '(the green lines of the cover preview).')
    else:
        bad = N_('Cover art past the safe line at the %(edges)s edge(s): keep it %(inches)s" '
                 'inside the trim (the green lines of the cover preview).')
    report.add("cover.safe_zone", not (text or art),
               N_('No cover text or art crosses the safe lines, %(inches)s" inside the trim.'),
               bad, text=named, edges=", ".join(art), inches=TEXT_SAFE_IN)


def _check_cover(report: PreflightReport, path: Path, trim: str, paper: str,
                 interior_pages: int, isbn: str | None) -> None:
    doc = _open(report, path, "cover")
    if doc is None:
        return
    layout = specs.cover_layout(trim, interior_pages, paper)
    with doc:
        report.add("cover.page_count", len(doc.pages) == 1, N_("The cover is a single page."),
                   N_("The cover has %(count)s pages; KDP wants one full-wrap page."),
                   count=len(doc.pages))
        page = doc.pages[0]
        media = pdf_inspect.box(page, "/MediaBox") or [0, 0, 0, 0]
        w_in, h_in = (media[2] - media[0]) / PT, (media[3] - media[1]) / PT
        report.add("cover.page_size", abs(h_in - layout.height) * PT <= BOX_TOLERANCE_PT,
                   N_('Cover height %(height)s" is trim plus 0.125" bleed top and bottom.'),
                   N_('Cover height %(height)s" should be %(expected)s".'),
                   height=f"{h_in:.3f}", expected=f"{layout.height:.3f}")
        spine = w_in - 2 * layout.trim_width - 2 * specs.BLEED_IN
        report.add("cover.spine_width", abs(w_in - layout.width) * PT <= SPINE_TOLERANCE_PT,
                   N_('Spine %(spine)s" matches %(pages)s pages on this paper.'),
                   N_('Spine is %(spine)s" but %(pages)s pages on this paper need '
                      '%(expected)s" (cover %(width)s" wide).'),
                   spine=f"{spine:.4f}", pages=interior_pages,
                   expected=f"{layout.spine:.4f}", width=f"{layout.width:.3f}")
        bleed = specs.BLEED_IN * PT
        trim_box = [media[0] + bleed, media[1] + bleed, media[2] - bleed, media[3] - bleed]
        report.add("cover.trim_box",
                   pdf_inspect.boxes_equal(pdf_inspect.box(page, "/TrimBox"), trim_box,
                                           BOX_TOLERANCE_PT),
                   N_("The TrimBox sits 0.125\" inside every edge."),
                   N_("Missing or wrong TrimBox."))
        report.add("cover.bleed_box", pdf_inspect.box(page, "/BleedBox") is not None,
                   N_("The cover has a BleedBox."), N_("The cover has no BleedBox."))
        _common(report, doc, path, "cover")
    if report.rule("cover.page_size").passed and report.rule("cover.spine_width").passed:
        _check_spine(report, path, layout)
        _check_barcode(report, path, layout, isbn)
        _check_safe_zone(report, path, layout)


def _check_gate(report: PreflightReport, gate: Sequence[PageGate]) -> None:
    report.gate = sorted(gate, key=lambda page: page.position)
    failing = [page for page in report.gate if not page.passed]
    reasons = sorted({code for page in failing for code in page.failures})
    report.add("interior.line_art_gate", not failing,
               N_("All %(count)s coloring pages passed the line-art gate."),
               N_("Page(s) %(pages)s failed the line-art gate (%(reasons)s): regenerate them "
                  "or restore earlier versions, or an admin overrides with a reason."),
               count=len(report.gate), pages=_pages([page.position for page in failing],
                                                    limit=12),
               reasons=", ".join(reasons) or "-")


def run_preflight(interior_pdf: Path, cover_pdf: Path, *, trim: str, paper: str,
                  isbn: str | None = None,
                  gate: Sequence[PageGate] | None = None) -> PreflightReport:
    """Every rule on both files; with `gate`, the line-art gate's verdict per page is a
    rule too, so a book with failing pages does not pass unnoticed."""
    specs.trim(trim), specs.paper(paper)
    report = PreflightReport(trim=trim, paper=paper, interior_pages=0)
    report.interior_pages = _check_interior(report, Path(interior_pdf), trim, paper)
    if gate is not None:
        _check_gate(report, gate)
    _check_cover(report, Path(cover_pdf), trim, paper, report.interior_pages, isbn)
    return report
