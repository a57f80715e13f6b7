"""The per-page task (prepare → OCR → searchable page PDF) and the executor that runs it on every core.

The task is a pure function of its inputs: it decodes its page once, writes only under its own
work directory and returns a new value; the parent merges results in page order.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import StageFailed
from sohoa.intake import PageSource
from sohoa.ocr.engine import OcrPage
from sohoa.ocr.tesseract import TesseractEngine, TesseractSettings
from sohoa.pdfa import render_page_pdf
from sohoa.prepare import PrepareSettings, PreparedPage, prepare_page


@dataclass(frozen=True)
class PageSettings:
    """Everything a page task needs; picklable, built once at the edge."""

    prepare: PrepareSettings = PrepareSettings()
    """Page preparation settings."""
    tesseract: TesseractSettings = TesseractSettings()
    """OCR engine settings."""


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
    """Time spent per sub-stage: prepare, ocr, text_layer."""

    @property
    def text(self) -> str:
        """The page's text, from OCR or from the born-digital text layer."""
        if self.prepared.source.born_digital_text is not None:
            return self.prepared.source.born_digital_text
        return self.ocr.text if self.ocr is not None else ""


def process_page(source: PageSource, work_dir: Path, settings: PageSettings) -> PageResult:
    """Prepare, read and render one page."""
    engine = TesseractEngine(settings.tesseract)
    started = time.perf_counter()
    prepared = prepare_page(source, work_dir, settings.prepare, engine)
    prepared_at = time.perf_counter()
    ocr = None
    if prepared.ocr_image is not None and prepared.dpi is not None:
        ocr = engine.recognize(prepared.ocr_image, prepared.dpi, work_dir)
        prepared.ocr_image.unlink(missing_ok=True)
    read_at = time.perf_counter()
    page_pdf = render_page_pdf(prepared, ocr, work_dir) if prepared.image is not None else None
    done = time.perf_counter()
    seconds = {"prepare": prepared_at - started, "ocr": read_at - prepared_at, "text_layer": done - read_at}
    return PageResult(prepared, ocr, page_pdf, seconds)


def default_jobs() -> int:
    """One page task per available core."""
    return max(1, len(os.sched_getaffinity(0)))


def run_page_tasks(pages: tuple[PageSource, ...], work_dir: Path, settings: PageSettings, jobs: int,
                   on_done: Callable[[PageResult], None] = lambda result: None) -> tuple[PageResult, ...]:
    """Process every page, `jobs` at a time (1 = serially in this process, for debugging)."""
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
    with ProcessPoolExecutor(max_workers=min(jobs, len(pages))) as pool:
        futures = {pool.submit(process_page, page, work_dir, settings): page for page in pages}
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
