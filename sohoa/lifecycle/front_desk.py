"""The front desk's paper: Mẫu 01 (receipt and promised date) for a complete dossier, Mẫu 02 (request
to supplement) for an incomplete one, from the dossier's stored checklist verdict.

A verdict the classifier marked ``needs_review`` is not turned into a form until a person confirms it, and
neither is a complete verdict that is not high-confidence turned into a receipt: a receipt must not be
issued on a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from sohoa.services.access import logged_access
from sohoa.services.lookup import LookupLink
from sohoa.catalog import Catalog, CatalogLookupError
from sohoa.services.db import VIETNAM_TIME, Database
from sohoa.errors import SohoaError
from sohoa.lifecycle.forms.receipt import Applicant, DeskInfo, receipt_pdf, supplement_pdf
from sohoa.models.report import ChecklistVerdict


class DossierNotReady(SohoaError):
    """The dossier has no verdict yet, or its verdict needs a person's review before a form is issued."""

    exit_code = 75  # EX_TEMPFAIL
    http_status = 409


@dataclass(frozen=True)
class FrontDeskForm:
    """A form ready to print."""

    form: str
    """``mau-01`` (receipt, complete dossier) or ``mau-02`` (request to supplement)."""
    pdf: bytes
    """The PDF."""


def front_desk_form(database: Database, catalog: Catalog, code: str, applicant: Applicant, desk: DeskInfo,
                    actor: str, confirmed: bool = False, lookup: LookupLink | None = None) -> FrontDeskForm:
    """Mẫu 01 or Mẫu 02 for dossier `code`; the applicant's name and enterprise code default to those read
    from the dossier. With `lookup`, Mẫu 01's QR code opens the public lookup and its check code is printed.
    Logged as ``form``, whatever comes of it."""
    with logged_access(database, code, actor, "form") as outcome:
        form = _form(database, catalog, code, applicant, desk, confirmed, lookup)
        outcome.ok = f"ok: {form.form}" + ("; needs_review confirmed by the caller" if confirmed else "")
    return form


def _form(database: Database, catalog: Catalog, code: str, applicant: Applicant, desk: DeskInfo,
          confirmed: bool, lookup: LookupLink | None) -> FrontDeskForm:
    record = database.get_dossier(code)
    if record.report is None:
        raise DossierNotReady(f"dossier {code}: not digitized yet (status {int(record.status)} "
                              f"{record.status.vietnamese}); try again when its report is there")
    verdict = ChecklistVerdict.model_validate(record.report["checklist"])
    # a report from before verdicts had a decision reads as "complete" by default: a person must look
    unsure = verdict.decision == "needs_review" or "decision" not in record.report["checklist"]
    if unsure and not confirmed:
        pages = ", ".join(str(page + 1) for page in verdict.review_pages) or "-"
        raise DossierNotReady(f"dossier {code}: the checklist needs a person's review first (pages {pages}); "
                              "check the papers, then ask again with confirmation")
    if verdict.complete and not verdict.high_confidence and not confirmed:
        raise DossierNotReady(f"dossier {code}: the checklist is complete but not high-confidence "
                              f"({verdict.confidence:.2f}); check the papers before a receipt is issued, "
                              "then ask again with confirmation")
    try:
        procedure = catalog.get(record.procedure_code, on=record.received_at.astimezone(VIETNAM_TIME).date())
        variant = procedure.variant(record.report.get("variant"))
    except CatalogLookupError as error:
        raise DossierNotReady(f"dossier {code}: the catalogue no longer describes it ({error})") from error
    applicant = _with_extracted_defaults(applicant, verdict)
    received = record.received_at.astimezone(VIETNAM_TIME)
    if verdict.complete:
        promised = record.promised_at.astimezone(VIETNAM_TIME).date() if record.promised_at else None
        return FrontDeskForm("mau-01", receipt_pdf(procedure, variant, verdict, code, applicant, received, desk,
                                                   promised=promised,
                                                   lookup=(lookup.url(code), lookup.check_code(code)) if lookup else None))
    return FrontDeskForm("mau-02", supplement_pdf(procedure, variant, verdict, code, applicant, received, desk))


def _with_extracted_defaults(applicant: Applicant, verdict: ChecklistVerdict) -> Applicant:
    """Name and code from one and the same checklist document, the earliest component first (the
    application form, then the registration): never a contract partner's or an unexpected paper's."""
    documents = sorted((d for d in verdict.documents if d.position is not None and d.enterprise_name),
                       key=lambda d: d.position)
    source = documents[0] if documents else None
    return Applicant(name=applicant.name or (source.enterprise_name if source else "(chưa ghi)"),
                     identifier=applicant.identifier or (source.enterprise_code if source else ""),
                     address=applicant.address, phone=applicant.phone, email=applicant.email)


__all__ = ["DossierNotReady", "FrontDeskForm", "front_desk_form"]
