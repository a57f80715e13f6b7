"""Run the pipeline over a generated corpus and score every dossier against its truth.json."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from sohoa.catalog import CatalogLookupError
from sohoa.tools.corpus import DossierTruth
from sohoa.errors import SohoaError
from sohoa.tools.evaluation.metrics import (
    BoundaryCount, EditCount, UnexpectedCount, boundary_count, char_errors, checklist_match, document_starts, ratio,
    unexpected_count, word_errors,
)
from sohoa.tools.evaluation.models import Confusion, DossierRow, EvaluationReport, PageRow, Totals
from sohoa.models.report import DossierReport, PageReport
from sohoa.models.dossier import DossierRequest
from sohoa.pipeline import Engines, PipelineSettings, process_dossier

TRUTH_FILE = "truth.json"
SPLIT_FILE = "split.json"
SPLITS = ("test", "train", "all")

EvalProgress = Callable[[str, int, int], None]
"""Called as (what, done, total): what is "dossiers" or "pages" (pages over the whole run)."""


class CorpusError(SohoaError):
    """The corpus directory cannot be evaluated (no truth.json, no split.json, unknown split, bad truth)."""

    exit_code = 66  # EX_NOINPUT


@dataclass(frozen=True)
class CorpusDossier:
    """One dossier directory of a corpus and its ground truth."""

    name: str
    """Directory name."""
    directory: Path
    """The directory holding the page images and truth.json."""
    truth: DossierTruth
    """Its ground truth."""

    @property
    def files(self) -> tuple[Path, ...]:
        """The image files in the truth's page order (a multi-page TIFF once, at its first page)."""
        names = dict.fromkeys(page.file for page in self.truth.pages)
        return tuple(self.directory / name for name in names)


def load_dossiers(corpus_dir: Path, split: str = "test", limit: int | None = None) -> list[CorpusDossier]:
    """The dossiers of a split, in split.json order (split "all": every dossier directory, sorted).

    A directory holding truth.json itself is a one-dossier corpus, whatever the split.
    """
    corpus_dir = Path(corpus_dir)
    if split not in SPLITS:
        raise CorpusError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")
    if (corpus_dir / TRUTH_FILE).is_file():
        names, base = [corpus_dir.name], corpus_dir.parent
    elif split == "all":
        if not corpus_dir.is_dir():
            raise CorpusError(f"{corpus_dir}: no such corpus directory")
        names, base = sorted(p.name for p in corpus_dir.iterdir() if (p / TRUTH_FILE).is_file()), corpus_dir
    else:
        split_path = corpus_dir / SPLIT_FILE
        if not split_path.is_file():
            raise CorpusError(f"{split_path}: not found (generate the corpus with a split, or use --split all)")
        try:
            names, base = list(json.loads(split_path.read_text(encoding="utf-8"))[split]), corpus_dir
        except (ValueError, KeyError, TypeError) as error:
            raise CorpusError(f"{split_path}: no valid {split!r} list ({error})") from error
    if limit is not None:
        names = names[:max(limit, 0)]
    dossiers = []
    for name in names:
        path = base / name / TRUTH_FILE
        try:
            truth = DossierTruth.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError) as error:
            raise CorpusError(f"{path}: cannot read the truth ({error})") from error
        dossiers.append(CorpusDossier(name=name, directory=base / name, truth=truth))
    return dossiers


def evaluate_corpus(corpus_dir: Path, settings: PipelineSettings, engines: Engines, split: str = "test",
                    limit: int | None = None, progress: EvalProgress = lambda what, done, total: None) -> EvaluationReport:
    """Run `process_dossier` on every dossier of the split (at most ``limit``) and score it against its truth.

    A dossier on which the pipeline raises a `SohoaError` gets a row with the error and is left out of
    the figures; storage and other unexpected errors propagate.
    """
    started_at = datetime.now().astimezone()
    dossiers = load_dossiers(corpus_dir, split, limit)
    total_pages = sum(len(d.truth.pages) for d in dossiers)
    pages_before = 0
    rows: list[DossierRow] = []
    reports: list[DossierReport | None] = []
    progress("dossiers", 0, len(dossiers))
    progress("pages", 0, total_pages)
    for number, dossier in enumerate(dossiers, start=1):
        offset = pages_before

        def on_stage(stage: str, done: int, total: int, offset: int = offset) -> None:
            if stage == "pages":
                progress("pages", offset + done, total_pages)

        row, report = _run_one(dossier, number, settings, engines, started_at, on_stage)
        rows.append(row)
        reports.append(report)
        pages_before += len(dossier.truth.pages)
        progress("pages", pages_before, total_pages)
        progress("dossiers", number, len(dossiers))
    return EvaluationReport(
        corpus=str(corpus_dir), split=split, jobs=settings.jobs, started_at=started_at.isoformat(timespec="seconds"),
        load_average=tuple(round(x, 2) for x in os.getloadavg()), dossiers=tuple(rows),
        totals=aggregate(rows, [r for r in reports if r is not None]),
    )


def _run_one(dossier: CorpusDossier, number: int, settings: PipelineSettings, engines: Engines, started_at: datetime,
             progress: Callable[[str, int, int], None]) -> tuple[DossierRow, DossierReport | None]:
    truth = dossier.truth
    code = f"EVAL-{started_at:%y%m%d}-{number:04d}"
    base = DossierRow(name=dossier.name, procedure_code=truth.procedure_code, variant=truth.variant,
                      pages=len(truth.pages), dossier_code=code)
    try:
        variant = engines.catalog.get(truth.procedure_code).variant(truth.variant)
    except CatalogLookupError as error:
        return base.model_copy(update={"error": f"catalogue: {error}"}), None
    request = DossierRequest(dossier_code=code, procedure_code=truth.procedure_code,
                             files=dossier.files, variant=truth.variant, received_at=started_at)
    began = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="sohoa-eval-") as work_dir:
            report = process_dossier(request, settings, engines, Path(work_dir), progress)
    except SohoaError as error:
        seconds = round(time.perf_counter() - began, 3)
        return base.model_copy(update={"error": f"{type(error).__name__}: {error}", "seconds": seconds}), None
    seconds = round(time.perf_counter() - began, 3)
    if len(report.pages) != len(truth.pages):
        error = f"the report has {len(report.pages)} pages, the truth {len(truth.pages)}"
        return base.model_copy(update={"error": error, "seconds": seconds}), None
    required = {c.position for c in variant.components if c.required}
    row = score_dossier(dossier.name, truth, report, required, seconds)
    return row.model_copy(update={"dossier_code": report.dossier_code, "ocr_key": report.ocr.object.key,
                                  "manifest_key": report.manifest.key}), report


def score_dossier(name: str, truth: DossierTruth, report: DossierReport, required_positions: set[int],
                  seconds: float = 0.0) -> DossierRow:
    """Compare one dossier's report with its truth (same page stream, page for page)."""
    flagged = {page: k for k, document in enumerate(report.checklist.unexpected) for page in document.pages}
    predicted_starts = predicted_document_starts(report.pages, flagged)
    truth_keys = [None if page.blank else page.document_index for page in truth.pages]
    truth_starts = document_starts(truth_keys)
    chars, words = EditCount(0, 0), EditCount(0, 0)
    page_rows = []
    for expected, page in zip(truth.pages, report.pages, strict=True):
        page_chars = char_errors(expected.text, page.text)
        chars, words = chars + page_chars, words + word_errors(expected.text, page.text)
        is_flagged = page.index in flagged
        if expected.blank:
            correct = None
        elif expected.component_position is None:
            correct = is_flagged
        else:
            correct = page.component_position == expected.component_position and not is_flagged
        page_rows.append(PageRow(
            index=page.index, file=expected.file + (f"#{expected.frame}" if expected.frame else ""),
            truth_blank=expected.blank, predicted_blank=page.blank, truth_document_type=expected.document_type_id,
            truth_position=expected.component_position, predicted_document_type=page.document_type,
            predicted_position=page.component_position, flagged_unexpected=is_flagged, correct=correct,
            truth_start=page.index in truth_starts, predicted_start=page.index in predicted_starts,
            classification_confidence=page.classification_confidence, char_errors=page_chars.edits,
            chars=page_chars.reference, cer=page_chars.rate, mean_confidence=page.mean_confidence,
        ))
    boundaries = boundary_count(truth_starts, predicted_starts)
    unexpected_pages: dict[int, list[int]] = {}
    for index, page in enumerate(truth.pages):
        if not page.blank and page.document_type_id is not None and page.component_position is None:
            unexpected_pages.setdefault(page.document_index, []).append(index)
    unexpected = unexpected_count(unexpected_pages.values(), (d.pages for d in report.checklist.unexpected))
    truth_missing = tuple(sorted(p for p in truth.missing_positions if p in required_positions))
    scored = [row for row in page_rows if row.correct is not None]
    correct_pages = sum(1 for row in scored if row.correct)
    return DossierRow(
        name=name, procedure_code=truth.procedure_code, variant=truth.variant, pages=len(truth.pages), seconds=seconds,
        char_errors=chars.edits, chars=chars.reference, word_errors=words.edits, words=words.reference,
        cer=chars.rate, wer=words.rate, pages_scored=len(scored), pages_correct=correct_pages,
        page_accuracy=ratio(correct_pages, len(scored)),
        blank_errors=sum(1 for row in page_rows if row.truth_blank != row.predicted_blank),
        truth_missing=truth_missing, predicted_missing=tuple(sorted(report.checklist.missing_positions)),
        truth_missing_optional=tuple(sorted(p for p in truth.missing_positions if p not in required_positions)),
        predicted_missing_optional=tuple(sorted(report.checklist.missing_optional_positions)),
        checklist_correct=checklist_match(truth_missing, report.checklist.missing_positions),
        decision=report.checklist.decision, high_confidence=report.checklist.high_confidence,
        review_pages=len(report.checklist.review_pages),
        boundary_true_positives=boundaries.true_positives, boundary_false_positives=boundaries.false_positives,
        boundary_false_negatives=boundaries.false_negatives, boundary_f1=boundaries.f1,
        unexpected_truth=unexpected.truth, unexpected_found=unexpected.found, unexpected_flagged=unexpected.flagged,
        unexpected_false_alarms=unexpected.false_alarms, page_rows=tuple(page_rows),
    )


def predicted_document_starts(pages: Sequence[PageReport], flagged: dict[int, int]) -> frozenset[int]:
    """The pages the report says start a document.

    From the page assignments: skipping blank (and separator) pages, a page starts a document when its
    document differs from the previous non-blank page's; a page's document is the unexpected document
    holding it (``flagged``: page index → index in `checklist.unexpected`), else its (component
    position, document type). When the report records the
    classifier's own decision (`classification_role`), it wins: "component" = a document's first page,
    "continuation" = not a start.
    """
    keys: list[Hashable | None] = []
    forced: dict[int, bool] = {}
    for page in pages:
        role = page.classification_role
        if page.blank or role in ("blank", "separator"):
            keys.append(None)
            continue
        keys.append(("unexpected", flagged[page.index]) if page.index in flagged
                    else ("assigned", page.component_position, page.document_type))
        if role in ("component", "continuation"):
            forced[page.index] = role == "component"
    starts = set(document_starts(keys))
    for index, start in forced.items():
        (starts.add if start else starts.discard)(index)
    return frozenset(starts)


def aggregate(rows: Sequence[DossierRow], reports: Sequence[DossierReport] = ()) -> Totals:
    """Corpus totals from the dossier rows (pooled counts); ``reports`` supply the per-stage timings."""
    ok = [row for row in rows if row.error is None]
    chars = sum((EditCount(r.char_errors, r.chars) for r in ok), EditCount(0, 0))
    words = sum((EditCount(r.word_errors, r.words) for r in ok), EditCount(0, 0))
    boundaries = sum((BoundaryCount(r.boundary_true_positives, r.boundary_false_positives, r.boundary_false_negatives)
                      for r in ok), BoundaryCount(0, 0, 0))
    unexpected = sum((UnexpectedCount(r.unexpected_truth, r.unexpected_found, r.unexpected_flagged, r.unexpected_false_alarms)
                      for r in ok), UnexpectedCount(0, 0, 0, 0))
    pages = sum(r.pages for r in ok)
    seconds = round(sum(r.seconds for r in ok), 3)
    stages: dict[str, float] = {}
    for report in reports:
        for timing in report.timings:
            stages[timing.stage] = round(stages.get(timing.stage, 0.0) + timing.seconds, 3)
    confusions: Counter[tuple] = Counter()
    for row in ok:
        for page in row.page_rows:
            if page.correct is False:
                role = ("blank" if page.predicted_blank else "unexpected" if page.flagged_unexpected
                        else "component" if page.predicted_position is not None else "none")
                confusions[(page.truth_document_type, page.truth_position, page.predicted_document_type,
                            page.predicted_position, role)] += 1
    return Totals(
        dossiers=len(rows), failed=len(rows) - len(ok), pages=pages, cer=chars.rate, wer=words.rate,
        page_accuracy=ratio(sum(r.pages_correct for r in ok), sum(r.pages_scored for r in ok)),
        blank_errors=sum(r.blank_errors for r in ok),
        checklist_accuracy=ratio(sum(1 for r in ok if r.checklist_correct), len(ok)),
        needs_review=sum(1 for r in ok if r.decision == "needs_review"),
        review_pages=sum(r.review_pages for r in ok),
        high_confidence=sum(1 for r in ok if r.high_confidence),
        high_confidence_accuracy=ratio(sum(1 for r in ok if r.high_confidence and r.checklist_correct),
                                       sum(1 for r in ok if r.high_confidence)),
        completeness_accuracy=ratio(sum(1 for r in ok if (not r.truth_missing) == (not r.predicted_missing)), len(ok)),
        boundary_precision=boundaries.precision, boundary_recall=boundaries.recall, boundary_f1=boundaries.f1,
        unexpected_truth=unexpected.truth, unexpected_recall=unexpected.recall, unexpected_precision=unexpected.precision,
        seconds=seconds, pages_per_minute=round(pages / (seconds / 60), 2) if seconds else None, stage_seconds=stages,
        confusions=tuple(Confusion(truth_document_type=k[0], truth_position=k[1], predicted_document_type=k[2],
                                   predicted_position=k[3], predicted_role=k[4], count=n)
                         for k, n in sorted(confusions.items(), key=lambda item: (-item[1], str(item[0])))),
    )
