"""Tesseract behind the OcrEngine interface, one OpenMP thread per process.

Reading runs in-process through libtesseract's C API (ctypes): the `vie` model is loaded once per worker
process, and a page costs no process start or model load (about 0.15 s a page with the command line).
When the library cannot be loaded, or with `in_process=False`, each page runs the `tesseract` command.
Orientation detection (OSD, a rare fallback since `prepare` tries OpenCV first) always uses the command.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import dataclasses
import os
import re
import subprocess
import threading
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
    in_process: bool = True
    """Read through libtesseract in this process (model loaded once); False runs the command per page."""


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
        hocr = base.with_suffix(".hocr")
        api = self._api()
        if api is not None:
            hocr.write_text(api.hocr(image, dpi), encoding="utf-8")
        else:
            self._run([
                str(image), str(base), "-l", self.settings.language, "--psm",
                str(self.settings.page_segmentation_mode), "--dpi", str(round(dpi)), "hocr",
            ])
        try:
            layout = _normalized_tree(HocrParser(hocr).parse())
        except HocrParseError as error:
            raise StageFailed("ocr", f"{image.name}: unreadable hOCR: {error}") from error
        return dataclasses.replace(page_from_layout(layout), layout_dpi=dpi)

    def _api(self) -> _LibTesseract | None:
        if not self.settings.in_process:
            return None
        return _LibTesseract.shared(self.settings.language, self.settings.page_segmentation_mode)

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


_HOCR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title></title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name='ocr-system' content='tesseract (libtesseract, sohoa)' />
  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>
 </head>
 <body>
"""


class _LibTesseract:
    """libtesseract's C API: one initialised TessBaseAPI per process and language, reused for every page."""

    _instances: dict[tuple[int, str, int], _LibTesseract | None] = {}
    _guard = threading.Lock()

    def __init__(self, language: str, psm: int):
        # Read by libgomp when it is loaded (with libtesseract, below): one OpenMP thread per process.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
        lib = ctypes.CDLL(name)
        lib.TessBaseAPICreate.restype = ctypes.c_void_p
        lib.TessBaseAPIInit3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPISetPageSegMode.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPISetImage.argtypes = [ctypes.c_void_p, ctypes.c_void_p] + [ctypes.c_int] * 4
        lib.TessBaseAPISetSourceResolution.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIRecognize.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.TessBaseAPIGetHOCRText.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIGetHOCRText.restype = ctypes.c_void_p
        lib.TessDeleteText.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIClear.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPISetVariable.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPIEnd.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIDelete.argtypes = [ctypes.c_void_p]
        self._lib, self._lock = lib, threading.Lock()
        self._handle = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(self._handle, None, language.encode()) != 0:
            lib.TessBaseAPIDelete(self._handle)
            raise OSError(f"libtesseract cannot load language {language!r}")
        lib.TessBaseAPISetPageSegMode(self._handle, psm)
        lib.TessBaseAPISetVariable(self._handle, b"debug_file", os.devnull.encode())  # no chatter on stderr
        atexit.register(self._end)

    def _end(self) -> None:
        with self._lock:
            if self._handle:
                self._lib.TessBaseAPIEnd(self._handle)
                self._lib.TessBaseAPIDelete(self._handle)
                self._handle = None

    @classmethod
    def shared(cls, language: str, psm: int) -> _LibTesseract | None:
        """This process's instance (None when libtesseract cannot be used: the command is used instead)."""
        key = (os.getpid(), language, psm)
        with cls._guard:
            if key not in cls._instances:
                try:
                    cls._instances[key] = cls(language, psm)
                except OSError:
                    cls._instances[key] = None
            return cls._instances[key]

    def hocr(self, image: Path, dpi: float) -> str:
        import cv2
        import numpy as np

        pixels = cv2.imread(str(image), cv2.IMREAD_GRAYSCALE)
        if pixels is None:
            raise StageFailed("ocr", f"cannot read {image.name}")
        pixels = np.ascontiguousarray(pixels)
        height, width = pixels.shape
        lib = self._lib
        with self._lock:
            lib.TessBaseAPISetImage(self._handle, pixels.ctypes.data, width, height, 1, width)
            lib.TessBaseAPISetSourceResolution(self._handle, round(dpi))
            if lib.TessBaseAPIRecognize(self._handle, None) != 0:
                lib.TessBaseAPIClear(self._handle)
                raise StageFailed("ocr", f"libtesseract failed on {image.name}")
            pointer = lib.TessBaseAPIGetHOCRText(self._handle, 0)
            try:
                body = ctypes.string_at(pointer).decode("utf-8") if pointer else ""
            finally:
                if pointer:
                    lib.TessDeleteText(pointer)
                lib.TessBaseAPIClear(self._handle)
        return f"{_HOCR_HEAD}{body} </body>\n</html>\n"


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
