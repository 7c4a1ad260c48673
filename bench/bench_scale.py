"""Growth table: what changes as a team's database and its books grow.

Books (100 / 1,000 / 10,000, seeded in bulk, 30 pages each): the real server's dashboard
and /api/ebooks at 4 concurrent users, new database connections per request, whether the
list and counts read indexes, and the cost of deleting a page or a book.
Pages (50 / 300 / 590 interior pages): a book's export (interior, cover, preflight) and the
bare G4 floor of its designs, each in a fresh process.

Usage: python -m bench scale   (or python -m bench.bench_scale [--books 100,1000]
       [--pages 50,590] [--requests 200] [--repeat 2] [--no-books] [--no-pages])
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench import scale_books, scale_export
from bench.targets import check

P99_MS = 50.0
DELETE_GROWTH = 2.0
EXPORT_PEAK_MB = 300.0
FLOOR_RATIO = 1.2
LINEAR = 1.2


def _sizes(text: str) -> list[int]:
    return sorted(int(part.replace("_", "")) for part in text.split(","))


def books_dimension(sizes: list[int], requests: int) -> list[dict]:
    from backoffice.database import get_engine, libpq_url, start_embedded_server
    from bench.sandbox import sandbox
    from bench.seed import analyze, seed_books

    rows = []
    with sandbox("bs-") as box:
        admin_url = start_embedded_server(box.settings.pgdata_dir)
        cookie = scale_books._session_cookie(box)
        engine = get_engine(box.settings)
        seeded = 0
        for size in sizes:
            with engine.begin() as connection:
                seed_books(connection, size - seeded, designs=scale_books.DESIGNS)
            seeded = size
            analyze(engine)
            server = scale_books.Server(box)
            scale_books.load(server, cookie, size, 20)  # warm caches and the pool
            before = scale_books.server_sessions(admin_url)
            cpu = server.cpu_seconds()
            timings = scale_books.load(server, cookie, size, requests)
            cpu = server.cpu_seconds() - cpu
            opened = scale_books.server_sessions(admin_url) - before
            server_peak = server.stop()
            served = sum(len(t) for t in timings.values())
            rows.append({
                "books": size, "server_peak_mb": server_peak, "requests": served,
                "opened": opened, "plans": scale_books.plans_use_indexes(box),
                "cpu_ms": 1000 * cpu / served,
                **{f"{name}_p{q}": scale_books.percentile(values, q / 100)
                   for name, values in timings.items() for q in (50, 99)}})
            print(f"  {size:>6} books: dashboard p50/p99 {rows[-1]['dashboard_p50']:.1f}/"
                  f"{rows[-1]['dashboard_p99']:.1f} ms, api {rows[-1]['api_p50']:.1f}/"
                  f"{rows[-1]['api_p99']:.1f} ms, {opened} new connections for {served} "
                  f"requests", flush=True)
        # The other mode: the same database named by DATABASE_URL.
        server = scale_books.Server(box, database_url=libpq_url(box.url))
        scale_books.load(server, cookie, seeded, 20)
        before = scale_books.server_sessions(admin_url)
        timings = scale_books.load(server, cookie, seeded, requests // 2)
        rows[-1]["url_opened"] = scale_books.server_sessions(admin_url) - before
        rows[-1]["url_requests"] = sum(len(t) for t in timings.values())
        server.stop()
        print("  deletes: one database per size, measured in turns...", flush=True)
        costs = scale_books.delete_costs(scale_books.deletion_databases(box, sizes))
        for row in rows:
            row.update(costs[row["books"]])
    return rows


def pages_dimension(sizes: list[int], repeat: int) -> list[dict]:
    designs = {size: scale_export.designs_for(size) for size in sizes}
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    rows = []
    try:
        art = work / "art"
        art.mkdir()
        print(f"  drawing {max(designs.values())} stored designs and the cover panels...",
              flush=True)
        scale_export.prepare(art, max(designs.values()))
        for size in sizes:
            runs, floors = [], []
            for attempt in range(repeat):  # alternated, fastest kept: the machine is shared
                out = work / f"out-{size}-{attempt}"
                out.mkdir()
                runs.append(scale_export.run("export", art, designs[size], out))
                floors.append(scale_export.run("floor", art, designs[size], out))
            best = min(runs, key=lambda r: r["interior_cpu"])
            row = best | {"floor_cpu": min(f["floor_cpu"] for f in floors),
                          "peak_mb": max(r["peak_mb"] for r in runs)}
            row["cpu"] = sum(row[f"{step}_cpu"] for step in ("interior", "cover", "preflight"))
            row["wall"] = sum(row[f"{step}_s"] for step in ("interior", "cover", "preflight"))
            row["ratio"] = row["interior_cpu"] / row["floor_cpu"]
            rows.append(row)
            print(f"  {size:>4} pages: export {row['cpu']:.1f} CPU s ({row['wall']:.1f} s wall),"
                  f" peak {row['peak_mb']:.0f} MB, interior {row['ratio']:.2f}x the G4 floor",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def print_books(rows: list[dict]) -> None:
    print(f"\n{'books':>7} {'dashboard p50/p99':>18} {'api p50/p99':>14} {'CPU/req':>8} "
          f"{'new conn':>9} {'plans':>8} {'del page':>15} {'del book':>15} {'server':>7}")
    for r in rows:
        print(f"{r['books']:>7} {r['dashboard_p50']:>8.1f}/{r['dashboard_p99']:<6.1f} ms "
              f"{r['api_p50']:>5.1f}/{r['api_p99']:<5.1f}ms {r['cpu_ms']:>5.1f} ms "
              f"{r['opened']:>4}/{r['requests']:<4} "
              f"{'indexes' if not r['plans'] else 'scans':>8} "
              f"{r['page_ms']:>5.1f} ({r['page_min_ms']:>5.1f}) ms "
              f"{r['book_ms']:>5.1f} ({r['book_min_ms']:>5.1f}) ms "
              f"{r['server_peak_mb'] or 0:>4.0f} MB")
    print("  latency: 4 users, keep-alive, wall clock; CPU/req: the server process's CPU per "
          "request; new conn: connections the database accepted / requests served; plans: "
          "the list and counts (scans are right on small tables); deletes: median "
          "(fastest) of 15, committed, sizes measured in turns")


def print_pages(rows: list[dict]) -> None:
    print(f"\n{'pages':>6} {'designs':>8} {'interior':>9} {'cover':>6} {'preflight':>10} "
          f"{'total':>7} {'ms/page':>8} {'wall':>7} {'peak MB':>8} {'G4 floor':>9} {'ratio':>6}")
    for r in rows:
        print(f"{r['pages']:>6} {r['designs']:>8} {r['interior_cpu']:>8.1f}s "
              f"{r['cover_cpu']:>5.1f}s {r['preflight_cpu']:>9.1f}s {r['cpu']:>6.1f}s "
              f"{1000 * r['cpu'] / r['pages']:>8.1f} {r['wall']:>6.1f}s {r['peak_mb']:>8.0f} "
              f"{r['floor_cpu']:>8.1f}s {r['ratio']:>5.2f}x")
    print(f"  CPU seconds (one core) unless marked wall; fastest of the runs. Peak: the "
          f"exporting process's VmHWM, after importing the web application "
          f"({rows[0]['import_mb']:.0f} MB); preflight "
          + ("passed" if all(r["passed"] for r in rows) else "FAILED"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=_sizes, default=[100, 1000, 10_000])
    parser.add_argument("--pages", type=_sizes, default=list(scale_export.SIZES))
    parser.add_argument("--requests", type=int, default=200, help="per user and size")
    parser.add_argument("--repeat", type=int, default=2, help="export runs per size")
    parser.add_argument("--no-books", action="store_true")
    parser.add_argument("--no-pages", action="store_true")
    args = parser.parse_args(argv)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load} at the start")

    books = [] if args.no_books else books_dimension(args.books, args.requests)
    pages = [] if args.no_pages else pages_dimension(args.pages, args.repeat)
    if books:
        print_books(books)
    if pages:
        print_pages(pages)
    print(f"\nload average {', '.join(f'{v:.1f}' for v in os.getloadavg())} at the end")

    print("\nTargets:")
    if books:
        small, large = books[0], books[-1]
        at = f"at {large['books']:,} books"
        check(f"dashboard p99 {at}", large["dashboard_p99"], "<", P99_MS, " ms")
        check(f"/api/ebooks p99 {at}", large["api_p99"], "<", P99_MS, " ms")
        check(f"plan problems in the list and counts {at}", len(large["plans"]), "<=", 0,
              "", "; ".join(large["plans"][:3]))
        # A pool grows to the number of requests served at once, never with their count
        # (the embedded mode used to open 2 connections per request).
        for mode, opened, served in (("embedded", "opened", "requests"),
                                     ("DATABASE_URL", "url_opened", "url_requests")):
            check(f"new DB connections for {large[served]} requests, {mode}", large[opened],
                  "<=", scale_books.USERS, "", "at most one per concurrent user: pooled")
        for name, key in (("removing a page", "page_ms"), ("deleting a book", "book_ms")):
            check(f"{name}: cost at {large['books']:,} / at {small['books']:,} books",
                  large[key] / small[key], "<=", DELETE_GROWTH, "x",
                  f"{small[key]:.1f} ms -> {large[key]:.1f} ms")
    if pages:
        largest = pages[-1]
        check(f"export of a {largest['pages']}-page book, peak", largest["peak_mb"], "<",
              EXPORT_PEAK_MB, " MB")
        check(f"interior of {largest['pages']} pages / bare G4 floor (one core)",
              largest["ratio"], "<=", FLOOR_RATIO, "x")
        if len(pages) > 1:
            middle = pages[-2]
            per_page = [r["cpu"] / r["pages"] for r in (middle, largest)]
            check(f"export time per page, {largest['pages']} / {middle['pages']} pages "
                  "(linear)", per_page[1] / per_page[0], "<=", LINEAR, "x")


if __name__ == "__main__":
    main(sys.argv[1:])
