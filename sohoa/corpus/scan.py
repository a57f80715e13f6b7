"""Simulate a document scanner: paper tone, skew, rotation, lighting, blur, noise, greyscale."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from sohoa.corpus.models import ScanOptions


def scan_page(page: Image.Image, options: ScanOptions, rng: np.random.Generator, skew_deg: float,
              rotation_deg: int) -> Image.Image:
    """A scanned version of a clean RGB page; ``rotation_deg`` must be a multiple of 90."""
    scale = options.dpi / 300
    paper = _paper(rng)
    image = np.asarray(page, dtype=np.float32) / 255 * paper
    if skew_deg:
        image = _skew(image, skew_deg, paper)
    if options.lighting:
        image *= _lighting(image.shape[:2], options.lighting, rng)[:, :, None]
    if options.blur:
        image = cv2.GaussianBlur(image, (0, 0), options.blur * scale)
    return _finish(image, options, rng, rotation_deg)


def blank_page(size: tuple[int, int], options: ScanOptions, rng: np.random.Generator,
               show_through: Image.Image | None) -> Image.Image:
    """A near-white back side, with faint mirrored show-through of the front when given."""
    paper = _paper(rng)
    image = np.ones((size[1], size[0], 3), dtype=np.float32) * paper
    if show_through is not None:
        front = np.asarray(show_through.convert("L").resize(size), dtype=np.float32)[:, ::-1] / 255
        image *= (1 - 0.035 * (1 - front))[:, :, None]
        image = cv2.GaussianBlur(image, (0, 0), 3 * options.dpi / 300)
    if options.lighting:
        image *= _lighting(image.shape[:2], options.lighting, rng)[:, :, None]
    return _finish(image, options, rng, 0)


def _paper(rng: np.random.Generator) -> np.ndarray:
    """Paper colour (slightly warm off-white) as RGB factors."""
    return np.asarray([rng.uniform(0.975, 0.995), rng.uniform(0.968, 0.99), rng.uniform(0.945, 0.98)], dtype=np.float32)


def _skew(image: np.ndarray, degrees: float, paper: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)  # positive = counter-clockwise
    border = tuple(float(v) for v in paper)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=border)


def _lighting(shape: tuple[int, int], depth: float, rng: np.random.Generator) -> np.ndarray:
    h, w = shape
    ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xs + np.sin(angle) * ys) / 2 + 0.5
    vignette = (xs**2 + ys**2) / 2
    return 1 - depth * (0.7 * ramp + 0.3 * vignette)


def _finish(image: np.ndarray, options: ScanOptions, rng: np.random.Generator, rotation_deg: int) -> Image.Image:
    h, w = image.shape[:2]
    if options.noise:
        grain = rng.standard_normal((h, w), dtype=np.float32) * options.noise
        chroma = rng.standard_normal((h // 8 + 1, w // 8 + 1, 3), dtype=np.float32) * (options.noise * 0.5)
        chroma = cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR)
        image = image + grain[:, :, None] + chroma
    dust = rng.integers(0, 6)
    for _ in range(dust):
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        image[max(0, y - 1):y + 2, max(0, x - 1):x + 2] *= 0.35
    gain = 255 * rng.uniform(1.0, 1.05)  # scanner white point: paper often lands at or near full white
    pixels = np.clip(image * gain + 0.5, 0, 255).astype(np.uint8)
    if rotation_deg % 360:
        pixels = np.ascontiguousarray(np.rot90(pixels, k=(rotation_deg // 90) % 4))
    result = Image.fromarray(pixels, "RGB")
    return result if options.colour else result.convert("L")
