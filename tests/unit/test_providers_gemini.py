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
from tests.fakes.gemini import FakeGemini
from tests.fakes.server import serve

KEY = "gm-test-key-123"
FAST = {"connect_timeout": 1.0, "read_timeout": 0.5, "max_attempts": 4,
        "backoff_base": 0.01, "backoff_cap": 0.05}


@pytest.fixture(scope="module")
def server():
    fake = FakeGemini(KEY)
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
    settings = Settings(_env_file=None, gemini_api_key=key, gemini_base_url=f"{url}/v1beta")
    return create_provider("gemini", model="gemini-2.5-flash-image",
                           options={**FAST, **options}, settings=settings)


def cover_request(**changes) -> ImageRequest:
    values = dict(kind="cover", theme_id="pirates", audience="adults", seed=11,
                  width_px=2625, height_px=3375, prompt="A pirate ship cover",
                  negative_prompt="text, letters")
    values.update(changes)
    return ImageRequest(**values)


def test_image_from_any_part_key_only_in_the_header(server, fake):
    result = provider(server).generate(cover_request())
    assert Image.open(io.BytesIO(result.data)).format == "PNG"
    assert result.meta["aspect_ratio"] == "4:5"  # 2625 x 3375
    sent = fake.requests[0]
    assert sent["model"] == "gemini-2.5-flash-image"
    assert sent["headers"]["x-goog-api-key"] == KEY
    assert KEY not in sent["query"] and "key=" not in sent["query"]
    config = sent["json"]["generationConfig"]
    assert config["responseModalities"] == ["TEXT", "IMAGE"]
    assert config["seed"] == 11
    assert "Avoid: text, letters" in sent["json"]["contents"][0]["parts"][0]["text"]


def test_back_cover_edit_sends_inline_data(server, fake):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "blue").save(buffer, format="PNG")
    provider(server).generate(cover_request(kind="back_cover", source_image=buffer.getvalue()))
    parts = fake.requests[0]["json"]["contents"][0]["parts"]
    assert parts[1]["inline_data"]["mime_type"] == "image/png"


def test_resource_exhausted_waits_retry_after(server, fake):
    fake.retry_after = 0.3
    fake.then("429")
    provider(server).generate(cover_request())
    assert len(fake.requests) == 2
    assert fake.requests[1]["at"] - fake.requests[0]["at"] >= 0.28


def test_unavailable_internal_and_timeout_are_retried(server, fake):
    fake.then("503", "500", "slow")
    assert provider(server).generate(cover_request()).data
    assert len(fake.requests) == 4


def test_bad_key_is_permanent_with_googles_words(server, fake):
    with pytest.raises(ProviderError) as caught:
        provider(server, key="gm-WRONG-secret").generate(cover_request())
    assert not caught.value.retryable
    assert "API key not valid" in str(caught.value) and "WRONG-secret" not in str(caught.value)
    assert len(fake.requests) == 1


def test_permission_denied_is_permanent(server, fake):
    fake.then("403")
    with pytest.raises(ProviderError) as caught:
        provider(server).generate(cover_request())
    assert not caught.value.retryable and "unregistered callers" in str(caught.value)


@pytest.mark.parametrize(("behaviour", "words", "retryable"), [
    ("blocked", "prompt was blocked (SAFETY)", False),
    ("safety", "safety filter (finishReason IMAGE_SAFETY)", False),
    ("no_image", "returned no image (finishReason STOP; it said: Here is a description", True),
    ("bad_base64", "not valid base64", True),
    ("not_image", "not a readable image", True),
])
def test_refusals_and_malformed_replies(server, fake, behaviour, words, retryable):
    # Refusals are final at once; malformed replies are tried again (the one retry layer),
    # and when every attempt is malformed the error says so.
    attempts = FAST["max_attempts"] if retryable else 1
    fake.then(*[behaviour] * attempts)
    with pytest.raises(ProviderError) as caught:
        provider(server).generate(cover_request())
    assert words in str(caught.value)
    assert caught.value.retryable is retryable
    assert len(fake.requests) == attempts


def test_cancel_while_the_model_works(server, fake):
    fake.slow_seconds = 5
    fake.then("slow")
    started = time.monotonic()
    with pytest.raises(GenerationCancelled):
        provider(server, read_timeout=10).generate(
            cover_request(), should_cancel=lambda: time.monotonic() - started > 0.2)
    assert time.monotonic() - started < 1.0
