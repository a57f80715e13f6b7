"""Key fields a person can trust (issue 15, part 5): every correction of a key field of a document, with the value
first read, who and when, and the hash of its access-log entry.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "field_corrections",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(64), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("extracted_value", sa.Text(), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("normalized_value", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("corrected_at", TIMESTAMP, nullable=False),
        sa.Column("event_hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"], name="fk_field_corrections_dossier_code_dossiers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_field_corrections"),
    )
    op.create_index("ix_field_corrections_dossier_code_id", "field_corrections", ["dossier_code", "id"])


def downgrade() -> None:
    op.drop_index("ix_field_corrections_dossier_code_id", table_name="field_corrections")
    op.drop_table("field_corrections")
