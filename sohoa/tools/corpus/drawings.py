"""Figures inside documents: site plans, product labels, scratch cards, ID-card photocopies.

Each kind turns a :class:`~sohoa.tools.corpus.blocks.Drawing` and its box into drawing operations and
the printed label lines (in the order they are listed, which is top to bottom).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from sohoa.tools.corpus.blocks import Drawing
from sohoa.tools.corpus.fonts import FontBook
from sohoa.tools.corpus.ops import INK, NoiseFillOp, Op, RectOp, RuleOp, TextOp

Box = tuple[float, float, float, float]


class _Canvas:
    def __init__(self, fonts: FontBook, layer: str) -> None:
        self.fonts = fonts
        self.layer = layer
        self.ops: list[Op] = []
        self.lines: list[str] = []

    def rect(self, box: Box, width_mm: float = 0.4, fill: tuple[int, int, int] | None = None, radius_mm: float = 0) -> None:
        self.ops.append(RectOp(box, max(1, self.fonts.px(width_mm)), INK, fill, self.fonts.px(radius_mm), self.layer))

    def centred(self, box: Box, texts: list[tuple[str, float, bool]], top: float | None = None) -> float:
        """Centre lines (text, points, bold) horizontally in box, from ``top`` or vertically centred."""
        heights = [self.fonts.size_px(size) * 1.3 for _, size, _ in texts]
        y = top if top is not None else box[1] + (box[3] - box[1] - sum(heights)) / 2
        for (text, size, bold), height in zip(texts, heights):
            width = self.fonts.width(text, bold, False, size)
            ascent = self.fonts.font(bold, False, size).getmetrics()[0]
            x = box[0] + (box[2] - box[0] - width) / 2
            self.ops.append(TextOp(x, y + ascent, text, bold, False, size, INK, self.layer))
            self.lines.append(text)
            y += height
        return y


def compose_drawing(block: Drawing, box: Box, fonts: FontBook, layer: str) -> tuple[list[Op], list[str]]:
    """Operations and label lines for one drawing block."""
    canvas = _Canvas(fonts, layer)
    kinds: dict[str, Callable[[_Canvas, Box, Drawing], None]] = {
        "site_plan": _site_plan, "label": _label, "scratch_card": _scratch_card, "id_card": _id_card,
    }
    kinds[block.kind](canvas, box, block)
    return canvas.ops, canvas.lines


def _site_plan(canvas: _Canvas, box: Box, block: Drawing) -> None:
    """labels[0] = caption under the plan; the others name the buildings, laid out in a grid."""
    rng = random.Random(block.seed)
    px = canvas.fonts.px
    plot = (box[0] + px(8), box[1] + px(4), box[2] - px(8), box[3] - px(16))
    canvas.rect(plot, 0.6)
    names = list(block.labels[1:])
    cols = 2
    rows = (len(names) + cols - 1) // cols
    cell_w = (plot[2] - plot[0]) / cols
    cell_h = (plot[3] - plot[1]) / max(rows, 1)
    for index, name in enumerate(names):
        r, c = divmod(index, cols)
        shrink_x = cell_w * rng.uniform(0.12, 0.22)
        shrink_y = cell_h * rng.uniform(0.15, 0.25)
        cell = (plot[0] + c * cell_w + shrink_x, plot[1] + r * cell_h + shrink_y,
                plot[0] + (c + 1) * cell_w - shrink_x, plot[1] + (r + 1) * cell_h - shrink_y)
        canvas.rect(cell, 0.35)
        canvas.centred(cell, [(name, 11, False)])
    # dimension line under the plot
    y = plot[3] + px(3)
    canvas.ops.append(RuleOp(plot[0], y, plot[2], y, max(1, px(0.2)), INK, canvas.layer))
    canvas.centred(box, [(block.labels[0], 11, True)], top=plot[3] + px(6))


def _label(canvas: _Canvas, box: Box, block: Drawing) -> None:
    """A product label: labels[0] large (brand), the rest smaller lines."""
    width = min(box[2] - box[0], canvas.fonts.px(110))
    x0 = box[0] + (box[2] - box[0] - width) / 2
    card = (x0, box[1] + canvas.fonts.px(2), x0 + width, box[3] - canvas.fonts.px(2))
    canvas.rect(card, 0.8, radius_mm=6)
    inner = (card[0] + canvas.fonts.px(4), card[1] + canvas.fonts.px(4), card[2] - canvas.fonts.px(4), card[3] - canvas.fonts.px(4))
    canvas.rect(inner, 0.3, radius_mm=4)
    texts = [(block.labels[0], 22, True)] + [(text, 12, False) for text in block.labels[1:]]
    canvas.centred(inner, texts)


def _scratch_card(canvas: _Canvas, box: Box, block: Drawing) -> None:
    """labels[:-1] printed above the foil, labels[-1] (the code) under it."""
    px = canvas.fonts.px
    width = min(box[2] - box[0], px(120))
    x0 = box[0] + (box[2] - box[0] - width) / 2
    card = (x0, box[1] + px(2), x0 + width, box[3] - px(2))
    canvas.rect(card, 0.6, radius_mm=5)
    y = canvas.centred(card, [(text, 12, i == 0) for i, text in enumerate(block.labels[:-1])], top=card[1] + px(5))
    foil = (card[0] + px(15), y + px(3), card[2] - px(15), y + px(21))
    canvas.ops.append(NoiseFillOp(foil, block.seed, canvas.layer))
    canvas.centred(card, [(block.labels[-1], 12, True)], top=foil[3] + px(3))


def _id_card(canvas: _Canvas, box: Box, block: Drawing) -> None:
    """Photocopy of a citizen identity card: front (labels up to '|') and back, stacked."""
    px = canvas.fonts.px
    split = block.labels.index("|") if "|" in block.labels else len(block.labels)
    sides = [list(block.labels[:split]), list(block.labels[split + 1:])]
    card_w, card_h = px(86 * 1.3), px(54 * 1.3)
    x0 = box[0] + (box[2] - box[0] - card_w) / 2
    y = box[1] + px(2)
    for side in sides:
        if not side:
            continue
        card = (x0, y, x0 + card_w, y + card_h)
        canvas.rect(card, 0.5, radius_mm=4)
        photo = (card[0] + px(4), card[1] + px(22), card[0] + px(28), card[1] + px(54))
        if side is sides[0]:
            canvas.rect(photo, 0.3, fill=(150, 150, 150))
            text_box = (photo[2] + px(2), card[1], card[2] - px(2), card[3])
        else:
            text_box = (card[0] + px(4), card[1], card[2] - px(4), card[3])
        canvas.centred(text_box, [(text, 8.5, i < 2) for i, text in enumerate(side)], top=card[1] + px(3))
        y += card_h + px(10)
