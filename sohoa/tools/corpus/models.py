"""Options of the synthetic scan and the ground truth written next to each dossier."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pydantic import Field

from sohoa.models.base import FrozenModel


@dataclass(frozen=True)
class ScanOptions:
    """How the synthetic dossier is scanned; every probability is per page unless said otherwise."""

    dpi: int = 300
    colour: bool = True
    max_skew_deg: float = 3.0
    rotate_probability: float = 0.1
    blank_back_probability: float = 0.1
    noise: float = 0.006  # std-dev of sensor noise, as a fraction of full scale
    jpeg_quality: int | None = 85  # None: lossless PNG
    unexpected_probability: float = 0.0  # per dossier: add one paper that is not on the checklist
    missing_probability: float = 0.0  # per dossier: leave one component out
    blur: float = 0.6  # Gaussian blur sigma in px at 300 dpi (scaled with dpi)
    lighting: float = 0.04  # depth of uneven illumination (0: flat)
    shuffle_probability: float = 0.0  # per dossier: papers not in checklist order
    tiff_multipage: bool = False  # multi-page documents as one multi-page TIFF (JPEG-compressed)
    family: str = "a"  # template family: "a" the first templates (docs_*.py), "b" the second (family_b.py)

    def __post_init__(self) -> None:
        problems = []
        if not 100 <= self.dpi <= 600:
            problems.append(f"dpi={self.dpi} (expected 100..600)")
        for name in ("rotate_probability", "blank_back_probability", "unexpected_probability",
                     "missing_probability", "shuffle_probability"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name}={getattr(self, name)} (expected 0..1)")
        if not 0 <= self.max_skew_deg <= 15:
            problems.append(f"max_skew_deg={self.max_skew_deg} (expected 0..15)")
        if self.noise < 0 or self.blur < 0 or not 0 <= self.lighting < 1:
            problems.append("noise, blur must be >= 0 and lighting in [0, 1)")
        if self.jpeg_quality is not None and not 1 <= self.jpeg_quality <= 95:
            problems.append(f"jpeg_quality={self.jpeg_quality} (expected 1..95 or None)")
        if self.family not in ("a", "b"):
            problems.append(f"family={self.family!r} (expected 'a' or 'b')")
        if problems:
            raise ValueError("invalid ScanOptions: " + "; ".join(problems))

    def as_dict(self) -> dict[str, object]:
        """The options as recorded in truth.json (the default family is left out, as before it existed)."""
        values = asdict(self)
        if values["family"] == "a":
            del values["family"]
        return values


class PageTruth(FrozenModel):
    """What is on one scanned page."""

    file: str = Field(description="Image file name inside the dossier directory.")
    frame: int = Field(default=0, description="Frame index inside a multi-page TIFF (0 otherwise).")
    text: str = Field(description="Exact NFC text rendered on the page, lines in reading order joined by \\n; "
                                  "seal and signature strokes excluded; empty for blank pages.")
    document_type_id: str | None = Field(description="Catalogue document type (or an unexpected type id); None when blank.")
    component_position: int | None = Field(description="Checklist position; None for blank or unexpected papers.")
    document_index: int = Field(description="0-based index of the paper in scan order (blank back sides: their sheet's paper).")
    page_in_document: int = Field(description="1-based page number inside its document (0 for blank back sides).")
    is_first_page_of_document: bool = Field(description="True on a document's first page.")
    rotation_deg: int = Field(description="Counter-clockwise rotation applied (0, 90, 180, 270); undo with -rotation.")
    skew_deg: float = Field(description="Counter-clockwise skew applied, degrees.")
    blank: bool = Field(description="Blank back side from a duplex scanner.")
    dpi: int = Field(description="Resolution of the image.")
    colour: bool = Field(description="RGB (True) or greyscale image.")


class DocumentTruth(FrozenModel):
    """One paper of the dossier, with the facts printed on it (for field extraction tests)."""

    document_index: int = Field(description="0-based index in scan order.")
    document_type_id: str = Field(description="Document type id.")
    component_position: int | None = Field(description="Checklist position, None when unexpected.")
    title: str = Field(description="Title as printed.")
    pages: int = Field(description="Number of printed pages (blank backs excluded).")
    photocopy: bool = Field(description="A certified copy (bản sao) rather than an original.")
    number: str = Field(description="Số, ký hiệu as printed ('' if none).")
    issue_date: str = Field(description="Issue date, ISO 8601 ('' if none).")
    issuer: str = Field(description="Issuing body or author.")
    signer: str = Field(description="Name of the signer ('' if unsigned).")
    facts: dict[str, str] = Field(default_factory=dict, description="Other printed facts, e.g. tax_code.")


class DossierTruth(FrozenModel):
    """Ground truth of a generated dossier (truth.json)."""

    procedure_code: str = Field(description="Procedure code.")
    variant: str = Field(description="Variant id.")
    seed: int = Field(description="Seed it was generated from.")
    pages: list[PageTruth] = Field(description="Pages in scan order.")
    documents: list[DocumentTruth] = Field(description="Papers in scan order.")
    missing_positions: list[int] = Field(description="Checklist positions with no paper in the dossier.")
    complete: bool = Field(description="True when every required component is present.")
    applicant: str = Field(description="Applicant name as printed.")
    applicant_id: str = Field(description="Applicant's tax code (mã số doanh nghiệp / hộ kinh doanh).")
    options: dict[str, object] = Field(description="ScanOptions used.")
    generator: str = Field(description="Generator name and version.")
