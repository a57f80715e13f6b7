"""Tesseract behind the OcrEngine interface: one process per page, one OpenMP thread each."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ocrmypdf.hocrtransform import HocrParseError, HocrParser
from ocrmypdf.models.ocr_element import OcrClass, OcrElement

from sohoa.errors import StageFailed
from sohoa.ocr.engine import OcrPage, Orientation, Word
from sohoa.ocr.text import normalize_vietnamese


@dataclass(frozen=True)
class TesseractSettings:
    """How Tesseract is run."""

    language: str = "vie"
    """Tesseract language; Vietnamese alone reads Vietnamese best (adding +eng made it worse)."""
    page_segmentation_mode: int = 3
    """Tesseract --psm; 3 is fully automatic layout analysis."""
    timeout_seconds: float = 180.0
    """A page taking longer than this is a failure, not a hang."""
    binary: str = "tesseract"
    """Tesseract executable."""


class TesseractEngine:
    """Runs the tesseract command; parses hOCR with OCRmyPDF's parser."""

    name = "tesseract"

    def __init__(self, settings: TesseractSettings = TesseractSettings()):
        self.settings = settings
        # Tesseract's OpenMP threads oversubscribe when pages run in parallel processes.
        self._env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def detect_orientation(self, image: Path, dpi: float) -> Orientation:
        result = self._run([str(image), "-", "--psm", "0", "-l", "osd", "--dpi", str(round(dpi))], check=False)
        rotate = re.search(r"Rotate:\s*(\d+)", result.stdout)
        confidence = re.search(r"Orientation confidence:\s*([\d.]+)", result.stdout)
        if rotate is None or confidence is None:  # too few characters to tell
            return Orientation(rotate=0, confidence=0.0)
        return Orientation(rotate=int(rotate.group(1)) % 360, confidence=float(confidence.group(1)))

    def recognize(self, image: Path, dpi: float, work_dir: Path) -> OcrPage:
        base = work_dir / image.stem
        self._run([
            str(image), str(base), "-l", self.settings.language, "--psm",
            str(self.settings.page_segmentation_mode), "--dpi", str(round(dpi)), "hocr",
        ])
        hocr = base.with_suffix(".hocr")
        try:
            layout = _normalized_tree(HocrParser(hocr).parse())
        except HocrParseError as error:
            raise StageFailed("ocr", f"{image.name}: unreadable hOCR: {error}") from error
        return page_from_layout(layout)

    def _run(self, arguments: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            result = subprocess.run(
                [self.settings.binary, *arguments], capture_output=True, text=True,
                env=self._env, timeout=self.settings.timeout_seconds, check=False,
            )
        except FileNotFoundError as error:
            raise StageFailed("ocr", f"{self.settings.binary} is not installed (run `make setup`)") from error
        except subprocess.TimeoutExpired as error:
            raise StageFailed("ocr", f"tesseract took over {self.settings.timeout_seconds}s on {arguments[0]}") from error
        if check and result.returncode != 0:
            raise StageFailed("ocr", f"tesseract failed on {arguments[0]}: {result.stderr.strip()[-500:]}")
        return result


def page_from_layout(layout: OcrElement) -> OcrPage:
    """Text, words and mean confidence of a normalised hOCR tree."""
    words = tuple(
        Word(text=word.text, box=_box(word), confidence=word.confidence * 100 if word.confidence is not None else 0.0)
        for word in layout.words if word.text.strip()
    )
    paragraphs = []
    for paragraph in layout.paragraphs or [layout]:
        lines = [" ".join(w.text for w in line.words if w.text.strip()) for line in paragraph.lines]
        paragraphs.append("\n".join(line for line in lines if line))
    text = "\n\n".join(p for p in paragraphs if p)
    mean = sum(w.confidence for w in words) / len(words) if words else None
    return OcrPage(text=text, words=words, mean_confidence=mean, layout=layout)


def _normalized_tree(element: OcrElement) -> OcrElement:
    children = [_normalized_tree(child) for child in element.children]
    text = normalize_vietnamese(element.text) if element.ocr_class == OcrClass.WORD else element.text
    return dataclasses.replace(element, text=text, children=children)


def _box(word: OcrElement) -> tuple[int, int, int, int]:
    box = word.bbox
    if box is None:
        return (0, 0, 0, 0)
    return (round(box.left), round(box.top), round(box.right), round(box.bottom))
