"""Cover templates as geometry: where the coloured pages, the plates and every line of text
go on the front and back panels, in inches. Pure and deterministic.

The raster composer (backoffice.art.cover) paints slots and plates; the cover PDF and the
previews draw the text lines over them. Both read the same layout, so text can only sit
on the background or on a plate, never on the art, whatever the trim or the title.
Panel coordinates: origin at the panel image's top-left (bleed included), y downwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from backoffice.kdp import cover_palette as cp
from backoffice.kdp import fonts, specs
from backoffice.kdp.cover_geometry import (
    ArtSlot,
    Box,
    PanelLayout,
    Plate,
    fit_rotated,
    thumb_slots,
)
from backoffice.kdp.cover_text import (
    TEXT_SAFE_IN,
    TextLine,
    block_height,
    bottom_of,
    fit_block,
    place,
)

TEMPLATES = ("hero", "fan", "grid", "framed")
# A front made elsewhere: it carries its own text, the product draws none on it.
UPLOADED = "uploaded"
PAGES_NEEDED = {"hero": 1, "fan": 5, "grid": 4, "framed": 1}
BACK_PAGES = 4
BLEED = specs.BLEED_IN
FRAME_IN = 0.6  # the patterned border's depth inside the trim ("framed")
PLACEMENT_PAD_IN = 0.04

TEXTS = {
    "fr": {"adults": "Livre de coloriage pour adultes",
           "children": "Livre de coloriage pour enfants",
           "toddlers": "Mon premier livre de coloriage",
           "designs": "dessins", "design": "dessin", "peek": "Un aperçu de l’intérieur"},
    "en": {"adults": "Coloring Book for Adults", "children": "Coloring Book for Kids",
           "toddlers": "My First Coloring Book", "designs": "designs", "design": "design",
           "peek": "A peek inside"},
}


@dataclass(frozen=True)
class CoverDesign:
    template: str
    audience: str
    language: str
    palette: tuple[str, ...]
    title: str
    subtitle: str = ""
    author: str = ""
    designs: int = 0
    blurb: str = ""
    seed: int = 0

    def meta(self) -> dict[str, Any]:
        """What a stored cover image remembers, so its back and its PDF text match it."""
        return {"template": self.template, "audience": self.audience,
                "language": self.language, "palette": list(self.palette), "seed": self.seed}

    @property
    def roles(self) -> cp.Roles:
        return cp.roles(self.palette, self.audience)

    @property
    def title_font(self) -> str:
        return "dmserif" if self.audience == "adults" else "lilita"

    @property
    def tagline(self) -> str:
        texts = TEXTS.get(self.language, TEXTS["en"])
        return texts.get(self.audience, texts["children"])


def design_from_meta(meta: dict[str, Any], **fields: Any) -> CoverDesign:
    return CoverDesign(template=meta.get("template", "hero"),
                       audience=meta.get("audience", "children"),
                       language=meta.get("language", "fr"),
                       palette=tuple(cp.clean_palette(meta.get("palette", ()))),
                       seed=int(meta.get("seed", 0)), **fields)


def _panel(side: str, trim_key: str) -> tuple[float, float, Box]:
    t = specs.trim(trim_key)
    left = 0.0 if side == "front" else BLEED
    return t.width + BLEED, t.height + 2 * BLEED, Box(left, BLEED, left + t.width,
                                                        BLEED + t.height)


def _scale(trim: Box) -> float:
    return min(trim.w, trim.h) / 8.5


def _fit_title(design: CoverDesign, width: float, height: float, scale: float,
               max_pt: float) -> tuple[str, float, list[str]]:
    text = " ".join(design.title.split()) or " "
    face = fonts.face_for(text, design.title_font)
    size, rows = fit_block(text, font=face, max_width_in=width, max_height_in=height,
                           max_lines=3, max_size=round(max_pt * scale),
                           min_size=round(38 * scale))
    if len(rows) > 3 or block_height(rows, size) > height:
        # A long title gets smaller type and more lines rather than losing words.
        size, rows = fit_block(text, font=face, max_width_in=width,
                               max_height_in=height * 1.4, max_lines=7,
                               max_size=round(38 * scale), min_size=14)
    return face, size, rows


def _title_style(design: CoverDesign, on: str, size: float) -> dict[str, Any]:
    roles = design.roles
    fill = roles.title if cp.contrast(roles.title, on) >= 3 else cp.readable_on(on, roles.ink)
    if design.audience == "adults":
        return {"fill": fill}
    outline = roles.ink if cp.luminance(fill) > 0.4 else cp.WHITE
    return {"fill": fill, "outline": outline, "outline_pt": size * 0.09,
            "shadow_in": size * 0.045 / 72}


def _title_stack(design: CoverDesign, top: float, area: Box, on: str,
                 plate_fill: str | None = None) -> tuple[list[TextLine], list[Plate], float]:
    """Title, tagline ribbon and subtitle from `top`; returns lines, plates and the bottom."""
    roles = design.roles
    scale = _scale(area)
    max_pt = 92 if design.audience != "adults" else 80
    face, size, rows = _fit_title(design, area.w * 0.96, area.h * 0.3, scale, max_pt)
    lines = place(rows, face, size, top, area.x0, area.w, spacing=1.02,
                  **_title_style(design, plate_fill or on, size))
    cursor = bottom_of(lines, top) + 0.14 * scale
    plates: list[Plate] = []

    tagline = design.tagline.upper()
    tface = fonts.face_for(tagline, "poppins-semibold")
    tsize, trows = fit_block(tagline, font=tface, max_width_in=area.w * 0.82,
                             max_height_in=1.2 * scale, max_lines=2,
                             max_size=round(25 * scale), min_size=10)
    pad_y, pad_x = 0.1 * scale, 0.32 * scale
    width = max(fonts.text_width_in(r, tface, tsize) for r in trows) + 2 * pad_x
    tlines = place(trows, tface, tsize, cursor + pad_y, area.x0, area.w, spacing=1.1,
                   fill=cp.readable_on(roles.accent, roles.ink))
    # The ribbon's box is as tall as the tagline's capitals plus even padding.
    ribbon = Box(area.cx - width / 2, cursor, area.cx + width / 2,
                 bottom_of(tlines, cursor) + pad_y)
    plates.append(Plate("ribbon", ribbon, roles.accent, roles.ink, 0.02 * scale))
    lines += tlines
    cursor = ribbon.y1 + 0.1 * scale

    if design.subtitle.strip():
        sface = fonts.face_for(design.subtitle, "poppins")
        ssize, srows = fit_block(design.subtitle.strip(), font=sface, max_width_in=area.w * 0.9,
                                 max_height_in=0.8 * scale, max_lines=2,
                                 max_size=round(20 * scale), min_size=9)
        sub = place(srows, sface, ssize, cursor, area.x0, area.w,
                    fill=cp.readable_on(plate_fill or on, roles.ink))
        lines += sub
        cursor = bottom_of(sub, cursor) + 0.06 * scale
    return lines, plates, cursor


def _badge(design: CoverDesign, cx: float, cy: float, radius: float
           ) -> tuple[Plate, list[TextLine]]:
    roles = design.roles
    texts = TEXTS.get(design.language, TEXTS["en"])
    box = Box(cx - radius, cy - radius, cx + radius, cy + radius)
    plate = Plate("circle", box, roles.highlight, roles.ink, radius * 0.06)
    number = str(design.designs)
    word = (texts["designs"] if design.designs != 1 else texts["design"]).upper()
    nface, wface = fonts.face_for(number, design.title_font), "poppins-semibold"
    # Sizes in pt from widths at 1 pt: the number spans at most 1.2 radii, the word 1.35.
    nsize = min(radius * 0.95 * 72, 1.2 * radius / fonts.text_width_in(number, nface, 1.0))
    wsize = min(radius * 0.2 * 72, 1.35 * radius / fonts.text_width_in(word, wface, 1.0))
    colour = cp.readable_on(roles.highlight, roles.ink)
    nh, wh = nsize * 1.0 / 72, wsize * 1.1 / 72
    top = cy - (nh + wh) / 2 - 0.02 * radius
    lines = place([number], nface, nsize, top, box.x0, box.w, spacing=1.0, fill=colour)
    lines += place([word], wface, wsize, top + nh, box.x0, box.w, spacing=1.1, fill=colour)
    return plate, lines


def _author(design: CoverDesign, area: Box, bottom: float, on: str,
            left_limit: float | None = None) -> tuple[list[TextLine], float]:
    """Author name ending at `bottom`; returns lines and the block's top."""
    text = design.author.strip()
    if not text:
        return [], bottom
    scale = _scale(area)
    width = (left_limit - area.x0) if left_limit is not None else area.w * 0.9
    face = fonts.face_for(text, "poppins-semibold")
    size, rows = fit_block(text, font=face, max_width_in=width, max_height_in=0.7 * scale,
                           max_lines=2, max_size=round(22 * scale), min_size=9)
    if left_limit is not None:
        lines = place(rows, face, size, 0.0, area.x0, width, align="left",
                      fill=cp.readable_on(on, design.roles.ink))
    else:
        lines = place(rows, face, size, 0.0, area.x0, area.w,
                      fill=cp.readable_on(on, design.roles.ink))
    dy = bottom - bottom_of(lines, 0.0)
    lines = [replace(line, baseline_in=line.baseline_in + dy) for line in lines]
    return lines, min(line.box()[1] for line in lines)


def _fan(area: Box, aspect: float, count: int) -> list[ArtSlot]:
    angles = {1: [0.0], 2: [-7.0, 7.0], 3: [-11.0, 0.0, 11.0], 4: [-15.0, -5.0, 5.0, 15.0],
              5: [-18.0, -9.0, 0.0, 9.0, 18.0]}[count]
    best: list[ArtSlot] = []
    # A wide area spreads the cards; a narrow one stacks them closer so they stay large.
    for spread in (0.46, 0.36, 0.26):
        for shrink in (0.9 - 0.02 * i for i in range(35)):
            h = area.h * shrink
            w = h * aspect
            step = w * spread * (1.0 if count > 3 else 1.3)
            slots = []
            for index, angle in enumerate(angles):
                offset = index - (count - 1) / 2
                cx = area.cx + offset * step
                cy = area.cy + abs(offset) * h * 0.05
                slots.append(ArtSlot(Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2),
                                     -angle, index, "card"))
            if all(area.contains(s.bounds()) for s in slots):
                if not best or slots[0].box.h > best[0].box.h * 1.08:
                    best = slots
                break
    # Outer cards first: the middle one is drawn last, on top.
    return sorted(best, key=lambda s: -abs(s.angle))


def front_layout(design: CoverDesign, trim_key: str, page_aspect: float | None = None
                 ) -> PanelLayout:
    width, height, trim = _panel("front", trim_key)
    # Placed a hair inside the safe line: PDF readers measure glyph boxes from the font's
    # outlines a little more generously than the rasteriser's ink.
    safe = trim.inset(TEXT_SAFE_IN + PLACEMENT_PAD_IN)
    roles = design.roles
    scale = _scale(trim)
    aspect = page_aspect or trim.w / trim.h
    template = design.template if design.template in TEMPLATES else UPLOADED
    pattern = {"hero": "rays", "fan": "dots", "grid": "none", "framed": "none"}.get(template,
                                                                                   "none")
    if design.audience == "adults" and pattern == "rays":
        pattern = "lattice"
    layout = PanelLayout("front", width, height, trim, trim.inset(TEXT_SAFE_IN),
                         roles.background, pattern)
    if template == UPLOADED:
        layout.slots.append(ArtSlot(Box(0, 0, width, height), 0.0, -1, "full"))
        return layout
    radius = 0.78 * scale

    if template in ("hero", "fan"):
        lines, plates, cursor = _title_stack(design, safe.y0, safe, roles.background)
        author_lines, author_top = _author(design, safe, safe.y1, roles.background)
        art = Box(safe.x0, cursor + 0.12 * scale, safe.x1,
                  author_top - (0.14 * scale if author_lines else 0))
        if template == "hero":
            angle = -3.0
            card = fit_rotated(art, aspect, angle, art.inset(0.04))
            # Keep the corner clear for the badge when there is room beside the card.
            layout.slots.append(ArtSlot(card, angle, 0, "card"))
            bounds = layout.slots[0].bounds()
            bx = min(bounds.x1 - radius * 0.35, safe.x1 - radius)
            by = max(bounds.y0 + radius * 0.55, art.y0 + radius)
        else:
            layout.slots.extend(_fan(art, aspect, PAGES_NEEDED["fan"]))
            bx, by = safe.x1 - radius, art.y0 + radius
        layout.plates += plates
        layout.lines += lines + author_lines
    elif template == "grid":
        gap = 0.09 * scale
        mid_x, mid_y = trim.cx, trim.cy + 0.1 * trim.h
        cells = [Box(0, 0, mid_x - gap / 2, mid_y - gap / 2), Box(mid_x + gap / 2, 0, width,
                 mid_y - gap / 2), Box(0, mid_y + gap / 2, mid_x - gap / 2, height),
                 Box(mid_x + gap / 2, mid_y + gap / 2, width, height)]
        layout.slots += [ArtSlot(cell, 0.0, i, "tile") for i, cell in enumerate(cells)]
        inner = safe.inset(0.2 * scale, 0)
        plate_fill = roles.paper if design.audience != "adults" else roles.background
        lines, plates, cursor = _title_stack(design, safe.y0 + 0.28 * scale, inner,
                                             plate_fill, plate_fill)
        plate = Plate("round", Box(safe.x0, safe.y0, safe.x1, cursor + 0.16 * scale),
                      plate_fill, roles.accent, 0.06 * scale)
        layout.plates += [plate, *plates]
        layout.lines += lines
        author_lines, author_top = _author(design, safe, safe.y1 - 0.1 * scale, roles.accent)
        if author_lines:
            layout.plates.append(Plate("band", Box(-1.0, author_top - 0.16 * scale,
                                                   width + 1.0, height + 1.0), roles.accent))
            layout.lines += author_lines
        bx, by = safe.x1 - radius, (author_top - 0.3 * scale) - radius
    else:  # framed
        layout.frame_in = FRAME_IN * scale
        layout.slots.append(ArtSlot(Box(0, 0, width, height), 0.0, 0, "full"))
        inner = trim.inset(layout.frame_in + 0.12 * scale)
        plate_fill = roles.paper if design.audience != "adults" else roles.background
        lines, plates, cursor = _title_stack(design, inner.y0 + 0.22 * scale,
                                             inner.inset(0.22 * scale, 0), plate_fill,
                                             plate_fill)
        layout.plates += [Plate("round", Box(inner.x0, inner.y0, inner.x1,
                                             cursor + 0.14 * scale), plate_fill, roles.accent,
                                0.05 * scale), *plates]
        layout.lines += lines
        author_lines, author_top = _author(design, inner, inner.y1 - 0.12 * scale, plate_fill)
        if author_lines:
            span = max(line.width_in for line in author_lines) + 0.5 * scale
            layout.plates.append(Plate("round", Box(inner.cx - span / 2,
                                                    author_top - 0.12 * scale,
                                                    inner.cx + span / 2, inner.y1),
                                       plate_fill, roles.accent, 0.04 * scale))
            layout.lines += author_lines
        bx, by = inner.x1 - radius, (author_top - 0.2 * scale) - radius
    if design.designs > 0:
        plate, badge_lines = _badge(design, bx, by, radius)
        layout.plates.append(plate)
        layout.lines += badge_lines
    return layout


def back_layout(design: CoverDesign, trim_key: str, page_aspect: float | None = None,
                pages: int = BACK_PAGES) -> PanelLayout:
    """The back of `design`: same ground, pattern and border, the title again, the blurb in
    a panel that fits it, interior samples, the author, and the barcode area kept clear."""
    width, height, trim = _panel("back", trim_key)
    # Placed a hair inside the safe line: PDF readers measure glyph boxes from the font's
    # outlines a little more generously than the rasteriser's ink.
    safe = trim.inset(TEXT_SAFE_IN + PLACEMENT_PAD_IN)
    roles = design.roles
    scale = _scale(trim)
    aspect = page_aspect or trim.w / trim.h
    front = front_layout(replace(design, designs=0, subtitle="", author=""), trim_key)
    layout = PanelLayout("back", width, height, trim, trim.inset(TEXT_SAFE_IN),
                         roles.background, front.pattern,
                         frame_in=front.frame_in)
    if design.template == "grid":
        layout.pattern = "dots"
    inner = trim.inset(layout.frame_in + 0.12 * scale) if layout.frame_in else safe
    box = specs.cover_layout(trim_key, specs.MIN_PAGES, "white").barcode
    layout.barcode = Box(box.x, height - box.top, box.right, height - box.y)

    text = " ".join(design.title.split()) or " "
    face = fonts.face_for(text, design.title_font)
    size, rows = fit_block(text, font=face, max_width_in=inner.w * 0.9,
                           max_height_in=0.2 * trim.h, max_lines=2,
                           max_size=round(44 * scale), min_size=14)
    on = roles.background
    heading = place(rows, face, size, inner.y0, inner.x0, inner.w, spacing=1.02,
                    **_title_style(design, on, size))
    layout.lines += heading
    cursor = bottom_of(heading, inner.y0) + 0.2 * scale

    blurb = " ".join(design.blurb.split())
    if blurb:
        pad = 0.22 * scale
        bface = fonts.face_for(blurb, "poppins")
        bsize, brows = fit_block(blurb, font=bface, max_width_in=inner.w - 2 * pad,
                                 max_height_in=0.34 * trim.h, max_lines=30,
                                 max_size=round(15 * scale), min_size=8)
        body = place(brows, bface, bsize, cursor + pad, inner.x0 + pad, inner.w - 2 * pad,
                     spacing=1.3, align="left", fill=roles.ink)
        panel = Box(inner.x0, cursor, inner.x1, bottom_of(body, cursor) + pad)
        layout.plates.append(Plate("round", panel, roles.paper, roles.accent, 0.04 * scale))
        layout.lines += body
        cursor = panel.y1 + 0.2 * scale

    author_lines, author_top = _author(design, inner, inner.y1, on,
                                       left_limit=layout.barcode.x0 - 0.25)
    layout.lines += author_lines
    bottom = min(layout.barcode.y0, author_top) - 0.2 * scale
    peek = TEXTS.get(design.language, TEXTS["en"])["peek"].upper()
    pface = fonts.face_for(peek, "poppins-semibold")
    psize = round(15 * scale)
    pwidth = fonts.text_width_in(peek, pface, psize) + 0.6 * scale
    ribbon_h = psize * 1.1 / 72 + 0.18 * scale
    gap = 0.16 * scale
    count = max(1, min(pages, BACK_PAGES if trim.w >= 7 else 3))
    free = Box(inner.x0, cursor, inner.x1, bottom)
    thumbs, rows_h = thumb_slots(Box(free.x0, free.y0 + ribbon_h + gap, free.x1, free.y1), aspect,
                             count, gap)
    if thumbs:
        # The samples and their ribbon sit together, a little above the middle of the room.
        group = ribbon_h + gap + rows_h
        top = free.y0 + max(0.0, free.h - group) * 0.4
        shift = top + ribbon_h + gap - thumbs[0].bounds().y0
        layout.slots += [replace(t, box=Box(t.box.x0, t.box.y0 + shift, t.box.x1,
                                            t.box.y1 + shift)) for t in thumbs]
        ribbon = Box(inner.cx - pwidth / 2, top, inner.cx + pwidth / 2, top + ribbon_h)
        layout.plates.append(Plate("ribbon", ribbon, roles.accent, roles.ink, 0.02 * scale))
        layout.lines += place([peek], pface, psize, ribbon.y0 + 0.09 * scale, inner.x0,
                              inner.w, spacing=1.1, fill=cp.readable_on(roles.accent, roles.ink))
    return layout


def layout_from_record(side: str, record: dict[str, Any] | None, trim_key: str,
                       **fields: Any) -> PanelLayout | None:
    """The layout a stored cover image was drawn with (its quality record), with the book's
    current text; None for an image made before designs."""
    meta = (record or {}).get("design")
    if not meta or record is None:
        return None
    design = design_from_meta(meta, **fields)
    aspect = record.get("page_aspect") or None
    if side == "front" or (record.get("upload") or {}).get("kind") == "wrap":
        # A front, or either half of a wrap, made elsewhere carries its own text.
        return front_layout(design, trim_key, aspect)
    return back_layout(design, trim_key, aspect, pages=record.get("pages") or BACK_PAGES)
