"""The versioned dossier report: what `sohoa process --json`, the API and the database hold.

Every model is frozen; stages build new values instead of mutating old ones.
The JSON schema is documented in docs/report-schema.md and exported by
`DossierReport.model_json_schema()`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sohoa.models.base import FrozenModel

REPORT_SCHEMA_VERSION = "1.0"


class SourceFileReport(FrozenModel):
    """One file handed in, as received."""

    name: str = Field(description="File name as uploaded (no directory).")
    sha256: str = Field(description="SHA-256 of the original bytes, hex.")
    size: int = Field(description="Size in bytes.")
    media_type: str = Field(description="Detected media type (from content, not the extension).")
    page_count: int = Field(description="Pages (frames) found in the file.")
    object_key: str = Field(description="Object-storage key of the original bytes.")
    active_content: tuple[str, ...] = Field(default=(), description="Active content found in a PDF (JavaScript, "
                                            "launch actions, embedded files); kept in the original, never in the copies.")


class PageReport(FrozenModel):
    """One page of the scanned stream, after preparation and OCR."""

    index: int = Field(description="0-based position of the page in the dossier's page stream.")
    source_file: str = Field(description="Name of the source file the page came from.")
    source_page: int = Field(description="1-based page (frame) number inside the source file.")
    born_digital: bool = Field(description="True when the page came from a PDF with its own text layer (not OCR'd).")
    rotation: int = Field(description="Clockwise rotation applied to upright the page: 0, 90, 180 or 270.")
    skew: float = Field(description="Skew correction applied, degrees (positive = counter-clockwise).")
    blank: bool = Field(description="True when the page was detected as blank (e.g. a duplex back side).")
    dpi: float | None = Field(description="Effective resolution of the page image, dots per inch; null for born-digital pages.")
    low_dpi: bool = Field(description="True when dpi is below the national scan standard's 200 dpi.")
    text: str = Field(description="Page text, NFC-normalised, with Tesseract's confusions fixed.")
    mean_confidence: float | None = Field(description="Mean OCR word confidence 0-100; null when not OCR'd.")
    word_count: int = Field(description="Number of words recognised.")
    component_position: int | None = Field(
        description="Assigned 1-based component position in the procedure's official list; null for blank, unexpected or unknown pages."
    )
    document_type: str | None = Field(description="Catalogue document type id the page was matched to, if any.")
    classification_confidence: float = Field(description="Classifier confidence 0-1 for the assignment.")
    classification_role: str | None = Field(
        default=None, description="Classifier role: component (first page), continuation, unexpected, blank, review, separator; null when not recorded.")
    warnings: tuple[str, ...] = Field(default=(), description="Human-readable warnings about this page.")
    perceptual_hash: str | None = Field(
        default=None, description="Perceptual hash of the upright page image, 64 hex digits (sohoa.ocr.phash); null for blank and born-digital pages.")
    reused: bool = Field(default=False, description="True when the page was read in an earlier run of this dossier "
                                                     "(a supplement) and taken from the page cache, not decoded or OCR'd again.")
    placed_by: str | None = Field(
        default=None, description="Who moved the page to its component (or out of the checklist) by hand, as the access log names them; null when the classifier placed it. A later digitization of the dossier keeps the move.")
    candidate_position: int | None = Field(
        default=None, description="For a page under review (or an uncertain unexpected one): the component the classifier did not dare to assign.")
    rule_document_type: str | None = Field(
        default=None, description="The document type the catalogue title rules point to; null when no title matched.")
    model_document_type: str | None = Field(
        default=None, description="The page model's most probable document type (`__other__`: a paper no checklist asks for).")


class ArtifactReport(FrozenModel):
    """One object written to storage."""

    key: str = Field(description="Object-storage key.")
    sha256: str = Field(description="SHA-256 of the stored bytes, hex.")
    size: int = Field(description="Size in bytes.")


class PdfaVerdict(FrozenModel):
    """Result of checking one file against PDF/A."""

    flavour: str = Field(description="PDF/A flavour checked, e.g. '2b'.")
    passed: bool = Field(description="True when the validator found nothing wrong.")
    validator: str = Field(description="Validator name and version.")
    findings: tuple[str, ...] = Field(default=(), description="Validator findings when it did not pass.")


class ComponentReport(FrozenModel):
    """One dossier component (thành phần hồ sơ) and its digitized files."""

    position: int = Field(description="1-based position in the procedure's official component list.")
    name: str = Field(description="Component name from the catalogue.")
    document_type: str | None = Field(description="Catalogue document type recognised.")
    pages: tuple[int, ...] = Field(description="Indexes of the dossier pages that make up this component.")
    confidence: float = Field(description="Lowest page classification confidence in the component, 0-1.")
    pdfa: ArtifactReport = Field(description="The component's PDF/A-2b file.")
    pdfa_verdict: PdfaVerdict = Field(description="PDF/A validator verdict on the PDF/A file.")
    signed: ArtifactReport | None = Field(description="The signed electronic copy; null when signing is disabled.")
    signed_pdfa_verdict: PdfaVerdict | None = Field(default=None, description="PDF/A verdict on the signed file.")
    signer: str | None = Field(default=None, description="Subject of the signing certificate.")


class UnexpectedDocument(FrozenModel):
    """Pages that look like a document but match nothing on the checklist."""

    pages: tuple[int, ...] = Field(description="Dossier page indexes.")
    title: str = Field(description="First line of text that looks like a title, for the reviewer.")


class ComponentEvidence(FrozenModel):
    """One checklist component as the classifier saw it: present or not, where, how sure."""

    position: int = Field(description="1-based position in the procedure's official component list.")
    name: str = Field(description="Component name from the catalogue.")
    required: bool = Field(description="False for conditional ('nếu có') components.")
    present: bool = Field(description="True when at least one page was assigned to the component.")
    pages: tuple[int, ...] = Field(default=(), description="Dossier page indexes assigned to the component.")
    confidence: float = Field(description="Classifier confidence 0-1 that the component is present (best first page); 0 when absent.")
    document_types: tuple[str, ...] = Field(default=(), description="Catalogue document types recognised for it (one of its alternatives).")


FIELD_NAMES = ("number", "issue_date", "issuer", "enterprise_code", "enterprise_name")
"""The key fields a person can check and correct, in the order they are shown."""


class FieldCorrectionNote(FrozenModel):
    """Who set a key field by hand, and what was read before."""

    extracted_value: str = Field(description="The value as read from the page, before any correction.")
    corrected_by: str = Field(description="Who corrected it (as the access log records them).")
    corrected_at: str = Field(description="When, ISO 8601 UTC.")


class KeyField(FrozenModel):
    """One key field of a document with where it was read, how far it can be trusted and what its check found."""

    name: Literal["number", "issue_date", "issuer", "enterprise_code", "enterprise_name"] = Field(
        description="Field name: number (số, ký hiệu), issue_date, issuer, enterprise_code, enterprise_name.")
    value: str = Field(description="The value as printed (as corrected, when a person corrected it); '' when not found.")
    normalized: str = Field(description="Normal form: ISO date, code digits (with -XXX for a branch), upper-case số ký hiệu, single spaces.")
    confidence: float = Field(description="0-1, an estimate of the probability that `normalized` is what the paper says: the "
                                          "weakest OCR word of the value, raised by a passed check digit, cut by a failed "
                                          "check (docs/classification.md, 'Key fields'); 1 when a person set it; 0 when missing.")
    ocr_confidence: float | None = Field(default=None, description="Lowest Tesseract confidence (0-1) of the words the value was read from; null when not located or not OCR'd.")
    check: Literal["valid", "invalid", "unchecked", "missing"] = Field(description="What the field's check found (MST check digit, calendar date, số ký hiệu format, legal form of a name).")
    check_note: str = Field(default="", description="Why, in a few words.")
    page: int | None = Field(default=None, description="Dossier page index the value was read on; null when not located.")
    region: tuple[int, int, int, int] | None = Field(
        default=None, description="left, top, right, bottom of the value's words (their OCR boxes), in pixels of the upright page image of `page` (see `page_size`, `dpi`).")
    page_size: tuple[int, int] | None = Field(default=None, description="Width and height in pixels of the upright page image the region is measured on.")
    dpi: float | None = Field(default=None, description="Resolution of that image (region in PDF points = pixels x 72 / dpi).")
    correction: FieldCorrectionNote | None = Field(default=None, description="Set when a person corrected the value.")


class ExtractedFields(FrozenModel):
    """Key fields read from one document's pages (empty string when not found)."""

    pages: tuple[int, ...] = Field(description="Dossier page indexes of the document.")
    position: int | None = Field(description="Component position the document was assigned to; null when unexpected or under review.")
    document_type: str | None = Field(description="Catalogue document type recognised.")
    number: str = Field(default="", description="Số, ký hiệu as printed, e.g. '289/GP-SCT'.")
    issue_date: str = Field(default="", description="Issue date, ISO 8601 (from '<place>, ngày … tháng … năm …').")
    issuer: str = Field(default="", description="Issuing body (left header column), lines joined by ' - '.")
    enterprise_code: str = Field(default="", description="10-digit enterprise code (mã số doanh nghiệp / mã số thuế).")
    enterprise_name: str = Field(default="", description="Enterprise (applicant) name as printed.")
    summary: str = Field(default="", description="Document type and summary (tên loại và trích yếu), from the title lines.")
    fields: tuple[KeyField, ...] = Field(default=(), description="The key fields with confidence, page region and check; "
                                                                 "a person's correction also replaces the flat value above.")


class ChecklistVerdict(FrozenModel):
    """Is the dossier complete against the procedure's checklist?"""

    complete: bool = Field(description="True when every required component is present.")
    present_positions: tuple[int, ...] = Field(description="Component positions found.")
    missing_positions: tuple[int, ...] = Field(description="Required component positions not found.")
    missing_optional_positions: tuple[int, ...] = Field(
        default=(), description="Conditional ('nếu có') component positions not found; they do not make the dossier incomplete."
    )
    unexpected: tuple[UnexpectedDocument, ...] = Field(description="Documents outside the checklist.")
    decision: Literal["complete", "incomplete", "needs_review"] = Field(
        default="complete", description="complete / incomplete (missing required components) / needs_review (pages the classifier would not guess, or low confidence).")
    confidence: float = Field(default=1.0, description="Lowest confidence among the present required components (capped at the review threshold when pages need review), 0-1.")
    high_confidence: bool = Field(default=False, description="True when the decision may be relied on without a human look (confidence >= 0.9, nothing to review).")
    components: tuple[ComponentEvidence, ...] = Field(default=(), description="Every checklist component, present or missing, with pages and confidence.")
    review_pages: tuple[int, ...] = Field(default=(), description="Page indexes the classifier marked for human review: pages it would not guess, and uncertain unexpected papers that may be a component.")
    documents: tuple[ExtractedFields, ...] = Field(default=(), description="Key fields of every document found (components and unexpected papers).")


class StageTiming(FrozenModel):
    """Wall-clock time spent in one stage."""

    stage: str = Field(description="Stage name.")
    seconds: float = Field(description="Wall-clock seconds.")
    pages: int = Field(description="Pages the stage handled.")


class OcrArtifact(FrozenModel):
    """The dossier's OCR output (text, word boxes and confidences of every page) as stored JSON."""

    object: ArtifactReport = Field(description="The OCR JSON object.")
    engine: str = Field(description="OCR engine and language.")


class ProcedureProposal(FrozenModel):
    """A procedure variant the dossier's papers fit, from `sohoa.classification.procedure`."""

    procedure_code: str = Field(description="Procedure code (mã TTHC or local SCT.* code).")
    variant: str = Field(description="Variant id.")
    procedure_name: str = Field(description="Procedure name.")
    fit: float = Field(description="0-1: share of required components found × share of documents the checklist accepts.")
    confidence: float = Field(description="fit² normalised over every variant tried (0-1).")
    required_found: int = Field(description="Required components found among the pages.")
    required: int = Field(description="Required components of the variant.")
    documents_explained: int = Field(description="Documents the variant's checklist accepts.")
    documents: int = Field(description="Documents the classifier cut the pages into.")


class DossierReport(FrozenModel):
    """The versioned result of processing one dossier."""

    schema_version: Literal["1.0"] = Field(default=REPORT_SCHEMA_VERSION, description="Report schema version.")
    dossier_code: str = Field(description="Dossier code (mã hồ sơ), <agency>-<yyMMdd>-<serial>.")
    procedure_code: str = Field(description="Procedure code (mã TTHC) processed against.")
    procedure_name: str = Field(description="Procedure name.")
    variant: str = Field(description="Procedure variant id whose checklist was used.")
    sources: tuple[SourceFileReport, ...] = Field(description="Files handed in.")
    pages: tuple[PageReport, ...] = Field(description="Every page in stream order.")
    components: tuple[ComponentReport, ...] = Field(description="Components found, by position.")
    checklist: ChecklistVerdict = Field(description="Checklist verdict.")
    ocr: OcrArtifact = Field(description="The stored OCR output.")
    manifest: ArtifactReport = Field(description="The dossier manifest object (SHA-256 of every object).")
    timings: tuple[StageTiming, ...] = Field(description="Per-stage timings.")
    warnings: tuple[str, ...] = Field(default=(), description="Dossier-level warnings.")
    procedure_fit: float | None = Field(
        default=None, description="How well the procedure's checklist fits the papers (0-1, see ProcedureProposal.fit); null when not computed.")
    procedure_proposals: tuple[ProcedureProposal, ...] = Field(
        default=(), description="The procedure variants the papers fit best, best first.")
