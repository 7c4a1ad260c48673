"""The page being composed: a 1-bit ink canvas, the audience's pens, placing subjects."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from backoffice.art.procedural.geometry import STYLES
from backoffice.art.quality import BANDS, BLOB_THICKNESS_MM, LEAK_GAP_MM
from backoffice.art.subjects.catalogue import Subject
from backoffice.art.subjects.glyphs import outline
from backoffice.art.subjects.lineart import Layer, composite, line_art

# Regions are kept this much above the gate's smallest size: lines eat into them.
AREA_MARGIN = {"toddlers": 1.5, "children": 1.6, "adults": 2.0}


@dataclass(frozen=True)
class Pens:
    audience: str
    dpi: int
    line_px: float
    detail_px: float
    min_area_px: float  # smallest region worth keeping
    min_regions: int
    max_regions: int

    @classmethod
    def for_audience(cls, audience: str, dpi: int = 300) -> Pens:
        style, band = STYLES[audience], BANDS[audience]
        px_per_pt = dpi / 72.0
        px_per_mm = dpi / 25.4
        return cls(audience, dpi, style.line_pt * px_per_pt,
                   max(style.detail_pt, band.min_stroke_pt * 1.5) * px_per_pt,
                   band.min_region_mm2 * AREA_MARGIN[audience] * px_per_mm ** 2,
                   band.min_regions, band.max_regions)

    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4


@dataclass
class Placed:
    subject: Subject
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 of its ink
    layer: Layer


@dataclass
class Canvas:
    width: int
    height: int
    pens: Pens
    ink: np.ndarray = field(init=False)
    placed: list[Placed] = field(default_factory=list)
    regions: int = 0  # an estimate while composing: what the layers painted announced

    def __post_init__(self) -> None:
        self.ink = np.zeros((self.height, self.width), bool)

    @property
    def margin(self) -> float:
        """Art stays this far inside the art area (the gate's safe area is all of it)."""
        return max(self.pens.mm(2.5), 0.02 * min(self.width, self.height)) + self.pens.line_px

    def paint(self, layer: Layer | None) -> None:
        if layer is not None:
            composite(self.ink, layer)
            self.regions += layer.regions

    def subject_layer(self, subject: Subject, box: tuple[float, float, float, float], *,
                      mirror: bool = False, max_regions: int | None = None,
                      line_px: float | None = None, align: str = "center",
                      keep_labels: bool = False, rotation: float = 0.0) -> Placed:
        """`subject` as large as fits in `box`, centred across it and placed at the
        box's bottom (align 'bottom'), top or middle."""
        glyph = outline(subject.code)
        if rotation:
            glyph = glyph.rotated(rotation)
        x0, y0, x1, y1 = box
        height = min(y1 - y0, (x1 - x0) / glyph.aspect)
        width = height * glyph.aspect
        left = x0 + (x1 - x0 - width) / 2
        top = {"bottom": y1 - height, "top": y0}.get(align, y0 + (y1 - y0 - height) / 2)
        layer = line_art(glyph, left, top, height, line_px=line_px or self.pens.line_px,
                         min_area_px=self.pens.min_area_px, max_regions=max_regions,
                         mirror=mirror, dpi=self.pens.dpi, keep_labels=keep_labels)
        return Placed(subject, (left, top, left + width, top + height), layer)

    def place(self, placed: Placed) -> Placed:
        self.paint(placed.layer)
        self.placed.append(placed)
        return placed

    def count_regions(self) -> tuple[int, int]:
        """Enclosed white regions (the gate's count, specks aside) and how many are under
        the audience's smallest size."""
        white = (~self.ink).astype(np.uint8)
        count, labels, stats, _c = cv2.connectedComponentsWithStats(white, connectivity=4)
        border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0],
                                           labels[:, -1]]))
        areas = stats[:, cv2.CC_STAT_AREA].astype(float)
        areas[border] = 0
        areas[0] = 0
        speck = 0.15 * (self.pens.dpi / 25.4) ** 2
        kept = areas[areas >= speck]
        band_min = BANDS[self.pens.audience].min_region_mm2 * (self.pens.dpi / 25.4) ** 2
        return int(kept.size), int((kept < band_min).sum())

    def finish(self) -> None:
        """Seal gaps narrower than the gate's leak limit (where a line runs alongside a
        subject's outline without quite touching it): the same closing the gate applies
        to find leaks, so what it finds afterwards is sealed for real."""
        radius = max(1, round(LEAK_GAP_MM * self.pens.dpi / 25.4 / 2))
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        self.ink = cv2.morphologyEx(self.ink.astype(np.uint8), cv2.MORPH_CLOSE, kernel) > 0
        self._open_small_regions(kernel)
        self._pierce_blobs()

    def _pierce_blobs(self) -> None:
        """Where lines still pile up into ink thicker than the gate's blob limit (three
        outlines meeting at a glancing angle), pin-holes of a pixel or two: specks, too
        small to count as regions, that bring every point of the ink near white."""
        limit = BLOB_THICKNESS_MM / 2 * self.pens.dpi / 25.4 - 1.0
        # Ink that deep holds a square of half-side limit / sqrt(2): a square erosion
        # (separable, cheap) finds the few places worth a distance transform.
        half = max(1, int(limit / math.sqrt(2)) - 1)
        square = np.ones((2 * half + 1, 2 * half + 1), np.uint8)
        candidates = cv2.erode(self.ink.astype(np.uint8), square)
        if not candidates.any():
            return
        count, labels, stats, _c = cv2.connectedComponentsWithStats(candidates, connectivity=8)
        pad = int(limit) + 4
        for index in range(1, count):
            x, y, w, h = stats[index, :4]
            x0, y0 = max(0, x - pad), max(0, y - pad)
            x1, y1 = min(self.width, x + w + pad), min(self.height, y + h + pad)
            for _round in range(24):
                local = cv2.distanceTransform(self.ink[y0:y1, x0:x1].astype(np.uint8),
                                              cv2.DIST_L2, 5)
                if local.max() <= limit:
                    break
                # The deepest pixel of what is still too thick turns white.
                py, px = np.unravel_index(int(np.argmax(local)), local.shape)
                self.ink[y0 + py, x0 + px] = False

    def _open_small_regions(self, kernel: np.ndarray, limit: int = 40) -> None:
        """Regions too small to colour (where subjects overlap the setting, or a wheel's
        cogs meet its tyre) are opened into their largest neighbour by erasing the
        stretch of line between them: only as many as the audience's band needs, since
        each opening costs a stretch of line."""
        band = BANDS[self.pens.audience]
        band_min = band.min_region_mm2 * (self.pens.dpi / 25.4) ** 2
        speck = 0.15 * (self.pens.dpi / 25.4) ** 2
        white = (~self.ink).astype(np.uint8)
        count, labels, stats, _c = cv2.connectedComponentsWithStats(white, connectivity=4)
        areas = stats[:, cv2.CC_STAT_AREA]
        border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0],
                                               labels[:, -1]])).tolist())
        small = [i for i in range(1, count) if speck <= areas[i] < band_min]
        enclosed = [i for i in range(1, count) if areas[i] >= speck and i not in border]
        allowed = int(band.max_small_share * 0.6 * len(enclosed))
        chosen = sorted(small, key=lambda i: areas[i])[:max(0, len(small) - allowed)]
        # A page over its audience's region count (a toddler's subject whose open strokes
        # split regions) loses its smallest regions the same way.
        excess = len(enclosed) - len(chosen) - (band.max_regions - 1)
        if excess > 0:
            rest = sorted((i for i in enclosed if i not in chosen), key=lambda i: areas[i])
            chosen += rest[:excess]
        if not chosen:
            return
        reach = int(self.pens.line_px * 1.6) + 3
        for label in chosen[:limit]:
            x, y, w, h = stats[label, :4]
            x0, y0 = max(0, x - 3 * reach), max(0, y - 3 * reach)
            x1, y1 = min(self.width, x + w + 3 * reach), min(self.height, y + h + 3 * reach)
            crop = labels[y0:y1, x0:x1]
            mine = crop == label
            if not mine.any():
                continue
            from_me = cv2.distanceTransform((~mine).astype(np.uint8), cv2.DIST_L2, 5)
            ring = (from_me > reach) & (from_me <= 2 * reach) & (crop > 0) & (crop != label)
            if not ring.any():
                continue
            others, counts = np.unique(crop[ring], return_counts=True)
            neighbour = others[np.argmax(counts)]
            theirs = crop == neighbour
            from_them = cv2.distanceTransform((~theirs).astype(np.uint8), cv2.DIST_L2, 5)
            wall = self.ink[y0:y1, x0:x1] & (from_me <= reach) & (from_them <= reach)
            if not wall.any():
                continue
            # A door where the wall is thinnest, a little wider than the pen: the rest
            # of the wall stays (a long erasure could join other regions too).
            cost = np.where(wall, from_me + from_them, np.inf)
            dy, dx = np.unravel_index(int(np.argmin(cost)), cost.shape)
            yy, xx = np.ogrid[:wall.shape[0], :wall.shape[1]]
            door = wall & ((yy - dy) ** 2 + (xx - dx) ** 2 <= (self.pens.line_px * 1.3) ** 2)
            self.ink[y0:y1, x0:x1] &= ~door
            # The cut ends may come close to another line: sealed again, there.
            self.ink[y0:y1, x0:x1] = cv2.morphologyEx(
                self.ink[y0:y1, x0:x1].astype(np.uint8), cv2.MORPH_CLOSE, kernel) > 0
            crop[mine] = neighbour

    def image(self) -> Image.Image:
        return Image.fromarray(~self.ink)
