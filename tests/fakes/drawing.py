"""What an AI model's "line art" really looks like: a seeded drawing in dark gray on
an off-white background, anti-aliased, with noise and speckles, so clean-up code is
really exercised."""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def speckled_line_drawing(seed: int, size: tuple[int, int] = (768, 1024), *,
                          noisy: bool = True) -> bytes:
    """The drawing as PNG; `noisy=False` gives the clean reference (same lines)."""
    rng = random.Random(seed)
    width, height = size
    scale = 2  # drawn large then reduced, for anti-aliased gray edges
    canvas = Image.new("L", (width * scale, height * scale), 236)
    draw = ImageDraw.Draw(canvas)
    ink = 55
    stroke = 5 * scale
    w, h = canvas.size
    # A subject as a children's page draws it: a big body and a head, legs, round
    # patches and background bubbles, apart from one another and all in the same bold
    # stroke (a real model's good page passes the line-art gate; so does this one).
    import math

    cx, cy = w // 2, h // 2
    rx, ry = w // 4, h // 7
    draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), outline=ink, width=stroke)
    draw.ellipse((cx - w // 10, cy - h // 3, cx + w // 10, cy - ry - h // 40), outline=ink,
                 width=stroke)
    for n in range(4):
        x = cx - rx // 2 + n * rx // 3
        draw.line((x, cy + ry - stroke, x + rng.randint(-20, 20), cy + h // 3), fill=ink,
                  width=stroke)
    spots = rng.randint(5, 6)
    for n in range(spots):
        angle = 2 * math.pi * n / spots + rng.uniform(-0.1, 0.1)
        r = min(rx, ry) // 5
        x, y = cx + int(rx * 0.55 * math.cos(angle)), cy + int(ry * 0.5 * math.sin(angle))
        draw.ellipse((x - r, y - r, x + r, y + r), outline=ink, width=stroke)
    bubbles = rng.randint(5, 6)
    for n in range(bubbles):
        r = min(w // 16, h // (2 * bubbles + 4))
        y = h // 8 + n * (h * 3 // 4) // max(1, bubbles - 1)
        for x in (w // 10, w - w // 10):
            draw.ellipse((x - r, y - r, x + r, y + r), outline=ink, width=stroke)
    image = canvas.resize(size, Image.Resampling.LANCZOS).filter(ImageFilter.GaussianBlur(0.6))
    pixels = np.asarray(image, dtype=np.float32)
    if not noisy:
        pixels = np.where(pixels < 146, 0, 255).astype(np.float32)
        noise = np.zeros(pixels.shape)
    else:
        noise = np.random.default_rng(seed).normal(0, 6, pixels.shape)
    pixels = pixels + noise
    speckles = np.random.default_rng(seed + 1).random(pixels.shape) < (0.002 if noisy else 0)
    pixels[speckles] = 70
    rgb = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L").convert("RGB")
    out = io.BytesIO()
    rgb.save(out, format="PNG")
    return out.getvalue()
