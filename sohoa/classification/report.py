"""The report's row for each page: what page preparation, OCR and classification found."""

from __future__ import annotations

from sohoa.classification.rules import PageAssignment
from sohoa.models.report import PageReport
from sohoa.ocr.pages import PageResult


def page_reports(pages: tuple[PageResult, ...], assignments: tuple[PageAssignment, ...], min_dpi: int) -> tuple[PageReport, ...]:
    """The report's row for each page."""
    rows = []
    for page, assignment in zip(pages, assignments, strict=True):
        prepared, ocr = page.prepared, page.ocr
        rows.append(PageReport(
            index=prepared.source.index, source_file=prepared.source.file_name, source_page=prepared.source.frame + 1,
            born_digital=prepared.source.born_digital_text is not None, rotation=prepared.rotation, skew=prepared.skew,
            blank=prepared.blank, dpi=prepared.dpi, low_dpi=prepared.dpi is not None and prepared.dpi < min_dpi,
            text=page.text, mean_confidence=round(ocr.mean_confidence, 2) if ocr and ocr.mean_confidence is not None else None,
            word_count=len(ocr.words) if ocr else len(page.text.split()), component_position=assignment.position,
            document_type=assignment.document_type, classification_confidence=round(assignment.confidence, 3),
            classification_role=assignment.role, perceptual_hash=page.perceptual_hash, reused=page.reused,
            candidate_position=assignment.candidate_position, rule_document_type=assignment.rule_type,
            model_document_type=assignment.model_type, placed_by=assignment.placed_by, warnings=prepared.warnings + _review_warning(assignment),
        ))
    return tuple(rows)


def _review_warning(assignment: PageAssignment) -> tuple[str, ...]:
    if assignment.role != "review":
        return ()
    guesses = ""
    if assignment.rule_type and assignment.model_type and assignment.rule_type != assignment.model_type:
        guesses = f"; title rules: {assignment.rule_type}, page model: {assignment.model_type}"
    return (f"classification: needs review (candidate component {assignment.candidate_position}{guesses})",)
