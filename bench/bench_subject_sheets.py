"""Contact sheets: a 24-design book of every subject theme for toddlers, children and
adults, drawn through the real page pipeline (provider, gate, retries), one PNG per book
under var/contact-sheets/ (or --out). Look at them before calling the art done."""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from PIL import Image, ImageDraw

from backoffice.art.themes import themes_in
from backoffice.config import Settings
from backoffice.kdp import pixels
from backoffice.providers.drawing import PageSpec, make_page_image, page_seed

AUDIENCES = ("toddlers", "children", "adults")
TRIM = "8.5x11"
THUMB = (300, 388)
COLUMNS = 6


def book_sheet(settings: Settings, theme_id: str, audience: str, designs: int,
               book_seed: int) -> tuple[Image.Image, dict]:
    interior = pixels.interior_pages(designs)
    tw, th = THUMB
    rows = (designs + COLUMNS - 1) // COLUMNS
    sheet = Image.new("L", (COLUMNS * tw, 40 + rows * (th + 18)), 255)
    draw = ImageDraw.Draw(sheet)
    passed, mains, started = 0, [], time.perf_counter()
    for position in range(1, designs + 1):
        spec = PageSpec(kind="content", position=position, theme_id=theme_id,
                        audience=audience, trim=TRIM, designs=designs,
                        interior_pages=interior, book_seed=book_seed,
                        seed=page_seed(book_seed, "content", position),
                        title="", subtitle="", author="")
        page = make_page_image(settings, spec)
        quality = page.quality
        passed += bool(quality["passed"])
        mains.append(quality.get("main", quality.get("family", "?")))
        with Image.open(io.BytesIO(page.png)) as art:
            thumb = art.convert("L").resize((tw - 8, th - 8), Image.Resampling.LANCZOS)
        x, y = ((position - 1) % COLUMNS) * tw, 40 + ((position - 1) // COLUMNS) * (th + 18)
        sheet.paste(thumb, (x + 4, y + 4))
        label = f"{position}. {mains[-1]} / {quality.get('layout', '')}"
        if not quality["passed"]:
            label += " FAIL " + ",".join(f["code"] for f in quality["failures"])
        draw.text((x + 6, y + th), label, fill=0)
    figures = {"passed": passed, "distinct_mains": len(set(mains)),
               "s_per_page": (time.perf_counter() - started) / designs}
    draw.text((8, 12), f"{theme_id} / {audience}: {designs} designs, seed {book_seed}, "
              f"{passed}/{designs} pass the gate, {figures['distinct_mains']} distinct "
              "main subjects", fill=0)
    return sheet, figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench sheets", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("var/contact-sheets"))
    parser.add_argument("--themes", help="comma-separated theme ids (default: subject themes)")
    parser.add_argument("--audiences", default=",".join(AUDIENCES))
    parser.add_argument("--designs", type=int, default=24)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    settings = Settings(_env_file=None)
    themes = themes_in(str(settings.themes_dir))
    chosen = (args.themes.split(",") if args.themes else
              [t for t, theme in themes.items() if theme.subjects is not None])
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{args.designs}-design books at {TRIM}, seed {args.seed}: one PNG per book in "
          f"{args.out}/")
    for theme_id in chosen:
        for audience in args.audiences.split(","):
            sheet, f = book_sheet(settings, theme_id, audience, args.designs, args.seed)
            path = args.out / f"{theme_id}-{audience}.png"
            sheet.save(path, optimize=True)
            print(f"  {path}  pass {f['passed']}/{args.designs}  distinct mains "
                  f"{f['distinct_mains']}  {f['s_per_page']:.2f} s/page", flush=True)


if __name__ == "__main__":
    main()
