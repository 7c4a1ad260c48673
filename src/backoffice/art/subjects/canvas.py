"""The page being composed: a 1-bit ink canvas, the audience's pens, placing subjects."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from backoffice.art.procedural.geometry import STYLES
from backoffice.art.quality import BANDS
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
                   max(style.detail_pt * px_per_pt, band.min_stroke_pt * px_per_pt * 1.35),
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
                      keep_labels: bool = False) -> Placed:
        """`subject` as large as fits in `box`, centred across it and placed at the
        box's bottom (align 'bottom'), top or middle."""
        glyph = outline(subject.code)
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

    def image(self) -> Image.Image:
        return Image.fromarray(~self.ink)
