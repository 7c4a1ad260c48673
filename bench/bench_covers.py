"""Front and back cover composition per template, 8.5x11 at 300 DPI: seconds and the peak
memory of a fresh process that loads five 300-DPI pages from PNG and draws both panels,
as a worker does (target: under 400 MB, issue 22)."""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time

TRIM = "8.5x11"
PALETTE = ("#5b2a86", "#f4a259", "#8cb369", "#f4e285", "#bc4b51")


def _measure(template: str, audience: str) -> dict:
    import cv2
    from PIL import Image

    cv2.setNumThreads(1)
    from backoffice.art.cover import compose_back, compose_front
    from backoffice.art.procedural import render_coloring_page
    from backoffice.kdp import pixels
    from backoffice.kdp.cover_design import CoverDesign

    width, height = pixels.art_size_px(TRIM, 120)
    pngs = []
    for seed, family in enumerate(("mandala", "flowers", "truchet", "islamic_star", "mandala")):
        buffer = io.BytesIO()
        render_coloring_page(family, audience, seed, width, height).save(buffer, "PNG")
        pngs.append(buffer.getvalue())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    design = CoverDesign(template=template, audience=audience, language="fr", palette=PALETTE,
                         title="Mandalas magiques", author="Jeanne Dupont", designs=60,
                         blurb="Soixante dessins à colorier. " * 6, seed=1)
    start = time.perf_counter()
    pages = [Image.open(io.BytesIO(png)) for png in pngs]
    front, _ = compose_front(design, TRIM, pages)
    front_s = time.perf_counter() - start
    del front
    start = time.perf_counter()
    back, _ = compose_back(design, TRIM, pages[1:])
    back_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"front_s": front_s, "back_s": back_s, "pages_peak_mb": before, "peak_mb": peak}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench covers", description=__doc__)
    parser.add_argument("--child", nargs=2, metavar=("TEMPLATE", "AUDIENCE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(*args.child)))
        return
    from backoffice.kdp.cover_design import TEMPLATES

    print(f"{TRIM} panels at 300 DPI from five 300-DPI pages; one fresh process per row on "
          "one core; peak = its ru_maxrss (imports and page rendering included)")
    print(f"{'template':9} {'audience':9} {'front s':>8} {'back s':>7} {'peak MB':>8}")
    for template in TEMPLATES:
        for audience in ("children", "adults"):
            out = subprocess.run([sys.executable, "-m", "bench.bench_covers", "--child",
                                  template, audience], capture_output=True, text=True,
                                 check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{template:9} {audience:9} {row['front_s']:8.2f} {row['back_s']:7.2f} "
                  f"{row['peak_mb']:8.1f}")


if __name__ == "__main__":
    main()
