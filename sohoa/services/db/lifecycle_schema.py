"""Tables of the dossier lifecycle (migration 0006), on the catalogue's one ``metadata``.

``dossier_events`` is the dossier's history: one row per transition, numbered per dossier, never updated;
``dossier_components`` the digitization state of every checklist component; ``results`` the signed results
(kết quả, refusals Mẫu 03, apology letters Mẫu 04) issued for a dossier.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, SmallInteger, String, Table, Text, UniqueConstraint

from sohoa.services.db.schema import BIG_ID, CODE_LENGTH, JSON_DOC, KEY_LENGTH, UTCDateTime, metadata

dossier_events = Table(
    "dossier_events",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_status", SmallInteger, nullable=True),
    Column("to_status", SmallInteger, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(255), nullable=False),
    Column("reason", Text, nullable=False),
    Column("details", JSON_DOC, nullable=False),
    UniqueConstraint("dossier_code", "sequence"),
    Index(None, "at"),
    Index(None, "action", "at"),
)

dossier_components = Table(
    "dossier_components",
    metadata,
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("required", SmallInteger, nullable=False),
    Column("state", SmallInteger, nullable=False),
    Column("signed_key", String(KEY_LENGTH), nullable=True),
    Column("signed_sha256", String(64), nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("state BETWEEN 0 AND 3", name="state"),
)

results = Table(
    "results",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("signed_key", String(KEY_LENGTH), nullable=False),
    Column("signed_sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("level", String(8), nullable=False),
    Column("signer", Text, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("issued_by", String(255), nullable=False),
    CheckConstraint("kind IN ('result', 'refusal', 'apology')", name="kind"),
    Index(None, "dossier_code"),
    Index(None, "signed_sha256"),
)
