"""The books dimension of `bench scale`: the real web server (`backoffice serve`, embedded
PostgreSQL) at 100, 1,000 and 10,000 books, each with 30 generated pages: dashboard and
/api/ebooks latency at 4 concurrent users, new database connections per request, the
plans of the list and counts, and what deleting a page or a book costs."""

from __future__ import annotations

import os
import random
import signal
import socket
import statistics
import subprocess
import threading
import time

import httpx
import psycopg

from bench.peak import popen_measured, read_peak
from bench.sandbox import Sandbox

USERS = 4
DESIGNS = 30  # room to remove pages: a book keeps at least 24
SORTS = ("newest", "oldest", "title", "author")
STATUSES = (None, "DRAFT", "APPROVED", "PUBLISHED", "REJECTED")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie(box: Sandbox) -> str:
    from backoffice.database import session_scope
    from backoffice.features.accounts import service, sessions

    with session_scope(box.settings) as session:
        user = service.create_user(session, email=f"bench{time.time_ns()}@example.com",
                                   role="admin", password=None, actor="bench")
        raw, _row = sessions.create_session(session, box.settings,
                                            user=service.AuthUser.of(user),
                                            ip="127.0.0.1", user_agent="bench")
    return raw


class Server:
    """`backoffice serve` in a fresh process; DATABASE_URL as given ("" = embedded)."""

    def __init__(self, box: Sandbox, database_url: str = "") -> None:
        self.port = _free_port()
        self.peak_file = str(box.root / f"server-{self.port}.peak.json")
        self.log = open(box.root / "server.log", "ab")  # noqa: SIM115 (closed in stop)
        self.proc = popen_measured(
            "backoffice", ["serve", "--host", "127.0.0.1", "--port", str(self.port)],
            self.peak_file, env={**box.env, "DATABASE_URL": database_url}, log=self.log)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {box.root}/server.log")
            time.sleep(0.3)

    def cpu_seconds(self) -> float:
        """CPU the server process has used (user + system), from /proc/<pid>/stat."""
        with open(f"/proc/{self.proc.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> float | None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        return read_peak(self.peak_file)


def server_sessions(admin_url: str) -> int:
    """Connections the database server has accepted, once every backend has reported."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        def read() -> int:
            admin.execute("SELECT pg_stat_clear_snapshot()")
            return int(admin.execute(
                "SELECT sum(sessions)::bigint FROM pg_stat_database").fetchone()[0])

        value, stable_since, deadline = read(), time.monotonic(), time.monotonic() + 15
        while time.monotonic() - stable_since < 1.5 and time.monotonic() < deadline:
            time.sleep(0.25)
            if (current := read()) != value:
                value, stable_since = current, time.monotonic()
    return value - 1  # not counting this reader


def _paths(rng: random.Random, books: int) -> list[tuple[str, str]]:
    """One user's visit: the dashboard, and the API list in any sort, filter and page."""
    pages = max(1, min(20, books // 15))
    status = rng.choice(STATUSES)
    query = f"/api/ebooks?sort={rng.choice(SORTS)}&page={rng.randint(1, pages)}"
    return [("dashboard", "/"), ("api", query + (f"&status={status}" if status else ""))]


def load(server: Server, cookie: str, books: int, requests_per_user: int
         ) -> dict[str, list[float]]:
    """USERS threads, each with its own keep-alive client, as fast as answers come."""
    timings: dict[str, list[float]] = {"dashboard": [], "api": []}
    lock = threading.Lock()
    errors: list[str] = []

    def user(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=server.url, cookies={"bo_session": cookie},
                          timeout=30) as client:
            for _ in range(requests_per_user // 2):
                for name, path in _paths(rng, books):
                    started = time.perf_counter()
                    response = client.get(path)
                    elapsed = time.perf_counter() - started
                    if response.status_code != 200:
                        errors.append(f"{path}: {response.status_code}")
                    with lock:
                        timings[name].append(elapsed * 1000)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def plans_use_indexes(box: Sandbox) -> list[str]:
    """Problems in the plans of the dashboard's list (every sort, with and without a
    status) and counts; empty when every one reads indexes."""
    from backoffice.database import get_engine
    from backoffice.features.book import service as book
    from backoffice.features.dashboard import service
    from bench.plans import captured_selects, plan_problems

    engine = get_engine(box.settings)

    def work(session) -> None:
        service.stats(session)
        for sort in SORTS:
            for status in (None, "DRAFT"):
                result = service.list_ebooks(session, sort=sort, status=status, page=2)
                ids = [e.id for e in result.items]
                book.latest_jobs(session, ids)
                service.row_extras(session, ids)

    return [f"{problem} in: {' '.join(statement.split())[:90]}..."
            for statement, parameters in captured_selects(engine, work)
            for problem in plan_problems(engine, statement, parameters)]


def deletion_databases(box: Sandbox, sizes: list[int]) -> dict[int, object]:
    """One database per size, migrated and seeded, for measuring deletes side by side;
    returns the Settings that reach each."""
    from backoffice import migrate
    from backoffice.config import Settings
    from backoffice.database import get_engine, libpq_url, start_embedded_server
    from bench.seed import analyze, seed_books

    admin_url = start_embedded_server(box.settings.pgdata_dir)
    reach = {}
    for size in sizes:
        name = f"deletes_{size}"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = box.url.replace("/backoffice?", f"/{name}?", 1)
        migrate.upgrade(url)
        settings = Settings(_env_file=None, DATABASE_URL=libpq_url(url),
                            BACKOFFICE_DATA_DIR=box.root)
        engine = get_engine(settings)
        with engine.begin() as connection:
            seed_books(connection, size, designs=DESIGNS)
        analyze(engine)
        reach[size] = settings
    return reach


def delete_costs(reach: dict[int, object], rounds: int = 18, warm_up: int = 3
                 ) -> dict[int, dict[str, float]]:
    """ms to remove one content page (the editor's action, through its service) and to
    delete a whole book (the database cascade), each committed, at every size.

    The sizes take turns, round after round: whatever load the shared machine is under
    then weighs on all of them alike, so their ratio holds even when each figure
    stretches. After the warm-up rounds: the median, and the fastest."""
    from sqlalchemy import delete, select

    from backoffice.database import session_scope
    from backoffice.features.regeneration.service import remove_page
    from backoffice.models import Ebook, GenerationJob, Page

    def timed(settings, action) -> float:
        started = time.perf_counter()
        with session_scope(settings) as session:
            action(session)
        return (time.perf_counter() - started) * 1000

    books = {}
    for size, settings in reach.items():
        running = select(GenerationJob.ebook_id).where(GenerationJob.status == "running")
        with session_scope(settings) as session:
            drafts = list(session.scalars(select(Ebook.id).where(
                Ebook.status == "DRAFT", Ebook.id.not_in(running))))
        books[size] = random.Random(size).sample(drafts, rounds)
    page_ms: dict[int, list[float]] = {size: [] for size in reach}
    book_ms: dict[int, list[float]] = {size: [] for size in reach}
    for number in range(rounds):
        for size, settings in reach.items():
            ebook_id = books[size][number]
            with session_scope(settings) as session:
                page_id = session.scalar(select(Page.id).where(
                    Page.ebook_id == ebook_id, Page.kind == "content", Page.position == 5))
            cost = timed(settings, lambda s, e=ebook_id, p=page_id: remove_page(
                s, e, p, actor="bench"))
            page_ms[size].append(cost)
            cost = timed(settings, lambda s, e=ebook_id: s.execute(
                delete(Ebook).where(Ebook.id == e)))
            book_ms[size].append(cost)
    return {size: {"page_ms": statistics.median(page_ms[size][warm_up:]),
                   "page_min_ms": min(page_ms[size][warm_up:]),
                   "book_ms": statistics.median(book_ms[size][warm_up:]),
                   "book_min_ms": min(book_ms[size][warm_up:])} for size in reach}
