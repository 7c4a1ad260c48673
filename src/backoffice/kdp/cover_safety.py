"""Read-back checks that nothing designed crosses a cover panel's safe line (0.375" inside
the trim, the green guide of the cover preview).

Text is read from the PDF's text layer, exactly. Art has no such record, so it is judged
by what the cut does to it: between the bleed edge and the safe line, whatever is printed
must be background that runs on into the bleed. A card, a plate or raster lettering that
reaches past the safe line shows in the margin band but not in the bleed beside it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backoffice.kdp import pdf_inspect, specs
from backoffice.kdp.cover_text import TEXT_SAFE_IN

PT = 72.0
ART_DPI = 100
# An edge fails when this share of it differs between margin band and bleed.
ART_EDGE_SHARE = 0.06
ART_COLOUR_STEP = 70  # max channel difference (0-255) of the smoothed strips
SMOOTH_IN = 0.3  # along the edge: patterns finer than this are background texture


def _panels(layout: specs.CoverLayout) -> list[tuple[str, specs.Rect]]:
    return [("back", layout.back), ("front", layout.front)]


def _inside(rect: specs.Rect, x: float, y: float) -> bool:
    return rect.x <= x <= rect.right and rect.y <= y <= rect.top


def text_outside_safe(path: Path, layout: specs.CoverLayout) -> list[str]:
    """Characters on a panel outside its safe area (the spine and the barcode area have
    their own rules), as 'front: "T"' entries."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[0]
        textpage = page.get_textpage()
        found: list[str] = []
        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            if not char.strip():
                continue
            left, bottom, right, top = (v / PT for v in textpage.get_charbox(index))
            cx, cy = (left + right) / 2, (bottom + top) / 2
            if _inside(layout.spine_rect, cx, cy) or _inside(layout.barcode, cx, cy):
                continue
            for name, panel in _panels(layout):
                if not (panel.x - specs.BLEED_IN <= cx <= panel.right + specs.BLEED_IN):
                    continue
                safe = layout.panel_safe(panel, TEXT_SAFE_IN)
                tol = 0.5 / PT
                if (left < safe.x - tol or right > safe.right + tol or bottom < safe.y - tol
                        or top > safe.top + tol):
                    found.append(f'{name}: "{char}"')
                break
        return found
    finally:
        doc.close()


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    kernel = np.ones(max(1, window), np.float32) / max(1, window)
    return np.stack([np.convolve(values[:, c], kernel, mode="same") for c in range(3)], axis=1)


def _edge_differs(bleed: np.ndarray, band: np.ndarray, window: int) -> float:
    """Share of positions along an edge where the band's colour is not the bleed's."""
    a = _smooth(bleed.mean(axis=1), window)
    b = _smooth(band.mean(axis=1), window)
    return float((np.abs(a - b).max(axis=1) > ART_COLOUR_STEP).mean())


def art_across_safe(path: Path, layout: specs.CoverLayout) -> list[str]:
    """Panel edges where art reaches past the safe line: ['front top', ...]."""
    pixels = pdf_inspect.render_region(str(path), 1, ART_DPI, (0, 0, 0, 0)).astype(np.float32)
    height = pixels.shape[0]
    d = ART_DPI
    bleed_px = max(1, round(specs.BLEED_IN * d))
    band_px = max(1, round(TEXT_SAFE_IN * d))
    window = round(SMOOTH_IN * d)
    barcode = layout.barcode
    failures = []
    for name, panel in _panels(layout):
        x0, x1 = round(panel.x * d), round(panel.right * d)
        y_top, y_bottom = height - round(panel.top * d), height - round(panel.y * d)
        # Margin bands are taken short of the corners, where two edges meet.
        inner_x = slice(x0 + band_px, x1 - band_px)
        inner_y = slice(y_top + band_px, y_bottom - band_px)
        edges = {
            "top": (pixels[y_top - bleed_px:y_top, inner_x].transpose(1, 0, 2),
                    pixels[y_top:y_top + band_px, inner_x].transpose(1, 0, 2)),
            "bottom": (pixels[y_bottom:y_bottom + bleed_px, inner_x].transpose(1, 0, 2),
                       pixels[y_bottom - band_px:y_bottom, inner_x].transpose(1, 0, 2)),
        }
        if name == "back":
            edges["outside"] = (pixels[inner_y, x0 - bleed_px:x0], pixels[inner_y, x0:x0 + band_px])
            # The barcode's white box sits in the bottom band by KDP's own placement.
            keep = slice(0, round((barcode.x - panel.x) * d) - band_px)
            bleed, band = edges["bottom"]
            edges["bottom"] = (bleed[keep], band[keep])
        else:
            edges["outside"] = (pixels[inner_y, x1:x1 + bleed_px], pixels[inner_y, x1 - band_px:x1])
        for edge, (bleed, band) in edges.items():
            if len(bleed) and _edge_differs(bleed, band, window) > ART_EDGE_SHARE:
                failures.append(f"{name} {edge}")
    return failures
