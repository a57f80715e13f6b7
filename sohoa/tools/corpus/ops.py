"""Drawing operations produced by the layout and executed by the renderer (pixel coordinates)."""

from __future__ import annotations

from dataclasses import dataclass

from sohoa.tools.corpus.blocks import Seal

Colour = tuple[int, int, int]
INK: Colour = (22, 22, 26)
"""Printed text (laser toner)."""
STAMP_INK: Colour = (112, 38, 120)
"""Purple stamp-pad ink of certification stamps."""
SEAL_INK: Colour = (205, 32, 44)
"""Red seal ink."""
PEN_INK: Colour = (28, 48, 150)
"""Blue ballpoint signatures."""


@dataclass(frozen=True)
class TextOp:
    """Text drawn with its baseline at ``y``."""

    x: float
    y: float
    text: str
    bold: bool
    italic: bool
    points: float
    colour: Colour
    layer: str = "original"


@dataclass(frozen=True)
class RuleOp:
    """A straight line."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: int
    colour: Colour
    layer: str = "original"


@dataclass(frozen=True)
class RectOp:
    """A rectangle, optionally filled and with rounded corners."""

    box: tuple[float, float, float, float]
    width: int
    outline: Colour | None
    fill: Colour | None = None
    radius: int = 0
    layer: str = "original"


@dataclass(frozen=True)
class SealOp:
    """A red round seal centred at (cx, cy)."""

    cx: float
    cy: float
    radius: float
    seal: Seal
    seed: int
    layer: str = "original"


@dataclass(frozen=True)
class ScribbleOp:
    """A handwritten signature inside ``box``."""

    box: tuple[float, float, float, float]
    seed: int
    layer: str = "original"


@dataclass(frozen=True)
class NoiseFillOp:
    """A textured area, e.g. the silver scratch-off foil of a scratch card."""

    box: tuple[float, float, float, float]
    seed: int
    layer: str = "original"


Op = TextOp | RuleOp | RectOp | SealOp | ScribbleOp | NoiseFillOp
