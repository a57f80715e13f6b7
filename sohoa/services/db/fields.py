"""Key-field corrections in the catalogue database: one transaction sets the field in the saved report, the paper
index and the corrections table, and appends the hash-chained access-log entry with the old and new value.

A mixin of :class:`sohoa.services.db.Database`, which provides the transactions, the clock and the log.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sohoa.classification.keyfields import corrected_document, current_field, document_of_page
from sohoa.models.report import FIELD_NAMES
from sohoa.services.db.errors import KeyFieldNotFound
from sohoa.services.db.fields_schema import field_corrections
from sohoa.services.db.reuse_schema import papers
from sohoa.services.db.rows import not_found
from sohoa.services.db.schema import access_log, dossiers

INDEXED = {"number": "number", "issue_date": "issue_date", "issuer": "issuer", "enterprise_code": "enterprise_code"}
"""Key fields the paper index (reuse) keeps, and their columns."""
_SHOWN = 120
"""Characters of a value the access-log entry shows."""


@dataclass(frozen=True)
class FieldCorrectionRecord:
    """One correction of a key field."""

    dossier_code: str
    """The dossier."""
    page: int
    """The dossier page index the correction was made on (the document covering it was corrected)."""
    field: str
    """The key field's name."""
    extracted_value: str
    """The value first read from the page."""
    old_value: str
    """The value before this correction (an earlier correction, or the value read)."""
    new_value: str
    """The value a person set."""
    normalized_value: str
    """Its normal form, which the report's flat value and the paper index now hold."""
    actor: str
    """Who (as the access log records them)."""
    corrected_at: datetime
    """When, UTC."""
    event_hash: str
    """Hash of the correction's access-log entry."""


class FieldsMixin:
    """``correct_field``, ``field_corrections``."""

    _clock: Callable[[], datetime]
    _write: Callable[..., AbstractContextManager[Connection]]
    _read: Callable[..., AbstractContextManager[Connection]]
    _append_access: Callable[..., None]

    def correct_field(self, code: str, page: int, field: str, value: str, actor: str) -> FieldCorrectionRecord:
        """Set key field `field` of the document covering page `page` to `value`, everywhere it is kept."""
        if field not in FIELD_NAMES:
            raise KeyFieldNotFound(code, f"{field[:40]!r} is not a key field ({', '.join(FIELD_NAMES)})")
        with self._write(f"correct field {field} of dossier {code}", code) as connection:
            row = connection.execute(select(dossiers.c.report).where(dossiers.c.code == code).with_for_update()).first()
            if row is None:
                raise not_found(code)
            report: dict[str, Any] = row.report or {}
            position = document_of_page(report, page)
            if position is None:
                raise KeyFieldNotFound(code, f"no document covers page {page}")
            at = self._clock()
            documents = list(report["checklist"]["documents"])
            before = current_field(documents[position], field)
            extracted = (before.get("correction") or {}).get("extracted_value", before.get("value", ""))
            documents[position] = corrected_document(documents[position], field, value, actor, at.isoformat())
            normalized = documents[position][field]
            report = {**report, "checklist": {**report["checklist"], "documents": documents}}
            connection.execute(update(dossiers).where(dossiers.c.code == code).values(report=report, updated_at=at))
            _reindex(connection, code, documents[position].get("position"), field, normalized)
            outcome = (f"ok: page {page} {field} {before.get('value', '')[:_SHOWN]!r} -> {value[:_SHOWN]!r}"
                       f" (read {extracted[:_SHOWN]!r})")
            self._append_access(connection, code, actor, "field-correct", None, outcome)
            digest = connection.execute(select(access_log.c.event_hash).order_by(access_log.c.id.desc()).limit(1)).scalar()
            record = FieldCorrectionRecord(code, page, field, extracted, before.get("value", ""), value, normalized, actor,
                                           at, digest)
            connection.execute(insert(field_corrections).values(
                dossier_code=code, page=page, field=field, extracted_value=extracted, old_value=record.old_value,
                new_value=value, normalized_value=normalized, actor=actor, corrected_at=at, event_hash=digest))
        return record

    def field_corrections(self, code: str) -> list[FieldCorrectionRecord]:
        """Every correction of dossier `code`'s key fields, oldest first."""
        with self._read(f"read the field corrections of dossier {code}", code) as connection:
            rows = connection.execute(select(field_corrections).where(field_corrections.c.dossier_code == code)
                                      .order_by(field_corrections.c.id)).all()
        return [FieldCorrectionRecord(r.dossier_code, r.page, r.field, r.extracted_value, r.old_value, r.new_value,
                                      r.normalized_value, r.actor, r.corrected_at, r.event_hash) for r in rows]


def corrections_to_apply(connection: Connection, code: str) -> list[dict[str, Any]]:
    """The corrections of dossier `code` as :func:`sohoa.classification.keyfields.apply_corrections` takes them."""
    rows = connection.execute(select(field_corrections).where(field_corrections.c.dossier_code == code)
                              .order_by(field_corrections.c.id)).all()
    return [{"page": r.page, "field": r.field, "extracted_value": r.extracted_value, "new_value": r.new_value,
             "actor": r.actor, "at": r.corrected_at.isoformat()} for r in rows]


def _reindex(connection: Connection, code: str, position: int | None, field: str, normalized: str) -> None:
    if position is None or field not in INDEXED:
        return
    connection.execute(update(papers).where(papers.c.dossier_code == code, papers.c.position == position,
                                            papers.c.is_result.is_(False)).values({INDEXED[field]: normalized}))
