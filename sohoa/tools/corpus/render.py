"""Execute layout operations on a clean A4 page image (before scan simulation)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from sohoa.tools.corpus.fonts import FontBook
from sohoa.tools.corpus.layout import PageLayout
from sohoa.tools.corpus.marks import apply_ink, blotchy, seal_mask, signature_mask
from sohoa.tools.corpus.ops import PEN_INK, SEAL_INK, NoiseFillOp, RectOp, RuleOp, ScribbleOp, SealOp, TextOp


def render_page(layout: PageLayout, fonts: FontBook, size_px: tuple[int, int], photocopy: bool,
                seed: int) -> Image.Image:
    """The page as an RGB image; a photocopy is printed in grey tones with the overlay in colour."""
    image = Image.new("RGB", size_px, (255, 255, 255))
    _draw_vector(image, layout, fonts, "original")
    page = np.asarray(image, dtype=np.float32) / 255
    _draw_marks(page, layout, fonts, "original")
    if photocopy:
        page = _photocopy(page, np.random.default_rng(seed))
    if any(getattr(op, "layer", "") == "overlay" for op in layout.ops):
        overlay = Image.new("RGB", size_px, (255, 255, 255))
        _draw_vector(overlay, layout, fonts, "overlay")
        page *= np.asarray(overlay, dtype=np.float32) / 255
        _draw_marks(page, layout, fonts, "overlay")
    return Image.fromarray(np.clip(page * 255 + 0.5, 0, 255).astype(np.uint8), "RGB")


def _draw_vector(image: Image.Image, layout: PageLayout, fonts: FontBook, layer: str) -> None:
    draw = ImageDraw.Draw(image)
    for op in layout.ops:
        if getattr(op, "layer", None) != layer:
            continue
        if isinstance(op, TextOp):
            draw.text((op.x, op.y), op.text, font=fonts.font(op.bold, op.italic, op.points), fill=op.colour, anchor="ls")
        elif isinstance(op, RuleOp):
            draw.line(((op.x0, op.y0), (op.x1, op.y1)), fill=op.colour, width=op.width)
        elif isinstance(op, RectOp):
            draw.rounded_rectangle(op.box, radius=op.radius, outline=op.outline, fill=op.fill, width=op.width)
        elif isinstance(op, NoiseFillOp):
            _foil(image, op)


def _foil(image: Image.Image, op: NoiseFillOp) -> None:
    rng = np.random.default_rng(op.seed)
    x0, y0, x1, y1 = (int(v) for v in op.box)
    shape = (max(1, y1 - y0), max(1, x1 - x0))
    grey = 150 + 40 * blotchy(shape, rng, 0.0, scale=6) + rng.normal(0, 10, shape)
    tile = np.clip(grey, 0, 255).astype(np.uint8)
    image.paste(Image.fromarray(tile, "L").convert("RGB"), (x0, y0))


def _draw_marks(page: np.ndarray, layout: PageLayout, fonts: FontBook, layer: str) -> None:
    for op in layout.ops:
        if getattr(op, "layer", None) != layer:
            continue
        if isinstance(op, ScribbleOp):
            x0, y0, x1, y1 = (int(v) for v in op.box)
            mask = signature_mask(x1 - x0, y1 - y0, fonts.px(0.45), op.seed)
            apply_ink(page, mask, PEN_INK, x0, y0)
        elif isinstance(op, SealOp):
            ring_font = fonts.font(True, False, max(6.0, op.radius * 0.17 * 72 / fonts.dpi))
            small_font = fonts.font(True, False, max(5.0, op.radius * 0.12 * 72 / fonts.dpi))
            mask = seal_mask(op.seal, op.radius, ring_font, small_font, op.seed)
            half = mask.shape[0] // 2
            apply_ink(page, mask, SEAL_INK, int(op.cx) - half, int(op.cy) - half)


def _photocopy(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Grey toner look: luminance only, crushed blacks, a faint grey cast and toner specks."""
    grey = page @ np.asarray([0.299, 0.587, 0.114], dtype=np.float32)
    grey = np.clip((grey - 0.08) / 0.86, 0, 1) ** 1.15
    grey = 0.96 * grey + 0.02
    specks = rng.random(grey.shape, dtype=np.float32) < 0.00015
    grey[specks] *= 0.3
    return np.repeat(grey[:, :, None], 3, axis=2)
