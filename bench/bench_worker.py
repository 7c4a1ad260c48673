"""Peak memory of a worker generating books, each in a fresh process (VmHWM, never the
parent's figure), on an embedded PostgreSQL of its own:

- `backoffice book create --wait` (the CLI runs the worker in-process: covers, pages with
  their quality gate two at a time, then the PDFs and the preflight), for each theme asked;
- two books at once through one standalone `backoffice worker`;
- the largest book KDP allows (294 designs, 590 interior pages): its pages are stored
  beforehand (drawing 296 images would take minutes), then a standalone worker runs its
  real assembly job: interior, cover and preflight.

Usage: python -m bench worker [--pages 24] [--themes dinosaurs,mandalas] [--no-largest]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

from bench.peak import peak_mb, popen_measured, read_peak, run_measured
from bench.sandbox import Sandbox, sandbox
from bench.targets import check

BOOK_PEAK_MB = 400.0
TWO_BOOKS_PEAK_MB = 600.0
LARGEST_DESIGNS = 294  # single-sided with front matter: 2 + 2 x 294 = 590 pages
TRIM = "8.5x11"


def _create(box: Sandbox, theme: str, pages: int, seed: int, *, wait: bool) -> dict:
    args = ["book", "create", "--theme", theme, "--pages", str(pages), "--seed", str(seed),
            "--title", f"Bench {theme}", "--author", "Bench", "--trim", TRIM]
    result = run_measured("backoffice", args + (["--wait"] if wait else []), env=box.env)
    if result["returncode"] != 0:
        raise RuntimeError(f"book create failed:\n{result['stderr'][-2000:]}")
    result["ebook_id"] = int(result["stdout"].strip().splitlines()[-1])
    return result


def _jobs_finished(box: Sandbox, ebook_ids: list[int], timeout: float) -> list[str]:
    from sqlalchemy import select

    from backoffice.database import session_scope
    from backoffice.models import GenerationJob

    deadline = time.monotonic() + timeout
    while True:
        with session_scope(box.settings) as session:
            statuses = [session.scalar(select(GenerationJob.status)
                                       .where(GenerationJob.ebook_id == ebook_id)
                                       .order_by(GenerationJob.id.desc()).limit(1))
                        for ebook_id in ebook_ids]
        if all(s in ("succeeded", "failed", "cancelled") for s in statuses):
            return statuses
        if time.monotonic() > deadline:
            raise RuntimeError(f"jobs still running after {timeout:.0f} s: {statuses}")
        time.sleep(0.5)


def _with_worker(box: Sandbox, work, timeout: float = 1800) -> tuple[float, float, list]:
    """Start a standalone worker, run `work()` (which queues jobs and returns their books),
    wait for those jobs, stop the worker; returns (peak MB, seconds, statuses)."""
    with tempfile.NamedTemporaryFile(prefix="bench-peak-", suffix=".json") as peak, \
            open(box.root / "worker.log", "ab") as log:
        worker = popen_measured("backoffice", ["worker"], peak.name, env=box.env, log=log)
        try:
            started = time.perf_counter()
            statuses = _jobs_finished(box, work(), timeout)
            seconds = time.perf_counter() - started
            # Its work is done: its high-water mark so far is its figure (read now, as a
            # slow shutdown on a loaded machine may end in a kill that writes nothing).
            measured = peak_mb(worker.pid)
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        return max(measured, read_peak(peak.name) or 0.0), seconds, statuses


def _store_largest_book(box: Sandbox) -> tuple[int, int]:
    """A 294-design book whose every page already has a stored image, its generation job
    waiting for assembly: what the worker's last job finds after drawing the pages."""
    from sqlalchemy import select

    from backoffice.art.procedural import render_back_cover_art, render_cover_art
    from backoffice.art.themes import themes_in
    from backoffice.database import session_scope
    from backoffice.features.creation import service
    from backoffice.features.creation.schemas import EbookCreate
    from backoffice.kdp import pixels
    from backoffice.models import GenerationJob, Page, PageVersion
    from backoffice.storage import get_storage
    from bench.bench_export import make_pages

    settings = box.settings
    storage = get_storage(settings)
    art = box.root / "art"
    art.mkdir()
    designs = make_pages(art, LARGEST_DESIGNS, pixels.interior_pages(LARGEST_DESIGNS))
    theme = themes_in(str(settings.themes_dir))["mandalas"]
    width, height = pixels.panel_size_px(TRIM)
    panels = {}
    for kind, render in (("cover", render_cover_art), ("back_cover", render_back_cover_art)):
        path = art / f"{kind}.png"
        render(tuple(theme.palette), dict(theme.procedural.families), 2026, width,
               height).save(path)
        panels[kind] = path
    with session_scope(settings) as session:
        ebook, job = service.create_ebook(session, settings, EbookCreate(
            title="Le plus grand livre", author="Bench", theme="mandalas",
            audience="adults", trim_size=TRIM, paper="white", page_count=LARGEST_DESIGNS,
            seed=2026), actor="bench")
        for page in session.scalars(select(Page).where(Page.ebook_id == ebook.id)).all():
            source = panels.get(page.kind) or designs[page.position - 1]
            version = PageVersion(page_id=page.id, generation_job_id=job.id,
                                  image_key=storage.put(source.read_bytes(), ".png"),
                                  provider="procedural", model="bench", seed=page.position,
                                  quality={})
            session.add(version)
            session.flush()
            page.current_version_id = version.id
        job = session.get(GenerationJob, job.id)
        job.status, job.step, job.done = "running", "assembly", job.total - 1
        return ebook.id, job.id


def main(argv: list[str] | None = None) -> None:
    from backoffice.art.themes import themes_in
    from backoffice.config import Settings

    parser = argparse.ArgumentParser(prog="bench worker", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=24, help="designs per book")
    parser.add_argument("--themes", default="dinosaurs,mandalas",
                        help="comma-separated, or 'all'")
    parser.add_argument("--no-largest", action="store_true")
    args = parser.parse_args(argv)
    known = list(themes_in(str(Settings(_env_file=None).themes_dir)))
    themes = known if args.themes == "all" else args.themes.split(",")

    with sandbox("bw-") as box:
        print(f"{args.pages}-design books at {TRIM}, procedural provider, worker concurrency "
              f"{box.settings.worker_concurrency}; peak = the process's own VmHWM")
        print(f"{'run':<44}{'seconds':>9}{'peak MB':>9}  status")
        peaks = []
        for number, theme in enumerate(themes):
            result = _create(box, theme, args.pages, 100 + number, wait=True)
            peaks.append(result["peak_mb"])
            print(f"{'book create --wait, ' + theme:<44}{result['seconds']:>9.1f}"
                  f"{result['peak_mb']:>9.0f}  {result['stderr'].strip().splitlines()[-1]}",
                  flush=True)

        def two_books() -> list[int]:
            return [_create(box, theme, args.pages, 200 + n, wait=False)["ebook_id"]
                    for n, theme in enumerate((themes * 2)[:2])]

        two_peak, two_seconds, statuses = _with_worker(box, two_books)
        print(f"{'worker, two books at once':<44}{two_seconds:>9.1f}{two_peak:>9.0f}  "
              f"{', '.join(statuses)}", flush=True)

        largest_peak = None
        if not args.no_largest:
            from backoffice.queue import close_deferrers, defer

            ebook_id, job_id = _store_largest_book(box)

            def assemble() -> list[int]:
                defer(box.settings, "ebook.finalize", generation_job_id=job_id)
                close_deferrers()
                return [ebook_id]

            largest_peak, seconds, statuses = _with_worker(box, assemble)
            print(f"{'worker, assembly of a 590-page book':<44}{seconds:>9.1f}"
                  f"{largest_peak:>9.0f}  {', '.join(statuses)}", flush=True)

        print("\nTargets:")
        check("worker generating a book, peak", max(peaks + [largest_peak or 0]), "<",
              BOOK_PEAK_MB, " MB", f"themes: {', '.join(themes)}"
              + ("; and a 590-page assembly" if largest_peak else ""))
        check("worker generating two books at once, peak", two_peak, "<", TWO_BOOKS_PEAK_MB,
              " MB")


if __name__ == "__main__":
    os.environ.setdefault("PGSERVER_POSTGRES_VERSION", "16")
    main(sys.argv[1:])
