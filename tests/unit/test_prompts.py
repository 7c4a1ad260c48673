import subprocess
import sys

import pytest

from backoffice.art.prompts import (
    back_cover_prompt,
    cover_prompt,
    negative_prompt,
    page_prompt,
    page_prompts,
)
from backoffice.art.themes import Theme, load_theme_file
from backoffice.config import DEFAULT_CONFIG_DIR

OWN_THEMES = ("dinosaurs", "pirates", "unicorns", "christmas")


def theme(name: str) -> Theme:
    return load_theme_file(DEFAULT_CONFIG_DIR / "themes" / f"{name}.yml")


def procedural_theme() -> Theme:
    return Theme.model_validate({
        "id": "mandalas", "label": {"fr": "Mandalas", "en": "Mandalas"},
        "description": {"fr": "Rosaces", "en": "Round geometric rosettes"},
        "palette": ["#000000", "#ff0000", "#00ff00"],
        "procedural": {"families": {"mandala": 1}},
    })


@pytest.mark.parametrize("name", OWN_THEMES)
def test_subject_themes_validate_with_prompts_and_a_procedural_fallback(name):
    loaded = theme(name)
    assert loaded.prompts is not None and loaded.procedural.families
    assert len(loaded.palette) >= 3


@pytest.mark.parametrize("name", OWN_THEMES)
def test_same_seed_same_prompts_other_seed_other_prompts(name):
    loaded = theme(name)
    first = page_prompts(loaded, "children", 1234, 12)
    assert first == page_prompts(loaded, "children", 1234, 12)
    assert first != page_prompts(loaded, "children", 1235, 12)
    assert all("{" not in p for p in first)
    assert page_prompt(loaded, "children", 1234, 5) == first[5]


def test_prompts_are_the_same_in_another_process():
    code = ("from backoffice.config import DEFAULT_CONFIG_DIR as d;"
            "from backoffice.art.themes import load_theme_file as l;"
            "from backoffice.art.prompts import page_prompts as p;"
            "print(p(l(d/'themes'/'pirates.yml'),'adults',99,5))")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert len(runs) == 1
    assert runs.pop().strip() == str(page_prompts(theme("pirates"), "adults", 99, 5))


def test_no_combination_repeats_while_some_remain():
    loaded = theme("unicorns")
    variables = loaded.prompts.page.variables
    total = 1
    for values in variables.values():
        total *= len(values)
    prompts = page_prompts(loaded, "children", 7, total)
    assert len(set(prompts)) == total
    again = page_prompts(loaded, "children", 7, total + 3)
    assert again[:total] == prompts


def test_audience_really_changes_the_prompts():
    loaded = theme("dinosaurs")
    kids = page_prompts(loaded, "children", 5, 3)
    adults = page_prompts(loaded, "adults", 5, 3)
    assert all("simple, bold, large shapes" in p for p in kids)
    assert all("detailed" in p and "simple, bold" not in p for p in adults)
    assert cover_prompt(loaded, "children", "Dino") != cover_prompt(loaded, "adults", "Dino")
    assert negative_prompt(loaded, "children") != negative_prompt(loaded, "adults")
    assert "tiny details" in negative_prompt(loaded, "children")
    toddlers = page_prompts(theme("pirates"), "toddlers", 5, 1)[0]  # no toddler wording
    assert "toddlers" in toddlers


def test_cover_prompt_uses_the_theme_and_forbids_text():
    prompt = cover_prompt(theme("christmas"), "children", "Joyeux Noël")
    assert "Santa Claus" in prompt and "snowy village" in prompt
    assert '"Joyeux Noël"' in prompt and "Do not write any text" in prompt


def test_negative_prompt_includes_the_themes_words():
    assert "scary teeth" in negative_prompt(theme("dinosaurs"), "adults")


def test_back_cover_prompt_is_an_edit_keeping_the_barcode_area_clear():
    prompt = back_cover_prompt(theme("pirates"))
    assert "remove every title" in prompt and "same illustration style" in prompt
    assert "lower-right corner" in prompt and "barcode" in prompt


def test_a_theme_without_prompts_gets_generic_ones():
    loaded = procedural_theme()
    pages = page_prompts(loaded, "adults", 3, 4)
    assert all("Mandalas" in p and "Round geometric rosettes" in p for p in pages)
    assert len(set(pages)) == 4
    assert "Mandalas" in cover_prompt(loaded, "adults", "")
    assert negative_prompt(loaded, "adults")


@pytest.mark.parametrize("name", OWN_THEMES)
def test_clip_models_get_the_subject_first(name):
    """CLIP text encoders (SD 1.5, SDXL) read 77 tokens: the subject must not be cut."""
    from backoffice.art.prompts import CLIP_LINE_ART, for_clip

    for prompt in page_prompts(theme(name), "children", 7, 6):
        subject = prompt.split(" Subject: ", 1)[1].split(". Style: ", 1)[0]
        compact = for_clip(prompt)
        assert compact.startswith(subject + ", " + CLIP_LINE_ART)
        # Roughly the words CLIP keeps: subject and line-art wording fit in the first 77.
        assert len((subject + CLIP_LINE_ART).replace(",", " ").split()) < 60
    assert for_clip("my own words") == "my own words"
    cover = cover_prompt(theme(name), "children", "Dinos")
    assert for_clip(cover) == cover
