"""Offline subject pages: library subjects (vendored Noto Emoji outlines) composed
procedurally by audience. Toddlers get one big subject, children a scene, adults an
intricate patterned page or a themed mandala (see README "Subject pages").

The entry point is `draw_page`; `plan_book` shows a whole book's plan, `read_prompt`
what a written prompt names."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from backoffice.art.subjects.catalogue import SubjectSpec, catalogue
from backoffice.art.subjects.plan import PagePlan, plan_book, stable_seed
from backoffice.art.subjects.prompts import (
    NothingDrawable,
    perched,
    read_prompt,
    subjects_or_refuse,
)

__all__ = ["CREDIT", "NothingDrawable", "PagePlan", "SubjectPage", "SubjectSpec",
           "catalogue", "draw_page", "plan_book", "read_prompt", "subjects_or_refuse"]

# Printed on the copyright page and in the bundle README of books that use the library.
CREDIT = {
    "en": "Some illustrations are based on Noto Emoji, © Google LLC, "
          "SIL Open Font License 1.1.",
    "fr": "Certaines illustrations s'inspirent de Noto Emoji, © Google LLC, "
          "licence SIL Open Font License 1.1.",
}


@dataclass
class SubjectPage:
    image: Image.Image  # mode "1"
    description: str
    plan: PagePlan
    subjects: list[str] = field(default_factory=list)  # every library subject drawn
    glyphs: list[str] = field(default_factory=list)  # their code points, U+XXXX


def page_plan(spec: SubjectSpec, audience: str, book_seed: int, page_index: int,
              designs: int) -> PagePlan:
    plans = plan_book(spec, audience, book_seed, max(designs, page_index + 1))
    return plans[page_index]


def _from_prompt(plan: PagePlan, named: tuple[str, ...], audience: str) -> PagePlan:
    """A page whose prompt names subjects: the first leads, the others keep it company
    (toddlers' pages hold the first only)."""
    main, rest = named[0], tuple(named[1:])
    if audience == "toddlers":
        return PagePlan(main, "big" if plan.layout == "duo" else plan.layout)
    if audience == "adults":
        return PagePlan(main, plan.layout, rest or plan.companions)
    return PagePlan(main, plan.layout, rest, plan.decor if rest else plan.decor)


def draw_page(spec: SubjectSpec, audience: str, *, book_seed: int, page_index: int,
              designs: int, seed: int, width_px: int, height_px: int, dpi: int = 300,
              lang: str = "fr", prompt: str = "") -> SubjectPage:
    """Page `page_index` (0-based) of a book of `designs` designs. `seed` varies the
    drawing within the page's plan (the gate's retries step it); `prompt`, when given,
    must name library subjects (else NothingDrawable)."""
    from backoffice.art.subjects import adults, mandala, scenes, toddlers
    from backoffice.art.subjects.canvas import Canvas, Pens

    known = catalogue()
    plan = page_plan(spec, audience, book_seed, page_index, designs)
    perch = None
    if prompt.strip():
        named = subjects_or_refuse(prompt, spec.main)
        plan = _from_prompt(plan, named, audience)
        if audience == "children" and perched(prompt, named):
            perch = known[named[1]]
            plan = PagePlan(plan.main, plan.layout, tuple(named[2:]), plan.decor)
    rng = np.random.default_rng(stable_seed("page", audience, seed, page_index))
    canvas = Canvas(width_px, height_px, Pens.for_audience(audience, dpi))
    main = known[plan.main]
    if audience == "toddlers":
        friend = known[plan.companions[0]] if plan.companions else None
        description = toddlers.compose(canvas, rng, main, plan.layout, lang, friend=friend)
    elif audience == "children":
        description = scenes.compose(canvas, rng, main, plan.layout,
                                     [known[n] for n in plan.companions],
                                     [known[n] for n in plan.decor], list(spec.setting),
                                     perch=perch)
    else:
        ring = [known[n] for n in plan.companions] or [main]
        if plan.layout == "mandala":
            description = mandala.mandala_page(canvas, rng, main, ring)
        else:
            description = adults.pattern_page(canvas, rng, main)
    canvas.finish()
    drawn = list(dict.fromkeys(p.subject.name for p in canvas.placed))
    return SubjectPage(canvas.image(), description, plan, drawn,
                       [f"U+{known[n].code:04X}" for n in drawn])
