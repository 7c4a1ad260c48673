"""Zentangle-like fills for adults' pages: each region of a subject (or of a background)
gets its own pattern of fine lines: stripes, waves, scales, dots, a lattice, echoes of
its own outline, chevrons. Lines run into the region's outline, so they close regions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import cv2
import numpy as np
from scipy import ndimage

from backoffice.art.subjects.shapes import pen_thickness

Painter = Callable[[np.ndarray, np.random.Generator, float, float], None]


def _lines(canvas: np.ndarray, polylines: list[np.ndarray], width: float,
           closed: bool = False) -> None:
    if polylines:
        pts = [np.round(p * 16).astype(np.int32).reshape(-1, 1, 2) for p in polylines]
        cv2.polylines(canvas, pts, closed, 1, pen_thickness(width), cv2.LINE_8, 4)


def _rotated_grid(h: int, w: float, spacing: float, angle: float
                  ) -> Iterator[tuple[float, float, float, float, float]]:
    """Parallel line positions covering an h x w box at `angle`."""
    diag = math.hypot(w, h)
    ca, sa = math.cos(angle), math.sin(angle)
    cx, cy = w / 2, h / 2
    for offset in np.arange(-diag / 2, diag / 2 + spacing, spacing):
        yield cx - sa * offset, cy + ca * offset, ca, sa, diag


def stripes(canvas: np.ndarray, rng: np.random.Generator, spacing: float,
            width: float) -> None:
    h, w = canvas.shape
    angle = rng.choice([0.0, math.pi / 2, math.pi / 4, -math.pi / 4, math.pi / 6])
    lines = []
    for px, py, ca, sa, diag in _rotated_grid(h, w, spacing, angle):
        lines.append(np.array([[px - ca * diag, py - sa * diag], [px + ca * diag, py + sa * diag]]))
    _lines(canvas, lines, width)


def lattice(canvas: np.ndarray, rng: np.random.Generator, spacing: float,
            width: float) -> None:
    h, w = canvas.shape
    base = rng.choice([0.0, math.pi / 4])
    lines = []
    for angle in (base, base + math.pi / 2):
        for px, py, ca, sa, diag in _rotated_grid(h, w, spacing * 1.3, angle):
            lines.append(np.array([[px - ca * diag, py - sa * diag],
                                   [px + ca * diag, py + sa * diag]]))
    _lines(canvas, lines, width)


def waves(canvas: np.ndarray, rng: np.random.Generator, spacing: float,
          width: float) -> None:
    h, w = canvas.shape
    amplitude = spacing * rng.uniform(0.25, 0.4)
    period = spacing * rng.uniform(2.0, 3.2)
    xs = np.arange(-spacing, w + spacing, 3.0)
    lines = []
    for y in np.arange(-spacing, h + spacing, spacing):
        lines.append(np.column_stack([xs, y + amplitude * np.sin(xs / period * 2 * math.pi)]))
    _lines(canvas, lines, width)


def chevrons(canvas: np.ndarray, rng: np.random.Generator, spacing: float,
             width: float) -> None:
    h, w = canvas.shape
    step = spacing * 1.1
    xs = np.arange(-step, w + 2 * step, step)
    lines = []
    for y in np.arange(-spacing, h + 2 * spacing, spacing):
        ys = y + np.where(np.arange(xs.size) % 2 == 0, 0, spacing * 0.55)
        lines.append(np.column_stack([xs, ys]))
    _lines(canvas, lines, width)


def scales(canvas: np.ndarray, rng: np.random.Generator, spacing: float,
           width: float) -> None:
    """Fish scales: rows of half circles, every other row shifted by half a scale."""
    h, w = canvas.shape
    r = spacing * 0.8
    t = np.linspace(0, math.pi, 24)
    arcs = []
    for row, y in enumerate(np.arange(-r, h + r, r)):
        shift = r if row % 2 else 0.0
        for x in np.arange(-2 * r + shift, w + 2 * r, 2 * r):
            arcs.append(np.column_stack([x + r * np.cos(t), y + r * np.sin(t)]))
    _lines(canvas, arcs, width)


def dots(canvas: np.ndarray, rng: np.random.Generator, spacing: float, width: float,
         room: np.ndarray | None = None) -> None:
    """Rings on a staggered grid, each a small region to colour; only whole rings, well
    inside the region (`room`: its distance to the edge), never slivers at its edge."""
    h, w = canvas.shape
    r = max(spacing * 0.3, width * 2.2)
    rings = []
    t = np.linspace(0, 2 * math.pi, 28, endpoint=False)
    for row, y in enumerate(np.arange(spacing / 2, h, spacing * 0.9)):
        shift = spacing / 2 if row % 2 else 0.0
        for x in np.arange(spacing / 2 + shift, w, spacing):
            if room is not None and room[min(h - 1, int(y)), min(w - 1, int(x))] < r + width * 2:
                continue
            rings.append(np.column_stack([x + r * np.cos(t), y + r * np.sin(t)]))
    _lines(canvas, rings, width, closed=True)


def _grown(window: tuple[slice, slice], shape: tuple[int, int], by: int
           ) -> tuple[slice, slice]:
    ys, xs = window
    return (slice(max(0, ys.start - by), min(shape[0], ys.stop + by)),
            slice(max(0, xs.start - by), min(shape[1], xs.stop + by)))


PAINTERS: dict[str, Painter] = {
    "stripes": stripes, "lattice": lattice, "waves": waves, "chevrons": chevrons,
    "scales": scales, "dots": dots,
}


def echo(mask: np.ndarray, spacing: float, width: float, *, start: float | None = None
         ) -> np.ndarray:
    """Lines that follow a region's own outline inwards, `spacing` apart."""
    inside = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 5)
    start = spacing if start is None else start
    phase = (inside - start) % spacing
    # The distance is a chamfer one: the band is drawn a little wider to stay above the
    # audience's thinnest line on diagonals.
    half = width * 0.58
    return mask & (inside >= start - half) & ((phase < half) | (phase > spacing - half))


def pattern_region(ink: np.ndarray, free: np.ndarray, window: tuple[slice, slice],
                   rng: np.random.Generator, name: str, *, spacing: float, width: float,
                   out: np.ndarray) -> None:
    """One region's pattern: `free` is its white inside `window`; the lines run under its
    outline (its white grown by most of a line), never as stubs beyond it."""
    mask = cv2.distanceTransform((~free).astype(np.uint8), cv2.DIST_L2, 3) <= width * 0.6
    if name == "echo":
        pattern = echo(free, spacing, width) & mask
    else:
        patch = np.zeros(mask.shape, np.uint8)
        if name == "dots":
            room = cv2.distanceTransform(free.astype(np.uint8), cv2.DIST_L2, 3)
            dots(patch, rng, spacing, width, room)
        else:
            PAINTERS[name](patch, rng, spacing, width)
        pattern = (patch > 0) & mask
    out[window] |= pattern


def fill_regions(ink: np.ndarray, labels: np.ndarray, rng: np.random.Generator, *,
                 spacing: float, width: float, min_area: float,
                 names: tuple[str, ...] = ("stripes", "lattice", "waves", "chevrons", "scales",
                                           "dots", "echo"),
                 out: np.ndarray | None = None,
                 boxes: np.ndarray | None = None) -> int:
    """Pattern every labelled region (the patterns go to `out`, else into `ink`); regions
    under `min_area` stay plain. `boxes` (OpenCV component stats: x, y, w, h) spare the
    search for each region's extent. Returns how many regions were patterned."""
    out = ink if out is None else out
    if boxes is not None:
        slices: list[tuple[slice, slice] | None] = [
            (slice(int(y), int(y + h)), slice(int(x), int(x + w)))
            for x, y, w, h in boxes[1:, :4]]
    else:
        slices = list(ndimage.find_objects(labels))
    done = 0
    last = None
    for index, window in enumerate(slices, start=1):
        if window is None:
            continue
        window = _grown(window, labels.shape, int(width * 0.6) + 2)
        free = (labels[window] == index) & ~ink[window]
        if int(free.sum()) < min_area:
            continue
        choice = [n for n in names if n != last] or list(names)
        last = str(rng.choice(choice))
        pattern_region(ink, free, window, rng, last, spacing=spacing * rng.uniform(0.85, 1.2),
                       width=width, out=out)
        done += 1
    return done


def count_regions(ink: np.ndarray, solid: np.ndarray) -> int:
    """White regions inside a layer's silhouette."""
    count: int = cv2.connectedComponents((solid & ~ink).astype(np.uint8), connectivity=4)[0]
    return count - 1
