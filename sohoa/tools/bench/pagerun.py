"""This project's page path as one process, so the benchmark measures it like the other tools.

``python -m sohoa.tools.bench.pagerun --jobs J --work DIR --out OUT.pdf --report R.json IMAGE...`` runs intake
(`inspect_file`, `list_pages`), `run_page_tasks` and `assemble_pdfa` of every page into one PDF/A-2b — the
page and PDF/A stages of `process_dossier` without classification, signing or S3 — and writes per-page
text and sub-stage seconds to R.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from datetime import datetime, timezone
from pathlib import Path

from sohoa.intake.files import IntakeLimits, inspect_file, list_pages
from sohoa.ocr.pages import PageSettings, run_page_tasks
from sohoa.pdfa.assemble import DocumentMetadata, assemble_pdfa
from sohoa.ocr.prepare import PrepareSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sohoa.tools.bench.pagerun")
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--ocr-dpi", type=float, default=None,
                        help="PrepareSettings.ocr_dpi; 0 reads the page's own resolution (default: the setting's default)")
    parser.add_argument("images", type=Path, nargs="+")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.jobs <= 1:  # one worker is one core: no OpenCV threads on the other (pool workers do the same)
        import cv2

        cv2.setNumThreads(1)
    started = time.perf_counter()
    pages = list_pages(tuple(inspect_file(path, IntakeLimits()) for path in args.images))
    prepare = PrepareSettings()
    if args.ocr_dpi is not None:
        prepare = dataclasses.replace(prepare, ocr_dpi=args.ocr_dpi or None)
    settings = PageSettings(prepare=prepare)
    results = run_page_tasks(pages, args.work, settings, args.jobs)
    paged = time.perf_counter()
    metadata = DocumentMetadata(title="sohoa benchmark", subject="issue 7", author="sohoa.tools.bench",
                                created=datetime(2026, 1, 1, tzinfo=timezone.utc))
    verdict = assemble_pdfa([(result.page_pdf, 0) for result in results], metadata, args.out)
    done = time.perf_counter()
    report = {
        "seconds": {"pages": paged - started, "assemble": done - paged},
        "verdict": verdict.model_dump(),
        "pages": [{"file": r.prepared.source.file_name, "text": r.text, "rotation": r.prepared.rotation,
                   "skew": r.prepared.skew, "blank": r.prepared.blank, "seconds": r.seconds} for r in results],
    }
    args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
