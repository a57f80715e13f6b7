"""Ink marks drawn as density masks: red round seals and handwritten signatures.

A mask is a float32 array in [0, 1] (ink density) composited onto the page by multiplication,
so ink over printed text darkens it as real ink does.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from sohoa.tools.corpus.blocks import Seal


def blotchy(shape: tuple[int, int], rng: np.random.Generator, low: float, scale: int = 24) -> np.ndarray:
    """Smooth random field in [low, 1] (uneven stamp ink)."""
    small = rng.random((max(2, shape[0] // scale), max(2, shape[1] // scale))).astype(np.float32)
    field = np.asarray(Image.fromarray((small * 255).astype(np.uint8)).resize((shape[1], shape[0]), Image.BICUBIC),
                       dtype=np.float32) / 255
    return low + (1 - low) * field


def seal_mask(seal: Seal, radius: float, font: ImageFont.FreeTypeFont, small_font: ImageFont.FreeTypeFont,
              seed: int) -> np.ndarray:
    """Ink density of a round seal of ``radius`` px (the image is 2*radius+4 px square)."""
    rng = np.random.default_rng(seed)
    size = int(2 * radius) + 4
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    c = size / 2
    outer_w = max(2, int(radius * 0.055))
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=outer_w)
    inner = radius * 0.66
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=max(1, outer_w // 2))
    _ring_text(image, seal.ring_text.upper(), c, radius * 0.83, font)
    if seal.state:
        _star(draw, c, c - inner * 0.12, inner * 0.42)
    lines = list(seal.centre)
    line_h = small_font.size * 1.15
    y = c - len(lines) * line_h / 2 + (inner * 0.3 if seal.state else 0)
    for text in lines:
        draw.text((c, y + line_h / 2), text, font=small_font, fill=255, anchor="mm")
        y += line_h
    angle = float(rng.uniform(-25, 25))
    image = image.rotate(angle, resample=Image.BICUBIC)
    mask = np.asarray(image, dtype=np.float32) / 255
    return mask * blotchy(mask.shape, rng, 0.45) * float(rng.uniform(0.75, 0.95))


def _ring_text(image: Image.Image, text: str, c: float, r: float, font: ImageFont.FreeTypeFont) -> None:
    """Text along the ring, centred on top, letters upright towards the centre."""
    widths = [font.getlength(ch) * 1.08 for ch in text]
    total = sum(widths) / r  # radians
    if total > math.radians(330):  # a long name: smaller letters, not overlapping ones
        font = font.font_variant(size=max(6, int(font.size * math.radians(330) / total)))
        widths = [font.getlength(ch) * 1.08 for ch in text]
        total = sum(widths) / r
    theta = -math.pi / 2 - total / 2  # start left of the top
    glyph_box = int(font.size * 1.6)
    for ch, w in zip(text, widths):
        mid = theta + (w / r) / 2
        glyph = Image.new("L", (glyph_box, glyph_box), 0)
        ImageDraw.Draw(glyph).text((glyph_box / 2, glyph_box / 2), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(mid) - 90, resample=Image.BICUBIC)
        x = c + r * math.cos(mid) - glyph_box / 2
        y = c + r * math.sin(mid) - glyph_box / 2
        region = (int(x), int(y))
        base = image.crop((*region, region[0] + glyph_box, region[1] + glyph_box))
        image.paste(Image.fromarray(np.maximum(np.asarray(base), np.asarray(glyph))), region)
        theta += w / r


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.4
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=255)


def signature_mask(width: int, height: int, stroke: float, seed: int) -> np.ndarray:
    """A fluent handwritten scribble: a few loops, a long tail and sometimes an underline flourish."""
    rng = np.random.default_rng(seed)
    image = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(image)
    t = np.linspace(0, 1, 500)
    loops = rng.integers(3, 7)
    x = 0.08 + 0.75 * t + 0.05 * np.sin(2 * np.pi * loops * t + rng.uniform(0, 6))
    y = 0.5 + 0.28 * np.sin(2 * np.pi * loops * t * rng.uniform(0.9, 1.1)) * np.exp(-1.5 * t) - 0.15 * t
    y += 0.05 * np.sin(2 * np.pi * rng.uniform(0.5, 1.5) * t)
    points = list(zip(x * width, y * height))
    base = max(1.0, stroke)
    for i in range(len(points) - 1):
        pressure = 0.6 + 0.4 * math.sin(math.pi * i / len(points))
        draw.line((points[i], points[i + 1]), fill=255, width=max(1, int(base * pressure + 0.5)))
    if rng.random() < 0.7:
        start = (width * rng.uniform(0.05, 0.2), height * rng.uniform(0.75, 0.9))
        end = (width * rng.uniform(0.8, 0.98), height * rng.uniform(0.6, 0.8))
        draw.line((start, end), fill=255, width=max(1, int(base * 0.8)))
    mask = np.asarray(image, dtype=np.float32) / 255
    return mask * float(rng.uniform(0.8, 0.95))


def apply_ink(page: np.ndarray, mask: np.ndarray, colour: tuple[int, int, int], x: int, y: int) -> None:
    """Multiply ink of ``colour`` with density ``mask`` onto ``page`` (HxWx3 float32, 0..1) at (x, y)."""
    h, w = mask.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(page.shape[1], x + w), min(page.shape[0], y + h)
    if x0 >= x1 or y0 >= y1:
        return
    m = mask[y0 - y:y1 - y, x0 - x:x1 - x, None]
    tint = np.asarray(colour, dtype=np.float32) / 255
    page[y0:y1, x0:x1] *= 1 - m * (1 - tint)
