"""Organic motifs as closed shapes, in a local frame: the base at the origin, growing up +y.

Petals of several profiles, hearts, teardrops, leaves, paisleys and filigree scrolls, plus
the details drawn inside them (echo outlines, veins, feather ribs, rows of dots). Every
function returns shapely geometry in points; `geometry.place` puts a motif on the page and
`geometry.polar` wraps a row of them round a ring. Details either end on the motif's
outline or keep at least the audience's gap from it, so every region they make is closed
and big enough to colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from backoffice.art.procedural.geometry import Geoms, Style, circle, segments_for

# Relative half-width along the axis (t = 0 at the base, 1 at the tip), at most ~1.
Profile = Callable[[np.ndarray], np.ndarray]


def _teardrop(t: np.ndarray) -> np.ndarray:
    knee = 0.6
    low = np.sin(np.pi / 2 * np.clip(t / knee, 0, 1)) ** 0.8
    high = np.sqrt(np.clip(1 - ((t - knee) / (1 - knee)) ** 2, 0, 1))
    return np.where(t < knee, low, high)


PROFILES: dict[str, Profile] = {
    # pointed at both ends, like a willow leaf or a classic mandala petal
    "almond": lambda t: np.sin(np.pi * t) ** 0.85,
    # a narrow base and a round tip
    "round": _teardrop,
    # a full oval
    "oval": lambda t: np.sqrt(np.clip(1 - (2 * t - 1) ** 2, 0, 1)),
    # bulges low, then a long tip with hollow flanks: lotus and flame petals
    "lotus": lambda t: np.sin(np.pi * np.clip(t, 0, 1) ** 0.62) ** 1.25,
    # wide shoulders near the tip, narrow waist: a spade or tulip petal
    "spade": lambda t: np.sin(np.pi * np.clip(t, 0, 1) ** 1.45) ** 0.9,
}
PETALS = (*PROFILES, "notched", "fringed")


def profile_shape(profile: Profile, length: float, half_width: float,
                  ripple: tuple[float, int] | None = None) -> Polygon:
    """A closed outline symmetric about the +y axis; `ripple` (amplitude, count) scallops
    its edge, as on a ruffled or feathered petal."""
    n = max(32, segments_for(length) // 2)
    t = np.linspace(0.0, 1.0, n)
    w = half_width * profile(t)
    if ripple is not None:
        amplitude, count = ripple
        # Ripples fade out at both ends so the tip and the base stay clean points.
        w = w + amplitude * np.abs(np.sin(np.pi * count * t)) * np.sin(np.pi * t) ** 0.5
    y = t * length
    left = np.column_stack([-w, y])
    right = np.column_stack([w[::-1], y[::-1]])
    pts = np.concatenate([left, right[1:-1]]) if w[-1] < 1e-9 else np.concatenate([left, right])
    poly = Polygon(pts)
    return poly if poly.is_valid else poly.buffer(0)


def heart(length: float, half_width: float) -> Polygon:
    """A heart standing on its point: the base is the point, the lobes are at the top."""
    t = np.linspace(0, 2 * math.pi, 96, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    x, y = x / 16 * half_width, (y + 17) / 29.5 * length
    return Polygon(np.column_stack([x, y]))


def petal(kind: str, length: float, half_width: float, style: Style) -> Polygon:
    """One petal of a named shape (see PETALS), base at the origin, tip at (0, length)."""
    if kind == "notched":
        return heart(length, half_width)
    if kind == "fringed":
        ripple = (min(0.22 * half_width, 0.8 * style.min_gap_pt), 5 if length > 12 *
                  style.min_gap_pt else 3)
        return profile_shape(PROFILES["almond"], length, half_width * 0.85, ripple)
    return profile_shape(PROFILES[kind], length, half_width)


def tapered_band(centre: np.ndarray, widths: np.ndarray, round_base: bool = True) -> Polygon:
    """A closed shape around a centre line whose half-width varies along it (zero at the
    tip): paisleys, scrolls, curled leaves. The base gets a round cap."""
    d = np.gradient(centre, axis=0)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    normal = np.column_stack([-d[:, 1], d[:, 0]])
    left = centre + normal * widths[:, None]
    right = centre - normal * widths[:, None]
    parts = [left, right[::-1]]
    if round_base and widths[0] > 0:
        a0 = math.atan2(normal[0, 1], normal[0, 0])
        # From the right side (a0 + pi) round the back (a0 + pi/2) to the left side (a0).
        cap_t = np.linspace(a0 + math.pi, a0, 24)[1:-1]
        cap = centre[0] + widths[0] * np.column_stack([np.cos(cap_t), np.sin(cap_t)])
        parts.append(cap)
    poly = Polygon(np.concatenate(parts))
    return poly if poly.is_valid else poly.buffer(0)


def curl_line(length: float, curl: float, n: int = 64, power: float = 2.0) -> np.ndarray:
    """A centre line starting at the origin heading +y that bends ever more (total turn
    `curl` radians, positive = to the left)."""
    t = np.linspace(0, 1, n)
    heading = math.pi / 2 + curl * t**power
    step = length / (n - 1)
    dx, dy = np.cos(heading) * step, np.sin(heading) * step
    pts = np.column_stack([np.concatenate([[0], np.cumsum(dx[:-1])]),
                           np.concatenate([[0], np.cumsum(dy[:-1])])])
    return pts


def paisley(length: float, bulb: float, curl: float = 1.9) -> Polygon:
    """A paisley (boteh): a round bulb at the base and a tail curling to one side."""
    centre = curl_line(length - bulb, curl, 72)
    t = np.linspace(0, 1, len(centre))
    widths = bulb * (1 - t) ** 0.85
    return tapered_band(centre, widths)


def scroll(length: float, width: float, curl: float = 4.2) -> Polygon:
    """A filigree C-scroll: a thin band that curls into a spiral, thickest at its base."""
    centre = curl_line(length, curl, 96, power=1.6)
    t = np.linspace(0, 1, len(centre))
    widths = width * (1 - 0.85 * t)
    widths[-1] = 0.0
    return tapered_band(centre, widths)


def leaf(length: float, half_width: float, style: Style, *, serrated: bool = False) -> Polygon:
    ripple = (min(0.15 * half_width, 0.7 * style.min_gap_pt), 6) if serrated else None
    return profile_shape(lambda t: np.sin(np.pi * t) ** 0.75 * (1 - 0.2 * t), length,
                         half_width, ripple)


def sector_flower(cx: float, cy: float, radius: float, n: int, hub_share: float = 0.28,
                  ) -> tuple[Polygon, list[Polygon]]:
    """A flower whose petals are sectors between radial lines, each with a round tip: the
    petals meet each other and the hub, leaving no crumb of white between them (which
    separate petals round a small hub do). Returns (hub, petals)."""
    hub = radius * hub_share
    petals = []
    rim_pts = []
    for k in range(n):
        a0, a1 = 2 * math.pi * k / n, 2 * math.pi * (k + 1) / n
        t = np.linspace(a0, a1, 24)
        bulge = np.sin(np.linspace(0.0, np.pi, 24)) ** 0.8
        bulge[[0, -1]] = 0.0  # sin(pi) is not quite 0: neighbours must share their corner
        rim = radius * (0.78 + 0.22 * bulge)
        outer = np.column_stack([cx + rim * np.cos(t), cy + rim * np.sin(t)])
        inner = np.column_stack([cx + hub * np.cos(t[::-1]), cy + hub * np.sin(t[::-1])])
        petals.append(Polygon(np.concatenate([outer, inner])))
        rim_pts.append(inner[::-1][:-1])
    # The hub is traced through the petals' own inner corners, so they meet it exactly.
    return Polygon(np.concatenate(rim_pts)), petals


# --- details inside a motif -------------------------------------------------------------


def echo(shape: Polygon, gap: float, min_area: float) -> Polygon | None:
    """The outline drawn again `gap` inside, when what it encloses is worth colouring."""
    inner = shape.buffer(-gap, quad_segs=8)
    if inner.is_empty or inner.geom_type != "Polygon" or inner.area < min_area:
        return None
    # Thin tips of the inner outline would make slivers: round them off.
    opened = inner.buffer(-0.3 * gap, quad_segs=4).buffer(0.3 * gap, quad_segs=4)
    if opened.is_empty or opened.geom_type != "Polygon" or opened.area < min_area:
        return None
    return opened


def midrib(shape: Polygon) -> LineString | None:
    """The axis from base to tip, cut to the shape (it ends on the outline)."""
    x0, y0, x1, y1 = shape.bounds
    line = LineString([(0.0, y0 - 1), (0.0, y1 + 1)]).intersection(shape)
    return line if line.geom_type == "LineString" and not line.is_empty else None


def ribs(shape: Polygon, style: Style, *, spacing: float, angle: float = 0.9,
         start: float = 0.2, stop: float = 0.85) -> Geoms:
    """Feather barbs or leaf veins: pairs of lines from the axis out to the outline,
    leaning toward the tip. With the midrib they close a row of regions on each side."""
    x0, y0, x1, y1 = shape.bounds
    length = y1 - y0
    out = []
    reach = (x1 - x0) * 2
    for y in np.arange(y0 + start * length, y0 + stop * length, spacing):
        for side in (-1.0, 1.0):
            far = (side * reach * math.sin(angle), y + reach * math.cos(angle))
            piece = LineString([(0.0, y), far]).intersection(shape)
            if piece.geom_type == "LineString" and piece.length > 1.6 * style.min_gap_pt:
                out.append(piece)
    return out


def dots_along(shape: Polygon, style: Style, radius: float, *, start: float = 0.25,
               stop: float = 0.9) -> list[Polygon]:
    """Beads on the axis, each at least the gap away from the outline and from the next."""
    x0, y0, x1, y1 = shape.bounds
    inner = shape.buffer(-(radius + style.min_gap_pt))
    if inner.is_empty:
        return []
    out: list[Polygon] = []
    y = y0 + start * (y1 - y0)
    while y < y0 + stop * (y1 - y0):
        if inner.contains(shapely.Point(0.0, y)):
            out.append(circle(0.0, y, radius))
            y += 2 * radius + style.min_gap_pt
        else:
            y += radius * 0.5
    return out


DETAILS = ("echo", "vein", "ribs", "dots", "echo+vein", "echo+dots", "inner")


def decorate(shape: Polygon, detail: str, style: Style, rng: np.random.Generator,
             inner_kind: str = "almond") -> Geoms:
    """Details inside a motif standing on the +y axis (see DETAILS); [] when it is too
    small for them. Whatever is returned closes regions with the outline."""
    gap = style.min_gap_pt
    x0, y0, x1, y1 = shape.bounds
    length, width = y1 - y0, x1 - x0
    out: Geoms = []
    if "echo" in detail:
        inner = echo(shape, gap * (1.0 if width > 6 * gap else 0.8), 4 * style.min_area_pt2)
        if inner is None:
            return []
        out.append(inner)
        shape = inner
        x0, y0, x1, y1 = shape.bounds
        length, width = y1 - y0, x1 - x0
    if detail.endswith("vein"):
        rib = midrib(shape)
        if rib is not None and width > 2.6 * gap:
            out.append(rib)
    elif detail == "ribs" and width > 3.5 * gap and length > 6 * gap:
        rib = midrib(shape)
        if rib is not None:
            out.append(rib)
            out += ribs(shape, style, spacing=max(1.6 * gap, length / 7))
    elif detail.endswith("dots") and width > 4 * gap:
        r = min(0.22 * width, 1.2 * gap)
        if r >= 0.55 * gap:
            out += dots_along(shape, style, r)
    elif detail == "inner" and width > 5 * gap and length > 7 * gap:
        small = petal(inner_kind, length * 0.55, width * 0.22, style)
        small = shapely.affinity.translate(small, 0.0, y0 + length * 0.22)
        if shape.buffer(-gap).contains(small):
            out.append(small)
    return out
