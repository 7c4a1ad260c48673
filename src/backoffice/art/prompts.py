"""Prompts for the AI providers, built from a theme and the book's audience.

Reproducible: the page variables are drawn from the book seed with a local
random.Random, never from Python's per-process salted hash() (the previous system's
book seeds did not reproduce a book for that reason).
"""

from __future__ import annotations

import itertools
import random
import re

from backoffice.art.themes import Theme

_VAR = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")

LINE_ART = (
    "Black and white line art coloring page: pure black outlines on a plain white "
    "background, closed shapes, no shading, no grey, no colour fill, no text, no frame "
    "or border, the drawing fills the page."
)
NEGATIVE = (
    "colour, grey shading, gradients, hatching, cross-hatching, large solid black areas, "
    "text, letters, numbers, watermark, signature, logo, frame, border, photo, blurry, "
    "sketchy broken lines"
)
# Used when a theme has no prompts, or no wording for this audience.
AUDIENCE = {
    "toddlers": "for toddlers aged 2-4, one very large simple subject, very few shapes, "
                "extra thick outlines, almost no background",
    "children": "for children aged 4-8, simple, bold, large shapes, thick clean outlines, "
                "few details, big areas to colour",
    "adults": "for adults, detailed and intricate, decorative patterns, fine but solid "
              "lines, many small areas to colour",
}
AUDIENCE_NEGATIVE = {
    "toddlers": "small details, busy background, thin lines, many objects",
    "children": "tiny details, intricate patterns, dense textures, thin lines",
    "adults": "childish simplistic shapes, empty areas",
}
# Variety for themes without page variables.
COMPOSITIONS = (
    "a single large subject, centered",
    "a small scene with two or three elements",
    "a symmetrical decorative arrangement",
    "a close-up view",
    "a wide view with a simple background",
    "a frame-free pattern of repeated motifs",
)


def _audience(theme: Theme, audience: str) -> str:
    if theme.prompts is not None:
        wording = theme.prompts.audience
        if audience in wording:
            return wording[audience]
        if audience == "toddlers" and "children" in wording:
            return AUDIENCE["toddlers"]
    return AUDIENCE.get(audience, AUDIENCE["children"])


def cover_prompt(theme: Theme, audience: str, title: str) -> str:
    who = {"toddlers": "very young children", "children": "children",
           "adults": "adults"}.get(audience, "children")
    if theme.prompts is None:
        subject = f"{theme.label.en}: {theme.description.en}"
        scene = f"Front cover illustration for a coloring book about {subject}"
        style = "cheerful, bright, appealing storybook illustration"
    else:
        cover = theme.prompts.cover
        scene = (f"Front cover illustration for a coloring book: {cover.subject}, "
                 f"in {cover.environment}")
        style = f"{cover.tone}; colours: {cover.palette}"
    context = f' The book is called "{title}".' if title.strip() else ""
    return (
        f"{scene}. {style}. Made for {who}.{context} Full colour, rich and vivid, "
        "one clear focal subject, leave calm space in the upper third for a title added "
        "later. Do not write any text, letters or numbers in the image."
    )


def _combinations(variables: dict[str, list[str]], rng: random.Random,
                  count: int) -> list[dict[str, str]]:
    """`count` dicts of values, no combination repeated until all have been used."""
    names = sorted(variables)
    sizes = [len(variables[n]) for n in names]
    total = 1
    for size in sizes:
        total *= size
    picks: list[tuple[int, ...]] = []
    if total <= 20_000:
        everything = list(itertools.product(*(range(s) for s in sizes)))
        while len(picks) < count:
            round_ = everything[:]
            rng.shuffle(round_)
            picks.extend(round_)
    else:
        seen: set[tuple[int, ...]] = set()
        while len(picks) < count:
            pick = tuple(rng.randrange(s) for s in sizes)
            if pick not in seen:
                seen.add(pick)
                picks.append(pick)
    return [{n: variables[n][i] for n, i in zip(names, pick, strict=True)}
            for pick in picks[:count]]


def _fill(template: str, values: dict[str, str]) -> str:
    return _VAR.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def page_prompts(theme: Theme, audience: str, book_seed: int, count: int) -> list[str]:
    rng = random.Random(book_seed)
    wording = _audience(theme, audience)
    if theme.prompts is None:
        subject = f"{theme.label.en} ({theme.description.en})"
        order = list(COMPOSITIONS)
        rng.shuffle(order)
        subjects = [f"{subject}, {order[i % len(order)]}" for i in range(count)]
    else:
        page = theme.prompts.page
        used = sorted(set(_VAR.findall(page.template)))
        variables = {name: page.variables[name] for name in used}
        if variables:
            subjects = [_fill(page.template, values)
                        for values in _combinations(variables, rng, count)]
        else:
            subjects = [page.template] * count
    return [f"{LINE_ART} Subject: {subject}. Style: {wording}." for subject in subjects]


# What the line-art preamble says, short enough to follow the subject within CLIP's 77.
CLIP_LINE_ART = ("coloring book page, black and white line art, clean closed outlines, "
                 "white background, no shading, no text")
_PAGE_PROMPT = re.compile(re.escape(LINE_ART) + r" Subject: (?P<subject>.+)\. "
                          r"Style: (?P<style>.+)\.", re.S)


def for_clip(prompt: str) -> str:
    """A page prompt reordered for CLIP text encoders (SD 1.5, SDXL), which read only 77
    tokens: the subject first, then a short line-art wording and the audience's style.
    Other prompts (covers, an editor's own words) are returned as they are."""
    found = _PAGE_PROMPT.fullmatch(prompt.strip())
    if found is None:
        return prompt
    return f"{found['subject']}, {CLIP_LINE_ART}, {found['style']}"


def page_prompt(theme: Theme, audience: str, book_seed: int, index: int) -> str:
    """The prompt of page `index` (0-based) of the book, as page_prompts gives it."""
    return page_prompts(theme, audience, book_seed, index + 1)[index]


def negative_prompt(theme: Theme, audience: str) -> str:
    parts = [NEGATIVE, AUDIENCE_NEGATIVE.get(audience, AUDIENCE_NEGATIVE["children"])]
    if theme.prompts is not None and theme.prompts.negative.strip():
        parts.append(theme.prompts.negative.strip())
    return ", ".join(parts)


def back_cover_prompt(theme: Theme) -> str:
    return (
        "Edit this book cover into its back cover: remove every title, word, letter, "
        "number and logo; keep the same illustration style, colours and lighting, as a "
        f"calmer, simpler {theme.label.en.lower()} background with no new focal subject. "
        "Leave the lower-right corner plain and uncluttered (about a quarter of the "
        "width and a sixth of the height) where the barcode will be printed. "
        "Do not add any text."
    )
