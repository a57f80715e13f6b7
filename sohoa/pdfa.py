"""Stage 4, PDF/A: a searchable page (image over an invisible text layer), then one PDF/A-2b per component.

The text layer is drawn by OCRmyPDF's fpdf2 renderer from the normalised OCR tree, so Vietnamese
copies and searches with correct diacritics; pikepdf's PDF/A module declares, saves and validates.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import ocrmypdf
import pikepdf
from ocrmypdf.font import MultiFontManager
from ocrmypdf.fpdf_renderer import Fpdf2PdfRenderer
from pikepdf import pdfa

from sohoa.models.report import PdfaVerdict
from sohoa.ocr.engine import OcrPage
from sohoa.prepare import PreparedPage

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


@functools.cache
def _font_manager() -> MultiFontManager:
    return MultiFontManager(Path(ocrmypdf.__file__).parent / "data")


def render_page_pdf(page: PreparedPage, ocr: OcrPage | None, work_dir: Path) -> Path:
    """One-page PDF: the page image on top of an invisible text layer at the words' positions."""
    if page.image is None or page.dpi is None:
        raise ValueError("born-digital pages are copied from their source, not rendered")
    out = work_dir / f"page-{page.source.index:04d}.pdf"
    if ocr is None or not ocr.words:
        _image_only_page(page.image, page.dpi, out)
        return out
    Fpdf2PdfRenderer(ocr.layout, page.dpi, _font_manager(), invisible_text=True, image=page.image).render(out)
    return out


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
    from sohoa.signing import check_signed_pdfa as check_signed

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


def _image_only_page(image: Path, dpi: float, out: Path) -> None:
    """A page with no recognised words (a photo, a blank back side): the image alone."""
    from fpdf import FPDF
    from PIL import Image

    with Image.open(image) as opened:
        width, height = opened.size
    width_pt, height_pt = width * 72 / dpi, height * 72 / dpi
    document = FPDF(unit="pt", format=(width_pt, height_pt))
    document.add_page()
    document.image(str(image), x=0, y=0, w=width_pt, h=height_pt)
    document.output(str(out))
