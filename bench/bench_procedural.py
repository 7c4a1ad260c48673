"""Per page generation + gate time and peak memory by family and audience, 8.5x11 at 300 DPI."""

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


def _measure(family: str, audience: str, pages: int) -> dict:
    import cv2

    # The target is per page on ONE core: OpenCV would otherwise use every core.
    cv2.setNumThreads(1)
    from backoffice.art.procedural import render_coloring_page
    from backoffice.art.quality import evaluate_page

    start = time.perf_counter()
    passed = 0
    for seed in range(pages):
        image = render_coloring_page(family, audience, seed, WIDTH_PX, HEIGHT_PX, DPI)
        passed += evaluate_page(image, dpi=DPI, audience=audience).passed
    seconds = (time.perf_counter() - start) / pages
    # This fresh process's own high-water mark, imports included (not ru_maxrss, which
    # starts from the parent's figure).
    return {"s_per_page": seconds, "peak_mb": peak_mb(), "passed": passed, "pages": pages}


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
    parser.add_argument("--child", nargs=2, metavar=("FAMILY", "AUDIENCE"), help=argparse.SUPPRESS)
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
    print(f"{'family':16} {'audience':9} {'s/page':>7} {'peak MB':>8} {'gate':>6}")
    for family in FAMILIES:
        for audience in AUDIENCES:
            out = subprocess.run(
                [sys.executable, "-m", "bench.bench_procedural", "--pages", str(args.pages),
                 "--child", family, audience], capture_output=True, text=True, check=True,
                env=child_environment(None))
            row = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{family:16} {audience:9} {row['s_per_page']:7.3f} {row['peak_mb']:8.1f} "
                  f"{row['passed']:>3}/{row['pages']}")
    _subject_rows(args.pages)


if __name__ == "__main__":
    main(sys.argv[1:])
