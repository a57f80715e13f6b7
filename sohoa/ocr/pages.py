"""The per-page task (prepare → OCR → searchable page PDF) and the executor that runs it on every core.

The task is a pure function of its inputs: it decodes its page once, writes only under its own
work directory and returns a new value; the parent merges results in page order.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sohoa.errors import StageFailed
from sohoa.intake.files import PageSource
from sohoa.ocr.engine import OcrPage
from sohoa.ocr.tesseract import TesseractEngine, TesseractSettings
from sohoa.ocr.textlayer import render_page_pdf
from sohoa.ocr.prepare import PrepareSettings, PreparedPage, ocr_scale, prepare_page

if TYPE_CHECKING:
    from sohoa.ocr.qr import SeparatorMark


@dataclass(frozen=True)
class PageSettings:
    """Everything a page task needs; picklable, built once at the edge."""

    prepare: PrepareSettings = PrepareSettings()
    """Page preparation settings."""
    tesseract: TesseractSettings = TesseractSettings()
    """OCR engine settings."""
    detect_separators: bool = True
    """Look for a separator sheet's QR code on every page that is not blank (`sohoa.ocr.separators.detect_separator`)."""


@dataclass(frozen=True)
class PageResult:
    """One processed page."""

    prepared: PreparedPage
    """The upright page and what was done to it."""
    ocr: OcrPage | None
    """What OCR read; None for blank and born-digital pages."""
    page_pdf: Path | None
    """Searchable one-page PDF; None for born-digital pages (their source page is used)."""
    seconds: dict[str, float]
    """Time spent per sub-stage: prepare, ocr, text_layer (and prepare's parts, see PREPARE_PARTS)."""
    separator: SeparatorMark | None = None
    """The separator sheet's mark when this page is one (its QR code was read), else None."""
    perceptual_hash: str | None = None
    """The upright page's perceptual hash (`sohoa.ocr.phash`); None for blank and born-digital pages."""
    reused: bool = False
    """True when the page came from the page cache (`sohoa.ocr.cache`) instead of being read now."""

    @property
    def text(self) -> str:
        """The page's text, from OCR or from the born-digital text layer."""
        if self.prepared.source.born_digital_text is not None:
            return self.prepared.source.born_digital_text
        return self.ocr.text if self.ocr is not None else ""


def process_page(source: PageSource, work_dir: Path, settings: PageSettings) -> PageResult:
    """Prepare, read and render one page.

    `seconds` has the sub-stages the pipeline reports (prepare, ocr, text_layer) and, within prepare,
    decode, orientation, deskew and encode (the mixed-raster split and its JPEG/G4 encoding).
    """
    engine = _engine(settings.tesseract)
    started = time.perf_counter()
    parts: dict[str, float] = {}
    separators: list[SeparatorMark | None] = []
    hashes: list[str] = []
    inspect = _page_probe(separators if settings.detect_separators else None, hashes)
    prepared = prepare_page(source, work_dir, settings.prepare, engine, parts, inspect)
    prepared_at = time.perf_counter()
    ocr = None
    separator = separators[0] if separators else None
    if separator is not None and prepared.ocr_image is not None:
        prepared.ocr_image.unlink(missing_ok=True)  # a separator sheet says what it is in its QR code: no OCR
    elif prepared.ocr_image is not None and prepared.dpi is not None:
        scale = ocr_scale(prepared.dpi, settings.prepare)
        ocr = engine.recognize(prepared.ocr_image, prepared.dpi * scale, work_dir)
        prepared.ocr_image.unlink(missing_ok=True)
        if scale != 1:  # boxes in page pixels; the layout stays in the OCR image's (`OcrPage.layout_dpi`)
            ocr = dataclasses.replace(ocr, words=tuple(
                dataclasses.replace(word, box=tuple(round(v / scale) for v in word.box)) for word in ocr.words))
    read_at = time.perf_counter()
    page_pdf = render_page_pdf(prepared, ocr, work_dir) if prepared.image is not None else None
    done = time.perf_counter()
    seconds = {"prepare": prepared_at - started, "ocr": read_at - prepared_at, "text_layer": done - read_at,
               **{name: parts.get(name, 0.0) for name in PREPARE_PARTS}}
    return PageResult(prepared, ocr, page_pdf, seconds, separator, hashes[0] if hashes else None)


def _page_probe(separators: list[SeparatorMark | None] | None, hashes: list[str]) -> Callable[[object], None]:
    """Reads the upright page pixels preparation already decoded: the perceptual hash, and a separator
    sheet's QR code when `separators` collects them."""
    from sohoa.ocr.phash import page_hash
    from sohoa.ocr.separators import detect_separator

    def probe(pixels) -> None:
        hashes.append(page_hash(pixels))
        if separators is not None:
            separators.append(detect_separator(pixels))

    return probe


PREPARE_PARTS = ("decode", "orientation", "deskew", "inspect", "encode")
"""Sub-stages of `prepare` recorded in `PageResult.seconds`."""


@functools.lru_cache(maxsize=4)
def _engine(settings: TesseractSettings) -> TesseractEngine:
    """One engine per worker process and settings, built on its first page."""
    return TesseractEngine(settings)


@contextlib.contextmanager
def _single_threaded_opencv() -> Iterator[None]:
    """OpenCV without its thread pool while workers are forked and run.

    The workers inherit the setting, so each uses one core. It has to be set in the parent before the fork:
    reconfiguring OpenCV's thread pool inside a forked child waits for threads that were not forked.
    """
    import cv2

    previous = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield
    finally:
        cv2.setNumThreads(previous)


def _keep_freed_page_buffers() -> None:
    """Let glibc keep freed page buffers in the heap instead of handing each back to the kernel.

    A page task allocates and frees arrays of 25–100 MB several times (decode, turn, straighten, split).
    By default glibc maps each one afresh and unmaps it on free, so the next one faults in new zeroed
    pages: about 0.1 CPU s of kernel time per page, and memory traffic the other core feels. Set in
    the parent before the fork, so forked workers inherit it; a no-op where the C library is not glibc.
    """
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    for option, value in ((_M_MMAP_THRESHOLD, 256 << 20), (_M_TRIM_THRESHOLD, 512 << 20), (_M_TOP_PAD, 64 << 20)):
        mallopt(option, value)


_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # glibc's <malloc.h>


def _expected_cost(page: PageSource) -> int:
    """A cheap guess at how long a page takes, to start the longest first: the source's size for scans
    (a blank back side is a small JPEG), nothing for born-digital pages (they are not OCR'd)."""
    if page.born_digital_text is not None:
        return 0
    try:
        return page.path.stat().st_size
    except OSError:
        return 0


def default_jobs() -> int:
    """One page task per available core."""
    return max(1, len(os.sched_getaffinity(0)))


def run_page_tasks(pages: tuple[PageSource, ...], work_dir: Path, settings: PageSettings, jobs: int,
                   on_done: Callable[[PageResult], None] = lambda result: None) -> tuple[PageResult, ...]:
    """Process every page, `jobs` at a time (1 = serially in this process, for debugging)."""
    # One OpenMP thread per Tesseract: set here, in the parent, before any engine loads or worker forks
    # (changing the environment inside a child forked from a threaded parent can deadlock).
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _keep_freed_page_buffers()
    results = {result.prepared.source.index: result for result in _results(pages, work_dir, settings, jobs, on_done)}
    return tuple(results[page.index] for page in pages)


def _results(pages: tuple[PageSource, ...], work_dir: Path, settings: PageSettings, jobs: int,
             on_done: Callable[[PageResult], None]) -> Iterator[PageResult]:
    if jobs <= 1 or len(pages) <= 1:
        for page in pages:
            result = process_page(page, work_dir, settings)
            on_done(result)
            yield result
        return
    # Longest first, so that no core sits idle while the other finishes one long last page.
    ordered = sorted(pages, key=_expected_cost, reverse=True)
    with _single_threaded_opencv(), ProcessPoolExecutor(max_workers=min(jobs, len(pages))) as pool:
        futures = {pool.submit(process_page, page, work_dir, settings): page for page in ordered}
        try:
            for future in as_completed(futures):
                try:
                    result = future.result()
                except BrokenProcessPool as error:
                    page = futures[future]
                    raise StageFailed("pages", f"the worker processing {page.file_name} page {page.frame + 1} "
                                      "died (killed, out of memory or crashed)") from error
                on_done(result)
                yield result
        except BaseException:
            for future in futures:
                future.cancel()
            raise
