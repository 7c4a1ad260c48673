"""Contact sheets: every page of a 24-design book of each pattern theme, for adults and
children, plus a 100-design adult book, drawn through the real page pipeline (provider,
gate, redraws) and laid out small on one PNG per book, to be looked at as a buyer would.

Prints, per book, where the sheet went, the distinct layouts and frames, repeats of a
layout with its motif set, and the gate's pass count.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from PIL import Image, ImageDraw

from backoffice.art.themes import themes_in
from backoffice.config import Settings
from backoffice.kdp import pixels
from backoffice.providers.drawing import PageSpec, make_page_image, page_seed

PATTERN_THEMES = ("mandalas", "geometric", "stained-glass", "patterns", "flowers")
TRIM = "8.5x11"
SEED = 2026


def book_sheet(settings: Settings, theme_id: str, audience: str, designs: int,
               tile_w: int, out_dir: Path) -> dict:
    import io

    interior = pixels.interior_pages(designs)
    tiles, qualities = [], []
    started = time.perf_counter()
    for position in range(1, designs + 1):
        spec = PageSpec(kind="content", position=position, theme_id=theme_id,
                        audience=audience, trim=TRIM, designs=designs, interior_pages=interior,
                        book_seed=SEED, seed=page_seed(SEED, "content", position),
                        title="", subtitle="", author="")
        page = make_page_image(settings, spec)
        qualities.append(page.quality)
        image = Image.open(io.BytesIO(page.png)).convert("L")
        tile_h = round(tile_w * image.height / image.width)
        tiles.append(image.resize((tile_w, tile_h), Image.Resampling.LANCZOS))
    elapsed = time.perf_counter() - started
    cols = 6 if designs <= 24 else 10
    rows = -(-designs // cols)
    pad, label = 6, 14
    th = tiles[0].height
    sheet = Image.new("L", (cols * (tile_w + pad) + pad, rows * (th + pad + label) + pad), 150)
    draw = ImageDraw.Draw(sheet)
    for k, (tile, q) in enumerate(zip(tiles, qualities, strict=True)):
        x = pad + (k % cols) * (tile_w + pad)
        y = pad + (k // cols) * (th + pad + label)
        sheet.paste(tile, (x, y + label))
        mark = "" if q["passed"] else " FAIL"
        draw.text((x, y), f"{k + 1} {q.get('layout', '')}{mark}", fill=0)
    path = out_dir / f"{theme_id}-{audience}-{designs}.png"
    sheet.save(path, optimize=True)
    layouts = Counter(f"{q.get('family')}/{q.get('layout')}" for q in qualities)
    frames = Counter(q.get("frame") for q in qualities)
    repeated_frames = sum(n - 1 for f, n in frames.items() if f not in (None, "none"))
    return {"path": path, "layouts": len(layouts), "frames": len(frames),
            "repeated_frames": repeated_frames, "passed": sum(q["passed"] for q in qualities),
            "designs": designs, "s_per_page": elapsed / designs}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench sheets", description=__doc__)
    parser.add_argument("--out", default="var/bench/sheets", help="folder for the PNGs")
    parser.add_argument("--themes", nargs="*", default=list(PATTERN_THEMES))
    parser.add_argument("--audiences", nargs="*", default=["adults", "children"])
    parser.add_argument("--designs", type=int, default=24)
    parser.add_argument("--big", type=int, default=100, help="designs of the large adult "
                        "mandalas book (0 to skip)")
    args = parser.parse_args(argv)
    settings = Settings(_env_file=None)
    themes = themes_in(str(settings.themes_dir))
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"{TRIM}, 300 DPI, book seed {SEED}, through the page pipeline; sheets in {out_dir}/")
    print(f"{'theme':<14}{'audience':<10}{'designs':>8}{'layouts':>9}{'frames':>8}"
          f"{'frame repeats':>15}{'gate':>9}{'s/page':>8}")
    books = [(t, a, args.designs, 260) for t in args.themes if t in themes
             for a in args.audiences]
    if args.big:
        books.append(("mandalas", "adults", args.big, 150))
    for theme_id, audience, designs, tile_w in books:
        f = book_sheet(settings, theme_id, audience, designs, tile_w, out_dir)
        print(f"{theme_id:<14}{audience:<10}{designs:>8}{f['layouts']:>9}{f['frames']:>8}"
              f"{f['repeated_frames']:>15}{f['passed']:>5}/{designs:<3}{f['s_per_page']:>8.2f}"
              f"  {f['path'].name}", flush=True)


if __name__ == "__main__":
    main()
