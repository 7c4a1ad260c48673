"""Vendor the Noto Emoji outlines the subject catalogue uses.

    npm pack @fontsource/noto-emoji@5.3.2 --pack-destination /tmp/noto
    tar xzf /tmp/noto/fontsource-noto-emoji-5.3.2.tgz -C /tmp/noto
    .venv/bin/python scripts/vendor_noto_emoji.py /tmp/noto/package

Fontsource splits each weight into unicode-range files; this merges, per weight, the
glyphs of the catalogue's code points (src/backoffice/art/subjects/catalogue.yml) into
one WOFF (zlib, read by fontTools without brotli), redrawn with components decomposed,
and rewrites vendor/MANIFEST.yml. Pass --all to keep every code point (about 1 MB per
weight) while choosing subjects.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import sys
from pathlib import Path

import yaml
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parent.parent
SUBJECTS = REPO / "src" / "backoffice" / "art" / "subjects"
VENDOR = SUBJECTS / "vendor"
WEIGHTS = (400,)


def catalogue_codes() -> set[int]:
    raw = yaml.safe_load((SUBJECTS / "catalogue.yml").read_text(encoding="utf-8"))
    return {int(str(entry["glyph"]).removeprefix("U+"), 16)
            for entry in raw["subjects"].values()}


def merged_font(package: Path, weight: int, codes: set[int] | None) -> TTFont:
    glyphs, cmap, metrics = {}, {}, {}
    upm = None
    for path in sorted((package / "files").glob(f"noto-emoji-*-{weight}-normal.woff")):
        font = TTFont(path)
        upm = upm or font["head"].unitsPerEm
        glyph_set = font.getGlyphSet()
        for code, name in sorted(font.getBestCmap().items()):
            if code in cmap or (codes is not None and code not in codes):
                continue
            new_name = f"u{code:04X}"
            recording = DecomposingRecordingPen(glyph_set)
            glyph_set[name].draw(recording)
            pen = TTGlyphPen(None)
            recording.replay(pen)
            glyphs[new_name] = pen.glyph()
            cmap[code] = new_name
            metrics[new_name] = font["hmtx"][name]
    if codes is not None and (missing := codes - set(cmap)):
        sys.exit("not in Noto Emoji: " + ", ".join(f"U+{c:04X}" for c in sorted(missing)))
    order = [".notdef", *sorted(glyphs)]
    pen = TTGlyphPen(None)
    glyphs[".notdef"] = pen.glyph()
    metrics[".notdef"] = (upm, 0)
    builder = FontBuilder(upm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(metrics)
    builder.setupHorizontalHeader(ascent=int(upm * 0.95), descent=-int(upm * 0.25))
    family = "Noto Emoji Subset"
    builder.setupNameTable({
        "familyName": family, "styleName": f"W{weight}",
        "copyright": "Copyright 2013 Google LLC",
        "licenseDescription": "SIL Open Font License, Version 1.1",
        "licenseInfoURL": "https://openfontlicense.org",
    })
    builder.setupOS2(usWeightClass=weight)
    builder.setupPost()
    builder.font.flavor = "woff"
    return builder.font


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked npm package folder")
    parser.add_argument("--out", type=Path, default=VENDOR)
    parser.add_argument("--all", action="store_true", help="every code point, no subset")
    args = parser.parse_args()
    meta = json.loads((args.package / "package.json").read_text(encoding="utf-8"))
    codes = None if args.all else catalogue_codes()
    args.out.mkdir(parents=True, exist_ok=True)
    files = {}
    for weight in WEIGHTS:
        font = merged_font(args.package, weight, codes)
        target = args.out / f"noto-emoji-{weight}.woff"
        font.save(target)
        files[target.name] = {"weight": weight, "glyphs": len(font.getGlyphOrder()) - 1,
                              "bytes": target.stat().st_size}
    shutil.copy(args.package / "LICENSE", args.out / "OFL.txt")
    manifest = {
        "name": "Noto Emoji (monochrome)",
        "copyright": "Copyright 2013 Google LLC",
        "licence": "SIL Open Font License 1.1 (OFL.txt beside this file)",
        "source": f"npm {meta['name']}@{meta['version']} (files/noto-emoji-*-WEIGHT-normal.woff)",
        "upstream": "https://github.com/googlefonts/noto-emoji",
        "modification": ("subset with fontTools to the code points of catalogue.yml and "
                         "merged per weight into one WOFF (components decomposed), by "
                         "scripts/vendor_noto_emoji.py" if codes is not None else
                         "merged per weight, every code point"),
        "vendored": datetime.date.today().isoformat(),
        "files": files,
    }
    (args.out / "MANIFEST.yml").write_text(
        "# Written by scripts/vendor_noto_emoji.py; credit printed in books that use it.\n"
        + yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")
    print(yaml.safe_dump(files, sort_keys=False))


if __name__ == "__main__":
    main()
