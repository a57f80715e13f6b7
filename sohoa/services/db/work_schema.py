"""The table of digitization work (migration 0007), on the catalogue's one ``metadata``.

A row is written in the same transaction as the dossier it belongs to (or its supplement), before any queue
hears of it, so the database alone says what is still to be done: the queue may lose a job (Redis keeps
nothing on disk), the row does not, and a worker's sweep puts it back.
"""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text

from sohoa.services.db.schema import CODE_LENGTH, UTCDateTime, metadata

WORK_STATES = ("queued", "working", "retrying", "done", "failed")
"""queued: waiting for a worker; working: a worker has it; retrying: an attempt failed, another is scheduled;
done: digitized; failed: given up, with its reason (``sohoa retry`` queues it again)."""

dossier_work = Table(
    "dossier_work",
    metadata,
    Column("job_id", String(128), primary_key=True),
    Column("dossier_code", String(CODE_LENGTH), ForeignKey("dossiers.code", ondelete="CASCADE"), nullable=False),
    Column("sources", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("state IN ('queued', 'working', 'retrying', 'done', 'failed')", name="state"),
    Index(None, "dossier_code"),
    Index(None, "state", "updated_at"),
)
"""One row per digitization job of a dossier (its reception, each supplement): the originals to read, where it
stands, how many attempts it took and, when it failed, why."""
