"""Interior PDF export benchmark: our fpdf2/CCITT G4 path against the previous system's
WeasyPrint HTML with base64 PNGs, on the same stored 1-bit pages, in one run.

Each measurement runs in its own fresh Python process and reads that process's own peak
(VmHWM). Exports of 50 to 590 pages, and their memory, are in `bench scale`.
Usage: python -m bench export [--pages 100] [--no-baseline]
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.targets import check

REPO = Path(__file__).resolve().parents[1]
TRIM = "8.5x11"
TARGETS = {"speedup": 10.0, "smaller": 3.0, "vs_encode": 1.2}


def make_pages(folder: Path, count: int, total_pages: int) -> list[Path]:
    """Stored 1-bit designs at the safe-area size, dense enough to look like line art."""
    from PIL import Image, ImageDraw

    from backoffice.kdp import specs

    safe = specs.safe_area(TRIM, total_pages, "right")
    w, h = round(safe.width * 300), round(safe.height * 300)
    paths = []
    for i in range(count):
        rng = random.Random(i)
        img = Image.new("1", (w, h), 1)
        draw = ImageDraw.Draw(img)
        cx, cy = w // 2, h // 2
        for r in range(80, min(w, h) // 2, rng.randint(40, 90)):
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=0, width=rng.randint(5, 9))
        for _ in range(70):
            x, y = rng.randrange(w), rng.randrange(h)
            draw.line([x, y, x + rng.randint(-600, 600), y + rng.randint(-600, 600)], fill=0,
                      width=rng.randint(5, 10))
        for _ in range(25):
            x, y, r = rng.randrange(w), rng.randrange(h), rng.randint(30, 200)
            draw.ellipse([x - r, y - r, x + r, y + r], outline=0, width=6)
        path = folder / f"page-{i:03d}.png"
        img.save(path, optimize=False)
        paths.append(path)
    return paths


def _art_paths(folder: Path, count: int) -> list[Path]:
    return sorted(folder.glob("page-*.png"))[:count]


def task_ours(folder: Path, count: int, out: Path) -> None:
    from backoffice.kdp.interior_pdf import InteriorOptions, build_interior_pdf

    opts = InteriorOptions(trim=TRIM, paper="white", title="Bench", author="Bench", year=2025,
                           front_matter=False, single_sided=False)
    build_interior_pdf(_art_paths(folder, count), out, opts)


def task_encode(folder: Path, count: int, out: Path) -> None:
    from PIL import Image

    total = 0
    for path in _art_paths(folder, count):
        with Image.open(path) as img:
            buf = io.BytesIO()
            # One strip, as a PDF needs and as the interior builder writes.
            img.save(buf, format="TIFF", compression="group4",
                     strip_size=(img.width + 7) // 8 * img.height + 1)
            total += buf.tell()
    out.write_text(str(total))


def task_weasyprint(folder: Path, count: int, out: Path) -> None:
    from weasyprint import HTML

    from backoffice.kdp import specs
    from backoffice.kdp.interior_pdf import art_box, fit_art

    width, height = specs.interior_page_size(TRIM)
    parts = [f"<style>@page{{size:{width}in {height}in;margin:0}}"
             "body{margin:0}.p{position:relative;width:100%;height:" + f"{height}in;"
             "page-break-after:always}img{position:absolute}</style>"]
    from PIL import Image

    for number, path in enumerate(_art_paths(folder, count), 1):
        with Image.open(path) as img:
            box = fit_art(img.size, art_box(TRIM, count, specs.page_side(number), False))
        data = base64.b64encode(path.read_bytes()).decode()
        parts.append(
            f'<div class="p"><img src="data:image/png;base64,{data}" style="left:{box.x}in;'
            f'top:{height - box.top}in;width:{box.width}in;height:{box.height}in"></div>'
        )
    HTML(string="".join(parts)).write_pdf(out)


TASKS = {"ours": task_ours, "encode": task_encode, "weasyprint": task_weasyprint}


def _child(argv: list[str]) -> None:
    name, folder, count, out = argv[0], Path(argv[1]), int(argv[2]), Path(argv[3])
    import PIL.Image  # noqa: F401  (imports belong to the baseline, not to the step)

    import backoffice.kdp.interior_pdf  # noqa: F401
    if name == "weasyprint":
        import weasyprint  # noqa: F401
    from bench.peak import peak_mb

    before = peak_mb()
    # CPU seconds: every task is single-threaded, and on a shared machine wall time
    # stretches with the others' load while CPU time does not.
    start = time.process_time()
    TASKS[name](folder, count, out)
    elapsed = time.process_time() - start
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb(), "import_mb": before}))


def run_step(name: str, folder: Path, count: int, out: Path) -> dict:
    from bench.peak import child_environment

    proc = subprocess.run(
        [sys.executable, "-m", "bench.bench_export", "--child", name, str(folder), str(count),
         str(out)], cwd=REPO, capture_output=True, text=True, check=False,
        env=child_environment(None),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if out.exists() and out.suffix == ".pdf":
        result["bytes"] = out.stat().st_size
    return result


def weasyprint_available() -> str | None:
    """None when usable, else why not (missing package or system pango libraries)."""
    proc = subprocess.run([sys.executable, "-c", "import weasyprint"], capture_output=True,
                          text=True, check=False)
    return None if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1]


def _row(label: str, r: dict) -> str:
    size = f"{r['bytes'] / 1e6:8.1f} MB" if "bytes" in r else " " * 11
    return (f"  {label:<34} {r['seconds']:8.2f} CPU s  peak {r['peak_mb']:6.0f} MB "
            f"(+{r['peak_mb'] - r['import_mb']:5.0f} over imports)  {size}")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        _child(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="bench export", description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--no-baseline", action="store_true", help="skip WeasyPrint")
    parser.add_argument("--keep", type=Path, help="keep the PDFs in this folder")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        print(f"Generating {args.pages} stored 1-bit pages ({TRIM}, 300 DPI safe area)...")
        sys.path.insert(0, str(REPO / "src"))
        make_pages(work, args.pages, args.pages)

        print(f"\n{args.pages}-page interior, {TRIM}:")
        # Alternated, fastest of each kept: the machine is shared.
        encodes, runs = [], []
        for _ in range(2):
            encodes.append(run_step("encode", work, args.pages, work / "encode.txt"))
            runs.append(run_step("ours", work, args.pages, work / "ours.pdf"))
        encode = min(encodes, key=lambda r: r["seconds"])
        ours = min(runs, key=lambda r: r["seconds"])
        print(_row("G4 encode only (PIL, no PDF)", encode))
        print(_row("ours: fpdf2 + CCITT G4 + pikepdf", ours))
        reason = None if not args.no_baseline else "skipped by --no-baseline"
        reason = reason or weasyprint_available()
        baseline = None
        if reason:
            print(f"  WeasyPrint baseline not run: {reason}. Install the 'bench' extra "
                  "(pip install -e '.[bench]'; Debian: libpango-1.0-0 libpangoft2-1.0-0).")
        else:
            baseline = run_step("weasyprint", work, args.pages, work / "weasyprint.pdf")
            print(_row("baseline: WeasyPrint + base64 PNG", baseline))

        print("\nTargets:")
        check("interior / pure G4 encode of the same pages", ours["seconds"] /
              encode["seconds"], "<=", TARGETS["vs_encode"], "x")
        if baseline:
            check("faster than WeasyPrint", baseline["seconds"] / ours["seconds"], ">=",
                  TARGETS["speedup"], "x")
            check("smaller than WeasyPrint", baseline["bytes"] / ours["bytes"], ">=",
                  TARGETS["smaller"], "x")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for pdf in work.glob("*.pdf"):
                shutil.copy(pdf, args.keep / pdf.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
