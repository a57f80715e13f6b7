"""Tables of the reuse of papers already digitized (migration 0010), on the catalogue's one ``metadata``.

``papers`` indexes every digitized paper by the keys reuse compares (:mod:`sohoa.supervision.reuse`);
``reuse_decisions`` keeps each proposal to reuse an earlier signed copy and what a person decided.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, SmallInteger, String, Table, UniqueConstraint

from sohoa.services.db.schema import BIG_ID, CODE_LENGTH, KEY_LENGTH, UTCDateTime, metadata

papers = Table(
    "papers",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("is_result", Boolean, nullable=False),
    Column("document_type", String(CODE_LENGTH), nullable=False),
    Column("number", String(255), nullable=False),
    Column("issuer", String(1000), nullable=False),
    Column("enterprise_code", String(32), nullable=False),
    Column("issue_date", String(10), nullable=False),
    Column("page_hashes", JSON, nullable=False),
    Column("signed_key", String(KEY_LENGTH), nullable=True),
    Column("signed_sha256", String(64), nullable=True),
    UniqueConstraint("dossier_code", "position", "is_result"),
    Index(None, "document_type", "enterprise_code"),
    Index(None, "signed_sha256"),
)
"""One row per digitized paper (or signed result) of a dossier, rewritten when the dossier's papers are indexed
again; the text keys as read (they are folded when compared)."""

papers_indexed = Table(
    "papers_indexed",
    metadata,
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), primary_key=True),
    Column("indexed_at", UTCDateTime, nullable=False),
)
"""Dossiers whose papers are in ``papers`` (also those that had none), so an index run skips them."""

reuse_decisions = Table(
    "reuse_decisions",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("earlier_dossier_code", String(CODE_LENGTH), nullable=False),
    Column("earlier_position", Integer, nullable=False),
    Column("earlier_key", String(KEY_LENGTH), nullable=False),
    Column("earlier_sha256", String(64), nullable=True),
    Column("state", SmallInteger, nullable=False),
    Column("hash_distance", Integer, nullable=True),
    Column("decision", String(16), nullable=False),
    Column("proposed_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decided_by", String(255), nullable=True),
    CheckConstraint("state IN (2, 3)", name="state"),
    CheckConstraint("decision IN ('proposed', 'confirmed', 'declined')", name="decision"),
    UniqueConstraint("dossier_code", "position"),
)
"""A proposal to reuse an earlier signed copy for a component, and a person's decision on it."""
