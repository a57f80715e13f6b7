"""Lifecycle (issue 12): promised date, department, assignee on the dossier; its history, components and results.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("promised_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("department", sa.String(255), nullable=True))
        batch.add_column(sa.Column("assignee", sa.String(255), nullable=True))
        batch.add_column(sa.Column("before_supplement", sa.SmallInteger(), nullable=True))
    op.create_index("ix_dossiers_assignee_promised_at", "dossiers", ["assignee", "promised_at"])
    op.create_index("ix_dossiers_department_promised_at", "dossiers", ["department", "promised_at"])
    op.create_table(
        "dossier_events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.SmallInteger(), nullable=True),
        sa.Column("to_status", sa.SmallInteger(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", JSON_DOC, nullable=False),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_dossier_events_dossier_code_dossiers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_dossier_events"),
        sa.UniqueConstraint("dossier_code", "sequence", name="uq_dossier_events_dossier_code_sequence"),
    )
    op.create_index("ix_dossier_events_at", "dossier_events", ["at"])
    op.create_index("ix_dossier_events_action_at", "dossier_events", ["action", "at"])
    op.create_table(
        "dossier_components",
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("required", sa.SmallInteger(), nullable=False),
        sa.Column("state", sa.SmallInteger(), nullable=False),
        sa.Column("signed_key", sa.String(1024), nullable=True),
        sa.Column("signed_sha256", sa.String(64), nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("state BETWEEN 0 AND 3", name="ck_dossier_components_state"),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_dossier_components_dossier_code_dossiers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dossier_code", "position", name="pk_dossier_components"),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("signed_key", sa.String(1024), nullable=False),
        sa.Column("signed_sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("signer", sa.Text(), nullable=False),
        sa.Column("issued_at", TIMESTAMP, nullable=False),
        sa.Column("issued_by", sa.String(255), nullable=False),
        sa.CheckConstraint("kind IN ('result', 'refusal', 'apology')", name="ck_results_kind"),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_results_dossier_code_dossiers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_results"),
    )
    op.create_index("ix_results_dossier_code", "results", ["dossier_code"])
    op.create_index("ix_results_signed_sha256", "results", ["signed_sha256"])


def downgrade() -> None:
    op.drop_table("results")
    op.drop_table("dossier_components")
    op.drop_table("dossier_events")
    op.drop_index("ix_dossiers_department_promised_at", "dossiers")
    op.drop_index("ix_dossiers_assignee_promised_at", "dossiers")
    with op.batch_alter_table("dossiers") as batch:
        for column in ("before_supplement", "assignee", "department", "promised_at"):
            batch.drop_column(column)
