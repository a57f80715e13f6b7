"""Stage 2, page preparation with OpenCV: decode once, upright, deskew, detect blank pages, measure dpi.

Writes two derived images per page: the upright colour (or grey) JPEG that goes into the PDF/A,
and a lossless greyscale PGM that the OCR engine reads.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from PIL import Image, ImageOps

from sohoa.errors import InputRejected
from sohoa.intake import PageSource
from sohoa.ocr.engine import OcrEngine

Image.MAX_IMAGE_PIXELS = None  # intake enforces its own, clearer pixel limit before any decode

NATIONAL_MIN_DPI = 200


@dataclass(frozen=True)
class PrepareSettings:
    """How pages are prepared."""

    min_dpi: int = NATIONAL_MIN_DPI
    """Pages below this resolution get a warning (Nghị định 30/2020, Phụ lục I)."""
    assumed_dpi: float = 300.0
    """Resolution assumed when an image file does not declare one."""
    jpeg_quality: int = 85
    """JPEG quality of the page image placed in the PDF/A."""
    detect_orientation: bool = True
    """Ask the OCR engine which way up the page is."""
    min_orientation_confidence: float = 2.0
    """Below this engine confidence the page is left as scanned."""
    blank_ink_ratio: float = 0.002
    """A page whose share of ink pixels is below this is blank."""
    max_skew_degrees: float = 5.0
    """Largest skew searched for."""


@dataclass(frozen=True)
class PreparedPage:
    """One page, upright and straight, ready for OCR and the PDF."""

    source: PageSource
    """Where the page came from."""
    image: Path | None
    """Upright page image for the PDF (JPEG); None for born-digital pages."""
    ocr_image: Path | None
    """Greyscale lossless image for OCR; None for born-digital and blank pages."""
    dpi: float | None
    """Effective resolution; None for born-digital pages."""
    rotation: int
    """Clockwise degrees applied."""
    skew: float
    """Degrees of skew removed."""
    blank: bool
    """No meaningful ink on the page."""
    warnings: tuple[str, ...]
    """Human-readable warnings."""


def prepare_page(source: PageSource, work_dir: Path, settings: PrepareSettings, engine: OcrEngine) -> PreparedPage:
    """Decode the page once and write its upright, deskewed images under work_dir."""
    if source.born_digital_text is not None:
        return PreparedPage(source, None, None, None, 0, 0.0, False, ())
    pixels, dpi = decode_page(source, work_dir, settings.assumed_dpi)
    grey = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    warnings = []
    if dpi < settings.min_dpi:
        warnings.append(f"{source.file_name} page {source.frame + 1}: {dpi:.0f} dpi is below the {settings.min_dpi} dpi scan standard")
    stem = work_dir / f"page-{source.index:04d}"
    if ink_ratio(grey) < settings.blank_ink_ratio:
        _save_jpeg(pixels, stem.with_suffix(".jpg"), settings.jpeg_quality)
        return PreparedPage(source, stem.with_suffix(".jpg"), None, dpi, 0, 0.0, True, tuple(warnings))
    rotation = _orientation(grey, dpi, stem, settings, engine)
    if rotation:
        pixels, grey = _rotate_clockwise(pixels, rotation), _rotate_clockwise(grey, rotation)
    skew = estimate_skew(grey, settings.max_skew_degrees)
    if abs(skew) >= 0.1:
        pixels, grey = _rotate_fine(pixels, skew), _rotate_fine(grey, skew)
    _save_jpeg(pixels, stem.with_suffix(".jpg"), settings.jpeg_quality)
    cv2.imwrite(str(stem.with_suffix(".pgm")), grey)
    return PreparedPage(source, stem.with_suffix(".jpg"), stem.with_suffix(".pgm"), dpi, rotation, skew, False, tuple(warnings))


def decode_page(source: PageSource, work_dir: Path, assumed_dpi: float) -> tuple[np.ndarray, float]:
    """Pixels (BGR, or grey for grey scans) and effective dpi of one page; the only decode of the page."""
    if source.media_type == "application/pdf":
        return _rasterize_pdf_page(source, work_dir)
    try:
        with Image.open(source.path) as image:  # headers only: mode, dpi, frames
            image.seek(source.frame)
            dpi = _declared_dpi(image.info.get("dpi"), assumed_dpi)
            grey = image.mode in ("1", "L", "I;16", "I", "LA")
            if source.media_type == "image/tiff" and getattr(image, "n_frames", 1) > 1:
                return _pil_to_array(ImageOps.exif_transpose(image), grey), dpi
        flags = cv2.IMREAD_GRAYSCALE if grey else cv2.IMREAD_COLOR  # both honour EXIF orientation
        pixels = cv2.imdecode(np.fromfile(source.path, dtype=np.uint8), flags)
        if pixels is None:
            raise ValueError("OpenCV could not decode the image")
        return pixels, dpi
    except (OSError, ValueError, SyntaxError, cv2.error) as error:
        raise InputRejected(source.file_name, f"page {source.frame + 1} cannot be decoded: {error}") from error


def _pil_to_array(image: Image.Image, grey: bool) -> np.ndarray:
    if grey:
        return np.array(image.convert("L"))
    return cv2.cvtColor(np.array(image.convert("RGB")), cv2.COLOR_RGB2BGR)


def ink_ratio(grey: np.ndarray) -> float:
    """Share of the page (margins excluded) covered by dark marks bigger than specks."""
    scale = 600 / grey.shape[1]
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    height, width = small.shape
    inner = small[height // 20: height - height // 20, width // 20: width - width // 20]
    paper = float(np.percentile(inner, 90))
    ink = (inner < paper - 60).astype(np.uint8)
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return float(ink.mean())


def estimate_skew(grey: np.ndarray, max_degrees: float) -> float:
    """Skew angle in degrees (counter-clockwise positive) that makes text lines horizontal."""
    scale = 1000 / grey.shape[1]
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    best = _best_angle(ink, np.arange(-max_degrees, max_degrees + 1e-6, 0.5))
    return round(_best_angle(ink, np.arange(best - 0.5, best + 0.5 + 1e-6, 0.05)), 2)


def _best_angle(ink: np.ndarray, angles: np.ndarray) -> float:
    height, width = ink.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    return float(max(angles, key=sharpness))


def _orientation(grey: np.ndarray, dpi: float, stem: Path, settings: PrepareSettings, engine: OcrEngine) -> int:
    if not settings.detect_orientation:
        return 0
    # Orientation needs far less detail than reading: a 150 dpi copy is enough and much faster.
    scale = min(1.0, 150 / dpi)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    probe = stem.with_name(stem.name + "-osd.pgm")
    cv2.imwrite(str(probe), small)
    orientation = engine.detect_orientation(probe, dpi * scale)
    probe.unlink(missing_ok=True)
    return orientation.rotate if orientation.confidence >= settings.min_orientation_confidence else 0


def _rotate_clockwise(pixels: np.ndarray, degrees: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(pixels, codes[degrees])


def _rotate_fine(pixels: np.ndarray, degrees: float) -> np.ndarray:
    height, width = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    white = (255,) * (1 if pixels.ndim == 2 else pixels.shape[2])
    return cv2.warpAffine(pixels, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=white)


def _save_jpeg(pixels: np.ndarray, path: Path, quality: int) -> None:
    if not cv2.imwrite(str(path), pixels, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1]):
        raise OSError(f"cannot write {path}")


def _declared_dpi(declared: object, assumed: float) -> float:
    if isinstance(declared, tuple) and declared and float(declared[0]) >= 30:
        return float(declared[0])
    return assumed


def _rasterize_pdf_page(source: PageSource, work_dir: Path) -> tuple[np.ndarray, float]:
    dpi = _pdf_page_image_dpi(source)
    out = work_dir / f"raster-{source.index:04d}"
    number = str(source.frame + 1)
    result = subprocess.run(
        ["pdftoppm", "-r", f"{dpi:.0f}", "-f", number, "-l", number, "-singlefile", str(source.path), str(out)],
        capture_output=True, timeout=300, check=False,
    )
    if result.returncode != 0:
        raise InputRejected(source.file_name, f"page {number} cannot be rendered: {result.stderr.decode(errors='replace').strip()}")
    ppm = out.with_suffix(".ppm")
    pixels = cv2.imread(str(ppm), cv2.IMREAD_COLOR)
    ppm.unlink(missing_ok=True)
    if pixels is None:
        raise InputRejected(source.file_name, f"page {number} rendered to an unreadable image")
    return pixels, dpi


def _pdf_page_image_dpi(source: PageSource) -> float:
    """Resolution of the largest image on a scanned PDF page (the scan itself), capped at 600."""
    with pikepdf.open(source.path) as pdf:
        page = pdf.pages[source.frame]
        width_inches = abs(float(page.mediabox[2]) - float(page.mediabox[0])) / 72
        widths = [int(image.get("/Width", 0)) for image in page.get_images().values()]
    if not widths or width_inches <= 0:
        return 300.0
    return float(min(600, max(72, round(max(widths) / width_inches))))
