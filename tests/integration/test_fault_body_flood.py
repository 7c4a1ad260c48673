"""Anonymous bodies built to be expensive to parse must not stall anyone else: /healthz is
probed over real HTTP against a real uvicorn while they arrive (issue 18).

Before the fix, one 10 MB urlencoded body of tiny fields froze the event loop for 2.4 s on
a quiet machine (the CSRF middleware parsed it with parse_qs); five in parallel for ~11 s.
The bound below is loose on purpose (a loaded 2-core machine): it catches a frozen loop,
not a slow one."""

from __future__ import annotations

import pytest

from tests.live_server import live_server, post_raw, server_env, under_load

FROZEN = 1.0  # seconds: a healthz answer slower than this means the loop was blocked
MB = 1024 * 1024


@pytest.fixture
def server(settings, tmp_path):
    env = server_env(settings.database_url, settings.data_dir, BACKOFFICE_WORKER="external")
    with live_server(env, tmp_path / "server.log") as running:
        yield running


def _flood(server, body: bytes, content_type: str, attackers: int, **kwargs):
    def attack() -> int:
        return post_raw(server, "/login", body, {"Content-Type": content_type}, **kwargs)

    latencies, statuses = under_load(server, attack, attackers)
    print(f"\n{attackers} x {len(body) / MB:.1f} MB {content_type.split(';')[0]}: healthz "
          f"p50 {latencies.median * 1000:.0f} ms, worst {latencies.worst * 1000:.0f} ms, "
          f"{len(latencies.seconds)} probes, {latencies.errors} errors; answers {statuses}")
    return latencies, statuses


def test_tiny_field_floods_do_not_freeze_the_server(server) -> None:
    ten_mb = b"a=b&" * (10 * MB // 4)
    latencies, statuses = _flood(server, ten_mb, "application/x-www-form-urlencoded", 5)
    assert latencies.errors == 0 and latencies.worst < FROZEN
    assert set(statuses) <= {413, 0}  # refused by size before any parsing

    # Under the size limit but far over the field limit: refused after a count, not a parse.
    just_under = b"a=b&" * (MB // 4 - 16)
    latencies, statuses = _flood(server, just_under, "application/x-www-form-urlencoded", 5)
    assert latencies.errors == 0 and latencies.worst < FROZEN
    assert set(statuses) == {413}


def test_multipart_part_floods_do_not_freeze_the_server(server) -> None:
    boundary = "XyZ"
    part = f"--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n".encode()
    body = part * (8 * MB // len(part)) + f"--{boundary}--\r\n".encode()
    latencies, statuses = _flood(server, body, f"multipart/form-data; boundary={boundary}", 3)
    assert latencies.errors == 0 and latencies.worst < FROZEN
    assert set(statuses) <= {413, 0}


def test_a_slow_stream_of_fields_does_not_freeze_the_server(server) -> None:
    """About 4 MB/s of fields with no declared length (chunked), the rate that kept the
    old server frozen: cut off as soon as the stream crosses the limit."""
    body = b"a=b&" * (4 * MB // 4)
    latencies, statuses = _flood(server, body, "application/x-www-form-urlencoded", 2,
                                 chunk=64 * 1024, rate=4 * MB, chunked=True)
    assert latencies.errors == 0 and latencies.worst < FROZEN
    assert set(statuses) <= {413, 0}
