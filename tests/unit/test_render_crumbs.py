"""Specks of paper enclosed where strokes meet are inked, as an inker would, unless that
would make a black blob; paper touching the page's edge is never inked."""

from __future__ import annotations

import cv2
import numpy as np

from backoffice.art.procedural.render import fill_crumbs


def _page() -> np.ndarray:
    return np.zeros((200, 300), np.uint8)  # 255 = ink


def test_an_enclosed_speck_is_inked_and_a_real_region_is_kept() -> None:
    ink = _page()
    cv2.rectangle(ink, (20, 20), (60, 60), 255, 3)      # a 35 px square: a region to colour
    cv2.rectangle(ink, (100, 20), (106, 26), 255, 2)    # a 3 px speck inside thin strokes
    fill_crumbs(ink, max_px=40, max_thickness_px=30)
    assert ink[23, 103] == 255                           # the speck is ink now
    assert ink[40, 40] == 0                              # the square's inside is still paper
    assert ink[150, 150] == 0                            # and so is the page


def test_a_speck_that_would_make_a_blob_stays_paper() -> None:
    ink = _page()
    cv2.rectangle(ink, (100, 50), (140, 90), 255, -1)    # a thick block of ink
    ink[68:72, 118:122] = 0                              # a speck in the middle of it
    fill_crumbs(ink, max_px=40, max_thickness_px=20)     # filled, it would be 40 px thick
    assert ink[70, 120] == 0


def test_paper_touching_the_edge_is_never_inked() -> None:
    ink = _page()
    cv2.rectangle(ink, (0, 0), (5, 5), 255, 1)           # a corner pocket open to the edge
    ink[0:3, 0:3] = 0
    fill_crumbs(ink, max_px=40, max_thickness_px=30)
    assert ink[1, 1] == 0
