import io
import time

import pytest
from PIL import Image

from backoffice.config import Settings
from backoffice.providers import (
    GenerationCancelled,
    ImageRequest,
    ProviderError,
    create_provider,
)
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.server import serve

KEY = "sk-or-v1-test-key"
FAST = {"connect_timeout": 1.0, "read_timeout": 0.5, "max_attempts": 4,
        "backoff_base": 0.01, "backoff_cap": 0.05}


@pytest.fixture(scope="module")
def server():
    fake = FakeOpenRouter(KEY)
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def fake(server):
    fake, _ = server
    fake.script.clear()
    fake.requests.clear()
    fake.retry_after = 0.01
    fake.slow_seconds = 2.0
    return fake


def provider(server, key=KEY, **options):
    _, url = server
    settings = Settings(_env_file=None, openrouter_api_key=key,
                        openrouter_base_url=f"{url}/api/v1")
    return create_provider("openrouter", model="google/gemini-2.5-flash-image",
                           options={**FAST, **options}, settings=settings)


def page_request(**changes) -> ImageRequest:
    values = dict(kind="coloring_page", theme_id="dinosaurs", audience="children", seed=7,
                  width_px=2550, height_px=3300, prompt="Line art of a friendly dinosaur",
                  negative_prompt="shading, colour")
    values.update(changes)
    return ImageRequest(**values)


def test_generates_a_png_with_the_documented_request(server, fake):
    result = provider(server).generate(page_request())
    image = Image.open(io.BytesIO(result.data))
    assert image.format == "PNG" and image.size == (768, 1024)
    assert (result.provider, result.model, result.seed) == ("openrouter",
                                                            "google/gemini-2.5-flash-image", 7)
    sent = fake.requests[0]
    assert sent["headers"]["authorization"] == f"Bearer {KEY}"
    body = sent["json"]
    assert body["modalities"] == ["image", "text"]
    assert body["image_config"]["aspect_ratio"] == "3:4"
    assert body["messages"][0]["content"].startswith("Line art of a friendly dinosaur")
    assert "Avoid: shading, colour" in body["messages"][0]["content"]


def test_back_cover_sends_the_cover_as_an_image_to_edit(server, fake):
    cover = io.BytesIO()
    Image.new("RGB", (60, 40), "red").save(cover, format="PNG")
    provider(server).generate(page_request(kind="back_cover", source_image=cover.getvalue()))
    content = fake.requests[0]["json"]["messages"][0]["content"]
    assert content[0]["type"] == "text"
    assert content[1]["image_url"]["url"].startswith("data:image/png;base64,")


def test_429_honours_retry_after_then_succeeds(server, fake):
    fake.retry_after = 0.3
    fake.then("429")
    provider(server).generate(page_request())
    assert len(fake.requests) == 2
    assert fake.requests[1]["at"] - fake.requests[0]["at"] >= 0.28


def test_5xx_and_timeouts_are_retried(server, fake):
    fake.then("500", "502", "slow")
    result = provider(server).generate(page_request())
    assert result.data and len(fake.requests) == 4


def test_gives_up_after_the_bound_as_retryable(server, fake):
    fake.then("500", "500", "500", "500", "500")
    with pytest.raises(ProviderError) as caught:
        provider(server, max_attempts=3).generate(page_request())
    assert caught.value.retryable and len(fake.requests) == 3
    assert "Upstream provider error" in str(caught.value) and "3 attempts" in str(caught.value)


def test_retry_after_beyond_the_cap_gives_up_at_once(server, fake):
    fake.retry_after = 600
    fake.then("429")
    with pytest.raises(ProviderError) as caught:
        provider(server, retry_after_cap=5).generate(page_request())
    assert caught.value.retryable and len(fake.requests) == 1


def test_wrong_key_is_permanent_and_never_echoed(server, fake):
    with pytest.raises(ProviderError) as caught:
        provider(server, key="sk-or-v1-WRONG-secret").generate(page_request())
    assert not caught.value.retryable
    assert "401" in str(caught.value) and "No auth credentials found" in str(caught.value)
    assert "WRONG-secret" not in str(caught.value)
    assert len(fake.requests) == 1


@pytest.mark.parametrize(("behaviour", "words"), [
    ("400", "image output is not supported"),
    ("402", "Insufficient credits"),
    ("403", "flagged by moderation"),
    ("refused_in_200", "Output flagged"),
])
def test_permanent_errors_are_not_retried(server, fake, behaviour, words):
    fake.then(behaviour)
    with pytest.raises(ProviderError) as caught:
        provider(server).generate(page_request())
    assert not caught.value.retryable and words in str(caught.value)
    assert len(fake.requests) == 1


def test_an_error_inside_a_200_is_retried(server, fake):
    fake.then("error_in_200")
    assert provider(server).generate(page_request()).data
    assert len(fake.requests) == 2


@pytest.mark.parametrize(("behaviour", "words"), [
    ("no_image", "returned no image"),
    ("bad_base64", "not valid base64"),
    ("not_image", "not a readable image"),
])
def test_malformed_replies_are_clear_errors(server, fake, behaviour, words):
    # A malformed reply is worth another try, in the one retry layer; when every attempt
    # is malformed, the error says what was wrong and how many requests were made.
    fake.then(*[behaviour] * FAST["max_attempts"])
    with pytest.raises(ProviderError) as caught:
        provider(server).generate(page_request())
    assert words in str(caught.value) and "gave up after 4 attempts" in str(caught.value)
    assert caught.value.retryable
    assert len(fake.requests) == FAST["max_attempts"]


def test_one_malformed_reply_is_retried(server, fake):
    fake.then("no_image")
    assert provider(server).generate(page_request()).data
    assert len(fake.requests) == 2


def test_cancel_stops_waiting_for_a_slow_reply(server, fake):
    fake.slow_seconds = 5
    fake.then("slow")
    started = time.monotonic()
    with pytest.raises(GenerationCancelled):
        provider(server, read_timeout=10).generate(
            page_request(), should_cancel=lambda: time.monotonic() - started > 0.2)
    assert time.monotonic() - started < 1.0


def test_cancel_stops_a_backoff_wait(server, fake):
    fake.retry_after = 30
    fake.then("429")
    started = time.monotonic()
    with pytest.raises(GenerationCancelled):
        provider(server, retry_after_cap=60).generate(
            page_request(), should_cancel=lambda: time.monotonic() - started > 0.2)
    assert time.monotonic() - started < 1.0
