"""The label-map geometry behind photo → coloring page (art/photo_regions.py)."""

from __future__ import annotations

import cv2
import numpy as np

from backoffice.art import photo_regions as regions


def _two_halves(size: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A picture dark on the left, light on the right, over-segmented into a grid of
    10 x 10 pixel cells: its Lab colours, edge strength and the cells' labels."""
    lab = np.zeros((size, size, 3), np.float32)
    lab[:, size // 2:, 0] = 200.0
    lab[:, : size // 2, 0] = 40.0
    edge = np.zeros((size, size), np.float32)
    edge[:, size // 2 - 1: size // 2 + 1] = 300.0
    rows, cols = np.mgrid[0:size, 0:size]
    cells = (rows // 10) * (size // 10) + cols // 10
    return lab, edge, cells.astype(np.int64)


def test_merging_keeps_the_strong_border_and_melts_the_rest() -> None:
    lab, edge, cells = _two_halves()
    merged = regions.merge_regions(cells, lab, edge, target=2, min_area=50, min_width=2)
    assert len(np.unique(merged)) == 2
    left, right = merged[:, :60], merged[:, 60:]
    assert len(np.unique(left)) == 1 and len(np.unique(right)) == 1
    assert left[0, 0] != right[0, 0]


def test_small_and_thin_regions_merge_even_below_the_target() -> None:
    lab, edge, _ = _two_halves()
    labels = np.zeros((120, 120), np.int64)
    labels[:, 60:] = 1
    labels[10:14, 10:50] = 2  # a 4-pixel strip: thinner than min_width allows
    labels[80:83, 80:83] = 3  # a speck
    merged = regions.merge_regions(labels, lab, edge, target=10, min_area=50, min_width=6)
    assert len(np.unique(merged)) == 2


def test_slivers_go_to_their_neighbours() -> None:
    labels = np.zeros((100, 100), np.int64)
    labels[:, 52:] = 1
    labels[:, 50:52] = 2  # two pixels wide between the halves
    labels[20:60, 10:30] = 3  # a wide region stays
    kept = regions.drop_thin(labels, radius=3)
    assert 2 not in kept and 3 in kept
    assert set(np.unique(kept[:, 50:52])) <= {0, 1}


def test_outlines_close_every_region_and_frame_the_picture() -> None:
    disc = np.zeros((200, 300), np.uint8)
    cv2.circle(disc, (75, 100), 40, 1, -1)
    labels = np.zeros((200, 300), np.int64)
    labels[:, 150:] = 1
    labels[disc > 0] = 2
    ink = regions.outlines(labels, half_width=2)
    paper = (ink == 0).astype(np.uint8)
    pieces = cv2.connectedComponents(paper, connectivity=4)[0] - 1
    # Three regions, each enclosed by ink (the frame closes the two halves), and
    # nothing outside the frame.
    assert pieces == 3
    assert ink[0].all() and ink[-1].all() and ink[:, 0].all() and ink[:, -1].all()


def test_a_pocket_of_paper_too_small_to_colour_joins_its_neighbour() -> None:
    labels = np.zeros((200, 200), np.int64)
    labels[:, 100:] = 1
    labels[90:100, 94:100] = 2  # a pocket against the border
    ink = regions.outlines(labels, half_width=2)
    absorbed, changed = regions.absorb_pockets(labels.copy(), ink, min_area=200, reach=6)
    assert changed and 2 not in absorbed
    paper = (regions.outlines(absorbed, half_width=2) == 0).astype(np.uint8)
    assert cv2.connectedComponents(paper, connectivity=4)[0] - 1 == 2
