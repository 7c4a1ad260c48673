"""Read-back checks that nothing designed crosses a cover panel's safe line (0.375" inside
the trim, the green guide of the cover preview).

Text is read from the PDF's text layer, exactly. Art has no such record, so it is judged
from the rendered cover along each trim edge: what lies just outside the safe line must
be the background that also fills the bleed, or a border motif of the margin; a card, a
plate or raster lettering cut by the line shows on both sides of it and not in the bleed.
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
NEAR_IN = 0.1  # depth of the strips compared on either side of the safe line


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


def _crossing_share(bleed: np.ndarray, near: np.ndarray, inner: np.ndarray,
                    window: int) -> float:
    """Share of positions along an edge where what lies just outside the safe line is not
    the background of the bleed but continues past the line into the safe area: a card,
    a plate or lettering cut by the line. A border motif that stays in the margin (it
    differs from what lies inside as much as from the bleed) is not counted."""
    b, m, i = (_smooth(strip.mean(axis=1), window) for strip in (bleed, near, inner))
    off_ground = np.abs(m - b).max(axis=1) > ART_COLOUR_STEP
    continues = np.abs(m - i).max(axis=1) < ART_COLOUR_STEP / 2
    return float((off_ground & continues).mean())


def art_across_safe(path: Path, layout: specs.CoverLayout) -> list[str]:
    """Panel edges where art crosses the safe line: ['front top', ...]."""
    pixels = pdf_inspect.render_region(str(path), 1, ART_DPI, (0, 0, 0, 0)).astype(np.float32)
    height = pixels.shape[0]
    d = ART_DPI
    bleed = max(1, round(specs.BLEED_IN * d))
    safe = round(TEXT_SAFE_IN * d)
    strip = max(1, round(NEAR_IN * d))
    window = round(SMOOTH_IN * d)
    failures = []
    for name, panel in _panels(layout):
        x0, x1 = round(panel.x * d), round(panel.right * d)
        top, bottom = height - round(panel.top * d), height - round(panel.y * d)
        along_x = slice(x0 + safe, x1 - safe)  # short of the corners, where edges meet
        along_y = slice(top + safe, bottom - safe)
        edges = {
            "top": [pixels[top - bleed:top, along_x], pixels[top + safe - strip:top + safe,
                    along_x], pixels[top + safe:top + safe + strip, along_x]],
            "bottom": [pixels[bottom:bottom + bleed, along_x],
                       pixels[bottom - safe:bottom - safe + strip, along_x],
                       pixels[bottom - safe - strip:bottom - safe, along_x]],
        }
        edges = {k: [a.transpose(1, 0, 2) for a in v] for k, v in edges.items()}
        if name == "back":
            edges["outside"] = [pixels[along_y, x0 - bleed:x0],
                                pixels[along_y, x0 + safe - strip:x0 + safe],
                                pixels[along_y, x0 + safe:x0 + safe + strip]]
            # KDP places the barcode's white box in the bottom margin itself.
            keep = slice(0, max(0, round((layout.barcode.x - panel.x) * d) - safe))
            edges["bottom"] = [a[keep] for a in edges["bottom"]]
        else:
            edges["outside"] = [pixels[along_y, x1:x1 + bleed],
                                pixels[along_y, x1 - safe:x1 - safe + strip],
                                pixels[along_y, x1 - safe - strip:x1 - safe]]
        for edge, strips in edges.items():
            bleed_strip, near, inner = strips
            if len(bleed_strip) and _crossing_share(bleed_strip, near, inner,
                                                    window) > ART_EDGE_SHARE:
                failures.append(f"{name} {edge}")
    return failures
