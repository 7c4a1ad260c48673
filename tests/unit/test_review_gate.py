"""The line-art gate holds for every provider: AI pages are redrawn like procedural
ones, the best attempt is kept with its verdict, the preflight carries the verdict per
page, and the job's step texts round-trip."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from backoffice.config import Settings
from backoffice.features.generation.progress import step_parts, step_text
from backoffice.kdp.preflight import PageGate, PreflightReport, _check_gate
from backoffice.providers import GeneratedImage, ImageRequest, drawing
from backoffice.providers.comfyui_messages import one_line


@pytest.mark.parametrize(("kind", "position", "done", "total", "attempt", "text"), [
    ("content", 12, 6, 25, 1, "page 12: 6/25"),
    ("content", 3, 1, 4, 2, "page 3: 1/4 #2"),
    ("cover", 0, 2, 4, 1, "cover: 2/4"),
    ("back_cover", 0, 4, 4, 1, "back_cover: 4/4"),
])
def test_step_texts_round_trip(kind, position, done, total, attempt, text):
    assert step_text(kind, position, done, total, attempt) == text
    parts = step_parts(text)
    assert parts is not None
    assert (parts["done"], parts["total"], parts["attempt"]) == (done, total, attempt)
    assert parts["page"] == (position if kind == "content" else None)
    assert step_parts("pages") is None and step_parts(None) is None


def test_the_preflight_names_the_pages_that_fail_the_gate():
    report = PreflightReport(trim="8.5x11", paper="white", interior_pages=50)
    _check_gate(report, [PageGate(2, True), PageGate(1, False, ("too_much_ink",)),
                         PageGate(7, False, ("leaks", "too_much_ink"))])
    rule = report.rule("interior.line_art_gate")
    assert not rule.passed and not report.passed
    assert "Page(s) 1, 7 failed the line-art gate (leaks, too_much_ink)" in rule.message
    data = report.to_dict()
    assert [page["position"] for page in data["gate"]] == [1, 2, 7]
    assert PreflightReport.from_dict(data).gate == report.gate
    passing = PreflightReport(trim="8.5x11", paper="white", interior_pages=50)
    _check_gate(passing, [PageGate(1, True), PageGate(2, True)])
    assert passing.passed and "All 2 coloring pages passed" in \
        passing.rule("interior.line_art_gate").message


def test_server_text_is_one_line_without_paths():
    text = ('Error loading "/home/comfy/ComfyUI/models/checkpoints/sd_xl.safetensors"\n'
            'Traceback: File "C:\\ComfyUI\\execution.py", line 3')
    assert one_line(text) == 'Error loading "sd_xl.safetensors"'
    assert len(one_line("x" * 1000)) <= 240


class ScriptedProvider:
    """A provider drawing what a test says (an AI page: it goes through the clean-up)."""

    name = "scripted-ai"
    model = "m"

    def __init__(self, pages: list[bytes]) -> None:
        self.pages = pages
        self.seeds: list[int] = []

    def generate(self, request: ImageRequest, *, on_progress=None, should_cancel=None):
        self.seeds.append(request.seed)
        if on_progress is not None:
            on_progress(1, 1)
        return GeneratedImage(self.pages[min(len(self.seeds), len(self.pages)) - 1],
                              self.name, self.model, request.prompt, request.seed)


def _png(draw_fn) -> bytes:
    image = Image.new("L", (640, 960), 255)
    draw_fn(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _page_that_passes() -> bytes:
    from tests.fakes.drawing import speckled_line_drawing

    return speckled_line_drawing(2, (640, 960))


BLACK = _png(lambda d: d.rectangle((40, 40, 600, 900), fill=0))


@pytest.fixture
def spec() -> drawing.PageSpec:
    return drawing.PageSpec(kind="content", position=4, theme_id="dinosaurs",
                            audience="children", trim="6x9", designs=24, interior_pages=50,
                            book_seed=1, seed=1000, title="T", subtitle="", author="A")


def _draw(monkeypatch, tmp_path: Path, spec, pages, retries
          ) -> tuple[drawing.PageImage, ScriptedProvider, list]:
    """Draw through the real pipeline with a scripted provider registered as an adapter
    (the registry is the seam) and named in models.yml."""
    import shutil

    from backoffice import providers
    from backoffice.config import DEFAULT_CONFIG_DIR

    provider = ScriptedProvider(pages)
    monkeypatch.setitem(providers.PROVIDERS, provider.name, lambda **_: provider)
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    (config / "generation" / "models.yml").write_text(
        f"coloring_page:\n  provider: {provider.name}\n", encoding="utf-8")
    settings = Settings(_env_file=None, BACKOFFICE_QUALITY_RETRIES=retries,
                        BACKOFFICE_CONFIG_DIR=config)
    progress: list = []
    page = drawing.make_page_image(settings, spec, on_progress=lambda *a: progress.append(a))
    return page, provider, progress


def test_an_ai_page_that_fails_is_redrawn_with_the_next_seed(monkeypatch, tmp_path, spec):
    page, provider, progress = _draw(monkeypatch, tmp_path, spec,
                                     [BLACK, BLACK, _page_that_passes()], retries=5)
    assert provider.seeds == [1000, 1001, 1002]  # stopped at the first that passes
    assert page.quality["passed"] and page.quality["attempt"] == 3
    assert page.quality["cleaned"] is True and page.seed == 1002
    assert progress == [(1, 1, 1), (1, 1, 2), (1, 1, 3)]


def test_when_none_passes_the_closest_is_kept_with_its_verdict(monkeypatch, tmp_path, spec):
    page, provider, _ = _draw(monkeypatch, tmp_path, spec, [BLACK], retries=2)
    assert provider.seeds == [1000, 1001, 1002]
    assert page.quality["passed"] is False and page.quality["attempts"] == 3
    assert page.quality["failures"]
