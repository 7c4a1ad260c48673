"""Motifs, fills and band motifs close every region they make, and none is too small to
colour: checked on the vector geometry (polygonize), before any rendering."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from backoffice.art.procedural import bands, fills, frames, motifs
from backoffice.art.procedural.geometry import STYLES, circle, polar

ADULTS, CHILDREN = STYLES["adults"], STYLES["children"]
SHAPES = {
    "square": shapely.box(0, 0, 160, 160),
    "disc": circle(80, 80, 80),
    "notched": shapely.box(0, 0, 180, 150).difference(circle(180, 150, 90)),
    "paisley": shapely.affinity.scale(motifs.paisley(150, 50), 1.0, 1.0),
    "kite": Polygon([(0, 0), (150, 25), (110, 160), (10, 120)]),
}


def _faces(outline, shapes) -> tuple[list, int]:
    """The regions the outline and the shapes' lines enclose (inside the outline), and the
    dangling lines. Two lines traced a rounding error apart (an arc cut from a disc and
    the same arc cut from a box) leave a sliver thinner than a hundredth of a point: on
    paper that is inside one line, so it is neither a region nor a dangle."""
    lines = [outline.boundary] + [s.boundary if s.geom_type == "Polygon" else s for s in shapes]
    # A line computed to end on another (a curve on a circle traced as a polygon) ends
    # there within a fraction of a point: snap such ends, as printing does; the finest
    # line is 1 pt wide, so a gap of 0.15 pt is no gap on paper.
    everything = shapely.union_all(lines)
    lines = list(shapely.snap(np.array(lines, dtype=object), everything, 0.15))
    noded = shapely.unary_union(lines)
    faces, _cuts, dangles, _invalid = shapely.polygonize_full(shapely.get_parts(noded))
    # Likewise a "region" no 0.3 pt disc fits in (where a curve grazes a tangent) is
    # inside the line that draws it.
    real = [f for f in shapely.get_parts(faces)
            if shapely.length(shapely.maximum_inscribed_circle(f, 0.01)) > 0.15
            and outline.contains(f.representative_point())]
    loose = [d for d in shapely.get_parts(dangles) if d.length > 0.05]
    return real, len(loose)


@pytest.mark.parametrize("pattern", fills.LATTICES)
@pytest.mark.parametrize("name", list(SHAPES))
def test_lattice_fills_tile_the_polygon_with_cells_big_enough_to_colour(pattern, name):
    poly = SHAPES[name]
    result = fills.fill(poly, pattern, 14.0, ADULTS, np.random.default_rng(3),
                        angle=0.4 if name == "kite" else 0.0)
    cells = np.array([s for s in result.shapes if s.geom_type in ("Polygon", "MultiPolygon")],
                     dtype=object)
    assert len(cells) >= 2 and all(c.is_valid for c in cells)
    assert all(poly.buffer(0.01).contains(c) for c in cells)
    # Each cell is a closed outline; together they tile the polygon, none overlapping, so
    # every line ends on another and nothing leaks.
    if pattern != "checker":  # (its marks are squares drawn inside whole cells)
        assert shapely.area(cells).sum() == pytest.approx(poly.area, rel=1e-3)
        a, b = shapely.STRtree(cells).query(cells, predicate="intersects")
        pairs = a < b
        overlap = shapely.area(shapely.intersection(cells[a[pairs]], cells[b[pairs]]))
        assert overlap.max(initial=0.0) < 0.05
    # Cut cells too small to colour are merged into a neighbour; the odd one with no
    # neighbour to join (in a thin tail) still keeps over 1 mm2, above the gate's limit.
    assert shapely.area(cells).min() >= ADULTS.min_area_pt2 * 0.35


@pytest.mark.parametrize("pattern", [*fills.SCATTERED, "echo"])
@pytest.mark.parametrize("name", list(SHAPES))
def test_scattered_fills_keep_their_shapes_apart_and_closed(pattern, name):
    poly = SHAPES[name]
    g = ADULTS.min_gap_pt
    result = fills.fill(poly, pattern, 14.0, ADULTS, np.random.default_rng(3))
    assert result.shapes
    closed = [s for s in result.shapes if s.geom_type == "Polygon"]
    assert all(poly.contains(s) and s.is_valid for s in closed)
    faces, dangles = _faces(poly, result.shapes)
    assert dangles == 0  # a spiral runs from its shell's rim to its eye
    assert min(f.area for f in faces) >= ADULTS.min_area_pt2 * 0.5
    if pattern != "echo":
        rims = [s for s in closed if s.area > 2 * ADULTS.min_area_pt2]
        outer = [s for s in rims if not any(o is not s and o.contains(s) for o in rims)]
        assert min(poly.exterior.distance(s) for s in outer) >= g * 0.99
        gaps = [a.distance(b) for i, a in enumerate(outer) for b in outer[i + 1:]]
        assert min(gaps, default=g) >= g * 0.99


@pytest.mark.parametrize("kind", frames.BORDERS)
@pytest.mark.parametrize("style", [ADULTS, CHILDREN], ids=["adults", "children"])
def test_band_motifs_along_a_frame_side_close_their_regions(kind, style):
    width = max(bands.min_width(kind, style), 8 * style.min_gap_pt)
    length = 14 * width
    periods = max(2, round(length / (bands.aspect(kind) * width)))
    result = bands.strip(kind, length, width, periods, style, np.random.default_rng(1),
                         closed=False)
    strip = shapely.box(0, 0, length, width)
    assert result.shapes, kind
    assert all(strip.buffer(0.01).contains(s) for s in result.shapes)
    faces, dangles = _faces(strip, result.shapes)
    assert sum(f.area for f in faces) == pytest.approx(strip.area, rel=1e-3)
    assert min(f.area for f in faces) >= style.min_area_pt2 * 0.5, kind
    assert dangles == 0


@pytest.mark.parametrize("kind", bands.KINDS)
def test_a_band_wrapped_round_a_ring_closes_on_itself(kind):
    a, width = 120.0, 40.0
    length = 2 * math.pi * (a + width / 2)
    result = bands.strip(kind, length, width, 24, ADULTS, np.random.default_rng(2))
    ring = circle(0, 0, a + width).difference(circle(0, 0, a))
    wrapped = polar(result.shapes, 0.0, 0.0, a, length)
    faces, dangles = _faces(ring, wrapped)
    # Only the back petals' veins of the layered motif may end in open space.
    assert dangles <= (24 if kind == "layered" else 0)
    assert sum(f.area for f in faces) == pytest.approx(ring.area, rel=2e-3)
    assert min(f.area for f in faces) >= ADULTS.min_area_pt2 * 0.5


@pytest.mark.parametrize("kind", motifs.PETALS)
@pytest.mark.parametrize("detail", motifs.DETAILS)
def test_petals_and_their_details_make_closed_regions(kind, detail):
    petal = motifs.petal(kind, 90, 24, ADULTS)
    assert petal.is_valid and petal.area > 0
    details = motifs.decorate(petal, detail, ADULTS, np.random.default_rng(0))
    faces, dangles = _faces(petal, details)
    assert dangles == 0
    assert sum(f.area for f in faces) == pytest.approx(petal.area, rel=1e-3)
    assert min(f.area for f in faces) >= ADULTS.min_area_pt2 * 0.5


def test_paisley_scroll_leaf_and_flower_are_simple_closed_shapes():
    shapes = [motifs.paisley(120, 40, c) for c in (1.2, 1.9, 2.6)]
    shapes += [motifs.scroll(90, 7, c) for c in (3.0, 4.2)]
    shapes += [motifs.leaf(100, 20, ADULTS, serrated=s) for s in (False, True)]
    hub, petals = motifs.sector_flower(0, 0, 60, 7)
    shapes += [hub, *petals]
    for shape in shapes:
        assert shape.geom_type == "Polygon" and shape.is_valid and shape.area > 10
    # The sector flower's petals tile the ring round the hub: no crumb between them.
    union = shapely.union_all([hub, *petals])
    assert union.geom_type == "Polygon" and not union.interiors
