"""Stage 4, PDF/A: the searchable pages of one component (`sohoa.ocr.textlayer`) joined into one PDF/A-2b.

pikepdf's PDF/A module declares, saves and validates; the output is byte-deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pikepdf
from pikepdf import pdfa

from sohoa.intake.active import strip_page_actions
from sohoa.models.report import PdfaVerdict

PDFA_FLAVOUR = "2b"
VALIDATOR = f"pikepdf.pdfa {pikepdf.__version__}"


@dataclass(frozen=True)
class DocumentMetadata:
    """Metadata written into each component's PDF/A."""

    title: str
    """Document title (the component name)."""
    subject: str
    """Dossier and procedure codes."""
    author: str
    """The receiving organisation."""
    created: datetime
    """Creation time (timezone-aware)."""


def assemble_pdfa(page_pdfs: list[tuple[Path, int]], metadata: DocumentMetadata, out: Path) -> PdfaVerdict:
    """Join pages (path, page number in that file) into one PDF/A-2b; return the validator's verdict.

    When the result does not pass, it is still written (as plain PDF) so nothing is lost,
    and the verdict names the findings.
    """
    with pikepdf.new() as pdf:
        sources = {}
        try:
            for path, number in page_pdfs:
                if path not in sources:
                    sources[path] = pikepdf.open(path)
                pdf.pages.append(sources[path].pages[number])
                strip_page_actions(pdf.pages[-1])
            _set_metadata(pdf, metadata)
            try:
                pdfa.prepare(pdf, PDFA_FLAVOUR, output_intent="sRGB")
                _pin_metadata_date(pdf, metadata.created)
                pdfa.save(pdf, out, PDFA_FLAVOUR, output_intent=None, repair=False, deterministic_id=True)
                return PdfaVerdict(flavour=PDFA_FLAVOUR, passed=True, validator=VALIDATOR)
            except pdfa.PdfaError as error:
                pdf.save(out)
                findings = tuple(str(finding) for finding in error.report.findings[:20])
                return PdfaVerdict(flavour=PDFA_FLAVOUR, passed=False, validator=VALIDATOR, findings=findings)
        finally:
            for source in sources.values():
                source.close()


def check_signed_pdfa(path: Path) -> PdfaVerdict:
    """Validate a signed file against PDF/A-2b.

    pikepdf's allowlist validator does not support /AcroForm, which every signature field needs; the
    signing package's check validates the document with the signature drawn as page content and checks
    the signature-field rules of PDF/A-2 itself.
    """
    from sohoa.pdfa.check import check_signed_pdfa as check_signed

    report = check_signed(path, PDFA_FLAVOUR)
    findings = () if report.passed else (report.summary(),)
    return PdfaVerdict(flavour=PDFA_FLAVOUR, passed=report.passed, validator=f"{VALIDATOR} + sohoa signature-field rules",
                       findings=findings)


def _set_metadata(pdf: pikepdf.Pdf, metadata: DocumentMetadata) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = metadata.title
        meta["dc:description"] = metadata.subject
        meta["dc:creator"] = [metadata.author]
        meta["xmp:CreateDate"] = metadata.created.isoformat()
        meta["xmp:CreatorTool"] = "sohoa"
        meta["xmp:MetadataDate"] = metadata.created.isoformat()
        meta["pdf:Producer"] = f"sohoa with pikepdf {pikepdf.__version__}"


def _pin_metadata_date(pdf: pikepdf.Pdf, created: datetime) -> None:
    """pikepdf stamps xmp:MetadataDate with the current time; pin it so the same pages give the same bytes
    (content-addressed keys then make a retried job a no-op)."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["xmp:MetadataDate"] = created.isoformat()
