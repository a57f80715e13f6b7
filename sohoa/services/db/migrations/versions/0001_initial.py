"""Initial catalogue: dossiers, dossier code counters, artifacts and the append-only access log.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)

PG_APPEND_ONLY = [
    """
    CREATE FUNCTION sohoa_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = 'access_log is append-only: ' || TG_OP || ' refused';
    END
    $$
    """,
    """
    CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION sohoa_access_log_append_only()
    """,
    """
    CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION sohoa_access_log_append_only()
    """,
]
SQLITE_APPEND_ONLY = [
    """
    CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
    BEGIN SELECT RAISE(ABORT, 'access_log is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
    BEGIN SELECT RAISE(ABORT, 'access_log is append-only: DELETE refused'); END
    """,
]


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("procedure_code", sa.String(64), nullable=False),
        sa.Column("variant", sa.String(64), nullable=True),
        sa.Column("channel", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("report", JSON_DOC, nullable=True),
        sa.PrimaryKeyConstraint("code", name="pk_dossiers"),
        sa.CheckConstraint("channel BETWEEN 1 AND 3", name="ck_dossiers_channel"),
        sa.CheckConstraint("status BETWEEN 1 AND 10", name="ck_dossiers_status"),
    )
    op.create_index("ix_dossiers_received_at", "dossiers", ["received_at"])
    op.create_index("ix_dossiers_status_received_at", "dossiers", ["status", "received_at"])

    op.create_table(
        "dossier_code_counters",
        sa.Column("agency_code", sa.String(64), nullable=False),
        sa.Column("received_day", sa.Date(), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_code", "received_day", name="pk_dossier_code_counters"),
    )

    op.create_table(
        "artifacts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_artifacts"),
        sa.ForeignKeyConstraint(
            ["dossier_code"], ["dossiers.code"], name="fk_artifacts_dossier_code_dossiers", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("dossier_code", "kind", "key", name="uq_artifacts_dossier_code_kind_key"),
        sa.CheckConstraint("kind IN ('original', 'pdfa', 'signed', 'ocr', 'manifest')", name="ck_artifacts_kind"),
    )

    op.create_table(
        "access_log",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("accessed_at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_key", sa.String(1024), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_access_log"),
    )
    op.create_index("ix_access_log_dossier_code_id", "access_log", ["dossier_code", "id"])
    dialect = op.get_bind().dialect.name
    for statement in PG_APPEND_ONLY if dialect == "postgresql" else SQLITE_APPEND_ONLY if dialect == "sqlite" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS access_log_no_truncate ON access_log")
        op.execute("DROP TRIGGER IF EXISTS access_log_append_only ON access_log")
        op.execute("DROP FUNCTION IF EXISTS sohoa_access_log_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS access_log_no_delete")
        op.execute("DROP TRIGGER IF EXISTS access_log_no_update")
    op.drop_index("ix_access_log_dossier_code_id", table_name="access_log")
    op.drop_table("access_log")
    op.drop_table("artifacts")
    op.drop_table("dossier_code_counters")
    op.drop_index("ix_dossiers_status_received_at", table_name="dossiers")
    op.drop_index("ix_dossiers_received_at", table_name="dossiers")
    op.drop_table("dossiers")
