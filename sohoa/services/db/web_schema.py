"""The tables of the web pages (migration 0009), on the catalogue's one ``metadata``.

Sessions are stored by the SHA-256 of their cookie value, so a copy of the database lets no one in; lookup
failures are kept per client (a digest of its address) to slow down guessing on the public status page;
the digitization progress of a dossier is what the front desk's page polls while the worker reads it.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from sohoa.services.db.schema import CODE_LENGTH, UTCDateTime, metadata

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("user_name", String(100), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Index(None, "user_name"),
)
"""One row per signed-in browser: whose it is, its form token, until when it holds, and when it was ended."""

lookup_failures = Table(
    "lookup_failures",
    metadata,
    Column("client", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
)
"""Wrong dossier code / check code pairs asked by one client on the public status page, and until when it waits."""

dossier_progress = Table(
    "dossier_progress",
    metadata,
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), primary_key=True),
    Column("stage", String(32), nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""How far the worker is in digitizing a dossier: the stage and the pages (or components) it has done."""
