"""Archive integrity: SHA-512 of artifacts, hash-chained access log, preservation events, fixity state,
audit anchors.

Existing access-log entries are chained in id order (the append-only triggers are lifted for this one
backfill, inside the migration's transaction, and put back).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from sohoa.services.db.chain import GENESIS, event_hash

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)

PG_PRESERVATION_APPEND_ONLY = [
    """
    CREATE TRIGGER preservation_events_append_only BEFORE UPDATE OR DELETE ON preservation_events
    FOR EACH ROW EXECUTE FUNCTION sohoa_access_log_append_only()
    """,
    """
    CREATE TRIGGER preservation_events_no_truncate BEFORE TRUNCATE ON preservation_events
    FOR EACH STATEMENT EXECUTE FUNCTION sohoa_access_log_append_only()
    """,
]
SQLITE_PRESERVATION_APPEND_ONLY = [
    """
    CREATE TRIGGER preservation_events_no_update BEFORE UPDATE ON preservation_events
    BEGIN SELECT RAISE(ABORT, 'preservation_events is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER preservation_events_no_delete BEFORE DELETE ON preservation_events
    BEGIN SELECT RAISE(ABORT, 'preservation_events is append-only: DELETE refused'); END
    """,
]


def _backfill_chain(dialect: str) -> None:
    if context.is_offline_mode():  # `upgrade --sql`: the DBA's script cannot hash rows; run upgrade online
        return
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, dossier_code, accessed_at, actor, action, object_key, outcome FROM access_log ORDER BY id"
    )).all()
    if not rows:
        return
    from datetime import UTC, datetime

    if dialect == "postgresql":
        op.execute("ALTER TABLE access_log DISABLE TRIGGER access_log_append_only")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER access_log_no_update")
    prev = GENESIS
    for row in rows:
        moment = row.accessed_at
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        digest = event_hash(prev, row.dossier_code, moment, row.actor, row.action, row.object_key, row.outcome)
        bind.execute(sa.text("UPDATE access_log SET prev_hash = :p, event_hash = :h WHERE id = :i"),
                     {"p": prev, "h": digest, "i": row.id})
        prev = digest
    if dialect == "postgresql":
        op.execute("ALTER TABLE access_log ENABLE TRIGGER access_log_append_only")
    elif dialect == "sqlite":
        op.execute("""
    CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
    BEGIN SELECT RAISE(ABORT, 'access_log is append-only: UPDATE refused'); END
    """)


def upgrade() -> None:
    dialect = context.get_context().dialect.name
    op.add_column("artifacts", sa.Column("sha512", sa.String(128), nullable=True))
    op.add_column("access_log", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("access_log", sa.Column("event_hash", sa.String(64), nullable=True))
    _backfill_chain(dialect)

    op.create_table(
        "preservation_events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("object_key", sa.String(1024), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("agent", sa.String(255), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_preservation_events"),
    )
    op.create_index("ix_preservation_events_object_key_id", "preservation_events", ["object_key", "id"])
    for statement in (PG_PRESERVATION_APPEND_ONLY if dialect == "postgresql"
                      else SQLITE_PRESERVATION_APPEND_ONLY if dialect == "sqlite" else []):
        op.execute(statement)

    op.create_table(
        "fixity_state",
        sa.Column("object_key", sa.String(1024), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("sha512", sa.String(128), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("registered_at", TIMESTAMP, nullable=False),
        sa.Column("last_checked_at", TIMESTAMP, nullable=True),
        sa.Column("last_outcome", sa.String(16), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("object_key", name="pk_fixity_state"),
    )
    op.create_index("ix_fixity_state_last_checked_at", "fixity_state", ["last_checked_at"])

    op.create_table(
        "audit_anchors",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("anchored_at", TIMESTAMP, nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("object_key", sa.String(1024), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_anchors"),
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_table("audit_anchors")
    op.drop_index("ix_fixity_state_last_checked_at", table_name="fixity_state")
    op.drop_table("fixity_state")
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS preservation_events_no_truncate ON preservation_events")
        op.execute("DROP TRIGGER IF EXISTS preservation_events_append_only ON preservation_events")
    op.drop_index("ix_preservation_events_object_key_id", table_name="preservation_events")
    op.drop_table("preservation_events")
    with op.batch_alter_table("access_log") as batch:
        batch.drop_column("event_hash")
        batch.drop_column("prev_hash")
    with op.batch_alter_table("artifacts") as batch:
        batch.drop_column("sha512")
