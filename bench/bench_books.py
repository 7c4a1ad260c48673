"""A 24-page book of every shipped theme, for toddlers, children and adults, through the
real page pipeline (provider, gate, retries): prints the gate's figures per book, the
distinct layouts drawn, the most regions under the gate's small-region limit and, for
subject themes, how many distinct main subjects it shows ("mains")."""

from __future__ import annotations

import statistics
import sys
import time

from backoffice.art.themes import themes_in
from backoffice.config import Settings
from backoffice.kdp import pixels
from backoffice.providers.drawing import PageSpec, make_page_image, page_seed

PAGES = 24
TRIM = "8.5x11"


def book_figures(settings: Settings, theme_id: str, audience: str) -> dict:
    interior = pixels.interior_pages(PAGES)
    results = []
    started = time.perf_counter()
    for position in range(1, PAGES + 1):
        spec = PageSpec(kind="content", position=position, theme_id=theme_id,
                        audience=audience, trim=TRIM, designs=PAGES, interior_pages=interior,
                        book_seed=2026, seed=page_seed(2026, "content", position),
                        title="", subtitle="", author="")
        results.append(make_page_image(settings, spec).quality)
    elapsed = time.perf_counter() - started
    metrics = [q["metrics"] for q in results]
    regions = [m["regions"]["count"] for m in metrics]
    strokes = [m["stroke_pt"]["p5"] for m in metrics]
    return {
        "passed": sum(q["passed"] for q in results),
        "first_try": sum(q["passed"] and q["attempt"] == 1 for q in results),
        "families": len({q.get("family") for q in results}),
        # Subject pages record their main subject; pattern pages have none.
        "mains": len({q["main"] for q in results if q.get("main")}),
        "layouts": len({(q.get("family"), q.get("layout")) for q in results}),
        "small": max(m["regions"]["small"] for m in metrics),
        "regions": (min(regions), statistics.median(regions), max(regions)),
        "stroke_p5": (min(strokes), max(strokes)),
        "ink": (min(m["ink_coverage"] for m in metrics), max(m["ink_coverage"] for m in metrics)),
        "binarity": max(m["binarity"] for m in metrics),
        "failures": sorted({f["code"] for q in results for f in q["failures"]}),
        "s_per_page": elapsed / PAGES,
    }


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="bench books", description=__doc__)
    parser.add_argument("--themes", help="comma-separated theme ids (default: all)")
    parser.add_argument("--audiences", default="toddlers,children,adults")
    args = parser.parse_args(argv)
    settings = Settings(_env_file=None)
    themes = themes_in(str(settings.themes_dir))
    if args.themes:
        themes = {t: themes[t] for t in args.themes.split(",")}
    print(f"24-page books at {TRIM}, 300 DPI, seed 2026, through the page pipeline "
          "(gate failures are redrawn with the next seed).")
    print("families: pattern families used ('subjects' for subject pages); mains: distinct "
          "main subjects.")
    print(f"{'theme':<14}{'audience':<10}{'pass':>6}{'1st try':>9}{'families':>10}{'mains':>7}"
          f"{'layouts':>9}{'regions min/med/max':>22}{'small':>7}{'p5 stroke pt':>15}"
          f"{'ink %':>12}{'gray':>6}{'s/page':>8}")
    for theme_id in themes:
        for audience in args.audiences.split(","):
            f = book_figures(settings, theme_id, audience)
            regions = "/".join(f"{v:g}" for v in f["regions"])
            print(f"{theme_id:<14}{audience:<10}{f['passed']:>4}/{PAGES}{f['first_try']:>9}"
                  f"{f['families']:>10}{f['mains'] or '-':>7}{f['layouts']:>9}{regions:>22}"
                  f"{f['small']:>7}"
                  f"{f['stroke_p5'][0]:>8.2f}-{f['stroke_p5'][1]:<6.2f}"
                  f"{100 * f['ink'][0]:>6.1f}-{100 * f['ink'][1]:<5.1f}{f['binarity']:>6g}"
                  f"{f['s_per_page']:>8.2f}"
                  + (f"  remaining failures: {', '.join(f['failures'])}"
                     if f["passed"] < PAGES else ""), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
