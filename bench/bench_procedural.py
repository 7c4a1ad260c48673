"""Per page generation + gate time and peak memory by family, layout and audience (and by
subject theme), 8.5x11 at 300 DPI, each in a fresh process on one core."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from bench.peak import child_environment, peak_mb

# Safe area of an 8.5x11 page (trim minus 0.375" margins, 0.375" gutter) at 300 DPI.
WIDTH_PX, HEIGHT_PX, DPI = 2325, 3075, 300
AUDIENCES = ("toddlers", "children", "adults")


def _designs(family: str, layout: str, audience: str, pages: int) -> list:
    """Planned designs with this layout, from one-family books (varied motif sets)."""
    from backoffice.art.procedural import FAMILIES
    from backoffice.art.procedural.planner import BookPlan

    found = []
    for book in range(100):
        plan = BookPlan(FAMILIES, {family: 1.0}, audience, 500 + book)
        found += [p.design for p in (plan.page(i) for i in range(12))
                  if p.design.layout == layout][:1]
        if len(found) == pages:
            return found
    return found


def _measure(family: str, layout: str, audience: str, pages: int) -> dict:
    import cv2

    # The target is per page on ONE core: OpenCV would otherwise use every core.
    cv2.setNumThreads(1)
    from backoffice.art.procedural import render_coloring_page
    from backoffice.art.quality import evaluate_page

    designs = _designs(family, layout, audience, pages)
    render_coloring_page(family, audience, 0, 200, 260, 24, designs[0])  # imports, caches
    start = time.perf_counter()
    cpu_start = time.process_time()
    passed = 0
    worst = 0.0
    for seed, design in enumerate(designs):
        began = time.perf_counter()
        image = render_coloring_page(family, audience, seed, WIDTH_PX, HEIGHT_PX, DPI, design)
        passed += evaluate_page(image, dpi=DPI, audience=audience).passed
        worst = max(worst, time.perf_counter() - began)
    seconds = (time.perf_counter() - start) / len(designs)
    # CPU time too: on a shared machine the wall clock also counts other processes' turns.
    cpu = (time.process_time() - cpu_start) / len(designs)
    # This fresh process's own high-water mark, imports included (not ru_maxrss, which
    # starts from the parent's figure).
    return {"s_per_page": seconds, "cpu_per_page": cpu, "worst_s": worst, "peak_mb": peak_mb(),
            "passed": passed, "pages": len(designs)}


def _measure_subjects(theme_id: str, audience: str, pages: int) -> dict:
    """Subject pages (art/subjects) of one theme: pages 0..N-1 of a 24-design book."""
    import cv2

    cv2.setNumThreads(1)
    from backoffice.art.quality import evaluate_page
    from backoffice.art.subjects import draw_page
    from backoffice.art.themes import themes_in
    from backoffice.config import Settings

    spec = themes_in(str(Settings(_env_file=None).themes_dir))[theme_id].subjects
    assert spec is not None

    def page(index: int):
        return draw_page(spec, audience, book_seed=2026, page_index=index, designs=24,
                         seed=index, width_px=WIDTH_PX, height_px=HEIGHT_PX, dpi=DPI)

    page(23)  # warm-up: fonts, catalogue and imports load once per process
    start, cpu = time.perf_counter(), time.process_time()
    passed = 0
    for index in range(pages):
        passed += evaluate_page(page(index).image, dpi=DPI, audience=audience).passed
    seconds = (time.perf_counter() - start) / pages
    cpu_seconds = (time.process_time() - cpu) / pages
    return {"s_per_page": seconds, "cpu_per_page": cpu_seconds, "peak_mb": peak_mb(),
            "passed": passed, "pages": pages}


def _subject_rows(pages: int) -> None:
    from backoffice.art.themes import themes_in
    from backoffice.config import Settings

    themes = themes_in(str(Settings(_env_file=None).themes_dir))
    print(f"\nSubject themes (art/subjects): {pages} pages each of a 24-design book, gate "
          "included, one fresh process per row on one core")
    print(f"{'theme':16} {'audience':9} {'s/page':>7} {'cpu s':>6} {'peak MB':>8} {'gate':>6}")
    for theme_id, theme in themes.items():
        if theme.subjects is None:
            continue
        for audience in AUDIENCES:
            out = subprocess.run(
                [sys.executable, "-m", "bench.bench_procedural", "--pages", str(pages),
                 "--subjects", theme_id, audience], capture_output=True, text=True, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{theme_id:16} {audience:9} {row['s_per_page']:7.3f} "
                  f"{row['cpu_per_page']:6.3f} {row['peak_mb']:8.1f} "
                  f"{row['passed']:>3}/{row['pages']}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench procedural", description=__doc__)
    parser.add_argument("--pages", type=int, default=3, help="pages per combination")
    parser.add_argument("--child", nargs=3, metavar=("FAMILY", "LAYOUT", "AUDIENCE"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--subjects", nargs=2, metavar=("THEME", "AUDIENCE"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--only-subjects", action="store_true",
                        help="skip the pattern families' table")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(*args.child, args.pages)))
        return
    if args.subjects:
        print(json.dumps(_measure_subjects(*args.subjects, args.pages)))
        return
    if args.only_subjects:
        _subject_rows(args.pages)
        return
    from backoffice.art.procedural import FAMILIES

    print(f"8.5x11 safe area {WIDTH_PX}x{HEIGHT_PX} px at {DPI} DPI, {args.pages} pages each; "
          "one fresh process per row on one core (OpenCV limited to 1 thread), "
          "peak = its own VmHWM (imports included)")
    print(f"{'family':16} {'layout':11} {'audience':9} {'s/page':>7} {'cpu s':>6} {'worst':>6} "
          f"{'peak MB':>8} {'gate':>6}")
    times = []
    for family, layouts in FAMILIES.items():
        for layout, spec in layouts.items():
            for audience in AUDIENCES:
                if audience not in spec.audiences:
                    continue
                out = subprocess.run(
                    [sys.executable, "-m", "bench.bench_procedural", "--pages", str(args.pages),
                     "--child", family, layout, audience], capture_output=True, text=True,
                    check=True, env=child_environment(None))
                row = json.loads(out.stdout.strip().splitlines()[-1])
                times.append(row["cpu_per_page"])
                print(f"{family:16} {layout:11} {audience:9} {row['s_per_page']:7.3f} "
                      f"{row['cpu_per_page']:6.3f} {row['worst_s']:6.2f} {row['peak_mb']:8.1f} "
                      f"{row['passed']:>3}/{row['pages']}", flush=True)
    times.sort()
    print(f"CPU per page: median {times[len(times) // 2]:.3f} s, slowest layout "
          f"{times[-1]:.3f} s")
    _subject_rows(args.pages)


if __name__ == "__main__":
    main(sys.argv[1:])
