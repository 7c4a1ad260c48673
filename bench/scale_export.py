"""The pages dimension of `bench scale`: exporting books of 50, 300 and 590 interior pages
(24, 149 and 294 designs, single-sided with front matter, as the product makes them):
interior, full-wrap cover and preflight, each book in a fresh process that first imports
the whole web application, as the server exporting it has. Beside it, the bare G4 floor:
decoding the same stored PNGs and encoding them to CCITT G4, nothing else, in a fresh
process too. Everything here is single-threaded: one core, whose CPU seconds are the times
compared (wall times are printed too).

Designs are synthetic 1-bit line art as dense as real pages (50 kB of G4 each, real pages
make 35-60 kB) at the art size of a 590-page book, the narrowest: they fit every size."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

TRIM = "8.5x11"
SIZES = (50, 300, 590)


def designs_for(pages: int) -> int:
    from backoffice.kdp import pixels

    for designs in range(1, pages):
        if pixels.interior_pages(designs) == pages:
            return designs
    raise ValueError(f"no single-sided book with front matter has {pages} pages")


def prepare(folder: Path, designs: int) -> None:
    """Stored designs and the two cover panels a book of that size needs."""
    from backoffice.art.procedural import render_back_cover_art, render_cover_art
    from backoffice.art.themes import themes_in
    from backoffice.config import Settings
    from backoffice.kdp import pixels
    from bench.bench_export import make_pages

    make_pages(folder, designs, pixels.interior_pages(designs))
    theme = themes_in(str(Settings(_env_file=None).themes_dir))["mandalas"]
    width, height = pixels.panel_size_px(TRIM)
    for name, render in (("cover", render_cover_art), ("back_cover", render_back_cover_art)):
        render(tuple(theme.palette), dict(theme.procedural.families), 2026, width,
               height).save(folder / f"{name}.png")


def cover_panels(folder: Path) -> dict[str, Path]:
    return {name: folder / f"{name}.png" for name in ("cover", "back_cover")}


class Clock:
    """Wall and CPU seconds of each step. The work is single-threaded, so CPU seconds are
    its time on one core, and they stay put on a machine shared with others, where wall
    time stretches with everyone else's load."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.laps[f"{name}_s"], self.laps[f"{name}_cpu"] = wall - self._wall, cpu - self._cpu
        self._wall, self._cpu = wall, cpu


def _designs(folder: Path, count: int) -> list[Path]:
    return sorted(folder.glob("page-*.png"))[:count]


def _export(folder: Path, designs: int, out: Path) -> dict:
    import backoffice.main  # noqa: F401  (the web application's imports: its baseline)
    from backoffice.kdp.cover_pdf import build_cover_pdf
    from backoffice.kdp.interior_pdf import (
        InteriorOptions,
        build_interior_pdf,
        interior_page_total,
    )
    from backoffice.kdp.preflight import run_preflight
    from bench.peak import peak_mb

    imports = peak_mb()
    options = InteriorOptions(trim=TRIM, paper="white", title="Le plus grand livre",
                              author="Bench", year=2026)
    total = interior_page_total(designs, options)
    clock = Clock()
    build_interior_pdf(_designs(folder, designs), out / "interior.pdf", options)
    clock.lap("interior")
    panels = cover_panels(folder)
    build_cover_pdf(panels["cover"], panels["back_cover"], out / "cover.pdf", trim=TRIM,
                    paper="white", interior_pages=total, title="Le plus grand livre",
                    subtitle="", author="Bench", spine_color="#1d3557")
    clock.lap("cover")
    report = run_preflight(out / "interior.pdf", out / "cover.pdf", trim=TRIM, paper="white")
    clock.lap("preflight")
    return {"pages": total, "designs": designs, **clock.laps, "peak_mb": peak_mb(),
            "import_mb": imports, "passed": report.passed, "failed": report.failed(),
            "pdf_mb": (out / "interior.pdf").stat().st_size / 1e6}


def _floor(folder: Path, designs: int) -> dict:
    """What the interior cannot avoid: read each stored PNG, encode it to one G4 strip."""
    from PIL import Image

    clock, encoded = Clock(), 0
    for path in _designs(folder, designs):
        with Image.open(path) as img:
            buffer = io.BytesIO()
            img.save(buffer, format="TIFF", compression="group4",
                     strip_size=(img.width + 7) // 8 * img.height + 1)
            encoded += buffer.tell()
    clock.lap("floor")
    return {**clock.laps, "g4_mb": encoded / 1e6}


def run(kind: str, folder: Path, designs: int, out: Path) -> dict:
    """One measurement in a fresh interpreter."""
    from bench.peak import run_measured

    result = run_measured("bench.scale_export", [kind, str(folder), str(designs), str(out)])
    if result["returncode"] != 0:
        raise RuntimeError(f"{kind} of {designs} designs failed:\n{result['stderr'][-2000:]}")
    return json.loads(result["stdout"].strip().splitlines()[-1]) | {
        "process_peak_mb": result["peak_mb"]}


if __name__ == "__main__":
    kind, folder, count, out = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    work = {"export": lambda: _export(folder, count, Path(out)),
            "floor": lambda: _floor(folder, count)}[kind]
    print(json.dumps(work()))
