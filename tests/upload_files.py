"""Files the upload tests make themselves: drawings, a scan, a photo, PDFs, SVGs, zips,
and every kind of bad file (nothing is downloaded or committed)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def line_art(seed: int = 0, size: tuple[int, int] = (900, 1160)) -> Image.Image:
    """A simple coloring page as an illustrator draws one: a frame and shapes that do not
    cross, each with a ring inside, outlined in clean black; it passes the children's gate."""
    rng = np.random.default_rng(seed)
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rounded_rectangle((20, 20, w - 20, h - 20), radius=30, outline=0, width=6)
    cols, rows = 3, 4
    cell_w, cell_h = (w - 80) / cols, (h - 80) / rows
    for index in range(cols * rows):
        cx = 40 + cell_w * (index % cols + 0.5) + rng.integers(-15, 16)
        cy = 40 + cell_h * (index // cols + 0.5) + rng.integers(-15, 16)
        r = int(rng.integers(70, 100))
        box = (cx - r, cy - r, cx + r, cy + r)
        if rng.random() < 0.5:
            draw.ellipse(box, outline=0, width=6)
        else:
            draw.rounded_rectangle(box, radius=r // 3, outline=0, width=6)
        draw.ellipse((cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2), outline=0, width=6)
    return image


def scan_of(drawing: Image.Image, seed: int = 1) -> Image.Image:
    """The drawing as a scanner or a phone gives it: grey paper, fading light, noise."""
    pixels = np.asarray(drawing.convert("L")).astype(np.float32)
    h, w = pixels.shape
    yy, xx = np.mgrid[0:h, 0:w]
    light = 0.65 + 0.3 * (xx / w) * (1 - 0.4 * yy / h)
    noise = np.random.default_rng(seed).normal(0, 6, pixels.shape)
    out = (pixels * 0.75 + 40) * light + noise
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(1.2))


def photo(size: tuple[int, int] = (1200, 900), seed: int = 2) -> Image.Image:
    """A rendered "photograph" of a cottage: sky, clouds, a shaded sun, hills, a house
    with a roof, chimney, door and windows, trees, a fence and a path; grain and blur;
    colour and mid-tones everywhere, as in a real photo."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(seed)
    sky = np.stack([110 + 60 * yy / h, 150 + 50 * yy / h, 230 - 20 * yy / h], axis=-1)
    image = Image.fromarray(np.clip(sky, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
        return (w * x0, h * y0, w * x1, h * y1)

    def points(*xy: float) -> list[tuple[float, float]]:
        return [(w * x, h * y) for x, y in zip(xy[::2], xy[1::2], strict=True)]

    draw.ellipse(box(0.75, 0.08, 0.9, 0.28), fill=(250, 220, 120))
    for cloud in ((0.08, 0.06, 0.3, 0.16), (0.4, 0.1, 0.62, 0.2)):
        draw.ellipse(box(*cloud), fill=(245, 245, 250))
    draw.polygon(points(0, 0.7, 0.3, 0.55, 0.6, 0.68, 1, 0.58, 1, 1, 0, 1), fill=(70, 130, 60))
    draw.polygon(points(0.45, 0.78, 0.52, 0.78, 0.62, 1, 0.3, 1), fill=(200, 180, 140))
    draw.rectangle(box(0.56, 0.3, 0.6, 0.42), fill=(120, 60, 50))  # chimney
    draw.rectangle(box(0.35, 0.45, 0.62, 0.78), fill=(190, 150, 120))
    draw.polygon(points(0.32, 0.46, 0.485, 0.3, 0.65, 0.46), fill=(150, 60, 50))
    draw.rectangle(box(0.46, 0.6, 0.52, 0.78), fill=(90, 60, 40))
    for left in (0.38, 0.545):
        draw.rectangle(box(left, 0.52, left + 0.05, 0.6), fill=(200, 230, 250))
    draw.rectangle(box(0.1, 0.45, 0.13, 0.75), fill=(100, 70, 40))
    draw.ellipse(box(0.02, 0.25, 0.22, 0.52), fill=(40, 110, 40))
    draw.rectangle(box(0.84, 0.5, 0.86, 0.66), fill=(100, 70, 40))
    draw.ellipse(box(0.77, 0.36, 0.93, 0.55), fill=(60, 140, 50))
    for post in range(4):
        left = 0.66 + post * 0.05
        draw.rectangle(box(left, 0.7, left + 0.02, 0.84), fill=(235, 235, 225))
    draw.rectangle(box(0.64, 0.74, 0.84, 0.76), fill=(235, 235, 225))
    draw.ellipse(box(0.15, 0.8, 0.3, 0.92), fill=(180, 60, 120))  # a flower bed
    pixels = np.asarray(image).astype(np.float32)
    pixels += rng.normal(0, 10, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB").filter(
        ImageFilter.GaussianBlur(1.5))


def sparse_photo(size: tuple[int, int] = (1200, 900), seed: int = 3) -> Image.Image:
    """A "photograph" with almost nothing in it (sky, one hill, the sun): a children's
    page needs more shapes to colour than it has."""
    w, h = size
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", size, (120, 160, 225))
    draw = ImageDraw.Draw(image)
    draw.ellipse((w * 0.7, h * 0.1, w * 0.85, h * 0.3), fill=(250, 220, 120))
    draw.polygon([(0, h * 0.7), (w * 0.5, h * 0.55), (w, h * 0.7), (w, h), (0, h)],
                 fill=(70, 130, 60))
    pixels = np.asarray(image).astype(np.float32) + rng.normal(0, 10, (h, w, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB").filter(
        ImageFilter.GaussianBlur(1.5))


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def pdf_of(*images: Image.Image) -> bytes:
    first, *rest = [image.convert("RGB") for image in images]
    buffer = io.BytesIO()
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=100)
    return buffer.getvalue()


# A frame and twelve rings that do not cross, in strokes an illustrator uses at this size.
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 260">'
       b'<rect x="6" y="6" width="188" height="248" rx="10" fill="none" stroke="#000" '
       b'stroke-width="1.6"/>'
       b'<circle cx="40" cy="45" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="40" cy="45" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="100" cy="45" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="100" cy="45" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="160" cy="45" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="160" cy="45" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="40" cy="102" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="40" cy="102" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="100" cy="102" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="100" cy="102" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="160" cy="102" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="160" cy="102" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="40" cy="159" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="40" cy="159" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="100" cy="159" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="100" cy="159" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="160" cy="159" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="160" cy="159" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="40" cy="216" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="40" cy="216" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="100" cy="216" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="100" cy="216" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="160" cy="216" r="22" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'<circle cx="160" cy="216" r="10" fill="none" stroke="#000" stroke-width="1.2"/>'
       b'</svg>')
SVG_EXTERNAL = (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd" '
                b'width="10" height="10"/></svg>')
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def truncated_png() -> bytes:
    data = encode(line_art(5))
    return data[: len(data) // 2]


def bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A PNG header claiming a huge picture, with almost no data behind it."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def mixed_folder(folder: Path, drawings: int) -> dict[str, str]:
    """The folder of the issue: line art, grey scans, a photo, a two-page PDF, an SVG and
    one damaged file; returns name → what it is."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, str] = {}
    for index in range(drawings):
        name = f"page-{index + 1:02d}.png"
        (folder / name).write_bytes(encode(line_art(index)))
        kinds[name] = "line art"
    for index in (1, 2):
        name = f"scan-{index}.jpg"
        (folder / name).write_bytes(encode(scan_of(line_art(50 + index), index), "JPEG",
                                           quality=88))
        kinds[name] = "grey scan"
    (folder / "vacances-photo.jpg").write_bytes(encode(photo(), "JPEG", quality=90))
    kinds["vacances-photo.jpg"] = "photo"
    (folder / "two-pages.pdf").write_bytes(pdf_of(line_art(70), line_art(71)))
    kinds["two-pages.pdf"] = "pdf"
    (folder / "shapes.svg").write_bytes(SVG)
    kinds["shapes.svg"] = "svg"
    (folder / "zz-broken.png").write_bytes(truncated_png())
    kinds["zz-broken.png"] = "corrupt"
    return kinds
