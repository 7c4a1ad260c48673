"""The furniture pages, drawn as vectors in pure black on white (the interior's "no gray"
rule holds for them too), inside the page's safe area, in the book's language.

Children's books get a round display face and playful ornaments; books for adults a
serif face and quieter ones. Every stroke is at least 1 pt (KDP's minimum is 0.75 pt).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fpdf import FPDF

from backoffice.kdp import fonts, specs
from backoffice.kdp.furniture_texts import texts_for

PT = 72.0
THICK = 2.4
MEDIUM = 1.5
THIN = 1.0


@dataclass(frozen=True)
class Page:
    """One page in inches, y up from the bottom edge (like specs), drawn through fpdf."""

    pdf: FPDF
    height: float
    area: specs.Rect

    def x(self, inches: float) -> float:
        return inches * PT

    def y(self, inches: float) -> float:
        return (self.height - inches) * PT

    def stroke(self, width_pt: float) -> None:
        self.pdf.set_draw_color(0)
        self.pdf.set_fill_color(255)
        self.pdf.set_line_width(width_pt)

    def text_center(self, text: str, face: str, size: float, baseline: float,
                    cx: float | None = None) -> None:
        face = fonts.face_for(text, face)
        self.pdf.set_font(face, "", size)
        self.pdf.set_text_color(0)
        width = fonts.text_width_in(text, face, size)
        centre = self.area.x + self.area.width / 2 if cx is None else cx
        self.pdf.text(self.x(centre - width / 2), self.y(baseline), text)

    def fitted_size(self, text: str, face: str, size: float, width: float) -> float:
        face = fonts.face_for(text, face)
        while size > 12 and fonts.text_width_in(text, face, size) > width:
            size -= 1
        return size

    def paragraph(self, text: str, face: str, size: float, top: float, left: float,
                  width: float, leading: float = 1.35, centred: bool = False) -> float:
        """Wrapped text from `top` down; returns the y under its last line."""
        text = _french_spaces(text)
        face = fonts.face_for(text, face)
        y = top
        for line in _wrap(text, face, size, width):
            y -= size * leading / PT
            if centred:
                self.text_center(line, face, size, y, cx=left + width / 2)
            else:
                self.pdf.set_font(face, "", size)
                self.pdf.text(self.x(left), self.y(y), line)
        return y

    def rounded(self, rect: specs.Rect, radius: float, width_pt: float) -> None:
        self.stroke(width_pt)
        self.pdf.rect(self.x(rect.x), self.y(rect.top), rect.width * PT, rect.height * PT,
                      style="D", round_corners=True, corner_radius=radius * PT)

    def polygon(self, points: list[tuple[float, float]], width_pt: float) -> None:
        self.stroke(width_pt)
        self.pdf.polygon([(self.x(px), self.y(py)) for px, py in points], style="D")

    def circle(self, cx: float, cy: float, r: float, width_pt: float) -> None:
        self.stroke(width_pt)
        self.pdf.circle(self.x(cx), self.y(cy), r * PT, style="D")

    def star(self, cx: float, cy: float, r: float, width_pt: float, turn: float = 0) -> None:
        points = []
        for i in range(10):
            radius = r if i % 2 == 0 else r * 0.45
            angle = math.pi / 2 + turn + i * math.pi / 5
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        self.polygon(points, width_pt)

    def line(self, x1: float, y1: float, x2: float, y2: float, width_pt: float) -> None:
        self.stroke(width_pt)
        self.pdf.line(self.x(x1), self.y(y1), self.x(x2), self.y(y2))


def _french_spaces(text: str) -> str:
    """No line may start with the "!" or ":" of French typography: bind them."""
    for mark in ("!", "?", ":", ";", "»"):
        text = text.replace(f" {mark}", f"\u00a0{mark}")
    return text.replace("« ", "«\u00a0")


def _wrap(text: str, face: str, size: float, width: float) -> list[str]:
    """Greedy wrap at plain spaces only (no-break spaces hold)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and fonts.text_width_in(candidate, face, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _height(text: str, face: str, size: float, width: float, leading: float = 1.35) -> float:
    text = _french_spaces(text)
    return len(_wrap(text, fonts.face_for(text, face), size, width)) * size * leading / PT


def _rosette(page: Page, cx: float, cy: float, r: float) -> None:
    """A flower of rounded petals to colour, for adults' pages."""
    for ring, inner, outer, width_ratio, stroke in ((0.5, 0.5, 1.0, 0.2, THIN),
                                                   (0.0, 0.3, 0.8, 0.16, MEDIUM)):
        a, mid = (outer - inner) * r / 2, (outer + inner) * r / 2
        b = width_ratio * r
        for i in range(12):
            angle = 2 * math.pi * (i + ring) / 12
            ox, oy = cx + mid * math.cos(angle), cy + mid * math.sin(angle)
            points = []
            for k in range(40):
                t = 2 * math.pi * k / 40
                px, py = a * math.cos(t), b * math.sin(t)
                points.append((ox + px * math.cos(angle) - py * math.sin(angle),
                               oy + px * math.sin(angle) + py * math.cos(angle)))
            page.stroke(stroke)
            page.pdf.set_fill_color(255)
            page.pdf.polygon([(page.x(x), page.y(y)) for x, y in points], style="DF")
    page.pdf.set_fill_color(255)
    page.stroke(MEDIUM)
    page.pdf.circle(page.x(cx), page.y(cy), r * 0.3 * PT, style="DF")
    page.circle(cx, cy, r * 0.16, THIN)


def _faces(audience: str) -> tuple[str, str]:
    """(heading face, text face)."""
    return ("dmserif", "poppins") if audience == "adults" else ("lilita", "poppins")


def _frame(page: Page, audience: str) -> specs.Rect:
    """A double rounded frame on the safe area; returns what lies inside it."""
    a = page.area
    outer = specs.Rect(a.x + 0.05, a.y + 0.05, a.width - 0.1, a.height - 0.1)
    page.rounded(outer, 0.35, THICK)
    inner = specs.Rect(outer.x + 0.14, outer.y + 0.14, outer.width - 0.28, outer.height - 0.28)
    page.rounded(inner, 0.25, THIN)
    for cx, cy in ((outer.x, outer.y), (outer.right, outer.y), (outer.x, outer.top),
                   (outer.right, outer.top)):
        dx = 0.32 if cx == outer.x else -0.32
        dy = 0.32 if cy == outer.y else -0.32
        if audience == "adults":
            s = 0.1
            page.polygon([(cx + dx, cy + dy - s), (cx + dx + s, cy + dy),
                          (cx + dx, cy + dy + s), (cx + dx - s, cy + dy)], MEDIUM)
        else:
            page.star(cx + dx, cy + dy, 0.16, MEDIUM)
    return specs.Rect(inner.x + 0.35, inner.y + 0.35, inner.width - 0.7, inner.height - 0.7)


def _heading(page: Page, box: specs.Rect, text: str, face: str, top_gap: float,
             size: float = 40) -> float:
    size = page.fitted_size(text, face, size, box.width)
    baseline = box.top - top_gap - fonts.cap_height_in(face, size)
    page.text_center(text, face, size, baseline)
    return baseline


def belongs_to(page: Page, lang: str, audience: str) -> None:
    words = texts_for(lang, audience)
    heading, body = _faces(audience)
    box = _frame(page, audience)
    baseline = _heading(page, box, words["belongs_heading"], heading, box.height * 0.2, 44)
    # A ribbon banner to write the name on, with folded tails.
    cx = box.x + box.width / 2
    w, h = min(box.width * 0.8, 5.6), 1.15
    top = baseline - 0.9
    left, right, bottom = cx - w / 2, cx + w / 2, top - h
    tail, notch = 0.55, 0.28
    drop = 0.3
    page.polygon([(left - tail, top - drop), (left, top - drop), (left, bottom - drop),
                  (left - tail, bottom - drop), (left - tail + notch, (top + bottom) / 2 - drop)],
                 MEDIUM)
    page.polygon([(right + tail, top - drop), (right, top - drop), (right, bottom - drop),
                  (right + tail, bottom - drop), (right + tail - notch, (top + bottom) / 2 - drop)],
                 MEDIUM)
    page.polygon([(left, top), (right, top), (right, bottom), (left, bottom)], THICK)
    page.line(left + 0.35, bottom + 0.3, right - 0.35, bottom + 0.3, THIN)
    if audience == "adults":
        room = bottom - drop - 0.35 - (box.y + 0.9)
        radius = min(1.6, room / 2)
        if radius > 0.5:
            _rosette(page, cx, box.y + 0.9 + room / 2, radius)
    else:
        # Stars to colour around a big one.
        big_y = bottom - 0.5 - (bottom - box.y) * 0.42
        page.star(cx, big_y, min(1.2, (bottom - box.y) * 0.32), THICK)
        for dx, dy, r in ((-2.0, 0.5, 0.3), (2.1, 0.3, 0.36), (-1.5, -0.8, 0.22),
                          (1.6, -0.9, 0.25)):
            page.star(cx + dx, big_y + dy, r, MEDIUM, turn=0.3 * dx)
    page.paragraph(words["belongs_hint"], body, 11, box.y + 0.55, box.x, box.width,
                   centred=True)


def how_to_use(page: Page, lang: str, audience: str, *, single_sided: bool,
               color_test: bool) -> None:
    words = texts_for(lang, audience)
    heading, body = _faces(audience)
    box = _frame(page, audience)
    baseline = _heading(page, box, words["how_heading"], heading, box.height * 0.08, 36)
    tips = [words["tip_protect"]]
    if color_test:
        tips.append(words["tip_test"])
    tips.append(words["tip_single"] if single_sided else words["tip_double"])
    tips += [words["tip_light"], words["tip_free"]]
    size = 14.0 if audience == "adults" else 16.0
    r = 0.28
    text_left, text_width = box.x + 2 * r + 0.3, box.width - 2 * r - 0.35
    # Spread the tips over the page, above the pencil drawn at its foot; smaller type on
    # smaller pages.
    room = baseline - 0.5 - (box.y + 1.3)
    while True:
        texts = [_height(t, body, size, text_width) for t in tips]
        heights = [max(h, 2 * r) for h in texts]
        # Smaller type only helps while some tip is taller than its number's circle.
        if (sum(heights) + 0.15 * len(tips) <= room or size <= 10
                or all(h <= 2 * r for h in texts)):
            break
        size -= 1
    gap = max(0.3, min(0.8, (room - sum(heights)) / max(len(tips), 1)))
    y = baseline - 0.5
    for number, (tip, height) in enumerate(zip(tips, heights, strict=True), 1):
        cx, cy = box.x + r + 0.05, y - height / 2
        text_height = _height(tip, body, size, text_width)
        page.circle(cx, cy, r, MEDIUM)
        page.text_center(str(number), heading, 18, cy - fonts.cap_height_in(heading, 18) / 2,
                         cx=cx)
        page.paragraph(tip, body, size, cy + text_height / 2 + size * 0.3 / PT, text_left,
                       text_width)
        y -= height + gap
    # A pencil across the foot of the page.
    length = min(box.width * 0.75, 5.5)
    x0, y0 = box.x + (box.width - length) / 2, box.y + 0.5
    body_h = 0.45
    point = 0.75
    page.polygon([(x0, y0), (x0 + length - point, y0), (x0 + length, y0 + body_h / 2),
                  (x0 + length - point, y0 + body_h), (x0, y0 + body_h)], MEDIUM)
    page.line(x0 + length - point, y0, x0 + length - point, y0 + body_h, MEDIUM)
    page.polygon([(x0 + length - point * 0.28, y0 + body_h * 0.36),
                  (x0 + length, y0 + body_h / 2),
                  (x0 + length - point * 0.28, y0 + body_h * 0.64)], MEDIUM)
    page.line(x0 + 0.4, y0, x0 + 0.4, y0 + body_h, MEDIUM)
    page.line(x0 + 0.5, y0, x0 + 0.5, y0 + body_h, THIN)


def color_test(page: Page, lang: str, audience: str) -> None:
    words = texts_for(lang, audience)
    heading, body = _faces(audience)
    box = _frame(page, audience)
    baseline = _heading(page, box, words["test_heading"], heading, box.height * 0.06, 38)
    under = page.paragraph(words["test_hint"], body, 11, baseline - 0.12, box.x, box.width,
                           centred=True)
    grid = specs.Rect(box.x, box.y + 0.1, box.width, under - 0.35 - box.y - 0.1)
    columns = 5 if grid.width < 6 else 6
    cell_w = grid.width / columns
    rows = max(3, int(grid.height // (cell_w * 1.05)))
    cell_h = grid.height / rows
    swatch = min(cell_w, cell_h - 0.3) * 0.7
    for row in range(rows):
        for col in range(columns):
            cx = grid.x + cell_w * (col + 0.5)
            top = grid.top - row * cell_h - (cell_h - swatch - 0.3) / 2
            cy = top - swatch / 2
            if audience == "adults":
                page.rounded(specs.Rect(cx - swatch / 2, cy - swatch / 2, swatch, swatch),
                             0.08, MEDIUM)
            else:
                page.circle(cx, cy, swatch / 2, MEDIUM)
            page.line(cx - swatch / 2, cy - swatch / 2 - 0.22, cx + swatch / 2,
                      cy - swatch / 2 - 0.22, THIN)


def _heart(page: Page, cx: float, cy: float, size: float, width_pt: float) -> None:
    points = []
    for i in range(160):
        t = 2 * math.pi * i / 160
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points.append((cx + x / 32 * size, cy + y / 32 * size))
    page.polygon(points, width_pt)


def thank_you(page: Page, lang: str, audience: str, author: str) -> None:
    words = texts_for(lang, audience)
    heading, body = _faces(audience)
    box = _frame(page, audience)
    baseline = _heading(page, box, words["thanks_heading"], heading, box.height * 0.12, 60)
    cx = box.x + box.width / 2
    text_size = 14.0 if audience == "adults" else 15.0
    width = box.width - 0.6
    paragraphs = (words["thanks_body"], words["thanks_review"])
    # The text first (it must fit), the heart in the room left above it.
    while True:
        text_height = (sum(_height(p, body, text_size, width) + 0.2 for p in paragraphs)
                       + _height(words["thanks_signature"], body, text_size, width) + 0.45)
        room = baseline - 0.5 - (box.y + 0.2) - text_height
        if room >= 1.6 or text_size <= 10:
            break
        text_size -= 1
    size = max(0.8, min(box.width * 0.45, 3.0, room / 1.2))
    heart_y = baseline - 0.35 - size * 0.5
    _heart(page, cx, heart_y, size, THICK)
    _heart(page, cx, heart_y + 0.04, size * 0.72, THIN)
    if audience != "adults":
        page.star(cx - size * 0.75, heart_y + size * 0.3, 0.25, MEDIUM)
        page.star(cx + size * 0.78, heart_y - size * 0.1, 0.2, MEDIUM, turn=0.4)
    y = box.y + 0.2 + text_height
    for paragraph in paragraphs:
        y = page.paragraph(paragraph, body, text_size, y, box.x + 0.3, width,
                           centred=True) - 0.2
    y = page.paragraph(words["thanks_signature"], body, text_size, y - 0.1, box.x, box.width,
                       centred=True)
    page.paragraph(author, heading, 18, y - 0.05, box.x, box.width, centred=True)
