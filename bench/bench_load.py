"""50 signed-in users browse a real `backoffice serve` (uvicorn, in-process worker, its
own PostgreSQL 16) while a 24-page book generates: prints p50/p99 latency and errors per
page kind, and how far the book got.

    python -m bench load            # defaults: 50 users, until the book is done (max 180 s)
    BENCH_USERS=20 BENCH_SECONDS=60 python -m bench load

The load generator runs on the same machine (and cores) as the server: the figures are
what a small team sees with the app on a shared box, not a capacity limit.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

USERS = int(os.environ.get("BENCH_USERS", "50"))
MAX_SECONDS = float(os.environ.get("BENCH_SECONDS", "180"))
THINK_SECONDS = 0.5  # between two clicks of one user
BOOK = {"title": "Bench", "author": "Load", "theme": "mandalas", "audience": "children",
        "trim_size": "8.5x8.5", "paper": "white", "page_count": 24, "seed": 2026}


def _database(root: Path) -> str:
    import psycopg

    from backoffice import migrate
    from backoffice.database import start_embedded_server

    admin = start_embedded_server(root / "pg")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute('CREATE DATABASE "bench"')
    socket_dir = admin.split("host=")[1].split("&")[0]
    url = f"postgresql+psycopg://postgres@/bench?host={socket_dir}"
    migrate.upgrade(url)
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _sessions(settings, count: int) -> list[str]:
    """One signed-in browser session per user (made directly: logins are not measured)."""
    from backoffice.database import session_scope
    from backoffice.features.accounts import service, sessions

    raws = []
    with session_scope(settings) as db:
        for n in range(count):
            user = service.create_user(db, email=f"user{n}@example.com", role="editor",
                                       password=None, actor="bench")
            raw, _ = sessions.create_session(db, settings, user=service.AuthUser.of(user),
                                             ip="127.0.0.1", user_agent="bench")
            raws.append(raw)
    return raws


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else 0.0


def main(argv: list[str] | None = None) -> None:
    import httpx
    from tests.live_server import live_server, server_env

    from backoffice.config import Settings
    from backoffice.database import dispose_engines, stop_embedded_servers

    root = Path(tempfile.mkdtemp(prefix="bo-bench-"))
    try:
        url = _database(root)
        settings = Settings(_env_file=None, DATABASE_URL=url, BACKOFFICE_DATA_DIR=root / "data")
        cookies = _sessions(settings, USERS)
        dispose_engines()
        env = server_env(url, root / "data")
        with live_server(env, root / "server.log") as server:
            base = server.base_url
            with httpx.Client(base_url=base, cookies={"bo_session": cookies[0]}) as first:
                first.headers["X-CSRF-Token"] = _csrf(first)
                first.headers["Origin"] = base
                created = first.post("/api/ebooks", json=BOOK)
                created.raise_for_status()
                ebook_id = created.json()["ebook"]["id"]
            paths = {
                "dashboard": "/",
                "book page": f"/ebooks/{ebook_id}",
                "progress (htmx)": f"/ebooks/{ebook_id}/progress",
                "api list": "/api/ebooks",
                "api book": f"/api/ebooks/{ebook_id}",
            }
            latencies: dict[str, list[float]] = defaultdict(list)
            errors: dict[str, int] = defaultdict(int)
            stop = threading.Event()
            started = time.monotonic()

            def user(raw: str, seed: int) -> None:
                rng = random.Random(seed)
                with httpx.Client(base_url=base, cookies={"bo_session": raw},
                                  timeout=60) as http:
                    stop.wait(rng.uniform(0, THINK_SECONDS))
                    while not stop.is_set():
                        name = rng.choice(list(paths))
                        began = time.perf_counter()
                        try:
                            status = http.get(paths[name]).status_code
                        except httpx.HTTPError:
                            status = 0
                        latencies[name].append(time.perf_counter() - began)
                        if status != 200:
                            errors[name] += 1
                        stop.wait(rng.uniform(0.5, 1.5) * THINK_SECONDS)

            threads = [threading.Thread(target=user, args=(raw, n), daemon=True)
                       for n, raw in enumerate(cookies)]
            for thread in threads:
                thread.start()
            finished_at = None
            with httpx.Client(base_url=base, cookies={"bo_session": cookies[0]}) as watcher:
                while time.monotonic() - started < MAX_SECONDS:
                    job = watcher.get(f"/api/ebooks/{ebook_id}").json()["job"]
                    if job["status"] in ("succeeded", "failed", "cancelled"):
                        finished_at = time.monotonic() - started
                        break
                    time.sleep(1)
            stop.set()
            for thread in threads:
                thread.join(timeout=70)
            elapsed = time.monotonic() - started
        _report(latencies, errors, elapsed, job, finished_at)
    finally:
        dispose_engines()
        stop_embedded_servers()
        shutil.rmtree(root, ignore_errors=True)


def _csrf(client) -> str:
    import re

    page = client.get("/account").text
    found = re.search(r'"X-CSRF-Token": "([^"]+)"', page)
    assert found, "no CSRF token on the account page"
    return found.group(1)


def _report(latencies, errors, elapsed, job, finished_at) -> None:
    book = (f"{job['status']} ({job['done']}/{job['total']} steps) in {finished_at:.0f} s"
            if finished_at is not None else f"still {job['status']} at {job['done']}/"
            f"{job['total']} after {elapsed:.0f} s")
    print(f"{USERS} users for {elapsed:.0f} s while a 24-page book generated: {book}")
    print(f"{'page':<18}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    every: list[float] = []
    for name in sorted(latencies):
        values = latencies[name]
        every += values
        print(f"{name:<18}{len(values):>9}{1000 * statistics.median(values):>9.0f}"
              f"{1000 * _percentile(values, 99):>9.0f}{1000 * max(values):>9.0f}"
              f"{errors[name]:>8}")
    print(f"{'all':<18}{len(every):>9}{1000 * statistics.median(every):>9.0f}"
          f"{1000 * _percentile(every, 99):>9.0f}{1000 * max(every):>9.0f}"
          f"{sum(errors.values()):>8}   ({len(every) / elapsed:.0f} requests/s)")


if __name__ == "__main__":
    main()
