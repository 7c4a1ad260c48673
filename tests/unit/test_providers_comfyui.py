import io
import json
import shutil
import time

import pytest
from PIL import Image

from backoffice.config import DEFAULT_CONFIG_DIR, Settings
from backoffice.providers import (
    GenerationCancelled,
    ImageRequest,
    ProviderError,
    create_provider,
)
from backoffice.providers.config import ProviderConfigError
from tests.fakes.comfyui import FakeComfyUI
from tests.fakes.server import serve

FAST = {"connect_timeout": 1.0, "read_timeout": 2.0, "backoff_base": 0.01,
        "backoff_cap": 0.05, "poll_seconds": 0.05}


@pytest.fixture(scope="module")
def server():
    fake = FakeComfyUI()
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def fake(server):
    server[0].reset()
    return server[0]


def provider(server, config_dir=DEFAULT_CONFIG_DIR, **options):
    settings = Settings(_env_file=None, comfyui_url=server[1], config_dir=config_dir)
    return create_provider("comfyui", model="", options={**FAST, **options}, settings=settings)


def page_request(**changes) -> ImageRequest:
    values = dict(kind="coloring_page", theme_id="unicorns", audience="children", seed=42,
                  width_px=2550, height_px=3300, prompt="A unicorn in a meadow, line art",
                  negative_prompt="colour, shading")
    values.update(changes)
    return ImageRequest(**values)


def test_queues_the_named_nodes_reports_progress_and_fetches_the_image(server, fake):
    progress: list[tuple[int, int]] = []
    result = provider(server, checkpoint="lineart_xl.safetensors").generate(
        page_request(), on_progress=lambda done, total: progress.append((done, total)))
    # The sampler's steps of our prompt (not the other prompt's 9/10), then done.
    assert progress == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5), (1, 1)]
    workflow = fake.prompts[0]["workflow"]
    assert workflow["6"]["inputs"]["text"] == "A unicorn in a meadow, line art"
    assert workflow["7"]["inputs"]["text"] == "colour, shading"
    assert workflow["3"]["inputs"]["seed"] == 42
    assert (workflow["5"]["inputs"]["width"], workflow["5"]["inputs"]["height"]) == (768, 1024)
    assert workflow["4"]["inputs"]["ckpt_name"] == "lineart_xl.safetensors"
    image = Image.open(io.BytesIO(result.data))
    assert image.format == "PNG" and image.size == (768, 1024)
    assert result.meta["prompt_id"] == fake.prompts[0]["id"]
    # Saved under output/backoffice/, and the history entry dropped once fetched.
    assert workflow["9"]["inputs"]["filename_prefix"] == "backoffice/coloring_page"
    assert fake.history_deleted == [fake.prompts[0]["id"]]


def test_waits_for_the_history_the_server_writes_after_success(server, fake):
    """The real server says execution_success, writes /history a moment later, then
    `executing` null; a client reading /history at execution_success finds {}."""
    fake.history_delay = 2.5  # longer than the 2 s the adapter used to allow
    try:
        assert provider(server).generate(page_request()).data
        fake.then("no_null")  # only /history tells the end: polled within its deadline
        assert provider(server).generate(page_request()).data
    finally:
        fake.history_delay = 0.4


@pytest.mark.parametrize(("behaviour", "words"), [
    ("reject", "node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: "
               "'missing.safetensors' not in []"),
    ("reject_missing_input", "node 3 (KSampler): Required input is missing: model"),
    ("reject_too_big", "node 3 (KSampler): Value 200 bigger than max of 150: steps"),
    ("reject_type", "node 3 (KSampler): Failed to convert an input value to a INT value"),
    ("reject_no_outputs", "workflow refused: Prompt has no outputs"),
    ("reject_unknown_node", "Cannot execute because node LineArtMagic does not exist. "
                            "(Node ID '#12')"),
])
def test_a_refused_workflow_is_permanent_with_the_servers_reason(server, fake, behaviour,
                                                                  words):
    fake.then(behaviour)
    with pytest.raises(ProviderError) as caught:
        provider(server).generate(page_request())
    assert not caught.value.retryable
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert fake.prompts == []


def test_a_500_on_prompt_is_retried(server, fake):
    fake.then("500")
    assert provider(server).generate(page_request()).data
    assert len(fake.prompts) == 1


@pytest.mark.parametrize(("behaviour", "words"), [
    ("error", r"node 3 \(KSampler\) failed: OutOfMemoryError: Allocation on device 0"),
    ("no_output", "no output image"),
    ("bad_image", "not a readable image"),
])
def test_failures_are_clear_errors(server, fake, behaviour, words):
    fake.then(behaviour)
    with pytest.raises(ProviderError, match=words):
        provider(server).generate(page_request())


def test_a_node_error_is_one_line_without_server_paths(server, fake, caplog):
    fake.then("error")
    with pytest.raises(ProviderError) as caught:
        provider(server).generate(page_request())
    message = str(caught.value)
    assert not caught.value.retryable
    assert "\n" not in message and "/home/comfy" not in message
    # The whole text, paths and traceback included, is in the log for whoever runs it.
    assert "/home/comfy/ComfyUI/comfy/ldm/modules/attention.py" in caplog.text


def test_a_dropped_socket_falls_back_to_polling_history(server, fake):
    fake.then("ws_drop")
    assert provider(server).generate(page_request()).data


@pytest.mark.parametrize("behaviour", ["interrupt", "ws_drop_interrupt"])
def test_a_server_side_interrupt_is_run_again_on_both_paths(server, fake, behaviour):
    """Interrupted on the server (someone's Cancel in ComfyUI): the socket path and the
    /history path (status_str "error" with execution_interrupted) agree: retryable, and
    the adapter runs the workflow again itself, counted in max_attempts."""
    fake.then(behaviour)
    result = provider(server).generate(page_request())
    assert result.data and result.meta["attempts"] == 2
    assert [p["behaviour"] for p in fake.prompts] == [behaviour, "ok"]
    fake.reset()
    fake.then(behaviour, behaviour)
    with pytest.raises(ProviderError) as caught:
        provider(server, max_attempts=2).generate(page_request())
    assert caught.value.retryable and "interrupted on the server" in str(caught.value)
    assert "gave up after 2 attempts" in str(caught.value) and len(fake.prompts) == 2


def test_cancel_interrupts_and_dequeues_the_prompt(server, fake):
    fake.then("slow")
    steps: list[float] = []
    with pytest.raises(GenerationCancelled):
        # Cancelled once the sampler is at work (its first step seen).
        provider(server).generate(page_request(),
                                  on_progress=lambda d, t: steps.append(time.monotonic()),
                                  should_cancel=lambda: bool(steps))
    # Stopped at once, not after the remaining steps (0.5 s apart).
    assert len(steps) == 1 and time.monotonic() - steps[0] < 0.4
    prompt_id = fake.prompts[0]["id"]
    assert {"prompt_id": prompt_id} in fake.interrupts and prompt_id in fake.deleted


def test_back_cover_uploads_the_cover_into_the_source_image_node(server, fake, tmp_path):
    comfy = tmp_path / "generation" / "comfy"
    comfy.mkdir(parents=True)
    workflow = json.loads((DEFAULT_CONFIG_DIR / "generation/comfy/txt2img.json").read_text())
    workflow["10"] = {"class_type": "LoadImage", "_meta": {"title": "backoffice:source_image"},
                      "inputs": {"image": "placeholder.png"}}
    (comfy / "edit.json").write_text(json.dumps(workflow))
    cover = io.BytesIO()
    Image.new("RGB", (50, 80), "green").save(cover, format="PNG")
    provider(server, config_dir=tmp_path, workflow="edit.json").generate(
        page_request(kind="back_cover", source_image=cover.getvalue()))
    upload = fake.uploads[0]
    # Into input/backoffice/, which LoadImage names by its path inside input/.
    assert upload["subfolder"] == "backoffice"
    assert fake.prompts[0]["workflow"]["10"]["inputs"]["image"] == \
        f"backoffice/{upload['name']}"


@pytest.mark.parametrize(("content", "words"), [
    (None, "does not exist"),
    ('{"nodes": [], "links": []}', "not in API format"),
    ('{"1": {"class_type": "SaveImage", "inputs": {}}}', "no node titled backoffice:prompt"),
    ('{"1": {"class_type": "KSampler", "_meta": {"title": "backoffice:seed"}, "inputs": {}}}',
     "has no input seed or noise_seed"),
    ('{"1": {"class_type": "X", "_meta": {"title": "backoffice:colour"}, "inputs": {}}}',
     "unknown title"),
])
def test_bad_workflows_are_refused_at_start_up(server, tmp_path, content, words):
    comfy = tmp_path / "generation" / "comfy"
    comfy.mkdir(parents=True)
    if content is not None:
        (comfy / "w.json").write_text(content)
    with pytest.raises(ProviderConfigError, match=words):
        provider(server, config_dir=tmp_path, workflow="w.json")


def test_the_shipped_workflow_is_valid(server, tmp_path):
    shutil.copytree(DEFAULT_CONFIG_DIR / "generation", tmp_path / "generation")
    assert provider(server, config_dir=tmp_path).slots["prompt"] == "6"
