"""The OCR engine interface and its result types. Tesseract is the implementation in tesseract.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ocrmypdf.models.ocr_element import OcrElement


@dataclass(frozen=True)
class Word:
    """One recognised word."""

    text: str
    """Word text, NFC, confusions fixed."""
    box: tuple[int, int, int, int]
    """left, top, right, bottom in page pixels."""
    confidence: float
    """Engine confidence 0-100."""


@dataclass(frozen=True)
class OcrPage:
    """What the engine read on one page."""

    text: str
    """Page text: words joined by spaces, lines by newlines, paragraphs by blank lines."""
    words: tuple[Word, ...]
    """Every word with its box and confidence."""
    mean_confidence: float | None
    """Mean word confidence, None when no word was read."""
    layout: OcrElement
    """The normalised hOCR tree (page → paragraphs → lines → words), for the PDF text layer."""
    layout_dpi: float | None = None
    """Resolution of the image OCR read, i.e. of `layout`'s pixel coordinates; None: the page's own."""


@dataclass(frozen=True)
class Orientation:
    """Detected page orientation."""

    rotate: int
    """Clockwise degrees (0, 90, 180, 270) that make the page upright."""
    confidence: float
    """Engine confidence; below about 2 it is a guess."""


class OcrEngine(Protocol):
    """Anything that reads a page image: Tesseract today, another engine tomorrow."""

    name: str

    def detect_orientation(self, image: Path, dpi: float) -> Orientation:
        """Which clockwise rotation makes this page upright."""

    def recognize(self, image: Path, dpi: float, work_dir: Path) -> OcrPage:
        """Read the page; never called twice for the same page."""
