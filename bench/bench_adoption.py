"""Adoption benchmark: `db migrate` on a database of the previous system, in one process.

Builds the previous system's database (tests/legacy_db.py: its schema verbatim) on the
embedded PostgreSQL 16 with books of distinct pages (no two alike, so the clean-up cache
never helps), noisy like AI output so the PNGs weigh what real ones do, then adopts it
and prints seconds per imported image and per cleaned content page, and the peak memory.
Usage: python -m bench adoption [--books 3] [--pages 24]
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import tempfile
import time
import uuid
from pathlib import Path

TARGETS = {"seconds_per_content_page": 3.0, "peak_mb": 900.0}


def _noisy_page(seed: int) -> bytes:
    import numpy as np
    from PIL import Image
    from tests import legacy_db

    page = Image.open(io.BytesIO(legacy_db.line_art_png(seed))).convert("L")
    pixels = np.asarray(page, dtype=np.int16)
    noise = np.random.default_rng(seed).integers(-6, 7, pixels.shape, dtype=np.int16)
    noisy = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8)).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench adoption")
    parser.add_argument("--books", type=int, default=3)
    parser.add_argument("--pages", type=int, default=24)
    args = parser.parse_args(argv)

    import psycopg
    from tests import legacy_db

    from backoffice.adoption import migrate_database
    from backoffice.config import DEFAULT_CONFIG_DIR
    from backoffice.database import start_embedded_server, stop_embedded_servers
    from backoffice.storage import FileSystemStorage

    root = Path(tempfile.mkdtemp(prefix="bo-bench-"))
    try:
        admin = start_embedded_server(root / "pg")
        name = "bench_" + uuid.uuid4().hex[:8]
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        socket_dir = admin.split("host=")[1].split("&")[0]
        url = f"postgresql+psycopg://postgres@/{name}?host={socket_dir}"

        counter = iter(range(10**6))
        legacy_db.line_art_png.cache_clear()
        books = [legacy_db.LegacyBook(f"Livre {i}", content_pages=args.pages)
                 for i in range(args.books)]
        original = legacy_db.LegacyBook.images

        def distinct_images(book: legacy_db.LegacyBook) -> list[bytes]:
            images = original(book)
            return [images[0], *(_noisy_page(next(counter)) for _ in images[1:-1]),
                    images[-1]]

        legacy_db.LegacyBook.images = distinct_images  # type: ignore[method-assign]
        try:
            legacy_db.build(url, books)
        finally:
            legacy_db.LegacyBook.images = original  # type: ignore[method-assign]
        start = time.perf_counter()
        outcome = migrate_database(url, storage=FileSystemStorage(root / "files"),
                                   themes_dir=DEFAULT_CONFIG_DIR / "themes")
        seconds = time.perf_counter() - start
        report = outcome.imported
        assert report is not None
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        per_content = seconds / max(1, report.cleaned)
        print(f"{report.books} books, {report.pages} images, {report.cleaned} content pages "
              f"cleaned, in {seconds:.1f} s")
        print(f"  {seconds / max(1, report.pages):.2f} s per image, {per_content:.2f} s per "
              f"content page (target < {TARGETS['seconds_per_content_page']})")
        print(f"  peak memory {peak:.0f} MB (target < {TARGETS['peak_mb']:.0f})")
    finally:
        stop_embedded_servers()
        shutil.rmtree(root, ignore_errors=True)
