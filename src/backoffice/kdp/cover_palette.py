"""Colour roles of a cover drawn from a theme palette: background, ribbons, badge, ink.

Front, back and spine take their colours from the same roles, which is what makes the
back look like the front's other side.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FALLBACK_PALETTE = ("#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946")
WHITE, PAPER = "#ffffff", "#fffdf7"


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def hex_of(colour: Sequence[float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in colour[:3])


def mix(a: str, b: str, amount: float) -> str:
    """`amount` of the way from colour a to colour b."""
    return hex_of([x + (y - x) * amount for x, y in zip(rgb(a), rgb(b), strict=True)])


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    lin = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4
           for c in rgb(hex_colour)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_on(background: str, dark: str = "#000000", light: str = WHITE) -> str:
    return dark if contrast(dark, background) >= contrast(light, background) else light


def _hsv(hex_colour: str) -> tuple[float, float, float]:
    return colorsys.rgb_to_hsv(*(c / 255 for c in rgb(hex_colour)))


def _distance(a: str, b: str) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(rgb(a), rgb(b), strict=True)) ** 0.5)


def _hue_distance(a: str, b: str) -> float:
    d = abs(_hsv(a)[0] - _hsv(b)[0])
    return min(d, 1 - d)


@dataclass(frozen=True)
class Roles:
    background: str
    accent: str  # ribbons and plates
    highlight: str  # the badge
    ink: str  # line art, outlines, dark text
    title: str  # title letters on the background
    paper: str  # the paper of page cards
    fills: tuple[str, ...]  # colours the regions of the pages are filled with


def clean_palette(palette: Sequence[str]) -> list[str]:
    colours = [c.lower() for c in palette
               if isinstance(c, str) and len(c) == 7 and c.startswith("#")]
    return colours or list(FALLBACK_PALETTE)


def roles(palette: Sequence[str], audience: str) -> Roles:
    colours = clean_palette(palette)
    darkest = min(colours, key=luminance)
    lightest = max(colours, key=luminance)
    ink = mix(darkest, "#000000", 0.6)
    if audience == "adults":
        # Adult books sell on deep, rich grounds with luminous coloured art.
        background = mix(darkest, "#000000", 0.35)
        title = mix(lightest, WHITE, 0.55)
    else:
        # Children's books sell on one vivid colour: the most saturated mid-tone, with the
        # theme's first colour (its signature) preferred when it is vivid too.
        background = max(colours, key=lambda c: _hsv(c)[1] * _hsv(c)[2]
                         - 2 * max(0.0, luminance(c) - 0.55) + (0.2 if c == colours[0] else 0))
        title = WHITE
    others = [c for c in colours if c != background] or colours
    accent = max(others, key=lambda c: _hsv(c)[1] * 0.6 + _hue_distance(c, background)
                 + (0.3 if contrast(c, background) > 1.6 else 0.0))
    highlight = max((c for c in colours if c not in (background, accent)),
                    key=luminance, default=lightest)
    if luminance(highlight) < 0.45:
        highlight = mix(highlight, WHITE, 0.55)
    # The ground's own colour (and its near twins) would make coloured regions vanish.
    distinct = [c for c in colours if _distance(c, background) > 60] or colours
    fills = tuple(dict.fromkeys(distinct + [mix(c, WHITE, 0.45) for c in distinct]))
    return Roles(background=background, accent=accent, highlight=highlight, ink=ink,
                 title=title, paper=PAPER, fills=fills)


def extract_palette(pixels: NDArray[np.uint8], count: int = 5) -> list[str]:
    """Main colours of an RGB uint8 array (a cover made elsewhere), most common first."""
    import cv2

    small = cv2.resize(pixels, (64, 64), interpolation=cv2.INTER_AREA).reshape(-1, 3)
    data = small.astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    cv2.setRNGSeed(7)
    start = np.zeros((len(data), 1), np.int32)
    _, labels, centres = cv2.kmeans(data, count, start, criteria, 3, cv2.KMEANS_PP_CENTERS)
    order = np.argsort(-np.bincount(np.asarray(labels).ravel(), minlength=count))
    return [hex_of(centres[i]) for i in order]
