"""Key fields a person can trust, as the edges offer them: read a dossier's key fields with their confidence, page
region and check; correct one (permission ``process``). The correction is kept in the database with the value
first read (``field_corrections``) and in the hash-chained access log with the old and new value; the report and
the paper index (reuse) carry the corrected value from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sohoa.classification.checks import check_field
from sohoa.classification.keyfields import current_field
from sohoa.errors import SohoaError
from sohoa.models.report import FIELD_NAMES
from sohoa.services.access import log_filing_code, logged_access
from sohoa.services.db.fields import FieldCorrectionRecord

MAX_VALUE = 1000
"""Longest value a person may set."""


class FieldRejected(SohoaError):
    """The value fails its field's check (an MST check digit, a calendar date, the số ký hiệu form) and was not
    confirmed as printed so."""

    exit_code = 65  # EX_DATAERR
    http_status = 422


@dataclass(frozen=True)
class DocumentFields:
    """One document of a dossier with its key fields."""

    pages: tuple[int, ...]
    """Dossier page indexes of the document."""
    position: int | None
    """The checklist component it was assigned to."""
    document_type: str | None
    """The document type recognised."""
    fields: tuple[dict[str, Any], ...]
    """The five key fields (`sohoa.models.report.KeyField` as JSON), in FIELD_NAMES order."""


def document_fields(report: dict[str, Any] | None) -> list[DocumentFields]:
    """Every document of a saved report with its five key fields (older reports: built from the flat values)."""
    out = []
    for document in (report or {}).get("checklist", {}).get("documents", ()):
        out.append(DocumentFields(tuple(document.get("pages", ())), document.get("position"), document.get("document_type"),
                                  tuple(current_field(document, name) for name in FIELD_NAMES)))
    return out


def read_fields(database, code: str, actor: str) -> tuple[list[DocumentFields], list[FieldCorrectionRecord]]:
    """The dossier's documents with their key fields, and every correction made (logged as ``fields``)."""
    with logged_access(database, code, actor, "fields"):
        report = database.get_dossier(code).report
        return document_fields(report), database.field_corrections(code)


def correct_key_field(database, code: str, page: int, name: str, value: str, actor: str,
                      accept_invalid: bool = False) -> FieldCorrectionRecord:
    """Set key field `name` of the document covering page `page` to `value`; `FieldRejected` when the value fails
    its check unless `accept_invalid` (the paper itself carries it so)."""
    value = " ".join(value.split())
    try:
        if name in FIELD_NAMES:
            checked = check_field(name, value)
            if len(value) > MAX_VALUE:
                raise FieldRejected(f"dossier {code}: {name} longer than {MAX_VALUE} characters")
            if checked.state == "invalid" and not accept_invalid:
                raise FieldRejected(f"dossier {code}: {name} {value[:80]!r}: {checked.note}; confirm it is printed so "
                                    "to keep it")
        return database.correct_field(code, page, name, value, actor)
    except SohoaError as error:
        database.record_access(log_filing_code(code), actor, "field-correct", None,
                               f"failed: {type(error).__name__}: {error}")
        raise


__all__ = ["DocumentFields", "FieldRejected", "correct_key_field", "document_fields", "read_fields"]
