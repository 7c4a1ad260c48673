"""The subject library: vendored outlines, the named catalogue, themes that name their
subjects and are checked at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backoffice.art.subjects.catalogue import SCENERY, catalogue, fold, load_catalogue
from backoffice.art.subjects.glyphs import VENDOR_DIR, code_points, outline
from backoffice.art.themes import ThemeConfigError, load_themes

THEMES_DIR = Path(__file__).resolve().parents[2] / "config" / "themes"


def test_vendored_font_has_its_licence_and_manifest():
    manifest = yaml.safe_load((VENDOR_DIR / "MANIFEST.yml").read_text(encoding="utf-8"))
    assert "Open Font License" in manifest["licence"]
    assert manifest["source"].startswith("npm @fontsource/noto-emoji@")
    assert "SIL OPEN FONT LICENSE Version 1.1" in (VENDOR_DIR / "OFL.txt").read_text()
    for name, entry in manifest["files"].items():
        assert (VENDOR_DIR / name).stat().st_size == entry["bytes"]
    # Subset to what the catalogue uses: kept small.
    assert sum(p.stat().st_size for p in VENDOR_DIR.glob("*.woff")) < 400_000


def test_every_catalogue_subject_is_a_vector_outline():
    subjects = catalogue()
    assert len(subjects) >= 150
    assert {s.code for s in subjects.values()} <= code_points()
    rex = outline(subjects["tyrannosaurus"].code)
    assert len(rex.contours) > 5 and all(c.shape[1] == 2 for c in rex.contours)
    x0, y0, x1, y1 = rex.bounds
    assert x1 - x0 > 1000 and y1 - y0 > 1000  # font units, not pixels


def test_catalogue_names_in_both_languages():
    subjects = catalogue()
    assert subjects["egg"].fr == "œuf" and subjects["egg"].en == "egg"
    assert subjects["tyrannosaurus"].label("fr") == "T-REX"
    assert subjects["cow"].label("fr") == "VACHE" and subjects["cow"].label("en") == "COW"
    assert fold("Œuf de Pâques") == "oeuf de paques"


def test_catalogue_errors_name_the_entry(tmp_path):
    bad = tmp_path / "catalogue.yml"
    bad.write_text("subjects:\n  rex: {glyph: U+1F996, fr: t-rex, en: t-rex, place: moon}\n")
    with pytest.raises(ValueError, match="subject rex: field place"):
        load_catalogue(bad)
    bad.write_text("subjects:\n  rex: {glyph: U+10FFF0, fr: t-rex, en: t-rex}\n")
    with pytest.raises(ValueError, match="not in the vendored font"):
        load_catalogue(bad)


def test_shipped_subject_themes():
    themes = load_themes(THEMES_DIR)
    subject_themes = {k: t for k, t in themes.items() if t.subjects is not None}
    # The four original themes and at least six more.
    assert {"dinosaurs", "unicorns", "pirates", "christmas"} <= set(subject_themes)
    assert len(subject_themes) >= 10
    for theme_id, theme in subject_themes.items():
        spec = theme.subjects
        assert len(set(spec.main)) >= 12, theme_id
        assert set(spec.heroes) <= set(spec.main), theme_id
        assert set(spec.setting) <= set(SCENERY), theme_id
    assert themes["mandalas"].subjects is None


def _theme_file(directory: Path, subjects: str) -> Path:
    source = (THEMES_DIR / "dinosaurs.yml").read_text(encoding="utf-8")
    head = source.split("\nsubjects:")[0]
    path = directory / "dinosaurs.yml"
    path.write_text(head + "\nsubjects:\n" + subjects, encoding="utf-8")
    return path


def test_unknown_subject_stops_start_up_with_file_theme_and_name(tmp_path):
    path = _theme_file(tmp_path, "  main: [tyrannosaurus, stegosaurus]\n")
    with pytest.raises(ThemeConfigError) as caught:
        load_themes(tmp_path)
    message = str(caught.value)
    assert str(path) in message and "theme dinosaurs" in message
    assert "subjects.main" in message and "'stegosaurus'" in message


def test_unknown_scenery_and_duplicates_are_refused(tmp_path):
    _theme_file(tmp_path, "  main: [tyrannosaurus]\n  setting: [ground, lava_lake]\n")
    with pytest.raises(ThemeConfigError, match="unknown scenery 'lava_lake'"):
        load_themes(tmp_path)
    _theme_file(tmp_path, "  main: [tyrannosaurus, tyrannosaurus]\n")
    with pytest.raises(ThemeConfigError, match="listed twice"):
        load_themes(tmp_path)


def test_a_theme_is_one_yaml_file(tmp_path):
    """A team adds a theme by writing one file: no code."""
    (tmp_path / "birds.yml").write_text(
        "id: birds\nlabel: {fr: Oiseaux, en: Birds}\n"
        "description: {fr: Des oiseaux, en: Birds}\n"
        'palette: ["#111111", "#222222", "#333333"]\n'
        "procedural: {families: {flowers: 1}}\n"
        "subjects:\n  main: [parrot, owl, eagle, swan, duck, flamingo, peacock, penguin,\n"
        "         dove, bird, rooster, chicken]\n  setting: [ground, clouds]\n",
        encoding="utf-8")
    themes = load_themes(tmp_path)
    assert themes["birds"].subjects.main[0] == "parrot"
