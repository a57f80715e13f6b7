"""Simulate a document scanner: paper tone, skew, rotation, lighting, blur, noise, greyscale.

Geometry and blur run on 8-bit images (fast in OpenCV); tone, lighting and noise in float32 in place.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from sohoa.tools.corpus.models import ScanOptions


def scan_page(page: Image.Image, options: ScanOptions, rng: np.random.Generator, skew_deg: float,
              rotation_deg: int) -> Image.Image:
    """A scanned version of a clean RGB page; ``rotation_deg`` must be a multiple of 90."""
    pixels = np.asarray(page.convert("RGB"))
    if skew_deg:
        pixels = _skew(pixels, skew_deg)
    if options.blur:
        pixels = cv2.GaussianBlur(pixels, (0, 0), options.blur * options.dpi / 300)
    return _finish(pixels.astype(np.float32), options, rng, rotation_deg)


def blank_page(size: tuple[int, int], options: ScanOptions, rng: np.random.Generator,
               show_through: Image.Image | None) -> Image.Image:
    """A near-white back side, with faint mirrored show-through of the front when given."""
    image = np.full((size[1], size[0], 3), 255.0, dtype=np.float32)
    if show_through is not None:
        small = show_through.convert("L").resize((size[0] // 4, size[1] // 4), Image.BILINEAR)
        front = cv2.GaussianBlur(np.asarray(small, dtype=np.float32)[:, ::-1], (0, 0), 1.0)
        front = cv2.resize(front, size, interpolation=cv2.INTER_LINEAR)
        image *= (1 - 0.035 * (1 - front / 255))[:, :, None]
    return _finish(image, options, rng, 0)


def _paper(rng: np.random.Generator) -> np.ndarray:
    """Paper colour (slightly warm off-white) as RGB factors."""
    return np.asarray([rng.uniform(0.975, 0.995), rng.uniform(0.968, 0.99), rng.uniform(0.945, 0.98)], dtype=np.float32)


def _skew(pixels: np.ndarray, degrees: float) -> np.ndarray:
    h, w = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)  # positive = counter-clockwise
    return cv2.warpAffine(pixels, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(255, 255, 255))


def _lighting(shape: tuple[int, int], depth: float, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative illumination field (ramp in a random direction plus vignette), full size."""
    h, w = shape
    ys = np.linspace(-1, 1, max(2, h // 16), dtype=np.float32)[:, None]
    xs = np.linspace(-1, 1, max(2, w // 16), dtype=np.float32)[None, :]
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xs + np.sin(angle) * ys) / 2 + 0.5
    small = 1 - depth * (0.7 * ramp + 0.3 * (xs**2 + ys**2) / 2)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _finish(image: np.ndarray, options: ScanOptions, rng: np.random.Generator, rotation_deg: int) -> Image.Image:
    """Paper tone, lighting, noise, dust, white point; ``image`` is float32 0..255 and modified in place."""
    h, w = image.shape[:2]
    paper = _paper(rng) * rng.uniform(1.0, 1.05)  # scanner white point: paper often lands at full white
    if options.lighting:
        image *= _lighting((h, w), options.lighting, rng)[:, :, None]
    image *= paper
    if options.noise:
        grain = rng.standard_normal((h, w), dtype=np.float32)
        grain *= options.noise * 255
        image += grain[:, :, None]
        chroma = rng.standard_normal((h // 8 + 1, w // 8 + 1, 3), dtype=np.float32) * (options.noise * 127)
        image += cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR)
    for _ in range(int(rng.integers(0, 6))):
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        image[max(0, y - 1):y + 2, max(0, x - 1):x + 2] *= 0.35
    image += 0.5
    np.clip(image, 0, 255, out=image)
    pixels = image.astype(np.uint8)
    if rotation_deg % 360:
        pixels = np.ascontiguousarray(np.rot90(pixels, k=(rotation_deg // 90) % 4))
    result = Image.fromarray(pixels, "RGB")
    return result if options.colour else result.convert("L")
