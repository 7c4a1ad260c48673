"""Pages per minute that `backoffice worker` processes draw together, with the s3 store:
one worker, then two, each with its own data folder, sharing only PostgreSQL and a local
S3 server (moto's), drawing one 24-page book (26 images with the covers) each time.

The figures: pages stored per minute from the moment the book is queued until every
page is stored (assembly excluded), with the workers already running; and the CPU
seconds the workers spent per page meanwhile (from /proc), which says what one worker
adds on a core of its own, whatever else the machine runs. All processes here share
this machine's cores: on separate machines each worker brings its own.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def _wait_for_workers(settings, count: int) -> None:
    from sqlalchemy import text

    from backoffice.database import session_scope

    deadline = time.monotonic() + 120
    while True:
        with session_scope(settings) as session:
            alive = session.execute(text("SELECT count(*) FROM procrastinate_workers")
                                    ).scalar_one()
        if alive >= count:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{alive} of {count} workers started")
        time.sleep(0.2)


def _draw_one_book(settings, seed: int) -> tuple[int, float]:
    from tests.helpers import BOOK

    from backoffice.database import session_scope
    from backoffice.features.creation import service
    from backoffice.features.creation.schemas import EbookCreate
    from backoffice.models import GenerationJob
    from backoffice.queue import transaction

    started = time.perf_counter()
    with transaction(settings) as session:
        _, job = service.create_ebook(session, settings, EbookCreate(**{**BOOK, "seed": seed}),
                                      actor="bench")
        job_id = job.id
    while True:
        with session_scope(settings) as session:
            job = session.get(GenerationJob, job_id)
            assert job is not None
            if job.status == "failed":
                raise RuntimeError(job.error)
            # The job's total counts its pages and then the assembly (the PDFs) as one
            # more step: stop when every page is stored.
            pages = len(job.params["page_ids"])
            if job.done >= pages:
                return pages, time.perf_counter() - started
        time.sleep(0.1)


def _cpu_seconds(pid: int) -> float:
    """User + system time of a process and of its finished children (potrace)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _run(settings, env: dict[str, str], root: Path, workers: int, seed: int) -> float:
    processes = []
    try:
        for index in range(workers):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "backoffice", "worker", "--name", f"bench-{index}"],
                env={**env, "BACKOFFICE_DATA_DIR": str(root / f"worker-{workers}-{index}")},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_for_workers(settings, workers)
        cpu_before = sum(_cpu_seconds(p.pid) for p in processes)
        pages, seconds = _draw_one_book(settings, seed)
        cpu = sum(_cpu_seconds(p.pid) for p in processes) - cpu_before
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    rate = pages * 60 / seconds
    print(f"{workers} worker{'s' if workers > 1 else ' '} (concurrency 1 each): {pages} pages "
          f"in {seconds:5.1f} s = {rate:5.1f} pages/minute; {cpu / pages:.2f} CPU s per page "
          f"(= {60 * pages / cpu:.0f} pages/minute per core of its own)", flush=True)
    return rate


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench workers")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)

    import psycopg
    from tests.fakes.s3 import moto_server

    from backoffice import migrate
    from backoffice.config import Settings
    from backoffice.database import start_embedded_server, stop_embedded_servers

    root = Path(tempfile.mkdtemp(prefix="bo-bench-workers-"))
    try:
        admin = start_embedded_server(root / "pg")
        name = "bench_" + uuid.uuid4().hex[:8]
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        socket_dir = admin.split("host=")[1].split("&")[0]
        url = f"postgresql://postgres@/{name}?host={socket_dir}"
        migrate.upgrade(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with moto_server() as s3:
            s3_env = s3.env(s3.new_bucket())
            base = {k: v for k, v in os.environ.items()
                    if not k.startswith(("AWS_", "BACKOFFICE_", "DATABASE_URL"))}
            env = {**base, **s3_env, "DATABASE_URL": url, "BACKOFFICE_WORKER_CONCURRENCY": "1"}
            settings = Settings(_env_file=None, DATABASE_URL=url,
                                BACKOFFICE_DATA_DIR=root / "bench")
            print(f"{os.cpu_count()} CPU cores on this machine, shared by every process "
                  "(workers, PostgreSQL, the S3 server) and by whatever else runs on it; "
                  f"load average {os.getloadavg()[0]:.1f} at the start.")
            rates = {count: _run(settings, env, root, count, seed=100 + count)
                     for count in args.workers}
            if 1 in rates and 2 in rates:
                print(f"the second worker added {rates[2] - rates[1]:.1f} pages/minute "
                      f"(x{rates[2] / rates[1]:.2f})")
    finally:
        stop_embedded_servers()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
