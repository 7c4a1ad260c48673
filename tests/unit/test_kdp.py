import pytest

from backoffice.kdp import specs

LIMITS = {
    ("8.5x11", "white"): (24, 590), ("8.5x11", "cream"): (24, 550),
    ("8.5x11", "standard_color"): (72, 600), ("8.5x11", "premium_color"): (24, 590),
    ("8.5x8.5", "white"): (24, 590), ("8.5x8.5", "cream"): (24, 550),
    ("8.5x8.5", "standard_color"): (72, 600), ("8.5x8.5", "premium_color"): (24, 590),
    ("8x10", "white"): (24, 828), ("8x10", "cream"): (24, 776),
    ("8x10", "standard_color"): (72, 600), ("8x10", "premium_color"): (24, 828),
    ("6x9", "white"): (24, 828), ("6x9", "cream"): (24, 776),
    ("6x9", "standard_color"): (72, 600), ("6x9", "premium_color"): (24, 828),
    ("8.25x8.25", "white"): (24, 800), ("8.25x8.25", "cream"): (24, 750),
    ("8.25x8.25", "standard_color"): (72, 600), ("8.25x8.25", "premium_color"): (24, 800),
}


def test_every_trim_and_paper_has_a_limit():
    assert set(LIMITS) == {(t, p) for t in specs.TRIMS for p in specs.PAPERS}


@pytest.mark.parametrize(("trim", "paper"), sorted(LIMITS))
def test_page_limits(trim, paper):
    low, high = LIMITS[(trim, paper)]
    assert specs.page_limits(trim, paper) == (low, high)
    specs.check_page_count(low, trim, paper)
    specs.check_page_count(high, trim, paper)
    with pytest.raises(specs.KdpError, match="minimum"):
        specs.check_page_count(low - 2, trim, paper)
    with pytest.raises(specs.KdpError, match="maximum"):
        specs.check_page_count(high + 2, trim, paper)


def test_unknown_keys_are_clear_errors():
    with pytest.raises(specs.KdpError, match="unknown trim size '9x12'"):
        specs.trim("9x12")
    with pytest.raises(specs.KdpError, match="unknown paper 'glossy'"):
        specs.paper("glossy")


@pytest.mark.parametrize(("paper", "factor"), [
    ("white", 0.002252), ("cream", 0.0025), ("standard_color", 0.002252),
    ("premium_color", 0.002347),
])
def test_spine_factors(paper, factor):
    assert specs.spine_width(100, paper) == pytest.approx(100 * factor)


@pytest.mark.parametrize(("pages", "gutter"), [
    (24, 0.375), (150, 0.375), (151, 0.5), (300, 0.5), (301, 0.625), (500, 0.625),
    (501, 0.75), (700, 0.75), (701, 0.875), (828, 0.875),
])
def test_gutter_tiers(pages, gutter):
    assert specs.gutter_in(pages) == gutter


def test_interior_page_size_with_bleed():
    assert specs.interior_page_size("8.5x11") == (8.625, 11.25)
    assert specs.interior_page_size("8.5x8.5") == (8.625, 8.75)
    assert specs.interior_page_size("8x10") == (8.125, 10.25)
    assert specs.interior_page_size("6x9") == (6.125, 9.25)


def test_interior_page_count_counts_blank_backs_and_front_matter():
    assert specs.interior_page_count(12) == 24
    assert specs.interior_page_count(12, single_sided=False) == 12
    assert specs.interior_page_count(11, front_matter=2) == 24
    assert specs.interior_page_count(11, single_sided=False, front_matter=2) == 14  # 13 -> even


def test_sides_and_trim_boxes():
    assert specs.page_side(1) == "right" and specs.page_side(2) == "left"
    right, left = specs.trim_box("8.5x11", "right"), specs.trim_box("8.5x11", "left")
    assert (right.x, right.y, right.width, right.height) == (0.0, 0.125, 8.5, 11.0)
    assert (left.x, left.y) == (0.125, 0.125)


def test_safe_area_has_gutter_inside_and_375_elsewhere():
    right = specs.safe_area("8.5x11", 200, "right")
    assert right.x == pytest.approx(0.5)  # gutter on the left of a recto
    assert right.right == pytest.approx(8.5 - 0.375)
    assert right.y == pytest.approx(0.125 + 0.375)
    assert right.top == pytest.approx(0.125 + 11 - 0.375)
    left = specs.safe_area("8.5x11", 200, "left")
    assert left.x == pytest.approx(0.125 + 0.375)
    assert left.right == pytest.approx(0.125 + 8.5 - 0.5)  # gutter on the right of a verso
    assert (left.width, left.height) == pytest.approx((right.width, right.height))


def test_cover_check_square_24_white():
    layout = specs.cover_layout("8.5x8.5", 24, "white")
    assert round(layout.spine, 3) == 0.054
    assert round(layout.width, 3) == 17.304
    assert round(layout.height, 3) == 8.750


@pytest.mark.parametrize(("pages", "width"), [
    (24, 17.3040), (50, 17.3626), (79, 17.4279), (100, 17.4752), (200, 17.7004),
])
def test_cover_width_letter_white(pages, width):
    layout = specs.cover_layout("8.5x11", pages, "white")
    assert layout.width == pytest.approx(width, abs=1e-4)
    assert layout.height == 11.25


def test_cover_panels_and_spine_positions():
    layout = specs.cover_layout("6x9", 200, "cream")
    assert layout.spine == pytest.approx(0.5)
    assert layout.back.x == 0.125 and layout.back.right == pytest.approx(6.125)
    assert layout.spine_rect.x == pytest.approx(6.125)
    assert layout.front.x == pytest.approx(6.625)
    assert layout.front.right + 0.125 == pytest.approx(layout.width)


def test_spine_text_threshold():
    assert not specs.spine_text_allowed(78)
    assert specs.spine_text_allowed(79)
    layout = specs.cover_layout("8.5x11", 200, "white")
    area = layout.spine_text_area
    assert area.x - layout.spine_rect.x == pytest.approx(0.0625)
    assert layout.spine_rect.right - area.right == pytest.approx(0.0625)


def test_barcode_box_lower_right_of_back_cover():
    layout = specs.cover_layout("8.5x11", 100, "white")
    bc = layout.barcode
    assert (bc.width, bc.height) == (2.0, 1.2)
    assert layout.back.right - bc.right == pytest.approx(0.25)  # from the spine fold
    assert bc.y - layout.back.y == pytest.approx(0.25)  # from the bottom trim
    assert layout.back.contains(bc)
