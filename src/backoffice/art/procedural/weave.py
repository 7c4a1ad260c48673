"""Interlace: lines become straps that pass alternately over and under each other.

Over/under is read off a checkerboard colouring of the plane by the lines: a point's
colour is the parity of the lines a ray from it crosses. At a crossing of strands A and B,
A goes over when the sector between A's and B's directions (counter-clockwise) is dark.
Along any strand the crossings then alternate, which is what makes a weave read as one.
The parity needs closed lines: each tile's star is a closed loop, so the tiles' stars are
counted whole, before the frame cuts them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from backoffice.art.procedural.geometry import Drawing, Style


def _segments(geom: Any) -> np.ndarray:
    """All straight pieces of a line geometry as an (n, 4) array x1, y1, x2, y2."""
    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type != "LineString":
            continue
        c = np.asarray(part.coords)
        out.append(np.hstack([c[:-1], c[1:]]))
    return np.vstack(out) if out else np.zeros((0, 4))


def _parity(points: np.ndarray, segs: np.ndarray) -> np.ndarray:
    """For each point, the parity of segments a ray towards +x crosses."""
    x1, y1, x2, y2 = segs.T
    qx, qy = points[:, 0:1], points[:, 1:2]
    spans = (y1 > qy) != (y2 > qy)
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = x1 + (qy - y1) * (x2 - x1) / (y2 - y1)
    parity: np.ndarray = ((spans & (xs > qx)).sum(axis=1) % 2).astype(bool)
    return parity


def _crossings(network: Any) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Points where two straight strands cross: (point, direction A, direction B)."""
    segs = _segments(network)
    ends: dict[tuple[int, int], list[np.ndarray]] = {}
    for x1, y1, x2, y2 in segs:
        for (px, py), (qx, qy) in (((x1, y1), (x2, y2)), ((x2, y2), (x1, y1))):
            d = np.array([qx - px, qy - py])
            length = np.hypot(*d)
            if length < 1e-9:
                continue
            ends.setdefault((round(px * 1000), round(py * 1000)), []).append(d / length)
    out = []
    for key, dirs in ends.items():
        if len(dirs) != 4:
            continue
        a = dirs[0]
        opposite = [i for i in range(1, 4) if np.dot(a, dirs[i]) < -0.999]
        if len(opposite) != 1:
            continue
        rest = [dirs[i] for i in range(1, 4) if i != opposite[0]]
        if np.dot(rest[0], rest[1]) > -0.999:
            continue
        b = rest[0]
        out.append((np.array(key, float) / 1000, a, b))
    return out


def weave(drawing: Drawing, network: Any, region: Polygon, strap: float, style: Style,
          loops: Any = None) -> int:
    """Draw `network` as straps `strap` wide inside `region`, woven; returns crossings.
    `loops` are the closed lines whose parity colours the plane (the network if None)."""
    h = strap / 2
    band = network.buffer(h, cap_style="flat", join_style="mitre", mitre_limit=2.0)
    band = band.intersection(region)
    drawing.add(band.boundary if band.geom_type != "GeometryCollection" else band,
                style.line_pt)
    crossings = _crossings(network)
    if not crossings:
        return 0
    parity_segments = _segments(loops if loops is not None else network)
    samples = []
    pairs = []
    for point, a, b in crossings:
        # Orient b so that turning from a to b is counter-clockwise (in y-down axes).
        if a[0] * b[1] - a[1] * b[0] < 0:
            b = -b
        mid = a + b
        mid /= np.hypot(*mid)
        samples.append(point + mid * h * 0.5 + np.array([1e-4, 1.3e-4]))
        pairs.append((point, a, b))
    dark = _parity(np.array(samples), parity_segments)
    drawn = 0
    for (point, a, b), over_a in zip(pairs, dark, strict=True):
        over, under = (a, b) if over_a else (b, a)
        sin = abs(over[0] * under[1] - over[1] * under[0])
        if sin < 0.2:
            continue
        normal_o = np.array([-over[1], over[0]])
        normal_u = np.array([-under[1], under[0]])
        reach = 3 * strap / sin
        # The under strap's stretch at this crossing: its edges cut by the over strap's.
        box = Polygon([point + normal_u * h * 1.0001 + under * reach,
                       point + normal_u * h * 1.0001 - under * reach,
                       point - normal_u * h * 1.0001 - under * reach,
                       point - normal_u * h * 1.0001 + under * reach])
        for side in (1.0, -1.0):
            edge = LineString([point + normal_o * h * side - over * reach,
                               point + normal_o * h * side + over * reach]).intersection(box)
            if not edge.is_empty and region.contains(edge):
                drawing.add(edge, style.line_pt)
        drawn += 1
    return drawn
