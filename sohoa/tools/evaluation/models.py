"""The evaluation report: per-page and per-dossier rows and corpus totals, frozen pydantic models.

Ratios are floats in 0-1 (the table shows percentages); a ratio whose denominator is zero is null
(shown N/A), as in the provinces' indicators.
"""

from __future__ import annotations

from pydantic import Field

from sohoa.models.base import FrozenModel

EVALUATION_SCHEMA_VERSION = "1.0"


class PageRow(FrozenModel):
    """One page: what the truth says and what the pipeline reported."""

    index: int = Field(description="0-based position in the dossier's page stream.")
    file: str = Field(description="Image file (and frame, for multi-page TIFF: 'file#frame').")
    truth_blank: bool = Field(description="The page is a blank back side in the truth.")
    predicted_blank: bool = Field(description="The pipeline detected the page as blank.")
    truth_document_type: str | None = Field(description="True document type id (an id outside the checklist for unexpected papers).")
    truth_position: int | None = Field(description="True component position; null for blank or unexpected pages.")
    predicted_document_type: str | None = Field(description="Document type the classifier matched.")
    predicted_position: int | None = Field(description="Component position the classifier assigned.")
    flagged_unexpected: bool = Field(description="The page lies in a document the report flags as unexpected.")
    correct: bool | None = Field(description="Component assignment right (unexpected pages: flagged as unexpected); null for true blank pages.")
    truth_start: bool = Field(description="The page starts a document in the truth.")
    predicted_start: bool = Field(description="The page starts a document according to the report.")
    classification_confidence: float = Field(description="Classifier confidence 0-1.")
    char_errors: int = Field(description="Character edits between the normalised true and OCR text.")
    chars: int = Field(description="Characters of the normalised true text.")
    cer: float | None = Field(description="Character error rate of the page; null for an empty true text.")
    mean_confidence: float | None = Field(description="Mean OCR word confidence 0-100; null when not OCR'd.")


class DossierRow(FrozenModel):
    """One dossier of the corpus, scored against its truth.json."""

    name: str = Field(description="Dossier directory name inside the corpus.")
    procedure_code: str = Field(description="Procedure code (mã TTHC).")
    variant: str = Field(description="Procedure variant id.")
    pages: int = Field(description="Pages in the truth (blank back sides included).")
    error: str | None = Field(default=None, description="Why the pipeline failed on this dossier; null when it ran.")
    seconds: float = Field(default=0.0, description="Wall-clock seconds of process_dossier on this dossier.")
    dossier_code: str = Field(default="", description="Dossier code the run gave it (EVAL-<yyMMdd>-<serial>).")
    ocr_key: str | None = Field(default=None, description="Object key of the stored OCR JSON (text, words, confidences of every page).")
    manifest_key: str | None = Field(default=None, description="Object key of the dossier manifest.")
    char_errors: int = Field(default=0, description="Character edits over all pages (CER numerator).")
    chars: int = Field(default=0, description="Characters of the true text over all pages (CER denominator).")
    word_errors: int = Field(default=0, description="Word edits over all pages (WER numerator).")
    words: int = Field(default=0, description="Words of the true text over all pages (WER denominator).")
    cer: float | None = Field(default=None, description="Character error rate, NFC and whitespace-normalised.")
    wer: float | None = Field(default=None, description="Word error rate, NFC and whitespace-normalised.")
    pages_scored: int = Field(default=0, description="Non-blank true pages (denominator of page accuracy).")
    pages_correct: int = Field(default=0, description="Non-blank pages whose component (or unexpected flag) is right.")
    page_accuracy: float | None = Field(default=None, description="pages_correct / pages_scored.")
    blank_errors: int = Field(default=0, description="Pages whose blank detection disagrees with the truth.")
    truth_missing: tuple[int, ...] = Field(default=(), description="Required component positions missing in the truth.")
    predicted_missing: tuple[int, ...] = Field(default=(), description="Required component positions the report says are missing.")
    truth_missing_optional: tuple[int, ...] = Field(default=(), description="Conditional ('nếu có') positions left out in the truth.")
    predicted_missing_optional: tuple[int, ...] = Field(default=(), description="Conditional positions the report did not find.")
    checklist_correct: bool | None = Field(default=None, description="Exact match of the required missing set (the front desk's decision); null on failure.")
    decision: str | None = Field(default=None, description="The report's checklist decision (complete, incomplete, needs_review) when it records one.")
    high_confidence: bool | None = Field(default=None, description="The report says its decision may be relied on without a human look; null when not recorded.")
    review_pages: int = Field(default=0, description="Pages the classifier marked for human review.")
    boundary_true_positives: int = Field(default=0, description="Document starts found.")
    boundary_false_positives: int = Field(default=0, description="Document starts reported that are not starts.")
    boundary_false_negatives: int = Field(default=0, description="Document starts missed.")
    boundary_f1: float | None = Field(default=None, description="F1 of document starts.")
    unexpected_truth: int = Field(default=0, description="Papers outside the checklist in the truth.")
    unexpected_found: int = Field(default=0, description="Of those, papers with at least one page flagged as unexpected.")
    unexpected_flagged: int = Field(default=0, description="Documents the report flags as unexpected.")
    unexpected_false_alarms: int = Field(default=0, description="Flagged documents with no page of a true unexpected paper.")
    page_rows: tuple[PageRow, ...] = Field(default=(), description="Per-page detail.")


class Confusion(FrozenModel):
    """A kind of page misassignment and how often it happened (non-blank pages only)."""

    truth_document_type: str | None = Field(description="True document type id.")
    truth_position: int | None = Field(description="True component position (null: unexpected paper).")
    predicted_document_type: str | None = Field(description="Document type the classifier matched.")
    predicted_position: int | None = Field(description="Component position assigned (null: none).")
    predicted_role: str = Field(description="component, unexpected, none (no position, not flagged) or blank.")
    count: int = Field(description="Pages.")


class Totals(FrozenModel):
    """The corpus figures: counts are summed over dossiers, rates are micro-averaged (pooled counts)."""

    dossiers: int = Field(description="Dossiers evaluated.")
    failed: int = Field(description="Dossiers on which the pipeline raised an error (excluded from the figures below).")
    pages: int = Field(description="Pages processed (blank back sides included).")
    cer: float | None = Field(description="Character error rate over all pages: sum of edits / sum of true characters.")
    wer: float | None = Field(description="Word error rate over all pages: sum of word edits / sum of true words.")
    page_accuracy: float | None = Field(description="Share of non-blank pages assigned to their true component (unexpected papers: flagged).")
    blank_errors: int = Field(description="Pages whose blank detection disagrees with the truth.")
    checklist_accuracy: float | None = Field(description="Share of dossiers whose required missing set is exactly right.")
    needs_review: int = Field(default=0, description="Dossiers whose checklist decision is needs_review (a person must look).")
    review_pages: int = Field(default=0, description="Pages the classifier marked for human review.")
    high_confidence: int = Field(default=0, description="Dossiers whose decision the report calls high-confidence.")
    high_confidence_accuracy: float | None = Field(default=None, description="Share of the high-confidence decisions whose missing set is exactly right.")
    completeness_accuracy: float | None = Field(description="Share of dossiers whose complete/incomplete verdict is right.")
    boundary_precision: float | None = Field(description="Reported document starts that are true starts.")
    boundary_recall: float | None = Field(description="True document starts that were reported.")
    boundary_f1: float | None = Field(description="F1 of document starts (pooled counts).")
    unexpected_truth: int = Field(description="Papers outside the checklist in the truth.")
    unexpected_recall: float | None = Field(description="Share of papers outside the checklist flagged as unexpected.")
    unexpected_precision: float | None = Field(description="Share of flagged documents that are a true unexpected paper.")
    seconds: float = Field(description="Wall-clock seconds spent in process_dossier, summed over dossiers.")
    pages_per_minute: float | None = Field(description="pages / (seconds / 60): throughput of the whole pipeline.")
    stage_seconds: dict[str, float] = Field(description="Seconds per pipeline stage summed over dossiers (pages.* are CPU-side sums).")
    confusions: tuple[Confusion, ...] = Field(description="Misassigned pages grouped by (truth, prediction), most frequent first.")


class EvaluationReport(FrozenModel):
    """`sohoa eval`: the pipeline run over a corpus and scored against its ground truth."""

    schema_version: str = Field(default=EVALUATION_SCHEMA_VERSION, description="Evaluation report schema version.")
    corpus: str = Field(description="Corpus directory.")
    split: str = Field(description="Split evaluated: test, train or all.")
    jobs: int = Field(description="Pages processed at once.")
    started_at: str = Field(description="When the run started, ISO 8601 with offset.")
    load_average: tuple[float, float, float] = Field(description="1/5/15-minute load average when the run ended (other work on the machine).")
    dossiers: tuple[DossierRow, ...] = Field(description="One row per dossier, in corpus order.")
    totals: Totals = Field(description="Corpus figures.")
