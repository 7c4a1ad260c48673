"""Plain test-data builders and waits shared by the integration tests."""

from __future__ import annotations

import time

BOOK = {
    "title": "Jardin secret",
    "author": "Camille Dupont",
    "theme": "mandalas",
    "audience": "children",
    "trim_size": "8.5x8.5",
    "paper": "white",
    "page_count": 24,
    "seed": 1234,
}


def wait_for_job(client, ebook_id: int, timeout: float = 240.0) -> dict:
    """Poll the API until the book's latest job has finished; return the book."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/api/ebooks/{ebook_id}").json()
        job = body.get("job") or {}
        if job.get("status") in ("succeeded", "failed", "cancelled", "needs_review"):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"generation did not finish in {timeout}s: {job}")
        time.sleep(0.3)
