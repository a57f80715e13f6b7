"""Tables of supervision (migration 0011), on the catalogue's one ``metadata``.

``dossier_stats`` is one row per dossier: what the 766 indicators need of it, folded from its recorded events and
rewritten in the transaction of every event (``sohoa.lifecycle.ledger``), so the indicators are SQL aggregates
over indexed columns. ``violations`` holds the violations each dossier stands accused of, rewritten with it.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, SmallInteger, String, Table, text

from sohoa.services.db.schema import BIG_ID, CODE_LENGTH, JSON_DOC, UTCDateTime, metadata

dossier_stats = Table(
    "dossier_stats",
    metadata,
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), primary_key=True),
    Column("agency", String(CODE_LENGTH), nullable=False),
    Column("department", String(255), nullable=True),
    Column("procedure_code", String(CODE_LENGTH), nullable=False),
    Column("channel", SmallInteger, nullable=False),
    Column("status", SmallInteger, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("promised_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("returned_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("apology_at", UTCDateTime, nullable=True),
    Column("outcome", String(8), nullable=True),
    Column("result_digitized", SmallInteger, nullable=False),
    Column("components_total", SmallInteger, nullable=False),
    Column("components_digitized", SmallInteger, nullable=False),
    Column("components_reused", SmallInteger, nullable=False),
    Column("late_after", UTCDateTime, nullable=True),
    Column("second_request_at", UTCDateTime, nullable=True),
    Column("open_until", UTCDateTime, nullable=False),
    Column("overdue_from", UTCDateTime, nullable=True),
    Index(None, "agency", "received_at"),
    Index(None, "agency", "finished_at"),
    Index(None, "received_at"),
    Index(None, "finished_at"),
    Index("ix_dossier_stats_overdue", "agency", "open_until", postgresql_where=text("overdue_from IS NOT NULL"),
          sqlite_where=text("overdue_from IS NOT NULL")),
)

violations = Table(
    "violations",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("evidence", JSON_DOC, nullable=False),
    Column("flagged_at", UTCDateTime, nullable=False),
    Index(None, "at"),
    Index(None, "dossier_code"),
)
