"""The table of key-field corrections (migration 0012), on the catalogue's one ``metadata``.

A person's correction of a key field (số ký hiệu, date, issuer, enterprise code or name) of one document: the
report and the paper index carry the corrected value from then on; this table keeps every correction, with the
value first read, so the history is never lost. Its access-log entry (hash-chained) is written in the same
transaction, and its hash is kept here.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from sohoa.services.db.schema import BIG_ID, CODE_LENGTH, UTCDateTime, metadata

field_corrections = Table(
    "field_corrections",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), nullable=False),
    Column("page", Integer, nullable=False),
    Column("field", String(32), nullable=False),
    Column("extracted_value", Text, nullable=False),
    Column("old_value", Text, nullable=False),
    Column("new_value", Text, nullable=False),
    Column("normalized_value", Text, nullable=False),
    Column("actor", String(255), nullable=False),
    Column("corrected_at", UTCDateTime, nullable=False),
    Column("event_hash", String(64), nullable=False),
    Index(None, "dossier_code", "id"),
)
"""One row per correction: the document (by a page of it), the field, the value first read, the value before and
after, who and when, and the hash of its access-log entry."""
