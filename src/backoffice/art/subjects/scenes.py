"""Children's pages: a scene. A main subject, two to five companions and a procedural
setting (ground, hills, waves, sky...), painted back to front so that what stands in
front hides what is behind, inside a rounded frame that nothing crosses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import Polygon, box

from backoffice.art.subjects import scenery
from backoffice.art.subjects.canvas import Canvas
from backoffice.art.subjects.catalogue import Subject
from backoffice.art.subjects.glyphs import outline
from backoffice.art.subjects.shapes import shape_layer

Box = tuple[float, float, float, float]
LAYOUTS = ("left", "center", "right")
# What makes the kind of scene: kept on every page of a theme that lists it.
ESSENTIAL = {"ground", "waves", "seabed", "road", "snow"}


@dataclass
class Stage:
    """Where things may go: the frame, the ground or water line, the free boxes."""

    x0: float
    y0: float
    x1: float
    y1: float
    horizon: float  # the ground line, the sea line or the seabed
    mode: str  # land, sea, underwater, space
    water_top: float = 0.0
    ground_top: float = 0.0  # ground subjects stand from here down

    def zone(self, place: str) -> tuple[float, float]:
        """The vertical band a subject of this place sits in."""
        h = self.y1 - self.y0
        if self.mode == "space":
            return self.y0 + 0.04 * h, self.y1 - 0.04 * h
        if self.mode == "sea" and place == "water":
            return self.horizon - 0.04 * h, self.ground_top + 0.03 * h
        if self.mode == "underwater":
            if place in ("ground",):
                return self.horizon - 0.3 * h, self.horizon + 0.03 * h
            return self.water_top + 0.05 * h, self.horizon - 0.05 * h
        if place in ("sky",):
            return self.y0 + 0.04 * h, self.horizon - 0.3 * h
        if place == "float":
            return self.y0 + 0.06 * h, self.horizon + 0.02 * h
        return self.horizon - 0.45 * h, self.horizon + 0.04 * h


def scene_mode(setting: list[str]) -> str:
    if "seabed" in setting:
        return "underwater"
    if "waves" in setting:
        return "sea"
    if not {"ground", "hills", "snow", "road", "grass", "mountains"} & set(setting):
        return "space"
    return "land"


def _frame(canvas: Canvas) -> tuple[float, float, float, float, Polygon]:
    m = canvas.margin
    x0, y0, x1, y1 = m, m, canvas.width - m, canvas.height - m
    radius = 0.04 * min(canvas.width, canvas.height)
    shape = box(x0 + radius, y0 + radius, x1 - radius, y1 - radius).buffer(radius, quad_segs=12)
    return x0, y0, x1, y1, shape


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return float(w * h / max(1.0, min((a[2] - a[0]) * (a[3] - a[1]),
                                      (b[2] - b[0]) * (b[3] - b[1]))))


def _fit(subject: Subject, height: float, max_w: float) -> tuple[float, float]:
    aspect = outline(subject.code).aspect
    height = min(height, max_w / aspect)
    return height * aspect, height


def _spot(rng: np.random.Generator, stage: Stage, subject: Subject, size: tuple[float, float],
          taken: list[Box], tries: int = 60) -> tuple[float, float, float, float] | None:
    """A box for `subject` in its zone that overlaps the others least (and little).
    Ground subjects stand anywhere from the horizon down to the frame's foot."""
    w, h = size
    top, bottom = stage.zone(subject.place)
    height = stage.y1 - stage.y0
    best, best_cost = None, 0.05
    ground_room = stage.y1 - 0.02 * height - stage.ground_top
    if subject.place == "ground" and stage.mode == "sea" and ground_room <= 0:
        return None  # open sea: nowhere to stand
    for _ in range(tries):
        x = rng.uniform(stage.x0, stage.x1 - w)
        if subject.place == "ground" and stage.mode in ("land", "sea"):
            foot = rng.uniform(stage.ground_top, stage.y1 - 0.02 * height)
            y = foot - h
        else:
            y = rng.uniform(top, max(top, bottom - h))
        candidate = (x, y, x + w, y + h)
        if candidate[1] < stage.y0 or candidate[3] > stage.y1:
            continue
        cost = max([_overlap(candidate, other) for other in taken] or [0.0])
        if cost < best_cost:
            best, best_cost = candidate, cost
            if cost == 0.0:
                break
    return best


def _sky(canvas: Canvas, rng: np.random.Generator, stage: Stage, setting: list[str],
         taken: list[Box]) -> None:
    w = stage.x1 - stage.x0
    h = stage.y1 - stage.y0
    line = canvas.pens.line_px
    if "sun" in setting and stage.mode in ("land", "sea"):
        r = w * rng.uniform(0.07, 0.09)
        cx = stage.x0 + r * 2.1 if rng.integers(2) else stage.x1 - r * 2.1
        cy = stage.y0 + r * 2.1
        canvas.paint(shape_layer(scenery.sun(cx, cy, r, int(rng.integers(8, 12))), line,
                                 regions=9))
        taken.append((cx - r * 1.8, cy - r * 1.8, cx + r * 1.8, cy + r * 1.8))
    if "moon" in setting:
        r = w * rng.uniform(0.06, 0.08)
        cx = stage.x0 + r * 1.8 if rng.integers(2) else stage.x1 - r * 1.8
        cy = stage.y0 + r * 1.8
        if not any(_overlap((cx - r, cy - r, cx + r, cy + r), t) > 0 for t in taken):
            canvas.paint(shape_layer([scenery.moon(cx, cy, r, 1 if cx < w / 2 else -1)], line,
                                     regions=1))
            taken.append((cx - r, cy - r, cx + r, cy + r))
    if "stars" in setting or "snow" in setting:
        flakes = "snow" in setting and "stars" not in setting
        top, bottom = stage.y0 + 0.03 * h, (stage.horizon - 0.1 * h if stage.mode != "space"
                                            else stage.y1 - 0.03 * h)
        count = int(rng.integers(6, 11)) if stage.mode == "space" else int(rng.integers(4, 8))
        for _ in range(count * 3):
            if count <= 0:
                break
            r = canvas.pens.mm(rng.uniform(4.0, 6.5))
            cx, cy = rng.uniform(stage.x0 + r * 2, stage.x1 - r * 2), rng.uniform(top, bottom)
            spot = (cx - r * 1.3, cy - r * 1.3, cx + r * 1.3, cy + r * 1.3)
            if any(_overlap(spot, t) > 0 for t in taken):
                continue
            shape = (scenery.snowflake(cx, cy, r) if flakes else
                     scenery.star_shape(cx, cy, r, rng.uniform(-0.4, 0.4)))
            canvas.paint(shape_layer([shape], line, regions=1))
            taken.append(spot)
            count -= 1
    if "clouds" in setting and stage.mode in ("land", "sea"):
        for _ in range(int(rng.integers(1, 3))):
            cw = w * rng.uniform(0.22, 0.32)
            for _try in range(12):
                cx = rng.uniform(stage.x0 + cw * 0.6, stage.x1 - cw * 0.6)
                cy = rng.uniform(stage.y0 + 0.05 * h, stage.y0 + 0.22 * h)
                spot = (cx - cw / 2, cy - cw * 0.3, cx + cw / 2, cy + cw * 0.2)
                if not any(_overlap(spot, t) > 0.05 for t in taken):
                    canvas.paint(shape_layer([scenery.cloud(rng, cx, cy, cw)], line, regions=1))
                    taken.append(spot)
                    break


def _land(canvas: Canvas, rng: np.random.Generator, stage: Stage, setting: list[str]) -> None:
    x0, x1, y = stage.x0 - 20, stage.x1 + 20, stage.horizon
    h = stage.y1 - stage.y0
    line = canvas.pens.line_px
    bottom = stage.y1 + 50
    if "mountains" in setting:
        peaks, caps = scenery.mountains(rng, stage.x0, stage.x1, y - 0.08 * h, 0.22 * h, bottom)
        canvas.paint(shape_layer(peaks, line, lines=caps, regions=2 * len(peaks)))
    if "hills" in setting or "snow" in setting:
        canvas.paint(shape_layer(scenery.hills(rng, x0, x1, y - 0.02 * h, 0.12 * h, bottom),
                                 line, regions=2))
    if "road" in setting:
        canvas.paint(shape_layer([scenery.ground(rng, x0, x1, y - 0.03 * h, bottom, 0.005 * h)],
                                 line, regions=1))
        band, dashes = scenery.road(stage.x0, stage.x1, y + 0.005 * h, 0.085 * h, bottom)
        canvas.paint(shape_layer([band], line, regions=1))
        canvas.paint(shape_layer(dashes, line, regions=len(dashes)))
    else:
        amplitude = 0.012 * h if "snow" not in setting else 0.02 * h
        canvas.paint(shape_layer([scenery.ground(rng, x0, x1, y, bottom, amplitude)], line,
                                 regions=1))


def _sea(canvas: Canvas, rng: np.random.Generator, stage: Stage, shore: bool) -> None:
    """The sea from the horizon down, and a sandy shore in front where subjects stand
    (none when the page is all open sea, for a boat or a whale)."""
    h = stage.y1 - stage.y0
    line = canvas.pens.line_px
    water = scenery.waves(rng, stage.x0 - 20, stage.x1 + 20, stage.horizon, 0.012 * h,
                          stage.y1 + 50, int(rng.integers(6, 10)))
    canvas.paint(shape_layer([water], line, regions=1))
    if shore:
        sand = scenery.ground(rng, stage.x0 - 20, stage.x1 + 20, stage.ground_top,
                              stage.y1 + 50, 0.02 * h)
        canvas.paint(shape_layer([sand], line, regions=1))


def _underwater(canvas: Canvas, rng: np.random.Generator, stage: Stage,
                setting: list[str]) -> None:
    h = stage.y1 - stage.y0
    line = canvas.pens.line_px
    # The surface: the sky band above the waves stays one region.
    canvas.paint(shape_layer([scenery.waves(rng, stage.x0 - 20, stage.x1 + 20,
                                            stage.water_top, 0.015 * h, stage.y1 + 50,
                                            int(rng.integers(6, 10)))], line, regions=1))
    sand, pebbles = scenery.seabed(rng, stage.x0 - 20, stage.x1 + 20, stage.horizon,
                                   0.012 * h, stage.y1 + 50)
    weeds = [scenery.seaweed(rng, rng.uniform(stage.x0 + 40, stage.x1 - 40),
                             stage.horizon + 0.02 * h, h * rng.uniform(0.12, 0.2))
             for _ in range(int(rng.integers(1, 4)))]
    canvas.paint(shape_layer(weeds, line, regions=len(weeds)))
    canvas.paint(shape_layer([sand], line, regions=1))
    canvas.paint(shape_layer(pebbles, line, regions=len(pebbles)))


def _bubbles(canvas: Canvas, rng: np.random.Generator, stage: Stage, taken: list[Box]) -> None:
    count = int(rng.integers(4, 9))
    shapes: list[Polygon] = []
    for _ in range(count * 4):
        if len(shapes) >= count:
            break
        r = canvas.pens.mm(rng.uniform(2.5, 5.0))
        x = rng.uniform(stage.x0 + r * 3, stage.x1 - r * 3)
        y = rng.uniform(stage.water_top + 0.06 * (stage.y1 - stage.y0), stage.horizon - r * 3)
        spot = (x - r, y - r, x + r, y + r)
        if any(_overlap(spot, t) > 0 for t in taken):
            continue
        shapes.append(scenery.bubble(x, y, r))
        taken.append(spot)
    canvas.paint(shape_layer(shapes, canvas.pens.line_px, regions=len(shapes)))


def _tufts(canvas: Canvas, rng: np.random.Generator, stage: Stage, taken: list[Box]) -> None:
    h = stage.y1 - stage.y0
    for _ in range(int(rng.integers(2, 5))):
        x = rng.uniform(stage.x0 + 0.05 * h, stage.x1 - 0.05 * h)
        y = stage.horizon + rng.uniform(0.04, 0.12) * h
        th = h * rng.uniform(0.035, 0.05)
        spot = (x - th, y - th, x + th, y)
        if y + 0.02 * h > stage.y1 or any(_overlap(spot, t) > 0.02 for t in taken):
            continue
        canvas.paint(shape_layer([scenery.tuft(rng, x, y, th)], canvas.pens.line_px, regions=2))


def _enough_regions(canvas: Canvas, rng: np.random.Generator, stage: Stage,
                    taken: list[Box]) -> None:
    """A sparse scene (a prompt naming two subjects, say) is dressed with small set
    pieces until it holds enough regions to colour."""
    wanted = canvas.pens.min_regions + 6
    for _round in range(3):
        regions, _small = canvas.count_regions()
        if regions >= wanted:
            return
        if stage.mode == "land":
            _tufts(canvas, rng, stage, taken)
            _sky(canvas, rng, stage, ["clouds"], taken)
        elif stage.mode == "underwater":
            _bubbles(canvas, rng, stage, taken)
        else:
            _sky(canvas, rng, stage, ["stars"] if stage.mode == "space" else ["clouds"],
                 taken)


def _stage(canvas: Canvas, rng: np.random.Generator, setting: list[str]
           ) -> tuple[Stage, Polygon]:
    x0, y0, x1, y1, frame = _frame(canvas)
    pad = canvas.pens.line_px * 2
    h = y1 - y0
    mode = scene_mode(setting)
    stage = Stage(x0 + pad, y0 + pad, x1 - pad, y1 - pad, y0 + h * rng.uniform(0.7, 0.76), mode)
    stage.ground_top = stage.horizon + 0.02 * h
    if mode == "underwater":
        stage.water_top = y0 + h * rng.uniform(0.1, 0.14)
        stage.horizon = stage.ground_top = y0 + h * rng.uniform(0.84, 0.87)
    elif mode == "sea":
        stage.horizon = y0 + h * rng.uniform(0.5, 0.56)
        stage.ground_top = y0 + h * rng.uniform(0.76, 0.8)
    return stage, frame


def _depth(spot: Box, subject: Subject, stage: Stage) -> float:
    """Painting order: the sky first, then whatever stands higher (farther) on the page."""
    if subject.place == "sky" or stage.mode in ("space", "underwater"):
        return float(spot[3] - 10 * (stage.y1 - stage.y0) * (subject.place == "sky"))
    return float(spot[3])


def compose(canvas: Canvas, rng: np.random.Generator, main: Subject, layout: str,
            companions: list[Subject], decor: list[Subject], setting: list[str], *,
            perch: Subject | None = None) -> str:
    """The scene; with `perch`, the main subject stands on that one."""
    # Each page shows part of the theme's setting: the moon and the stars are not out
    # on every page of the book.
    keep = ESSENTIAL | ({"stars"} if scene_mode(setting) == "space" else set())
    setting = [s for s in setting if s in keep or rng.random() < 0.65]
    stage, frame = _stage(canvas, rng, setting)
    x0, x1 = stage.x0, stage.x1
    h = stage.y1 - stage.y0
    mode = stage.mode
    taken: list[Box] = []

    # The main subject's box first, so that the rest keeps clear of it.
    main_h = h * ({"l": 0.5, "m": 0.46, "s": 0.42}[main.size] if mode != "space" else 0.5)
    mw, mh = _fit(main, main_h, (x1 - x0) * 0.62)
    centre = {"left": 0.3, "center": 0.5, "right": 0.7}[layout] * (x1 - x0) + x0
    centre = min(max(centre, x0 + mw / 2), x1 - mw / 2)
    if mode == "space":
        my = stage.y0 + (h - mh) / 2 + h * rng.uniform(-0.06, 0.06)
    elif mode == "underwater" and main.place != "ground":
        my = stage.water_top + (stage.horizon - stage.water_top - mh) / 2
    elif mode == "sea" and main.place == "water":
        # Open sea: no shore; the subject afloat (or swimming) well below the horizon.
        stage.ground_top = stage.y1
        my = min(stage.horizon + 0.3 * h, stage.y1 - 0.03 * h) - mh
    elif main.place == "sky" and mode != "underwater":
        my = stage.y0 + 0.06 * h
    else:
        foot = stage.ground_top + 0.04 * h if mode != "underwater" else stage.horizon + 0.03 * h
        my = min(foot, stage.y1 - 0.02 * h) - mh
    main_box = (centre - mw / 2, my, centre + mw / 2, my + mh)
    cast: list[tuple[Subject, Box]] = []
    if perch is not None:
        # The support stands on the ground; the main subject on top of it, a little
        # sunk into it so that it hides the lid's line rather than floating above it.
        pw, ph = _fit(perch, h * 0.26, (x1 - x0) * 0.5)
        foot = min(stage.ground_top + 0.06 * h, stage.y1 - 0.02 * h)
        base = (centre - pw / 2, foot - ph, centre + pw / 2, foot)
        mw, mh = _fit(main, h * 0.34, (x1 - x0) * 0.5)
        top = base[1] + ph * 0.12
        main_box = (centre - mw / 2, top - mh, centre + mw / 2, top)
        taken.append(base)
    taken.append(main_box)

    _sky(canvas, rng, stage, setting, taken)
    if mode == "land":
        _land(canvas, rng, stage, setting)
    elif mode == "sea":
        _sea(canvas, rng, stage, shore=stage.ground_top < stage.y1)
    elif mode == "underwater":
        _underwater(canvas, rng, stage, setting)
        if "bubbles" in setting:
            _bubbles(canvas, rng, stage, taken)

    cast.append((main, main_box))
    for item in decor:
        size = _fit(item, h * rng.uniform(0.1, 0.15), (x1 - x0) * 0.25)
        spot = _spot(rng, stage, item, size, taken)
        if spot is not None:
            taken.append(spot)
            cast.append((item, spot))
    budget = canvas.pens.max_regions - 12 - canvas.regions
    for friend in companions:
        scale = rng.uniform(0.22, 0.3) * (friend.scale / 0.8) ** 0.5
        size = _fit(friend, h * scale, (x1 - x0) * 0.4)
        spot = None
        for shrink in (1.0, 0.8, 0.65):
            spot = _spot(rng, stage, friend, (size[0] * shrink, size[1] * shrink), taken)
            if spot is not None:
                break
        if spot is not None:
            taken.append(spot)
            cast.append((friend, spot))
    layers = []
    for subject, spot in cast:
        placed = canvas.subject_layer(subject, spot, mirror=bool(rng.integers(2)),
                                      align="bottom")
        # The page holds so many regions: the companions that would overflow it stay out.
        if subject is not main and placed.layer.regions > budget:
            continue
        budget -= placed.layer.regions
        layers.append((placed, _depth(spot, subject, stage)))
    layers.sort(key=lambda pair: pair[1])
    if perch is not None:
        # The support is painted just before the subject that stands on it.
        support = canvas.subject_layer(perch, taken[0], align="bottom",
                                       mirror=bool(rng.integers(2)))
        at = next(i for i, (p, _d) in enumerate(layers) if p.subject is main)
        layers.insert(at, (support, 0.0))
    for placed, _depth_key in layers:
        canvas.place(placed)
    cast = [(p.subject, p.box) for p, _d in layers]
    if mode == "land" and "grass" in setting:
        _tufts(canvas, rng, stage, taken)
    _enough_regions(canvas, rng, stage, taken)

    # The frame: nothing outside it, its line on top.
    layer = shape_layer([frame], canvas.pens.line_px)
    assert layer is not None
    inside = np.zeros(canvas.ink.shape, bool)
    y, x = max(0, layer.y), max(0, layer.x)
    region = layer.solid[y - layer.y:, x - layer.x:][:canvas.height - y, :canvas.width - x]
    inside[y:y + region.shape[0], x:x + region.shape[1]] = region
    canvas.ink &= inside
    canvas.ink[y:y + region.shape[0], x:x + region.shape[1]] |= layer.ink[
        y - layer.y:, x - layer.x:][:region.shape[0], :region.shape[1]]
    names = ", ".join(s.name for s, _ in cast if s is not main)
    return f"{main.name} ({layout}) in a {mode} scene" + (f" with {names}" if names else "")
