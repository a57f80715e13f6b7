"""Stage 2, page preparation with OpenCV: decode once, upright, deskew, detect blank pages, measure dpi.

Writes the derived images of a page: a lossless greyscale PGM that the OCR engine reads, and what goes
into the PDF/A. By default that is a mixed-raster pair (see `split_layers`): the text and line-art as a
full-resolution 1-bit mask (CCITT G4) painted in its ink colour, over a cleaned colour background
downsampled to 200 dpi (JPEG), where seals and signatures keep their colour. With `mixed_raster=False`
it is the whole upright page as one JPEG.

Orientation is found with OpenCV first (`sohoa.ocr.orientation`: text-line direction for 90°, the
Vietnamese ascender and diacritic asymmetry for 180°); only a page where that is not clear-cut goes to
the OCR engine's orientation detection (Tesseract OSD, about 0.5 s).
"""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from PIL import Image, ImageOps

from sohoa.errors import InputRejected
from sohoa.intake.files import PageSource
from sohoa.ocr.engine import OcrEngine
from sohoa.ocr.jpeg import decode_jpeg
from sohoa.ocr.orientation import detect_orientation_fast, estimate_skew, rotate_clockwise

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
    """JPEG quality of the whole-page image placed in the PDF/A when mixed_raster is off."""
    mixed_raster: bool = True
    """Text as a full-resolution 1-bit mask over a downsampled colour background (much smaller files)."""
    background_dpi: float = NATIONAL_MIN_DPI
    """Resolution of the mixed-raster colour background; never below the 200 dpi of the scan standard."""
    background_quality: int = 60
    """JPEG quality of the mixed-raster background (it holds paper, seals, signatures and figures)."""
    ocr_dpi: float | None = NATIONAL_MIN_DPI
    """Resolution of the greyscale image the OCR engine reads when the page is finer; None reads the page's own.
    At 200 dpi Tesseract reads the generated corpus as well as at 300 dpi for ~28% less time; OCR boxes are
    always reported in page pixels (docs/performance.md has the figures)."""
    detect_orientation: bool = True
    """Find which way up the page is (0/90/180/270)."""
    engine_orientation_only: bool = False
    """Ask the OCR engine for every page instead of trying OpenCV first."""
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
    mask: Path | None = None
    """Mixed raster only: the text and line-art as a 1-bit G4 TIFF at full resolution, painted over `image`
    (which then is the cleaned background without that ink); None when the page image is whole."""
    ink: tuple[int, int, int] = (0, 0, 0)
    """RGB colour the mask is painted in (the median colour of the darker half of the masked pixels)."""


def prepare_page(source: PageSource, work_dir: Path, settings: PrepareSettings, engine: OcrEngine,
                 timings: dict[str, float] | None = None,
                 inspect: Callable[[np.ndarray], None] | None = None) -> PreparedPage:
    """Decode the page once and write its upright, deskewed images under work_dir.

    `timings`, when given, receives the seconds spent in each sub-stage (decode, orientation, deskew, encode,
    inspect); `inspect`, when given, is called once with the upright page pixels (BGR or grey) of a page
    that is not blank, so other readers of the page (separator sheets) need no second decode.
    """
    clock = _Clock(timings)
    if source.born_digital_text is not None:
        return PreparedPage(source, None, None, None, 0, 0.0, False, ())
    pixels, dpi = decode_page(source, work_dir, settings.assumed_dpi)
    grey = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    clock.lap("decode")
    warnings = []
    if dpi < settings.min_dpi:
        warnings.append(f"{source.file_name} page {source.frame + 1}: {dpi:.0f} dpi is below the {settings.min_dpi} dpi scan standard")
    stem = work_dir / f"page-{source.index:04d}"
    if ink_ratio(grey) < settings.blank_ink_ratio:
        clock.lap("orientation")
        image, mask, ink = write_page_image(pixels, dpi, stem, settings, blank=True)
        clock.lap("encode")
        return PreparedPage(source, image, None, dpi, 0, 0.0, True, tuple(warnings), mask, ink)
    rotation, skew = _orientation_and_skew(grey, dpi, stem, settings, engine)
    clock.lap("orientation")
    if rotation:
        pixels = rotate_clockwise(pixels, rotation)
    if abs(skew) >= 0.1:
        pixels = _rotate_fine(pixels, skew)
    grey = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    clock.lap("deskew")
    if inspect is not None:
        inspect(grey)
        clock.lap("inspect")
    scale = ocr_scale(dpi, settings)
    cv2.imwrite(str(stem.with_suffix(".pgm")),
                grey if scale == 1 else cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    image, mask, ink = write_page_image(pixels, dpi, stem, settings, grey=grey)
    clock.lap("encode")
    return PreparedPage(source, image, stem.with_suffix(".pgm"), dpi, rotation, skew, False, tuple(warnings), mask, ink)


def ocr_scale(dpi: float, settings: PrepareSettings) -> float:
    """Factor from page pixels to the pixels of the image OCR reads (1 unless `ocr_dpi` is below the page's)."""
    if settings.ocr_dpi is None or dpi <= settings.ocr_dpi:
        return 1.0
    return settings.ocr_dpi / dpi


def write_page_image(pixels: np.ndarray, dpi: float, stem: Path, settings: PrepareSettings, blank: bool = False,
                     grey: np.ndarray | None = None) -> tuple[Path, Path | None, tuple[int, int, int]]:
    """Write what the PDF shows of an upright page: (image, mask or None, ink colour)."""
    image = stem.with_suffix(".jpg")
    if not settings.mixed_raster:
        _save_jpeg(pixels, image, settings.jpeg_quality)
        return image, None, (0, 0, 0)
    layers = split_layers(pixels, dpi, settings.background_dpi, grey=grey, blank=blank)
    _save_jpeg(layers.background, image, settings.background_quality)
    if layers.mask is None:
        return image, None, layers.ink
    mask = stem.with_name(stem.name + "-mask.tif")
    mask.write_bytes(encode_g4(layers.mask))
    return image, mask, layers.ink


@dataclass(frozen=True)
class Layers:
    """A page split for mixed-raster compression."""

    mask: np.ndarray | None
    """Full-resolution boolean ink mask (True = ink), None when the page has no neutral ink."""
    ink: tuple[int, int, int]
    """RGB colour to paint the mask in."""
    background: np.ndarray
    """Cleaned background at the background resolution (BGR or grey), ink removed, paper flattened."""


def split_layers(pixels: np.ndarray, dpi: float, background_dpi: float = NATIONAL_MIN_DPI,
                 grey: np.ndarray | None = None, blank: bool = False) -> Layers:
    """Split an upright page into a neutral-ink mask and a cleaned colour background.

    Ink is what is dark and not coloured (printed text, rules, black stamps); coloured marks (red seals,
    blue signatures, purple certification stamps), their rims and light figures stay in the background, so
    they keep their colour. The background is downsampled to `background_dpi` (never below 200 dpi); pixels
    that are only paper (within a tolerance of a smooth paper estimate) are set to that estimate, which
    removes sensor noise and lets JPEG spend its bytes on what matters.
    """
    background_dpi = max(float(NATIONAL_MIN_DPI), background_dpi)
    if grey is None:
        grey = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    scale = min(1.0, background_dpi / dpi)
    size = (max(1, round(pixels.shape[1] * scale)), max(1, round(pixels.shape[0] * scale)))
    small = cv2.resize(pixels, size, interpolation=cv2.INTER_LINEAR) if scale < 1 else pixels.copy()
    paper, paper_level = _paper_estimate(small, dpi * scale)
    ink_u8 = None
    ink = (0, 0, 0)
    if not blank:
        otsu, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        threshold = min(otsu, paper_level - 40)  # never call mid-grey "ink" on a page with little contrast
        _, dark = cv2.threshold(grey, threshold - 1, 255, cv2.THRESH_BINARY_INV)  # 255 where grey < threshold
        if pixels.ndim == 3:
            # Neutral ink has a chroma under 10 here; ballpoint blue, seal red and stamp purple 35 or more.
            blue, green, red = cv2.split(pixels)
            chroma = cv2.subtract(cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red))
            _, neutral = cv2.threshold(chroma, 29, 255, cv2.THRESH_BINARY_INV)
            coloured = cv2.dilate(cv2.bitwise_and(dark, cv2.bitwise_not(neutral)), np.ones((5, 5), np.uint8))
            dark = cv2.bitwise_and(dark, cv2.bitwise_and(neutral, cv2.bitwise_not(coloured)))
        if cv2.countNonZero(dark):
            ink_u8 = dark
            ink = _ink_colour(pixels, grey, dark)
    clean = _clean_background(small, paper, ink_u8)
    return Layers(None if ink_u8 is None else ink_u8 > 0, ink, clean)


def _paper_estimate(small: np.ndarray, dpi: float) -> tuple[np.ndarray, float]:
    """Smooth paper colour under the page (text and marks removed) at the size of `small`, and its median grey."""
    factor = max(1, round(dpi / 25))
    tiny = cv2.resize(small, (max(1, small.shape[1] // factor), max(1, small.shape[0] // factor)),
                      interpolation=cv2.INTER_AREA)
    tiny = cv2.dilate(tiny, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))  # the lightest nearby: paper, not ink
    tiny = cv2.GaussianBlur(tiny, (0, 0), 3)
    level = float(np.median(tiny if tiny.ndim == 2 else cv2.cvtColor(tiny, cv2.COLOR_BGR2GRAY)))
    return cv2.resize(tiny, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_LINEAR), level


def _clean_background(small: np.ndarray, paper: np.ndarray, ink: np.ndarray | None) -> np.ndarray:
    difference = cv2.absdiff(small, paper)
    if difference.ndim == 3:
        difference = cv2.max(cv2.max(difference[:, :, 0], difference[:, :, 1]), difference[:, :, 2])
    _, keep = cv2.threshold(difference, 28, 255, cv2.THRESH_BINARY)
    if ink is not None:
        # Ink and its anti-aliased rim leave the background: what the mask paints there is the ink.
        covered = cv2.dilate(ink, np.ones((3, 3), np.uint8))
        if covered.shape != keep.shape:
            covered = cv2.resize(covered, (keep.shape[1], keep.shape[0]), interpolation=cv2.INTER_NEAREST)
        covered = cv2.dilate(covered, np.ones((3, 3), np.uint8))
        keep = cv2.bitwise_and(keep, cv2.bitwise_not(covered))
    keep = cv2.dilate(keep, np.ones((3, 3), np.uint8))
    clean = paper.copy()
    cv2.copyTo(small, keep, clean)
    return clean


def _ink_colour(pixels: np.ndarray, grey: np.ndarray, ink: np.ndarray) -> tuple[int, int, int]:
    """The colour of the ink's core: the median of the darker half of the masked pixels (edges are lighter)."""
    chosen = ink[::3, ::3] > 0
    if not chosen.any():
        chosen = ink > 0
        step = 1
    else:
        step = 3
    levels = grey[::step, ::step][chosen]
    core = levels <= np.median(levels)
    samples = pixels[::step, ::step][chosen][core]
    if pixels.ndim == 2:
        level = int(np.median(samples))
        return (level, level, level)
    blue, green, red = (int(np.median(samples[:, channel])) for channel in range(3))
    return (red, green, blue)


def encode_g4(mask: np.ndarray) -> bytes:
    """A boolean ink mask (True = ink) as a single-strip CCITT G4 TIFF (Pillow's libtiff encoder)."""
    image = Image.fromarray(~mask)  # mode "1", min-is-black: ink is 0
    out = io.BytesIO()
    image.save(out, "TIFF", compression="group4", tiffinfo={278: mask.shape[0]})  # one strip: RowsPerStrip = height
    return out.getvalue()


class _Clock:
    def __init__(self, timings: dict[str, float] | None):
        self.timings, self.last = timings, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now


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
            orientation = image.getexif().get(0x0112, 1)
        if source.media_type == "image/jpeg":
            pixels = decode_jpeg(source.path.read_bytes(), grey, orientation)
            if pixels is not None:
                return pixels, dpi
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


def _orientation_and_skew(grey: np.ndarray, dpi: float, stem: Path, settings: PrepareSettings,
                          engine: OcrEngine) -> tuple[int, float]:
    """Clockwise turn and then skew that make the page upright and straight (both found on a 150 dpi copy)."""
    scale = min(1.0, 150 / dpi)  # orientation and skew need far less detail than reading
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    small_dpi = dpi * scale
    if not settings.detect_orientation:
        return 0, estimate_skew(small, settings.max_skew_degrees)
    if not settings.engine_orientation_only:
        guess = detect_orientation_fast(small, small_dpi, settings.max_skew_degrees)
        if guess.certain:
            return guess.rotation, guess.skew
    rotation = _engine_orientation(small, small_dpi, stem, settings, engine)
    turned = rotate_clockwise(small, rotation) if rotation else small
    return rotation, estimate_skew(turned, settings.max_skew_degrees)


def _engine_orientation(small: np.ndarray, dpi: float, stem: Path, settings: PrepareSettings, engine: OcrEngine) -> int:
    probe = stem.with_name(stem.name + "-osd.pgm")
    cv2.imwrite(str(probe), small)
    try:
        orientation = engine.detect_orientation(probe, dpi)
    finally:
        probe.unlink(missing_ok=True)
    return orientation.rotate if orientation.confidence >= settings.min_orientation_confidence else 0


def _rotate_fine(pixels: np.ndarray, degrees: float) -> np.ndarray:
    height, width = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    white = (255,) * (1 if pixels.ndim == 2 else pixels.shape[2])
    return cv2.warpAffine(pixels, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=white)


def _save_jpeg(pixels: np.ndarray, path: Path, quality: int, optimize: bool = True) -> None:
    if not cv2.imwrite(str(path), pixels, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, int(optimize)]):
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
