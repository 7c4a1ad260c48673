"""The diffusers provider's real loading and sampling code, on tiny pipelines with random
weights that the tests build (tests/fakes/tiny_diffusers.py): 64-px images, 2 steps,
on the CPU."""

from __future__ import annotations

import importlib.util
import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from backoffice.config import Settings
from backoffice.providers import (
    GenerationCancelled,
    ImageRequest,
    ProviderError,
    create_provider,
)
from backoffice.providers.config import ProviderConfigError, build_providers, load_models_config

TINY = {"steps": 2, "max_side": 64}


@pytest.fixture(autouse=True)
def _one_thread(tiny_models):
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a shared 2-core machine
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def settings(tiny_models, tmp_path) -> Settings:
    return Settings(_env_file=None, BACKOFFICE_MODELS_DIR=tiny_models,
                    BACKOFFICE_CONFIG_DIR=tiny_models, BACKOFFICE_DATA_DIR=tmp_path)


def provider(settings: Settings, model: str = "tiny-sd", **options):
    return create_provider("diffusers", model=model, options={**TINY, **options},
                           settings=settings)


def page_request(**changes) -> ImageRequest:
    values = dict(kind="coloring_page", theme_id="dinosaurs", audience="children", seed=7,
                  width_px=2550, height_px=3300, prompt="A friendly dinosaur, line art",
                  negative_prompt="colour, shading")
    values.update(changes)
    return ImageRequest(**values)


def test_a_page_from_the_models_folder_with_step_progress(settings):
    steps: list[tuple[int, int]] = []
    result = provider(settings).generate(page_request(), on_progress=lambda d, t: steps.append(
        (d, t)))
    image = Image.open(io.BytesIO(result.data))
    # The page's proportions (2550 x 3300) with the longest side at max_side.
    assert image.format == "PNG" and image.size == (48, 64)
    assert steps == [(1, 2), (2, 2)]
    assert result.provider == "diffusers" and result.model == "tiny-sd"
    assert result.meta["pipeline"] == "sd15" and result.meta["device"] == "cpu"
    assert result.meta["dtype"] == "float32"  # no fp16 on the CPU


def test_the_same_seed_gives_the_same_page_and_another_seed_another(settings):
    draw = provider(settings)
    first = draw.generate(page_request()).data
    assert draw.generate(page_request()).data == first
    assert draw.generate(page_request(seed=8)).data != first


def test_the_pipeline_is_loaded_once_per_worker_and_shared(settings):
    from backoffice.providers import local_pipelines

    local_pipelines.unload_all()
    one, two = provider(settings), provider(settings)
    one.generate(page_request())
    loaded = local_pipelines.pipeline_for(one)
    two.generate(page_request(seed=9))
    assert local_pipelines.pipeline_for(two) is loaded
    assert len(local_pipelines._loaded) == 1
    provider(settings, steps=3).generate(page_request())  # steps are per call
    assert len(local_pipelines._loaded) == 1


def test_sdxl_is_recognised_from_its_model_index(settings):
    draw = provider(settings, model="tiny-sdxl")
    assert draw.family == "sdxl"
    result = draw.generate(page_request())
    assert Image.open(io.BytesIO(result.data)).size == (48, 64)


def test_flux_schnell_is_recognised_and_runs_without_guidance(settings):
    draw = provider(settings, model="tiny-flux")
    assert draw.family == "flux-schnell"
    steps: list[tuple[int, int]] = []
    result = draw.generate(page_request(), on_progress=lambda d, t: steps.append((d, t)))
    assert Image.open(io.BytesIO(result.data)).size == (48, 64) and steps == [(1, 2), (2, 2)]
    assert result.meta["guidance"] == 0.0  # schnell is distilled: no guidance, no negative
    # T5 reads long prompts: a page prompt is sent as it is; CLIP models get it reordered.
    from backoffice.art.prompts import LINE_ART

    page_prompt = f"{LINE_ART} Subject: a dino by a lake. Style: bold."
    assert draw.generate(page_request(prompt=page_prompt)).prompt == page_prompt
    clip = provider(settings).generate(page_request(prompt=page_prompt)).prompt
    assert clip.startswith("a dino by a lake, coloring book page")


def test_a_lora_changes_the_picture_by_its_scale(settings):
    plain = provider(settings).generate(page_request()).data
    lora = "loras/pytorch_lora_weights.safetensors"
    styled = provider(settings, lora={"path": lora, "scale": 1.0}).generate(page_request())
    assert styled.data != plain
    off = provider(settings, lora={"path": lora, "scale": 0.0}).generate(page_request())
    assert off.data == plain


def test_controlnet_follows_a_reference_drawing(settings, tiny_models):
    plain = provider(settings).generate(page_request()).data
    guided = provider(settings, controlnet={
        "model": "tiny-controlnet", "kind": "lineart", "image": "reference.png",
        "scale": 1.0}).generate(page_request())
    assert guided.data != plain
    scribble = provider(settings, controlnet={
        "model": "tiny-controlnet", "kind": "scribble",
        "image": str(tiny_models / "reference.png")}).generate(page_request())
    assert Image.open(io.BytesIO(scribble.data)).size == (48, 64)


def test_cancel_stops_between_steps_and_frees_the_pipeline(settings):
    draw = provider(settings, steps=4)
    seen: list[int] = []
    with pytest.raises(GenerationCancelled):
        draw.generate(page_request(), on_progress=lambda d, t: seen.append(d),
                      should_cancel=lambda: len(seen) >= 1)
    assert seen == [1]
    assert draw.generate(page_request()).data  # not left locked


def test_bad_requests_and_devices_are_clear_errors(settings):
    with pytest.raises(ProviderError, match="empty prompt") as caught:
        provider(settings).generate(page_request(prompt="  "))
    assert not caught.value.retryable
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(ProviderError, match="device is cuda but torch sees no CUDA GPU"):
            provider(settings, device="cuda", steps=1).generate(page_request())


@pytest.mark.parametrize(("model", "options", "words"), [
    ("nowhere", {}, "does not exist"),
    ("someone/not-downloaded", {}, "hf download someone/not-downloaded"),
    ("loras", {}, "is not a diffusers folder (no model_index.json)"),
    ("tiny-sd", {"lora": {"path": "loras/missing.safetensors"}}, "LoRA"),
    ("tiny-sd", {"controlnet": {"model": "tiny-controlnet", "image": "nope.png"}},
     "reference image"),
    ("tiny-sd", {"steps": 0}, "greater than or equal to 1"),
    ("", {}, "needs a model"),
])
def test_start_up_checks_name_the_problem_and_the_fix(settings, model, options, words):
    with pytest.raises((ProviderConfigError, ValueError), match=re.escape(words)):
        provider(settings, model=model, **options)


def test_start_up_says_how_to_install_a_missing_extra(settings, tmp_path, monkeypatch):
    config = tmp_path / "config"
    (config / "generation").mkdir(parents=True)
    (config / "generation" / "models.yml").write_text(
        "coloring_page:\n  provider: diffusers\n  model: tiny-sd\n", encoding="utf-8")
    real = importlib.util.find_spec
    # As on a machine where only `make install` ran.
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "diffusers" else real(name, *a))
    local = settings.model_copy(update={"config_dir": config})
    with pytest.raises(ProviderConfigError) as caught:
        build_providers(local, load_models_config(local))
    message = str(caught.value)
    assert "field coloring_page" in message and "make local-ai" in message
    assert "\n" not in message


def test_no_download_at_run_time_unless_allowed(settings):
    provider(settings)
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    # A repo id that is not in the cache is accepted only when downloads are allowed.
    allowed = provider(settings, model="stabilityai/sdxl-turbo", allow_download=True)
    assert allowed.family == "sdxl-turbo" and allowed.settings_for(page_request())["steps"] == 2
    os.environ["HF_HUB_OFFLINE"] = "1"


def test_family_defaults_when_the_options_say_nothing(settings, tiny_models: Path):
    draw = create_provider("diffusers", model="tiny-sd", options={"family": "sdxl-turbo"},
                           settings=settings)
    chosen = draw.settings_for(page_request())
    assert (chosen["steps"], chosen["guidance"]) == (4, 0.0)
    assert max(chosen["width"], chosen["height"]) == 512 and chosen["width"] % 64 == 0
