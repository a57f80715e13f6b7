"""PDF/A check of a *signed* file, working around what pikepdf's validator does not cover.

pikepdf 10.17's allowlist validator does not support interactive forms. Every PDF signature
lives in a form field, so on a signed file ``pikepdf.pdfa.check`` stops at the catalog with one
``unsupported`` finding ("interactive forms (/AcroForm) are not supported") and checks nothing
else: its verdict is ``not_checked`` even for a perfect file.

:func:`check_signed_pdfa` gives a meaningful verdict in three parts:

1. ``pikepdf.pdfa.check`` on the file as is: no violation, and nothing unsupported except the
   /AcroForm finding;
2. the same check on a copy where the signature fields are turned into ordinary page content
   (each widget's appearance stream drawn where the widget was) and the PAdES /ESIC extension
   mark is removed, so the validator walks pages, fonts, colour and metadata: it must pass;
3. the PDF/A-2 rules for signature widgets that the validator skips (6.3.2 flags, 6.3.3 normal
   appearance only, 6.4.1 no actions, no NeedAppearances, no XFA).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pikepdf.pdfa

_PRINT, _FORBIDDEN_FLAGS = 4, 1 | 2 | 32 | 256  # Invisible, Hidden, NoView, ToggleNoView
_ACROFORM_FINDING = "(Catalog) /AcroForm"
_DSS_FINDING = "unrecognized key(s) /DSS are not checked"


@dataclass(frozen=True)
class SignedPdfaReport:
    """Outcome of :func:`check_signed_pdfa`."""

    as_is: pikepdf.pdfa.Report
    """``pikepdf.pdfa.check`` on the signed file unchanged (stops at /AcroForm)."""

    without_form: pikepdf.pdfa.Report
    """``pikepdf.pdfa.check`` after turning signature widgets into page content."""

    widget_findings: tuple[str, ...]
    """Breaches of the PDF/A rules for signature widgets and the form dictionary."""

    @property
    def passed(self) -> bool:
        """True if no part found anything."""
        only_form_unsupported = all(
            f.where.endswith(_ACROFORM_FINDING) or _is_dss_finding(f) for f in self.as_is.unsupported
        )
        return (
            not self.as_is.violations
            and only_form_unsupported
            and self.without_form.passed
            and not self.widget_findings
        )

    def summary(self) -> str:
        """Multi-line description of all three parts."""
        lines = [f"signed PDF/A check: {'pass' if self.passed else 'fail'}",
                 "as is: " + self.as_is.summary(),
                 "without form: " + self.without_form.summary()]  # fmt: skip
        lines += [f"widget: {finding}" for finding in self.widget_findings]
        return "\n".join(lines)


def check_signed_pdfa(source: Path | bytes, flavour: str = "2b") -> SignedPdfaReport:
    """Check a signed PDF (path or bytes) against PDF/A ``flavour``; see the module docstring."""
    with _open(source) as pdf:
        as_is = pikepdf.pdfa.check(pdf, flavour)
        widget_findings = tuple(_widget_findings(pdf))
    with _open(source) as pdf:
        _turn_signature_widgets_into_content(pdf)
        without_form = pikepdf.pdfa.check(pdf, flavour)
    return SignedPdfaReport(as_is, without_form, widget_findings)


def _is_dss_finding(finding) -> bool:
    """pikepdf does not know the PAdES /DSS (ETSI EN 319 142-1, ISO 32000-2), which PDF/A-2
    permits; its content (certificates, OCSP responses, CRLs) is data, never rendered."""
    return _DSS_FINDING in finding.message


def _open(source: Path | bytes) -> pikepdf.Pdf:
    if isinstance(source, bytes | bytearray):
        return pikepdf.open(io.BytesIO(bytes(source)))
    return pikepdf.open(source)


def _is_signature_widget(annot: pikepdf.Dictionary) -> bool:
    if annot.get("/Subtype") != "/Widget":
        return False
    field_type = annot.get("/FT") or annot.get("/Parent", {}).get("/FT")
    return field_type == "/Sig"


def _widget_findings(pdf: pikepdf.Pdf) -> Iterator[str]:
    form = pdf.Root.get("/AcroForm")
    if form is not None and bool(form.get("/NeedAppearances", False)):
        yield "/AcroForm /NeedAppearances is true (PDF/A-2 6.4.1)"
    if form is not None and "/XFA" in form:
        yield "/AcroForm contains /XFA (PDF/A-2 6.4.2)"
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            if not _is_signature_widget(annot):
                continue
            where = f"page {number} widget {annot.get('/T', '?')}"
            flags = int(annot.get("/F", 0))
            if not flags & _PRINT or flags & _FORBIDDEN_FLAGS:
                yield f"{where}: flags {flags} must set Print and clear Hidden/NoView (6.3.2)"
            appearance = annot.get("/AP")
            if appearance is None and _zero_size(annot):
                pass  # PDF/A-2 6.3.3 exempts zero-size annotations (invisible signatures)
            elif appearance is None or set(appearance.keys()) != {"/N"}:
                yield f"{where}: appearance dictionary must hold /N only (6.3.3)"
            if "/A" in annot or "/AA" in annot:
                yield f"{where}: widget carries actions (6.4.1)"


def _zero_size(annot: pikepdf.Dictionary) -> bool:
    left, bottom, right, top = (float(v) for v in annot.get("/Rect", [0, 0, 0, 0]))
    return left == right and bottom == top


def _turn_signature_widgets_into_content(pdf: pikepdf.Pdf) -> None:
    if "/DSS" in pdf.Root:
        del pdf.Root["/DSS"]
    fields = pdf.Root.get("/AcroForm", {}).get("/Fields", [])
    if all(_field_type(field) == "/Sig" for field in fields):
        if "/AcroForm" in pdf.Root:
            del pdf.Root["/AcroForm"]
    extensions = pdf.Root.get("/Extensions")
    if extensions is not None and "/ESIC" in extensions:
        del extensions["/ESIC"]
        if not extensions.keys():
            del pdf.Root["/Extensions"]
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = [a for a in annots if not _is_signature_widget(a)]
        drawn = [a for a in annots if _is_signature_widget(a) and "/AP" in a]
        for index, widget in enumerate(drawn):
            _draw_appearance(pdf, page, widget, f"/SignedPdfaCheck{index}")
        if kept:
            page.obj.Annots = pikepdf.Array(kept)
        else:
            del page.obj["/Annots"]


def _field_type(field: pikepdf.Dictionary) -> object:
    return field.get("/FT") or field.get("/Parent", {}).get("/FT")


def _draw_appearance(pdf: pikepdf.Pdf, page: pikepdf.Page, widget, name: str) -> None:
    left, bottom = (float(v) for v in list(widget.Rect)[:2])
    resources = page.obj.get("/Resources")
    if resources is None:
        page.obj.Resources = resources = pikepdf.Dictionary()
    if "/XObject" not in resources:
        resources.XObject = pikepdf.Dictionary()
    resources.XObject[name] = widget.AP.N
    page.contents_add(pikepdf.Stream(pdf, f"q 1 0 0 1 {left} {bottom} cm {name} Do Q".encode()))
