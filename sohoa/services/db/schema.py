"""Tables of the catalogue database (SQLAlchemy Core). The Alembic migrations must build exactly this.

``tests/test_db.py`` checks that ``alembic upgrade head`` and this metadata agree (no autogenerate diff).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names are derived, so migrations can refer to them by name on every backend."""

CODE_LENGTH = 64
"""Longest dossier / procedure / agency code stored."""
KEY_LENGTH = 1024
"""Longest object-storage key stored (the S3 limit)."""


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps stored as UTC; always read back as aware UTC datetimes.

    PostgreSQL stores ``timestamp with time zone``; SQLite has no zone, so the UTC wall time is
    stored and the zone re-attached on read. Naive datetimes are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: pass a timezone-aware datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


BIG_ID = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit surrogate keys; INTEGER on SQLite so the column is the auto-incrementing rowid."""
JSON_DOC: Any = JSON().with_variant(JSONB(), "postgresql")
"""JSON documents: JSONB on PostgreSQL, JSON (text) elsewhere."""

metadata = MetaData(naming_convention=NAMING_CONVENTION)

dossiers = Table(
    "dossiers",
    metadata,
    Column("code", String(CODE_LENGTH), primary_key=True),
    Column("procedure_code", String(CODE_LENGTH), nullable=False),
    Column("variant", String(CODE_LENGTH), nullable=True),
    Column("channel", SmallInteger, nullable=False),
    Column("status", SmallInteger, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("error", Text, nullable=True),
    Column("report", JSON_DOC, nullable=True),
    Column("promised_at", UTCDateTime, nullable=True),
    Column("department", String(255), nullable=True),
    Column("assignee", String(255), nullable=True),
    Column("before_supplement", SmallInteger, nullable=True),
    CheckConstraint("channel BETWEEN 1 AND 3", name="channel"),
    CheckConstraint("status BETWEEN 1 AND 10", name="status"),
    Index(None, "received_at"),
    Index(None, "status", "received_at"),
    Index(None, "assignee", "promised_at"),
    Index(None, "department", "promised_at"),
)

dossier_code_counters = Table(
    "dossier_code_counters",
    metadata,
    Column("agency_code", String(CODE_LENGTH), primary_key=True),
    Column("received_day", Date, primary_key=True),
    Column("last_serial", Integer, nullable=False),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column(
        "dossier_code",
        String(CODE_LENGTH),
        ForeignKey("dossiers.code", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", String(16), nullable=False),
    Column("key", String(KEY_LENGTH), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("position", Integer, nullable=True),
    Column("sha512", String(128), nullable=True),
    CheckConstraint("kind IN ('original', 'pdfa', 'signed', 'ocr', 'manifest')", name="kind"),
    UniqueConstraint("dossier_code", "kind", "key"),
)

access_log = Table(
    "access_log",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("dossier_code", String(CODE_LENGTH), nullable=False),
    Column("accessed_at", UTCDateTime, nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object_key", String(KEY_LENGTH), nullable=True),
    Column("outcome", Text, nullable=False),
    Column("prev_hash", String(64), nullable=True),
    Column("event_hash", String(64), nullable=True),
    Index(None, "dossier_code", "id"),
)
"""Append-only: the migrations add triggers that refuse UPDATE and DELETE on both backends. No foreign
key to ``dossiers``: attempts on unknown codes are logged too, and the log outlives any dossier.
Hash-chained (migration 0002): ``event_hash`` = SHA-256 over ``prev_hash`` and the entry, see
:mod:`sohoa.services.db.chain`; the first entry's ``prev_hash`` is :data:`sohoa.services.db.chain.GENESIS`."""

preservation_events = Table(
    "preservation_events",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("event_type", String(32), nullable=False),
    Column("object_key", String(KEY_LENGTH), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("agent", String(255), nullable=False),
    Column("detail", Text, nullable=False),
    Index(None, "object_key", "id"),
)
"""PREMIS-style preservation events (fixity checks, repairs, ingests): append-only like ``access_log``."""

fixity_state = Table(
    "fixity_state",
    metadata,
    Column("object_key", String(KEY_LENGTH), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("sha512", String(128), nullable=True),
    Column("size", BigInteger, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("last_checked_at", UTCDateTime, nullable=True),
    Column("last_outcome", String(16), nullable=True),
    Column("failures", Integer, nullable=False),
    Index(None, "last_checked_at"),
)
"""One row per tracked stored object: the digests fixity audits check against and when each was last
checked (audits take never-checked and failed objects first, then the longest unchecked)."""

audit_anchors = Table(
    "audit_anchors",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("anchored_at", UTCDateTime, nullable=False),
    Column("last_event_id", BigInteger, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("object_key", String(KEY_LENGTH), nullable=False),
)
"""Where and when the access-log chain head was written to write-once storage."""

api_users = Table(
    "api_users",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("token_sha256", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("token_rotated_at", UTCDateTime, nullable=True),
    CheckConstraint("role IN ('intake', 'specialist', 'auditor', 'admin')", name="role"),
    UniqueConstraint("name"),
    UniqueConstraint("token_sha256"),
)
"""People and services allowed to call the API (migration 0003): a role (``sohoa.services.access.Role``) and the
SHA-256 of their token; the token itself is never stored. A revoked row stays, so the log's names resolve.
``token_rotated_at`` (migration 0005) is when the current token replaced an earlier one."""

page_texts = Table(
    "page_texts",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code"), nullable=False),
    Column("page_index", Integer, nullable=False),
    Column("position", Integer, nullable=True),
    Column("document_type", String(CODE_LENGTH), nullable=True),
    Column("text", Text, nullable=False),
    Column("folded", Text, nullable=False),
    UniqueConstraint("dossier_code", "page_index"),
)
"""The searchable text of every digitized page (migration 0004), rewritten with each saved report in the
same transaction: ``text`` as OCR read it, ``folded`` its lower-case skeleton without diacritics
(:func:`sohoa.ocr.text.fold_diacritics`), which searches match against."""
