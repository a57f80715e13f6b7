"""Reliability (issue 14): the digitization work of every dossier, kept in the database rather than only in the queue.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dossier_work",
        sa.Column("job_id", sa.String(128), nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("state IN ('queued', 'working', 'retrying', 'done', 'failed')", name="ck_dossier_work_state"),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_dossier_work_dossier_code_dossiers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", name="pk_dossier_work"),
    )
    op.create_index("ix_dossier_work_dossier_code", "dossier_work", ["dossier_code"])
    op.create_index("ix_dossier_work_state_updated_at", "dossier_work", ["state", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_dossier_work_state_updated_at", table_name="dossier_work")
    op.drop_index("ix_dossier_work_dossier_code", table_name="dossier_work")
    op.drop_table("dossier_work")
